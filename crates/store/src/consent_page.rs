//! The SQL of the hosted consent page ([`ConsentPagePort`] for
//! `anumodan_core::consent_page`): a fiduciary's web settings and its consent requests. A
//! request's body (principal, return address, state) is sealed under the principal's data key;
//! its token is kept only as a SHA-256.

use crate::conv::{db_err, from_ms, json_err, ms, to_json};
use crate::db::{OptionalExtension, params};
use crate::tx::WriteTx;
use crate::vault::Vault;
use anumodan_core::consent_page::{
    ConsentPagePort, ConsentRequest, StoredRequest, WebSettings, token_hash,
};
use anumodan_core::mask::ERASED;
use anumodan_core::ports::{StoreResult, Tx};
use base64::Engine;
use rand::RngCore;
use uuid::Uuid;

const BODY: &str = "consent_request.body";

/// Deletes up to `limit` consent requests that expired more than
/// [`anumodan_core::consent_page::KEEP_AFTER_EXPIRY`] ago; returns how many.
pub fn purge_consent_requests(tx: &mut WriteTx<'_>, limit: usize) -> StoreResult<usize> {
    let before = ms(tx.now - anumodan_core::consent_page::KEEP_AFTER_EXPIRY);
    tx.exec(
        "DELETE FROM consent_requests WHERE uuid IN
           (SELECT uuid FROM consent_requests WHERE expires_at < ?1 LIMIT ?2)",
        params![before, limit as i64],
    )
}

/// A fiduciary's web settings (the defaults when it never saved any), for reads outside a
/// write transaction.
pub fn web_settings_of(conn: &crate::db::Connection, fid: Uuid) -> StoreResult<WebSettings> {
    let Some(f) = crate::conv::fiduciary_row(conn, fid)? else {
        return Ok(WebSettings::default());
    };
    settings(conn, f)
}

fn settings(conn: &crate::db::Connection, f: i64) -> StoreResult<WebSettings> {
    Ok(crate::conv::fiduciary_doc(conn, "web_settings", f)?.unwrap_or_default())
}

/// A row of `consent_requests` as read: the fiduciary's row id and uuid, the token's hash,
/// when it was used, the sealed body.
type Row = (i64, String, Vec<u8>, Option<i64>, String);

impl ConsentPagePort for WriteTx<'_> {
    fn web_settings(&mut self, fid: Uuid) -> StoreResult<WebSettings> {
        let f = self.fid(fid)?;
        settings(self.conn, f)
    }

    fn save_web_settings(&mut self, fid: Uuid, s: &WebSettings) -> StoreResult<()> {
        let f = self.fid(fid)?;
        crate::conv::save_fiduciary_doc(self.conn, "web_settings", f, s)
    }

    fn insert_consent_request(&mut self, r: &ConsentRequest) -> StoreResult<String> {
        let f = self.fid(r.fiduciary_id)?;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = ms(Tx::now(self));
        let p = self.keys.pseudonym(r.fiduciary_id, &r.principal_id);
        let body = Vault::new(self.conn, self.keys, f, r.fiduciary_id).seal_field(
            &r.principal_id,
            BODY,
            &to_json(r)?,
            now,
        )?;
        self.exec(
            "INSERT INTO consent_requests
               (uuid, fiduciary, pseudonym, token_hash, expires_at, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                r.id.to_string(),
                f,
                &p[..],
                &token_hash(&token)[..],
                ms(r.expires_at),
                body
            ],
        )?;
        Ok(token)
    }

    fn consent_request(&mut self, id: Uuid) -> StoreResult<Option<StoredRequest>> {
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT r.fiduciary, f.uuid, r.token_hash, r.used_at, r.body
                 FROM consent_requests r JOIN fiduciaries f ON f.id = r.fiduciary
                 WHERE r.uuid = ?1",
            )
            .map_err(db_err)?
            .query_row(params![id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()
            .map_err(db_err)?;
        let Some((f, fid, hash, used, body)) = row else {
            return Ok(None);
        };
        let fid = crate::read::parse_uuid(&fid)?;
        let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) else {
            return Err(anumodan_core::ports::StoreError::corrupt(
                "a consent request's token hash is not 32 bytes",
            ));
        };
        let plain = Vault::new(self.conn, self.keys, f, fid).open_field(BODY, &body)?;
        if plain == ERASED {
            return Ok(None);
        }
        let r: ConsentRequest = serde_json::from_str(&plain).map_err(json_err)?;
        Ok(Some(StoredRequest {
            request: r,
            token_hash: hash,
            used_at: used.map(from_ms),
        }))
    }

    fn use_consent_request(&mut self, id: Uuid, artefact: Option<Uuid>) -> StoreResult<bool> {
        let now = ms(Tx::now(self));
        let n = self.exec(
            "UPDATE consent_requests SET used_at = ?2, artefact = ?3
             WHERE uuid = ?1 AND used_at IS NULL",
            params![id.to_string(), now, artefact.map(|a| a.to_string())],
        )?;
        Ok(n == 1)
    }
}
