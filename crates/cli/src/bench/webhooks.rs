//! `anumodan bench --webhooks`: the webhook phases (issue 20, "Performance").
//!
//! Three processors are registered for one purpose (marketing), each with a webhook endpoint on
//! a loopback HTTP receiver in this process. Withdrawals of that purpose are then sent at a
//! fixed rate (open loop: request i leaves at start + i / rate, whatever the answers' latency),
//! and for each withdrawal the benchmark measures the time from its 2xx answer to the arrival of
//! each of the three `alert.created` webhooks it causes.
//!
//! Validation throughput with webhooks flowing is compared with validation throughput without
//! them. Each round runs three phases of the same length on the same number of validation
//! connections, in an order that rotates from round to round (so that a drift of the host's
//! speed, or the database's growth, does not always favour the same one):
//!
//! - `validate alone`: validations only;
//! - `validate + withdraw`: the same validations while withdrawals go at the same rate over
//!   their own connections, of a purpose no processor processes (analytics): the same writes
//!   and fan-out as below, but no webhook;
//! - `validate + withdraw + webhooks`: the same, withdrawing marketing: three webhooks each.
//!
//! The two withdrawal phases of a round withdraw from the same artefacts (each granted all three
//! purposes), so the only difference between them is the webhooks: alerts, deliveries, their
//! HTTP calls and the commits that mark them sent. The first ratio printed (with webhooks /
//! without) is the cost of the webhooks; the second (with webhooks / alone) the cost of the
//! withdrawals and their webhooks together.

use super::{Names, Phase, Req, SendError, connect, drive, process_cpu, send};
use anumodan_server::Running;
use anumodan_server::jobs::notify::CURSOR;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Processors registered for the withdrawn purpose: webhooks per withdrawal.
const PROCESSORS: usize = 3;
/// How long to wait for the webhooks still due after the last withdrawal of a phase.
const STRAGGLERS: Duration = Duration::from_secs(10);
/// How long to wait for the server's background work to end between phases.
const SETTLE: Duration = Duration::from_secs(30);

/// What the webhook phases need from the rest of the benchmark.
pub(super) struct Ctx<'a> {
    pub addrs: &'a [SocketAddr],
    pub key: &'a str,
    pub url: &'a str,
    pub client: &'a reqwest::Client,
    pub names: &'a Names,
    pub notice: &'a str,
    /// Validation connections (the benchmark's `--connections`).
    pub conns: usize,
    pub dur: Duration,
    pub rounds: u32,
    /// Withdrawals per second.
    pub rate: u32,
    /// The first principal number the other phases did not use.
    pub first_principal: usize,
    /// The validation requests of the benchmark's validation phase.
    pub validation: Arc<dyn Fn(usize) -> Req + Send + Sync>,
    /// The local servers (empty when driving a server elsewhere).
    pub running: &'a [Running],
}

/// One webhook the receiver got.
struct Receipt {
    at: Instant,
    wall: OffsetDateTime,
    /// Which processor's endpoint (`/p0`, `/p1`, ...).
    processor: usize,
    artefact: String,
    /// The envelope's `timestamp`: when the fan-out queued the webhook (the server's clock).
    queued: Option<OffsetDateTime>,
    /// `webhook-id`, `webhook-timestamp` and `webhook-signature` are all there (the
    /// signatures themselves are checked by the notification tests).
    signed: bool,
}

/// A loopback HTTP/1.1 receiver that answers 200 to every request and records each
/// `alert.created` webhook.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Receipt>>>,
    /// Requests that were not an `alert.created` webhook with an artefact.
    other: Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    async fn start() -> anyhow::Result<Receiver> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let got: Arc<Mutex<Vec<Receipt>>> = Arc::default();
        let other: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
        let (g, o) = (got.clone(), other.clone());
        let task = tokio::spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((s, _)) => s,
                    Err(_) => {
                        // Out of file descriptors, say: try again shortly.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let (g, o) = (g.clone(), o.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let (g, o) = (g.clone(), o.clone());
                        async move {
                            receive(req, &g, &o).await;
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                http_body_util::Full::new(bytes::Bytes::new()),
                            ))
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Receiver {
            url,
            got,
            other,
            task,
        })
    }

    fn count(&self) -> usize {
        self.got.lock().map(|g| g.len()).unwrap_or(0)
    }

    fn take(&self) -> Vec<Receipt> {
        self.got
            .lock()
            .map(|mut g| std::mem::take(&mut *g))
            .unwrap_or_default()
    }
}

async fn receive(
    req: hyper::Request<hyper::body::Incoming>,
    got: &Mutex<Vec<Receipt>>,
    other: &std::sync::atomic::AtomicUsize,
) {
    use http_body_util::BodyExt;
    let processor = req
        .uri()
        .path()
        .strip_prefix("/p")
        .and_then(|p| p.parse::<usize>().ok());
    let h = req.headers();
    let signed = ["webhook-id", "webhook-timestamp", "webhook-signature"]
        .iter()
        .all(|n| h.get(*n).is_some_and(|v| !v.is_empty()));
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => bytes::Bytes::new(),
    };
    let (at, wall) = (Instant::now(), OffsetDateTime::now_utc());
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let artefact = v["data"]["artefact_id"].as_str();
    match (processor, artefact, v["type"].as_str()) {
        (Some(processor), Some(artefact), Some("alert.created")) => {
            let queued = v["timestamp"].as_str().and_then(|t| {
                OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            });
            if let Ok(mut g) = got.lock() {
                g.push(Receipt {
                    at,
                    wall,
                    processor,
                    artefact: artefact.to_string(),
                    queued,
                    signed,
                });
            }
        }
        _ => {
            other.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// An open-loop run of withdrawals.
struct Paced {
    phase: Phase,
    /// Each withdrawal answered 2xx: its artefact, and when the answer arrived.
    done: HashMap<String, (Instant, OffsetDateTime)>,
    /// The most a withdrawal left behind its time (its connection was still waiting for the
    /// previous answer).
    behind: Duration,
}

/// Withdraws `purpose` from each of `ids`, withdrawal i at start + i / `rate`, over `conns`
/// connections (withdrawal i on connection i mod `conns`, so each connection has
/// `conns / rate` seconds per request; a connection still waiting for an answer sends its next
/// withdrawal as soon as it has it, and the delay is reported).
async fn paced_withdrawals(
    name: &'static str,
    cx: &Ctx<'_>,
    conns: usize,
    ids: &[String],
    purpose: &str,
) -> anyhow::Result<Paced> {
    let senders = connect(cx.addrs, conns).await?;
    let auth = Arc::new(format!("Bearer {}", cx.key));
    let ids: Arc<Vec<String>> = Arc::new(ids.to_vec());
    let body = json!({ "purposes": [purpose] });
    let period = Duration::from_secs_f64(1.0 / f64::from(cx.rate.max(1)));
    let cpu0 = process_cpu();
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(conns);
    for (c, mut sender) in senders.into_iter().enumerate() {
        let (ids, auth, body) = (ids.clone(), auth.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut done = Vec::new();
            let (mut errors, mut throttled) = (0usize, 0usize);
            let mut behind = Duration::ZERO;
            for i in (c..ids.len()).step_by(conns) {
                let due = start + period.mul_f64(i as f64);
                tokio::time::sleep_until(due.into()).await;
                let t = Instant::now();
                behind = behind.max(t.saturating_duration_since(due));
                let r = Req::post(format!("/v1/consents/{}/withdraw", ids[i]), &body);
                match send(&mut sender, &auth, r).await.map(|(s, _)| s) {
                    Ok(status) if status.is_success() => {
                        let (at, wall) = (Instant::now(), OffsetDateTime::now_utc());
                        lat.push((at - t).as_micros().min(u128::from(u32::MAX)) as u32);
                        done.push((i, at, wall));
                    }
                    Ok(status) => {
                        errors += 1;
                        throttled += usize::from(status == hyper::StatusCode::TOO_MANY_REQUESTS);
                    }
                    Err(SendError::Request) => errors += 1,
                    Err(SendError::Connection) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (lat, done, errors, throttled, behind)
        }));
    }
    let mut phase = Phase {
        name,
        cpu: Duration::ZERO,
        ok: 0,
        errors: 0,
        throttled: 0,
        elapsed: Duration::ZERO,
        lat_us: Vec::new(),
    };
    let mut done = HashMap::with_capacity(ids.len());
    let mut behind = Duration::ZERO;
    for t in tasks {
        let (lat, d, errors, throttled, b) = t.await?;
        phase.lat_us.extend(lat);
        phase.errors += errors;
        phase.throttled += throttled;
        behind = behind.max(b);
        for (i, at, wall) in d {
            done.insert(ids[i].clone(), (at, wall));
        }
    }
    phase.elapsed = start.elapsed();
    phase.cpu = process_cpu().saturating_sub(cpu0);
    phase.lat_us.sort_unstable();
    phase.ok = phase.lat_us.len();
    Ok(Paced {
        phase,
        done,
        behind,
    })
}

/// The webhooks of one or more phases, as the receiver saw them.
#[derive(Default)]
struct Hooks {
    expected: usize,
    /// Distinct (processor, artefact) pairs received.
    received: usize,
    signed: usize,
    duplicates: usize,
    /// Webhooks received before the withdrawal's answer (latency counted as 0).
    early: usize,
    /// Webhooks for no withdrawal of the phase (late ones of an earlier phase).
    unknown: usize,
    /// 2xx → received, microseconds, sorted.
    lat_us: Vec<u32>,
    /// 2xx → queued by the fan-out (the envelope's timestamp), milliseconds; negative when the
    /// fan-out queued it before the answer reached the client.
    queued_ms: Vec<f64>,
    /// Queued → received, milliseconds.
    delivered_ms: Vec<f64>,
    behind: Duration,
}

impl Hooks {
    fn of(paced: &Paced, receipts: Vec<Receipt>) -> Hooks {
        let mut h = Hooks {
            expected: paced.done.len() * PROCESSORS,
            behind: paced.behind,
            ..Hooks::default()
        };
        let mut seen = HashSet::with_capacity(receipts.len());
        for r in receipts {
            let Some((at, wall)) = paced.done.get(&r.artefact) else {
                h.unknown += 1;
                continue;
            };
            if !seen.insert((r.processor, r.artefact.clone())) {
                h.duplicates += 1;
                continue;
            }
            h.received += 1;
            h.signed += usize::from(r.signed);
            h.early += usize::from(r.at < *at);
            let us = r.at.saturating_duration_since(*at).as_micros();
            h.lat_us.push(us.min(u128::from(u32::MAX)) as u32);
            if let Some(q) = r.queued {
                h.queued_ms.push((q - *wall).as_seconds_f64() * 1e3);
                h.delivered_ms.push((r.wall - q).as_seconds_f64() * 1e3);
            }
        }
        h.lat_us.sort_unstable();
        h
    }

    fn merge(&mut self, o: Hooks) {
        self.expected += o.expected;
        self.received += o.received;
        self.signed += o.signed;
        self.duplicates += o.duplicates;
        self.early += o.early;
        self.unknown += o.unknown;
        self.lat_us.extend(o.lat_us);
        self.lat_us.sort_unstable();
        self.queued_ms.extend(o.queued_ms);
        self.delivered_ms.extend(o.delivered_ms);
        self.behind = self.behind.max(o.behind);
    }

    fn print(&self) {
        let pct = |p: f64| -> f64 {
            if self.lat_us.is_empty() {
                return 0.0;
            }
            let i = ((self.lat_us.len() as f64 - 1.0) * p).round() as usize;
            f64::from(self.lat_us[i]) / 1000.0
        };
        let max = self.lat_us.last().map_or(0.0, |v| f64::from(*v) / 1000.0);
        println!(
            "  webhooks, 2xx -> received: {} of {} received, {} signed   p50 {:.2} ms   p99 {:.2} ms   p99.9 {:.2} ms   max {:.2} ms",
            self.received,
            self.expected,
            self.signed,
            pct(0.50),
            pct(0.99),
            pct(0.999),
            max
        );
        println!(
            "    2xx -> queued by the fan-out: p50 {:.1} ms, p99 {:.1} ms; queued -> received: p50 {:.1} ms, p99 {:.1} ms (server clock, to the ms)",
            quantile(&self.queued_ms, 0.50),
            quantile(&self.queued_ms, 0.99),
            quantile(&self.delivered_ms, 0.50),
            quantile(&self.delivered_ms, 0.99),
        );
        let mut notes = Vec::new();
        if self.behind > Duration::from_millis(5) {
            notes.push(format!(
                "withdrawals left up to {:.1} ms behind their time",
                self.behind.as_secs_f64() * 1e3
            ));
        }
        if self.early > 0 {
            notes.push(format!("{} arrived before their 2xx", self.early));
        }
        if self.duplicates > 0 {
            notes.push(format!("{} duplicates", self.duplicates));
        }
        if self.unknown > 0 {
            notes.push(format!("{} late from an earlier phase", self.unknown));
        }
        if !notes.is_empty() {
            println!("    {}", notes.join("; "));
        }
    }
}

fn quantile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() as f64 - 1.0) * p).round() as usize]
}

/// Waits (at most `bound`) until the local server has fanned out every event and has no
/// delivery due, so that a phase does not start with the previous one's work still running in
/// the background. Against a server elsewhere, waits a second. False when `bound` passed.
async fn settle(running: &[Running], bound: Duration) -> anyhow::Result<bool> {
    let Some(r) = running.first() else {
        tokio::time::sleep(Duration::from_secs(1)).await;
        return Ok(true);
    };
    let store = &r.state.store;
    let t = Instant::now();
    loop {
        let cursor = store.event_cursor(CURSOR).await?;
        let behind = !store.events_after(cursor, 1).await?.is_empty();
        let due = !store
            .due_deliveries(OffsetDateTime::now_utc(), 1)
            .await?
            .is_empty();
        if !behind && !due {
            return Ok(true);
        }
        if t.elapsed() > bound {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `expected` webhooks have arrived or `bound` has passed.
async fn stragglers(receiver: &Receiver, expected: usize, bound: Duration) {
    let t = Instant::now();
    while receiver.count() < expected && t.elapsed() < bound {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The three kinds of phase of a round (see the module's documentation).
#[derive(Clone, Copy)]
enum Kind {
    Alone,
    Withdraw,
    Webhooks,
}

/// Collects consents for `n` new principals, all three purposes granted, over the validation
/// connections; returns the artefacts' ids in the principals' order, and how many failed.
async fn collect(cx: &Ctx<'_>, n: usize) -> anyhow::Result<(Vec<String>, usize)> {
    let senders = connect(cx.addrs, cx.conns).await?;
    let auth = Arc::new(format!("Bearer {}", cx.key));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(senders.len());
    for mut sender in senders {
        let (auth, next, names) = (auth.clone(), next.clone(), cx.names.clone());
        let (notice, first) = (cx.notice.to_string(), cx.first_principal);
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let mut decisions = serde_json::Map::new();
                for p in ["service", "marketing", "analytics"] {
                    decisions.insert(names.code(p), json!("granted"));
                }
                let r = Req::post(
                    "/v1/consents",
                    &json!({
                        "principal_id": names.principal(first + i), "notice_id": notice,
                        "notice_version": 1, "language": "en", "method": "api",
                        "decisions": decisions
                    }),
                );
                match send(&mut sender, &auth, r).await {
                    Ok((status, body)) if status.is_success() => {
                        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        match v["id"].as_str() {
                            Some(id) => ids.push((i, id.to_string())),
                            None => errors += 1,
                        }
                    }
                    Ok(_) | Err(SendError::Request) => errors += 1,
                    Err(SendError::Connection) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (ids, errors)
        }));
    }
    let (mut ids, mut errors) = (Vec::with_capacity(n), 0);
    for t in tasks {
        let (i, e) = t.await?;
        ids.extend(i);
        errors += e;
    }
    ids.sort_unstable();
    Ok((ids.into_iter().map(|(_, id)| id).collect(), errors))
}

pub(super) async fn run(cx: &Ctx<'_>) -> anyhow::Result<()> {
    let per = ((f64::from(cx.rate) * cx.dur.as_secs_f64()).round() as usize).max(1);
    let sets = 1 + cx.rounds as usize;
    let total = per * sets;
    // One connection per 10 withdrawals a second: 100 ms per withdrawal on each.
    let wconns = (cx.rate as usize).div_ceil(10).clamp(2, 256);

    // Principals with all three purposes granted, a set of `per` per phase that withdraws.
    // Progress on stderr: this part takes a while (and a profiler can be started on cue).
    eprintln!("webhooks: collecting {total} consents");
    let (ids, errors) = collect(cx, total).await?;
    let sets: Vec<&[String]> = ids.chunks(per).collect();
    anyhow::ensure!(
        sets.len() > cx.rounds as usize,
        "only {} of {total} consents for the webhook phases were collected ({errors} errors)",
        ids.len()
    );

    let receiver = Receiver::start().await?;
    let marketing = cx.names.code("marketing");
    let analytics = cx.names.code("analytics");
    for p in 0..PROCESSORS {
        let r = cx
            .client
            .post(format!("{}/v1/processors", cx.url))
            .bearer_auth(cx.key)
            .json(&json!({
                "name": cx.names.code(&format!("processor-{p}")),
                "purposes": [marketing],
                "webhook_url": format!("{}/p{p}", receiver.url),
            }))
            .send()
            .await?;
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        anyhow::ensure!(
            status.is_success(),
            "could not register a processor with a loopback webhook (a server elsewhere needs allow_loopback_endpoints = true): {v}"
        );
    }
    if !settle(cx.running, SETTLE).await? {
        println!("(the server was still fanning out the collections after {SETTLE:?})");
    }

    // Withdrawals alone, at the rate.
    eprintln!("webhooks: withdraw -> webhooks, alone");
    let alone = paced_withdrawals(
        "withdraw -> webhooks, alone",
        cx,
        wconns,
        sets[0],
        &marketing,
    )
    .await?;
    stragglers(&receiver, alone.done.len() * PROCESSORS, STRAGGLERS).await;
    let alone_hooks = Hooks::of(&alone, receiver.take());
    settle(cx.running, SETTLE).await?;

    // Rounds of the three phases, the order rotating.
    let mut validate: [Vec<Phase>; 3] = Default::default();
    let mut withdraw: [Vec<Phase>; 2] = Default::default();
    let mut hooks = Hooks::default();
    let mut ratios = Vec::new();
    for round in 0..cx.rounds as usize {
        let set = sets[round + 1];
        let mut kinds = [Kind::Alone, Kind::Withdraw, Kind::Webhooks];
        kinds.rotate_left(round % 3);
        let mut rates = [0.0; 3];
        for kind in kinds {
            let make = cx.validation.clone();
            let (name, purpose, wname) = match kind {
                Kind::Alone => ("validate alone", None, ""),
                Kind::Withdraw => ("validate + withdraw", Some(&analytics), "  its withdrawals"),
                Kind::Webhooks => (
                    "validate + withdraw + webhooks",
                    Some(&marketing),
                    "  its withdrawals -> webhooks",
                ),
            };
            // Same validation connections and duration in all three; the withdrawals, if any,
            // over connections of their own.
            eprintln!("webhooks: round {}: {name}", round + 1);
            let v = drive(name, cx.addrs, cx.key, cx.conns, cx.dur, None, move |i| {
                make(i)
            });
            let (v, w) = match purpose {
                None => (v.await?, None),
                Some(p) => {
                    let (v, w) = tokio::join!(v, paced_withdrawals(wname, cx, wconns, set, p));
                    (v?, Some(w?))
                }
            };
            let k = kind as usize;
            rates[k] = v.rate();
            validate[k].push(v);
            if let Some(w) = w {
                if let Kind::Webhooks = kind {
                    stragglers(&receiver, w.done.len() * PROCESSORS, STRAGGLERS).await;
                    hooks.merge(Hooks::of(&w, receiver.take()));
                }
                withdraw[k - 1].push(w.phase);
            }
            settle(cx.running, SETTLE).await?;
        }
        ratios.push((
            100.0 * rates[2] / rates[1].max(1.0),
            100.0 * rates[2] / rates[0].max(1.0),
        ));
    }

    println!();
    println!(
        "webhooks: {PROCESSORS} processors of the withdrawn purpose, each with an endpoint on a loopback receiver in this process; withdrawals at {}/s (open loop, {wconns} connections), {} s per phase",
        cx.rate,
        cx.dur.as_secs()
    );
    alone.phase.print();
    alone_hooks.print();
    let [va, vw, vh] = validate.map(Phase::merge);
    let [ww, wh] = withdraw.map(Phase::merge);
    va.print();
    vw.print();
    ww.print();
    vh.print();
    wh.print();
    hooks.print();
    let other = receiver.other.load(std::sync::atomic::Ordering::Relaxed);
    if other > 0 {
        println!("  the receiver also got {other} requests that were not alert.created");
    }
    println!(
        "validations with webhooks / without: {:.0}%; with webhooks / validations alone: {:.0}%",
        100.0 * vh.rate() / vw.rate().max(1.0),
        100.0 * vh.rate() / va.rate().max(1.0)
    );
    if ratios.len() > 1 {
        let each: Vec<String> = ratios
            .iter()
            .map(|(w, a)| format!("{w:.0}/{a:.0}%"))
            .collect();
        let mut w: Vec<f64> = ratios.iter().map(|r| r.0).collect();
        let mut a: Vec<f64> = ratios.iter().map(|r| r.1).collect();
        println!(
            "  per round: {} (medians {:.0}% and {:.0}%)",
            each.join(" "),
            super::median(&mut w),
            super::median(&mut a)
        );
    }
    Ok(())
}
