//! Integration tests of the TAXII router: real HTTP requests through `oneshot`, no sockets and
//! no sleeps, against a SQLite store in a temporary directory.

mod access;
mod add;
mod discovery;
mod errors;
mod harness;
mod paging;
mod reads;
