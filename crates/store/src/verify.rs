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
    #[error(
        "artefact {artefact} version {version}, recorded by ledger entry {index}, is missing: it was deleted"
    )]
    ArtefactMissing {
        index: u64,
        artefact: String,
        version: u32,
    },
    #[error(
        "artefact {artefact} version {version} does not match the SHA-256 that ledger entry {index} recorded: the stored artefact was altered"
    )]
    ArtefactAltered {
        index: u64,
        artefact: String,
        version: u32,
    },
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
        Some(url) => crate::backend::pg::connect(url).map_err(|e| DbVerifyError::Io(e.message)),
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
/// signature and root. Stops at the first problem and names it. Then checks every artefact version a (now trusted) entry committed to; returns the report
/// and how many artefact versions were checked.
pub fn verify_db(conn: &Connection, key: &NoteVerifier) -> Result<(Report, u64), DbVerifyError> {
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
    let report = verifier.finish()?;
    // The entries are now known to be genuine, so the digests they hold can be trusted.
    let artefacts = verify_artefacts(conn)?;
    Ok((report, artefacts))
}

/// Checks every artefact version that a ledger entry committed to against the stored row: the
/// row must exist and its digest (`vault::artefact_digest`) must equal the entry's. Entries
/// written before the ledger held digests commit to nothing and are skipped.
pub fn verify_artefacts(conn: &Connection) -> Result<u64, DbVerifyError> {
    if !crate::read::has_artefact_hash(conn) {
        return Ok(0);
    }
    let sql = "SELECT a.idx, a.artefact_hash, ars.value, a.version, art.body
        FROM audit_log a
        JOIN audit_symbols fs ON fs.id = a.fiduciary
        JOIN audit_symbols ars ON ars.id = a.artefact
        LEFT JOIN fiduciaries f ON f.uuid = fs.value
        LEFT JOIN artefacts art
          ON art.fiduciary = f.id AND art.uuid = ars.value AND art.version = a.version
        WHERE a.artefact_hash IS NOT NULL
        ORDER BY a.idx";
    let mut failure = None;
    let mut checked = 0u64;
    // The entries of one version are usually adjacent: hash its row once for all of them.
    let mut last: Option<(String, u32, Option<[u8; 32]>)> = None;
    conn.for_each_row(sql, (), &mut |r| {
        let index = r.get::<_, i64>(0)? as u64;
        let committed: Vec<u8> = r.get(1)?;
        let artefact: String = r.get(2)?;
        let version = r.get::<_, i64>(3)? as u32;
        let stored = match &last {
            Some((a, v, d)) if *a == artefact && *v == version => *d,
            _ => {
                let body: Option<String> = r.get(4)?;
                let d = body.map(|b| crate::vault::artefact_digest(&b));
                checked += 1;
                last = Some((artefact.clone(), version, d));
                d
            }
        };
        let bad = match stored {
            None => Some(DbVerifyError::ArtefactMissing {
                index,
                artefact,
                version,
            }),
            Some(d) if d[..] != committed[..] => Some(DbVerifyError::ArtefactAltered {
                index,
                artefact,
                version,
            }),
            Some(_) => None,
        };
        Ok(match bad {
            Some(e) => {
                failure = Some(e);
                false
            }
            None => true,
        })
    })
    .map_err(|e| DbVerifyError::Io(e.to_string()))?;
    failure.map_or(Ok(checked), Err)
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
