//! Background jobs: one [`Job`] abstraction and one [`Runner`] that drives every job of the
//! service (expiry, the outbox, key re-wrap, checkpoints, the principal index, event
//! subscribers, forgetting idle rate-limit state).
//!
//! Each job is idempotent: running it twice, or after a crash, does no harm. A job that must
//! run on one node at a time across a PostgreSQL cluster declares a lease: the runner takes
//! (or renews) it before each run and skips the run when another node holds it. The tests run
//! due jobs on demand with [`Runner::run_once`] and [`Runner::run_all_once`], with the manual
//! clock, instead of waiting for the timers.

pub mod cases;
pub mod events;
pub mod expiry;
pub mod notify;
pub mod outbox;
pub mod retention;

use crate::AppState;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// What a run returns: how much work it did (artefacts expired, messages sent, ...).
pub type JobResult = anyhow::Result<usize>;

/// A run in progress.
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = JobResult> + Send + 'a>>;

/// When a job runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Once, when the server starts.
    AtStart,
    /// Every interval (the first run right after start).
    Every(Duration),
}

/// A wake-up a job may wait on besides its interval (see `anumodan_store::Signals`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// A commit wrote domain events.
    Events,
    /// A commit queued webhooks or staff e-mails.
    Deliveries,
    /// A commit queued a message to a principal.
    Outbox,
}

/// One background job.
pub trait Job: Send + Sync {
    /// A short stable name (`expiry`, `outbox`, ...): logs, leases and [`Runner::run_once`].
    fn name(&self) -> &'static str;
    fn schedule(&self) -> Schedule;
    /// `Some(ttl)`: only the node holding the lease named after the job runs it.
    fn lease(&self) -> Option<Duration> {
        None
    }
    /// Also run (before the interval is up) when this happens.
    fn wake(&self) -> Option<Wake> {
        None
    }
    fn run<'a>(&'a self, state: &'a AppState) -> JobFuture<'a>;
}

/// Runs a set of jobs on their schedules, or on demand.
#[derive(Clone, Default)]
pub struct Runner {
    jobs: Vec<Arc<dyn Job>>,
}

impl Runner {
    pub fn new() -> Runner {
        Runner::default()
    }

    pub fn with(mut self, job: impl Job + 'static) -> Runner {
        self.jobs.push(Arc::new(job));
        self
    }

    /// The jobs' names, in the order they were added.
    pub fn names(&self) -> Vec<&'static str> {
        self.jobs.iter().map(|j| j.name()).collect()
    }

    /// Runs the job named `name` once now (taking its lease first, if it has one: `Ok(0)`
    /// without running when another node holds it).
    pub async fn run_once(&self, state: &AppState, name: &str) -> JobResult {
        let job = self
            .jobs
            .iter()
            .find(|j| j.name() == name)
            .ok_or_else(|| anyhow::anyhow!("no job named {name}"))?;
        run_job(job.as_ref(), state).await
    }

    /// Runs every job once now, in order; returns each one's result.
    pub async fn run_all_once(&self, state: &AppState) -> Vec<(&'static str, JobResult)> {
        let mut out = Vec::with_capacity(self.jobs.len());
        for job in &self.jobs {
            out.push((job.name(), run_job(job.as_ref(), state).await));
        }
        out
    }

    /// Starts every job on its schedule, each on a task of its own.
    pub fn spawn(&self, state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
        self.jobs
            .iter()
            .map(|job| {
                let every = match job.schedule() {
                    Schedule::AtStart => None,
                    Schedule::Every(every) => Some(every),
                };
                state.metrics.job_known(job.name(), every);
                let (job, state) = (job.clone(), state.clone());
                tokio::spawn(async move {
                    match job.schedule() {
                        Schedule::AtStart => {
                            report(job.as_ref(), run_job(job.as_ref(), &state).await)
                        }
                        Schedule::Every(every) => {
                            let mut tick = tokio::time::interval(every);
                            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                            let signals = state.store.signals();
                            loop {
                                match job.wake() {
                                    None => {
                                        tick.tick().await;
                                    }
                                    Some(w) => {
                                        let woken = match w {
                                            Wake::Events => signals.events.notified(),
                                            Wake::Deliveries => signals.deliveries.notified(),
                                            Wake::Outbox => signals.outbox.notified(),
                                        };
                                        tokio::select! {
                                            _ = tick.tick() => {}
                                            _ = woken => {}
                                        }
                                    }
                                }
                                report(job.as_ref(), run_job(job.as_ref(), &state).await);
                            }
                        }
                    }
                })
            })
            .collect()
    }
}

async fn run_job(job: &dyn Job, state: &AppState) -> JobResult {
    if let Some(ttl) = job.lease() {
        match state.store.take_lease(job.name(), ttl).await {
            // Another node holds it: that is this node's job done well.
            Ok(false) => {
                state.metrics.job_ran(job.name(), true);
                return Ok(0);
            }
            Ok(true) => {}
            Err(e) => {
                state.metrics.job_ran(job.name(), false);
                return Err(e.into());
            }
        }
    }
    let r = job.run(state).await;
    state.metrics.job_ran(job.name(), r.is_ok());
    r
}

fn report(job: &dyn Job, result: JobResult) {
    match result {
        Ok(0) => {}
        Ok(n) => tracing::debug!(job = job.name(), done = n, "job ran"),
        Err(e) => tracing::warn!(job = job.name(), error = %e, "job failed; will retry"),
    }
}

/// A job written as a function: the jobs that need no state of their own.
pub struct FnJob<F> {
    name: &'static str,
    schedule: Schedule,
    lease: Option<Duration>,
    run: F,
}

impl<F> FnJob<F>
where
    F: for<'a> Fn(&'a AppState) -> JobFuture<'a> + Send + Sync,
{
    pub fn new(name: &'static str, schedule: Schedule, run: F) -> Self {
        FnJob {
            name,
            schedule,
            lease: None,
            run,
        }
    }

    /// Runs only on the node holding the lease named after the job.
    pub fn leased(mut self, ttl: Duration) -> Self {
        self.lease = Some(ttl);
        self
    }
}

impl<F> Job for FnJob<F>
where
    F: for<'a> Fn(&'a AppState) -> JobFuture<'a> + Send + Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }
    fn schedule(&self) -> Schedule {
        self.schedule
    }
    fn lease(&self) -> Option<Duration> {
        self.lease
    }
    fn run<'a>(&'a self, state: &'a AppState) -> JobFuture<'a> {
        (self.run)(state)
    }
}

/// The service's jobs, on the intervals of `cfg`.
pub fn standard(
    cfg: &crate::config::Config,
    delivery: Arc<dyn outbox::Delivery>,
    deliverers: Arc<notify::Deliverers>,
    subscribers: Vec<Arc<dyn events::Subscriber>>,
) -> Runner {
    let ms = |v: u64| Duration::from_millis(v.max(10));
    let checkpoint_every = ms(cfg.checkpoint_interval_ms);
    let outbox_lease = Duration::from_millis(cfg.outbox_lease_ms.max(100));
    let mut runner = Runner::new()
        .with(FnJob::new(
            "expiry",
            Schedule::Every(ms(cfg.expiry_interval_ms)),
            |s| Box::pin(async move { Ok(expiry::run_expiry_once(s).await?) }),
        ))
        .with(outbox::OutboxJob {
            delivery,
            every: ms(cfg.outbox_interval_ms),
            lease: outbox_lease,
        })
        .with(FnJob::new("rewrap", Schedule::AtStart, |s| {
            Box::pin(async move { Ok(s.store.rewrap_data_keys().await? as usize) })
        }))
        .with(FnJob::new(
            "checkpoint",
            Schedule::Every(checkpoint_every),
            |s| {
                Box::pin(async move {
                    s.store.checkpoint()?;
                    Ok(0)
                })
            },
        ))
        .with(FnJob::new(
            "principal-index",
            Schedule::Every(checkpoint_every),
            |s| Box::pin(async move { Ok(s.store.index_principals().await?.saturating_sub(1)) }),
        ))
        .with(FnJob::new(
            "forget-idle-clients",
            Schedule::Every(crate::ratelimit::FORGET_EVERY),
            |s| {
                Box::pin(async move {
                    s.limits.forget_idle();
                    Ok(0)
                })
            },
        ));
    let notify_every = ms(cfg.notify_interval_ms);
    let notify_lease = Duration::from_millis(cfg.notify_lease_ms.max(100));
    let escalation_every = ms(cfg.escalation_interval_ms);
    let lease = |every: Duration| Duration::from_secs(30).max(every * 4);
    runner = runner
        .with(notify::FanOutJob {
            every: notify_every,
            lease: notify_lease,
            lock: Default::default(),
        })
        .with(notify::DeliveriesJob {
            via: deliverers,
            every: notify_every,
            lease: notify_lease,
        })
        .with(
            FnJob::new("escalation", Schedule::Every(escalation_every), |s| {
                Box::pin(notify::escalate_once(s))
            })
            .leased(lease(escalation_every)),
        )
        .with(
            FnJob::new("case-clock", Schedule::Every(escalation_every), |s| {
                Box::pin(cases::escalate_once(s))
            })
            .leased(lease(escalation_every)),
        )
        .with(
            FnJob::new("renewals", Schedule::Every(escalation_every), |s| {
                Box::pin(notify::remind_once(s))
            })
            .leased(lease(escalation_every)),
        );
    let retention_every = ms(cfg.retention_interval_ms);
    // A paced purge step stops at half the lease: the next run (on whichever node then holds
    // the lease) goes on.
    let pace = retention::Pace {
        writer_percent: cfg.retention_purge_writer_percent,
        budget: Some(lease(retention_every) / 2),
    };
    runner = runner.with(
        FnJob::new("retention", Schedule::Every(retention_every), move |s| {
            Box::pin(retention::run_once(s, pace))
        })
        .leased(lease(retention_every)),
    );
    for sub in subscribers {
        runner = runner.with(events::EventsJob {
            subscriber: sub,
            every: ms(cfg.outbox_interval_ms),
        });
    }
    runner
}
