//! Read-only queries, run on the reader pool ([`crate::Store::read`]) or on any connection
//! (`audit verify` opens the database directly).

use crate::conv::{db_err, from_ms, hex, ms};
use crate::db::{Connection, OptionalExtension, params};
use crate::keys::Keys;
use crate::ports::Reads;
use anumodan_core::audit::AuditEntry;
use anumodan_core::model::*;
use anumodan_core::ports::{StoreError, StoreResult};
use anumodan_ledger::merkle::{self, Hash};
use time::OffsetDateTime;
use uuid::Uuid;

/// A connection seen as a source of Merkle leaf hashes and tiles.
pub struct ConnSource<'a>(pub &'a Connection);

/// What an API key grants.
#[derive(Clone, Debug)]
pub struct KeyAuth {
    pub fiduciary_id: Uuid,
    pub key_id: Uuid,
    pub scopes: std::collections::BTreeSet<anumodan_core::authz::Permission>,
    /// The processor whose key this is (a processor's key acts only for it).
    pub processor: Option<Uuid>,
}

/// Filter of `GET /v1/audit/entries`.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub fiduciary: Option<Uuid>,
    pub principal_id: Option<String>,
    pub purpose: Option<String>,
    pub action: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    /// Only entries with an index greater than this (the pagination cursor).
    pub after: Option<u64>,
    pub limit: usize,
}

/// A stored checkpoint.
#[derive(Clone, Debug)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub created_at: OffsetDateTime,
    pub note: String,
}

pub struct Reader<'a> {
    conn: &'a Connection,
    keys: &'a Keys,
}

pub(crate) fn parse_uuid(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::corrupt(format!("stored uuid: {e}")))
}

fn parse_json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::corrupt(format!("stored JSON: {e}")))
}

const ENTRY_COLUMNS: &str = "a.idx, a.ts, f.value, p.value, pu.value, ac.value, st.value, o.value,
    i.value, a.source_ip, ar.value, a.version, a.hash, a.artefact_hash
    FROM audit_log a";
/// The same, for a store not yet migrated past the column `artefact_hash` (an offline
/// `audit verify` of a store written by an older version, before the new one first opened it).
const ENTRY_COLUMNS_BEFORE_17: &str = "a.idx, a.ts, f.value, p.value, pu.value, ac.value,
    st.value, o.value, i.value, a.source_ip, ar.value, a.version, a.hash, NULL
    FROM audit_log a";
const ENTRY_COLUMNS_BEFORE_17_PG: &str = "a.idx, a.ts, f.value, p.value, pu.value, ac.value,
    st.value, o.value, i.value, a.source_ip, ar.value, a.version, a.hash, CAST(NULL AS BYTEA)
    FROM audit_log a";
const ENTRY_JOINS: &str = "
    LEFT JOIN audit_symbols f ON f.id = a.fiduciary
    LEFT JOIN audit_symbols p ON p.id = a.principal
    LEFT JOIN audit_symbols pu ON pu.id = a.purpose
    LEFT JOIN audit_symbols ac ON ac.id = a.action
    LEFT JOIN audit_symbols st ON st.id = a.status
    LEFT JOIN audit_symbols o ON o.id = a.outcome
    LEFT JOIN audit_symbols i ON i.id = a.initiator
    LEFT JOIN audit_symbols ar ON ar.id = a.artefact";

/// Whether the ledger has the column of artefact digests (migration 2 has run).
pub fn has_artefact_hash(conn: &Connection) -> bool {
    conn.for_each_row(
        "SELECT artefact_hash FROM audit_log WHERE 1 = 0",
        (),
        &mut |_| Ok(false),
    )
    .is_ok()
}

/// A ledger row: its index, the entry rebuilt from it (or why it cannot be), the stored hash.
pub type EntryRow = (u64, Result<AuditEntry, String>, Vec<u8>);

/// An entry rebuilt from its row, with the hash stored beside it. Rows whose references are
/// broken come back as an error naming the index.
pub fn entry_from_row(r: &crate::db::Row<'_>) -> Result<EntryRow, crate::db::DbError> {
    let index: i64 = r.get(0)?;
    let hash: Vec<u8> = r.get(12)?;
    let entry = (|| {
        let fid: String = r.get(2).map_err(|e| e.to_string())?;
        let artefact: Option<String> = r.get(10).map_err(|e| e.to_string())?;
        Ok::<_, String>(AuditEntry {
            index: index as u64,
            timestamp: from_ms(r.get(1).map_err(|e| e.to_string())?),
            fiduciary: Uuid::parse_str(&fid).map_err(|e| e.to_string())?,
            principal: r.get(3).map_err(|e| e.to_string())?,
            purpose: r.get(4).map_err(|e| e.to_string())?,
            action: r.get(5).map_err(|e| e.to_string())?,
            status: r.get(6).map_err(|e| e.to_string())?,
            outcome: r.get(7).map_err(|e| e.to_string())?,
            initiator: r.get(8).map_err(|e| e.to_string())?,
            source_ip: r.get(9).map_err(|e| e.to_string())?,
            artefact: artefact
                .map(|a| Uuid::parse_str(&a).map_err(|e| e.to_string()))
                .transpose()?,
            version: r.get(11).map_err(|e| e.to_string())?,
            artefact_sha256: r
                .get::<_, Option<Vec<u8>>>(13)
                .map_err(|e| e.to_string())?
                .map(|h| hex(&h)),
        })
    })();
    Ok((index as u64, entry, hash))
}

/// Streams every ledger entry in index order. Rows whose symbols are missing are still returned,
/// with an error instead of the entry, so a verifier can name them.
pub fn for_each_entry(
    conn: &Connection,
    mut f: impl FnMut(u64, Result<AuditEntry, String>, Vec<u8>) -> bool,
) -> StoreResult<()> {
    let columns = if has_artefact_hash(conn) {
        ENTRY_COLUMNS
    } else if conn.is_postgres() {
        ENTRY_COLUMNS_BEFORE_17_PG
    } else {
        ENTRY_COLUMNS_BEFORE_17
    };
    let sql = format!("SELECT {columns} {ENTRY_JOINS} ORDER BY a.idx");
    conn.for_each_row(&sql, (), &mut |row| {
        let (idx, entry, hash) = entry_from_row(row)?;
        Ok(f(idx, entry, hash))
    })
    .map_err(db_err)
}

/// Every stored checkpoint, smallest first.
pub fn all_checkpoints(conn: &Connection) -> StoreResult<Vec<StoredCheckpoint>> {
    let mut stmt = conn
        .prepare("SELECT size, created_at, note FROM checkpoints ORDER BY size")
        .map_err(db_err)?;
    let rows = stmt
        .query_map((), |r| {
            Ok(StoredCheckpoint {
                size: r.get::<_, i64>(0)? as u64,
                created_at: from_ms(r.get(1)?),
                note: r.get(2)?,
            })
        })
        .map_err(db_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
}

/// A notice's standing re-consent requirement (`f`: the fiduciary's row id).
pub(crate) fn reconsent_of(
    conn: &Connection,
    f: i64,
    notice: Uuid,
) -> StoreResult<Option<Reconsent>> {
    conn.prepare_cached(
        "SELECT from_version, deadline FROM notice_reconsent WHERE fiduciary = ?1 AND notice = ?2",
    )
    .map_err(db_err)?
    .query_row(params![f, notice.to_string()], |r| {
        Ok(Reconsent {
            from_version: r.get(0)?,
            deadline: r.get::<_, Option<i64>>(1)?.map(from_ms),
        })
    })
    .optional()
    .map_err(db_err)
}

impl<'a> Reader<'a> {
    pub fn new(conn: &'a Connection, keys: &'a Keys) -> Self {
        Reader { conn, keys }
    }

    pub fn conn(&self) -> &Connection {
        self.conn
    }

    fn fid(&self, fid: Uuid) -> StoreResult<Option<i64>> {
        crate::conv::fiduciary_row(self.conn, fid)
    }

    fn bodies<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        p: impl crate::db::Params,
    ) -> StoreResult<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(db_err)?;
        let rows = stmt
            .query_map(p, |r| r.get::<_, String>(0))
            .map_err(db_err)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(parse_json(&r.map_err(db_err)?)?);
        }
        Ok(out)
    }

    /// The bodies a query returns for one fiduciary; `?1` is the fiduciary, `extra` the rest.
    fn scoped<T: serde::de::DeserializeOwned>(
        &self,
        fid: Uuid,
        sql: &str,
        extra: &[&dyn crate::db::Param],
    ) -> StoreResult<Vec<T>> {
        let Some(f) = self.fid(fid)? else {
            return Ok(vec![]);
        };
        let mut p: Vec<&dyn crate::db::Param> = vec![&f];
        p.extend_from_slice(extra);
        self.bodies(sql, p.as_slice())
    }

    fn scoped_one<T: serde::de::DeserializeOwned>(
        &self,
        fid: Uuid,
        sql: &str,
        extra: &[&dyn crate::db::Param],
    ) -> StoreResult<Option<T>> {
        Ok(self.scoped(fid, sql, extra)?.into_iter().next())
    }

    /// Stored artefacts with their personal data opened (erased values read `[erased]`).
    fn revealed(&self, fid: Uuid, mut stored: Vec<Artefact>) -> StoreResult<Vec<Artefact>> {
        if stored.is_empty() {
            return Ok(stored);
        }
        let Some(f) = self.fid(fid)? else {
            return Ok(vec![]);
        };
        let mut vault = crate::vault::Vault::new(self.conn, self.keys, f, fid);
        for a in &mut stored {
            vault.reveal_artefact(a)?;
        }
        Ok(stored)
    }

    fn checkpoint_where(
        &self,
        clause: &str,
        p: impl crate::db::Params,
    ) -> StoreResult<Option<StoredCheckpoint>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT size, created_at, note FROM checkpoints {clause}"
            ))
            .map_err(db_err)?
            .query_row(p, |r| {
                Ok(StoredCheckpoint {
                    size: r.get::<_, i64>(0)? as u64,
                    created_at: from_ms(r.get(1)?),
                    note: r.get(2)?,
                })
            })
            .optional()
            .map_err(db_err)
    }
}

impl Reads for Reader<'_> {
    /// The fiduciary and key behind an API key's SHA-256, if the key exists and is not revoked.
    fn api_key(&self, key_hash: &[u8; 32]) -> StoreResult<Option<KeyAuth>> {
        type Row = (String, String, String, Option<String>);
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT f.uuid, k.uuid, k.scopes, k.processor FROM api_keys k
                 JOIN fiduciaries f ON f.id = k.fiduciary
                 WHERE k.key_hash = ?1 AND k.revoked_at IS NULL",
            )
            .map_err(db_err)?
            .query_row([&key_hash[..]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
            .map_err(db_err)?;
        row.map(|(f, k, scopes, processor)| {
            Ok(KeyAuth {
                fiduciary_id: parse_uuid(&f)?,
                key_id: parse_uuid(&k)?,
                scopes: crate::admin::parse_scopes(&scopes),
                processor: processor.as_deref().map(parse_uuid).transpose()?,
            })
        })
        .transpose()
    }

    fn fiduciary(&self, id: Uuid) -> StoreResult<Option<Fiduciary>> {
        self.conn
            .prepare_cached("SELECT uuid, name, created_at FROM fiduciaries WHERE uuid = ?1")
            .map_err(db_err)?
            .query_row([id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .optional()
            .map_err(db_err)?
            .map(|(u, name, c)| {
                Ok(Fiduciary {
                    id: parse_uuid(&u)?,
                    name,
                    created_at: from_ms(c),
                })
            })
            .transpose()
    }

    fn data_items(&self, fid: Uuid) -> StoreResult<Vec<DataItem>> {
        self.scoped(
            fid,
            "SELECT body FROM data_items WHERE fiduciary = ?1 ORDER BY code",
            &[],
        )
    }

    fn data_item(&self, fid: Uuid, code: &str) -> StoreResult<Option<DataItem>> {
        self.scoped_one(
            fid,
            "SELECT body FROM data_items WHERE fiduciary = ?1 AND code = ?2",
            &[&code],
        )
    }

    fn purposes(&self, fid: Uuid) -> StoreResult<Vec<Purpose>> {
        self.scoped(
            fid,
            "SELECT body FROM purposes WHERE fiduciary = ?1 ORDER BY code",
            &[],
        )
    }

    fn purpose(&self, fid: Uuid, code: &str) -> StoreResult<Option<Purpose>> {
        self.scoped_one(
            fid,
            "SELECT body FROM purposes WHERE fiduciary = ?1 AND code = ?2",
            &[&code],
        )
    }

    fn notices(&self, fid: Uuid) -> StoreResult<Vec<Notice>> {
        self.scoped(
            fid,
            "SELECT body FROM notices WHERE fiduciary = ?1 ORDER BY code",
            &[],
        )
    }

    fn notice(&self, fid: Uuid, id: Uuid) -> StoreResult<Option<Notice>> {
        self.scoped_one(
            fid,
            "SELECT body FROM notices WHERE fiduciary = ?1 AND uuid = ?2",
            &[&id.to_string()],
        )
    }

    fn notice_versions(&self, fid: Uuid, id: Uuid) -> StoreResult<Vec<NoticeVersion>> {
        self.scoped(
            fid,
            "SELECT body FROM notice_versions WHERE fiduciary = ?1 AND notice = ?2 ORDER BY version",
            &[&id.to_string()],
        )
    }

    fn notice_version(
        &self,
        fid: Uuid,
        id: Uuid,
        version: u32,
    ) -> StoreResult<Option<NoticeVersion>> {
        self.scoped_one(fid, "SELECT body FROM notice_versions WHERE fiduciary = ?1 AND notice = ?2 AND version = ?3", &[&id.to_string(), &version])
    }

    /// Every version of an artefact, oldest first (empty when it does not exist).
    fn artefact_history(&self, fid: Uuid, id: Uuid) -> StoreResult<Vec<Artefact>> {
        let stored = self.scoped(
            fid,
            "SELECT body FROM artefacts WHERE fiduciary = ?1 AND uuid = ?2 ORDER BY version",
            &[&id.to_string()],
        )?;
        self.revealed(fid, stored)
    }

    /// The latest version of each artefact of a principal, newest collection first.
    fn principal_artefacts(&self, fid: Uuid, principal_id: &str) -> StoreResult<Vec<Artefact>> {
        self.artefacts_of_pseudonym(fid, &self.keys.pseudonym(fid, principal_id))
    }

    fn artefacts_of_pseudonym(&self, fid: Uuid, pseudonym: &[u8]) -> StoreResult<Vec<Artefact>> {
        self.scoped(
            fid,
            "SELECT a.body FROM artefact_heads h JOIN artefacts a
               ON a.fiduciary = h.fiduciary AND a.uuid = h.uuid AND a.version = h.version
             WHERE h.fiduciary = ?1 AND h.principal = ?2
             ORDER BY h.collected_at DESC, h.uuid DESC",
            &[&pseudonym],
        )
        .and_then(|stored| self.revealed(fid, stored))
    }

    fn reconsent(&self, fid: Uuid, notice: Uuid) -> StoreResult<Option<Reconsent>> {
        match self.fid(fid)? {
            Some(f) => reconsent_of(self.conn, f, notice),
            None => Ok(None),
        }
    }

    fn reconsent_pending(
        &self,
        fid: Uuid,
        notice: Uuid,
        before: u32,
        now: OffsetDateTime,
        after: Option<Uuid>,
        limit: usize,
    ) -> StoreResult<Vec<crate::ports::PendingReconsent>> {
        let Some(f) = self.fid(fid)? else {
            return Ok(vec![]);
        };
        // Walks the notice's rows in artefact order (the index consent_index_by_notice) and stops
        // once the page is full.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT artefact, purpose, notice_version FROM consent_index
                 WHERE fiduciary = ?1 AND notice = ?2 AND artefact > ?3
                   AND notice_version < ?4 AND status = 'active'
                   AND (expires_at IS NULL OR expires_at > ?5)
                 ORDER BY artefact, purpose",
            )
            .map_err(db_err)?;
        let after = after.map(|a| a.to_string()).unwrap_or_default();
        let rows = stmt
            .query_map(
                params![f, notice.to_string(), after, before, ms(now)],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, u32>(2)?,
                    ))
                },
            )
            .map_err(db_err)?;
        let mut groups: Vec<(String, Vec<(String, u32)>)> = Vec::new();
        for row in rows {
            let (artefact, purpose, held) = row.map_err(db_err)?;
            let n = groups.len();
            match groups.last_mut() {
                Some((a, ps)) if *a == artefact => ps.push((purpose, held)),
                _ if n == limit => break,
                _ => groups.push((artefact, vec![(purpose, held)])),
            }
        }
        drop(stmt);
        let mut out = Vec::with_capacity(groups.len());
        for (artefact, purposes) in groups {
            let stored: Option<Artefact> = self.scoped_one(
                fid,
                "SELECT a.body FROM artefact_heads h JOIN artefacts a
                   ON a.fiduciary = h.fiduciary AND a.uuid = h.uuid AND a.version = h.version
                 WHERE h.fiduciary = ?1 AND h.uuid = ?2",
                &[&artefact],
            )?;
            if let Some(a) = stored {
                let artefact = self.revealed(fid, vec![a])?.remove(0);
                out.push(crate::ports::PendingReconsent { artefact, purposes });
            }
        }
        Ok(out)
    }

    /// Ledger entries matching the filter, by increasing index, at most `limit`.
    fn audit_entries(&self, q: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut sql = format!("SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE 1 = 1");
        use crate::db::Arg;
        let mut args: Vec<Arg> = Vec::new();
        let sym = |v: &str| -> StoreResult<Option<i64>> {
            self.conn
                .prepare_cached("SELECT id FROM audit_symbols WHERE value = ?1")
                .map_err(db_err)?
                .query_row([v], |r| r.get(0))
                .optional()
                .map_err(db_err)
        };
        let mut push = |sql: &mut String, clause: &str, v: Arg| {
            args.push(v);
            sql.push_str(&format!(" AND {clause} ?{}", args.len()));
        };
        macro_rules! by_symbol {
            ($col:literal, $value:expr) => {
                if let Some(v) = $value {
                    match sym(&v)? {
                        Some(id) => push(&mut sql, concat!("a.", $col, " ="), Arg::Int(id)),
                        None => return Ok(vec![]),
                    }
                }
            };
        }
        by_symbol!("fiduciary", q.fiduciary.map(|f| f.to_string()));
        // The principal filter goes through `audit_principal` (indexed in batches, about once
        // per checkpoint interval) plus the short tail of entries not indexed yet.
        let principal = match q.principal_id.as_deref().zip(q.fiduciary) {
            Some((p, f)) => match sym(&hex(&self.keys.pseudonym(f, p)))? {
                Some(id) => Some(id),
                None => return Ok(vec![]),
            },
            None => None,
        };
        // An erased principal's entries up to their erasure are never found by their id.
        if let Some((p, f)) = q.principal_id.as_deref().zip(q.fiduciary)
            && let Some(frow) = self.fid(f)?
        {
            let upto: Option<Option<i64>> = self
                .conn
                .prepare_cached(
                    "SELECT erased_upto FROM principals WHERE fiduciary = ?1 AND pseudonym = ?2",
                )
                .map_err(db_err)?
                .query_row(params![frow, &self.keys.pseudonym(f, p)[..]], |r| r.get(0))
                .optional()
                .map_err(db_err)?;
            if let Some(upto) = upto.flatten() {
                push(&mut sql, "a.idx >", Arg::Int(upto));
            }
        }
        by_symbol!("purpose", q.purpose.clone());
        by_symbol!("action", q.action.clone());
        if let Some(t) = q.from {
            push(&mut sql, "a.ts >=", Arg::Int(ms(t)));
        }
        if let Some(t) = q.to {
            push(&mut sql, "a.ts <", Arg::Int(ms(t)));
        }
        if let Some(after) = q.after {
            push(&mut sql, "a.idx >", Arg::Int(after as i64));
        }
        if let Some(id) = principal {
            args.push(Arg::Int(id));
            let n = args.len();
            // The embedded store keeps this index in a file of its own, attached as `pidx`
            // (see `principal_index::run_principal_indexer`); PostgreSQL keeps it beside the ledger.
            let (index, upto) = if self.conn.is_postgres() {
                ("audit_principal", "ledger_meta")
            } else {
                ("pidx.audit_principal", "pidx.meta")
            };
            sql.push_str(&format!(
                " AND a.principal = ?{n} AND a.idx IN (
                    SELECT idx FROM {index} WHERE principal = ?{n}
                    UNION ALL
                    SELECT idx FROM audit_log
                    WHERE idx >= (SELECT COALESCE(MAX(value), 0) FROM {upto} WHERE key = 'principal_indexed_upto')
                      AND principal = ?{n})"
            ));
        }
        // 1001: the API asks for one more than its largest page (1000) to learn whether a next
        // page exists; clamping that away would end the listing after 1000 entries.
        sql.push_str(&format!(" ORDER BY a.idx LIMIT {}", q.limit.clamp(1, 1001)));
        let mut stmt = self.conn.prepare(&sql).map_err(db_err)?;
        let rows = stmt.query_map(args, entry_from_row).map_err(db_err)?;
        let mut out = Vec::new();
        for r in rows {
            let (idx, entry, _) = r.map_err(db_err)?;
            out.push(entry.map_err(|e| StoreError::corrupt(format!("ledger entry {idx}: {e}")))?);
        }
        Ok(out)
    }

    /// One entry with its stored leaf hash.
    fn audit_entry(&self, index: u64) -> StoreResult<Option<(AuditEntry, Vec<u8>)>> {
        let sql = format!("SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE a.idx = ?1");
        let row = self
            .conn
            .prepare_cached(&sql)
            .map_err(db_err)?
            .query_row([index as i64], entry_from_row)
            .optional()
            .map_err(db_err)?;
        row.map(|(idx, e, h)| {
            Ok((
                e.map_err(|e| StoreError::corrupt(format!("ledger entry {idx}: {e}")))?,
                h,
            ))
        })
        .transpose()
    }

    fn latest_checkpoint(&self) -> StoreResult<Option<StoredCheckpoint>> {
        self.checkpoint_where("ORDER BY size DESC LIMIT 1", ())
    }

    fn checkpoint(&self, size: u64) -> StoreResult<Option<StoredCheckpoint>> {
        self.checkpoint_where("WHERE size = ?1", [size as i64])
    }

    /// Checkpoints with size greater than `after`, smallest first.
    fn checkpoints(&self, after: u64, limit: usize) -> StoreResult<Vec<StoredCheckpoint>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT size, created_at, note FROM checkpoints WHERE size > ?1 ORDER BY size LIMIT ?2")
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![after as i64, limit.clamp(1, 1000) as i64], |r| {
                Ok(StoredCheckpoint {
                    size: r.get::<_, i64>(0)? as u64,
                    created_at: from_ms(r.get(1)?),
                    note: r.get(2)?,
                })
            })
            .map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }

    fn inclusion_proof(&self, index: u64, size: u64) -> StoreResult<Vec<Hash>> {
        merkle::inclusion_proof(&ConnSource(self.conn), index, size)
            .map_err(|e| StoreError::internal(e.to_string()))
    }

    fn consistency_proof(&self, old: u64, new: u64) -> StoreResult<Vec<Hash>> {
        merkle::consistency_proof(&ConnSource(self.conn), old, new)
            .map_err(|e| StoreError::internal(e.to_string()))
    }

    /// Number of ledger entries.
    fn data_keys_by_master(&self) -> StoreResult<std::collections::BTreeMap<String, u64>> {
        crate::vault::keys_by_master(self.conn)
    }

    fn ledger_size(&self) -> StoreResult<u64> {
        self.conn
            .query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_log", (), |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(db_err)
    }
}
