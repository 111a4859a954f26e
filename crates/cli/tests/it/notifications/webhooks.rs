//! Webhooks to the fiduciary's endpoints and its processors': signed per Standard Webhooks
//! (checked by the reference library), rotatable secrets, safe destinations, retries, the
//! dead-letter list and replay.

use super::*;

#[tokio::test]
async fn a_withdrawal_reaches_the_fiduciary_and_each_processor_signed_as_standard_webhooks_say() {
    let s = start().await;
    let cat = s.seed().await;
    let rx = Receiver::start().await;
    let (st, ep) = s
        .post(
            "/v1/webhooks",
            json!({"url": rx.url("/fiduciary"), "event_types": ["consent.withdrawn"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{ep}");
    let fid_secret = ep["secret"].as_str().unwrap().to_string();
    assert!(fid_secret.starts_with("whsec_"), "{fid_secret}");
    let (mailer, mailer_secret) = s
        .processor("Mailer", &["marketing"], &rx.url("/mailer"))
        .await;
    let (_crm, crm_secret) = s
        .processor("CRM", &["marketing", "analytics"], &rx.url("/crm"))
        .await;
    let (_, _) = s
        .processor("Tax office", &["tax_records"], &rx.url("/tax"))
        .await;

    let a = s.collect_ok(&cat, "cust-1", all_granted()).await;
    let id = a["id"].as_str().unwrap();
    s.act_ok(id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    s.notify_now().await;

    // The fiduciary hears of the withdrawal (and not of the collection: not subscribed).
    let got = rx.wait_for("/fiduciary", 1).await;
    assert_eq!(got.len(), 1);
    let body = got[0].json();
    assert_eq!(body["type"], "consent.withdrawn");
    assert_eq!(body["data"]["artefact_id"], id);
    assert_eq!(body["data"]["principal_id"], "cust-1");
    assert_eq!(body["data"]["changed"], json!(["marketing"]));
    assert!(got[0].header("webhook-id").starts_with("msg_"));
    assert!(verified_by_standardwebhooks(&fid_secret, &got[0]));
    // Another endpoint's secret does not verify it; nor does a changed body.
    assert!(!verified_by_standardwebhooks(&mailer_secret, &got[0]));
    let mut tampered = got[0].clone();
    tampered.body = tampered.body.replace_all_bytes(b"cust-1", b"cust-2");
    assert!(!verified_by_standardwebhooks(&fid_secret, &tampered));

    // Both processors of marketing are alerted, the tax office is not.
    for (path, secret) in [("/mailer", &mailer_secret), ("/crm", &crm_secret)] {
        let got = rx.wait_for(path, 1).await;
        let alert = got[0].json();
        assert_eq!(alert["type"], "alert.created", "{alert}");
        assert_eq!(alert["data"]["purposes"], json!(["marketing"]));
        assert_eq!(alert["data"]["kind"], "consent_withdrawn");
        assert_eq!(alert["data"]["principal_id"], "cust-1");
        assert!(verified_by_standardwebhooks(secret, &got[0]), "{path}");
    }
    assert!(rx.at("/tax").is_empty());

    // Delivered once each, even when the jobs run again.
    s.notify_now().await;
    assert_eq!(rx.at("/mailer").len(), 1);
    assert_eq!(rx.at("/fiduciary").len(), 1);
    // Each delivery is in the ledger, named by its message id in exactly one entry (the
    // deliveries sent together share an entry per kind: `webhook alert.created msg_a msg_b`).
    let sent = s.audit_entries("notification.sent").await;
    for path in ["/fiduciary", "/mailer", "/crm"] {
        let got = rx.at(path);
        let id = got[0].header("webhook-id");
        let naming: Vec<&serde_json::Value> = sent
            .iter()
            .filter(|e| {
                let o = e["outcome"].as_str().unwrap();
                o.starts_with("webhook ") && o.split(' ').any(|w| w == id)
            })
            .collect();
        assert_eq!(naming.len(), 1, "{id}: {sent:?}");
        let kind = if path == "/fiduciary" {
            "consent.withdrawn"
        } else {
            "alert.created"
        };
        assert!(
            naming[0]["outcome"]
                .as_str()
                .unwrap()
                .starts_with(&format!("webhook {kind} ")),
            "{naming:?}"
        );
    }
    let _ = mailer;
}

trait ReplaceBytes {
    fn replace_all_bytes(&self, from: &[u8], to: &[u8]) -> Vec<u8>;
}

impl ReplaceBytes for Vec<u8> {
    fn replace_all_bytes(&self, from: &[u8], to: &[u8]) -> Vec<u8> {
        let text = String::from_utf8_lossy(self).replace(
            std::str::from_utf8(from).unwrap(),
            std::str::from_utf8(to).unwrap(),
        );
        text.into_bytes()
    }
}

#[tokio::test]
async fn a_rotated_secret_overlaps_with_the_old_one_then_replaces_it() {
    let s = start().await;
    let cat = s.seed().await;
    let rx = Receiver::start().await;
    let (_, ep) = s
        .post("/v1/webhooks", json!({"url": rx.url("/hook")}))
        .await;
    let (id, old) = (
        ep["endpoint"]["id"].as_str().unwrap().to_string(),
        ep["secret"].as_str().unwrap().to_string(),
    );
    let (st, rotated) = s
        .post(
            &format!("/v1/webhooks/{id}/rotate"),
            json!({"overlap_hours": 2}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{rotated}");
    let new = rotated["secret"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    // The list shows no secret.
    let (_, list) = s.get("/v1/webhooks").await;
    assert!(!list.to_string().contains("whsec_"), "{list}");

    s.collect_ok(&cat, "cust-1", all_granted()).await;
    s.notify_now().await;
    let during = rx.wait_for("/hook", 1).await;
    assert_eq!(during[0].header("webhook-signature").split(' ').count(), 2);
    assert!(verified_by_standardwebhooks(&old, &during[0]));
    assert!(verified_by_standardwebhooks(&new, &during[0]));

    // After the overlap only the new secret signs.
    s.clock.advance(time::Duration::hours(3));
    s.collect_ok(&cat, "cust-2", all_granted()).await;
    s.notify_now().await;
    let after = rx.wait_for("/hook", 2).await;
    assert_eq!(after[1].header("webhook-signature").split(' ').count(), 1);
    assert!(verified_by_standardwebhooks(&new, &after[1]));
    assert!(!verified_by_standardwebhooks(&old, &after[1]));
}

#[tokio::test]
async fn endpoints_must_be_https_to_an_allowed_address_and_a_refusal_changes_nothing() {
    // The default settings: loopback endpoints are refused.
    let s = TestServer::start().await;
    s.seed().await;
    for url in [
        "http://example.in/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
        "ftp://example.in/hook",
        "not a url",
    ] {
        let (st, v) = s.post("/v1/webhooks", json!({"url": url})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {v}");
        assert_eq!(v["code"], "endpoint_refused", "{url}: {v}");
        let (st, v) = s
            .post(
                "/v1/processors",
                json!({"name": "P", "purposes": ["marketing"], "webhook_url": url}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {v}");
        assert_eq!(v["code"], "endpoint_refused");
    }
    let (_, list) = s.get("/v1/webhooks").await;
    assert_eq!(list, json!([]));
    let (_, list) = s.get("/v1/processors").await;
    assert_eq!(list, json!([]));
    // Unknown event types are refused too.
    let s2 = start().await;
    let (st, v) = s2
        .post(
            "/v1/webhooks",
            json!({"url": "http://127.0.0.1:9/x", "event_types": ["consent.exploded"]}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "invalid_event_types");
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_then_dead_lettered_and_staff_can_replay_it() {
    let s = start().await;
    let cat = s.seed().await;
    let rx = Receiver::start().await;
    rx.answer(503);
    let (_, ep) = s
        .post("/v1/webhooks", json!({"url": rx.url("/down")}))
        .await;
    assert!(ep["secret"].is_string(), "{ep}");
    s.collect_ok(&cat, "cust-1", all_granted()).await;
    s.notify_now().await;
    rx.wait_for("/down", 1).await;
    let (_, pending) = s.get("/v1/deliveries?status=pending").await;
    let d = &pending["items"][0];
    assert_eq!(d["attempts"], 1, "{pending}");
    assert!(
        d["last_error"]
            .as_str()
            .unwrap()
            .starts_with("the endpoint answered 503"),
        "{d}"
    );
    let id = d["id"].as_str().unwrap().to_string();
    // Not before its time.
    s.notify_now().await;
    assert_eq!(rx.at("/down").len(), 1);
    // Two retries on the test schedule, then the dead-letter list.
    for n in 2..=3 {
        s.clock.advance(time::Duration::seconds(3));
        s.notify_now().await;
        rx.wait_for("/down", n).await;
    }
    let (_, dead) = s.get("/v1/deliveries?status=dead").await;
    assert_eq!(dead["items"].as_array().unwrap().len(), 1, "{dead}");
    assert_eq!(dead["items"][0]["id"], id);
    assert_eq!(dead["items"][0]["attempts"], 3);
    // Every attempt carried the same message id: the receiver's idempotency key.
    let ids: Vec<String> = rx
        .at("/down")
        .iter()
        .map(|r| r.header("webhook-id").to_string())
        .collect();
    assert!(ids.iter().all(|i| *i == id), "{ids:?}");
    // Replayed by staff once the endpoint is back.
    rx.answer(204);
    let (st, v) = s
        .post(&format!("/v1/deliveries/{id}/replay"), json!({}))
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    s.notify_now().await;
    rx.wait_for("/down", 4).await;
    let (_, sent) = s.get("/v1/deliveries?status=sent").await;
    assert_eq!(sent["items"][0]["id"], id, "{sent}");
    assert_eq!(s.audit_entries("delivery.replayed").await.len(), 1);
    // Replaying what is not dead is 404, and changes nothing.
    let (st, v) = s
        .post(&format!("/v1/deliveries/{id}/replay"), json!({}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["code"], "delivery_not_found");
}

#[tokio::test]
async fn a_dead_endpoint_does_not_slow_consent_writes() {
    let s = TestServer::start_with(|c| {
        c.allow_loopback_endpoints = true;
        c.delivery_timeout_ms = 3_000;
    })
    .await;
    let cat = s.seed().await;
    // A receiver that accepts the connection and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let _hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = silent.accept().await {
            held.push(sock);
        }
    });
    let (st, v) = s
        .post(
            "/v1/webhooks",
            json!({"url": format!("http://127.0.0.1:{port}/slow")}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // The background jobs deliver (and hang on the endpoint) while consents are written.
    let started = std::time::Instant::now();
    for i in 0..20 {
        let a = s.collect_ok(&cat, &format!("c-{i}"), all_granted()).await;
        s.act_ok(
            a["id"].as_str().unwrap(),
            "withdraw",
            json!({"purposes": ["marketing"]}),
        )
        .await;
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "40 writes took {:?} with a hanging endpoint",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_erasure_leaves_no_message_that_names_the_principal() {
    let s = start().await;
    let cat = s.seed().await;
    let rx = Receiver::start().await;
    rx.answer(410);
    let (_, ep) = s
        .post(
            "/v1/webhooks",
            json!({"url": rx.url("/gone"), "event_types": ["consent.collected"]}),
        )
        .await;
    assert!(ep["secret"].is_string(), "{ep}");
    let (st, v) = s.add_contact("ravi", "ravi@example.in").await;
    assert!(st.is_success(), "{v}");
    collect_in(&s, &cat, "ravi", "hi").await;
    s.notify_now().await;
    rx.wait_for("/gone", 1).await;
    // 410: refused for good, dead at once.
    let (_, dead) = s.get("/v1/deliveries?status=dead").await;
    let id = dead["items"][0]["id"].as_str().unwrap().to_string();
    let store = s.state().store.clone();
    let count = |sql: &'static str| {
        let store = store.clone();
        async move {
            store
                .read_conn(move |c| {
                    c.query_row(sql, (), |r| r.get::<_, i64>(0))
                        .map_err(|e| anumodan_core::ports::StoreError::internal(e.to_string()))
                })
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM inbox").await, 1);
    assert!(count("SELECT COUNT(*) FROM outbox WHERE kind IS NOT NULL").await >= 1);
    assert_eq!(
        count("SELECT COUNT(*) FROM deliveries WHERE payload IS NOT NULL").await,
        1
    );

    let (st, v) = s.erase("ravi").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(count("SELECT COUNT(*) FROM inbox").await, 0);
    assert_eq!(
        count("SELECT COUNT(*) FROM outbox WHERE kind IS NOT NULL").await,
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM deliveries WHERE payload IS NOT NULL OR pseudonym IS NOT NULL")
            .await,
        0
    );
    let (st, v) = s
        .post(&format!("/v1/deliveries/{id}/replay"), json!({}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "nothing left to send: {v}");
}
