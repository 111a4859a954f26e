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

/// How long a node keeps the outbox to itself after its last round: when it dies, another
/// node takes over within this time.
pub const OUTBOX_LEASE: Duration = Duration::from_secs(10);

/// Sends what the outbox holds, oldest first, and marks it sent. At-least-once: a crash between
/// delivering and marking sends a message again (the message id is the idempotency key for a
/// gateway). With several nodes only the holder of the `outbox` lease sends, so a message is
/// not sent by two nodes at once.
pub async fn dispatch_outbox_once(
    state: &AppState,
    delivery: &dyn Delivery,
) -> Result<usize, anumodan_core::ports::StoreError> {
    if !state.store.take_lease("outbox", OUTBOX_LEASE).await? {
        return Ok(0);
    }
    let pending = state.store.outbox_pending(100).await?;
    let sent: Vec<i64> = pending
        .iter()
        .filter(|m| match delivery.deliver(m) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(message = m.id, error = %e, "outbox delivery failed; will retry");
                false
            }
        })
        .map(|m| m.id)
        .collect();
    let n = sent.len();
    if n > 0 {
        state
            .store
            .write_raw(move |tx| anumodan_store::principal::mark_sent(tx, &sent))
            .await?;
    }
    Ok(n)
}

pub fn spawn_outbox(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = dispatch_outbox_once(&state, &LogDelivery).await {
                tracing::warn!(error = %e, "outbox dispatch failed; will retry");
            }
        }
    })
}
