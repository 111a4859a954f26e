//! A node killed with SIGKILL in the middle of sending notifications: processor alerts by
//! webhook (up to 64 requests at once, each marked sent in its own commit) and principals'
//! e-mails over SMTP (one at a time, each marked sent after the server took it). A new process
//! on the same store finishes: every message arrives, and the only copies are of the messages
//! in flight at the kill (sent, but not yet answered), under the same id.

use crate::harness::*;
use crate::notifications::verified_by_standardwebhooks;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Collects `account` and `marketing` for `principal`, then withdraws `marketing`.
async fn collect_then_withdraw(api: &FiduciaryClient, notice: &str, principal: &str) {
    let collect = json!({"principal_id": principal, "notice_id": notice, "notice_version": 1,
                         "language": "en", "method": "api",
                         "decisions": {"account": "granted", "marketing": "granted"}});
    let (st, v) = api.post("/v1/consents", collect).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    api.act_ok(
        v["id"].as_str().unwrap(),
        "withdraw",
        json!({"purposes": ["marketing"]}),
    )
    .await;
}

/// The items of a listing, expecting `200`.
async fn items(api: &FiduciaryClient, path: &str) -> Vec<Value> {
    let (st, v) = api.get(path).await;
    assert_eq!(st, StatusCode::OK, "{path}: {v}");
    v["items"].as_array().unwrap().clone()
}

/// How many `notification.sent` entries of the ledger name message `id`.
fn sent_entries(entries: &[Value], id: &str) -> usize {
    entries
        .iter()
        .filter(|e| {
            e["outcome"]
                .as_str()
                .is_some_and(|o| o.split(' ').any(|w| w == id))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_webhook_round_sends_again_only_the_requests_in_flight() {
    const PRINCIPALS: usize = 6;
    const PROCESSORS: [&str; 3] = ["mailer", "crm", "calls"];
    const HOLD: usize = 3;
    let t = temp();
    let dir = t.path().join("data");
    let (_, key) = create_fiduciary(&dir, "Webhook Municipal Corporation");
    // The receiver answers two requests, then holds the third and every one after it,
    // unanswered: the node is killed with all of those in flight.
    let rx = Receiver::start().await;
    rx.hold_from(HOLD);
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let node = |name: &str| {
        let mut c = serve(&dir, port);
        c.env("ANUMODAN_ALLOW_LOOPBACK_ENDPOINTS", "true")
            .env("ANUMODAN_NOTIFY_INTERVAL_MS", "50")
            // A held request never times out (and goes again) before the kill.
            .env("ANUMODAN_DELIVERY_TIMEOUT_MS", "120000")
            // On PostgreSQL the restarted node is a new holder: it waits for the dead one's lease.
            .env("ANUMODAN_NOTIFY_LEASE_MS", "2000");
        Proc::spawn(c, t.path(), name)
    };
    let mut p = node("serve-1");
    p.wait_healthy(&url).await;
    let api = FiduciaryClient::new(http(), &url, &key);
    let notice = api.seed_small().await;
    // Each withdrawal is four webhooks, made in one commit and sent at once: to the
    // fiduciary's endpoint and an alert to each of three processors of marketing.
    let mut secrets = BTreeMap::new();
    let (st, v) = api
        .post(
            "/v1/webhooks",
            json!({"url": rx.url("/fiduciary"), "event_types": ["consent.withdrawn"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    secrets.insert(
        "/fiduciary".to_string(),
        v["secret"].as_str().unwrap().to_string(),
    );
    for name in PROCESSORS {
        let path = format!("/{name}");
        let (st, v) = api
            .post(
                "/v1/processors",
                json!({"name": name, "purposes": ["marketing"], "webhook_url": rx.url(&path)}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        secrets.insert(path, v["webhook"]["secret"].as_str().unwrap().to_string());
    }

    // The principals withdraw one after the other: the first withdrawal's round holds two of
    // its four requests, and the later ones wait for that round to end.
    let principals: Vec<String> = (0..PRINCIPALS).map(|i| format!("hook-{i}")).collect();
    for principal in &principals {
        collect_then_withdraw(&api, &notice, principal).await;
    }
    let expected = PRINCIPALS * secrets.len();
    // Killed once a request is held, every alert is made (so the new node has nothing left to
    // fan out) and the requests answered are marked sent: what is not marked then is exactly
    // what the receiver holds, or was never sent.
    let deadline = Deadline::after(PROCESS_WAIT);
    loop {
        let alerts = items(&api, "/v1/alerts?limit=500").await.len();
        let sent = items(&api, "/v1/deliveries?status=sent&limit=500")
            .await
            .len();
        if !rx.held().is_empty() && alerts == PRINCIPALS * PROCESSORS.len() && sent >= HOLD - 1 {
            assert_eq!(sent, HOLD - 1, "only the answered requests are marked sent");
            break;
        }
        deadline
            .tick(Duration::from_millis(20), || {
                format!(
                    "held {}, alerts {alerts}, sent {sent}:\n{}",
                    rx.held().len(),
                    p.logs()
                )
            })
            .await;
    }
    let alert_ids: BTreeSet<String> = items(&api, "/v1/alerts?limit=500")
        .await
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    p.kill();
    // The node is dead and reaped: nothing more comes from it. The new one is answered.
    rx.stop_holding();
    let in_flight: BTreeSet<String> = rx
        .held()
        .iter()
        .map(|r| r.header("webhook-id").to_string())
        .collect();
    let before = rx.received().len();
    assert_eq!(
        before - in_flight.len(),
        HOLD - 1,
        "answered before the kill"
    );
    assert!(
        in_flight.len() >= 2,
        "several in flight at once: {in_flight:?}"
    );
    assert!(before < expected, "some never sent before the kill");

    // A new process on the same store. On PostgreSQL it is a new node: it first waits for the
    // dead node's `deliveries` lease to pass (2 s here).
    let finish = PROCESS_WAIT;
    let mut p2 = node("serve-2");
    p2.wait_healthy(&url).await;
    let deadline = Deadline::after(finish);
    loop {
        let pending = items(&api, "/v1/deliveries?status=pending").await;
        if pending.is_empty() && rx.received().len() >= expected + in_flight.len() {
            break;
        }
        deadline
            .tick(Duration::from_millis(50), || {
                format!(
                    "{} requests, {} deliveries pending:\n{}",
                    rx.received().len(),
                    pending.len(),
                    p2.logs()
                )
            })
            .await;
    }
    // Many more rounds: everything was marked sent, nothing else goes out.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let got = rx.received();
    let mut by_id: BTreeMap<String, Vec<&Received>> = BTreeMap::new();
    for r in &got {
        by_id
            .entry(r.header("webhook-id").to_string())
            .or_default()
            .push(r);
    }
    // Nothing lost: each principal's withdrawal reached the fiduciary and each processor.
    assert_eq!(by_id.len(), expected, "{:?}", by_id.keys());
    let mut reached = BTreeSet::new();
    let mut alerts_received = BTreeSet::new();
    for copies in by_id.values() {
        let (path, body) = (&copies[0].path, copies[0].json());
        assert!(copies.iter().all(|c| &c.path == path));
        let principal = body["data"]["principal_id"].as_str().unwrap().to_string();
        if path == "/fiduciary" {
            assert_eq!(body["type"], "consent.withdrawn", "{body}");
        } else {
            assert_eq!(body["type"], "alert.created", "{body}");
            alerts_received.insert(body["data"]["alert_id"].as_str().unwrap().to_string());
        }
        assert!(reached.insert((path.clone(), principal)), "{body}");
    }
    assert_eq!(reached.len(), expected);
    assert_eq!(alerts_received, alert_ids);
    // At most twice, and twice exactly the requests in flight at the kill: the same message,
    // under the same id, signed again by the new node with its endpoint's secret.
    let twice: BTreeSet<String> = by_id
        .iter()
        .filter(|(_, c)| c.len() > 1)
        .map(|(id, _)| id.clone())
        .collect();
    assert!(by_id.values().all(|c| c.len() <= 2), "{by_id:?}");
    assert_eq!(twice, in_flight, "copies only of what was in flight");
    for id in &twice {
        let copies = &by_id[id];
        assert_eq!(copies[0].body, copies[1].body, "{id}");
        assert!(
            verified_by_standardwebhooks(&secrets[&copies[1].path], copies[1]),
            "{id}"
        );
    }
    assert_eq!(got.len(), expected + in_flight.len());
    // Every delivery is sent, none dead; each is in the ledger once, whoever sent it.
    assert_eq!(
        items(&api, "/v1/deliveries?status=sent&limit=500")
            .await
            .len(),
        expected
    );
    assert!(items(&api, "/v1/deliveries?status=dead").await.is_empty());
    let entries = api.audit_entries("notification.sent").await;
    for id in by_id.keys() {
        assert_eq!(sent_entries(&entries, id), 1, "{id}: {entries:?}");
    }
    p2.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_smtp_transaction_sends_again_only_the_e_mail_in_flight() {
    const PRINCIPALS: usize = 4;
    const HOLD: usize = 3;
    let t = temp();
    let dir = t.path().join("data");
    let (_, key) = create_fiduciary(&dir, "Mail Municipal Corporation");
    // The SMTP server keeps the third message but never answers its DATA: the node is killed
    // mid-transaction, not knowing whether the server took it.
    let smtp = SmtpServer::start_holding(HOLD).await;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let node = |name: &str| {
        let mut c = serve(&dir, port);
        c.env("ANUMODAN_SMTP_URL", format!("{}?tls=none", smtp.url()))
            .env("ANUMODAN_SMTP_FROM", "Anumodan <no-reply@example.gov.in>")
            // The held message never times out (and goes again) before the kill.
            .env("ANUMODAN_SMTP_TIMEOUT_MS", "120000")
            .env("ANUMODAN_OUTBOX_INTERVAL_MS", "50")
            // On PostgreSQL the restarted node is a new holder: it waits for the dead one's lease.
            .env("ANUMODAN_OUTBOX_LEASE_MS", "2000");
        Proc::spawn(c, t.path(), name)
    };
    let mut p = node("serve-1");
    p.wait_healthy(&url).await;
    let api = FiduciaryClient::new(http(), &url, &key);
    let notice = api.seed_small().await;

    // Each principal has an e-mail address, consents, then withdraws marketing: two e-mails
    // each, sent one at a time, oldest first.
    let mut addresses = BTreeMap::new();
    for i in 0..PRINCIPALS {
        let principal = format!("mail-{i}");
        let address = format!("citizen.{i}@example.in");
        let (st, v) = api.add_contact(&principal, &address).await;
        assert!(st.is_success(), "{v}");
        collect_then_withdraw(&api, &notice, &principal).await;
        addresses.insert(address, principal);
    }
    let expected = 2 * PRINCIPALS;
    // Killed once the third message is held and every change is in its principal's inbox
    // (fanned out in the same commit as its e-mail): the rest are queued.
    smtp.wait_for(HOLD, PROCESS_WAIT).await;
    for principal in addresses.values() {
        let (me, _) = api.principal_token(principal, None).await;
        let deadline = Deadline::after(PROCESS_WAIT);
        loop {
            let (st, v) = me.get("/v1/me/notifications").await;
            assert_eq!(st, StatusCode::OK, "{v}");
            if v["items"].as_array().unwrap().len() == 2 {
                break;
            }
            deadline
                .tick(Duration::from_millis(20), || format!("{principal}: {v}"))
                .await;
        }
    }
    p.kill();
    let before = smtp.messages();
    assert_eq!(before.len(), HOLD);
    assert_eq!(
        before.iter().map(|d| d.held).collect::<Vec<_>>(),
        [false, false, true]
    );
    let id_of = |d: &Delivered| d.message().message_id().unwrap().to_string();
    let in_flight = id_of(&before[HOLD - 1]);

    // A new process on the same store sends the held message again, then the rest, once each.
    let mut p2 = node("serve-2");
    p2.wait_healthy(&url).await;
    smtp.wait_for(expected + 1, PROCESS_WAIT).await;
    // Many more rounds: everything was marked sent, nothing else goes out.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = smtp.messages();
    assert_eq!(got.len(), expected + 1);
    let ids: Vec<String> = got.iter().map(id_of).collect();
    assert_eq!(
        ids[HOLD], in_flight,
        "the message in flight, again: {ids:?}"
    );
    let (held, again) = (before[HOLD - 1].message(), got[HOLD].message());
    assert_eq!(held.subject(), again.subject());
    assert_eq!(held.body_text(0), again.body_text(0), "the same message");
    assert_eq!(before[HOLD - 1].rcpt_tos, got[HOLD].rcpt_tos);
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), expected, "the others once each: {ids:?}");
    for id in &ids {
        assert!(
            id.starts_with("msg_") && id.ends_with("@example.gov.in"),
            "{id}"
        );
    }
    // Nothing lost: each principal got both of their messages, the consent and the
    // withdrawal.
    let mut per_address: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (d, id) in got.iter().zip(&ids) {
        assert_eq!(d.rcpt_tos.len(), 1);
        per_address
            .entry(d.rcpt_tos[0].clone())
            .or_default()
            .insert(id.clone());
    }
    assert_eq!(
        per_address.keys().collect::<Vec<_>>(),
        addresses.keys().collect::<Vec<_>>()
    );
    assert!(
        per_address.values().all(|ids| ids.len() == 2),
        "{per_address:?}"
    );
    // Each message is in the ledger once, whichever node sent it.
    let entries = api.audit_entries("notification.sent").await;
    for id in &distinct {
        let bare = id.split('@').next().unwrap();
        assert_eq!(sent_entries(&entries, bare), 1, "{id}: {entries:?}");
    }
    // The servers' logs never held an address.
    for log in [p.logs(), p2.logs()] {
        for a in addresses.keys() {
            assert!(!log.contains(a.as_str()), "{a} in the logs");
        }
    }
    p2.kill();
}
