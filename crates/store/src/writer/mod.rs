//! The writer: one thread that runs every write, on either backend.
//!
//! **Embedded**: one SQLite database in WAL mode; the syncer fsyncs the WAL (below).
//! **PostgreSQL**: the same writer, whose batch transaction first locks the shared ledger head
//! (see [`crate::backend::pg`]); a commit is durable when PostgreSQL answers it, so there is no syncer.
//!
//! **Group commit.** Every write (a use case, with its audit entries) is a job sent to one
//! writer thread. The writer takes all jobs waiting, runs each under its own savepoint inside
//! one transaction and commits once. The commit is written to the WAL but not yet synced: the
//! batch's answers go to a syncer thread, which fsyncs the WAL file for every group of batches
//! that reached it and only then answers their callers. So a 2xx is always durable, concurrent
//! requests share each fsync, and the writer never waits for the disk: while one group is being
//! synced, the next batch is already executing. Because jobs run one
//! after another on the writer, the ledger order is the order in which state changed: a
//! validation entry always reflects every change recorded before it.
//!
//! Reads that need no ledger entry (GET routes, proofs) use a small pool of read-only
//! connections and see the latest committed state.

pub(crate) mod syncer;

use crate::conv::{db_err, from_ms, ms};
use crate::db::{Connection, DbError, params};
use crate::keys::Keys;
use crate::tx::WriteTx;
use anumodan_core::clock::{Clock, truncate_ms};
use anumodan_core::model::Reconsent;
use anumodan_core::ports::StoreError;
use anumodan_ledger::checkpoint::{Checkpoint, sign_checkpoint};
use anumodan_ledger::merkle::{Frontier, Hash};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) type Reply = Box<dyn FnOnce(Option<StoreError>) + Send>;
/// A committed batch on its way to the syncer: the ledger size after it and its answers.
pub(crate) type Group = (u64, Vec<Reply>);
pub(crate) type Job = Box<dyn FnOnce(&mut WriteTx<'_>) -> (bool, Reply) + Send>;

/// What the writer thread is sent.
pub(crate) enum Msg {
    /// A write, run in the next group commit.
    Job(Job),
    /// Cover the entries not yet in a signed checkpoint, if the interval has passed (sent by
    /// the `checkpoint` job: the writer itself waits for work without a timer).
    Checkpoint,
}

/// Wake-ups for the jobs that read what a commit wrote: the notification fan-out after a commit
/// that wrote domain events, the deliveries after one that queued webhooks or staff e-mails,
/// the outbox after one that queued a message to a principal. Each has one waiter (its job); a
/// job still runs on its interval, a wake-up only makes it run sooner.
#[derive(Default)]
pub struct Signals {
    pub events: tokio::sync::Notify,
    pub deliveries: tokio::sync::Notify,
    pub outbox: tokio::sync::Notify,
}

/// What the jobs of one transaction wrote that someone waits for (see [`Signals`]).
#[derive(Default, Clone, Copy)]
pub(crate) struct Wrote {
    pub(crate) events: bool,
    pub(crate) deliveries: bool,
    pub(crate) outbox: bool,
}

pub(crate) struct Writer {
    pub(crate) signals: Arc<Signals>,
    pub(crate) conn: Connection,
    pub(crate) frontier: Frontier,
    /// Interned audit strings: value -> id (cleared whenever a rollback could make it stale).
    pub(crate) symbols: HashMap<String, i64>,
    /// Fiduciary uuid -> row id.
    pub(crate) fids: HashMap<Uuid, i64>,
    /// Notices' re-consent requirements read in the current transaction (cleared at each
    /// begin): a batch of validations reads each once.
    pub(crate) reconsents: HashMap<(Uuid, Uuid), Option<Reconsent>>,
    /// Whether each fiduciary asked for refused-validation events, read once per batch (a
    /// batch of refused validations reads its settings once).
    pub(crate) refusal_events: HashMap<Uuid, bool>,
    pub(crate) keys: Arc<Keys>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) last_ts: i64,
    pub(crate) last_cp_size: u64,
    pub(crate) last_cp_at: Instant,
    pub(crate) interval: Duration,
    pub(crate) max_batch: usize,
    pub(crate) backend: Backend,
}

/// What the writer does differently on each database.
pub(crate) enum Backend {
    Sqlite {
        /// Ledger size known to be on disk (updated by the syncer).
        durable: Arc<AtomicU64>,
        /// (size, root) after each recent commit, so checkpoints can cover only synced entries.
        recent_roots: VecDeque<(u64, Hash)>,
    },
    Postgres {
        url: String,
        /// The last checkpoint's time (unix ms) as read from the ledger head.
        checkpoint_at: i64,
        /// Since when the database has been unreachable (for logging once, and backing off).
        down_since: Option<Instant>,
    },
}

impl Writer {
    pub(crate) fn run(mut self, rx: Receiver<Msg>, syncer: Option<&Sender<Group>>) {
        loop {
            let first = match rx.recv() {
                Ok(Msg::Job(job)) => job,
                Ok(Msg::Checkpoint) => {
                    self.idle_checkpoint(false);
                    continue;
                }
                Err(_) => {
                    // Stopping: cover every entry before the process ends.
                    self.idle_checkpoint(true);
                    return;
                }
            };
            let mut batch = vec![first];
            while batch.len() < self.max_batch {
                match rx.try_recv() {
                    Ok(Msg::Job(job)) => batch.push(job),
                    // The batch ends with the same check (`checkpoint_if_due`).
                    Ok(Msg::Checkpoint) => {}
                    Err(_) => break,
                }
            }
            self.run_batch(batch, syncer);
        }
    }

    /// Starts the batch's transaction. On PostgreSQL it locks the shared ledger head and
    /// continues from it (other nodes may have appended since this one last wrote).
    fn begin(&mut self) -> Result<(), DbError> {
        match &mut self.backend {
            Backend::Sqlite { .. } => self.conn.execute_batch("BEGIN IMMEDIATE"),
            Backend::Postgres {
                url,
                checkpoint_at,
                down_since,
            } => {
                if self.conn.is_closed() {
                    // Reconnect, at most every 250 ms while the database is down.
                    if down_since.is_some_and(|t| t.elapsed() < Duration::from_millis(250)) {
                        return Err(DbError::Unavailable("PostgreSQL is unreachable".into()));
                    }
                    match crate::backend::pg::connect(url) {
                        Ok(c) => {
                            tracing::info!("reconnected to PostgreSQL");
                            self.conn = c;
                            *down_since = None;
                        }
                        Err(e) => {
                            if down_since.is_none() {
                                tracing::error!(error = %e, "PostgreSQL is unreachable; answering 503 until it is back");
                            }
                            *down_since = Some(Instant::now());
                            return Err(DbError::Unavailable(e.message));
                        }
                    }
                }
                self.conn.execute_batch("BEGIN")?;
                let head = match crate::backend::pg::lock_head(&self.conn) {
                    Ok(h) => h,
                    Err(e) => {
                        let _ = self.conn.execute_batch("ROLLBACK");
                        return Err(e);
                    }
                };
                self.frontier = head.frontier;
                self.last_ts = self.last_ts.max(head.last_ts);
                self.last_cp_size = head.checkpoint_size;
                *checkpoint_at = head.checkpoint_at;
                Ok(())
            }
        }
    }

    /// Writes the ledger head back before the commit (PostgreSQL only).
    fn save_head(&self) -> Result<(), DbError> {
        match &self.backend {
            Backend::Sqlite { .. } => Ok(()),
            Backend::Postgres { checkpoint_at, .. } => crate::backend::pg::save_head(
                &self.conn,
                &crate::backend::pg::Head {
                    frontier: self.frontier.clone(),
                    last_ts: self.last_ts,
                    checkpoint_size: self.last_cp_size,
                    checkpoint_at: *checkpoint_at,
                },
            ),
        }
    }

    fn run_batch(&mut self, batch: Vec<Job>, syncer: Option<&Sender<Group>>) {
        let mut replies: Vec<Reply> = Vec::with_capacity(batch.len());
        if let Err(e) = self.begin() {
            let err = db_err(e);
            if !matches!(
                self.backend,
                Backend::Postgres {
                    down_since: Some(_),
                    ..
                }
            ) {
                tracing::error!(error = %err, "cannot begin a write transaction");
            }
            for job in batch {
                // Run nothing: each caller gets an error (503) and nothing changed.
                drop(job);
            }
            return;
        }
        self.reconsents.clear();
        self.refusal_events.clear();
        let before = self.frontier.clone();
        let last_cp_before = self.last_cp_size;
        // On PostgreSQL every statement is a round trip: a committed job's savepoint is
        // released together with the next job's savepoint, in one message.
        let pg = self.conn.is_postgres();
        let mut open_savepoint = false;
        let mut wrote = Wrote::default();
        for job in batch {
            let mut job_wrote = Wrote::default();
            let saved = self.frontier.clone();
            let _ = if open_savepoint {
                self.conn.execute_batch("RELEASE job; SAVEPOINT job")
            } else {
                self.exec_cached("SAVEPOINT job").map(drop)
            };
            open_savepoint = false;
            let now = self.tick();
            let (commit, reply) = {
                let mut stx = WriteTx {
                    conn: &self.conn,
                    frontier: &mut self.frontier,
                    symbols: &mut self.symbols,
                    fids: &mut self.fids,
                    reconsents: &mut self.reconsents,
                    refusal_events: &mut self.refusal_events,
                    keys: &self.keys,
                    now,
                    wrote: &mut job_wrote,
                };
                job(&mut stx)
            };
            if commit {
                wrote.events |= job_wrote.events;
                wrote.deliveries |= job_wrote.deliveries;
                wrote.outbox |= job_wrote.outbox;
            }
            if commit && pg {
                open_savepoint = true;
            } else if commit {
                let _ = self.exec_cached("RELEASE job");
            } else {
                let _ = self.conn.execute_batch("ROLLBACK TO job; RELEASE job");
                self.frontier = saved;
                self.symbols.clear();
                self.fids.clear();
                self.reconsents.clear();
                self.refusal_events.clear();
            }
            replies.push(reply);
        }
        if open_savepoint {
            let _ = self.exec_cached("RELEASE job");
        }
        let cp = self.checkpoint_if_due(false);
        let committed = self
            .save_head()
            .and_then(|()| self.conn.execute_batch("COMMIT"));
        match committed {
            Ok(()) => {
                if cp.is_some() {
                    self.last_cp_at = Instant::now();
                }
                if wrote.events {
                    self.signals.events.notify_one();
                }
                if wrote.deliveries {
                    self.signals.deliveries.notify_one();
                }
                if wrote.outbox {
                    self.signals.outbox.notify_one();
                }
                let size = self.frontier.size();
                match (&mut self.backend, syncer) {
                    (Backend::Sqlite { recent_roots, .. }, Some(syncer)) => {
                        if recent_roots.back().is_none_or(|(s, _)| *s != size) {
                            recent_roots.push_back((size, self.frontier.root()));
                        }
                        if let Err(mpsc::SendError((_, replies))) = syncer.send((size, replies)) {
                            for r in replies {
                                r(Some(StoreError::unavailable("syncer stopped")));
                            }
                        }
                    }
                    // PostgreSQL answered the commit: it is durable.
                    _ => {
                        for r in replies {
                            r(None);
                        }
                    }
                }
            }
            Err(e) => {
                let err = db_err(e);
                tracing::error!(error = %err, "group commit failed; the batch is rolled back");
                let _ = self.conn.execute_batch("ROLLBACK");
                self.frontier = before;
                self.last_cp_size = last_cp_before;
                self.symbols.clear();
                self.fids.clear();
                for r in replies {
                    r(Some(err.clone()));
                }
            }
        }
    }

    fn exec_cached(&self, sql: &str) -> Result<usize, DbError> {
        self.conn.execute(sql, ())
    }

    /// The time of the next job: the clock, to the millisecond, never before the previous job.
    fn tick(&mut self) -> OffsetDateTime {
        let now = ms(truncate_ms(self.clock.now()));
        self.last_ts = self.last_ts.max(now);
        from_ms(self.last_ts)
    }

    /// Writes a signed checkpoint if entries arrived since the last one and the interval has
    /// passed (or `force`). It covers the largest tree size known to be synced to disk, never
    /// more: a signed checkpoint must never name entries that a crash could still take away.
    /// (On PostgreSQL that is the tree as of this transaction: the checkpoint commits with the
    /// entries it covers, or not at all.) Runs inside the open transaction; returns the size
    /// checkpointed and records it as the last checkpoint.
    fn checkpoint_if_due(&mut self, force: bool) -> Option<u64> {
        if !force && self.last_cp_at.elapsed() < self.interval {
            return None;
        }
        let (size, root) = match &mut self.backend {
            Backend::Sqlite {
                durable,
                recent_roots,
            } => {
                let durable = durable.load(Ordering::SeqCst);
                while recent_roots.len() > 1 && recent_roots[1].0 <= durable {
                    recent_roots.pop_front();
                }
                let (size, root) = *recent_roots.front()?;
                if size > durable {
                    return None;
                }
                (size, root)
            }
            Backend::Postgres { .. } => (self.frontier.size(), self.frontier.root()),
        };
        if size == 0 || size <= self.last_cp_size {
            return None;
        }
        let now = self.clock.now();
        // Checkpoint times never go backwards, whichever node (and clock) signs.
        let mut at = ms(now);
        if let Backend::Postgres { checkpoint_at, .. } = &mut self.backend {
            at = at.max(*checkpoint_at);
            *checkpoint_at = at;
        }
        let cp = Checkpoint::with_timestamp(
            self.keys.signer.name().to_string(),
            size,
            root,
            (at / 1000).max(0) as u64,
        );
        let note = match sign_checkpoint(&self.keys.signer, &cp) {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "cannot sign a checkpoint");
                return None;
            }
        };
        match self.conn.execute(
            "INSERT INTO checkpoints (size, created_at, note) VALUES (?1, ?2, ?3)
             ON CONFLICT (size) DO NOTHING",
            params![size as i64, at, note],
        ) {
            Ok(_) => {
                self.last_cp_size = size;
                Some(size)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot store a checkpoint");
                None
            }
        }
    }

    /// Covers entries not yet in a checkpoint while no writes arrive (`force`: now, at start
    /// and stop, rather than once the interval has passed).
    pub(crate) fn idle_checkpoint(&mut self, force: bool) {
        match &self.backend {
            Backend::Sqlite { durable, .. } => {
                if durable.load(Ordering::SeqCst) <= self.last_cp_size {
                    return;
                }
            }
            Backend::Postgres { .. } => {
                if (!force && self.last_cp_at.elapsed() < self.interval) || self.conn.is_closed() {
                    return;
                }
                // Look without the lock first: usually another node already covered it.
                let pending = self.conn.query_row(
                    "SELECT size > checkpoint_size FROM ledger_head WHERE id = 1",
                    (),
                    |r| r.get::<_, bool>(0),
                );
                if !matches!(pending, Ok(true)) {
                    self.last_cp_at = Instant::now();
                    return;
                }
            }
        }
        if self.begin().is_err() {
            return;
        }
        let last_cp_before = self.last_cp_size;
        let cp = self.checkpoint_if_due(true);
        let committed = self
            .save_head()
            .and_then(|()| self.conn.execute_batch("COMMIT"));
        if committed.is_ok() {
            if cp.is_some() {
                self.last_cp_at = Instant::now();
            }
        } else {
            self.last_cp_size = last_cp_before;
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
