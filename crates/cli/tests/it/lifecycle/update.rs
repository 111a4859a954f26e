//! Update: only the purposes named change; a grant needs the principal's own action.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use time::Duration;

#[tokio::test]
async fn update_changes_only_the_named_purposes() {
    let (s, _, a, id) = start_with_consent(
        "p-upd",
        decisions("granted", "denied", "granted", "granted"),
    )
    .await;
    let path = format!("/v1/consents/{id}/update");

    s.advance_days(1);
    let now = T0 + Duration::days(1);
    let (st, b) = s
        .post(
            &path,
            evidence(json!({"decisions": {"marketing": "granted"}})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["id"], id.as_str());
    assert_eq!(b["version"], 2);
    assert_eq!(b["previous_version"], 1);
    assert_eq!(b["event"], "updated");
    assert_eq!(ts(&b["created_at"]), now);
    assert_eq!(ts(&b["collected_at"]), T0);
    let m = purpose(&b, "marketing");
    assert_eq!(m["decision"], "granted");
    assert_eq!(m["status"], "active");
    assert_eq!(ts(&m["granted_at"]), now);
    assert_eq!(ts(&m["expires_at"]), now + Duration::days(30));
    for code in ["account", "analytics", "tax_records"] {
        assert_eq!(
            purpose(&b, code),
            purpose(&a, code),
            "{code} must be untouched"
        );
    }
    let v = s.validate("p-upd", "marketing").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["version"], 2);

    // The same decision again is not a change.
    let (st, v) = s
        .post(&path, json!({"decisions": {"marketing": "granted"}}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "no_change");
    let (st, v) = s
        .post(
            &path,
            json!({"decisions": {"marketing": "granted", "account": "granted"}}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "no_change");
    assert_eq!(s.consent(&id).await["version"], 2);

    // Deny an optional purpose.
    let (st, c) = s
        .post(&path, json!({"decisions": {"analytics": "denied"}}))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["version"], 3);
    assert_eq!(c["previous_version"], 2);
    let an = purpose(&c, "analytics");
    assert_eq!(an["decision"], "denied");
    assert_eq!(an["status"], "denied");
    assert!(an["expires_at"].is_null());
    assert_eq!(s.validate("p-upd", "analytics").await["reason"], "denied");

    // Purposes are decided independently: declining the mandatory purpose alone is accepted
    // and leaves the optional ones as they were.
    let (st, d) = s
        .post(&path, json!({"decisions": {"account": "denied"}}))
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    assert_eq!(d["version"], 4);
    assert_eq!(purpose(&d, "account")["status"], "denied");
    assert_eq!(purpose(&d, "tax_records")["status"], "active");
    assert_eq!(s.validate("p-upd", "account").await["reason"], "denied");
    assert_eq!(s.validate("p-upd", "tax_records").await["valid"], true);

    // Granting it back needs the principal's own action, shown by the evidence; it restarts
    // the validity period.
    s.advance_days(1);
    let (st, v) = s
        .post(&path, json!({"decisions": {"account": "granted"}}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "principal_action_required");
    assert_eq!(s.consent(&id).await["version"], 4);
    let (st, e) = s
        .post(
            &path,
            evidence(json!({"decisions": {"account": "granted"}})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let acc = purpose(&e, "account");
    assert_eq!(acc["status"], "active");
    assert_eq!(
        ts(&acc["expires_at"]),
        T0 + Duration::days(2) + Duration::days(365)
    );
    assert_eq!(purpose(&e, "marketing")["status"], "active");
    // The version records this action's facts, not the collection's.
    assert_eq!(e["method"], "app");
    assert_eq!(e["session_id"], "******");
    assert_ne!(e["initiator"], "principal");

    let h = s.consent(&id).await["history"].as_array().unwrap().clone();
    assert_eq!(h.len(), 5);
    assert_eq!(h[0], a);
    assert_eq!(h[1], b);
    assert_eq!(
        s.audit_entries("consent.updated").await.len(),
        1 + 1 + 1 + 1
    );
}

#[tokio::test]
async fn update_regrants_a_withdrawn_or_expired_purpose() {
    let (s, _, _, id) = start_with_consent("p-regrant", all_granted()).await;
    let (st, _) = s
        .act(&id, "withdraw", json!({"purposes": ["analytics"]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    s.advance_days(31);
    assert_eq!(
        s.validate("p-regrant", "marketing").await["reason"],
        "expired"
    );
    let (st, b) = s
        .act(
            &id,
            "update",
            evidence(json!({"decisions": {"analytics": "granted", "marketing": "granted"}})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let now = T0 + Duration::days(31);
    for (code, days) in [("analytics", 90), ("marketing", 30)] {
        let p = purpose(&b, code);
        assert_eq!(p["status"], "active");
        assert_eq!(ts(&p["granted_at"]), now);
        assert_eq!(ts(&p["expires_at"]), now + Duration::days(days));
        assert!(p["withdrawn_at"].is_null());
    }
    assert_eq!(s.validate("p-regrant", "analytics").await["valid"], true);
    assert_eq!(s.validate("p-regrant", "marketing").await["valid"], true);
}
