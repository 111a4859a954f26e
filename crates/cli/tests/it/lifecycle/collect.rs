//! Collection: granular, explicit, never granted by default, with a guardian where needed.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

#[tokio::test]
async fn collection_is_granular_explicit_and_never_granted_by_default() {
    let (s, cat, a, _) = start_with_consent(
        "p-gran",
        decisions("granted", "denied", "granted", "denied"),
    )
    .await;
    for (code, decision, status) in [
        ("account", "granted", "active"),
        ("marketing", "denied", "denied"),
        ("analytics", "granted", "active"),
        ("tax_records", "denied", "denied"),
    ] {
        let p = purpose(&a, code);
        assert_eq!(p["decision"], decision, "{code}");
        assert_eq!(p["status"], status, "{code}");
    }
    let m = purpose(&a, "marketing");
    assert!(m["granted_at"].is_null());
    assert!(m["expires_at"].is_null());
    assert!(m["withdrawn_at"].is_null());

    assert_eq!(s.validate("p-gran", "account").await["valid"], true);
    assert_eq!(s.validate("p-gran", "analytics").await["valid"], true);
    let v = s.validate("p-gran", "marketing").await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "denied");
    let v = s.validate("p-gran", "tax_records").await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "denied");

    // Every purpose needs an explicit decision: a missing one is not a default grant or denial.
    let (st, v) = s
        .collect(
            &cat,
            "p-missing",
            json!({"account": "granted", "marketing": "denied", "analytics": "granted"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "missing_decision");
    assert!(v["detail"].as_str().unwrap().contains("tax_records"));
    let (st, v) = s.collect(&cat, "p-missing", json!({})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "missing_decision");
    // A decision on a purpose the notice does not have.
    let mut d = all_granted();
    d["profiling"] = json!("granted");
    let (st, v) = s.collect(&cat, "p-missing", d).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "unknown_purpose");
    // Only "granted" and "denied" are decisions.
    let mut d = all_granted();
    d["marketing"] = json!("yes");
    let (st, v) = s.collect(&cat, "p-missing", d).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "invalid_body");
    // None of these left anything behind.
    assert!(s.principal_items("p-missing", "").await.is_empty());
    assert_eq!(
        s.validate("p-missing", "account").await["reason"],
        "not_found"
    );
}

#[tokio::test]
async fn purposes_are_decided_independently_mandatory_included() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    // Declining the mandatory purpose while granting an optional one is the principal's choice
    // (BRD 4.1.1): it is recorded as given, and the fiduciary decides whether it can serve.
    let a = s
        .collect_ok(
            &cat,
            "p-indep",
            decisions("denied", "granted", "denied", "denied"),
        )
        .await;
    assert_eq!(purpose(&a, "account")["status"], "denied");
    assert_eq!(purpose(&a, "marketing")["status"], "active");
    assert_eq!(s.validate("p-indep", "account").await["reason"], "denied");
    assert_eq!(s.validate("p-indep", "marketing").await["valid"], true);

    // Declining everything is a valid choice, and is recorded.
    let none = s
        .collect_ok(
            &cat,
            "p-none",
            decisions("denied", "denied", "denied", "denied"),
        )
        .await;
    for code in ["account", "marketing", "analytics", "tax_records"] {
        let v = s.validate("p-none", code).await;
        assert_eq!(v["valid"], false);
        assert_eq!(v["reason"], "denied");
        assert_eq!(v["consent_id"], none["id"]);
    }

    // Withdrawing the mandatory purpose never blocks acting on the optional ones.
    let b = s.collect_ok(&cat, "p-indep-2", all_granted()).await;
    let id = id_of(&b);
    s.act_ok(&id, "withdraw", json!({"purposes": ["account"]}))
        .await;
    s.advance_days(1);
    s.act_ok(&id, "renew", evidence(json!({"purposes": ["marketing"]})))
        .await;
    let denied = json!({"decisions": {"analytics": "denied"}});
    s.act_ok(&id, "update", denied).await;
    let v = s
        .act_ok(&id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    assert_eq!(purpose(&v, "account")["status"], "withdrawn");
    assert_eq!(purpose(&v, "analytics")["status"], "denied");
    assert_eq!(purpose(&v, "marketing")["status"], "withdrawn");
    assert_eq!(purpose(&v, "tax_records")["status"], "active");
}

#[tokio::test]
async fn guardian_is_required_when_the_principal_needs_one() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let body = |guardian: Option<Value>| {
        let mut b = json!({"principal_id": "child-1", "notice_id": cat.notice_id, "notice_version": 1,
                           "language": "en", "decisions": all_granted(), "method": "web",
                           "requires_guardian": true});
        if let Some(g) = guardian {
            b["guardian"] = g;
        }
        b
    };
    let (st, v) = s.post("/v1/consents", body(None)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "guardian_required");
    assert!(s.principal_items("child-1", "").await.is_empty());

    // The guardian must have been verified to be an adult.
    let unverified = json!({"principal_id": "parent-1", "relationship": "parent",
                            "verification_method": "digilocker", "verification_ref": "dl-123"});
    let (st, v) = s.post("/v1/consents", body(Some(unverified))).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "guardian_adult_required");
    assert!(s.principal_items("child-1", "").await.is_empty());

    let guardian = json!({"principal_id": "parent-1", "relationship": "parent",
                          "verification_method": "digilocker", "verification_ref": "dl-123",
                          "adult": true});
    let (st, a) = s.post("/v1/consents", body(Some(guardian.clone()))).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    // The guardian's identifiers are masked in answers.
    let masked = json!({"principal_id": "******nt-1", "relationship": "parent",
                        "verification_method": "digilocker", "verification_ref": "******",
                        "adult": true});
    assert_eq!(a["guardian"], masked);
    assert_eq!(s.consent(&id_of(&a)).await["guardian"], masked);

    // Without requires_guardian, no guardian is needed.
    let v = s.collect_ok(&cat, "adult-1", all_granted()).await;
    assert!(v.get("guardian").is_none_or(Value::is_null));
}

#[tokio::test]
async fn collection_language_and_version_must_exist() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let body = |lang: &str, version: u32| {
        json!({"principal_id": "p-lang", "notice_id": cat.notice_id, "notice_version": version,
               "language": lang, "decisions": all_granted(), "method": "web"})
    };
    // Tamil is a supported language but this notice has no Tamil text.
    let (st, v) = s.post("/v1/consents", body("ta", 1)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "language_not_in_notice");
    for version in [0, 2, 99] {
        let (st, v) = s.post("/v1/consents", body("en", version)).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "notice_version_not_published");
    }
    // A draft that was never published has no version 1.
    let (st, draft) = s
        .post(
            "/v1/notices",
            json!({"code": "draft-only", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{draft}");
    assert!(draft["latest_version"].is_null());
    assert_eq!(draft["draft_changed"], true);
    let (st, v) = s
        .post(
            "/v1/consents",
            json!({"principal_id": "p-lang", "notice_id": draft["id"], "notice_version": 1,
                   "language": "en", "decisions": {"account": "granted"}, "method": "web"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "notice_version_not_published");
    assert!(s.principal_items("p-lang", "").await.is_empty());
    // Language codes are case-insensitive and stored in lower case.
    let (st, v) = s.post("/v1/consents", body("HI", 1)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["language"], "hi");
}

#[tokio::test]
async fn artefact_records_all_metadata() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let res = s
        .client
        .post(format!("{}/v1/consents", s.url))
        .bearer_auth(&s.key)
        .json(
            &json!({"principal_id": "citizen-42", "notice_id": cat.notice_id, "notice_version": 1,
                      "language": "en", "decisions": all_granted(), "method": "kiosk",
                      "session_id": "kiosk-7-session-99"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let a: Value = res.json().await.unwrap();
    let id = id_of(&a);
    assert_eq!(location, format!("/v1/consents/{id}"));
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(a["version"], 1);
    assert!(a["previous_version"].is_null());
    assert_eq!(a["fiduciary_id"], s.fiduciary_id.as_str());
    // Personal data is masked in every answer.
    assert_eq!(a["principal_id"], "******n-42");
    assert_eq!(a["notice_id"], cat.notice_id.as_str());
    assert_eq!(a["notice_code"], "registration");
    assert_eq!(a["notice_version"], 1);
    let hash = a["notice_text_hash"].as_str().unwrap();
    assert_eq!(hash.len(), 64);
    assert_eq!(a["language"], "en");
    assert_eq!(a["event"], "collected");
    assert_eq!(a["method"], "kiosk");
    assert_eq!(a["session_id"], "******n-99");
    assert!(
        a["initiator"].as_str().unwrap().starts_with("fiduciary:"),
        "{a}"
    );
    assert_eq!(a["source_ip"], "127.0.0.*");
    assert_eq!(ts(&a["collected_at"]), T0);
    assert_eq!(ts(&a["created_at"]), T0);
    assert!(a["audit_log_id"].is_u64(), "{a}");
    assert_eq!(a["purposes"].as_array().unwrap().len(), 4);
    for (code, days, mandatory, basis, items) in [
        ("account", 365, true, "consent", json!(["name", "mobile"])),
        ("marketing", 30, false, "consent", json!(["email"])),
        ("analytics", 90, false, "consent", json!(["mobile"])),
        (
            "tax_records",
            365,
            false,
            "legal_obligation",
            json!(["name", "pan"]),
        ),
    ] {
        let p = purpose(&a, code);
        assert_eq!(p["decision"], "granted");
        assert_eq!(p["status"], "active");
        assert_eq!(p["mandatory"], mandatory, "{code}");
        assert_eq!(p["legal_basis"], basis, "{code}");
        assert_eq!(p["validity_days"], days, "{code}");
        assert_eq!(p["data_items"], items, "{code}");
        assert_eq!(ts(&p["granted_at"]), T0);
        assert_eq!(ts(&p["expires_at"]), T0 + Duration::days(days), "{code}");
        assert!(p["withdrawn_at"].is_null());
        assert_eq!(ts(&p["updated_at"]), T0);
    }
    // Stored as returned.
    let got = s.consent(&id).await;
    assert_eq!(got["history"][0], a);

    // The collection is on the audit trail, one entry per purpose, pointing at the artefact.
    let entries = s.audit_entries("consent.collected").await;
    assert_eq!(entries.len(), 4);
    for e in &entries {
        assert_eq!(e["artefact"], id.as_str());
        assert_eq!(e["version"], 1);
        assert_eq!(e["status"], "active");
        // The principal is pseudonymised on the ledger.
        assert_ne!(e["principal"], "citizen-42");
    }
    assert_eq!(entries[0]["index"], a["audit_log_id"]);
}
