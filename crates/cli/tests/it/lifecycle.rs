//! The consent lifecycle of BRD 4.1.1 to 4.1.5 over HTTP: catalogue and notices, collection,
//! validation, update, renewal, withdrawal, expiry, history, listing, tenants and restarts.

use crate::common::*;
use crate::support::*;
use anumodan_core::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use time::Duration;

// ---------- helpers ----------

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id_of).collect()
}

fn codes(list: &Value, field: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|x| x[field].as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Sends with another fiduciary's key.
async fn as_key(
    s: &TestServer,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    s.send(method, path, Some(key), body).await
}

// ---------- catalogue and notices ----------

#[tokio::test]
async fn catalogue_is_created_and_read_back() {
    let s = TestServer::start().await;
    let cat = s.seed().await;

    let (st, items) = s.get("/v1/data-items").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        codes(&items, "code"),
        set(&["email", "mobile", "name", "pan"])
    );
    let (st, pan) = s.get("/v1/data-items/pan").await;
    assert_eq!(st, StatusCode::OK, "{pan}");
    assert_eq!(pan["sensitive"], true);
    assert_eq!(pan["category"], "contact");
    assert_eq!(pan["name"]["hi"], "पैन");
    assert_eq!(pan["name"]["en"], "PAN");
    let (_, name) = s.get("/v1/data-items/name").await;
    assert_eq!(name["sensitive"], false);
    let (st, v) = s.get("/v1/data-items/nope").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "data_item_not_found");

    let (st, purposes) = s.get("/v1/purposes").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        codes(&purposes, "code"),
        set(&["account", "analytics", "marketing", "tax_records"])
    );
    let (st, tax) = s.get("/v1/purposes/tax_records").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(tax["legal_basis"], "legal_obligation");
    assert_eq!(tax["legal_reference"], "Income-tax Act, 1961");
    assert_eq!(tax["mandatory"], false);
    assert_eq!(tax["validity_days"], 365);
    assert_eq!(tax["retention_days"], 2920);
    assert_eq!(tax["data_items"], json!(["name", "pan"]));
    assert_eq!(tax["description"]["hi"], "कानून द्वारा आवश्यक रिकॉर्ड");
    let (_, account) = s.get("/v1/purposes/account").await;
    assert_eq!(account["mandatory"], true);
    // legal_basis defaults to consent
    let (_, analytics) = s.get("/v1/purposes/analytics").await;
    assert_eq!(analytics["legal_basis"], "consent");
    let (st, v) = s.get("/v1/purposes/nope").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "purpose_not_found");

    let (st, notices) = s.get("/v1/notices").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(notices.as_array().unwrap().len(), 1);
    assert_eq!(notices[0]["id"], cat.notice_id.as_str());
    let (st, n) = s.get(&format!("/v1/notices/{}", cat.notice_id)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(n["code"], "registration");
    assert_eq!(n["latest_version"], 1);
    assert_eq!(n["draft_changed"], false);
    assert_eq!(
        n["purposes"],
        json!(["account", "marketing", "analytics", "tax_records"])
    );
    assert_eq!(n["texts"]["hi"], notice_text("hi"));

    let (st, versions) = s
        .get(&format!("/v1/notices/{}/versions", cat.notice_id))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(versions.as_array().unwrap().len(), 1);
    let (st, v1) = s
        .get(&format!("/v1/notices/{}/versions/1", cat.notice_id))
        .await;
    assert_eq!(st, StatusCode::OK, "{v1}");
    assert_eq!(v1, versions[0]);
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["code"], "registration");
    // The version freezes the full purposes and data items.
    assert_eq!(
        codes(&v1["purposes"], "code"),
        set(&["account", "analytics", "marketing", "tax_records"])
    );
    assert_eq!(
        codes(&v1["data_items"], "code"),
        set(&["email", "mobile", "name", "pan"])
    );
    for lang in ["en", "hi"] {
        let h = v1["text_hashes"][lang].as_str().unwrap();
        assert_eq!(h.len(), 64);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_eq!(ts(&v1["published_at"]), T0);
    let (st, v) = s
        .get(&format!("/v1/notices/{}/versions/2", cat.notice_id))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "notice_version_not_found");
}

#[tokio::test]
async fn notice_versions_are_frozen_and_old_artefacts_keep_theirs() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let nid = &cat.notice_id;
    let (_, v1) = s.get(&format!("/v1/notices/{nid}/versions/1")).await;

    // Publishing an unchanged draft is refused.
    let (st, v) = s
        .post(&format!("/v1/notices/{nid}/publish"), json!({}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "already_published");

    let a = collect_ok(&s, &cat, "p-ver", all_granted()).await;
    assert_eq!(a["notice_version"], 1);
    assert_eq!(a["notice_text_hash"], v1["text_hashes"]["en"]);

    // Edit the draft: new text, one purpose fewer.
    s.advance_days(1);
    let mut en = notice_text("en");
    en["summary"] = json!("We now collect less.");
    let (st, draft) = s
        .send(
            Method::PUT,
            &format!("/v1/notices/{nid}"),
            Some(&s.key),
            Some(
                json!({"code": "registration", "purposes": ["account", "marketing", "tax_records"],
                        "texts": {"en": en, "hi": notice_text("hi")}}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{draft}");
    assert_eq!(draft["draft_changed"], true);
    assert_eq!(draft["latest_version"], 1);
    assert_eq!(draft["texts"]["en"]["summary"], "We now collect less.");

    // Not published yet: version 2 cannot be used, version 1 is unchanged.
    let (st, v) = s
        .post(
            "/v1/consents",
            json!({"principal_id": "p-ver2", "notice_id": nid, "notice_version": 2, "language": "en",
                   "decisions": {"account": "granted", "marketing": "denied", "tax_records": "denied"}, "method": "app"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "notice_version_not_published");
    let (_, still_v1) = s.get(&format!("/v1/notices/{nid}/versions/1")).await;
    assert_eq!(still_v1, v1);

    let (st, p2) = s
        .post(&format!("/v1/notices/{nid}/publish"), json!({}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p2}");
    assert_eq!(p2["id"], nid.as_str());
    assert_eq!(p2["version"], 2);
    assert_ne!(p2["text_hashes"]["en"], v1["text_hashes"]["en"]);
    let (_, n) = s.get(&format!("/v1/notices/{nid}")).await;
    assert_eq!(n["latest_version"], 2);
    assert_eq!(n["draft_changed"], false);

    let (_, versions) = s.get(&format!("/v1/notices/{nid}/versions")).await;
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0], v1);
    assert_eq!(versions[1]["version"], 2);
    assert_eq!(
        codes(&versions[1]["purposes"], "code"),
        set(&["account", "marketing", "tax_records"])
    );
    assert_eq!(
        versions[1]["texts"]["en"]["summary"],
        "We now collect less."
    );

    // The artefact made under version 1 still says version 1 with its hash.
    let got = consent(&s, &id_of(&a)).await;
    assert_eq!(got["notice_version"], 1);
    assert_eq!(got["notice_text_hash"], v1["text_hashes"]["en"]);
    assert_eq!(got["version"], 1);
    assert_eq!(got["history"].as_array().unwrap().len(), 1);

    // Version 2 collects with its own purposes; analytics is not part of it.
    let body = |decisions: Value| {
        json!({"principal_id": "p-ver2", "notice_id": nid, "notice_version": 2, "language": "en",
               "decisions": decisions, "method": "app"})
    };
    let (st, v) = s.post("/v1/consents", body(all_granted())).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "unknown_purpose");
    let (st, b) = s
        .post(
            "/v1/consents",
            body(json!({"account": "granted", "marketing": "denied", "tax_records": "granted"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    assert_eq!(b["notice_version"], 2);
    assert_eq!(b["notice_text_hash"], p2["text_hashes"]["en"]);
    assert_eq!(b["purposes"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn rendered_notice_hash_is_the_artefact_hash() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let nid = &cat.notice_id;
    let (st, a) = s
        .post(
            "/v1/consents",
            json!({"principal_id": "p-hi", "notice_id": nid, "notice_version": 1, "language": "hi",
                   "decisions": all_granted(), "method": "assisted"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["language"], "hi");
    assert_eq!(a["method"], "assisted");

    let (st, r) = s
        .get(&format!("/v1/notices/{nid}/versions/1?language=hi"))
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["text_hash"], a["notice_text_hash"]);
    assert_eq!(r["rendered"]["language"], "hi");
    assert_eq!(r["rendered"]["version"], 1);
    assert_eq!(r["rendered"]["text"], notice_text("hi"));
    let acc = r["rendered"]["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "account")
        .unwrap();
    assert_eq!(acc["name"], "खाता");
    assert_eq!(acc["mandatory"], true);
    assert_eq!(codes(&acc["data_items"], "code"), set(&["mobile", "name"]));
    assert!(
        acc["data_items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "नाम")
    );

    let (_, en) = s
        .get(&format!("/v1/notices/{nid}/versions/1?language=en"))
        .await;
    assert_ne!(en["text_hash"], r["text_hash"]);
    let (_, v1) = s.get(&format!("/v1/notices/{nid}/versions/1")).await;
    assert_eq!(v1["text_hashes"]["hi"], r["text_hash"]);
    assert_eq!(v1["text_hashes"]["en"], en["text_hash"]);

    // A language the notice does not carry.
    let (st, v) = s
        .get(&format!("/v1/notices/{nid}/versions/1?language=ta"))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["code"], "language_not_in_notice");
}

// ---------- collection ----------

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
    assert!(principal_items(&s, "p-missing", "").await.is_empty());
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
    let a = collect_ok(
        &s,
        &cat,
        "p-indep",
        json!({"account": "denied", "marketing": "granted", "analytics": "denied", "tax_records": "denied"}),
    )
    .await;
    assert_eq!(purpose(&a, "account")["status"], "denied");
    assert_eq!(purpose(&a, "marketing")["status"], "active");
    assert_eq!(s.validate("p-indep", "account").await["reason"], "denied");
    assert_eq!(s.validate("p-indep", "marketing").await["valid"], true);

    // Declining everything is a valid choice, and is recorded.
    let none = collect_ok(
        &s,
        &cat,
        "p-none",
        json!({"account": "denied", "marketing": "denied", "analytics": "denied", "tax_records": "denied"}),
    )
    .await;
    for code in ["account", "marketing", "analytics", "tax_records"] {
        let v = s.validate("p-none", code).await;
        assert_eq!(v["valid"], false);
        assert_eq!(v["reason"], "denied");
        assert_eq!(v["consent_id"], none["id"]);
    }

    // Withdrawing the mandatory purpose never blocks acting on the optional ones.
    let b = collect_ok(&s, &cat, "p-indep-2", all_granted()).await;
    let id = id_of(&b);
    act_ok(&s, &id, "withdraw", json!({"purposes": ["account"]})).await;
    s.advance_days(1);
    act_ok(
        &s,
        &id,
        "renew",
        evidence(json!({"purposes": ["marketing"]})),
    )
    .await;
    let denied = json!({"decisions": {"analytics": "denied"}});
    act_ok(&s, &id, "update", denied).await;
    let v = act_ok(&s, &id, "withdraw", json!({"purposes": ["marketing"]})).await;
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
    assert!(principal_items(&s, "child-1", "").await.is_empty());

    // The guardian must have been verified to be an adult.
    let unverified = json!({"principal_id": "parent-1", "relationship": "parent",
                            "verification_method": "digilocker", "verification_ref": "dl-123"});
    let (st, v) = s.post("/v1/consents", body(Some(unverified))).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "guardian_adult_required");
    assert!(principal_items(&s, "child-1", "").await.is_empty());

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
    assert_eq!(consent(&s, &id_of(&a)).await["guardian"], masked);

    // Without requires_guardian, no guardian is needed.
    let (st, v) = s.collect(&cat, "adult-1", all_granted()).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
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
    assert!(principal_items(&s, "p-lang", "").await.is_empty());
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
    let got = consent(&s, &id).await;
    assert_eq!(got["history"][0], a);

    // The collection is on the audit trail, one entry per purpose, pointing at the artefact.
    let entries = audit_entries(&s, "consent.collected").await;
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

// ---------- validation ----------

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
    let v = validate_items(&s, "p-val", "account", json!(["name"])).await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["reason"], "active");
    let v = validate_items(&s, "p-val", "account", json!(["name", "mobile"])).await;
    assert_eq!(v["valid"], true);
    let v = validate_items(&s, "p-val", "account", json!(["name", "pan"])).await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "scope_exceeded");
    let v = validate_items(&s, "p-val", "analytics", json!(["email"])).await;
    assert_eq!(v["reason"], "scope_exceeded");
    let v = validate_items(&s, "p-val", "account", json!(["no-such-item"])).await;
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
        .post(
            &format!("/v1/consents/{id}/withdraw"),
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
    let v = validate_items(&s, "p-val", "tax_records", json!(["email"])).await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], "scope_exceeded");

    // Every validation is on the audit trail with its answer.
    let entries = audit_entries(&s, "consent.validated").await;
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
    let got = consent(&s, &id).await;
    assert_eq!(got["version"], 1);
    assert_eq!(purpose(&got, "marketing")["status"], "expired");
    assert_eq!(purpose(&got, "account")["status"], "active");
    assert_eq!(got["history"].as_array().unwrap().len(), 1);
    assert_eq!(
        principal_items(&s, "p-exp", "?status=expired&purpose=marketing")
            .await
            .len(),
        1
    );

    // The job records it as an event, once.
    assert_eq!(s.run_expiry().await, 1);
    let got = consent(&s, &id).await;
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
    let entries = audit_entries(&s, "consent.expired").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["purpose"], "marketing");
    assert_eq!(entries[0]["version"], 2);

    assert_eq!(s.run_expiry().await, 0);
    assert_eq!(
        consent(&s, &id).await["history"].as_array().unwrap().len(),
        2
    );
    assert_eq!(audit_entries(&s, "consent.expired").await.len(), 1);
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
    let got = consent(&s, &id).await;
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
    let got = consent(&s, &id_of(&a)).await;
    assert_eq!(got["version"], 1);
    assert_eq!(
        s.validate("p-deny-exp", "marketing").await["reason"],
        "denied"
    );
}

// ---------- update ----------

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
    assert_eq!(consent(&s, &id).await["version"], 2);

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
    assert_eq!(consent(&s, &id).await["version"], 4);
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

    let h = consent(&s, &id).await["history"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(h.len(), 5);
    assert_eq!(h[0], a);
    assert_eq!(h[1], b);
    assert_eq!(
        audit_entries(&s, "consent.updated").await.len(),
        1 + 1 + 1 + 1
    );
}

#[tokio::test]
async fn update_regrants_a_withdrawn_or_expired_purpose() {
    let (s, _, _, id) = start_with_consent("p-regrant", all_granted()).await;
    let (st, _) = s
        .post(
            &format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": ["analytics"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    s.advance_days(31);
    assert_eq!(
        s.validate("p-regrant", "marketing").await["reason"],
        "expired"
    );
    let (st, b) = s
        .post(
            &format!("/v1/consents/{id}/update"),
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

// ---------- renewal ----------

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
    let entries = audit_entries(&s, "consent.renewed").await;
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
        .post(
            &format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": ["analytics"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let rejected = audit_entries(&s, "consent.rejected").await.len();

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
    assert_eq!(consent(&s, &id).await["version"], 2);
    assert_eq!(
        audit_entries(&s, "consent.rejected").await.len(),
        rejected + 1 + 1 + 2
    );

    // Nothing renewable at all.
    let b = collect_ok(
        &s,
        &cat,
        "p-norenew-2",
        json!({"account": "denied", "marketing": "denied", "analytics": "denied", "tax_records": "denied"}),
    )
    .await;
    let (st, v) = s
        .post(&format!("/v1/consents/{}/renew", id_of(&b)), json!({}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "not_renewable");
    assert_eq!(consent(&s, &id_of(&b)).await["version"], 1);
}

#[tokio::test]
async fn every_new_version_is_on_the_audit_trail_even_within_one_instant() {
    // The clock does not move: every change below happens at the instant of collection.
    let (s, _, a, id) = start_with_consent("p-instant", all_granted()).await;
    let (st, b) = s
        .post(&format!("/v1/consents/{id}/renew"), evidence(json!({})))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, c) = s
        .post(
            &format!("/v1/consents/{id}/renew"),
            evidence(json!({"purposes": ["marketing"]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    let (st, d) = s
        .post(
            &format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": ["analytics"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    let (st, e) = s
        .post(&format!("/v1/consents/{id}/withdraw"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    for v in [&a, &b, &c, &d, &e] {
        assert!(
            v["audit_log_id"].is_u64(),
            "version without audit entry: {v}"
        );
    }
    let renewed = audit_entries(&s, "consent.renewed").await;
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
    let withdrawn = audit_entries(&s, "consent.withdrawn").await;
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

// ---------- withdrawal ----------

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
    let before = audit_entries(&s, "consent.rejected").await.len();
    let ledger = s.get("/v1/audit/entries?limit=1000").await.1["items"]
        .as_array()
        .unwrap()
        .len();
    let (st, v) = s.post(&path, json!({"purposes": ["marketing"]})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(ts(&purpose(&v, "marketing")["withdrawn_at"]), now);
    assert_eq!(consent(&s, &id).await["version"], 2);
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
    let res = s
        .client
        .post(format!("{}{path}", s.url))
        .bearer_auth(&s.key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let c: Value = res.json().await.unwrap();
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
    let w = audit_entries(&s, "consent.withdrawn").await;
    assert_eq!(w.len(), 4);
    let tax = w.iter().find(|e| e["purpose"] == "tax_records").unwrap();
    assert_eq!(tax["outcome"], "legal_exception");

    // Withdrawing everything again: already in effect, the current version.
    let (st, v) = s.post(&path, json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 4);
    assert_eq!(v["legal_exceptions"], json!(["tax_records"]));
    assert_eq!(audit_entries(&s, "consent.rejected").await.len(), before);
    assert_eq!(audit_entries(&s, "consent.withdrawn").await.len(), 4);
    assert_eq!(consent(&s, &id).await["version"], 4);
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
    assert_eq!(consent(&s, &id_of(&a)).await["version"], 1);
    // Withdrawing all withdraws only what is active (account), materialising marketing's expiry.
    let (st, b) = s.post(&path, json!({})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(purpose(&b, "account")["status"], "withdrawn");
    assert_eq!(purpose(&b, "marketing")["status"], "expired");
    assert!(purpose(&b, "marketing")["withdrawn_at"].is_null());
    assert_eq!(purpose(&b, "analytics")["status"], "denied");
}

// ---------- history and listing ----------

#[tokio::test]
async fn history_keeps_every_version_unchanged() {
    let (s, _, a, id) = start_with_consent("p-hist", all_granted()).await;
    s.advance_days(1);
    let (_, b) = s
        .post(
            &format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": ["marketing"]}),
        )
        .await;
    s.advance_days(1);
    let (_, c) = s
        .post(
            &format!("/v1/consents/{id}/update"),
            json!({"decisions": {"analytics": "denied"}}),
        )
        .await;
    s.advance_days(1);
    let (_, d) = s
        .post(
            &format!("/v1/consents/{id}/renew"),
            evidence(json!({"purposes": ["account"]})),
        )
        .await;
    s.advance_days(100);
    assert_eq!(s.run_expiry().await, 0, "nothing granted and active is due");
    s.advance_days(300);
    assert_eq!(s.run_expiry().await, 1);

    let got = consent(&s, &id).await;
    let h = got["history"].as_array().unwrap();
    assert_eq!(h.len(), 5);
    assert_eq!(h[0], a);
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("legal_exceptions");
        v
    };
    assert_eq!(h[1], strip(b));
    assert_eq!(h[2], c);
    assert_eq!(h[3], d);
    let events: Vec<&str> = h.iter().map(|v| v["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        ["collected", "withdrawn", "updated", "renewed", "expired"]
    );
    for (i, v) in h.iter().enumerate() {
        assert_eq!(v["id"], id.as_str());
        assert_eq!(v["version"], i + 1);
        if i == 0 {
            assert!(v["previous_version"].is_null());
        } else {
            assert_eq!(v["previous_version"], i);
        }
        // Who the principal is, and when and under which notice they first consented, never
        // changes.
        for f in [
            "principal_id",
            "notice_id",
            "notice_version",
            "notice_text_hash",
            "language",
            "collected_at",
        ] {
            assert_eq!(v[f], a[f], "{f} in version {}", i + 1);
        }
    }
    // Each version records how its own action was taken, never the collection's.
    let methods: Vec<&str> = h.iter().map(|v| v["method"].as_str().unwrap()).collect();
    assert_eq!(methods, ["web", "api", "api", "app", "system"]);
    assert!(h[1]["session_id"].is_null());
    assert!(h[4]["session_id"].is_null());
    assert_eq!(h[4]["initiator"], "system");
    // The top level is the latest version.
    let mut top = got.clone();
    top.as_object_mut().unwrap().remove("history");
    assert_eq!(top, h[4]);
    let (st, v) = s
        .get(&format!("/v1/consents/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "consent_not_found");
}

#[tokio::test]
async fn principal_consents_filter_and_paginate() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    // Seven artefacts one hour apart, and one for someone else.
    let mut made = Vec::new();
    for i in 0..7 {
        let decisions = if i % 2 == 0 {
            all_granted()
        } else {
            json!({"account": "granted", "marketing": "denied", "analytics": "denied", "tax_records": "denied"})
        };
        made.push(collect_ok(&s, &cat, "p-list", decisions).await);
        s.clock.advance(Duration::hours(1));
    }
    collect_ok(&s, &cat, "p-other", all_granted()).await;
    let made_ids: Vec<String> = made.iter().map(id_of).collect();
    let newest_first: Vec<String> = made_ids.iter().rev().cloned().collect();

    let all = principal_items(&s, "p-list", "").await;
    assert_eq!(ids(&all), newest_first);
    assert!(all.iter().all(|a| a["principal_id"] == "******"));
    assert!(principal_items(&s, "nobody", "").await.is_empty());

    // Pages of two: no duplicates, no gaps.
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".to_string(),
        };
        let (st, v) = s.get(&format!("/v1/principals/p-list/consents{q}")).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        let items = v["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        paged.extend(ids(items));
        pages += 1;
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(paged, newest_first);
    // Exactly a page: no next cursor.
    let (_, v) = s.get("/v1/principals/p-list/consents?limit=7").await;
    assert_eq!(v["items"].as_array().unwrap().len(), 7);
    assert!(v.get("next_cursor").is_none_or(Value::is_null));

    // Status and purpose.
    let granted_all: Vec<String> = newest_first
        .iter()
        .enumerate()
        .filter(|(i, _)| (6 - i) % 2 == 0)
        .map(|(_, id)| id.clone())
        .collect();
    let denied_marketing: Vec<String> = newest_first
        .iter()
        .filter(|id| !granted_all.contains(id))
        .cloned()
        .collect();
    assert_eq!(
        ids(&principal_items(&s, "p-list", "?status=active").await),
        newest_first
    );
    assert_eq!(
        ids(&principal_items(&s, "p-list", "?status=active&purpose=marketing").await),
        granted_all
    );
    assert_eq!(
        ids(&principal_items(&s, "p-list", "?status=denied").await),
        denied_marketing
    );
    assert_eq!(
        ids(&principal_items(&s, "p-list", "?status=denied&purpose=account").await),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&principal_items(&s, "p-list", "?purpose=marketing").await),
        newest_first
    );
    assert!(
        principal_items(&s, "p-list", "?purpose=profiling")
            .await
            .is_empty()
    );
    assert!(
        principal_items(&s, "p-list", "?status=withdrawn")
            .await
            .is_empty()
    );

    // Date range on the collection time: [from, to).
    let from = rfc3339(T0 + Duration::hours(2));
    let to = rfc3339(T0 + Duration::hours(5));
    assert_eq!(
        ids(&principal_items(&s, "p-list", &format!("?from={from}&to={to}")).await),
        vec![
            made_ids[4].clone(),
            made_ids[3].clone(),
            made_ids[2].clone()
        ]
    );
    assert_eq!(
        ids(&principal_items(&s, "p-list", &format!("?from={from}")).await).len(),
        5
    );
    assert_eq!(
        ids(&principal_items(&s, "p-list", &format!("?to={from}")).await),
        vec![made_ids[1].clone(), made_ids[0].clone()]
    );
    // Filters and pages combine.
    let (_, v) = s
        .get(&format!(
            "/v1/principals/p-list/consents?from={from}&status=active&purpose=marketing&limit=1"
        ))
        .await;
    assert_eq!(
        ids(v["items"].as_array().unwrap()),
        vec![made_ids[6].clone()]
    );
    let c = v["next_cursor"].as_str().unwrap().to_string();
    let (_, v) = s
        .get(&format!(
            "/v1/principals/p-list/consents?from={from}&status=active&purpose=marketing&limit=1&cursor={c}"
        ))
        .await;
    assert_eq!(
        ids(v["items"].as_array().unwrap()),
        vec![made_ids[4].clone()]
    );

    // Withdrawn and expired follow the lifecycle; items show the status as of now.
    let (st, _) = s
        .post(&format!("/v1/consents/{}/withdraw", made_ids[0]), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        ids(&principal_items(&s, "p-list", "?status=withdrawn").await),
        vec![made_ids[0].clone()]
    );
    s.clock.set(T0 + Duration::days(31));
    let expired = principal_items(&s, "p-list", "?status=expired&purpose=marketing").await;
    assert_eq!(
        ids(&expired),
        vec![
            made_ids[6].clone(),
            made_ids[4].clone(),
            made_ids[2].clone()
        ]
    );
    assert!(
        expired
            .iter()
            .all(|a| purpose(a, "marketing")["status"] == "expired")
    );
}

// ---------- tenants and restarts ----------

#[tokio::test]
async fn fiduciaries_are_isolated() {
    let mut s = TestServer::start().await;
    let cat = s.seed().await;
    let a = collect_ok(&s, &cat, "shared-principal", all_granted()).await;
    let id = id_of(&a);
    let (_, key_b) = s.create_fiduciary("Other Fiduciary").await;
    let kb = key_b.as_str();

    // B sees nothing of A.
    for path in ["/v1/data-items", "/v1/purposes", "/v1/notices"] {
        let (st, v) = as_key(&s, kb, Method::GET, path, None).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(v, json!([]), "{path}");
    }
    for (path, code) in [
        (format!("/v1/notices/{}", cat.notice_id), "notice_not_found"),
        (
            format!("/v1/notices/{}/versions", cat.notice_id),
            "notice_not_found",
        ),
        (
            format!("/v1/notices/{}/versions/1", cat.notice_id),
            "notice_version_not_found",
        ),
        (format!("/v1/consents/{id}"), "consent_not_found"),
        ("/v1/purposes/account".to_string(), "purpose_not_found"),
        ("/v1/data-items/pan".to_string(), "data_item_not_found"),
    ] {
        let (st, v) = as_key(&s, kb, Method::GET, &path, None).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v["code"], code, "{path}");
    }
    for (path, body) in [
        (
            format!("/v1/consents/{id}/update"),
            json!({"decisions": {"marketing": "denied"}}),
        ),
        (format!("/v1/consents/{id}/renew"), json!({})),
        (format!("/v1/consents/{id}/withdraw"), json!({})),
    ] {
        let (st, v) = as_key(&s, kb, Method::POST, &path, Some(body)).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v["code"], "consent_not_found");
    }
    let (st, v) = as_key(
        &s,
        kb,
        Method::POST,
        &format!("/v1/notices/{}/publish", cat.notice_id),
        Some(json!({})),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let (st, v) = as_key(
        &s,
        kb,
        Method::PUT,
        &format!("/v1/notices/{}", cat.notice_id),
        Some(json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}})),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let (st, v) = as_key(
        &s,
        kb,
        Method::POST,
        "/v1/consents",
        Some(json!({"principal_id": "shared-principal", "notice_id": cat.notice_id, "notice_version": 1,
                    "language": "en", "decisions": all_granted(), "method": "web"})),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "notice_not_found");
    let (st, v) = as_key(
        &s,
        kb,
        Method::GET,
        "/v1/principals/shared-principal/consents",
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["items"], json!([]));
    let (st, v) = as_key(
        &s,
        kb,
        Method::POST,
        "/v1/consents/validate",
        Some(json!({"principal_id": "shared-principal", "purpose": "account"})),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "unknown_purpose");
    let (_, v) = as_key(&s, kb, Method::GET, "/v1/audit/entries?limit=1000", None).await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["fiduciary"] != s.fiduciary_id.as_str()),
        "{v}"
    );

    // B defines the same codes and the same principal id: still separate.
    let key_a = std::mem::replace(&mut s.key, key_b.clone());
    let cat_b = s.seed().await;
    let b = collect_ok(
        &s,
        &cat_b,
        "shared-principal",
        json!({"account": "granted", "marketing": "denied", "analytics": "denied", "tax_records": "denied"}),
    )
    .await;
    assert_ne!(cat_b.notice_id, cat.notice_id);
    let v = s.validate("shared-principal", "marketing").await;
    assert_eq!(v["reason"], "denied");
    assert_eq!(v["consent_id"], b["id"]);
    let (st, _) = s
        .post(&format!("/v1/consents/{}/withdraw", id_of(&b)), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    s.key = key_a;

    // A is unaffected.
    let v = s.validate("shared-principal", "marketing").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["consent_id"], id.as_str());
    assert_eq!(
        s.validate("shared-principal", "account").await["valid"],
        true
    );
    assert_eq!(
        ids(&principal_items(&s, "shared-principal", "").await),
        vec![id.clone()]
    );
    let (st, _) = s.get(&format!("/v1/consents/{}", id_of(&b))).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s.get(&format!("/v1/notices/{}", cat_b.notice_id)).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, notices) = s.get("/v1/notices").await;
    assert_eq!(notices.as_array().unwrap().len(), 1);
    assert_eq!(consent(&s, &id).await["version"], 1);
}

#[tokio::test]
async fn everything_survives_a_restart() {
    let (s, cat, a, id) = start_with_consent(
        "p-restart",
        decisions("granted", "granted", "denied", "granted"),
    )
    .await;
    s.advance_days(1);
    let (st, _) = s
        .post(
            &format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": ["tax_records"]}),
        )
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
    let validations = audit_entries(&s, "consent.validated").await;
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
        .post(
            &format!("/v1/consents/{id}/update"),
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
    let got = consent(&s, &id).await;
    assert_eq!(got["version"], 4);
    assert_eq!(got["event"], "expired");
    assert_eq!(got["history"][0], a);
    assert_eq!(
        s.validate("p-restart", "marketing").await["reason"],
        "expired"
    );
    assert_eq!(s.run_expiry().await, 0);
}

// ---------- one truth per principal and purpose ----------

/// The reported bug, step by step: two artefacts hold `marketing`; the principal withdraws it
/// in the newer one; nothing the fiduciary or the system does to the older artefact may make
/// it valid again. Only a new grant by the principal does.
#[tokio::test]
async fn a_withdrawal_stands_until_the_principal_grants_again() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let older = id_of(&collect_ok(&s, &cat, "p-twice", all_granted()).await);
    s.advance_days(1);
    let newer = id_of(&collect_ok(&s, &cat, "p-twice", all_granted()).await);
    assert_ne!(older, newer, "a second collection is a new artefact");
    act_ok(&s, &newer, "withdraw", json!({"purposes": ["marketing"]})).await;
    let withdrawn = |v: &Value| v["valid"] == false && v["reason"] == "withdrawn";
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));

    // The second collection decided every purpose of the notice again, so the older artefact
    // holds no decision in force: renewing any of its purposes is refused, and says why.
    for body in [
        json!({"purposes": ["account"]}),
        json!({"purposes": ["marketing"]}),
    ] {
        let (st, v) = s
            .post(&format!("/v1/consents/{older}/renew"), evidence(body))
            .await;
        assert_eq!(st, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["code"], "superseded");
    }
    let (st, v) = s
        .post(&format!("/v1/consents/{older}/renew"), evidence(json!({})))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "not_renewable");
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    // Decisions in the older artefact on other purposes take effect for those purposes only.
    act_ok(
        &s,
        &older,
        "update",
        json!({"decisions": {"analytics": "denied"}}),
    )
    .await;
    assert_eq!(s.validate("p-twice", "analytics").await["reason"], "denied");
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    let granted = evidence(json!({"decisions": {"analytics": "granted"}}));
    act_ok(&s, &older, "update", granted).await;
    assert!(withdrawn(&s.validate("p-twice", "marketing").await));
    // The reported case: a renewal of another purpose of the older artefact (analytics, whose
    // decision in force now lives there) leaves marketing withdrawn.
    s.advance_days(1);
    let v = act_ok(&s, &older, "renew", evidence(json!({}))).await;
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
    let third = collect_ok(
        &s,
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
    let (st, v) = s
        .post(&format!("/v1/consents/{older}/update"), grant.clone())
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "principal_action_required");
    assert_eq!(s.validate("p-twice", "marketing").await["reason"], "denied");
    act_ok(&s, &older, "update", evidence(grant)).await;
    let v = s.validate("p-twice", "marketing").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["consent_id"], older.as_str());
    // And withdrawing it in the newer artefact (where it stands withdrawn already) changes
    // nothing: the newest decision, the grant, stands.
    act_ok(&s, &newer, "withdraw", json!({"purposes": ["marketing"]})).await;
    assert_eq!(s.validate("p-twice", "marketing").await["valid"], true);
}

// ---------- retries (issue 17, item 11) ----------

/// A POST with an `Idempotency-Key`, as `bearer`: status, replay header, body.
async fn post_keyed(
    s: &TestServer,
    bearer: &str,
    path: &str,
    key: &[u8],
    body: &str,
) -> (StatusCode, bool, Value) {
    let res = s
        .client
        .post(format!("{}{path}", s.url))
        .bearer_auth(bearer)
        .header(
            "idempotency-key",
            reqwest::header::HeaderValue::from_bytes(key).unwrap(),
        )
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let replayed = res
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true");
    let v = res.json().await.unwrap_or(Value::Null);
    (status, replayed, v)
}

#[tokio::test]
async fn a_retried_request_with_the_same_key_returns_the_first_answer_and_writes_nothing() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let collect = |decisions: Value| {
        json!({"principal_id": "P-retry", "notice_id": cat.notice_id, "notice_version": 1,
               "language": "en", "decisions": decisions, "method": "app", "session_id": "s-1"})
        .to_string()
    };
    let body = collect(all_granted());
    let (st, replayed, first) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &body).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, false), "{first}");
    let size = ledger_size(&s).await;

    // The same key and request: the same answer, marked as a replay, nothing written.
    let (st, replayed, again) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &body).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, true), "{again}");
    assert_eq!(again, first);
    // The same JSON written differently is the same request.
    let reordered: Value = serde_json::from_str(&body).unwrap();
    let pretty = serde_json::to_string_pretty(&reordered).unwrap();
    let (st, replayed, _) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &pretty).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, true));
    assert_eq!(ledger_size(&s).await, size);
    assert_eq!(principal_items(&s, "P-retry", "").await.len(), 1);

    // The same key for another request: refused, nothing written.
    let other = collect(decisions("granted", "denied", "granted", "granted"));
    let (st, _, v) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &other).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "idempotency_key_reused");
    let id = first["id"].as_str().unwrap();
    let withdraw = format!("/v1/consents/{id}/withdraw");
    let (st, _, v) = post_keyed(&s, &s.key, &withdraw, b"k-collect-1", &body).await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another route is another request: {v}"
    );
    assert_eq!(ledger_size(&s).await, size);

    // Keys are the caller's own: another API key of the fiduciary may use the same string.
    let (st, k2) = s.post("/v1/keys", json!({"name": "second app"})).await;
    assert_eq!(st, StatusCode::CREATED, "{k2}");
    let key2 = k2["api_key"].as_str().unwrap();
    let (st, replayed, mine) = post_keyed(&s, key2, "/v1/consents", b"k-collect-1", &other).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, false), "{mine}");
    assert_ne!(mine["id"], first["id"]);

    // A lifecycle action: a retried withdrawal is the first answer, not a second version.
    let w = json!({"purposes": ["marketing"]}).to_string();
    let (st, replayed, w1) = post_keyed(&s, &s.key, &withdraw, b"k-w", &w).await;
    assert_eq!((st, replayed), (StatusCode::OK, false), "{w1}");
    let size = ledger_size(&s).await;
    let (st, replayed, w2) = post_keyed(&s, &s.key, &withdraw, b"k-w", &w).await;
    assert_eq!((st, replayed), (StatusCode::OK, true), "{w2}");
    assert_eq!(w2, w1);
    assert_eq!(ledger_size(&s).await, size);
    // The principal's own routes take keys too (scoped to the principal).
    let (st, tok) = s
        .post("/v1/principal-tokens", json!({"principal_id": "P-retry"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{tok}");
    let token = tok["token"].as_str().unwrap();
    let mine_w = format!("/v1/me/consents/{id}/withdraw");
    let a = json!({"purposes": ["analytics"]}).to_string();
    let (st, replayed, m1) = post_keyed(&s, token, &mine_w, b"k-w", &a).await;
    assert_eq!((st, replayed), (StatusCode::OK, false), "{m1}");
    assert_eq!(m1["initiator"], "principal");
    let size = ledger_size(&s).await;
    let (st, replayed, m2) = post_keyed(&s, token, &mine_w, b"k-w", &a).await;
    assert_eq!(
        (st, replayed, m2.clone()),
        (StatusCode::OK, true, m1),
        "{m2}"
    );
    assert_eq!(ledger_size(&s).await, size);

    // After 24 hours a key is forgotten (the expiry job purges it): it may be used again.
    s.advance_days(1);
    s.clock.advance(Duration::seconds(1));
    let remembered = || {
        with_db(&s.dir, |c| {
            c.query_row("SELECT COUNT(*) FROM idempotency_keys", (), |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
        })
    };
    assert_eq!(remembered(), 4);
    s.run_expiry().await;
    assert_eq!(remembered(), 0);
    let (st, replayed, v) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &other).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, false), "{v}");
    assert_ne!(v["id"], first["id"]);
}

#[tokio::test]
async fn bad_idempotency_keys_are_refused_and_an_erased_answer_is_not_replayed() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let body = json!({"principal_id": "P-gone", "notice_id": cat.notice_id, "notice_version": 1,
                      "language": "en", "decisions": all_granted(), "method": "app"})
    .to_string();
    let size = ledger_size(&s).await;
    let long = vec![b'k'; 256];
    for bad in [&b""[..], b"two words", b"caf\xc3\xa9", &long] {
        let (st, _, v) = post_keyed(&s, &s.key, "/v1/consents", bad, &body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "invalid_idempotency_key", "{v}");
    }
    assert_eq!(ledger_size(&s).await, size);
    assert!(principal_items(&s, "P-gone", "").await.is_empty());

    // The answer holds personal data: after the principal's erasure it cannot be given again,
    // and the request is not run a second time either.
    let (st, _, first) = post_keyed(&s, &s.key, "/v1/consents", b"k-gone", &body).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let (st, v) = s
        .post("/v1/principals/erase", json!({"principal_id": "P-gone"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let size = ledger_size(&s).await;
    let (st, _, v) = post_keyed(&s, &s.key, "/v1/consents", b"k-gone", &body).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "idempotency_answer_erased");
    assert_eq!(ledger_size(&s).await, size);
    assert!(principal_items(&s, "P-gone", "").await.is_empty());
}

// ---------- re-consent (issue 17, item 7) ----------

/// Changes the notice's draft (a new purpose `newsletter` and a new summary) so that it can be
/// published again.
async fn revise_notice(s: &TestServer, notice: &str, summary: &str) {
    let (st, n) = s.get(&format!("/v1/notices/{notice}")).await;
    assert_eq!(st, StatusCode::OK, "{n}");
    let mut purposes = n["purposes"].as_array().unwrap().clone();
    if !purposes.contains(&json!("newsletter")) {
        let (st, v) = s
            .post("/v1/purposes", json!({"code": "newsletter", "mandatory": false, "validity_days": 365,
                "retention_days": 30, "legal_basis": "consent", "data_items": ["email"],
                "name": {"en": "Newsletter", "hi": "समाचार पत्र"}, "description": {"en": "Monthly news", "hi": "मासिक समाचार"}}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        purposes.push(json!("newsletter"));
    }
    let mut texts = n["texts"].clone();
    for l in ["en", "hi"] {
        texts[l]["summary"] = json!(summary);
    }
    let (st, v) = s
        .send(
            Method::PUT,
            &format!("/v1/notices/{notice}"),
            Some(&s.key),
            Some(json!({"code": n["code"], "purposes": purposes, "texts": texts})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
}

/// What the principal's dashboard says about re-consent of their (only) artefact.
async fn my_reconsent(s: &TestServer, token: &str) -> Value {
    let (st, v) = s
        .send(Method::GET, "/v1/me/consents", Some(token), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["items"][0]["reconsent"].clone()
}

async fn pending(s: &TestServer, notice: &str, query: &str) -> Value {
    let (st, v) = s
        .get(&format!("/v1/notices/{notice}/reconsent{query}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn a_version_that_requires_reconsent_stops_older_consent_at_its_deadline() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let n = cat.notice_id.clone();
    let p1 = collect_ok(&s, &cat, "P-re-1", all_granted()).await;
    let p2 = collect_ok(&s, &cat, "P-re-2", all_granted()).await;
    // Nobody owes re-consent yet.
    let none = pending(&s, &n, "").await;
    assert!(
        none["requirement"].is_null() && none["items"].as_array().unwrap().is_empty(),
        "{none}"
    );

    revise_notice(&s, &n, "We now also send a newsletter.").await;
    let deadline = T0 + Duration::days(10);
    // Bad requests change nothing.
    for (body, why) in [
        (
            json!({"reconsent_deadline": rfc3339(deadline)}),
            "deadline without requirement",
        ),
        (
            json!({"requires_reconsent": true, "reconsent_deadline": rfc3339(T0 - Duration::days(1))}),
            "deadline in the past",
        ),
    ] {
        let (st, v) = s.post(&format!("/v1/notices/{n}/publish"), body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {v}");
        assert_eq!(v["code"], "invalid_reconsent", "{why}: {v}");
    }
    let (st, v) = s
        .post(
            &format!("/v1/notices/{n}/publish"),
            json!({"requires_reconsent": true, "reconsent_deadline": rfc3339(deadline)}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["version"].clone(), v["requires_reconsent"].clone()),
        (json!(2), json!(true))
    );
    assert_eq!(ts(&v["reconsent_deadline"]), deadline);
    let (_, v2) = s.get(&format!("/v1/notices/{n}/versions/2")).await;
    assert_eq!(v2["requires_reconsent"], true, "{v2}");

    // Until the deadline, consent under version 1 holds, and says re-consent is due.
    let a = s.validate("P-re-1", "account").await;
    assert_eq!(
        (a["valid"].clone(), a["reason"].clone()),
        (json!(true), json!("active")),
        "{a}"
    );
    assert_eq!(ts(&a["reconsent_due_by"]), deadline);
    // The purpose new in version 2 is nobody's until they grant it.
    assert_eq!(
        s.validate("P-re-1", "newsletter").await["reason"],
        "not_found"
    );
    // The fiduciary sees who owes re-consent, a page at a time.
    let page = pending(&s, &n, "?limit=1").await;
    assert_eq!(page["requirement"]["from_version"], 2, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    let rest = pending(
        &s,
        &n,
        &format!("?limit=1&cursor={}", page["next_cursor"].as_str().unwrap()),
    )
    .await;
    assert!(rest.get("next_cursor").is_none(), "{rest}");
    let mut listed: Vec<Value> = vec![page["items"][0].clone(), rest["items"][0].clone()];
    listed.sort_by_key(|i| i["consent_id"].as_str().unwrap().to_string());
    let mut want = vec![id_of(&p1), id_of(&p2)];
    want.sort();
    assert_eq!(
        listed
            .iter()
            .map(|i| i["consent_id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        want
    );
    assert_eq!(
        listed[0]["purposes"].as_array().unwrap().len(),
        4,
        "{listed:?}"
    );
    assert_ne!(listed[0]["principal_id"], "P-re-1", "masked");
    // And the principal sees it on their dashboard.
    let (st, tok) = s
        .post("/v1/principal-tokens", json!({"principal_id": "P-re-1"}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let token = tok["token"].as_str().unwrap().to_string();
    let due = my_reconsent(&s, &token).await;
    assert_eq!(
        (due["notice_version"].clone(), due["overdue"].clone()),
        (json!(2), json!(false)),
        "{due}"
    );
    assert_eq!(ts(&due["due_by"]), deadline);
    assert_eq!(due["purposes"].as_array().unwrap().len(), 4);

    // P-re-1 consents again under version 2 to account, and grants the new purpose.
    let mut body = evidence(json!({"decisions": {"account": "granted", "newsletter": "granted"}}));
    body["notice_version"] = json!(2);
    let (st, v) = s
        .post(&format!("/v1/consents/{}/update", id_of(&p1)), body)
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "newsletter is not in the artefact: {v}"
    );
    let mut body = evidence(json!({"decisions": {"account": "granted"}}));
    body["notice_version"] = json!(2);
    let u = act_ok(&s, &id_of(&p1), "update", body).await;
    assert_eq!(purpose(&u, "account")["notice_version"], 2, "{u}");
    let a = s.validate("P-re-1", "account").await;
    assert!(a.get("reconsent_due_by").is_none(), "{a}");

    // After the deadline: what was not consented to again stops.
    s.advance_days(11);
    for (p, code, reason) in [
        ("P-re-1", "account", "active"),
        ("P-re-1", "marketing", "reconsent_required"),
        ("P-re-2", "account", "reconsent_required"),
        ("P-re-2", "tax_records", "reconsent_required"),
    ] {
        let v = s.validate(p, code).await;
        assert_eq!(v["reason"], reason, "{p}/{code}: {v}");
        assert_eq!(v["valid"], reason == "active", "{p}/{code}: {v}");
    }
    let (_, tok) = s
        .post("/v1/principal-tokens", json!({"principal_id": "P-re-1"}))
        .await;
    let due = my_reconsent(&s, tok["token"].as_str().unwrap()).await;
    assert_eq!(due["overdue"], true, "{due}");
    assert_eq!(due["purposes"].as_array().unwrap().len(), 3, "{due}");
    let all = pending(&s, &n, "").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2, "{all}");
    // Each refusal is on the record with its reason.
    let refused: Vec<Value> = audit_entries(&s, "consent.validated")
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "reconsent_required")
        .collect();
    assert_eq!(refused.len(), 3);
    let published = audit_entries(&s, "notice.published").await;
    assert!(
        published.last().unwrap()["outcome"]
            .as_str()
            .unwrap()
            .ends_with("@2 reconsent")
    );

    // A version requiring re-consent without a deadline takes effect at once.
    revise_notice(&s, &n, "Third text.").await;
    let (st, v) = s
        .post(
            &format!("/v1/notices/{n}/publish"),
            json!({"requires_reconsent": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert!(v["reconsent_deadline"].is_null(), "{v}");
    assert_eq!(
        s.validate("P-re-1", "account").await["reason"],
        "reconsent_required"
    );

    // A first version has no earlier consent to renew.
    let (st, other) = s
        .post(
            "/v1/notices",
            json!({"code": "kiosk", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{other}");
    let (st, v) = s
        .post(
            &format!("/v1/notices/{}/publish", other["id"].as_str().unwrap()),
            json!({"requires_reconsent": true}),
        )
        .await;
    assert_eq!(
        (st, v["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_reconsent")),
        "{v}"
    );
}
