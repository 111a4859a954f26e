//! The consent lifecycle: collect, validate, update, renew, withdraw, read.

use crate::AppState;
use crate::api::Page;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IdempotencyKey, Json, Path, Query};
use anumodan_core::authz::Permission;
use anumodan_core::idempotency::{self, Idempotency};
use anumodan_core::lang::Lang;
use anumodan_core::mask::mask_artefact;
use anumodan_core::model::{Artefact, Decision, Method, Status};
use anumodan_core::ports::Tx;
use anumodan_core::usecases::{self, ActRequest, CollectRequest, ValidateRequest, Validation};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Shows each purpose's status as of `now` (an active grant past its expiry is `expired`), with
/// personal data masked.
pub(crate) fn current(mut a: Artefact, now: OffsetDateTime) -> Artefact {
    // An erased principal's artefact is a tombstone: nothing in it is in force.
    let erased = a.principal_id == anumodan_core::mask::ERASED;
    for s in &mut a.purposes {
        if erased {
            s.status = Status::Erased;
            s.expires_at = None;
        } else {
            s.status = s.status_at(now);
        }
    }
    mask_artefact(a)
}

/// An answer to a write that may be a replay of the first answer to its `Idempotency-Key`
/// (then marked `Idempotent-Replayed: true`).
pub struct Answer<T> {
    pub status: StatusCode,
    pub body: T,
    pub replayed: bool,
    pub location: Option<String>,
}

impl<T> Answer<T> {
    pub fn ok((body, replayed): (T, bool)) -> Self {
        Answer {
            status: StatusCode::OK,
            body,
            replayed,
            location: None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            status: self.status,
            body: f(self.body),
            replayed: self.replayed,
            location: self.location,
        }
    }
}

impl<T: Serialize> IntoResponse for Answer<T> {
    fn into_response(self) -> Response {
        let mut h = HeaderMap::new();
        if let Some(v) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            h.insert(header::LOCATION, v);
        }
        if self.replayed {
            h.insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        (self.status, h, axum::Json(self.body)).into_response()
    }
}

/// Runs a use case in a write transaction at most once per idempotency key and request
/// (`idem`; always when None). `owner` names the principal the answer is about.
pub(crate) async fn write_once<T>(
    s: &AppState,
    fid: Uuid,
    idem: Option<Idempotency>,
    owner: fn(&T) -> String,
    f: impl FnOnce(&mut dyn Tx) -> usecases::Result<T> + Send + 'static,
) -> ApiResult<(T, bool)>
where
    T: Serialize + serde::de::DeserializeOwned + Send + 'static,
{
    Ok(s.store
        .write(move |tx| idempotency::run_once(tx, fid, idem.as_ref(), owner, f))
        .await?)
}

pub(crate) fn artefact_owner(a: &Artefact) -> String {
    a.principal_id.clone()
}

pub(crate) fn withdrawal_owner(w: &anumodan_core::lifecycle::Withdrawal) -> String {
    w.artefact.principal_id.clone()
}

#[utoipa::path(post, path = "/v1/consents", tag = "consents", request_body = CollectRequest,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$", description = "Retry safely: the same key and body within 24 hours returns the first answer and writes nothing (1 to 255 visible ASCII characters)")),
    responses(
        (status = 201, description = "The consent artefact (version 1)", body = Artefact),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `notice_not_found`, `notice_version_not_published`, `language_not_in_notice`, `unknown_purpose`, `missing_decision`, `guardian_required`, `child_tracking_prohibited`, `idempotency_key_reused`", body = Problem)),
    security(("api_key" = [])))]
pub async fn collect(
    State(s): State<AppState>,
    c: Caller,
    key: IdempotencyKey,
    Json(body): Json<CollectRequest>,
) -> ApiResult<Answer<Artefact>> {
    c.require(Permission::ConsentCollect)?;
    let actor = c.actor();
    let idem = key.request(&actor.initiator, "/v1/consents", &body);
    let (a, replayed) = write_once(&s, c.fiduciary_id, idem, artefact_owner, move |tx| {
        usecases::collect(tx, &actor, body)
    })
    .await?;
    Ok(Answer {
        status: StatusCode::CREATED,
        location: Some(format!("/v1/consents/{}", a.id)),
        body: mask_artefact(a),
        replayed,
    })
}

#[utoipa::path(post, path = "/v1/consents/validate", tag = "consents", request_body = ValidateRequest,
    responses(
        (status = 200, description = "Whether processing may go ahead, and why", body = Validation),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`", body = Problem)),
    security(("api_key" = [])))]
pub async fn validate(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<ValidateRequest>,
) -> ApiResult<axum::Json<Validation>> {
    c.require(Permission::ConsentValidate)?;
    let actor = c.actor();
    let v = s
        .store
        .write(move |tx| usecases::validate(tx, &actor, &body))
        .await?;
    s.metrics.validation(v.valid, v.reason.as_str());
    Ok(axum::Json(v))
}

/// The latest version with every version before it.
#[derive(Serialize, ToSchema)]
pub struct ConsentWithHistory {
    #[serde(flatten)]
    pub consent: Artefact,
    /// Every version, oldest first, as written.
    pub history: Vec<Artefact>,
}

#[utoipa::path(get, path = "/v1/consents/{id}", tag = "consents", params(("id" = Uuid, Path)),
    responses((status = 200, body = ConsentWithHistory), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn get_consent(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ConsentWithHistory>> {
    c.require(Permission::ConsentRead)?;
    let history = s
        .store
        .read(move |r| r.artefact_history(c.fiduciary_id, id))
        .await?;
    let latest = history
        .last()
        .cloned()
        .ok_or_else(|| ApiError::not_found("consent_not_found", "no such consent artefact"))?;
    Ok(axum::Json(ConsentWithHistory {
        consent: current(latest, s.clock.now()),
        history: history.into_iter().map(mask_artefact).collect(),
    }))
}

#[utoipa::path(post, path = "/v1/consents/{id}/update", tag = "consents", params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$", description = "Retry safely: the same key and body within 24 hours returns the first answer and writes nothing (1 to 255 visible ASCII characters)")), request_body = crate::openapi::UpdateBody,
    responses((status = 200, description = "The new version", body = Artefact), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `child_tracking_prohibited`, `notice_version_not_published`, `language_not_in_notice`, `purpose_not_in_notice`, `principal_action_required`, `idempotency_key_reused`", body = Problem)),
    security(("api_key" = [])))]
pub async fn update(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
    Json(body): Json<LifecycleRequest>,
) -> ApiResult<Answer<Artefact>> {
    c.require(Permission::ConsentManage)?;
    let idem = key.request(&c.initiator, &format!("/v1/consents/{id}/update"), &body);
    let (decisions, how) = body.for_update()?;
    let actor = c.actor();
    let answer = write_once(&s, c.fiduciary_id, idem, artefact_owner, move |tx| {
        usecases::update(tx, &actor, id, &decisions, &how)
    })
    .await?;
    Ok(Answer::ok(answer).map(mask_artefact))
}

/// The body of the lifecycle routes: `decisions` for update, `purposes` for renew and
/// withdraw, and how the principal acted. A fiduciary reporting a grant (update) or a renewal
/// must give `method` and `notice_version` (422 `principal_action_required` without them).
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRequest {
    /// Update only: new decisions for the purposes named; purposes not named are untouched.
    #[serde(default)]
    pub decisions: Option<BTreeMap<String, Decision>>,
    /// Renew and withdraw only: the purposes to act on; all eligible purposes when absent.
    #[serde(default)]
    pub purposes: Option<Vec<String>>,
    /// How the principal acted (web, app, api, assisted, ivr, sms, kiosk).
    #[serde(default)]
    pub method: Option<Method>,
    /// The principal's session, when there was one.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The notice version the principal was shown (grants and renewals: a withdrawal shows
    /// none).
    #[serde(default)]
    pub notice_version: Option<u32>,
    /// The language it was shown in (default: the artefact's).
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "hi")]
    pub language: Option<Lang>,
}

impl LifecycleRequest {
    fn how(&self) -> ActRequest {
        ActRequest {
            method: self.method,
            session_id: self.session_id.clone(),
            notice_version: self.notice_version,
            language: self.language.clone(),
        }
    }

    fn misplaced(field: &str, route: &str) -> ApiError {
        ApiError::unprocessable(
            "invalid_body",
            format!("{field} is not accepted by {route}"),
        )
    }

    /// An update's decisions and evidence.
    pub fn for_update(self) -> ApiResult<(BTreeMap<String, Decision>, ActRequest)> {
        if self.purposes.is_some() {
            return Err(Self::misplaced("purposes", "update (use decisions)"));
        }
        let how = self.how();
        let decisions = self
            .decisions
            .ok_or_else(|| ApiError::unprocessable("invalid_body", "decisions is required"))?;
        Ok((decisions, how))
    }

    /// A renewal's purposes and evidence.
    pub fn for_renewal(self) -> ApiResult<(Option<Vec<String>>, ActRequest)> {
        if self.decisions.is_some() {
            return Err(Self::misplaced("decisions", "renew"));
        }
        let how = self.how();
        Ok((self.purposes, how))
    }

    /// A withdrawal's purposes and how it was made. A withdrawal shows the principal no
    /// notice: naming one is a mistake worth saying.
    pub fn for_withdrawal(self) -> ApiResult<(Option<Vec<String>>, ActRequest)> {
        if self.decisions.is_some() {
            return Err(Self::misplaced("decisions", "withdraw"));
        }
        if self.notice_version.is_some() || self.language.is_some() {
            return Err(ApiError::unprocessable(
                "invalid_body",
                "a withdrawal shows no notice: notice_version and language are for grants and renewals",
            ));
        }
        let how = self.how();
        Ok((self.purposes, how))
    }
}

/// The optional body of a lifecycle route.
pub(crate) async fn optional_body(req: axum::extract::Request) -> ApiResult<LifecycleRequest> {
    optional_json(req).await
}

/// An optional JSON body: an empty body means `{}`. Read under the router's body limit
/// (`DefaultBodyLimit`), like every other JSON body.
pub(crate) async fn optional_json<T: serde::de::DeserializeOwned + Default>(
    req: axum::extract::Request,
) -> ApiResult<T> {
    use axum::RequestExt;
    let bytes = axum::body::to_bytes(req.into_limited_body(), usize::MAX)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the request body is larger than the limit",
            )
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request("invalid_json", e.to_string()))?;
    if !value.is_object() {
        return Err(ApiError::unprocessable(
            "invalid_body",
            "the body must be a JSON object (or empty)",
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::unprocessable("invalid_body", e.to_string()))
}

#[utoipa::path(post, path = "/v1/consents/{id}/renew", tag = "consents", params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$", description = "Retry safely: the same key and body within 24 hours returns the first answer and writes nothing (1 to 255 visible ASCII characters)")), request_body(content = Option<crate::openapi::RenewBody>, description = "Optional"),
    responses((status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `notice_version_not_published`, `language_not_in_notice`, `purpose_not_in_notice`, `principal_action_required`, `idempotency_key_reused`", body = Problem), (status = 200, description = "The new version", body = Artefact), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("api_key" = [])))]
pub async fn renew(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
    req: axum::extract::Request,
) -> ApiResult<Answer<Artefact>> {
    c.require(Permission::ConsentManage)?;
    let body = optional_body(req).await?;
    let idem = key.request(&c.initiator, &format!("/v1/consents/{id}/renew"), &body);
    let (purposes, how) = body.for_renewal()?;
    let actor = c.actor();
    let answer = write_once(&s, c.fiduciary_id, idem, artefact_owner, move |tx| {
        usecases::renew(tx, &actor, id, purposes.as_deref(), &how)
    })
    .await?;
    Ok(Answer::ok(answer).map(mask_artefact))
}

/// A withdrawal's answer: the new version, and the purposes whose processing may continue
/// because a law requires it.
#[derive(Serialize, ToSchema)]
pub struct WithdrawalView {
    #[serde(flatten)]
    pub consent: Artefact,
    pub legal_exceptions: Vec<String>,
}

#[utoipa::path(post, path = "/v1/consents/{id}/withdraw", tag = "consents", params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$", description = "Retry safely: the same key and body within 24 hours returns the first answer and writes nothing (1 to 255 visible ASCII characters)")), request_body(content = Option<crate::openapi::WithdrawBody>, description = "Optional"),
    responses((status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `idempotency_key_reused`", body = Problem), (status = 200, description = "The new version", body = WithdrawalView), (status = 404, body = Problem), (status = 409, description = "Not active (the attempt is recorded)", body = Problem)),
    security(("api_key" = [])))]
pub async fn withdraw(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
    req: axum::extract::Request,
) -> ApiResult<Answer<WithdrawalView>> {
    c.require(Permission::ConsentManage)?;
    let body = optional_body(req).await?;
    let idem = key.request(&c.initiator, &format!("/v1/consents/{id}/withdraw"), &body);
    let (purposes, how) = body.for_withdrawal()?;
    let actor = c.actor();
    let answer = write_once(&s, c.fiduciary_id, idem, withdrawal_owner, move |tx| {
        usecases::withdraw(tx, &actor, id, purposes.as_deref(), &how)
    })
    .await?;
    Ok(Answer::ok(answer).map(WithdrawalView::from))
}

impl From<anumodan_core::lifecycle::Withdrawal> for WithdrawalView {
    fn from(w: anumodan_core::lifecycle::Withdrawal) -> Self {
        WithdrawalView {
            consent: mask_artefact(w.artefact),
            legal_exceptions: w.legal_exceptions,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsentQuery {
    /// active, expired, withdrawn or denied: artefacts with a purpose in that status now.
    #[param(value_type = Option<crate::openapi::StatusFilter>)]
    pub status: Option<String>,
    /// Artefacts covering this purpose (combined with `status`: that purpose has that status).
    pub purpose: Option<String>,
    /// Collected at or after (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Collected before (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
    /// From the previous page's `next_cursor`.
    #[param(value_type = Option<Uuid>)]
    pub cursor: Option<String>,
}

pub(crate) fn parse_time(field: &str, v: &Option<String>) -> ApiResult<Option<OffsetDateTime>> {
    v.as_deref()
        .map(|s| {
            OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|_| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("{field} must be an RFC 3339 date-time"),
                )
            })
        })
        .transpose()
}

#[utoipa::path(get, path = "/v1/principals/{principal_id}/consents", tag = "consents",
    params(("principal_id" = anumodan_core::schema::PrincipalId, Path, description = "The fiduciary's id for the principal"), ConsentQuery),
    responses((status = 200, body = Page<Artefact>), (status = 400, body = Problem)), security(("api_key" = [])))]
pub async fn principal_consents(
    State(s): State<AppState>,
    c: Caller,
    Path(principal_id): Path<String>,
    Query(q): Query<ConsentQuery>,
) -> ApiResult<axum::Json<Page<Artefact>>> {
    c.require(Permission::ConsentRead)?;
    usecases::check_principal_id(&principal_id).map_err(ApiError::from)?;
    let status = q
        .status
        .as_deref()
        .map(|v| {
            Status::parse(v).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_query",
                    "status must be active, expired, withdrawn or denied",
                )
            })
        })
        .transpose()?;
    let from = parse_time("from", &q.from)?;
    let to = parse_time("to", &q.to)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "limit must be between 1 and 200",
        ));
    }
    let cursor = q
        .cursor
        .as_deref()
        .map(|c| {
            Uuid::parse_str(c)
                .map_err(|_| ApiError::bad_request("invalid_query", "cursor is not valid"))
        })
        .transpose()?;
    let now = s.clock.now();
    let all = s
        .store
        .read(move |r| r.principal_artefacts(c.fiduciary_id, &principal_id))
        .await?;
    let matches = |a: &Artefact| {
        let purpose_ok = |code: &str| q.purpose.as_deref().is_none_or(|p| p == code);
        let in_range =
            from.is_none_or(|f| a.collected_at >= f) && to.is_none_or(|t| a.collected_at < t);
        in_range
            && a.purposes
                .iter()
                .any(|p| purpose_ok(&p.purpose) && status.is_none_or(|st| p.status_at(now) == st))
    };
    let mut items: Vec<Artefact> = all
        .into_iter()
        .filter(matches)
        .skip_while(|a| cursor.is_some_and(|c| a.id != c))
        .skip(usize::from(cursor.is_some()))
        .take(limit + 1)
        .map(|a| current(a, now))
        .collect();
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        items[limit - 1].id.to_string()
    });
    Ok(axum::Json(Page { items, next_cursor }))
}
