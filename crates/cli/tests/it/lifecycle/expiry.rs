//! Expiry: in effect at its instant, recorded once by the job; denied purposes never expire.

use crate::harness::*;
use anumodan_core::clock::Clock;
use serde_json::json;
use time::Duration;

#[tokio::test]
async fn expiry_takes_effect_at_the_instant_before_the_job_runs() {
    let (s, _, a, id) = start_with_consent("p-exp", all_granted()).await;

    // One millisecond before the 30 days of marketing: still valid.
    s.clock
        .advance(Duration::days(30) - Duration::milliseconds(1));
    let v = s.validate("p-exp", "marketing").await;
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(s.run_expiry().await, 0);

    // At the exact expiry instant: invalid, although no expired version has been written yet.
    s.clock.advance(Duration::milliseconds(1));
    assert_eq!(s.clock.now(), T0 + Duration::days(30));
    let v = s.validate("p-exp", "marketing").await;
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(v["reason"], "expired");
    assert_eq!(v["version"], 1);
    assert_eq!(ts(&v["expires_at"]), T0 + Duration::days(30));
    let got = s.consent(&id).await;
    assert_eq!(got["version"], 1);
    assert_eq!(purpose(&got, "marketing")["status"], "expired");
    assert_eq!(purpose(&got, "account")["status"], "active");
    assert_eq!(got["history"].as_array().unwrap().len(), 1);
    assert_eq!(
        s.principal_items("p-exp", "?status=expired&purpose=marketing")
            .await
            .len(),
        1
    );

    // The job records it as an event, once.
    assert_eq!(s.run_expiry().await, 1);
    let got = s.consent(&id).await;
    assert_eq!(got["version"], 2);
    assert_eq!(got["previous_version"], 1);
    assert_eq!(got["event"], "expired");
    assert_eq!(got["initiator"], "system");
    let h = got["history"].as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1]["event"], "expired");
    assert_eq!(purpose(&h[1], "marketing")["status"], "expired");
    assert_eq!(purpose(&h[1], "account")["status"], "active");
    assert_eq!(h[0], a);
    let entries = s.audit_entries("consent.expired").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["purpose"], "marketing");
    assert_eq!(entries[0]["version"], 2);

    assert_eq!(s.run_expiry().await, 0);
    assert_eq!(s.consent(&id).await["history"].as_array().unwrap().len(), 2);
    assert_eq!(s.audit_entries("consent.expired").await.len(), 1);
    let v = s.validate("p-exp", "marketing").await;
    assert_eq!(v["reason"], "expired");
    assert_eq!(v["version"], 2);

    // A year on: account expires (no consent, no processing), tax records continue by law.
    s.clock.set(T0 + Duration::days(365));
    let v = s.validate("p-exp", "account").await;
    assert_eq!(
        (v["valid"].clone(), v["reason"].clone()),
        (json!(false), json!("expired"))
    );
    let v = s.validate("p-exp", "tax_records").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["reason"], "legal_exception");
    assert_eq!(s.run_expiry().await, 1);
    assert_eq!(s.run_expiry().await, 0);
    let got = s.consent(&id).await;
    assert_eq!(got["version"], 3);
    for p in got["purposes"].as_array().unwrap() {
        assert_eq!(p["status"], "expired", "{p}");
    }
    let v = s.validate("p-exp", "tax_records").await;
    assert_eq!(v["reason"], "legal_exception");
    assert_eq!(v["version"], 3);
}

#[tokio::test]
async fn denied_purposes_never_expire_and_expiry_job_ignores_them() {
    let (s, _, a, _) = start_with_consent(
        "p-deny-exp",
        decisions("denied", "denied", "denied", "denied"),
    )
    .await;
    s.advance_days(4000);
    assert_eq!(s.run_expiry().await, 0);
    let got = s.consent(&id_of(&a)).await;
    assert_eq!(got["version"], 1);
    assert_eq!(
        s.validate("p-deny-exp", "marketing").await["reason"],
        "denied"
    );
}
