//! The principal index of the embedded store: ledger entries by principal, in a file of its own,
//! kept by a thread beside the writer. (PostgreSQL keeps it in a table: `backend::pg`.)

use crate::conv::db_err;
use anumodan_core::ports::StoreResult;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The embedded store's index of ledger entries by principal, a file of its own next to the
/// database. It is derived data: deleted, it is rebuilt from the ledger at the next start.
pub const INDEX_FILE: &str = "anumodan-index.db";

/// Rows indexed per transaction: a rebuild of a large ledger goes in steps, never as one sort
/// of the whole log.
pub(crate) const INDEX_CHUNK: i64 = 100_000;

/// Opens (creating if needed) the principal index, with the database attached as `ledger`.
/// An index that claims more entries than the ledger holds (a database restored from an older
/// backup beside a newer index) is emptied, to be rebuilt.
pub(crate) fn open_principal_index(
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

/// The principal indexer: brings the index up to the committed ledger when the `principal-index`
/// job runs ([`crate::Store::index_principals`], once per checkpoint interval).
///
/// Why beside the writer, and on the embedded store in a file of its own: indexing a second of
/// entries (a sort by principal and an insert into random pages of the index) takes 15-25 ms
/// at the benchmark's load. On the writer, inside a group commit, that stalled every request
/// once a second (p99.9 about 25 ms against 8-9 ms without it; docs/benchmarks.md, fifth
/// pass). In the same database file it would hold the write lock just as long. Here it runs on
/// a blocking thread of its own, and its writes are neither in the writer's WAL nor in the
/// syncer's fsync.
///
/// The embedded indexer only indexes entries known to be on disk (below `durable`, the size
/// the syncer reported): an entry that a crash could still take away must not be indexed, or
/// the entry later written at the same index for another principal would be missed. Readers
/// find entries not indexed yet by scanning the short tail of the ledger from
/// `principal_indexed_upto`.
pub(crate) enum Indexer {
    Sqlite {
        conn: rusqlite::Connection,
        durable: Arc<AtomicU64>,
    },
    Postgres {
        url: String,
        conn: Option<crate::db::Connection>,
    },
}

impl Indexer {
    /// Indexes chunk after chunk until nothing is left; returns how many chunks ran.
    pub(crate) fn run(&mut self) -> StoreResult<usize> {
        let mut chunks = 0;
        loop {
            let more = match self {
                Indexer::Sqlite { conn, durable } => {
                    index_principal_chunk(conn, durable.load(Ordering::SeqCst)).map_err(db_err)?
                }
                Indexer::Postgres { url, conn } => {
                    if conn.as_ref().is_none_or(crate::db::Connection::is_closed) {
                        // While the database is down the writer already reports it.
                        *conn = Some(crate::backend::pg::connect(url)?);
                    }
                    let c = conn.as_ref().expect("connected above");
                    crate::backend::pg::index_principal_chunk(c).map_err(db_err)?
                }
            };
            chunks += 1;
            if !more {
                return Ok(chunks);
            }
        }
    }
}

/// Indexes up to [`INDEX_CHUNK`] entries below `durable` in one transaction; returns whether
/// entries below `durable` remain.
pub(crate) fn index_principal_chunk(
    conn: &rusqlite::Connection,
    durable: u64,
) -> rusqlite::Result<bool> {
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
