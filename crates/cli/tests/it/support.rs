//! Helpers shared by the test modules: reading API answers, the common request/assert steps,
//! the `anumodan` binary as a subprocess, and bounded polling.

#![allow(dead_code)]

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration as StdDuration, Instant};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

// ---------- API answers ----------

/// Parses an RFC 3339 timestamp field.
pub fn ts(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        v.as_str().unwrap_or_else(|| panic!("not a timestamp: {v}")),
        &Rfc3339,
    )
    .unwrap()
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

/// The state of one purpose inside an artefact.
pub fn purpose<'a>(artefact: &'a Value, code: &str) -> &'a Value {
    artefact["purposes"]
        .as_array()
        .unwrap_or_else(|| panic!("no purposes in {artefact}"))
        .iter()
        .find(|p| p["purpose"] == code)
        .unwrap_or_else(|| panic!("no purpose {code} in {artefact}"))
}

pub fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// Decisions for the four purposes of the standard catalogue, in the order account,
/// marketing, analytics, tax_records.
pub fn decisions(account: &str, marketing: &str, analytics: &str, tax_records: &str) -> Value {
    json!({"account": account, "marketing": marketing, "analytics": analytics, "tax_records": tax_records})
}

/// A lifecycle request body with the evidence of the principal's own action that a fiduciary
/// must give for a grant or renewal: in its app, in session `app-s-2`, shown notice version 1.
pub fn evidence(mut body: Value) -> Value {
    body["method"] = json!("app");
    body["session_id"] = json!("app-s-2");
    body["notice_version"] = json!(1);
    body
}

// ---------- request and assert ----------

/// Posts to a consent's lifecycle route (`update`, `renew`, `withdraw`) and expects `200`:
/// the answer.
pub async fn act_ok(s: &TestServer, id: &str, verb: &str, body: Value) -> Value {
    let (st, v) = s.post(&format!("/v1/consents/{id}/{verb}"), body).await;
    assert_eq!(st, StatusCode::OK, "{verb} {id}: {v}");
    v
}

pub async fn collect_ok(s: &TestServer, cat: &Catalog, principal: &str, decisions: Value) -> Value {
    let (st, v) = s.collect(cat, principal, decisions).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v
}

/// A new server with the standard catalogue and one artefact collected for `principal`:
/// the server, the catalogue, the artefact and its id.
pub async fn start_with_consent(
    principal: &str,
    decisions: Value,
) -> (TestServer, Catalog, Value, String) {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let a = collect_ok(&s, &cat, principal, decisions).await;
    let id = id_of(&a);
    (s, cat, a, id)
}

pub async fn validate_items(s: &TestServer, principal: &str, purpose: &str, items: Value) -> Value {
    let (st, v) = s
        .post(
            "/v1/consents/validate",
            json!({"principal_id": principal, "purpose": purpose, "data_items": items}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v
}

/// Every audit entry of this fiduciary with the given action, following the pages.
pub async fn audit_entries(s: &TestServer, action: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/audit/entries?action={action}&limit=1000");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (st, v) = s.get(&path).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        out.extend(v["items"].as_array().unwrap().iter().cloned());
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

pub async fn consent(s: &TestServer, id: &str) -> Value {
    let (st, v) = s.get(&format!("/v1/consents/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v
}

pub async fn principal_items(s: &TestServer, principal: &str, query: &str) -> Vec<Value> {
    let (st, v) = s
        .get(&format!("/v1/principals/{principal}/consents{query}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

/// Posts `body` to `path`, asserts `status` and the problem `code`; returns the answer.
pub async fn post_expect(
    s: &TestServer,
    path: &str,
    body: Value,
    status: StatusCode,
    code: &str,
) -> Value {
    let (st, v) = s.post(path, body).await;
    assert_eq!(st, status, "{v}");
    assert_eq!(v["code"], code, "{v}");
    v
}

// ---------- the `anumodan` binary ----------

/// The binary with `args`, without any `ANUMODAN_*` variable of the test's own environment.
pub fn anumodan_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args);
    // PostgreSQL mode: a command on a data directory uses that directory's schema.
    if let Some(i) = args.iter().position(|a| *a == "--data-dir")
        && args.first() != Some(&"demo")
        && !args.contains(&"--database-url")
        && let Some(url) = args
            .get(i + 1)
            .and_then(|d| crate::common::database_url_for(Path::new(d)))
    {
        c.args(["--database-url", &url]);
    }
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("ANUMODAN_") {
            c.env_remove(k);
        }
    }
    c.stdin(Stdio::null());
    c
}

/// Runs the binary with `args` to completion, capturing its output.
pub fn anumodan(args: &[&str]) -> Output {
    anumodan_cmd(args)
        .output()
        .expect("run the anumodan binary")
}

/// Exit status, stdout and stderr, for assertion messages.
pub fn out_text(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn ps(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `anumodan audit verify --data-dir DIR`.
pub fn audit_verify(dir: &Path) -> Output {
    anumodan(&["audit", "verify", "--data-dir", ps(dir)])
}

/// `anumodan audit export --data-dir DIR --out OUT`.
pub fn audit_export(dir: &Path, out: &Path) -> Output {
    anumodan(&["audit", "export", "--data-dir", ps(dir), "--out", ps(out)])
}

pub fn assert_ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", out_text(o));
}

// ---------- polling ----------

/// The bound of a polling loop.
pub struct Deadline(Instant);

impl Deadline {
    pub fn after(d: StdDuration) -> Deadline {
        Deadline(Instant::now() + d)
    }

    /// Fails with `msg` once the deadline has passed; otherwise sleeps `step` before the
    /// next attempt.
    pub async fn tick(&self, step: StdDuration, msg: impl FnOnce() -> String) {
        assert!(Instant::now() < self.0, "{}", msg());
        tokio::time::sleep(step).await;
    }
}

// ---------- the outbox ----------

/// Gives `n` new principals (`{prefix}-{i}`) a consent and a verified contact, and asks for a
/// sign-in code for each: `n` messages in the outbox. Returns their ids, oldest first.
pub async fn queue_sign_in_codes(
    s: &TestServer,
    cat: &Catalog,
    prefix: &str,
    n: usize,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let principal = format!("{prefix}-{i}");
        collect_ok(s, cat, &principal, all_granted()).await;
        let contact = format!("9{:09}", 876_540_000 + i);
        let (st, v) = s
            .post(
                "/v1/principals/contacts",
                json!({"principal_id": principal, "contact": contact}),
            )
            .await;
        assert!(st.is_success(), "{v}");
        let (st, v) = s
            .send(
                reqwest::Method::POST,
                "/v1/principal-signin/start",
                None,
                Some(json!({"fiduciary_id": s.fiduciary_id, "contact": contact})),
            )
            .await;
        assert_eq!(st, StatusCode::ACCEPTED, "{v}");
        let newest = newest_outbox_id(s).await.expect("a message in the outbox");
        assert!(
            !ids.contains(&newest),
            "no message was queued for {principal}"
        );
        ids.push(newest);
    }
    ids
}

/// The id of the newest outbox message, if any.
pub async fn newest_outbox_id(s: &TestServer) -> Option<i64> {
    s.state()
        .store
        .read_conn(|c| {
            c.query_row("SELECT MAX(id) FROM outbox", (), |r| r.get(0))
                .map_err(|e| anumodan_core::ports::StoreError::internal(e.to_string()))
        })
        .await
        .unwrap()
}

/// What an SMS or e-mail gateway received, by message id, in order.
#[derive(Default)]
pub struct Gateway(std::sync::Mutex<Vec<i64>>);

impl Gateway {
    /// The ids received since the last call.
    pub fn take(&self) -> Vec<i64> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A node's delivery to a [`Gateway`] that dies (panics) right after the gateway took its
/// `n`-th message: the crash between sending a message and marking it sent.
pub struct DyingAfter(pub std::sync::Arc<Gateway>, pub usize);

impl anumodan_server::workers::Delivery for DyingAfter {
    fn deliver<'a>(
        &'a self,
        m: &'a anumodan_store::principal::OutboxMessage,
    ) -> anumodan_server::workers::Delivered<'a> {
        let mut got = self.0.0.lock().unwrap();
        got.push(m.id);
        let n = got.len();
        drop(got);
        if n == self.1 {
            panic!("the node dies after the gateway took message {}", m.id);
        }
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Runs one outbox round on `s` whose node dies right after `gateway` took its `n`-th message,
/// and checks that it did die.
pub async fn die_mid_outbox_round(
    s: &TestServer,
    gateway: &std::sync::Arc<Gateway>,
    n: usize,
    lease: StdDuration,
) {
    let (state, dying) = (s.state().clone(), DyingAfter(gateway.clone(), n));
    let died = tokio::spawn(async move {
        anumodan_server::workers::dispatch_outbox_once(&state, &dying, lease).await
    })
    .await;
    assert!(
        died.is_err_and(|e| e.is_panic()),
        "the node was meant to die mid-round"
    );
}

/// Number of entries in the whole ledger (every fiduciary), read from the store.
pub async fn ledger_size(s: &TestServer) -> u64 {
    s.state().store.read(|r| r.ledger_size()).await.unwrap()
}
