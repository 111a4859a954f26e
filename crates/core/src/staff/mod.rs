//! Staff: accounts, sign-in with a second factor, lock-out, sessions and roles. The rules live
//! here as use cases over [`crate::ports::StaffPort`]; the store holds only the SQL.
//!
//! - [`signin`]: the password step, the lock-out (per address and per name, known addresses),
//!   the second factor, enrolment and unlocking.
//! - [`session`]: a session's idle and absolute lifetime.
//! - [`accounts`]: creating and disabling accounts, passwords, custom roles and grants.
//!
//! Password hashing is slow on purpose and never runs in a use case: callers hash and verify
//! off the writer (bounded in number) and pass the result in. Audit entries never name a
//! person: the initiator is `staff:<uuid>`, and actions at platform scope are recorded under
//! the nil fiduciary id.

pub mod accounts;
pub mod session;
pub mod signin;
#[cfg(test)]
mod tests;

pub use accounts::*;
pub use session::*;
pub use signin::*;

use crate::DomainError;
use crate::authz::{BuiltinRole, Permission, Scope};
use crate::error::DomainResult;
use std::collections::BTreeSet;
use time::OffsetDateTime;
use uuid::Uuid;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// Longest password accepted (bytes), so hashing cost stays bounded.
pub const MAX_PASSWORD_LEN: usize = 1024;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// What a secret field shows when printed.
pub const REDACTED: &str = "[redacted]";

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

/// A username as the throttles and known addresses key it (exists or not).
pub fn norm(username: &str) -> String {
    username.trim().to_ascii_lowercase()
}

/// The fiduciary id under which an action in a scope is audited (nil for the platform).
pub fn audit_fid(s: Scope) -> Uuid {
    match s {
        Scope::Platform => Uuid::nil(),
        Scope::Fiduciary(f) => f,
    }
}

// ---------- roles ----------

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

// ---------- accounts and sessions ----------

/// A staff account as stored (without its secrets' clear text, which are never stored).
#[derive(Clone)]
pub struct StaffRow {
    /// The store's own id of the row (opaque to the rules).
    pub rowid: i64,
    pub id: Uuid,
    pub username: String,
    /// The home fiduciary; None for platform staff.
    pub fiduciary: Option<Uuid>,
    pub password_hash: String,
    /// The TOTP seed as stored (sealed).
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
