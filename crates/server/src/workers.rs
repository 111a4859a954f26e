//! Background jobs. Each is idempotent: running it twice, or after a crash, does no harm.
//! With several nodes on PostgreSQL: expiry runs in write transactions, which are serialised
//! across nodes and re-check each artefact, so an artefact expires once whichever nodes run
//! the job; checkpoints are written inside those transactions (one per tree size); the outbox
//! is sent by the node holding its lease.

use crate::AppState;
use anumodan_core::usecases;
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

/// Where outbox messages go. The real channels (SMS gateway, e-mail, webhooks) come with the
/// notifications issue; until then [`LogDelivery`] is the only one.
pub trait Delivery: Send + Sync {
    /// Sends one message; an error leaves it in the outbox for the next round.
    fn deliver(&self, m: &anumodan_store::principal::OutboxMessage) -> Result<(), String>;
}

/// Records that a message would be sent: channel, message id and the masked destination,
/// never the body (which may hold a sign-in code) nor the clear destination.
pub struct LogDelivery;

impl Delivery for LogDelivery {
    fn deliver(&self, m: &anumodan_store::principal::OutboxMessage) -> Result<(), String> {
        tracing::info!(
            channel = %m.channel,
            message = m.id,
            to = %anumodan_core::mask::mask_identifier(&m.destination),
            "outbox message delivered (log channel: no gateway configured)"
        );
        Ok(())
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
    let pending = state.store.outbox_pending(100).await?;
    let mut sent = 0;
    for (i, m) in pending.iter().enumerate() {
        if i > 0 && !state.store.take_lease("outbox", lease).await? {
            tracing::warn!("outbox lease lost to another node; stopping this round");
            break;
        }
        if let Err(e) = delivery.deliver(m) {
            tracing::warn!(message = m.id, error = %e, "outbox delivery failed; will retry");
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
    every: Duration,
    lease: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = dispatch_outbox_once(&state, &LogDelivery, lease).await {
                tracing::warn!(error = %e, "outbox dispatch failed; will retry");
            }
        }
    })
}
