//! Access: a fiduciary that does not exist, what an erased principal's id still reaches, and
//! permissions checked before the body is read.

use crate::harness::*;
use anumodan_core::authz::{BuiltinRole, Scope};
use reqwest::StatusCode;
use serde_json::json;

/// Finding 9: a platform administrator acting for a fiduciary that does not exist gets 404
/// `fiduciary_not_found` (not a 503 to retry for ever), and nothing is written.
#[tokio::test]
async fn acting_for_a_fiduciary_that_does_not_exist_is_404_and_writes_nothing() {
    let s = TestServer::start().await;
    let admin = [builtin(BuiltinRole::Admin, Scope::Platform)];
    let (_, secret, _) = staff_session(&s, "root", None, &admin).await;
    let c = full_sign_in(&s, "root", &secret).await;
    let ghost = uuid::Uuid::now_v7();
    let size = ledger_size(&s).await;
    for (method, path, body) in [
        (
            reqwest::Method::POST,
            "/v1/principal-tokens",
            Some(json!({"principal_id": "x"})),
        ),
        (reqwest::Method::GET, "/v1/purposes", None),
        (
            reqwest::Method::POST,
            "/v1/consents/validate",
            Some(json!({"principal_id": "x", "purpose": "account"})),
        ),
    ] {
        let a = c
            .call_for(
                &ghost.to_string(),
                method.clone(),
                path,
                body,
                Some(&c.csrf),
            )
            .await;
        let (st, v) = (a.status, a.body);
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("fiduciary_not_found")),
            "{method} {path}: {v}"
        );
    }
    assert_eq!(ledger_size(&s).await, size);
}

/// Finding 4: after erasure, nothing reachable by the principal's id links back to what was
/// erased. Walks every route that takes a principal id (the command line takes none), before
/// and after the same person comes back; the ledger still verifies.
#[tokio::test]
async fn after_erasure_no_route_links_the_id_to_what_was_erased() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let a = s.collect_ok(&cat, "P-gone", all_granted()).await;
    let a_id = a["id"].as_str().unwrap().to_string();
    s.validate("P-gone", "marketing").await;
    let (st, v) = s
        .act(&a_id, "withdraw", json!({"purposes": ["analytics"]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // The ledger's entries found by the principal's id (one page).
    let entries = || async {
        let (_, v) = s
            .get("/v1/audit/entries?principal_id=P-gone&limit=1000")
            .await;
        v["items"].as_array().unwrap().clone()
    };
    assert!(
        entries().await.len() >= 6,
        "before erasure the id finds its history"
    );

    let (st, v) = s.erase("P-gone").await;
    assert_eq!(st, StatusCode::OK, "{v}");

    // The ledger filter by id: nothing up to the erasure.
    assert!(entries().await.is_empty());
    // A staff auditor's view of the same filter.
    let fid = uuid::Uuid::parse_str(&s.fiduciary_id).unwrap();
    let auditor = [builtin(BuiltinRole::Auditor, Scope::Fiduciary(fid))];
    let (_, secret, _) = staff_session(&s, "aud", Some(fid), &auditor).await;
    let c = full_sign_in(&s, "aud", &secret).await;
    let (st, v) = c
        .get(&format!(
            "/v1/fiduciaries/{fid}/audit/entries?principal_id=P-gone"
        ))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["items"].as_array().unwrap().is_empty(), "{v}");
    // The principal's consents, validation, their own dashboard.
    assert!(s.principal_items("P-gone", "").await.is_empty());
    assert_eq!(s.validate("P-gone", "account").await["reason"], "not_found");
    let (me, _) = s.principal_token("P-gone", None).await;
    let (st, mine) = me.consents().await;
    assert_eq!(st, StatusCode::OK);
    assert!(mine["items"].as_array().unwrap().is_empty(), "{mine}");
    // The artefact itself, read by its id: a tombstone, nothing active in it.
    let (st, tomb) = s.get(&format!("/v1/consents/{a_id}")).await;
    assert_eq!(st, StatusCode::OK, "{tomb}");
    assert_eq!(tomb["principal_id"], "[erased]");
    for p in tomb["purposes"].as_array().unwrap() {
        assert_eq!(p["status"], "erased", "{tomb}");
        assert!(p["expires_at"].is_null(), "{tomb}");
    }
    // Declaring a contact for the id starts afresh.
    let (st, v) = s.add_contact("P-gone", "+919812345678").await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");

    // The same person comes back: only what is new is found by their id.
    let b = s.collect_ok(&cat, "P-gone", all_granted()).await;
    let listed = s.principal_items("P-gone", "").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], b["id"]);
    let found = entries().await;
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|e| e["artefact"] != a_id.as_str()),
        "nothing of the erased artefact: {found:?}"
    );
    assert!(found.iter().all(|e| e["action"] != "principal.erased"));

    // The ledger, which keeps every entry, still verifies.
    let (dir, _guard) = s.stop().await;
    assert_ok(&audit_verify(&dir));
}

/// Also from the review: a route's permission is checked before its body is read, so a key
/// without it, or a half-signed-in session, gets 403 and learns nothing about what it sent; a
/// half-signed-in session sees neither its grants nor whether a staff id exists.
#[tokio::test]
async fn permissions_come_before_the_body_and_half_sessions_learn_nothing() {
    let s = TestServer::start().await;
    // A key that may only read the catalogue.
    let (_, narrow) = s.new_key("catalogue only", &["catalog.read"]).await;
    for (path, body) in [
        ("/v1/consents", "{not json"),
        ("/v1/consents", r#"{"unknown": 1}"#),
        ("/v1/consents/validate", r#"{"principal_id": 5}"#),
        ("/v1/principals/erase", "[]"),
    ] {
        let res = s
            .client
            .post(format!("{}{path}", s.url))
            .bearer_auth(&narrow)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let st = res.status();
        let v: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{path} {body}: {v}"
        );
    }

    // A staff member who gave the password but not the second factor.
    let admin = [builtin(BuiltinRole::Admin, Scope::Platform)];
    let (_, _secret, id) = staff_session(&s, "half", None, &admin).await;
    s.clock.advance(time::Duration::seconds(30));
    let (half, v) = password_step(&s.url, "half", PW).await;
    assert_eq!(v["mfa"], "required");
    let (st, me) = half.get("/v1/session").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["grants"], json!([]), "{me}");
    for (method, path, body) in [
        (
            reqwest::Method::POST,
            "/v1/staff".to_string(),
            Some(json!({"bogus": true})),
        ),
        (reqwest::Method::GET, format!("/v1/staff/{id}"), None),
        (
            reqwest::Method::GET,
            format!("/v1/staff/{}", uuid::Uuid::now_v7()),
            None,
        ),
        (
            reqwest::Method::POST,
            "/v1/roles".to_string(),
            Some(json!([])),
        ),
    ] {
        let (st, v) = half.call(method.clone(), &path, body).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("mfa_required")),
            "{method} {path}: {v}"
        );
    }
}
