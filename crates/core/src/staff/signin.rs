//! Signing in: the password step, the lock-out, the second factor, enrolling one, unlocking.
//!
//! The lock-out counts failed passwords per (name, address) and per name. An address's count
//! locks that address after `max_failures`; the name's count locks the name after
//! [`NAME_FACTOR`] times as many, except at an address the account completed a sign-in from in
//! the last [`KNOWN_FOR`], so that guesses from elsewhere do not lock the owner out where they
//! usually work. Each further lock-out of a key doubles its length, up to `max_lock`. The
//! second factor has its own count, which a correct password does not reset; its lock ends the
//! account's half-signed-in sessions, never the complete ones. The ledger is told once per
//! window (the first failure, and each lock with its count), not once per guess.

use crate::DomainError;
use crate::audit::{Action, AuditRecord};
use crate::error::Result;
use crate::ports::{StaffPort, StaffReads, StoreResult};
use crate::staff::{NewSession, SecondFactor, StaffRow, norm};
use crate::totp;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How long an address an account signed in from stays known.
pub const KNOWN_FOR: Duration = Duration::days(90);
/// The name-wide lock needs this many times the failures of an address's lock.
pub const NAME_FACTOR: u32 = 4;
/// Throttle rows not locked and untouched this long are forgotten.
pub const THROTTLE_TTL: Duration = Duration::hours(24);

/// Lock-out policy.
#[derive(Clone, Copy, Debug)]
pub struct Lockout {
    /// Consecutive failures that lock the account.
    pub max_failures: u32,
    /// First lock-out; each further one doubles it, up to `max_lock`.
    pub base_lock: Duration,
    pub max_lock: Duration,
}

impl Default for Lockout {
    fn default() -> Self {
        Lockout {
            max_failures: 5,
            base_lock: Duration::minutes(1),
            max_lock: Duration::hours(1),
        }
    }
}

/// What a throttle counts: a username's passwords from one address, a username's passwords
/// from anywhere, or an account's second factor. The store keys each by a hash.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    Address { username: String, ip: String },
    Name(String),
    SecondFactor(String),
}

impl ThrottleKey {
    pub fn address(username: &str, ip: Option<&str>) -> Self {
        ThrottleKey::Address {
            username: norm(username),
            ip: ip.unwrap_or_default().to_string(),
        }
    }
    pub fn name(username: &str) -> Self {
        ThrottleKey::Name(norm(username))
    }
    pub fn second_factor(username: &str) -> Self {
        ThrottleKey::SecondFactor(norm(username))
    }
}

/// The throttle state of a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Throttle {
    pub failures: u32,
    pub lockouts: u32,
    pub locked_until: Option<OffsetDateTime>,
}

fn retry_after(until: OffsetDateTime, now: OffsetDateTime) -> u64 {
    let s = (until - now).whole_milliseconds().max(0) as u64;
    s.div_ceil(1000).max(1)
}

impl Throttle {
    /// If the key is locked now: the seconds until it is not.
    pub fn locked(&self, now: OffsetDateTime) -> Option<u64> {
        self.locked_until
            .filter(|u| *u > now)
            .map(|u| retry_after(u, now))
    }

    /// Counts a failure; locks once `threshold` failures are reached (the lock doubling with
    /// each lock-out, up to `max_lock`, the count starting again). Returns the failures counted
    /// in this window and the seconds of the lock it set, if it set one.
    pub fn fail(
        &mut self,
        now: OffsetDateTime,
        threshold: u32,
        policy: &Lockout,
    ) -> (u32, Option<u64>) {
        self.failures += 1;
        let counted = self.failures;
        let mut lock = None;
        if self.failures >= threshold {
            let factor = 1i32 << self.lockouts.min(20);
            let d = (policy.base_lock * factor).min(policy.max_lock);
            self.failures = 0;
            self.lockouts += 1;
            self.locked_until = Some(now + d);
            lock = Some(retry_after(now + d, now));
        }
        (counted, lock)
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

fn is_known<P: StaffReads + ?Sized>(
    p: &mut P,
    username: &str,
    ip: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    Ok(p.known_since(username, ip)?
        .is_some_and(|t| t > now - KNOWN_FOR))
}

/// Seconds until `username` may try a password again from `ip`, if they may not now: the lock
/// of that address, or the lock of the name as a whole, which does not apply at a known
/// address. Read before any password is hashed.
pub fn password_locked<P: StaffReads + ?Sized>(
    p: &mut P,
    username: &str,
    ip: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<Option<u64>> {
    if let Some(secs) = p.throttle(&ThrottleKey::address(username, ip))?.locked(now) {
        return Ok(Some(secs));
    }
    match p.throttle(&ThrottleKey::name(username))?.locked(now) {
        Some(secs) if !is_known(p, username, ip, now)? => Ok(Some(secs)),
        _ => Ok(None),
    }
}

/// A staff entry: who, where from, and the account or role concerned as the entry's artefact.
pub(crate) fn record(
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

/// Counts a failure against a key and saves it.
fn bump<P: StaffPort + ?Sized>(
    p: &mut P,
    key: &ThrottleKey,
    threshold: u32,
    policy: &Lockout,
) -> StoreResult<(u32, Option<u64>)> {
    let now = p.time();
    let mut t = p.throttle(key)?;
    let out = t.fail(now, threshold, policy);
    p.save_throttle(key, &t)?;
    Ok(out)
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
    fn record<P: StaffPort + ?Sized>(
        &self,
        p: &mut P,
        first: bool,
        outcome: &str,
        locks: &[(&str, u32)],
    ) -> StoreResult<()> {
        if first {
            p.record(&record(
                Action::StaffSignInFailed,
                self.fid,
                outcome,
                self.initiator,
                self.source_ip,
                None,
            ))?;
        }
        for &(scope, failures) in locks {
            p.record(&record(
                Action::StaffLockedOut,
                self.fid,
                &format!("locked scope={scope} failures={failures}"),
                self.initiator,
                self.source_ip,
                None,
            ))?;
            if let Some(a) = self.account.filter(|a| a.fiduciary.is_none()) {
                p.alert_platform_lockout(a.id, scope);
            }
        }
        Ok(())
    }
}

/// Records a wrong password (or an unknown name) from `ip`; returns the seconds of the lock
/// this caller now faces, if any.
fn fail_password<P: StaffPort + ?Sized>(
    p: &mut P,
    username: &str,
    ip: Option<&str>,
    policy: &Lockout,
    who: &Failing<'_>,
) -> StoreResult<Option<u64>> {
    let (pf, pair_lock) = bump(
        p,
        &ThrottleKey::address(username, ip),
        policy.max_failures,
        policy,
    )?;
    let (nf, name_lock) = bump(
        p,
        &ThrottleKey::name(username),
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
    who.record(p, nf == 1, "bad_credentials", &locks)?;
    let now = p.time();
    let name_applies = name_lock.is_some() && !is_known(p, username, ip, now)?;
    Ok(pair_lock.or(name_lock.filter(|_| name_applies)))
}

/// A completed sign-in: the second-factor failures start again, and the address is known.
fn completed<P: StaffPort + ?Sized>(
    p: &mut P,
    username: &str,
    ip: Option<&str>,
) -> StoreResult<()> {
    p.clear_throttle(&ThrottleKey::second_factor(username))?;
    p.remember_address(username, ip)
}

/// The password step of signing in. `staff` is the account the caller found for `username`
/// (None if unknown), `password_ok` whether its password matched (checked by the caller, off
/// the writer). The session it opens still needs the second factor. Sessions older than
/// `absolute` are swept.
pub fn sign_in<P: StaffPort + ?Sized>(
    p: &mut P,
    username: &str,
    staff: Option<Uuid>,
    password_ok: bool,
    policy: &Lockout,
    absolute: Duration,
    source_ip: Option<&str>,
) -> StoreResult<Attempt<NewSession>> {
    let now = p.time();
    p.end_sessions_created_before(now - absolute)?;
    // Read again in the transaction: the account may have changed since the caller looked.
    let row = match staff {
        Some(id) => p.staff_by_id(id)?,
        None => None,
    };
    let (fid, initiator) = match &row {
        Some(s) => (s.audit_fid(), s.initiator()),
        None => (Uuid::nil(), "staff:unknown".to_string()),
    };
    // Attempts while locked are refused without a word in the ledger (the lock was recorded).
    if let Some(secs) = password_locked(p, username, source_ip, now)? {
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
        return Ok(match fail_password(p, username, source_ip, policy, &who)? {
            Some(secs) => Attempt::Locked(secs),
            None => Attempt::Failed,
        });
    };
    // A correct password: the password failures of the name and of this address start again.
    p.clear_throttle(&ThrottleKey::address(username, source_ip))?;
    p.clear_throttle(&ThrottleKey::name(username))?;
    let (token, csrf_token) = p.insert_session(&s, false)?;
    let outcome = if s.totp_confirmed {
        "password_ok"
    } else {
        // No second factor yet: the session may only enrol one, so the sign-in is complete.
        completed(p, username, source_ip)?;
        "mfa_enrolment_required"
    };
    p.record(&record(
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

/// The second step of signing in: a TOTP code (each time step is accepted once) or an unused
/// recovery code. Failures have their own count (a correct password does not reset it); a
/// lock-out ends the account's half-signed-in sessions, never its complete ones.
pub fn second_factor<P: StaffPort + ?Sized>(
    p: &mut P,
    token_hash: &[u8; 32],
    factor: &SecondFactor,
    policy: &Lockout,
    source_ip: Option<&str>,
) -> StoreResult<Attempt<()>> {
    let now = p.time();
    let Some(sess) = p.session(token_hash)? else {
        return Ok(Attempt::Failed);
    };
    let s = sess.staff;
    let key = ThrottleKey::second_factor(&s.username);
    let initiator = s.initiator();
    if let Some(secs) = p.throttle(&key)?.locked(now) {
        p.end_half_sessions(&s)?;
        return Ok(Attempt::Locked(secs));
    }
    let (ok, outcome, fail_outcome) = match factor {
        SecondFactor::Totp(code) if s.totp_confirmed => match p.totp_secret(&s)? {
            Some(secret) => {
                let unix = now.unix_timestamp();
                match totp::verify(&secret, code, unix, s.totp_last_step) {
                    Some(step) => {
                        p.set_totp_step(&s, step)?;
                        (true, "ok", "")
                    }
                    None if totp::verify(&secret, code, unix, None).is_some() => {
                        (false, "", "replayed_code")
                    }
                    None => (false, "", "bad_mfa_code"),
                }
            }
            None => (false, "", "bad_mfa_code"),
        },
        SecondFactor::RecoveryCode(code) if s.totp_confirmed => {
            if p.use_recovery_code(&s, code)? {
                (true, "recovery_code", "")
            } else {
                (false, "", "bad_recovery_code")
            }
        }
        _ => (false, "", "bad_mfa_code"),
    };
    if !ok {
        let (failures, lock) = bump(p, &key, policy.max_failures, policy)?;
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
        who.record(p, failures == 1, fail_outcome, locks)?;
        return Ok(match lock {
            Some(secs) => {
                p.end_half_sessions(&s)?;
                Attempt::Locked(secs)
            }
            None => Attempt::Failed,
        });
    }
    p.set_mfa_done(token_hash, Some(now))?;
    completed(p, &s.username, source_ip)?;
    p.record(&record(
        Action::StaffSignedIn,
        s.audit_fid(),
        outcome,
        &initiator,
        source_ip,
        None,
    ))?;
    Ok(Attempt::Ok(()))
}

/// Lifts the lock-outs of `username` (the name as a whole, the second factor, and with
/// `address` that address's) and their failure counts, recorded in the ledger as an
/// `admin.action`. Returns how many of them were locked.
pub fn unlock<P: StaffPort + ?Sized>(
    p: &mut P,
    username: &str,
    address: Option<&str>,
    initiator: &str,
) -> StoreResult<usize> {
    let mut keys = vec![
        ThrottleKey::name(username),
        ThrottleKey::second_factor(username),
    ];
    if address.is_some() {
        keys.push(ThrottleKey::address(username, address));
    }
    let now = p.time();
    let mut lifted = 0;
    for key in keys {
        if p.throttle(&key)?.locked(now).is_some() {
            lifted += 1;
        }
        // The counts go too: the owner starts afresh.
        p.clear_throttle(&key)?;
    }
    let account = p.staff_by_username(&norm(username))?;
    let fid = account.as_ref().map_or(Uuid::nil(), StaffRow::audit_fid);
    p.record(&record(
        Action::AdminAction,
        fid,
        &format!("staff_unlocked locks={lifted}"),
        initiator,
        None,
        account.map(|a| a.id),
    ))?;
    Ok(lifted)
}

/// Starts (or restarts) TOTP enrolment: a new secret, not used until confirmed. Refused once a
/// factor is confirmed.
pub fn start_enrolment<P: StaffPort + ?Sized>(p: &mut P, staff: Uuid) -> Result<Vec<u8>> {
    let Some(s) = p.staff_by_id(staff)? else {
        return Err(DomainError::not_found("staff_not_found", "no such staff member").into());
    };
    if s.totp_confirmed {
        return Err(already_enrolled().into());
    }
    Ok(p.new_totp_secret(&s)?)
}

fn already_enrolled() -> DomainError {
    DomainError::conflict(
        "mfa_already_enrolled",
        "a second factor is already enrolled",
    )
}

/// Confirms enrolment with a code from the new secret: the factor is on, this session counts as
/// signed in with it, and fresh recovery codes (returned once, stored hashed) replace any old.
pub fn confirm_enrolment<P: StaffPort + ?Sized>(
    p: &mut P,
    token_hash: &[u8; 32],
    code: &str,
    source_ip: Option<&str>,
) -> Result<Vec<String>> {
    let now = p.time();
    let Some(sess) = p.session(token_hash)? else {
        return Err(DomainError::not_found("session_not_found", "no such session").into());
    };
    let s = sess.staff;
    if s.totp_confirmed {
        return Err(already_enrolled().into());
    }
    let Some(secret) = p.totp_secret(&s)? else {
        return Err(DomainError::conflict(
            "mfa_not_started",
            "start enrolment first (POST /v1/staff/me/mfa/enrol)",
        )
        .into());
    };
    let Some(step) = totp::verify(&secret, code, now.unix_timestamp(), None) else {
        return Err(DomainError::invalid(
            "invalid_mfa_code",
            "the code does not match the new secret",
        )
        .into());
    };
    p.confirm_totp(&s, step)?;
    let codes = p.new_recovery_codes(&s, super::RECOVERY_CODES)?;
    p.set_mfa_done(token_hash, None)?;
    completed(p, &s.username, source_ip)?;
    p.record(&record(
        Action::MfaEnrolled,
        s.audit_fid(),
        "ok",
        &s.initiator(),
        source_ip,
        None,
    ))?;
    Ok(codes)
}
