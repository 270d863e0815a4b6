//! Server discovery (section 4.1) and API root information (section 4.2).

use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use store::Store;

use super::{TaxiiPath, taxii_json};
use crate::media::{TAXII_MEDIA_TYPE, check_accept};
use crate::principal::Caller;
use crate::resources::{ApiRootResource, Discovery};
use crate::{TaxiiError, TaxiiState};

/// Characters kept as they are in a path segment: RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `GET /taxii2/`: the server's title and the URLs of its API roots.
pub(crate) async fn discovery(
    State(state): State<TaxiiState>,
    _caller: Caller,
    headers: HeaderMap,
    OriginalUri(original): OriginalUri,
) -> Result<Response, TaxiiError> {
    check_accept(&headers)?;
    let base = base_url(&state, &original);
    let api_roots = state.store.api_roots().await?;
    let url = |name: &str| format!("{base}/{}/", utf8_percent_encode(name, SEGMENT));
    let config = &state.config;
    let default = config
        .default_api_root
        .as_deref()
        .filter(|default| api_roots.iter().any(|root| root.name == *default))
        .map(url);
    let discovery = Discovery {
        title: config.title.clone(),
        description: config.description.clone(),
        contact: config.contact.clone(),
        default,
        api_roots: api_roots.iter().map(|root| url(&root.name)).collect(),
    };
    Ok(taxii_json(StatusCode::OK, &discovery))
}

/// `GET /taxii2/{api-root}/`: the API root's title, TAXII versions and `max_content_length`.
pub(crate) async fn api_root(
    State(state): State<TaxiiState>,
    _caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
) -> Result<Response, TaxiiError> {
    check_accept(&headers)?;
    let path = TaxiiPath::read(path)?;
    let root = state
        .store
        .api_roots()
        .await?
        .into_iter()
        .find(|root| root.name == path.api_root)
        .ok_or_else(|| TaxiiError::NotFound(format!("API root {} not found", path.api_root)))?;
    let resource = ApiRootResource {
        title: root.title,
        description: root.description,
        versions: vec![TAXII_MEDIA_TYPE.to_owned()],
        max_content_length: state.config.max_content_length,
    };
    Ok(taxii_json(StatusCode::OK, &resource))
}

/// Returns the URL of the discovery endpoint without its trailing slash: the configured
/// public URL followed by the path the client asked for (`/taxii2`), or that path alone.
fn base_url(state: &TaxiiState, original: &Uri) -> String {
    let path = original.path().trim_end_matches('/');
    match &state.config.public_url {
        Some(public) => format!("{}{path}", public.trim_end_matches('/')),
        None => path.to_owned(),
    }
}
