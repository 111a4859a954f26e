//! `anumodan demo` prints a key and curl examples that work as written.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

#[tokio::test]
async fn demo_prints_a_key_and_curl_examples_that_work() {
    let t = temp();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    // TMPDIR: the demo's temporary data directory goes inside this test's own.
    let mut c = anumodan_cmd(&["demo", "--listen", &format!("127.0.0.1:{port}")]);
    c.env("TMPDIR", t.path());
    let mut p = Proc::spawn(c, t.path(), "demo");
    let deadline = Deadline::after(PROCESS_WAIT);
    let out = loop {
        let out = p.stdout();
        if out.contains("Press Ctrl-C to stop.") {
            break out;
        }
        if let Some(st) = p.child.try_wait().unwrap() {
            panic!("demo exited ({st}):\n{}", p.logs());
        }
        deadline
            .tick(Duration::from_millis(25), || {
                format!("no banner:\n{}", p.logs())
            })
            .await;
    };
    assert!(
        out.contains(&format!("Anumodan demo is running at {url}")),
        "{out}"
    );
    let field = |label: &str| -> String {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .unwrap_or_else(|| panic!("no {label} in:\n{out}"))
            .trim()
            .to_string()
    };
    let key = field("API key:");
    assert!(key.starts_with("anm_"), "{key}");
    let data_dir = PathBuf::from(field("data directory:"));
    assert!(data_dir.starts_with(t.path()), "{data_dir:?}");
    assert!(has_store(&data_dir));
    assert!(out.contains(&format!("{url}/openapi.json")));
    assert!(out.contains("curl "), "{out}");
    // The hosted consent page for the demo citizen opens, with a choice per purpose.
    let page = field("consent page:");
    assert!(page.starts_with(&format!("{url}/consent/")), "{page}");
    let r = http().get(&page).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("type=\"radio\"") && !html.contains("checked"),
        "{html}"
    );

    // The curl examples, run as written (their URLs, headers and bodies).
    let api = FiduciaryClient::new(http(), &url, &key);
    let bodies: Vec<Value> = out
        .split("-d '")
        .skip(1)
        .map(|rest| {
            let json = &rest[..rest.find('\'').unwrap()];
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
        })
        .collect();
    assert_eq!(
        bodies.len(),
        7,
        "a collect, a validate, a principal token, a withdrawal, a grievance, a request and a \
         resolution example:\n{out}"
    );
    assert!(out.contains(&format!(
        "curl -s -X POST {url}/v1/consents -H 'Authorization: Bearer {key}'"
    )));
    assert!(out.contains(&format!(
        "curl -s -X POST {url}/v1/consents/validate -H 'Authorization: Bearer {key}'"
    )));
    // Before the collection, the validation says there is no consent.
    let (st, v) = api.post("/v1/consents/validate", bodies[1].clone()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(v["reason"], "not_found", "{v}");
    let (st, a) = api.post("/v1/consents", bodies[0].clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let (st, v) = api.post("/v1/consents/validate", bodies[1].clone()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["consent_id"], a["id"]);
    // The citizen's own view: a token, then /v1/me.
    let (st, t) = api.post("/v1/principal-tokens", bodies[2].clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    assert!(out.contains(&format!("{url}/v1/me/consents")), "{out}");
    let me = PrincipalClient::new(api.client.clone(), &url, t["token"].as_str().unwrap());
    let (st, mine) = me.consents().await;
    assert_eq!(st, StatusCode::OK, "{mine}");
    assert_eq!(mine["items"][0]["id"], a["id"]);
    assert_eq!(mine["items"][0]["principal_id"], "******n-42");
    // The dashboard: the token posted to the hand-off form opens it.
    assert!(out.contains(&format!("{url}/me/hand-off")), "{out}");
    let fid = field("fiduciary:");
    let fid = fid.split("id ").nth(1).unwrap();
    assert!(out.contains(&format!("{url}/me/{fid}/sign-in")), "{out}");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = browser
        .post(format!("{url}/me/hand-off"))
        .form(&[("token", t["token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = browser
        .get(format!("{url}/me"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("data-purpose=\"sms_alerts\"")
    );
    // What operators watch: the printed metrics command works with its token; /readyz.
    let metrics_line = out
        .lines()
        .find(|l| l.contains(&format!("{url}/metrics")))
        .expect("the metrics example");
    let token = metrics_line
        .split("Bearer ")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .unwrap();
    let r = browser
        .get(format!("{url}/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("anumodan_http_requests_total")
    );
    let r = browser.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(out.contains(&format!("{url}/me/export.pdf")), "{out}");
    // The withdrawal example: the citizen is told, the processor alerted, and it confirms.
    let id = a["id"].as_str().unwrap();
    assert!(out.contains("/v1/consents/<id>/withdraw"), "{out}");
    let (st, w) = api
        .post(&format!("/v1/consents/{id}/withdraw"), bodies[3].clone())
        .await;
    assert_eq!(st, StatusCode::OK, "{w}");
    let pkey = field("processor key:");
    let processor = FiduciaryClient::new(http(), &url, &pkey);
    let deadline = Deadline::after(std::time::Duration::from_secs(10));
    let alert = loop {
        let (st, alerts) = processor.get("/v1/alerts").await;
        assert_eq!(st, StatusCode::OK, "{alerts}");
        if let Some(a) = alerts["items"].as_array().and_then(|i| i.first()) {
            break a.clone();
        }
        deadline
            .tick(std::time::Duration::from_millis(50), || "no alert".into())
            .await;
    };
    assert_eq!(alert["purposes"], serde_json::json!(["sms_alerts"]));
    let (st, acked) = processor
        .post(
            &format!("/v1/alerts/{}/acknowledge", alert["id"].as_str().unwrap()),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{acked}");
    let (st, inbox) = me.get("/v1/me/notifications").await;
    assert_eq!(st, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["items"][0]["kind"], "consent_withdrawn", "{inbox}");
    assert_eq!(inbox["items"][0]["language"], "hi", "{inbox}");
    // The grievance and request examples: filed by the citizen, answered by staff, the
    // summary downloaded.
    let (st, g) = me
        .call(
            reqwest::Method::POST,
            "/v1/me/grievances",
            Some(bodies[4].clone()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    assert!(g["reference"].as_str().unwrap().starts_with("GRV-"), "{g}");
    assert_eq!(g["category"], "consent_misuse", "{g}");
    let (st, r) = me
        .call(
            reqwest::Method::POST,
            "/v1/me/requests",
            Some(bodies[5].clone()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let reference = r["reference"].as_str().unwrap();
    let (st, queue) = api.get("/v1/cases").await;
    assert_eq!(st, StatusCode::OK, "{queue}");
    assert_eq!(queue["items"].as_array().unwrap().len(), 2, "{queue}");
    assert!(out.contains("/v1/cases/<reference>/transition"), "{out}");
    let (st, done) = api
        .post(
            &format!("/v1/cases/{reference}/transition"),
            bodies[6].clone(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{done}");
    let (st, doc) = me
        .get(&format!("/v1/me/requests/{reference}/document"))
        .await;
    assert_eq!(st, StatusCode::OK, "{doc}");
    assert_eq!(doc["processing"][0]["artefact_id"], a["id"]);
    assert!(
        out.contains(&format!("{url}/v1/retention/upcoming")),
        "{out}"
    );
    // The notice example (Hindi).
    let notice_url = out
        .split('\'')
        .find(|s| s.starts_with(&format!("{url}/v1/notices/")))
        .unwrap_or_else(|| panic!("no notice URL in:\n{out}"));
    let (st, n) = api.get(notice_url.strip_prefix(&url).unwrap()).await;
    assert_eq!(st, StatusCode::OK, "{n}");
    // Without the key, nothing.
    let (st, _) = api
        .api_as("")
        .post("/v1/consents/validate", bodies[1].clone())
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // The sample page with the cookie banner, and the banner's configuration behind it.
    let page = field("cookie banner:");
    let page = page.split_whitespace().next().unwrap();
    let r = http().get(page).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("/widget/v1/consent.js"));
    let fid = page.rsplit('=').next().unwrap();
    let r = http()
        .get(format!("{url}/widget/v1/config/{fid}?lang=hi"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Ctrl-C / SIGTERM stops it and removes its temporary data directory.
    if p.terminate() {
        let status = p.wait_exit().await;
        assert!(status.success(), "{status}: {}", p.logs());
        assert!(!data_dir.exists(), "{data_dir:?} left behind");
    } else {
        eprintln!("no `kill` command: graceful stop of the demo not tested");
    }
}
