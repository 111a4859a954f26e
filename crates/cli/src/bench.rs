//! `anumodan bench`: starts a server on a temporary store, drives it over real HTTP with many
//! concurrent keep-alive connections, and prints what it measured. Run it from a release build
//! (`cargo run --release -- bench`); a debug build measures the debug build.
//!
//! With `--url` and `--api-key` it drives a server running elsewhere (for example `anumodan serve`
//! pinned to its own cores with `taskset`), so that client and server CPU are measured apart.

use anumodan_core::clock::SystemClock;
use anumodan_server::config::Config;
use anumodan_store::admin;
use clap::Args;
use serde_json::{Value, json};
use std::net::ToSocketAddrs;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod cases_retention;
mod webhooks;

#[derive(Args, Clone)]
pub struct BenchArgs {
    /// Seconds per measured phase.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Times the `/healthz` and validation phases run, one after the other. On a host whose
    /// speed drifts (a shared virtual machine), each round pairs a ceiling with the
    /// validations measured next to it, and the median of the rounds' ratios is printed.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub rounds: u32,
    /// Principals with a consent, collected before the validation phase.
    #[arg(long, default_value_t = 2000)]
    pub principals: usize,
    /// Drive this running server (e.g. http://127.0.0.1:8080) instead of starting one.
    #[arg(long, requires = "api_key")]
    pub url: Option<String>,
    /// API key of a fiduciary on the server given by --url.
    #[arg(long, env = "ANUMODAN_BENCH_API_KEY", requires = "url")]
    pub api_key: Option<String>,
    /// Run the local server(s) on this PostgreSQL database (in a new schema, dropped at the
    /// end) instead of the embedded store.
    #[arg(long, value_name = "URL", conflicts_with = "url")]
    pub database_url: Option<String>,
    /// Local server nodes on the one PostgreSQL database (connections are spread over them).
    #[arg(long, default_value_t = 1, requires = "database_url")]
    pub nodes: usize,
    /// Also run the webhook phases: withdrawals at --webhook-rate with three processors per
    /// withdrawn purpose, each webhook's time from the withdrawal's answer to its arrival at a
    /// loopback receiver, and validation throughput with and without webhooks flowing. A
    /// server given by --url must allow loopback endpoints (allow_loopback_endpoints = true).
    #[arg(long)]
    pub webhooks: bool,
    /// Log the local server's events at this level or filter (e.g. `warn`, or
    /// `anumodan_server=debug`) on stderr; by default it logs nothing.
    #[arg(long, value_name = "FILTER")]
    pub log: Option<String>,
    /// Withdrawals per second in the webhook phases.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub webhook_rate: u32,
    /// Also run the cases and retention phase (issue 21) on a server of its own with a manual
    /// clock: fill --cases open cases and principals whose purposes ended, then time a full
    /// pass of the retention and case-clock jobs (with peak RSS), and compare validation
    /// latency during a purge of --purge principals with idle. Not with --url.
    #[arg(long, conflicts_with = "url")]
    pub cases_retention: bool,
    /// Open cases (and principals due for retention checks) in the cases and retention phase.
    #[arg(long, default_value_t = 1_000_000, requires = "cases_retention")]
    pub cases: usize,
    /// Principals purged under validation load in the cases and retention phase.
    #[arg(long, default_value_t = 100_000, requires = "cases_retention")]
    pub purge: usize,
    /// The purge's share of the writer in the cases and retention phase, in percent (the
    /// server's `retention_purge_writer_percent`; by default its default). Below 100, the
    /// phase first purges back to back for --seconds, then paced: both against the same idle.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100), requires = "cases_retention")]
    pub purge_writer_percent: Option<u8>,
}

/// Names used by one run, tagged so that runs against the same server do not collide.
#[derive(Clone)]
struct Names {
    tag: String,
}

impl Names {
    fn new() -> Names {
        Names {
            tag: uuid::Uuid::new_v4().simple().to_string()[..8].to_string(),
        }
    }
    fn code(&self, base: &str) -> String {
        format!("{base}-{}", self.tag)
    }
    fn principal(&self, i: usize) -> String {
        format!("p{}-{i}", self.tag)
    }
}

/// Latencies of one phase, in microseconds.
struct Phase {
    name: &'static str,
    /// CPU time of the whole process (server and load generator) during the phase.
    cpu: Duration,
    ok: usize,
    errors: usize,
    /// Answers 429: the server's rate limits throttled the load generator.
    throttled: usize,
    elapsed: Duration,
    lat_us: Vec<u32>,
}

impl Phase {
    /// The rounds of one phase as one: every answer, all their time and CPU.
    fn merge(mut rounds: Vec<Phase>) -> Phase {
        let mut all = rounds.remove(0);
        for r in rounds {
            all.cpu += r.cpu;
            all.ok += r.ok;
            all.errors += r.errors;
            all.throttled += r.throttled;
            all.elapsed += r.elapsed;
            all.lat_us.extend(r.lat_us);
        }
        all.lat_us.sort_unstable();
        all
    }
    fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }
    fn pct(&self, p: f64) -> f64 {
        if self.lat_us.is_empty() {
            return 0.0;
        }
        let i = ((self.lat_us.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.lat_us[i]) / 1000.0
    }
    fn print(&self) {
        println!(
            "{:<30} {:>8.0} ops/s   p50 {:>6.2} ms   p99 {:>6.2} ms   p99.9 {:>6.2} ms   CPU {:>4.0}% {:>5.0} us/op   ({} ok, {} errors)",
            self.name,
            self.rate(),
            self.pct(0.50),
            self.pct(0.99),
            self.pct(0.999),
            100.0 * self.cpu.as_secs_f64() / self.elapsed.as_secs_f64(),
            self.cpu.as_secs_f64() * 1e6 / self.ok.max(1) as f64,
            self.ok,
            self.errors
        );
        if self.throttled > 0 {
            println!(
                "  {} answers were 429: the server's rate limits throttle this benchmark; run it with rate_limit_per_ip = 0 and rate_limit_per_key = 0",
                self.throttled
            );
        }
    }
}

/// One HTTP request to send: method, path and an optional JSON body.
pub struct Req {
    method: hyper::Method,
    path: String,
    body: Option<Vec<u8>>,
}

impl Req {
    fn get(path: impl Into<String>) -> Req {
        Req {
            method: hyper::Method::GET,
            path: path.into(),
            body: None,
        }
    }
    fn post(path: impl Into<String>, body: &Value) -> Req {
        Req {
            method: hyper::Method::POST,
            path: path.into(),
            body: Some(serde_json::to_vec(body).unwrap_or_default()),
        }
    }
}

/// One keep-alive HTTP/1.1 connection of the load generator.
type Conn = hyper::client::conn::http1::SendRequest<http_body_util::Full<bytes::Bytes>>;

/// Opens `n` connections, spread over `addrs`. The client is a bare hyper connection so that
/// the load generator takes as little of the machine as it can.
async fn connect(addrs: &[std::net::SocketAddr], n: usize) -> anyhow::Result<Vec<Conn>> {
    let mut senders = Vec::with_capacity(n);
    for c in 0..n {
        let stream = tokio::net::TcpStream::connect(addrs[c % addrs.len()]).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        senders.push(sender);
    }
    Ok(senders)
}

/// Why a request got no status.
enum SendError {
    /// It could not be built: count it and go on.
    Request,
    /// The connection broke: count it and stop using the connection.
    Connection,
}

/// Sends `r` on `sender` and reads the whole answer; returns its status and body.
async fn send(
    sender: &mut Conn,
    auth: &str,
    r: Req,
) -> Result<(hyper::StatusCode, bytes::Bytes), SendError> {
    use http_body_util::{BodyExt, Full};
    let mut b = hyper::Request::builder()
        .method(r.method)
        .uri(r.path)
        .header(hyper::header::HOST, "bench")
        .header(hyper::header::AUTHORIZATION, auth);
    if r.body.is_some() {
        b = b.header(hyper::header::CONTENT_TYPE, "application/json");
    }
    let req = b
        .body(Full::new(bytes::Bytes::from(r.body.unwrap_or_default())))
        .map_err(|_| SendError::Request)?;
    sender.ready().await.map_err(|_| SendError::Connection)?;
    let res = sender
        .send_request(req)
        .await
        .map_err(|_| SendError::Connection)?;
    let status = res.status();
    let body = match res.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => bytes::Bytes::new(),
    };
    Ok((status, body))
}

/// Sends `make(i)` requests from `conns` tasks, each owning one keep-alive HTTP/1.1 connection,
/// until `dur` has passed or `limit` requests were sent (a closed loop: each connection sends
/// its next request when the previous one is answered).
async fn drive<F>(
    name: &'static str,
    addrs: &[std::net::SocketAddr],
    key: &str,
    conns: usize,
    dur: Duration,
    limit: Option<usize>,
    make: F,
) -> anyhow::Result<Phase>
where
    F: Fn(usize) -> Req + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let auth = Arc::new(format!("Bearer {key}"));
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let senders = connect(addrs, conns).await?;
    let cpu0 = process_cpu();
    let start = Instant::now();
    let deadline = start + dur;
    let mut tasks = Vec::new();
    for mut sender in senders {
        let (make, counter, auth) = (make.clone(), counter.clone(), auth.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            let mut throttled = 0usize;
            loop {
                let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if limit.is_some_and(|l| i >= l) || Instant::now() >= deadline {
                    break;
                }
                let t = Instant::now();
                match send(&mut sender, &auth, make(i)).await.map(|(s, _)| s) {
                    Ok(status) if status.is_success() => {
                        lat.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
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
            (lat, errors, throttled)
        }));
    }
    let mut lat_us = Vec::new();
    let (mut errors, mut throttled) = (0, 0);
    for t in tasks {
        if let Ok((l, e, th)) = t.await {
            lat_us.extend(l);
            errors += e;
            throttled += th;
        }
    }
    let elapsed = start.elapsed();
    let cpu = process_cpu().saturating_sub(cpu0);
    lat_us.sort_unstable();
    Ok(Phase {
        name,
        cpu,
        ok: lat_us.len(),
        errors,
        throttled,
        elapsed,
        lat_us,
    })
}

/// The median of `v` (which it sorts); 0 when empty.
fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

/// User and system CPU time of this process so far (Linux `/proc/self/stat`; zero elsewhere).
fn process_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the full line: 11 and 12 after the name.
    let total = ticks(11) + ticks(12);
    Duration::from_millis(total * 10)
}

/// Bytes used by the database (pages in use), after moving the WAL into it.
/// Bytes the store takes: the embedded database's pages in use, or on PostgreSQL the size of
/// the bench schema's tables with their indexes and TOAST.
fn db_bytes(store: &Store) -> anyhow::Result<u64> {
    match store {
        Store::Embedded(path) => Ok(anumodan_store::used_bytes(path)?),
        Store::Postgres(url) => {
            let url = url.clone();
            anumodan_store::db::off_runtime(move || {
                let c = anumodan_store::pg::connect(&url)?;
                let n: i64 = c
                    .query_row(
                        "SELECT CAST(COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS BIGINT)
                         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = current_schema() AND c.relkind = 'r'",
                        (),
                        |r| r.get(0),
                    )
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                Ok(n as u64)
            })
        }
    }
}

/// Where a local bench server keeps its data.
enum Store {
    Embedded(std::path::PathBuf),
    Postgres(String),
}

/// A schema of its own in the PostgreSQL database at `url`: returns the URL that selects it
/// and the schema's name.
fn bench_schema(url: &str, tag: &str) -> anyhow::Result<(String, String)> {
    let schema = format!("anumodan_bench_{tag}");
    let (u, s) = (url.to_string(), schema.clone());
    anumodan_store::db::off_runtime(move || {
        anumodan_store::pg::connect(&u)?
            .execute_batch(&format!("CREATE SCHEMA {s}"))
            .map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    let sep = if url.contains('?') { '&' } else { '?' };
    Ok((
        format!("{url}{sep}options=-c%20search_path%3D{schema}"),
        schema,
    ))
}

fn drop_bench_schema(url: &str, schema: &str) {
    let (u, s) = (url.to_string(), schema.to_string());
    let r = anumodan_store::db::off_runtime(move || {
        anumodan_store::pg::connect(&u)?
            .execute_batch(&format!("DROP SCHEMA {s} CASCADE"))
            .map_err(|e| anyhow::anyhow!("{e}"))
    });
    if let Err(e) = r {
        eprintln!("could not drop the bench schema {schema}: {e}");
    }
}

pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let temp = tempfile::Builder::new()
        .prefix("anumodan-bench-")
        .tempdir()?;
    // A local server on a temporary store, unless --url names one.
    let names = Names::new();
    let mut schema = None;
    let (running, urls, key, db_path) = match (&args.url, &args.api_key) {
        (Some(url), Some(key)) => (
            Vec::new(),
            vec![url.trim_end_matches('/').to_string()],
            key.clone(),
            None,
        ),
        _ => {
            let database_url = match &args.database_url {
                Some(base) => {
                    let (u, s) = bench_schema(base, &names.tag)?;
                    schema = Some((base.clone(), s));
                    Some(u)
                }
                None => None,
            };
            let cfg = Config {
                listen: "127.0.0.1:0".parse()?,
                data_dir: temp.path().to_path_buf(),
                database_url: database_url.clone(),
                log: args.log.clone().unwrap_or_else(|| "warn".into()),
                // Limits far above what one machine can send: the limiter runs on every request,
                // so its cost is measured, but it never throttles the load generator.
                rate_limit_per_ip: 10_000_000,
                rate_limit_per_ip_burst: 10_000_000,
                rate_limit_per_key: 10_000_000,
                rate_limit_per_key_burst: 10_000_000,
                // The webhook phases' receiver is on this machine.
                allow_loopback_endpoints: args.webhooks,
                ..Config::default()
            };
            if args.log.is_some() {
                crate::init_logging(&cfg);
            }
            let clock = Arc::new(SystemClock);
            let store = anumodan_server::open_store(&cfg, clock.clone())?;
            let (_, key) = store
                .write_raw(|tx| admin::create_fiduciary(tx, "Bench Fiduciary", "bench"))
                .await?;
            let db = match &database_url {
                Some(u) => Store::Postgres(u.clone()),
                None => Store::Embedded(store.db_path()),
            };
            let mut running =
                vec![anumodan_server::start_with_store(&cfg, store, clock.clone(), false).await?];
            for _ in 1..args.nodes.max(1) {
                let store = anumodan_server::open_store(&cfg, clock.clone())?;
                running.push(
                    anumodan_server::start_with_store(&cfg, store, clock.clone(), false).await?,
                );
            }
            let urls = running.iter().map(|r| r.url()).collect();
            (running, urls, key.api_key, Some(db))
        }
    };
    let url = urls[0].clone();
    let mut addrs = Vec::new();
    for u in &urls {
        addrs.push(
            u.strip_prefix("http://")
                .ok_or_else(|| anyhow::anyhow!("--url must be http://host:port"))?
                .to_socket_addrs()?
                .next()
                .ok_or_else(|| anyhow::anyhow!("cannot resolve {u}"))?,
        );
    }
    let addr = &addrs[..];
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .tcp_nodelay(true)
        .build()?;
    let notice = setup_catalogue(&client, &url, &key, &names).await?;
    let dur = Duration::from_secs(args.seconds);
    let c = args.connections;

    println!(
        "anumodan bench: {} connections, {} s per phase, {} round(s), {} principals",
        c, args.seconds, args.rounds, args.principals
    );
    println!(
        "machine: {} CPUs; build: {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        if cfg!(debug_assertions) {
            "debug (use --release for real figures)"
        } else {
            "release"
        }
    );

    if running.is_empty() {
        println!("server: {url} (remote: the CPU figures are the load generator's only)");
    } else if args.database_url.is_some() {
        println!(
            "store: PostgreSQL, {} node(s) in this process sharing it",
            running.len()
        );
    } else {
        println!("store: embedded (SQLite)");
    }
    let healthz = || {
        drive("healthz (ceiling)", addr, &key, c, dur, None, |_| {
            Req::get("/healthz")
        })
    };
    let mut health = vec![healthz().await?];

    let (n, nm) = (notice.clone(), names.clone());
    let collect = drive("collect", addr, &key, c, Duration::from_secs(3600), Some(args.principals), move |i| {
        let mut decisions = serde_json::Map::new();
        decisions.insert(nm.code("service"), json!("granted"));
        decisions.insert(nm.code("marketing"), json!("granted"));
        decisions.insert(nm.code("analytics"), json!(if i % 2 == 0 { "granted" } else { "denied" }));
        Req::post("/v1/consents", &json!({
            "principal_id": nm.principal(i), "notice_id": n, "notice_version": 1, "language": "en", "method": "api",
            "decisions": decisions
        }))
    })
    .await?;

    let before = db_path.as_ref().map(db_bytes).transpose()?;
    let np = args.principals;
    let nm = names.clone();
    let validation = Arc::new(move |i: usize| {
        let purpose = nm.code(["service", "marketing", "analytics"][i % 3]);
        Req::post(
            "/v1/consents/validate",
            &json!({
                "principal_id": nm.principal(i.wrapping_mul(7919) % np), "purpose": purpose
            }),
        )
    });
    let mut validate = Vec::new();
    for round in 0..args.rounds {
        if round > 0 {
            health.push(healthz().await?);
        }
        let make = validation.clone();
        validate.push(
            drive(
                "validate (audited, durable)",
                addr,
                &key,
                c,
                dur,
                None,
                move |i| make(i),
            )
            .await?,
        );
    }
    let after = db_path.as_ref().map(db_bytes).transpose()?;
    let mut ratios: Vec<f64> = health
        .iter()
        .zip(&validate)
        .map(|(h, v)| 100.0 * v.rate() / h.rate().max(1.0))
        .collect();
    let (health, validate) = (Phase::merge(health), Phase::merge(validate));

    // Withdraw marketing from the collected artefacts, each once.
    let ids = Arc::new(collected_ids(&client, &url, &key, &names, 0..args.principals, c).await?);
    let (ids2, marketing) = (ids.clone(), names.code("marketing"));
    let withdraw = drive(
        "withdraw",
        addr,
        &key,
        c,
        Duration::from_secs(3600),
        Some(ids.len()),
        move |i| {
            Req::post(
                format!("/v1/consents/{}/withdraw", ids2[i]),
                &json!({"purposes": [marketing]}),
            )
        },
    )
    .await?;

    println!();
    health.print();
    validate.print();
    collect.print();
    withdraw.print();
    let per = match (before, after) {
        (Some(b), Some(a)) if validate.ok > 0 => {
            format!("{:.0}", a.saturating_sub(b) as f64 / validate.ok as f64)
        }
        _ => "n/a (remote server)".to_string(),
    };
    println!();
    println!(
        "validations / healthz ceiling: {:.0}%",
        100.0 * validate.rate() / health.rate().max(1.0)
    );
    if ratios.len() > 1 {
        let each: Vec<String> = ratios.iter().map(|r| format!("{r:.0}%")).collect();
        println!(
            "  per round: {} (median {:.0}%)",
            each.join(" "),
            median(&mut ratios)
        );
    }
    println!(
        "bytes on disk per audited validation: {per} ({})",
        if args.database_url.is_some() {
            "tables, indexes and TOAST of the bench schema"
        } else {
            "database pages in use, WAL checkpointed"
        }
    );
    if args.webhooks {
        webhooks::run(&webhooks::Ctx {
            addrs: addr,
            key: &key,
            url: &url,
            client: &client,
            names: &names,
            notice: &notice,
            conns: c,
            dur,
            rounds: args.rounds,
            rate: args.webhook_rate,
            first_principal: args.principals,
            validation,
            running: &running,
        })
        .await?;
    }
    for r in running {
        r.stop().await;
    }
    if args.cases_retention {
        cases_retention::run(cases_retention::Opts {
            cases: args.cases,
            purge: args.purge,
            writer_percent: args
                .purge_writer_percent
                .unwrap_or(Config::default().retention_purge_writer_percent),
            conns: c,
            dur,
            database_url: args.database_url.clone(),
            log: args.log.clone(),
        })
        .await?;
    }
    if let Some((base, s)) = schema {
        drop_bench_schema(&base, &s);
    }
    Ok(ExitCode::SUCCESS)
}

/// POSTs `body` to `path` with the API key; the answer's JSON, or an error when it is not 2xx.
async fn setup_post(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    path: &str,
    body: Value,
) -> anyhow::Result<Value> {
    let r = client
        .post(format!("{url}{path}"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await?;
    let status = r.status();
    let v: Value = r.json().await?;
    anyhow::ensure!(status.is_success(), "setup failed: {v}");
    Ok(v)
}

/// Creates and publishes a notice `code` of `purposes` (English text); returns its id.
async fn publish_notice(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    code: String,
    purposes: Vec<String>,
) -> anyhow::Result<String> {
    let text = json!({"title": "t", "summary": "s", "rights": "r", "retention_policy": "p", "withdrawal_policy": "w", "grievance_contact": "g"});
    let n = setup_post(
        client,
        url,
        key,
        "/v1/notices",
        json!({"code": code, "purposes": purposes, "texts": {"en": text}}),
    )
    .await?;
    let id = n["id"].as_str().unwrap_or_default().to_string();
    setup_post(
        client,
        url,
        key,
        &format!("/v1/notices/{id}/publish"),
        json!({}),
    )
    .await?;
    Ok(id)
}

async fn setup_catalogue(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    names: &Names,
) -> anyhow::Result<String> {
    let post = |path: &'static str, body: Value| setup_post(client, url, key, path, body);
    for code in ["name", "mobile", "email"] {
        post(
            "/v1/data-items",
            json!({"code": names.code(code), "name": {"en": code}, "category": "contact"}),
        )
        .await?;
    }
    for (code, mandatory, items) in [
        ("service", true, vec!["name", "mobile"]),
        ("marketing", false, vec!["email"]),
        ("analytics", false, vec!["mobile"]),
    ] {
        let items: Vec<String> = items.iter().map(|i| names.code(i)).collect();
        post(
            "/v1/purposes",
            json!({"code": names.code(code), "mandatory": mandatory, "validity_days": 365, "retention_days": 365, "data_items": items,
                   "name": {"en": code}, "description": {"en": code}}),
        )
        .await?;
    }
    let purposes: Vec<String> = ["service", "marketing", "analytics"]
        .iter()
        .map(|p| names.code(p))
        .collect();
    publish_notice(client, url, key, names.code("bench"), purposes).await
}

/// The artefact ids of principals `from..to` (each holds one), in order, fetched over `conns`
/// connections at once. Principals without an artefact are left out.
async fn collected_ids(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    names: &Names,
    range: std::ops::Range<usize>,
    conns: usize,
) -> anyhow::Result<Vec<String>> {
    let conns = conns.max(1);
    let mut tasks = Vec::with_capacity(conns);
    for c in 0..conns {
        let (client, url, key, names) = (
            client.clone(),
            url.to_string(),
            key.to_string(),
            names.clone(),
        );
        let mine: Vec<usize> = range.clone().skip(c).step_by(conns).collect();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::with_capacity(mine.len());
            for i in mine {
                let v: Value = client
                    .get(format!(
                        "{url}/v1/principals/{}/consents?limit=1",
                        names.principal(i)
                    ))
                    .bearer_auth(&key)
                    .send()
                    .await?
                    .json()
                    .await?;
                if let Some(id) = v["items"][0]["id"].as_str() {
                    ids.push((i, id.to_string()));
                }
            }
            Ok::<_, anyhow::Error>(ids)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    all.sort_unstable();
    Ok(all.into_iter().map(|(_, id)| id).collect())
}
