//! The HTTP routes.

pub mod audit;
pub mod cases;
pub mod catalog;
pub mod consent_requests;
pub mod consents;
pub mod keys;
pub mod me;
pub mod notify;
pub mod privacy;
pub mod registry;
pub mod reports;
pub mod retention;
pub mod staff;

use crate::AppState;
use crate::error::ApiError;
use anumodan_core::authz::Permission;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
pub use registry::{Access, Registry, Route};
use utoipa_axum::routes;

/// Every route, registered once with who may call it (see [`registry`]).
pub fn registry() -> Registry {
    use Access::*;
    use Permission::*;
    let r = Registry::new(crate::openapi::base_document())
        .add(routes!(healthz), Public)
        .add(routes!(crate::openapi::serve), Public)
        .add(routes!(audit::public_key), Public)
        .add(routes!(audit::latest_checkpoint), Public)
        // catalog
        .add(routes!(catalog::create_data_item), Needs(CatalogWrite))
        .add(routes!(catalog::list_data_items), Needs(CatalogRead))
        .add(routes!(catalog::get_data_item), Needs(CatalogRead))
        .add(routes!(catalog::create_purpose), Needs(CatalogWrite))
        .add(routes!(catalog::list_purposes), Needs(CatalogRead))
        .add(routes!(catalog::get_purpose), Needs(CatalogRead))
        .add(routes!(catalog::create_notice), Needs(CatalogWrite))
        .add(routes!(catalog::list_notices), Needs(CatalogRead))
        .add(routes!(catalog::get_notice), Needs(CatalogRead))
        .add(routes!(catalog::update_notice), Needs(CatalogWrite))
        .add(routes!(catalog::publish_notice), Needs(CatalogWrite))
        .add(routes!(catalog::list_notice_versions), Needs(CatalogRead))
        .add(routes!(catalog::get_notice_version), Needs(CatalogRead))
        .add(routes!(catalog::reconsent_pending), Needs(ConsentRead))
        // the cookie banner (issue 22)
        .add(routes!(crate::web::widget::get_banner), Needs(CatalogRead))
        .add(routes!(crate::web::widget::put_banner), Needs(CatalogWrite))
        // consents
        .add(routes!(consents::collect), Needs(ConsentCollect))
        .add(routes!(consents::validate), Needs(ConsentValidate))
        .add(routes!(consents::get_consent), Needs(ConsentRead))
        .add(routes!(consents::update), Needs(ConsentManage))
        .add(routes!(consents::renew), Needs(ConsentManage))
        .add(routes!(consents::withdraw), Needs(ConsentManage))
        .add(routes!(consents::principal_consents), Needs(ConsentRead))
        // the hosted consent page (the page itself is in `web`)
        .add(
            routes!(consent_requests::create_consent_request),
            Needs(ConsentCollect),
        )
        .add(
            routes!(consent_requests::get_web_settings),
            Needs(CatalogRead),
        )
        .add(
            routes!(consent_requests::put_web_settings),
            Needs(CatalogWrite),
        )
        // privacy
        .add(routes!(privacy::unmask), Needs(PiiUnmask))
        .add(routes!(privacy::erase), Needs(PrincipalErase))
        // principals: tokens and contacts for a fiduciary, then the principal's own routes
        .add(routes!(me::issue_token), Needs(PrincipalToken))
        .add(routes!(me::set_contact), Needs(PrincipalToken))
        .add(routes!(me::sign_in_start), Public)
        .add(routes!(me::sign_in_verify), Public)
        .add(routes!(me::my_consents), Principal)
        .add(routes!(me::collect_mine), Principal)
        .add(routes!(me::my_consent), Principal)
        .add(routes!(me::withdraw_mine), Principal)
        .add(routes!(me::update_mine), Principal)
        .add(routes!(me::renew_mine), Principal)
        .add(routes!(notify::my_notifications), Principal)
        .add(routes!(notify::acknowledge_notification), Principal)
        .add(routes!(notify::my_preferences), Principal)
        .add(routes!(notify::set_my_preferences), Principal)
        // grievances and rights requests: the principal's own
        .add(routes!(cases::file_grievance), Principal)
        .add(routes!(cases::my_grievances), Principal)
        .add(routes!(cases::file_request), Principal)
        .add(routes!(cases::my_requests), Principal)
        .add(routes!(cases::my_case), Principal)
        .add(routes!(cases::give_feedback), Principal)
        .add(routes!(cases::reopen_mine), Principal)
        .add(routes!(cases::attach_mine), Principal)
        .add(routes!(cases::my_attachment), Principal)
        .add(routes!(cases::my_access_document), Principal)
        .add(routes!(cases::my_nominations), Principal)
        // grievances and rights requests: the queue
        .add(routes!(cases::record_case), Needs(CasesManage))
        .add(routes!(cases::queue), Needs(CasesRead))
        .add(routes!(cases::get_case), Needs(CasesRead))
        .add(routes!(cases::transition), Needs(CasesManage))
        .add(routes!(cases::assign), Needs(CasesManage))
        .add(routes!(cases::attach), Needs(CasesManage))
        .add(routes!(cases::case_attachment), Needs(CasesRead))
        .add(routes!(cases::get_case_settings), Needs(CasesRead))
        .add(routes!(cases::put_case_settings), Needs(CasesManage))
        .add(routes!(cases::principal_nominations), Needs(CasesRead))
        .add(routes!(cases::activate_nomination), Needs(CasesManage))
        .add(routes!(cases::nominee_token), Needs(PrincipalToken))
        // notifications, processors and alerts
        .add(routes!(notify::create_processor), Needs(ProcessorsManage))
        .add(routes!(notify::list_processors), Needs(ProcessorsManage))
        .add(routes!(notify::update_processor), Needs(ProcessorsManage))
        .add(
            routes!(notify::create_processor_key),
            Needs(ProcessorsManage),
        )
        .add(routes!(notify::create_endpoint), Needs(NotificationsManage))
        .add(routes!(notify::list_endpoints), Needs(NotificationsManage))
        .add(routes!(notify::rotate_endpoint), Needs(NotificationsManage))
        .add(routes!(notify::delete_endpoint), Needs(NotificationsManage))
        .add(routes!(notify::list_alerts), Needs(AlertsRead))
        .add(routes!(notify::acknowledge_alert), Needs(AlertsAcknowledge))
        .add(routes!(notify::list_events), Needs(EventsRead))
        .add(routes!(notify::get_settings), Needs(NotificationsManage))
        .add(routes!(notify::put_settings), Needs(NotificationsManage))
        .add(routes!(notify::get_template), Needs(NotificationsManage))
        .add(routes!(notify::put_template), Needs(NotificationsManage))
        .add(routes!(notify::delete_template), Needs(NotificationsManage))
        .add(routes!(notify::list_deliveries), Needs(NotificationsManage))
        .add(routes!(notify::replay_delivery), Needs(NotificationsManage))
        // retention
        .add(routes!(retention::get_policies), Needs(RetentionRead))
        .add(routes!(retention::put_policy), Needs(RetentionManage))
        .add(routes!(retention::place_hold), Needs(RetentionManage))
        .add(routes!(retention::list_holds), Needs(RetentionRead))
        .add(routes!(retention::get_hold), Needs(RetentionRead))
        .add(routes!(retention::release_hold), Needs(RetentionManage))
        .add(routes!(retention::upcoming), Needs(RetentionRead))
        // keys
        .add(routes!(keys::list), Needs(KeysManage))
        .add(routes!(keys::create), Needs(KeysManage))
        .add(routes!(keys::revoke), Needs(KeysManage))
        .add(routes!(keys::rotate), Needs(KeysManage))
        // audit
        .add(routes!(audit::entries), Needs(AuditRead))
        .add(routes!(audit::entry), Needs(AuditRead))
        .add(routes!(audit::checkpoints), Needs(AuditRead))
        .add(routes!(audit::inclusion_proof), Needs(AuditRead))
        .add(routes!(audit::consistency_proof), Needs(AuditRead))
        .add(routes!(reports::compliance_report), Needs(AuditRead));
    staff::register(r)
}

pub fn routes(max_body: usize) -> Router<AppState> {
    let (router, _, _) = registry().split();
    router
        .merge(crate::web::routes())
        .merge(crate::metrics::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn(access_log))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
}

/// One `debug` line per request: method, the route's template (never the path itself, which
/// may hold a principal's id), status and time taken. No headers, query or body.
async fn access_log(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", |m| m.as_str())
        .to_string();
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    tracing::debug!(
        %method,
        %route,
        status = res.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    res
}

/// Liveness: answers without touching the database.
#[utoipa::path(get, path = "/healthz", tag = "service", responses((status = 200, description = "The process is up", body = Object)))]
pub async fn healthz() -> impl IntoResponse {
    axum::Json(serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

async fn not_found() -> ApiError {
    ApiError::not_found("route_not_found", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not accept that method",
    )
}

fn on_panic(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    tracing::error!("a request handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "unexpected error; nothing was changed",
    )
    .into_response()
}

/// A page of results.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A download: `body` as `content_type`, never cached, saved as `name` (the principal's
/// exports, the compliance report).
pub(crate) fn attachment(
    body: impl axum::response::IntoResponse,
    content_type: &'static str,
    name: &str,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}
