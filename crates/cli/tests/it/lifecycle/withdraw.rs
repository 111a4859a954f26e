//! Withdrawal: per purpose, immediate, with legal exceptions reported; and one truth per
//! principal and purpose: a withdrawal stands until the principal grants again.

use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

#[tokio::test]
async fn withdrawal_is_per_purpose_immediate_and_reports_legal_exceptions() {
    let (s, _, a, id) = start_with_consent("p-wd", all_granted()).await;
    let path = format!("/v1/consents/{id}/withdraw");
    assert_eq!(s.validate("p-wd", "marketing").await["valid"], true);

    s.clock.advance(Duration::hours(5));
    let now = T0 + Duration::hours(5);
    let (st, b) = s.post(&path, json!({"purposes": ["marketing"]})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["version"], 2);
    assert_eq!(b["previous_version"], 1);
    assert_eq!(b["event"], "withdrawn");
    assert_eq!(b["legal_exceptions"], json!([]));
    let m = purpose(&b, "marketing");
    assert_eq!(m["status"], "withdrawn");
    assert_eq!(ts(&m["withdrawn_at"]), now);
    for code in ["account", "analytics", "tax_records"] {
        assert_eq!(purpose(&b, code), purpose(&a, code), "{code} untouched");
    }
    // Immediate: the very next validation says no.
    let v = s.validate("p-wd", "marketing").await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "withdrawn");
    assert_eq!(s.validate("p-wd", "account").await["valid"], true);

    // Repeating a withdrawal that already took effect answers with the current version and
    // writes nothing (no second withdrawal, no refusal).
    let before = s.audit_entries("consent.rejected").await.len();
    let ledger = s.get("/v1/audit/entries?limit=1000").await.1["items"]
        .as_array()
        .unwrap()
        .len();
    let (st, v) = s.post(&path, json!({"purposes": ["marketing"]})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(ts(&purpose(&v, "marketing")["withdrawn_at"]), now);
    assert_eq!(s.consent(&id).await["version"], 2);
    assert_eq!(
        s.get("/v1/audit/entries?limit=1000").await.1["items"]
            .as_array()
            .unwrap()
            .len(),
        ledger,
        "a repeated withdrawal writes nothing"
    );
    // Naming a purpose already withdrawn with an active one withdraws the active one.
    let (st, v) = s
        .post(&path, json!({"purposes": ["analytics", "marketing"]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 3);
    assert_eq!(purpose(&v, "analytics")["status"], "withdrawn");
    assert_eq!(ts(&purpose(&v, "marketing")["withdrawn_at"]), now);
    assert_eq!(s.validate("p-wd", "analytics").await["valid"], false);

    // Everything else, with no body: tax records may continue by law.
    let (st, c) = s.call(Method::POST, &path, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(c["version"], 4);
    assert_eq!(c["legal_exceptions"], json!(["tax_records"]));
    for p in c["purposes"].as_array().unwrap() {
        assert_eq!(p["status"], "withdrawn", "{p}");
    }
    // marketing keeps its first withdrawal time.
    assert_eq!(ts(&purpose(&c, "marketing")["withdrawn_at"]), now);
    for code in ["account", "analytics"] {
        let v = s.validate("p-wd", code).await;
        assert_eq!(
            (v["valid"].clone(), v["reason"].clone()),
            (json!(false), json!("withdrawn"))
        );
    }
    let v = s.validate("p-wd", "tax_records").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["reason"], "legal_exception");
    let w = s.audit_entries("consent.withdrawn").await;
    assert_eq!(w.len(), 4);
    let tax = w.iter().find(|e| e["purpose"] == "tax_records").unwrap();
    assert_eq!(tax["outcome"], "legal_exception");

    // Withdrawing everything again: already in effect, the current version.
    let (st, v) = s.post(&path, json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 4);
    assert_eq!(v["legal_exceptions"], json!(["tax_records"]));
    assert_eq!(s.audit_entries("consent.rejected").await.len(), before);
    assert_eq!(s.audit_entries("consent.withdrawn").await.len(), 4);
    assert_eq!(s.consent(&id).await["version"], 4);
}

#[tokio::test]
async fn withdrawing_denied_or_expired_purposes_is_refused() {
    let (s, _, a, _) =
        start_with_consent("p-wd2", decisions("granted", "granted", "denied", "denied")).await;
    let path = format!("/v1/consents/{}/withdraw", id_of(&a));
    let (st, v) = s.post(&path, json!({"purposes": ["analytics"]})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "not_active");
    assert!(v["detail"].as_str().unwrap().contains("denied"));
    // Expired (the job has not run): still not active.
    s.advance_days(30);
    let (st, v) = s.post(&path, json!({"purposes": ["marketing"]})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "not_active");
    assert!(v["detail"].as_str().unwrap().contains("expired"));
    let (st, v) = s.post(&path, json!({"purposes": ["profiling"]})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "unknown_purpose");
    let (st, v) = s.post(&path, json!({"purposes": []})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "empty_purposes");
    assert_eq!(s.consent(&id_of(&a)).await["version"], 1);
    // Withdrawing all withdraws only what is active (account), materialising marketing's expiry.
    let (st, b) = s.post(&path, json!({})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(purpose(&b, "account")["status"], "withdrawn");
    assert_eq!(purpose(&b, "marketing")["status"], "expired");
    assert!(purpose(&b, "marketing")["withdrawn_at"].is_null());
    assert_eq!(purpose(&b, "analytics")["status"], "denied");
}

// ---------- one truth per principal and purpose ----------

/// The reported bug, step by step: two artefacts hold `marketing`; the principal withdraws it
/// in the newer one; nothing the fiduciary or the system does to the older artefact may make
/// it valid again. Only a new grant by the principal does.
#[tokio::test]
async fn a_withdrawal_stands_until_the_principal_grants_again() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let older = id_of(&s.collect_ok(&cat, "p-twice", all_granted()).await);
    s.advance_days(1);
    let newer = id_of(&s.collect_ok(&cat, "p-twice", all_granted()).await);
    assert_ne!(older, newer, "a second collection is a new artefact");
    s.act_ok(&newer, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    let withdrawn = |v: &Value| v["valid"] == false && v["reason"] == "withdrawn";
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));

    // The second collection decided every purpose of the notice again, so the older artefact
    // holds no decision in force: renewing any of its purposes is refused, and says why.
    for body in [
        json!({"purposes": ["account"]}),
        json!({"purposes": ["marketing"]}),
    ] {
        let (st, v) = s.act(&older, "renew", evidence(body)).await;
        assert_eq!(st, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["code"], "superseded");
    }
    let (st, v) = s.act(&older, "renew", evidence(json!({}))).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "not_renewable");
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    // Decisions in the older artefact on other purposes take effect for those purposes only.
    s.act_ok(
        &older,
        "update",
        json!({"decisions": {"analytics": "denied"}}),
    )
    .await;
    assert_eq!(s.validate("p-twice", "analytics").await["reason"], "denied");
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    let granted = evidence(json!({"decisions": {"analytics": "granted"}}));
    s.act_ok(&older, "update", granted).await;
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    // The reported case: a renewal of another purpose of the older artefact (analytics, whose
    // decision in force now lives there) leaves marketing withdrawn.
    s.advance_days(1);
    let v = s.act_ok(&older, "renew", evidence(json!({}))).await;
    assert_eq!(v["event"], "renewed");
    assert_eq!(s.validate("p-twice", "analytics").await["valid"], true);
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    // The expiry job writing a version of the older artefact.
    s.advance_days(45);
    assert!(s.run_expiry().await >= 1);
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    // A restart.
    let s = s.restart().await;
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    // A third collection that declines it: denied, still not valid.
    let third = s
        .collect_ok(
            &cat,
            "p-twice",
            decisions("granted", "denied", "granted", "granted"),
        )
        .await;
    let v = s.validate("p-twice", "marketing").await;
    assert_eq!(
        (v["valid"].clone(), v["reason"].clone()),
        (json!(false), json!("denied"))
    );
    assert_eq!(v["consent_id"], third["id"]);

    // Only a new grant by the principal makes it valid again: here re-granted in the older
    // artefact, with evidence of the principal's action.
    let grant = json!({"decisions": {"marketing": "granted"}});
    let (st, v) = s.act(&older, "update", grant.clone()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "principal_action_required");
    assert_eq!(s.validate("p-twice", "marketing").await["reason"], "denied");
    s.act_ok(&older, "update", evidence(grant)).await;
    let v = s.validate("p-twice", "marketing").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["consent_id"], older.as_str());
    // And withdrawing it in the newer artefact (where it stands withdrawn already) changes
    // nothing: the newest decision, the grant, stands.
    s.act_ok(&newer, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    assert_eq!(s.validate("p-twice", "marketing").await["valid"], true);
}
