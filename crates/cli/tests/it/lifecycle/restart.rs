//! Everything survives a restart, and the state is live after it.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn everything_survives_a_restart() {
    let (s, cat, a, id) = start_with_consent(
        "p-restart",
        decisions("granted", "granted", "denied", "granted"),
    )
    .await;
    s.advance_days(1);
    let (st, _) = s
        .act(&id, "withdraw", json!({"purposes": ["tax_records"]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let val_before = s.validate("p-restart", "marketing").await;
    assert_eq!(val_before["valid"], true);

    let mut snapshot = Vec::new();
    for path in [
        "/v1/data-items".to_string(),
        "/v1/purposes".to_string(),
        "/v1/notices".to_string(),
        format!("/v1/notices/{}/versions", cat.notice_id),
        format!("/v1/consents/{id}"),
        "/v1/principals/p-restart/consents".to_string(),
        "/v1/audit/entries?limit=1000".to_string(),
    ] {
        let (st, v) = s.get(&path).await;
        assert_eq!(st, StatusCode::OK, "{path}");
        snapshot.push((path, v));
    }

    let s = s.restart().await;
    for (path, before) in &snapshot {
        let (st, v) = s.get(path).await;
        assert_eq!(st, StatusCode::OK, "{path}");
        assert_eq!(&v, before, "{path} changed across the restart");
    }
    let validations = s.audit_entries("consent.validated").await;
    assert_eq!(validations.len(), 1);
    assert_eq!(validations[0]["index"], val_before["audit_log_id"]);

    // The state is live, not just readable. The answer names the version that recorded the
    // decision in force (the collection): withdrawing tax_records in version 2 did not touch
    // marketing.
    let v = s.validate("p-restart", "marketing").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["version"], 1);
    assert_eq!(
        s.validate("p-restart", "tax_records").await["reason"],
        "legal_exception"
    );
    assert_eq!(
        s.validate("p-restart", "analytics").await["reason"],
        "denied"
    );
    let (st, c) = s
        .act(
            &id,
            "update",
            evidence(json!({"decisions": {"analytics": "granted"}})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["version"], 3);
    s.advance_days(30);
    assert_eq!(s.run_expiry().await, 1);
    assert_eq!(
        s.validate("p-restart", "marketing").await["reason"],
        "expired"
    );
    // Duplicates are still duplicates.
    let (st, _) = s
        .post(
            "/v1/data-items",
            json!({"code": "pan", "name": {"en": "PAN"}, "category": "id"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);

    let s = s.restart().await;
    let got = s.consent(&id).await;
    assert_eq!(got["version"], 4);
    assert_eq!(got["event"], "expired");
    assert_eq!(got["history"][0], a);
    assert_eq!(
        s.validate("p-restart", "marketing").await["reason"],
        "expired"
    );
    assert_eq!(s.run_expiry().await, 0);
}
