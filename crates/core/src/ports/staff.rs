//! The staff port: what the staff use cases ([`crate::staff`]) need from storage. The store
//! implements it with SQL on its write transaction; `crate::staff`'s tests on an in-memory
//! fake. Secrets cross it only as the store keeps them (hashes, sealed seeds) or, once, as
//! freshly made (a session's tokens, recovery codes, a new TOTP secret): making them takes the
//! operating system's randomness, which is I/O.

use super::{Recorder, StoreResult};
use crate::authz::Scope;
use crate::staff::{CustomRole, RoleRef, SessionRow, StaffRow, Throttle, ThrottleKey};
use time::OffsetDateTime;
use uuid::Uuid;
use zeroize::Zeroizing;

/// What the sign-in's first look needs (before any password is hashed); a read connection
/// gives it as well as the write transaction.
pub trait StaffReads {
    /// The account of a (normalised) username.
    fn staff_by_username(&mut self, username: &str) -> StoreResult<Option<StaffRow>>;
    /// The failure count and lock of a throttle key (zero when never failed or forgotten).
    fn throttle(&mut self, key: &ThrottleKey) -> StoreResult<Throttle>;
    /// When `username` last completed a sign-in from `ip`, if it ever did (and it is not swept).
    fn known_since(
        &mut self,
        username: &str,
        ip: Option<&str>,
    ) -> StoreResult<Option<OffsetDateTime>>;
}

/// Staff accounts, their throttles, sessions, second factor and roles, in one transaction.
pub trait StaffPort: StaffReads + Recorder {
    fn staff_by_id(&mut self, id: Uuid) -> StoreResult<Option<StaffRow>>;
    /// Whether the fiduciary exists.
    fn fiduciary_exists(&mut self, fid: Uuid) -> StoreResult<bool>;
    /// Inserts an account (the username already normalised and free) and returns it as stored.
    fn insert_staff(
        &mut self,
        username: &str,
        fiduciary: Option<Uuid>,
        password_hash: &str,
        one_time: bool,
        created_by: &str,
    ) -> StoreResult<StaffRow>;
    /// Marks the account disabled and ends every session of it.
    fn disable_staff(&mut self, staff: &StaffRow) -> StoreResult<()>;
    /// Sets the password hash (clearing the one-time flag) and ends the account's sessions
    /// other than `keep`.
    fn set_password(
        &mut self,
        staff: &StaffRow,
        password_hash: &str,
        keep: &[u8; 32],
    ) -> StoreResult<()>;

    fn save_throttle(&mut self, key: &ThrottleKey, t: &Throttle) -> StoreResult<()>;
    /// Forgets a throttle key's failures and lock.
    fn clear_throttle(&mut self, key: &ThrottleKey) -> StoreResult<()>;
    /// Records that `username` completed a sign-in from `ip` now.
    fn remember_address(&mut self, username: &str, ip: Option<&str>) -> StoreResult<()>;
    /// Raises the operators' alert for a platform account locked out (a log line, not a row).
    fn alert_platform_lockout(&mut self, staff: Uuid, scope: &str);

    /// Opens a session with fresh secrets; returns (session token, CSRF token), shown once.
    fn insert_session(&mut self, staff: &StaffRow, mfa_done: bool)
    -> StoreResult<(String, String)>;
    fn session(&mut self, token_hash: &[u8; 32]) -> StoreResult<Option<SessionRow>>;
    /// Ends the sessions created before `before`.
    fn end_sessions_created_before(&mut self, before: OffsetDateTime) -> StoreResult<()>;
    /// Ends the account's sessions that have not given their second factor.
    fn end_half_sessions(&mut self, staff: &StaffRow) -> StoreResult<()>;
    /// Ends one session; whether it existed.
    fn end_session(&mut self, token_hash: &[u8; 32]) -> StoreResult<bool>;
    /// The session has given its second factor (and, with `seen`, its idle clock moves).
    fn set_mfa_done(
        &mut self,
        token_hash: &[u8; 32],
        seen: Option<OffsetDateTime>,
    ) -> StoreResult<()>;
    /// Moves the idle clock forward to `at` (never back).
    fn touch_session(&mut self, token_hash: &[u8; 32], at: OffsetDateTime) -> StoreResult<()>;

    /// The account's TOTP secret in clear (opened from its sealed form), if it has one; wiped
    /// from memory when dropped.
    fn totp_secret(&mut self, staff: &StaffRow) -> StoreResult<Option<Zeroizing<Vec<u8>>>>;
    /// A fresh TOTP secret, stored sealed and unconfirmed (the last used step forgotten).
    fn new_totp_secret(&mut self, staff: &StaffRow) -> StoreResult<Vec<u8>>;
    /// The time step of the code last accepted (each step is accepted once).
    fn set_totp_step(&mut self, staff: &StaffRow, step: i64) -> StoreResult<()>;
    /// The factor is confirmed, with the step of the code that confirmed it.
    fn confirm_totp(&mut self, staff: &StaffRow, step: i64) -> StoreResult<()>;
    /// Uses an unused recovery code: whether it was one.
    fn use_recovery_code(&mut self, staff: &StaffRow, code: &str) -> StoreResult<bool>;
    /// Replaces the account's recovery codes with `n` fresh ones (stored hashed) and returns
    /// them in clear, once.
    fn new_recovery_codes(&mut self, staff: &StaffRow, n: usize) -> StoreResult<Vec<String>>;

    /// Whether a custom role of that name exists in the scope.
    fn role_name_taken(&mut self, scope: Scope, name: &str) -> StoreResult<bool>;
    fn insert_role(&mut self, role: &CustomRole, created_by: &str) -> StoreResult<()>;
    /// Grants (or revokes) a role in a scope; whether anything changed (false: already held,
    /// or not held).
    fn set_grant(
        &mut self,
        staff: &StaffRow,
        role: RoleRef,
        scope: Scope,
        grant: bool,
        by: &str,
    ) -> StoreResult<bool>;
    /// Appends to the access report's history of grants and revocations.
    fn record_role_change(
        &mut self,
        staff: &StaffRow,
        role: RoleRef,
        scope: Scope,
        change: &str,
        by: &str,
    ) -> StoreResult<()>;
}
