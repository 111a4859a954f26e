//! The `retention` job (issue 21, item 5), on one node at a time (a lease):
//!
//! 1. plans: reads the event outbox from its own cursor and, for each consent change of a
//!    principal, brings that principal's erasure plan up to date (written only when it
//!    changed; `anumodan_core::retention::plan`);
//! 2. notices: tells each principal whose erasure is 48 hours away (`erasure_due`);
//! 3. purges: erases each principal whose plan is due, one principal per transaction, so the
//!    single writer never holds a long purge in front of validations, and paced ([`Pace`]):
//!    after each purge it waits so that purges take at most a configured share of the
//!    writer's time (docs/architecture.md, decision 42).
//!
//! Every step reads at most one batch at a time: a pass over a million due principals runs in
//! bounded memory.

use crate::AppState;
use anumodan_core::ports::{RetentionPort, Tx};
use anumodan_core::retention::{self, Purge};
use std::time::{Duration, Instant};

/// The planner's cursor in the event outbox.
pub const CURSOR: &str = "retention";
/// Events planned per transaction.
const PLAN_BATCH: usize = 100;
/// Notices given per transaction.
const NOTICE_BATCH: usize = 100;
/// Due plans read per round (each purged in its own transaction).
const PURGE_BATCH: usize = 50;
/// The events that may change when a principal's data may go.
const PLANNED: &[&str] = &[
    "consent_collected",
    "consent_updated",
    "consent_renewed",
    "consent_withdrawn",
    "consent_expired",
];

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub planned: usize,
    pub notices: usize,
    pub purged: usize,
    pub held: usize,
}

/// How the purge step shares the single writer with everything else (validations first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// The most of the writer's time purges take, in percent (1 to 100; configuration:
    /// `retention_purge_writer_percent`): after a purge that kept the writer busy for `t`,
    /// the job waits `t * (100 - p) / p` before the next.
    pub writer_percent: u8,
    /// The purge step stops after this long and the next run goes on (None: until nothing is
    /// due), so that a long paced step never outlives the job's lease.
    pub budget: Option<Duration>,
}

impl Pace {
    /// Back to back, until nothing is due.
    pub const UNPACED: Pace = Pace {
        writer_percent: 100,
        budget: None,
    };

    /// The wait after a purge that kept the writer busy for `busy`.
    pub fn pause(&self, busy: Duration) -> Duration {
        let p = u32::from(self.writer_percent.clamp(1, 100));
        busy * (100 - p) / p
    }
}

/// One full pass: plans, notices, purges (paced by `pace`). Returns what it did.
pub async fn run_pass(state: &AppState, pace: Pace) -> anyhow::Result<Pass> {
    let started = Instant::now();
    let mut pass = Pass::default();
    // 1. Plans, from the consent changes since the cursor.
    loop {
        let cursor = state.store.event_cursor(CURSOR).await?;
        let events = state.store.events_after(cursor, PLAN_BATCH).await?;
        let Some(last) = events.last().map(|e| e.id) else {
            break;
        };
        let n = events.len();
        pass.planned += state
            .store
            .transact(move |tx| {
                let mut planned = 0;
                for e in &events {
                    let Some(p) = e
                        .principal
                        .as_ref()
                        .filter(|_| PLANNED.contains(&e.event.kind()))
                    else {
                        continue;
                    };
                    let Some(id) = tx.principal_of(e.fiduciary_id, p)? else {
                        continue;
                    };
                    retention::plan(tx, e.fiduciary_id, &id)?;
                    planned += 1;
                }
                anumodan_store::events::advance(tx, CURSOR, last)?;
                Ok(planned)
            })
            .await?;
        if n < PLAN_BATCH {
            break;
        }
    }
    // 2. Notices, 48 hours ahead.
    loop {
        let (due, told) = state
            .store
            .transact(|tx| {
                let now = tx.now();
                let due = tx.due_notices(now, NOTICE_BATCH)?;
                let mut told = 0;
                for (fid, id) in &due {
                    if retention::give_notice(tx, *fid, id)? {
                        told += 1;
                    }
                }
                Ok((due.len(), told))
            })
            .await?;
        pass.notices += told;
        if due < NOTICE_BATCH || told == 0 {
            break;
        }
    }
    // 3. Purges, one principal per transaction, each followed by its pause.
    let out_of_time = || pace.budget.is_some_and(|b| started.elapsed() >= b);
    'purges: loop {
        let due = state
            .store
            .transact(|tx| {
                let now = tx.now();
                Ok(tx.due_purges(now, PURGE_BATCH)?)
            })
            .await?;
        let n = due.len();
        let mut progressed = 0;
        for (fid, id) in due {
            if out_of_time() {
                break 'purges;
            }
            let (done, busy) = state
                .store
                .transact(move |tx| {
                    let began = Instant::now();
                    let done = retention::purge(tx, fid, &id)?;
                    Ok((done, began.elapsed()))
                })
                .await?;
            match done {
                Some(Purge::Purged(_)) => {
                    pass.purged += 1;
                    progressed += 1;
                }
                Some(Purge::Held) => pass.held += 1,
                _ => {}
            }
            let pause = pace.pause(busy);
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
        }
        if n < PURGE_BATCH || progressed == 0 {
            break;
        }
    }
    Ok(pass)
}

/// The job's run: a pass, paced by `pace`; how much it did.
pub async fn run_once(state: &AppState, pace: Pace) -> anyhow::Result<usize> {
    let p = run_pass(state, pace).await?;
    Ok(p.planned + p.notices + p.purged + p.held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_keeps_purges_to_their_share_of_the_writer() {
        let pace = |writer_percent| Pace {
            writer_percent,
            budget: None,
        };
        let ms = Duration::from_millis;
        assert_eq!(pace(10).pause(ms(2)), ms(18));
        assert_eq!(pace(25).pause(ms(2)), ms(6));
        assert_eq!(pace(100).pause(ms(2)), Duration::ZERO);
        // Out of range: 0 counts as 1 (the slowest), never a division by zero.
        assert_eq!(pace(0).pause(ms(1)), ms(99));
        assert_eq!(pace(200).pause(ms(1)), Duration::ZERO);
    }
}
