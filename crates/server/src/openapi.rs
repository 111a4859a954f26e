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
    components(schemas(crate::error::Problem, anumodan_core::lifecycle::Reason,
        // Referenced only from parameters, which do not collect the schemas they name.
        ActionName, StatusFilter, anumodan_core::schema::PrincipalId)),
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

// ---------- schema-only types: request shapes the document describes more closely than the
// types the handlers read them into (the JSON accepted is the same) ----------

use anumodan_core::Lang;
use anumodan_core::model::{Decision, Method};
use anumodan_core::schema::{RequestMethod, Text};
use std::borrow::Cow;
use std::collections::BTreeMap;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// The body of `POST /v1/consents/{id}/update` and `/v1/me/consents/{id}/update` (read as
/// [`crate::api::consents::LifecycleRequest`]). A fiduciary reporting a grant must give `method`
/// and `notice_version` (422 `principal_action_required` without them).
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UpdateBody {
    /// New decisions for the purposes named (at least one); purposes not named are untouched.
    #[schema(value_type = DecisionMap)]
    pub decisions: BTreeMap<String, Decision>,
    /// How the principal acted.
    #[schema(value_type = Option<RequestMethod>)]
    pub method: Option<Method>,
    /// The principal's session, when there was one.
    #[schema(value_type = Option<Text<128>>)]
    pub session_id: Option<String>,
    /// The notice version the principal was shown (a published version of the artefact's
    /// notice; default for a principal: the artefact's).
    pub notice_version: Option<u32>,
    /// The language it was shown in (default: the artefact's).
    pub language: Option<Lang>,
}

/// The optional body of `POST /v1/consents/{id}/renew` and `/v1/me/consents/{id}/renew` (read
/// as [`crate::api::consents::LifecycleRequest`]). A fiduciary reporting a renewal must give
/// `method` and `notice_version` (422 `principal_action_required` without them).
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RenewBody {
    /// The purposes to renew (at least one); all eligible purposes when absent.
    #[schema(min_items = 1)]
    pub purposes: Option<Vec<String>>,
    /// How the principal acted.
    #[schema(value_type = Option<RequestMethod>)]
    pub method: Option<Method>,
    /// The principal's session, when there was one.
    #[schema(value_type = Option<Text<128>>)]
    pub session_id: Option<String>,
    /// The notice version the principal was shown.
    pub notice_version: Option<u32>,
    /// The language it was shown in (default: the artefact's).
    pub language: Option<Lang>,
}

/// The optional body of `POST /v1/consents/{id}/withdraw` and `/v1/me/consents/{id}/withdraw`
/// (read as [`crate::api::consents::LifecycleRequest`]). A withdrawal shows no notice.
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct WithdrawBody {
    /// The purposes to withdraw (at least one); all active purposes when absent.
    #[schema(min_items = 1)]
    pub purposes: Option<Vec<String>>,
    /// How the principal acted.
    #[schema(value_type = Option<RequestMethod>)]
    pub method: Option<Method>,
    /// The principal's session, when there was one.
    #[schema(value_type = Option<Text<128>>)]
    pub session_id: Option<String>,
}

/// A status to filter consents by.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum StatusFilter {
    Active,
    Expired,
    Withdrawn,
    Denied,
}

fn string_enum<'a>(values: impl IntoIterator<Item = &'a str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().collect::<Vec<_>>()))
}

/// An action the ledger records (`anumodan_core::audit::Action`).
pub struct ActionName;

impl PartialSchema for ActionName {
    fn schema() -> RefOr<Schema> {
        string_enum(anumodan_core::audit::Action::ALL.iter().map(|a| a.as_str()))
            .description(Some("An action the ledger records"))
            .into()
    }
}

impl ToSchema for ActionName {}

/// The personal data fields of an artefact that can be unmasked, at least one.
pub struct PiiFields;

impl PartialSchema for PiiFields {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(string_enum(anumodan_core::mask::ARTEFACT_PII_FIELDS))
            .min_items(Some(1))
            .into()
    }
}

impl ToSchema for PiiFields {}

/// Scopes an API key may hold, at least one.
pub struct KeyScopes;

impl PartialSchema for KeyScopes {
    fn schema() -> RefOr<Schema> {
        use anumodan_core::authz::{Permission, key_grantable};
        ArrayBuilder::new()
            .items(
                string_enum(
                    Permission::ALL
                        .iter()
                        .filter(|p| key_grantable(**p))
                        .map(|p| p.as_str()),
                )
                .description(Some("A permission an API key may hold")),
            )
            .min_items(Some(1))
            .into()
    }
}

impl ToSchema for KeyScopes {
    fn name() -> Cow<'static, str> {
        "KeyScopes".into()
    }
}

/// Decisions per purpose code, at least one.
pub struct DecisionMap;

impl PartialSchema for DecisionMap {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(utoipa::openapi::Ref::from_schema_name(
                Decision::name(),
            )))
            .min_properties(Some(1))
            .into()
    }
}

impl ToSchema for DecisionMap {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((Decision::name().into(), Decision::schema()));
    }
}
