//! The hosted consent page's API: a fiduciary creates a consent request for a principal it
//! has authenticated (`POST /v1/consent-requests`) and sends them to the page it answers with;
//! its web settings say where the page may return and who may frame it (docs/web.md).

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Caller, Json};
use anumodan_core::authz::Permission;
use anumodan_core::consent_page::{self, ConsentRequestCreated, CreateConsentRequest, WebSettings};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

#[utoipa::path(post, path = "/v1/consent-requests", tag = "consents", request_body = CreateConsentRequest,
    responses(
        (status = 201, description = "The request, and the page to send the principal to (its token is shown once)", body = ConsentRequestCreated),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `return_url_not_allowed` (not on the fiduciary's `return_origins`), `notice_not_found`, `notice_version_not_published`, `language_not_in_notice`, `invalid_expires_in`", body = Problem)),
    security(("api_key" = [])))]
pub async fn create_consent_request(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<CreateConsentRequest>,
) -> ApiResult<impl IntoResponse> {
    c.require(Permission::ConsentCollect)?;
    let actor = c.actor();
    let loopback = s.outbound.allow_loopback;
    let created: ConsentRequestCreated = s
        .store
        .transact(move |tx| consent_page::create_request(tx, &actor, body, loopback))
        .await?;
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&created.url) {
        h.insert(header::LOCATION, v);
    }
    Ok((StatusCode::CREATED, h, axum::Json(created)))
}

#[utoipa::path(get, path = "/v1/web-settings", tag = "consents",
    responses((status = 200, description = "Where the hosted consent page may return and who may frame it", body = WebSettings), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_web_settings(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<WebSettings>> {
    c.require(Permission::CatalogRead)?;
    let fid = c.fiduciary_id;
    Ok(axum::Json(
        s.store
            .read_conn(move |conn| anumodan_store::consent_page::web_settings_of(conn, fid))
            .await?,
    ))
}

#[utoipa::path(put, path = "/v1/web-settings", tag = "consents", request_body = WebSettings,
    responses((status = 200, description = "The settings as saved (origins in canonical form)", body = WebSettings), (status = 403, body = Problem),
        (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `invalid_origin` (not `https://host[:port]` without a path; `http` only to a loopback host where the deployment allows loopback endpoints), `too_many_origins`", body = Problem)),
    security(("api_key" = [])))]
pub async fn put_web_settings(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<WebSettings>,
) -> ApiResult<axum::Json<WebSettings>> {
    c.require(Permission::CatalogWrite)?;
    let actor = c.actor();
    let loopback = s.outbound.allow_loopback;
    Ok(axum::Json(
        s.store
            .transact(move |tx| consent_page::save_settings(tx, &actor, body, loopback))
            .await?,
    ))
}
