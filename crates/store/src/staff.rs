//! Staff accounts, their second factor, sessions, custom roles and role grants (SQLite).
//!
//! Secrets are never stored in clear: passwords as Argon2id PHC strings, session and CSRF
//! tokens and recovery codes as SHA-256 (they are 128+ bit random values, so a fast hash is
//! enough). The TOTP secret must be kept usable to check codes; it lives in the database, which
//! is protected like the data directory's keys.
//!
//! Password hashing is slow on purpose and must never run on the writer thread: callers hash
//! and verify on a blocking thread and pass the result in.
//!
//! Audit entries never name a person: the initiator is `staff:<uuid>`, the principal is absent,
//! and actions at platform scope are recorded under the nil fiduciary id.

use crate::conv::{db_err, from_ms, ms};
use crate::db::{Connection, OptionalExtension, params};
use crate::tx::WriteTx;
use anumodan_core::DomainError;
use anumodan_core::audit::{Action, AuditRecord};
use anumodan_core::authz::{BuiltinRole, Permission, Scope};
use anumodan_core::error::DomainResult;
use anumodan_core::ports::{NotFoundExt, StoreError, StoreResult, Tx};
use anumodan_core::totp;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::OnceLock;
use time::OffsetDateTime;
use uuid::Uuid;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// Longest password accepted (bytes), so hashing cost stays bounded.
pub const MAX_PASSWORD_LEN: usize = 1024;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;

// ---------- secrets ----------

/// Argon2id with the OWASP parameters: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a new password's length.
pub fn check_password(pw: &str) -> DomainResult<()> {
    if pw.chars().count() < MIN_PASSWORD_LEN || pw.len() > MAX_PASSWORD_LEN {
        return Err(DomainError::invalid(
            "weak_password",
            format!("a password must have {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters"),
        ));
    }
    Ok(())
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

/// Lower-cases and checks a username: 3-64 characters from `a-z 0-9 . _ - @`.
pub fn normalize_username(u: &str) -> DomainResult<String> {
    let u = u.trim().to_ascii_lowercase();
    let ok = (3..=64).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    if !ok {
        return Err(DomainError::invalid(
            "invalid_username",
            "a username has 3-64 characters from a-z, 0-9, '.', '_', '-' and '@'",
        ));
    }
    Ok(u)
}

/// Key of the sign-in throttle of a username (exists or not).
pub fn name_hash(username: &str) -> [u8; 32] {
    sha256(&format!("staff-throttle:{}", norm(username)))
}

fn norm(username: &str) -> String {
    username.trim().to_ascii_lowercase()
}

/// Key of the password throttle of a username from one client address.
fn pair_hash(username: &str, ip: Option<&str>) -> [u8; 32] {
    sha256(&format!(
        "staff-throttle:{}@{}",
        norm(username),
        ip.unwrap_or_default()
    ))
}

/// Key of the second-factor throttle of an account (its own count, apart from passwords).
fn mfa_hash(username: &str) -> [u8; 32] {
    sha256(&format!("staff-throttle-mfa:{}", norm(username)))
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

/// The fiduciary id under which an action in a scope is audited (nil for the platform).
pub fn audit_fid(s: Scope) -> Uuid {
    match s {
        Scope::Platform => Uuid::nil(),
        Scope::Fiduciary(f) => f,
    }
}

/// A custom role.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CustomRole {
    pub id: Uuid,
    pub name: String,
    pub scope: Scope,
    pub permissions: BTreeSet<Permission>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A role: builtin by name, or custom by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleRef {
    Builtin(BuiltinRole),
    Custom(Uuid),
}

impl RoleRef {
    /// `admin`, `dpo`, `auditor`, `operator` or a custom role's uuid.
    pub fn parse(s: &str) -> Option<RoleRef> {
        BuiltinRole::parse(s)
            .map(RoleRef::Builtin)
            .or_else(|| Uuid::parse_str(s).ok().map(RoleRef::Custom))
    }

    pub fn key(self) -> String {
        match self {
            RoleRef::Builtin(b) => b.as_str().to_string(),
            RoleRef::Custom(u) => u.to_string(),
        }
    }
}

/// A role held by a staff member in a scope, with the permissions it gives there.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Grant {
    /// `admin`, `dpo`, `auditor`, `operator` or a custom role's id.
    pub role: String,
    /// The role's name (the builtin name, or the custom role's).
    pub role_name: String,
    pub scope: Scope,
    pub permissions: BTreeSet<Permission>,
    #[serde(with = "time::serde::rfc3339")]
    pub granted_at: OffsetDateTime,
    pub granted_by: String,
}

/// What a role gives in a scope. `FiduciaryManage` only ever at platform scope.
pub fn role_permissions(
    role: RoleRef,
    scope: Scope,
    custom: Option<&CustomRole>,
) -> BTreeSet<Permission> {
    let mut p = match role {
        RoleRef::Builtin(b) => b.permissions(scope),
        RoleRef::Custom(_) => custom.map(|c| c.permissions.clone()).unwrap_or_default(),
    };
    if scope != Scope::Platform {
        p.remove(&Permission::FiduciaryManage);
    }
    p
}

// ---------- staff rows ----------

/// A staff account as stored (without its secrets' clear text, which are never stored).
#[derive(Clone)]
pub struct StaffRow {
    pub rowid: i64,
    pub id: Uuid,
    pub username: String,
    /// The home fiduciary; None for platform staff.
    pub fiduciary: Option<Uuid>,
    pub password_hash: String,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_confirmed: bool,
    pub totp_last_step: Option<i64>,
    pub created_at: OffsetDateTime,
    pub disabled: bool,
    /// Created with a one-time password: must set its own before using any role.
    pub must_change_password: bool,
}

/// Secrets (the password hash, the sealed TOTP seed) never print.
impl std::fmt::Debug for StaffRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("fiduciary", &self.fiduciary)
            .field("password_hash", &REDACTED)
            .field("totp_secret", &self.totp_secret.as_ref().map(|_| REDACTED))
            .field("totp_confirmed", &self.totp_confirmed)
            .field("disabled", &self.disabled)
            .field("must_change_password", &self.must_change_password)
            .finish_non_exhaustive()
    }
}

/// What a secret field shows when printed.
pub const REDACTED: &str = "[redacted]";

impl StaffRow {
    pub fn initiator(&self) -> String {
        format!("staff:{}", self.id)
    }
    pub fn home_scope(&self) -> Scope {
        self.fiduciary.map_or(Scope::Platform, Scope::Fiduciary)
    }
    pub fn audit_fid(&self) -> Uuid {
        self.fiduciary.unwrap_or(Uuid::nil())
    }
}

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

/// The throttle state of a username.
#[derive(Clone, Copy, Debug, Default)]
pub struct Throttle {
    pub failures: u32,
    pub lockouts: u32,
    pub locked_until: Option<OffsetDateTime>,
}

fn throttle(conn: &Connection, key: &[u8; 32]) -> StoreResult<Throttle> {
    Ok(conn
        .prepare_cached(
            "SELECT failures, lockouts, locked_until FROM staff_throttle WHERE name_hash = ?1",
        )
        .map_err(db_err)?
        .query_row([&key[..]], |r| {
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

/// How long an address an account signed in from stays known.
const KNOWN_FOR: time::Duration = time::Duration::days(90);
/// The name-wide lock needs this many times the failures of an address's lock.
const NAME_FACTOR: u32 = 4;
/// Throttle rows not locked and untouched this long are forgotten.
const THROTTLE_TTL: time::Duration = time::Duration::hours(24);

fn is_known(
    conn: &Connection,
    username: &str,
    ip: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let last: Option<i64> = conn
        .prepare_cached("SELECT last_ok FROM staff_known_addresses WHERE addr_hash = ?1")
        .map_err(db_err)?
        .query_row([&known_hash(username, ip)[..]], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    Ok(last.is_some_and(|t| from_ms(t) > now - KNOWN_FOR))
}

/// Seconds until `username` may try a password again from `ip`, if they may not now: the lock
/// of that address, or the lock of the name as a whole, which does not apply at an address the
/// account completed a sign-in from in the last 90 days (so guesses from elsewhere do not lock
/// the owner out where they usually work). Read before any password is hashed.
pub fn password_locked(
    conn: &Connection,
    username: &str,
    ip: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<Option<u64>> {
    if let Some(secs) = locked(&throttle(conn, &pair_hash(username, ip))?, now) {
        return Ok(Some(secs));
    }
    match locked(&throttle(conn, &name_hash(username))?, now) {
        Some(secs) if !is_known(conn, username, ip, now)? => Ok(Some(secs)),
        _ => Ok(None),
    }
}

/// Forgets throttle rows that are not locked and were not touched for a day, and addresses not
/// signed in from for 90 days. Returns how many rows went.
pub fn sweep_throttles(tx: &mut WriteTx<'_>) -> StoreResult<usize> {
    let now = tx.now();
    let a = exec(
        tx,
        "DELETE FROM staff_throttle
         WHERE updated_at < ?1 AND (locked_until IS NULL OR locked_until < ?2)",
        params![ms(now - THROTTLE_TTL), ms(now)],
    )?;
    let b = exec(
        tx,
        "DELETE FROM staff_known_addresses WHERE last_ok < ?1",
        [ms(now - KNOWN_FOR)],
    )?;
    Ok(a + b)
}

/// A session as looked up by its token.
#[derive(Clone)]
pub struct SessionRow {
    pub token_hash: [u8; 32],
    pub staff: StaffRow,
    pub csrf_hash: Vec<u8>,
    pub mfa_done: bool,
    pub created_at: OffsetDateTime,
    pub last_seen: OffsetDateTime,
}

impl std::fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("token_hash", &REDACTED)
            .field("staff", &self.staff)
            .field("csrf_hash", &REDACTED)
            .field("mfa_done", &self.mfa_done)
            .finish_non_exhaustive()
    }
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

// ---------- writes ----------

fn record(
    action: Action,
    fid: Uuid,
    outcome: &str,
    initiator: &str,
    source_ip: Option<&str>,
    target: Option<Uuid>,
) -> AuditRecord {
    AuditRecord {
        source_ip: source_ip.map(str::to_string),
        artefact_id: target,
        ..AuditRecord::admin(action, fid, outcome, initiator)
    }
}

fn exec(tx: &WriteTx<'_>, sql: &str, p: impl crate::db::Params) -> StoreResult<usize> {
    tx.conn()
        .prepare_cached(sql)
        .map_err(db_err)?
        .execute(p)
        .map_err(db_err)
}

/// A staff account as shown by the API.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StaffView {
    pub id: Uuid,
    pub username: String,
    /// The home fiduciary; absent for platform staff.
    pub fiduciary_id: Option<Uuid>,
    pub mfa_enrolled: bool,
    pub disabled: bool,
    pub must_change_password: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<&StaffRow> for StaffView {
    fn from(s: &StaffRow) -> Self {
        StaffView {
            id: s.id,
            username: s.username.clone(),
            fiduciary_id: s.fiduciary,
            mfa_enrolled: s.totp_confirmed,
            disabled: s.disabled,
            must_change_password: s.must_change_password,
            created_at: s.created_at,
        }
    }
}

/// Creates a staff account with an already hashed password. `fiduciary` None: platform staff.
/// A `one_time` password must be replaced (`change_password`) before any role can be used.
pub fn create_staff(
    tx: &mut WriteTx<'_>,
    username: &str,
    fiduciary: Option<Uuid>,
    password_hash: &str,
    one_time: bool,
    initiator: &str,
) -> StoreResult<DomainResult<StaffView>> {
    let username = match normalize_username(username) {
        Ok(u) => u,
        Err(e) => return Ok(Err(e)),
    };
    if let Some(f) = fiduciary
        && tx.fid(f).found()?.is_none()
    {
        return Ok(Err(DomainError::not_found(
            "fiduciary_not_found",
            "no such fiduciary",
        )));
    }
    if staff_by_username(tx.conn(), &username)?.is_some() {
        return Ok(Err(DomainError::conflict(
            "already_exists",
            "that username is taken",
        )));
    }
    let id = Uuid::now_v7();
    let now = tx.now();
    exec(
        tx,
        "INSERT INTO staff (uuid, username, fiduciary, password_hash, created_at, created_by,
                            must_change_password)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.to_string(),
            username,
            fiduciary.map(|f| f.to_string()),
            password_hash,
            ms(now),
            initiator,
            one_time
        ],
    )?;
    tx.append_audit(&record(
        Action::StaffCreated,
        fiduciary.unwrap_or(Uuid::nil()),
        "ok",
        initiator,
        None,
        Some(id),
    ))?;
    let row =
        staff_by_id(tx.conn(), id)?.ok_or_else(|| StoreError::internal("staff row vanished"))?;
    Ok(Ok(StaffView::from(&row)))
}

/// Disables an account; its sessions end at once.
pub fn disable_staff(
    tx: &mut WriteTx<'_>,
    id: Uuid,
    initiator: &str,
    source_ip: Option<&str>,
) -> StoreResult<DomainResult<StaffView>> {
    let Some(s) = staff_by_id(tx.conn(), id)? else {
        return Ok(Err(DomainError::not_found(
            "staff_not_found",
            "no such staff member",
        )));
    };
    if !s.disabled {
        let now = ms(tx.now());
        exec(
            tx,
            "UPDATE staff SET disabled_at = ?1 WHERE id = ?2",
            params![now, s.rowid],
        )?;
        exec(tx, "DELETE FROM staff_sessions WHERE staff = ?1", [s.rowid])?;
        tx.append_audit(&record(
            Action::StaffDisabled,
            s.audit_fid(),
            "ok",
            initiator,
            source_ip,
            Some(s.id),
        ))?;
    }
    let row =
        staff_by_id(tx.conn(), id)?.ok_or_else(|| StoreError::internal("staff row vanished"))?;
    Ok(Ok(StaffView::from(&row)))
}

/// Creates a custom role (the caller has checked the permissions and scope).
pub fn create_role(
    tx: &mut WriteTx<'_>,
    name: &str,
    scope: Scope,
    permissions: &BTreeSet<Permission>,
    initiator: &str,
    source_ip: Option<&str>,
) -> StoreResult<DomainResult<CustomRole>> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 100
        || anumodan_core::text::has_forbidden(name)
        || BuiltinRole::parse(&name.to_ascii_lowercase()).is_some()
    {
        return Ok(Err(DomainError::invalid(
            "invalid_role_name",
            "a role name has 1-100 characters without control characters and is not a builtin role's",
        )));
    }
    if let Scope::Fiduciary(f) = scope
        && tx.fid(f).found()?.is_none()
    {
        return Ok(Err(DomainError::not_found(
            "fiduciary_not_found",
            "no such fiduciary",
        )));
    }
    let exists: i64 = tx
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM roles WHERE fiduciary = ?1 AND name = ?2",
            params![scope_key(scope), name],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    if exists > 0 {
        return Ok(Err(DomainError::conflict(
            "already_exists",
            "a role of that name exists in this scope",
        )));
    }
    let role = CustomRole {
        id: Uuid::now_v7(),
        name: name.to_string(),
        scope,
        permissions: permissions.clone(),
        created_at: tx.now(),
    };
    let names: Vec<&str> = permissions.iter().map(|p| p.as_str()).collect();
    exec(
        tx,
        "INSERT INTO roles (uuid, fiduciary, name, permissions, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            role.id.to_string(),
            scope_key(scope),
            role.name,
            serde_json::to_string(&names).map_err(|e| StoreError::internal(e.to_string()))?,
            ms(role.created_at),
            initiator
        ],
    )?;
    tx.append_audit(&record(
        Action::RoleCreated,
        audit_fid(scope),
        "ok",
        initiator,
        source_ip,
        Some(role.id),
    ))?;
    Ok(Ok(role))
}

/// Grants (or, with `grant` false, revokes) a role to a staff member in a scope; recorded in
/// `role_changes` and audited as `role.changed` (outcome `granted:<role>` or `revoked:<role>`,
/// the staff member's id as the entry's artefact).
pub fn change_role(
    tx: &mut WriteTx<'_>,
    staff: Uuid,
    role: RoleRef,
    scope: Scope,
    grant: bool,
    initiator: &str,
    source_ip: Option<&str>,
) -> StoreResult<DomainResult<()>> {
    let Some(s) = staff_by_id(tx.conn(), staff)? else {
        return Ok(Err(DomainError::not_found(
            "staff_not_found",
            "no such staff member",
        )));
    };
    let key = role.key();
    let now = ms(tx.now());
    let sk = scope_key(scope);
    let changed = if grant {
        exec(
            tx,
            "INSERT INTO role_grants (staff, role, scope, granted_at, granted_by)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            params![s.rowid, key, sk, now, initiator],
        )?
    } else {
        exec(
            tx,
            "DELETE FROM role_grants WHERE staff = ?1 AND role = ?2 AND scope = ?3",
            params![s.rowid, key, sk],
        )?
    };
    if changed == 0 {
        return Ok(Err(if grant {
            DomainError::conflict(
                "already_granted",
                "the staff member already holds that role there",
            )
        } else {
            DomainError::not_found(
                "grant_not_found",
                "the staff member does not hold that role there",
            )
        }));
    }
    let change = if grant { "granted" } else { "revoked" };
    exec(
        tx,
        "INSERT INTO role_changes (at, staff, role, scope, change, changed_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now, s.rowid, key, sk, change, initiator],
    )?;
    tx.append_audit(&record(
        Action::RoleChanged,
        audit_fid(scope),
        &format!("{change}:{key}"),
        initiator,
        source_ip,
        Some(s.id),
    ))?;
    Ok(Ok(()))
}

/// Lock-out policy.
#[derive(Clone, Copy, Debug)]
pub struct Lockout {
    /// Consecutive failures that lock the account.
    pub max_failures: u32,
    /// First lock-out; each further one doubles it, up to `max_lock`.
    pub base_lock: time::Duration,
    pub max_lock: time::Duration,
}

impl Default for Lockout {
    fn default() -> Self {
        Lockout {
            max_failures: 5,
            base_lock: time::Duration::minutes(1),
            max_lock: time::Duration::hours(1),
        }
    }
}

/// The answer to a sign-in step.
#[derive(Debug)]
pub enum Attempt<T> {
    Ok(T),
    /// Wrong credentials (or an unknown, disabled or otherwise unusable account: the same
    /// answer, so nothing is revealed).
    Failed,
    /// Locked out: try again after this many seconds.
    Locked(u64),
}

/// A new session's secrets, shown once to the client.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub staff: StaffRow,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("token", &REDACTED)
            .field("csrf_token", &REDACTED)
            .field("staff", &self.staff)
            .finish()
    }
}

fn retry_after(until: OffsetDateTime, now: OffsetDateTime) -> u64 {
    let s = (until - now).whole_milliseconds().max(0) as u64;
    s.div_ceil(1000).max(1)
}

/// If the name is locked now: the seconds until it is not.
fn locked(t: &Throttle, now: OffsetDateTime) -> Option<u64> {
    t.locked_until
        .filter(|u| *u > now)
        .map(|u| retry_after(u, now))
}

/// Counts a failure against a throttle key; locks it once `threshold` failures are reached (the
/// lock doubling with each lock-out, up to `max_lock`). Returns the failures counted in this
/// window and the seconds of the lock it set, if it set one.
fn bump(
    tx: &WriteTx<'_>,
    key: &[u8; 32],
    threshold: u32,
    policy: &Lockout,
) -> StoreResult<(u32, Option<u64>)> {
    let now = tx.now();
    let mut t = throttle(tx.conn(), key)?;
    t.failures += 1;
    let counted = t.failures;
    let mut lock = None;
    if t.failures >= threshold {
        let factor = 1i32 << t.lockouts.min(20);
        let d = (policy.base_lock * factor).min(policy.max_lock);
        t.failures = 0;
        t.lockouts += 1;
        t.locked_until = Some(now + d);
        lock = Some(retry_after(now + d, now));
    }
    exec(
        tx,
        "INSERT INTO staff_throttle (name_hash, failures, lockouts, locked_until, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (name_hash) DO UPDATE SET failures = excluded.failures,
           lockouts = excluded.lockouts, locked_until = excluded.locked_until,
           updated_at = excluded.updated_at",
        params![
            &key[..],
            t.failures,
            t.lockouts,
            t.locked_until.map(ms),
            ms(now)
        ],
    )?;
    Ok((counted, lock))
}

/// Who a failed step is about, for its ledger entries and alerts.
struct Failing<'a> {
    account: Option<&'a StaffRow>,
    fid: Uuid,
    initiator: &'a str,
    source_ip: Option<&'a str>,
}

impl Failing<'_> {
    /// The ledger is told once per window, not once per guess: at the first failure, and when a
    /// lock is set (with the count). A locked platform account raises an alert.
    fn record(
        &self,
        tx: &mut WriteTx<'_>,
        first: bool,
        outcome: &str,
        locks: &[(&str, u32)],
    ) -> StoreResult<()> {
        if first {
            tx.append_audit(&record(
                Action::StaffSignInFailed,
                self.fid,
                outcome,
                self.initiator,
                self.source_ip,
                None,
            ))?;
        }
        for &(scope, failures) in locks {
            tx.append_audit(&record(
                Action::StaffLockedOut,
                self.fid,
                &format!("locked scope={scope} failures={failures}"),
                self.initiator,
                self.source_ip,
                None,
            ))?;
            if let Some(a) = self.account.filter(|a| a.fiduciary.is_none()) {
                tracing::error!(
                    alert = "platform_staff_locked_out",
                    staff = %a.id,
                    scope,
                    "a platform staff account was locked out after failed sign-ins; \
                     see docs/security.md (staff lock-out) for what to do"
                );
            }
        }
        Ok(())
    }
}

/// Records a wrong password (or an unknown name) from `ip`; returns the seconds of the lock
/// this caller now faces, if any.
fn fail_password(
    tx: &mut WriteTx<'_>,
    username: &str,
    ip: Option<&str>,
    policy: &Lockout,
    who: &Failing<'_>,
) -> StoreResult<Option<u64>> {
    let (pf, pair_lock) = bump(tx, &pair_hash(username, ip), policy.max_failures, policy)?;
    let (nf, name_lock) = bump(
        tx,
        &name_hash(username),
        policy.max_failures.saturating_mul(NAME_FACTOR),
        policy,
    )?;
    let mut locks = Vec::new();
    if pair_lock.is_some() {
        locks.push(("address", pf));
    }
    if name_lock.is_some() {
        locks.push(("name", nf));
    }
    who.record(tx, nf == 1, "bad_credentials", &locks)?;
    let name_applies = name_lock.is_some() && !is_known(tx.conn(), username, ip, tx.now())?;
    Ok(pair_lock.or(name_lock.filter(|_| name_applies)))
}

/// Lifts the lock-outs of `username` (the name as a whole, the second factor, and with
/// `address` that address's) and their failure counts, recorded in the ledger as an
/// `admin.action`. Returns how many of them were locked.
pub fn unlock(
    tx: &mut WriteTx<'_>,
    username: &str,
    address: Option<&str>,
    initiator: &str,
) -> StoreResult<usize> {
    let mut keys = vec![name_hash(username), mfa_hash(username)];
    if address.is_some() {
        keys.push(pair_hash(username, address));
    }
    let now = tx.now();
    let mut lifted = 0;
    for key in keys {
        if locked(&throttle(tx.conn(), &key)?, now).is_some() {
            lifted += 1;
        }
        // The counts go too: the owner starts afresh.
        exec(
            tx,
            "DELETE FROM staff_throttle WHERE name_hash = ?1",
            [&key[..]],
        )?;
    }
    let account = staff_by_username(tx.conn(), &norm(username))?;
    let fid = account.as_ref().map_or(Uuid::nil(), StaffRow::audit_fid);
    tx.append_audit(&record(
        Action::AdminAction,
        fid,
        &format!("staff_unlocked locks={lifted}"),
        initiator,
        None,
        account.map(|a| a.id),
    ))?;
    Ok(lifted)
}

/// A correct password: the password failures of the name and of this address start again.
fn clear_password_failures(tx: &WriteTx<'_>, username: &str, ip: Option<&str>) -> StoreResult<()> {
    for key in [pair_hash(username, ip), name_hash(username)] {
        exec(
            tx,
            "DELETE FROM staff_throttle WHERE name_hash = ?1",
            [&key[..]],
        )?;
    }
    Ok(())
}

/// A completed sign-in: the second-factor failures start again, and the address is known.
fn completed(tx: &WriteTx<'_>, username: &str, ip: Option<&str>) -> StoreResult<()> {
    exec(
        tx,
        "DELETE FROM staff_throttle WHERE name_hash = ?1",
        [&mfa_hash(username)[..]],
    )?;
    exec(
        tx,
        "INSERT INTO staff_known_addresses (addr_hash, last_ok) VALUES (?1, ?2)
         ON CONFLICT (addr_hash) DO UPDATE SET last_ok = excluded.last_ok",
        params![&known_hash(username, ip)[..], ms(tx.now())],
    )?;
    Ok(())
}

fn insert_session(
    tx: &WriteTx<'_>,
    staff: &StaffRow,
    mfa_done: bool,
) -> StoreResult<(String, String)> {
    let token = random_token();
    let csrf = random_token();
    let now = ms(tx.now());
    exec(
        tx,
        "INSERT INTO staff_sessions (token_hash, staff, csrf_hash, mfa_done, created_at, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            &sha256(&token)[..],
            staff.rowid,
            &sha256(&csrf)[..],
            mfa_done,
            now
        ],
    )?;
    Ok((token, csrf))
}

/// The password step of signing in. `staff` is the account found for `username` (None if
/// unknown), `password_ok` whether its password matched (checked by the caller, off the writer).
/// The session it opens still needs the second factor. Sessions older than `absolute` are
/// swept.
pub fn sign_in(
    tx: &mut WriteTx<'_>,
    username: &str,
    staff: Option<Uuid>,
    password_ok: bool,
    policy: &Lockout,
    absolute: time::Duration,
    source_ip: Option<&str>,
) -> StoreResult<Attempt<NewSession>> {
    let now = tx.now();
    exec(
        tx,
        "DELETE FROM staff_sessions WHERE created_at < ?1",
        [ms(now - absolute)],
    )?;
    // Read again on the writer: the account may have changed since the caller looked.
    let row = match staff {
        Some(id) => staff_by_id(tx.conn(), id)?,
        None => None,
    };
    let (fid, initiator) = match &row {
        Some(s) => (s.audit_fid(), s.initiator()),
        None => (Uuid::nil(), "staff:unknown".to_string()),
    };
    // Attempts while locked are refused without a word in the ledger (the lock was recorded).
    if let Some(secs) = password_locked(tx.conn(), username, source_ip, now)? {
        return Ok(Attempt::Locked(secs));
    }
    let usable = row.as_ref().filter(|s| password_ok && !s.disabled).cloned();
    let Some(s) = usable else {
        let who = Failing {
            account: row.as_ref(),
            fid,
            initiator: &initiator,
            source_ip,
        };
        return Ok(
            match fail_password(tx, username, source_ip, policy, &who)? {
                Some(secs) => Attempt::Locked(secs),
                None => Attempt::Failed,
            },
        );
    };
    clear_password_failures(tx, username, source_ip)?;
    let (token, csrf_token) = insert_session(tx, &s, false)?;
    let outcome = if s.totp_confirmed {
        "password_ok"
    } else {
        // No second factor yet: the session may only enrol one, so the sign-in is complete.
        completed(tx, username, source_ip)?;
        "mfa_enrolment_required"
    };
    tx.append_audit(&record(
        Action::StaffSignedIn,
        s.audit_fid(),
        outcome,
        &s.initiator(),
        source_ip,
        None,
    ))?;
    Ok(Attempt::Ok(NewSession {
        token,
        csrf_token,
        staff: s,
    }))
}

/// A second factor offered at sign-in.
#[derive(Clone)]
pub enum SecondFactor {
    Totp(String),
    RecoveryCode(String),
}

impl std::fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            SecondFactor::Totp(_) => "Totp",
            SecondFactor::RecoveryCode(_) => "RecoveryCode",
        };
        f.debug_tuple(kind).field(&REDACTED).finish()
    }
}

/// The second step of signing in: a TOTP code (each time step is accepted once) or an unused
/// recovery code. Failures have their own count (a correct password does not reset it); a
/// lock-out ends the account's half-signed-in sessions, never its complete ones.
pub fn second_factor(
    tx: &mut WriteTx<'_>,
    token_hash: &[u8; 32],
    factor: &SecondFactor,
    policy: &Lockout,
    source_ip: Option<&str>,
) -> StoreResult<Attempt<()>> {
    let now = tx.now();
    let Some(sess) = session(tx.conn(), token_hash)? else {
        return Ok(Attempt::Failed);
    };
    let s = sess.staff;
    let key = mfa_hash(&s.username);
    let initiator = s.initiator();
    // The half-signed-in sessions of the account: a second-factor lock ends them, never the
    // sessions that completed their second factor.
    let end_half_sessions = |tx: &WriteTx<'_>| {
        exec(
            tx,
            "DELETE FROM staff_sessions WHERE staff = ?1 AND mfa_done = 0",
            [s.rowid],
        )
    };
    if let Some(secs) = locked(&throttle(tx.conn(), &key)?, now) {
        end_half_sessions(tx)?;
        return Ok(Attempt::Locked(secs));
    }
    let seed = s
        .totp_secret
        .as_deref()
        .map(|b| crate::vault::open_totp(tx.keys(), s.id, b))
        .transpose()?;
    let (ok, outcome, fail_outcome) = match (factor, seed.as_deref()) {
        (SecondFactor::Totp(code), Some(secret)) if s.totp_confirmed => {
            let unix = now.unix_timestamp();
            match totp::verify(secret, code, unix, s.totp_last_step) {
                Some(step) => {
                    exec(
                        tx,
                        "UPDATE staff SET totp_last_step = ?1 WHERE id = ?2",
                        params![step, s.rowid],
                    )?;
                    (true, "ok", "")
                }
                None if totp::verify(secret, code, unix, None).is_some() => {
                    (false, "", "replayed_code")
                }
                None => (false, "", "bad_mfa_code"),
            }
        }
        (SecondFactor::RecoveryCode(code), _) if s.totp_confirmed => {
            let used = exec(
                tx,
                "UPDATE staff_recovery_codes SET used_at = ?1
                 WHERE staff = ?2 AND code_hash = ?3 AND used_at IS NULL",
                params![ms(now), s.rowid, &recovery_hash(code)[..]],
            )?;
            if used == 1 {
                (true, "recovery_code", "")
            } else {
                (false, "", "bad_recovery_code")
            }
        }
        _ => (false, "", "bad_mfa_code"),
    };
    if !ok {
        let (failures, lock) = bump(tx, &key, policy.max_failures, policy)?;
        let who = Failing {
            account: Some(&s),
            fid: s.audit_fid(),
            initiator: &initiator,
            source_ip,
        };
        let locks: &[(&str, u32)] = if lock.is_some() {
            &[("second_factor", failures)]
        } else {
            &[]
        };
        who.record(tx, failures == 1, fail_outcome, locks)?;
        return Ok(match lock {
            Some(secs) => {
                end_half_sessions(tx)?;
                Attempt::Locked(secs)
            }
            None => Attempt::Failed,
        });
    }
    exec(
        tx,
        "UPDATE staff_sessions SET mfa_done = 1, last_seen = ?1 WHERE token_hash = ?2",
        params![ms(now), &token_hash[..]],
    )?;
    completed(tx, &s.username, source_ip)?;
    tx.append_audit(&record(
        Action::StaffSignedIn,
        s.audit_fid(),
        outcome,
        &initiator,
        source_ip,
        None,
    ))?;
    Ok(Attempt::Ok(()))
}

/// Starts (or restarts) TOTP enrolment: a new secret, not used until confirmed. Refused once a
/// factor is confirmed.
pub fn start_enrolment(tx: &mut WriteTx<'_>, staff: Uuid) -> StoreResult<DomainResult<Vec<u8>>> {
    let Some(s) = staff_by_id(tx.conn(), staff)? else {
        return Ok(Err(DomainError::not_found(
            "staff_not_found",
            "no such staff member",
        )));
    };
    if s.totp_confirmed {
        return Ok(Err(DomainError::conflict(
            "mfa_already_enrolled",
            "a second factor is already enrolled",
        )));
    }
    let mut secret = vec![0u8; 20];
    rand::thread_rng().fill_bytes(&mut secret);
    // Stored sealed under the master key, never in clear.
    let sealed = crate::vault::seal_totp(tx.keys(), s.id, &secret)?;
    exec(
        tx,
        "UPDATE staff SET totp_secret = ?1, totp_last_step = NULL WHERE id = ?2",
        params![sealed, s.rowid],
    )?;
    Ok(Ok(secret))
}

/// Confirms enrolment with a code from the new secret: the factor is on, this session counts as
/// signed in with it, and fresh recovery codes (returned once, stored hashed) replace any old.
pub fn confirm_enrolment(
    tx: &mut WriteTx<'_>,
    token_hash: &[u8; 32],
    code: &str,
    source_ip: Option<&str>,
) -> StoreResult<DomainResult<Vec<String>>> {
    let now = tx.now();
    let Some(sess) = session(tx.conn(), token_hash)? else {
        return Ok(Err(DomainError::not_found(
            "session_not_found",
            "no such session",
        )));
    };
    let s = sess.staff;
    if s.totp_confirmed {
        return Ok(Err(DomainError::conflict(
            "mfa_already_enrolled",
            "a second factor is already enrolled",
        )));
    }
    let Some(sealed) = &s.totp_secret else {
        return Ok(Err(DomainError::conflict(
            "mfa_not_started",
            "start enrolment first (POST /v1/staff/me/mfa/enrol)",
        )));
    };
    let secret = crate::vault::open_totp(tx.keys(), s.id, sealed)?;
    let Some(step) = totp::verify(&secret, code, now.unix_timestamp(), None) else {
        return Ok(Err(DomainError::invalid(
            "invalid_mfa_code",
            "the code does not match the new secret",
        )));
    };
    exec(
        tx,
        "UPDATE staff SET totp_confirmed = 1, totp_last_step = ?1 WHERE id = ?2",
        params![step, s.rowid],
    )?;
    exec(
        tx,
        "DELETE FROM staff_recovery_codes WHERE staff = ?1",
        [s.rowid],
    )?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let c = recovery_code();
        exec(
            tx,
            "INSERT INTO staff_recovery_codes (staff, code_hash) VALUES (?1, ?2)",
            params![s.rowid, &recovery_hash(&c)[..]],
        )?;
        codes.push(c);
    }
    exec(
        tx,
        "UPDATE staff_sessions SET mfa_done = 1 WHERE token_hash = ?1",
        [&token_hash[..]],
    )?;
    completed(tx, &s.username, source_ip)?;
    tx.append_audit(&record(
        Action::MfaEnrolled,
        s.audit_fid(),
        "ok",
        &s.initiator(),
        source_ip,
        None,
    ))?;
    Ok(Ok(codes))
}

/// Moves a session's idle clock forward.
pub fn touch_session(tx: &mut WriteTx<'_>, token_hash: &[u8; 32]) -> StoreResult<()> {
    let now = ms(tx.now());
    exec(
        tx,
        "UPDATE staff_sessions SET last_seen = CASE WHEN last_seen > ?1 THEN last_seen ELSE ?1 END WHERE token_hash = ?2",
        params![now, &token_hash[..]],
    )?;
    Ok(())
}

/// Ends a session (signing out, or found expired). Audited when `audit` is given.
pub fn end_session(
    tx: &mut WriteTx<'_>,
    token_hash: &[u8; 32],
    audit: Option<(&StaffRow, &str, Option<&str>)>,
) -> StoreResult<()> {
    let n = exec(
        tx,
        "DELETE FROM staff_sessions WHERE token_hash = ?1",
        [&token_hash[..]],
    )?;
    if let Some((s, outcome, ip)) = audit
        && n > 0
    {
        tx.append_audit(&record(
            Action::StaffSignedOut,
            s.audit_fid(),
            outcome,
            &s.initiator(),
            ip,
            None,
        ))?;
    }
    Ok(())
}

/// Sets a staff member's own new password (already hashed); the account's other sessions end.
pub fn change_password(
    tx: &mut WriteTx<'_>,
    token_hash: &[u8; 32],
    new_hash: &str,
    source_ip: Option<&str>,
) -> StoreResult<DomainResult<()>> {
    let Some(sess) = session(tx.conn(), token_hash)? else {
        return Ok(Err(DomainError::not_found(
            "session_not_found",
            "no such session",
        )));
    };
    let s = sess.staff;
    exec(
        tx,
        "UPDATE staff SET password_hash = ?1, must_change_password = 0 WHERE id = ?2",
        params![new_hash, s.rowid],
    )?;
    exec(
        tx,
        "DELETE FROM staff_sessions WHERE staff = ?1 AND token_hash <> ?2",
        params![s.rowid, &token_hash[..]],
    )?;
    tx.append_audit(&record(
        Action::StaffPasswordChanged,
        s.audit_fid(),
        "ok",
        &s.initiator(),
        source_ip,
        Some(s.id),
    ))?;
    Ok(Ok(()))
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
