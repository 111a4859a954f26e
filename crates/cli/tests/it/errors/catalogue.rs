//! Content rules of the catalogue: languages, codes, texts, purposes and notices.

use super::{Before, check_problem_body, post_invalid_body, post_problem};
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn unsupported_languages_are_rejected() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let before = Before::take(&s, &["p-lang"]).await;
    for lang in ["fr", "en-GB", "en-IN", "hi-Latn", "", "xx", "english", "zh"] {
        let bodies: Vec<(&str, Value)> = vec![
            (
                "/v1/data-items",
                json!({"code": "aadhaar", "name": {lang: "Aadhaar"}, "category": "id"}),
            ),
            (
                "/v1/purposes",
                json!({"code": "survey", "name": {lang: "Survey"}, "description": {lang: "Survey"},
                                     "data_items": ["email"], "mandatory": false, "validity_days": 10, "retention_days": 10}),
            ),
            (
                "/v1/notices",
                json!({"code": "n-lang", "purposes": ["account"], "texts": {lang: notice_text("en")}}),
            ),
            (
                "/v1/consents",
                json!({"principal_id": "p-lang", "notice_id": cat.notice_id, "notice_version": 1,
                                     "language": lang, "decisions": all_granted(), "method": "web"}),
            ),
        ];
        for (path, body) in bodies {
            post_invalid_body(&s, path, body).await;
        }
    }
    // Supported but not in this notice.
    post_problem(
        &s,
        "/v1/consents",
        json!({"principal_id": "p-lang", "notice_id": cat.notice_id, "notice_version": 1,
               "language": "ur", "decisions": all_granted(), "method": "web"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "language_not_in_notice",
    )
    .await;
    // A notice in a language its purposes have no names in cannot be shown whole.
    post_problem(
        &s,
        "/v1/notices",
        json!({"code": "n-ta", "purposes": ["account"], "texts": {"ta": notice_text("ta")}}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_translation",
    )
    .await;
    before.assert_unchanged(&s).await;
}

#[tokio::test]
async fn invalid_catalogue_values_are_422_and_change_nothing() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let before = Before::take(&s, &[]).await;
    for (body, code) in invalid_items() {
        post_problem(
            &s,
            "/v1/data-items",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    for (body, code) in invalid_purposes() {
        post_problem(
            &s,
            "/v1/purposes",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    for (body, code) in invalid_notices() {
        post_problem(
            &s,
            "/v1/notices",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    // Editing a draft follows the same rules, and the code is fixed.
    let notice_path = format!("/v1/notices/{}", cat.notice_id);
    let put = |body: Value| s.put(&notice_path, body);
    for (body, code) in [
        (
            json!({"code": "renamed", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
            "code_immutable",
        ),
        (
            json!({"code": "registration", "purposes": [], "texts": {"en": notice_text("en")}}),
            "invalid_purposes",
        ),
        (
            json!({"code": "registration", "purposes": ["account"], "texts": {"ta": notice_text("ta")}}),
            "missing_translation",
        ),
    ] {
        let (st, v) = put(body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        check_problem_body(&v, StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    before.assert_unchanged(&s).await;
    let (_, n) = s.get(&format!("/v1/notices/{}", cat.notice_id)).await;
    assert_eq!(n["draft_changed"], false);

    // The longest valid code is accepted (and then exists).
    let max_code = "a".repeat(64);
    let (st, v) = s
        .post("/v1/data-items", item(&max_code, json!({"en": "x"}), "id"))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
}

/// A data item's creation body.
fn item(code: &str, name: Value, category: &str) -> Value {
    json!({"code": code, "name": name, "category": category})
}

/// Data items refused with 422, each with its problem code.
fn invalid_items() -> Vec<(Value, &'static str)> {
    let long_code = "a".repeat(65);
    vec![
        (item("", json!({"en": "x"}), "id"), "invalid_code"),
        (item("Aadhaar", json!({"en": "x"}), "id"), "invalid_code"),
        (item("aad haar", json!({"en": "x"}), "id"), "invalid_code"),
        (item("-aadhaar", json!({"en": "x"}), "id"), "invalid_code"),
        (item("_aadhaar", json!({"en": "x"}), "id"), "invalid_code"),
        (item("आधार", json!({"en": "x"}), "id"), "invalid_code"),
        (item(&long_code, json!({"en": "x"}), "id"), "invalid_code"),
        (item("aadhaar", json!({"en": "x"}), "ID"), "invalid_code"),
        (item("aadhaar", json!({"en": "x"}), ""), "invalid_code"),
        (item("aadhaar", json!({}), "id"), "missing_translation"),
        (item("aadhaar", json!({"en": ""}), "id"), "invalid_text"),
        (item("aadhaar", json!({"en": "   "}), "id"), "invalid_text"),
        (
            item("aadhaar", json!({"en": "a\u{0}b"}), "id"),
            "invalid_text",
        ),
        (
            item("aadhaar", json!({"en": "x".repeat(201)}), "id"),
            "invalid_text",
        ),
    ]
}

/// Purposes refused with 422, each with its problem code (a valid purpose `survey`, changed in
/// one way).
fn invalid_purposes() -> Vec<(Value, &'static str)> {
    let purpose = |f: &dyn Fn(&mut Value)| {
        let mut p = json!({"code": "survey", "name": {"en": "Survey", "hi": "सर्वेक्षण"}, "description": {"en": "A survey", "hi": "एक सर्वेक्षण"},
                           "data_items": ["email"], "mandatory": false, "validity_days": 30, "retention_days": 30});
        f(&mut p);
        p
    };
    vec![
        (purpose(&|p| p["code"] = json!("Survey!")), "invalid_code"),
        (
            purpose(&|p| p["validity_days"] = json!(0)),
            "invalid_validity",
        ),
        (
            purpose(&|p| p["validity_days"] = json!(3651)),
            "invalid_validity",
        ),
        (
            purpose(&|p| p["retention_days"] = json!(36501)),
            "invalid_retention",
        ),
        (
            purpose(&|p| p["data_items"] = json!([])),
            "invalid_data_items",
        ),
        (
            purpose(&|p| p["data_items"] = json!(["email", "email"])),
            "invalid_data_items",
        ),
        (
            purpose(&|p| p["data_items"] = json!(["aadhaar"])),
            "unknown_data_item",
        ),
        (purpose(&|p| p["name"] = json!({})), "missing_translation"),
        (purpose(&|p| p["name"] = json!({"en": ""})), "invalid_text"),
        (
            purpose(&|p| p["description"] = json!({"en": "A survey"})),
            "missing_translation",
        ),
        (
            purpose(&|p| p["description"]["en"] = json!("")),
            "invalid_text",
        ),
        (
            purpose(&|p| p["description"]["en"] = json!("x".repeat(4001))),
            "invalid_text",
        ),
        (
            purpose(&|p| p["legal_basis"] = json!("legal_obligation")),
            "legal_reference_required",
        ),
        (
            purpose(&|p| p["legal_basis"] = json!("legitimate_use")),
            "legal_reference_required",
        ),
        (
            purpose(&|p| {
                p["legal_basis"] = json!("legal_obligation");
                p["legal_reference"] = json!(" ");
            }),
            "invalid_text",
        ),
    ]
}

/// Notices refused with 422, each with its problem code (a valid notice `survey-notice`,
/// changed in one way).
fn invalid_notices() -> Vec<(Value, &'static str)> {
    let notice = |f: &dyn Fn(&mut Value)| {
        let mut n = json!({"code": "survey-notice", "purposes": ["account", "marketing"],
                           "texts": {"en": notice_text("en"), "hi": notice_text("hi")}});
        f(&mut n);
        n
    };
    vec![
        (
            notice(&|n| n["code"] = json!("Survey Notice")),
            "invalid_code",
        ),
        (notice(&|n| n["purposes"] = json!([])), "invalid_purposes"),
        (
            notice(&|n| n["purposes"] = json!(["account", "account"])),
            "invalid_purposes",
        ),
        (
            notice(&|n| n["purposes"] = json!(["account", "survey"])),
            "unknown_purpose",
        ),
        (notice(&|n| n["texts"] = json!({})), "missing_translation"),
        (
            notice(&|n| n["texts"]["en"]["title"] = json!("")),
            "invalid_text",
        ),
        (
            notice(&|n| n["texts"]["hi"]["rights"] = json!(" \n ")),
            "invalid_text",
        ),
        (
            notice(&|n| n["texts"]["en"]["grievance_contact"] = json!("x".repeat(1001))),
            "invalid_text",
        ),
        (
            notice(&|n| n["texts"]["en"]["summary"] = json!("bell\u{7}")),
            "invalid_text",
        ),
    ]
}
