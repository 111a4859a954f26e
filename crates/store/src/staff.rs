//! Staff accounts, their second factor, sessions, custom roles and role grants: the SQL behind
//! [`anumodan_core::ports::StaffPort`] (the rules are `anumodan_core::staff`'s use cases, which
//! this module re-exports so callers name one place).
//!
//! Secrets are never stored in clear: passwords as Argon2id PHC strings, session and CSRF
//! tokens and recovery codes as SHA-256 (they are 128+ bit random values, so a fast hash is
//! enough). The TOTP secret must be kept usable to check codes; it is stored sealed under the
//! master key. Throttles and known addresses are keyed by a SHA-256 of the username (and
//! address), so they name no one.
//!
//! Password hashing is slow on purpose and must never run on the writer thread: callers hash
//! and verify on a blocking thread and pass the result in.

use crate::conv::{db_err, from_ms, ms};
use crate::db::{Connection, OptionalExtension, params};
use crate::tx::WriteTx;
use anumodan_core::authz::Scope;
use anumodan_core::ports::{NotFoundExt, StaffPort, StaffReads, StoreError, StoreResult};
pub use anumodan_core::staff::*;
use anumodan_core::totp;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use time::OffsetDateTime;
use uuid::Uuid;

// ---------- secrets ----------

/// Argon2id with the OWASP parameters: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The Argon2id PHC string of a password (slow: call on a blocking thread).
pub fn hash_password(pw: &str) -> StoreResult<String> {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let salt =
        SaltString::encode_b64(&bytes).map_err(|e| StoreError::internal(format!("salt: {e}")))?;
    argon2()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::internal(format!("password hashing: {e}")))
}

/// Whether `pw` matches the PHC string (slow: call on a blocking thread). A malformed stored
/// hash never matches.
pub fn verify_password(phc: &str, pw: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => argon2().verify_password(pw.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A hash checked when the username is unknown, so that the answer takes as long as for a
/// wrong password.
pub fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_password("not a real password, only for timing").unwrap_or_default())
}

pub fn sha256(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A recovery code: 16 base32 characters (80 bits) in groups of four.
fn recovery_code() -> String {
    let mut b = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut b);
    let s = totp::base32_encode(&b).to_ascii_lowercase();
    format!("{}-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
}

/// Recovery codes are compared without their dashes, spaces or case.
fn recovery_hash(code: &str) -> [u8; 32] {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    sha256(&norm)
}

/// The stored key of a throttle: a hash, so the table names no one.
fn throttle_hash(key: &ThrottleKey) -> [u8; 32] {
    match key {
        ThrottleKey::Address { username, ip } => {
            sha256(&format!("staff-throttle:{}@{ip}", norm(username)))
        }
        ThrottleKey::Name(username) => sha256(&format!("staff-throttle:{}", norm(username))),
        ThrottleKey::SecondFactor(username) => {
            sha256(&format!("staff-throttle-mfa:{}", norm(username)))
        }
    }
}

/// Key of an address an account completed a sign-in from.
fn known_hash(username: &str, ip: Option<&str>) -> [u8; 32] {
    sha256(&format!(
        "staff-known:{}@{}",
        norm(username),
        ip.unwrap_or_default()
    ))
}

// ---------- roles and scopes ----------

/// The stored form of a scope: `""` for the platform, else the fiduciary's uuid.
pub fn scope_key(s: Scope) -> String {
    match s {
        Scope::Platform => String::new(),
        Scope::Fiduciary(f) => f.to_string(),
    }
}

pub fn scope_from_key(k: &str) -> StoreResult<Scope> {
    if k.is_empty() {
        Ok(Scope::Platform)
    } else {
        Uuid::parse_str(k)
            .map(Scope::Fiduciary)
            .map_err(|e| StoreError::corrupt(format!("stored scope: {e}")))
    }
}

// ---------- reads ----------

const STAFF_COLUMNS: &str = "id, uuid, username, fiduciary, password_hash, totp_secret, \
     totp_confirmed, totp_last_step, created_at, disabled_at, must_change_password";

fn staff_from_row(r: &crate::db::Row<'_>) -> Result<StaffRow, crate::db::DbError> {
    let uuid: String = r.get(1)?;
    let fid: Option<String> = r.get(3)?;
    let conv = |e: uuid::Error| crate::db::DbError::Conversion(format!("stored uuid: {e}"));
    Ok(StaffRow {
        rowid: r.get(0)?,
        id: Uuid::parse_str(&uuid).map_err(conv)?,
        username: r.get(2)?,
        fiduciary: fid.map(|f| Uuid::parse_str(&f)).transpose().map_err(conv)?,
        password_hash: r.get(4)?,
        totp_secret: r.get(5)?,
        totp_confirmed: r.get::<_, i64>(6)? != 0,
        totp_last_step: r.get(7)?,
        created_at: from_ms(r.get(8)?),
        disabled: r.get::<_, Option<i64>>(9)?.is_some(),
        must_change_password: r.get::<_, i64>(10)? != 0,
    })
}

pub fn staff_by_username(conn: &Connection, username: &str) -> StoreResult<Option<StaffRow>> {
    conn.prepare_cached(&format!(
        "SELECT {STAFF_COLUMNS} FROM staff WHERE username = ?1"
    ))
    .map_err(db_err)?
    .query_row([username.trim().to_ascii_lowercase()], staff_from_row)
    .optional()
    .map_err(db_err)
}

pub fn staff_by_id(conn: &Connection, id: Uuid) -> StoreResult<Option<StaffRow>> {
    conn.prepare_cached(&format!(
        "SELECT {STAFF_COLUMNS} FROM staff WHERE uuid = ?1"
    ))
    .map_err(db_err)?
    .query_row([id.to_string()], staff_from_row)
    .optional()
    .map_err(db_err)
}

fn staff_by_rowid(conn: &Connection, rowid: i64) -> StoreResult<Option<StaffRow>> {
    conn.prepare_cached(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?1"))
        .map_err(db_err)?
        .query_row([rowid], staff_from_row)
        .optional()
        .map_err(db_err)
}

/// Every staff account, oldest first.
pub fn all_staff(conn: &Connection) -> StoreResult<Vec<StaffRow>> {
    let mut st = conn
        .prepare_cached(&format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY id"))
        .map_err(db_err)?;
    let rows = st.query_map((), staff_from_row).map_err(db_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
}

pub fn custom_role(conn: &Connection, id: Uuid) -> StoreResult<Option<CustomRole>> {
    Ok(custom_roles(conn)?.into_iter().find(|r| r.id == id))
}

/// Every custom role.
pub fn custom_roles(conn: &Connection) -> StoreResult<Vec<CustomRole>> {
    let mut st = conn
        .prepare_cached(
            "SELECT uuid, fiduciary, name, permissions, created_at FROM roles ORDER BY created_at, name",
        )
        .map_err(db_err)?;
    let rows = st
        .query_map((), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })
        .map_err(db_err)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, scope, name, perms, at) = row.map_err(db_err)?;
        let names: Vec<String> = serde_json::from_str(&perms)
            .map_err(|e| StoreError::corrupt(format!("stored role: {e}")))?;
        out.push(CustomRole {
            id: Uuid::parse_str(&id).map_err(|e| StoreError::corrupt(e.to_string()))?,
            name,
            scope: scope_from_key(&scope)?,
            // A permission name this build does not know gives nothing.
            permissions: names.iter().filter_map(|n| n.parse().ok()).collect(),
            created_at: from_ms(at),
        });
    }
    Ok(out)
}

/// The roles a staff member holds, read from the database (so a change applies to the very
/// next request).
pub fn grants(conn: &Connection, staff_rowid: i64) -> StoreResult<Vec<Grant>> {
    let mut st = conn
        .prepare_cached(
            "SELECT role, scope, granted_at, granted_by FROM role_grants WHERE staff = ?1
             ORDER BY granted_at, role",
        )
        .map_err(db_err)?;
    let rows = st
        .query_map([staff_rowid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .map_err(db_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_err)?;
    let mut customs: Option<Vec<CustomRole>> = None;
    let mut out = Vec::new();
    for (role, scope, at, by) in rows {
        let scope = scope_from_key(&scope)?;
        let Some(rr) = RoleRef::parse(&role) else {
            continue;
        };
        let custom = match rr {
            RoleRef::Builtin(_) => None,
            RoleRef::Custom(id) => {
                if customs.is_none() {
                    customs = Some(custom_roles(conn)?);
                }
                customs
                    .as_ref()
                    .and_then(|c| c.iter().find(|r| r.id == id))
                    .cloned()
            }
        };
        let role_name = match (rr, &custom) {
            (RoleRef::Builtin(b), _) => b.as_str().to_string(),
            (RoleRef::Custom(_), Some(c)) => c.name.clone(),
            (RoleRef::Custom(_), None) => continue,
        };
        out.push(Grant {
            permissions: role_permissions(rr, scope, custom.as_ref()),
            role,
            role_name,
            scope,
            granted_at: from_ms(at),
            granted_by: by,
        });
    }
    Ok(out)
}

fn throttle(conn: &Connection, key: &ThrottleKey) -> StoreResult<Throttle> {
    Ok(conn
        .prepare_cached(
            "SELECT failures, lockouts, locked_until FROM staff_throttle WHERE name_hash = ?1",
        )
        .map_err(db_err)?
        .query_row([&throttle_hash(key)[..]], |r| {
            Ok(Throttle {
                failures: r.get(0)?,
                lockouts: r.get(1)?,
                locked_until: r.get::<_, Option<i64>>(2)?.map(from_ms),
            })
        })
        .optional()
        .map_err(db_err)?
        .unwrap_or_default())
}

fn known_since(
    conn: &Connection,
    username: &str,
    ip: Option<&str>,
) -> StoreResult<Option<OffsetDateTime>> {
    let last: Option<i64> = conn
        .prepare_cached("SELECT last_ok FROM staff_known_addresses WHERE addr_hash = ?1")
        .map_err(db_err)?
        .query_row([&known_hash(username, ip)[..]], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    Ok(last.map(from_ms))
}

/// The staff reads on a read connection (the sign-in's first look, before any hashing).
pub struct StaffReader<'a>(pub &'a Connection);

impl StaffReads for StaffReader<'_> {
    fn staff_by_username(&mut self, username: &str) -> StoreResult<Option<StaffRow>> {
        staff_by_username(self.0, username)
    }
    fn throttle(&mut self, key: &ThrottleKey) -> StoreResult<Throttle> {
        throttle(self.0, key)
    }
    fn known_since(
        &mut self,
        username: &str,
        ip: Option<&str>,
    ) -> StoreResult<Option<OffsetDateTime>> {
        known_since(self.0, username, ip)
    }
}

/// Forgets throttle rows that are not locked and were not touched for a day, and addresses not
/// signed in from for 90 days. Returns how many rows went.
pub fn sweep_throttles(tx: &mut WriteTx<'_>) -> StoreResult<usize> {
    let now = tx.now;
    let a = tx.exec(
        "DELETE FROM staff_throttle
         WHERE updated_at < ?1 AND (locked_until IS NULL OR locked_until < ?2)",
        params![ms(now - THROTTLE_TTL), ms(now)],
    )?;
    let b = tx.exec(
        "DELETE FROM staff_known_addresses WHERE last_ok < ?1",
        [ms(now - KNOWN_FOR)],
    )?;
    Ok(a + b)
}

pub fn session(conn: &Connection, token_hash: &[u8; 32]) -> StoreResult<Option<SessionRow>> {
    let row: Option<(i64, Vec<u8>, i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT staff, csrf_hash, mfa_done, created_at, last_seen FROM staff_sessions
             WHERE token_hash = ?1",
        )
        .map_err(db_err)?
        .query_row([&token_hash[..]], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()
        .map_err(db_err)?;
    let Some((staff, csrf_hash, mfa, created, seen)) = row else {
        return Ok(None);
    };
    let Some(staff) = staff_by_rowid(conn, staff)? else {
        return Ok(None);
    };
    Ok(Some(SessionRow {
        token_hash: *token_hash,
        staff,
        csrf_hash,
        mfa_done: mfa != 0,
        created_at: from_ms(created),
        last_seen: from_ms(seen),
    }))
}

/// One change of the access report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RoleChange {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub staff_id: Uuid,
    /// Absent where the reader may not see it (platform staff in a fiduciary's report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub role: String,
    pub scope: Scope,
    /// `granted` or `revoked`.
    pub change: String,
    /// Who did it: `staff:<uuid>` or `cli`.
    pub by: String,
}

/// Every grant and revocation, oldest first.
pub fn role_changes(conn: &Connection) -> StoreResult<Vec<RoleChange>> {
    let mut st = conn
        .prepare_cached(
            "SELECT c.at, s.uuid, s.username, c.role, c.scope, c.change, c.changed_by
             FROM role_changes c JOIN staff s ON s.id = c.staff ORDER BY c.id",
        )
        .map_err(db_err)?;
    let rows = st
        .query_map((), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .map_err(db_err)?;
    let mut out = Vec::new();
    for row in rows {
        let (at, id, username, role, scope, change, by) = row.map_err(db_err)?;
        out.push(RoleChange {
            at: from_ms(at),
            staff_id: Uuid::parse_str(&id).map_err(|e| StoreError::corrupt(e.to_string()))?,
            username: Some(username),
            role,
            scope: scope_from_key(&scope)?,
            change,
            by,
        });
    }
    Ok(out)
}

// ---------- the port ----------

impl StaffReads for WriteTx<'_> {
    fn staff_by_username(&mut self, username: &str) -> StoreResult<Option<StaffRow>> {
        staff_by_username(self.conn, username)
    }
    fn throttle(&mut self, key: &ThrottleKey) -> StoreResult<Throttle> {
        throttle(self.conn, key)
    }
    fn known_since(
        &mut self,
        username: &str,
        ip: Option<&str>,
    ) -> StoreResult<Option<OffsetDateTime>> {
        known_since(self.conn, username, ip)
    }
}

impl StaffPort for WriteTx<'_> {
    fn staff_by_id(&mut self, id: Uuid) -> StoreResult<Option<StaffRow>> {
        staff_by_id(self.conn, id)
    }

    fn fiduciary_exists(&mut self, fid: Uuid) -> StoreResult<bool> {
        Ok(self.fid(fid).found()?.is_some())
    }

    fn insert_staff(
        &mut self,
        username: &str,
        fiduciary: Option<Uuid>,
        password_hash: &str,
        one_time: bool,
        created_by: &str,
    ) -> StoreResult<StaffRow> {
        let id = Uuid::now_v7();
        self.exec(
            "INSERT INTO staff (uuid, username, fiduciary, password_hash, created_at, created_by,
                                must_change_password)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.to_string(),
                username,
                fiduciary.map(|f| f.to_string()),
                password_hash,
                ms(self.now),
                created_by,
                one_time
            ],
        )?;
        staff_by_id(self.conn, id)?.ok_or_else(|| StoreError::internal("staff row vanished"))
    }

    fn disable_staff(&mut self, staff: &StaffRow) -> StoreResult<()> {
        self.exec(
            "UPDATE staff SET disabled_at = ?1 WHERE id = ?2",
            params![ms(self.now), staff.rowid],
        )?;
        self.exec("DELETE FROM staff_sessions WHERE staff = ?1", [staff.rowid])?;
        Ok(())
    }

    fn set_password(
        &mut self,
        staff: &StaffRow,
        password_hash: &str,
        keep: &[u8; 32],
    ) -> StoreResult<()> {
        self.exec(
            "UPDATE staff SET password_hash = ?1, must_change_password = 0 WHERE id = ?2",
            params![password_hash, staff.rowid],
        )?;
        self.exec(
            "DELETE FROM staff_sessions WHERE staff = ?1 AND token_hash <> ?2",
            params![staff.rowid, &keep[..]],
        )?;
        Ok(())
    }

    fn save_throttle(&mut self, key: &ThrottleKey, t: &Throttle) -> StoreResult<()> {
        self.exec(
            "INSERT INTO staff_throttle (name_hash, failures, lockouts, locked_until, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (name_hash) DO UPDATE SET failures = excluded.failures,
               lockouts = excluded.lockouts, locked_until = excluded.locked_until,
               updated_at = excluded.updated_at",
            params![
                &throttle_hash(key)[..],
                t.failures,
                t.lockouts,
                t.locked_until.map(ms),
                ms(self.now)
            ],
        )?;
        Ok(())
    }

    fn clear_throttle(&mut self, key: &ThrottleKey) -> StoreResult<()> {
        self.exec(
            "DELETE FROM staff_throttle WHERE name_hash = ?1",
            [&throttle_hash(key)[..]],
        )?;
        Ok(())
    }

    fn remember_address(&mut self, username: &str, ip: Option<&str>) -> StoreResult<()> {
        self.exec(
            "INSERT INTO staff_known_addresses (addr_hash, last_ok) VALUES (?1, ?2)
             ON CONFLICT (addr_hash) DO UPDATE SET last_ok = excluded.last_ok",
            params![&known_hash(username, ip)[..], ms(self.now)],
        )?;
        Ok(())
    }

    fn alert_platform_lockout(&mut self, staff: Uuid, scope: &str) {
        tracing::error!(
            alert = "platform_staff_locked_out",
            staff = %staff,
            scope,
            "a platform staff account was locked out after failed sign-ins; \
             see docs/security.md (staff lock-out) for what to do"
        );
    }

    fn insert_session(
        &mut self,
        staff: &StaffRow,
        mfa_done: bool,
    ) -> StoreResult<(String, String)> {
        let token = random_token();
        let csrf = random_token();
        self.exec(
            "INSERT INTO staff_sessions (token_hash, staff, csrf_hash, mfa_done, created_at, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![
                &sha256(&token)[..],
                staff.rowid,
                &sha256(&csrf)[..],
                mfa_done,
                ms(self.now)
            ],
        )?;
        Ok((token, csrf))
    }

    fn session(&mut self, token_hash: &[u8; 32]) -> StoreResult<Option<SessionRow>> {
        session(self.conn, token_hash)
    }

    fn end_sessions_created_before(&mut self, before: OffsetDateTime) -> StoreResult<()> {
        self.exec(
            "DELETE FROM staff_sessions WHERE created_at < ?1",
            [ms(before)],
        )?;
        Ok(())
    }

    fn end_half_sessions(&mut self, staff: &StaffRow) -> StoreResult<()> {
        self.exec(
            "DELETE FROM staff_sessions WHERE staff = ?1 AND mfa_done = 0",
            [staff.rowid],
        )?;
        Ok(())
    }

    fn end_session(&mut self, token_hash: &[u8; 32]) -> StoreResult<bool> {
        let n = self.exec(
            "DELETE FROM staff_sessions WHERE token_hash = ?1",
            [&token_hash[..]],
        )?;
        Ok(n > 0)
    }

    fn set_mfa_done(
        &mut self,
        token_hash: &[u8; 32],
        seen: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        match seen {
            Some(at) => self.exec(
                "UPDATE staff_sessions SET mfa_done = 1, last_seen = ?1 WHERE token_hash = ?2",
                params![ms(at), &token_hash[..]],
            )?,
            None => self.exec(
                "UPDATE staff_sessions SET mfa_done = 1 WHERE token_hash = ?1",
                [&token_hash[..]],
            )?,
        };
        Ok(())
    }

    fn touch_session(&mut self, token_hash: &[u8; 32], at: OffsetDateTime) -> StoreResult<()> {
        self.exec(
            "UPDATE staff_sessions SET last_seen = CASE WHEN last_seen > ?1 THEN last_seen ELSE ?1 END WHERE token_hash = ?2",
            params![ms(at), &token_hash[..]],
        )?;
        Ok(())
    }

    fn totp_secret(
        &mut self,
        staff: &StaffRow,
    ) -> StoreResult<Option<zeroize::Zeroizing<Vec<u8>>>> {
        staff
            .totp_secret
            .as_deref()
            .map(|b| crate::vault::open_totp(self.keys, staff.id, b))
            .transpose()
    }

    fn new_totp_secret(&mut self, staff: &StaffRow) -> StoreResult<Vec<u8>> {
        let mut secret = vec![0u8; 20];
        rand::thread_rng().fill_bytes(&mut secret);
        // Stored sealed under the master key, never in clear.
        let sealed = crate::vault::seal_totp(self.keys, staff.id, &secret)?;
        self.exec(
            "UPDATE staff SET totp_secret = ?1, totp_last_step = NULL WHERE id = ?2",
            params![sealed, staff.rowid],
        )?;
        Ok(secret)
    }

    fn set_totp_step(&mut self, staff: &StaffRow, step: i64) -> StoreResult<()> {
        self.exec(
            "UPDATE staff SET totp_last_step = ?1 WHERE id = ?2",
            params![step, staff.rowid],
        )?;
        Ok(())
    }

    fn confirm_totp(&mut self, staff: &StaffRow, step: i64) -> StoreResult<()> {
        self.exec(
            "UPDATE staff SET totp_confirmed = 1, totp_last_step = ?1 WHERE id = ?2",
            params![step, staff.rowid],
        )?;
        Ok(())
    }

    fn use_recovery_code(&mut self, staff: &StaffRow, code: &str) -> StoreResult<bool> {
        let used = self.exec(
            "UPDATE staff_recovery_codes SET used_at = ?1
             WHERE staff = ?2 AND code_hash = ?3 AND used_at IS NULL",
            params![ms(self.now), staff.rowid, &recovery_hash(code)[..]],
        )?;
        Ok(used == 1)
    }

    fn new_recovery_codes(&mut self, staff: &StaffRow, n: usize) -> StoreResult<Vec<String>> {
        self.exec(
            "DELETE FROM staff_recovery_codes WHERE staff = ?1",
            [staff.rowid],
        )?;
        let mut codes = Vec::with_capacity(n);
        for _ in 0..n {
            let c = recovery_code();
            self.exec(
                "INSERT INTO staff_recovery_codes (staff, code_hash) VALUES (?1, ?2)",
                params![staff.rowid, &recovery_hash(&c)[..]],
            )?;
            codes.push(c);
        }
        Ok(codes)
    }

    fn role_name_taken(&mut self, scope: Scope, name: &str) -> StoreResult<bool> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM roles WHERE fiduciary = ?1 AND name = ?2",
                params![scope_key(scope), name],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        Ok(n > 0)
    }

    fn insert_role(&mut self, role: &CustomRole, created_by: &str) -> StoreResult<()> {
        let names: Vec<&str> = role.permissions.iter().map(|p| p.as_str()).collect();
        self.exec(
            "INSERT INTO roles (uuid, fiduciary, name, permissions, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                role.id.to_string(),
                scope_key(role.scope),
                role.name,
                serde_json::to_string(&names).map_err(|e| StoreError::internal(e.to_string()))?,
                ms(role.created_at),
                created_by
            ],
        )?;
        Ok(())
    }

    fn set_grant(
        &mut self,
        staff: &StaffRow,
        role: RoleRef,
        scope: Scope,
        grant: bool,
        by: &str,
    ) -> StoreResult<bool> {
        let n = if grant {
            self.exec(
                "INSERT INTO role_grants (staff, role, scope, granted_at, granted_by)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                params![staff.rowid, role.key(), scope_key(scope), ms(self.now), by],
            )?
        } else {
            self.exec(
                "DELETE FROM role_grants WHERE staff = ?1 AND role = ?2 AND scope = ?3",
                params![staff.rowid, role.key(), scope_key(scope)],
            )?
        };
        Ok(n > 0)
    }

    fn record_role_change(
        &mut self,
        staff: &StaffRow,
        role: RoleRef,
        scope: Scope,
        change: &str,
        by: &str,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO role_changes (at, staff, role, scope, change, changed_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![ms(self.now), staff.rowid, role.key(), scope_key(scope), change, by],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    /// Issue 19, item 5: every type holding a password hash, token, code or key prints without it.
    #[test]
    fn secrets_never_print() {
        let row = StaffRow {
            rowid: 1,
            id: Uuid::nil(),
            username: "root".into(),
            fiduciary: None,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$SECRETSALT$SECRETHASH".into(),
            totp_secret: Some(b"SECRETSEED".to_vec()),
            totp_confirmed: true,
            totp_last_step: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            disabled: false,
            must_change_password: false,
        };
        let printed = [
            format!("{row:?}"),
            format!(
                "{:?}",
                SessionRow {
                    token_hash: [0xAB; 32],
                    staff: row.clone(),
                    csrf_hash: vec![0xCD; 32],
                    mfa_done: true,
                    created_at: OffsetDateTime::UNIX_EPOCH,
                    last_seen: OffsetDateTime::UNIX_EPOCH,
                }
            ),
            format!(
                "{:?}",
                NewSession {
                    token: "SECRETTOKEN".into(),
                    csrf_token: "SECRETCSRF".into(),
                    staff: row.clone(),
                }
            ),
            format!("{:?}", SecondFactor::Totp("SECRET123456".into())),
            format!("{:?}", SecondFactor::RecoveryCode("SECRETRECOVERY".into())),
            format!(
                "{:?}",
                crate::admin::NewApiKey {
                    id: Uuid::nil(),
                    name: "k".into(),
                    scopes: Default::default(),
                    api_key: "anm_SECRETKEY".into(),
                }
            ),
        ];
        for p in &printed {
            assert!(!p.contains("SECRET"), "{p}");
            assert!(!p.contains("171, 171"), "no token hash bytes: {p}");
            assert!(p.contains(REDACTED), "{p}");
        }
    }
}
