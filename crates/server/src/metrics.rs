//! What operators watch (issue 23, item 5): Prometheus metrics in the OpenMetrics text format
//! at `/metrics`, behind a bearer token (`metrics_token`; without one the route is not
//! there), and `/readyz`, which says whether the store, the ledger writer and each job are
//! well. `/healthz` stays the cheap liveness probe.
//!
//! Counters and histograms are updated where things happen (each request, by route template;
//! each validation, by reason; each delivery, by channel; each processor's acknowledgement;
//! each job's run). What is a state of the store (outbox and delivery queues, open cases by
//! their clock, the ledger's size and its last checkpoint's age) is read when scraped, in one
//! read transaction. No label carries personal data: routes are templates, never paths.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

/// Request and delivery latencies, in seconds: 0.5 ms to about 16 s.
fn latency() -> Histogram {
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.0005, 2.0, 16,
    ))
}

/// Acknowledgement lags, in seconds: one second to about 12 days.
fn lag() -> Histogram {
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        1.0, 4.0, 11,
    ))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ValidationLabels {
    valid: bool,
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelOutcome {
    channel: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    channel: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: &'static str,
    channel: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CaseLabels {
    kind: String,
    sla: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobResultLabels {
    job: &'static str,
    result: &'static str,
}

type LatencyFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<HttpLabels, Counter>,
    request_seconds: LatencyFamily<RouteLabels>,
    validations: Family<ValidationLabels, Counter>,
    deliveries: Family<ChannelOutcome, Counter>,
    delivery_seconds: LatencyFamily<ChannelLabels>,
    alert_ack_seconds: Histogram,
    queue: Family<QueueLabels, Gauge>,
    cases: Family<CaseLabels, Gauge>,
    ledger_entries: Gauge,
    checkpoint_age: Gauge<f64, AtomicU64>,
    job_runs: Family<JobResultLabels, Counter>,
    job_since_success: Family<JobLabels, Gauge<f64, AtomicU64>>,
    /// When each job last ran well, and when it last failed (for `/readyz`).
    jobs: Mutex<std::collections::BTreeMap<&'static str, JobState>>,
    started: Instant,
}

#[derive(Clone, Copy, Default)]
struct JobState {
    ok: Option<Instant>,
    failed: Option<Instant>,
    /// How often it runs (None: once, at start).
    every: Option<Duration>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("anumodan"),
            requests: Family::default(),
            request_seconds: Family::new_with_constructor(latency),
            validations: Family::default(),
            deliveries: Family::default(),
            delivery_seconds: Family::new_with_constructor(latency),
            alert_ack_seconds: lag(),
            queue: Family::default(),
            cases: Family::default(),
            ledger_entries: Gauge::default(),
            checkpoint_age: Gauge::default(),
            job_runs: Family::default(),
            job_since_success: Family::default(),
            jobs: Mutex::default(),
            started: Instant::now(),
        };
        let r = &mut m.registry;
        r.register(
            "http_requests",
            "HTTP requests by method, route template and status",
            m.requests.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route template",
            m.request_seconds.clone(),
        );
        r.register(
            "validations",
            "Consent validations by outcome and reason",
            m.validations.clone(),
        );
        r.register(
            "deliveries",
            "Webhook and e-mail delivery attempts by channel and outcome",
            m.deliveries.clone(),
        );
        r.register(
            "delivery_latency_seconds",
            "From a delivery's creation to its successful sending, by channel",
            m.delivery_seconds.clone(),
        );
        r.register(
            "alert_acknowledgement_lag_seconds",
            "From an alert's creation to the processor's acknowledgement",
            m.alert_ack_seconds.clone(),
        );
        r.register(
            "queue_depth",
            "Messages waiting or dead-lettered, by queue (outbox, deliveries), channel and state",
            m.queue.clone(),
        );
        r.register(
            "open_cases",
            "Open grievances and requests by kind and the state of their clock",
            m.cases.clone(),
        );
        r.register(
            "ledger_entries",
            "Entries in the audit ledger",
            m.ledger_entries.clone(),
        );
        r.register(
            "ledger_checkpoint_age_seconds",
            "Age of the latest signed checkpoint",
            m.checkpoint_age.clone(),
        );
        r.register(
            "job_runs",
            "Background job runs by job and result",
            m.job_runs.clone(),
        );
        r.register(
            "job_seconds_since_success",
            "Time since each background job last ran without an error (since start if never)",
            m.job_since_success.clone(),
        );
        m
    }

    /// A validation's answer (on the hot path: no allocation once the label exists).
    pub fn validation(&self, valid: bool, reason: &'static str) {
        self.validations
            .get_or_create(&ValidationLabels { valid, reason })
            .inc();
    }

    /// A delivery attempt; `latency` is set when it was sent (from its creation).
    pub fn delivery(&self, channel: &str, sent: bool, latency: Option<Duration>) {
        let outcome = if sent { "sent" } else { "failed" };
        self.deliveries
            .get_or_create(&ChannelOutcome {
                channel: channel.to_string(),
                outcome,
            })
            .inc();
        if let Some(l) = latency {
            self.delivery_seconds
                .get_or_create(&ChannelLabels {
                    channel: channel.to_string(),
                })
                .observe(l.as_secs_f64());
        }
    }

    pub fn alert_acknowledged(&self, lag: Duration) {
        self.alert_ack_seconds.observe(lag.as_secs_f64());
    }

    /// A job is known (so it shows before its first run).
    pub fn job_known(&self, job: &'static str, every: Option<Duration>) {
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.entry(job).or_default().every = every;
    }

    pub fn job_ran(&self, job: &'static str, ok: bool) {
        let result = if ok { "ok" } else { "error" };
        self.job_runs
            .get_or_create(&JobResultLabels { job, result })
            .inc();
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        let s = jobs.entry(job).or_default();
        if ok {
            s.ok = Some(Instant::now());
        } else {
            s.failed = Some(Instant::now());
        }
    }

    fn request(&self, method: &axum::http::Method, route: String, status: u16, took: Duration) {
        let method = match *method {
            axum::http::Method::GET => "GET",
            axum::http::Method::POST => "POST",
            axum::http::Method::PUT => "PUT",
            axum::http::Method::DELETE => "DELETE",
            axum::http::Method::PATCH => "PATCH",
            axum::http::Method::HEAD => "HEAD",
            axum::http::Method::OPTIONS => "OPTIONS",
            _ => "other",
        };
        self.request_seconds
            .get_or_create(&RouteLabels {
                route: route.clone(),
            })
            .observe(took.as_secs_f64());
        self.requests
            .get_or_create(&HttpLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    /// A request refused before it was routed (rate limits, sizes: `protect::layer`).
    pub fn refused_early(&self, method: &axum::http::Method, status: u16) {
        self.request(method, "(refused)".to_string(), status, Duration::ZERO);
    }

    /// The jobs' health: each job with whether it is well, for `/readyz`. A job that runs on a
    /// schedule is well when it ran without an error within three of its intervals (or has
    /// not had the time yet); a job run once at start, when that run went well.
    fn job_health(&self) -> Vec<(&'static str, bool, Option<f64>)> {
        let jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        jobs.iter()
            .map(|(name, s)| {
                let since = now.duration_since(s.ok.unwrap_or(self.started));
                let well = match s.every {
                    Some(every) => since <= every * 3 + Duration::from_secs(5),
                    None => s.ok.is_some() || s.failed.is_none(),
                };
                (
                    *name,
                    well,
                    s.ok.map(|t| now.duration_since(t).as_secs_f64()),
                )
            })
            .collect()
    }

    /// The metrics as OpenMetrics text, with the store's state read now.
    async fn render(&self, state: &AppState) -> Result<String, ApiError> {
        let now = state.clock.now();
        let snap = state
            .store
            .read_keyed(move |c, keys| anumodan_store::metrics::snapshot(c, keys, now))
            .await?;
        // Gauges of a state are set anew: a queue that emptied must show 0, not vanish.
        self.queue.clear();
        for q in &snap.queues {
            self.queue
                .get_or_create(&QueueLabels {
                    queue: q.queue,
                    channel: q.channel.clone(),
                    state: q.state.clone(),
                })
                .set(q.count);
        }
        self.cases.clear();
        for c in &snap.cases {
            self.cases
                .get_or_create(&CaseLabels {
                    kind: c.kind.clone(),
                    sla: c.sla,
                })
                .set(c.count);
        }
        self.ledger_entries.set(snap.ledger_entries as i64);
        self.checkpoint_age.set(
            snap.last_checkpoint
                .map_or(-1.0, |t| (now - t).as_seconds_f64().max(0.0)),
        );
        for (job, _, since) in self.job_health() {
            let since =
                since.unwrap_or_else(|| Instant::now().duration_since(self.started).as_secs_f64());
            self.job_since_success
                .get_or_create(&JobLabels { job })
                .set(since);
        }
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .map_err(|_| ApiError::unavailable("the metrics could not be written"))?;
        Ok(out)
    }
}

/// `/metrics` and `/readyz`: operators' routes, outside the API's registry (and its OpenAPI
/// document), like the pages.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .route("/readyz", axum::routing::get(ready))
}

/// Counts and times each request by its route's template (a layer on every route: the
/// template is known there; a path that matched no route is `(no route)`).
pub async fn track(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_string(), |m| m.as_str().to_string());
    let started = Instant::now();
    let res = next.run(req).await;
    s.metrics
        .request(&method, route, res.status().as_u16(), started.elapsed());
    res
}

/// `GET /metrics`: only with `Authorization: Bearer <metrics_token>`; without a configured
/// token there is no such route (404), so nothing is exposed by default.
pub async fn scrape(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = s.metrics_token.as_deref() else {
        return ApiError::not_found("not_found", "no such route").into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    use subtle::ConstantTimeEq;
    let digest = |t: &str| {
        use sha2::Digest;
        sha2::Sha256::digest(t.as_bytes())
    };
    if !bool::from(digest(given).ct_eq(&digest(token))) {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the metrics need Authorization: Bearer <metrics_token>",
        )
        .into_response();
    }
    match s.metrics.render(&s).await {
        Ok(text) => {
            let mut r = text.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            );
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => e.into_response(),
    }
}

/// What `/readyz` found, kept for a second so a flood of probes reads the store once a second.
#[derive(Default)]
pub struct Readiness {
    last: tokio::sync::Mutex<Option<(Instant, StatusCode, serde_json::Value)>>,
}

/// `GET /readyz`: whether this node can serve: the store answers a read, the ledger writer
/// commits an empty transaction, and every background job is well. 200 when all are, 503
/// otherwise, with each part's state (no personal data). Answers at most once a second from
/// the store; other probes in that second get the same answer.
pub async fn ready(State(s): State<AppState>) -> Response {
    let mut last = s.readiness.last.lock().await;
    if let Some((at, status, body)) = last.as_ref()
        && at.elapsed() < Duration::from_secs(1)
    {
        return (*status, axum::Json(body.clone())).into_response();
    }
    let probe = Duration::from_secs(2);
    let store = matches!(
        tokio::time::timeout(probe, s.store.read(|r| r.ledger_size())).await,
        Ok(Ok(_))
    );
    let writer = matches!(
        tokio::time::timeout(probe, s.store.write_raw(|_| Ok(()))).await,
        Ok(Ok(()))
    );
    let jobs = s.metrics.job_health();
    let all_jobs = jobs.iter().all(|(_, well, _)| *well);
    let ok = store && writer && all_jobs;
    let body = serde_json::json!({
        "ready": ok,
        "store": store,
        "ledger_writer": writer,
        "jobs": jobs.iter().map(|(name, well, since)| (name.to_string(), serde_json::json!({
            "well": well,
            "seconds_since_success": since,
        }))).collect::<serde_json::Map<_, _>>(),
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    *last = Some((Instant::now(), status, body.clone()));
    (status, axum::Json(body)).into_response()
}
