//! The `anumodan` binary as a subprocess: help and version, offline administration,
//! configuration precedence, durability of acknowledged changes under SIGKILL, the data
//! directory lock, and the demo.

use crate::common::*;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Bound of every wait on a process.
const WAIT: Duration = Duration::from_secs(20);

// ---------- helpers ----------

pub(crate) fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("anumodan-proc-")
        .tempdir()
        .unwrap()
}

/// A loopback port that was free a moment ago.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A child process, killed (SIGKILL) and reaped when dropped, whatever happens in the test.
/// Its stdout and stderr go to files, so it never blocks on a full pipe.
pub(crate) struct Proc {
    pub(crate) child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Proc {
    pub(crate) fn spawn(mut c: Command, logs: &Path, name: &str) -> Proc {
        let stdout = logs.join(format!("{name}.stdout"));
        let stderr = logs.join(format!("{name}.stderr"));
        c.stdout(File::create(&stdout).unwrap())
            .stderr(File::create(&stderr).unwrap());
        Proc {
            child: c.spawn().expect("spawn the anumodan binary"),
            stdout,
            stderr,
        }
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub(crate) fn logs(&self) -> String {
        format!("--- stdout\n{}--- stderr\n{}", self.stdout(), self.stderr())
    }

    /// Waits until `/healthz` answers 200 at `url`; fails at once if the process exits.
    pub(crate) async fn wait_healthy(&mut self, url: &str) {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let deadline = Deadline::after(WAIT);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited ({st}) before answering:\n{}",
                    self.logs()
                );
            }
            if let Ok(r) = client.get(format!("{url}/healthz")).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            deadline
                .tick(Duration::from_millis(25), || {
                    format!("{url} not healthy within {WAIT:?}:\n{}", self.logs())
                })
                .await;
        }
    }

    /// Waits for the process to exit by itself.
    async fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Deadline::after(WAIT);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            deadline
                .tick(Duration::from_millis(20), || {
                    format!("still running after {WAIT:?}:\n{}", self.logs())
                })
                .await;
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reap.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM through the system's `kill` command, for a graceful stop. Returns false when
    /// that command is not available (the caller then kills instead).
    fn terminate(&self) -> bool {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `anumodan serve --listen 127.0.0.1:PORT --data-dir DIR`.
pub(crate) fn serve(dir: &Path, port: u16) -> Command {
    anumodan_cmd(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
        ps(dir),
    ])
}

/// `anumodan fiduciary create` on a stopped data directory; returns (id, api key).
pub(crate) fn create_fiduciary(dir: &Path, name: &str) -> (String, String) {
    let o = anumodan(&["fiduciary", "create", "--name", name, "--data-dir", ps(dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", out_text(&o)));
    let id = v["id"].as_str().unwrap().to_string();
    uuid::Uuid::parse_str(&id).unwrap();
    assert_eq!(v["name"], name);
    let key = v["api_key"].as_str().unwrap().to_string();
    assert!(key.starts_with("anm_"), "{key}");
    (id, key)
}

/// A request that reports transport failures (the server died) as `None`.
async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    key: &str,
    body: Option<Value>,
) -> Option<(StatusCode, Value)> {
    let mut req = client.request(method, url).bearer_auth(key);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.ok()?;
    let status = res.status();
    let text = res.text().await.ok()?;
    Some((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

async fn post(client: &reqwest::Client, url: &str, key: &str, body: Value) -> (StatusCode, Value) {
    call(client, reqwest::Method::POST, url, key, Some(body))
        .await
        .unwrap_or_else(|| panic!("POST {url} failed"))
}

async fn get(client: &reqwest::Client, url: &str, key: &str) -> (StatusCode, Value) {
    call(client, reqwest::Method::GET, url, key, None)
        .await
        .unwrap_or_else(|| panic!("GET {url} failed"))
}

/// A small catalogue over HTTP: `account` (mandatory) and `marketing` (optional) in a published
/// notice. Returns the notice id.
pub(crate) async fn seed_http(client: &reqwest::Client, url: &str, key: &str) -> String {
    for (code, en) in [("name", "Name"), ("mobile", "Mobile number")] {
        let (st, v) = post(
            client,
            &format!("{url}/v1/data-items"),
            key,
            json!({"code": code, "name": {"en": en}, "category": "contact"}),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    for (code, mandatory, item) in [("account", true, "name"), ("marketing", false, "mobile")] {
        let (st, v) = post(
            client,
            &format!("{url}/v1/purposes"),
            key,
            json!({"code": code, "mandatory": mandatory, "validity_days": 365, "retention_days": 365,
                   "data_items": [item], "name": {"en": code}, "description": {"en": format!("The {code} purpose")}}),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let (st, n) = post(
        client,
        &format!("{url}/v1/notices"),
        key,
        json!({"code": "registration", "purposes": ["account", "marketing"], "texts": {"en": notice_text("en")}}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let id = n["id"].as_str().unwrap().to_string();
    let (st, v) = post(
        client,
        &format!("{url}/v1/notices/{id}/publish"),
        key,
        json!({}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    id
}

// ---------- 1. help and version ----------

#[test]
fn version_and_help_on_every_subcommand() {
    let o = anumodan(&["--version"]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("anumodan {}\n", env!("CARGO_PKG_VERSION"))
    );

    let o = anumodan(&["--help"]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let top = String::from_utf8_lossy(&o.stdout).into_owned();
    for sub in ["serve", "demo", "migrate", "fiduciary", "audit", "bench"] {
        assert!(top.contains(sub), "{sub} missing from --help:\n{top}");
    }

    for path in [
        &["serve"][..],
        &["demo"],
        &["migrate"],
        &["fiduciary"],
        &["fiduciary", "create"],
        &["audit"],
        &["audit", "verify"],
        &["audit", "export"],
        &["audit", "verify-export"],
        &["audit", "inclusion"],
        &["audit", "consistency"],
        &["bench"],
    ] {
        let mut args = path.to_vec();
        args.push("--help");
        let o = anumodan(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", out_text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains(&format!("Usage: anumodan {}", path.join(" "))),
            "{args:?}:\n{out}"
        );
    }
    // The options that matter are documented where they apply.
    let serve_help = String::from_utf8_lossy(&anumodan(&["serve", "--help"]).stdout).into_owned();
    for opt in [
        "--listen",
        "--data-dir",
        "--config",
        "ANUMODAN_LISTEN",
        "ANUMODAN_DATA_DIR",
    ] {
        assert!(serve_help.contains(opt), "{opt} missing:\n{serve_help}");
    }

    // No subcommand, or an unknown one, is a usage error (exit 2) on stderr.
    for args in [&[][..], &["no-such-command"], &["serve", "--no-such-flag"]] {
        let o = anumodan(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", out_text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("Usage:"),
            "{}",
            out_text(&o)
        );
    }
}

// ---------- 2. offline administration, configuration ----------

#[tokio::test]
async fn fiduciary_create_and_migrate_work_offline_and_the_key_works() {
    let t = temp();
    let dir = t.path().join("data");

    let o = anumodan(&["migrate", "--data-dir", ps(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    assert!(has_store(&dir));
    assert!(schema_version(&dir) >= 1);
    let tables = with_db(&dir, table_names);
    for t in ["fiduciaries", "artefacts", "audit_log", "checkpoints"] {
        assert!(tables.iter().any(|n| n == t), "{t} in {tables:?}");
    }
    // Idempotent.
    let o = anumodan(&["migrate", "--data-dir", ps(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("migrations applied"));

    let (id1, key1) = create_fiduciary(&dir, "Pune Municipal Corporation");
    let (id2, key2) = create_fiduciary(&dir, "Second Corporation");
    assert_ne!(id1, id2);
    assert_ne!(key1, key2);
    // The key is shown once and stored only as a hash.
    let bytes = all_store_bytes(&dir);
    assert!(bytes.len() > 1000);
    assert!(!bytes.windows(key1.len()).any(|w| w == key1.as_bytes()));
    // A name that is blank is refused.
    let o = anumodan(&[
        "fiduciary",
        "create",
        "--name",
        "   ",
        "--data-dir",
        ps(&dir),
    ]);
    assert_ne!(o.status.code(), Some(0), "{}", out_text(&o));

    // The server on that directory accepts the key, as that fiduciary.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut p = Proc::spawn(serve(&dir, port), t.path(), "serve");
    p.wait_healthy(&url).await;
    let client = http();
    let (st, v) = get(&client, &format!("{url}/v1/audit/entries"), &key1).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items[0]["action"], "fiduciary.created");
    assert!(items.iter().all(|e| e["fiduciary"] == id1), "{v}");
    let (st, v) = get(&client, &format!("{url}/v1/purposes"), &key2).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = get(&client, &format!("{url}/v1/purposes"), "anm_not-a-key").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    seed_http(&client, &url, &key1).await;

    // A graceful stop (SIGTERM) exits 0 with every entry under a signed checkpoint.
    if p.terminate() {
        let status = p.wait_exit().await;
        assert!(status.success(), "{status}: {}", p.logs());
        let o = audit_verify(&dir);
        assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("entries after it:      0"),
            "{}",
            out_text(&o)
        );
    } else {
        eprintln!("no `kill` command: graceful stop not tested");
        p.kill();
        assert_eq!(audit_verify(&dir).status.code(), Some(0));
    }
}

#[tokio::test]
async fn configuration_comes_from_flags_then_environment_then_file() {
    let t = temp();
    let client = http();
    let alive = |port: u16| {
        let client = client.clone();
        async move {
            client
                .get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .await
                .is_ok()
        }
    };

    // The environment alone.
    let (p1, env_dir) = (free_port(), t.path().join("env-data"));
    let mut c = anumodan_cmd(&["serve"]);
    c.env("ANUMODAN_LISTEN", format!("127.0.0.1:{p1}"))
        .env("ANUMODAN_DATA_DIR", &env_dir);
    let mut p = Proc::spawn(c, t.path(), "env");
    p.wait_healthy(&format!("http://127.0.0.1:{p1}")).await;
    assert!(has_store(&env_dir));
    p.kill();

    // Flags override the environment.
    let (p2, flag_dir) = (free_port(), t.path().join("flag-data"));
    let mut c = serve(&flag_dir, p2);
    c.env("ANUMODAN_LISTEN", format!("127.0.0.1:{p1}"))
        .env("ANUMODAN_DATA_DIR", &env_dir);
    let mut p = Proc::spawn(c, t.path(), "flags");
    p.wait_healthy(&format!("http://127.0.0.1:{p2}")).await;
    assert!(!alive(p1).await, "the environment's address was used");
    assert!(has_store(&flag_dir));
    p.kill();

    // A TOML file, given with --config.
    let (p3, file_dir) = (free_port(), t.path().join("file-data"));
    let file = t.path().join("anumodan.toml");
    std::fs::write(
        &file,
        format!(
            "listen = \"127.0.0.1:{p3}\"\ndata_dir = \"{}\"\nlog_name = \"pune.example.gov.in/consent-ledger\"\ncheckpoint_interval_ms = 200\n",
            ps(&file_dir)
        ),
    )
    .unwrap();
    let mut p = Proc::spawn(
        anumodan_cmd(&["serve", "--config", ps(&file)]),
        t.path(),
        "file",
    );
    let url3 = format!("http://127.0.0.1:{p3}");
    p.wait_healthy(&url3).await;
    assert!(has_store(&file_dir));
    let key = client
        .get(format!("{url3}/.well-known/anumodan/ledger-key"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        key.starts_with("pune.example.gov.in/consent-ledger+"),
        "the file's log name: {key}"
    );
    p.kill();

    // The environment overrides the file (given here by ANUMODAN_CONFIG), and a flag overrides
    // both.
    let p4 = free_port();
    let mut c = anumodan_cmd(&["serve"]);
    c.env("ANUMODAN_CONFIG", &file)
        .env("ANUMODAN_LISTEN", format!("127.0.0.1:{p4}"));
    let mut p = Proc::spawn(c, t.path(), "file-env");
    p.wait_healthy(&format!("http://127.0.0.1:{p4}")).await;
    assert!(!alive(p3).await, "the file's address was used");
    p.kill();
    let p5 = free_port();
    let mut c = anumodan_cmd(&["serve", "--listen", &format!("127.0.0.1:{p5}")]);
    c.env("ANUMODAN_CONFIG", &file)
        .env("ANUMODAN_LISTEN", format!("127.0.0.1:{p4}"));
    let mut p = Proc::spawn(c, t.path(), "file-env-flag");
    p.wait_healthy(&format!("http://127.0.0.1:{p5}")).await;
    assert!(!alive(p4).await && !alive(p3).await);
    p.kill();

    // A file with an unknown key, a missing file, a bad value: refused with a clear message.
    let bad = t.path().join("bad.toml");
    std::fs::write(&bad, "listen = \"127.0.0.1:1\"\nno_such_setting = 1\n").unwrap();
    let missing = t.path().join("missing.toml");
    for (args, env) in [
        (vec!["serve", "--config", ps(&bad)], None),
        (vec!["serve", "--config", ps(&missing)], None),
        (vec!["serve"], Some(("ANUMODAN_LISTEN", "not an address"))),
    ] {
        let mut c = anumodan_cmd(&args);
        c.env("ANUMODAN_DATA_DIR", t.path().join("unused"));
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        let mut p = Proc::spawn(c, t.path(), "bad");
        let status = p.wait_exit().await;
        assert!(!status.success(), "{args:?} {env:?}: {}", p.logs());
        assert!(
            p.stderr().contains("configuration"),
            "{args:?} {env:?}: {}",
            p.logs()
        );
    }
}

// ---------- 3. durability under SIGKILL, and the data directory lock ----------

#[derive(Debug, Clone)]
enum Ack {
    /// A 2xx answer carrying an artefact version.
    Version {
        id: String,
        version: u64,
        audit: u64,
    },
    /// A 2xx validation answer.
    Validation {
        audit: u64,
        purpose: String,
        reason: String,
    },
}

/// Collects, validates, withdraws and validates again, over and over, recording every 2xx
/// answer, until the server stops answering. Returns the count of non-2xx answers (there should
/// be none).
async fn load(
    t: usize,
    client: reqwest::Client,
    url: String,
    key: String,
    notice: String,
    acks: Arc<Mutex<Vec<Ack>>>,
) -> Vec<String> {
    let mut unexpected = Vec::new();
    for i in 0.. {
        let principal = format!("principal-{t}-{i}");
        let collect = json!({"principal_id": principal, "notice_id": notice, "notice_version": 1, "language": "en",
                             "decisions": {"account": "granted", "marketing": "granted"}, "method": "api"});
        let Some((st, a)) = call(
            &client,
            reqwest::Method::POST,
            &format!("{url}/v1/consents"),
            &key,
            Some(collect),
        )
        .await
        else {
            break;
        };
        if st != StatusCode::CREATED {
            unexpected.push(format!("collect {st}: {a}"));
            break;
        }
        let id = a["id"].as_str().unwrap().to_string();
        acks.lock().unwrap().push(Ack::Version {
            id: id.clone(),
            version: a["version"].as_u64().unwrap(),
            audit: a["audit_log_id"].as_u64().unwrap(),
        });
        let validate = json!({"principal_id": principal, "purpose": "marketing"});
        for step in 0..2 {
            if step == 1 {
                let Some((st, w)) = call(
                    &client,
                    reqwest::Method::POST,
                    &format!("{url}/v1/consents/{id}/withdraw"),
                    &key,
                    Some(json!({"purposes": ["marketing"]})),
                )
                .await
                else {
                    return unexpected;
                };
                if st != StatusCode::OK {
                    unexpected.push(format!("withdraw {st}: {w}"));
                    return unexpected;
                }
                acks.lock().unwrap().push(Ack::Version {
                    id: id.clone(),
                    version: w["version"].as_u64().unwrap(),
                    audit: w["audit_log_id"].as_u64().unwrap(),
                });
            }
            let Some((st, v)) = call(
                &client,
                reqwest::Method::POST,
                &format!("{url}/v1/consents/validate"),
                &key,
                Some(validate.clone()),
            )
            .await
            else {
                return unexpected;
            };
            if st != StatusCode::OK {
                unexpected.push(format!("validate {st}: {v}"));
                return unexpected;
            }
            acks.lock().unwrap().push(Ack::Validation {
                audit: v["audit_log_id"].as_u64().unwrap(),
                purpose: "marketing".into(),
                reason: v["reason"].as_str().unwrap().to_string(),
            });
        }
    }
    unexpected
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_changes_survive_sigkill() {
    let t = temp();
    let dir = t.path().join("data");
    let (_, key) = create_fiduciary(&dir, "Durable Municipal Corporation");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut p = Proc::spawn(serve(&dir, port), t.path(), "serve-1");
    p.wait_healthy(&url).await;
    let client = http();
    let notice = seed_http(&client, &url, &key).await;

    let acks: Arc<Mutex<Vec<Ack>>> = Arc::default();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            tokio::spawn(load(
                i,
                http(),
                url.clone(),
                key.clone(),
                notice.clone(),
                acks.clone(),
            ))
        })
        .collect();
    // Let some work be acknowledged, then kill at a moment that varies from run to run, while
    // every task has a request in flight or about to be.
    let deadline = Deadline::after(WAIT);
    while acks.lock().unwrap().len() < 100 {
        deadline
            .tick(Duration::from_millis(5), || {
                format!("too slow: {:?}", acks.lock().unwrap().len())
            })
            .await;
    }
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        % 250;
    tokio::time::sleep(Duration::from_millis(u64::from(jitter))).await;
    let before_kill = acks.lock().unwrap().len();
    p.kill();
    let mut unexpected = Vec::new();
    for task in tasks {
        unexpected.extend(tokio::time::timeout(WAIT, task).await.unwrap().unwrap());
    }
    assert!(
        unexpected.is_empty(),
        "non-2xx answers under load: {unexpected:?}"
    );
    let acks = acks.lock().unwrap().clone();
    eprintln!(
        "killed after {jitter} ms extra with {before_kill} acknowledged answers ({} in all)",
        acks.len()
    );

    // The same directory, a new process: everything acknowledged is there.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut p = Proc::spawn(serve(&dir, port), t.path(), "serve-2");
    p.wait_healthy(&url).await;
    let mut versions: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    let mut max_audit = 0;
    for a in &acks {
        match a {
            Ack::Version { id, version, audit } => {
                versions
                    .entry(id.clone())
                    .or_default()
                    .push((*version, *audit));
                max_audit = max_audit.max(*audit);
            }
            Ack::Validation {
                audit,
                purpose,
                reason,
            } => {
                max_audit = max_audit.max(*audit);
                let (st, e) = get(&client, &format!("{url}/v1/audit/entries/{audit}"), &key).await;
                assert_eq!(
                    st,
                    StatusCode::OK,
                    "acknowledged validation entry {audit} lost: {e}"
                );
                assert_eq!(e["action"], "consent.validated", "{e}");
                assert_eq!(e["purpose"], *purpose, "{e}");
                assert_eq!(e["outcome"], *reason, "{e}");
            }
        }
    }
    assert!(versions.len() >= 10, "{} artefacts", versions.len());
    for (id, acked) in &versions {
        let (st, c) = get(&client, &format!("{url}/v1/consents/{id}"), &key).await;
        assert_eq!(st, StatusCode::OK, "acknowledged artefact {id} lost: {c}");
        let history = c["history"].as_array().unwrap();
        for (version, audit) in acked {
            let h = history
                .iter()
                .find(|h| h["version"] == *version)
                .unwrap_or_else(|| panic!("acknowledged version {version} of {id} lost: {c}"));
            assert_eq!(h["audit_log_id"], *audit, "{h}");
            let (st, e) = get(&client, &format!("{url}/v1/audit/entries/{audit}"), &key).await;
            assert_eq!(st, StatusCode::OK, "{e}");
            assert_eq!(e["artefact"], id.as_str(), "{e}");
            assert_eq!(e["version"], *version, "{e}");
        }
        // An acknowledged withdrawal is in effect.
        if acked.iter().any(|(v, _)| *v == 2) {
            assert_eq!(c["purposes"][1]["status"], "withdrawn", "{c}");
        }
    }
    // Entries written before the crash get a signed checkpoint after the restart.
    let deadline = Deadline::after(WAIT);
    loop {
        let (st, v) = get(
            &client,
            &format!("{url}/v1/audit/proofs/inclusion?index={max_audit}"),
            &key,
        )
        .await;
        if st == StatusCode::OK {
            assert_eq!(v["index"], max_audit);
            break;
        }
        deadline
            .tick(Duration::from_millis(50), || {
                format!("no checkpoint covers {max_audit}: {v}")
            })
            .await;
    }
    // New work goes on after the crash.
    let (st, v) = post(
        &client,
        &format!("{url}/v1/consents/validate"),
        &key,
        json!({"principal_id": "principal-0-0", "purpose": "account"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], true);
    assert!(v["audit_log_id"].as_u64().unwrap() > max_audit);

    // Killed again; the ledger on disk verifies.
    p.kill();
    let o = audit_verify(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
}

#[tokio::test]
async fn a_second_process_on_the_same_data_dir_is_refused() {
    let t = temp();
    let dir = t.path().join("data");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut first = Proc::spawn(serve(&dir, port), t.path(), "first");
    first.wait_healthy(&url).await;

    let port2 = free_port();
    let mut second = Proc::spawn(serve(&dir, port2), t.path(), "second");
    if pg_base().is_some() {
        // The lock guards the embedded database. On PostgreSQL several processes sharing one
        // store (and its keys directory) is the point: the second node starts and serves
        // beside the first (the cluster tests check what they answer).
        second
            .wait_healthy(&format!("http://127.0.0.1:{port2}"))
            .await;
        let (st, _) = get(&http(), &format!("{url}/healthz"), "").await;
        assert_eq!(st, StatusCode::OK);
        return;
    }
    let status = second.wait_exit().await;
    assert!(!status.success(), "{}", second.logs());
    assert!(
        second
            .stderr()
            .contains("is in use by another Anumodan process"),
        "{}",
        second.logs()
    );
    // Offline commands are refused too, while the server runs.
    for args in [
        vec!["fiduciary", "create", "--name", "X", "--data-dir", ps(&dir)],
        vec!["migrate", "--data-dir", ps(&dir)],
    ] {
        let o = anumodan(&args);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {}", out_text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("in use by another Anumodan process"),
            "{}",
            out_text(&o)
        );
    }
    // The first is unharmed.
    let (st, _) = get(&http(), &format!("{url}/healthz"), "").await;
    assert_eq!(st, StatusCode::OK);

    // A crash releases the lock: the next process starts.
    first.kill();
    let mut third = Proc::spawn(serve(&dir, port2), t.path(), "third");
    third
        .wait_healthy(&format!("http://127.0.0.1:{port2}"))
        .await;
}

// ---------- 4. the demo ----------

#[tokio::test]
async fn demo_prints_a_key_and_curl_examples_that_work() {
    let t = temp();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    // TMPDIR: the demo's temporary data directory goes inside this test's own.
    let mut c = anumodan_cmd(&["demo", "--listen", &format!("127.0.0.1:{port}")]);
    c.env("TMPDIR", t.path());
    let mut p = Proc::spawn(c, t.path(), "demo");
    let deadline = Deadline::after(WAIT);
    let out = loop {
        let out = p.stdout();
        if out.contains("Press Ctrl-C to stop.") {
            break out;
        }
        if let Some(st) = p.child.try_wait().unwrap() {
            panic!("demo exited ({st}):\n{}", p.logs());
        }
        deadline
            .tick(Duration::from_millis(25), || {
                format!("no banner:\n{}", p.logs())
            })
            .await;
    };
    assert!(
        out.contains(&format!("Anumodan demo is running at {url}")),
        "{out}"
    );
    let field = |label: &str| -> String {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .unwrap_or_else(|| panic!("no {label} in:\n{out}"))
            .trim()
            .to_string()
    };
    let key = field("API key:");
    assert!(key.starts_with("anm_"), "{key}");
    let data_dir = PathBuf::from(field("data directory:"));
    assert!(data_dir.starts_with(t.path()), "{data_dir:?}");
    assert!(has_store(&data_dir));
    assert!(out.contains(&format!("{url}/openapi.json")));
    assert!(out.contains("curl "), "{out}");

    // The curl examples, run as written (their URLs, headers and bodies).
    let client = http();
    let bodies: Vec<Value> = out
        .split("-d '")
        .skip(1)
        .map(|rest| {
            let json = &rest[..rest.find('\'').unwrap()];
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
        })
        .collect();
    assert_eq!(
        bodies.len(),
        3,
        "a collect, a validate and a principal token example:\n{out}"
    );
    assert!(out.contains(&format!(
        "curl -s -X POST {url}/v1/consents -H 'Authorization: Bearer {key}'"
    )));
    assert!(out.contains(&format!(
        "curl -s -X POST {url}/v1/consents/validate -H 'Authorization: Bearer {key}'"
    )));
    // Before the collection, the validation says there is no consent.
    let (st, v) = post(
        &client,
        &format!("{url}/v1/consents/validate"),
        &key,
        bodies[1].clone(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(v["reason"], "not_found", "{v}");
    let (st, a) = post(
        &client,
        &format!("{url}/v1/consents"),
        &key,
        bodies[0].clone(),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let (st, v) = post(
        &client,
        &format!("{url}/v1/consents/validate"),
        &key,
        bodies[1].clone(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["consent_id"], a["id"]);
    // The citizen's own view: a token, then /v1/me.
    let (st, t) = post(
        &client,
        &format!("{url}/v1/principal-tokens"),
        &key,
        bodies[2].clone(),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    assert!(out.contains(&format!("{url}/v1/me/consents")), "{out}");
    let (st, mine) = get(
        &client,
        &format!("{url}/v1/me/consents"),
        t["token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{mine}");
    assert_eq!(mine["items"][0]["id"], a["id"]);
    assert_eq!(mine["items"][0]["principal_id"], "******n-42");
    // The notice example (Hindi).
    let notice_url = out
        .split('\'')
        .find(|s| s.starts_with(&format!("{url}/v1/notices/")))
        .unwrap_or_else(|| panic!("no notice URL in:\n{out}"));
    let (st, n) = get(&client, notice_url, &key).await;
    assert_eq!(st, StatusCode::OK, "{n}");
    // Without the key, nothing.
    let (st, _) = post(
        &client,
        &format!("{url}/v1/consents/validate"),
        "",
        bodies[1].clone(),
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // Ctrl-C / SIGTERM stops it and removes its temporary data directory.
    if p.terminate() {
        let status = p.wait_exit().await;
        assert!(status.success(), "{status}: {}", p.logs());
        assert!(!data_dir.exists(), "{data_dir:?} left behind");
    } else {
        eprintln!("no `kill` command: graceful stop of the demo not tested");
    }
}

/// `anumodan bench` runs every phase over real HTTP and prints its figures (a smoke test of the
/// command, in a debug build: the figures themselves are not asserted, only that they exist and
/// that nothing failed).
#[test]
fn bench_prints_every_figure() {
    let o = anumodan(&[
        "bench",
        "--seconds",
        "1",
        "--connections",
        "4",
        "--rounds",
        "3",
        "--principals",
        "30",
    ]);
    let text = out_text(&o);
    assert!(o.status.success(), "{text}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    for phase in [
        "healthz (ceiling)",
        "validate (audited, durable)",
        "collect",
        "withdraw",
    ] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(phase))
            .unwrap_or_else(|| panic!("no {phase} line:\n{text}"));
        assert!(
            line.contains("ops/s") && line.contains("p99") && line.contains("p99.9"),
            "{line}"
        );
        assert!(line.contains(", 0 errors)"), "errors in {phase}: {line}");
    }
    assert!(
        stdout.contains("(30 ok, 0 errors)"),
        "every collect and withdraw acknowledged:\n{text}"
    );
    assert!(stdout.contains("validations / healthz ceiling:"), "{text}");
    // Three rounds: one ratio each, then their median.
    let rounds = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("per round: "))
        .unwrap_or_else(|| panic!("no per-round line:\n{text}"));
    let (each, median) = rounds
        .split_once(" (median ")
        .unwrap_or_else(|| panic!("no median: {rounds}"));
    let pct = |v: &str| -> f64 {
        v.trim_end_matches([')', '%'])
            .parse()
            .unwrap_or_else(|_| panic!("not a percentage: {v:?} in {rounds}"))
    };
    let mut each: Vec<f64> = each.split_whitespace().map(pct).collect();
    assert_eq!(each.len(), 3, "{rounds}");
    each.sort_by(f64::total_cmp);
    assert!(
        (pct(median) - each[1]).abs() <= 1.0,
        "the median of {each:?} printed as {median}"
    );
    let bytes_line = stdout
        .lines()
        .find(|l| l.starts_with("bytes on disk per audited validation:"))
        .unwrap_or_else(|| panic!("no bytes line:\n{text}"));
    let bytes: f64 = bytes_line
        .split(':')
        .nth(1)
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("bytes figure not a number: {bytes_line}"));
    assert!(bytes > 0.0, "{bytes_line}");
}

// ---------- 6. logs ----------

/// A full run at the most verbose log level: consents collected for a principal whose id is a
/// mobile number, with a guardian, validated, withdrawn, unmasked and erased, plus refused
/// requests carrying the same values. The logs name none of the personal data nor any secret.
#[tokio::test]
async fn logs_never_hold_personal_data_or_secrets() {
    let t = temp();
    let dir = t.path().join("data");
    let (fid, key) = create_fiduciary(&dir, "Log Check Corporation");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut cmd = serve(&dir, port);
    cmd.env("ANUMODAN_LOG", "trace");
    let mut p = Proc::spawn(cmd, t.path(), "serve-log");
    p.wait_healthy(&url).await;
    let client = http();
    let notice = seed_http(&client, &url, &key).await;

    let principal = "9812345678";
    let guardian = "guardian-7766554433";
    let reference = "DL-REF-55443322";
    let wrong_key = "anm_thisIsNotAKeyButLooksLikeOne0123456789abcdef";
    let reason = "grievance GRV-LOGCHECK-991";
    let email = "ravi.logcheck@example.in";
    let (st, a) = post(
        &client,
        &format!("{url}/v1/consents"),
        &key,
        json!({"notice_id": notice, "notice_version": 1, "principal_id": principal, "language": "en",
               "decisions": {"account": "granted", "marketing": "granted"}, "method": "web",
               "guardian": {"principal_id": guardian, "relationship": "parent",
                            "verification_method": "digilocker", "verification_ref": reference, "adult": true}}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    for (path, body) in [
        (
            "/v1/consents/validate".to_string(),
            json!({"principal_id": principal, "purpose": "marketing"}),
        ),
        (
            format!("/v1/consents/{id}/unmask"),
            json!({"reason": reason}),
        ),
        (
            format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": ["marketing"]}),
        ),
        (
            "/v1/principals/contacts".to_string(),
            json!({"principal_id": principal, "contact": email}),
        ),
        (
            "/v1/principal-signin/start".to_string(),
            json!({"fiduciary_id": fid, "contact": email}),
        ),
    ] {
        let (st, v) = post(&client, &format!("{url}{path}"), &key, body).await;
        assert!(st.is_success(), "{path}: {v}");
    }
    // The sign-in code goes out through the outbox (the log channel); then erase.
    let deadline = Deadline::after(WAIT);
    while !p.logs().contains("outbox message delivered") {
        deadline
            .tick(Duration::from_millis(50), || {
                format!("no delivery:\n{}", p.logs())
            })
            .await;
    }
    let (st, v) = post(
        &client,
        &format!("{url}/v1/principals/erase"),
        &key,
        json!({"principal_id": principal}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = get(
        &client,
        &format!("{url}/v1/principals/{principal}/consents"),
        &key,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    // Refused requests that carry the same values.
    let (st, _) = post(
        &client,
        &format!("{url}/v1/consents/validate"),
        wrong_key,
        json!({"principal_id": principal, "purpose": "marketing"}),
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = post(
        &client,
        &format!("{url}/v1/consents/validate"),
        &key,
        json!({"principal_id": principal, "purpose": "marketing", "unknown": guardian}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let res = client
        .post(format!("{url}/v1/consents"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(format!("{{\"principal_id\": \"{principal}\", broken"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());

    assert!(p.terminate(), "kill -TERM failed");
    let status = p.wait_exit().await;
    assert!(status.success(), "{}", p.logs());
    let logs = p.logs();
    // The logs are not empty: the search below looks at real output.
    assert!(logs.contains("anumodan serving"), "{logs}");
    assert!(logs.matches("request").count() >= 15, "{logs}");
    for secret in [
        principal,
        guardian,
        reference,
        reason,
        &key,
        wrong_key,
        &key[4..],
    ] {
        assert!(!logs.contains(secret), "{secret:?} appears in the logs");
    }
    // Nor in any file of the data directory but the database, where it is encrypted (the
    // database itself is searched in the ledger tests).
    let keys_dir = dir.join("keys");
    for e in std::fs::read_dir(&keys_dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(principal), "{}", path.display());
        }
    }
}

// ---------- 4. a node killed in the middle of sending the outbox ----------

/// An SMS and e-mail gateway on loopback, for the webhook channel. It records each message
/// POSTed to it in arrival order, and answers 200, except for the `hold`-th request (counting
/// from 1), which it never answers: the node that sent it is then stuck mid-round.
struct WebhookGateway {
    url: String,
    got: Arc<Mutex<Vec<(Value, String)>>>,
    hold: Arc<std::sync::atomic::AtomicUsize>,
    held: Arc<tokio::sync::Notify>,
}

impl WebhookGateway {
    async fn start(hold: usize) -> WebhookGateway {
        use http_body_util::BodyExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gw = WebhookGateway {
            url: format!("http://{}/outbox", listener.local_addr().unwrap()),
            got: Arc::default(),
            hold: Arc::new(hold.into()),
            held: Arc::default(),
        };
        let (got, hold, held) = (gw.got.clone(), gw.hold.clone(), gw.held.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (got, hold, held) = (got.clone(), hold.clone(), held.clone());
                let svc = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let (got, hold, held) = (got.clone(), hold.clone(), held.clone());
                        async move {
                            let key = req
                                .headers()
                                .get("idempotency-key")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_string();
                            let body = req.into_body().collect().await.unwrap().to_bytes();
                            let message: Value = serde_json::from_slice(&body).unwrap();
                            let n = {
                                let mut got = got.lock().unwrap();
                                got.push((message, key));
                                got.len()
                            };
                            if n == hold.load(std::sync::atomic::Ordering::SeqCst) {
                                held.notify_one();
                                std::future::pending::<()>().await;
                            }
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                http_body_util::Empty::<bytes::Bytes>::new(),
                            ))
                        }
                    },
                );
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc),
                );
            }
        });
        gw
    }

    /// The ids received so far, in order.
    fn ids(&self) -> Vec<i64> {
        let got = self.got.lock().unwrap();
        got.iter().map(|(m, _)| m["id"].as_i64().unwrap()).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_outbox_round_sends_again_only_the_message_in_flight() {
    let t = temp();
    let dir = t.path().join("data");
    let (fid, key) = create_fiduciary(&dir, "Outbox Municipal Corporation");
    // The gateway hangs on the third message: the node is killed while it is in flight.
    let gw = WebhookGateway::start(3).await;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let node = |name: &str| {
        let mut c = serve(&dir, port);
        c.env("ANUMODAN_OUTBOX_WEBHOOK_URL", &gw.url)
            .env("ANUMODAN_OUTBOX_INTERVAL_MS", "50")
            // On PostgreSQL the restarted node is a new holder: it waits for the dead one's lease.
            .env("ANUMODAN_OUTBOX_LEASE_MS", "2000");
        Proc::spawn(c, t.path(), name)
    };
    let mut p = node("serve-1");
    p.wait_healthy(&url).await;
    let client = http();
    let notice = seed_http(&client, &url, &key).await;

    // Four principals, each with a mobile number, ask for a sign-in code: four messages.
    let mut contacts = Vec::new();
    for i in 0..4 {
        let principal = format!("outbox-{i}");
        let collect = json!({"principal_id": principal, "notice_id": notice, "notice_version": 1, "language": "en",
                             "decisions": {"account": "granted", "marketing": "granted"}, "method": "api"});
        let (st, v) = post(&client, &format!("{url}/v1/consents"), &key, collect).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        let contact = format!("9{:09}", 812_340_000 + i);
        let (st, v) = post(
            &client,
            &format!("{url}/v1/principals/contacts"),
            &key,
            json!({"principal_id": principal, "contact": contact}),
        )
        .await;
        assert!(st.is_success(), "{v}");
        let res = client
            .post(format!("{url}/v1/principal-signin/start"))
            .json(&json!({"fiduciary_id": fid, "contact": contact}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        contacts.push(contact);
    }
    tokio::time::timeout(WAIT, gw.held.notified())
        .await
        .unwrap_or_else(|_| panic!("the gateway never got a third message:\n{}", p.logs()));
    p.kill();
    let before = gw.ids();
    assert_eq!(before.len(), 3, "{before:?}");

    // A new process on the same store finishes the round: the message in flight goes again,
    // under the same id, and the fourth goes once.
    gw.hold
        .store(usize::MAX, std::sync::atomic::Ordering::SeqCst);
    let mut p2 = node("serve-2");
    p2.wait_healthy(&url).await;
    let deadline = Deadline::after(WAIT);
    while gw.ids().len() < 5 {
        deadline
            .tick(Duration::from_millis(20), || {
                format!("got {:?}:\n{}", gw.ids(), p2.logs())
            })
            .await;
    }
    // Many more rounds: everything was marked sent, nothing else goes out.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ids = gw.ids();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert_eq!(ids[..3], before[..]);
    assert!(
        ids[0] < ids[1] && ids[1] < ids[2],
        "oldest first, each once: {ids:?}"
    );
    assert_eq!(ids[3], ids[2], "the message in flight, again: {ids:?}");
    assert!(ids[4] > ids[2], "then the fourth: {ids:?}");
    // What the gateway got: the id as the idempotency key, the destination in clear (for the
    // gateway to send to) and a six-digit code in the body.
    let got = gw.got.lock().unwrap().clone();
    let mut destinations = Vec::new();
    for (m, key) in &got {
        assert_eq!(key, &m["id"].to_string());
        assert_eq!(m["channel"], "sms", "{m}");
        assert_eq!(m["fiduciary_id"], fid.as_str());
        let body = m["body"].as_str().unwrap();
        assert!(
            body.split(|c: char| !c.is_ascii_digit())
                .any(|w| w.len() == 6),
            "{body}"
        );
        destinations.push(m["destination"].as_str().unwrap().to_string());
    }
    destinations.dedup();
    let e164: Vec<String> = contacts.iter().map(|c| format!("+91{c}")).collect();
    assert_eq!(destinations, e164);
    // The servers' logs never held a destination.
    for log in [p.logs(), p2.logs()] {
        for c in &contacts {
            assert!(!log.contains(c.as_str()), "{c} in the logs");
        }
    }
    p2.kill();
}

#[test]
fn serve_refuses_a_webhook_url_that_is_not_https() {
    let t = temp();
    let dir = t.path().join("data");
    create_fiduciary(&dir, "Webhook Municipal Corporation");
    let mut c = serve(&dir, free_port());
    c.env(
        "ANUMODAN_OUTBOX_WEBHOOK_URL",
        "http://gateway.example.in/outbox",
    );
    let o = c.output().unwrap();
    assert_ne!(o.status.code(), Some(0));
    let text = out_text(&o);
    assert!(text.contains("outbox_webhook_url must use https"), "{text}");
    assert!(
        !text.contains("gateway.example.in"),
        "the URL is never printed: {text}"
    );
    // Refused before the store is touched: a new data directory stays without a database.
    let fresh = t.path().join("fresh");
    let mut c = serve(&fresh, free_port());
    c.env("ANUMODAN_OUTBOX_WEBHOOK_URL", "ftp://gateway.example.in/");
    let o = c.output().unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(out_text(&o).contains("outbox_webhook_url must use https"));
    assert!(
        !fresh.join("anumodan.db").exists(),
        "{:?}",
        std::fs::read_dir(&fresh).map(|d| d.count())
    );
}
