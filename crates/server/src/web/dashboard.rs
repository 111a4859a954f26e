//! The principal's dashboard under `/me` (issue 22, item 3; docs/web.md "The principal's
//! dashboard"): sign-in by one-time code or a fiduciary's hand-off, the principal's consents
//! grouped by status with search and filters, each consent's history, grant, renew and
//! withdraw in one click each, the notification inbox, grievances and rights requests, and
//! the export of their own history (CSV, and an ISO/IEC TS 27560 record with DPV).
//!
//! Every page mirrors a `/v1/me` route and calls the same handler or use case: the session
//! cookie holds the principal token those routes take as a bearer token.

use super::page::{Page, PageCtx, render, render_status};
use super::{FormBody, error_page, security};
use crate::AppState;
use crate::api::cases::{GrievanceRequest, MineQuery, RightsRequestBody};
use crate::api::consents::{artefact_owner, withdrawal_owner};
use crate::api::me::{self, MyConsent, as_owner};
use crate::api::notify::InboxQuery;
use crate::error::ApiError;
use crate::extract::{self, ClientIp, Json, Path, PrincipalCaller, Query};
use anumodan_core::cases::model::{Case, Nominee};
use anumodan_core::lifecycle;
use anumodan_core::mask::{mask_artefact, mask_identifier};
use anumodan_core::model::{Artefact, Decision, Method, Status};
use anumodan_core::principal;
use anumodan_core::usecases::{self, ActRequest};
use axum::Router;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The session cookie: the principal token itself (sealed, naming the principal only by
/// pseudonym, valid 15 minutes from sign-in or as long as the fiduciary asked for a hand-off).
pub const SESSION_COOKIE: &str = "anm_me";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(consents_page))
        .route("/me/{fid}/sign-in", get(sign_in_page).post(sign_in_start))
        .route("/me/{fid}/sign-in/verify", post(sign_in_verify))
        .route("/me/hand-off", get(hand_off_page).post(hand_off))
        .route("/me/sign-out", post(sign_out))
        .route("/me/consents/{id}", get(consent_page))
        .route("/me/consents/{id}/{action}", post(consent_action))
        .route("/me/inbox", get(inbox_page))
        .route("/me/inbox/{id}/acknowledge", post(acknowledge))
        .route("/me/cases", get(cases_page))
        .route("/me/grievances", post(file_grievance))
        .route("/me/requests", post(file_request))
        .route("/me/cases/{reference}", get(case_page))
        .route(
            "/me/cases/{reference}/access-document",
            get(access_document),
        )
        .route("/me/export.csv", get(export_csv))
        .route("/me/export.jsonld", get(export_record))
        .route("/me/export.pdf", get(export_pdf))
}

/// A value the templates read, from anything serialisable.
fn v<T: Serialize>(x: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(x))
}

// ---------- the session ----------

/// A signed-in principal: the page's context and the caller the `/v1/me` handlers take. A
/// visitor without a valid session gets the signed-out page (401).
pub struct Me {
    pub ctx: PageCtx,
    pub p: PrincipalCaller,
}

impl FromRequestParts<AppState> for Me {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(ctx) = PageCtx::from_request_parts(parts, state).await;
        let now = state.clock.now().unix_timestamp();
        let claim = crate::session::cookie_value(&parts.headers, SESSION_COOKIE)
            .and_then(|t| state.store.keys().open_principal_token(&t, now));
        match claim {
            Some(c) => Ok(Me {
                ctx,
                p: PrincipalCaller {
                    fiduciary_id: c.fiduciary_id,
                    pseudonym: c.pseudonym,
                    source_ip: extract::source_ip(parts),
                    nominee: c.nominee,
                },
            }),
            None => Err(render_status(
                &ctx,
                StatusCode::UNAUTHORIZED,
                "dash-signed-out.html",
                minijinja::context! {},
            )
            .into_response()),
        }
    }
}

/// A failure shown as an error page in the visitor's language (nothing was changed: every
/// write runs in one transaction that failed).
pub struct Fail(Box<(PageCtx, ApiError)>);

impl Fail {
    fn new(ctx: PageCtx, e: ApiError) -> Fail {
        Fail(Box::new((ctx, e)))
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let (ctx, e) = *self.0;
        let key = match e.status.as_u16() {
            404 => "dash-error-not-found",
            401 => "dash-error-hand-off",
            409 | 422 => "dash-error-refused",
            429 => "dash-error-too-many",
            503 if e.code == "pdf_unavailable" => "dash-error-pdf",
            400 => "dash-error-input",
            _ => "error-generic",
        };
        error_page(&ctx, e.status, key).into_response()
    }
}

type Res = Result<Response, Fail>;

trait OrPage<T> {
    fn or_page(self, ctx: &PageCtx) -> Result<T, Fail>;
}

impl<T, E: Into<ApiError>> OrPage<T> for Result<T, E> {
    fn or_page(self, ctx: &PageCtx) -> Result<T, Fail> {
        self.map_err(|e| Fail::new(ctx.clone(), e.into()))
    }
}

fn bad_input(ctx: &PageCtx) -> Fail {
    Fail::new(
        ctx.clone(),
        ApiError::bad_request("invalid_input", "the form could not be read"),
    )
}

fn not_found(ctx: &PageCtx) -> Fail {
    Fail::new(
        ctx.clone(),
        ApiError::not_found("not_found", "no such page"),
    )
}

/// A `303 See Other` to `to`, with extra cookies.
fn see_other(to: &str, cookies: &[String]) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

/// Signs the browser in with a principal token: the session cookie lives as long as the token.
fn start_session(s: &AppState, token: &str, expires_at: OffsetDateTime) -> Response {
    let left = (expires_at - s.clock.now()).whole_seconds().max(0);
    let c = security::cookie(
        SESSION_COOKIE,
        token,
        "Lax",
        s.staff.secure_cookies,
        Some(left),
    );
    see_other("/me", &[c])
}

// ---------- signing in and out ----------

fn fiduciary(ctx: &PageCtx, fid: &str) -> Result<Uuid, Fail> {
    Uuid::parse_str(fid).map_err(|_| not_found(ctx))
}

async fn sign_in_page(ctx: PageCtx, Path(fid): Path<String>) -> Res {
    let fid = fiduciary(&ctx, &fid)?;
    Ok(render(
        &ctx,
        "dash-sign-in.html",
        minijinja::context! { fid => fid.to_string() },
    )
    .into_response())
}

/// Asks for a code, as `POST /v1/principal-signin/start`: whether the contact is known is
/// not revealed.
async fn sign_in_start(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(fid): Path<String>,
    ClientIp(ip): ClientIp,
    form: FormBody,
) -> Res {
    let fid = fiduciary(&ctx, &fid)?;
    let contact = form.get("contact").unwrap_or("").trim().to_string();
    if principal::normalise(&contact).is_none() {
        return Ok(render_status(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "dash-sign-in.html",
            minijinja::context! { fid => fid.to_string(), error => ctx.t("dash-contact-invalid") },
        )
        .into_response());
    }
    let c = contact.clone();
    s.store
        .transact(move |tx| principal::start_sign_in(tx, fid, &c, ip.as_deref()))
        .await
        .or_page(&ctx)?;
    Ok(code_page(&ctx, fid, &contact, StatusCode::OK, None).into_response())
}

fn code_page(
    ctx: &PageCtx,
    fid: Uuid,
    contact: &str,
    status: StatusCode,
    error: Option<String>,
) -> Page {
    render_status(
        ctx,
        status,
        "dash-code.html",
        minijinja::context! {
            fid => fid.to_string(),
            contact => contact,
            masked => mask_identifier(contact),
            minutes => principal::CODE_TTL.whole_minutes(),
            error => error,
        },
    )
}

/// Signs in with the code, as `POST /v1/principal-signin/verify`, and keeps the token in the
/// session cookie.
async fn sign_in_verify(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(fid): Path<String>,
    ClientIp(ip): ClientIp,
    form: FormBody,
) -> Res {
    let fid = fiduciary(&ctx, &fid)?;
    let contact = form.get("contact").unwrap_or("").trim().to_string();
    let code = form.get("code").unwrap_or("").trim().to_string();
    let c = contact.clone();
    let signed_in = s
        .store
        .transact(move |tx| principal::verify_sign_in(tx, fid, &c, &code, ip.as_deref()))
        .await
        .or_page(&ctx)?;
    match signed_in {
        Some(t) => Ok(start_session(&s, &t.token, t.expires_at)),
        None => Ok(code_page(
            &ctx,
            fid,
            &contact,
            StatusCode::UNAUTHORIZED,
            Some(ctx.t("dash-code-wrong")),
        )
        .into_response()),
    }
}

async fn hand_off_page(ctx: PageCtx) -> Page {
    render(&ctx, "dash-hand-off.html", minijinja::context! {})
}

/// A fiduciary's hand-off: its page posts the principal token it got from
/// `POST /v1/principal-tokens` (a form field, never the URL). The token is the credential, so
/// this form alone needs no CSRF token and may come from the fiduciary's site.
async fn hand_off(State(s): State<AppState>, ctx: PageCtx, body: axum::body::Bytes) -> Res {
    let token = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    let now = s.clock.now();
    match s
        .store
        .keys()
        .open_principal_token(&token, now.unix_timestamp())
    {
        Some(claim) => {
            let expires = OffsetDateTime::from_unix_timestamp(claim.expires).unwrap_or(now);
            Ok(start_session(&s, &token, expires))
        }
        None => Err(Fail::new(ctx, ApiError::unauthorized())),
    }
}

/// Clears the session cookie. (The token itself stays valid until it expires: it is sealed,
/// not stored; the browser no longer has it.)
async fn sign_out(State(s): State<AppState>, me: Me, _form: FormBody) -> Response {
    let c = security::cookie(SESSION_COOKIE, "", "Lax", s.staff.secure_cookies, Some(0));
    see_other(&format!("/me/{}/sign-in", me.p.fiduciary_id), &[c])
}

// ---------- consents ----------

/// One purpose of one consent, as the list shows it.
#[derive(Serialize)]
struct Row {
    id: String,
    purpose: String,
    name: String,
    notice: String,
    notice_version: u32,
    status: &'static str,
    group: &'static str,
    data_items: Vec<String>,
    updated: String,
    expires: Option<String>,
    /// The notice version to consent again under (re-consent after a notice change).
    reconsent: Option<u32>,
    can_withdraw: bool,
    can_renew: bool,
    can_grant: bool,
}

const GROUPS: [&str; 5] = ["reconsent", "active", "expired", "withdrawn", "denied"];

fn day(t: OffsetDateTime) -> String {
    format!("{}", t.date())
}

/// The purposes' names in the page's language (else English, else the code).
async fn purpose_names(
    s: &AppState,
    fid: Uuid,
    lang: &anumodan_core::Lang,
) -> Result<BTreeMap<String, String>, ApiError> {
    let purposes = s.store.read(move |r| r.purposes(fid)).await?;
    let en = anumodan_core::Lang::parse("en").expect("en");
    Ok(purposes
        .into_iter()
        .map(|p| {
            let name = p
                .name
                .get(lang)
                .or_else(|| p.name.get(&en))
                .cloned()
                .unwrap_or_else(|| p.code.clone());
            (p.code, name)
        })
        .collect())
}

fn rows(items: Vec<MyConsent>, names: &BTreeMap<String, String>, now: OffsetDateTime) -> Vec<Row> {
    let mut out = vec![];
    for item in items {
        let a = &item.consent;
        for p in &a.purposes {
            // `consent` is as of now (`api::consents::current`): statuses already moved on.
            let reconsent = item
                .reconsent
                .as_ref()
                .filter(|r| r.purposes.contains(&p.purpose))
                .map(|r| r.notice_version);
            let group = match (reconsent, p.status) {
                (Some(_), _) => "reconsent",
                (None, Status::Active) => "active",
                (None, Status::Expired) => "expired",
                (None, Status::Withdrawn) => "withdrawn",
                (None, Status::Denied) => "denied",
                (None, Status::Erased) => continue,
            };
            out.push(Row {
                id: a.id.to_string(),
                purpose: p.purpose.clone(),
                name: names
                    .get(&p.purpose)
                    .cloned()
                    .unwrap_or_else(|| p.purpose.clone()),
                notice: a.notice_code.clone(),
                notice_version: p.held_version(a.notice_version),
                status: p.status.as_str(),
                group,
                data_items: p.data_items.clone(),
                updated: day(p.updated_at),
                expires: p.expires_at.filter(|_| p.status == Status::Active).map(day),
                reconsent,
                can_withdraw: p.status == Status::Active,
                can_renew: lifecycle::renewable(p, now),
                can_grant: matches!(p.status, Status::Denied | Status::Withdrawn),
            });
        }
    }
    out
}

/// The list's filters, from the query string (a GET form).
#[derive(Default, Serialize)]
struct Filter {
    q: String,
    status: String,
    from: String,
    to: String,
}

impl Filter {
    fn parse(query: Option<&str>) -> Option<Filter> {
        let mut f = Filter::default();
        for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let v = v.trim().to_string();
            match k.as_ref() {
                "q" => f.q = v,
                "status" => f.status = v,
                "from" => f.from = v,
                "to" => f.to = v,
                _ => {}
            }
        }
        let ok_status = f.status.is_empty() || GROUPS.contains(&f.status.as_str());
        let ok_dates = [&f.from, &f.to]
            .iter()
            .all(|d| d.is_empty() || parse_day(d).is_some());
        (ok_status && ok_dates && f.q.chars().count() <= 100).then_some(f)
    }

    fn keeps(&self, r: &Row) -> bool {
        let q = self.q.to_lowercase();
        (q.is_empty()
            || r.purpose.to_lowercase().contains(&q)
            || r.name.to_lowercase().contains(&q))
            && (self.status.is_empty() || self.status == r.group)
            && (self.from.is_empty() || r.updated >= self.from)
            && (self.to.is_empty() || r.updated <= self.to)
    }
}

fn parse_day(d: &str) -> Option<Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(d, &f).ok()
}

#[derive(Serialize)]
struct Group {
    key: &'static str,
    rows: Vec<Row>,
}

/// `/me`: the consents grouped by status, filtered by the query's purpose, status and dates;
/// after an action, what was done (`?done=withdraw&purpose=...`).
async fn consents_page(State(s): State<AppState>, me: Me, RawQuery(query): RawQuery) -> Res {
    let Me { ctx, p } = me;
    let filter = Filter::parse(query.as_deref()).ok_or_else(|| bad_input(&ctx))?;
    let fid = p.fiduciary_id;
    let items = me::my_consents(State(s.clone()), p)
        .await
        .or_page(&ctx)?
        .0
        .items;
    let names = purpose_names(&s, fid, &ctx.lang).await.or_page(&ctx)?;
    let all = rows(items, &names, s.clock.now());
    let total = all.len();
    let mut groups: Vec<Group> = GROUPS
        .iter()
        .map(|k| Group {
            key: k,
            rows: vec![],
        })
        .collect();
    for r in all.into_iter().filter(|r| filter.keeps(r)) {
        if let Some(g) = groups.iter_mut().find(|g| g.key == r.group) {
            g.rows.push(r);
        }
    }
    let done = query.as_deref().and_then(|q| {
        let pairs: BTreeMap<String, String> = url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect();
        let purpose = pairs.get("purpose")?;
        let action = pairs.get("done")?;
        ["withdraw", "renew", "grant"]
            .contains(&action.as_str())
            .then(|| {
                names
                    .get(purpose)
                    .cloned()
                    .unwrap_or_else(|| purpose.clone())
            })
    });
    Ok(render(
        &ctx,
        "dash-consents.html",
        minijinja::context! { groups => v(&groups), filter => v(&filter), total, done, section => "consents" },
    )
    .into_response())
}

#[derive(Serialize)]
struct VersionView {
    version: u32,
    at: String,
    event: String,
    by: &'static str,
    method: String,
    purposes: Vec<(String, &'static str)>,
}

fn by(initiator: &str) -> &'static str {
    match initiator {
        "principal" => "principal",
        "system" => "system",
        i if i.starts_with("fiduciary:") || i.starts_with("processor:") => "fiduciary",
        _ => "other",
    }
}

fn enum_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// `/me/consents/{id}`: every version of one of the principal's consents.
async fn consent_page(State(s): State<AppState>, me: Me, Path(id): Path<String>) -> Res {
    let Me { ctx, p } = me;
    let id = Uuid::parse_str(&id).map_err(|_| not_found(&ctx))?;
    let fid = p.fiduciary_id;
    let c = me::my_consent(State(s.clone()), p, Path(id))
        .await
        .or_page(&ctx)?
        .0;
    let names = purpose_names(&s, fid, &ctx.lang).await.or_page(&ctx)?;
    let versions: Vec<VersionView> = c
        .history
        .iter()
        .rev()
        .map(|a| VersionView {
            version: a.version,
            at: a.created_at.date().to_string()
                + " "
                + &format!(
                    "{:02}:{:02} UTC",
                    a.created_at.hour(),
                    a.created_at.minute()
                ),
            event: enum_name(&a.event),
            by: by(&a.initiator),
            method: enum_name(&a.method),
            purposes: a
                .purposes
                .iter()
                .map(|s| {
                    (
                        names
                            .get(&s.purpose)
                            .cloned()
                            .unwrap_or_else(|| s.purpose.clone()),
                        s.status.as_str(),
                    )
                })
                .collect(),
        })
        .collect();
    Ok(render(
        &ctx,
        "dash-consent.html",
        minijinja::context! {
            id => c.consent.id.to_string(),
            notice => c.consent.notice_code,
            notice_version => c.consent.notice_version,
            versions => v(&versions),
            section => "consents",
        },
    )
    .into_response())
}

/// `POST /me/consents/{id}/{withdraw|renew|grant}` for one purpose: the same use cases as
/// `/v1/me/consents/{id}/withdraw`, `renew` and `update`, as the principal, on the web.
async fn consent_action(
    State(s): State<AppState>,
    me: Me,
    Path((id, action)): Path<(String, String)>,
    form: FormBody,
) -> Res {
    let Me { ctx, p } = me;
    let id = Uuid::parse_str(&id).map_err(|_| not_found(&ctx))?;
    let purpose = form
        .get("purpose")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| bad_input(&ctx))?
        .to_string();
    let notice_version = match form.get("notice_version").filter(|v| !v.is_empty()) {
        Some(v) => Some(v.parse::<u32>().map_err(|_| bad_input(&ctx))?),
        None => None,
    };
    let how = ActRequest {
        method: Some(Method::Web),
        session_id: None,
        notice_version,
        language: None,
    };
    let purposes = vec![purpose.clone()];
    match action.as_str() {
        "withdraw" => {
            let how = ActRequest {
                notice_version: None,
                ..how
            };
            as_owner(&s, p, id, None, withdrawal_owner, move |tx, actor| {
                usecases::withdraw(tx, actor, id, Some(&purposes), &how)
            })
            .await
            .or_page(&ctx)?;
        }
        "renew" => {
            as_owner(&s, p, id, None, artefact_owner, move |tx, actor| {
                usecases::renew(tx, actor, id, Some(&purposes), &how)
            })
            .await
            .or_page(&ctx)?;
        }
        "grant" => {
            let decisions = BTreeMap::from([(purpose.clone(), Decision::Granted)]);
            as_owner(&s, p, id, None, artefact_owner, move |tx, actor| {
                usecases::update(tx, actor, id, &decisions, &how)
            })
            .await
            .or_page(&ctx)?;
        }
        _ => return Err(not_found(&ctx)),
    }
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("done", &action)
        .append_pair("purpose", &purpose)
        .finish();
    Ok(see_other(&format!("/me?{q}"), &[]))
}

// ---------- the inbox ----------

async fn inbox_page(State(s): State<AppState>, me: Me) -> Res {
    let Me { ctx, p } = me;
    let q = InboxQuery {
        cursor: None,
        unread: None,
        limit: Some(100),
    };
    let items = crate::api::notify::my_notifications(State(s), p, Query(q))
        .await
        .or_page(&ctx)?
        .0
        .items;
    #[derive(Serialize)]
    struct Item {
        id: String,
        title: String,
        body: String,
        at: String,
        read: Option<String>,
        artefact: Option<String>,
    }
    let items: Vec<Item> = items
        .into_iter()
        .map(|i| Item {
            id: i.id.to_string(),
            title: i.title,
            body: i.body,
            at: day(i.created_at),
            read: i.acknowledged_at.map(day),
            artefact: i.artefact_id.map(|a| a.to_string()),
        })
        .collect();
    Ok(render(
        &ctx,
        "dash-inbox.html",
        minijinja::context! { items => v(&items), section => "inbox" },
    )
    .into_response())
}

async fn acknowledge(
    State(s): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    _form: FormBody,
) -> Res {
    let Me { ctx, p } = me;
    let id = Uuid::parse_str(&id).map_err(|_| not_found(&ctx))?;
    let _ack = crate::api::notify::acknowledge_notification(State(s), p, Path(id))
        .await
        .or_page(&ctx)?;
    Ok(see_other("/me/inbox", &[]))
}

// ---------- grievances and rights requests ----------

#[derive(Serialize)]
struct CaseRow {
    reference: String,
    kind: String,
    status: String,
    filed: String,
    respond_by: String,
}

fn case_row(c: &Case) -> CaseRow {
    CaseRow {
        reference: c.reference.clone(),
        kind: enum_name(&c.kind),
        status: enum_name(&c.status),
        filed: day(c.created_at),
        respond_by: day(c.respond_by),
    }
}

async fn cases_page(State(s): State<AppState>, me: Me) -> Res {
    let Me { ctx, p } = me;
    let fid = p.fiduciary_id;
    let q = || MineQuery {
        cursor: None,
        limit: Some(200),
    };
    let mut all = crate::api::cases::my_grievances(State(s.clone()), p.clone(), Query(q()))
        .await
        .or_page(&ctx)?
        .0
        .items;
    all.extend(
        crate::api::cases::my_requests(State(s.clone()), p, Query(q()))
            .await
            .or_page(&ctx)?
            .0
            .items,
    );
    all.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    let cases: Vec<CaseRow> = all.iter().map(case_row).collect();
    let settings = s
        .store
        .read_conn(move |conn| anumodan_store::cases::settings_of(conn, fid))
        .await
        .or_page(&ctx)?;
    let en = anumodan_core::Lang::parse("en").expect("en");
    let categories: Vec<(String, String)> = settings
        .categories
        .iter()
        .map(|c| {
            let name = c
                .name
                .get(&ctx.lang)
                .or_else(|| c.name.get(&en))
                .cloned()
                .unwrap_or_else(|| c.code.clone());
            (c.code.clone(), name)
        })
        .collect();
    Ok(render(
        &ctx,
        "dash-cases.html",
        minijinja::context! { cases => v(&cases), categories, section => "cases" },
    )
    .into_response())
}

fn optional(form: &FormBody, name: &str) -> Option<String> {
    form.get(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The reference in a filed case's `Location` (`/v1/me/cases/{reference}`).
fn filed(ctx: &PageCtx, r: Response) -> Res {
    let reference = r
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.strip_prefix("/v1/me/cases/"))
        .map(str::to_string)
        .ok_or_else(|| not_found(ctx))?;
    Ok(see_other(&format!("/me/cases/{reference}"), &[]))
}

/// Files a grievance, as `POST /v1/me/grievances`, answered in the page's language.
async fn file_grievance(State(s): State<AppState>, me: Me, form: FormBody) -> Res {
    let Me { ctx, p } = me;
    let body = GrievanceRequest {
        category: optional(&form, "category"),
        description: form.get("description").unwrap_or("").trim().to_string(),
        language: Some(ctx.lang.clone()),
        artefacts: vec![],
    };
    let r = crate::api::cases::file_grievance(State(s), p, Json(body))
        .await
        .or_page(&ctx)?;
    filed(&ctx, r)
}

/// Files a rights request, as `POST /v1/me/requests`.
async fn file_request(State(s): State<AppState>, me: Me, form: FormBody) -> Res {
    let Me { ctx, p } = me;
    let kind = form.get("kind").unwrap_or("").to_string();
    let changes = match (optional(&form, "field"), optional(&form, "value")) {
        (Some(field), Some(value)) if kind == "correction" => {
            vec![anumodan_core::cases::model::FieldChange { field, value }]
        }
        _ => vec![],
    };
    let nominee = match (
        optional(&form, "nominee_name"),
        optional(&form, "nominee_contact"),
    ) {
        (Some(name), Some(contact)) if kind == "nomination" => Some(Nominee {
            name,
            contact,
            relationship: optional(&form, "nominee_relationship"),
        }),
        _ => None,
    };
    let body = RightsRequestBody {
        kind,
        description: optional(&form, "description"),
        language: Some(ctx.lang.clone()),
        artefacts: vec![],
        changes,
        nominee,
    };
    let r = crate::api::cases::file_request(State(s), p, Json(body))
        .await
        .or_page(&ctx)?;
    filed(&ctx, r)
}

async fn case_page(State(s): State<AppState>, me: Me, Path(reference): Path<String>) -> Res {
    let Me { ctx, p } = me;
    let c = crate::api::cases::my_case(State(s), p, Path(reference))
        .await
        .or_page(&ctx)?
        .0;
    #[derive(Serialize)]
    struct Step {
        at: String,
        action: String,
        to: Option<String>,
    }
    let steps: Vec<Step> = c
        .history
        .iter()
        .map(|h| Step {
            at: day(h.at),
            action: h.action.clone(),
            to: h.to.as_ref().map(enum_name),
        })
        .collect();
    let access = c.kind == anumodan_core::cases::model::CaseKind::Access;
    Ok(render(
        &ctx,
        "dash-case.html",
        minijinja::context! {
            case => v(&case_row(&c)),
            description => c.description,
            steps => v(&steps),
            access,
            section => "cases",
        },
    )
    .into_response())
}

/// The access document of an access request, as `GET /v1/me/cases/{reference}/access-document`.
async fn access_document(State(s): State<AppState>, me: Me, Path(reference): Path<String>) -> Res {
    let Me { ctx, p } = me;
    crate::api::cases::my_access_document(State(s), p, Path(reference))
        .await
        .or_page(&ctx)
}

// ---------- exports ----------

/// Every version of every consent of the principal, personal data masked.
async fn histories(s: &AppState, p: &PrincipalCaller) -> Result<Vec<Vec<Artefact>>, ApiError> {
    let (fid, pseudonym) = (p.fiduciary_id, p.pseudonym);
    Ok(s.store
        .read(move |r| {
            r.artefacts_of_pseudonym(fid, &pseudonym)?
                .into_iter()
                .map(|a| {
                    r.artefact_history(fid, a.id)
                        .map(|h| h.into_iter().map(mask_artefact).collect())
                })
                .collect()
        })
        .await?)
}

/// What both exports are made of: every version of the principal's consents, and the purposes'
/// names in the page's language.
async fn export_inputs(
    s: &AppState,
    ctx: &PageCtx,
    p: &PrincipalCaller,
) -> Result<(Vec<Vec<Artefact>>, BTreeMap<String, String>), Fail> {
    let all = histories(s, p).await.or_page(ctx)?;
    let names = purpose_names(s, p.fiduciary_id, &ctx.lang)
        .await
        .or_page(ctx)?;
    Ok((all, names))
}

fn as_histories(all: &[Vec<Artefact>]) -> Vec<anumodan_core::export::History<'_>> {
    all.iter()
        .map(|v| anumodan_core::export::History { versions: v })
        .collect()
}

/// `/me/export.csv`: one row per version and purpose, formula-like cells neutralised.
async fn export_csv(State(s): State<AppState>, me: Me) -> Res {
    let (all, names) = export_inputs(&s, &me.ctx, &me.p).await?;
    // A byte order mark, so spreadsheets read the UTF-8 of Indic scripts as such.
    let body = format!(
        "\u{feff}{}",
        anumodan_core::export::csv(&as_histories(&all), &names)
    );
    Ok(crate::api::attachment(
        body,
        "text/csv; charset=utf-8",
        "anumodan-consents.csv",
    ))
}

/// `/me/export.jsonld`: the consent records (ISO/IEC TS 27560, W3C DPV).
async fn export_record(State(s): State<AppState>, me: Me) -> Res {
    let (all, names) = export_inputs(&s, &me.ctx, &me.p).await?;
    let v = anumodan_core::export::consent_records(&as_histories(&all), &names, s.clock.now());
    Ok(crate::api::attachment(
        serde_json::to_string_pretty(&v).unwrap_or_default(),
        "application/ld+json",
        "anumodan-consent-record.jsonld",
    ))
}

/// The most rows a PDF shows (the CSV has them all): a history this long is a machine's.
const PDF_ROWS: usize = 5_000;

/// The history as a document in the page's language (`anumodan_pdf`: every script, right to
/// left where the language is).
fn history_document(
    ctx: &PageCtx,
    all: &[Vec<Artefact>],
    names: &BTreeMap<String, String>,
    now: OffsetDateTime,
) -> anumodan_pdf::Doc {
    use anumodan_core::export::{enum_str, rows};
    use anumodan_pdf::{Block, Column};
    let lang = ctx.lang.as_str();
    let cat = super::i18n::catalog();
    let with =
        |key: &str, args: &[(&str, fluent_bundle::FluentValue<'_>)]| cat.text(lang, key, args);
    let col = |key: &str, weight: f32| Column {
        title: ctx.t(key),
        weight,
    };
    let histories = as_histories(all);
    let table: Vec<Vec<String>> = rows(&histories)
        .take(PDF_ROWS)
        .map(|r| {
            let (a, p) = (r.artefact, r.purpose);
            vec![
                a.id.to_string()[..8].to_string(),
                a.version.to_string(),
                day(a.created_at),
                ctx.t(&format!("dash-event-{}", enum_str(&a.event))),
                names
                    .get(&p.purpose)
                    .cloned()
                    .unwrap_or_else(|| p.purpose.clone()),
                ctx.t(&format!("dash-choice-{}", enum_str(&p.decision))),
                ctx.t(&format!("dash-group-{}", p.status.as_str())),
                p.expires_at.map(day).unwrap_or_default(),
            ]
        })
        .collect();
    anumodan_pdf::Doc {
        title: ctx.t("dash-pdf-title"),
        lang: lang.to_string(),
        rtl: ctx.lang.is_rtl(),
        footer: with(
            "dash-pdf-page",
            &[("page", "{page}".into()), ("pages", "{pages}".into())],
        ),
        blocks: vec![
            Block::Title(ctx.t("dash-pdf-title")),
            Block::Note(with("dash-pdf-made", &[("date", day(now).into())])),
            Block::Table {
                columns: vec![
                    col("dash-consent", 1.1),
                    col("dash-version", 0.7),
                    col("dash-when", 1.2),
                    col("dash-event", 1.1),
                    col("dash-purpose", 2.2),
                    col("dash-choice", 0.9),
                    col("dash-status", 1.0),
                    col("dash-valid-until", 1.2),
                ],
                rows: table,
            },
        ],
    }
}

/// `/me/export.pdf`: the history as a document that reads right in the principal's script.
async fn export_pdf(State(s): State<AppState>, me: Me) -> Res {
    let (all, names) = export_inputs(&s, &me.ctx, &me.p).await?;
    let doc = history_document(&me.ctx, &all, &names, s.clock.now());
    let pdf = s.pdf.render(doc).await.or_page(&me.ctx)?;
    Ok(crate::api::attachment(
        pdf,
        "application/pdf",
        "anumodan-consents.pdf",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_checked_before_use() {
        assert!(Filter::parse(Some("status=active&from=2026-01-01&lang=hi")).is_some());
        assert!(Filter::parse(Some("status=bogus")).is_none());
        assert!(Filter::parse(Some("from=01/02/2026")).is_none());
        assert!(Filter::parse(None).is_some());
    }

    /// The sign-in pages render in every language with every message found.
    #[test]
    fn the_sign_in_pages_render_in_every_language() {
        for code in anumodan_core::lang::LANGUAGES {
            let ctx = PageCtx::from_headers(
                &axum::http::HeaderMap::new(),
                Some(&format!("lang={code}")),
                "/me/hand-off",
                false,
            );
            for t in [
                "dash-sign-in.html",
                "dash-hand-off.html",
                "dash-signed-out.html",
            ] {
                let page = render(&ctx, t, minijinja::context! { fid => "f" });
                assert!(!page.html.contains(">dash-"), "{code} {t}: a key was shown");
            }
            let page = code_page(&ctx, Uuid::nil(), "9876543210", StatusCode::OK, None);
            assert!(page.html.contains("******3210"), "{code}");
        }
    }
}
