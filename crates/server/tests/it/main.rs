//! Integration tests of the server: real requests through `app(state)` with
//! `tower::ServiceExt::oneshot` (no sockets, no sleeps), on a temporary SQLite store.

mod admin;
mod auth;
mod exports;
mod limits;
mod logs;
mod openapi;
mod policy_property;
mod reports;
mod support;
mod taxii_add;
mod throttle;
mod tls;
