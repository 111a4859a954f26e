//! Staff on the fiduciary API routes, with the permissions of their roles.

use super::fid;
use crate::harness::*;
use anumodan_core::authz::{BuiltinRole, Scope};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A signed-in DPO reads consents and unmasks with a reason (audited as the staff member); an
/// Auditor reads the ledger but cannot unmask; an Operator reads consents masked; the second
/// factor, CSRF and tenant rules of the console apply on the API routes too.
#[tokio::test]
async fn staff_use_the_api_routes_with_the_permissions_of_their_roles() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let f = fid(&s.fiduciary_id);
    let a = s.collect_ok(&cat, "9876512345", all_granted()).await;
    let id = id_of(&a);
    let scope = Scope::Fiduciary(f);

    let (dpo, _, dpo_id) =
        staff_session(&s, "dpo.one", Some(f), &[builtin(BuiltinRole::Dpo, scope)]).await;
    let (auditor, _, _) = staff_session(
        &s,
        "auditor.one",
        Some(f),
        &[builtin(BuiltinRole::Auditor, scope)],
    )
    .await;
    let (operator, _, _) = staff_session(
        &s,
        "operator.one",
        Some(f),
        &[builtin(BuiltinRole::Operator, scope)],
    )
    .await;

    // Reading: masked for everyone allowed to read.
    for c in [&dpo, &operator] {
        let (st, v) = c.get(&format!("/v1/consents/{id}")).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["principal_id"], "******2345");
    }
    let (st, v) = auditor.get(&format!("/v1/consents/{id}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    let (st, v) = auditor.get("/v1/audit/entries").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = operator.get("/v1/audit/entries").await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // Unmasking: the DPO only, with CSRF, audited with the staff member as initiator.
    let path = format!("/v1/consents/{id}/unmask");
    let body = json!({"reason": "grievance GRV-7 identity check"});
    for c in [&auditor, &operator] {
        let (st, v) = c.post(&path, body.clone()).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
        assert_eq!(v["code"], "forbidden");
    }
    let a = dpo
        .call_csrf(Method::POST, &path, Some(body.clone()), None)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert_eq!(a.body["code"], "csrf_failed");
    let (st, v) = dpo.post(&path, body).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["fields"]["principal_id"], "9876512345");
    let e = store_entries(&s, f, "pii.unmasked").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].initiator, format!("staff:{dpo_id}"));

    // A fiduciary's staff cannot act for another fiduciary: 404, as if it did not exist.
    let (other, _) = s.create_fiduciary("Other").await;
    let a = dpo
        .call_csrf(Method::GET, &format!("/v1/consents/{id}"), None, None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let a = dpo
        .call_for(&other, Method::GET, "/v1/purposes", None, None)
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.body["code"], "fiduciary_not_found");

    // Before the second factor, nothing.
    let id2 = make_staff(&s, "dpo.two", Some(f), &[builtin(BuiltinRole::Dpo, scope)]).await;
    let _ = id2;
    let (half, v) = password_step(&s.url, "dpo.two", PW).await;
    assert_eq!(v["mfa"], "enrol", "{v}");
    let (st, v) = half.get(&format!("/v1/consents/{id}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "mfa_required");
}

/// A fiduciary Admin makes validate-only keys for its systems, but cannot give a key the power
/// to unmask, which the Admin does not hold.
#[tokio::test]
async fn a_fiduciary_admin_manages_integration_keys_but_not_unmasking_ones() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);
    let scope = Scope::Fiduciary(f);
    let (admin, _, admin_id) = staff_session(
        &s,
        "admin.one",
        Some(f),
        &[builtin(BuiltinRole::Admin, scope)],
    )
    .await;
    let (st, v) = admin
        .post(
            "/v1/keys",
            json!({"name": "billing-validator", "scopes": ["consent.validate"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let key_id = v["id"].as_str().unwrap().to_string();
    let (st, v) = admin
        .post(
            "/v1/keys",
            json!({"name": "peek", "scopes": ["pii.unmask"]}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    // Nor rotate the root key, which holds pii.unmask.
    let (st, keys) = admin.get("/v1/keys").await;
    assert_eq!(st, StatusCode::OK);
    let made = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == key_id.as_str())
        .unwrap();
    assert_eq!(made["created_by"], format!("staff:{admin_id}"));
    let root = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "default")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, _) = admin
        .post(&format!("/v1/keys/{root}/rotate"), json!({}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = admin
        .call(Method::DELETE, &format!("/v1/keys/{key_id}"), None)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let e = store_entries(&s, f, "api_key.created").await;
    assert!(e.iter().any(|e| e.initiator == format!("staff:{admin_id}")));
}
