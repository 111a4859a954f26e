//! Validation: every reason a purpose may or may not be processed, each on the audit trail.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use time::Duration;

#[tokio::test]
async fn validation_answers_every_reason() {
    let (s, _, _, id) = start_with_consent(
        "p-val",
        decisions("granted", "denied", "granted", "granted"),
    )
    .await;

    let v = s.validate("p-val", "account").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["reason"], "active");
    assert_eq!(v["consent_id"], id.as_str());
    assert_eq!(v["version"], 1);
    assert_eq!(ts(&v["expires_at"]), T0 + Duration::days(365));
    assert!(v["audit_log_id"].is_u64());

    // Never asked: not_found, with no artefact.
    let v = s.validate("p-stranger", "account").await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "not_found");
    assert!(v["consent_id"].is_null());
    assert!(v["expires_at"].is_null());

    let v = s.validate("p-val", "marketing").await;
    assert_eq!(
        (v["valid"].clone(), v["reason"].clone()),
        (json!(false), json!("denied"))
    );
    assert!(v["expires_at"].is_null());

    // Scope: data items must be covered by the purpose.
    let v = s.validate_items("p-val", "account", json!(["name"])).await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["reason"], "active");
    let v = s
        .validate_items("p-val", "account", json!(["name", "mobile"]))
        .await;
    assert_eq!(v["valid"], true);
    let v = s
        .validate_items("p-val", "account", json!(["name", "pan"]))
        .await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "scope_exceeded");
    let v = s
        .validate_items("p-val", "analytics", json!(["email"]))
        .await;
    assert_eq!(v["reason"], "scope_exceeded");
    let v = s
        .validate_items("p-val", "account", json!(["no-such-item"]))
        .await;
    assert_eq!(v["reason"], "scope_exceeded");

    // Unknown purpose: an error, not a "no".
    let (st, v) = s
        .post(
            "/v1/consents/validate",
            json!({"principal_id": "p-val", "purpose": "profiling"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "unknown_purpose");

    // Withdrawn, and legal exception for a purpose the law requires.
    let (st, w) = s
        .act(
            &id,
            "withdraw",
            json!({"purposes": ["analytics", "tax_records"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{w}");
    let v = s.validate("p-val", "analytics").await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "withdrawn");
    assert_eq!(v["version"], 2);
    let v = s.validate("p-val", "tax_records").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["reason"], "legal_exception");
    // Even under a legal exception, the scope still applies.
    let v = s
        .validate_items("p-val", "tax_records", json!(["email"]))
        .await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "scope_exceeded");

    // Every validation is on the audit trail with its answer.
    let entries = s.audit_entries("consent.validated").await;
    assert_eq!(
        entries.len(),
        12,
        "every validation is recorded, one for a purpose never defined too"
    );
    assert!(entries.iter().any(|e| e["purpose"] == "profiling"
        && e["outcome"] == "unknown_purpose"
        && e["status"].is_null()));
    let outcomes: Vec<&str> = entries
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes[0], "active");
    assert_eq!(outcomes[1], "not_found");
    assert_eq!(outcomes[2], "denied");
    assert!(outcomes.contains(&"scope_exceeded"));
    assert!(outcomes.contains(&"withdrawn"));
    assert!(outcomes.contains(&"legal_exception"));
}
