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
    paths(
        api::healthz,
        api::catalog::create_data_item, api::catalog::list_data_items, api::catalog::get_data_item,
        api::catalog::create_purpose, api::catalog::list_purposes, api::catalog::get_purpose,
        api::catalog::create_notice, api::catalog::list_notices, api::catalog::get_notice, api::catalog::update_notice,
        api::catalog::reconsent_pending, api::catalog::publish_notice, api::catalog::list_notice_versions, api::catalog::get_notice_version,
        api::consents::collect, api::consents::validate, api::consents::get_consent,
        api::consents::update, api::consents::renew, api::consents::withdraw, api::consents::principal_consents,
        api::audit::entries, api::audit::entry, api::audit::checkpoints,
        api::audit::inclusion_proof, api::audit::consistency_proof,
        api::audit::public_key, api::audit::latest_checkpoint,
        api::privacy::unmask, api::privacy::erase,
        api::keys::list, api::keys::create, api::keys::rotate, api::keys::revoke,
        api::me::issue_token, api::me::my_consents, api::me::collect_mine, api::me::my_consent, api::me::withdraw_mine, api::me::update_mine, api::me::renew_mine,
        api::me::set_contact, api::me::sign_in_start, api::me::sign_in_verify,
        api::staff::sign_in, api::staff::whoami, api::staff::sign_out, api::staff::mfa,
        api::staff::enrol, api::staff::confirm, api::staff::change_password, api::staff::list_staff, api::staff::create_staff,
        api::staff::get_staff, api::staff::disable_staff, api::staff::grant_role, api::staff::revoke_role,
        api::staff::list_roles, api::staff::create_role, api::staff::access_report, api::staff::audit_entries, api::staff::rotate_master_key,
    ),
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

pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}

pub async fn serve() -> impl IntoResponse {
    axum::Json(document())
}
