//! API keys and their scopes over HTTP: every `/v1` route against a key holding one permission,
//! refusals that change nothing, the key lifecycle (create, list, rotate, revoke), no escalation
//! through key creation or rotation, tenant isolation of keys, and the default scopes.

use crate::common::*;
use crate::support::*;
use anumodan_core::authz::{Permission, default_key_scopes, key_grantable};
use anumodan_core::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration as StdDuration;

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

/// Creates a key with `creator`; returns the status and the answer.
async fn create_key(
    s: &TestServer,
    creator: &str,
    name: &str,
    scopes: Option<&[&str]>,
) -> (StatusCode, Value) {
    let mut body = json!({ "name": name });
    if let Some(sc) = scopes {
        body["scopes"] = json!(sc);
    }
    s.send(Method::POST, "/v1/keys", Some(creator), Some(body))
        .await
}

/// Creates a key with the server's root key and returns (id, secret).
async fn new_key(s: &TestServer, name: &str, scopes: &[&str]) -> (String, String) {
    let (st, v) = create_key(s, &s.key, name, Some(scopes)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    (id_of(&v), v["api_key"].as_str().unwrap().to_string())
}

/// The key listing as seen with `key`.
async fn list_keys(s: &TestServer, key: &str) -> Vec<Value> {
    let (st, v) = s.send(Method::GET, "/v1/keys", Some(key), None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .clone()
}

fn listed<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("key {id} not in {list:?}"))
}

fn key_ids(list: &[Value]) -> BTreeSet<String> {
    list.iter().map(id_of).collect()
}

/// The id of the fiduciary's first key (named `default`), seen with `key`.
async fn root_key_id(s: &TestServer, key: &str) -> String {
    let list = list_keys(s, key).await;
    let defaults: Vec<&Value> = list.iter().filter(|k| k["name"] == "default").collect();
    assert_eq!(defaults.len(), 1, "{list:?}");
    id_of(defaults[0])
}

/// Whether `key` authenticates: the status of a catalogue read (keys in these tests that must
/// work hold `catalog.read`).
async fn catalogue_read(s: &TestServer, key: &str) -> StatusCode {
    s.send(Method::GET, "/v1/data-items", Some(key), None)
        .await
        .0
}

async fn rotate(s: &TestServer, with: &str, id: &str) -> (StatusCode, Value) {
    s.send(
        Method::POST,
        &format!("/v1/keys/{id}/rotate"),
        Some(with),
        None,
    )
    .await
}

async fn revoke(s: &TestServer, with: &str, id: &str) -> (StatusCode, Value) {
    s.send(Method::DELETE, &format!("/v1/keys/{id}"), Some(with), None)
        .await
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
}

pub(crate) async fn prepare(s: &TestServer, cat: &Catalog) -> Targets {
    let consent_id = id_of(&collect_ok(s, cat, "P-main", all_granted()).await);
    let withdraw_id = id_of(&collect_ok(s, cat, "P-withdraw", all_granted()).await);
    collect_ok(s, cat, "P-erase", all_granted()).await;
    let (st, draft) = s
        .post(
            "/v1/notices",
            json!({"code": "matrix_draft", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{draft}");
    // Targets no broader than a keys.manage-only key, which may only manage such keys.
    let (rotate_key, _) = new_key(s, "matrix-rotate-target", &["keys.manage"]).await;
    let (revoke_key, _) = new_key(s, "matrix-revoke-target", &["keys.manage"]).await;
    let entries = audit_entries(s, "consent.collected").await;
    let entry_index = entries[0]["index"].as_u64().unwrap();
    // A signed checkpoint covering that entry (written every 50 ms by the test server).
    let deadline = Deadline::after(StdDuration::from_secs(10));
    let checkpoint_size = loop {
        let (st, v) = s
            .get(&format!(
                "/v1/audit/checkpoints?after={entry_index}&limit=1"
            ))
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        if let Some(cp) = v.as_array().unwrap().first() {
            break cp["size"].as_u64().unwrap();
        }
        deadline
            .tick(StdDuration::from_millis(20), || {
                format!("no checkpoint covers entry {entry_index}")
            })
            .await;
    };
    Targets {
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

    // Every grantable permission guards some route, and every route needs a grantable one.
    let perms = grantable();
    for p in &perms {
        assert!(routes.iter().any(|r| r.needs == *p), "no route needs {p}");
    }
    for r in &routes {
        assert!(perms.contains(&r.needs), "{} {}", r.method, r.path);
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

// ---------- refusals change nothing ----------

#[tokio::test]
async fn a_refused_request_changes_nothing() {
    let (s, cat, _, cid) = start_with_consent("P-1", all_granted()).await;
    let (_, validate_only) = new_key(&s, "validator", &["consent.validate"]).await;
    let (_, collect_only) = new_key(&s, "collector", &["consent.collect"]).await;
    let (_, read_only) = new_key(&s, "reader", &["consent.read", "catalog.read"]).await;

    // The allowed request of each key does change the ledger (so the counts below can move).
    let size0 = ledger_size(&s).await;
    let (st, v) = s
        .send(
            Method::POST,
            "/v1/consents/validate",
            Some(&validate_only),
            Some(json!({"principal_id": "P-1", "purpose": "account"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(ledger_size(&s).await, size0 + 1);

    let before_size = ledger_size(&s).await;
    let before_consents = principal_items(&s, "P-1", "").await;
    let before_artefact = consent(&s, &cid).await;
    let before_validations = audit_entries(&s, "consent.validated").await.len();

    let collect = json!({"principal_id": "P-1", "notice_id": cat.notice_id, "notice_version": 1, "language": "en",
                         "decisions": all_granted(), "method": "web", "session_id": "sess-2"});
    let attempts = [
        (&validate_only, "/v1/consents".to_string(), collect),
        (
            &collect_only,
            "/v1/consents/validate".to_string(),
            json!({"principal_id": "P-1", "purpose": "account"}),
        ),
        (
            &read_only,
            format!("/v1/consents/{cid}/withdraw"),
            json!({}),
        ),
        (&read_only, format!("/v1/consents/{cid}/renew"), json!({})),
        (
            &read_only,
            format!("/v1/consents/{cid}/update"),
            json!({"decisions": {"marketing": "denied"}}),
        ),
        (
            &read_only,
            format!("/v1/consents/{cid}/unmask"),
            json!({"reason": "no scope for this"}),
        ),
        (
            &read_only,
            "/v1/principals/erase".to_string(),
            json!({"principal_id": "P-1"}),
        ),
        (
            &read_only,
            "/v1/keys".to_string(),
            json!({"name": "sneaky", "scopes": ["consent.read"]}),
        ),
        (
            &read_only,
            "/v1/data-items".to_string(),
            json!({"code": "sneaky", "name": {"en": "Sneaky"}, "category": "contact"}),
        ),
    ];
    for (key, path, body) in attempts {
        let (st, v) = s.send(Method::POST, &path, Some(key), Some(body)).await;
        assert_problem(st, &v, StatusCode::FORBIDDEN, "forbidden", &path);
    }

    assert_eq!(
        ledger_size(&s).await,
        before_size,
        "a refusal wrote to the ledger"
    );
    assert_eq!(principal_items(&s, "P-1", "").await, before_consents);
    assert_eq!(consent(&s, &cid).await, before_artefact);
    assert_eq!(
        audit_entries(&s, "consent.validated").await.len(),
        before_validations
    );
    // The principal's data was neither erased nor disclosed: it still validates.
    assert_eq!(s.validate("P-1", "account").await["valid"], true);
    let (st, v) = s.get("/v1/data-items/sneaky").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert!(
        list_keys(&s, &s.key)
            .await
            .iter()
            .all(|k| k["name"] != "sneaky")
    );
}

// ---------- the key lifecycle ----------

#[tokio::test]
async fn a_key_is_created_listed_rotated_and_revoked_with_immediate_effect() {
    let s = TestServer::start().await;
    let root_id = root_key_id(&s, &s.key).await;
    let scopes = ["catalog.read", "consent.validate"];

    // Created: the secret is in the answer, this once.
    let (st, created) = create_key(&s, &s.key, "billing-validator", Some(&scopes)).await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    let id = id_of(&created);
    let secret = created["api_key"].as_str().unwrap().to_string();
    assert!(secret.starts_with("anm_"), "{secret}");
    assert!(secret.len() >= 40, "a short secret: {secret}");
    assert_eq!(created["name"], "billing-validator");
    assert_eq!(str_set(&created["scopes"]), names(&scopes));

    // Listed with name, prefix and scopes, and no secret anywhere.
    let list = list_keys(&s, &s.key).await;
    let k = listed(&list, &id);
    assert_eq!(k["name"], "billing-validator");
    assert_eq!(str_set(&k["scopes"]), names(&scopes));
    let prefix = k["prefix"].as_str().unwrap();
    assert!(
        prefix.starts_with("anm_") && secret.starts_with(prefix),
        "{prefix}"
    );
    assert!(
        prefix.len() < secret.len() / 2,
        "the prefix gives away the secret: {prefix}"
    );
    assert!(k["revoked_at"].is_null(), "{k}");
    ts(&k["created_at"]);
    let mut all = Vec::new();
    strings(&Value::Array(list.clone()), &mut all);
    for x in &all {
        assert!(
            !x.contains(&secret) && !x.contains(&s.key),
            "the listing holds a secret: {x}"
        );
        assert!(
            !["api_key", "secret", "key_hash", "hash"].contains(&x.as_str()),
            "the listing has a {x} field"
        );
    }

    // The key works for its scopes only.
    assert_eq!(catalogue_read(&s, &secret).await, StatusCode::OK);
    let (st, v) = s.send(Method::GET, "/v1/keys", Some(&secret), None).await;
    assert_problem(
        st,
        &v,
        StatusCode::FORBIDDEN,
        "forbidden",
        "list with a narrow key",
    );

    // Rotated: same id, name and scopes, a new secret; the old one is refused at once (it was
    // just used, so it sat in the authentication cache).
    assert_eq!(catalogue_read(&s, &secret).await, StatusCode::OK);
    let (st, rotated) = rotate(&s, &s.key, &id).await;
    assert_eq!(st, StatusCode::OK, "{rotated}");
    assert_eq!(rotated["id"], id.as_str());
    assert_eq!(rotated["name"], "billing-validator");
    assert_eq!(str_set(&rotated["scopes"]), names(&scopes));
    let secret2 = rotated["api_key"].as_str().unwrap().to_string();
    assert!(secret2.starts_with("anm_"), "{secret2}");
    assert_ne!(secret2, secret);
    let (st, v) = s
        .send(Method::GET, "/v1/data-items", Some(&secret), None)
        .await;
    assert_problem(
        st,
        &v,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "old secret after rotation",
    );
    assert_eq!(catalogue_read(&s, &secret2).await, StatusCode::OK);
    let list = list_keys(&s, &s.key).await;
    let k = listed(&list, &id);
    assert!(secret2.starts_with(k["prefix"].as_str().unwrap()), "{k}");
    assert!(k["revoked_at"].is_null(), "{k}");

    // Revoked: refused at once (the new secret was just used, so it was cached), still listed.
    let (st, v) = revoke(&s, &s.key, &id).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (st, v) = s
        .send(Method::GET, "/v1/data-items", Some(&secret2), None)
        .await;
    assert_problem(
        st,
        &v,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "secret after revocation",
    );
    assert_eq!(catalogue_read(&s, &secret).await, StatusCode::UNAUTHORIZED);
    let list = list_keys(&s, &s.key).await;
    let k = listed(&list, &id);
    assert_eq!(ts(&k["revoked_at"]), s.clock.now());

    // A revoked key cannot be revoked or rotated again; nor can a key that never existed.
    let (st, v) = revoke(&s, &s.key, &id).await;
    assert_problem(
        st,
        &v,
        StatusCode::NOT_FOUND,
        "key_not_found",
        "revoke twice",
    );
    let (st, v) = rotate(&s, &s.key, &id).await;
    assert_problem(
        st,
        &v,
        StatusCode::NOT_FOUND,
        "key_not_found",
        "rotate a revoked key",
    );
    let unknown = "00000000-0000-7000-8000-000000000000";
    let (st, v) = revoke(&s, &s.key, unknown).await;
    assert_problem(
        st,
        &v,
        StatusCode::NOT_FOUND,
        "key_not_found",
        "revoke unknown",
    );
    let (st, v) = rotate(&s, &s.key, unknown).await;
    assert_problem(
        st,
        &v,
        StatusCode::NOT_FOUND,
        "key_not_found",
        "rotate unknown",
    );
    let (st, v) = revoke(&s, &s.key, "not-a-uuid").await;
    assert_problem(
        st,
        &v,
        StatusCode::BAD_REQUEST,
        "invalid_path",
        "revoke malformed id",
    );
    // The root key is untouched by all this.
    assert_eq!(catalogue_read(&s, &s.key).await, StatusCode::OK);

    // Each change is in the ledger once, naming the key and who did it; refusals are not.
    for action in ["api_key.created", "api_key.rotated", "api_key.revoked"] {
        let entries: Vec<Value> = audit_entries(&s, action)
            .await
            .into_iter()
            .filter(|e| e["outcome"] == id.as_str())
            .collect();
        assert_eq!(entries.len(), 1, "{action}: {entries:?}");
        assert_eq!(
            entries[0]["initiator"],
            format!("fiduciary:{root_id}"),
            "{action}"
        );
        assert_eq!(entries[0]["fiduciary"], s.fiduciary_id.as_str(), "{action}");
    }
    assert_eq!(audit_entries(&s, "api_key.rotated").await.len(), 1);
    assert_eq!(audit_entries(&s, "api_key.revoked").await.len(), 1);
}

// ---------- no escalation ----------

#[tokio::test]
async fn a_key_cannot_grant_what_it_does_not_hold_nor_what_keys_may_not_hold() {
    let s = TestServer::start().await;
    let (_, admin) = new_key(&s, "key-admin", &["keys.manage", "consent.validate"]).await;
    let before = list_keys(&s, &s.key).await;
    let created_before = audit_entries(&s, "api_key.created").await.len();

    // Scopes the creating key lacks: 403, also hidden among held ones or behind the defaults.
    for scopes in [
        Some(vec!["pii.unmask"]),
        Some(vec!["consent.collect"]),
        Some(vec!["consent.validate", "pii.unmask"]),
        Some(vec!["keys.manage", "principal.erase"]),
        None,
    ] {
        let (st, v) = create_key(&s, &admin, "escalated", scopes.as_deref()).await;
        assert_problem(
            st,
            &v,
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("{scopes:?}"),
        );
    }
    // Scopes no key may hold, unknown ones and an empty list: 422, even for the root key.
    for (key, scopes) in [
        (&s.key, vec!["consent.everything"]),
        (&s.key, vec!["staff.manage"]),
        (&s.key, vec!["roles.manage"]),
        (&s.key, vec!["fiduciary.manage"]),
        (&s.key, vec!["catalog.read", "fiduciary.manage"]),
        (&s.key, vec![]),
        (&admin, vec!["staff.manage"]),
    ] {
        let (st, v) = create_key(&s, key, "bad-scopes", Some(&scopes)).await;
        assert_problem(
            st,
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_scopes",
            &format!("{scopes:?}"),
        );
    }
    // A blank name.
    for name in ["", "   ", "a\u{7}b"] {
        let (st, v) = create_key(&s, &s.key, name, Some(&["catalog.read"])).await;
        assert_problem(
            st,
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
            &format!("{name:?}"),
        );
    }
    let (st, v) = create_key(&s, &s.key, &"n".repeat(101), Some(&["catalog.read"])).await;
    assert_problem(
        st,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_name",
        "101 characters",
    );

    // Nothing was created.
    assert_eq!(list_keys(&s, &s.key).await, before);
    assert_eq!(
        audit_entries(&s, "api_key.created").await.len(),
        created_before
    );

    // What the key does hold, it may grant.
    let (st, v) = create_key(&s, &admin, "validator", Some(&["consent.validate"])).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["scopes"], json!(["consent.validate"]));
    assert_eq!(list_keys(&s, &s.key).await.len(), before.len() + 1);
}

/// Rotation hands out a new secret for an existing key. A key holding `keys.manage` but not
/// `pii.unmask` must not obtain, by rotating it, the secret of a key that holds `pii.unmask`:
/// that would grant a scope the caller does not hold, which key creation refuses.
#[tokio::test]
async fn a_key_cannot_take_over_or_lock_out_a_broader_key() {
    let s = TestServer::start().await;
    let (_, admin) = new_key(&s, "key-admin", &["keys.manage", "catalog.read"]).await;
    let (dpo_id, dpo) = new_key(&s, "dpo", &["pii.unmask", "catalog.read"]).await;
    let root_id = root_key_id(&s, &s.key).await;

    for target in [&dpo_id, &root_id] {
        let (st, v) = rotate(&s, &admin, target).await;
        assert_problem(
            st,
            &v,
            StatusCode::FORBIDDEN,
            "forbidden",
            "rotate a broader key",
        );
        assert!(v.get("api_key").is_none(), "{v}");
        let (st, v) = revoke(&s, &admin, target).await;
        assert_problem(
            st,
            &v,
            StatusCode::FORBIDDEN,
            "forbidden",
            "revoke a broader key",
        );
    }
    // Both keys still work with their secrets.
    assert_eq!(catalogue_read(&s, &dpo).await, StatusCode::OK);
    assert_eq!(catalogue_read(&s, &s.key).await, StatusCode::OK);
    // A key no broader than the caller's may be rotated and revoked.
    let (narrow_id, _) = new_key(&s, "narrow", &["catalog.read"]).await;
    let (st, v) = rotate(&s, &admin, &narrow_id).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = revoke(&s, &admin, &narrow_id).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
}

// ---------- tenants ----------

#[tokio::test]
async fn a_fiduciary_cannot_see_rotate_or_revoke_another_fiduciarys_keys() {
    let s = TestServer::start().await;
    let (_, b_key) = s.create_fiduciary("B").await;
    let a_root = root_key_id(&s, &s.key).await;
    let (a_id, a_secret) = new_key(&s, "a-integration", &["catalog.read"]).await;
    let a_before = list_keys(&s, &s.key).await;
    let a_ids = key_ids(&a_before);

    // B sees only its own keys.
    let b_list = list_keys(&s, &b_key).await;
    assert_eq!(b_list.len(), 1, "{b_list:?}");
    let b_root = id_of(&b_list[0]);
    assert!(key_ids(&b_list).is_disjoint(&a_ids), "{b_list:?}");
    assert!(!key_ids(&a_before).contains(&b_root));

    // A's keys are unknown to B (404, as for a key that does not exist).
    assert_eq!(catalogue_read(&s, &a_secret).await, StatusCode::OK);
    for id in [&a_id, &a_root] {
        let (st, v) = rotate(&s, &b_key, id).await;
        assert_problem(
            st,
            &v,
            StatusCode::NOT_FOUND,
            "key_not_found",
            "B rotates A's key",
        );
        assert!(v.get("api_key").is_none(), "{v}");
        let (st, v) = revoke(&s, &b_key, id).await;
        assert_problem(
            st,
            &v,
            StatusCode::NOT_FOUND,
            "key_not_found",
            "B revokes A's key",
        );
    }

    // A's keys work and are unchanged; no key change was recorded for A.
    assert_eq!(catalogue_read(&s, &a_secret).await, StatusCode::OK);
    assert_eq!(catalogue_read(&s, &s.key).await, StatusCode::OK);
    assert_eq!(list_keys(&s, &s.key).await, a_before);
    assert!(audit_entries(&s, "api_key.rotated").await.is_empty());
    assert!(audit_entries(&s, "api_key.revoked").await.is_empty());
    // And B's own key still works for B.
    assert_eq!(list_keys(&s, &b_key).await, b_list);
}

// ---------- defaults ----------

#[tokio::test]
async fn a_key_created_without_scopes_gets_the_default_scopes() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let cid = id_of(&collect_ok(&s, &cat, "P-1", all_granted()).await);
    let expected = names(&[
        "catalog.read",
        "catalog.write",
        "consent.collect",
        "consent.validate",
        "consent.read",
        "consent.manage",
        "audit.read",
        "principal.token",
    ]);
    assert_eq!(
        default_key_scopes()
            .iter()
            .map(|p| p.to_string())
            .collect::<BTreeSet<_>>(),
        expected
    );

    let (st, v) = create_key(&s, &s.key, "integration", None).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(str_set(&v["scopes"]), expected);
    let id = id_of(&v);
    let key = v["api_key"].as_str().unwrap().to_string();
    let list = list_keys(&s, &s.key).await;
    let listed_scopes = str_set(&listed(&list, &id)["scopes"]);
    assert_eq!(listed_scopes, expected);
    for p in ["pii.unmask", "principal.erase", "keys.manage"] {
        assert!(!listed_scopes.contains(p), "{p}");
    }

    // And the key behaves so: it integrates, but cannot unmask, erase or manage keys.
    let (st, v) = s
        .send(
            Method::POST,
            "/v1/consents/validate",
            Some(&key),
            Some(json!({"principal_id": "P-1", "purpose": "account"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    for (method, path, body) in [
        (
            Method::POST,
            format!("/v1/consents/{cid}/unmask"),
            Some(json!({"reason": "checking defaults"})),
        ),
        (
            Method::POST,
            "/v1/principals/erase".to_string(),
            Some(json!({"principal_id": "P-1"})),
        ),
        (Method::GET, "/v1/keys".to_string(), None),
    ] {
        let (st, v) = s.send(method, &path, Some(&key), body).await;
        assert_problem(st, &v, StatusCode::FORBIDDEN, "forbidden", &path);
    }
}

/// Tenant isolation over the whole route table: fiduciary B's root key (every scope) on every
/// request made for fiduciary A. Routes naming one of A's resources in the path answer 404
/// exactly as for a resource that does not exist; no answer to B contains any of A's ids.
#[tokio::test]
async fn another_fiduciary_gets_404_on_every_route_and_never_sees_the_first_ones_ids() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let t = prepare(&s, &cat).await;
    let routes = table(&t, &cat);
    let (_, b_key) = s.create_fiduciary("B").await;
    let a_ids = [
        t.notice_id.as_str(),
        t.draft_id.as_str(),
        t.consent_id.as_str(),
        t.withdraw_id.as_str(),
        t.rotate_key.as_str(),
        t.revoke_key.as_str(),
        s.fiduciary_id.as_str(),
    ];
    let before = list_keys(&s, &s.key).await;
    for r in &routes {
        let what = format!("{} {} with B's key", r.method, r.path);
        let (st, v) = s
            .send(r.method.clone(), &r.path, Some(&b_key), r.body.clone())
            .await;
        let text = v.to_string();
        for id in a_ids {
            assert!(!text.contains(id), "{what}: A's id {id} in {v}");
        }
        // A principal id is the fiduciary's own name for a person: B's principal "P-main" is
        // someone else, with no consents (an empty list, as for any unknown principal).
        let names_a_resource = r.template.contains('{')
            && !r.template.starts_with("/v1/audit/")
            && !r.template.starts_with("/v1/principals/{principal_id}");
        if names_a_resource {
            assert_eq!(st, StatusCode::NOT_FOUND, "{what}: {v}");
            // The same answer as for an id that does not exist.
            let fake = r
                .path
                .replace(&t.notice_id, &uuid::Uuid::now_v7().to_string());
            let fake = [
                &t.draft_id,
                &t.consent_id,
                &t.withdraw_id,
                &t.rotate_key,
                &t.revoke_key,
            ]
            .iter()
            .fold(fake, |p, id| {
                p.replace(id.as_str(), &uuid::Uuid::now_v7().to_string())
            });
            if fake != r.path {
                let (st2, v2) = s
                    .send(r.method.clone(), &fake, Some(&b_key), r.body.clone())
                    .await;
                assert_eq!(
                    (st2, &v2["code"]),
                    (st, &v["code"]),
                    "{what} vs a missing id"
                );
            }
        }
    }
    // Nothing of A changed: its keys all still there and live.
    assert_eq!(list_keys(&s, &s.key).await, before);
    assert_eq!(
        consent(&s, &t.withdraw_id).await["purposes"][0]["status"],
        "active"
    );
}
