//! The store and its writer, on either backend. (The file keeps its first backend's name.)
//!
//! **Embedded**: one SQLite database in WAL mode; the syncer fsyncs the WAL (below).
//! **PostgreSQL**: the same writer, whose batch transaction first locks the shared ledger head
//! (see [`crate::pg`]); a commit is durable when PostgreSQL answers it, so there is no syncer.
//!
//! **Group commit.** Every write (a use case, with its audit entries) is a job sent to one
//! writer thread. The writer takes all jobs waiting, runs each under its own savepoint inside
//! one transaction and commits once. The commit is written to the WAL but not yet synced: the
//! batch's answers go to a syncer thread, which fsyncs the WAL file for every group of batches
//! that reached it and only then answers their callers. So a 2xx is always durable, concurrent
//! requests share each fsync, and the writer never waits for the disk: while one group is being
//! synced, the next batch is already executing. Because jobs run one
//! after another on the writer, the ledger order is the order in which state changed: a
//! validation entry always reflects every change recorded before it.
//!
//! Reads that need no ledger entry (GET routes, proofs) use a small pool of read-only
//! connections and see the latest committed state.

use crate::db::{Connection, DbError, OptionalExtension, params};
use crate::keys::Keys;
use crate::schema::MIGRATIONS;
use crate::vault::Vault;
use anumodan_core::audit::{AuditEntry, AuditRecord};
use anumodan_core::clock::{Clock, truncate_ms};
use anumodan_core::idempotency::{Idempotency, Remembered};
use anumodan_core::model::*;
use anumodan_core::ports::{IndexedConsent, StoreError, StoreResult, Tx};
use anumodan_core::usecases;
use anumodan_ledger::checkpoint::{Checkpoint, sign_checkpoint};
use anumodan_ledger::merkle::{self, Frontier, Hash, NodeSource};
use rusqlite::OpenFlags;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use uuid::Uuid;

/// How the store is opened.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub data_dir: PathBuf,
    /// A new signed checkpoint is written at most this often while entries arrive.
    pub checkpoint_interval: Duration,
    /// Read-only connections in the pool.
    pub readers: usize,
    /// The ledger's name: the origin line of its checkpoints and the signer's key name.
    pub log_name: String,
    /// The ledger's signing key (a C2SP signed-note private key file) when it is not kept in the
    /// data directory; its name must be `log_name`.
    pub signing_key_file: Option<PathBuf>,
    /// The master key that wraps principals' data keys (32 raw bytes) when it is not kept in
    /// the data directory.
    pub master_key_file: Option<PathBuf>,
    /// Most jobs committed together.
    pub max_batch: usize,
    /// A PostgreSQL URL: the store is then that database (shared with other nodes) instead
    /// of the embedded one; the data directory keeps only the keys.
    pub database_url: Option<String>,
}

impl StoreConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        StoreConfig {
            data_dir: data_dir.into(),
            checkpoint_interval: Duration::from_secs(1),
            readers: 4,
            log_name: "anumodan.local/ledger".into(),
            signing_key_file: None,
            master_key_file: None,
            max_batch: 512,
            database_url: None,
        }
    }
}

pub(crate) fn db_err(e: impl Into<DbError>) -> StoreError {
    StoreError(e.into().to_string())
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError(format!("stored JSON: {e}"))
}

pub(crate) fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(crate) fn from_ms(v: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(v) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The page cache of a read-write connection (`cache_size`: a negative value counts KiB).
const WRITER_CACHE_SIZE: i64 = -64 * 1024;

fn open_conn(path: &Path, read_only: bool) -> StoreResult<rusqlite::Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(db_err)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(db_err)?;
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
        // NORMAL: SQLite does not fsync the WAL at each commit; the syncer thread does it for
        // whole groups of commits and only then answers their callers (see `Syncer`).
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_err)?;
        // WAL checkpoints run on their own thread (see `run_wal_checkpointer`), never inside a
        // commit on the writer.
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(db_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(db_err)?;
        // Savepoint sub-journals in memory: every job runs under a savepoint.
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(db_err)?;
        // Deleted content (an erased principal's wrapped data key) is overwritten, not left in
        // free space.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(db_err)?;
        // A 64 MiB page cache (SQLite's default is 2 MiB), allocated only as pages are read.
        // The writer's hot set (the consent index and the ledger's tail pages) then stays in
        // memory: with the default, the benchmark's validations each cost 0.65 `pread`
        // calls for evicted pages; with this, 0.08 (docs/benchmarks.md, fourth pass).
        conn.pragma_update(None, "cache_size", WRITER_CACHE_SIZE)
            .map_err(db_err)?;
    }
    Ok(conn)
}

/// Bytes the embedded store uses on disk: the database file's pages in use (pages minus free
/// pages) plus those of the principal index ([`INDEX_FILE`]), after checkpointing each WAL
/// into its file: the figure the benchmark reports per audited validation. The index is first
/// brought up to the whole ledger, so that the figure does not depend on when the indexer last
/// ran (call it with every write answered: it indexes every committed entry).
pub fn used_bytes(db: &Path) -> StoreResult<u64> {
    let pages = |conn: &rusqlite::Connection| -> StoreResult<u64> {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(db_err)?;
        let q = |p: &str| -> StoreResult<i64> {
            conn.query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                .map_err(db_err)
        };
        let used = q("page_count")? - q("freelist_count")?;
        Ok((used.max(0) * q("page_size")?) as u64)
    };
    let conn = rusqlite::Connection::open(db).map_err(db_err)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(db_err)?;
    let mut total = pages(&conn)?;
    if let Some(dir) = db.parent() {
        let size: i64 = conn
            .query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_log", [], |r| {
                r.get(0)
            })
            .map_err(db_err)?;
        let index = open_principal_index(&dir.join(INDEX_FILE), db, u64::MAX)?;
        while index_principal_chunk(&index, size as u64).map_err(db_err)? {}
        index
            .execute_batch("DETACH DATABASE ledger")
            .map_err(db_err)?;
        total += pages(&index)?;
    }
    Ok(total)
}

/// Applies the embedded migrations that have not run yet. Returns how many ran.
pub fn migrate(conn: &mut rusqlite::Connection) -> StoreResult<usize> {
    let done: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(db_err)?;
    let mut ran = 0;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done as usize) {
        let tx = conn.transaction().map_err(db_err)?;
        tx.execute_batch(sql).map_err(db_err)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(db_err)?;
        tx.commit().map_err(db_err)?;
        ran += 1;
    }
    Ok(ran)
}

type Reply = Box<dyn FnOnce(Option<StoreError>) + Send>;
/// A committed batch on its way to the syncer: the ledger size after it and its answers.
type Group = (u64, Vec<Reply>);
type Job = Box<dyn FnOnce(&mut WriteTx<'_>) -> (bool, Reply) + Send>;

/// The store, on the embedded database or on PostgreSQL. Cheap to clone; the writer thread
/// stops when the last clone is dropped.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    jobs: Mutex<Option<Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    wal: Mutex<Option<(Sender<()>, JoinHandle<()>)>>,
    /// The principal indexer (see [`run_principal_indexer`] and `pg::run_principal_indexer`).
    indexer: Mutex<Option<(Sender<()>, JoinHandle<()>)>>,
    readers: Mutex<Vec<Connection>>,
    reader_slots: tokio::sync::Semaphore,
    keys: Arc<Keys>,
    data_dir: PathBuf,
    /// The PostgreSQL URL (readers reconnect with it), or none on the embedded database.
    pg_url: Option<String>,
    /// This node's name for job leases (random per process).
    node_id: String,
    /// Held for the life of an embedded store: one writer process per data directory.
    _lock: Option<std::fs::File>,
    /// Master key rotations, one at a time (each then re-wraps, and counts, every data key).
    rotation: tokio::sync::Mutex<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(mut j) = self.jobs.lock() {
            j.take();
        }
        if let Some(h) = self.writer.lock().ok().and_then(|mut w| w.take()) {
            let _ = h.join();
        }
        if let Some((stop, h)) = self.indexer.lock().ok().and_then(|mut w| w.take()) {
            drop(stop);
            let _ = h.join();
        }
        if let Some((stop, h)) = self.wal.lock().ok().and_then(|mut w| w.take()) {
            drop(stop);
            let _ = h.join();
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database (the embedded one in `cfg.data_dir`, or
    /// PostgreSQL at `cfg.database_url`), runs migrations, loads or creates the keys, and
    /// starts the writer thread.
    pub fn open(cfg: &StoreConfig, clock: Arc<dyn Clock>) -> StoreResult<Store> {
        crate::perms::private_dir(&cfg.data_dir)
            .map_err(|e| StoreError(format!("data dir {}: {e}", cfg.data_dir.display())))?;
        let keys = Keys::load_or_create(
            &cfg.data_dir,
            &cfg.log_name,
            cfg.signing_key_file.as_deref(),
            cfg.master_key_file.as_deref(),
        )
        .map_err(|e| StoreError(format!("keys: {e}")))?;
        Self::open_with_keys(cfg, clock, keys)
    }

    pub fn open_with_keys(
        cfg: &StoreConfig,
        clock: Arc<dyn Clock>,
        keys: Keys,
    ) -> StoreResult<Store> {
        if let Some(url) = &cfg.database_url {
            return crate::db::off_runtime(|| Self::open_postgres(cfg, url, clock, keys));
        }
        let lock_path = cfg.data_dir.join("anumodan.lock");
        let lock = crate::perms::private_file(&lock_path)
            .and_then(|()| std::fs::OpenOptions::new().write(true).open(&lock_path))
            .map_err(|e| StoreError(format!("{}: {e}", lock_path.display())))?;
        lock.try_lock().map_err(|_| {
            StoreError(format!(
                "the data directory {} is in use by another Anumodan process (stop it first)",
                cfg.data_dir.display()
            ))
        })?;
        let db_path = cfg.data_dir.join("anumodan.db");
        // Owner-only, whatever the umask (SQLite gives its journal files the database's mode).
        let private = |base: &str| {
            crate::perms::private_db(&cfg.data_dir, base)
                .map_err(|e| StoreError(format!("{}: {e}", cfg.data_dir.join(base).display())))
        };
        private("anumodan.db")?;
        private(INDEX_FILE)?;
        let mut raw = open_conn(&db_path, false)?;
        migrate(&mut raw)?;
        let conn = Connection::Sqlite(raw);
        let keys = Arc::new(keys);
        let frontier = load_frontier(&conn)?;
        let (last_cp_size, last_ts): (i64, i64) = conn
            .query_row(
                "SELECT COALESCE((SELECT MAX(size) FROM checkpoints), 0),
                        COALESCE((SELECT MAX(ts) FROM audit_log), 0)",
                (),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(db_err)?;
        let index_path = cfg.data_dir.join(INDEX_FILE);
        let index_conn = open_principal_index(&index_path, &db_path, frontier.size())?;
        let mut readers = Vec::new();
        for _ in 0..cfg.readers.max(1) {
            let r = open_conn(&db_path, true)?;
            r.execute("ATTACH DATABASE ?1 AS pidx", [index_path.to_string_lossy()])
                .map_err(db_err)?;
            readers.push(Connection::Sqlite(r));
        }
        let durable = Arc::new(AtomicU64::new(frontier.size()));
        let indexed_durable = durable.clone();
        let mut recent_roots = VecDeque::new();
        // What is in the database at start is on disk.
        recent_roots.push_back((frontier.size(), frontier.root()));
        let (tx, rx) = mpsc::channel::<Job>();
        let mut writer = Writer {
            conn,
            frontier,
            symbols: HashMap::new(),
            fids: HashMap::new(),
            reconsents: HashMap::new(),
            keys: keys.clone(),
            clock,
            last_ts,
            last_cp_size: last_cp_size as u64,
            last_cp_at: Instant::now(),
            interval: cfg.checkpoint_interval,
            max_batch: cfg.max_batch.max(1),
            backend: Backend::Sqlite {
                durable: durable.clone(),
                recent_roots,
            },
        };
        // Entries written before a crash may not be covered by a checkpoint yet: cover them now.
        writer.idle_checkpoint(true);
        let wal_path = cfg.data_dir.join("anumodan.db-wal");
        let handle = std::thread::Builder::new()
            .name("anumodan-writer".into())
            .spawn(move || {
                let (sync_tx, sync_rx) = mpsc::channel::<Group>();
                let syncer = std::thread::Builder::new()
                    .name("anumodan-syncer".into())
                    .spawn(move || run_syncer(&wal_path, sync_rx, &durable));
                match syncer {
                    Ok(syncer) => {
                        writer.run(rx, Some(&sync_tx));
                        drop(sync_tx);
                        let _ = syncer.join();
                    }
                    Err(e) => tracing::error!(error = %e, "cannot start the syncer thread"),
                }
            })
            .map_err(|e| StoreError(format!("writer thread: {e}")))?;
        let wal_conn = open_conn(&db_path, false)?;
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let wal_thread = std::thread::Builder::new()
            .name("anumodan-wal".into())
            .spawn(move || run_wal_checkpointer(wal_conn, stop_rx))
            .map_err(|e| StoreError(format!("WAL thread: {e}")))?;
        let (index_stop, index_rx) = mpsc::channel::<()>();
        let interval = cfg.checkpoint_interval;
        let index_thread = std::thread::Builder::new()
            .name("anumodan-index".into())
            .spawn(move || run_principal_indexer(index_conn, &indexed_durable, interval, index_rx))
            .map_err(|e| StoreError(format!("index thread: {e}")))?;
        Ok(Store {
            inner: Arc::new(Inner {
                jobs: Mutex::new(Some(tx)),
                writer: Mutex::new(Some(handle)),
                wal: Mutex::new(Some((stop_tx, wal_thread))),
                indexer: Mutex::new(Some((index_stop, index_thread))),
                reader_slots: tokio::sync::Semaphore::new(readers.len()),
                readers: Mutex::new(readers),
                keys,
                data_dir: cfg.data_dir.clone(),
                pg_url: None,
                node_id: Uuid::new_v4().to_string(),
                _lock: Some(lock),
                rotation: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The PostgreSQL backend: any number of nodes on one database (see [`crate::pg`]). A
    /// commit is durable when PostgreSQL answers it, so there is no syncer.
    fn open_postgres(
        cfg: &StoreConfig,
        url: &str,
        clock: Arc<dyn Clock>,
        keys: Keys,
    ) -> StoreResult<Store> {
        let conn = crate::pg::connect(url)?;
        crate::pg::migrate(&conn)?;
        crate::pg::check_fingerprint(&conn, &keys.fingerprint())?;
        let keys = Arc::new(keys);
        let mut readers = Vec::new();
        for _ in 0..cfg.readers.max(1) {
            readers.push(crate::pg::connect(url)?);
        }
        let (tx, rx) = mpsc::channel::<Job>();
        let mut writer = Writer {
            conn,
            frontier: Frontier::new(),
            symbols: HashMap::new(),
            fids: HashMap::new(),
            reconsents: HashMap::new(),
            keys: keys.clone(),
            clock,
            last_ts: 0,
            last_cp_size: 0,
            last_cp_at: Instant::now(),
            interval: cfg.checkpoint_interval,
            max_batch: cfg.max_batch.max(1),
            backend: Backend::Postgres {
                url: url.to_string(),
                checkpoint_at: 0,
                down_since: None,
            },
        };
        writer.idle_checkpoint(true);
        let handle = std::thread::Builder::new()
            .name("anumodan-writer".into())
            .spawn(move || writer.run(rx, None))
            .map_err(|e| StoreError(format!("writer thread: {e}")))?;
        let (index_stop, index_rx) = mpsc::channel::<()>();
        let (index_url, interval) = (url.to_string(), cfg.checkpoint_interval);
        let index_thread = std::thread::Builder::new()
            .name("anumodan-index".into())
            .spawn(move || crate::pg::run_principal_indexer(&index_url, interval, index_rx))
            .map_err(|e| StoreError(format!("index thread: {e}")))?;
        Ok(Store {
            inner: Arc::new(Inner {
                jobs: Mutex::new(Some(tx)),
                writer: Mutex::new(Some(handle)),
                wal: Mutex::new(None),
                indexer: Mutex::new(Some((index_stop, index_thread))),
                reader_slots: tokio::sync::Semaphore::new(readers.len()),
                readers: Mutex::new(readers),
                keys,
                data_dir: cfg.data_dir.clone(),
                pg_url: Some(url.to_string()),
                node_id: Uuid::new_v4().to_string(),
                _lock: None,
                rotation: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// Whether this store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.inner.pg_url.is_some()
    }

    /// Takes (or renews) the lease on background job `name` for `ttl`: only the holder runs
    /// the job, so it runs on one node at a time; a node that dies loses the lease when it
    /// runs out. On the embedded store there is one process, which always holds it. (On
    /// PostgreSQL the pool's connections are ordinary ones: the lease is one autocommit
    /// statement on one of them, outside the writer's batches.)
    pub async fn take_lease(&self, name: &'static str, ttl: Duration) -> StoreResult<bool> {
        if !self.is_postgres() {
            return Ok(true);
        }
        let holder = self.inner.node_id.clone();
        let ttl_ms = ttl.as_millis() as i64;
        self.read_conn(move |c| crate::pg::take_lease(c, name, &holder, ttl_ms).map_err(db_err))
            .await
    }

    pub fn keys(&self) -> &Keys {
        &self.inner.keys
    }

    /// The embedded database file (meaningful only when not on PostgreSQL).
    pub fn db_path(&self) -> PathBuf {
        self.inner.data_dir.join("anumodan.db")
    }

    /// Outbox messages not yet sent, oldest first, opened.
    /// Unsent messages due for a try at `now`, oldest first.
    pub async fn outbox_pending(
        &self,
        limit: usize,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<crate::principal::OutboxMessage>> {
        let keys = self.inner.keys.clone();
        self.read_conn(move |c| crate::principal::pending(c, &keys, limit, now))
            .await
    }

    /// One outbox message, opened.
    pub async fn outbox_message(
        &self,
        id: i64,
    ) -> StoreResult<Option<crate::principal::OutboxMessage>> {
        let keys = self.inner.keys.clone();
        self.read_conn(move |c| crate::principal::message(c, &keys, id))
            .await
    }

    /// Adds a new master key, makes it current (new data keys are wrapped by it at once) and
    /// returns its id. Existing data keys move to it with [`Store::rewrap_data_keys`].
    /// Rotates the master key and records it: the new key becomes current inside a write
    /// transaction that appends `master_key_current <id>` (a crash between the switch and the
    /// commit is caught at the next start, see `admin::record_current_master_key`); then every
    /// data key is re-wrapped under it and `master_key_rotation_completed <id> rewrapped=<n>` is
    /// appended. Rotations run one at a time. `Ok(Err(reason))` when the key is configured.
    pub async fn rotate_master_key_recorded(
        &self,
        initiator: String,
        source_ip: Option<String>,
    ) -> StoreResult<Result<(String, u64), String>> {
        let _one = self.inner.rotation.lock().await;
        let kdir = self.inner.data_dir.join("keys");
        let (who, ip) = (initiator.clone(), source_ip.clone());
        let id = self
            .write_raw(move |tx| {
                let id = match tx.keys().masters.write() {
                    Ok(mut m) => m.add_new(&kdir),
                    Err(_) => return Err(StoreError("master key lock poisoned".into())),
                };
                let id = match id {
                    Ok(id) => id,
                    Err(e) => return Ok(Err(e.to_string())),
                };
                crate::admin::record_master_key(tx, &format!("master_key_current {id}"), &who, ip)?;
                Ok(Ok(id))
            })
            .await?;
        let id = match id {
            Ok(id) => id,
            Err(reason) => return Ok(Err(reason)),
        };
        let rewrapped = self.rewrap_data_keys().await?;
        let outcome = format!("master_key_rotation_completed {id} rewrapped={rewrapped}");
        self.write_raw(move |tx| {
            crate::admin::record_master_key(tx, &outcome, &initiator, source_ip)
        })
        .await?;
        Ok(Ok((id, rewrapped)))
    }

    /// Makes a new master key current without recording it (tests of the recovery path only:
    /// the service and the command line use [`Store::rotate_master_key_recorded`]).
    pub fn rotate_master_key(&self) -> StoreResult<String> {
        let kdir = self.inner.data_dir.join("keys");
        self.inner
            .keys
            .masters
            .write()
            .map_err(|_| StoreError("master key lock poisoned".into()))?
            .add_new(&kdir)
            .map_err(|e| StoreError(format!("master key: {e}")))
    }

    /// Re-wraps every data key not yet under the current master key, in small transactions
    /// that share the writer with live traffic. Returns how many were re-wrapped.
    pub async fn rewrap_data_keys(&self) -> StoreResult<u64> {
        let mut total = 0u64;
        loop {
            let n = self
                .write_raw(|tx| crate::vault::rewrap_batch(tx.conn(), tx.keys(), 256))
                .await?;
            if n == 0 {
                // And the staff TOTP seeds sealed directly under the master key.
                self.write_raw(|tx| crate::vault::reseal_totp_seeds(tx.conn(), tx.keys()))
                    .await?;
                return Ok(total);
            }
            total += n as u64;
        }
    }

    /// The current master key's id and how many data keys each master key wraps.
    pub async fn master_key_status(
        &self,
    ) -> StoreResult<(String, std::collections::BTreeMap<String, u64>)> {
        let current = self
            .inner
            .keys
            .masters
            .read()
            .map_err(|_| StoreError("master key lock poisoned".into()))?
            .current_id()
            .to_string();
        let counts = self.read(|r| r.data_keys_by_master()).await?;
        Ok((current, counts))
    }

    /// Runs `f` on the writer inside the next group commit and returns its result once the
    /// commit is durable. A domain error is committed too (a refused request may have recorded
    /// its attempt); a storage error rolls back this job only.
    pub async fn write<T, F>(&self, f: F) -> usecases::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> usecases::Result<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |stx: &mut WriteTx<'_>| {
            let result = f(stx);
            let commit = !matches!(result, Err(usecases::Error::Store(_)));
            let reply: Reply = Box::new(move |failed: Option<StoreError>| {
                let _ = tx.send(match failed {
                    Some(e) => Err(usecases::Error::Store(e)),
                    None => result,
                });
            });
            (commit, reply)
        });
        self.submit(job)?;
        rx.await
            .map_err(|_| usecases::Error::Store(StoreError("writer stopped".into())))?
    }

    /// Like [`Store::write`] for store-level operations that are not domain use cases
    /// (fiduciary and API key administration).
    pub async fn write_raw<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteTx<'_>) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |stx: &mut WriteTx<'_>| {
            let result = f(stx);
            let commit = result.is_ok();
            let reply: Reply = Box::new(move |failed: Option<StoreError>| {
                let _ = tx.send(match failed {
                    Some(e) => Err(e),
                    None => result,
                });
            });
            (commit, reply)
        });
        self.submit(job).map_err(|e| match e {
            usecases::Error::Store(s) => s,
            usecases::Error::Domain(d) => StoreError(d.message),
        })?;
        rx.await.map_err(|_| StoreError("writer stopped".into()))?
    }

    fn submit(&self, job: Job) -> usecases::Result<()> {
        let guard = self
            .inner
            .jobs
            .lock()
            .map_err(|_| StoreError("writer lock poisoned".into()))?;
        let sender = guard
            .as_ref()
            .ok_or_else(|| StoreError("store closed".into()))?;
        sender
            .send(job)
            .map_err(|_| StoreError("writer stopped".into()))?;
        Ok(())
    }

    /// Runs `f` on a read-only connection (in a blocking thread).
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&dyn crate::ports::Reads) -> StoreResult<T> + Send + 'static,
    {
        let keys = self.inner.keys.clone();
        self.read_conn(move |c| f(&crate::read::Reader::new(c, &keys)))
            .await
    }
}

impl Store {
    /// Runs `f` on a read-only connection of the pool (in a blocking thread), for store-level
    /// queries that are not part of [`crate::Reads`] (staff accounts and sessions).
    pub async fn read_conn<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let _permit = self
            .inner
            .reader_slots
            .acquire()
            .await
            .map_err(|_| StoreError("store closed".into()))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner
                .readers
                .lock()
                .map_err(|_| StoreError("reader pool poisoned".into()))?
                .pop()
                .ok_or_else(|| StoreError("no reader connection".into()))?;
            if conn.is_closed()
                && let Some(url) = &inner.pg_url
            {
                // PostgreSQL went away and came back (or not yet: then this read fails
                // and the next one tries again).
                match crate::pg::connect(url) {
                    Ok(c) => conn = c,
                    Err(e) => {
                        if let Ok(mut pool) = inner.readers.lock() {
                            pool.push(conn);
                        }
                        return Err(e);
                    }
                }
            }
            let result = f(&conn);
            if let Ok(mut pool) = inner.readers.lock() {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|e| StoreError(format!("reader task: {e}")))?
    }
}

/// Rebuilds the in-memory frontier of the Merkle tree from the stored leaves and tiles.
fn load_frontier(conn: &Connection) -> StoreResult<Frontier> {
    let size: u64 = conn
        .query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_log", (), |r| {
            r.get::<_, i64>(0)
        })
        .map_err(db_err)? as u64;
    let src = crate::read::ConnSource(conn);
    let mut hashes = Vec::new();
    let mut start = 0u64;
    for bit in (0..64).rev() {
        let width = 1u64 << bit;
        if size & width != 0 {
            hashes.push(
                merkle::subtree_hash(&src, start, width)
                    .map_err(|e| StoreError(format!("rebuilding the ledger frontier: {e}")))?,
            );
            start += width;
        }
    }
    Frontier::from_parts(size, hashes).map_err(|e| StoreError(e.to_string()))
}

struct Writer {
    conn: Connection,
    frontier: Frontier,
    /// Interned audit strings: value -> id (cleared whenever a rollback could make it stale).
    symbols: HashMap<String, i64>,
    /// Fiduciary uuid -> row id.
    fids: HashMap<Uuid, i64>,
    /// Notices' re-consent requirements read in the current transaction (cleared at each
    /// begin): a batch of validations reads each once.
    reconsents: HashMap<(Uuid, Uuid), Option<Reconsent>>,
    keys: Arc<Keys>,
    clock: Arc<dyn Clock>,
    last_ts: i64,
    last_cp_size: u64,
    last_cp_at: Instant,
    interval: Duration,
    max_batch: usize,
    backend: Backend,
}

/// What the writer does differently on each database.
enum Backend {
    Sqlite {
        /// Ledger size known to be on disk (updated by the syncer).
        durable: Arc<AtomicU64>,
        /// (size, root) after each recent commit, so checkpoints can cover only synced entries.
        recent_roots: VecDeque<(u64, Hash)>,
    },
    Postgres {
        url: String,
        /// The last checkpoint's time (unix ms) as read from the ledger head.
        checkpoint_at: i64,
        /// Since when the database has been unreachable (for logging once, and backing off).
        down_since: Option<Instant>,
    },
}

/// The embedded store's index of ledger entries by principal, a file of its own next to the
/// database. It is derived data: deleted, it is rebuilt from the ledger at the next start.
pub const INDEX_FILE: &str = "anumodan-index.db";

/// Rows indexed per transaction: a rebuild of a large ledger goes in steps, never as one sort
/// of the whole log.
pub(crate) const INDEX_CHUNK: i64 = 100_000;

/// Opens (creating if needed) the principal index, with the database attached as `ledger`.
/// An index that claims more entries than the ledger holds (a database restored from an older
/// backup beside a newer index) is emptied, to be rebuilt.
fn open_principal_index(
    path: &Path,
    db: &Path,
    ledger_size: u64,
) -> StoreResult<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path).map_err(db_err)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(db_err)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(db_err)?;
    // A lost index transaction is redone from the ledger: no fsync per transaction.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(db_err)?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS audit_principal (
             principal INTEGER NOT NULL,
             idx INTEGER NOT NULL,
             PRIMARY KEY (principal, idx)
         ) WITHOUT ROWID;
         CREATE TABLE IF NOT EXISTS meta (
             key TEXT PRIMARY KEY,
             value INTEGER NOT NULL
         );",
    )
    .map_err(db_err)?;
    let upto = indexed_upto(&conn).map_err(db_err)?;
    if upto > ledger_size as i64 {
        tracing::warn!(
            indexed = upto,
            ledger = ledger_size,
            "the principal index is ahead of the ledger; rebuilding it"
        );
        conn.execute_batch("DELETE FROM audit_principal; DELETE FROM meta;")
            .map_err(db_err)?;
    }
    conn.execute("ATTACH DATABASE ?1 AS ledger", [db.to_string_lossy()])
        .map_err(db_err)?;
    Ok(conn)
}

/// How far the principal index covers the ledger: entries below this position are indexed.
fn indexed_upto(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COALESCE(MAX(value), 0) FROM meta WHERE key = 'principal_indexed_upto'",
        [],
        |r| r.get(0),
    )
}

/// Indexes the ledger's entries by principal, in `anumodan-index.db`, once per `interval`.
///
/// Why a thread and a file of its own: indexing a second of entries (a sort by principal and
/// an insert into random pages of the index) takes 15-25 ms at the benchmark's load. On the
/// writer, inside a group commit, that stalled every request once a second (p99.9 about 25 ms
/// against 8-9 ms without it; docs/benchmarks.md, fifth pass). In the same database file it
/// would hold the write lock just as long. Here it runs beside the writer, and its writes are
/// neither in the writer's WAL nor in the syncer's fsync.
///
/// It only indexes entries known to be on disk (below `durable`, the size the syncer
/// reported): an entry that a crash could still take away must not be indexed, or the entry
/// later written at the same index for another principal would be missed. The readers find
/// entries not indexed yet by scanning the short tail of the ledger from `principal_indexed_upto`.
fn run_principal_indexer(
    conn: rusqlite::Connection,
    durable: &AtomicU64,
    interval: Duration,
    stop: Receiver<()>,
) {
    index_until_stopped(interval, &stop, || {
        Some(index_principal_chunk(&conn, durable.load(Ordering::SeqCst)))
    });
}

/// The loop of both backends' principal indexers: runs `chunk` until it reports that nothing
/// is left to index (`Ok(false)`), fails, or has no connection (`None`), then again after
/// `interval`, until `stop` is signalled or dropped. A failure only delays indexing: readers
/// scan the ledger past `principal_indexed_upto`.
pub(crate) fn index_until_stopped<E: std::fmt::Display>(
    interval: Duration,
    stop: &Receiver<()>,
    mut chunk: impl FnMut() -> Option<Result<bool, E>>,
) {
    loop {
        loop {
            match chunk() {
                Some(Ok(true)) => continue,
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "indexing ledger entries by principal failed; will retry");
                    break;
                }
                Some(Ok(false)) | None => break,
            }
        }
        match stop.recv_timeout(interval) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => return,
        }
    }
}

/// Indexes up to [`INDEX_CHUNK`] entries below `durable` in one transaction; returns whether
/// entries below `durable` remain.
fn index_principal_chunk(conn: &rusqlite::Connection, durable: u64) -> rusqlite::Result<bool> {
    // The index file's write lock first, so that two indexers of one file (the thread and
    // `used_bytes`) take turns instead of failing on a stale read. Not `BEGIN IMMEDIATE`: that
    // takes the write lock of every attached database, the ledger's too, and would stall the
    // writer for as long as this transaction runs.
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('principal_indexed_upto', 0)
         ON CONFLICT (key) DO NOTHING",
        [],
    )?;
    let from = indexed_upto(&tx)?;
    let upto = (durable as i64).min(from.saturating_add(INDEX_CHUNK));
    if upto <= from {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO audit_principal (principal, idx)
         SELECT principal, idx FROM ledger.audit_log
         WHERE principal IS NOT NULL AND idx >= ?1 AND idx < ?2
         ORDER BY principal, idx
         ON CONFLICT DO NOTHING",
    )?
    .execute([from, upto])?;
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('principal_indexed_upto', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([upto])?;
    tx.commit()?;
    Ok(upto < durable as i64)
}

/// Copies committed WAL frames into the database file in the background (PASSIVE: never
/// blocks the writer), and when the WAL has grown past a few MiB waits for a quiet moment to
/// restart it from the beginning, so it neither grows without bound nor stalls a commit.
fn run_wal_checkpointer(conn: rusqlite::Connection, stop: Receiver<()>) {
    const WAL_LIMIT_FRAMES: i64 = 8192;
    loop {
        match stop.recv_timeout(Duration::from_millis(250)) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        let frames: rusqlite::Result<(i64, i64)> =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(1)?, r.get(2)?))
            });
        if let Ok((log, done)) = frames
            && log > WAL_LIMIT_FRAMES
            && done == log
        {
            let _ = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
        }
    }
}

/// Answers callers only once their commits are on disk: fsyncs the WAL file once for all the
/// batches that arrived while the previous fsync ran. The WAL is opened by path for each sync,
/// so a WAL file that SQLite replaced is never missed.
fn run_syncer(wal: &Path, rx: Receiver<Group>, durable: &AtomicU64) {
    while let Ok(first) = rx.recv() {
        let mut groups = vec![first];
        while let Ok(more) = rx.try_recv() {
            groups.push(more);
        }
        let size = groups.iter().map(|(size, _)| *size).max().unwrap_or(0);
        let failed = std::fs::File::open(wal)
            .and_then(|f| f.sync_data())
            .err()
            .map(|e| {
                tracing::error!(error = %e, "fsync of the WAL failed: answering the batch with an error");
                StoreError(format!("fsync: {e}"))
            });
        if failed.is_none() {
            durable.fetch_max(size, Ordering::SeqCst);
        }
        for (_, group) in groups {
            for reply in group {
                reply(failed.clone());
            }
        }
    }
}

impl Writer {
    fn run(mut self, rx: Receiver<Job>, syncer: Option<&Sender<Group>>) {
        loop {
            let first = match rx.recv_timeout(self.interval) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    self.idle_checkpoint(false);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // Stopping: cover every entry before the process ends.
                    self.idle_checkpoint(true);
                    return;
                }
            };
            let mut batch = vec![first];
            while batch.len() < self.max_batch {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            self.run_batch(batch, syncer);
        }
    }

    /// Starts the batch's transaction. On PostgreSQL it locks the shared ledger head and
    /// continues from it (other nodes may have appended since this one last wrote).
    fn begin(&mut self) -> Result<(), DbError> {
        match &mut self.backend {
            Backend::Sqlite { .. } => self.conn.execute_batch("BEGIN IMMEDIATE"),
            Backend::Postgres {
                url,
                checkpoint_at,
                down_since,
            } => {
                if self.conn.is_closed() {
                    // Reconnect, at most every 250 ms while the database is down.
                    if down_since.is_some_and(|t| t.elapsed() < Duration::from_millis(250)) {
                        return Err(DbError::Unavailable("PostgreSQL is unreachable".into()));
                    }
                    match crate::pg::connect(url) {
                        Ok(c) => {
                            tracing::info!("reconnected to PostgreSQL");
                            self.conn = c;
                            *down_since = None;
                        }
                        Err(e) => {
                            if down_since.is_none() {
                                tracing::error!(error = %e, "PostgreSQL is unreachable; answering 503 until it is back");
                            }
                            *down_since = Some(Instant::now());
                            return Err(DbError::Unavailable(e.0));
                        }
                    }
                }
                self.conn.execute_batch("BEGIN")?;
                let head = match crate::pg::lock_head(&self.conn) {
                    Ok(h) => h,
                    Err(e) => {
                        let _ = self.conn.execute_batch("ROLLBACK");
                        return Err(e);
                    }
                };
                self.frontier = head.frontier;
                self.last_ts = self.last_ts.max(head.last_ts);
                self.last_cp_size = head.checkpoint_size;
                *checkpoint_at = head.checkpoint_at;
                Ok(())
            }
        }
    }

    /// Writes the ledger head back before the commit (PostgreSQL only).
    fn save_head(&self) -> Result<(), DbError> {
        match &self.backend {
            Backend::Sqlite { .. } => Ok(()),
            Backend::Postgres { checkpoint_at, .. } => crate::pg::save_head(
                &self.conn,
                &crate::pg::Head {
                    frontier: self.frontier.clone(),
                    last_ts: self.last_ts,
                    checkpoint_size: self.last_cp_size,
                    checkpoint_at: *checkpoint_at,
                },
            ),
        }
    }

    fn run_batch(&mut self, batch: Vec<Job>, syncer: Option<&Sender<Group>>) {
        let mut replies: Vec<Reply> = Vec::with_capacity(batch.len());
        if let Err(e) = self.begin() {
            let err = db_err(e);
            if !matches!(
                self.backend,
                Backend::Postgres {
                    down_since: Some(_),
                    ..
                }
            ) {
                tracing::error!(error = %err, "cannot begin a write transaction");
            }
            for job in batch {
                // Run nothing: each caller gets an error (503) and nothing changed.
                drop(job);
            }
            return;
        }
        self.reconsents.clear();
        let before = self.frontier.clone();
        let last_cp_before = self.last_cp_size;
        // On PostgreSQL every statement is a round trip: a committed job's savepoint is
        // released together with the next job's savepoint, in one message.
        let pg = self.conn.is_postgres();
        let mut open_savepoint = false;
        for job in batch {
            let saved = self.frontier.clone();
            let _ = if open_savepoint {
                self.conn.execute_batch("RELEASE job; SAVEPOINT job")
            } else {
                self.exec_cached("SAVEPOINT job").map(drop)
            };
            open_savepoint = false;
            let now = self.tick();
            let (commit, reply) = {
                let mut stx = WriteTx {
                    conn: &self.conn,
                    frontier: &mut self.frontier,
                    symbols: &mut self.symbols,
                    fids: &mut self.fids,
                    reconsents: &mut self.reconsents,
                    keys: &self.keys,
                    now,
                };
                job(&mut stx)
            };
            if commit && pg {
                open_savepoint = true;
            } else if commit {
                let _ = self.exec_cached("RELEASE job");
            } else {
                let _ = self.conn.execute_batch("ROLLBACK TO job; RELEASE job");
                self.frontier = saved;
                self.symbols.clear();
                self.fids.clear();
                self.reconsents.clear();
            }
            replies.push(reply);
        }
        if open_savepoint {
            let _ = self.exec_cached("RELEASE job");
        }
        let cp = self.checkpoint_if_due(false);
        let committed = self
            .save_head()
            .and_then(|()| self.conn.execute_batch("COMMIT"));
        match committed {
            Ok(()) => {
                if cp.is_some() {
                    self.last_cp_at = Instant::now();
                }
                let size = self.frontier.size();
                match (&mut self.backend, syncer) {
                    (Backend::Sqlite { recent_roots, .. }, Some(syncer)) => {
                        if recent_roots.back().is_none_or(|(s, _)| *s != size) {
                            recent_roots.push_back((size, self.frontier.root()));
                        }
                        if let Err(mpsc::SendError((_, replies))) = syncer.send((size, replies)) {
                            for r in replies {
                                r(Some(StoreError("syncer stopped".into())));
                            }
                        }
                    }
                    // PostgreSQL answered the commit: it is durable.
                    _ => {
                        for r in replies {
                            r(None);
                        }
                    }
                }
            }
            Err(e) => {
                let err = db_err(e);
                tracing::error!(error = %err, "group commit failed; the batch is rolled back");
                let _ = self.conn.execute_batch("ROLLBACK");
                self.frontier = before;
                self.last_cp_size = last_cp_before;
                self.symbols.clear();
                self.fids.clear();
                for r in replies {
                    r(Some(err.clone()));
                }
            }
        }
    }

    fn exec_cached(&self, sql: &str) -> Result<usize, DbError> {
        self.conn.execute(sql, ())
    }

    /// The time of the next job: the clock, to the millisecond, never before the previous job.
    fn tick(&mut self) -> OffsetDateTime {
        let now = ms(truncate_ms(self.clock.now()));
        self.last_ts = self.last_ts.max(now);
        from_ms(self.last_ts)
    }

    /// Writes a signed checkpoint if entries arrived since the last one and the interval has
    /// passed (or `force`). It covers the largest tree size known to be synced to disk, never
    /// more: a signed checkpoint must never name entries that a crash could still take away.
    /// (On PostgreSQL that is the tree as of this transaction: the checkpoint commits with the
    /// entries it covers, or not at all.) Runs inside the open transaction; returns the size
    /// checkpointed and records it as the last checkpoint.
    fn checkpoint_if_due(&mut self, force: bool) -> Option<u64> {
        if !force && self.last_cp_at.elapsed() < self.interval {
            return None;
        }
        let (size, root) = match &mut self.backend {
            Backend::Sqlite {
                durable,
                recent_roots,
            } => {
                let durable = durable.load(Ordering::SeqCst);
                while recent_roots.len() > 1 && recent_roots[1].0 <= durable {
                    recent_roots.pop_front();
                }
                let (size, root) = *recent_roots.front()?;
                if size > durable {
                    return None;
                }
                (size, root)
            }
            Backend::Postgres { .. } => (self.frontier.size(), self.frontier.root()),
        };
        if size == 0 || size <= self.last_cp_size {
            return None;
        }
        let now = self.clock.now();
        // Checkpoint times never go backwards, whichever node (and clock) signs.
        let mut at = ms(now);
        if let Backend::Postgres { checkpoint_at, .. } = &mut self.backend {
            at = at.max(*checkpoint_at);
            *checkpoint_at = at;
        }
        let cp = Checkpoint::with_timestamp(
            self.keys.signer.name().to_string(),
            size,
            root,
            (at / 1000).max(0) as u64,
        );
        let note = match sign_checkpoint(&self.keys.signer, &cp) {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "cannot sign a checkpoint");
                return None;
            }
        };
        match self.conn.execute(
            "INSERT INTO checkpoints (size, created_at, note) VALUES (?1, ?2, ?3)
             ON CONFLICT (size) DO NOTHING",
            params![size as i64, at, note],
        ) {
            Ok(_) => {
                self.last_cp_size = size;
                Some(size)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot store a checkpoint");
                None
            }
        }
    }

    /// Covers entries not yet in a checkpoint while no writes arrive (`force`: now, at start
    /// and stop, rather than once the interval has passed).
    fn idle_checkpoint(&mut self, force: bool) {
        match &self.backend {
            Backend::Sqlite { durable, .. } => {
                if durable.load(Ordering::SeqCst) <= self.last_cp_size {
                    return;
                }
            }
            Backend::Postgres { .. } => {
                if (!force && self.last_cp_at.elapsed() < self.interval) || self.conn.is_closed() {
                    return;
                }
                // Look without the lock first: usually another node already covered it.
                let pending = self.conn.query_row(
                    "SELECT size > checkpoint_size FROM ledger_head WHERE id = 1",
                    (),
                    |r| r.get::<_, bool>(0),
                );
                if !matches!(pending, Ok(true)) {
                    self.last_cp_at = Instant::now();
                    return;
                }
            }
        }
        if self.begin().is_err() {
            return;
        }
        let last_cp_before = self.last_cp_size;
        let cp = self.checkpoint_if_due(true);
        let committed = self
            .save_head()
            .and_then(|()| self.conn.execute_batch("COMMIT"));
        if committed.is_ok() {
            if cp.is_some() {
                self.last_cp_at = Instant::now();
            }
        } else {
            self.last_cp_size = last_cp_before;
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// One job's view of the open write transaction (on either backend).
pub struct WriteTx<'a> {
    conn: &'a Connection,
    frontier: &'a mut Frontier,
    symbols: &'a mut HashMap<String, i64>,
    fids: &'a mut HashMap<Uuid, i64>,
    reconsents: &'a mut HashMap<(Uuid, Uuid), Option<Reconsent>>,
    keys: &'a Keys,
    now: OffsetDateTime,
}

impl WriteTx<'_> {
    pub fn conn(&self) -> &Connection {
        self.conn
    }

    pub fn keys(&self) -> &Keys {
        self.keys
    }

    /// The row id of a fiduciary, or a not-found store error.
    pub fn fid(&mut self, fid: Uuid) -> StoreResult<i64> {
        if let Some(id) = self.fids.get(&fid) {
            return Ok(*id);
        }
        let id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM fiduciaries WHERE uuid = ?1")
            .map_err(db_err)?
            .query_row([fid.to_string()], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        let id = id.ok_or_else(|| StoreError(format!("fiduciary {fid} does not exist")))?;
        self.fids.insert(fid, id);
        Ok(id)
    }

    fn symbol(&mut self, value: &str) -> StoreResult<i64> {
        if let Some(id) = self.symbols.get(value) {
            return Ok(*id);
        }
        let existing: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM audit_symbols WHERE value = ?1",
                [value],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)?;
        let id = match existing {
            Some(id) => id,
            None => self
                .conn
                .query_row(
                    "INSERT INTO audit_symbols (value) VALUES (?1) RETURNING id",
                    [value],
                    |r| r.get(0),
                )
                .map_err(db_err)?,
        };
        self.symbols.insert(value.to_string(), id);
        Ok(id)
    }

    fn opt_symbol(&mut self, value: Option<&str>) -> StoreResult<Option<i64>> {
        value.map(|v| self.symbol(v)).transpose()
    }

    /// The latest version of the first artefact `filter` selects (`?1` is the fiduciary row),
    /// its personal data opened. An artefact whose principal was erased is a read-only
    /// tombstone: for the lifecycle it no longer exists (None).
    fn live_head(
        &mut self,
        f: i64,
        fid: Uuid,
        filter: &str,
        p: impl crate::db::Params,
    ) -> StoreResult<Option<Artefact>> {
        let sql = format!(
            "SELECT a.body FROM artefact_heads h JOIN artefacts a
               ON a.fiduciary = h.fiduciary AND a.uuid = h.uuid AND a.version = h.version
             WHERE h.fiduciary = ?1 AND {filter}"
        );
        let Some(mut a): Option<Artefact> = self.get_body(&sql, p)? else {
            return Ok(None);
        };
        Vault::new(self.conn, self.keys, f, fid).reveal_artefact(&mut a)?;
        Ok((a.principal_id != anumodan_core::mask::ERASED).then_some(a))
    }

    fn get_body<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        params: impl crate::db::Params,
    ) -> StoreResult<Option<T>> {
        let body: Option<String> = self
            .conn
            .prepare_cached(sql)
            .map_err(db_err)?
            .query_row(params, |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        body.map(|b| serde_json::from_str(&b).map_err(json_err))
            .transpose()
    }

    fn exec(&self, sql: &str, params: impl crate::db::Params) -> StoreResult<usize> {
        self.conn
            .prepare_cached(sql)
            .map_err(db_err)?
            .execute(params)
            .map_err(db_err)
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError(e.to_string()))
}

impl Tx for WriteTx<'_> {
    fn now(&self) -> OffsetDateTime {
        self.now
    }

    fn data_item(&mut self, fid: Uuid, code: &str) -> StoreResult<Option<DataItem>> {
        let f = self.fid(fid)?;
        self.get_body(
            "SELECT body FROM data_items WHERE fiduciary = ?1 AND code = ?2",
            params![f, code],
        )
    }

    fn insert_data_item(&mut self, fid: Uuid, item: &DataItem) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO data_items (fiduciary, code, body) VALUES (?1, ?2, ?3)",
            params![f, item.code, to_json(item)?],
        )?;
        Ok(())
    }

    fn purpose(&mut self, fid: Uuid, code: &str) -> StoreResult<Option<Purpose>> {
        let f = self.fid(fid)?;
        self.get_body(
            "SELECT body FROM purposes WHERE fiduciary = ?1 AND code = ?2",
            params![f, code],
        )
    }

    fn insert_purpose(&mut self, fid: Uuid, p: &Purpose) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO purposes (fiduciary, code, body) VALUES (?1, ?2, ?3)",
            params![f, p.code, to_json(p)?],
        )?;
        Ok(())
    }

    fn notice(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Notice>> {
        let f = self.fid(fid)?;
        self.get_body(
            "SELECT body FROM notices WHERE fiduciary = ?1 AND uuid = ?2",
            params![f, id.to_string()],
        )
    }

    fn notice_code_taken(&mut self, fid: Uuid, code: &str) -> StoreResult<bool> {
        let f = self.fid(fid)?;
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM notices WHERE fiduciary = ?1 AND code = ?2")
            .map_err(db_err)?
            .query_row(params![f, code], |r| r.get(0))
            .map_err(db_err)?;
        Ok(n > 0)
    }

    fn save_notice(&mut self, fid: Uuid, n: &Notice) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO notices (fiduciary, uuid, code, body) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (fiduciary, uuid) DO UPDATE SET body = excluded.body",
            params![f, n.id.to_string(), n.code, to_json(n)?],
        )?;
        Ok(())
    }

    fn notice_version(
        &mut self,
        fid: Uuid,
        id: Uuid,
        version: u32,
    ) -> StoreResult<Option<NoticeVersion>> {
        let f = self.fid(fid)?;
        self.get_body(
            "SELECT body FROM notice_versions WHERE fiduciary = ?1 AND notice = ?2 AND version = ?3",
            params![f, id.to_string(), version],
        )
    }

    fn insert_notice_version(&mut self, fid: Uuid, v: &NoticeVersion) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO notice_versions (fiduciary, notice, version, body) VALUES (?1, ?2, ?3, ?4)",
            params![f, v.notice_id.to_string(), v.version, to_json(v)?],
        )?;
        Ok(())
    }

    fn reconsent(&mut self, fid: Uuid, notice: Uuid) -> StoreResult<Option<Reconsent>> {
        if let Some(r) = self.reconsents.get(&(fid, notice)) {
            return Ok(*r);
        }
        let f = self.fid(fid)?;
        let r = crate::read::reconsent_of(self.conn, f, notice)?;
        self.reconsents.insert((fid, notice), r);
        Ok(r)
    }

    fn set_reconsent(&mut self, fid: Uuid, notice: Uuid, r: &Reconsent) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO notice_reconsent (fiduciary, notice, from_version, deadline)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (fiduciary, notice) DO UPDATE SET
               from_version = excluded.from_version, deadline = excluded.deadline",
            params![f, notice.to_string(), r.from_version, r.deadline.map(ms)],
        )?;
        self.reconsents.insert((fid, notice), Some(*r));
        Ok(())
    }

    /// The latest version, its personal data opened. An artefact whose principal was erased is
    /// a read-only tombstone: for the lifecycle it no longer exists.
    fn artefact(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Artefact>> {
        let f = self.fid(fid)?;
        self.live_head(f, fid, "h.uuid = ?2", params![f, id.to_string()])
    }

    fn insert_artefact(&mut self, a: &Artefact, index: &[String]) -> StoreResult<String> {
        let f = self.fid(a.fiduciary_id)?;
        let principal = self.keys.pseudonym(a.fiduciary_id, &a.principal_id);
        let sealed =
            Vault::new(self.conn, self.keys, f, a.fiduciary_id).seal_artefact(a, ms(self.now))?;
        let body = to_json(&sealed)?;
        let digest = hex(&crate::vault::artefact_digest(&body));
        let id = a.id.to_string();
        self.exec(
            "INSERT INTO artefacts (fiduciary, uuid, version, principal, created_at, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![f, id, a.version, &principal[..], ms(a.created_at), body],
        )?;
        let next_expiry = a
            .purposes
            .iter()
            .filter(|s| s.status == Status::Active)
            .filter_map(|s| s.expires_at)
            .min()
            .map(ms);
        self.exec(
            "INSERT INTO artefact_heads (fiduciary, uuid, version, principal, collected_at, next_expiry)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (fiduciary, uuid) DO UPDATE
               SET version = excluded.version, next_expiry = excluded.next_expiry",
            params![f, id, a.version, &principal[..], ms(a.collected_at), next_expiry],
        )?;
        // Only the rows the use case names: never a wholesale rewrite (a version of an older
        // artefact must not overwrite a later decision made in another one).
        for s in a.purposes.iter().filter(|s| index.contains(&s.purpose)) {
            self.exec(
                "INSERT INTO consent_index (fiduciary, principal, purpose, artefact, version, status,
                                            expires_at, state, notice, notice_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (fiduciary, principal, purpose) DO UPDATE SET
                   artefact = excluded.artefact, version = excluded.version, status = excluded.status,
                   expires_at = excluded.expires_at, state = excluded.state,
                   notice = excluded.notice, notice_version = excluded.notice_version",
                params![
                    f,
                    &principal[..],
                    s.purpose,
                    id,
                    a.version,
                    s.status.as_str(),
                    s.expires_at.map(ms),
                    to_json(s)?,
                    a.notice_id.to_string(),
                    s.held_version(a.notice_version)
                ],
            )?;
        }
        Ok(digest)
    }

    fn consent_state(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        purpose: &str,
    ) -> StoreResult<Option<IndexedConsent>> {
        let f = self.fid(fid)?;
        let principal = self.keys.pseudonym(fid, principal_id);
        type Row = (String, u32, String, Option<String>, Option<u32>);
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT artefact, version, state, notice, notice_version FROM consent_index
                 WHERE fiduciary = ?1 AND principal = ?2 AND purpose = ?3",
            )
            .map_err(db_err)?
            .query_row(params![f, &principal[..], purpose], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()
            .map_err(db_err)?;
        let uuid = |s: &str| Uuid::parse_str(s).map_err(|e| StoreError(e.to_string()));
        row.map(|(a, v, s, notice, notice_version)| {
            Ok(IndexedConsent {
                artefact_id: uuid(&a)?,
                version: v,
                state: serde_json::from_str(&s).map_err(json_err)?,
                notice_id: notice.as_deref().map(uuid).transpose()?,
                notice_version,
            })
        })
        .transpose()
    }

    fn due_expiries(
        &mut self,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<(Uuid, Uuid)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.uuid, h.uuid FROM artefact_heads h JOIN fiduciaries f ON f.id = h.fiduciary
                 WHERE h.next_expiry IS NOT NULL AND h.next_expiry <= ?1
                 ORDER BY h.next_expiry LIMIT ?2",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![ms(now), limit as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(db_err)?;
        let mut out = Vec::new();
        for row in rows {
            let (f, a) = row.map_err(db_err)?;
            let parse = |s: &str| Uuid::parse_str(s).map_err(|e| StoreError(e.to_string()));
            out.push((parse(&f)?, parse(&a)?));
        }
        Ok(out)
    }

    fn append_audit(&mut self, r: &AuditRecord) -> StoreResult<u64> {
        let index = self.frontier.size();
        let principal = r
            .principal_id
            .as_deref()
            .map(|p| hex(&self.keys.pseudonym(r.fiduciary_id, p)));
        let entry = AuditEntry {
            index,
            timestamp: self.now,
            fiduciary: r.fiduciary_id,
            principal,
            purpose: r.purpose.clone(),
            action: r.action.as_str().to_string(),
            status: r.status.map(str::to_string),
            outcome: r.outcome.clone(),
            initiator: r.initiator.clone(),
            source_ip: r.source_ip.clone(),
            artefact: r.artefact_id,
            version: r.artefact_version,
            artefact_sha256: r.artefact_sha256.clone(),
        };
        self.insert_entry(&entry)
    }

    fn next_audit_index(&self) -> u64 {
        self.frontier.size()
    }

    fn principal_of(&mut self, fid: Uuid, pseudonym: &[u8]) -> StoreResult<Option<String>> {
        let Ok(p) = <[u8; crate::keys::PSEUDONYM_LEN]>::try_from(pseudonym) else {
            return Ok(None);
        };
        let f = self.fid(fid)?;
        let now = ms(self.now);
        if let Some(id) = Vault::new(self.conn, self.keys, f, fid).identity(&p)? {
            return Ok(Some(id));
        }
        // A principal from before their id was kept on their row: their newest artefact names
        // them (and the row keeps it from now on).
        let newest = "h.principal = ?2 ORDER BY h.collected_at DESC LIMIT 1";
        let Some(a) = self.live_head(f, fid, newest, params![f, &p[..]])? else {
            return Ok(None);
        };
        Vault::new(self.conn, self.keys, f, fid).remember_identity(&a.principal_id, now)?;
        Ok(Some(a.principal_id))
    }
}

impl anumodan_core::idempotency::IdempotencyStore for WriteTx<'_> {
    fn remembered(
        &mut self,
        fid: Uuid,
        caller: &str,
        key: &str,
    ) -> StoreResult<Option<Remembered>> {
        let f = self.fid(fid)?;
        let caller = self.keys.pseudonym(fid, caller);
        let key_hash = Sha256::digest(key.as_bytes());
        let row: Option<(Vec<u8>, i64, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT fingerprint, created_at, response FROM idempotency_keys
                 WHERE fiduciary = ?1 AND caller = ?2 AND key_hash = ?3",
            )
            .map_err(db_err)?
            .query_row(params![f, &caller[..], &key_hash[..]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(db_err)?;
        let Some((fingerprint, created_at, sealed)) = row else {
            return Ok(None);
        };
        let response = match sealed {
            Some(token) => {
                let open = Vault::new(self.conn, self.keys, f, fid)
                    .open_field("idempotency.response", &token)?;
                (open != anumodan_core::mask::ERASED).then_some(open)
            }
            None => None,
        };
        Ok(Some(Remembered {
            fingerprint: fingerprint
                .try_into()
                .map_err(|_| StoreError("stored fingerprint is not 32 bytes".into()))?,
            created_at: from_ms(created_at),
            response,
        }))
    }

    fn remember(
        &mut self,
        fid: Uuid,
        idem: &Idempotency,
        owner: &str,
        response: &str,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let caller = self.keys.pseudonym(fid, &idem.caller);
        let principal = self.keys.pseudonym(fid, owner);
        let key_hash = Sha256::digest(idem.key.as_bytes());
        let sealed = Vault::new(self.conn, self.keys, f, fid).seal_field(
            owner,
            "idempotency.response",
            response,
            ms(self.now),
        )?;
        self.exec(
            "INSERT INTO idempotency_keys
               (fiduciary, caller, key_hash, principal, fingerprint, created_at, response)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (fiduciary, caller, key_hash) DO UPDATE SET
               principal = excluded.principal, fingerprint = excluded.fingerprint,
               created_at = excluded.created_at, response = excluded.response",
            params![
                f,
                &caller[..],
                &key_hash[..],
                &principal[..],
                &idem.fingerprint[..],
                ms(self.now),
                sealed
            ],
        )?;
        Ok(())
    }
}

/// Forgets up to `limit` answers older than the idempotency window; returns how many.
pub fn purge_idempotency(tx: &mut WriteTx<'_>, limit: usize) -> StoreResult<usize> {
    let before = ms(tx.now - anumodan_core::idempotency::WINDOW);
    let sql = "DELETE FROM idempotency_keys WHERE (fiduciary, caller, key_hash) IN
         (SELECT fiduciary, caller, key_hash FROM idempotency_keys WHERE created_at < ?1 LIMIT ?2)";
    tx.exec(sql, params![before, limit as i64])
}

impl WriteTx<'_> {
    /// The ledger position the next entry takes.
    pub fn next_index(&self) -> u64 {
        self.frontier.size()
    }

    /// Appends a fully formed entry (its index must be the next position).
    pub fn insert_entry(&mut self, e: &AuditEntry) -> StoreResult<u64> {
        let index = self.frontier.size();
        if e.index != index {
            return Err(StoreError(format!(
                "entry index {} is not the next position {index}",
                e.index
            )));
        }
        let hash = merkle::leaf_hash(&e.leaf_data());
        let fid = self.symbol(&e.fiduciary.to_string())?;
        let principal = self.opt_symbol(e.principal.as_deref())?;
        let purpose = self.opt_symbol(e.purpose.as_deref())?;
        let action = self.symbol(&e.action)?;
        let status = self.opt_symbol(e.status.as_deref())?;
        let outcome = self.symbol(&e.outcome)?;
        let initiator = self.symbol(&e.initiator)?;
        let artefact = self.opt_symbol(e.artefact.map(|a| a.to_string()).as_deref())?;
        let artefact_hash = e
            .artefact_sha256
            .as_deref()
            .map(|h| {
                hex::decode(h)
                    .ok()
                    .filter(|b| b.len() == 32)
                    .ok_or_else(|| StoreError(format!("artefact_sha256 {h:?} is not 32 bytes hex")))
            })
            .transpose()?;
        self.exec(
            "INSERT INTO audit_log (idx, ts, fiduciary, principal, purpose, action, status, outcome,
                                    initiator, source_ip, artefact, version, hash, artefact_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                index as i64,
                ms(e.timestamp),
                fid,
                principal,
                purpose,
                action,
                status,
                outcome,
                initiator,
                e.source_ip,
                artefact,
                e.version,
                &hash[..],
                artefact_hash
            ],
        )?;
        for node in self.frontier.append(hash) {
            if node.level > 0 && merkle::is_stored_level(node.level) {
                self.exec(
                    "INSERT INTO ledger_tiles (level, idx, hash) VALUES (?1, ?2, ?3)
                     ON CONFLICT (level, idx) DO UPDATE SET hash = excluded.hash",
                    params![node.level, node.index as i64, &node.hash[..]],
                )?;
            }
        }
        Ok(index)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    anumodan_core::model::hex_lower(bytes)
}

/// Leaf hashes and tiles read from a connection, for proofs.
impl NodeSource for crate::read::ConnSource<'_> {
    type Error = StoreError;

    fn leaf_hashes(&self, start: u64, end: u64) -> Result<Vec<Hash>, StoreError> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT hash FROM audit_log WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![start as i64, end as i64], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .map_err(db_err)?;
        let mut out = Vec::with_capacity((end - start) as usize);
        for row in rows {
            let bytes = row.map_err(db_err)?;
            out.push(
                bytes
                    .try_into()
                    .map_err(|_| StoreError("a stored leaf hash is not 32 bytes".into()))?,
            );
        }
        Ok(out)
    }

    fn stored_node(&self, level: u8, index: u64) -> Result<Option<Hash>, StoreError> {
        let bytes: Option<Vec<u8>> = self
            .0
            .prepare_cached("SELECT hash FROM ledger_tiles WHERE level = ?1 AND idx = ?2")
            .map_err(db_err)?
            .query_row(params![level, index as i64], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        bytes
            .map(|b| {
                b.try_into()
                    .map_err(|_| StoreError("a stored tile hash is not 32 bytes".into()))
            })
            .transpose()
    }
}
