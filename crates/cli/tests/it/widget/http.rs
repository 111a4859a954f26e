//! The banner over HTTP: its configuration, the decisions (a consent in the ledger with its
//! categories and action), the preference cookie, GPC, and bad input that changes nothing.

use super::{banner, banner_outcomes, seed_banner};
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Posts a decision as the script does (same origin, JSON), with extra headers.
async fn decide(s: &TestServer, body: Value, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut r = http()
        .post(format!("{}/widget/v1/decisions", s.url))
        .header("content-type", "application/json");
    if !headers.iter().any(|(k, _)| *k == "sec-fetch-site") {
        r = r.header("sec-fetch-site", "same-origin");
    }
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(body.to_string()).send().await.unwrap()
}

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// The statuses of an artefact's purposes, by purpose.
async fn statuses(s: &TestServer, consent_id: &str) -> Vec<(String, String)> {
    let a = s.consent(consent_id).await;
    let purposes = a["artefact"]["purposes"]
        .as_array()
        .or_else(|| a["purposes"].as_array())
        .unwrap_or_else(|| panic!("no purposes in {a}"));
    purposes
        .iter()
        .map(|p| {
            (
                p["purpose"].as_str().unwrap().to_string(),
                p["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_banner_configuration_is_validated_and_a_refusal_changes_nothing() {
    let s = TestServer::start().await;
    let (st, v) = s.get("/v1/cookie-banner").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["code"], "cookie_banner_not_found");
    let notice = seed_banner(&s).await;
    let (st, saved) = s.get("/v1/cookie-banner").await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["expiry_days"], 180, "the default: {saved}");

    let mut twice = banner(&notice, 1);
    twice["categories"][1]["category"] = json!("essential");
    let mut missing = banner(&notice, 1);
    missing["categories"].as_array_mut().unwrap().pop();
    let mut bad_name = banner(&notice, 1);
    bad_name["categories"][1]["cookies"][0]["name"] = json!("a b");
    let mut bad_domain = banner(&notice, 1);
    bad_domain["categories"][2]["cookies"][0]["domain"] = json!("-x..example");
    let mut expiry = banner(&notice, 1);
    expiry["expiry_days"] = json!(400);
    let mut unknown_field = banner(&notice, 1);
    unknown_field["colour"] = json!("red");
    let mut not_a_category = banner(&notice, 1);
    not_a_category["categories"][1]["category"] = json!("tracking");
    let before = ledger_size(&s).await;
    for (body, code) in [
        (banner(&notice, 2), "notice_version_not_published"),
        (
            banner("00000000-0000-7000-8000-000000000000", 1),
            "notice_version_not_published",
        ),
        (twice, "invalid_cookie_banner"),
        (missing, "invalid_cookie_banner"),
        (bad_name, "invalid_cookie_banner"),
        (bad_domain, "invalid_cookie_banner"),
        (expiry, "invalid_cookie_banner"),
        (unknown_field, "invalid_body"),
        (not_a_category, "invalid_body"),
    ] {
        let (st, v) = s.put("/v1/cookie-banner", body.clone()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["code"], code, "{body}: {v}");
    }
    assert_eq!(ledger_size(&s).await, before, "a refusal writes nothing");
    let (_, after) = s.get("/v1/cookie-banner").await;
    assert_eq!(after, saved);
    // Without an API key: 401.
    let r = http()
        .get(format!("{}/v1/cookie-banner", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_decision_is_a_consent_in_the_ledger_with_its_categories_and_action_and_a_cookie() {
    let s = TestServer::start().await;
    seed_banner(&s).await;
    let before = ledger_size(&s).await;
    let r = decide(
        &s,
        json!({"fiduciary": s.fiduciary_id, "action": "customise", "categories": ["analytics"],
               "notice_version": 1, "language": "hi"}),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let cookies = set_cookies(&r);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["granted"], json!(["essential", "analytics"]), "{a}");
    assert_eq!(a["gpc"], false);
    // The preference cookie: first-party, the whole site, the banner's lifetime, readable by
    // the script (not HttpOnly), Lax, not Secure on plain loopback HTTP.
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let c = &cookies[0];
    let value = c
        .strip_prefix("anm_cc=")
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("{c}"));
    let parts: Vec<&str> = value.split('.').collect();
    assert_eq!(parts[..2], ["1", "essential+analytics"], "{c}");
    let visitor = parts[2].to_string();
    assert!(visitor.len() >= 16, "{c}");
    for attr in ["Path=/", "Max-Age=15552000", "SameSite=Lax"] {
        assert!(c.contains(attr), "{attr}: {c}");
    }
    assert!(!c.contains("HttpOnly") && !c.contains("Secure"), "{c}");

    // The consent: one decision per category's purpose, under the policy's notice, in Hindi.
    let id = a["consent_id"].as_str().unwrap();
    let mut st = statuses(&s, id).await;
    st.sort();
    assert_eq!(
        st,
        [
            ("site_ads".to_string(), "denied".to_string()),
            ("site_analytics".into(), "active".into()),
            ("site_cookies".into(), "active".into()),
        ]
    );
    // Three entries of the collection (one per purpose) and one of how it was made.
    assert_eq!(ledger_size(&s).await, before + 4);
    let principal = format!("cookie-visitor:{visitor}");
    assert_eq!(
        s.validate(&principal, "site_analytics").await["valid"],
        true
    );
    assert_eq!(s.validate(&principal, "site_ads").await["valid"], false);
    // In the ledger: how it was made, naming the artefact.
    let how = banner_outcomes(&s).await;
    assert_eq!(how, ["cookie_banner:customise"]);
    let entry = s
        .audit_entries("admin.action")
        .await
        .into_iter()
        .find(|e| e["outcome"] == "cookie_banner:customise")
        .unwrap();
    assert_eq!(entry["artefact"], id, "{entry}");

    // The same visitor withdraws analytics (their cookie names them): the latest decision.
    let r = decide(
        &s,
        json!({"fiduciary": s.fiduciary_id, "action": "reject_all", "notice_version": 1}),
        &[("cookie", &format!("anm_cc={value}"))],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let c = set_cookies(&r).remove(0);
    assert!(
        c.starts_with(&format!("anm_cc=1.essential.{visitor};")),
        "{c}"
    );
    assert_eq!(
        s.validate(&principal, "site_analytics").await["valid"],
        false
    );
    assert_eq!(s.validate(&principal, "site_cookies").await["valid"], true);
    // It is a withdrawal of the same artefact, not a fresh refusal: the history says so.
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["consent_id"], id, "{a}");
    let mut st = statuses(&s, id).await;
    st.sort();
    assert_eq!(
        st,
        [
            ("site_ads".to_string(), "denied".to_string()),
            ("site_analytics".into(), "withdrawn".into()),
            ("site_cookies".into(), "active".into()),
        ]
    );
    assert_eq!(
        s.validate(&principal, "site_analytics").await["reason"],
        "withdrawn"
    );
    // Accepting everything later grants both again, on the same artefact.
    let r = decide(
        &s,
        json!({"fiduciary": s.fiduciary_id, "action": "accept_all", "notice_version": 1}),
        &[("cookie", &format!("anm_cc=1.essential.{visitor}"))],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["consent_id"], id, "{a}");
    let st = statuses(&s, id).await;
    assert!(st.iter().all(|(_, status)| status == "active"), "{st:?}");
    assert_eq!(
        banner_outcomes(&s).await,
        [
            "cookie_banner:customise",
            "cookie_banner:reject_all",
            "cookie_banner:accept_all"
        ]
    );
}

#[tokio::test]
async fn the_gpc_signal_refuses_marketing_and_is_recorded() {
    let s = TestServer::start().await;
    seed_banner(&s).await;
    let r = decide(
        &s,
        json!({"fiduciary": s.fiduciary_id, "action": "accept_all", "notice_version": 1}),
        &[("sec-gpc", "1")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["granted"], json!(["essential", "analytics"]), "{a}");
    assert_eq!(a["gpc"], true);
    let mut st = statuses(&s, a["consent_id"].as_str().unwrap()).await;
    st.sort();
    assert_eq!(st[0], ("site_ads".to_string(), "denied".to_string()));
    let how = banner_outcomes(&s).await;
    assert_eq!(how, ["cookie_banner:accept_all gpc"]);
    // The script's own report of navigator.globalPrivacyControl counts the same.
    let r = decide(
        &s,
        json!({"fiduciary": s.fiduciary_id, "action": "customise", "categories": ["marketing"],
               "notice_version": 1, "gpc": true}),
        &[],
    )
    .await;
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["granted"], json!(["essential"]), "{a}");
}

#[tokio::test]
async fn a_bad_decision_is_refused_with_its_code_and_changes_nothing() {
    let s = TestServer::start().await;
    seed_banner(&s).await;
    let fid = s.fiduciary_id.clone();
    let before = ledger_size(&s).await;
    let ok = json!({"fiduciary": fid, "action": "accept_all", "notice_version": 1});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    for (body, status, code) in [
        (
            with("fiduciary", json!("00000000-0000-7000-8000-000000000000")),
            StatusCode::NOT_FOUND,
            "cookie_banner_not_found",
        ),
        (
            with("notice_version", json!(2)),
            StatusCode::CONFLICT,
            "policy_version_changed",
        ),
        (
            with("action", json!("accept_some")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            with("extra", json!(1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            with("categories", json!(["performance"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_category",
        ),
        (
            with(
                "categories",
                json!([
                    "analytics",
                    "analytics",
                    "analytics",
                    "analytics",
                    "analytics"
                ]),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            with("language", json!("x".repeat(3000))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
    ] {
        let r = decide(&s, body.clone(), &[]).await;
        assert_eq!(r.status(), status, "{body}");
        assert!(set_cookies(&r).is_empty(), "{body}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["code"], code, "{body}: {v}");
    }
    // Sent by another site, or as a form: refused.
    let r = decide(&s, ok.clone(), &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http()
        .post(format!("{}/widget/v1/decisions", s.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=accept_all")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A forged visitor id in the cookie is not used: a new one is issued.
    let r = decide(&s, ok.clone(), &[("cookie", "anm_cc=1.essential.x;y")]).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(ledger_size(&s).await, before + 4, "only the last one wrote");
}

#[tokio::test]
async fn the_script_is_cached_by_etag_and_the_config_speaks_the_visitor_s_language() {
    let s = TestServer::start().await;
    let r = http()
        .get(format!("{}/widget/v1/consent.js", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    let r = http()
        .get(format!("{}/widget/v1/consent.js", s.url))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    let config = |q: &'static str| {
        let url = format!("{}/widget/v1/config/{}{q}", s.url, s.fiduciary_id);
        async move {
            let r = http().get(url).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let (st, v) = config("").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "no banner yet: {v}");
    assert_eq!(v["code"], "cookie_banner_not_found");
    seed_banner(&s).await;
    let (st, v) = config("?lang=ur").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        (v["lang"].as_str(), v["dir"].as_str()),
        (Some("ur"), Some("rtl"))
    );
    assert_eq!(v["policy"]["language"], "ur");
    assert_eq!(v["policy"]["title"], "Registration notice (ur)");
    assert_eq!(v["notice_version"], 1);
    assert_eq!(v["categories"][1]["category"], "analytics");
    assert_eq!(v["categories"][1]["cookies"][0]["name"], "_demo_analytics");
    let ur_title = v["messages"]["title"].as_str().unwrap().to_string();
    // Tamil: the banner's messages in Tamil, the policy (which has no Tamil) in English.
    let (_, ta) = config("?lang=ta-IN").await;
    assert_eq!(ta["lang"], "ta");
    assert_eq!(ta["policy"]["language"], "en");
    assert_eq!(ta["dir"], "ltr");
    let (_, en) = config("?lang=fr").await;
    assert_eq!(en["messages"]["title"], "Cookies on this site");
    for m in [&ur_title, ta["messages"]["title"].as_str().unwrap()] {
        assert_ne!(m, "Cookies on this site");
        assert!(!m.starts_with("widget-"), "{m}");
    }
    // A malformed fiduciary id is simply not found.
    let r = http()
        .get(format!("{}/widget/v1/config/not-a-uuid", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
