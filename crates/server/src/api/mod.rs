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
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};

pub fn routes(max_body: usize) -> Router<AppState> {
    let v1 = Router::new()
        .route(
            "/data-items",
            post(catalog::create_data_item).get(catalog::list_data_items),
        )
        .route("/data-items/{code}", get(catalog::get_data_item))
        .route(
            "/purposes",
            post(catalog::create_purpose).get(catalog::list_purposes),
        )
        .route("/purposes/{code}", get(catalog::get_purpose))
        .route(
            "/notices",
            post(catalog::create_notice).get(catalog::list_notices),
        )
        .route(
            "/notices/{id}",
            get(catalog::get_notice).put(catalog::update_notice),
        )
        .route("/notices/{id}/publish", post(catalog::publish_notice))
        .route("/notices/{id}/versions", get(catalog::list_notice_versions))
        .route("/notices/{id}/reconsent", get(catalog::reconsent_pending))
        .route(
            "/notices/{id}/versions/{version}",
            get(catalog::get_notice_version),
        )
        .route("/consents", post(consents::collect))
        .route("/consents/validate", post(consents::validate))
        .route("/consents/{id}", get(consents::get_consent))
        .route("/consents/{id}/update", post(consents::update))
        .route("/consents/{id}/renew", post(consents::renew))
        .route("/consents/{id}/withdraw", post(consents::withdraw))
        .route("/consents/{id}/unmask", post(privacy::unmask))
        .route("/principals/erase", post(privacy::erase))
        .route("/principal-tokens", post(me::issue_token))
        .route("/principals/contacts", post(me::set_contact))
        .route("/principal-signin/start", post(me::sign_in_start))
        .route("/principal-signin/verify", post(me::sign_in_verify))
        .route("/me/consents", get(me::my_consents).post(me::collect_mine))
        .route("/me/consents/{id}", get(me::my_consent))
        .route("/me/consents/{id}/withdraw", post(me::withdraw_mine))
        .route("/me/consents/{id}/update", post(me::update_mine))
        .route("/me/consents/{id}/renew", post(me::renew_mine))
        .route("/keys", get(keys::list).post(keys::create))
        .route("/keys/{id}", axum::routing::delete(keys::revoke))
        .route("/keys/{id}/rotate", post(keys::rotate))
        .route(
            "/principals/{principal_id}/consents",
            get(consents::principal_consents),
        )
        .route("/audit/entries", get(audit::entries))
        .route("/audit/entries/{index}", get(audit::entry))
        .route("/audit/checkpoints", get(audit::checkpoints))
        .route("/audit/proofs/inclusion", get(audit::inclusion_proof))
        .route("/audit/proofs/consistency", get(audit::consistency_proof))
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
