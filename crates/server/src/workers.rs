//! Background jobs. Each is idempotent: running it twice, or after a crash, does no harm.

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
