//! The OpenAPI 3.1 document, generated from the handlers and types.

use crate::api;
use axum::response::IntoResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct ApiKeyAuth;

impl Modify for ApiKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The fiduciary's API key"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "principal_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A principal token (`anp_...`) from POST /v1/principal-tokens",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::session::COOKIE,
                "A staff session (POST /v1/session); state-changing requests also need X-CSRF-Token",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Anumodan", description = "Consent management for India's Digital Personal Data Protection Act, 2023. Errors are RFC 9457 problem details with a stable `code`."),
    components(schemas(crate::error::Problem, anumodan_core::lifecycle::Reason)),
    modifiers(&ApiKeyAuth),
    tags(
        (name = "catalog", description = "Data items, purposes and versioned notices"),
        (name = "consents", description = "Collect, validate, update, renew and withdraw consent"),
        (name = "audit", description = "The tamper-evident audit ledger"),
        (name = "privacy", description = "Personal data: audited unmasking and erasure (crypto-shredding)"),
        (name = "principals", description = "A principal's own consents, with a token their fiduciary requested for them"),
        (name = "keys", description = "The fiduciary's API keys and their scopes"),
        (name = "service", description = "Health"),
        (name = "staff", description = "The console: staff sign-in with a second factor (session cookie + X-CSRF-Token), staff accounts, roles, the access report"),
    )
)]
pub struct ApiDoc;

/// The document's frame (info, security schemes, tags, shared schemas); the registry adds every
/// route's path (`api::registry`).
pub fn base_document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}

/// The whole document, as served.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, doc, _) = api::registry().split();
    doc
}

/// This document: the OpenAPI 3.1 description of every route.
#[utoipa::path(get, path = "/openapi.json", tag = "service",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn serve() -> impl IntoResponse {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOC.get_or_init(|| serde_json::to_string(&document()).unwrap_or_default());
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.as_str(),
    )
}
