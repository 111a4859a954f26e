//! Event subscribers: each reads the event outbox (domain events written by the use cases with
//! their change, see `anumodan_core::events`) in order, from a cursor of its own, and handles
//! the kinds it wants. A new channel or job subscribes here without touching a use case.
//!
//! Delivery is at least once: the cursor moves after the events up to it were handled, so a
//! crash between the two hands the same events to the subscriber again. A subscriber makes its
//! handling idempotent by the event's id. With several nodes only the holder of the
//! subscriber's lease reads.

use crate::AppState;
use anumodan_core::events::StoredEvent;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Events read per round.
const BATCH: usize = 200;

/// What handling one event returns.
pub type Handled<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;

/// A reader of the event outbox.
pub trait Subscriber: Send + Sync {
    /// A stable name: its cursor and its lease are kept under it.
    fn name(&self) -> &'static str;
    /// The event kinds it handles (`DomainEvent::kind`); the others only move its cursor.
    fn kinds(&self) -> &[&'static str];
    /// Handles one event. An error stops the round before this event; it is handed again
    /// next round.
    fn handle<'a>(&'a self, state: &'a AppState, event: &'a StoredEvent) -> Handled<'a>;
}

/// Hands `subscriber` the events after its cursor, in order, moving the cursor past each batch
/// it handled. Returns how many events it handled.
pub async fn deliver_events_once(
    state: &AppState,
    subscriber: &dyn Subscriber,
) -> anyhow::Result<usize> {
    let name = subscriber.name();
    let mut cursor = state.store.event_cursor(name).await?;
    let mut handled = 0;
    loop {
        let events = state.store.events_after(cursor, BATCH).await?;
        let Some(last) = events.last().map(|e| e.id) else {
            return Ok(handled);
        };
        let mut reached = cursor;
        let mut failed = None;
        for e in &events {
            if subscriber.kinds().contains(&e.event.kind()) {
                if let Err(err) = subscriber.handle(state, e).await {
                    failed = Some(err);
                    break;
                }
                handled += 1;
            }
            reached = e.id;
        }
        if reached > cursor {
            state.store.advance_event_cursor(name, reached).await?;
            cursor = reached;
        }
        if let Some(err) = failed {
            return Err(err.context(format!("subscriber {name} at event {}", reached + 1)));
        }
        if events.len() < BATCH || reached < last {
            return Ok(handled);
        }
    }
}

/// The job that runs one subscriber.
pub struct EventsJob {
    pub subscriber: Arc<dyn Subscriber>,
    pub every: Duration,
}

impl super::Job for EventsJob {
    fn name(&self) -> &'static str {
        self.subscriber.name()
    }
    fn schedule(&self) -> super::Schedule {
        super::Schedule::Every(self.every)
    }
    fn lease(&self) -> Option<Duration> {
        Some(Duration::from_secs(30).max(self.every * 4))
    }
    fn run<'a>(&'a self, state: &'a AppState) -> super::JobFuture<'a> {
        Box::pin(deliver_events_once(state, self.subscriber.as_ref()))
    }
}
