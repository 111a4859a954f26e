//! The permission matrix: every console route and every API route against every role, and the
//! documented matrix against the code.

use super::fid;
use crate::harness::{
    StaffClient as Console, TestServer, builtin, console_send as send, make_staff, staff_session,
};
use anumodan_core::authz::{BuiltinRole, Permission, Scope};
use anumodan_store::staff::RoleRef;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

/// One console route and what it needs (`None`: any session, or none for signing in).
struct RouteSpec {
    method: &'static str,
    path: String,
    permission: Option<Permission>,
}

/// The console's routes, from the route registry: those taking a staff session, and signing in.
fn console_routes() -> Vec<RouteSpec> {
    let (_, _, routes) = anumodan_server::api::registry().split();
    routes
        .into_iter()
        .filter(|r| r.security.iter().any(|s| s == "session") || r.path == "/v1/session")
        .map(|r| RouteSpec {
            method: r.method,
            permission: match r.access {
                anumodan_server::api::Access::Needs(p) => Some(p),
                _ => None,
            },
            path: r.path,
        })
        .collect()
}

/// The request that exercises a console route in `scope`, against a fresh target account.
async fn exercise(
    s: &TestServer,
    c: &Console,
    route: &RouteSpec,
    scope: Scope,
    n: usize,
) -> (StatusCode, Value) {
    let f = match scope {
        Scope::Platform => None,
        Scope::Fiduciary(f) => Some(f),
    };
    let q = f.map(|f| format!("?fiduciary_id={f}")).unwrap_or_default();
    let target = make_staff(
        s,
        &format!("target-{n}"),
        f,
        &[(RoleRef::Builtin(BuiltinRole::Operator), scope)],
    )
    .await;
    let (path, body) = match (route.method, route.path.as_str()) {
        ("GET", "/v1/staff") => (format!("/v1/staff{q}"), None),
        ("POST", "/v1/staff") => (
            "/v1/staff".into(),
            Some(json!({"username": format!("new-{n}"), "fiduciary_id": f})),
        ),
        ("GET", "/v1/staff/{id}") => (format!("/v1/staff/{target}"), None),
        ("POST", "/v1/staff/{id}/disable") => {
            (format!("/v1/staff/{target}/disable"), Some(json!({})))
        }
        ("POST", "/v1/staff/{id}/roles") => (
            format!("/v1/staff/{target}/roles"),
            Some(json!({"role": "auditor", "fiduciary_id": f})),
        ),
        ("POST", "/v1/staff/{id}/roles/revoke") => (
            format!("/v1/staff/{target}/roles/revoke"),
            Some(json!({"role": "operator", "fiduciary_id": f})),
        ),
        ("GET", "/v1/roles") => (format!("/v1/roles{q}"), None),
        ("POST", "/v1/roles") => (
            "/v1/roles".into(),
            Some(
                json!({"name": format!("role {n}"), "fiduciary_id": f, "permissions": ["catalog.read"]}),
            ),
        ),
        ("GET", "/v1/access/report") => (format!("/v1/access/report{q}"), None),
        ("GET", "/v1/fiduciaries/{fiduciary_id}/audit/entries") => (
            format!("/v1/fiduciaries/{}/audit/entries", f.unwrap_or(Uuid::nil())),
            None,
        ),
        ("POST", "/v1/platform/master-key/rotate") => {
            ("/v1/platform/master-key/rotate".into(), Some(json!({})))
        }
        other => panic!("no request for {other:?}: add one"),
    };
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    c.call(method, &path, body).await
}

#[tokio::test]
async fn every_console_route_allows_exactly_what_the_matrix_says() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);

    // The table covers every console route of the OpenAPI document, and no other.
    let (st, doc) = s.get("/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["tags"]
                .as_array()
                .is_some_and(|t| t.contains(&json!("staff")))
            {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    documented.sort();
    let routes = console_routes();
    let mut table: Vec<(String, String)> = routes
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    table.sort();
    assert_eq!(documented, table);

    // Without a session, every route but signing in is 401.
    for r in routes
        .iter()
        .filter(|r| r.path != "/v1/session" || r.method != "POST")
    {
        let path = r
            .path
            .replace("{id}", &Uuid::nil().to_string())
            .replace("{fiduciary_id}", &f.to_string());
        let a = send(
            &reqwest::Client::new(),
            Method::from_bytes(r.method.as_bytes()).unwrap(),
            format!("{}{path}", s.url),
            None,
            None,
            Some(json!({})),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "{} {}",
            r.method,
            r.path
        );
    }

    let mut n = 0;
    for scope in [Scope::Fiduciary(f), Scope::Platform] {
        let home = match scope {
            Scope::Platform => None,
            Scope::Fiduciary(f) => Some(f),
        };
        for role in BuiltinRole::ALL {
            let user = format!(
                "{}-{}",
                role.as_str(),
                if home.is_some() { "f" } else { "p" }
            );
            let (c, _, _) = staff_session(&s, &user, home, &[builtin(role, scope)]).await;
            let held = role.permissions(scope);
            let (st, v) = c.get("/v1/session").await;
            assert_eq!(st, StatusCode::OK, "{v}");
            for route in &routes {
                let Some(p) = route.permission else { continue };
                n += 1;
                let (st, v) = exercise(&s, &c, route, scope, n).await;
                if held.contains(&p) {
                    assert!(
                        st.is_success(),
                        "{role:?} at {scope:?}: {} {} -> {st} {v}",
                        route.method,
                        route.path
                    );
                } else {
                    assert_eq!(
                        (st, v["code"].as_str()),
                        (StatusCode::FORBIDDEN, Some("forbidden")),
                        "{role:?} at {scope:?}: {} {}",
                        route.method,
                        route.path
                    );
                }
            }
        }
    }
}

#[test]
fn the_documented_permission_matrix_is_the_one_in_authz() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/security.md"),
    )
    .unwrap();
    let f = Scope::Fiduciary(Uuid::nil());
    let mut rows = 0;
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Ok(p) = cells[1]
            .trim_matches('`')
            .parse::<anumodan_core::authz::Permission>()
        else {
            continue;
        };
        if cells.len() < 7 {
            continue;
        }
        rows += 1;
        for (i, role) in [
            BuiltinRole::Admin,
            BuiltinRole::Dpo,
            BuiltinRole::Auditor,
            BuiltinRole::Operator,
        ]
        .into_iter()
        .enumerate()
        {
            let want = if role.permissions(f).contains(&p) {
                "yes"
            } else if role.permissions(Scope::Platform).contains(&p) {
                "platform"
            } else {
                "—"
            };
            assert_eq!(cells[2 + i], want, "{p} for {role:?}");
        }
        assert!(
            cells[6].starts_with(&p.description()[..20]),
            "{p}: {}",
            cells[6]
        );
    }
    assert_eq!(rows, anumodan_core::authz::Permission::ALL.len());
}

/// Every `/v1` API route (the key scope table of keys.rs) with every builtin role at fiduciary
/// scope: a role holding the route's permission is let through (not 401/403: a second role
/// repeating a create may meet a 409), every other answers 403 `forbidden`.
#[tokio::test]
async fn every_api_route_allows_exactly_what_each_role_holds() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let t = crate::keys::prepare(&s, &cat).await;
    let routes = crate::keys::table(&t, &cat);
    let f = fid(&s.fiduciary_id);
    let scope = Scope::Fiduciary(f);
    for role in BuiltinRole::ALL {
        let holds = role.permissions(scope);
        let (c, _, _) = staff_session(
            &s,
            &format!("matrix.{}", role.as_str()),
            Some(f),
            &[builtin(role, scope)],
        )
        .await;
        for r in &routes {
            let (st, v) = c.call(r.method.clone(), &r.path, r.body.clone()).await;
            let what = format!("{} {} as {}", r.method, r.path, role.as_str());
            if holds.contains(&r.needs) {
                assert!(
                    st != StatusCode::FORBIDDEN && st != StatusCode::UNAUTHORIZED,
                    "{what}: {st} {v}"
                );
                // The table's answer for a caller allowed in (a 404 where no target exists, or
                // where a role before this one deleted it).
                let deleted_before =
                    r.method == reqwest::Method::DELETE && st == StatusCode::NOT_FOUND;
                assert!(
                    st.is_success() || st == StatusCode::CONFLICT || st == r.ok || deleted_before,
                    "{what}: {st} {v}"
                );
            } else {
                assert_eq!(st, StatusCode::FORBIDDEN, "{what}: {v}");
                assert_eq!(v["code"], "forbidden", "{what}: {v}");
            }
        }
    }
}
