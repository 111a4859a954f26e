//! Reading the audit ledger, its signed checkpoints and proofs.

use crate::AppState;
use crate::api::Page;
use crate::api::consents::parse_time;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, Path, Query};
use anumodan_core::audit::{Action, AuditEntry};
use anumodan_core::authz::Permission;
use anumodan_ledger::merkle::hash_to_base64;
use anumodan_store::AuditFilter;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EntryQuery {
    /// The fiduciary's id for a principal (matched through its pseudonym).
    pub principal_id: Option<String>,
    pub purpose: Option<String>,
    /// e.g. `consent.validated`, `consent.withdrawn`.
    #[param(value_type = Option<crate::openapi::ActionName>)]
    pub action: Option<String>,
    /// At or after (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Before (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
    /// From the previous page's `next_cursor`.
    #[param(value_type = Option<u64>, maximum = 9223372036854775807i64)]
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/audit/entries", tag = "audit", params(EntryQuery),
    responses((status = 200, description = "This fiduciary's entries, oldest first", body = Page<AuditEntry>), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn entries(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<EntryQuery>,
) -> ApiResult<axum::Json<Page<AuditEntry>>> {
    c.require(Permission::AuditRead)?;
    Ok(axum::Json(entries_page(&s, c.fiduciary_id, q).await?))
}

/// One page of a fiduciary's entries (the nil id: the platform's own), as the query asks.
pub(crate) async fn entries_page(
    s: &AppState,
    fiduciary: uuid::Uuid,
    q: EntryQuery,
) -> ApiResult<Page<AuditEntry>> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "limit must be between 1 and 1000",
        ));
    }
    if let Some(a) = &q.action
        && Action::parse(a).is_none()
    {
        return Err(ApiError::bad_request("invalid_query", "unknown action"));
    }
    let after = q
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<u64>()
                .map_err(|_| ApiError::bad_request("invalid_query", "cursor is not valid"))
                .and_then(|v| position("cursor", v))
        })
        .transpose()?;
    let filter = AuditFilter {
        fiduciary: Some(fiduciary),
        principal_id: q.principal_id,
        purpose: q.purpose,
        action: q.action,
        from: parse_time("from", &q.from)?,
        to: parse_time("to", &q.to)?,
        after,
        limit: limit + 1,
    };
    let mut items = s.store.read(move |r| r.audit_entries(&filter)).await?;
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        items[limit - 1].index.to_string()
    });
    Ok(Page { items, next_cursor })
}

/// One entry with its leaf hash.
#[derive(Serialize, ToSchema)]
pub struct EntryView {
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// RFC 9162 leaf hash, SHA-256(0x00 || canonical JSON of the entry), base64.
    pub leaf_hash: String,
}

#[utoipa::path(get, path = "/v1/audit/entries/{index}", tag = "audit", params(("index" = u64, Path, maximum = 9223372036854775807i64)),
    responses((status = 200, body = EntryView), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn entry(
    State(s): State<AppState>,
    c: Caller,
    Path(index): Path<u64>,
) -> ApiResult<axum::Json<EntryView>> {
    c.require(Permission::AuditRead)?;
    let (entry, hash) = own_entry(&s, &c, position("index", index)?).await?;
    Ok(axum::Json(EntryView {
        entry,
        leaf_hash: b64(&hash),
    }))
}

/// A ledger position or size from a query or path: the store keeps them as signed 64-bit
/// integers, so anything larger is refused (400) rather than wrapped.
fn position(field: &str, v: u64) -> ApiResult<u64> {
    if v > i64::MAX as u64 {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("{field} is larger than the largest ledger position"),
        ));
    }
    Ok(v)
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn own_entry(s: &AppState, c: &Caller, index: u64) -> ApiResult<(AuditEntry, Vec<u8>)> {
    let fid = c.fiduciary_id;
    s.store
        .read(move |r| r.audit_entry(index))
        .await?
        .filter(|(e, _)| e.fiduciary == fid)
        .ok_or_else(|| ApiError::not_found("entry_not_found", "no such audit entry"))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckpointQuery {
    /// Only checkpoints of a larger tree size.
    #[param(maximum = 9223372036854775807i64)]
    pub after: Option<u64>,
    /// At most this many: 1 to 1000 (smaller values count as 1, larger as 1000; default 100).
    #[param(maximum = 18446744073709551615u64)]
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointView {
    pub size: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// The C2SP signed note, verbatim.
    pub note: String,
}

#[utoipa::path(get, path = "/v1/audit/checkpoints", tag = "audit", params(CheckpointQuery),
    responses((status = 200, body = Vec<CheckpointView>)), security(("api_key" = [])))]
pub async fn checkpoints(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<CheckpointQuery>,
) -> ApiResult<axum::Json<Vec<CheckpointView>>> {
    c.require(Permission::AuditRead)?;
    let after = position("after", q.after.unwrap_or(0))?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let cps = s.store.read(move |r| r.checkpoints(after, limit)).await?;
    Ok(axum::Json(
        cps.into_iter()
            .map(|c| CheckpointView {
                size: c.size,
                created_at: c.created_at,
                note: c.note,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    /// The entry's ledger position (its `audit_log_id`).
    #[param(maximum = 9223372036854775807i64)]
    pub index: u64,
    /// A checkpointed tree size; the latest checkpoint when absent.
    #[param(maximum = 9223372036854775807i64)]
    pub tree_size: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct InclusionProof {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    /// Audit path, base64 hashes, from the leaf upwards (RFC 9162 2.1.3).
    pub proof: Vec<String>,
    /// The signed checkpoint of `tree_size`, whose root the proof leads to.
    pub checkpoint: String,
    pub entry: AuditEntry,
}

#[utoipa::path(get, path = "/v1/audit/proofs/inclusion", tag = "audit", params(InclusionQuery),
    responses((status = 200, body = InclusionProof), (status = 404, description = "No such entry of this fiduciary, or no checkpoint covers it yet", body = Problem)),
    security(("api_key" = [])))]
pub async fn inclusion_proof(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<InclusionQuery>,
) -> ApiResult<axum::Json<InclusionProof>> {
    c.require(Permission::AuditRead)?;
    let index = position("index", q.index)?;
    let size = q.tree_size.map(|t| position("tree_size", t)).transpose()?;
    let (entry, hash) = own_entry(&s, &c, index).await?;
    let (cp, proof) = s
        .store
        .read(move |r| {
            let cp = match size {
                Some(n) => r.checkpoint(n)?,
                None => r.latest_checkpoint()?,
            };
            match cp {
                Some(cp) if cp.size > index => {
                    let proof = r.inclusion_proof(index, cp.size)?;
                    Ok(Some((cp, proof)))
                }
                _ => Ok(None),
            }
        })
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "checkpoint_not_found",
                "no signed checkpoint of that size covers this entry yet; retry in a few seconds",
            )
        })?;
    Ok(axum::Json(InclusionProof {
        index,
        tree_size: cp.size,
        leaf_hash: b64(&hash),
        proof: proof.iter().map(hash_to_base64).collect(),
        checkpoint: cp.note,
        entry,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// The older checkpointed tree size.
    #[param(maximum = 9223372036854775807i64)]
    pub from: u64,
    /// The newer checkpointed tree size; the latest when absent.
    #[param(maximum = 9223372036854775807i64)]
    pub to: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    /// Base64 hashes (RFC 9162 2.1.4).
    pub proof: Vec<String>,
    pub from_checkpoint: String,
    pub to_checkpoint: String,
}

#[utoipa::path(get, path = "/v1/audit/proofs/consistency", tag = "audit", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof), (status = 404, body = Problem), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn consistency_proof(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<ConsistencyQuery>,
) -> ApiResult<axum::Json<ConsistencyProof>> {
    c.require(Permission::AuditRead)?;
    let from = position("from", q.from)?;
    let to = q.to.map(|t| position("to", t)).transpose()?;
    let (a, b, proof) = s
        .store
        .read(move |r| {
            let a = r.checkpoint(from)?;
            let b = match to {
                Some(n) => r.checkpoint(n)?,
                None => r.latest_checkpoint()?,
            };
            match (a, b) {
                (Some(a), Some(b)) if a.size <= b.size && a.size > 0 => {
                    let p = r.consistency_proof(a.size, b.size)?;
                    Ok(Some((a, b, p)))
                }
                _ => Ok(None),
            }
        })
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "checkpoint_not_found",
                "both sizes must be checkpointed, with from <= to",
            )
        })?;
    Ok(axum::Json(ConsistencyProof {
        from: a.size,
        to: b.size,
        proof: proof.iter().map(hash_to_base64).collect(),
        from_checkpoint: a.note,
        to_checkpoint: b.note,
    }))
}

/// The ledger's public key as a C2SP verifier key line (`text/plain`). Auditors should pin it
/// from a trusted channel; this URL is for convenience.
#[utoipa::path(get, path = "/.well-known/anumodan/ledger-key", tag = "audit",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn public_key(State(s): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n", s.store.keys().signer.verifier_key()),
    )
}

/// The latest signed checkpoint (`text/plain`, a C2SP signed note).
#[utoipa::path(get, path = "/.well-known/anumodan/checkpoint", tag = "audit",
    responses((status = 200, content_type = "text/plain", body = String), (status = 404, body = Problem)))]
pub async fn latest_checkpoint(State(s): State<AppState>) -> ApiResult<impl IntoResponse> {
    let cp = s
        .store
        .read(|r| r.latest_checkpoint())
        .await?
        .ok_or_else(|| {
            ApiError::not_found("checkpoint_not_found", "the ledger has no checkpoint yet")
        })?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        cp.note,
    ))
}
