//! API keys and their scopes over HTTP: every `/v1` route against a key holding one permission
//! (the route table, here), refusals that change nothing, the key lifecycle (create, list,
//! rotate, revoke), no escalation through key creation or rotation, tenant isolation of keys,
//! and the default scopes.

use crate::harness::*;
use anumodan_core::authz::{Permission, key_grantable};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

mod default_scopes;
mod escalation;
mod lifecycle;
mod refusals;
mod tenants;

// ---------- helpers ----------

/// Every permission an API key may hold.
fn grantable() -> Vec<Permission> {
    Permission::ALL
        .iter()
        .copied()
        .filter(|p| key_grantable(*p))
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn str_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// Creates a key with `creator`; returns the status and the answer. (The route table's test
/// calls it so; the others call `create_key` on the creator's client.)
async fn create_key(
    s: &TestServer,
    creator: &str,
    name: &str,
    scopes: Option<&[&str]>,
) -> (StatusCode, Value) {
    s.api_as(creator).create_key(name, scopes).await
}

fn listed<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("key {id} not in {list:?}"))
}

fn key_ids(list: &[Value]) -> BTreeSet<String> {
    list.iter().map(id_of).collect()
}

/// The id of the fiduciary's first key (named `default`), seen with `api`'s key.
async fn root_key_id(api: &FiduciaryClient) -> String {
    let list = api.list_keys().await;
    let defaults: Vec<&Value> = list.iter().filter(|k| k["name"] == "default").collect();
    assert_eq!(defaults.len(), 1, "{list:?}");
    id_of(defaults[0])
}

/// Whether `key` authenticates: the status of a catalogue read (keys in these tests that must
/// work hold `catalog.read`).
async fn catalogue_read(s: &TestServer, key: &str) -> StatusCode {
    s.api_as(key).get("/v1/data-items").await.0
}

fn assert_problem(st: StatusCode, v: &Value, status: StatusCode, code: &str, what: &str) {
    assert_eq!(st, status, "{what}: {v}");
    assert_eq!(v["code"], code, "{what}: {v}");
}

/// Every string anywhere inside `v` (object keys included).
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(x) => out.push(x.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => {
            for (k, x) in o {
                out.push(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

// ---------- the route table ----------

/// One `/v1` operation: how the router names it, a concrete request that succeeds for a key
/// holding `needs`, and the status it then answers.
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) body: Option<Value>,
    pub(crate) needs: Permission,
    pub(crate) ok: StatusCode,
}

fn route(
    method: Method,
    template: &'static str,
    path: impl Into<String>,
    body: Option<Value>,
    needs: Permission,
    ok: StatusCode,
) -> Route {
    Route {
        method,
        template,
        path: path.into(),
        body,
        needs,
        ok,
    }
}

/// Ids the table's requests act on, made beforehand with the root key. Each destructive route
/// gets a target of its own, so that every route runs (once, with the one key allowed) on a
/// target that the others leave usable.
pub(crate) struct Targets {
    notice_id: String,
    draft_id: String,
    consent_id: String,
    withdraw_id: String,
    entry_index: u64,
    checkpoint_size: u64,
    rotate_key: String,
    revoke_key: String,
    processor_id: String,
    rotate_endpoint: String,
    delete_endpoint: String,
}

pub(crate) async fn prepare(s: &TestServer, cat: &Catalog) -> Targets {
    let consent_id = id_of(&s.collect_ok(cat, "P-main", all_granted()).await);
    let withdraw_id = id_of(&s.collect_ok(cat, "P-withdraw", all_granted()).await);
    s.collect_ok(cat, "P-erase", all_granted()).await;
    let (st, draft) = s
        .post(
            "/v1/notices",
            json!({"code": "matrix_draft", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{draft}");
    // Targets no broader than a keys.manage-only key, which may only manage such keys.
    let (rotate_key, _) = s.new_key("matrix-rotate-target", &["keys.manage"]).await;
    let (revoke_key, _) = s.new_key("matrix-revoke-target", &["keys.manage"]).await;
    let entries = s.audit_entries("consent.collected").await;
    let entry_index = entries[0]["index"].as_u64().unwrap();
    // A signed checkpoint covering that entry (written every 50 ms by the test server).
    let checkpoint_size = s.wait_checkpoint(entry_index + 1).await["size"]
        .as_u64()
        .unwrap();
    let (st, p) = s
        .post(
            "/v1/processors",
            json!({"name": "matrix-target", "purposes": ["marketing"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    // Endpoints at a public address literal (no lookup), subscribed to an event these tests
    // never cause, so nothing is ever sent to them.
    let endpoint = || async {
        let (st, e) = s
            .post(
                "/v1/webhooks",
                json!({"url": "https://203.0.113.7/hook", "event_types": ["case.status_changed"]}),
            )
            .await;
        assert_eq!(
            st,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a documentation address is refused: {e}"
        );
        let (st, e) = s
            .post(
                "/v1/webhooks",
                json!({"url": "https://8.8.8.8/hook", "event_types": ["case.status_changed"]}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{e}");
        e["endpoint"]["id"].as_str().unwrap().to_string()
    };
    let (rotate_endpoint, delete_endpoint) = (endpoint().await, endpoint().await);
    Targets {
        processor_id: p["processor"]["id"].as_str().unwrap().to_string(),
        rotate_endpoint,
        delete_endpoint,
        notice_id: cat.notice_id.clone(),
        draft_id: id_of(&draft),
        consent_id,
        withdraw_id,
        entry_index,
        checkpoint_size,
        rotate_key,
        revoke_key,
    }
}

/// Every `/v1` operation with the permission it needs, one a line. Within one permission the
/// order matters where one request changes what the next sees (the draft is updated, then
/// published).
#[rustfmt::skip]
pub(crate) fn table(t: &Targets, cat: &Catalog) -> Vec<Route> {
    use Method as M;
    use Permission::*;
    let (nid, did, cid, wid) = (&t.notice_id, &t.draft_id, &t.consent_id, &t.withdraw_id);
    let (idx, cp) = (t.entry_index, t.checkpoint_size);
    let (ok, created, no_content) = (StatusCode::OK, StatusCode::CREATED, StatusCode::NO_CONTENT);
    let en = || json!({"en": notice_text("en")});
    vec![
        // catalogue
        route(M::GET, "/v1/data-items", "/v1/data-items", None, CatalogRead, ok),
        route(M::GET, "/v1/data-items/{code}", "/v1/data-items/name", None, CatalogRead, ok),
        route(M::GET, "/v1/purposes", "/v1/purposes", None, CatalogRead, ok),
        route(M::GET, "/v1/purposes/{code}", "/v1/purposes/account", None, CatalogRead, ok),
        route(M::GET, "/v1/notices", "/v1/notices", None, CatalogRead, ok),
        route(M::GET, "/v1/notices/{id}", format!("/v1/notices/{nid}"), None, CatalogRead, ok),
        route(M::GET, "/v1/notices/{id}/versions", format!("/v1/notices/{nid}/versions"), None, CatalogRead, ok),
        route(M::GET, "/v1/notices/{id}/reconsent", format!("/v1/notices/{nid}/reconsent"), None, ConsentRead, ok),
        route(M::GET, "/v1/notices/{id}/versions/{version}", format!("/v1/notices/{nid}/versions/1"), None, CatalogRead, ok),
        route(M::POST, "/v1/data-items", "/v1/data-items",
            Some(json!({"code": "matrix_item", "name": {"en": "Matrix item"}, "category": "contact"})),
            CatalogWrite, created),
        route(M::POST, "/v1/purposes", "/v1/purposes",
            Some(json!({"code": "matrix_purpose", "mandatory": false, "validity_days": 30, "retention_days": 30,
                        "data_items": ["name"], "name": {"en": "Matrix"}, "description": {"en": "Matrix test"}})),
            CatalogWrite, created),
        route(M::POST, "/v1/notices", "/v1/notices",
            Some(json!({"code": "matrix_new", "purposes": ["account"], "texts": en()})),
            CatalogWrite, created),
        route(M::PUT, "/v1/notices/{id}", format!("/v1/notices/{did}"),
            Some(json!({"code": "matrix_draft", "purposes": ["account", "marketing"], "texts": en()})),
            CatalogWrite, ok),
        route(M::POST, "/v1/notices/{id}/publish", format!("/v1/notices/{did}/publish"), Some(json!({})), CatalogWrite, created),
        // consents
        route(M::POST, "/v1/consents", "/v1/consents",
            Some(json!({"principal_id": "P-collect", "notice_id": cat.notice_id, "notice_version": 1, "language": "en",
                        "decisions": all_granted(), "method": "web", "session_id": "sess-matrix"})),
            ConsentCollect, created),
        route(M::POST, "/v1/consents/validate", "/v1/consents/validate",
            Some(json!({"principal_id": "P-main", "purpose": "account"})), ConsentValidate, ok),
        route(M::GET, "/v1/consents/{id}", format!("/v1/consents/{cid}"), None, ConsentRead, ok),
        route(M::GET, "/v1/principals/{principal_id}/consents", "/v1/principals/P-main/consents", None, ConsentRead, ok),
        route(M::POST, "/v1/consents/{id}/update", format!("/v1/consents/{cid}/update"),
            Some(json!({"decisions": {"marketing": "denied"}})), ConsentManage, ok),
        route(M::POST, "/v1/consents/{id}/renew", format!("/v1/consents/{cid}/renew"), Some(evidence(json!({}))), ConsentManage, ok),
        route(M::POST, "/v1/consents/{id}/withdraw", format!("/v1/consents/{wid}/withdraw"), Some(json!({})), ConsentManage, ok),
        // audit
        route(M::GET, "/v1/audit/entries", "/v1/audit/entries", None, AuditRead, ok),
        route(M::GET, "/v1/audit/entries/{index}", format!("/v1/audit/entries/{idx}"), None, AuditRead, ok),
        route(M::GET, "/v1/audit/checkpoints", "/v1/audit/checkpoints", None, AuditRead, ok),
        route(M::GET, "/v1/audit/proofs/inclusion", format!("/v1/audit/proofs/inclusion?index={idx}&tree_size={cp}"), None, AuditRead, ok),
        route(M::GET, "/v1/audit/proofs/consistency", format!("/v1/audit/proofs/consistency?from={cp}"), None, AuditRead, ok),
        route(M::GET, "/v1/reports/compliance", "/v1/reports/compliance?from=2020-01-01T00:00:00Z&to=2020-12-31T00:00:00Z", None, AuditRead, ok),
        // personal data (each on a principal of its own)
        route(M::POST, "/v1/consents/{id}/unmask", format!("/v1/consents/{cid}/unmask"),
            Some(json!({"fields": ["principal_id"], "reason": "scope matrix check"})), PiiUnmask, ok),
        route(M::POST, "/v1/principals/erase", "/v1/principals/erase",
            Some(json!({"principal_id": "P-erase"})), PrincipalErase, ok),
        route(M::POST, "/v1/principal-tokens", "/v1/principal-tokens",
            Some(json!({"principal_id": "P-token"})), PrincipalToken, created),
        route(M::POST, "/v1/principals/contacts", "/v1/principals/contacts",
            Some(json!({"principal_id": "P-token", "contact": "p.token@example.in"})), PrincipalToken, no_content),
        // keys (a key holding only keys.manage can only grant keys.manage; the rotated and the
        // revoked keys are throwaway ones)
        route(M::GET, "/v1/keys", "/v1/keys", None, KeysManage, ok),
        route(M::POST, "/v1/keys", "/v1/keys",
            Some(json!({"name": "matrix-made", "scopes": ["keys.manage"]})), KeysManage, created),
        route(M::POST, "/v1/keys/{id}/rotate", format!("/v1/keys/{}/rotate", t.rotate_key), None, KeysManage, ok),
        route(M::DELETE, "/v1/keys/{id}", format!("/v1/keys/{}", t.revoke_key), None, KeysManage, no_content),
        // processors, webhooks, alerts and notifications
        route(M::GET, "/v1/processors", "/v1/processors", None, ProcessorsManage, ok),
        route(M::POST, "/v1/processors", "/v1/processors",
            Some(json!({"name": "matrix-made", "purposes": ["analytics"]})), ProcessorsManage, created),
        route(M::PATCH, "/v1/processors/{id}", format!("/v1/processors/{}", t.processor_id),
            Some(json!({"purposes": ["marketing", "analytics"]})), ProcessorsManage, ok),
        route(M::POST, "/v1/processors/{id}/keys", format!("/v1/processors/{}/keys", t.processor_id),
            Some(json!({"name": "matrix"})), ProcessorsManage, created),
        route(M::GET, "/v1/webhooks", "/v1/webhooks", None, NotificationsManage, ok),
        route(M::POST, "/v1/webhooks", "/v1/webhooks",
            Some(json!({"url": "https://8.8.4.4/matrix", "event_types": ["case.status_changed"]})), NotificationsManage, created),
        route(M::POST, "/v1/webhooks/{id}/rotate", format!("/v1/webhooks/{}/rotate", t.rotate_endpoint),
            Some(json!({"overlap_hours": 1})), NotificationsManage, ok),
        route(M::DELETE, "/v1/webhooks/{id}", format!("/v1/webhooks/{}", t.delete_endpoint), None, NotificationsManage, no_content),
        route(M::GET, "/v1/notification-settings", "/v1/notification-settings", None, NotificationsManage, ok),
        route(M::PUT, "/v1/notification-settings", "/v1/notification-settings",
            Some(json!({"renewal_notice_days": 20})), NotificationsManage, ok),
        route(M::GET, "/v1/notification-templates/{event}/{language}", "/v1/notification-templates/consent_collected/hi",
            None, NotificationsManage, ok),
        route(M::PUT, "/v1/notification-templates/{event}/{language}", "/v1/notification-templates/consent_collected/hi",
            Some(json!({"subject": "{{ fiduciary }}", "text": "{{ granted | join(', ') }}", "sms": "{{ fiduciary }}"})),
            NotificationsManage, no_content),
        route(M::DELETE, "/v1/notification-templates/{event}/{language}", "/v1/notification-templates/consent_collected/hi",
            None, NotificationsManage, no_content),
        route(M::GET, "/v1/deliveries", "/v1/deliveries", None, NotificationsManage, ok),
        // No dead delivery: the permission lets the request through to a 404.
        route(M::POST, "/v1/deliveries/{id}/replay", "/v1/deliveries/msg_none/replay", None, NotificationsManage,
            StatusCode::NOT_FOUND),
        route(M::GET, "/v1/alerts", "/v1/alerts", None, AlertsRead, ok),
        route(M::GET, "/v1/events", "/v1/events", None, EventsRead, ok),
        // Only a processor's key holds alerts.acknowledge (notifications::alerts tests it): here
        // every other key is refused.
        route(M::POST, "/v1/alerts/{id}/acknowledge", format!("/v1/alerts/{}/acknowledge", uuid::Uuid::now_v7()),
            Some(json!({})), AlertsAcknowledge, StatusCode::NOT_FOUND),
        // retention (no hold with a random id: the permission lets the request through to a 404)
        route(M::GET, "/v1/retention/policies", "/v1/retention/policies", None, RetentionRead, ok),
        route(M::PUT, "/v1/retention/policies/{category}", "/v1/retention/policies/contact",
            Some(json!({"retention_days": 400})), RetentionManage, ok),
        route(M::POST, "/v1/retention/holds", "/v1/retention/holds",
            Some(json!({"scope": {"kind": "fiduciary"}, "reason": "scope matrix check", "until": "2030-01-01T00:00:00Z"})),
            RetentionManage, created),
        route(M::GET, "/v1/retention/holds", "/v1/retention/holds", None, RetentionRead, ok),
        route(M::GET, "/v1/retention/holds/{id}", format!("/v1/retention/holds/{}", uuid::Uuid::now_v7()), None,
            RetentionRead, StatusCode::NOT_FOUND),
        route(M::POST, "/v1/retention/holds/{id}/release", format!("/v1/retention/holds/{}/release", uuid::Uuid::now_v7()),
            Some(json!({})), RetentionManage, StatusCode::NOT_FOUND),
        route(M::GET, "/v1/retention/upcoming", "/v1/retention/upcoming", None, RetentionRead, ok),
        // the pages' settings, the hosted consent page's requests and the cookie banner (no
        // banner configured: through to a 404; an empty configuration: through to a 422)
        route(M::GET, "/v1/web-settings", "/v1/web-settings", None, CatalogRead, ok),
        route(M::PUT, "/v1/web-settings", "/v1/web-settings",
            Some(json!({"return_origins": ["https://shop.example"], "frame_ancestors": []})), CatalogWrite, ok),
        route(M::POST, "/v1/consent-requests", "/v1/consent-requests",
            Some(json!({"principal_id": "P-page", "notice_id": cat.notice_id,
                        "return_url": "https://shop.example/back"})), ConsentCollect, created),
        route(M::GET, "/v1/cookie-banner", "/v1/cookie-banner", None, CatalogRead, StatusCode::NOT_FOUND),
        route(M::PUT, "/v1/cookie-banner", "/v1/cookie-banner", Some(json!({})), CatalogWrite,
            StatusCode::UNPROCESSABLE_ENTITY),
        // grievances and rights requests (no such case or nomination: through to a 404)
        route(M::POST, "/v1/cases", "/v1/cases", Some(json!({"principal_id": "matrix-p", "kind": "access"})),
            CasesManage, created),
        route(M::GET, "/v1/cases", "/v1/cases", None, CasesRead, ok),
        route(M::GET, "/v1/cases/{reference}", "/v1/cases/GRV-2026-999999", None, CasesRead,
            StatusCode::NOT_FOUND),
        route(M::POST, "/v1/cases/{reference}/transition", "/v1/cases/GRV-2026-999999/transition",
            Some(json!({"to": "acknowledged"})), CasesManage, StatusCode::NOT_FOUND),
        route(M::POST, "/v1/cases/{reference}/assign", "/v1/cases/GRV-2026-999999/assign",
            Some(json!({"role": "dpo"})), CasesManage, StatusCode::NOT_FOUND),
        route(M::POST, "/v1/cases/{reference}/attachments", "/v1/cases/GRV-2026-999999/attachments?name=a.txt",
            Some(json!({})), CasesManage, StatusCode::NOT_FOUND),
        route(M::GET, "/v1/cases/{reference}/attachments/{id}",
            format!("/v1/cases/GRV-2026-999999/attachments/{}", uuid::Uuid::now_v7()), None, CasesRead,
            StatusCode::NOT_FOUND),
        route(M::GET, "/v1/case-settings", "/v1/case-settings", None, CasesRead, ok),
        route(M::PUT, "/v1/case-settings", "/v1/case-settings", Some(json!({})), CasesManage, ok),
        route(M::GET, "/v1/principals/{principal_id}/nominations", "/v1/principals/matrix-p/nominations", None,
            CasesRead, ok),
        route(M::POST, "/v1/nominations/{id}/activate", format!("/v1/nominations/{}/activate", uuid::Uuid::now_v7()),
            Some(json!({"evidence": "certificate 1"})), CasesManage, StatusCode::NOT_FOUND),
        route(M::POST, "/v1/nominee-tokens", "/v1/nominee-tokens",
            Some(json!({"principal_id": "matrix-p", "nomination_id": uuid::Uuid::now_v7()})), PrincipalToken,
            StatusCode::NOT_FOUND),
    ]
}

/// The routes the registry gives an API key: (method, template) -> the permission it needs.
fn registered_key_routes() -> BTreeMap<(String, String), Permission> {
    let (_, _, routes) = anumodan_server::api::registry().split();
    routes
        .into_iter()
        .filter(|r| r.security.iter().any(|s| s == "api_key"))
        .map(|r| match r.access {
            anumodan_server::api::Access::Needs(p) => ((r.method.to_string(), r.path), p),
            other => panic!(
                "{} {} takes an API key but is registered as {other:?}",
                r.method, r.path
            ),
        })
        .collect()
}

/// The `/v1` route templates of the router, from the route registry.
fn router_templates() -> BTreeSet<String> {
    registered_key_routes()
        .into_keys()
        .map(|(_, p)| p)
        .collect()
}

#[tokio::test]
async fn every_route_answers_403_unless_the_key_holds_its_permission() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let t = prepare(&s, &cat).await;
    let routes = table(&t, &cat);

    // The table covers every /v1 operation that takes an API key: those the OpenAPI document
    // lists, the paths the router declares, and no other method on those paths.
    let (st, doc) = s.send(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(st, StatusCode::OK);
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.starts_with("/v1"))
        .flat_map(|(p, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .filter(|(_, op)| {
                    op["security"]
                        .as_array()
                        .is_some_and(|s| s.iter().any(|r| r.get("api_key").is_some()))
                })
                .map(|(m, _)| (m.to_uppercase(), p.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let tabled: BTreeSet<(String, String)> = routes
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_string()))
        .collect();
    assert_eq!(
        tabled.len(),
        routes.len(),
        "an operation is in the table twice"
    );
    assert_eq!(
        documented, tabled,
        "the scope table and the OpenAPI /v1 operations differ"
    );
    let table_paths: BTreeSet<String> = routes.iter().map(|r| r.template.to_string()).collect();
    assert_eq!(
        router_templates(),
        table_paths,
        "the scope table and the /v1 router's paths differ"
    );
    let registered = registered_key_routes();
    for r in &routes {
        assert_eq!(
            registered.get(&(r.method.to_string(), r.template.to_string())),
            Some(&r.needs),
            "{} {}: the table and the registry differ on the permission",
            r.method,
            r.template
        );
    }
    for r in &routes {
        for m in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ] {
            if routes
                .iter()
                .any(|x| x.template == r.template && x.method == m)
            {
                continue;
            }
            let (st, v) = s.send(m.clone(), &r.path, Some(&s.key), None).await;
            assert_problem(
                st,
                &v,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                &format!("{m} {} (not in the table)", r.path),
            );
        }
    }

    // Every grantable permission guards some route, and every route needs a grantable one
    // (or one of a processor's own: a processor's key is the only key that holds it).
    let perms = grantable();
    for p in &perms {
        assert!(routes.iter().any(|r| r.needs == *p), "no route needs {p}");
    }
    let processor_only = anumodan_core::authz::processor_key_scopes();
    for r in &routes {
        assert!(
            perms.contains(&r.needs) || processor_only.contains(&r.needs),
            "{} {}",
            r.method,
            r.path
        );
    }

    // Without a key, every route answers 401.
    for r in &routes {
        let (st, v) = s
            .send(r.method.clone(), &r.path, None, r.body.clone())
            .await;
        assert_problem(
            st,
            &v,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            &format!("{} {} without a key", r.method, r.path),
        );
    }

    // One key per permission, each holding only that permission.
    for p in &perms {
        let (st, v) = create_key(&s, &s.key, &format!("only-{p}"), Some(&[p.as_str()])).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["scopes"], json!([p.as_str()]), "{v}");
        let key = v["api_key"].as_str().unwrap().to_string();
        for r in &routes {
            let what = format!("{} {} with a key holding only {p}", r.method, r.path);
            let (st, v) = s
                .send(r.method.clone(), &r.path, Some(&key), r.body.clone())
                .await;
            if r.needs == *p {
                assert_eq!(st, r.ok, "{what}: {v}");
            } else {
                assert_problem(st, &v, StatusCode::FORBIDDEN, "forbidden", &what);
                assert!(
                    v["detail"]
                        .as_str()
                        .unwrap_or("")
                        .contains(r.needs.as_str()),
                    "{what}: the refusal names the missing scope {}: {v}",
                    r.needs
                );
            }
        }
    }
}
