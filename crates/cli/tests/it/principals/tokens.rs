//! Tokens expire, cannot be forged and are not API keys; token requests are checked.

use super::token_for;
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn tokens_expire_cannot_be_forged_and_are_not_api_keys() {
    let (s, _cat, _a, id) = start_with_consent("token-user-1", all_granted()).await;
    let (me, _) = token_for(&s, "token-user-1", Some(60)).await;
    let ok = me.consents().await;
    assert_eq!(ok.0, StatusCode::OK);

    // A changed byte, another deployment's token shape, an API key: all 401.
    let mut forged = me.token.clone().into_bytes();
    let i = 10;
    forged[i] = if forged[i] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    for bad in [forged.as_str(), "anp_AAAA.BBBB", s.key.as_str(), "anp_"] {
        let (st, v) = s.principal(bad).consents().await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{bad}: {v}");
        assert_eq!(v["code"], "unauthorized");
    }
    // A principal token opens no fiduciary route.
    for path in [
        "/v1/purposes",
        &format!("/v1/consents/{id}"),
        "/v1/audit/entries",
    ] {
        let (st, _) = me.get(path).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{path}");
    }
    // Expiry follows the server's clock.
    s.clock.advance(time::Duration::seconds(59));
    assert_eq!(me.consents().await.0, StatusCode::OK);
    s.clock.advance(time::Duration::seconds(1));
    let (st, _) = me.consents().await;
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
    assert!(s.audit_entries("principal.token_issued").await.is_empty());
    // Another fiduciary's principal with the same id is another person.
    let (_, key_b) = s.create_fiduciary("B").await;
    let cat = s.seed().await;
    s.collect_ok(&cat, "shared-id-1", all_granted()).await;
    let (theirs, _) = s.api_as(&key_b).principal_token("shared-id-1", None).await;
    let (st, list) = theirs.consents().await;
    assert_eq!(st, StatusCode::OK);
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
}
