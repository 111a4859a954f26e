//! The hosted consent page (issue 22, item 2): a fiduciary creates a consent request over the
//! API, the principal answers on the page, the decision is recorded as a web collection and
//! the page returns to the fiduciary with the outcome; and everything that must be refused is,
//! without recording anything.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A client that does not follow redirects (to see where the page sends the principal).
fn no_redirect() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Posts the page's form without following the answer's redirect.
async fn post_form(page: &str, fields: &[(String, String)]) -> reqwest::Response {
    no_redirect().post(page).form(fields).send().await.unwrap()
}

/// A server on loopback that allows loopback return addresses, the standard catalogue, and the
/// server's own origin on the fiduciary's return list.
async fn setup() -> (TestServer, Catalog) {
    let s = TestServer::start_with(|c| c.allow_loopback_endpoints = true).await;
    let cat = s.seed().await;
    let (st, v) = s
        .put(
            "/v1/web-settings",
            json!({"return_origins": [format!("{}/", s.url)]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["return_origins"], json!([s.url]));
    (s, cat)
}

/// Creates a consent request for `principal`; returns the answer.
async fn request(s: &TestServer, cat: &Catalog, principal: &str, extra: Value) -> Value {
    let mut body = json!({"principal_id": principal, "notice_id": cat.notice_id,
        "return_url": format!("{}/?from=consent", s.url), "state": "st-42"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (st, v) = s.post("/v1/consent-requests", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v
}

/// The form fields that answer each purpose of the standard catalogue, with the page's CSRF
/// field read from its HTML.
fn form(html: &str, decisions: &[(&str, &str)], all: &str) -> Vec<(String, String)> {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    let csrf = html[at..at + html[at..].find('"').unwrap()].to_string();
    let mut f = vec![
        ("csrf".to_string(), csrf),
        ("lang".to_string(), "en".to_string()),
    ];
    for (p, d) in decisions {
        f.push((format!("purpose-{p}"), d.to_string()));
    }
    f.push(("all".into(), all.into()));
    f
}

async fn consents_of(s: &TestServer, principal: &str) -> Vec<Value> {
    let (st, v) = s.get(&format!("/v1/principals/{principal}/consents")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_page_shows_every_purpose_and_item_with_nothing_chosen_and_equal_buttons() {
    let (s, cat) = setup().await;
    let r = request(&s, &cat, "p-page", json!({"language": "hi"})).await;
    let url = r["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("/consent/{}/", r["id"].as_str().unwrap())));
    let res = http().get(format!("{}{url}", s.url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains(&format!("form-action 'self' {}", s.url)),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    // The request's language (Hindi), every purpose and data item in it.
    assert!(html.contains("<html lang=\"hi\""));
    for name in [
        "खाता",
        "विपणन",
        "विश्लेषण",
        "कर रिकॉर्ड",
        "नाम",
        "मोबाइल नंबर",
        "ई-मेल",
        "पैन",
    ] {
        assert!(html.contains(name), "{name} missing");
    }
    // One pair of radios per purpose, none chosen; three buttons alike, none emphasised.
    assert_eq!(html.matches("type=\"radio\"").count(), 8);
    assert!(!html.contains("checked"));
    for p in ["account", "marketing", "analytics", "tax_records"] {
        assert_eq!(html.matches(&format!("name=\"purpose-{p}\"")).count(), 2);
    }
    assert_eq!(
        html.matches("<button type=\"submit\" name=\"all\"").count(),
        3
    );
    assert!(!html.contains("primary"));
    // The notice text's hash, as published.
    let (_, nv) = s
        .get(&format!("/v1/notices/{}/versions/1", cat.notice_id))
        .await;
    let hash = nv["text_hashes"]["hi"].as_str().unwrap();
    assert!(html.contains(hash), "the text hash is shown");
    // Only the notice's languages are offered, and switching keeps the token.
    let escaped = url.replace('/', "&#x2f;");
    assert!(
        html.contains(&format!("href=\"{escaped}?lang=en\"")),
        "the switcher keeps the token"
    );
    assert!(!html.contains("?lang=ta"));
    let en = http()
        .get(format!("{}{url}?lang=en", s.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("<html lang=\"en\"") && en.contains("Marketing"));
    // A language the notice lacks falls back to the request's.
    let ta = http()
        .get(format!("{}{url}?lang=ta", s.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ta.contains("<html lang=\"hi\""));

    // Framing follows the fiduciary's setting.
    let (st, v) = s
        .put(
            "/v1/web-settings",
            json!({"return_origins": [s.url], "frame_ancestors": ["https://shop.example"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let res = http().get(format!("{}{url}", s.url)).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors https://shop.example"),
        "{csp}"
    );
    // Settings take origins only.
    for bad in ["https://shop.example/path", "http://shop.example", "*"] {
        let (st, v) = s
            .put("/v1/web-settings", json!({"frame_ancestors": [bad]}))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
        assert_eq!(v["code"], "invalid_origin");
    }
    let (_, v) = s.get("/v1/web-settings").await;
    assert_eq!(v["frame_ancestors"], json!(["https://shop.example"]));
}

#[tokio::test]
async fn a_submission_records_a_web_collection_and_returns_with_the_outcome() {
    let (s, cat) = setup().await;
    let r = request(&s, &cat, "p-web", json!({})).await;
    let page = format!("{}{}", s.url, r["url"].as_str().unwrap());
    let html = http()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fields = form(
        &html,
        &[
            ("account", "granted"),
            ("marketing", "denied"),
            ("analytics", "granted"),
            ("tax_records", "denied"),
        ],
        "each",
    );
    let res = post_form(&page, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = reqwest::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(to.origin().ascii_serialization(), s.url);
    let q: std::collections::HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(q["from"], "consent");
    assert_eq!(q["consent_request"], r["id"].as_str().unwrap());
    assert_eq!(q["outcome"], "partial");
    assert_eq!(q["state"], "st-42");
    // The artefact: a web collection in the request's session.
    let (st, a) = s.get(&format!("/v1/consents/{}", q["consent"])).await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!(a["method"], "web");
    // The session is the request's id (masked in the API's view like other personal data).
    let rid = r["id"].as_str().unwrap();
    let session = a["session_id"].as_str().unwrap();
    assert!(session.ends_with(&rid[rid.len() - 4..]), "{session}");
    assert_eq!(s.validate("p-web", "account").await["valid"], true);
    assert_eq!(s.validate("p-web", "analytics").await["valid"], true);
    let v = s.validate("p-web", "marketing").await;
    assert_eq!(
        (v["valid"].clone(), v["reason"].clone()),
        (json!(false), json!("denied"))
    );

    // A replay of the same submission is refused and records nothing.
    let res = post_form(&page, &fields).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert_eq!(consents_of(&s, "p-web").await.len(), 1);
    // So is opening the page again.
    let res = http().get(&page).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE);

    // Declining everything is a decision, recorded.
    let r = request(&s, &cat, "p-none", json!({})).await;
    let page = format!("{}{}", s.url, r["url"].as_str().unwrap());
    let html = http()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = post_form(&page, &form(&html, &[], "denied")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("outcome=denied"), "{to}");
    for p in ["account", "marketing", "analytics", "tax_records"] {
        assert_eq!(s.validate("p-none", p).await["reason"], "denied", "{p}");
    }
    let a = consents_of(&s, "p-none").await;
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["method"], "web");
}

#[tokio::test]
async fn refused_pages_and_submissions_record_nothing() {
    let (s, cat) = setup().await;
    // A return address off the allow-list is refused when the request is made.
    let (st, v) = s
        .post(
            "/v1/consent-requests",
            json!({"principal_id": "p-no", "notice_id": cat.notice_id,
                   "return_url": "https://elsewhere.example/back"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "return_url_not_allowed");

    let r = request(&s, &cat, "p-no", json!({})).await;
    let page = format!("{}{}", s.url, r["url"].as_str().unwrap());
    let html = http()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let all = [
        ("account", "granted"),
        ("marketing", "granted"),
        ("analytics", "granted"),
        ("tax_records", "granted"),
    ];
    // A wrong token: unknown, for the page and its form.
    let id = r["id"].as_str().unwrap();
    let wrong = format!("{}/consent/{id}/{}", s.url, "A".repeat(43));
    assert_eq!(
        http().get(&wrong).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // (its form's CSRF field, bound to the real token, does not match the wrong one)
    let res = post_form(&wrong, &form(&html, &all, "each")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A token of the wrong length, an id that is not one.
    for bad in [
        format!("{}/consent/{id}/short", s.url),
        format!("{}/consent/nope/{}", s.url, "A".repeat(43)),
    ] {
        assert_eq!(
            http().get(&bad).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
    }
    // No CSRF field, or another one.
    let mut fields = form(&html, &all, "each");
    fields.retain(|(k, _)| k != "csrf");
    let res = post_form(&page, &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    fields.push(("csrf".into(), "0".repeat(32)));
    let res = post_form(&page, &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Sent from another site.
    let res = no_redirect()
        .post(&page)
        .header("sec-fetch-site", "cross-site")
        .form(&form(&html, &all, "each"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A purpose left undecided: the form again, saying so, with what was chosen.
    let res = post_form(&page, &form(&html, &all[..3], "each")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = res.text().await.unwrap();
    assert!(again.contains("role=\"alert\""));
    assert_eq!(again.matches(" checked").count(), 3);
    // Too many fields.
    let mut many = form(&html, &all, "each");
    for i in 0..50 {
        many.push((format!("x{i}"), "y".into()));
    }
    let res = post_form(&page, &many).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The fiduciary takes the return origin off its list: the page no longer answers.
    let (st, _) = s
        .put(
            "/v1/web-settings",
            json!({"return_origins": ["https://shop.example"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let res = post_form(&page, &form(&html, &all, "each")).await;
    assert_eq!(res.status(), StatusCode::GONE);
    let (st, _) = s
        .put("/v1/web-settings", json!({"return_origins": [s.url]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    // Expired: 30 minutes by default.
    s.clock.advance(time::Duration::minutes(31));
    let res = post_form(&page, &form(&html, &all, "each")).await;
    assert_eq!(res.status(), StatusCode::GONE);
    let res = http().get(&page).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    // Nothing was recorded for the principal.
    assert!(consents_of(&s, "p-no").await.is_empty());
    assert_eq!(s.validate("p-no", "account").await["valid"], false);
    // A week past its expiry the housekeeping job deletes the request (its sealed body and
    // the pseudonym that ties it to the principal): the link is then unknown, not expired.
    s.clock.advance(time::Duration::days(6));
    s.run_expiry().await;
    let res = http().get(&page).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::GONE,
        "kept for a week after expiry"
    );
    s.clock.advance(time::Duration::days(1));
    s.run_expiry().await;
    let res = http().get(&page).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_principal_who_needs_a_guardian_is_told_and_nothing_is_recorded() {
    let (s, cat) = setup().await;
    let r = request(&s, &cat, "p-child", json!({"requires_guardian": true})).await;
    let page = format!("{}{}", s.url, r["url"].as_str().unwrap());
    let html = http()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("guardian"));
    assert!(!html.contains("type=\"radio\""));
    // Even a well-formed submission records nothing.
    let token = page.rsplit('/').next().unwrap();
    let fake = vec![
        (
            "csrf".to_string(),
            anumodan_core::consent_page::form_token(token),
        ),
        ("all".to_string(), "granted".to_string()),
    ];
    let res = post_form(&page, &fake).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(consents_of(&s, "p-child").await.is_empty());
}

#[tokio::test]
async fn the_page_in_a_browser_collects_by_clicking_with_and_without_javascript() {
    let (s, cat) = setup().await;
    let mut urls = vec![];
    for p in ["p-click", "p-nojs"] {
        let r = request(&s, &cat, p, json!({})).await;
        urls.push(r["url"].as_str().unwrap().to_string());
    }
    let out = run_browser("web/consent-collect.mjs", &s.url, &[&urls.join(",")]).await;
    for key in ["js", "nojs"] {
        let run = &out[key];
        let landed = reqwest::Url::parse(run["landed"].as_str().unwrap()).unwrap();
        assert_eq!(landed.origin().ascii_serialization(), s.url, "{key}: {run}");
        let q: std::collections::HashMap<String, String> =
            landed.query_pairs().into_owned().collect();
        assert_eq!(q["outcome"], "partial", "{key}");
        assert_eq!(q["state"], "st-42", "{key}");
    }
    for p in ["p-click", "p-nojs"] {
        assert_eq!(s.validate(p, "account").await["valid"], true, "{p}");
        assert_eq!(s.validate(p, "marketing").await["reason"], "denied", "{p}");
        let a = consents_of(&s, p).await;
        assert_eq!(a[0]["method"], "web");
    }
}

#[tokio::test]
async fn the_page_is_accessible_in_english_hindi_and_urdu_and_urdu_is_right_to_left() {
    let (s, _) = setup().await;
    // A notice in English, Hindi and Urdu.
    let ur = json!({
        "title": "رجسٹریشن نوٹس", "summary": "ہم آپ کا نام اور موبائل نمبر جمع کرتے ہیں۔",
        "rights": "آپ اپنا ڈیٹا دیکھ، درست اور حذف کر سکتے ہیں۔", "retention_policy": "مقصد پورا ہونے تک۔",
        "withdrawal_policy": "کسی بھی وقت واپس لیں۔", "grievance_contact": "grievance@example.in"});
    let (st, v) = s
        .post("/v1/data-items", json!({"code": "phone", "name": {"en": "Phone", "hi": "फ़ोन", "ur": "فون"}, "category": "contact"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    for (code, en, hi, ur) in [
        ("service", "Service", "सेवा", "سروس"),
        ("offers", "Offers", "ऑफ़र", "پیشکش"),
    ] {
        let (st, v) = s
            .post(
                "/v1/purposes",
                json!({"code": code, "mandatory": false, "validity_days": 90, "retention_days": 90,
                "data_items": ["phone"], "name": {"en": en, "hi": hi, "ur": ur},
                "description": {"en": en, "hi": hi, "ur": ur}}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let (st, n) = s
        .post(
            "/v1/notices",
            json!({"code": "multi", "purposes": ["service", "offers"],
                   "texts": {"en": notice_text("en"), "hi": notice_text("hi"), "ur": ur}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let nid = n["id"].as_str().unwrap().to_string();
    let (st, v) = s.publish(&nid, json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, r) = s
        .post(
            "/v1/consent-requests",
            json!({"principal_id": "p-a11y", "notice_id": nid, "return_url": format!("{}/", s.url)}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let url = r["url"].as_str().unwrap();
    let out = run_browser("web/pages-axe.mjs", &s.url, &[url, "en,hi,ur"]).await;
    for lang in ["en", "hi", "ur"] {
        let p = &out["pages"][format!("{url}?lang={lang}")];
        assert_eq!(p["status"], 200, "{lang}: {p}");
        assert_eq!(p["violations"], json!([]), "{lang}: {p}");
        assert_eq!(p["dir"], if lang == "ur" { "rtl" } else { "ltr" }, "{lang}");
    }
    // Right to left: the Urdu heading sits against the right edge.
    let ur = &out["pages"][format!("{url}?lang=ur")];
    assert!(
        ur["h1_right_gap"].as_f64().unwrap() < ur["h1_left_gap"].as_f64().unwrap(),
        "{ur}"
    );
}
