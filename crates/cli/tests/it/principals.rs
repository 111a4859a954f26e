//! A principal's own dashboard API: tokens requested by the fiduciary, own consents only,
//! withdrawal in one call.

use crate::common::*;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn token_for(s: &TestServer, principal: &str, ttl: Option<u32>) -> (String, Value) {
    let mut body = json!({"principal_id": principal});
    if let Some(t) = ttl {
        body["ttl_seconds"] = json!(t);
    }
    let (st, v) = s.post("/v1/principal-tokens", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("anp_"), "{token}");
    (token, v)
}

async fn as_principal(
    s: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    s.send(method, path, Some(token), body).await
}

#[tokio::test]
async fn a_principal_sees_and_withdraws_only_their_own_consents() {
    let (s, cat, mine, my_id) = start_with_consent("9876501234", all_granted()).await;
    let theirs = collect_ok(&s, &cat, "someone-else-1", all_granted()).await;
    let (token, issued) = token_for(&s, "9876501234", None).await;
    assert_eq!(ts(&issued["expires_at"]), T0 + time::Duration::seconds(900));
    // The token names the principal only by pseudonym.
    assert!(!token.contains("9876501234"));

    let (st, list) = as_principal(&s, Method::GET, "/v1/me/consents", &token, None).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], mine["id"]);
    assert_eq!(items[0]["principal_id"], "******1234");

    let (st, one) = as_principal(
        &s,
        Method::GET,
        &format!("/v1/me/consents/{my_id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{one}");
    assert_eq!(one["history"].as_array().unwrap().len(), 1);

    // Someone else's artefact does not exist for this principal.
    let other = id_of(&theirs);
    for (method, path) in [
        (Method::GET, format!("/v1/me/consents/{other}")),
        (Method::POST, format!("/v1/me/consents/{other}/withdraw")),
    ] {
        let (st, v) = as_principal(&s, method, &path, &token, Some(json!({}))).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v["code"], "consent_not_found");
    }
    assert_eq!(
        s.validate("someone-else-1", "marketing").await["valid"],
        true
    );

    // Withdrawal as easy as giving: one call, effective for the very next validation.
    assert_eq!(s.validate("9876501234", "marketing").await["valid"], true);
    let (st, w) = as_principal(
        &s,
        Method::POST,
        &format!("/v1/me/consents/{my_id}/withdraw"),
        &token,
        Some(json!({"purposes": ["marketing"]})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{w}");
    assert_eq!(purpose(&w, "marketing")["status"], "withdrawn");
    let v = s.validate("9876501234", "marketing").await;
    assert_eq!(v["valid"], false, "{v}");
    // The ledger says the principal did it.
    let e = audit_entries(&s, "consent.withdrawn").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["initiator"], "principal");
    let issued = audit_entries(&s, "principal.token_issued").await;
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0]["principal"], e[0]["principal"]);
    assert!(
        issued[0]["initiator"]
            .as_str()
            .unwrap()
            .starts_with("fiduciary:")
    );
}

#[tokio::test]
async fn tokens_expire_cannot_be_forged_and_are_not_api_keys() {
    let (s, _cat, _a, id) = start_with_consent("token-user-1", all_granted()).await;
    let (token, _) = token_for(&s, "token-user-1", Some(60)).await;
    let ok = as_principal(&s, Method::GET, "/v1/me/consents", &token, None).await;
    assert_eq!(ok.0, StatusCode::OK);

    // A changed byte, another deployment's token shape, an API key: all 401.
    let mut forged = token.clone().into_bytes();
    let i = 10;
    forged[i] = if forged[i] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    for bad in [forged.as_str(), "anp_AAAA.BBBB", s.key.as_str(), "anp_"] {
        let (st, v) = as_principal(&s, Method::GET, "/v1/me/consents", bad, None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{bad}: {v}");
        assert_eq!(v["code"], "unauthorized");
    }
    // A principal token opens no fiduciary route.
    for path in [
        "/v1/purposes",
        &format!("/v1/consents/{id}"),
        "/v1/audit/entries",
    ] {
        let (st, _) = as_principal(&s, Method::GET, path, &token, None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{path}");
    }
    // Expiry follows the server's clock.
    s.clock.advance(time::Duration::seconds(59));
    assert_eq!(
        as_principal(&s, Method::GET, "/v1/me/consents", &token, None)
            .await
            .0,
        StatusCode::OK
    );
    s.clock.advance(time::Duration::seconds(1));
    let (st, _) = as_principal(&s, Method::GET, "/v1/me/consents", &token, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn token_requests_are_checked() {
    let s = TestServer::start().await;
    for (body, code) in [
        (
            json!({"principal_id": "p", "ttl_seconds": 59}),
            "invalid_ttl",
        ),
        (
            json!({"principal_id": "p", "ttl_seconds": 3601}),
            "invalid_ttl",
        ),
        (json!({"principal_id": ""}), "invalid_principal_id"),
        (json!({"ttl_seconds": 600}), "invalid_body"),
    ] {
        let (st, v) = s.post("/v1/principal-tokens", body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], code, "{v}");
    }
    assert!(audit_entries(&s, "principal.token_issued").await.is_empty());
    // Another fiduciary's principal with the same id is another person.
    let (fid_b, key_b) = s.create_fiduciary("B").await;
    let _ = fid_b;
    let cat = s.seed().await;
    collect_ok(&s, &cat, "shared-id-1", all_granted()).await;
    let (st, v) = s
        .send(
            Method::POST,
            "/v1/principal-tokens",
            Some(&key_b),
            Some(json!({"principal_id": "shared-id-1"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, list) = as_principal(
        &s,
        Method::GET,
        "/v1/me/consents",
        v["token"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
}
