//! Every error path of the API: RFC 9457 problem details with stable codes, and a rejected
//! request changes nothing. Ends with a fuzz-style test: no input makes the server answer 5xx.

use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

mod bodies;
mod catalogue;
mod fuzz;
mod lifecycle;
mod problems;
mod routes;

/// Sends and returns status, headers and the parsed body.
async fn raw(
    s: &TestServer,
    method: Method,
    path: &str,
    key: Option<&str>,
    content_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = s.client.request(method, format!("{}{}", s.url, path));
    if let Some(k) = key {
        req = req.header("authorization", k);
    }
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    if let Some(b) = body {
        req = req.body(b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, v)
}

/// A body for assertion messages, cut short.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 400 {
        format!("{}...", s.chars().take(400).collect::<String>())
    } else {
        s
    }
}

/// Asserts an RFC 9457 problem response with the given status and code.
fn assert_problem(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &Value,
    want_status: StatusCode,
    want_code: &str,
) {
    assert_eq!(status, want_status, "{}", short(body));
    assert_eq!(
        headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("application/problem+json"),
        "{}",
        short(body)
    );
    check_problem_body(body, want_status, want_code);
}

fn check_problem_body(body: &Value, want_status: StatusCode, want_code: &str) {
    let obj = body
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {}", short(body)));
    for f in ["type", "title", "status", "detail", "code"] {
        assert!(obj.contains_key(f), "problem without {f}: {}", short(body));
    }
    assert_eq!(body["code"], want_code, "{}", short(body));
    assert_eq!(body["status"], want_status.as_u16(), "{}", short(body));
    assert_eq!(
        body["type"],
        format!("urn:anumodan:problem:{want_code}"),
        "{}",
        short(body)
    );
    assert_eq!(
        body["title"],
        want_status.canonical_reason().unwrap(),
        "{}",
        short(body)
    );
    assert!(
        !body["detail"].as_str().unwrap().is_empty(),
        "empty detail: {}",
        short(body)
    );
}

/// Posts JSON with the server's key and checks the problem answer.
async fn post_problem(s: &TestServer, path: &str, body: Value, status: StatusCode, code: &str) {
    let key = format!("Bearer {}", s.key);
    let (st, h, v) = raw(
        s,
        Method::POST,
        path,
        Some(&key),
        Some("application/json"),
        Some(serde_json::to_vec(&body).unwrap()),
    )
    .await;
    assert_problem(st, &h, &v, status, code);
}

/// Posts JSON that the server must refuse as 422 invalid_body.
async fn post_invalid_body(s: &TestServer, path: &str, body: Value) {
    post_problem(
        s,
        path,
        body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
}

async fn get_problem(s: &TestServer, path: &str, status: StatusCode, code: &str) {
    let key = format!("Bearer {}", s.key);
    let (st, h, v) = raw(s, Method::GET, path, Some(&key), None, None).await;
    assert_problem(st, &h, &v, status, code);
}

/// Everything a rejected write could have changed, read back for comparison.
async fn snapshot(s: &TestServer, principals: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    for path in ["/v1/data-items", "/v1/purposes", "/v1/notices"] {
        let (st, v) = s.get(path).await;
        assert_eq!(st, StatusCode::OK);
        out.push(v);
    }
    let (_, notices) = s.get("/v1/notices").await;
    for n in notices.as_array().unwrap() {
        let (_, v) = s.get(&format!("/v1/notices/{}/versions", id_of(n))).await;
        out.push(v);
    }
    for p in principals {
        let items = s.principal_items(p, "").await;
        for a in &items {
            out.push(s.consent(&id_of(a)).await);
        }
        out.push(Value::Array(items));
    }
    out
}

/// Number of ledger entries per action (all actions that writes produce).
async fn audit_counts(s: &TestServer) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for action in [
        "data_item.created",
        "purpose.created",
        "notice.created",
        "notice.updated",
        "notice.published",
        "consent.collected",
        "consent.updated",
        "consent.renewed",
        "consent.withdrawn",
        "consent.expired",
        "consent.validated",
        "consent.rejected",
    ] {
        out.push((action.to_string(), s.audit_entries(action).await.len()));
    }
    out
}

/// The state before a run of rejected requests, to compare with the state after them.
struct Before {
    principals: Vec<String>,
    snapshot: Vec<Value>,
    counts: Vec<(String, usize)>,
}

impl Before {
    /// The snapshot of the catalogue and of `principals`' consents, and the ledger's counts.
    async fn take(s: &TestServer, principals: &[&str]) -> Before {
        Before {
            principals: principals.iter().map(|p| p.to_string()).collect(),
            snapshot: snapshot(s, principals).await,
            counts: audit_counts(s).await,
        }
    }

    /// Asserts that the rejected requests changed nothing and were not recorded.
    async fn assert_unchanged(&self, s: &TestServer) {
        let principals: Vec<&str> = self.principals.iter().map(String::as_str).collect();
        assert_eq!(
            snapshot(s, &principals).await,
            self.snapshot,
            "nothing changed"
        );
        assert_eq!(
            audit_counts(s).await,
            self.counts,
            "malformed requests are not recorded"
        );
    }
}

const MUTATING_ROUTES: [&str; 9] = [
    "/v1/data-items",
    "/v1/purposes",
    "/v1/notices",
    "/v1/notices/{notice}/publish",
    "/v1/consents",
    "/v1/consents/validate",
    "/v1/consents/{consent}/update",
    "/v1/consents/{consent}/renew",
    "/v1/consents/{consent}/withdraw",
];

fn route(template: &str, notice: &str, consent: &str) -> String {
    template
        .replace("{notice}", notice)
        .replace("{consent}", consent)
}
