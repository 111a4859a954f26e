//! The client address comes from trusted proxies only.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn collect_via_proxy(s: &TestServer, cat: &Catalog, principal: &str, xff: &str) -> Value {
    let res = s
        .client
        .post(format!("{}/v1/consents", s.url))
        .bearer_auth(&s.key)
        .header("x-forwarded-for", xff)
        .json(
            &json!({"principal_id": principal, "notice_id": cat.notice_id, "notice_version": 1,
                      "language": "en", "decisions": all_granted(), "method": "web"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let a: Value = res.json().await.unwrap();
    let (st, u) = s
        .post(
            &format!("/v1/consents/{}/unmask", a["id"].as_str().unwrap()),
            json!({"fields": ["source_ip"], "reason": "proxy address check"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{u}");
    u["fields"]["source_ip"].clone()
}

/// Behind a trusted proxy the client is the rightmost forwarded address that is not a trusted
/// proxy (what a client wrote further left is ignored); without the setting the header is
/// ignored and the TCP peer is the client.
#[tokio::test]
async fn the_client_address_comes_from_trusted_proxies_only() {
    let s = TestServer::start_with(|c| {
        c.trusted_proxies = vec!["127.0.0.0/8".into(), "10.1.2.3".into()];
    })
    .await;
    let cat = s.seed().await;
    assert_eq!(
        collect_via_proxy(&s, &cat, "proxy-1", "198.51.100.7, 203.0.113.9").await,
        "203.0.113.9"
    );
    assert_eq!(
        collect_via_proxy(&s, &cat, "proxy-2", "203.0.113.10, 10.1.2.3").await,
        "203.0.113.10"
    );
    // The ledger records the same client address.
    let e = s.audit_entries("consent.collected").await;
    assert!(e.iter().any(|e| e["source_ip"] == "203.0.113.9"), "{e:?}");

    let plain = TestServer::start().await;
    let cat = plain.seed().await;
    assert_eq!(
        collect_via_proxy(&plain, &cat, "proxy-3", "203.0.113.9").await,
        "127.0.0.1"
    );
    // A bad setting stops the start.
    assert!(anumodan_server::transport::parse_proxies(&["not-a-network".into()]).is_err());
    assert!(
        anumodan_server::transport::parse_proxies(&["10.0.0.0/8".into(), "::1".into()]).is_ok()
    );
}
