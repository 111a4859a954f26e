//! The tamper-evident audit ledger (issue 3) end to end: every action is one entry committed with
//! its change, entries never carry a principal's id in clear, inclusion and consistency proofs
//! verify against Ed25519-signed C2SP checkpoints, and `anumodan audit verify` /
//! `audit verify-export` catch each kind of tampering with the database or the export, naming
//! the first bad entry (or checkpoint).

use crate::common::*;
use crate::support::*;
use anumodan_core::audit::AuditEntry;
use anumodan_ledger::checkpoint::{Checkpoint, open_checkpoint};
use anumodan_ledger::merkle::{
    Hash, hash_from_base64, hash_to_base64, leaf_hash, verify_consistency, verify_inclusion,
};
use anumodan_ledger::note::{NoteSigner, NoteVerifier};
use anumodan_store::db::{Connection, params};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration as StdDuration, Instant};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The fields of an audit entry, in the order they are hashed.
const ENTRY_FIELDS: [&str; 12] = [
    "index",
    "timestamp",
    "fiduciary",
    "principal",
    "purpose",
    "action",
    "status",
    "outcome",
    "initiator",
    "source_ip",
    "artefact",
    "version",
];

/// Bound of every polling loop (checkpoints are written every 50 ms by the test server).
const WAIT: StdDuration = StdDuration::from_secs(10);

// ---------- helpers ----------

fn idx(e: &Value) -> u64 {
    e["index"]
        .as_u64()
        .unwrap_or_else(|| panic!("no index in {e}"))
}

fn b64hash(v: &Value) -> Hash {
    hash_from_base64(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
        .unwrap_or_else(|| panic!("not a base64 SHA-256 hash: {v}"))
}

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(b64hash)
        .collect()
}

/// Every entry visible to `key` matching `query`, following the pages of `limit` entries.
/// Checks that a page with a cursor is full and that indices strictly increase across pages
/// (oldest first, no entry twice).
async fn entries_paged(s: &TestServer, key: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/audit/entries?limit={limit}");
        if !query.is_empty() {
            path.push('&');
            path.push_str(query);
        }
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (st, v) = s.send(Method::GET, &path, Some(key), None).await;
        assert_eq!(st, StatusCode::OK, "{path}: {v}");
        let items = v["items"].as_array().unwrap_or_else(|| panic!("{v}"));
        assert!(items.len() <= limit, "{path}: page larger than the limit");
        out.extend(items.iter().cloned());
        match v.get("next_cursor").and_then(Value::as_str) {
            Some(c) => {
                assert_eq!(items.len(), limit, "{path}: a page with a cursor is full");
                assert_eq!(c, idx(items.last().unwrap()).to_string());
                cursor = Some(c.to_string());
            }
            None => break,
        }
        assert!(out.len() < 100_000, "runaway pagination");
    }
    let indices: Vec<u64> = out.iter().map(idx).collect();
    assert!(
        indices.windows(2).all(|w| w[0] < w[1]),
        "{query}: entries not strictly increasing: {indices:?}"
    );
    out
}

/// Every entry of the test fiduciary matching `query`.
async fn entries(s: &TestServer, query: &str) -> Vec<Value> {
    entries_paged(s, &s.key, query, 1000).await
}

/// The test fiduciary's entries from index `from` on (through the cursor).
async fn entries_from(s: &TestServer, from: u64) -> Vec<Value> {
    if from == 0 {
        entries(s, "").await
    } else {
        entries(s, &format!("cursor={}", from - 1)).await
    }
}

/// The ledger key published at the well-known URL: the key line and the parsed verifier.
pub(crate) async fn ledger_key(s: &TestServer) -> (String, NoteVerifier) {
    let res = s
        .client
        .get(format!("{}/.well-known/anumodan/ledger-key", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let ct = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/plain"), "{ct}");
    let text = res.text().await.unwrap();
    let line = text
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("key line without newline: {text:?}"));
    assert!(!line.contains('\n'), "{text:?}");
    let verifier = NoteVerifier::from_verifier_key(line).expect("a C2SP verifier key line");
    (line.to_string(), verifier)
}

/// The first checkpoint whose size is at least `size`, waiting for it.
async fn wait_checkpoint(s: &TestServer, size: u64) -> Value {
    assert!(size > 0);
    let deadline = Deadline::after(WAIT);
    loop {
        let (st, v) = s
            .get(&format!("/v1/audit/checkpoints?after={}&limit=1", size - 1))
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        if let Some(cp) = v.as_array().unwrap().first() {
            return cp.clone();
        }
        deadline
            .tick(StdDuration::from_millis(20), || {
                format!("no checkpoint of size >= {size} within {WAIT:?}")
            })
            .await;
    }
}

pub(crate) async fn all_checkpoints(s: &TestServer) -> Vec<Value> {
    let (st, v) = s.get("/v1/audit/checkpoints?limit=1000").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v.as_array().unwrap().clone()
}

/// The inclusion proof of entry `index` (against `tree_size`, or the latest checkpoint),
/// waiting until a checkpoint covers it.
async fn inclusion(s: &TestServer, index: u64, tree_size: Option<u64>) -> Value {
    let mut path = format!("/v1/audit/proofs/inclusion?index={index}");
    if let Some(n) = tree_size {
        path.push_str(&format!("&tree_size={n}"));
    }
    let deadline = Deadline::after(WAIT);
    loop {
        let (st, v) = s.get(&path).await;
        if st == StatusCode::OK {
            return v;
        }
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v["code"], "checkpoint_not_found", "{v}");
        deadline
            .tick(StdDuration::from_millis(20), || {
                format!("{path}: no checkpoint covers it within {WAIT:?}")
            })
            .await;
    }
}

/// Checks an inclusion proof answer the way an auditor would, from the answer and the key only:
/// the checkpoint is signed by the ledger key, the leaf hash is the hash of the entry's canonical
/// JSON, and the audit path leads from it to the checkpoint's root. Returns the entry and the
/// checkpoint.
fn check_inclusion(v: &Value, key: &NoteVerifier) -> (AuditEntry, Checkpoint) {
    let index = idx(v);
    let cp = open_checkpoint(key, v["checkpoint"].as_str().unwrap())
        .expect("the checkpoint is signed by the published ledger key");
    assert_eq!(Some(cp.size), v["tree_size"].as_u64(), "{v}");
    assert!(index < cp.size);
    let entry: AuditEntry = serde_json::from_value(v["entry"].clone()).unwrap();
    assert_eq!(entry.index, index);
    // The entry as served is exactly its canonical form (nothing added, nothing reordered).
    assert_eq!(serde_json::to_value(&entry).unwrap(), v["entry"]);
    let leaf = leaf_hash(&entry.leaf_data());
    assert_eq!(
        b64hash(&v["leaf_hash"]),
        leaf,
        "leaf hash of the entry's JSON"
    );
    let proof = hashes(&v["proof"]);
    verify_inclusion(&leaf, index, cp.size, &proof, &cp.root).expect("inclusion proof verifies");
    // The proof is bound to this entry: any other content fails.
    let mut forged = entry.clone();
    forged.outcome = format!("{}-forged", forged.outcome);
    assert!(
        verify_inclusion(
            &leaf_hash(&forged.leaf_data()),
            index,
            cp.size,
            &proof,
            &cp.root
        )
        .is_err()
    );
    (entry, cp)
}

/// Asserts that `e` is an entry with exactly the ledger's fields.
fn assert_shape(e: &Value) {
    let keys: Vec<&str> = e
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {e}"))
        .keys()
        .map(String::as_str)
        .collect();
    let mut want: BTreeSet<&str> = ENTRY_FIELDS.into_iter().collect();
    // An entry that wrote an artefact version commits to it (issue 17, item 9); no other
    // entry carries the field.
    let writes_version = [
        "consent.collected",
        "consent.updated",
        "consent.renewed",
        "consent.withdrawn",
        "consent.expired",
    ]
    .contains(&e["action"].as_str().unwrap_or_default());
    if writes_version {
        want.insert("artefact_sha256");
        let h = e["artefact_sha256"].as_str().unwrap_or_default();
        assert!(
            h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()),
            "{e}"
        );
    }
    assert_eq!(
        keys.iter().copied().collect::<BTreeSet<_>>(),
        want,
        "fields of {e}"
    );
}

/// Asserts the fields of a consent entry.
#[allow(clippy::too_many_arguments)]
fn assert_consent_entry(
    e: &Value,
    action: &str,
    purpose: &str,
    status: Option<&str>,
    outcome: &str,
    artefact: &Value,
    version: Value,
    at: OffsetDateTime,
) {
    assert_shape(e);
    assert_eq!(e["action"], action, "{e}");
    assert_eq!(e["purpose"], purpose, "{e}");
    assert_eq!(e["status"], json!(status), "{e}");
    assert_eq!(e["outcome"], outcome, "{e}");
    assert_eq!(e["artefact"], *artefact, "{e}");
    assert_eq!(e["version"], version, "{e}");
    assert!(
        e["principal"].is_string(),
        "a consent entry names its principal: {e}"
    );
    assert_eq!(e["timestamp"], rfc3339(at), "{e}");
}

/// Creates a minimal catalogue (one data item, one purpose, a published notice) for another
/// fiduciary's key; returns the notice id.
async fn seed_minimal(s: &TestServer, key: &str) -> String {
    let post = |path: &'static str, body: Value| async move {
        let (st, v) = s.send(Method::POST, path, Some(key), Some(body)).await;
        assert_eq!(st, StatusCode::CREATED, "{path}: {v}");
        v
    };
    post(
        "/v1/data-items",
        json!({"code": "mobile", "name": {"en": "Mobile"}, "category": "contact"}),
    )
    .await;
    post("/v1/purposes", json!({"code": "account", "mandatory": true, "validity_days": 365, "retention_days": 365,
        "data_items": ["mobile"], "name": {"en": "Account"}, "description": {"en": "Your account"}}))
    .await;
    let n = post(
        "/v1/notices",
        json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
    )
    .await;
    let id = n["id"].as_str().unwrap().to_string();
    let (st, v) = s
        .send(
            Method::POST,
            &format!("/v1/notices/{id}/publish"),
            Some(key),
            Some(json!({})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    id
}

// ---------- the CLI ----------

pub(crate) fn verify_export(dir: &Path, key_line: &str) -> Output {
    anumodan(&["audit", "verify-export", ps(dir), "--public-key", key_line])
}

/// Asserts that a verification failed (exit 2) with `expected` in its message.
pub(crate) fn assert_caught(o: &Output, expected: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", out_text(o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("verification FAILED"), "{}", out_text(o));
    assert!(
        err.contains(expected),
        "expected {expected:?} in the error: {}",
        out_text(o)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), &target).unwrap();
        }
    }
}

/// Recomputes the stored hash of every entry from `from` on, from its (tampered) columns: what
/// a careful forger does so that every entry's own hash checks out.
fn rehash_from(conn: &Connection, from: u64) {
    let mut new = Vec::new();
    anumodan_store::read::for_each_entry(conn, |index, entry, _| {
        if index >= from {
            new.push((index, leaf_hash(&entry.unwrap().leaf_data())));
        }
        true
    })
    .unwrap();
    for (index, h) in new {
        conn.execute(
            "UPDATE audit_log SET hash = ?1 WHERE idx = ?2",
            params![&h[..], index as i64],
        )
        .unwrap();
    }
}

/// A change made to the lines of an export's `entries.jsonl`.
type ExportEdit<'a> = dyn Fn(&mut Vec<Value>) + 'a;

/// The error for entry `k` whose stored hash does not match its data.
fn bad_hash(k: u64) -> String {
    format!("entry {k}: the stored hash is not the hash of its data")
}

/// The error for the checkpoint of size `cp` whose root the entries do not produce.
fn bad_root(cp: u64) -> String {
    format!("checkpoint of size {cp}: the first {cp} entries do not produce its root hash")
}

/// A ledger written by a real run, its server stopped.
struct Stopped {
    dir: PathBuf,
    _data: Option<Scratch>,
    work: tempfile::TempDir,
    key_line: String,
    entries: Vec<Value>,
    /// Sizes of the signed checkpoints, smallest first; the last covers every entry.
    checkpoints: Vec<u64>,
    /// The copies made (their PostgreSQL schemas are dropped with this).
    copies: std::sync::Mutex<Vec<PathBuf>>,
}

impl Drop for Stopped {
    fn drop(&mut self) {
        for d in self.copies.lock().unwrap().iter() {
            drop_schema(d);
        }
    }
}

impl Stopped {
    /// A fresh copy of the stopped server's data directory.
    fn copy(&self, name: &str) -> PathBuf {
        let d = self.work.path().join(name);
        copy_dir(&self.dir, &d);
        copy_schema(&self.dir, &d);
        self.copies.lock().unwrap().push(d.clone());
        d
    }

    fn size(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Index of the first entry with this action and outcome.
    fn find(&self, action: &str, outcome: &str) -> u64 {
        idx(self
            .entries
            .iter()
            .find(|e| e["action"] == action && e["outcome"] == outcome)
            .unwrap_or_else(|| panic!("no {action} entry with outcome {outcome}")))
    }

    /// A fresh copy of the data directory, its database changed by `tamper` as an attacker
    /// with file access would (the connection is closed before this returns).
    fn tampered(&self, name: &str, tamper: impl FnOnce(&Connection) + Send) -> PathBuf {
        let d = self.copy(name);
        with_db(&d, tamper);
        d
    }

    /// The smallest checkpoint that covers entry `index`.
    fn checkpoint_covering(&self, index: u64) -> u64 {
        *self
            .checkpoints
            .iter()
            .find(|&&c| c > index)
            .unwrap_or_else(|| panic!("no checkpoint covers {index}: {:?}", self.checkpoints))
    }
}

/// Runs a server through collections, validations and withdrawals with checkpoints in between,
/// waits until a checkpoint covers every entry, and stops it.
async fn stopped_ledger() -> Stopped {
    let s = TestServer::start().await;
    let (key_line, _) = ledger_key(&s).await;
    let cat = s.seed().await;
    wait_checkpoint(&s, ledger_size(&s).await).await;
    for i in 0..4 {
        let p = format!("citizen-{i}");
        let (st, v) = s
            .collect(
                &cat,
                &p,
                json!({"account": "granted", "marketing": "denied", "analytics": "granted", "tax_records": "granted"}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        s.validate(&p, "account").await;
        s.validate(&p, "marketing").await;
    }
    wait_checkpoint(&s, ledger_size(&s).await).await;
    for i in 0..4 {
        let p = format!("citizen-{i}");
        let id =
            entries(&s, &format!("principal_id={p}&action=consent.collected")).await[0]["artefact"]
                .as_str()
                .unwrap()
                .to_string();
        let (st, v) = s
            .post(
                &format!("/v1/consents/{id}/withdraw"),
                json!({"purposes": ["analytics"]}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(s.validate(&p, "analytics").await["reason"], "withdrawn");
    }
    let all = entries(&s, "").await;
    let n = all.len() as u64;
    assert_eq!(idx(all.last().unwrap()), n - 1);
    wait_checkpoint(&s, n).await;
    let checkpoints = checkpoint_sizes(&all_checkpoints(&s).await);
    assert!(checkpoints.len() >= 3, "{checkpoints:?}");
    assert_eq!(checkpoints.last(), Some(&n));
    let (dir, data) = s.stop().await;
    let stopped = Stopped {
        dir,
        _data: data,
        work: tempfile::Builder::new()
            .prefix("anumodan-tamper-")
            .tempdir()
            .unwrap(),
        key_line,
        entries: all,
        checkpoints,
        copies: Default::default(),
    };
    // The untouched ledger verifies, with the local key and with the published one.
    assert_ok(&audit_verify(&stopped.dir));
    assert_ok(&anumodan(&[
        "audit",
        "verify",
        "--data-dir",
        ps(&stopped.dir),
        "--public-key",
        &stopped.key_line,
    ]));
    stopped
}
// ---------- 1. every action is an entry ----------

#[tokio::test]
async fn every_action_is_one_entry_with_every_field() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let alice = "alice.sharma@example.in";
    let bob = "+91-98765-43210";
    let fid = json!(s.fiduciary_id);

    // Registration and catalogue (at T0): one entry each, no principal, no artefact.
    let catalogue = entries(&s, "").await;
    let actions: Vec<&str> = catalogue
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "fiduciary.created",
            "api_key.created",
            "data_item.created",
            "data_item.created",
            "data_item.created",
            "data_item.created",
            "purpose.created",
            "purpose.created",
            "purpose.created",
            "purpose.created",
            "notice.created",
            "notice.published"
        ]
    );
    let indices: Vec<u64> = catalogue.iter().map(idx).collect();
    assert_eq!(indices, (0..12).collect::<Vec<u64>>());
    for e in &catalogue {
        assert_shape(e);
        assert_eq!(e["fiduciary"], fid, "{e}");
        assert_eq!(e["timestamp"], rfc3339(T0), "{e}");
        for absent in ["principal", "status", "artefact", "version"] {
            assert!(e[absent].is_null(), "{absent} in {e}");
        }
    }
    // Registration is done by the operator, the rest through the API key from 127.0.0.1.
    let key_id = catalogue[1]["outcome"].as_str().unwrap();
    let api = format!("fiduciary:{key_id}");
    for e in &catalogue[..2] {
        assert_eq!(e["initiator"], "test", "{e}");
        assert!(e["source_ip"].is_null(), "{e}");
        assert!(e["outcome"].is_string(), "{e}");
    }
    for e in &catalogue[2..] {
        assert_eq!(e["initiator"], api, "{e}");
        assert_eq!(e["source_ip"], "127.0.0.1", "{e}");
    }
    let outcomes: Vec<&Value> = catalogue[2..6].iter().map(|e| &e["outcome"]).collect();
    assert_eq!(outcomes, ["name", "mobile", "email", "pan"]);
    let purposes: Vec<&Value> = catalogue[6..10].iter().map(|e| &e["purpose"]).collect();
    assert_eq!(
        purposes,
        ["account", "marketing", "analytics", "tax_records"]
    );
    assert_eq!(catalogue[10]["outcome"], cat.notice_id);
    assert_eq!(catalogue[11]["outcome"], format!("{}@1", cat.notice_id));

    // +1h: collection, one entry per purpose, granted and denied, with the resulting status.
    let t1 = T0 + Duration::hours(1);
    s.clock.set(t1);
    let (st, a) = s
        .collect(
            &cat,
            alice,
            json!({"account": "granted", "marketing": "denied", "analytics": "granted", "tax_records": "granted"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let art = a["id"].clone();
    assert_eq!(a["audit_log_id"], 12, "{a}");
    let collected = entries_from(&s, 12).await;
    assert_eq!(collected.len(), 4, "{collected:?}");
    for (e, (purpose, status)) in collected.iter().zip([
        ("account", "active"),
        ("marketing", "denied"),
        ("analytics", "active"),
        ("tax_records", "active"),
    ]) {
        assert_consent_entry(
            e,
            "consent.collected",
            purpose,
            Some(status),
            "ok",
            &art,
            json!(1),
            t1,
        );
        assert_eq!(e["initiator"], api);
        assert_eq!(e["source_ip"], "127.0.0.1");
        assert_eq!(e["fiduciary"], fid);
    }
    let pseudonym = collected[0]["principal"].clone();
    let p = pseudonym.as_str().unwrap();
    assert_eq!(p.len(), 32, "a 128-bit pseudonym in hex: {p}");
    assert!(
        p.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert!(collected.iter().all(|e| e["principal"] == pseudonym));

    // +2h: validations, valid and invalid alike; each answer's audit_log_id is its entry.
    let t2 = T0 + Duration::hours(2);
    s.clock.set(t2);
    let mut next = 16u64;
    let cases = [
        (alice, "account", None, true, "active", Some("active")),
        (alice, "marketing", None, false, "denied", Some("denied")),
        (
            alice,
            "account",
            Some(json!(["pan"])),
            false,
            "scope_exceeded",
            Some("active"),
        ),
        (bob, "account", None, false, "not_found", None),
    ];
    for (principal, purpose, data_items, valid, reason, status) in cases {
        let mut body = json!({"principal_id": principal, "purpose": purpose});
        if let Some(d) = data_items {
            body["data_items"] = d;
        }
        let (st, v) = s.post("/v1/consents/validate", body).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["valid"], valid, "{v}");
        assert_eq!(v["reason"], reason, "{v}");
        assert_eq!(v["audit_log_id"], next, "{v}");
        let (st, mut e) = s.get(&format!("/v1/audit/entries/{next}")).await;
        assert_eq!(st, StatusCode::OK, "{e}");
        assert!(e.as_object_mut().unwrap().remove("leaf_hash").is_some());
        let (artefact, version) = match status {
            Some(_) => (art.clone(), json!(1)),
            None => (Value::Null, Value::Null),
        };
        assert_consent_entry(
            &e,
            "consent.validated",
            purpose,
            status,
            reason,
            &artefact,
            version,
            t2,
        );
        assert_eq!(e["index"], next);
        if principal == alice {
            assert_eq!(e["principal"], pseudonym);
        } else {
            assert_ne!(e["principal"], pseudonym, "{e}");
        }
        next += 1;
    }
    // A validation for a purpose never defined is refused, and recorded all the same.
    let (st, v) = s
        .post(
            "/v1/consents/validate",
            json!({"principal_id": alice, "purpose": "no_such_purpose"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let new = entries_from(&s, next).await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["action"], "consent.validated");
    assert_eq!(new[0]["purpose"], "no_such_purpose");
    assert_eq!(new[0]["outcome"], "unknown_purpose");
    assert!(new[0]["artefact"].is_null());
    next += 1;
    // A malformed request changes nothing, so it writes nothing.
    let (st, v) = s
        .post(
            "/v1/consents/validate",
            json!({"principal_id": alice, "purpose": "Not A Code"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(ledger_size(&s).await, next);

    // +3h: update, only the purpose named.
    let t3 = T0 + Duration::hours(3);
    s.clock.set(t3);
    let (st, v) = s
        .post(
            &format!("/v1/consents/{}/update", art.as_str().unwrap()),
            evidence(json!({"decisions": {"marketing": "granted"}})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(v["audit_log_id"], next);
    let new = entries_from(&s, next).await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert_consent_entry(
        &new[0],
        "consent.updated",
        "marketing",
        Some("active"),
        "ok",
        &art,
        json!(2),
        t3,
    );
    next += 1;

    // +4h: renewal of one purpose.
    let t4 = T0 + Duration::hours(4);
    s.clock.set(t4);
    let (st, v) = s
        .post(
            &format!("/v1/consents/{}/renew", art.as_str().unwrap()),
            evidence(json!({"purposes": ["analytics"]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 3);
    assert_eq!(v["audit_log_id"], next);
    let new = entries_from(&s, next).await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert_consent_entry(
        &new[0],
        "consent.renewed",
        "analytics",
        Some("active"),
        "ok",
        &art,
        json!(3),
        t4,
    );
    next += 1;

    // +5h: withdrawal; the same withdrawal repeated (already in effect: nothing written); a
    // withdrawal under a legal exception.
    let t5 = T0 + Duration::hours(5);
    s.clock.set(t5);
    let withdraw = format!("/v1/consents/{}/withdraw", art.as_str().unwrap());
    let (st, v) = s.post(&withdraw, json!({"purposes": ["marketing"]})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 4);
    assert_eq!(v["audit_log_id"], next);
    let (st, again) = s.post(&withdraw, json!({"purposes": ["marketing"]})).await;
    assert_eq!(st, StatusCode::OK, "{again}");
    assert_eq!(again["version"], 4);
    assert_eq!(again["audit_log_id"], next);
    let (st, legal) = s
        .post(&withdraw, json!({"purposes": ["tax_records"]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{legal}");
    assert_eq!(legal["version"], 5);
    assert_eq!(legal["legal_exceptions"], json!(["tax_records"]));
    assert_eq!(legal["audit_log_id"], next + 1);
    let v = s.validate(alice, "tax_records").await;
    assert_eq!(v["reason"], "legal_exception", "{v}");
    assert_eq!(v["audit_log_id"], next + 2);
    let new = entries_from(&s, next).await;
    assert_eq!(new.len(), 3, "{new:?}");
    assert_consent_entry(
        &new[0],
        "consent.withdrawn",
        "marketing",
        Some("withdrawn"),
        "ok",
        &art,
        json!(4),
        t5,
    );
    assert_consent_entry(
        &new[1],
        "consent.withdrawn",
        "tax_records",
        Some("withdrawn"),
        "legal_exception",
        &art,
        json!(5),
        t5,
    );
    assert_consent_entry(
        &new[2],
        "consent.validated",
        "tax_records",
        Some("withdrawn"),
        "legal_exception",
        &art,
        json!(5),
        t5,
    );
    next += 3;

    // Day 100: analytics (renewed at +4h for 90 days) has expired; the job records it as the
    // system, without a source address.
    let t6 = T0 + Duration::days(100);
    s.clock.set(t6);
    assert_eq!(s.run_expiry().await, 1);
    let v = s.validate(alice, "analytics").await;
    assert_eq!(v["reason"], "expired", "{v}");
    let new = entries_from(&s, next).await;
    assert_eq!(new.len(), 2, "{new:?}");
    assert_consent_entry(
        &new[0],
        "consent.expired",
        "analytics",
        Some("expired"),
        "ok",
        &art,
        json!(6),
        t6,
    );
    assert_eq!(new[0]["initiator"], "system");
    assert!(new[0]["source_ip"].is_null());
    assert_consent_entry(
        &new[1],
        "consent.validated",
        "analytics",
        Some("expired"),
        "expired",
        &art,
        json!(6),
        t6,
    );
    next += 2;
    // Every artefact version points at the first entry that records it.
    let (st, c) = s
        .get(&format!("/v1/consents/{}", art.as_str().unwrap()))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    let version_entries: Vec<Value> = c["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["audit_log_id"].clone())
        .collect();
    assert_eq!(
        version_entries,
        [
            json!(12),
            json!(21),
            json!(22),
            json!(23),
            json!(24),
            json!(next - 2)
        ]
    );

    // ---- reading: the whole log, complete and in order, whatever the page size ----
    let all = entries(&s, "").await;
    assert_eq!(
        all.iter().map(idx).collect::<Vec<_>>(),
        (0..next).collect::<Vec<_>>()
    );
    for e in &all {
        assert_shape(e);
        assert_eq!(e["fiduciary"], fid);
    }
    for limit in [1, 2, 5, 7, 27, 1000] {
        assert_eq!(
            entries_paged(&s, &s.key, "", limit).await,
            all,
            "limit {limit}"
        );
    }
    // One entry by index, with its leaf hash.
    for e in &all {
        let (st, one) = s.get(&format!("/v1/audit/entries/{}", idx(e))).await;
        assert_eq!(st, StatusCode::OK, "{one}");
        let mut without_hash = one.clone();
        let leaf = without_hash
            .as_object_mut()
            .unwrap()
            .remove("leaf_hash")
            .unwrap();
        assert_eq!(&without_hash, e);
        let entry: AuditEntry = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(b64hash(&leaf), leaf_hash(&entry.leaf_data()));
    }

    // ---- filters ----
    let by_alice = entries(&s, &format!("principal_id={}", urlenc(alice))).await;
    assert_eq!(by_alice.len(), 4 + 3 + 1 + 1 + 4 + 2, "{by_alice:?}");
    assert!(by_alice.iter().all(|e| e["principal"] == pseudonym));
    let expected: Vec<&Value> = all.iter().filter(|e| e["principal"] == pseudonym).collect();
    assert_eq!(by_alice.iter().collect::<Vec<_>>(), expected);
    let by_bob = entries(&s, &format!("principal_id={}", urlenc(bob))).await;
    assert_eq!(by_bob.len(), 1);
    assert_eq!(by_bob[0]["outcome"], "not_found");
    assert!(entries(&s, "principal_id=nobody").await.is_empty());
    // Paging a filtered list.
    assert_eq!(
        entries_paged(&s, &s.key, &format!("principal_id={}", urlenc(alice)), 4).await,
        by_alice
    );

    let marketing = entries(&s, "purpose=marketing").await;
    let acts: Vec<&str> = marketing
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        acts,
        [
            "purpose.created",
            "consent.collected",
            "consent.validated",
            "consent.updated",
            "consent.withdrawn",
        ]
    );
    assert!(marketing.iter().all(|e| e["purpose"] == "marketing"));

    for (action, n) in [
        ("consent.collected", 4),
        ("consent.validated", 7),
        ("consent.updated", 1),
        ("consent.renewed", 1),
        ("consent.withdrawn", 2),
        ("consent.rejected", 0),
        ("consent.expired", 1),
        ("data_item.created", 4),
        ("notice.published", 1),
        ("pii.unmasked", 0),
    ] {
        let got = entries(&s, &format!("action={action}")).await;
        assert_eq!(got.len(), n, "{action}: {got:?}");
        assert!(got.iter().all(|e| e["action"] == action));
        let want: Vec<&Value> = all.iter().filter(|e| e["action"] == action).collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), want);
    }
    let combined = entries(
        &s,
        &format!(
            "principal_id={}&purpose=analytics&action=consent.validated",
            urlenc(alice)
        ),
    )
    .await;
    assert_eq!(combined.len(), 1, "{combined:?}");
    assert_eq!(combined[0]["outcome"], "expired");

    // Time range: [from, to), each step apart.
    for (from, to, n) in [
        (T0, T0 + Duration::hours(1), 12),
        (t1, t2, 4),
        (t2, t3, 5),
        (t3, t5, 2),
        (t5, t6, 3),
        (t6, t6 + Duration::seconds(1), 2),
        (T0 - Duration::days(1), T0, 0),
    ] {
        let got = entries(&s, &format!("from={}&to={}", rfc3339(from), rfc3339(to))).await;
        assert_eq!(got.len(), n, "[{from}, {to}): {got:?}");
        for e in &got {
            let t = OffsetDateTime::parse(e["timestamp"].as_str().unwrap(), &Rfc3339).unwrap();
            assert!(from <= t && t < to, "{e}");
        }
    }
    assert_eq!(entries(&s, &format!("from={}", rfc3339(t5))).await.len(), 5);
    assert_eq!(entries(&s, &format!("to={}", rfc3339(t2))).await.len(), 16);
    let got = entries(
        &s,
        &format!(
            "from={}&to={}&principal_id={}&action=consent.validated",
            rfc3339(t2),
            rfc3339(t3),
            urlenc(alice)
        ),
    )
    .await;
    assert_eq!(got.len(), 4, "{got:?}");

    // Nothing in any entry is the principal's id in clear.
    let text = serde_json::to_string(&all).unwrap();
    for secret in [alice, bob, "alice", "98765"] {
        assert!(!text.contains(secret), "{secret} appears in the ledger");
    }
}

/// Percent-encodes a query value.
fn urlenc(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `(principal, idx)` rows that `sql` selects.
fn pairs(c: &anumodan_store::db::Connection, sql: &str) -> Vec<(i64, i64)> {
    c.query_all(sql, (), |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
}

/// `(principal, idx)` rows of the principal index, and how far it claims to cover the ledger:
/// the embedded store's index file, or the `audit_principal` table on PostgreSQL.
pub(crate) fn principal_index(dir: &Path) -> (Vec<(i64, i64)>, i64) {
    let read = |c: &anumodan_store::db::Connection, meta: &str| {
        let rows = pairs(c, "SELECT principal, idx FROM audit_principal ORDER BY idx");
        let upto = c
            .query_row(
                &format!(
                    "SELECT COALESCE(MAX(value), 0) FROM {meta} WHERE key = 'principal_indexed_upto'"
                ),
                (),
                |r| r.get(0),
            )
            .unwrap();
        (rows, upto)
    };
    if pg_base().is_some() {
        return with_db(dir, |c| read(c, "ledger_meta"));
    }
    let c = rusqlite::Connection::open_with_flags(
        dir.join(anumodan_store::sqlite::INDEX_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    read(&anumodan_store::db::Connection::Sqlite(c), "meta")
}

/// Waits until the principal index covers the whole ledger (its indexer runs once per
/// checkpoint interval, 50 ms in the tests), checks that it holds exactly the ledger's
/// `(principal, idx)` rows, and returns them with the ledger's size.
pub(crate) async fn wait_principal_index(dir: &Path) -> (Vec<(i64, i64)>, i64) {
    let (expected, size): (Vec<(i64, i64)>, i64) = with_db(dir, |c| {
        let rows = pairs(
            c,
            "SELECT principal, idx FROM audit_log WHERE principal IS NOT NULL ORDER BY idx",
        );
        let size = c
            .query_row("SELECT COUNT(*) FROM audit_log", (), |r| r.get(0))
            .unwrap();
        (rows, size)
    });
    let deadline = Deadline::after(StdDuration::from_secs(10));
    while principal_index(dir).1 < size {
        deadline
            .tick(StdDuration::from_millis(20), || {
                format!("index at {:?} of {size}", principal_index(dir).1)
            })
            .await;
    }
    assert_eq!(principal_index(dir), (expected.clone(), size));
    (expected, size)
}

/// The embedded store indexes ledger entries by principal in a file of its own, off the
/// writer (docs/benchmarks.md, fifth pass). The index holds exactly the ledger's entries that
/// name a principal; a principal's entries are found whether indexed yet or not; a deleted or
/// stale index is rebuilt at the next start. (PostgreSQL keeps the index beside the ledger.)
#[tokio::test]
async fn the_principal_index_is_a_derived_file_that_is_rebuilt_when_lost() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    collect_ok(&s, &cat, "asha", all_granted()).await;
    for _ in 0..3 {
        s.validate("asha", "marketing").await;
        s.validate("ravi", "marketing").await;
    }
    let asha = entries(&s, "principal_id=asha").await;
    let ravi = entries(&s, "principal_id=ravi").await;
    let validated = |v: &[Value]| {
        v.iter()
            .filter(|e| e["action"] == "consent.validated")
            .count()
    };
    assert_eq!(validated(&asha), 3, "{asha:?}");
    assert!(asha.len() > 3, "the collection is there too: {asha:?}");
    assert_eq!(ravi.len(), 3, "{ravi:?}");
    // The indexer catches up within a few checkpoint intervals (50 ms here), on its own thread
    // (and, on PostgreSQL, its own connection): the writer never indexes.
    let (expected, size) = wait_principal_index(&s.dir).await;
    assert_eq!(entries(&s, "principal_id=asha").await, asha);
    if pg_base().is_some() {
        // PostgreSQL keeps the index beside the ledger: there is no file to lose.
        assert!(!s.dir.join(anumodan_store::sqlite::INDEX_FILE).exists());
        return;
    }

    // Lost: stop, delete the file, start again. The answers are the same, and the file is
    // rebuilt to the same rows.
    let key = s.key.clone();
    let (dir, _guard) = s.stop().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(
            dir.join(format!("{}{suffix}", anumodan_store::sqlite::INDEX_FILE)),
        );
    }
    let s = TestServer::open(dir.clone(), key.clone()).await;
    assert_eq!(entries(&s, "principal_id=asha").await, asha);
    assert_eq!(entries(&s, "principal_id=ravi").await, ravi);
    assert_eq!(wait_principal_index(&dir).await, (expected, size));

    // Stale: an index that claims entries the ledger does not hold (the database restored
    // from an older copy) is emptied at start and rebuilt, rather than trusted.
    let (dir, _guard2) = s.stop().await;
    {
        let c = rusqlite::Connection::open(dir.join(anumodan_store::sqlite::INDEX_FILE)).unwrap();
        c.execute(
            "UPDATE meta SET value = value + 100 WHERE key = 'principal_indexed_upto'",
            [],
        )
        .unwrap();
        c.execute(
            "INSERT INTO audit_principal VALUES (999999, ?1)",
            [size + 5],
        )
        .unwrap();
    }
    let s = TestServer::open(dir.clone(), key).await;
    s.validate("ravi", "marketing").await;
    let ravi_now = entries(&s, "principal_id=ravi").await;
    assert_eq!(ravi_now.len(), 4, "{ravi_now:?}");
    let (rows, upto) = wait_principal_index(&dir).await;
    assert_eq!(upto, size + 1);
    assert!(rows.iter().all(|(p, _)| *p != 999_999), "{rows:?}");
    assert_eq!(rows.len(), asha.len() + 4);
    drop(s);
}

#[tokio::test]
async fn the_principal_id_in_clear_is_never_in_the_ledger_nor_its_tables_nor_its_export() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let ids = ["meera.iyer@example.in", "+919876543210"];
    for p in ids {
        let (st, a) = s.collect(&cat, p, all_granted()).await;
        assert_eq!(st, StatusCode::CREATED, "{a}");
        s.validate(p, "marketing").await;
        let (st, v) = s
            .post(
                &format!("/v1/consents/{}/withdraw", a["id"].as_str().unwrap()),
                json!({"purposes": ["marketing"]}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        s.validate(p, "marketing").await;
    }
    s.validate("never-collected-9988", "account").await;
    let all = entries(&s, "").await;
    let text = serde_json::to_string(&all).unwrap();
    for p in ids.iter().chain(&["never-collected-9988"]) {
        assert!(!text.contains(p), "{p} in the API's entries");
    }
    let size = all.len() as u64;
    wait_checkpoint(&s, size).await;
    let (dir, _guard) = s.stop().await;

    // The raw database: every column of every row of the ledger's tables.
    let dumps: Vec<(String, Vec<u8>)> = with_db(&dir, |conn| {
        table_names(conn)
            .into_iter()
            .map(|t| {
                let d = dump_table(conn, &t);
                (t, d)
            })
            .collect()
    });
    let dump = |table: &str| -> Vec<u8> {
        dumps
            .iter()
            .find(|(t, _)| t == table)
            .unwrap_or_else(|| panic!("no table {table}"))
            .1
            .clone()
    };
    let contains =
        |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());
    for table in ["audit_log", "audit_symbols", "checkpoints", "ledger_tiles"] {
        let bytes = dump(table);
        // (Tiles appear only from 256 entries on.)
        assert!(
            !bytes.is_empty() || table == "ledger_tiles",
            "{table} is empty"
        );
        for p in ids.iter().chain(&["never-collected-9988"]) {
            assert!(!contains(&bytes, p), "{p} in table {table}");
        }
    }
    // Nor anywhere else in the database: artefacts hold personal data only encrypted under each
    // principal's data key (the page bytes of the whole file are searched below as well).
    let tables: Vec<String> = dumps.iter().map(|(t, _)| t.clone()).collect();
    assert!(tables.iter().any(|t| t == "principals"));
    for table in &tables {
        let bytes = dump(table);
        for p in ids.iter().chain(&["never-collected-9988"]) {
            assert!(!contains(&bytes, p), "{p} in clear in table {table}");
        }
    }
    // The same search does find other strings of those rows (a purpose code in the artefacts),
    // so the searches above would have found a principal id too.
    assert!(contains(&dump("artefacts"), "marketing"));
    let rows: i64 = with_db(&dir, |conn| {
        conn.query_row("SELECT COUNT(*) FROM audit_log", (), |r| r.get(0))
            .unwrap()
    });
    assert_eq!(rows as u64, size);
    // The raw bytes of the database and its WAL, free pages included (embedded store; on
    // PostgreSQL the files are the database server's, and the tables were searched above).
    let files: &[&str] = if pg_base().is_some() {
        &[]
    } else {
        &["anumodan.db", "anumodan.db-wal"]
    };
    for file in files {
        let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            *file != "anumodan.db" || bytes.len() > 4096,
            "{file} was read"
        );
        for p in ids.iter().chain(&["never-collected-9988"]) {
            assert!(!contains(&bytes, p), "{p} in the bytes of {file}");
        }
    }

    // The export handed to an auditor.
    let out = tempfile::tempdir().unwrap();
    let export = out.path().join("export");
    assert_ok(&audit_export(&dir, &export));
    let jsonl = std::fs::read_to_string(export.join("entries.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count() as u64, size);
    for p in ids.iter().chain(&["never-collected-9988"]) {
        assert!(!jsonl.contains(p), "{p} in the export");
    }
}

#[tokio::test]
async fn a_fiduciary_sees_only_its_own_entries_and_proofs() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let (st, a) = s.collect(&cat, "shared-principal-1", all_granted()).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let va = s.validate("shared-principal-1", "account").await;
    let (fid_b, key_b) = s.create_fiduciary("Second Fiduciary").await;
    let notice_b = seed_minimal(&s, &key_b).await;
    let (st, b) = s
        .send(
            Method::POST,
            "/v1/consents",
            Some(&key_b),
            Some(json!({"principal_id": "shared-principal-1", "notice_id": notice_b, "notice_version": 1,
                        "language": "en", "decisions": {"account": "granted"}, "method": "app"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");

    let mine = entries(&s, "").await;
    let theirs = entries_paged(&s, &key_b, "", 1000).await;
    assert!(mine.iter().all(|e| e["fiduciary"] == s.fiduciary_id));
    assert!(theirs.iter().all(|e| e["fiduciary"] == fid_b));
    let a_idx: BTreeSet<u64> = mine.iter().map(idx).collect();
    let b_idx: BTreeSet<u64> = theirs.iter().map(idx).collect();
    assert!(a_idx.is_disjoint(&b_idx));
    // B's own: registration, key, catalogue (4), collection (1).
    assert_eq!(theirs.len(), 7, "{theirs:?}");
    // Together they are the whole ledger.
    let total = a_idx.len() + b_idx.len();
    assert_eq!(
        a_idx.union(&b_idx).copied().collect::<Vec<_>>(),
        (0..total as u64).collect::<Vec<_>>()
    );
    // The same principal id at two fiduciaries has unrelated pseudonyms.
    let pa = &entries(&s, "principal_id=shared-principal-1").await[0]["principal"];
    let pb =
        &entries_paged(&s, &key_b, "principal_id=shared-principal-1", 10).await[0]["principal"];
    assert!(pa.is_string() && pb.is_string());
    assert_ne!(pa, pb);
    // Filters never reach across tenants.
    for q in [
        "action=consent.validated",
        "purpose=marketing",
        "action=data_item.created",
    ] {
        assert!(
            entries_paged(&s, &key_b, q, 1000)
                .await
                .iter()
                .all(|e| e["fiduciary"] == fid_b),
            "{q}"
        );
    }
    assert!(
        entries_paged(&s, &key_b, "action=consent.validated", 1000)
            .await
            .is_empty()
    );

    // A's entries, by index and by proof, are 404 for B; B's own are 200.
    let last = *a_idx.iter().max().unwrap();
    wait_checkpoint(&s, total as u64).await;
    for i in [
        a["audit_log_id"].as_u64().unwrap(),
        va["audit_log_id"].as_u64().unwrap(),
        0,
        last,
    ] {
        let (st, v) = s
            .send(
                Method::GET,
                &format!("/v1/audit/entries/{i}"),
                Some(&key_b),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "entry {i}: {v}");
        assert_eq!(v["code"], "entry_not_found");
        let (st, v) = s
            .send(
                Method::GET,
                &format!("/v1/audit/proofs/inclusion?index={i}"),
                Some(&key_b),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "proof {i}: {v}");
        assert_eq!(v["code"], "entry_not_found");
        // And A can read them.
        let (st, _) = s.get(&format!("/v1/audit/entries/{i}")).await;
        assert_eq!(st, StatusCode::OK);
    }
    let b_first = *b_idx.iter().next().unwrap();
    let b_collect = b["audit_log_id"].as_u64().unwrap();
    for i in [b_first, b_collect] {
        let (st, v) = s
            .send(
                Method::GET,
                &format!("/v1/audit/entries/{i}"),
                Some(&key_b),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["fiduciary"], fid_b);
        let (st, _) = s.get(&format!("/v1/audit/entries/{i}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = s
            .get(&format!("/v1/audit/proofs/inclusion?index={i}"))
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }
    let (st, v) = s
        .send(
            Method::GET,
            &format!("/v1/audit/proofs/inclusion?index={b_collect}"),
            Some(&key_b),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (_, key) = ledger_key(&s).await;
    check_inclusion(&v, &key);
    // Indices beyond the log are 404 for everyone.
    let (st, _) = s.get(&format!("/v1/audit/entries/{}", total + 5)).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn listing_pages_past_a_full_page_of_the_largest_size() {
    let s = TestServer::start().await;
    s.seed().await;
    // Exactly 1000 validations, from a few connections at once.
    let tasks: Vec<_> = (0..4)
        .map(|t| {
            let (url, key, client) = (s.url.clone(), s.key.clone(), s.client.clone());
            tokio::spawn(async move {
                for i in 0..250 {
                    let r = client
                        .post(format!("{url}/v1/consents/validate"))
                        .bearer_auth(&key)
                        .json(&json!({"principal_id": format!("p-{t}-{i}"), "purpose": "account"}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::OK);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let page = |q: String| {
        let s = &s;
        async move {
            let (st, v) = s.get(&format!("/v1/audit/entries?{q}")).await;
            assert_eq!(st, StatusCode::OK, "{v}");
            v
        }
    };
    // 1000 matches in a page of 1000: one page, no cursor.
    let v = page("action=consent.validated&limit=1000".into()).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1000);
    assert!(v.get("next_cursor").is_none(), "{}", v["next_cursor"]);
    // 1012 entries in all: a full page with a cursor, then the rest.
    let v = page("limit=1000".into()).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1000);
    assert_eq!(v["next_cursor"], "999");
    let all = entries(&s, "").await;
    assert_eq!(
        all.iter().map(idx).collect::<Vec<_>>(),
        (0..1012).collect::<Vec<_>>()
    );
    // One more match: now the filtered listing has a second page too.
    s.validate("p-extra", "account").await;
    let v = page("action=consent.validated&limit=1000".into()).await;
    assert!(v["next_cursor"].is_string(), "{}", v["next_cursor"]);
    assert_eq!(entries(&s, "action=consent.validated").await.len(), 1001);
}

// ---------- 2. proofs ----------

#[tokio::test]
async fn an_artefact_and_a_validation_are_provably_in_the_log() {
    let s = TestServer::start().await;
    let (_, key) = ledger_key(&s).await;
    assert_eq!(key.name(), "anumodan.local/ledger");
    let cat = s.seed().await;
    let (st, a) = s.collect(&cat, "citizen-proof-1", all_granted()).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let a_idx = a["audit_log_id"]
        .as_u64()
        .expect("the artefact carries its audit_log_id");
    let v = s.validate("citizen-proof-1", "analytics").await;
    let v_idx = v["audit_log_id"].as_u64().unwrap();

    // The artefact's entry: proof against the latest checkpoint.
    let p = inclusion(&s, a_idx, None).await;
    assert_eq!(idx(&p), a_idx);
    let (entry, cp1) = check_inclusion(&p, &key);
    assert_eq!(entry.action, "consent.collected");
    assert_eq!(
        entry.artefact.map(|u| u.to_string()),
        a["id"].as_str().map(str::to_string)
    );
    assert_eq!(entry.version, Some(1));
    // The entry in the proof is the entry the log serves.
    let (st, mut served) = s.get(&format!("/v1/audit/entries/{a_idx}")).await;
    assert_eq!(st, StatusCode::OK);
    let leaf = served.as_object_mut().unwrap().remove("leaf_hash").unwrap();
    assert_eq!(served, p["entry"]);
    assert_eq!(leaf, p["leaf_hash"]);

    // The validation's entry.
    let p = inclusion(&s, v_idx, None).await;
    let (entry, _) = check_inclusion(&p, &key);
    assert_eq!(entry.action, "consent.validated");
    assert_eq!(entry.outcome, "active");

    // More entries, a later checkpoint: the old entry is provable against both, and the two
    // checkpoints are consistent.
    for i in 0..5 {
        s.validate(&format!("citizen-proof-{i}"), "marketing").await;
    }
    let size2 = ledger_size(&s).await;
    let cp2_view = wait_checkpoint(&s, size2).await;
    let size2 = cp2_view["size"].as_u64().unwrap();
    assert!(size2 > cp1.size);
    let p_old = inclusion(&s, a_idx, Some(cp1.size)).await;
    assert_eq!(p_old["tree_size"], cp1.size);
    let (_, c) = check_inclusion(&p_old, &key);
    assert_eq!(c, cp1);
    let p_new = inclusion(&s, a_idx, Some(size2)).await;
    let (_, cp2) = check_inclusion(&p_new, &key);
    assert_eq!(cp2.size, size2);
    assert_ne!(cp1.root, cp2.root);
    // A proof for a tree size that is not checkpointed, or that does not cover the entry, is 404.
    for q in [
        format!("index={a_idx}&tree_size={}", size2 + 1000),
        format!("index={}&tree_size={}", size2 + 5, size2),
    ] {
        let (st, v) = s.get(&format!("/v1/audit/proofs/inclusion?{q}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{q}: {v}");
    }

    let (st, c) = s
        .get(&format!(
            "/v1/audit/proofs/consistency?from={}&to={size2}",
            cp1.size
        ))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["from"], cp1.size);
    assert_eq!(c["to"], size2);
    let old = open_checkpoint(&key, c["from_checkpoint"].as_str().unwrap()).unwrap();
    let new = open_checkpoint(&key, c["to_checkpoint"].as_str().unwrap()).unwrap();
    assert_eq!((old.size, new.size), (cp1.size, size2));
    let proof = hashes(&c["proof"]);
    verify_consistency(old.size, new.size, &proof, &old.root, &new.root)
        .expect("consistency proof verifies");
    // It would not verify for a different old root (a rewritten history).
    let mut wrong = old.root;
    wrong[0] ^= 1;
    assert!(verify_consistency(old.size, new.size, &proof, &wrong, &new.root).is_err());
    // `to` defaults to the latest checkpoint.
    let (st, c) = s
        .get(&format!("/v1/audit/proofs/consistency?from={}", cp1.size))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    let latest = open_checkpoint(&key, c["to_checkpoint"].as_str().unwrap()).unwrap();
    verify_consistency(
        cp1.size,
        latest.size,
        &hashes(&c["proof"]),
        &cp1.root,
        &latest.root,
    )
    .unwrap();

    // Every pair of published checkpoints is consistent.
    let cps: Vec<Checkpoint> = all_checkpoints(&s)
        .await
        .iter()
        .map(|c| open_checkpoint(&key, c["note"].as_str().unwrap()).unwrap())
        .collect();
    assert!(cps.len() >= 2);
    for w in cps.windows(2) {
        let (st, c) = s
            .get(&format!(
                "/v1/audit/proofs/consistency?from={}&to={}",
                w[0].size, w[1].size
            ))
            .await;
        assert_eq!(st, StatusCode::OK, "{c}");
        verify_consistency(
            w[0].size,
            w[1].size,
            &hashes(&c["proof"]),
            &w[0].root,
            &w[1].root,
        )
        .unwrap_or_else(|e| panic!("{} -> {}: {e}", w[0].size, w[1].size));
    }
    // Sizes that are not checkpoints, or in the wrong order, are 404.
    for q in [
        format!("from={}&to={}", size2, cp1.size),
        format!("from={}&to={size2}", size2 + 1000),
        "from=0".to_string(),
    ] {
        let (st, v) = s.get(&format!("/v1/audit/proofs/consistency?{q}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{q}: {v}");
    }

    // The CLI gives the same proofs from the stopped server's files.
    let last = cps.last().unwrap().clone();
    let (dir, _guard) = s.stop().await;
    let o = anumodan(&[
        "audit",
        "inclusion",
        "--data-dir",
        ps(&dir),
        "--index",
        &a_idx.to_string(),
    ]);
    assert_ok(&o);
    let p: Value = serde_json::from_slice(&o.stdout).unwrap();
    let cp = open_checkpoint(&key, p["checkpoint"].as_str().unwrap()).unwrap();
    assert!(cp.size >= last.size);
    verify_inclusion(
        &b64hash(&p["leaf_hash"]),
        a_idx,
        cp.size,
        &hashes(&p["proof"]),
        &cp.root,
    )
    .unwrap();
    assert_eq!(b64hash(&p["leaf_hash"]), leaf_hash(&entry_leaf(&p_old)));
    let o = anumodan(&[
        "audit",
        "consistency",
        "--data-dir",
        ps(&dir),
        "--from",
        &cp1.size.to_string(),
    ]);
    assert_ok(&o);
    let c: Value = serde_json::from_slice(&o.stdout).unwrap();
    let to = open_checkpoint(&key, c["to_checkpoint"].as_str().unwrap()).unwrap();
    verify_consistency(cp1.size, to.size, &hashes(&c["proof"]), &cp1.root, &to.root).unwrap();
}

/// The canonical bytes of the entry in an inclusion proof answer.
fn entry_leaf(p: &Value) -> Vec<u8> {
    serde_json::from_value::<AuditEntry>(p["entry"].clone())
        .unwrap()
        .leaf_data()
}

// ---------- 3. verification by the CLI, and tampering ----------

#[tokio::test]
async fn cli_verifies_the_ledger_and_its_export_offline() {
    let st = stopped_ledger().await;
    let o = audit_verify(&st.dir);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("ledger: OK"), "{out}");
    assert!(
        out.contains(&format!("entries verified:      {}", st.size())),
        "{out}"
    );
    assert!(
        out.contains(&format!("checkpoints verified:  {}", st.checkpoints.len())),
        "{out}"
    );
    assert!(out.contains("entries after it:      0"), "{out}");

    let export = st.work.path().join("export");
    let o = audit_export(&st.dir, &export);
    assert_ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!(
            "exported {} entries and {} checkpoints",
            st.size(),
            st.checkpoints.len()
        )),
        "{}",
        out_text(&o)
    );
    // The export's layout: the log as JSON lines, the checkpoints, the key.
    assert_eq!(
        std::fs::read_to_string(export.join("public-key.txt")).unwrap(),
        format!("{}\n", st.key_line)
    );
    let lines: Vec<Value> = std::fs::read_to_string(export.join("entries.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, st.size());
    for (line, e) in lines.iter().zip(&st.entries) {
        let data: Value = serde_json::from_str(line["data"].as_str().unwrap()).unwrap();
        assert_eq!(&data, e, "the export holds the entries the API serves");
        assert_eq!(line["index"], e["index"]);
        assert_eq!(
            b64hash(&line["hash"]),
            leaf_hash(line["data"].as_str().unwrap().as_bytes())
        );
    }
    let mut files: Vec<String> = std::fs::read_dir(export.join("checkpoints"))
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort_by_key(|f| f.trim_end_matches(".txt").parse::<u64>().unwrap());
    assert_eq!(
        files,
        st.checkpoints
            .iter()
            .map(|c| format!("{c}.txt"))
            .collect::<Vec<_>>()
    );
    // Exporting into a non-empty directory is refused.
    let o = audit_export(&st.dir, &export);
    assert_ne!(o.status.code(), Some(0), "{}", out_text(&o));

    // Verified offline with only the key (from a trusted channel, here the well-known URL).
    let o = verify_export(&export, &st.key_line);
    assert_ok(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("export: OK"), "{out}");
    assert!(
        out.contains(&format!("entries verified:      {}", st.size())),
        "{out}"
    );
    // The key may also be given as a file.
    let key_file = st.work.path().join("trusted.key");
    std::fs::write(&key_file, format!("{}\n", st.key_line)).unwrap();
    assert_ok(&verify_export(&export, ps(&key_file)));

    // Another key, even under the same name, verifies nothing.
    let other = NoteSigner::generate("anumodan.local/ledger")
        .unwrap()
        .verifier_key();
    assert_caught(
        &verify_export(&export, &other),
        "not validly signed by the log key",
    );
    let other_name = NoteSigner::generate("someone.else/ledger")
        .unwrap()
        .verifier_key();
    assert_caught(
        &verify_export(&export, &other_name),
        "not validly signed by the log key",
    );
    assert_caught(
        &anumodan(&[
            "audit",
            "verify",
            "--data-dir",
            ps(&st.dir),
            "--public-key",
            &other,
        ]),
        "not validly signed by the log key",
    );

    // ---- tampered exports, each a fresh copy ----
    let tampered = |name: &str, f: &dyn Fn(&mut Vec<Value>)| -> PathBuf {
        let d = st.work.path().join(name);
        copy_dir(&export, &d);
        let mut lines = lines.clone();
        f(&mut lines);
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(d.join("entries.jsonl"), text).unwrap();
        d
    };
    let k = st.find("consent.validated", "withdrawn");
    let ku = k as usize;
    let set_outcome = |line: &mut Value, outcome: &str, rehash: bool| {
        let mut e: AuditEntry = serde_json::from_str(line["data"].as_str().unwrap()).unwrap();
        e.outcome = outcome.to_string();
        let data = String::from_utf8(e.leaf_data()).unwrap();
        if rehash {
            line["hash"] = json!(hash_to_base64(&leaf_hash(data.as_bytes())));
        }
        line["data"] = json!(data);
    };
    let cases: [(&str, &ExportEdit<'_>, String); 5] = [
        // An edited line: a refused validation made to look valid.
        (
            "edit",
            &|l| set_outcome(&mut l[ku], "active", false),
            bad_hash(k),
        ),
        // The same edit with its hash recomputed: the first checkpoint covering it fails.
        (
            "edit-rehash",
            &|l| set_outcome(&mut l[ku], "active", true),
            bad_root(st.checkpoint_covering(k)),
        ),
        // A deleted line.
        (
            "delete",
            &|l| {
                l.remove(ku);
            },
            format!("entry {k} is missing: found entry {} in its place", k + 1),
        ),
        // Two lines swapped.
        (
            "swap",
            &|l| l.swap(ku, ku + 2),
            format!("entry {k} is missing: found entry {} in its place", k + 2),
        ),
        // A line repeated.
        (
            "repeat",
            &|l| {
                let copy = l[ku].clone();
                l.insert(ku + 1, copy);
            },
            format!("entry {k} appears more than once or out of order"),
        ),
    ];
    for (name, f, expected) in cases {
        assert_caught(&verify_export(&tampered(name, f), &st.key_line), &expected);
    }
    // A checkpoint note altered (its root).
    let d = st.work.path().join("checkpoint");
    copy_dir(&export, &d);
    let cp = st.checkpoint_covering(k);
    let path = d.join("checkpoints").join(format!("{cp}.txt"));
    let note = std::fs::read_to_string(&path).unwrap();
    let mut lines_of: Vec<String> = note.split('\n').map(str::to_string).collect();
    lines_of[2] = hash_to_base64(&[7u8; 32]);
    std::fs::write(&path, lines_of.join("\n")).unwrap();
    assert_caught(
        &verify_export(&d, &st.key_line),
        &format!("(claimed size Some({cp})) is not validly signed"),
    );
}

#[tokio::test]
async fn a_changed_field_is_caught_at_its_entry() {
    let st = stopped_ledger().await;
    let k = st.find("consent.validated", "withdrawn");
    let set_outcome_active = |conn: &Connection| {
        conn.execute(
            "UPDATE audit_log SET outcome = (SELECT id FROM audit_symbols WHERE value = 'active')
             WHERE idx = ?1",
            [k as i64],
        )
        .unwrap()
    };

    // The timestamp of entry k, one millisecond later.
    let d = st.tampered("ts", |conn| {
        conn.execute(
            "UPDATE audit_log SET ts = ts + 1 WHERE idx = ?1",
            [k as i64],
        )
        .unwrap();
    });
    assert_caught(&audit_verify(&d), &bad_hash(k));
    // An export of the tampered database fails at the same entry.
    let export = st.work.path().join("ts-export");
    assert_ok(&audit_export(&d, &export));
    assert_caught(&verify_export(&export, &st.key_line), &bad_hash(k));

    // The outcome of a refused validation pointed at the symbol `active`.
    let d = st.tampered("outcome", |conn| assert_eq!(set_outcome_active(conn), 1));
    assert_caught(&audit_verify(&d), &bad_hash(k));

    // The same with the entry's stored hash recomputed: the entry checks out on its own, the
    // first signed checkpoint covering it does not.
    let d = st.tampered("outcome-rehash", |conn| {
        set_outcome_active(conn);
        rehash_from(conn, k);
    });
    assert_caught(&audit_verify(&d), &bad_root(st.checkpoint_covering(k)));

    // The stored hash alone.
    let d = st.tampered("hash", |conn| {
        conn.execute(
            "UPDATE audit_log SET hash = ?1 WHERE idx = ?2",
            params![vec![0u8; 32], k as i64],
        )
        .unwrap();
    });
    assert_caught(&audit_verify(&d), &bad_hash(k));

    // A shared string rewritten in the symbol table ('denied' -> 'granted'): caught at the
    // first entry that uses it.
    let mut first = 0i64;
    let d = st.tampered("symbol", |conn| {
        first = conn
            .query_row(
                "SELECT MIN(a.idx) FROM audit_log a, audit_symbols s WHERE s.value = 'denied'
                   AND s.id IN (a.fiduciary, a.principal, a.purpose, a.action, a.status, a.outcome,
                                a.initiator, a.artefact)",
                (),
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            "UPDATE audit_symbols SET value = 'granted' WHERE value = 'denied'",
            (),
        )
        .unwrap();
    });
    assert_eq!(
        first as u64,
        idx(st
            .entries
            .iter()
            .find(|e| e["status"] == "denied" || e["outcome"] == "denied")
            .unwrap())
    );
    assert_caught(&audit_verify(&d), &bad_hash(first as u64));

    // A symbol removed (the action `consent.validated`, a column no entry may lack): the first
    // entry using it can no longer be rebuilt.
    let mut first = 0i64;
    let d = st.tampered("symbol-gone", |conn| {
        let sym: i64 = conn
            .query_row(
                "SELECT id FROM audit_symbols WHERE value = 'consent.validated'",
                (),
                |r| r.get(0),
            )
            .unwrap();
        first = conn
            .query_row(
                "SELECT MIN(idx) FROM audit_log WHERE ?1 IN (fiduciary, principal, purpose, action,
                   status, outcome, initiator, artefact)",
                [sym],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute("DELETE FROM audit_symbols WHERE id = ?1", [sym])
            .unwrap();
    });
    assert_eq!(first as u64, st.find("consent.validated", "active"));
    assert_caught(
        &audit_verify(&d),
        &format!("ledger entry {first} cannot be rebuilt from its row"),
    );
}

/// Issue 17, item 9: the ledger commits to each artefact version it records, so an artefact row
/// edited or deleted in the database is caught by `audit verify`, naming the version and the
/// entry that recorded it.
#[tokio::test]
async fn an_edited_or_deleted_artefact_version_is_caught() {
    let st = stopped_ledger().await;
    // citizen-0's artefact: version 1 collected (four entries), version 2 withdrew analytics.
    let recorded = |action: &str| {
        st.entries
            .iter()
            .find(|e| e["action"] == action && e["artefact"].is_string())
            .unwrap_or_else(|| panic!("no {action} entry"))
            .clone()
    };
    let collected = recorded("consent.collected");
    let id = collected["artefact"].as_str().unwrap().to_string();
    let k = idx(&collected);
    assert_eq!(collected["version"], 1);
    let digest = collected["artefact_sha256"].as_str().unwrap_or_default();
    assert_eq!(digest.len(), 64, "{collected}");
    // Every entry of one version commits to the same digest; validations commit to none.
    for e in &st.entries {
        if e["artefact"] == id.as_str() && e["version"] == 1 && e["action"] == "consent.collected" {
            assert_eq!(e["artefact_sha256"], digest, "{e}");
        }
        if e["action"] == "consent.validated" {
            assert!(e.get("artefact_sha256").is_none(), "{e}");
        }
    }
    let withdrawn = st
        .entries
        .iter()
        .find(|e| e["action"] == "consent.withdrawn" && e["artefact"] == id.as_str())
        .unwrap();
    assert_eq!(withdrawn["version"], 2);
    assert_ne!(withdrawn["artefact_sha256"], digest);
    let w = idx(withdrawn);

    // The untouched store verifies, and says how many artefact versions it checked.
    let o = audit_verify(&st.dir);
    assert_ok(&o);
    assert!(
        out_text(&o).contains("artefact versions verified: 8"),
        "{}",
        out_text(&o)
    );

    let altered = |k: u64, v: u32| {
        format!(
            "artefact {id} version {v} does not match the SHA-256 that ledger entry {k} recorded"
        )
    };
    // One byte of the stored body changed (the middle character), nothing else.
    let d = st.tampered("artefact-byte", |conn| {
        let n = conn
            .execute(
                "UPDATE artefacts SET body = substr(body, 1, 40) || '#' || substr(body, 42)
                 WHERE uuid = ?1 AND version = 1",
                [&id],
            )
            .unwrap();
        assert_eq!(n, 1);
    });
    assert_caught(&audit_verify(&d), &altered(k, 1));

    // A forgery that means something: the denied purpose made granted, in the collected version.
    let d = st.tampered("artefact-forged", |conn| {
        let n = conn
            .execute(
                "UPDATE artefacts SET body = replace(body, '\"denied\"', '\"granted\"')
                 WHERE uuid = ?1 AND version = 1",
                [&id],
            )
            .unwrap();
        assert_eq!(n, 1);
    });
    assert_caught(&audit_verify(&d), &altered(k, 1));

    // The withdrawal's version deleted.
    let d = st.tampered("artefact-deleted", |conn| {
        let n = conn
            .execute(
                "DELETE FROM artefacts WHERE uuid = ?1 AND version = 2",
                [&id],
            )
            .unwrap();
        assert_eq!(n, 1);
    });
    assert_caught(
        &audit_verify(&d),
        &format!("artefact {id} version 2, recorded by ledger entry {w}, is missing"),
    );
}

#[tokio::test]
async fn a_deleted_entry_is_caught_at_its_index() {
    let st = stopped_ledger().await;
    let k = st.find("consent.validated", "withdrawn");
    let delete = |conn: &Connection, i: u64| {
        conn.execute("DELETE FROM audit_log WHERE idx = ?1", [i as i64])
            .unwrap()
    };

    // In the middle: the next entry comes in its place.
    let d = st.tampered("middle", |conn| assert_eq!(delete(conn, k), 1));
    assert_caught(
        &audit_verify(&d),
        &format!("entry {k} is missing: found entry {} in its place", k + 1),
    );

    // Earlier in the log, the later entries renumbered down and rehashed to close the gap:
    // every entry checks out on its own; the first checkpoint covering the deleted entry does
    // not. (Entry k2 is covered by a checkpoint before the last one; for an entry covered only
    // by the last checkpoint, the shorter log is caught as above.)
    let k2 = st.find("consent.validated", "denied");
    let cp = st.checkpoint_covering(k2);
    assert!(cp < st.size(), "{:?}", st.checkpoints);
    let d = st.tampered("middle-renumbered", |conn| {
        delete(conn, k2);
        conn.execute(
            "UPDATE audit_log SET idx = idx - 1 WHERE idx > ?1",
            [k2 as i64],
        )
        .unwrap();
        rehash_from(conn, k2);
    });
    assert_caught(&audit_verify(&d), &bad_root(cp));

    // The last entry (covered by the last checkpoint): the log is shorter than signed.
    let n = st.size();
    let d = st.tampered("last", |conn| {
        delete(conn, n - 1);
    });
    assert_caught(
        &audit_verify(&d),
        &format!(
            "checkpoint of size {n} covers more entries than the log holds ({})",
            n - 1
        ),
    );
}

#[tokio::test]
async fn an_inserted_entry_is_caught() {
    let st = stopped_ledger().await;
    let k = st.find("consent.validated", "withdrawn");
    // A valid validation to replay at position k.
    let j = st.find("consent.validated", "active");
    assert!(j < k);
    // Makes room at k by moving every entry from k on one place up (two steps, because idx is
    // the primary key), then inserts a copy of entry j's row there.
    let insert_copy = |conn: &Connection| {
        conn.execute_batch(&format!(
            "UPDATE audit_log SET idx = -idx - 1 WHERE idx >= {k};
             UPDATE audit_log SET idx = -idx WHERE idx < 0;
             INSERT INTO audit_log (idx, ts, fiduciary, principal, purpose, action, status, outcome,
                                    initiator, source_ip, artefact, version, hash)
               SELECT {k}, ts, fiduciary, principal, purpose, action, status, outcome, initiator,
                      source_ip, artefact, version, hash FROM audit_log WHERE idx = {j};"
        ))
        .unwrap();
    };

    // A copy of entry j inserted as is at k: its hash was made for position j.
    let d = st.tampered("copy", insert_copy);
    assert_caught(&audit_verify(&d), &bad_hash(k));

    // The forgery done carefully: the inserted entry's hash recomputed for position k, and every
    // later (renumbered) entry's too. Each entry checks out; the first signed checkpoint that
    // covers position k does not.
    let d = st.tampered("forged", |conn| {
        insert_copy(conn);
        rehash_from(conn, k);
    });
    assert_caught(&audit_verify(&d), &bad_root(st.checkpoint_covering(k)));

    // Only the inserted entry rehashed, the later ones left with their hashes: the first
    // renumbered entry (the old entry k, now at k + 1) fails its hash.
    let d = st.tampered("forged-one", |conn| {
        insert_copy(conn);
        let entry: AuditEntry = {
            let mut found = None;
            anumodan_store::read::for_each_entry(conn, |i, e, _| {
                if i == k {
                    found = Some(e.unwrap());
                }
                i < k
            })
            .unwrap();
            found.unwrap()
        };
        conn.execute(
            "UPDATE audit_log SET hash = ?1 WHERE idx = ?2",
            params![&leaf_hash(&entry.leaf_data())[..], k as i64],
        )
        .unwrap();
    });
    // (Unless a checkpoint ends right after the forged entry: that checkpoint, which covers
    // it, is checked first and fails. Which sizes get checkpoints depends on batching.)
    let expected = if st.checkpoint_covering(k) == k + 1 {
        bad_root(k + 1)
    } else {
        bad_hash(k + 1)
    };
    assert_caught(&audit_verify(&d), &expected);

    // An entry appended after the last checkpoint with a correct hash is not covered by any
    // signature: verification cannot call it forged, but reports it as not yet signed, so an
    // auditor holding the last checkpoint sees the log grew without it.
    let n = st.size();
    let d = st.tampered("appended", |conn| {
        conn.execute_batch(&format!(
            "INSERT INTO audit_log (idx, ts, fiduciary, principal, purpose, action, status, outcome,
                                    initiator, source_ip, artefact, version, hash)
               SELECT {n}, ts, fiduciary, principal, purpose, action, status, outcome, initiator,
                      source_ip, artefact, version, hash FROM audit_log WHERE idx = {j};"
        ))
        .unwrap();
        rehash_from(conn, n);
    });
    let o = audit_verify(&d);
    assert_ok(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("latest checkpoint:     {n}")),
        "{out}"
    );
    assert!(out.contains("entries after it:      1"), "{out}");
}

#[tokio::test]
async fn swapped_entries_are_caught_at_the_first_of_them() {
    let st = stopped_ledger().await;
    // A denied collection and a later valid validation.
    let i = idx(st
        .entries
        .iter()
        .find(|e| e["action"] == "consent.collected" && e["status"] == "denied")
        .unwrap());
    let j = st.find("consent.validated", "active");
    let j = if j > i {
        j
    } else {
        st.find("consent.validated", "withdrawn")
    };
    assert!(i < j);
    let swap = |conn: &Connection| {
        conn.execute_batch(&format!(
            "UPDATE audit_log SET idx = -1 WHERE idx = {i};
             UPDATE audit_log SET idx = {i} WHERE idx = {j};
             UPDATE audit_log SET idx = {j} WHERE idx = -1;"
        ))
        .unwrap();
    };

    // The two rows' contents (with their hashes) exchanged, positions kept.
    let d = st.tampered("swap", swap);
    assert_caught(&audit_verify(&d), &bad_hash(i));

    // Swapped and both rehashed for their new positions.
    let d = st.tampered("swap-rehash", |conn| {
        swap(conn);
        rehash_from(conn, i);
    });
    assert_caught(&audit_verify(&d), &bad_root(st.checkpoint_covering(i)));
}

#[tokio::test]
async fn a_rewritten_checkpoint_is_caught() {
    let st = stopped_ledger().await;
    let cp = st.checkpoint_covering(st.find("consent.validated", "withdrawn"));
    // A checkpoint note rewritten in the database: its signature fails.
    let d = st.tampered("checkpoint", |conn| {
        let note: String = conn
            .query_row(
                "SELECT note FROM checkpoints WHERE size = ?1",
                [cp as i64],
                |r| r.get(0),
            )
            .unwrap();
        let forged = note.replacen(&format!("\n{cp}\n"), &format!("\n{}\n", cp - 1), 1);
        assert_ne!(forged, note);
        conn.execute(
            "UPDATE checkpoints SET note = ?1 WHERE size = ?2",
            params![forged, cp as i64],
        )
        .unwrap();
    });
    assert_caught(
        &audit_verify(&d),
        &format!("(claimed size Some({})) is not validly signed", cp - 1),
    );
}

// ---------- 4. checkpoints ----------

#[tokio::test]
async fn signed_checkpoints_in_c2sp_form_keep_coming_while_entries_arrive() {
    let s = TestServer::start().await;
    let (key_line, key) = ledger_key(&s).await;
    let cat = s.seed().await;
    let (st, _) = s.collect(&cat, "stream-1", all_granted()).await;
    assert_eq!(st, StatusCode::CREATED);
    let first = wait_checkpoint(&s, 1).await;
    let first_size = first["size"].as_u64().unwrap();

    // A steady stream of validations for a while; checkpoints appear during it, not only
    // once it stops.
    let writer = {
        let (url, key, client) = (s.url.clone(), s.key.clone(), s.client.clone());
        tokio::spawn(async move {
            // At least 1.2 s and 30 validations (at most 10 s, on a very busy machine).
            let start = Instant::now();
            let mut n = 0u64;
            while (start.elapsed() < StdDuration::from_millis(1200) || n < 30)
                && start.elapsed() < WAIT
            {
                let r = client
                    .post(format!("{url}/v1/consents/validate"))
                    .bearer_auth(&key)
                    .json(&json!({"principal_id": "stream-1", "purpose": "account"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK);
                n += 1;
            }
            n
        })
    };
    let mut seen: BTreeSet<u64> = BTreeSet::new();
    while !writer.is_finished() {
        if let Some(c) = all_checkpoints(&s).await.last() {
            seen.insert(c["size"].as_u64().unwrap());
        }
        tokio::time::sleep(StdDuration::from_millis(30)).await;
    }
    let validations = writer.await.unwrap();
    assert!(validations >= 30, "only {validations} validations");
    let during: Vec<u64> = seen.iter().copied().filter(|&n| n > first_size).collect();
    assert!(
        during.len() >= 3,
        "new checkpoints seen while entries arrived: {during:?}"
    );
    let size = ledger_size(&s).await;
    wait_checkpoint(&s, size).await;

    // All of them: sizes increasing, each a signed C2SP note.
    let cps = all_checkpoints(&s).await;
    let sizes = checkpoint_sizes(&cps);
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    assert_eq!(*sizes.last().unwrap(), size);
    let (name, key_id) = {
        let mut parts = key_line.splitn(3, '+');
        (
            parts.next().unwrap().to_string(),
            u32::from_str_radix(parts.next().unwrap(), 16).unwrap(),
        )
    };
    assert_eq!(name, "anumodan.local/ledger");
    let mut last_ts = 0u64;
    for c in &cps {
        let note = c["note"].as_str().unwrap();
        let lines: Vec<&str> = note.split('\n').collect();
        // origin, size, root, timestamp extension, blank line, one signature, final newline.
        assert_eq!(lines.len(), 7, "{note:?}");
        assert_eq!(lines[0], name, "origin line is the key name");
        assert_eq!(lines[1], c["size"].as_u64().unwrap().to_string());
        assert!(!lines[1].starts_with('0'));
        let root = hash_from_base64(lines[2]).expect("base64 SHA-256 root");
        let ts: u64 = lines[3]
            .strip_prefix("timestamp ")
            .unwrap_or_else(|| panic!("timestamp line: {note:?}"))
            .parse()
            .unwrap();
        assert!(ts >= last_ts, "timestamps never go back");
        last_ts = ts;
        // The manual clock: the test's T0.
        assert_eq!(ts, T0.unix_timestamp() as u64);
        assert_eq!(lines[4], "");
        let sig = lines[5]
            .strip_prefix(&format!("\u{2014} {name} "))
            .unwrap_or_else(|| panic!("signature line: {:?}", lines[5]));
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sig)
            .unwrap();
        assert_eq!(raw.len(), 4 + 64, "key id and Ed25519 signature");
        assert_eq!(u32::from_be_bytes(raw[..4].try_into().unwrap()), key_id);
        assert_eq!(lines[6], "", "the note ends with a newline");
        // It opens with the published key, to the same values.
        let cp = open_checkpoint(&key, note).unwrap();
        assert_eq!(cp.size, c["size"].as_u64().unwrap());
        assert_eq!(cp.root, root);
        assert_eq!(cp.timestamp(), Some(ts));
        assert_eq!(cp.to_text(), lines[..4].join("\n") + "\n");
        assert!(c["created_at"].is_string());
    }
    // The latest note is also at the well-known URL, verbatim.
    let res = s
        .client
        .get(format!("{}/.well-known/anumodan/checkpoint", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.text().await.unwrap(),
        cps.last().unwrap()["note"].as_str().unwrap()
    );
    // Pagination of the list by size.
    let (st, v) = s
        .get(&format!("/v1/audit/checkpoints?after={}&limit=2", sizes[0]))
        .await;
    assert_eq!(st, StatusCode::OK);
    let got: Vec<u64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .collect();
    assert_eq!(got, sizes[1..3.min(sizes.len())].to_vec());

    // Idle: no entries, no new checkpoints.
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    assert_eq!(all_checkpoints(&s).await.len(), cps.len());
    // A later checkpoint carries the later time.
    s.advance_days(1);
    s.validate("stream-1", "account").await;
    let c = wait_checkpoint(&s, size + 1).await;
    let cp = open_checkpoint(&key, c["note"].as_str().unwrap()).unwrap();
    assert_eq!(cp.timestamp(), Some(T0.unix_timestamp() as u64 + 86_400));
}
