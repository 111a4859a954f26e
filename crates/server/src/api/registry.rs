//! The route registry: each route is registered once, with its handler, its OpenAPI entry (from
//! the handler's `#[utoipa::path]`) and who may call it. The router, the OpenAPI document, the
//! permission matrix in the docs (`anumodan routes`) and the route-matrix tests are all produced
//! from it. [`Registry::add`] takes an [`Access`]: a route cannot be added without saying who
//! may call it, and a test checks that the access agrees with the security the handler documents.

use crate::AppState;
use anumodan_core::authz::Permission;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a credential (bounded by the transport limits and rate limits).
    Public,
    /// A principal, with a principal token (`anp_...`): their own consents.
    Principal,
    /// Any signed-in staff member, for their own account (and signing in itself).
    Session,
    /// An API key holding this permission, or a staff session whose roles grant it in the
    /// fiduciary's scope. The caller is refused before the body is read ([`crate::extract::Needs`]).
    Needs(Permission),
}

impl Access {
    /// The value of the `x-anumodan-access` extension on the route's OpenAPI operation.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Principal => "principal",
            Access::Session => "session",
            Access::Needs(p) => p.as_str(),
        }
    }

    /// The inverse of [`Access::as_str`].
    pub fn parse(s: &str) -> Option<Access> {
        match s {
            "public" => Some(Access::Public),
            "principal" => Some(Access::Principal),
            "session" => Some(Access::Session),
            p => p.parse().ok().map(Access::Needs),
        }
    }
}

/// The OpenAPI extension that carries a route's [`Access`].
pub const ACCESS_EXTENSION: &str = "x-anumodan-access";

/// One registered route.
#[derive(Clone, Debug)]
pub struct Route {
    /// Upper case: `GET`, `POST`, ...
    pub method: &'static str,
    /// The template, as in the OpenAPI document: `/v1/consents/{id}`.
    pub path: String,
    pub access: Access,
    /// The security schemes the handler documents (`api_key`, `principal_token`, `session`).
    pub security: Vec<String>,
}

/// Routes being registered.
pub struct Registry {
    router: OpenApiRouter<AppState>,
    routes: Vec<Route>,
}

fn operations(item: &mut PathItem) -> [(&'static str, &mut Option<Operation>); 5] {
    [
        ("GET", &mut item.get),
        ("POST", &mut item.post),
        ("PUT", &mut item.put),
        ("DELETE", &mut item.delete),
        ("PATCH", &mut item.patch),
    ]
}

impl Registry {
    pub fn new(doc: utoipa::openapi::OpenApi) -> Self {
        Registry {
            router: OpenApiRouter::with_openapi(doc),
            routes: Vec::new(),
        }
    }

    /// Registers one handler (`utoipa_axum::routes!(handler)`), callable as `access` says.
    pub fn add(mut self, handler: UtoipaMethodRouter<AppState>, access: Access) -> Self {
        let (schemas, mut paths, method_router) = handler;
        for (path, item) in paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                let Some(op) = op.as_mut() else { continue };
                let security = op
                    .security
                    .iter()
                    .flatten()
                    .filter_map(|req| serde_json::to_value(req).ok())
                    .filter_map(|v| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
                    .flatten()
                    .collect();
                op.extensions
                    .get_or_insert_with(Default::default)
                    .insert(ACCESS_EXTENSION.into(), access.as_str().into());
                document_errors(op);
                optional_bodies(op);
                self.routes.push(Route {
                    method,
                    path: path.clone(),
                    access,
                    security,
                });
            }
        }
        let method_router = match access {
            Access::Needs(p) => method_router.layer(axum::Extension(crate::extract::Needs(p))),
            _ => method_router,
        };
        self.router = self.router.routes((schemas, paths, method_router));
        self
    }

    /// The routes registered so far.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The router and the OpenAPI document.
    pub fn split(self) -> (axum::Router<AppState>, utoipa::openapi::OpenApi, Vec<Route>) {
        let (router, doc) = self.router.split_for_parts();
        (router, doc, self.routes)
    }
}

/// Every error is an RFC 9457 problem document (`application/problem+json`, schema `Problem`)
/// with a stable `code`: the responses a handler documents with the `Problem` body get that
/// media type, and every operation gets a `default` response for the errors it does not list
/// (401, 403, 408, 413, 415, 429, 503, ... come from the transport, the extractors and the store
/// on any route).
fn document_errors(op: &mut Operation) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    const PROBLEM: &str = "application/problem+json";
    let is_problem = |c: &utoipa::openapi::Content| matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"));
    for response in op.responses.responses.values_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if let Some(json) = response.content.get("application/json")
            && is_problem(json)
            && let Some(content) = response.content.shift_remove("application/json")
        {
            response.content.insert(PROBLEM.into(), content);
        }
    }
    op.responses
        .responses
        .entry("default".into())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description("An error: problem details with a stable `code`")
                    .content(
                        PROBLEM,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        });
}

/// A request body the handler declares as `Option<T>` may be left out (an empty body), which
/// utoipa documents as "not required, or JSON null". The server refuses a `null` body (422
/// `invalid_body`: the body must be an object or empty), so the document keeps only `T`.
fn optional_bodies(op: &mut Operation) {
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    use utoipa::openapi::{RefOr, Required};
    let Some(body) = op.request_body.as_mut() else {
        return;
    };
    if matches!(body.required, Some(Required::True)) {
        return;
    }
    let is_null = |s: &RefOr<Schema>| matches!(s, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
    for content in body.content.values_mut() {
        if let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema
            && one_of.items.len() == 2
            && one_of.items.iter().any(is_null)
        {
            content.schema = one_of.items.iter().find(|s| !is_null(s)).cloned();
        }
    }
}

/// The permission matrix as a Markdown table (written to `docs/routes.md` by
/// `anumodan routes`; a test keeps that file equal to this).
pub fn matrix_markdown(routes: &[Route]) -> String {
    let mut rows: Vec<&Route> = routes.iter().collect();
    rows.sort_by(|a, b| (&a.path, a.method).cmp(&(&b.path, b.method)));
    let mut out =
        String::from("| method | route | who may call it | credential |\n|---|---|---|---|\n");
    for r in rows {
        let who = match r.access {
            Access::Public => "anyone".to_string(),
            Access::Principal => "the principal".to_string(),
            Access::Session => "any signed-in staff member".to_string(),
            Access::Needs(p) => format!("`{}`", p.as_str()),
        };
        let credential = if r.security.is_empty() {
            "none".to_string()
        } else {
            r.security
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "| {} | `{}` | {who} | {credential} |\n",
            r.method, r.path
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Who may call a route agrees with the credential its handler documents: a route cannot be
    /// registered as public while documenting a key, or need a permission while taking none.
    #[test]
    fn every_route_access_agrees_with_its_documented_security() {
        let (_, doc, routes) = crate::api::registry().split();
        assert!(routes.len() > 50, "{} routes", routes.len());
        let mut seen = std::collections::BTreeSet::new();
        for r in &routes {
            assert!(
                seen.insert((r.method, r.path.clone())),
                "{} {} is registered twice",
                r.method,
                r.path
            );
            let sec: Vec<&str> = r.security.iter().map(String::as_str).collect();
            let ok = match r.access {
                Access::Public => sec.is_empty(),
                Access::Principal => sec == ["principal_token"],
                Access::Session => sec == ["session"],
                Access::Needs(_) => {
                    !sec.is_empty() && sec.iter().all(|s| *s == "api_key" || *s == "session")
                }
            };
            assert!(
                ok,
                "{} {}: {:?} with security {sec:?}",
                r.method, r.path, r.access
            );
            // The document carries the same access.
            let item = &doc.paths.paths[&r.path];
            let value = serde_json::to_value(item).unwrap();
            assert_eq!(
                value[r.method.to_lowercase()][ACCESS_EXTENSION],
                serde_json::json!(r.access.as_str()),
                "{} {}",
                r.method,
                r.path
            );
            assert_eq!(Access::parse(r.access.as_str()), Some(r.access));
        }
    }

    /// Every operation has its own `operationId` (OpenAPI requires it; clients name their
    /// methods after it).
    #[test]
    fn operation_ids_are_unique() {
        let (_, doc, _) = crate::api::registry().split();
        let v = serde_json::to_value(&doc).unwrap();
        let mut seen = std::collections::BTreeMap::new();
        for (path, item) in v["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if let Some(id) = op.get("operationId").and_then(|i| i.as_str()) {
                    let here = format!("{method} {path}");
                    if let Some(first) = seen.insert(id.to_string(), here.clone()) {
                        panic!("operationId {id} is used by {first} and {here}");
                    }
                }
            }
        }
        assert!(seen.len() > 50);
    }

    /// docs/routes.md holds the matrix as the registry produces it.
    #[test]
    fn the_matrix_in_the_docs_is_the_registrys() {
        let (_, _, routes) = crate::api::registry().split();
        let docs = include_str!("../../../../docs/routes.md");
        let matrix = matrix_markdown(&routes);
        assert!(
            docs.contains(&matrix),
            "docs/routes.md is out of date: replace its table with the output of `anumodan routes`"
        );
    }
}
