//! Notifications and alerts as jobs (issue 20):
//!
//! - `notify`: the fan-out. Reads the event outbox from its own cursor and turns each event
//!   into inbox messages, principal e-mails and SMS (in the message outbox), webhooks and
//!   processor alerts (`anumodan_core::notify::usecases::fan_out`), in one transaction with the
//!   cursor's move: each event is fanned out exactly once.
//! - `deliveries`: sends due webhooks (signed per Standard Webhooks) and staff e-mails,
//!   several at once, each at least once; a failure is retried on the schedule with jitter,
//!   then dead-lettered.
//! - `escalation`: escalates alerts no processor confirmed in time.
//! - `renewals`: emits the renewal reminders that fell due.
//!
//! A slow or dead endpoint costs only its own delivery's time (bounded by the client's
//! timeout), never a consent write or a request.

use crate::AppState;
use crate::channels::email::{Email, EmailSender};
use crate::outbound::{self, OutboundClient};
use anumodan_core::notify::model::{Channel, DueDelivery};
use anumodan_core::notify::{route, usecases};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// The fan-out's cursor in the event outbox.
pub const CURSOR: &str = "notify";
/// Events fanned out per transaction.
const BATCH: usize = 200;
/// Deliveries taken per round, and sent at once.
const ROUND: usize = 64;

/// Fans out the events after the `notify` cursor. Returns how many events it handled.
pub async fn fan_out_once(state: &AppState) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let cursor = state.store.event_cursor(CURSOR).await?;
        let events = state.store.events_after(cursor, BATCH).await?;
        let Some(last) = events.last().map(|e| e.id) else {
            return Ok(total);
        };
        let n = events.len();
        state
            .store
            .transact(move |tx| {
                // Each fiduciary's settings, endpoints and processors, read once per batch.
                let mut cache = usecases::FanOutCache::default();
                for e in &events {
                    match usecases::fan_out_cached(tx, e, &mut cache) {
                        Ok(_) => {}
                        Err(anumodan_core::Error::Store(s)) => return Err(s.into()),
                        // A rule refusing one event must not block every later one.
                        Err(anumodan_core::Error::Domain(d)) => tracing::warn!(
                            event = e.id,
                            code = d.code,
                            "an event could not be fanned out; skipped"
                        ),
                    }
                }
                anumodan_store::events::advance(tx, CURSOR, last)?;
                Ok(())
            })
            .await?;
        total += n;
        if n < BATCH {
            return Ok(total);
        }
    }
}

/// The `notify` job: [`fan_out_once`], one round at a time in this process (a run on demand
/// waits for the scheduled one).
pub struct FanOutJob {
    pub every: Duration,
    /// How long a node keeps the job to itself after its last run (`notify_lease_ms`).
    pub lease: Duration,
    pub lock: tokio::sync::Mutex<()>,
}

impl super::Job for FanOutJob {
    fn name(&self) -> &'static str {
        "notify"
    }
    fn schedule(&self) -> super::Schedule {
        super::Schedule::Every(self.every)
    }
    fn lease(&self) -> Option<Duration> {
        Some(self.lease.max(self.every * 4))
    }
    fn wake(&self) -> Option<super::Wake> {
        Some(super::Wake::Events)
    }
    fn run<'a>(&'a self, state: &'a AppState) -> super::JobFuture<'a> {
        Box::pin(async move {
            let _one = self.lock.lock().await;
            fan_out_once(state).await
        })
    }
}

/// How deliveries are made.
pub struct Deliverers {
    pub http: OutboundClient,
    pub email: Option<Arc<EmailSender>>,
    /// Waits between attempts (see `route::RETRY_SCHEDULE_MS`).
    pub retry_schedule_ms: Vec<u64>,
    /// One round at a time in this process: a delivery is not sent twice at once.
    pub round: tokio::sync::Mutex<()>,
}

/// What one attempt came to.
enum Outcome {
    Sent,
    /// Retry (unless the schedule is spent), with a reason for staff.
    Failed(String),
    /// Never retry.
    Permanent(String),
}

async fn attempt(d: &DueDelivery, via: &Deliverers) -> Outcome {
    match d.channel {
        Channel::Webhook => {
            let Some(ep) = &d.endpoint else {
                return Outcome::Permanent("endpoint removed".into());
            };
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let body = d.payload.as_bytes().to_vec();
            let secrets: Vec<outbound::WebhookSecret> = match ep
                .secrets
                .iter()
                .map(|s| outbound::WebhookSecret::parse(s))
                .collect::<Result<_, _>>()
            {
                Ok(s) => s,
                Err(_) => return Outcome::Permanent("the endpoint's secret is unreadable".into()),
            };
            let refs: Vec<&outbound::WebhookSecret> = secrets.iter().collect();
            let headers = outbound::headers(&refs, &d.id, now, &body);
            match via.http.post_json(&ep.url, &headers, body).await {
                Ok(_) => Outcome::Sent,
                Err(f) if f.is_retryable() => Outcome::Failed(f.to_string()),
                Err(f) => Outcome::Permanent(f.to_string()),
            }
        }
        Channel::Email => {
            let Some(sender) = &via.email else {
                return Outcome::Failed("no SMTP server is configured (smtp_url)".into());
            };
            let Some(to) = &d.destination else {
                return Outcome::Permanent("no address".into());
            };
            let m: serde_json::Value = match serde_json::from_str(&d.payload) {
                Ok(v) => v,
                Err(_) => return Outcome::Permanent("unreadable message".into()),
            };
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            let email = Email {
                to: to.to_string(),
                subject: s("subject"),
                text: s("text"),
                html: m["html"].as_str().map(str::to_string),
                language: s("language"),
                message_id: d.id.clone(),
                reply_to: None,
            };
            match sender.send(&email).await {
                Ok(()) => Outcome::Sent,
                Err(f) if f.is_permanent() => Outcome::Permanent(f.to_string()),
                Err(f) => Outcome::Failed(f.to_string()),
            }
        }
        Channel::Sms => Outcome::Permanent("SMS to staff is not a channel".into()),
    }
}

/// Sends the deliveries due now, up to [`ROUND`] at once, and marks each (sent, to retry, or
/// dead) as soon as its attempt ends: the outcomes are written as they come, each write taking
/// every attempt that ended while the previous write was committing (one commit for one
/// outcome when they trickle in, a few per round when they arrive together, instead of one per
/// delivery). A node killed mid-round sends again only the deliveries not yet marked. With
/// several nodes only the holder of the `deliveries` lease sends (the job's lease). Returns how
/// many were sent.
pub async fn deliver_once(state: &AppState, via: &Arc<Deliverers>) -> anyhow::Result<usize> {
    let _one = via.round.lock().await;
    let now = state.clock.now();
    let due = state.store.due_deliveries(now, ROUND).await?;
    if !due.is_empty() {
        // What they report was committed before they were read: wait until it is durable.
        state.store.durable_barrier().await?;
    }
    let (done, mut outcomes) = tokio::sync::mpsc::unbounded_channel();
    let mut set = tokio::task::JoinSet::new();
    for d in due {
        let (via, done) = (via.clone(), done.clone());
        set.spawn(async move {
            let outcome = attempt(&d, &via).await;
            let _ = done.send((d, outcome));
        });
    }
    drop(done);
    let mut sent = 0;
    while let Some(first) = outcomes.recv().await {
        let mut ended = vec![first];
        while let Ok(more) = outcomes.try_recv() {
            ended.push(more);
        }
        sent += record(state, via, ended).await?;
    }
    while let Some(r) = set.join_next().await {
        r?;
    }
    Ok(sent)
}

/// Records the outcomes of attempts in one commit; returns how many were sent.
async fn record(
    state: &AppState,
    via: &Deliverers,
    ended: Vec<(DueDelivery, Outcome)>,
) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let mut marks = Vec::with_capacity(ended.len());
    let mut sent = 0;
    for (d, outcome) in ended {
        let retry = match &outcome {
            Outcome::Failed(_) => route::next_retry(
                &via.retry_schedule_ms,
                d.attempts + 1,
                rand::random::<f64>(),
            )
            .map(|wait| now + wait),
            _ => None,
        };
        let latency = matches!(outcome, Outcome::Sent).then(|| (now - d.created_at).unsigned_abs());
        state.metrics.delivery(
            d.channel.as_str(),
            matches!(outcome, Outcome::Sent),
            latency,
        );
        match &outcome {
            Outcome::Sent => sent += 1,
            Outcome::Failed(why) if retry.is_some() => {
                tracing::debug!(delivery = %d.id, kind = %d.kind, error = %why, "delivery failed; will retry")
            }
            Outcome::Failed(why) | Outcome::Permanent(why) => tracing::warn!(
                delivery = %d.id, kind = %d.kind, error = %why, "delivery dead-lettered"
            ),
        }
        marks.push((d, outcome, retry));
    }
    state
        .store
        .write_raw(move |tx| {
            let sent: Vec<&DueDelivery> = marks
                .iter()
                .filter(|(_, o, _)| matches!(o, Outcome::Sent))
                .map(|(d, _, _)| d)
                .collect();
            anumodan_store::notify::deliveries_sent(tx, &sent)?;
            for (d, outcome, retry) in &marks {
                match outcome {
                    Outcome::Sent => {}
                    Outcome::Failed(why) => {
                        anumodan_store::notify::delivery_failed(tx, d.row, why, *retry)?
                    }
                    Outcome::Permanent(why) => {
                        anumodan_store::notify::delivery_failed(tx, d.row, why, None)?
                    }
                }
            }
            Ok(())
        })
        .await?;
    Ok(sent)
}

/// The `deliveries` job.
pub struct DeliveriesJob {
    pub via: Arc<Deliverers>,
    pub every: Duration,
    /// How long a node keeps the job to itself after its last round began
    /// (`notify_lease_ms`): when it dies, another node sends once this has passed. A round
    /// longer than the lease may overlap with the next node's: a copy, never a loss.
    pub lease: Duration,
}

impl super::Job for DeliveriesJob {
    fn name(&self) -> &'static str {
        "deliveries"
    }
    fn schedule(&self) -> super::Schedule {
        super::Schedule::Every(self.every)
    }
    fn lease(&self) -> Option<Duration> {
        Some(self.lease.max(self.every * 4))
    }
    fn wake(&self) -> Option<super::Wake> {
        Some(super::Wake::Deliveries)
    }
    fn run<'a>(&'a self, state: &'a AppState) -> super::JobFuture<'a> {
        Box::pin(deliver_once(state, &self.via))
    }
}

/// Escalates the alerts whose time has come.
pub async fn escalate_once(state: &AppState) -> anyhow::Result<usize> {
    Ok(state
        .store
        .transact(|tx| usecases::escalate_due(tx, 200))
        .await?)
}

/// Emits the renewal reminders that fell due.
pub async fn remind_once(state: &AppState) -> anyhow::Result<usize> {
    Ok(state
        .store
        .transact(|tx| usecases::remind_due(tx, 500))
        .await?)
}
