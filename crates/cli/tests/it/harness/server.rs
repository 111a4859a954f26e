//! A real server (the same code as `anumodan serve`) on a temporary data directory and a
//! loopback port, with a manual clock so that tests move time instead of sleeping.

use super::clients::{FiduciaryClient, PrincipalClient, send_json};
use super::db::Scratch;
use super::pg::database_url_for;
use anumodan_core::clock::ManualClock;
use anumodan_server::config::Config;
use anumodan_server::{Running, jobs, open_store, start_with_store};
use anumodan_store::admin;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::macros::datetime;

/// Where every test server's clock starts.
pub const T0: time::OffsetDateTime = datetime!(2026-01-15 10:00:00 UTC);

/// A server with one fiduciary. It dereferences to that fiduciary's [`FiduciaryClient`] (its
/// API key, `s.key`), so `s.validate(..)`, `s.post(..)` and the like call as that fiduciary;
/// `s.api_as(key)` calls with another key, [`TestServer::send`] sends anything.
pub struct TestServer {
    /// The first fiduciary's client: its HTTP client, the server's URL and its API key.
    pub api: FiduciaryClient,
    pub fiduciary_id: String,
    pub clock: ManualClock,
    pub dir: PathBuf,
    /// The settings it runs with (kept across `restart`).
    pub cfg: Config,
    running: Option<Running>,
    /// Last: dropped after the server.
    _temp: Option<Scratch>,
}

impl std::ops::Deref for TestServer {
    type Target = FiduciaryClient;

    fn deref(&self) -> &FiduciaryClient {
        &self.api
    }
}

fn config(dir: &Path) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_path_buf(),
        database_url: database_url_for(dir),
        // Tests run the expiry job explicitly (run_expiry) so that they decide when it runs.
        expiry_interval_ms: 3_600_000,
        checkpoint_interval_ms: 50,
        // Tests sign in many times from one address; `attacks::` turns this limit on to test it.
        signin_rate_limit_per_minute: 0,
        ..Config::default()
    }
}

impl TestServer {
    /// A new server on a new data directory with one fiduciary.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// Like [`TestServer::start`], with the test settings changed by `tune`.
    pub async fn start_with(tune: impl FnOnce(&mut Config)) -> TestServer {
        let temp = Scratch::new();
        let dir = temp.path().to_path_buf();
        let clock = ManualClock::new(T0);
        let mut cfg = config(&dir);
        tune(&mut cfg);
        let mut s = Self::boot(cfg, clock, None, None).await;
        let (fid, key) = s.create_fiduciary("Test Municipal Corporation").await;
        s.api.key = key;
        s.fiduciary_id = fid;
        s._temp = Some(temp);
        s
    }

    async fn boot(
        cfg: Config,
        clock: ManualClock,
        key: Option<String>,
        fid: Option<String>,
    ) -> TestServer {
        // ANUMODAN_TEST_LOG=<filter> shows the servers' logs (for debugging a test).
        if let Ok(filter) = std::env::var("ANUMODAN_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        // After a restart in this process, the previous server's last blocking reads may still
        // hold its store (and the data directory's lock) for a moment: wait for them.
        let mut tries = 0;
        let store = loop {
            match open_store(&cfg, Arc::new(clock.clone())) {
                Ok(store) => break store,
                Err(e) if e.to_string().contains("in use by another") && tries < 100 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                Err(e) => panic!("{e}"),
            }
        };
        let running = start_with_store(&cfg, store, Arc::new(clock.clone()), false)
            .await
            .unwrap();
        TestServer {
            api: FiduciaryClient::new(
                reqwest::Client::new(),
                running.url(),
                key.unwrap_or_default(),
            ),
            fiduciary_id: fid.unwrap_or_default(),
            clock,
            dir: cfg.data_dir.clone(),
            cfg,
            _temp: None,
            running: Some(running),
        }
    }

    /// A server on an existing data directory, calling with `key`.
    pub async fn open(dir: PathBuf, key: String) -> TestServer {
        Self::open_at(dir, key, T0).await
    }

    /// Like [`TestServer::open`], its clock at `now`.
    pub async fn open_at(dir: PathBuf, key: String, now: time::OffsetDateTime) -> TestServer {
        Self::boot(config(&dir), ManualClock::new(now), Some(key), None).await
    }

    /// Registers another fiduciary (as `anumodan fiduciary create` does); returns (id, key).
    pub async fn create_fiduciary(&self, name: &str) -> (String, String) {
        let name = name.to_string();
        let (f, k) = self
            .running
            .as_ref()
            .unwrap()
            .state
            .store
            .write_raw(move |tx| admin::create_fiduciary(tx, &name, "test"))
            .await
            .unwrap();
        (f.id.to_string(), k.api_key)
    }

    /// Another node on the same store (PostgreSQL mode): the same settings, keys and clock,
    /// its own port. The first node keeps the data directory (and schema) alive.
    pub async fn join(&self) -> TestServer {
        Self::boot(
            self.cfg.clone(),
            self.clock.clone(),
            Some(self.key.clone()),
            Some(self.fiduciary_id.clone()),
        )
        .await
    }

    /// Stops the server gracefully and starts a new one on the same directory.
    pub async fn restart(mut self) -> TestServer {
        let temp = self._temp.take();
        self.running.take().unwrap().stop().await;
        let mut s = Self::boot(
            self.cfg.clone(),
            self.clock.clone(),
            Some(self.key.clone()),
            Some(self.fiduciary_id.clone()),
        )
        .await;
        s._temp = temp;
        s
    }

    /// Stops the server, keeping the directory (returned guard removes it when dropped).
    pub async fn stop(mut self) -> (PathBuf, Option<Scratch>) {
        self.running.take().unwrap().stop().await;
        (self.dir.clone(), self._temp.take())
    }

    pub fn state(&self) -> &anumodan_server::AppState {
        &self.running.as_ref().unwrap().state
    }

    /// The server's background jobs (run one now with `run_once`).
    pub fn jobs(&self) -> &anumodan_server::jobs::Runner {
        &self.running.as_ref().unwrap().jobs
    }

    /// Runs the expiry job once, now.
    pub async fn run_expiry(&self) -> usize {
        jobs::expiry::run_expiry_once(self.state()).await.unwrap()
    }

    pub fn advance_days(&self, days: i64) {
        self.clock.advance(time::Duration::days(days));
    }

    /// A principal's client holding `token` (as issued, or forged).
    pub fn principal(&self, token: &str) -> PrincipalClient {
        PrincipalClient::new(self.client.clone(), self.url.clone(), token)
    }

    /// Any request: with a bearer credential of any kind or none, for the requests the typed
    /// clients do not make (no credential, odd bodies).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        send_json(
            &self.client,
            method,
            &format!("{}{}", self.url, path),
            key,
            body,
        )
        .await
    }
}
