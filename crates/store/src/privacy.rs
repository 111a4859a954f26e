//! The SQL of erasing a principal and of unmasking an artefact: `anumodan_core::privacy`'s
//! `erase_principal` and `unmask` decide, this implements their ports ([`PrivacyPort`],
//! [`UnmaskPort`]) on [`WriteTx`].

use crate::conv::{db_err, ms};
use crate::db::params;
use crate::tx::WriteTx;
use anumodan_core::events::DomainEvent;
use anumodan_core::model::Artefact;
use anumodan_core::ports::{PrivacyPort, StoreResult, Tx, UnmaskPort};
use anumodan_core::principal::Pseudonym;
use rand::RngCore;
use uuid::Uuid;

impl WriteTx<'_> {
    /// The fiduciary's row and the principal's pseudonym.
    fn whose(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<(i64, Pseudonym)> {
        let f = self.fid(fid)?;
        Ok((f, self.keys.pseudonym(fid, principal_id)))
    }

    fn run_each(&self, sqls: &[&str], f: i64, p: &[u8]) -> StoreResult<()> {
        for sql in sqls {
            self.conn.execute(sql, params![f, p]).map_err(db_err)?;
        }
        Ok(())
    }
}

impl PrivacyPort for WriteTx<'_> {
    fn destroy_data_key(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<bool> {
        let (f, p) = self.whose(fid, principal_id)?;
        Ok(self
            .conn
            .execute(
                "UPDATE principals SET wrapped_key = NULL, master_key = NULL, sealed_id = NULL, erased_at = ?1
                 WHERE fiduciary = ?2 AND pseudonym = ?3 AND wrapped_key IS NOT NULL",
                params![ms(self.now), f, &p[..]],
            )
            .map_err(db_err)?
            > 0)
    }

    fn close_consents(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<u64> {
        let (f, p) = self.whose(fid, principal_id)?;
        Ok(self
            .conn
            .execute(
                "DELETE FROM consent_index WHERE fiduciary = ?1 AND principal = ?2",
                params![f, &p[..]],
            )
            .map_err(db_err)? as u64)
    }

    fn forget_contacts(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()> {
        let (f, p) = self.whose(fid, principal_id)?;
        self.run_each(
            &[
                "DELETE FROM principal_otps WHERE fiduciary = ?1 AND lookup IN
                   (SELECT lookup FROM principal_contacts WHERE fiduciary = ?1 AND pseudonym = ?2)",
                // By key, through the index: SQLite otherwise reads every contact of the
                // fiduciary (it plans `fiduciary = ? AND pseudonym = ?` on this WITHOUT ROWID
                // table as a range of the primary key).
                "DELETE FROM principal_contacts WHERE fiduciary = ?1 AND lookup IN
                   (SELECT lookup FROM principal_contacts WHERE fiduciary = ?1 AND pseudonym = ?2)",
                // Every message to them, sent or not, and their inbox and preferences: nothing
                // keyed by their pseudonym is left to link a message back to them.
                "DELETE FROM outbox WHERE fiduciary = ?1 AND pseudonym = ?2",
                "DELETE FROM inbox WHERE fiduciary = ?1 AND pseudonym = ?2",
                "DELETE FROM principal_prefs WHERE fiduciary = ?1 AND pseudonym = ?2",
                // Nothing is left for the retention engine to erase.
                "DELETE FROM erasure_plans WHERE fiduciary = ?1 AND pseudonym = ?2",
                // Webhooks that name them: those still on their way go (they tell processors to
                // stop, and drop their body once sent); dead ones lose their body (no replay).
                "UPDATE deliveries SET payload = NULL, pseudonym = NULL,
                        last_error = 'the principal was erased'
                 WHERE fiduciary = ?1 AND pseudonym = ?2 AND status = 'dead'",
            ],
            f,
            &p,
        )
    }

    fn unlink_events(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()> {
        let (f, p) = self.whose(fid, principal_id)?;
        self.run_each(
            &[
                "UPDATE domain_events SET principal = NULL WHERE fiduciary = ?1 AND principal = ?2",
                // Cases keep their columns (reference, kind, status, deadlines: no personal
                // data) for reports; their bodies and attachments were sealed under the key.
                "DELETE FROM case_attachments WHERE case_id IN
                   (SELECT id FROM cases WHERE fiduciary = ?1 AND pseudonym = ?2)",
                "UPDATE cases SET pseudonym = NULL
                 WHERE fiduciary = ?1 AND pseudonym = ?2",
                "UPDATE nominations SET pseudonym = NULL, status = 'revoked'
                 WHERE fiduciary = ?1 AND pseudonym = ?2",
            ],
            f,
            &p,
        )
    }

    fn tombstone_artefacts(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<u64> {
        let (f, p) = self.whose(fid, principal_id)?;
        // The rows move to a random tombstone id; the ledger keeps its pseudonyms (it is
        // immutable and holds no personal data).
        let mut tombstone = [0u8; crate::keys::PSEUDONYM_LEN];
        rand::thread_rng().fill_bytes(&mut tombstone);
        // Each statement finds its rows by primary key through the index by principal: an
        // UPDATE of the indexed column itself is planned by SQLite as a range of the primary
        // key `(fiduciary=?)`, every row of the fiduciary (docs/benchmarks.md, issue 21).
        let artefacts = self
            .conn
            .execute(
                "UPDATE artefact_heads SET next_expiry = NULL, principal = ?3
                 WHERE fiduciary = ?1 AND uuid IN
                   (SELECT uuid FROM artefact_heads WHERE fiduciary = ?1 AND principal = ?2)",
                params![f, &p[..], &tombstone[..]],
            )
            .map_err(db_err)? as u64;
        // Remembered answers to retried requests: the answer (sealed under the destroyed key)
        // and the link go; the fingerprint stays, so a late retry is refused rather than run
        // again.
        // The versions are found through the heads just moved to the (fresh) tombstone id:
        // `artefacts` has no index by principal.
        for sql in [
            "UPDATE artefacts SET principal = ?3 WHERE fiduciary = ?1 AND principal = ?2
               AND uuid IN (SELECT uuid FROM artefact_heads WHERE fiduciary = ?1 AND principal = ?3)",
            "UPDATE idempotency_keys SET response = NULL, principal = ?3
             WHERE (fiduciary, caller, key_hash) IN (SELECT fiduciary, caller, key_hash
               FROM idempotency_keys WHERE fiduciary = ?1 AND principal = ?2)",
        ] {
            self.conn
                .execute(sql, params![f, &p[..], &tombstone[..]])
                .map_err(db_err)?;
        }
        Ok(artefacts)
    }

    fn scrub_sealed_fields(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()> {
        let (f, p) = self.whose(fid, principal_id)?;
        // Sealed fields name their owner by pseudonym in the token's prefix.
        let prefix = crate::vault::token_prefix(&p);
        let rows: Vec<(String, i64, String)> = {
            let find = if self.conn.is_postgres() {
                "strpos(body, ?2)"
            } else {
                "instr(body, ?2)"
            };
            // Their own artefacts (by the heads' pseudonym: not yet tombstoned) and those
            // naming them as a guardian (an empty pseudonym: listed before it was recorded);
            // never a read of every artefact of the fiduciary.
            let mut stmt = self
                .conn
                .prepare_cached(&format!(
                    "SELECT uuid, version, body FROM artefacts
                     WHERE fiduciary = ?1 AND uuid IN (
                       SELECT uuid FROM artefact_heads WHERE fiduciary = ?1 AND principal = ?3
                       UNION
                       SELECT uuid FROM artefact_guardians
                       WHERE fiduciary = ?1 AND guardian IN (?3, ?4))
                     AND {find} > 0"
                ))
                .map_err(db_err)?;
            let none: &[u8] = &[];
            stmt.query_map(params![f, prefix, &p[..], none], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?
        };
        for (uuid, version, body) in rows {
            self.conn
                .execute(
                    "UPDATE artefacts SET body = ?4 WHERE fiduciary = ?1 AND uuid = ?2 AND version = ?3",
                    params![f, uuid, version, crate::vault::scrub_tokens(&body, &prefix)],
                )
                .map_err(db_err)?;
        }
        Ok(())
    }

    fn hide_ledger_upto(&mut self, fid: Uuid, principal_id: &str, upto: u64) -> StoreResult<()> {
        let (f, p) = self.whose(fid, principal_id)?;
        self.conn
            .execute(
                "INSERT INTO principals (fiduciary, pseudonym, created_at, erased_at, erased_upto)
                 VALUES (?1, ?2, ?3, ?3, ?4)
                 ON CONFLICT (fiduciary, pseudonym) DO UPDATE SET erased_upto = excluded.erased_upto",
                params![f, &p[..], ms(self.now), upto as i64],
            )
            .map_err(db_err)?;
        Ok(())
    }

    fn emit_event(
        &mut self,
        fid: Uuid,
        principal_id: Option<&str>,
        event: &DomainEvent,
    ) -> StoreResult<()> {
        Tx::emit(self, fid, principal_id, event)
    }
}

impl UnmaskPort for WriteTx<'_> {
    fn opened_artefact(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Artefact>> {
        Tx::artefact(self, fid, id)
    }

    fn keep_reason(&mut self, idx: u64, reason: &str) -> StoreResult<()> {
        self.conn
            .execute(
                "INSERT INTO unmask_reasons (idx, reason) VALUES (?1, ?2)",
                params![idx as i64, reason],
            )
            .map_err(db_err)?;
        Ok(())
    }
}
