//! Slow bodies, connection floods and running out of descriptors cannot hold the server.

use super::{connect_from, read_until_closed};
use crate::harness::*;
use reqwest::StatusCode;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

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

    // A body that stops after its first byte: 408 at the grace or the deadline (here 3 s).
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

/// Finding 2 (descriptors): a server whose open files run out (hard limit 128, more
/// connections held open than that) sheds the waiting connections and logs it at most every
/// ten seconds, instead of an error line every 100 ms; once the clients let go it serves again.
#[tokio::test]
async fn running_out_of_descriptors_sheds_load_without_a_busy_loop() {
    let dir = temp();
    let data = dir.path().join("data");
    create_fiduciary(&data, "Descriptors");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    // The hard limit is set before the server starts, so raising the soft one cannot help it.
    // The same command `serve` builds (its database, its clean environment), under prlimit.
    let inner = serve(&data, port);
    let mut cmd = std::process::Command::new("prlimit");
    cmd.args(["--nofile=128:128", "--"])
        .arg(inner.get_program())
        .args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env("ANUMODAN_MAX_CONNECTIONS_PER_IP", "10000");
    let mut p = Proc::spawn(cmd, dir.path(), "fds");
    p.wait_healthy(&url).await;
    let server: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut held = Vec::new();
    for _ in 0..200 {
        if let Ok(Ok(c)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(server),
        )
        .await
        {
            held.push(c);
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let logs = p.logs();
    let shed = logs.matches("shedding connections").count();
    assert!(shed >= 1, "descriptors ran out and it said so:\n{logs}");
    assert!(
        shed <= 2,
        "at most one line per ten seconds, not a busy loop:\n{logs}"
    );
    assert!(!logs.contains("accept failed"), "{logs}");
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let st = http()
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, StatusCode::OK);
}
