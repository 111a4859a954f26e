//! Verification and export of the ledger straight from the database (the embedded file or
//! PostgreSQL), without the server.

use crate::db::Connection;
use crate::read::{all_checkpoints, for_each_entry};
use anumodan_core::audit::AuditEntry;
use anumodan_ledger::export::ExportWriter;
use anumodan_ledger::merkle::Hash;
use anumodan_ledger::note::NoteVerifier;
use anumodan_ledger::verify::{LogEntry, Report, Verifier, VerifyFailure};
use rusqlite::OpenFlags;
use std::path::Path;

/// Why verification failed.
#[derive(Debug, thiserror::Error)]
pub enum DbVerifyError {
    #[error("cannot read the database: {0}")]
    Io(String),
    #[error("ledger entry {index} cannot be rebuilt from its row ({reason}): it was altered")]
    Unreadable { index: u64, reason: String },
    #[error("ledger entry {index} has a stored hash that is not 32 bytes: it was altered")]
    BadHash { index: u64 },
    #[error("{0}")]
    Failure(#[from] VerifyFailure),
}

pub fn open_read_only(db: &Path) -> Result<Connection, DbVerifyError> {
    if !db.exists() {
        return Err(DbVerifyError::Io(format!(
            "{} does not exist",
            db.display()
        )));
    }
    rusqlite::Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map(Connection::Sqlite)
        .map_err(|e| DbVerifyError::Io(e.to_string()))
}

/// The database a command names: PostgreSQL when a URL is given, else the embedded file.
pub fn open_database(url: Option<&str>, db: &Path) -> Result<Connection, DbVerifyError> {
    match url {
        Some(url) => crate::pg::connect(url).map_err(|e| DbVerifyError::Io(e.0)),
        None => open_read_only(db),
    }
}

/// Calls `f` with every entry in index order, rebuilt from its row, with its stored hash;
/// stops at the first error (an unreadable row, a malformed hash, or one `f` returns).
fn try_each_entry(
    conn: &Connection,
    mut f: impl FnMut(AuditEntry, Hash) -> Result<(), DbVerifyError>,
) -> Result<(), DbVerifyError> {
    let mut failure = None;
    for_each_entry(conn, |index, entry, stored| {
        let result = entry
            .map_err(|reason| DbVerifyError::Unreadable { index, reason })
            .and_then(|entry| {
                let hash = Hash::try_from(stored.as_slice())
                    .map_err(|_| DbVerifyError::BadHash { index })?;
                f(entry, hash)
            });
        match result {
            Ok(()) => true,
            Err(e) => {
                failure = Some(e);
                false
            }
        }
    })
    .map_err(|e| DbVerifyError::Io(e.to_string()))?;
    failure.map_or(Ok(()), Err)
}

/// Recomputes every entry's hash from its fields, the Merkle tree, and every checkpoint's
/// signature and root. Stops at the first problem and names it.
pub fn verify_db(conn: &Connection, key: &NoteVerifier) -> Result<Report, DbVerifyError> {
    let notes: Vec<String> = all_checkpoints(conn)
        .map_err(|e| DbVerifyError::Io(e.to_string()))?
        .into_iter()
        .map(|c| c.note)
        .collect();
    let mut verifier = Verifier::new(key, &notes)?;
    try_each_entry(conn, |entry, stored_hash| {
        // The index inside the entry is part of what is hashed; a row moved to another
        // position keeps its old index in the data and so fails its hash there.
        let data = entry.leaf_data();
        verifier.push_entry(LogEntry {
            index: entry.index,
            data: &data,
            stored_hash,
        })?;
        Ok(())
    })?;
    Ok(verifier.finish()?)
}

/// Writes the ledger as an export directory (see `anumodan_ledger::export`).
pub fn export_db(
    conn: &Connection,
    out: &Path,
    verifier_key: &str,
) -> Result<(u64, usize), DbVerifyError> {
    let io = |e: anumodan_ledger::export::ExportError| DbVerifyError::Io(e.to_string());
    let mut w = ExportWriter::create(out, verifier_key).map_err(io)?;
    let mut n = 0u64;
    try_each_entry(conn, |entry, hash| {
        let data =
            String::from_utf8(entry.leaf_data()).map_err(|e| DbVerifyError::Io(e.to_string()))?;
        w.write_entry(entry.index, &data, &hash).map_err(io)?;
        n += 1;
        Ok(())
    })?;
    let cps = all_checkpoints(conn).map_err(|e| DbVerifyError::Io(e.to_string()))?;
    for c in &cps {
        w.write_checkpoint(c.size, &c.note).map_err(io)?;
    }
    w.finish().map_err(io)?;
    Ok((n, cps.len()))
}
