//! The cookie banner (issue 22, item 5): its configuration API, the decisions recorded as
//! consents in the ledger, the preference cookie, GPC, and the banner in a real browser
//! (Chromium, axe-core; the script is `tests/browser/widget/banner.mjs`).

mod browser;
mod http;

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Seeds a cookie policy over the API: a data item, one purpose per category (`essential`,
/// `analytics`, `marketing`), a notice in English, Hindi and Urdu, published, and the banner
/// (analytics declares `_demo_analytics`, marketing `_demo_ads` on `.example.test`). Returns
/// the notice id.
pub async fn seed_banner(s: &TestServer) -> String {
    let post = |path: &'static str, body: Value| async move {
        let (st, v) = s.post(path, body).await;
        assert_eq!(st, StatusCode::CREATED, "{path}: {v}");
        v
    };
    post(
        "/v1/data-items",
        json!({"code": "cookie_id", "name": {"en": "Cookie identifier", "hi": "कुकी पहचानकर्ता", "ur": "کوکی شناخت کنندہ"}, "category": "online"}),
    )
    .await;
    for (code, mandatory, en) in [
        ("site_cookies", true, "Keeping the site working"),
        ("site_analytics", false, "Measuring visits"),
        ("site_ads", false, "Advertising"),
    ] {
        post("/v1/purposes", json!({"code": code, "mandatory": mandatory, "validity_days": 180, "retention_days": 180,
            "data_items": ["cookie_id"], "name": {"en": en, "hi": format!("{en} (hi)"), "ur": format!("{en} (ur)")},
            "description": {"en": format!("{en}."), "hi": format!("{en}. (hi)"), "ur": format!("{en}. (ur)")}}))
        .await;
    }
    let n = post(
        "/v1/notices",
        json!({"code": "cookie-policy",
        "purposes": ["site_cookies", "site_analytics", "site_ads"],
        "texts": {"en": notice_text("en"), "hi": notice_text("hi"), "ur": notice_text("ur")}}),
    )
    .await;
    let id = n["id"].as_str().unwrap().to_string();
    let (st, v) = s.publish(&id, json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = s.put("/v1/cookie-banner", banner(&id, 1)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    id
}

/// The test banner's configuration under notice version `version`.
pub fn banner(notice_id: &str, version: u32) -> Value {
    json!({
        "notice_id": notice_id,
        "notice_version": version,
        "categories": [
            {"category": "essential", "purpose": "site_cookies"},
            {"category": "analytics", "purpose": "site_analytics", "cookies": [{"name": "_demo_analytics"}]},
            {"category": "marketing", "purpose": "site_ads", "cookies": [{"name": "_demo_ads", "domain": ".example.test"}]}
        ]
    })
}

/// The outcomes of the ledger's entries saying how each banner decision was made, oldest
/// first (`cookie_banner:<action>[ gpc]`).
pub async fn banner_outcomes(s: &TestServer) -> Vec<String> {
    s.audit_entries("admin.action")
        .await
        .iter()
        .filter_map(|e| e["outcome"].as_str().map(str::to_string))
        .filter(|o| o.starts_with("cookie_banner:"))
        .collect()
}
