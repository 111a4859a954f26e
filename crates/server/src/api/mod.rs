//! The HTTP routes.

pub mod audit;
pub mod catalog;
pub mod consents;
pub mod keys;
pub mod me;
pub mod privacy;
pub mod staff;

use crate::AppState;
use crate::error::ApiError;
use anumodan_core::authz::Permission;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};

pub fn routes(max_body: usize) -> Router<AppState> {
    use Permission::*;
    let v1 = Router::new()
        .route(
            "/data-items",
            post(needs(catalog::create_data_item, CatalogWrite))
                .get(needs(catalog::list_data_items, CatalogRead)),
        )
        .route(
            "/data-items/{code}",
            get(needs(catalog::get_data_item, CatalogRead)),
        )
        .route(
            "/purposes",
            post(needs(catalog::create_purpose, CatalogWrite))
                .get(needs(catalog::list_purposes, CatalogRead)),
        )
        .route(
            "/purposes/{code}",
            get(needs(catalog::get_purpose, CatalogRead)),
        )
        .route(
            "/notices",
            post(needs(catalog::create_notice, CatalogWrite))
                .get(needs(catalog::list_notices, CatalogRead)),
        )
        .route(
            "/notices/{id}",
            get(needs(catalog::get_notice, CatalogRead))
                .put(needs(catalog::update_notice, CatalogWrite)),
        )
        .route(
            "/notices/{id}/publish",
            post(needs(catalog::publish_notice, CatalogWrite)),
        )
        .route(
            "/notices/{id}/versions",
            get(needs(catalog::list_notice_versions, CatalogRead)),
        )
        .route(
            "/notices/{id}/reconsent",
            get(needs(catalog::reconsent_pending, ConsentRead)),
        )
        .route(
            "/notices/{id}/versions/{version}",
            get(needs(catalog::get_notice_version, CatalogRead)),
        )
        .route("/consents", post(needs(consents::collect, ConsentCollect)))
        .route(
            "/consents/validate",
            post(needs(consents::validate, ConsentValidate)),
        )
        .route(
            "/consents/{id}",
            get(needs(consents::get_consent, ConsentRead)),
        )
        .route(
            "/consents/{id}/update",
            post(needs(consents::update, ConsentManage)),
        )
        .route(
            "/consents/{id}/renew",
            post(needs(consents::renew, ConsentManage)),
        )
        .route(
            "/consents/{id}/withdraw",
            post(needs(consents::withdraw, ConsentManage)),
        )
        .route(
            "/consents/{id}/unmask",
            post(needs(privacy::unmask, PiiUnmask)),
        )
        .route(
            "/principals/erase",
            post(needs(privacy::erase, PrincipalErase)),
        )
        .route(
            "/principal-tokens",
            post(needs(me::issue_token, PrincipalToken)),
        )
        .route(
            "/principals/contacts",
            post(needs(me::set_contact, PrincipalToken)),
        )
        .route("/principal-signin/start", post(me::sign_in_start))
        .route("/principal-signin/verify", post(me::sign_in_verify))
        .route("/me/consents", get(me::my_consents).post(me::collect_mine))
        .route("/me/consents/{id}", get(me::my_consent))
        .route("/me/consents/{id}/withdraw", post(me::withdraw_mine))
        .route("/me/consents/{id}/update", post(me::update_mine))
        .route("/me/consents/{id}/renew", post(me::renew_mine))
        .route(
            "/keys",
            get(needs(keys::list, KeysManage)).post(needs(keys::create, KeysManage)),
        )
        .route(
            "/keys/{id}",
            axum::routing::delete(needs(keys::revoke, KeysManage)),
        )
        .route("/keys/{id}/rotate", post(needs(keys::rotate, KeysManage)))
        .route(
            "/principals/{principal_id}/consents",
            get(needs(consents::principal_consents, ConsentRead)),
        )
        .route("/audit/entries", get(needs(audit::entries, AuditRead)))
        .route(
            "/audit/entries/{index}",
            get(needs(audit::entry, AuditRead)),
        )
        .route(
            "/audit/checkpoints",
            get(needs(audit::checkpoints, AuditRead)),
        )
        .route(
            "/audit/proofs/inclusion",
            get(needs(audit::inclusion_proof, AuditRead)),
        )
        .route(
            "/audit/proofs/consistency",
            get(needs(audit::consistency_proof, AuditRead)),
        )
        .merge(staff::routes());
    Router::new()
        .nest("/v1", v1)
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(crate::openapi::serve))
        .route("/.well-known/anumodan/ledger-key", get(audit::public_key))
        .route(
            "/.well-known/anumodan/checkpoint",
            get(audit::latest_checkpoint),
        )
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

/// `h`, refusing a caller without `p` before its body is read or anything is looked up (see
/// `extract::Needs`); the handler still checks `p` itself.
pub(crate) fn needs<H, T>(h: H, p: Permission) -> impl Handler<T, AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    h.layer(axum::Extension(crate::extract::Needs(p)))
}
