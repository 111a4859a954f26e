//! One job's view of the open write transaction (on either backend) and the helpers every
//! repository uses inside it.

use crate::conv::{db_err, json_err};
use crate::db::{Connection, OptionalExtension};
use crate::keys::Keys;
use crate::vault::Vault;
use anumodan_core::audit::AuditRecord;
use anumodan_core::model::{Artefact, Reconsent};
use anumodan_core::ports::{Recorder, StoreError, StoreResult, Tx};
use anumodan_ledger::merkle::Frontier;
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// One job's view of the open write transaction (on either backend).
pub struct WriteTx<'a> {
    pub(crate) conn: &'a Connection,
    pub(crate) frontier: &'a mut Frontier,
    pub(crate) symbols: &'a mut HashMap<String, i64>,
    pub(crate) fids: &'a mut HashMap<Uuid, i64>,
    pub(crate) reconsents: &'a mut HashMap<(Uuid, Uuid), Option<Reconsent>>,
    pub(crate) refusal_events: &'a mut HashMap<Uuid, bool>,
    pub(crate) keys: &'a Keys,
    pub(crate) now: OffsetDateTime,
    /// What this job wrote that a job waits for (set by the writes themselves).
    pub(crate) wrote: &'a mut crate::writer::Wrote,
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
        let id = crate::conv::fiduciary_row(self.conn, fid)?;
        let id =
            id.ok_or_else(|| StoreError::not_found(format!("fiduciary {fid} does not exist")))?;
        self.fids.insert(fid, id);
        Ok(id)
    }

    /// The latest version of the first artefact `filter` selects (`?1` is the fiduciary row),
    /// its personal data opened. An artefact whose principal was erased is a read-only
    /// tombstone: for the lifecycle it no longer exists (None).
    pub(crate) fn live_head(
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

    pub(crate) fn get_body<T: serde::de::DeserializeOwned>(
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

    pub(crate) fn exec(&self, sql: &str, params: impl crate::db::Params) -> StoreResult<usize> {
        self.conn
            .prepare_cached(sql)
            .map_err(db_err)?
            .execute(params)
            .map_err(db_err)
    }
}

/// The time and ledger of the per-area ports: the same as the consent port's.
impl Recorder for WriteTx<'_> {
    fn time(&self) -> OffsetDateTime {
        self.now
    }
    fn record(&mut self, entry: &AuditRecord) -> StoreResult<u64> {
        Tx::append_audit(self, entry)
    }
}
