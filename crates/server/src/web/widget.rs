//! The cookie banner (issue 22, item 5; docs/web.md, "The cookie banner").
//!
//! - `/v1/cookie-banner` (API key): the fiduciary's banner configuration
//!   (`anumodan_core::cookies::BannerConfig`).
//! - `/widget/v1/consent.js` and `consent.css`: the banner itself, one dependency-free script
//!   that carries no language (cached, with an ETag).
//! - `/widget/v1/config/{fiduciary}?lang=`: what the script shows, in the visitor's language
//!   (the banner's messages from `widget.ftl`, the cookie policy from the fiduciary's notice).
//! - `POST /widget/v1/decisions`: a visitor's decision, recorded as a consent by
//!   `anumodan_core::cookies::decide`; the answer sets the first-party preference cookie.
//! - `/widget/v1/demo`: a sample page carrying the banner and a blocked analytics script.
//!
//! The public endpoints are same-origin only (no CORS): a fiduciary serves them on its own site
//! (a reverse-proxy path or a subdomain) so that the preference cookie is first-party.

use super::i18n;
use super::page::{PageCtx, render};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Caller, ClientIp, Json};
use anumodan_core::cookies::{self, BannerAction, BannerConfig, Category, VisitorDecision};
use anumodan_core::lang::Lang;
use anumodan_core::usecases::Actor;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use uuid::Uuid;

type ApiResult<T> = Result<T, ApiError>;

/// The preference cookie: `<notice version>.<granted categories joined by +>.<visitor id>`.
/// Not `HttpOnly`: the script reads it on every page to decide, before anything loads, which
/// blocked scripts may run.
pub const PREFERENCE_COOKIE: &str = "anm_cc";
/// The largest decision body accepted, in bytes.
pub const MAX_DECISION_BYTES: usize = 2048;

const SCRIPT: &str = include_str!("../../web/static/widget/consent.js");
const STYLE: &str = include_str!("../../web/static/widget/consent.css");
const DEMO_ANALYTICS: &str = include_str!("../../web/static/widget/demo-analytics.js");

/// The banner's public routes (no credentials; bounded by the per-IP limit, a tighter limit on
/// decisions, and a small body).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/widget/v1/consent.js", get(script))
        .route("/widget/v1/consent.css", get(style))
        .route("/widget/v1/config/{fiduciary}", get(public_config))
        .route("/widget/v1/decisions", post(decision))
        .route("/widget/v1/demo", get(demo))
        .route("/widget/v1/demo/analytics.js", get(demo_analytics))
}

// ---------- the configuration API ----------

#[utoipa::path(get, path = "/v1/cookie-banner", tag = "cookies",
    responses((status = 200, body = BannerConfig), (status = 403, body = crate::error::Problem),
        (status = 404, description = "No banner configured (`cookie_banner_not_found`)", body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn get_banner(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<BannerConfig>> {
    let fid = c.fiduciary_id;
    s.store
        .read_conn(move |conn| anumodan_store::cookies::banner_of(conn, fid))
        .await?
        .map(axum::Json)
        .ok_or_else(|| {
            ApiError::not_found("cookie_banner_not_found", "no cookie banner configured")
        })
}

#[utoipa::path(put, path = "/v1/cookie-banner", tag = "cookies", request_body = BannerConfig,
    responses((status = 200, body = BannerConfig), (status = 403, body = crate::error::Problem),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `notice_version_not_published` (the notice version does not exist), `invalid_cookie_banner` (a category or purpose twice, purposes other than the notice version's, a malformed cookie name or domain)", body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn put_banner(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<BannerConfig>,
) -> ApiResult<axum::Json<BannerConfig>> {
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| cookies::save_banner(tx, &actor, body))
            .await?,
    ))
}

// ---------- the script ----------

fn etag(body: &str) -> &'static str {
    static TAGS: OnceLock<std::collections::HashMap<usize, String>> = OnceLock::new();
    let tags = TAGS.get_or_init(|| {
        [SCRIPT, STYLE, DEMO_ANALYTICS]
            .iter()
            .map(|b| {
                use sha2::Digest;
                let d = sha2::Sha256::digest(b.as_bytes());
                let hex: String = d.iter().take(8).map(|x| format!("{x:02x}")).collect();
                (b.as_ptr() as usize, format!("\"{hex}\""))
            })
            .collect()
    });
    tags.get(&(body.as_ptr() as usize))
        .map(String::as_str)
        .unwrap_or("\"0\"")
}

/// A static asset: an hour in any cache, then revalidated by its ETag (the script's URL is
/// fixed in the fiduciary's pages, so a new release must reach them).
fn asset(headers: &HeaderMap, body: &'static str, content_type: &'static str) -> Response {
    let tag = etag(body);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600, must-revalidate"),
    );
    if let Ok(v) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, v);
    }
    res
}

async fn script(headers: HeaderMap) -> Response {
    asset(&headers, SCRIPT, "text/javascript; charset=utf-8")
}

async fn style(headers: HeaderMap) -> Response {
    asset(&headers, STYLE, "text/css; charset=utf-8")
}

async fn demo_analytics(headers: HeaderMap) -> Response {
    asset(&headers, DEMO_ANALYTICS, "text/javascript; charset=utf-8")
}

// ---------- what the script shows ----------

#[derive(Deserialize)]
struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// The visitor's language: the tag's or page's (`en-IN` counts as `en`), else English.
fn visitor_lang(raw: Option<&str>) -> Lang {
    raw.and_then(|l| Lang::parse(l.split(['-', '_']).next().unwrap_or("")))
        .unwrap_or_else(|| Lang::parse("en").expect("en"))
}

/// The banner's messages: the `widget-` keys of `widget.ftl`, without the prefix.
const MESSAGES: &[&str] = &[
    "title",
    "intro",
    "accept-all",
    "reject-all",
    "customise",
    "save",
    "preferences",
    "policy",
    "always-on",
    "gpc",
    "error",
    "category-essential",
    "category-performance",
    "category-analytics",
    "category-marketing",
];

#[derive(Serialize)]
struct PublicCategory {
    category: Category,
    /// The purpose's name and description in the policy's language.
    name: String,
    description: String,
    cookies: Vec<cookies::DeclaredCookie>,
}

#[derive(Serialize)]
struct PublicPolicy {
    language: String,
    dir: &'static str,
    title: String,
    summary: String,
    rights: String,
    retention_policy: String,
    withdrawal_policy: String,
    grievance_contact: String,
}

#[derive(Serialize)]
struct PublicConfig {
    notice_version: u32,
    expiry_days: u32,
    lang: String,
    dir: &'static str,
    messages: serde_json::Map<String, serde_json::Value>,
    categories: Vec<PublicCategory>,
    policy: PublicPolicy,
}

fn dir(l: &Lang) -> &'static str {
    if l.is_rtl() { "rtl" } else { "ltr" }
}

fn no_banner() -> ApiError {
    ApiError::not_found("cookie_banner_not_found", "no cookie banner here")
}

async fn public_config(
    State(s): State<AppState>,
    Path(fiduciary): Path<String>,
    Query(q): Query<LangQuery>,
) -> ApiResult<Response> {
    let fid = Uuid::parse_str(&fiduciary).map_err(|_| no_banner())?;
    let lang = visitor_lang(q.lang.as_deref());
    let banner = s
        .store
        .read_conn(move |conn| anumodan_store::cookies::banner_of(conn, fid))
        .await?
        .ok_or_else(no_banner)?;
    let (nid, nv) = (banner.notice_id, banner.notice_version);
    let notice = s
        .store
        .read(move |r| r.notice_version(fid, nid, nv))
        .await?
        .ok_or_else(no_banner)?;
    let plang = cookies::policy_language(&notice, &lang).ok_or_else(no_banner)?;
    let rendered = notice.render(&plang).ok_or_else(no_banner)?;
    let catalog = i18n::catalog();
    let messages = MESSAGES
        .iter()
        .map(|k| {
            let text = catalog.text(lang.as_str(), &format!("widget-{k}"), &[]);
            (k.to_string(), serde_json::Value::String(text))
        })
        .collect();
    let categories = banner
        .categories
        .iter()
        .map(|c| {
            let p = rendered.purposes.iter().find(|p| p.code == c.purpose);
            PublicCategory {
                category: c.category,
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                description: p.map(|p| p.description.clone()).unwrap_or_default(),
                cookies: c.cookies.clone(),
            }
        })
        .collect();
    let t = rendered.text;
    let body = PublicConfig {
        notice_version: banner.notice_version,
        expiry_days: banner.expiry_days,
        lang: lang.as_str().to_string(),
        dir: dir(&lang),
        messages,
        categories,
        policy: PublicPolicy {
            language: plang.as_str().to_string(),
            dir: dir(&plang),
            title: t.title,
            summary: t.summary,
            rights: t.rights,
            retention_policy: t.retention_policy,
            withdrawal_policy: t.withdrawal_policy,
            grievance_contact: t.grievance_contact,
        },
    };
    let mut res = axum::Json(body).into_response();
    // A new policy version must reach visitors at once.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}

// ---------- decisions ----------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    fiduciary: Uuid,
    action: BannerAction,
    #[serde(default)]
    categories: Vec<Category>,
    notice_version: u32,
    #[serde(default)]
    language: Option<String>,
    /// `navigator.globalPrivacyControl` (the `Sec-GPC: 1` header counts too).
    #[serde(default)]
    gpc: bool,
}

#[derive(Serialize)]
struct DecisionAnswer {
    consent_id: Uuid,
    notice_version: u32,
    granted: Vec<Category>,
    gpc: bool,
}

/// The preference cookie's value.
pub fn preference_value(notice_version: u32, granted: &[Category], visitor: &str) -> String {
    let cats: Vec<&str> = granted.iter().map(|c| c.as_str()).collect();
    format!("{notice_version}.{}.{visitor}", cats.join("+"))
}

/// The visitor id of a well-formed preference cookie.
fn visitor_of(headers: &HeaderMap) -> Option<String> {
    let v = crate::session::cookie_value(headers, PREFERENCE_COOKIE)?;
    let id = v.rsplit('.').next()?.to_string();
    cookies::visitor_id_ok(&id).then_some(id)
}

fn gpc_header(headers: &HeaderMap) -> bool {
    headers
        .get("sec-gpc")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "1")
}

async fn decision(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    if let Some(ip) = ip.as_deref().and_then(|i| i.parse().ok()) {
        s.limits.check_widget(ip)?;
    }
    // Same origin only: a decision sent by another site is refused.
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return Err(ApiError::forbidden(
            "decisions are accepted from the site's own pages only",
        ));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the decision as application/json",
        ));
    }
    if body.len() > MAX_DECISION_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("a decision is at most {MAX_DECISION_BYTES} bytes"),
        ));
    }
    let b: DecisionBody = serde_json::from_slice(&body)
        .map_err(|_| ApiError::unprocessable("invalid_body", "the decision is malformed"))?;
    if b.categories.len() > 4 {
        return Err(ApiError::unprocessable(
            "invalid_body",
            "at most 4 categories",
        ));
    }
    let fid = b.fiduciary;
    let exists = s
        .store
        .read_conn(move |conn| anumodan_store::cookies::banner_of(conn, fid))
        .await?
        .is_some();
    if !exists {
        return Err(no_banner());
    }
    let gpc = b.gpc || gpc_header(&headers);
    let visitor = visitor_of(&headers).unwrap_or_else(|| super::security::random_token(16));
    let actor = Actor {
        fiduciary_id: fid,
        initiator: "principal".into(),
        source_ip: ip,
    };
    let d = VisitorDecision {
        visitor_id: visitor.clone(),
        action: b.action,
        categories: b.categories,
        notice_version: b.notice_version,
        language: visitor_lang(b.language.as_deref()),
        gpc,
    };
    let decided = s
        .store
        .transact(move |tx| cookies::decide(tx, &actor, d))
        .await?;
    let value = preference_value(decided.artefact.notice_version, &decided.granted, &visitor);
    let mut cookie = format!(
        "{PREFERENCE_COOKIE}={value}; Path=/; Max-Age={}; SameSite=Lax",
        i64::from(decided.expiry_days) * 86_400
    );
    if s.staff.secure_cookies {
        cookie.push_str("; Secure");
    }
    let mut res = (
        StatusCode::CREATED,
        axum::Json(DecisionAnswer {
            consent_id: decided.artefact.id,
            notice_version: decided.artefact.notice_version,
            granted: decided.granted,
            gpc,
        }),
    )
        .into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        h.append(header::SET_COOKIE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

// ---------- the sample page ----------

#[derive(Deserialize)]
struct DemoQuery {
    #[serde(default)]
    fiduciary: Option<Uuid>,
    /// Where the blocked analytics script and marketing frame come from: a loopback origin
    /// (`http://127.0.0.1:<port>`, for the browser test's second origin), else this server.
    #[serde(default)]
    tracker: Option<String>,
}

/// A loopback origin (`http://127.0.0.1:<port>`) and nothing else.
fn loopback_origin(t: &str) -> Option<String> {
    let port = t.strip_prefix("http://127.0.0.1:")?;
    (!port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.to_string())
}

async fn demo(ctx: PageCtx, Query(q): Query<DemoQuery>) -> Response {
    let tracker = q.tracker.as_deref().and_then(loopback_origin);
    let (script, frame) = match &tracker {
        Some(o) => (format!("{o}/analytics.js"), Some(format!("{o}/ad.html"))),
        None => ("/widget/v1/demo/analytics.js".to_string(), None),
    };
    let page = render(
        &ctx,
        "widget-demo.html",
        minijinja::context! {
            fiduciary => q.fiduciary.map(|f| f.to_string()),
            analytics_src => script,
            ad_src => frame,
        },
    );
    let nonce = ctx.nonce.clone();
    let mut res = page.into_response();
    // The page's policy, plus what the banner needs: scripts it starts (`'strict-dynamic'`)
    // and the tracker's frame.
    let frame_src = tracker.unwrap_or_else(|| "'self'".into());
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; frame-src {frame_src}; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preference_cookie_round_trips_its_visitor() {
        let v = preference_value(
            3,
            &[Category::Essential, Category::Analytics],
            "abcdefghijklmnopqrstuv",
        );
        assert_eq!(v, "3.essential+analytics.abcdefghijklmnopqrstuv");
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{PREFERENCE_COOKIE}={v}")).unwrap(),
        );
        assert_eq!(visitor_of(&h).as_deref(), Some("abcdefghijklmnopqrstuv"));
        h.insert(header::COOKIE, HeaderValue::from_static("anm_cc=1.x.bad;"));
        assert_eq!(visitor_of(&h), None);
    }

    #[test]
    fn only_loopback_origins_are_trackers() {
        assert!(loopback_origin("http://127.0.0.1:8080").is_some());
        assert!(loopback_origin("http://127.0.0.1:").is_none());
        assert!(loopback_origin("https://evil.example").is_none());
        assert!(loopback_origin("http://127.0.0.1:80/x").is_none());
    }

    #[test]
    fn the_script_uses_no_eval() {
        for bad in [
            "eval(",
            "new Function",
            "innerHTML",
            "setAttribute(\"style\"",
        ] {
            assert!(!SCRIPT.contains(bad), "{bad}");
        }
    }
}
