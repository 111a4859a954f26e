//! Background jobs. Each is idempotent: running it twice, or after a crash, does no harm.
//! With several nodes on PostgreSQL: expiry runs in write transactions, which are serialised
//! across nodes and re-check each artefact, so an artefact expires once whichever nodes run
//! the job; checkpoints are written inside those transactions (one per tree size); the outbox
//! is sent by the node holding its lease.

use crate::AppState;
use anumodan_core::usecases;
use anumodan_store::principal::OutboxMessage;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Most artefacts expired per transaction.
const EXPIRY_BATCH: usize = 500;

/// Writes expiry events for consents whose time has passed. Validation never depends on this:
/// it compares expiry with the clock itself, so consent stops being valid at the expiry instant
/// whether or not this job has run yet.
pub async fn run_expiry_once(state: &AppState) -> Result<usize, usecases::Error> {
    let mut total = 0;
    loop {
        let n = state
            .store
            .write(|tx| usecases::expire_due(tx, EXPIRY_BATCH))
            .await?;
        total += n;
        if n < EXPIRY_BATCH {
            break;
        }
    }
    // Sign-in throttles that ran out are forgotten on the same beat.
    state
        .store
        .write_raw(anumodan_store::staff::sweep_throttles)
        .await
        .map_err(usecases::Error::Store)?;
    state
        .store
        .write_raw(anumodan_store::principal::sweep_failures)
        .await
        .map_err(usecases::Error::Store)?;
    // Answers to idempotent requests older than their window are forgotten on the same beat.
    loop {
        let n = state
            .store
            .write_raw(|tx| anumodan_store::purge_idempotency(tx, EXPIRY_BATCH))
            .await
            .map_err(usecases::Error::Store)?;
        if n < EXPIRY_BATCH {
            return Ok(total);
        }
    }
}

pub fn spawn_expiry(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_expiry_once(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "expiry job wrote expired versions"),
                Err(e) => tracing::warn!(error = %e, "expiry job failed; will retry"),
            }
        }
    })
}

/// Brings a consent index written before issue 17 up to rule 1 and gives its rows their notice
/// (see `admin::upgrade_index`), in batches, before the server answers anything. Once done it
/// is recorded, and later starts skip it with one read. Corrections are logged and recorded in
/// the ledger (`admin.action`, outcome `consent_index_upgraded corrected=N`).
pub async fn upgrade_index(state: &AppState) -> Result<usize, usecases::Error> {
    let mut cursor = None;
    let mut corrected = 0;
    loop {
        let after = cursor.take();
        let (n, next) = state
            .store
            .write_raw(move |tx| anumodan_store::admin::upgrade_index(tx, after, 2000))
            .await
            .map_err(usecases::Error::Store)?;
        corrected += n;
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    if corrected > 0 {
        tracing::warn!(
            rows = corrected,
            "consent index rows pointed at the principal's latest decision (upgrade to rule 1)"
        );
        state
            .store
            .write_raw(move |tx| {
                use anumodan_core::ports::Tx;
                tx.append_audit(&anumodan_core::audit::AuditRecord::admin(
                    anumodan_core::audit::Action::AdminAction,
                    uuid::Uuid::nil(),
                    format!("consent_index_upgraded corrected={corrected}"),
                    "system",
                ))
            })
            .await
            .map_err(usecases::Error::Store)?;
    }
    Ok(corrected)
}

/// Moves every principal's data key under the current master key (after a rotation, or when a
/// new `master_key_file` is configured), in small transactions beside live traffic.
pub fn spawn_rewrap(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        match state.store.rewrap_data_keys().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                rewrapped = n,
                "data keys re-wrapped under the current master key"
            ),
            Err(e) => tracing::error!(error = %e, "re-wrapping data keys failed; restart to retry"),
        }
    })
}

/// Drops the rate-limit state of clients that have been idle long enough to be back at a full
/// bucket, so memory does not grow with every address and key ever seen.
pub fn spawn_forget_idle_clients(
    limits: std::sync::Arc<crate::ratelimit::RateLimits>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(crate::ratelimit::FORGET_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            limits.forget_idle();
        }
    })
}

/// What [`Delivery::deliver`] returns: done when the gateway took the message (or refused it).
pub type Delivered<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Where outbox messages go: [`WebhookDelivery`] to the operator's gateway, or [`LogDelivery`]
/// when none is configured.
pub trait Delivery: Send + Sync {
    /// Sends one message; an error leaves it in the outbox for the next round. The error text
    /// is logged, so it must hold no destination or body.
    fn deliver<'a>(&'a self, m: &'a OutboxMessage) -> Delivered<'a>;
}

/// Records that a message would be sent: channel, message id and the masked destination,
/// never the body (which may hold a sign-in code) nor the clear destination.
pub struct LogDelivery;

impl Delivery for LogDelivery {
    fn deliver<'a>(&'a self, m: &'a OutboxMessage) -> Delivered<'a> {
        tracing::info!(
            channel = %m.channel,
            message = m.id,
            to = %anumodan_core::mask::mask_identifier(&m.destination),
            "outbox message delivered (log channel: no gateway configured)"
        );
        Box::pin(std::future::ready(Ok(())))
    }
}

/// POSTs each message as JSON to the operator's gateway (`outbox_webhook_url`):
/// `{"id", "fiduciary_id", "channel", "destination", "body"}`, with the message id also in the
/// `Idempotency-Key` header. A 2xx answer means the gateway took it; anything else, or no
/// answer within the timeout, leaves it for the next round. The same message may arrive twice
/// (see [`dispatch_outbox_once`]): the gateway drops a copy by its id.
pub struct WebhookDelivery {
    client: reqwest::Client,
    url: reqwest::Url,
}

/// Checks `outbox_webhook_url`: `https`, or `http` to a loopback address only. The error never
/// repeats the URL (it may carry a token).
pub fn webhook_url(url: &str) -> anyhow::Result<reqwest::Url> {
    let url = reqwest::Url::parse(url)
        .map_err(|e| anyhow::anyhow!("outbox_webhook_url is not a URL: {e}"))?;
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => anyhow::bail!(
            "outbox_webhook_url must use https (plain http only to a loopback address): \
             messages carry destinations and codes in clear"
        ),
    }
    Ok(url)
}

impl WebhookDelivery {
    /// Checks the URL ([`webhook_url`]) and builds the client. `timeout` bounds each delivery;
    /// keep it well under the outbox lease, so a node never holds a message past its lease.
    pub fn new(url: &str, timeout: Duration) -> anyhow::Result<WebhookDelivery> {
        let url = webhook_url(url)?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(WebhookDelivery { client, url })
    }
}

impl Delivery for WebhookDelivery {
    fn deliver<'a>(&'a self, m: &'a OutboxMessage) -> Delivered<'a> {
        Box::pin(async move {
            let res = self
                .client
                .post(self.url.clone())
                .header("Idempotency-Key", m.id.to_string())
                .json(&serde_json::json!({
                    "id": m.id,
                    "fiduciary_id": m.fiduciary,
                    "channel": m.channel,
                    "destination": m.destination,
                    "body": m.body,
                }))
                .send()
                .await
                // Without the URL: it may carry the gateway's credentials.
                .map_err(|e| format!("gateway unreachable: {}", e.without_url()))?;
            if res.status().is_success() {
                Ok(())
            } else {
                Err(format!("gateway answered {}", res.status()))
            }
        })
    }
}

/// Sends what the outbox holds, oldest first, each message marked sent in its own commit right
/// after the gateway took it. With several nodes only the holder of the `outbox` lease sends,
/// and it renews the lease before each message, stopping the round if it lost it: a message is
/// not sent by two nodes at once.
///
/// At-least-once, and at most one message more: a node that dies between a message's delivery
/// and its mark sends that one message again after a restart, or another node does once the
/// lease has passed. The message keeps its id, which is the idempotency key a gateway or
/// receiver uses to drop the copy (see docs/deployment.md).
pub async fn dispatch_outbox_once(
    state: &AppState,
    delivery: &dyn Delivery,
    lease: Duration,
) -> Result<usize, anumodan_core::ports::StoreError> {
    if !state.store.take_lease("outbox", lease).await? {
        return Ok(0);
    }
    let pending = state.store.outbox_pending(100, state.clock.now()).await?;
    let mut sent = 0;
    for (i, m) in pending.iter().enumerate() {
        if i > 0 && !state.store.take_lease("outbox", lease).await? {
            tracing::warn!("outbox lease lost to another node; stopping this round");
            break;
        }
        if let Err(e) = delivery.deliver(m).await {
            tracing::warn!(message = m.id, error = %e, "outbox delivery failed; will retry later");
            let id = m.id;
            state
                .store
                .write_raw(move |tx| anumodan_store::principal::delivery_failed(tx, id))
                .await?;
            continue;
        }
        let id = m.id;
        state
            .store
            .write_raw(move |tx| anumodan_store::principal::mark_sent(tx, &[id]))
            .await?;
        sent += 1;
    }
    Ok(sent)
}

pub fn spawn_outbox(
    state: AppState,
    delivery: Arc<dyn Delivery>,
    every: Duration,
    lease: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = dispatch_outbox_once(&state, delivery.as_ref(), lease).await {
                tracing::warn!(error = %e, "outbox dispatch failed; will retry");
            }
        }
    })
}
