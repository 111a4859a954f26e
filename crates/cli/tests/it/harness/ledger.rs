//! The ledger, one set of helpers for every area: its size and entries (from the store, or
//! through `/v1/audit/...` following the pages), one entry with its leaf hash, the published
//! key and checkpoints, inclusion proofs checked as an auditor would, the principal index, and
//! `anumodan audit verify` / `export` / `verify-export`.

use super::cli::{anumodan, out_text, ps};
use super::clients::FiduciaryClient;
use super::db::with_db;
use super::pg::pg_base;
use super::server::TestServer;
use super::wait::Deadline;
use anumodan_core::audit::AuditEntry;
use anumodan_ledger::checkpoint::{Checkpoint, open_checkpoint};
use anumodan_ledger::merkle::{Hash, hash_from_base64, leaf_hash, verify_inclusion};
use anumodan_ledger::note::NoteVerifier;
use anumodan_store::AuditFilter;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use std::time::Duration;
use uuid::Uuid;

/// Bound of every wait on the ledger (checkpoints are written every 50 ms by the test server).
pub const LEDGER_WAIT: Duration = Duration::from_secs(10);

// ---------- from the store ----------

/// Number of entries in the whole ledger (every fiduciary), read from the store.
pub async fn ledger_size(s: &TestServer) -> u64 {
    s.state().store.read(|r| r.ledger_size()).await.unwrap()
}

/// The entries of `fiduciary` (the nil id: the platform's own) with this action, read from
/// the store.
pub async fn store_entries(s: &TestServer, fiduciary: Uuid, action: &str) -> Vec<AuditEntry> {
    let filter = AuditFilter {
        fiduciary: Some(fiduciary),
        action: Some(action.to_string()),
        limit: 10_000,
        ..AuditFilter::default()
    };
    s.state()
        .store
        .read(move |r| r.audit_entries(&filter))
        .await
        .unwrap()
}

/// Every ledger entry of a (stopped) data directory, straight from the database.
pub fn db_entries(dir: &Path) -> Vec<AuditEntry> {
    with_db(dir, |conn| {
        let mut out = Vec::new();
        anumodan_store::read::for_each_entry(conn, |_, e, _| {
            out.push(e.unwrap());
            true
        })
        .unwrap();
        out
    })
}

// ---------- reading entries ----------

pub fn idx(e: &Value) -> u64 {
    e["index"]
        .as_u64()
        .unwrap_or_else(|| panic!("no index in {e}"))
}

pub fn b64hash(v: &Value) -> Hash {
    hash_from_base64(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
        .unwrap_or_else(|| panic!("not a base64 SHA-256 hash: {v}"))
}

pub fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(b64hash)
        .collect()
}

/// The tree sizes of a list of checkpoints as `/v1/audit/checkpoints` returns them.
pub fn checkpoint_sizes(checkpoints: &[Value]) -> Vec<u64> {
    checkpoints
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .collect()
}

/// One page of `/v1/audit/entries`: the path asked and the answer.
struct Page {
    path: String,
    answer: Value,
}

impl Page {
    fn items(&self) -> &Vec<Value> {
        self.answer["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", self.answer))
    }
}

impl FiduciaryClient {
    /// Every page of the entries matching `query` (`limit` entries a page), following the
    /// cursors.
    async fn entry_pages(&self, query: &str, limit: usize) -> Vec<Page> {
        let mut pages: Vec<Page> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen = 0;
        loop {
            let mut path = format!("/v1/audit/entries?limit={limit}");
            if !query.is_empty() {
                path.push('&');
                path.push_str(query);
            }
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let (st, v) = self.get(&path).await;
            assert_eq!(st, StatusCode::OK, "{path}: {v}");
            cursor = v
                .get("next_cursor")
                .and_then(Value::as_str)
                .map(str::to_string);
            let page = Page { path, answer: v };
            seen += page.items().len();
            pages.push(page);
            if cursor.is_none() {
                return pages;
            }
            assert!(seen < 100_000, "runaway pagination");
        }
    }

    /// Every entry this key sees matching `query`, following the pages of `limit` entries.
    /// Checks that a page with a cursor is full and that indices strictly increase across pages
    /// (oldest first, no entry twice).
    pub async fn entries_paged(&self, query: &str, limit: usize) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        for page in self.entry_pages(query, limit).await {
            let (path, items) = (&page.path, page.items());
            assert!(items.len() <= limit, "{path}: page larger than the limit");
            out.extend(items.iter().cloned());
            if let Some(c) = page.answer.get("next_cursor").and_then(Value::as_str) {
                assert_eq!(items.len(), limit, "{path}: a page with a cursor is full");
                assert_eq!(c, idx(items.last().unwrap()).to_string());
            }
        }
        let indices: Vec<u64> = out.iter().map(idx).collect();
        assert!(
            indices.windows(2).all(|w| w[0] < w[1]),
            "{query}: entries not strictly increasing: {indices:?}"
        );
        out
    }

    /// Every entry this key sees matching `query` (checked as by
    /// [`FiduciaryClient::entries_paged`]).
    pub async fn entries(&self, query: &str) -> Vec<Value> {
        self.entries_paged(query, 1000).await
    }

    /// The entries from index `from` on (through the cursor).
    pub async fn entries_from(&self, from: u64) -> Vec<Value> {
        if from == 0 {
            self.entries("").await
        } else {
            self.entries(&format!("cursor={}", from - 1)).await
        }
    }

    /// Every entry this key sees with the given action, following the pages.
    pub async fn audit_entries(&self, action: &str) -> Vec<Value> {
        let pages = self.entry_pages(&format!("action={action}"), 1000).await;
        pages.iter().flat_map(|p| p.items().clone()).collect()
    }

    /// One entry by index, as served (with its `leaf_hash`).
    pub async fn entry(&self, index: u64) -> (StatusCode, Value) {
        self.get(&format!("/v1/audit/entries/{index}")).await
    }

    /// One entry by index, expecting `200`: the entry without its leaf hash, and the leaf hash.
    pub async fn entry_and_leaf(&self, index: u64) -> (Value, Value) {
        let (st, mut e) = self.entry(index).await;
        assert_eq!(st, StatusCode::OK, "{e}");
        let leaf = e
            .as_object_mut()
            .unwrap()
            .remove("leaf_hash")
            .unwrap_or_else(|| panic!("no leaf_hash in entry {index}"));
        (e, leaf)
    }

    // ---------- checkpoints and proofs ----------

    /// Every signed checkpoint (up to 1000), smallest first.
    pub async fn checkpoints(&self) -> Vec<Value> {
        let (st, v) = self.get("/v1/audit/checkpoints?limit=1000").await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v.as_array().unwrap().clone()
    }

    /// The first checkpoint whose size is at least `size`, waiting for it.
    pub async fn wait_checkpoint(&self, size: u64) -> Value {
        assert!(size > 0);
        let deadline = Deadline::after(LEDGER_WAIT);
        loop {
            let (st, v) = self
                .get(&format!("/v1/audit/checkpoints?after={}&limit=1", size - 1))
                .await;
            assert_eq!(st, StatusCode::OK, "{v}");
            if let Some(cp) = v.as_array().unwrap().first() {
                return cp.clone();
            }
            deadline
                .tick(Duration::from_millis(20), || {
                    format!("no checkpoint of size >= {size} within {LEDGER_WAIT:?}")
                })
                .await;
        }
    }

    /// The inclusion proof of entry `index` (against `tree_size`, or the latest checkpoint),
    /// waiting until a checkpoint covers it.
    pub async fn inclusion(&self, index: u64, tree_size: Option<u64>) -> Value {
        let mut path = format!("/v1/audit/proofs/inclusion?index={index}");
        if let Some(n) = tree_size {
            path.push_str(&format!("&tree_size={n}"));
        }
        let deadline = Deadline::after(LEDGER_WAIT);
        loop {
            let (st, v) = self.get(&path).await;
            if st == StatusCode::OK {
                return v;
            }
            assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
            assert_eq!(v["code"], "checkpoint_not_found", "{v}");
            deadline
                .tick(Duration::from_millis(20), || {
                    format!("{path}: no checkpoint covers it within {LEDGER_WAIT:?}")
                })
                .await;
        }
    }
}

/// The ledger key published at the well-known URL: the key line and the parsed verifier.
pub async fn ledger_key(s: &TestServer) -> (String, NoteVerifier) {
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

/// Checks an inclusion proof answer the way an auditor would, from the answer and the key only:
/// the checkpoint is signed by the ledger key, the leaf hash is the hash of the entry's canonical
/// JSON, and the audit path leads from it to the checkpoint's root. Returns the entry and the
/// checkpoint.
pub fn check_inclusion(v: &Value, key: &NoteVerifier) -> (AuditEntry, Checkpoint) {
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

// ---------- the principal index ----------

/// The `(principal, idx)` rows that `sql` selects.
fn pairs(c: &anumodan_store::db::Connection, sql: &str) -> Vec<(i64, i64)> {
    c.query_all(sql, (), |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
}

/// `(principal, idx)` rows of the principal index, and how far it claims to cover the ledger:
/// the embedded store's index file, or the `audit_principal` table on PostgreSQL.
pub fn principal_index(dir: &Path) -> (Vec<(i64, i64)>, i64) {
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
        dir.join(anumodan_store::INDEX_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    read(&anumodan_store::db::Connection::Sqlite(c), "meta")
}

/// Waits until the principal index covers the whole ledger (its indexer runs once per
/// checkpoint interval, 50 ms in the tests), checks that it holds exactly the ledger's
/// `(principal, idx)` rows, and returns them with the ledger's size.
pub async fn wait_principal_index(dir: &Path) -> (Vec<(i64, i64)>, i64) {
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
    let deadline = Deadline::after(LEDGER_WAIT);
    while principal_index(dir).1 < size {
        deadline
            .tick(Duration::from_millis(20), || {
                format!("index at {:?} of {size}", principal_index(dir).1)
            })
            .await;
    }
    assert_eq!(principal_index(dir), (expected.clone(), size));
    (expected, size)
}

// ---------- the command line ----------

/// `anumodan audit verify --data-dir DIR`.
pub fn audit_verify(dir: &Path) -> Output {
    anumodan(&["audit", "verify", "--data-dir", ps(dir)])
}

/// `anumodan audit export --data-dir DIR --out OUT`.
pub fn audit_export(dir: &Path, out: &Path) -> Output {
    anumodan(&["audit", "export", "--data-dir", ps(dir), "--out", ps(out)])
}

/// `anumodan audit verify-export DIR --public-key KEY`.
pub fn verify_export(dir: &Path, key_line: &str) -> Output {
    anumodan(&["audit", "verify-export", ps(dir), "--public-key", key_line])
}

/// Asserts that a verification failed (exit 2) with `expected` in its message.
pub fn assert_caught(o: &Output, expected: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", out_text(o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("verification FAILED"), "{}", out_text(o));
    assert!(
        err.contains(expected),
        "expected {expected:?} in the error: {}",
        out_text(o)
    );
}
