//! Grievances and rights requests over HTTP (issue 21): the principal files and follows their
//! own (`/v1/me/grievances`, `/v1/me/requests`, `/v1/me/cases/{reference}`), staff and the
//! fiduciary's systems work the queue (`/v1/cases`), settings, attachments and nominations.
//! Rules are in `anumodan_core::cases`; handlers parse, read and map.

use crate::AppState;
use crate::api::Page;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, Json, Path, PrincipalCaller, Query};
use anumodan_core::cases::access::{self, AccessDocument};
use anumodan_core::cases::model::*;
use anumodan_core::cases::usecases::{self, NewCase, Transition};
use anumodan_core::lang::Lang;
use anumodan_core::ports::PrincipalPort;
use anumodan_core::usecases::check_principal_id;
use anumodan_store::cases::QueueFilter;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn not_found() -> ApiError {
    ApiError::not_found("case_not_found", "no such grievance or request")
}

fn created(c: Case, location: String) -> Response {
    let mut r = (StatusCode::CREATED, axum::Json(c)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn page_limit(limit: Option<usize>) -> ApiResult<usize> {
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "limit must be between 1 and 200",
        ));
    }
    Ok(limit)
}

/// A page of cases: the next cursor is the last reference when the page is full.
fn paged<T>(mut items: Vec<T>, limit: usize, cursor: impl Fn(&T) -> String) -> Page<T> {
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        cursor(&items[limit - 1])
    });
    Page { items, next_cursor }
}

// ---------- the principal's own ----------

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrievanceRequest {
    /// One of the fiduciary's categories; left out, the categorisation rules choose from the
    /// text (the rule that fired is recorded on the case).
    #[serde(default)]
    pub category: Option<String>,
    /// What happened, in any of the 23 languages (1-5000 characters).
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// The language to answer in (default: the principal's chosen language, else English).
    #[serde(default)]
    pub language: Option<Lang>,
    /// Consent artefacts it is about (up to 20, the principal's own).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub artefacts: Vec<Uuid>,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RightsRequestBody {
    /// `access`, `correction`, `erasure` or `nomination`.
    pub kind: String,
    /// Anything the principal wants to add (up to 5000 characters).
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[serde(default)]
    pub language: Option<Lang>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub artefacts: Vec<Uuid>,
    /// For `correction`: the fields and the values they should have.
    #[serde(default)]
    #[schema(max_items = 3)]
    pub changes: Vec<FieldChange>,
    /// For `nomination`: the person nominated.
    #[serde(default)]
    pub nominee: Option<Nominee>,
}

fn request_kind(kind: &str) -> ApiResult<CaseKind> {
    match CaseKind::parse(kind) {
        Some(k) if k != CaseKind::Grievance => Ok(k),
        _ => Err(ApiError::unprocessable(
            "unknown_kind",
            "kind is one of access, correction, erasure, nomination",
        )),
    }
}

impl RightsRequestBody {
    fn into_case(self) -> ApiResult<NewCase> {
        Ok(NewCase {
            kind: Some(request_kind(&self.kind)?),
            category: None,
            description: self.description,
            language: self.language,
            artefacts: self.artefacts,
            changes: self.changes,
            nominee: self.nominee,
        })
    }
}

impl GrievanceRequest {
    fn into_case(self) -> NewCase {
        NewCase {
            kind: Some(CaseKind::Grievance),
            category: self.category,
            description: Some(self.description),
            language: self.language,
            artefacts: self.artefacts,
            ..NewCase::default()
        }
    }
}

async fn file_mine(s: AppState, p: PrincipalCaller, input: NewCase) -> ApiResult<Response> {
    let actor = p.actor();
    let pseudonym = p.pseudonym;
    let c = s
        .store
        .transact(move |tx| usecases::file_case(tx, &actor, &pseudonym, input))
        .await?;
    let location = format!("/v1/me/cases/{}", c.reference);
    Ok(created(c, location))
}

#[utoipa::path(post, path = "/v1/me/grievances", tag = "cases", request_body = GrievanceRequest,
    responses((status = 201, description = "Filed: the case with its `reference`; the principal is told it was received", body = Case),
        (status = 401, body = Problem),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`), or breaks a rule: `invalid_description`, `unknown_category`, `unknown_artefact`, `invalid_artefacts`", body = Problem)),
    security(("principal_token" = [])))]
pub async fn file_grievance(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Json(body): Json<GrievanceRequest>,
) -> ApiResult<Response> {
    file_mine(s, p, body.into_case()).await
}

#[utoipa::path(post, path = "/v1/me/requests", tag = "cases", request_body = RightsRequestBody,
    responses((status = 201, description = "Filed: the case with its `reference`", body = Case),
        (status = 401, body = Problem), (status = 403, description = "A nominee cannot nominate", body = Problem),
        (status = 409, description = "`too_many_nominations`", body = Problem),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`), or breaks a rule: `unknown_kind`, `invalid_description`, `invalid_changes`, `invalid_nominee`, `unknown_artefact`, `invalid_artefacts`", body = Problem)),
    security(("principal_token" = [])))]
pub async fn file_request(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Json(body): Json<RightsRequestBody>,
) -> ApiResult<Response> {
    let input = body.into_case()?;
    file_mine(s, p, input).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MineQuery {
    /// The `next_cursor` of the previous page.
    #[param(max_length = 32)]
    pub cursor: Option<String>,
    /// 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
}

async fn list_mine(
    s: AppState,
    p: PrincipalCaller,
    family: &'static str,
    q: MineQuery,
) -> ApiResult<axum::Json<Page<Case>>> {
    let limit = page_limit(q.limit)?;
    let keys = s.store.clone();
    let fid = p.fiduciary_id;
    let items = s
        .store
        .read_conn(move |conn| {
            anumodan_store::cases::cases_of_principal(
                conn,
                keys.keys(),
                fid,
                &p.pseudonym,
                family,
                q.cursor.as_deref(),
                limit + 1,
            )
        })
        .await?;
    Ok(axum::Json(paged(items, limit, |c| c.reference.clone())))
}

#[utoipa::path(get, path = "/v1/me/grievances", tag = "cases", params(MineQuery),
    responses((status = 200, description = "The principal's grievances, newest first", body = Page<Case>), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_grievances(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Query(q): Query<MineQuery>,
) -> ApiResult<axum::Json<Page<Case>>> {
    list_mine(s, p, "grievance", q).await
}

#[utoipa::path(get, path = "/v1/me/requests", tag = "cases", params(MineQuery),
    responses((status = 200, description = "The principal's rights requests, newest first", body = Page<Case>), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_requests(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Query(q): Query<MineQuery>,
) -> ApiResult<axum::Json<Page<Case>>> {
    list_mine(s, p, "request", q).await
}

async fn read_case(
    s: &AppState,
    fid: Uuid,
    reference: String,
) -> ApiResult<Option<(Option<anumodan_core::principal::Pseudonym>, Case)>> {
    if !anumodan_core::cases::workflow::looks_like_reference(&reference) {
        return Ok(None);
    }
    let keys = s.store.clone();
    Ok(s.store
        .read_conn(move |conn| anumodan_store::cases::case_of(conn, keys.keys(), fid, &reference))
        .await?)
}

#[utoipa::path(get, path = "/v1/me/cases/{reference}", tag = "cases", params(("reference" = String, Path, max_length = 32)),
    responses((status = 200, body = Case), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_case(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(reference): Path<String>,
) -> ApiResult<axum::Json<Case>> {
    match read_case(&s, p.fiduciary_id, reference).await? {
        Some((Some(owner), c)) if owner == p.pseudonym => Ok(axum::Json(c)),
        _ => Err(not_found()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    /// 1 (very poor) to 5 (very good).
    #[schema(minimum = 1, maximum = 5)]
    pub rating: u8,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/v1/me/cases/{reference}/feedback", tag = "cases", params(("reference" = String, Path, max_length = 32)),
    request_body = FeedbackBody,
    responses((status = 200, body = Case), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`case_not_resolved`, `feedback_given`", body = Problem),
        (status = 422, description = "`invalid_rating`, `invalid_note`", body = Problem)),
    security(("principal_token" = [])))]
pub async fn give_feedback(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(reference): Path<String>,
    Json(body): Json<FeedbackBody>,
) -> ApiResult<axum::Json<Case>> {
    let actor = p.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| {
                usecases::give_feedback(
                    tx,
                    &actor,
                    &p.pseudonym,
                    &reference,
                    body.rating,
                    body.comment,
                )
            })
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenBody {
    /// Why the answer did not settle it (1-2000 characters).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

#[utoipa::path(post, path = "/v1/me/cases/{reference}/reopen", tag = "cases", params(("reference" = String, Path, max_length = 32)),
    request_body = ReopenBody,
    responses((status = 200, description = "Reopened: its clocks start again", body = Case), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`reopen_window_passed`, `case_final`", body = Problem),
        (status = 422, description = "`invalid_transition` (the case is still open), `invalid_note`", body = Problem)),
    security(("principal_token" = [])))]
pub async fn reopen_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(reference): Path<String>,
    Json(body): Json<ReopenBody>,
) -> ApiResult<axum::Json<Case>> {
    let actor = p.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| usecases::reopen(tx, &actor, &p.pseudonym, &reference, body.reason))
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AttachQuery {
    /// The file's name (1-200 characters, no `/` or `\`).
    #[param(min_length = 1, max_length = 200)]
    pub name: String,
}

/// Reads an attachment's bytes with the attachment limit (not the JSON body limit): 413 over it.
async fn attachment_bytes(req: axum::extract::Request) -> ApiResult<(String, axum::body::Bytes)> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(req.into_body(), usecases::ATTACHMENT_MAX_BYTES + 1)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "attachment_too_large",
                format!(
                    "an attachment is at most {} bytes",
                    usecases::ATTACHMENT_MAX_BYTES
                ),
            )
        })?;
    Ok((content_type, bytes))
}

#[utoipa::path(post, path = "/v1/me/cases/{reference}/attachments", tag = "cases",
    params(("reference" = String, Path, max_length = 32), AttachQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The file's bytes, with its type as Content-Type: application/pdf, image/png, image/jpeg or text/plain (checked against the bytes); at most 2 MiB"),
    responses((status = 201, body = Attachment), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`case_not_open`, `too_many_attachments`", body = Problem),
        (status = 413, description = "`attachment_too_large`", body = Problem),
        (status = 415, description = "`attachment_type_refused`", body = Problem),
        (status = 422, description = "`invalid_name`", body = Problem)),
    security(("principal_token" = [])))]
pub async fn attach_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(reference): Path<String>,
    Query(q): Query<AttachQuery>,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, axum::Json<Attachment>)> {
    // The case first (404), then the body (413, 415), read only for a case that exists.
    match read_case(&s, p.fiduciary_id, reference.clone()).await? {
        Some((Some(owner), _)) if owner == p.pseudonym => {}
        _ => return Err(not_found()),
    }
    let (ct, bytes) = attachment_bytes(req).await?;
    usecases::check_attachment(&ct, &bytes).map_err(ApiError::from)?;
    let actor = p.actor();
    let a = s
        .store
        .transact(move |tx| {
            usecases::attach(
                tx,
                &actor,
                Some(&p.pseudonym),
                &reference,
                &q.name,
                &ct,
                &bytes,
            )
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(a)))
}

fn file_response(a: Attachment, bytes: Vec<u8>) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&a.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // The stored name is the principal's: offer it only in a safe ASCII form.
    let safe: String = a
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

#[utoipa::path(get, path = "/v1/me/cases/{reference}/attachments/{id}", tag = "cases",
    params(("reference" = String, Path, max_length = 32), ("id" = Uuid, Path)),
    responses((status = 200, description = "The file, as a download", content_type = "application/octet-stream", body = Vec<u8>), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_attachment(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path((reference, id)): Path<(String, Uuid)>,
) -> ApiResult<Response> {
    let keys = s.store.clone();
    let fid = p.fiduciary_id;
    let found = s
        .store
        .read_conn(move |conn| {
            anumodan_store::cases::attachment(
                conn,
                keys.keys(),
                fid,
                &reference,
                id,
                Some(&p.pseudonym),
            )
        })
        .await?;
    let (a, bytes) = found.ok_or_else(not_found)?;
    Ok(file_response(a, bytes))
}

#[utoipa::path(get, path = "/v1/me/requests/{reference}/document", tag = "cases", params(("reference" = String, Path, max_length = 32)),
    responses((status = 200, description = "The summary of an accepted access request (DPDP Act s.11), as a JSON download", body = AccessDocument),
        (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, description = "`case_not_resolved`", body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_access_document(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(reference): Path<String>,
) -> ApiResult<Response> {
    if !anumodan_core::cases::workflow::looks_like_reference(&reference) {
        return Err(not_found());
    }
    let fid = p.fiduciary_id;
    let pseudonym = p.pseudonym;
    let artefacts = s
        .store
        .read(move |r| r.artefacts_of_pseudonym(fid, &pseudonym))
        .await?;
    let refs = s
        .store
        .read_conn(move |conn| anumodan_store::cases::references_of(conn, fid, &pseudonym))
        .await?;
    let actor = p.actor();
    let now = s.clock.now();
    let artefacts = artefacts
        .into_iter()
        .map(|a| crate::api::consents::current(a, now))
        .collect();
    let doc = s
        .store
        .transact(move |tx| {
            access::access_document(tx, &actor, &pseudonym, &reference, artefacts, refs)
        })
        .await?;
    let name = format!("{}.json", doc.reference);
    let mut r = axum::Json(doc).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

#[utoipa::path(get, path = "/v1/me/nominations", tag = "cases",
    responses((status = 200, description = "The principal's nominations, oldest first", body = Vec<Nomination>), (status = 401, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_nominations(
    State(s): State<AppState>,
    p: PrincipalCaller,
) -> ApiResult<axum::Json<Vec<Nomination>>> {
    let keys = s.store.clone();
    let fid = p.fiduciary_id;
    Ok(axum::Json(
        s.store
            .read_conn(move |conn| {
                anumodan_store::cases::nominations_of(conn, keys.keys(), fid, &p.pseudonym)
            })
            .await?,
    ))
}

// ---------- staff and the fiduciary's systems ----------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordCaseBody {
    /// The fiduciary's id for the principal the case is for.
    #[schema(value_type = anumodan_core::schema::PrincipalId)]
    pub principal_id: String,
    /// `grievance`, `access`, `correction`, `erasure` or `nomination`.
    pub kind: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[serde(default)]
    pub language: Option<Lang>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub artefacts: Vec<Uuid>,
    #[serde(default)]
    #[schema(max_items = 3)]
    pub changes: Vec<FieldChange>,
    #[serde(default)]
    pub nominee: Option<Nominee>,
}

#[utoipa::path(post, path = "/v1/cases", tag = "cases", request_body = RecordCaseBody,
    responses((status = 201, description = "Recorded on the principal's behalf (e.g. a complaint by phone); the principal is told it was received", body = Case),
        (status = 403, body = Problem), (status = 409, description = "`too_many_nominations`", body = Problem),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`), or breaks a rule: `unknown_kind`, `invalid_principal_id`, `invalid_description`, `unknown_category`, `invalid_changes`, `invalid_nominee`, `unknown_artefact`, `invalid_artefacts`", body = Problem)),
    security(("api_key" = [])))]
pub async fn record_case(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<RecordCaseBody>,
) -> ApiResult<Response> {
    check_principal_id(&body.principal_id).map_err(ApiError::from)?;
    let kind = CaseKind::parse(&body.kind).ok_or_else(|| {
        ApiError::unprocessable(
            "unknown_kind",
            "kind is one of grievance, access, correction, erasure, nomination",
        )
    })?;
    let actor = c.actor();
    let input = NewCase {
        kind: Some(kind),
        category: body.category,
        description: body.description,
        language: body.language,
        artefacts: body.artefacts,
        changes: body.changes,
        nominee: body.nominee,
    };
    let case = s
        .store
        .transact(move |tx| {
            let fid = actor.fiduciary_id;
            PrincipalPort::remember_identity(tx, fid, &body.principal_id)?;
            let p = PrincipalPort::pseudonym(tx, fid, &body.principal_id);
            usecases::file_case(tx, &actor, &p, input)
        })
        .await?;
    let location = format!("/v1/cases/{}", case.reference);
    Ok(created(case, location))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// `grievance`, `access`, `correction`, `erasure` or `nomination`.
    pub kind: Option<String>,
    #[param(max_length = 64)]
    pub category: Option<String>,
    /// `submitted`, `acknowledged`, `in_progress`, `escalated`, `resolved`, `closed`, `reopened`.
    pub status: Option<String>,
    /// Only open cases past their deadline.
    pub overdue: Option<bool>,
    /// Cases assigned to this role.
    #[param(max_length = 64)]
    pub assignee_role: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 32)]
    pub cursor: Option<String>,
    /// 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/v1/cases", tag = "cases", params(QueueQuery),
    responses((status = 200, description = "The queue, oldest first, each case with its SLA state (no personal data)", body = Page<CaseSummary>), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn queue(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<QueueQuery>,
) -> ApiResult<axum::Json<Page<CaseSummary>>> {
    let limit = page_limit(q.limit)?;
    let bad = |m: &str| ApiError::bad_request("invalid_query", m.to_string());
    let kind = q
        .kind
        .as_deref()
        .map(|k| CaseKind::parse(k).ok_or_else(|| bad("unknown kind")))
        .transpose()?;
    let status = q
        .status
        .as_deref()
        .map(|k| CaseStatus::parse(k).ok_or_else(|| bad("unknown status")))
        .transpose()?;
    let filter = QueueFilter {
        kind,
        category: q.category,
        status,
        overdue: q.overdue.unwrap_or(false),
        assignee_role: q.assignee_role,
        after: q.cursor,
        limit: limit + 1,
    };
    let now = s.clock.now();
    let fid = c.fiduciary_id;
    let items = s
        .store
        .read_conn(move |conn| anumodan_store::cases::queue(conn, fid, &filter, now))
        .await?;
    Ok(axum::Json(paged(items, limit, |c| c.reference.clone())))
}

#[utoipa::path(get, path = "/v1/cases/{reference}", tag = "cases", params(("reference" = String, Path, max_length = 32)),
    responses((status = 200, description = "The case with its description and history (read from its columns, personal parts `[erased]`, once the principal was erased)", body = Case), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_case(
    State(s): State<AppState>,
    c: Caller,
    Path(reference): Path<String>,
) -> ApiResult<axum::Json<Case>> {
    match read_case(&s, c.fiduciary_id, reference).await? {
        Some((_, case)) => Ok(axum::Json(case)),
        None => Err(not_found()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    /// The status to move to: `acknowledged`, `in_progress`, `escalated`, `resolved`, `closed`.
    pub to: String,
    /// A note for the history (1-2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// To resolve: `accepted`, `partly_accepted` or `refused`.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// To resolve: what was done and why, for the principal (1-2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub summary: Option<String>,
    /// To resolve a correction `partly_accepted`: the requested fields applied.
    #[serde(default)]
    #[schema(max_items = 3)]
    pub apply: Vec<String>,
}

#[utoipa::path(post, path = "/v1/cases/{reference}/transition", tag = "cases", params(("reference" = String, Path, max_length = 32)),
    request_body = TransitionBody,
    responses((status = 200, description = "Moved on; resolving an accepted request carries it out (a correction applied, an erasure done or deferred by a legal retention, a nomination registered)", body = Case),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "`principal_erased`", body = Problem),
        (status = 422, description = "`invalid_transition`, `resolution_required`, `invalid_note`, `invalid_changes`, `invalid_body`", body = Problem)),
    security(("api_key" = [])))]
pub async fn transition(
    State(s): State<AppState>,
    c: Caller,
    Path(reference): Path<String>,
    Json(body): Json<TransitionBody>,
) -> ApiResult<axum::Json<Case>> {
    let to = CaseStatus::parse(&body.to).ok_or_else(|| {
        ApiError::unprocessable(
            "invalid_transition",
            "to is one of acknowledged, in_progress, escalated, resolved, closed",
        )
    })?;
    let actor = c.actor();
    let t = Transition {
        to,
        note: body.note,
        outcome: body.outcome,
        summary: body.summary,
        apply: body.apply,
    };
    Ok(axum::Json(
        s.store
            .transact(move |tx| usecases::transition(tx, &actor, &reference, t))
            .await?,
    ))
}

#[utoipa::path(post, path = "/v1/cases/{reference}/assign", tag = "cases", params(("reference" = String, Path, max_length = 32)),
    request_body = Assignee,
    responses((status = 200, body = Case), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, description = "`invalid_assignee`", body = Problem)),
    security(("api_key" = [])))]
pub async fn assign(
    State(s): State<AppState>,
    c: Caller,
    Path(reference): Path<String>,
    Json(body): Json<Assignee>,
) -> ApiResult<axum::Json<Case>> {
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| usecases::assign(tx, &actor, &reference, body))
            .await?,
    ))
}

#[utoipa::path(post, path = "/v1/cases/{reference}/attachments", tag = "cases",
    params(("reference" = String, Path, max_length = 32), AttachQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The file's bytes, with its type as Content-Type: application/pdf, image/png, image/jpeg or text/plain; at most 2 MiB"),
    responses((status = 201, body = Attachment), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`case_not_open`, `too_many_attachments`, `principal_erased`", body = Problem),
        (status = 413, description = "`attachment_too_large`", body = Problem),
        (status = 415, description = "`attachment_type_refused`", body = Problem),
        (status = 422, description = "`invalid_name`", body = Problem)),
    security(("api_key" = [])))]
pub async fn attach(
    State(s): State<AppState>,
    c: Caller,
    Path(reference): Path<String>,
    Query(q): Query<AttachQuery>,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, axum::Json<Attachment>)> {
    if read_case(&s, c.fiduciary_id, reference.clone())
        .await?
        .is_none()
    {
        return Err(not_found());
    }
    let (ct, bytes) = attachment_bytes(req).await?;
    usecases::check_attachment(&ct, &bytes).map_err(ApiError::from)?;
    let actor = c.actor();
    let a = s
        .store
        .transact(move |tx| usecases::attach(tx, &actor, None, &reference, &q.name, &ct, &bytes))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(a)))
}

#[utoipa::path(get, path = "/v1/cases/{reference}/attachments/{id}", tag = "cases",
    params(("reference" = String, Path, max_length = 32), ("id" = Uuid, Path)),
    responses((status = 200, description = "The file, as a download", content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn case_attachment(
    State(s): State<AppState>,
    c: Caller,
    Path((reference, id)): Path<(String, Uuid)>,
) -> ApiResult<Response> {
    let keys = s.store.clone();
    let fid = c.fiduciary_id;
    let found = s
        .store
        .read_conn(move |conn| {
            anumodan_store::cases::attachment(conn, keys.keys(), fid, &reference, id, None)
        })
        .await?;
    let (a, bytes) = found.ok_or_else(not_found)?;
    Ok(file_response(a, bytes))
}

#[utoipa::path(get, path = "/v1/case-settings", tag = "cases",
    responses((status = 200, body = CaseSettings), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_settings(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<CaseSettings>> {
    let fid = c.fiduciary_id;
    Ok(axum::Json(
        s.store
            .read_conn(move |conn| anumodan_store::cases::settings_of(conn, fid))
            .await?,
    ))
}

#[utoipa::path(put, path = "/v1/case-settings", tag = "cases", request_body = CaseSettings,
    responses((status = 200, body = CaseSettings), (status = 403, body = Problem),
        (status = 422, description = "`invalid_body`, `invalid_case_settings`, `deadline_too_long` (over the 90 days of rule 14(3))", body = Problem)),
    security(("api_key" = [])))]
pub async fn put_settings(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<CaseSettings>,
) -> ApiResult<axum::Json<CaseSettings>> {
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| usecases::save_settings(tx, &actor, body))
            .await?,
    ))
}

#[utoipa::path(get, path = "/v1/principals/{principal_id}/nominations", tag = "cases",
    params(("principal_id" = String, Path, max_length = 256)),
    responses((status = 200, body = Vec<Nomination>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn principal_nominations(
    State(s): State<AppState>,
    c: Caller,
    Path(principal_id): Path<String>,
) -> ApiResult<axum::Json<Vec<Nomination>>> {
    check_principal_id(&principal_id).map_err(ApiError::from)?;
    let keys = s.store.clone();
    let fid = c.fiduciary_id;
    Ok(axum::Json(
        s.store
            .read_conn(move |conn| {
                let p = keys.keys().pseudonym(fid, &principal_id);
                anumodan_store::cases::nominations_of(conn, keys.keys(), fid, &p)
            })
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivateBody {
    /// The evidence checked of the principal's death or incapacity (1-300 characters), e.g. a
    /// death certificate's registration number.
    #[schema(min_length = 1, max_length = 300)]
    pub evidence: String,
}

#[utoipa::path(post, path = "/v1/nominations/{id}/activate", tag = "cases", params(("id" = Uuid, Path)),
    request_body = ActivateBody,
    responses((status = 200, description = "Active: the nominee may act for the principal (`POST /v1/nominee-tokens`)", body = Nomination), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`nomination_not_registered`", body = Problem), (status = 422, description = "`invalid_evidence`", body = Problem)),
    security(("api_key" = [])))]
pub async fn activate_nomination(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    Json(body): Json<ActivateBody>,
) -> ApiResult<axum::Json<Nomination>> {
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| usecases::activate_nomination(tx, &actor, id, body.evidence))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NomineeTokenBody {
    #[schema(value_type = anumodan_core::schema::PrincipalId)]
    pub principal_id: String,
    /// An active nomination of that principal.
    pub nomination_id: Uuid,
    /// Lifetime in seconds, 60 to 3600 (default 900).
    #[serde(default)]
    #[schema(minimum = 60, maximum = 3600)]
    pub ttl_seconds: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct NomineeToken {
    /// `anp_...`: a token for `/v1/me/*` with which the nominee acts for the principal; every
    /// action is recorded with initiator `nominee`.
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

#[utoipa::path(post, path = "/v1/nominee-tokens", tag = "cases", request_body = NomineeTokenBody,
    responses((status = 201, body = NomineeToken), (status = 403, body = Problem), (status = 404, description = "No active nomination with that id for that principal", body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn nominee_token(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<NomineeTokenBody>,
) -> ApiResult<(StatusCode, axum::Json<NomineeToken>)> {
    check_principal_id(&body.principal_id).map_err(ApiError::from)?;
    let ttl = body.ttl_seconds.unwrap_or(900);
    if !(60..=3600).contains(&ttl) {
        return Err(ApiError::unprocessable(
            "invalid_ttl",
            "ttl_seconds must be 60 to 3600",
        ));
    }
    let actor = c.actor();
    let id = body.nomination_id;
    let pseudonym = s
        .store
        .transact(move |tx| usecases::use_nomination(tx, &actor, &body.principal_id, id))
        .await?;
    let expires_at = s.clock.now() + time::Duration::seconds(ttl as i64);
    let token = s
        .store
        .keys()
        .sign_principal_token(&anumodan_store::keys::PrincipalClaim {
            fiduciary_id: c.fiduciary_id,
            pseudonym,
            expires: expires_at.unix_timestamp(),
            nominee: Some(id),
        });
    Ok((
        StatusCode::CREATED,
        axum::Json(NomineeToken { token, expires_at }),
    ))
}
