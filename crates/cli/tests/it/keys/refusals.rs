//! A refused request changes nothing.

use super::assert_problem;
use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_refused_request_changes_nothing() {
    let (s, cat, _, cid) = start_with_consent("P-1", all_granted()).await;
    let (_, validate_only) = s.new_key("validator", &["consent.validate"]).await;
    let (_, collect_only) = s.new_key("collector", &["consent.collect"]).await;
    let (_, read_only) = s.new_key("reader", &["consent.read", "catalog.read"]).await;

    // The allowed request of each key does change the ledger (so the counts below can move).
    let size0 = ledger_size(&s).await;
    let (st, v) = s
        .api_as(&validate_only)
        .call(
            Method::POST,
            "/v1/consents/validate",
            Some(json!({"principal_id": "P-1", "purpose": "account"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(ledger_size(&s).await, size0 + 1);

    let before_size = ledger_size(&s).await;
    let before_consents = s.principal_items("P-1", "").await;
    let before_artefact = s.consent(&cid).await;
    let before_validations = s.audit_entries("consent.validated").await.len();

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
        let (st, v) = s.api_as(key).call(Method::POST, &path, Some(body)).await;
        assert_problem(st, &v, StatusCode::FORBIDDEN, "forbidden", &path);
    }

    assert_eq!(
        ledger_size(&s).await,
        before_size,
        "a refusal wrote to the ledger"
    );
    assert_eq!(s.principal_items("P-1", "").await, before_consents);
    assert_eq!(s.consent(&cid).await, before_artefact);
    assert_eq!(
        s.audit_entries("consent.validated").await.len(),
        before_validations
    );
    // The principal's data was neither erased nor disclosed: it still validates.
    assert_eq!(s.validate("P-1", "account").await["valid"], true);
    let (st, v) = s.get("/v1/data-items/sneaky").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert!(s.list_keys().await.iter().all(|k| k["name"] != "sneaky"));
}
