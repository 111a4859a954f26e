//! What only the embedded (SQLite) backend needs: opening its connections and its threads (the
//! syncer that makes group commits durable, the WAL checkpointer), migrations, disk usage.

use crate::conv::db_err;
use crate::db::Connection;
use crate::facade::{Inner, Store, StoreConfig};
use crate::keys::Keys;
use crate::ledger::load_frontier;
use crate::principal_index::{INDEX_FILE, index_principal_chunk, open_principal_index};
use crate::schema::MIGRATIONS;
use crate::writer::{Backend, Group, Msg, Writer, syncer::run_syncer};
use anumodan_core::clock::Clock;
use anumodan_core::ports::{StoreError, StoreResult};
use rusqlite::OpenFlags;
use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The page cache of a read-write connection (`cache_size`: a negative value counts KiB).
const WRITER_CACHE_SIZE: i64 = -64 * 1024;

/// Prepared statements kept per connection. rusqlite keeps 16 by default, fewer than one
/// mixed workload uses: the writer runs a validation's, a withdrawal's, the notification
/// fan-out's and a delivery's statements in turn, and with 16 it parsed most of them again at
/// each use (a quarter of the writer's CPU with webhooks flowing; docs/benchmarks.md, "Webhooks
/// (issue 20)"). The store has about 250 distinct statements.
const STATEMENT_CACHE: usize = 512;

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
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
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

/// Opens the embedded store in `cfg.data_dir`: takes the directory lock, migrates, starts the
/// writer with its syncer, the WAL checkpointer and the principal indexer.
pub(crate) fn open(cfg: &StoreConfig, clock: Arc<dyn Clock>, keys: Keys) -> StoreResult<Store> {
    let lock_path = cfg.data_dir.join("anumodan.lock");
    let lock = crate::perms::private_file(&lock_path)
        .and_then(|()| std::fs::OpenOptions::new().write(true).open(&lock_path))
        .map_err(|e| StoreError::internal(format!("{}: {e}", lock_path.display())))?;
    lock.try_lock().map_err(|_| {
        StoreError::unavailable(format!(
            "the data directory {} is in use by another Anumodan process (stop it first)",
            cfg.data_dir.display()
        ))
    })?;
    let db_path = cfg.data_dir.join("anumodan.db");
    // Owner-only, whatever the umask (SQLite gives its journal files the database's mode).
    let private = |base: &str| {
        crate::perms::private_db(&cfg.data_dir, base).map_err(|e| {
            StoreError::internal(format!("{}: {e}", cfg.data_dir.join(base).display()))
        })
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
    let (tx, rx) = mpsc::channel::<Msg>();
    let signals = Arc::new(crate::writer::Signals::default());
    let mut writer = Writer {
        signals: signals.clone(),
        conn,
        frontier,
        symbols: HashMap::new(),
        fids: HashMap::new(),
        reconsents: HashMap::new(),
        refusal_events: HashMap::new(),
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
        .map_err(|e| StoreError::internal(format!("writer thread: {e}")))?;
    let wal_conn = open_conn(&db_path, false)?;
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let wal_thread = std::thread::Builder::new()
        .name("anumodan-wal".into())
        .spawn(move || run_wal_checkpointer(wal_conn, stop_rx))
        .map_err(|e| StoreError::internal(format!("WAL thread: {e}")))?;
    Ok(Store {
        inner: Arc::new(Inner {
            signals,
            jobs: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(handle)),
            wal: Mutex::new(Some((stop_tx, wal_thread))),
            indexer: Mutex::new(crate::principal_index::Indexer::Sqlite {
                conn: index_conn,
                durable: indexed_durable,
            }),
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
