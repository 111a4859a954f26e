//! Retention (issue 21, item 5): policies per purpose (read) and per data category (saved
//! within the floors), legal holds, and the erasures coming up. See docs/retention.md.

use super::Page;
use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, Json, Path, Query};
use anumodan_core::authz::Permission;
use anumodan_core::mask::mask_identifier;
use anumodan_core::model::LegalBasis;
use anumodan_core::retention::{self, HoldScope, LegalHold, RetentionPolicy};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The floors of this deployment, with the law behind each.
#[derive(Serialize, ToSchema)]
pub struct FloorsOut {
    /// The deployment acts as a Consent Manager.
    pub consent_manager: bool,
    /// The least `consent_records` may be kept, in days (only for a Consent Manager).
    pub consent_records_days: Option<u32>,
    pub consent_records_law: Option<String>,
    /// The least `audit_logs` may be kept, in days.
    pub audit_logs_days: u32,
    pub audit_logs_law: String,
}

/// A purpose's retention (set when the purpose was created; purposes never change).
#[derive(Serialize, ToSchema)]
pub struct PurposeRetention {
    pub purpose: String,
    pub retention_days: u32,
    pub legal_basis: LegalBasis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_reference: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Policies {
    pub floors: FloorsOut,
    pub purposes: Vec<PurposeRetention>,
    /// The policies per data category (and `consent_records`, `audit_logs`).
    pub categories: Vec<RetentionPolicy>,
}

#[utoipa::path(get, path = "/v1/retention/policies", tag = "retention",
    responses((status = 200, description = "The floors, each purpose's retention and the category policies", body = Policies), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_policies(State(s): State<AppState>, c: Caller) -> ApiResult<axum::Json<Policies>> {
    c.require(Permission::RetentionRead)?;
    let fid = c.fiduciary_id;
    let purposes = s.store.read(move |r| r.purposes(fid)).await?;
    let (floors, categories) = s
        .store
        .read_conn(move |conn| anumodan_store::retention::read_policies(conn, fid))
        .await?;
    let cr = floors.floor(retention::CONSENT_RECORDS);
    let al = floors.floor(retention::AUDIT_LOGS);
    Ok(axum::Json(Policies {
        floors: FloorsOut {
            consent_manager: floors.consent_manager,
            consent_records_days: cr.map(|f| f.0),
            consent_records_law: cr.map(|f| f.1.to_string()),
            audit_logs_days: al.map_or(retention::AUDIT_LOG_DAYS, |f| f.0),
            audit_logs_law: retention::AUDIT_LOG_LAW.to_string(),
        },
        purposes: purposes
            .into_iter()
            .map(|p| PurposeRetention {
                purpose: p.code,
                retention_days: p.retention_days,
                legal_basis: p.legal_basis,
                legal_reference: p.legal_reference,
            })
            .collect(),
        categories,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRequest {
    /// Days the data of this category is kept after the purposes it served ended.
    #[schema(maximum = 36500)]
    pub retention_days: u32,
    /// The law or rule that requires keeping it (makes the policy a legal retention).
    #[serde(default)]
    #[schema(value_type = Option<anumodan_core::schema::Line<1, 300>>)]
    pub legal_reference: Option<String>,
}

#[utoipa::path(put, path = "/v1/retention/policies/{category}", tag = "retention",
    params(("category" = anumodan_core::schema::Code, Path, description = "A data item category, `consent_records` or `audit_logs`")),
    request_body = PolicyRequest,
    responses((status = 200, description = "Saved (recorded as `retention.changed`)", body = RetentionPolicy),
        (status = 403, body = Problem),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `retention_below_floor` (under a floor), `invalid_retention`, `invalid_legal_reference`, `unknown_category`; nothing changed", body = Problem)),
    security(("api_key" = [])))]
pub async fn put_policy(
    State(s): State<AppState>,
    c: Caller,
    Path(category): Path<String>,
    Json(body): Json<PolicyRequest>,
) -> ApiResult<axum::Json<RetentionPolicy>> {
    c.require(Permission::RetentionManage)?;
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| {
                retention::save_policy(
                    tx,
                    &actor,
                    &category,
                    body.retention_days,
                    body.legal_reference,
                )
            })
            .await?,
    ))
}

/// A legal hold as answered: a principal's id masked.
#[derive(Serialize, ToSchema)]
pub struct Hold {
    #[serde(flatten)]
    pub hold: LegalHold,
    /// Whether it stops erasure now.
    pub in_force: bool,
}

fn answer(mut h: LegalHold, now: OffsetDateTime) -> Hold {
    if let HoldScope::Principal { principal_id } = &mut h.scope {
        *principal_id = mask_identifier(principal_id);
    }
    Hold {
        in_force: h.in_force(now),
        hold: h,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldRequest {
    /// `{"kind": "principal", "principal_id": ...}`, `{"kind": "purpose", "purpose": ...}`
    /// or `{"kind": "fiduciary"}`.
    pub scope: HoldScope,
    /// Why (5 to 500 characters, no personal data): a case or order number.
    #[schema(value_type = anumodan_core::schema::Line<5, 500>)]
    pub reason: String,
    /// When the hold ends by itself (RFC 3339, in the future).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub until: OffsetDateTime,
}

#[utoipa::path(post, path = "/v1/retention/holds", tag = "retention", request_body = HoldRequest,
    responses((status = 201, description = "Placed (recorded as `retention.changed`): no erasure of what it covers until it ends", body = Hold),
        (status = 403, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `invalid_until` (not in the future), `unknown_purpose`, `invalid_reason`, `invalid_principal_id`", body = Problem)),
    security(("api_key" = [])))]
pub async fn place_hold(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<HoldRequest>,
) -> ApiResult<(StatusCode, axum::Json<Hold>)> {
    c.require(Permission::RetentionManage)?;
    let actor = c.actor();
    let h = s
        .store
        .transact(move |tx| retention::place_hold(tx, &actor, body.scope, &body.reason, body.until))
        .await?;
    let now = s.clock.now();
    Ok((StatusCode::CREATED, axum::Json(answer(h, now))))
}

#[utoipa::path(get, path = "/v1/retention/holds", tag = "retention",
    responses((status = 200, description = "The fiduciary's holds, newest first (at most 500)", body = Page<Hold>), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn list_holds(State(s): State<AppState>, c: Caller) -> ApiResult<axum::Json<Page<Hold>>> {
    c.require(Permission::RetentionRead)?;
    let fid = c.fiduciary_id;
    let holds = s
        .store
        .read_keyed(move |conn, keys| anumodan_store::retention::read_holds(conn, keys, fid, 500))
        .await?;
    let now = s.clock.now();
    Ok(axum::Json(Page {
        items: holds.into_iter().map(|h| answer(h, now)).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(get, path = "/v1/retention/holds/{id}", tag = "retention", params(("id" = Uuid, Path)),
    responses((status = 200, body = Hold), (status = 403, body = Problem), (status = 404, description = "No such hold of this fiduciary (`hold_not_found`)", body = Problem)),
    security(("api_key" = [])))]
pub async fn get_hold(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Hold>> {
    c.require(Permission::RetentionRead)?;
    let fid = c.fiduciary_id;
    let h = s
        .store
        .read_keyed(move |conn, keys| anumodan_store::retention::read_hold(conn, keys, fid, id))
        .await?
        .ok_or_else(|| ApiError::not_found("hold_not_found", "no such legal hold"))?;
    Ok(axum::Json(answer(h, s.clock.now())))
}

#[utoipa::path(post, path = "/v1/retention/holds/{id}/release", tag = "retention", params(("id" = Uuid, Path)),
    responses((status = 200, description = "Released (recorded as `retention.changed`); erasures it held are planned again", body = Hold),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "It had ended or was released (`hold_not_in_force`)", body = Problem)),
    security(("api_key" = [])))]
pub async fn release_hold(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Hold>> {
    c.require(Permission::RetentionManage)?;
    let actor = c.actor();
    let h = s
        .store
        .transact(move |tx| retention::release_hold(tx, &actor, id))
        .await?;
    Ok(axum::Json(answer(h, s.clock.now())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UpcomingQuery {
    /// Erasures due within this many days (1-3650, default 30).
    #[param(minimum = 1, maximum = 3650)]
    pub within_days: Option<u32>,
    /// 1-500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// One erasure coming up.
#[derive(Serialize, ToSchema)]
pub struct UpcomingErasure {
    /// The principal, masked (absent when no longer known).
    pub principal_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub erase_at: OffsetDateTime,
    /// When the principal was told (null: not yet; they are told 48 hours before).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub notified_at: Option<OffsetDateTime>,
    /// `retention_ended`, or the cause of a scheduled erasure.
    pub cause: String,
    /// The law that kept the data until then, if one did.
    pub law: Option<String>,
}

#[utoipa::path(get, path = "/v1/retention/upcoming", tag = "retention", params(UpcomingQuery),
    responses((status = 200, description = "Erasures planned within the window, soonest first (BRD 15.4)", body = Page<UpcomingErasure>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn upcoming(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<UpcomingQuery>,
) -> ApiResult<axum::Json<Page<UpcomingErasure>>> {
    c.require(Permission::RetentionRead)?;
    let within = q.within_days.unwrap_or(30);
    if !(1..=3650).contains(&within) {
        return Err(ApiError::unprocessable(
            "invalid_query",
            "within_days must be 1 to 3650",
        ));
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::unprocessable(
            "invalid_query",
            "limit must be 1 to 500",
        ));
    }
    let fid = c.fiduciary_id;
    let until = s.clock.now() + time::Duration::days(within as i64);
    let rows = s
        .store
        .read_keyed(move |conn, keys| {
            anumodan_store::retention::read_upcoming(conn, keys, fid, until, limit)
        })
        .await?;
    Ok(axum::Json(Page {
        items: rows
            .into_iter()
            .map(|u| UpcomingErasure {
                principal_id: u.principal_id.as_deref().map(mask_identifier),
                erase_at: u.plan.erase_at,
                notified_at: u.plan.notified_at,
                cause: u.plan.cause,
                law: u.plan.law,
            })
            .collect(),
        next_cursor: None,
    }))
}
