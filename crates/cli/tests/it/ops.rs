//! What operators watch (issue 23, item 5): `/metrics` behind its token, read by the
//! Prometheus project's own parser (prometheus_client's OpenMetrics parser, from PyPI;
//! `.ci/run` installs it), and `/readyz`.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TOKEN: &str = "metrics-test-token-0123456789";

/// The samples of an OpenMetrics text as the reference parser reads them: name, labels, value.
fn parse(text: &str) -> Vec<(String, Value, f64)> {
    use std::io::Write;
    let script = r#"
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append([s.name, s.labels, s.value])
print(json.dumps(out))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the parser refused the metrics (pip install prometheus-client; .ci/run does): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<(String, Value, f64)> = serde_json::from_slice(&out.stdout).unwrap();
    v
}

fn value(samples: &[(String, Value, f64)], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .filter(|(n, l, _)| n == name && labels.iter().all(|(k, v)| l[*k] == *v))
        .map(|(_, _, v)| *v)
        .reduce(|a, b| a + b)
}

async fn scrape(s: &TestServer, token: Option<&str>) -> (StatusCode, String, String) {
    let mut r = http().get(format!("{}/metrics", s.url));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

#[tokio::test]
async fn metrics_need_their_token_and_parse_with_the_prometheus_parser() {
    // Without a configured token there is no /metrics at all.
    let plain = TestServer::start().await;
    assert_eq!(scrape(&plain, Some(TOKEN)).await.0, StatusCode::NOT_FOUND);

    let s = TestServer::start_with(|c| {
        c.metrics_token = Some(TOKEN.into());
        c.notify_interval_ms = 3_600_000;
        c.escalation_interval_ms = 3_600_000;
    })
    .await;
    assert_eq!(scrape(&s, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        scrape(&s, Some("metrics-test-token-012345678X")).await.0,
        StatusCode::UNAUTHORIZED
    );

    let cat = s.seed().await;
    let a = s.collect_ok(&cat, "CUST-9001", all_granted()).await;
    assert_eq!(s.validate("CUST-9001", "marketing").await["valid"], true);
    assert_eq!(s.validate("CUST-9002", "marketing").await["valid"], false);
    let (st, _) = s.get(&format!("/v1/consents/{}", id_of(&a))).await;
    assert_eq!(st, StatusCode::OK);
    // A grievance: one open case, on track; 100 days later, overdue.
    let (me, _) = s.principal_token("CUST-9001", Some(3600)).await;
    let (st, v) = me
        .call(
            reqwest::Method::POST,
            "/v1/me/grievances",
            Some(json!({"description": "Calls after I withdrew"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    let (st, ct, text) = scrape(&s, Some(TOKEN)).await;
    assert_eq!(st, StatusCode::OK, "{text}");
    assert!(ct.starts_with("application/openmetrics-text"), "{ct}");
    let m = parse(&text);
    let validate = [
        ("route", "/v1/consents/validate"),
        ("method", "POST"),
        ("status", "200"),
    ];
    assert_eq!(
        value(&m, "anumodan_http_requests_total", &validate),
        Some(2.0)
    );
    // Routes are templates: a consent's id never becomes a label.
    assert!(
        value(
            &m,
            "anumodan_http_requests_total",
            &[("route", "/v1/consents/{id}")]
        )
        .is_some()
    );
    assert!(!text.contains(&id_of(&a)), "an id in the metrics");
    assert!(!text.contains("CUST-9001"), "personal data in the metrics");
    assert_eq!(
        value(
            &m,
            "anumodan_http_request_duration_seconds_count",
            &[("route", "/v1/consents/validate")]
        ),
        Some(2.0)
    );
    assert_eq!(
        value(&m, "anumodan_validations_total", &[("valid", "true")]),
        Some(1.0)
    );
    assert_eq!(
        value(
            &m,
            "anumodan_validations_total",
            &[("valid", "false"), ("reason", "not_found")]
        ),
        Some(1.0)
    );
    assert!(value(&m, "anumodan_ledger_entries", &[]).unwrap() >= 3.0);
    assert_eq!(
        value(
            &m,
            "anumodan_open_cases",
            &[("kind", "grievance"), ("sla", "on_track")]
        ),
        Some(1.0)
    );
    // Every background job is listed with the time since it last ran well.
    for job in s.jobs().names() {
        assert!(
            value(&m, "anumodan_job_seconds_since_success", &[("job", job)]).is_some(),
            "{job}"
        );
    }

    // The case's deadline passes; a delivery waits; the scrape says so.
    s.advance_days(100);
    let (_, _, text) = scrape(&s, Some(TOKEN)).await;
    let m = parse(&text);
    assert_eq!(
        value(
            &m,
            "anumodan_open_cases",
            &[("kind", "grievance"), ("sla", "overdue")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &m,
            "anumodan_open_cases",
            &[("kind", "grievance"), ("sla", "on_track")]
        ),
        None,
        "a state that emptied is gone"
    );
    // Refusals before routing are counted too (here: a path and query over the limit).
    let long = format!("{}/v1/consents?{}", s.url, "x".repeat(9000));
    let r = http().get(long).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::URI_TOO_LONG);
    let (_, _, text) = scrape(&s, Some(TOKEN)).await;
    let m = parse(&text);
    assert_eq!(
        value(
            &m,
            "anumodan_http_requests_total",
            &[("route", "(refused)"), ("status", "414")]
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn readyz_reports_the_store_the_writer_and_each_job() {
    let s = TestServer::start().await;
    for name in s.jobs().names() {
        s.jobs().run_once(s.state(), name).await.unwrap();
    }
    let r = http()
        .get(format!("{}/readyz", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["ready"], true, "{v}");
    assert_eq!(v["store"], true);
    assert_eq!(v["ledger_writer"], true);
    for name in s.jobs().names() {
        assert_eq!(v["jobs"][name]["well"], true, "{name}: {v}");
        assert!(
            v["jobs"][name]["seconds_since_success"].is_number(),
            "{name}"
        );
    }
    // /healthz stays the cheap probe: nothing but that the process is up.
    let r = http()
        .get(format!("{}/healthz", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// Every entry of the fiduciary's ledger in `[from, to)`, through the audit API.
async fn ledger_entries(s: &TestServer, from: &str, to: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/audit/entries?from={from}&to={to}&limit=1000");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (st, page) = s.get(&path).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

/// The DPO's compliance report (issue 23, item 3): its consent and validation figures are
/// recounted here from the ledger's entries, read through the audit API; cases and alerts are
/// checked against what the test did; CSV and PDF carry the same figures; an empty or reversed
/// period is refused and changes nothing.
#[tokio::test]
async fn the_compliance_report_recounts_from_the_ledger_and_refuses_bad_periods() {
    let s = TestServer::start_with(|c| {
        c.notify_interval_ms = 3_600_000;
        c.escalation_interval_ms = 3_600_000;
    })
    .await;
    let cat = s.seed().await;
    let a1 = s.collect_ok(&cat, "R-1", all_granted()).await;
    s.collect_ok(
        &cat,
        "R-2",
        decisions("granted", "denied", "denied", "granted"),
    )
    .await;
    s.collect_ok(&cat, "R-3", all_granted()).await;
    s.act_ok(&id_of(&a1), "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    for (p, purpose) in [
        ("R-1", "account"),
        ("R-1", "marketing"),
        ("R-2", "marketing"),
        ("R-9", "account"),
    ] {
        s.validate(p, purpose).await;
    }
    let (me, _) = s.principal_token("R-3", Some(3600)).await;
    let (st, v) = me
        .call(
            reqwest::Method::POST,
            "/v1/me/grievances",
            Some(json!({"description": "I was called after refusing"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    let fmt = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let (from, to) = (
        fmt(T0 - time::Duration::hours(1)),
        fmt(T0 + time::Duration::days(1)),
    );
    let (st, r) = s
        .get(&format!("/v1/reports/compliance?from={from}&to={to}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    // Recount from the ledger.
    let entries = ledger_entries(&s, &from, &to).await;
    let mut want: std::collections::BTreeMap<(String, &str), u64> = Default::default();
    let mut reasons: std::collections::BTreeMap<String, u64> = Default::default();
    for e in &entries {
        let action = e["action"].as_str().unwrap();
        if action == "consent.validated" {
            *reasons
                .entry(e["outcome"].as_str().unwrap().to_string())
                .or_default() += 1;
            continue;
        }
        let Some(purpose) = e["purpose"].as_str() else {
            continue;
        };
        let metric = match (action, e["status"].as_str()) {
            ("consent.collected", Some("denied")) => "denied",
            ("consent.collected", _) => "granted",
            ("consent.updated", _) => "updated",
            ("consent.renewed", _) => "renewed",
            ("consent.withdrawn", _) => "withdrawn",
            ("consent.expired", _) => "expired",
            _ => continue,
        };
        *want.entry((purpose.to_string(), metric)).or_default() += 1;
    }
    let mut got: std::collections::BTreeMap<(String, &str), u64> = Default::default();
    for p in r["purposes"].as_array().unwrap() {
        for m in [
            "granted",
            "denied",
            "updated",
            "renewed",
            "withdrawn",
            "expired",
        ] {
            let n = p[m].as_u64().unwrap();
            if n > 0 {
                got.insert((p["purpose"].as_str().unwrap().to_string(), m), n);
            }
        }
    }
    assert_eq!(got, want, "{r}");
    // And what the test did: 3 collections, R-2 refusing two purposes, one withdrawal.
    assert_eq!(want[&("account".to_string(), "granted")], 3);
    assert_eq!(want[&("marketing".to_string(), "denied")], 1);
    assert_eq!(want[&("marketing".to_string(), "withdrawn")], 1);
    let by_reason: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(r["validations"]["by_reason"].clone()).unwrap();
    assert_eq!(by_reason, reasons);
    assert_eq!(r["validations"]["total"], 4);
    assert_eq!(r["validations"]["valid"], 1);
    assert_eq!(r["cases"]["filed"], 1);
    assert_eq!(r["cases"]["open_overdue"], 0);
    // A period ending after the case's deadline: it is open and overdue at its end.
    let late = fmt(T0 + time::Duration::days(120));
    let (_, r2) = s
        .get(&format!("/v1/reports/compliance?from={from}&to={late}"))
        .await;
    assert_eq!(r2["cases"]["open_overdue"], 1, "{r2}");

    // The CSV carries the same figures.
    let csv = http()
        .get(format!(
            "{}/v1/reports/compliance?from={from}&to={to}&format=csv",
            s.url
        ))
        .bearer_auth(&s.key)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("consents,account,granted,3\r\n"), "{csv}");
    assert!(csv.contains("validations,total,,4\r\n"), "{csv}");
    // The PDF, read back by pdftotext.
    let pdf = http()
        .get(format!(
            "{}/v1/reports/compliance?from={from}&to={to}&format=pdf",
            s.url
        ))
        .bearer_auth(&s.key)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let o = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: .ci/run installs it");
    let text = String::from_utf8(o.stdout).unwrap();
    for w in ["Compliance report", "account", "marketing", "not_found"] {
        assert!(text.contains(w), "{w} not in the PDF:\n{text}");
    }

    // Refusals: empty, reversed, too long, unreadable; none writes anything.
    let before = ledger_entries(&s, &from, &late).await.len();
    for (f, t, code) in [
        (&from, &from, "invalid_period"),
        (&to, &from, "invalid_period"),
        (
            &from,
            &fmt(T0 + time::Duration::days(500)),
            "invalid_period",
        ),
    ] {
        let (st, v) = s
            .get(&format!("/v1/reports/compliance?from={f}&to={t}"))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], code);
    }
    let (st, v) = s
        .get(&format!("/v1/reports/compliance?from=yesterday&to={to}"))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let (st, _) = s
        .get(&format!(
            "/v1/reports/compliance?from={from}&to={to}&format=xls"
        ))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(ledger_entries(&s, &from, &late).await.len(), before);
}
