//! Bounded polling: tests wait for what happens in the background (checkpoints, the principal
//! index, the outbox, a process starting), never for ever.

use std::time::{Duration, Instant};

/// The bound of a polling loop.
pub struct Deadline(Instant);

impl Deadline {
    pub fn after(d: Duration) -> Deadline {
        Deadline(Instant::now() + d)
    }

    /// Fails with `msg` once the deadline has passed; otherwise sleeps `step` before the
    /// next attempt.
    pub async fn tick(&self, step: Duration, msg: impl FnOnce() -> String) {
        assert!(Instant::now() < self.0, "{}", msg());
        tokio::time::sleep(step).await;
    }
}
