//! Remembered answers for `Idempotency-Key` (the core's [`IdempotencyStore`] port).
//!
//! [`IdempotencyStore`]: anumodan_core::idempotency::IdempotencyStore

use crate::conv::{db_err, from_ms, ms};
use crate::db::{OptionalExtension, params};
use crate::tx::WriteTx;
use crate::vault::Vault;
use anumodan_core::idempotency::{Idempotency, Remembered};
use anumodan_core::ports::{StoreError, StoreResult};
use sha2::{Digest, Sha256};
use uuid::Uuid;

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
                .map_err(|_| StoreError::corrupt("stored fingerprint is not 32 bytes"))?,
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
