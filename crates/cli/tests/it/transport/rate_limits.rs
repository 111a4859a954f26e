//! Rate limits per key and per address: 429 with Retry-After, nothing written.

use super::{assert_throttled, fetch, limits, until_throttled};
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

#[tokio::test]
async fn per_key_limit_answers_429_and_other_keys_go_on() {
    let s = TestServer::start_with(|c| limits(c, 0, 20)).await;
    let (_, other_key) = s.create_fiduciary("Other Corporation").await;
    let list = |key: &str| {
        s.client
            .get(format!("{}/v1/purposes", s.url))
            .bearer_auth(key)
    };
    let (n, (st, h, v)) = until_throttled(500, |_| list(&s.key)).await;
    assert!(n >= 20, "throttled after {n} requests");
    let retry = assert_throttled(st, &h, &v);
    assert!(v["detail"].as_str().unwrap().contains("API key"), "{v}");
    assert!(!v.to_string().contains(&s.key), "the key is echoed: {v}");

    // Another key is not throttled by the first, nor are the unauthenticated routes.
    let (st, _, v) = fetch(list(&other_key)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _, _) = fetch(s.client.get(format!("{}/openapi.json", s.url))).await;
    assert_eq!(st, StatusCode::OK);

    // After Retry-After, the first key is served again.
    tokio::time::sleep(Duration::from_secs(retry)).await;
    let (st, _, v) = fetch(list(&s.key)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn a_throttled_write_changes_nothing() {
    let s = TestServer::start_with(|c| limits(c, 0, 20)).await;
    let cat = s.seed().await;
    let collect = |i: usize| {
        s.client
            .post(format!("{}/v1/consents", s.url))
            .bearer_auth(&s.key)
            .json(&json!({"principal_id": format!("burst-{i}"), "notice_id": cat.notice_id,
                          "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "web"}))
    };
    let (created, (st, h, v)) = until_throttled(500, collect).await;
    let retry = assert_throttled(st, &h, &v);
    assert!(created > 0);
    tokio::time::sleep(Duration::from_secs(retry)).await;

    // Every collect before the 429 was recorded, the throttled one was not.
    let artefacts: std::collections::BTreeSet<String> = s
        .audit_entries("consent.collected")
        .await
        .iter()
        .map(|e| e["artefact"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(artefacts.len(), created);
    assert!(
        s.principal_items(&format!("burst-{}", created - 1), "")
            .await
            .len()
            == 1
    );
    assert!(
        s.principal_items(&format!("burst-{created}"), "")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn per_ip_limit_counts_every_request_per_address_but_spares_healthz() {
    let s = TestServer::start_with(|c| limits(c, 20, 0)).await;
    // Unauthenticated requests count: guessing keys is throttled too.
    let (n, (st, h, v)) =
        until_throttled(500, |_| s.client.get(format!("{}/v1/purposes", s.url))).await;
    assert!(n >= 20, "throttled after {n} requests");
    let retry = assert_throttled(st, &h, &v);
    assert!(v["detail"].as_str().unwrap().contains("address"), "{v}");
    // With a valid key too: the address is over its limit.
    let (st, h, v) = fetch(
        s.client
            .get(format!("{}/v1/purposes", s.url))
            .bearer_auth(&s.key),
    )
    .await;
    assert_throttled(st, &h, &v);

    // /healthz is exempt.
    let (st, _, _) = fetch(s.client.get(format!("{}/healthz", s.url))).await;
    assert_eq!(st, StatusCode::OK);

    // Another source address (127.0.0.2 is loopback on Linux) is not throttled.
    let second = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .unwrap();
    match second
        .get(format!("{}/v1/purposes", s.url))
        .bearer_auth(&s.key)
        .send()
        .await
    {
        Ok(r) => assert_eq!(r.status(), StatusCode::OK),
        Err(e) if e.is_connect() => eprintln!("cannot bind 127.0.0.2 here: {e}"),
        Err(e) => panic!("{e:?}"),
    }

    tokio::time::sleep(Duration::from_secs(retry)).await;
    let (st, _, v) = fetch(
        s.client
            .get(format!("{}/v1/purposes", s.url))
            .bearer_auth(&s.key),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
}
