//! Several nodes on one PostgreSQL database (issue 5): one truth, one ledger, background jobs
//! once. These tests need PostgreSQL, so they are ignored unless asked for: `.ci/run` runs
//! them with `ANUMODAN_TEST_DATABASE_URL` set and `--include-ignored`.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

const NEEDS_PG: &str = "these tests need ANUMODAN_TEST_DATABASE_URL (see README)";

/// One HTTP call's outcome with when it started and ended.
struct Call {
    principal: usize,
    node: usize,
    start: Instant,
    valid: bool,
}

/// A withdrawal acknowledged by any node is honoured by every node's validation from that
/// moment on: no validation that starts after the withdrawal's response answers `valid`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL"]
async fn a_withdrawal_acknowledged_by_one_node_is_honoured_by_every_node_at_once() {
    assert!(pg_base().is_some(), "{NEEDS_PG}");
    const PRINCIPALS: usize = 24;
    let a = TestServer::start().await;
    let cat = a.seed().await;
    let b = a.join().await;
    let c = a.join().await;

    // Consents collected through the three nodes.
    let mut artefacts = Vec::new();
    for i in 0..PRINCIPALS {
        let node = [&a, &b, &c][i % 3];
        let v = node
            .collect_ok(&cat, &format!("cluster-citizen-{i}"), all_granted())
            .await;
        artefacts.push(v["id"].as_str().unwrap().to_string());
    }

    // Each principal's marketing consent is withdrawn through one node at a random moment,
    // while validators ask all nodes about all principals.
    let client = reqwest::Client::new();
    let nodes: Arc<Vec<FiduciaryClient>> = Arc::new(
        [&a, &b, &c]
            .iter()
            .map(|n| FiduciaryClient::new(client.clone(), &n.url, &a.key))
            .collect(),
    );
    let began = Instant::now();
    let mut withdrawals = Vec::new();
    for (i, id) in artefacts.iter().enumerate() {
        let (nodes, id) = (nodes.clone(), id.clone());
        withdrawals.push(tokio::spawn(async move {
            tokio::time::sleep(StdDuration::from_millis(20 + (i as u64 * 37) % 600)).await;
            let node = (i + 1) % 3;
            let (st, v) = nodes[node]
                .act(&id, "withdraw", json!({"purposes": ["marketing"]}))
                .await;
            assert_eq!(st, StatusCode::OK, "{v}");
            (i, Instant::now())
        }));
    }
    let mut validators = Vec::new();
    for v in 0..6usize {
        let nodes = nodes.clone();
        validators.push(tokio::spawn(async move {
            let mut calls = Vec::new();
            let mut n = v;
            while began.elapsed() < StdDuration::from_millis(1200) {
                n = n.wrapping_mul(31).wrapping_add(17);
                let (principal, node) = (n % PRINCIPALS, (n / PRINCIPALS) % 3);
                let start = Instant::now();
                let body = json!({"principal_id": format!("cluster-citizen-{principal}"), "purpose": "marketing"});
                let (st, body) = nodes[node].post("/v1/consents/validate", body).await;
                assert_eq!(st, StatusCode::OK, "{body}");
                calls.push(Call {
                    principal,
                    node,
                    start,
                    valid: body["valid"] == true,
                });
            }
            calls
        }));
    }
    let mut acked = [None; PRINCIPALS];
    for w in withdrawals {
        let (i, at) = w.await.unwrap();
        acked[i] = Some(at);
    }
    let mut calls = Vec::new();
    for v in validators {
        calls.extend(v.await.unwrap());
    }

    // Every answer against the order of acknowledgements.
    let (mut valid_before, mut invalid_after) = (0, 0);
    for call in &calls {
        let ack = acked[call.principal].unwrap();
        if call.start > ack {
            assert!(
                !call.valid,
                "node {} answered valid for principal {} {:?} after its withdrawal was acknowledged",
                call.node,
                call.principal,
                call.start - ack
            );
            invalid_after += 1;
        } else if call.valid {
            valid_before += 1;
        }
    }
    // The run exercised both sides of each withdrawal, on every node.
    assert!(calls.len() > 100, "only {} validations", calls.len());
    assert!(
        valid_before > 0 && invalid_after > 0,
        "{valid_before} / {invalid_after}"
    );
    for node in 0..3 {
        assert!(calls.iter().any(|c| c.node == node && c.valid));
        assert!(calls.iter().any(|c| c.node == node && !c.valid));
    }

    // One ledger: every node's entries in one log that verifies, with one sequence of
    // checkpoints, whichever node answers.
    for node in [&a, &b, &c] {
        let sizes = checkpoint_sizes(&node.checkpoints().await);
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    }
    let dir = a.dir.clone();
    // One principal index, written by the three nodes' indexers in turn: every entry with a
    // principal exactly once, and nothing else.
    wait_principal_index(&dir).await;
    drop((b, c));
    let (_, _guard) = a.stop().await;
    let o = audit_verify(&dir);
    assert_ok(&o);
    // Every action is in it: collections, withdrawals, validations (and the set-up).
    let text = out_text(&o);
    let verified: u64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("entries verified:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        verified >= (PRINCIPALS * 2 + calls.len()) as u64,
        "{verified} entries for {} actions",
        PRINCIPALS * 2 + calls.len()
    );
    assert!(text.contains("entries after it:      0"), "{text}");
}

/// Background jobs on several nodes: each expiry is written once, and each outbox message is
/// sent by one node.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL"]
async fn background_jobs_run_once_across_nodes() {
    assert!(pg_base().is_some(), "{NEEDS_PG}");
    // The nodes' own outbox rounds would send the messages before the test does.
    let a = TestServer::start_with(|c| c.outbox_interval_ms = 3_600_000).await;
    let cat = a.seed().await;
    let b = a.join().await;
    let c = a.join().await;
    for i in 0..6 {
        a.collect_ok(&cat, &format!("expiring-{i}"), all_granted())
            .await;
    }
    // Past every purpose's validity (the longest in the catalogue is 3 years).
    a.advance_days(4 * 366);
    let (x, y, z) = tokio::join!(a.run_expiry(), b.run_expiry(), c.run_expiry());
    assert_eq!(x + y + z, 6, "each artefact expired once across the nodes");
    // One entry per expired purpose (four each), none twice.
    let expired = a.audit_entries("consent.expired").await;
    let mut pairs: Vec<(String, String)> = expired
        .iter()
        .map(|e| (e["artefact"].to_string(), e["purpose"].to_string()))
        .collect();
    assert_eq!(pairs.len(), 6 * 4);
    pairs.sort();
    pairs.dedup();
    assert_eq!(pairs.len(), 6 * 4, "a purpose expired twice");

    // The outbox: only the node holding its lease sends, so no message goes out twice.
    struct Counting(std::sync::Mutex<Vec<i64>>);
    impl anumodan_server::jobs::outbox::Delivery for Counting {
        fn deliver<'a>(
            &'a self,
            m: &'a anumodan_store::principal::OutboxMessage,
        ) -> anumodan_server::jobs::outbox::Delivered<'a> {
            self.0.lock().unwrap().push(m.id);
            Box::pin(std::future::ready(Ok(())))
        }
    }
    /// A gateway that is down: every message stays in the outbox.
    struct Down;
    impl anumodan_server::jobs::outbox::Delivery for Down {
        fn deliver<'a>(
            &'a self,
            _: &'a anumodan_store::principal::OutboxMessage,
        ) -> anumodan_server::jobs::outbox::Delivered<'a> {
            Box::pin(std::future::ready(Err("gateway down".into())))
        }
    }
    queue_sign_in_codes(&a, &cat, "outbox", 3).await;
    // Node a takes the lease, but its gateway fails: the messages stay pending.
    async fn dispatch(node: &TestServer, d: &dyn anumodan_server::jobs::outbox::Delivery) -> usize {
        anumodan_server::jobs::outbox::dispatch_outbox_once(
            node.state(),
            d,
            StdDuration::from_secs(10),
        )
        .await
        .unwrap()
    }
    assert_eq!(dispatch(&a, &Down).await, 0);
    // While a holds the lease, b and c send nothing, although three messages are pending.
    let others = Counting(Default::default());
    for _ in 0..3 {
        assert_eq!(dispatch(&b, &others).await, 0);
        assert_eq!(dispatch(&c, &others).await, 0);
    }
    assert!(others.0.lock().unwrap().is_empty());
    // The holder sends each message once (after the back-off of the failed try); afterwards
    // nothing is left for anyone.
    a.clock.advance(time::Duration::seconds(2));
    let sent = Counting(Default::default());
    assert_eq!(dispatch(&a, &sent).await, 3);
    for node in [&a, &b, &c] {
        assert_eq!(dispatch(node, &sent).await, 0);
    }
    let mut ids = sent.0.into_inner().unwrap();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "a message was sent twice");
}

/// A node that stops in the middle of the expiry job (after some of its transactions
/// committed) leaves nothing lost and nothing to do twice: another node finishes the job, and
/// every purpose expires exactly once. (A node killed inside a transaction leaves nothing at
/// all: PostgreSQL rolls it back; see `faults::`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL"]
async fn a_job_cut_short_on_one_node_is_finished_by_another_once() {
    assert!(pg_base().is_some(), "{NEEDS_PG}");
    const ARTEFACTS: usize = 120;
    let a = TestServer::start().await;
    let cat = a.seed().await;
    let b = a.join().await;
    // Every node runs the expiry job once as it starts: start them all before anything is due,
    // so that the job runs only where this test says.
    let c = a.join().await;
    for i in 0..ARTEFACTS {
        a.collect_ok(&cat, &format!("cut-{i}"), all_granted()).await;
    }
    a.advance_days(4 * 366);
    // Node a gets through one transaction of the job (50 artefacts), then stops.
    let first = a
        .state()
        .store
        .write(|tx| anumodan_core::usecases::expire_due(tx, 50))
        .await
        .unwrap();
    assert_eq!(first, 50);
    let dir = a.dir.clone();
    let (_, guard) = a.stop().await;
    // Node b runs the whole job: it finds only what is left.
    assert_eq!(b.run_expiry().await, ARTEFACTS - 50);
    assert_eq!(c.run_expiry().await, 0);
    let expired = b.audit_entries("consent.expired").await;
    let mut pairs: Vec<(String, String)> = expired
        .iter()
        .map(|e| (e["artefact"].to_string(), e["purpose"].to_string()))
        .collect();
    assert_eq!(pairs.len(), ARTEFACTS * 4);
    pairs.sort();
    pairs.dedup();
    assert_eq!(pairs.len(), ARTEFACTS * 4, "a purpose expired twice");
    drop((b, c));
    assert_ok(&audit_verify(&dir));
    drop(guard);
}

/// A node that dies in the middle of an outbox round, right after the gateway took a message
/// and before that message was marked sent: another node takes over once the lease has
/// passed, and sends again only that one message, with the same id (the idempotency key), and
/// every other message exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL"]
async fn an_outbox_round_cut_short_is_finished_by_another_node() {
    assert!(pg_base().is_some(), "{NEEDS_PG}");
    // Long enough to outlast the dying node's panic report (a debug build symbolises its
    // backtrace, which took over 400 ms under load).
    const LEASE: StdDuration = StdDuration::from_secs(5);
    let a = TestServer::start_with(|c| c.outbox_interval_ms = 3_600_000).await;
    let cat = a.seed().await;
    let b = a.join().await;
    let ids = queue_sign_in_codes(&a, &cat, "cut-outbox", 5).await;

    let gateway = std::sync::Arc::new(Gateway::default());
    // Node a: its gateway takes the third message, then the node dies before marking it.
    let dying = Instant::now();
    die_mid_outbox_round(&a, &gateway, 3, LEASE).await;
    let from_a = gateway.take();
    assert_eq!(from_a, ids[..3]);
    // While a's lease lasts, b sends nothing.
    let on_b = DyingAfter(gateway.clone(), usize::MAX);
    let d = |node: &TestServer| {
        let state = node.state().clone();
        let on_b = &on_b;
        async move {
            anumodan_server::jobs::outbox::dispatch_outbox_once(&state, on_b, LEASE)
                .await
                .unwrap()
        }
    };
    assert_eq!(d(&b).await, 0);
    assert!(
        dying.elapsed() < LEASE,
        "the lease passed before b asked: this run proves nothing"
    );
    assert!(gateway.take().is_empty());
    // Once it has passed, b sends what is left: the message in flight when a died, and the
    // two a never reached. Nothing remains afterwards.
    tokio::time::sleep(LEASE + StdDuration::from_millis(200)).await;
    assert_eq!(d(&b).await, 3);
    assert_eq!(gateway.take(), ids[2..]);
    assert_eq!(d(&b).await, 0);
    drop(a);
}

/// Notifications on several nodes: every node runs the fan-out and the deliveries in the
/// background (woken by every commit), and each webhook still leaves once, from the one node
/// holding the leases.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL"]
async fn each_webhook_is_sent_by_one_node() {
    assert!(pg_base().is_some(), "{NEEDS_PG}");
    let a = TestServer::start_with(|c| {
        c.allow_loopback_endpoints = true;
        c.notify_interval_ms = 50;
    })
    .await;
    let cat = a.seed().await;
    let b = a.join().await;
    let c = a.join().await;
    let rx = Receiver::start().await;
    for name in ["one", "two"] {
        let (st, v) = a
            .post(
                "/v1/processors",
                serde_json::json!({"name": name, "purposes": ["marketing"], "webhook_url": rx.url(&format!("/{name}"))}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    // Writes spread over the three nodes.
    let nodes = [&a, &b, &c];
    for i in 0..9 {
        let node = nodes[i % 3];
        let art = node
            .collect_ok(&cat, &format!("w-{i}"), all_granted())
            .await;
        node.act_ok(
            art["id"].as_str().unwrap(),
            "withdraw",
            serde_json::json!({"purposes": ["marketing"]}),
        )
        .await;
    }
    let one = rx.wait_for("/one", 9).await;
    let two = rx.wait_for("/two", 9).await;
    // A while longer: nothing more comes.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(rx.at("/one").len(), 9);
    assert_eq!(rx.at("/two").len(), 9);
    let mut ids: Vec<String> = one
        .iter()
        .chain(two.iter())
        .map(|r| r.header("webhook-id").to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 18, "no webhook twice");
}
