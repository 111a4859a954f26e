//! Personal data on request: unmasking a field with a stated reason, and erasure.

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, Json, Path};
use anumodan_core::authz::Permission;
use anumodan_core::mask::ARTEFACT_PII_FIELDS;
use anumodan_core::usecases::check_principal_id;
use anumodan_store::admin::{self, Erasure};
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
    let reason = body.reason.trim().to_string();
    let len = reason.chars().count();
    if !(5..=500).contains(&len) || anumodan_core::text::has_forbidden(&reason) {
        return Err(ApiError::unprocessable(
            "invalid_reason",
            "reason must be 5 to 500 characters without control characters",
        ));
    }
    let fields = match body.fields {
        None => ARTEFACT_PII_FIELDS.iter().map(|f| f.to_string()).collect(),
        Some(f) if f.is_empty() => {
            return Err(ApiError::unprocessable(
                "invalid_fields",
                "name at least one field to unmask",
            ));
        }
        Some(f) => f,
    };
    if let Some(bad) = fields
        .iter()
        .find(|f| !ARTEFACT_PII_FIELDS.contains(&f.as_str()))
    {
        return Err(ApiError::unprocessable(
            "invalid_fields",
            format!(
                "{bad:?} is not a personal data field (one of {})",
                ARTEFACT_PII_FIELDS.join(", ")
            ),
        ));
    }
    let actor = c.actor();
    let out = s
        .store
        .write_raw(move |tx| admin::unmask_artefact(tx, &actor, id, &fields, &reason))
        .await?
        .ok_or_else(|| ApiError::not_found("consent_not_found", "no such consent artefact"))?;
    Ok(axum::Json(Unmasked {
        consent_id: id,
        fields: out.0,
        audit_log_id: out.1,
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
    check_principal_id(&body.principal_id).map_err(ApiError::from)?;
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .write_raw(move |tx| admin::erase_principal(tx, &actor, &body.principal_id))
            .await?,
    ))
}
