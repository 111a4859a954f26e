//! The harness: a real server (the same code as `anumodan serve`) on a temporary data
//! directory and a loopback port, with a manual clock so tests move time instead of sleeping.

#![allow(dead_code)]

use anumodan_core::clock::ManualClock;
use anumodan_server::config::Config;
use anumodan_server::{Running, open_store, start_with_store, workers};
use anumodan_store::admin;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::macros::datetime;

pub const T0: time::OffsetDateTime = datetime!(2026-01-15 10:00:00 UTC);

pub struct TestServer {
    pub url: String,
    pub key: String,
    pub fiduciary_id: String,
    pub clock: ManualClock,
    pub dir: PathBuf,
    /// The settings it runs with (kept across `restart`).
    pub cfg: Config,
    running: Option<Running>,
    pub client: reqwest::Client,
    /// Last: dropped after the server.
    _temp: Option<Scratch>,
}

/// The PostgreSQL database the suite runs on instead of the embedded store, when
/// `ANUMODAN_TEST_DATABASE_URL` names one. Every data directory then gets its own schema in it
/// (named after the directory), created on first use and dropped with the directory.
pub fn pg_base() -> Option<String> {
    std::env::var("ANUMODAN_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// The schema of a data directory (PostgreSQL mode).
pub fn schema_for(dir: &Path) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(dir.as_os_str().as_encoded_bytes());
    format!("t_{}", hex_of(&h[..10]))
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Runs SQL on the test database (from a thread of its own: the synchronous client must not
/// run on the async runtime).
pub fn pg_exec(sql: String) {
    if let Err(e) = pg_try_exec(sql) {
        panic!("SQL on ANUMODAN_TEST_DATABASE_URL: {e}");
    }
}

fn pg_try_exec(sql: String) -> Result<(), String> {
    let base = pg_base().ok_or("not in PostgreSQL mode")?;
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&base, postgres::NoTls).map_err(|e| e.to_string())?;
        c.batch_execute(&sql).map_err(|e| e.to_string())
    })
    .join()
    .map_err(|_| "the SQL thread panicked".to_string())?
}

/// The database URL of a data directory in PostgreSQL mode (its schema created if need be),
/// or None on the embedded store.
pub fn database_url_for(dir: &Path) -> Option<String> {
    let base = pg_base()?;
    let schema = schema_for(dir);
    pg_exec(format!("CREATE SCHEMA IF NOT EXISTS {schema}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

/// A test's temporary data directory; in PostgreSQL mode its schema goes with it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::Builder::new()
                .prefix("anumodan-test-")
                .tempdir()
                .unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if pg_base().is_some() {
            // Best effort (never panic in a drop): a schema left behind is dropped by the next
            // run of `.ci/run`, which drops every `t_` schema first.
            let _ = pg_try_exec(format!(
                "SET lock_timeout = '5s'; DROP SCHEMA IF EXISTS {} CASCADE",
                schema_for(self.dir.path())
            ));
        }
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
        s.key = key;
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
            url: running.url(),
            key: key.unwrap_or_default(),
            fiduciary_id: fid.unwrap_or_default(),
            clock,
            dir: cfg.data_dir.clone(),
            cfg,
            _temp: None,
            running: Some(running),
            client: reqwest::Client::new(),
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
        workers::run_expiry_once(self.state()).await.unwrap()
    }

    pub fn advance_days(&self, days: i64) {
        self.clock.advance(time::Duration::days(days));
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{}", self.url, path));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, v)
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(&self.key), Some(body))
            .await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, Some(&self.key), None)
            .await
    }

    /// Posts raw bytes with a JSON content type.
    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<reqwest::Body>,
    ) -> (StatusCode, Value) {
        let res = self
            .client
            .post(format!("{}{}", self.url, path))
            .bearer_auth(&self.key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Creates the standard test catalogue over the API and publishes a notice in English and
    /// Hindi. Purposes: `account` (mandatory, 365 days), `marketing` (optional, 30 days),
    /// `analytics` (optional, 90 days), `tax_records` (optional, legal obligation, 365 days).
    pub async fn seed(&self) -> Catalog {
        for (code, en, hi) in [
            ("name", "Name", "नाम"),
            ("mobile", "Mobile number", "मोबाइल नंबर"),
            ("email", "E-mail", "ई-मेल"),
            ("pan", "PAN", "पैन"),
        ] {
            let (st, v) = self
                .post("/v1/data-items", json!({"code": code, "name": {"en": en, "hi": hi}, "category": "contact", "sensitive": code == "pan"}))
                .await;
            assert_eq!(st, StatusCode::CREATED, "{v}");
        }
        let purposes = [
            json!({"code": "account", "mandatory": true, "validity_days": 365, "retention_days": 365, "legal_basis": "consent",
                   "data_items": ["name", "mobile"], "name": {"en": "Account", "hi": "खाता"}, "description": {"en": "Run your account", "hi": "आपका खाता चलाना"}}),
            json!({"code": "marketing", "mandatory": false, "validity_days": 30, "retention_days": 30, "legal_basis": "consent",
                   "data_items": ["email"], "name": {"en": "Marketing", "hi": "विपणन"}, "description": {"en": "Offers by e-mail", "hi": "ई-मेल से ऑफ़र"}}),
            json!({"code": "analytics", "mandatory": false, "validity_days": 90, "retention_days": 90,
                   "data_items": ["mobile"], "name": {"en": "Analytics", "hi": "विश्लेषण"}, "description": {"en": "Usage statistics", "hi": "उपयोग आँकड़े"}}),
            json!({"code": "tax_records", "mandatory": false, "validity_days": 365, "retention_days": 2920, "legal_basis": "legal_obligation",
                   "legal_reference": "Income-tax Act, 1961", "data_items": ["name", "pan"], "name": {"en": "Tax records", "hi": "कर रिकॉर्ड"}, "description": {"en": "Records the law requires", "hi": "कानून द्वारा आवश्यक रिकॉर्ड"}}),
        ];
        for p in purposes {
            let (st, v) = self.post("/v1/purposes", p).await;
            assert_eq!(st, StatusCode::CREATED, "{v}");
        }
        let (st, notice) = self
            .post("/v1/notices", json!({"code": "registration", "purposes": ["account", "marketing", "analytics", "tax_records"], "texts": {"en": notice_text("en"), "hi": notice_text("hi")}}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{notice}");
        let id = notice["id"].as_str().unwrap().to_string();
        let (st, v) = self
            .post(&format!("/v1/notices/{id}/publish"), json!({}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["version"], 1);
        Catalog { notice_id: id }
    }

    /// Collects consent for `principal` under notice version 1 with the given decisions.
    pub async fn collect(
        &self,
        cat: &Catalog,
        principal: &str,
        decisions: Value,
    ) -> (StatusCode, Value) {
        self.post(
            "/v1/consents",
            json!({"principal_id": principal, "notice_id": cat.notice_id, "notice_version": 1, "language": "en",
                   "decisions": decisions, "method": "web", "session_id": "sess-1"}),
        )
        .await
    }

    pub async fn validate(&self, principal: &str, purpose: &str) -> Value {
        let (st, v) = self
            .post(
                "/v1/consents/validate",
                json!({"principal_id": principal, "purpose": purpose}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v
    }
}

pub struct Catalog {
    pub notice_id: String,
}

pub fn notice_text(lang: &str) -> Value {
    json!({
        "title": format!("Registration notice ({lang})"),
        "summary": "We collect your name, mobile, e-mail and PAN for the purposes listed.",
        "rights": "You may access, correct and erase your data, withdraw consent, nominate, and complain.",
        "retention_policy": "Kept while the purpose lasts, then deleted; tax records 8 years.",
        "withdrawal_policy": "Withdraw any time from the dashboard.",
        "grievance_contact": "grievance@example.in"
    })
}

pub fn all_granted() -> Value {
    json!({"account": "granted", "marketing": "granted", "analytics": "granted", "tax_records": "granted"})
}

/// Path of the built `anumodan` binary.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_anumodan")
}

/// Runs `f` on the database of a data directory, as someone with direct access to it would:
/// the embedded file, or the directory's schema in PostgreSQL mode. On a thread of its own
/// (the synchronous PostgreSQL client must not run on the async runtime).
pub fn with_db<T: Send>(
    dir: &Path,
    f: impl FnOnce(&anumodan_store::db::Connection) -> T + Send,
) -> T {
    let url = database_url_for(dir);
    let path = dir.join("anumodan.db");
    anumodan_store::db::off_runtime(move || {
        let conn = match url {
            Some(u) => anumodan_store::pg::connect(&u).unwrap(),
            None => {
                anumodan_store::db::Connection::Sqlite(rusqlite::Connection::open(path).unwrap())
            }
        };
        f(&conn)
    })
}

/// Whether a data directory has a store: the embedded file, or tables in its schema.
pub fn has_store(dir: &Path) -> bool {
    dir.join("anumodan.db").is_file()
        || (pg_base().is_some()
            && with_db(dir, |c| {
                c.query_row(
                    "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()",
                    (),
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
                    > 0
            }))
}

/// The names of the store's tables.
pub fn table_names(c: &anumodan_store::db::Connection) -> Vec<String> {
    let sql = if c.is_postgres() {
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    };
    c.query_all(sql, (), |r| r.get(0)).unwrap()
}

/// Every value of every row of a table, as bytes (text and blobs as stored), for searches.
pub fn dump_table(c: &anumodan_store::db::Connection, table: &str) -> Vec<u8> {
    use anumodan_store::db::Col;
    let rows = c
        .query_all(&format!("SELECT * FROM {table}"), (), |r| {
            let mut out = Vec::new();
            for i in 0..r.len() {
                match r.col(i)? {
                    Col::Text(t) => out.extend_from_slice(t.as_bytes()),
                    Col::Blob(b) => out.extend_from_slice(&b),
                    Col::Int(v) => out.extend_from_slice(v.to_string().as_bytes()),
                    Col::Real(v) => out.extend_from_slice(v.to_string().as_bytes()),
                    Col::Null => {}
                }
                out.push(b'\n');
            }
            Ok(out)
        })
        .unwrap();
    rows.concat()
}

/// In PostgreSQL mode, copies the schema of data directory `from` into that of `to` (the
/// counterpart of copying the embedded database file).
pub fn copy_schema(from: &Path, to: &Path) {
    if pg_base().is_none() {
        return;
    }
    let (a, b) = (schema_for(from), schema_for(to));
    pg_exec(format!(
        "DROP SCHEMA IF EXISTS {b} CASCADE; CREATE SCHEMA {b};
         DO $$ DECLARE t text; BEGIN
           FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '{a}' LOOP
             EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING ALL)', '{b}', t, '{a}', t);
             EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I', '{b}', t, '{a}', t);
           END LOOP;
         END $$;"
    ));
}

/// Drops the schema of a data directory (PostgreSQL mode; best effort).
pub fn drop_schema(dir: &Path) {
    if pg_base().is_some() {
        let _ = pg_try_exec(format!(
            "SET lock_timeout = '5s'; DROP SCHEMA IF EXISTS {} CASCADE",
            schema_for(dir)
        ));
    }
}

/// Every byte an attacker with the database could read: the embedded file and its WAL (free
/// pages included), or in PostgreSQL mode every value of every table of the schema.
pub fn all_store_bytes(dir: &Path) -> Vec<u8> {
    if pg_base().is_some() && !dir.join("anumodan.db").is_file() {
        return with_db(dir, |c| {
            table_names(c)
                .iter()
                .map(|t| dump_table(c, t))
                .collect::<Vec<_>>()
                .concat()
        });
    }
    let mut out = std::fs::read(dir.join("anumodan.db")).unwrap_or_default();
    out.extend(std::fs::read(dir.join("anumodan.db-wal")).unwrap_or_default());
    // The principal index (derived: pseudonym symbols and ledger positions only).
    let index = dir.join(anumodan_store::sqlite::INDEX_FILE);
    out.extend(std::fs::read(&index).unwrap_or_default());
    out.extend(std::fs::read(index.with_extension("db-wal")).unwrap_or_default());
    out
}

/// How many migrations the store of a data directory has applied.
pub fn schema_version(dir: &Path) -> i64 {
    with_db(dir, |c| {
        if c.is_postgres() {
            c.query_row("SELECT MAX(version) FROM anumodan_migrations", (), |r| {
                r.get(0)
            })
            .unwrap()
        } else {
            c.sqlite()
                .unwrap()
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap()
        }
    })
}

/// The tree sizes of a list of checkpoints as `/v1/audit/checkpoints` returns them.
pub fn checkpoint_sizes(checkpoints: &[Value]) -> Vec<u64> {
    checkpoints
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .collect()
}
