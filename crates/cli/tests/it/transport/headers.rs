//! Security headers on every response; request heads over the limit or too slow are refused.

use super::{assert_security_headers, fetch};
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn security_headers_on_every_response_and_no_hsts_without_tls() {
    let s = TestServer::start().await;
    let c = &s.client;
    let u = &s.url;
    let big = format!("{{\"code\": \"{}\"}}", "x".repeat(s.cfg.max_body_bytes));
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, Option<&str>)> = vec![
        (
            "list purposes",
            c.get(format!("{u}/v1/purposes")).bearer_auth(&s.key),
            StatusCode::OK,
            None,
        ),
        (
            "healthz",
            c.get(format!("{u}/healthz")),
            StatusCode::OK,
            None,
        ),
        (
            "openapi",
            c.get(format!("{u}/openapi.json")),
            StatusCode::OK,
            None,
        ),
        (
            "ledger key",
            c.get(format!("{u}/.well-known/anumodan/ledger-key")),
            StatusCode::OK,
            None,
        ),
        (
            "no key",
            c.get(format!("{u}/v1/purposes")),
            StatusCode::UNAUTHORIZED,
            Some("unauthorized"),
        ),
        (
            "no route",
            c.get(format!("{u}/no/such/route")),
            StatusCode::NOT_FOUND,
            Some("route_not_found"),
        ),
        (
            "no consent",
            c.get(format!(
                "{u}/v1/consents/00000000-0000-0000-0000-000000000000"
            ))
            .bearer_auth(&s.key),
            StatusCode::NOT_FOUND,
            Some("consent_not_found"),
        ),
        (
            "body too large",
            c.post(format!("{u}/v1/data-items"))
                .bearer_auth(&s.key)
                .header("content-type", "application/json")
                .body(big),
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("body_too_large"),
        ),
        (
            "unknown field",
            c.post(format!("{u}/v1/data-items"))
                .bearer_auth(&s.key)
                .json(&json!({"bogus": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_body"),
        ),
        (
            "URI too long",
            c.get(format!("{u}/v1/purposes?x={}", "y".repeat(9000)))
                .bearer_auth(&s.key),
            StatusCode::URI_TOO_LONG,
            Some("uri_too_long"),
        ),
    ];
    for (what, req, status, code) in cases {
        let (st, h, v) = fetch(req).await;
        assert_eq!(st, status, "{what}: {v}");
        assert_security_headers(what, &h, false);
        if let Some(code) = code {
            assert_eq!(v["code"], code, "{what}: {v}");
            assert_eq!(h["content-type"], "application/problem+json", "{what}");
        }
        // /v1 answers hold personal data: never cached. The public documents may be.
        let no_store = h.get("cache-control").is_some_and(|v| v == "no-store");
        let v1 = matches!(
            what,
            "list purposes"
                | "no key"
                | "no consent"
                | "body too large"
                | "unknown field"
                | "URI too long"
        );
        assert_eq!(no_store, v1, "{what}: {h:?}");
    }
    // The public documents are still what they were.
    let (st, doc) = s
        .send(reqwest::Method::GET, "/openapi.json", None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[tokio::test]
async fn request_heads_over_the_limit_are_refused() {
    let s = TestServer::start().await;
    // A head of 16 KiB or more is refused by the HTTP layer itself (431, the connection closed).
    let r = s
        .client
        .get(format!("{}/healthz", s.url))
        .header("x-padding", "p".repeat(20 * 1024))
        .send()
        .await;
    match r {
        Ok(res) => assert_eq!(res.status(), StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
        // The server may close before the client reads the answer.
        Err(e) => {
            eprintln!("the connection closed before the 431 was read: {e}");
            assert!(e.is_request() || e.is_connect(), "{e:?}");
        }
    }
    // A normal head on a new connection is fine.
    let (st, _) = s.send(reqwest::Method::GET, "/healthz", None, None).await;
    assert_eq!(st, StatusCode::OK);
}

/// A client that starts a request and never finishes its head is disconnected after
/// `header_read_timeout_ms` (no slow-client hold on connections); prompt clients are served.
#[tokio::test]
async fn a_request_head_not_finished_in_time_closes_the_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start_with(|c| c.header_read_timeout_ms = 300).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    let elapsed = started.elapsed();
    assert!(read.is_ok(), "the connection was still open after 5 s");
    assert!(
        elapsed >= Duration::from_millis(250),
        "closed too early: {elapsed:?}"
    );
    // Whatever hyper sends (nothing, or a 408), it is not a served request.
    let text = String::from_utf8_lossy(&buf);
    assert!(!text.contains("200 OK"), "{text}");
    // A complete request on a new connection is served.
    let (st, _) = s.get("/healthz").await;
    assert_eq!(st, StatusCode::OK);
}
