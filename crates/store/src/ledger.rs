//! The ledger's append (inside the write transaction), its frontier at start, and the Merkle
//! node source that proofs read.

use crate::conv::{db_err, ms};
use crate::db::{Connection, OptionalExtension, params};
use crate::tx::WriteTx;
use anumodan_core::audit::AuditEntry;
use anumodan_core::ports::{StoreError, StoreResult};
use anumodan_ledger::merkle::{self, Frontier, Hash, NodeSource};

/// Rebuilds the in-memory frontier of the Merkle tree from the stored leaves and tiles.
pub(crate) fn load_frontier(conn: &Connection) -> StoreResult<Frontier> {
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
            hashes.push(merkle::subtree_hash(&src, start, width).map_err(|e| {
                StoreError::corrupt(format!("rebuilding the ledger frontier: {e}"))
            })?);
            start += width;
        }
    }
    Frontier::from_parts(size, hashes).map_err(|e| StoreError::corrupt(e.to_string()))
}

impl WriteTx<'_> {
    pub(crate) fn symbol(&mut self, value: &str) -> StoreResult<i64> {
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

    pub(crate) fn opt_symbol(&mut self, value: Option<&str>) -> StoreResult<Option<i64>> {
        value.map(|v| self.symbol(v)).transpose()
    }
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
            return Err(StoreError::internal(format!(
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
                    .ok_or_else(|| {
                        StoreError::corrupt(format!("artefact_sha256 {h:?} is not 32 bytes hex"))
                    })
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
                    .map_err(|_| StoreError::corrupt("a stored leaf hash is not 32 bytes"))?,
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
                    .map_err(|_| StoreError::corrupt("a stored tile hash is not 32 bytes"))
            })
            .transpose()
    }
}
