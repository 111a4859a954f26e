//! Renewal: from now, of what was granted and is still held; every new version on the trail.

use super::set;
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use time::Duration;

#[tokio::test]
async fn renewal_extends_expired_and_expiring_purposes_from_now() {
    let (s, _, _, id) = start_with_consent(
        "p-renew",
        decisions("granted", "granted", "denied", "granted"),
    )
    .await;
    let path = format!("/v1/consents/{id}/renew");

    // Marketing has expired (job run), the others are still active.
    s.advance_days(31);
    assert_eq!(s.run_expiry().await, 1);
    assert_eq!(
        s.validate("p-renew", "marketing").await["reason"],
        "expired"
    );
    let now = T0 + Duration::days(31);
    let (st, v) = s.post(&path, json!({"purposes": ["marketing"]})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "principal_action_required");
    let (st, b) = s
        .post(&path, evidence(json!({"purposes": ["marketing"]})))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["version"], 3);
    assert_eq!(b["previous_version"], 2);
    assert_eq!(b["event"], "renewed");
    let m = purpose(&b, "marketing");
    assert_eq!(m["status"], "active");
    assert_eq!(ts(&m["expires_at"]), now + Duration::days(30));
    assert_eq!(ts(&m["granted_at"]), T0);
    assert_eq!(
        ts(&purpose(&b, "account")["expires_at"]),
        T0 + Duration::days(365),
        "not named, not renewed"
    );
    let v = s.validate("p-renew", "marketing").await;
    assert_eq!(v["valid"], true);
    assert_eq!(ts(&v["expires_at"]), now + Duration::days(30));

    // Expiring soon, not yet expired (account, 10 days left): renewing without naming purposes
    // renews every granted purpose from now.
    s.clock.set(T0 + Duration::days(355));
    let now = T0 + Duration::days(355);
    let (st, c) = s.post(&path, evidence(json!({}))).await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["version"], 4);
    for (code, days) in [("account", 365), ("marketing", 30), ("tax_records", 365)] {
        let p = purpose(&c, code);
        assert_eq!(p["status"], "active", "{code}");
        assert_eq!(ts(&p["expires_at"]), now + Duration::days(days), "{code}");
    }
    assert_eq!(purpose(&c, "analytics")["status"], "denied");
    assert!(purpose(&c, "analytics")["expires_at"].is_null());
    s.clock.set(T0 + Duration::days(366));
    assert_eq!(s.validate("p-renew", "account").await["valid"], true);

    // Renewal is on the audit trail for the renewed purposes only.
    let entries = s.audit_entries("consent.renewed").await;
    assert_eq!(entries.len(), 1 + 3);
    assert_eq!(entries[0]["purpose"], "marketing");
}

#[tokio::test]
async fn renewal_refuses_what_was_never_granted_or_was_withdrawn() {
    let (s, cat, _, id) = start_with_consent(
        "p-norenew",
        decisions("granted", "denied", "granted", "granted"),
    )
    .await;
    let path = format!("/v1/consents/{id}/renew");
    let (st, _) = s
        .act(&id, "withdraw", json!({"purposes": ["analytics"]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let rejected = s.audit_entries("consent.rejected").await.len();

    for named in [
        json!(["marketing"]),
        json!(["analytics"]),
        json!(["account", "marketing"]),
    ] {
        let (st, v) = s.post(&path, json!({"purposes": named})).await;
        assert_eq!(st, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["code"], "not_renewable");
    }
    let (st, v) = s.post(&path, json!({"purposes": []})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "empty_purposes");
    let (st, v) = s.post(&path, json!({"purposes": ["profiling"]})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "unknown_purpose");
    assert_eq!(s.consent(&id).await["version"], 2);
    assert_eq!(
        s.audit_entries("consent.rejected").await.len(),
        rejected + 1 + 1 + 2
    );

    // Nothing renewable at all.
    let b = s
        .collect_ok(
            &cat,
            "p-norenew-2",
            decisions("denied", "denied", "denied", "denied"),
        )
        .await;
    let (st, v) = s
        .post(&format!("/v1/consents/{}/renew", id_of(&b)), json!({}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "not_renewable");
    assert_eq!(s.consent(&id_of(&b)).await["version"], 1);
}

#[tokio::test]
async fn every_new_version_is_on_the_audit_trail_even_within_one_instant() {
    // The clock does not move: every change below happens at the instant of collection.
    let (s, _, a, id) = start_with_consent("p-instant", all_granted()).await;
    let (st, b) = s.act(&id, "renew", evidence(json!({}))).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, c) = s
        .act(&id, "renew", evidence(json!({"purposes": ["marketing"]})))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    let (st, d) = s
        .act(&id, "withdraw", json!({"purposes": ["analytics"]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    let (st, e) = s.act(&id, "withdraw", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    for v in [&a, &b, &c, &d, &e] {
        assert!(
            v["audit_log_id"].is_u64(),
            "version without audit entry: {v}"
        );
    }
    let renewed = s.audit_entries("consent.renewed").await;
    let purposes_of = |entries: &[Value], version: u64| {
        entries
            .iter()
            .filter(|e| e["version"] == version)
            .map(|e| e["purpose"].as_str().unwrap().to_string())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        purposes_of(&renewed, 2),
        set(&["account", "analytics", "marketing", "tax_records"])
    );
    assert_eq!(purposes_of(&renewed, 3), set(&["marketing"]));
    let withdrawn = s.audit_entries("consent.withdrawn").await;
    assert_eq!(purposes_of(&withdrawn, 4), set(&["analytics"]));
    // The second withdrawal records only what it withdrew, not analytics again.
    assert_eq!(
        purposes_of(&withdrawn, 5),
        set(&["account", "marketing", "tax_records"])
    );
    assert_eq!(
        withdrawn.iter().find(|e| e["version"] == 5).unwrap()["index"],
        e["audit_log_id"]
    );
}
