//! Get Status (section 4.3): the outcome of an add-objects request, readable by the
//! participant that made it and by administrators; to anyone else it does not exist.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use store::StatusStore;

use super::{TaxiiPath, taxii_json};
use crate::media::check_accept;
use crate::principal::Caller;
use crate::resources::StatusResource;
use crate::{TaxiiError, TaxiiState};

/// `GET /taxii2/{api-root}/status/{status-id}/`.
pub(crate) async fn status(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
) -> Result<Response, TaxiiError> {
    check_accept(&headers)?;
    let path = TaxiiPath::read(path)?;
    let status_id = path.status_id.unwrap_or_default();
    let not_found = || {
        TaxiiError::NotFound(format!(
            "status {status_id} not found in API root {}",
            path.api_root
        ))
    };
    let id = uuid::Uuid::try_parse(&status_id).map_err(|_| not_found())?;
    let status = state
        .store
        .status(id)
        .await?
        .filter(|status| status.api_root == path.api_root)
        .filter(|status| caller.may_read_status(status.owner.as_deref()))
        .ok_or_else(not_found)?;
    Ok(taxii_json(StatusCode::OK, &StatusResource::from(&status)))
}
