//! TAXII errors: [`TaxiiError`] and the error message resource of TAXII 2.1 section 3.6.1,
//! which is the body of every error response under `/taxii2/`.
//!
//! A 4xx says what is wrong and where (the parameter, the JSON path); a 5xx only says that the
//! server failed, with an id that is also logged next to the cause.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::media::TAXII_MEDIA_TYPE;

/// An error answered to a TAXII client.
#[derive(Debug, thiserror::Error)]
pub enum TaxiiError {
    /// The request is malformed: a filter, `limit` or `next` that cannot be used, or a body
    /// that is not JSON (400).
    #[error("{0}")]
    BadRequest(String),
    /// The request carries no usable credentials (401). The server's authentication
    /// middleware answers this before a TAXII handler runs; a handler meets it only when the
    /// router was mounted without that middleware, and then fails closed.
    #[error("authentication required")]
    Unauthorized,
    /// The principal may see the resource but not do this with it (403).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing by this name, or nothing the principal may see (404).
    #[error("{0}")]
    NotFound(String),
    /// The path exists but not with this method (405).
    #[error("{method} is not allowed here; allowed: {allow}")]
    MethodNotAllowed {
        /// The method used.
        method: String,
        /// The methods the path accepts, as the `Allow` header lists them.
        allow: &'static str,
    },
    /// The `Accept` header names no media type this endpoint can answer with (406).
    #[error("{0}")]
    NotAcceptable(String),
    /// The body is larger than `max_content_length` (413).
    #[error("the request body is larger than max_content_length ({limit} bytes)")]
    PayloadTooLarge {
        /// The API root's `max_content_length`.
        limit: u64,
    },
    /// The body's `Content-Type` is not a TAXII 2.1 envelope (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body is JSON but not something this endpoint can process, such as an envelope
    /// whose `objects` is not a list (422).
    #[error("{0}")]
    Unprocessable(String),
    /// The server failed (500). The cause is logged with `error_id`; the client sees only
    /// the id.
    #[error("the server failed to answer (error id {error_id})")]
    Internal {
        /// An id naming this failure in the log.
        error_id: String,
    },
}

impl TaxiiError {
    /// Returns the HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs `error` once with a fresh id and returns the 500 that names only that id.
    pub fn internal(error: &(dyn std::error::Error + 'static)) -> Self {
        let error_id = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(%error_id, error = %DisplayChain(error), "taxii request failed");
        Self::Internal { error_id }
    }

    /// Returns the error message resource of this error.
    pub fn message(&self) -> ErrorMessage {
        let status = self.status();
        let mut message = ErrorMessage::new(status, self.to_string());
        if let Self::Internal { error_id } = self {
            message.error_id = Some(error_id.clone());
        }
        message
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let mut response = self.message().into_response();
        match &self {
            Self::MethodNotAllowed { allow, .. } => {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            Self::Unauthorized => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Basic realm="phalanx", charset="UTF-8""#),
                );
            }
            _ => {}
        }
        response
    }
}

impl From<store::Error> for TaxiiError {
    fn from(error: store::Error) -> Self {
        match error {
            store::Error::CollectionNotFound { name } => {
                Self::NotFound(format!("collection {name} not found"))
            }
            store::Error::ApiRootNotFound { name } => {
                Self::NotFound(format!("API root {name} not found"))
            }
            store::Error::Invalid { .. } => Self::BadRequest(error.to_string()),
            other => Self::internal(&other),
        }
    }
}

/// The error message resource of TAXII 2.1 (section 3.6.1).
///
/// `http_status` is a string, as the specification types it. Extra properties are allowed by
/// the specification; this server adds none.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorMessage {
    /// A short title (the status's reason phrase).
    pub title: String,
    /// What went wrong, for a person to act on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// An identifier of this error occurrence, also logged by the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// A server-specific error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The HTTP status code, as a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<String>,
    /// A URL with more information.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_details: Option<String>,
    /// Further machine-readable details.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, Value>,
}

impl ErrorMessage {
    /// Returns the message for `status` with `description`, titled by the status's reason
    /// phrase.
    pub fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            description: Some(description.into()),
            error_id: None,
            error_code: None,
            http_status: Some(status.as_u16().to_string()),
            external_details: None,
            details: BTreeMap::new(),
        }
    }

    /// Returns the HTTP status named by `http_status` (500 when it names none).
    pub fn status(&self) -> StatusCode {
        self.http_status
            .as_deref()
            .and_then(|status| status.parse::<u16>().ok())
            .and_then(|status| StatusCode::from_u16(status).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for ErrorMessage {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self).expect("an error message serializes");
        let mut response = (self.status(), body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(TAXII_MEDIA_TYPE),
        );
        response
    }
}

/// Returns a complete TAXII error response: `status`, the TAXII media type and an error
/// message whose description is `description`. For errors answered before a TAXII handler
/// runs (authentication, rate limits, body limits) on TAXII paths; add headers such as
/// `WWW-Authenticate` or `Retry-After` to the returned response.
pub fn error_response(status: StatusCode, description: impl Into<String>) -> Response {
    ErrorMessage::new(status, description).into_response()
}

/// Displays an error with its chain of sources, for the log.
struct DisplayChain<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(error) = source {
            write!(f, ": {error}")?;
            source = error.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_message_has_a_string_status_and_omits_empty_properties() {
        let message = TaxiiError::NotFound("collection x not found".to_owned()).message();
        assert_eq!(
            serde_json::to_string(&message).unwrap(),
            r#"{"title":"Not Found","description":"collection x not found","http_status":"404"}"#
        );
        let internal = TaxiiError::Internal {
            error_id: "abc".to_owned(),
        }
        .message();
        assert_eq!(internal.error_id.as_deref(), Some("abc"));
        assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
