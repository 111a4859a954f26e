//! Personal data on request: unmasking a field with a stated reason, and erasure.

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Caller, Json, Path};
use anumodan_core::authz::Permission;
use anumodan_core::privacy;
use anumodan_core::privacy::Erasure;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmaskRequest {
    /// Fields to reveal: `principal_id`, `source_ip`, `session_id`, `guardian.principal_id`,
    /// `guardian.verification_ref`. All of them when absent.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::PiiFields>)]
    pub fields: Option<Vec<String>>,
    /// Why the clear value is needed (5 to 500 characters); kept with the audit entry, which
    /// commits to it by hash. Do not put personal data in it.
    #[schema(value_type = anumodan_core::schema::Line<5, 500>)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Unmasked {
    pub consent_id: Uuid,
    /// Each requested field in clear (null where the artefact has no such value; `[erased]`
    /// once the principal's data was erased).
    pub fields: BTreeMap<String, Option<String>>,
    /// The ledger entry recording this disclosure.
    pub audit_log_id: u64,
}

#[utoipa::path(post, path = "/v1/consents/{id}/unmask", tag = "privacy", params(("id" = Uuid, Path)), request_body = UnmaskRequest,
    responses(
        (status = 200, description = "The fields in clear; the disclosure is in the ledger", body = Unmasked),
        (status = 403, description = "The key lacks pii.unmask", body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "Unknown field or missing reason", body = Problem)),
    security(("api_key" = [])))]
pub async fn unmask(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    Json(body): Json<UnmaskRequest>,
) -> ApiResult<axum::Json<Unmasked>> {
    c.require(Permission::PiiUnmask)?;
    let actor = c.actor();
    let out = s
        .store
        .transact(move |tx| privacy::unmask(tx, &actor, id, body.fields, &body.reason))
        .await?;
    Ok(axum::Json(Unmasked {
        consent_id: id,
        fields: out.fields,
        audit_log_id: out.audit_log_id,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseRequest {
    /// The fiduciary's id for the principal.
    #[schema(value_type = anumodan_core::schema::PrincipalId)]
    pub principal_id: String,
}

#[utoipa::path(post, path = "/v1/principals/erase", tag = "privacy", request_body = EraseRequest,
    responses(
        (status = 200, description = "The principal's data key is destroyed: their personal data reads `[erased]` and their consents no longer validate", body = Erasure),
        (status = 403, description = "The key lacks principal.erase", body = Problem),
        (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn erase(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<EraseRequest>,
) -> ApiResult<axum::Json<Erasure>> {
    c.require(Permission::PrincipalErase)?;
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| privacy::erase_principal(tx, &actor, &body.principal_id))
            .await?,
    ))
}
