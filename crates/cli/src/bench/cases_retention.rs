//! `anumodan bench --cases-retention`: the case clock and the retention engine at scale (issue
//! 21, "Performance").
//!
//! A server of its own, on its own store and a manual clock, is filled through the production
//! use cases (inside the store's write transaction, many principals per transaction):
//!
//! - `--cases` principals each collect a consent to one purpose, withdraw it, and file a
//!   grievance: that many open cases and that many principals whose purposes all ended. The
//!   first `--purge` of them granted a purpose kept one day, the others one kept ten years;
//! - a few thousand more hold a consent in force: the validation load reads theirs.
//!
//! Then, each measured for wall time, rows per second and peak RSS (the process's high-water
//! mark, reset before the pass through `/proc/self/clear_refs` where Linux allows it):
//!
//! 1. a full pass of the `retention` job: it plans every principal from the outbox's consent
//!    events and gives the 48-hour notices to the `--purge` principals whose day has run;
//! 2. 49 hours later, validations alone, then validations while the `retention` job's pass
//!    purges those `--purge` principals (one per transaction), then validations alone again:
//!    validation p50 and p99 idle against during the purge;
//! 3. 91 days later, every case past its deadline: a full pass of the `case-clock` job
//!    escalates all of them.

use super::{Names, Phase, Req, drive};
use anumodan_core::Lang;
use anumodan_core::cases::model::CaseKind;
use anumodan_core::cases::usecases::{NewCase, file_case};
use anumodan_core::clock::ManualClock;
use anumodan_core::model::{Decision, Method};
use anumodan_core::ports::PrincipalPort;
use anumodan_core::usecases::{self, ActRequest, Actor, CollectRequest};
use anumodan_server::Running;
use anumodan_server::config::Config;
use anumodan_server::jobs::retention::{Pace, Pass};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Principals filled per write transaction.
const FILL_BATCH: usize = 500;
/// Principals holding a consent in force, validated by the load.
const ACTIVE: usize = 2000;

pub(super) struct Opts {
    pub cases: usize,
    pub purge: usize,
    /// The purge's share of the writer, in percent (100: back to back).
    pub writer_percent: u8,
    pub conns: usize,
    pub dur: Duration,
    pub database_url: Option<String>,
    pub log: Option<String>,
}

/// A field of `/proc/self/status` in KiB (0 where there is none).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Resets the peak RSS to the current RSS; false where the kernel does not allow it.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// What one measured pass took.
struct Measured {
    name: &'static str,
    rows: usize,
    what: String,
    elapsed: Duration,
    rss_before_kib: u64,
    peak_kib: u64,
    peak_reset: bool,
}

impl Measured {
    fn print(&self) {
        println!(
            "{:<28} {:>9} rows in {:>8.1} s = {:>7.0} rows/s   RSS before {:>5} MiB, peak {:>5} MiB{}   ({})",
            self.name,
            self.rows,
            self.elapsed.as_secs_f64(),
            self.rows as f64 / self.elapsed.as_secs_f64().max(1e-9),
            self.rss_before_kib / 1024,
            self.peak_kib / 1024,
            if self.peak_reset {
                ""
            } else {
                " (process-wide: could not reset)"
            },
            self.what
        );
    }
}

async fn measure<F, Fut>(name: &'static str, f: F) -> anyhow::Result<Measured>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<(usize, String)>>,
{
    let peak_reset = reset_peak();
    let rss_before_kib = status_kib("VmRSS:");
    let start = Instant::now();
    let (rows, what) = f().await?;
    let elapsed = start.elapsed();
    Ok(Measured {
        name,
        rows,
        what,
        elapsed,
        rss_before_kib,
        peak_kib: status_kib("VmHWM:"),
        peak_reset,
    })
}

pub(super) async fn run(o: Opts) -> anyhow::Result<()> {
    anyhow::ensure!(o.purge <= o.cases, "--purge must not exceed --cases");
    let names = Names::new();
    let temp = tempfile::Builder::new()
        .prefix("anumodan-bench-cases-")
        .tempdir()?;
    let mut schema = None;
    let database_url = match &o.database_url {
        Some(base) => {
            let (u, s) = super::bench_schema(base, &format!("cr{}", names.tag))?;
            schema = Some((base.clone(), s));
            Some(u)
        }
        None => None,
    };
    let day = 86_400_000;
    let cfg = Config {
        listen: "127.0.0.1:0".parse()?,
        data_dir: temp.path().to_path_buf(),
        database_url,
        log: o.log.clone().unwrap_or_else(|| "warn".into()),
        rate_limit_per_ip: 10_000_000,
        rate_limit_per_ip_burst: 10_000_000,
        rate_limit_per_key: 10_000_000,
        rate_limit_per_key_burst: 10_000_000,
        // The passes measured are run by the benchmark, not on a timer.
        escalation_interval_ms: 100 * day,
        retention_interval_ms: 100 * day,
        ..Config::default()
    };
    let clock = ManualClock::new(time::OffsetDateTime::now_utc());
    let store = anumodan_server::open_store(&cfg, Arc::new(clock.clone()))?;
    let (fid, key) = store
        .write_raw(|tx| anumodan_store::admin::create_fiduciary(tx, "Bench Cases", "bench"))
        .await?;
    let running =
        anumodan_server::start_with_store(&cfg, store, Arc::new(clock.clone()), false).await?;
    let r = run_on(&o, &running, fid.id, &key.api_key, &names, &clock).await;
    running.stop().await;
    if let Some((base, s)) = schema {
        super::drop_bench_schema(&base, &s);
    }
    r
}

async fn run_on(
    o: &Opts,
    running: &Running,
    fid: Uuid,
    key: &str,
    names: &Names,
    clock: &ManualClock,
) -> anyhow::Result<()> {
    let url = running.url();
    let client = reqwest::Client::new();
    let notice = catalogue(&client, &url, key, names).await?;
    let state = running.state.clone();
    println!();
    println!(
        "cases and retention: {} open cases, {} principals whose purposes ended ({} purged), {} with a consent in force; store: {}",
        o.cases,
        o.cases,
        o.purge,
        ACTIVE,
        if o.database_url.is_some() {
            "PostgreSQL"
        } else {
            "embedded (SQLite)"
        }
    );

    // Fill, through the use cases, FILL_BATCH principals per transaction.
    let fill = measure("fill", || async {
        let total = o.cases + ACTIVE;
        let mut done = 0;
        while done < total {
            let upto = (done + FILL_BATCH).min(total);
            let (nm, n, purge, cases) = (names.clone(), notice, o.purge, o.cases);
            state
                .store
                .transact(move |tx| {
                    let actor = Actor {
                        fiduciary_id: fid,
                        initiator: "fiduciary:bench".into(),
                        source_ip: None,
                    };
                    for i in done..upto {
                        let pid = nm.principal(i);
                        let purpose = if i >= cases {
                            "service"
                        } else if i < purge {
                            "short"
                        } else {
                            "long"
                        };
                        let decisions: BTreeMap<String, Decision> = ["service", "short", "long"]
                            .iter()
                            .map(|p| {
                                let d = if *p == purpose {
                                    Decision::Granted
                                } else {
                                    Decision::Denied
                                };
                                (nm.code(p), d)
                            })
                            .collect();
                        let a = usecases::collect(
                            tx,
                            &actor,
                            CollectRequest {
                                principal_id: pid.clone(),
                                notice_id: n,
                                notice_version: 1,
                                language: Lang::parse("en").expect("en"),
                                decisions,
                                method: Method::Api,
                                session_id: None,
                                requires_guardian: false,
                                guardian: None,
                            },
                        )?;
                        if i >= cases {
                            continue;
                        }
                        usecases::withdraw(
                            tx,
                            &actor,
                            a.id,
                            Some(&[nm.code(purpose)]),
                            &ActRequest {
                                method: Some(Method::Api),
                                session_id: None,
                                notice_version: None,
                                language: None,
                            },
                        )?;
                        let p = PrincipalPort::pseudonym(tx, fid, &pid);
                        file_case(
                            tx,
                            &actor,
                            &p,
                            NewCase {
                                kind: Some(CaseKind::Grievance),
                                category: Some("other".into()),
                                description: Some(format!(
                                    "Marketing messages keep arriving after I withdrew ({i})."
                                )),
                                ..NewCase::default()
                            },
                        )?;
                    }
                    Ok(())
                })
                .await?;
            done = upto;
        }
        Ok((
            total,
            format!(
                "principals: a collect, a withdrawal and a grievance each ({ACTIVE} collect only)"
            ),
        ))
    })
    .await?;
    fill.print();

    // 1. The retention job's full pass: plans everyone, notices the short ones.
    let st = state.clone();
    let plan = measure("retention pass (plan)", || async move {
        let p = anumodan_server::jobs::retention::run_pass(&st, Pace::UNPACED).await?;
        Ok((
            p.planned,
            format!(
                "{} planned, {} notices, {} purged",
                p.planned, p.notices, p.purged
            ),
        ))
    })
    .await?;
    plan.print();

    // 2. Two days on, the short ones are due: validations idle, during the purge, idle again.
    clock.advance(time::Duration::hours(49));
    let nm = names.clone();
    let first_active = o.cases;
    let validation = Arc::new(move |i: usize| {
        Req::post(
            "/v1/consents/validate",
            &json!({
                "principal_id": nm.principal(first_active + i.wrapping_mul(7919) % ACTIVE),
                "purpose": nm.code("service")
            }),
        )
    });
    let addr = [running.addr];
    let validate = |name: &'static str, dur: Duration| {
        let make = validation.clone();
        drive(name, &addr, key, o.conns, dur, None, move |i| make(i))
    };
    let idle_before = validate("validate idle (before)", o.dur).await?;
    // Paced below 100 %: first back to back for --seconds (the same idle to compare with),
    // then paced to the end.
    let mut purges = Vec::new();
    if o.writer_percent < 100 {
        let unpaced = Pace {
            writer_percent: 100,
            budget: Some(o.dur),
        };
        purges.push(purge_under_load(&state, unpaced, &validate).await?);
    }
    let paced = Pace {
        writer_percent: o.writer_percent,
        budget: None,
    };
    purges.push(purge_under_load(&state, paced, &validate).await?);
    let idle_after = validate("validate idle (after)", o.dur).await?;
    let idle = Phase::merge(vec![
        copy_phase(&idle_before, "validate idle"),
        copy_phase(&idle_after, "validate idle"),
    ]);

    // 3. Ninety-one days on, every case is past its deadline: the clock escalates them all.
    clock.advance(time::Duration::days(91));
    let st = state.clone();
    let escalate = measure("case-clock pass", || async move {
        let n = anumodan_server::jobs::cases::escalate_once(&st).await?;
        Ok((n, format!("{n} cases escalated or re-planned")))
    })
    .await?;

    println!();
    fill.print();
    plan.print();
    for (m, _) in &purges {
        m.print();
    }
    escalate.print();
    println!();
    idle_before.print();
    for (_, during) in &purges {
        during.print();
    }
    idle_after.print();
    for (m, during) in &purges {
        println!(
            "{}: validation during / idle (before and after): p50 {:.2} / {:.2} ms ({:.2}x), p99 {:.2} / {:.2} ms ({:.2}x; goal: at most 2x); throughput {:.0} / {:.0} validations/s ({:.0} %)",
            m.what,
            during.pct(0.5),
            idle.pct(0.5),
            during.pct(0.5) / idle.pct(0.5).max(1e-9),
            during.pct(0.99),
            idle.pct(0.99),
            during.pct(0.99) / idle.pct(0.99).max(1e-9),
            during.rate(),
            idle.rate(),
            100.0 * during.rate() / idle.rate().max(1e-9)
        );
    }
    Ok(())
}

/// A purge step of the `retention` job paced by `pace`, under validations from `validate`
/// (one-second phases until it ends): what it did and the validations meanwhile.
async fn purge_under_load<F, Fut>(
    state: &anumodan_server::AppState,
    pace: Pace,
    validate: &F,
) -> anyhow::Result<(Measured, Phase)>
where
    F: Fn(&'static str, Duration) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Phase>>,
{
    let st = state.clone();
    let purge_task = tokio::spawn(async move {
        let start = Instant::now();
        let peak_reset = reset_peak();
        let rss_before_kib = status_kib("VmRSS:");
        let p = anumodan_server::jobs::retention::run_pass(&st, pace).await;
        (p, start.elapsed(), rss_before_kib, peak_reset)
    });
    let name = if pace.writer_percent < 100 {
        "validate during paced purge"
    } else {
        "validate during unpaced purge"
    };
    let mut during = Vec::new();
    while !purge_task.is_finished() {
        during.push(validate(name, Duration::from_secs(1)).await?);
    }
    let (pass, elapsed, rss_before_kib, peak_reset) = purge_task.await?;
    let pass: Pass = pass?;
    anyhow::ensure!(!during.is_empty(), "the purge ended before any validation");
    let m = Measured {
        name: if pace.writer_percent < 100 {
            "retention pass (paced purge)"
        } else {
            "retention pass (purge)"
        },
        rows: pass.purged,
        what: format!(
            "purge at {} % of the writer{}: {} purged, {} held; under validation load",
            pace.writer_percent,
            pace.budget
                .map(|b| format!(" for {} s", b.as_secs()))
                .unwrap_or_default(),
            pass.purged,
            pass.held
        ),
        elapsed,
        rss_before_kib,
        peak_kib: status_kib("VmHWM:"),
        peak_reset,
    };
    Ok((m, Phase::merge(during)))
}

/// `p` again under another name (its latencies copied).
fn copy_phase(p: &Phase, name: &'static str) -> Phase {
    Phase {
        name,
        cpu: p.cpu,
        ok: p.ok,
        errors: p.errors,
        throttled: p.throttled,
        elapsed: p.elapsed,
        lat_us: p.lat_us.clone(),
    }
}

/// Three purposes (`service`: in force; `short`: kept a day; `long`: kept ten years) on one
/// published notice; returns its id.
async fn catalogue(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    names: &Names,
) -> anyhow::Result<Uuid> {
    let post = |path: &'static str, body: Value| super::setup_post(client, url, key, path, body);
    post(
        "/v1/data-items",
        json!({"code": names.code("email"), "name": {"en": "email"}, "category": "contact"}),
    )
    .await?;
    for (code, retention) in [("service", 365), ("short", 1), ("long", 3650)] {
        post(
            "/v1/purposes",
            json!({"code": names.code(code), "mandatory": false, "validity_days": 365,
                   "retention_days": retention, "data_items": [names.code("email")],
                   "name": {"en": code}, "description": {"en": code}}),
        )
        .await?;
    }
    let purposes: Vec<String> = ["service", "short", "long"]
        .iter()
        .map(|p| names.code(p))
        .collect();
    let id = super::publish_notice(client, url, key, names.code("cases"), purposes).await?;
    Ok(id.parse()?)
}
