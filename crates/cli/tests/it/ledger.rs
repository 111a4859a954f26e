//! The tamper-evident audit ledger (issue 3) end to end: every action is one entry committed with
//! its change, entries never carry a principal's id in clear, inclusion and consistency proofs
//! verify against Ed25519-signed C2SP checkpoints, and `anumodan audit verify` /
//! `audit verify-export` catch each kind of tampering with the database or the export, naming
//! the first bad entry (or checkpoint).
//!
//! - `entries`: every action is one entry with every field, and `reading` reads them back
//!   (whole, by page, by index, filtered); `pages`: a full page, and tenants; `privacy`: no
//!   principal id in clear, the principal index; `proofs` and `checkpoints`; `export` and
//!   `tamper`: the command line on a stopped ledger (made here).

use crate::harness::*;
use anumodan_ledger::merkle::leaf_hash;
use anumodan_store::db::{Connection, params};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

mod checkpoints;
mod entries;
mod export;
mod pages;
mod privacy;
mod proofs;
mod reading;
mod tamper;

// ---------- the shape of an entry ----------

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

// ---------- a stopped ledger, for the command line ----------

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
    s.wait_checkpoint(ledger_size(&s).await).await;
    for i in 0..4 {
        let p = format!("citizen-{i}");
        s.collect_ok(
            &cat,
            &p,
            decisions("granted", "denied", "granted", "granted"),
        )
        .await;
        s.validate(&p, "account").await;
        s.validate(&p, "marketing").await;
    }
    s.wait_checkpoint(ledger_size(&s).await).await;
    for i in 0..4 {
        let p = format!("citizen-{i}");
        let id = s
            .entries(&format!("principal_id={p}&action=consent.collected"))
            .await[0]["artefact"]
            .as_str()
            .unwrap()
            .to_string();
        let (st, v) = s
            .act(&id, "withdraw", json!({"purposes": ["analytics"]}))
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(s.validate(&p, "analytics").await["reason"], "withdrawn");
    }
    let all = s.entries("").await;
    let n = all.len() as u64;
    assert_eq!(idx(all.last().unwrap()), n - 1);
    s.wait_checkpoint(n).await;
    let checkpoints = checkpoint_sizes(&s.checkpoints().await);
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
