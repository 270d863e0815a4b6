//! [`ApiError`]: the one place where errors become HTTP responses.
//!
//! Errors under `/taxii2/` are rendered as TAXII 2.1 error messages (section 3.6.1,
//! `application/taxii+json;version=2.1`); errors elsewhere (the admin API under `/api/v1/`)
//! as RFC 9457 problem details (`application/problem+json`). A 4xx explains the problem to
//! the client; a 5xx only says that something failed and gives the request id, and the
//! details are logged once, inside the request span.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::trace::current_request_id;

/// The media type of TAXII 2.1 messages.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

/// The media type of RFC 9457 problem details.
pub const PROBLEM_MEDIA_TYPE: &str = "application/problem+json";

/// How an error body is written, chosen by the request path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat {
    /// A TAXII 2.1 error message.
    Taxii,
    /// RFC 9457 problem details.
    Problem,
}

impl ErrorFormat {
    /// Returns the format for a request path: TAXII under `/taxii2/`, problem details
    /// elsewhere.
    pub fn for_path(path: &str) -> Self {
        if path == "/taxii2" || path.starts_with("/taxii2/") {
            Self::Taxii
        } else {
            Self::Problem
        }
    }
}

/// An error answered to an HTTP client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No credentials, or credentials that do not authenticate (401).
    #[error("authentication required: give HTTP Basic credentials or a Bearer token")]
    Unauthenticated,
    /// The principal may not do this (403).
    #[error("{reason}")]
    Forbidden {
        /// Why, in words the client can act on.
        reason: String,
    },
    /// Nothing by this name, or nothing the principal may see (404).
    #[error("{what} not found")]
    NotFound {
        /// What was asked for.
        what: String,
    },
    /// The request is malformed (400).
    #[error("{reason}")]
    BadRequest {
        /// What is wrong, and where.
        reason: String,
    },
    /// The request conflicts with what exists (409).
    #[error("{reason}")]
    Conflict {
        /// What already exists.
        reason: String,
    },
    /// The request is well-formed but refused by a rule (422), e.g. programme eligibility or
    /// the onward-sharing policy.
    #[error("{reason}")]
    Unprocessable {
        /// The rule and the value that broke it.
        reason: String,
    },
    /// The body's media type is not one the route reads (415).
    #[error("{reason}")]
    UnsupportedMediaType {
        /// The media type given and those accepted.
        reason: String,
    },
    /// The body is larger than the node accepts (413).
    #[error("request body larger than the {limit} bytes this server accepts")]
    PayloadTooLarge {
        /// The limit in bytes (`max_content_length`).
        limit: u64,
    },
    /// The principal sent too many requests (429).
    #[error("too many requests: retry after {retry_after_secs} s")]
    TooManyRequests {
        /// Seconds until a request will be accepted again.
        retry_after_secs: u64,
    },
    /// Something failed on the server (500); logged, never shown.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// Returns the HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Returns a forbidden error naming the reason.
    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::Forbidden {
            reason: reason.into(),
        }
    }

    /// Returns a not-found error naming what was asked for.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    /// Returns a bad-request error.
    pub fn bad_request(reason: impl Into<String>) -> Self {
        Self::BadRequest {
            reason: reason.into(),
        }
    }

    /// Returns an internal error, keeping its source for the log.
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(error))
    }

    /// Renders the error in `format`.
    pub fn into_response_as(self, format: ErrorFormat) -> Response {
        let status = self.status();
        let request_id = current_request_id();
        let description = match &self {
            Self::Internal(source) => {
                // The details go to the log once, inside the request span; the client gets
                // only the request id.
                tracing::error!(error = %source, "request failed");
                match &request_id {
                    Some(id) => format!("the server failed to answer; request id {id}"),
                    None => "the server failed to answer".to_owned(),
                }
            }
            other => other.to_string(),
        };
        let title = status.canonical_reason().unwrap_or("Error");
        let (media_type, body) = match format {
            ErrorFormat::Taxii => (
                TAXII_MEDIA_TYPE,
                taxii_error_body(status, title, &description, request_id.as_deref()),
            ),
            ErrorFormat::Problem => {
                let mut body = json!({
                    "type": "about:blank",
                    "title": title,
                    "status": status.as_u16(),
                    "detail": description,
                });
                if let Some(id) = &request_id {
                    body["request_id"] = json!(id);
                }
                (PROBLEM_MEDIA_TYPE, body)
            }
        };
        let mut response = (status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        match self {
            Self::Unauthenticated => {
                headers.append(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Basic realm="phalanx", charset="UTF-8""#),
                );
                headers.append(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer realm="phalanx""#),
                );
            }
            Self::TooManyRequests { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            _ => {}
        }
        response
    }
}

impl IntoResponse for ApiError {
    /// Renders the error as problem details (the admin API's format); middleware that serves
    /// TAXII paths uses [`ApiError::into_response_as`].
    fn into_response(self) -> Response {
        self.into_response_as(ErrorFormat::Problem)
    }
}

impl From<store::Error> for ApiError {
    fn from(error: store::Error) -> Self {
        use store::Error as E;
        match error {
            E::CollectionNotFound { .. } | E::ApiRootNotFound { .. } => Self::NotFound {
                what: error.to_string().trim_end_matches(" not found").to_owned(),
            },
            E::AmbiguousCollection { .. } | E::Invalid { .. } => Self::BadRequest {
                reason: error.to_string(),
            },
            E::AlreadyExists { .. } => Self::Conflict {
                reason: error.to_string(),
            },
            other => Self::internal(other),
        }
    }
}

/// Returns a TAXII 2.1 error message (section 3.6.1): `title`, `description`, `http_status`
/// (a string, as the specification types it) and, when known, the request id in `details`.
pub fn taxii_error_body(
    status: StatusCode,
    title: &str,
    description: &str,
    request_id: Option<&str>,
) -> Value {
    let mut body = json!({
        "title": title,
        "description": description,
        "http_status": status.as_u16().to_string(),
    });
    if let Some(id) = request_id {
        body["details"] = json!({ "request_id": id });
    }
    body
}
