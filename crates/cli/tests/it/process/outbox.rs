//! A node killed in the middle of sending the outbox to a webhook gateway; webhook URLs must be
//! HTTPS.

use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An SMS and e-mail gateway on loopback, for the webhook channel. It records each message
/// POSTed to it in arrival order, and answers 200, except for the `hold`-th request (counting
/// from 1), which it never answers: the node that sent it is then stuck mid-round.
struct WebhookGateway {
    url: String,
    got: Arc<Mutex<Vec<(Value, String)>>>,
    hold: Arc<std::sync::atomic::AtomicUsize>,
    held: Arc<tokio::sync::Notify>,
}

impl WebhookGateway {
    async fn start(hold: usize) -> WebhookGateway {
        use http_body_util::BodyExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gw = WebhookGateway {
            url: format!("http://{}/outbox", listener.local_addr().unwrap()),
            got: Arc::default(),
            hold: Arc::new(hold.into()),
            held: Arc::default(),
        };
        let (got, hold, held) = (gw.got.clone(), gw.hold.clone(), gw.held.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (got, hold, held) = (got.clone(), hold.clone(), held.clone());
                let svc = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let (got, hold, held) = (got.clone(), hold.clone(), held.clone());
                        async move {
                            let key = req
                                .headers()
                                .get("idempotency-key")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_string();
                            let body = req.into_body().collect().await.unwrap().to_bytes();
                            let message: Value = serde_json::from_slice(&body).unwrap();
                            let n = {
                                let mut got = got.lock().unwrap();
                                got.push((message, key));
                                got.len()
                            };
                            if n == hold.load(std::sync::atomic::Ordering::SeqCst) {
                                held.notify_one();
                                std::future::pending::<()>().await;
                            }
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                http_body_util::Empty::<bytes::Bytes>::new(),
                            ))
                        }
                    },
                );
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc),
                );
            }
        });
        gw
    }

    /// The ids received so far, in order.
    fn ids(&self) -> Vec<i64> {
        let got = self.got.lock().unwrap();
        got.iter().map(|(m, _)| m["id"].as_i64().unwrap()).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_outbox_round_sends_again_only_the_message_in_flight() {
    let t = temp();
    let dir = t.path().join("data");
    let (fid, key) = create_fiduciary(&dir, "Outbox Municipal Corporation");
    // The gateway hangs on the third message: the node is killed while it is in flight.
    let gw = WebhookGateway::start(3).await;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let node = |name: &str| {
        let mut c = serve(&dir, port);
        c.env("ANUMODAN_OUTBOX_WEBHOOK_URL", &gw.url)
            .env("ANUMODAN_OUTBOX_INTERVAL_MS", "50")
            // On PostgreSQL the restarted node is a new holder: it waits for the dead one's lease.
            .env("ANUMODAN_OUTBOX_LEASE_MS", "2000");
        Proc::spawn(c, t.path(), name)
    };
    let mut p = node("serve-1");
    p.wait_healthy(&url).await;
    let api = FiduciaryClient::new(http(), &url, &key);
    let notice = api.seed_small().await;
    // Only sign-in codes in the outbox (no e-mail or SMS notifications of consent changes).
    let (st, v) = api
        .put(
            "/v1/notification-settings",
            json!({"principal_channels": []}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    // Four principals, each with a mobile number, ask for a sign-in code: four messages.
    let mut contacts = Vec::new();
    for i in 0..4 {
        let principal = format!("outbox-{i}");
        let collect = json!({"principal_id": principal, "notice_id": notice, "notice_version": 1, "language": "en",
                             "decisions": {"account": "granted", "marketing": "granted"}, "method": "api"});
        let (st, v) = api.post("/v1/consents", collect).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        let contact = format!("9{:09}", 812_340_000 + i);
        let (st, v) = api.add_contact(&principal, &contact).await;
        assert!(st.is_success(), "{v}");
        let (st, v) = send_json(
            &api.client,
            Method::POST,
            &format!("{url}/v1/principal-signin/start"),
            None,
            Some(json!({"fiduciary_id": fid, "contact": contact})),
        )
        .await;
        assert_eq!(st, StatusCode::ACCEPTED, "{v}");
        contacts.push(contact);
    }
    tokio::time::timeout(PROCESS_WAIT, gw.held.notified())
        .await
        .unwrap_or_else(|_| panic!("the gateway never got a third message:\n{}", p.logs()));
    p.kill();
    let before = gw.ids();
    assert_eq!(before.len(), 3, "{before:?}");

    // A new process on the same store finishes the round: the message in flight goes again,
    // under the same id, and the fourth goes once.
    gw.hold
        .store(usize::MAX, std::sync::atomic::Ordering::SeqCst);
    let mut p2 = node("serve-2");
    p2.wait_healthy(&url).await;
    let deadline = Deadline::after(PROCESS_WAIT);
    while gw.ids().len() < 5 {
        deadline
            .tick(Duration::from_millis(20), || {
                format!("got {:?}:\n{}", gw.ids(), p2.logs())
            })
            .await;
    }
    // Many more rounds: everything was marked sent, nothing else goes out.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ids = gw.ids();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert_eq!(ids[..3], before[..]);
    assert!(
        ids[0] < ids[1] && ids[1] < ids[2],
        "oldest first, each once: {ids:?}"
    );
    assert_eq!(ids[3], ids[2], "the message in flight, again: {ids:?}");
    assert!(ids[4] > ids[2], "then the fourth: {ids:?}");
    // What the gateway got: the id as the idempotency key, the destination in clear (for the
    // gateway to send to) and a six-digit code in the body.
    let got = gw.got.lock().unwrap().clone();
    let mut destinations = Vec::new();
    for (m, key) in &got {
        assert_eq!(key, &m["id"].to_string());
        assert_eq!(m["channel"], "sms", "{m}");
        assert_eq!(m["fiduciary_id"], fid.as_str());
        let body = m["body"].as_str().unwrap();
        assert!(
            body.split(|c: char| !c.is_ascii_digit())
                .any(|w| w.len() == 6),
            "{body}"
        );
        destinations.push(m["destination"].as_str().unwrap().to_string());
    }
    destinations.dedup();
    let e164: Vec<String> = contacts.iter().map(|c| format!("+91{c}")).collect();
    assert_eq!(destinations, e164);
    // The servers' logs never held a destination.
    for log in [p.logs(), p2.logs()] {
        for c in &contacts {
            assert!(!log.contains(c.as_str()), "{c} in the logs");
        }
    }
    p2.kill();
}

#[test]
fn serve_refuses_a_webhook_url_that_is_not_https() {
    let t = temp();
    let dir = t.path().join("data");
    create_fiduciary(&dir, "Webhook Municipal Corporation");
    let mut c = serve(&dir, free_port());
    c.env(
        "ANUMODAN_OUTBOX_WEBHOOK_URL",
        "http://gateway.example.in/outbox",
    );
    let o = c.output().unwrap();
    assert_ne!(o.status.code(), Some(0));
    let text = out_text(&o);
    assert!(text.contains("outbox_webhook_url must use https"), "{text}");
    assert!(
        !text.contains("gateway.example.in"),
        "the URL is never printed: {text}"
    );
    // Refused before the store is touched: a new data directory stays without a database.
    let fresh = t.path().join("fresh");
    let mut c = serve(&fresh, free_port());
    c.env("ANUMODAN_OUTBOX_WEBHOOK_URL", "ftp://gateway.example.in/");
    let o = c.output().unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(out_text(&o).contains("outbox_webhook_url must use https"));
    assert!(
        !fresh.join("anumodan.db").exists(),
        "{:?}",
        std::fs::read_dir(&fresh).map(|d| d.count())
    );
}
