//! Domain events and the jobs runner (issue 19, item 4): every use case that changes consent
//! writes its event with the change, in the same commit; subscribers read the outbox in order
//! from cursors of their own, at least once; the runner drives every background job and runs
//! them on demand.

use crate::harness::*;
use anumodan_core::events::{DomainEvent, StoredEvent};
use anumodan_server::AppState;
use anumodan_server::jobs::events::{Handled, Subscriber, deliver_events_once};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Mutex;

/// Records what it is handed; fails on the event kinds in `fail_on` (once each).
struct Recorder {
    name: &'static str,
    kinds: Vec<&'static str>,
    seen: Mutex<Vec<StoredEvent>>,
    fail_on: Mutex<Vec<&'static str>>,
}

impl Recorder {
    fn new(name: &'static str, kinds: &[&'static str]) -> Recorder {
        Recorder {
            name,
            kinds: kinds.to_vec(),
            seen: Mutex::new(Vec::new()),
            fail_on: Mutex::new(Vec::new()),
        }
    }

    fn take(&self) -> Vec<StoredEvent> {
        std::mem::take(&mut self.seen.lock().unwrap())
    }
}

impl Subscriber for Recorder {
    fn name(&self) -> &'static str {
        self.name
    }
    fn kinds(&self) -> &[&'static str] {
        &self.kinds
    }
    fn handle<'a>(&'a self, _: &'a AppState, e: &'a StoredEvent) -> Handled<'a> {
        Box::pin(async move {
            let mut fail = self.fail_on.lock().unwrap();
            if let Some(i) = fail.iter().position(|k| *k == e.event.kind()) {
                fail.remove(i);
                anyhow::bail!("refusing {} once", e.event.kind());
            }
            self.seen.lock().unwrap().push(e.clone());
            Ok(())
        })
    }
}

fn kinds(events: &[StoredEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.event.kind()).collect()
}

#[tokio::test]
async fn every_consent_change_emits_its_event_in_order_and_refusals_emit_none() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let all = Recorder::new("test-all", DomainEvent::KINDS);

    // Collect, update, renew, withdraw (tax_records continues under its legal basis).
    let a = s
        .collect_ok(
            &cat,
            "P-events",
            decisions("granted", "granted", "denied", "granted"),
        )
        .await;
    let id = id_of(&a);
    s.act_ok(
        &id,
        "update",
        evidence(json!({"decisions": {"analytics": "granted"}})),
    )
    .await;
    s.act_ok(&id, "renew", evidence(json!({"purposes": ["marketing"]})))
        .await;
    s.act_ok(
        &id,
        "withdraw",
        json!({"purposes": ["marketing", "tax_records"]}),
    )
    .await;

    // Refused requests change nothing and emit nothing.
    let (st, _) = s
        .collect(&cat, "P-events", json!({"account": "granted"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = s
        .post(
            &format!("/v1/consents/{}/withdraw", uuid::Uuid::now_v7()),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Withdrawing what is already withdrawn changes nothing: no event.
    s.act_ok(&id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;

    assert_eq!(deliver_events_once(s.state(), &all).await.unwrap(), 4);
    let seen = all.take();
    assert_eq!(
        kinds(&seen),
        [
            "consent_collected",
            "consent_updated",
            "consent_renewed",
            "consent_withdrawn"
        ]
    );
    assert!(
        seen.windows(2).all(|w| w[0].id < w[1].id),
        "in outbox order"
    );
    let f: uuid::Uuid = s.fiduciary_id.parse().unwrap();
    for e in &seen {
        assert_eq!(e.fiduciary_id, f);
        assert!(e.has_principal());
        // No personal data in the event: the principal's id is nowhere in it.
        let body = serde_json::to_string(&e.event).unwrap();
        assert!(!body.contains("P-events"), "{body}");
    }
    let DomainEvent::ConsentCollected(c) = &seen[0].event else {
        panic!()
    };
    assert_eq!(c.artefact_id.to_string(), id);
    assert_eq!((c.version, c.notice_version), (1, 1));
    assert_eq!(c.active, ["account", "marketing", "tax_records"]);
    assert_eq!(c.denied, ["analytics"]);
    assert_eq!(c.changed.len(), 4);
    assert!(c.expires_at.is_some());
    let DomainEvent::ConsentUpdated(u) = &seen[1].event else {
        panic!()
    };
    assert_eq!(
        (u.version, u.changed.as_slice()),
        (2, ["analytics".to_string()].as_slice())
    );
    let DomainEvent::ConsentRenewed(r) = &seen[2].event else {
        panic!()
    };
    assert_eq!(r.changed, ["marketing"]);
    let DomainEvent::ConsentWithdrawn(w) = &seen[3].event else {
        panic!()
    };
    assert_eq!(w.changed, ["marketing", "tax_records"]);
    assert_eq!(w.withdrawn, ["marketing", "tax_records"]);
    assert_eq!(w.continuing, ["tax_records"], "processing continues by law");
    assert_eq!(w.version, 4);

    // The cursor moved: nothing is handed twice.
    assert_eq!(deliver_events_once(s.state(), &all).await.unwrap(), 0);
    assert!(all.take().is_empty());
}

#[tokio::test]
async fn subscribers_read_from_their_own_cursor_at_least_once() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let a = s.collect_ok(&cat, "P-sub", all_granted()).await;
    let id = id_of(&a);
    s.act_ok(&id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    s.collect_ok(&cat, "P-sub-2", all_granted()).await;

    // A subscriber to withdrawals only: the other kinds just move its cursor.
    let withdrawals = Recorder::new("test-withdrawals", &["consent_withdrawn"]);
    assert_eq!(
        deliver_events_once(s.state(), &withdrawals).await.unwrap(),
        1
    );
    assert_eq!(kinds(&withdrawals.take()), ["consent_withdrawn"]);

    // Another subscriber fails on the withdrawal: the round stops before it, the cursor stays
    // there, and the next round hands it again, then what follows.
    let flaky = Recorder::new("test-flaky", DomainEvent::KINDS);
    flaky.fail_on.lock().unwrap().push("consent_withdrawn");
    let err = deliver_events_once(s.state(), &flaky).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("refusing consent_withdrawn"),
        "{err:#}"
    );
    assert_eq!(kinds(&flaky.take()), ["consent_collected"]);
    assert_eq!(deliver_events_once(s.state(), &flaky).await.unwrap(), 2);
    assert_eq!(
        kinds(&flaky.take()),
        ["consent_withdrawn", "consent_collected"]
    );

    // Cursors survive a restart (they are in the store), and new events follow.
    let s = s.restart().await;
    s.act_ok(&id, "withdraw", json!({"purposes": ["analytics"]}))
        .await;
    assert_eq!(deliver_events_once(s.state(), &flaky).await.unwrap(), 1);
    let again = flaky.take();
    assert_eq!(kinds(&again), ["consent_withdrawn"]);
    let DomainEvent::ConsentWithdrawn(w) = &again[0].event else {
        panic!()
    };
    assert_eq!(w.changed, ["analytics"]);
}

#[tokio::test]
async fn expiry_reconsent_and_erasure_emit_events_and_erasure_unlinks_them() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let rec = Recorder::new("test-lifecycle", DomainEvent::KINDS);
    s.collect_ok(
        &cat,
        "P-exp",
        decisions("granted", "granted", "denied", "denied"),
    )
    .await;
    s.collect_ok(&cat, "P-erase", all_granted()).await;
    deliver_events_once(s.state(), &rec).await.unwrap();
    rec.take();

    // Marketing (30 days) runs out; the expiry job, run through the runner, writes it.
    s.advance_days(31);
    assert_eq!(s.jobs().run_once(s.state(), "expiry").await.unwrap(), 2);
    deliver_events_once(s.state(), &rec).await.unwrap();
    let expired = rec.take();
    assert_eq!(kinds(&expired), ["consent_expired", "consent_expired"]);
    let DomainEvent::ConsentExpired(e) = &expired[0].event else {
        panic!()
    };
    assert_eq!(e.changed, ["marketing"]);
    assert_eq!(e.expired, ["marketing"]);

    // A notice version that requires re-consent.
    let mut en = notice_text("en");
    en["summary"] =
        json!("We collect your name, mobile, e-mail and PAN, and now share them with the state.");
    let (st, v) = s
        .send(
            reqwest::Method::PUT,
            &format!("/v1/notices/{}", cat.notice_id),
            Some(&s.key),
            Some(json!({"code": "registration", "purposes": ["account", "marketing", "analytics", "tax_records"],
                        "texts": {"en": en, "hi": notice_text("hi")}})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = s
        .post(
            &format!("/v1/notices/{}/publish", cat.notice_id),
            json!({"requires_reconsent": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    deliver_events_once(s.state(), &rec).await.unwrap();
    let re = rec.take();
    assert_eq!(kinds(&re), ["reconsent_required"]);
    assert!(!re[0].has_principal(), "a notice event names no principal");
    let DomainEvent::ReconsentRequired {
        notice_id,
        notice_version,
        deadline,
    } = &re[0].event
    else {
        panic!()
    };
    assert_eq!(
        (notice_id.to_string(), *notice_version, *deadline),
        (cat.notice_id.clone(), 2, None)
    );

    // Erasure: an event saying so, naming no one, and the principal's earlier events no longer
    // lead to them.
    let (st, v) = s
        .post("/v1/principals/erase", json!({"principal_id": "P-erase"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let all = Recorder::new("test-from-the-start", DomainEvent::KINDS);
    deliver_events_once(s.state(), &all).await.unwrap();
    let every = all.take();
    assert_eq!(
        every.last().map(|e| e.event.kind()),
        Some("principal_erased")
    );
    assert!(!every.last().unwrap().has_principal());
    // P-exp's collection and expiry keep their link; P-erase's collection and expiry lost it.
    let linked: Vec<(&str, bool)> = every
        .iter()
        .filter(|e| e.event.kind() != "reconsent_required")
        .map(|e| (e.event.kind(), e.has_principal()))
        .collect();
    assert_eq!(
        linked,
        [
            ("consent_collected", true),
            ("consent_collected", false),
            ("consent_expired", true),
            ("consent_expired", false),
            ("principal_erased", false),
        ]
    );
}

#[tokio::test]
async fn the_runner_drives_every_background_job_and_runs_them_on_demand() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    assert_eq!(
        s.jobs().names(),
        [
            "expiry",
            "outbox",
            "rewrap",
            "checkpoint",
            "principal-index",
            "forget-idle-clients",
            "notify",
            "deliveries",
            "escalation",
            "case-clock",
            "renewals",
            "retention"
        ]
    );
    s.collect_ok(&cat, "P-jobs", all_granted()).await;
    for (name, result) in s.jobs().run_all_once(s.state()).await {
        assert!(result.is_ok(), "{name}: {result:?}");
    }
    let err = s
        .jobs()
        .run_once(s.state(), "no-such-job")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no job named"), "{err}");
    // The checkpoint job signs a checkpoint over the entries so far once the interval passed.
    let size = ledger_size(&s).await;
    let d = Deadline::after(std::time::Duration::from_secs(10));
    loop {
        s.jobs().run_once(s.state(), "checkpoint").await.unwrap();
        let sizes = checkpoint_sizes(&s.checkpoints().await);
        if sizes.iter().any(|n| *n >= size) {
            break;
        }
        d.tick(std::time::Duration::from_millis(100), || {
            format!("no checkpoint covers {size}")
        })
        .await;
    }
}
