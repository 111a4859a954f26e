//! Invalid lifecycle requests are 422 and change nothing; conflicts are 409 and change nothing
//! but the record of the attempt.

use super::{Before, audit_counts, post_problem, snapshot};
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn invalid_lifecycle_requests_are_422_and_change_nothing() {
    let (s, cat, _, id) = start_with_consent("p-inv", all_granted()).await;
    let before = Before::take(&s, &["p-inv", "p-inv-2"]).await;
    for (body, code) in invalid_collections(&cat.notice_id) {
        post_problem(
            &s,
            "/v1/consents",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    for (body, code) in invalid_validations() {
        post_problem(
            &s,
            "/v1/consents/validate",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    for (suffix, body, code) in invalid_actions() {
        post_problem(
            &s,
            &format!("/v1/consents/{id}/{suffix}"),
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    before.assert_unchanged(&s).await;
    assert!(s.principal_items("p-inv-2", "").await.is_empty());
    assert_eq!(s.validate("p-inv", "marketing").await["valid"], true);

    // Validating a purpose never defined is refused too, but it is an answer to a fiduciary's
    // question, so it is recorded (one entry, outcome unknown_purpose) and nothing else changes.
    let validated = s.audit_entries("consent.validated").await.len();
    post_problem(
        &s,
        "/v1/consents/validate",
        json!({"principal_id": "p-inv", "purpose": "survey"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_purpose",
    )
    .await;
    let after = s.audit_entries("consent.validated").await;
    assert_eq!(after.len(), validated + 1);
    assert_eq!(after.last().unwrap()["outcome"], "unknown_purpose");
}

/// Collections refused with 422, each with its problem code (a request for principal
/// `p-inv-2` under `notice_id`, changed in one way).
fn invalid_collections(notice_id: &str) -> Vec<(Value, &'static str)> {
    let collect = |f: &dyn Fn(&mut Value)| {
        let mut b = json!({"principal_id": "p-inv-2", "notice_id": notice_id, "notice_version": 1,
                           "language": "en", "decisions": all_granted(), "method": "web", "session_id": "s"});
        f(&mut b);
        b
    };
    let guardian =
        json!({"principal_id": "g", "relationship": "parent", "verification_method": "digilocker"});
    vec![
        (
            collect(&|b| b["principal_id"] = json!("")),
            "invalid_principal_id",
        ),
        (
            collect(&|b| b["principal_id"] = json!("x".repeat(257))),
            "invalid_principal_id",
        ),
        (
            collect(&|b| b["principal_id"] = json!("p\nq")),
            "invalid_principal_id",
        ),
        (collect(&|b| b["session_id"] = json!("")), "invalid_text"),
        (
            collect(&|b| b["session_id"] = json!("s".repeat(129))),
            "invalid_text",
        ),
        (
            collect(&|b| b["notice_id"] = json!(uuid::Uuid::now_v7())),
            "notice_not_found",
        ),
        (
            collect(&|b| b["notice_version"] = json!(0)),
            "notice_version_not_published",
        ),
        (
            collect(&|b| b["notice_version"] = json!(2)),
            "notice_version_not_published",
        ),
        (
            collect(&|b| b["language"] = json!("bn")),
            "language_not_in_notice",
        ),
        (collect(&|b| b["decisions"] = json!({})), "missing_decision"),
        (
            collect(&|b| b["decisions"]["survey"] = json!("denied")),
            "unknown_purpose",
        ),
        (
            collect(&|b| {
                b["requires_guardian"] = json!(true);
                b["guardian"] = guardian.clone();
            }),
            "guardian_adult_required",
        ),
        (
            collect(&|b| b["method"] = json!("system")),
            "invalid_method",
        ),
        (
            collect(&|b| b["requires_guardian"] = json!(true)),
            "guardian_required",
        ),
        (
            collect(&|b| {
                b["requires_guardian"] = json!(true);
                b["guardian"] = guardian.clone();
                b["guardian"]["principal_id"] = json!("");
            }),
            "invalid_principal_id",
        ),
        (
            collect(&|b| {
                b["guardian"] = guardian.clone();
                b["guardian"]["relationship"] = json!("Best Friend");
            }),
            "invalid_code",
        ),
        (
            collect(&|b| {
                b["guardian"] = guardian.clone();
                b["guardian"]["verification_ref"] = json!("");
            }),
            "invalid_text",
        ),
    ]
}

/// Validations refused with 422, each with its problem code.
fn invalid_validations() -> Vec<(Value, &'static str)> {
    vec![
        (
            json!({"principal_id": "", "purpose": "account"}),
            "invalid_principal_id",
        ),
        (
            json!({"principal_id": "p-inv", "purpose": ""}),
            "invalid_code",
        ),
        (
            json!({"principal_id": "p-inv", "purpose": "Account"}),
            "invalid_code",
        ),
        (
            json!({"principal_id": "p-inv", "purpose": "account", "data_items": ["Not A Code"]}),
            "invalid_code",
        ),
    ]
}

/// Lifecycle actions (`update`, `renew`, `withdraw`) refused with 422, each with its problem
/// code.
fn invalid_actions() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("update", json!({"decisions": {}}), "empty_decisions"),
        (
            "update",
            json!({"decisions": {"survey": "granted"}}),
            "unknown_purpose",
        ),
        ("renew", json!({"purposes": []}), "empty_purposes"),
        ("renew", json!({"purposes": ["survey"]}), "unknown_purpose"),
        // A fiduciary's renewal without evidence of the principal's action.
        (
            "renew",
            json!({"purposes": ["marketing"]}),
            "principal_action_required",
        ),
        (
            "renew",
            json!({"purposes": ["marketing"], "method": "app"}),
            "principal_action_required",
        ),
        (
            "renew",
            json!({"purposes": ["marketing"], "method": "app", "notice_version": 2}),
            "notice_version_not_published",
        ),
        (
            "renew",
            json!({"purposes": ["marketing"], "method": "app", "notice_version": 1, "language": "ta"}),
            "language_not_in_notice",
        ),
        (
            "renew",
            json!({"purposes": ["marketing"], "method": "system", "notice_version": 1}),
            "invalid_method",
        ),
        (
            "update",
            json!({"decisions": {"marketing": "denied"}, "session_id": ""}),
            "invalid_text",
        ),
        (
            "withdraw",
            json!({"purposes": ["marketing"], "notice_version": 1}),
            "invalid_body",
        ),
        ("withdraw", json!({"purposes": []}), "empty_purposes"),
        (
            "withdraw",
            json!({"purposes": ["survey"]}),
            "unknown_purpose",
        ),
        (
            "withdraw",
            json!({"purposes": ["marketing", "survey"]}),
            "unknown_purpose",
        ),
    ]
}

#[tokio::test]
async fn conflicts_are_409_and_change_nothing_but_the_record_of_the_attempt() {
    let (s, cat, _, id) = start_with_consent(
        "p-conf",
        decisions("granted", "denied", "granted", "granted"),
    )
    .await;
    let before = Before::take(&s, &["p-conf"]).await;

    for (path, body) in [
        (
            "/v1/data-items",
            json!({"code": "pan", "name": {"en": "Permanent Account Number"}, "category": "tax", "sensitive": false}),
        ),
        (
            "/v1/purposes",
            json!({"code": "marketing", "name": {"en": "M"}, "description": {"en": "M"}, "data_items": ["name"],
                                 "mandatory": true, "validity_days": 1, "retention_days": 1}),
        ),
        (
            "/v1/notices",
            json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        ),
    ] {
        post_problem(&s, path, body, StatusCode::CONFLICT, "already_exists").await;
    }
    post_problem(
        &s,
        &format!("/v1/notices/{}/publish", cat.notice_id),
        json!({}),
        StatusCode::CONFLICT,
        "already_published",
    )
    .await;
    // The originals are unchanged.
    let (_, pan) = s.get("/v1/data-items/pan").await;
    assert_eq!(pan["name"], json!({"en": "PAN", "hi": "पैन"}));
    assert_eq!(pan["sensitive"], true);
    assert_eq!(audit_counts(&s).await, before.counts);

    // Lifecycle conflicts: refused, no new version, but each attempt is recorded.
    let mut rejected = 0;
    for (suffix, body, code, named) in [
        (
            "update",
            json!({"decisions": {"account": "granted"}}),
            "no_change",
            1,
        ),
        (
            "update",
            json!({"decisions": {"marketing": "denied", "analytics": "granted"}}),
            "no_change",
            2,
        ),
        (
            "renew",
            json!({"purposes": ["marketing"]}),
            "not_renewable",
            1,
        ),
        (
            "withdraw",
            json!({"purposes": ["marketing"]}),
            "not_active",
            1,
        ),
    ] {
        post_problem(
            &s,
            &format!("/v1/consents/{id}/{suffix}"),
            body,
            StatusCode::CONFLICT,
            code,
        )
        .await;
        rejected += named;
        let r = s.audit_entries("consent.rejected").await;
        assert_eq!(r.len(), rejected);
        assert_eq!(r.last().unwrap()["outcome"], code);
        assert_eq!(r.last().unwrap()["artefact"], id.as_str());
    }
    assert_eq!(snapshot(&s, &["p-conf"]).await, before.snapshot);
    let mut expected = before.counts.clone();
    for (action, n) in &mut expected {
        if action == "consent.rejected" {
            *n += rejected;
        }
    }
    assert_eq!(audit_counts(&s).await, expected);
}
