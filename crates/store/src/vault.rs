//! Personal data encrypted at rest, field by field, under a data key per principal
//! (envelope encryption), and erased by destroying that key (crypto-shredding).
//!
//! - Each principal of each fiduciary has a random 256-bit **data key**, kept in `principals`
//!   only wrapped (XChaCha20-Poly1305) by a **master key**. Master keys live in
//!   `DATA_DIR/keys/master/<id>.key` (or a file given by configuration); `current` names the one
//!   that wraps new data keys. Rotation adds a master key and re-wraps every data key under it
//!   in small batches while the server runs (old keys stay readable until then).
//! - A personal data field is stored as a token `enc:v1:<pseudonym>.<nonce|ciphertext>`
//!   (base64url), sealed under the data key of the principal it belongs to, with the fiduciary,
//!   the pseudonym and the field name as associated data: a token moved to another field or
//!   fiduciary does not open (it names its own principal, whose value it stays).
//! - Lookups never use clear values: rows are found by the principal's keyed pseudonym (blind
//!   index, see [`crate::keys::Keys::pseudonym`]).
//! - Erasing a principal deletes their wrapped data key: every token sealed under it becomes
//!   unreadable (shown as `[erased]`), while the audit ledger, which never held the clear value,
//!   still verifies.

use crate::conv::db_err;
use crate::db::{Connection, OptionalExtension, params};
use crate::keys::{Keys, PSEUDONYM_LEN, write_secret};
use anumodan_core::mask::ERASED;
use anumodan_core::model::Artefact;
use anumodan_core::ports::{StoreError, StoreResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;
use uuid::Uuid;
use zeroize::Zeroizing;

const TOKEN_PREFIX: &str = "enc:v1:";
/// What erasure leaves in place of a sealed value: the SHA-256 of the token it replaces, so the
/// version's digest (which the ledger holds) is unchanged while nothing in it can be opened or
/// linked to the person any more. Reads as `[erased]`.
const ERASED_PREFIX: &str = "enc:erased:";
const NONCE_LEN: usize = 24;

type Key = Zeroizing<[u8; 32]>;

fn random_key() -> Key {
    let mut k = Zeroizing::new([0u8; 32]);
    rand::thread_rng().fill_bytes(&mut k[..]);
    k
}

fn seal(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ct = cipher
        .encrypt(&nonce, Payload { msg: plain, aad })
        .expect("XChaCha20-Poly1305 encrypts any length a process can hold");
    let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

fn open(key: &[u8; 32], aad: &[u8], blob: &[u8]) -> Option<Vec<u8>> {
    if blob.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ct) = blob.split_at(NONCE_LEN);
    XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
        .ok()
}

/// The master keys: the current one wraps new data keys; older ones still unwrap.
pub struct MasterKeys {
    current: String,
    keys: BTreeMap<String, Key>,
    /// Set when the current key comes from configuration: rotation is then done by configuring a
    /// new file, not by the server.
    configured: bool,
}

/// A master key's id: derived from the key, so it cannot name the wrong key.
fn key_id(key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(b"anumodan master key id\0");
    h.update(key);
    anumodan_core::model::hex_lower(&h.finalize()[..8])
}

fn read_key(path: &Path) -> std::io::Result<Key> {
    let bytes = Zeroizing::new(fs::read(path)?);
    let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        std::io::Error::other(format!("{} must hold exactly 32 bytes", path.display()))
    })?;
    Ok(Zeroizing::new(arr))
}

impl MasterKeys {
    /// Loads every key in `kdir/master/`, plus `configured` if given (which is then current);
    /// creates a first key when there is none.
    pub fn load_or_create(kdir: &Path, configured: Option<&Path>) -> std::io::Result<MasterKeys> {
        let dir = kdir.join("master");
        crate::perms::private_dir(&dir)?;
        let mut keys = BTreeMap::new();
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "key") {
                let k = read_key(&path)?;
                keys.insert(key_id(&k), k);
            }
        }
        if let Some(file) = configured {
            let k = read_key(file)?;
            let id = key_id(&k);
            keys.insert(id.clone(), k);
            return Ok(MasterKeys {
                current: id,
                keys,
                configured: true,
            });
        }
        let current_path = dir.join("current");
        if current_path.exists() {
            let id = fs::read_to_string(&current_path)?.trim().to_string();
            if !keys.contains_key(&id) {
                return Err(std::io::Error::other(format!(
                    "{} names master key {id}, which is not in {}",
                    current_path.display(),
                    dir.display()
                )));
            }
            return Ok(MasterKeys {
                current: id,
                keys,
                configured: false,
            });
        }
        if !keys.is_empty() {
            return Err(std::io::Error::other(format!(
                "{} holds master keys but no `current` file naming the one in use",
                dir.display()
            )));
        }
        let mut m = MasterKeys {
            current: String::new(),
            keys,
            configured: false,
        };
        m.add_new(kdir)?;
        Ok(m)
    }

    /// Generates a master key, writes it to `kdir/master/` and makes it current.
    pub fn add_new(&mut self, kdir: &Path) -> std::io::Result<String> {
        if self.configured {
            return Err(std::io::Error::other(
                "the master key is given by configuration (master_key_file): rotate it by \
                 configuring a new file and keeping the old one in keys/master/",
            ));
        }
        let dir = kdir.join("master");
        crate::perms::private_dir(&dir)?;
        let k = random_key();
        let id = key_id(&k);
        write_secret(&dir.join(format!("{id}.key")), &k[..])?;
        let tmp = dir.join("current.tmp");
        let _ = fs::remove_file(&tmp);
        write_secret(&tmp, id.as_bytes())?;
        fs::rename(&tmp, dir.join("current"))?;
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        self.keys.insert(id.clone(), k);
        self.current = id.clone();
        Ok(id)
    }

    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// How many master keys there are (current and older).
    pub fn count(&self) -> usize {
        self.keys.len()
    }

    fn wrap(&self, aad: &[u8], dek: &[u8; 32]) -> (String, Vec<u8>) {
        let mk = &self.keys[&self.current];
        (self.current.clone(), seal(mk, aad, dek))
    }

    /// Seals a small secret (a staff member's TOTP seed) directly under the current master key:
    /// `len(id) | id | nonce | ciphertext`.
    pub fn seal_secret(&self, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        let id = self.current.as_bytes();
        let mut out = vec![id.len() as u8];
        out.extend_from_slice(id);
        out.extend_from_slice(&seal(&self.keys[&self.current], aad, plain));
        out
    }

    /// Opens [`MasterKeys::seal_secret`]'s output with whichever master key sealed it.
    pub fn open_secret(&self, aad: &[u8], blob: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let (&n, rest) = blob.split_first()?;
        let (id, sealed) = rest.split_at_checked(n as usize)?;
        let key = self.keys.get(std::str::from_utf8(id).ok()?)?;
        open(key, aad, sealed).map(Zeroizing::new)
    }

    /// Whether a sealed secret is under the current master key.
    pub fn sealed_by_current(&self, blob: &[u8]) -> bool {
        blob.split_first()
            .is_some_and(|(&n, rest)| rest.get(..n as usize) == Some(self.current.as_bytes()))
    }

    fn unwrap(&self, id: &str, aad: &[u8], blob: &[u8]) -> Option<Key> {
        let mk = self.keys.get(id)?;
        let plain = Zeroizing::new(open(mk, aad, blob)?);
        let arr: [u8; 32] = plain.as_slice().try_into().ok()?;
        Some(Zeroizing::new(arr))
    }
}

fn wrap_aad(fid: Uuid, pseudonym: &[u8]) -> Vec<u8> {
    let mut aad = b"anumodan data key\0".to_vec();
    aad.extend_from_slice(fid.as_bytes());
    aad.extend_from_slice(pseudonym);
    aad
}

fn field_aad(fid: Uuid, pseudonym: &[u8], field: &str) -> Vec<u8> {
    let mut aad = b"anumodan field\0".to_vec();
    aad.extend_from_slice(fid.as_bytes());
    aad.extend_from_slice(pseudonym);
    aad.extend_from_slice(field.as_bytes());
    aad
}

/// Access to principals' data keys on one connection, with a cache of unwrapped keys for the
/// life of the value (one request or one job).
pub struct Vault<'a> {
    conn: &'a Connection,
    keys: &'a Keys,
    fid_row: i64,
    fid: Uuid,
    cache: HashMap<[u8; PSEUDONYM_LEN], Option<Key>>,
}

impl<'a> Vault<'a> {
    pub fn new(conn: &'a Connection, keys: &'a Keys, fid_row: i64, fid: Uuid) -> Self {
        Vault {
            conn,
            keys,
            fid_row,
            fid,
            cache: HashMap::new(),
        }
    }

    /// The data key of a principal (None once erased, or never created).
    fn key(&mut self, pseudonym: &[u8; PSEUDONYM_LEN]) -> StoreResult<Option<&Key>> {
        if !self.cache.contains_key(pseudonym) {
            let row: Option<(Option<String>, Option<Vec<u8>>)> = self
                .conn
                .prepare_cached(
                    "SELECT master_key, wrapped_key FROM principals
                     WHERE fiduciary = ?1 AND pseudonym = ?2",
                )
                .map_err(db_err)?
                .query_row(params![self.fid_row, &pseudonym[..]], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(db_err)?;
            let key = match row {
                Some((Some(id), Some(blob))) => {
                    let masters = self.keys.masters.read().map_err(|_| poisoned())?;
                    let k = masters.unwrap(&id, &wrap_aad(self.fid, pseudonym), &blob);
                    if k.is_none() {
                        return Err(StoreError::corrupt(format!(
                            "a principal's data key does not unwrap under master key {id} \
                             (missing or wrong master key file?)"
                        )));
                    }
                    k
                }
                _ => None,
            };
            self.cache.insert(*pseudonym, key);
        }
        Ok(self.cache.get(pseudonym).and_then(Option::as_ref))
    }

    /// The data key of a principal, created (or re-created after an erasure) if needed.
    /// Only for the writer.
    fn key_or_create(&mut self, pseudonym: &[u8; PSEUDONYM_LEN], now_ms: i64) -> StoreResult<Key> {
        if let Some(k) = self.key(pseudonym)? {
            return Ok(k.clone());
        }
        let dek = random_key();
        let (id, blob) = self
            .keys
            .masters
            .read()
            .map_err(|_| poisoned())?
            .wrap(&wrap_aad(self.fid, pseudonym), &dek);
        self.conn
            .prepare_cached(
                "INSERT INTO principals (fiduciary, pseudonym, master_key, wrapped_key, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (fiduciary, pseudonym) DO UPDATE SET
                   master_key = excluded.master_key, wrapped_key = excluded.wrapped_key,
                   created_at = excluded.created_at, erased_at = NULL",
            )
            .map_err(db_err)?
            .execute(params![self.fid_row, &pseudonym[..], id, blob, now_ms])
            .map_err(db_err)?;
        self.cache.insert(*pseudonym, Some(dek.clone()));
        Ok(dek)
    }

    /// Seals `value`, a field of the principal `owner` (clear id), into a token.
    pub fn seal_field(
        &mut self,
        owner: &str,
        field: &str,
        value: &str,
        now_ms: i64,
    ) -> StoreResult<String> {
        let p = self.keys.pseudonym(self.fid, owner);
        let new_key = self.key(&p)?.is_none();
        let token = self.seal_for(&p, field, value, now_ms)?;
        if new_key {
            self.record_identity(owner, &p, now_ms)?;
        }
        Ok(token)
    }

    /// Keeps the principal's own id on their row, sealed under their data key, so that a
    /// principal known only by pseudonym (a principal token, a sign-in) can act under it.
    fn record_identity(
        &mut self,
        owner: &str,
        p: &[u8; PSEUDONYM_LEN],
        now_ms: i64,
    ) -> StoreResult<()> {
        let sealed = self.seal_for(p, "principal.id", owner, now_ms)?;
        self.conn
            .prepare_cached(
                "UPDATE principals SET sealed_id = ?3 WHERE fiduciary = ?1 AND pseudonym = ?2",
            )
            .map_err(db_err)?
            .execute(params![self.fid_row, &p[..], sealed])
            .map_err(db_err)?;
        Ok(())
    }

    /// Makes sure the principal has a data key and their id is kept on their row (for
    /// principals created before the id was kept).
    pub fn remember_identity(&mut self, owner: &str, now_ms: i64) -> StoreResult<()> {
        let p = self.keys.pseudonym(self.fid, owner);
        if self.identity(&p)?.is_none() {
            self.record_identity(owner, &p, now_ms)?;
        }
        Ok(())
    }

    /// The principal's id, opened from their row; None when it is not kept or was erased.
    pub fn identity(&mut self, p: &[u8; PSEUDONYM_LEN]) -> StoreResult<Option<String>> {
        let sealed: Option<Option<String>> = self
            .conn
            .prepare_cached(
                "SELECT sealed_id FROM principals WHERE fiduciary = ?1 AND pseudonym = ?2",
            )
            .map_err(db_err)?
            .query_row(params![self.fid_row, &p[..]], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        let Some(token) = sealed.flatten() else {
            return Ok(None);
        };
        let id = self.open_field("principal.id", &token)?;
        Ok((id != ERASED).then_some(id))
    }

    /// Seals `value`, a field of the principal with pseudonym `p`, into a token.
    pub fn seal_for(
        &mut self,
        p: &[u8; PSEUDONYM_LEN],
        field: &str,
        value: &str,
        now_ms: i64,
    ) -> StoreResult<String> {
        let key = self.key_or_create(p, now_ms)?;
        let blob = seal(&key, &field_aad(self.fid, p, field), value.as_bytes());
        Ok(format!("{}{}", token_prefix(p), B64.encode(blob)))
    }

    /// Opens a token; a value that is not a token is returned as it is (rows written before
    /// encryption), one whose key was destroyed reads `[erased]`.
    pub fn open_field(&mut self, field: &str, token: &str) -> StoreResult<String> {
        if token.starts_with(ERASED_PREFIX) {
            return Ok(ERASED.to_string());
        }
        let Some(rest) = token.strip_prefix(TOKEN_PREFIX) else {
            return Ok(token.to_string());
        };
        let parsed = rest.split_once('.').and_then(|(p, b)| {
            let p: [u8; PSEUDONYM_LEN] = B64.decode(p).ok()?.try_into().ok()?;
            Some((p, B64.decode(b).ok()?))
        });
        let Some((p, blob)) = parsed else {
            return Err(StoreError::corrupt(format!("malformed sealed {field}")));
        };
        let aad = field_aad(self.fid, &p, field);
        let Some(key) = self.key(&p)? else {
            return Ok(ERASED.to_string());
        };
        Ok(match open(key, &aad, &blob) {
            Some(v) => String::from_utf8(v).map_err(|e| StoreError::corrupt(e.to_string()))?,
            // Sealed under a key that was destroyed and later re-created for the same principal.
            None => ERASED.to_string(),
        })
    }

    /// The artefact as stored: its personal data fields sealed.
    pub fn seal_artefact(&mut self, a: &Artefact, now_ms: i64) -> StoreResult<Artefact> {
        let mut s = a.clone();
        let owner = a.principal_id.as_str();
        s.principal_id = self.seal_field(owner, "principal_id", owner, now_ms)?;
        if let Some(ip) = &a.source_ip {
            s.source_ip = Some(self.seal_field(owner, "source_ip", ip, now_ms)?);
        }
        if let Some(sid) = &a.session_id {
            s.session_id = Some(self.seal_field(owner, "session_id", sid, now_ms)?);
        }
        if let (Some(g), Some(sg)) = (&a.guardian, &mut s.guardian) {
            // The guardian's own data is sealed under the guardian's key.
            let gid = g.principal_id.as_str();
            sg.principal_id = self.seal_field(gid, "guardian.principal_id", gid, now_ms)?;
            if let Some(r) = &g.verification_ref {
                sg.verification_ref =
                    Some(self.seal_field(gid, "guardian.verification_ref", r, now_ms)?);
            }
        }
        Ok(s)
    }

    /// Opens the sealed fields of a stored artefact in place.
    pub fn reveal_artefact(&mut self, a: &mut Artefact) -> StoreResult<()> {
        a.principal_id = self.open_field("principal_id", &a.principal_id)?;
        if let Some(v) = &a.source_ip {
            a.source_ip = Some(self.open_field("source_ip", v)?);
        }
        if let Some(v) = &a.session_id {
            a.session_id = Some(self.open_field("session_id", v)?);
        }
        if let Some(g) = &mut a.guardian {
            g.principal_id = self.open_field("guardian.principal_id", &g.principal_id)?;
            if let Some(v) = &g.verification_ref {
                g.verification_ref = Some(self.open_field("guardian.verification_ref", v)?);
            }
        }
        Ok(())
    }
}

/// The start of every token sealed for the principal with pseudonym `p`.
pub fn token_prefix(p: &[u8]) -> String {
    format!("{TOKEN_PREFIX}{}.", B64.encode(p))
}

/// `text` (a stored JSON body) with every token that starts with `prefix` replaced by its
/// erased form, `enc:erased:<SHA-256 of the token>`. Tokens are base64url and `.`, so they end
/// at the closing quote.
pub fn scrub_tokens(text: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('"').unwrap_or(after.len());
        out.push_str(ERASED_PREFIX);
        out.push_str(&anumodan_core::model::hex_lower(&Sha256::digest(
            &after.as_bytes()[..end],
        )));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The digest the ledger keeps of a stored artefact version: SHA-256 of its body with every
/// sealed value in its erased form. Erasing a principal therefore leaves the digest of every
/// version as it was, while any other change to the row (a status, a date, a purpose, a sealed
/// value swapped for another) changes it.
pub fn artefact_digest(body: &str) -> [u8; 32] {
    Sha256::digest(scrub_tokens(body, TOKEN_PREFIX).as_bytes()).into()
}

fn poisoned() -> StoreError {
    StoreError::internal("master key lock poisoned")
}

/// (fiduciary row, fiduciary uuid, pseudonym, master key id, wrapped data key).
type WrappedRow = (i64, String, Vec<u8>, String, Vec<u8>);

/// Re-wraps up to `limit` data keys not under the current master key; returns how many.
/// Runs inside a write transaction.
pub fn rewrap_batch(conn: &Connection, keys: &Keys, limit: usize) -> StoreResult<usize> {
    let masters = keys.masters.read().map_err(|_| poisoned())?;
    let current = masters.current_id().to_string();
    let mut stmt = conn
        .prepare_cached(
            "SELECT p.fiduciary, f.uuid, p.pseudonym, p.master_key, p.wrapped_key
             FROM principals p JOIN fiduciaries f ON f.id = p.fiduciary
             WHERE p.wrapped_key IS NOT NULL AND p.master_key <> ?1 LIMIT ?2",
        )
        .map_err(db_err)?;
    let rows: Vec<WrappedRow> = stmt
        .query_map(params![current, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut n = 0;
    for (fid_row, fid, pseudonym, old_id, blob) in rows {
        let fid = Uuid::parse_str(&fid).map_err(|e| StoreError::corrupt(e.to_string()))?;
        let aad = wrap_aad(fid, &pseudonym);
        let dek = masters.unwrap(&old_id, &aad, &blob).ok_or_else(|| {
            StoreError::corrupt(format!(
                "a data key does not unwrap under master key {old_id}: keep that key in keys/master/"
            ))
        })?;
        let (id, wrapped) = masters.wrap(&aad, &dek);
        conn.prepare_cached(
            "UPDATE principals SET master_key = ?1, wrapped_key = ?2
             WHERE fiduciary = ?3 AND pseudonym = ?4",
        )
        .map_err(db_err)?
        .execute(params![id, wrapped, fid_row, pseudonym])
        .map_err(db_err)?;
        n += 1;
    }
    Ok(n)
}

fn staff_aad(staff: &str) -> Vec<u8> {
    let mut aad = b"anumodan staff totp\0".to_vec();
    aad.extend_from_slice(staff.as_bytes());
    aad
}

/// Seals a staff member's TOTP seed under the current master key.
pub fn seal_totp(keys: &Keys, staff: Uuid, seed: &[u8]) -> StoreResult<Vec<u8>> {
    Ok(keys
        .masters
        .read()
        .map_err(|_| poisoned())?
        .seal_secret(&staff_aad(&staff.to_string()), seed))
}

/// Opens a staff member's sealed TOTP seed.
pub fn open_totp(keys: &Keys, staff: Uuid, blob: &[u8]) -> StoreResult<Zeroizing<Vec<u8>>> {
    keys.masters
        .read()
        .map_err(|_| poisoned())?
        .open_secret(&staff_aad(&staff.to_string()), blob)
        .ok_or_else(|| {
            StoreError::corrupt(
                "a TOTP seed does not open under any master key (missing key file?)",
            )
        })
}

/// Re-seals every staff TOTP seed not under the current master key; returns how many.
pub fn reseal_totp_seeds(conn: &Connection, keys: &Keys) -> StoreResult<usize> {
    let masters = keys.masters.read().map_err(|_| poisoned())?;
    let mut stmt = conn
        .prepare_cached("SELECT id, uuid, totp_secret FROM staff WHERE totp_secret IS NOT NULL")
        .map_err(db_err)?;
    let rows: Vec<(i64, String, Vec<u8>)> = stmt
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut n = 0;
    for (row, staff, blob) in rows {
        if masters.sealed_by_current(&blob) {
            continue;
        }
        let aad = staff_aad(&staff);
        let seed = masters.open_secret(&aad, &blob).ok_or_else(|| {
            StoreError::corrupt(
                "a TOTP seed does not open: keep the old master key in keys/master/",
            )
        })?;
        conn.prepare_cached("UPDATE staff SET totp_secret = ?1 WHERE id = ?2")
            .map_err(db_err)?
            .execute(params![masters.seal_secret(&aad, &seed), row])
            .map_err(db_err)?;
        n += 1;
    }
    Ok(n)
}

/// How many data keys are wrapped by each master key (for `keys status` and rotation).
pub fn keys_by_master(conn: &Connection) -> StoreResult<BTreeMap<String, u64>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT master_key, COUNT(*) FROM principals WHERE wrapped_key IS NOT NULL
             GROUP BY master_key",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map((), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })
        .map_err(db_err)?;
    rows.collect::<Result<_, _>>().map_err(db_err)
}
