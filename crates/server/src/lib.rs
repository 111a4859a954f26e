//! Anumodan's HTTP server: the `/v1` API, OpenAPI document, health check and background jobs.

pub mod api;
pub mod channels;
pub mod config;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod metrics;
pub mod openapi;
pub mod outbound;
pub mod pdf;
pub mod protect;
pub mod ratelimit;
pub mod session;
pub mod tls;
pub mod transport;
pub mod web;

use anumodan_core::clock::Clock;
use anumodan_store::{Store, StoreConfig};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub use config::Config;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub auth_cache: Arc<AuthCache>,
    pub limits: Arc<ratelimit::RateLimits>,
    /// Staff sessions and sign-in (see `session`).
    pub staff: Arc<session::StaffSettings>,
    /// Which webhook endpoints fiduciaries may register (see `outbound`).
    pub outbound: outbound::OutboundPolicy,
    /// Documents as PDF (see `pdf`).
    pub pdf: Arc<pdf::PdfService>,
    /// What operators watch (see `metrics`): counters, and `metrics_token` for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    pub metrics_token: Option<Arc<str>>,
    pub readiness: Arc<metrics::Readiness>,
}

/// Recently seen valid API keys (by SHA-256), so the hot path does not read the key table on
/// every request. An entry lives at most [`AuthCache::TTL`]; revoking a key clears the cache of
/// this process at once, and other processes within the TTL.
#[derive(Default)]
pub struct AuthCache {
    map: std::sync::RwLock<
        std::collections::HashMap<[u8; 32], (anumodan_store::KeyAuth, std::time::Instant)>,
    >,
}

impl AuthCache {
    pub const TTL: Duration = Duration::from_secs(2);
    const MAX: usize = 10_000;

    pub fn get(&self, hash: &[u8; 32]) -> Option<anumodan_store::KeyAuth> {
        let map = self.map.read().ok()?;
        map.get(hash)
            .filter(|(_, at)| at.elapsed() < Self::TTL)
            .map(|(a, _)| a.clone())
    }

    pub fn put(&self, hash: [u8; 32], auth: anumodan_store::KeyAuth) {
        if let Ok(mut map) = self.map.write() {
            if map.len() >= Self::MAX {
                map.clear();
            }
            map.insert(hash, (auth, std::time::Instant::now()));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.map.write() {
            map.clear();
        }
    }
}

/// Opens the store described by the configuration.
pub fn open_store(cfg: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Store> {
    let mut sc = StoreConfig::new(&cfg.data_dir);
    sc.log_name = cfg.log_name.clone();
    sc.signing_key_file = cfg.ledger_signing_key.clone();
    sc.master_key_file = cfg.master_key_file.clone();
    sc.database_url = cfg.database_url.clone();
    sc.checkpoint_interval = Duration::from_millis(cfg.checkpoint_interval_ms.max(10));
    Ok(Store::open(&sc, clock)?)
}

/// The whole application as a router, inside the layer that rate-limits by client address and
/// sets the security headers of every response.
pub fn router(state: AppState, cfg: &Config) -> Router {
    let protect = protect::Protect {
        limits: state.limits.clone(),
        hsts: cfg.tls_cert.is_some(),
        secure_cookies: session::StaffSettings::from_config(cfg).secure_cookies,
        max_body: cfg.max_body_bytes,
        metrics: state.metrics.clone(),
    };
    api::routes(cfg.max_body_bytes)
        // On every route (and the fallback): the route's template is known there.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            protect,
            protect::layer,
        ))
}

/// A server started in the background (used by `serve`, `demo`, `bench` and the tests).
pub struct Running {
    pub addr: SocketAddr,
    /// Whether the server terminates TLS.
    pub tls: bool,
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The background jobs (running on their schedules; run them on demand with
    /// [`jobs::Runner::run_once`]).
    pub jobs: jobs::Runner,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops accepting, finishes in-flight requests and stops the background jobs.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for w in &self.workers {
            w.abort();
        }
        let _ = (&mut self.task).await;
        for w in self.workers.drain(..) {
            let _ = w.await;
        }
    }

    /// Waits until the server stops (after a shutdown signal).
    pub async fn wait(mut self) -> std::io::Result<()> {
        let r = (&mut self.task).await.unwrap_or(Ok(()));
        for w in &self.workers {
            w.abort();
        }
        r
    }
}

/// Binds `cfg.listen`, opens the store and serves until `stop` is called or, when
/// `until_signal` is true, until SIGINT or SIGTERM.
pub async fn start(
    cfg: &Config,
    clock: Arc<dyn Clock>,
    until_signal: bool,
) -> anyhow::Result<Running> {
    // TLS files and the webhook URL are checked before the store is touched.
    tls::acceptor(cfg)?;
    if let Some(url) = &cfg.outbox_webhook_url {
        jobs::outbox::webhook_url(url)?;
    }
    let store = open_store(cfg, clock.clone())?;
    start_with_store(cfg, store, clock, until_signal).await
}

pub async fn start_with_store(
    cfg: &Config,
    store: Store,
    clock: Arc<dyn Clock>,
    until_signal: bool,
) -> anyhow::Result<Running> {
    let tls = tls::acceptor(cfg)?;
    if let Some(n) = transport::raise_fd_limit() {
        tracing::debug!(open_files = n, "open-file limit");
    }
    let outbox_lease = Duration::from_millis(cfg.outbox_lease_ms.max(100));
    let gateway: Arc<dyn jobs::outbox::Delivery> = match &cfg.outbox_webhook_url {
        Some(url) => Arc::new(jobs::outbox::WebhookDelivery::new(url, outbox_lease / 2)?),
        None => Arc::new(jobs::outbox::LogDelivery),
    };
    let delivery_timeout = Duration::from_millis(cfg.delivery_timeout_ms.max(100));
    let email = channels::email::EmailSender::from_settings(cfg)?.map(Arc::new);
    let delivery: Arc<dyn jobs::outbox::Delivery> = Arc::new(jobs::outbox::RoutedDelivery {
        gateway,
        email: email.clone(),
    });
    let policy = outbound::OutboundPolicy {
        allow_loopback: cfg.allow_loopback_endpoints,
    };
    let deliverers = Arc::new(jobs::notify::Deliverers {
        http: outbound::OutboundClient::new(policy, delivery_timeout)?,
        email,
        retry_schedule_ms: cfg.delivery_retry_schedule_ms.clone(),
        round: Default::default(),
    });
    let state = AppState {
        store,
        clock,
        auth_cache: Arc::default(),
        limits: Arc::new(ratelimit::RateLimits::new(cfg)),
        staff: Arc::new(session::StaffSettings::from_config(cfg)),
        outbound: policy,
        pdf: Arc::new(pdf::PdfService::new(cfg.pdf_font_dirs.clone())),
        metrics: Arc::default(),
        metrics_token: cfg
            .metrics_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(Arc::from),
        readiness: Arc::default(),
    };
    // A store from before rule 1 is brought up to it before anything is answered.
    jobs::expiry::upgrade_index(&state).await?;
    // Every master key that became current is in the ledger, even across a crash.
    state
        .store
        .write_raw(anumodan_store::admin::record_current_master_key)
        .await?;
    // The retention floors every node applies (the configuration; see docs/retention.md).
    let floors = anumodan_core::retention::Floors {
        consent_manager: cfg.retention_consent_manager,
        audit_log_days: cfg
            .retention_audit_log_days
            .max(anumodan_core::retention::AUDIT_LOG_DAYS),
    };
    state
        .store
        .write_raw(move |tx| anumodan_store::retention::set_floors(tx, floors))
        .await?;
    let listener = TcpListener::bind(cfg.listen).await?;
    let addr = listener.local_addr()?;
    let app = router(state.clone(), cfg);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let running_tls = tls.is_some();
    let options = transport::Options {
        head_timeout: Duration::from_millis(cfg.header_read_timeout_ms.max(100)),
        trusted_proxies: transport::parse_proxies(&cfg.trusted_proxies)?,
        body_timeout: Duration::from_millis(cfg.body_read_timeout_ms.max(100)),
        min_body_rate: cfg.min_body_rate,
        max_connections: cfg.max_connections,
        max_connections_per_ip: cfg.max_connections_per_ip,
    };
    let task = tokio::spawn(transport::serve(listener, tls, app, options, async move {
        if until_signal {
            tokio::select! {
                _ = rx => {}
                _ = shutdown_signal() => {}
            }
        } else {
            let _ = rx.await;
        }
    }));
    let jobs = jobs::standard(cfg, delivery, deliverers, Vec::new());
    let workers = jobs.spawn(&state);
    Ok(Running {
        addr,
        tls: running_tls,
        state,
        shutdown: Some(tx),
        task,
        jobs,
        workers,
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
