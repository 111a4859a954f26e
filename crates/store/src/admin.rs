//! Store-level administration that is not a consent use case: fiduciaries, and the SQL of their
//! API keys (the [`KeysPort`] of `anumodan_core::keys`'s use cases). (Erasing a principal and
//! unmasking an artefact are `anumodan_core::privacy`'s use cases; their SQL is in
//! `crate::privacy`.)

use crate::conv::{db_err, ms};
use crate::db::{OptionalExtension, params};
use crate::tx::WriteTx;
use anumodan_core::audit::{Action, AuditRecord};
use anumodan_core::authz::Permission;
use anumodan_core::model::{Artefact, Fiduciary};
use anumodan_core::ports::{KeysPort, LiveKey, StoreError, StoreResult, Tx};
use base64::Engine;
use rand::RngCore;
use std::collections::BTreeSet;
use uuid::Uuid;

pub use anumodan_core::keys::{
    ApiKeyInfo, KEY_PREFIX, NewApiKey, key_hash, parse_scopes, scopes_text,
};

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Registers a fiduciary with a first API key.
pub fn create_fiduciary(
    tx: &mut WriteTx<'_>,
    name: &str,
    initiator: &str,
) -> StoreResult<(Fiduciary, NewApiKey)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || anumodan_core::text::has_forbidden(name) {
        return Err(StoreError::internal(
            "a fiduciary name must be 1-200 characters without control characters",
        ));
    }
    let f = Fiduciary {
        id: Uuid::now_v7(),
        name: name.to_string(),
        created_at: tx.now(),
    };
    tx.conn()
        .execute(
            "INSERT INTO fiduciaries (uuid, name, created_at) VALUES (?1, ?2, ?3)",
            params![f.id.to_string(), f.name, ms(f.created_at)],
        )
        .map_err(db_err)?;
    tx.append_audit(&AuditRecord::admin(
        Action::FiduciaryCreated,
        f.id,
        "ok",
        initiator,
    ))?;
    // The first key holds every scope a key can hold (`anumodan_core::keys::root_scopes`).
    // The name "default" always passes the key name rule: only a storage failure comes back.
    let key = anumodan_core::keys::issue_root_key(tx, f.id, initiator).map_err(|e| match e {
        anumodan_core::Error::Store(s) => s,
        anumodan_core::Error::Domain(d) => StoreError::internal(d.message),
    })?;
    Ok((f, key))
}

/// The SQL of a fiduciary's API keys: `anumodan_core::keys` decides who may do what and
/// records it; this stores the keys (a secret only as its SHA-256 and first characters).
impl KeysPort for WriteTx<'_> {
    fn all_keys(&mut self, fid: Uuid) -> StoreResult<Vec<ApiKeyInfo>> {
        let f = match self.fid(fid) {
            Ok(f) => f,
            Err(e) if e.is_not_found() => return Ok(vec![]),
            Err(e) => return Err(e),
        };
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT uuid, name, prefix, scopes, created_at, revoked_at, created_by FROM api_keys
                 WHERE fiduciary = ?1 ORDER BY created_at, uuid",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([f], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .map_err(db_err)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, prefix, scopes, created, revoked, created_by) = row.map_err(db_err)?;
            out.push(ApiKeyInfo {
                id: crate::read::parse_uuid(&id)?,
                name,
                prefix,
                scopes: parse_scopes(&scopes),
                created_by,
                created_at: crate::conv::from_ms(created),
                revoked_at: revoked.map(crate::conv::from_ms),
            });
        }
        Ok(out)
    }

    fn live_key(&mut self, fid: Uuid, key: Uuid) -> StoreResult<Option<LiveKey>> {
        let f = self.fid(fid)?;
        self.conn()
            .query_row(
                "SELECT name, scopes FROM api_keys
                 WHERE uuid = ?1 AND fiduciary = ?2 AND revoked_at IS NULL",
                params![key.to_string(), f],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()
            .map_err(db_err)
            .map(|row| {
                row.map(|(name, scopes)| LiveKey {
                    name,
                    scopes: parse_scopes(&scopes),
                })
            })
    }

    fn insert_key(
        &mut self,
        fid: Uuid,
        name: &str,
        scopes: &BTreeSet<Permission>,
        created_by: &str,
    ) -> StoreResult<(Uuid, String)> {
        let f = self.fid(fid)?;
        let secret = new_secret();
        let id = Uuid::now_v7();
        self.conn()
            .execute(
                "INSERT INTO api_keys (uuid, fiduciary, name, key_hash, prefix, scopes, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id.to_string(),
                    f,
                    name,
                    &key_hash(&secret)[..],
                    &secret[..10],
                    scopes_text(scopes),
                    created_by,
                    ms(self.now())
                ],
            )
            .map_err(db_err)?;
        Ok((id, secret))
    }

    fn replace_secret(&mut self, fid: Uuid, key: Uuid) -> StoreResult<String> {
        let f = self.fid(fid)?;
        let secret = new_secret();
        let n = self
            .conn()
            .execute(
                "UPDATE api_keys SET key_hash = ?1, prefix = ?2
                 WHERE uuid = ?3 AND fiduciary = ?4 AND revoked_at IS NULL",
                params![&key_hash(&secret)[..], &secret[..10], key.to_string(), f],
            )
            .map_err(db_err)?;
        if n == 0 {
            return Err(StoreError::not_found(format!("no live API key {key}")));
        }
        Ok(secret)
    }

    fn revoke_key(&mut self, fid: Uuid, key: Uuid) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let n = self
            .conn()
            .execute(
                "UPDATE api_keys SET revoked_at = ?1
                 WHERE uuid = ?2 AND fiduciary = ?3 AND revoked_at IS NULL",
                params![ms(self.now()), key.to_string(), f],
            )
            .map_err(db_err)?;
        if n == 0 {
            return Err(StoreError::not_found(format!("no live API key {key}")));
        }
        Ok(())
    }
}

/// Where [`upgrade_index`] has got to: the last consent index key it looked at.
pub type IndexCursor = (i64, Vec<u8>, String);

const INDEX_UPGRADED: &str = "consent_index_upgraded_17";

/// Whether [`upgrade_index`] has been through every row.
pub fn index_upgraded(conn: &crate::db::Connection) -> StoreResult<bool> {
    let done: Option<i64> = conn
        .query_row(
            "SELECT value FROM ledger_meta WHERE key = ?1",
            params![INDEX_UPGRADED],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_err)?;
    Ok(done == Some(1))
}

/// The upgrade of a consent index written before issue 17, a batch of up to `limit` rows after
/// `after` in key order: each row is pointed at the artefact holding the principal's latest
/// decision on its purpose (rule 1; before, any new version of an older artefact rewrote every
/// row it held, so a withdrawal made in a newer artefact could be overwritten), and given the
/// notice and version it is held under. Only rows that differ are written. Returns how many
/// rows were corrected, and where to go on from (None: done, recorded so later starts skip it).
pub fn upgrade_index(
    tx: &mut WriteTx<'_>,
    after: Option<IndexCursor>,
    limit: usize,
) -> StoreResult<(usize, Option<IndexCursor>)> {
    if index_upgraded(tx.conn())? {
        return Ok((0, None));
    }
    let (f0, p0, u0) = after.unwrap_or((i64::MIN, Vec::new(), String::new()));
    type Row = (i64, Vec<u8>, String, String, Option<String>);
    let rows: Vec<Row> = {
        let mut stmt = tx
            .conn()
            .prepare(
                "SELECT fiduciary, principal, purpose, artefact, notice FROM consent_index
                 WHERE (fiduciary, principal, purpose) > (?1, ?2, ?3)
                 ORDER BY fiduciary, principal, purpose LIMIT ?4",
            )
            .map_err(db_err)?;
        stmt.query_map(params![f0, p0, u0, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?
    };
    let parse = |body: &str| -> StoreResult<Artefact> {
        serde_json::from_str(body).map_err(|e| StoreError::corrupt(format!("stored artefact: {e}")))
    };
    let mut corrected = 0;
    // The principal whose artefacts are loaded (fiduciary row, pseudonym), and those artefacts.
    type Loaded = ((i64, Vec<u8>), Vec<Artefact>);
    let mut heads: Option<Loaded> = None;
    for (f, p, purpose, artefact, notice) in &rows {
        // The latest version of each of this principal's artefacts (sealed fields stay sealed).
        if heads.as_ref().is_none_or(|(k, _)| k.0 != *f || k.1 != *p) {
            let bodies: Vec<String> = {
                let mut stmt = tx
                    .conn()
                    .prepare(
                        "SELECT a.body FROM artefact_heads h JOIN artefacts a
                           ON a.fiduciary = h.fiduciary AND a.uuid = h.uuid AND a.version = h.version
                         WHERE h.fiduciary = ?1 AND h.principal = ?2",
                    )
                    .map_err(db_err)?;
                stmt.query_map(params![f, p], |r| r.get(0))
                    .map_err(db_err)?
                    .collect::<Result<_, _>>()
                    .map_err(db_err)?
            };
            let list = bodies
                .iter()
                .map(|b| parse(b))
                .collect::<StoreResult<_>>()?;
            heads = Some(((*f, p.clone()), list));
        }
        let list = heads
            .as_ref()
            .map(|(_, l)| l.as_slice())
            .unwrap_or_default();
        let Some(head) = anumodan_core::lifecycle::latest_decision(list, purpose) else {
            continue;
        };
        let Some(state) = head.purpose(purpose) else {
            continue;
        };
        if head.id.to_string() == *artefact {
            // The row is right by rule 1; it only lacks the notice it is held under.
            if notice.is_none() {
                tx.conn()
                    .execute(
                        "UPDATE consent_index SET notice = ?4, notice_version = ?5
                         WHERE fiduciary = ?1 AND principal = ?2 AND purpose = ?3",
                        params![
                            f,
                            p,
                            purpose,
                            head.notice_id.to_string(),
                            state.held_version(head.notice_version)
                        ],
                    )
                    .map_err(db_err)?;
            }
            continue;
        }
        // The version that recorded the decision: the first with the head's decision instant.
        let versions: Vec<String> = {
            let mut stmt = tx
                .conn()
                .prepare(
                    "SELECT body FROM artefacts WHERE fiduciary = ?1 AND uuid = ?2 ORDER BY version",
                )
                .map_err(db_err)?;
            stmt.query_map(params![f, head.id.to_string()], |r| r.get(0))
                .map_err(db_err)?
                .collect::<Result<_, _>>()
                .map_err(db_err)?
        };
        let mut decided = None;
        for b in &versions {
            let v = parse(b)?;
            if v.purpose(purpose)
                .is_some_and(|s| s.updated_at == state.updated_at)
            {
                decided = Some(v);
                break;
            }
        }
        let v = decided.unwrap_or_else(|| head.clone());
        let Some(s) = v.purpose(purpose) else {
            continue;
        };
        tx.conn()
            .execute(
                "UPDATE consent_index SET artefact = ?4, version = ?5, status = ?6, expires_at = ?7,
                   state = ?8, notice = ?9, notice_version = ?10
                 WHERE fiduciary = ?1 AND principal = ?2 AND purpose = ?3",
                params![
                    f,
                    p,
                    purpose,
                    v.id.to_string(),
                    v.version,
                    s.status.as_str(),
                    s.expires_at.map(ms),
                    serde_json::to_string(s).map_err(|e| StoreError::internal(e.to_string()))?,
                    v.notice_id.to_string(),
                    s.held_version(v.notice_version)
                ],
            )
            .map_err(db_err)?;
        corrected += 1;
    }
    if rows.len() < limit {
        tx.conn()
            .execute(
                "INSERT INTO ledger_meta (key, value) VALUES (?1, 1)
                 ON CONFLICT (key) DO UPDATE SET value = 1",
                params![INDEX_UPGRADED],
            )
            .map_err(db_err)?;
        return Ok((corrected, None));
    }
    let next = rows
        .last()
        .map(|(f, p, u, _, _)| (*f, p.clone(), u.clone()));
    Ok((corrected, next))
}

/// Appends an `admin.action` about the master keys (platform scope).
pub fn record_master_key(
    tx: &mut WriteTx<'_>,
    outcome: &str,
    initiator: &str,
    source_ip: Option<String>,
) -> StoreResult<u64> {
    tx.append_audit(&AuditRecord {
        source_ip,
        ..AuditRecord::admin(Action::AdminAction, Uuid::nil(), outcome, initiator)
    })
}

/// At start: if the current master key came from a rotation whose becoming current is not in
/// the ledger (a crash between the switch and its commit, or a rotation from before they were
/// recorded), records it now (`master_key_current <id> recorded_at_start`). The first key, made
/// with the store, is not a rotation. Returns whether it wrote an entry.
pub fn record_current_master_key(tx: &mut WriteTx<'_>) -> StoreResult<bool> {
    let (id, count) = {
        let m = tx
            .keys()
            .masters
            .read()
            .map_err(|_| StoreError::internal("master key lock poisoned"))?;
        (m.current_id().to_string(), m.count())
    };
    if count <= 1 {
        return Ok(false);
    }
    let on_time = format!("master_key_current {id}");
    let late = format!("{on_time} recorded_at_start");
    let seen: i64 = tx
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit_symbols WHERE value = ?1 OR value = ?2",
            params![on_time, late],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    if seen > 0 {
        return Ok(false);
    }
    record_master_key(tx, &late, "system", None)?;
    Ok(true)
}
