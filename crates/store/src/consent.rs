//! The consent port ([`Tx`]) on the write transaction: the SQL behind `core::usecases`.

use crate::conv::{db_err, hex, json_err, ms, to_json};
use crate::db::{OptionalExtension, params};
use crate::tx::WriteTx;
use crate::vault::Vault;
use anumodan_core::audit::{AuditEntry, AuditRecord};
use anumodan_core::model::*;
use anumodan_core::ports::{IndexedConsent, StoreError, StoreResult, Tx};
use time::OffsetDateTime;
use uuid::Uuid;

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
        if let Some(g) = &a.guardian {
            // Erasing the guardian finds this version by their pseudonym (privacy.rs).
            let guardian = self.keys.pseudonym(a.fiduciary_id, &g.principal_id);
            self.exec(
                "INSERT INTO artefact_guardians (fiduciary, guardian, uuid) VALUES (?1, ?2, ?3)
                 ON CONFLICT (fiduciary, guardian, uuid) DO NOTHING",
                params![f, &guardian[..], id],
            )?;
        }
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
        let uuid = |s: &str| Uuid::parse_str(s).map_err(|e| StoreError::corrupt(e.to_string()));
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
            let parse =
                |s: &str| Uuid::parse_str(s).map_err(|e| StoreError::corrupt(e.to_string()));
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

    fn wants_refusal_events(&mut self, fid: Uuid) -> StoreResult<bool> {
        use anumodan_core::ports::NotifyPort;
        if let Some(wants) = self.refusal_events.get(&fid) {
            return Ok(*wants);
        }
        let wants = self.notify_settings(fid)?.notify_validation_refused;
        self.refusal_events.insert(fid, wants);
        Ok(wants)
    }

    fn emit(
        &mut self,
        fid: Uuid,
        principal_id: Option<&str>,
        event: &anumodan_core::events::DomainEvent,
    ) -> StoreResult<()> {
        crate::events::insert(self, fid, principal_id, event)
    }
}
