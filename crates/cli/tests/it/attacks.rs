//! The security review's findings (issue 18), each as the attack that found it: they must stay
//! fixed. Raw sockets where the attack is below HTTP, several loopback addresses (127.0.0.x)
//! where it matters who is asking.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A TCP connection to the server from the loopback address `from` (127.0.0.x).
async fn connect_from(s: &TestServer, from: [u8; 4]) -> TcpStream {
    let server: SocketAddr = s.url.trim_start_matches("http://").parse().unwrap();
    let sock = TcpSocket::new_v4().unwrap();
    sock.bind(SocketAddr::new(IpAddr::from(from), 0)).unwrap();
    sock.connect(server).await.unwrap()
}

/// Reads what the server sends until it closes the connection or `wait` passes.
async fn read_until_closed(c: &mut TcpStream, wait: Duration) -> (String, bool) {
    let deadline = Instant::now() + wait;
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, c.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&out).into(), false),
        }
    }
}

fn head(s: &TestServer, path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n",
        s.key
    )
}

/// A `GET /healthz` from `from`: whether it answered 200.
async fn healthz_from(s: &TestServer, from: [u8; 4]) -> bool {
    let mut c = connect_from(s, from).await;
    if c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .is_err()
    {
        return false;
    }
    let (text, _) = read_until_closed(&mut c, Duration::from_secs(5)).await;
    text.starts_with("HTTP/1.1 200")
}

/// Finding 2: a body that stalls or trickles is cut off (408), a declared length over the
/// limit is refused before any body is read (413), and connections are capped per address and
/// in all, so one client cannot hold every descriptor.
#[tokio::test]
async fn slow_bodies_and_connection_floods_cannot_hold_the_server() {
    let s = TestServer::start_with(|c| {
        c.body_read_timeout_ms = 3_000;
        c.min_body_rate = 1024;
        c.max_connections_per_ip = 4;
        c.max_connections = 12;
    })
    .await;

    // A body that stops after its first byte: 408 once a second has passed without the rate.
    let mut c = connect_from(&s, [127, 0, 0, 1]).await;
    c.write_all(head(&s, "/v1/consents/validate", 100).as_bytes())
        .await
        .unwrap();
    c.write_all(b"{").await.unwrap();
    let started = Instant::now();
    let (text, closed) = read_until_closed(&mut c, Duration::from_secs(10)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
    assert!(closed, "the connection is closed after a 408");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // One byte every 200 ms (5 B/s): under the minimum rate, cut off the same way.
    let mut c = connect_from(&s, [127, 0, 0, 1]).await;
    c.write_all(head(&s, "/v1/consents/validate", 200).as_bytes())
        .await
        .unwrap();
    let trickle = async {
        for _ in 0..50 {
            if c.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), trickle).await;
    let (text, _) = read_until_closed(&mut c, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");

    // A declared length over max_body_bytes: 413 at once, without waiting for the body.
    let mut c = connect_from(&s, [127, 0, 0, 1]).await;
    c.write_all(head(&s, "/v1/consents/validate", 10_000_000).as_bytes())
        .await
        .unwrap();
    let (text, _) = read_until_closed(&mut c, Duration::from_secs(2)).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("body_too_large"), "{text}");

    // Four idle connections from one address: the fifth is closed at once, while another
    // address is still served.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect_from(&s, [127, 0, 0, 2]).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fifth = connect_from(&s, [127, 0, 0, 2]).await;
    let _ = fifth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let (text, closed) = read_until_closed(&mut fifth, Duration::from_secs(2)).await;
    assert!(
        closed && text.is_empty(),
        "over the per-address cap: {text:?}"
    );
    assert!(healthz_from(&s, [127, 0, 0, 3]).await);

    // Up to the global cap (12) with addresses of four connections each: the next is closed.
    for last in 4..6 {
        for _ in 0..4 {
            held.push(connect_from(&s, [127, 0, 0, last]).await);
        }
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !healthz_from(&s, [127, 0, 0, 7]).await,
        "over the global cap"
    );
    // Let go: served again.
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(healthz_from(&s, [127, 0, 0, 2]).await);
    assert!(healthz_from(&s, [127, 0, 0, 7]).await);
    let (st, _) = s.get("/v1/purposes").await;
    assert_eq!(st, StatusCode::OK);
}

/// Finding 1 (the per-address part): sign-in routes have their own, tighter limit.
#[tokio::test]
async fn sign_in_routes_have_a_tighter_limit_per_address() {
    let s = TestServer::start_with(|c| {
        c.signin_rate_limit_per_minute = 6;
        c.signin_rate_limit_burst = 3;
    })
    .await;
    let client = reqwest::Client::new();
    let mut codes = Vec::new();
    for i in 0..5 {
        let res = client
            .post(format!("{}/v1/session", s.url))
            .json(&json!({"username": format!("nobody{i}"), "password": "wrong password"}))
            .send()
            .await
            .unwrap();
        codes.push((res.status(), res.headers().get("retry-after").cloned()));
    }
    assert_eq!(
        codes.iter().map(|c| c.0).collect::<Vec<_>>(),
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert!(codes[3].1.is_some(), "429 says when to come back");
    // The rest of the API is not affected.
    let (st, _) = s.get("/v1/purposes").await;
    assert_eq!(st, StatusCode::OK);
}
