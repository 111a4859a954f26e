//! The staff rules against an in-memory port.

use super::*;
use crate::audit::{Action, AuditRecord};
use crate::ports::{Recorder, StaffPort, StaffReads, StoreResult};
use crate::totp;
use std::collections::{HashMap, HashSet};
use time::{Duration, OffsetDateTime};

/// Everything the staff port keeps, in memory.
#[derive(Default)]
pub(super) struct Fake {
    pub now: Option<OffsetDateTime>,
    pub staff: Vec<StaffRow>,
    pub throttles: HashMap<ThrottleKey, Throttle>,
    pub known: HashMap<(String, String), OffsetDateTime>,
    pub sessions: HashMap<[u8; 32], SessionRow>,
    pub secrets: HashMap<i64, Vec<u8>>,
    pub recovery: HashMap<i64, HashSet<String>>,
    pub grants: HashSet<(i64, String, Scope)>,
    pub roles: Vec<CustomRole>,
    pub fiduciaries: HashSet<Uuid>,
    pub ledger: Vec<AuditRecord>,
    pub alerts: Vec<(Uuid, String)>,
    pub next: u8,
}

fn th(token: &str) -> [u8; 32] {
    let mut h = [0u8; 32];
    for (i, b) in token.bytes().enumerate() {
        h[i % 32] ^= b;
    }
    h
}

impl Fake {
    fn at(t: OffsetDateTime) -> Fake {
        Fake {
            now: Some(t),
            ..Fake::default()
        }
    }
    fn advance(&mut self, d: Duration) {
        self.now = Some(self.time() + d);
    }
    fn add(&mut self, username: &str, password: &str, home: Option<Uuid>) -> Uuid {
        self.insert_staff(username, home, password, false, "test")
            .unwrap()
            .id
    }
    fn with_totp(&mut self, id: Uuid) -> Vec<u8> {
        let secret = b"12345678901234567890".to_vec();
        let s = self.staff.iter_mut().find(|s| s.id == id).unwrap();
        s.totp_confirmed = true;
        s.totp_secret = Some(b"sealed".to_vec());
        self.secrets.insert(s.rowid, secret.clone());
        secret
    }
    fn actions(&self) -> Vec<(Action, String)> {
        self.ledger
            .iter()
            .map(|r| (r.action, r.outcome.clone()))
            .collect()
    }
    fn row(&self, id: Uuid) -> StaffRow {
        self.staff.iter().find(|s| s.id == id).unwrap().clone()
    }
}

impl Recorder for Fake {
    fn time(&self) -> OffsetDateTime {
        self.now.unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
    fn record(&mut self, entry: &AuditRecord) -> StoreResult<u64> {
        self.ledger.push(entry.clone());
        Ok(self.ledger.len() as u64 - 1)
    }
}

impl StaffReads for Fake {
    fn staff_by_username(&mut self, username: &str) -> StoreResult<Option<StaffRow>> {
        Ok(self.staff.iter().find(|s| s.username == username).cloned())
    }
    fn throttle(&mut self, key: &ThrottleKey) -> StoreResult<Throttle> {
        Ok(self.throttles.get(key).copied().unwrap_or_default())
    }
    fn known_since(
        &mut self,
        username: &str,
        ip: Option<&str>,
    ) -> StoreResult<Option<OffsetDateTime>> {
        Ok(self
            .known
            .get(&(norm(username), ip.unwrap_or_default().to_string()))
            .copied())
    }
}

impl StaffPort for Fake {
    fn staff_by_id(&mut self, id: Uuid) -> StoreResult<Option<StaffRow>> {
        Ok(self.staff.iter().find(|s| s.id == id).cloned())
    }
    fn fiduciary_exists(&mut self, fid: Uuid) -> StoreResult<bool> {
        Ok(self.fiduciaries.contains(&fid))
    }
    fn insert_staff(
        &mut self,
        username: &str,
        fiduciary: Option<Uuid>,
        password_hash: &str,
        one_time: bool,
        _by: &str,
    ) -> StoreResult<StaffRow> {
        let row = StaffRow {
            rowid: self.staff.len() as i64 + 1,
            id: Uuid::now_v7(),
            username: username.into(),
            fiduciary,
            password_hash: password_hash.into(),
            totp_secret: None,
            totp_confirmed: false,
            totp_last_step: None,
            created_at: self.time(),
            disabled: false,
            must_change_password: one_time,
        };
        self.staff.push(row.clone());
        Ok(row)
    }
    fn disable_staff(&mut self, staff: &StaffRow) -> StoreResult<()> {
        self.staff
            .iter_mut()
            .find(|s| s.id == staff.id)
            .unwrap()
            .disabled = true;
        self.sessions.retain(|_, s| s.staff.id != staff.id);
        Ok(())
    }
    fn set_password(&mut self, staff: &StaffRow, hash: &str, keep: &[u8; 32]) -> StoreResult<()> {
        let s = self.staff.iter_mut().find(|s| s.id == staff.id).unwrap();
        s.password_hash = hash.into();
        s.must_change_password = false;
        self.sessions
            .retain(|k, s| s.staff.id != staff.id || k == keep);
        Ok(())
    }
    fn save_throttle(&mut self, key: &ThrottleKey, t: &Throttle) -> StoreResult<()> {
        self.throttles.insert(key.clone(), *t);
        Ok(())
    }
    fn clear_throttle(&mut self, key: &ThrottleKey) -> StoreResult<()> {
        self.throttles.remove(key);
        Ok(())
    }
    fn remember_address(&mut self, username: &str, ip: Option<&str>) -> StoreResult<()> {
        let now = self.time();
        self.known
            .insert((norm(username), ip.unwrap_or_default().to_string()), now);
        Ok(())
    }
    fn alert_platform_lockout(&mut self, staff: Uuid, scope: &str) {
        self.alerts.push((staff, scope.into()));
    }
    fn insert_session(
        &mut self,
        staff: &StaffRow,
        mfa_done: bool,
    ) -> StoreResult<(String, String)> {
        self.next += 1;
        let token = format!("token-{}", self.next);
        let now = self.time();
        self.sessions.insert(
            th(&token),
            SessionRow {
                token_hash: th(&token),
                staff: staff.clone(),
                csrf_hash: vec![],
                mfa_done,
                created_at: now,
                last_seen: now,
            },
        );
        Ok((token, format!("csrf-{}", self.next)))
    }
    fn session(&mut self, token_hash: &[u8; 32]) -> StoreResult<Option<SessionRow>> {
        Ok(self.sessions.get(token_hash).cloned().map(|mut s| {
            s.staff = self
                .staff
                .iter()
                .find(|r| r.id == s.staff.id)
                .unwrap()
                .clone();
            s
        }))
    }
    fn end_sessions_created_before(&mut self, before: OffsetDateTime) -> StoreResult<()> {
        self.sessions.retain(|_, s| s.created_at >= before);
        Ok(())
    }
    fn end_half_sessions(&mut self, staff: &StaffRow) -> StoreResult<()> {
        self.sessions
            .retain(|_, s| s.staff.id != staff.id || s.mfa_done);
        Ok(())
    }
    fn end_session(&mut self, token_hash: &[u8; 32]) -> StoreResult<bool> {
        Ok(self.sessions.remove(token_hash).is_some())
    }
    fn set_mfa_done(
        &mut self,
        token_hash: &[u8; 32],
        seen: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        if let Some(s) = self.sessions.get_mut(token_hash) {
            s.mfa_done = true;
            if let Some(t) = seen {
                s.last_seen = t;
            }
        }
        Ok(())
    }
    fn touch_session(&mut self, token_hash: &[u8; 32], at: OffsetDateTime) -> StoreResult<()> {
        if let Some(s) = self.sessions.get_mut(token_hash) {
            s.last_seen = s.last_seen.max(at);
        }
        Ok(())
    }
    fn totp_secret(
        &mut self,
        staff: &StaffRow,
    ) -> StoreResult<Option<zeroize::Zeroizing<Vec<u8>>>> {
        Ok(self.secrets.get(&staff.rowid).cloned().map(Into::into))
    }
    fn new_totp_secret(&mut self, staff: &StaffRow) -> StoreResult<Vec<u8>> {
        let secret = b"abcdefghijabcdefghij".to_vec();
        self.secrets.insert(staff.rowid, secret.clone());
        let s = self.staff.iter_mut().find(|s| s.id == staff.id).unwrap();
        s.totp_secret = Some(b"sealed".to_vec());
        s.totp_last_step = None;
        Ok(secret)
    }
    fn set_totp_step(&mut self, staff: &StaffRow, step: i64) -> StoreResult<()> {
        self.staff
            .iter_mut()
            .find(|s| s.id == staff.id)
            .unwrap()
            .totp_last_step = Some(step);
        Ok(())
    }
    fn confirm_totp(&mut self, staff: &StaffRow, step: i64) -> StoreResult<()> {
        let s = self.staff.iter_mut().find(|s| s.id == staff.id).unwrap();
        s.totp_confirmed = true;
        s.totp_last_step = Some(step);
        Ok(())
    }
    fn use_recovery_code(&mut self, staff: &StaffRow, code: &str) -> StoreResult<bool> {
        Ok(self
            .recovery
            .get_mut(&staff.rowid)
            .is_some_and(|c| c.remove(code)))
    }
    fn new_recovery_codes(&mut self, staff: &StaffRow, n: usize) -> StoreResult<Vec<String>> {
        let codes: Vec<String> = (0..n).map(|i| format!("code-{i}")).collect();
        self.recovery
            .insert(staff.rowid, codes.iter().cloned().collect());
        Ok(codes)
    }
    fn role_name_taken(&mut self, scope: Scope, name: &str) -> StoreResult<bool> {
        Ok(self
            .roles
            .iter()
            .any(|r| r.scope == scope && r.name == name))
    }
    fn insert_role(&mut self, role: &CustomRole, _by: &str) -> StoreResult<()> {
        self.roles.push(role.clone());
        Ok(())
    }
    fn set_grant(
        &mut self,
        staff: &StaffRow,
        role: RoleRef,
        scope: Scope,
        grant: bool,
        _by: &str,
    ) -> StoreResult<bool> {
        let k = (staff.rowid, role.key(), scope);
        Ok(if grant {
            self.grants.insert(k)
        } else {
            self.grants.remove(&k)
        })
    }
    fn record_role_change(
        &mut self,
        _staff: &StaffRow,
        _role: RoleRef,
        _scope: Scope,
        _change: &str,
        _by: &str,
    ) -> StoreResult<()> {
        Ok(())
    }
}

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

const ABSOLUTE: Duration = Duration::hours(12);

/// One password attempt as the server makes it: the account looked up, the password checked
/// (here: the "hash" is the password), then the use case.
fn attempt(p: &mut Fake, username: &str, password: &str, ip: &str) -> Attempt<NewSession> {
    let row = p.staff_by_username(username).unwrap();
    let ok = row.as_ref().is_some_and(|r| r.password_hash == password);
    sign_in(
        p,
        username,
        row.map(|r| r.id),
        ok,
        &Lockout::default(),
        ABSOLUTE,
        Some(ip),
    )
    .unwrap()
}

#[test]
fn an_address_is_locked_after_max_failures_and_the_ledger_hears_once_per_window() {
    let mut p = Fake::at(start());
    p.add("asha", "right password", Some(Uuid::now_v7()));
    for _ in 0..4 {
        assert!(matches!(
            attempt(&mut p, "asha", "wrong", "10.0.0.9"),
            Attempt::Failed
        ));
    }
    // The fifth failure locks the address for the base lock (60 s).
    assert!(matches!(
        attempt(&mut p, "asha", "wrong", "10.0.0.9"),
        Attempt::Locked(60)
    ));
    // Even the right password is refused while locked, and nothing more is recorded.
    let before = p.ledger.len();
    assert!(matches!(
        attempt(&mut p, "asha", "right password", "10.0.0.9"),
        Attempt::Locked(60)
    ));
    assert_eq!(p.ledger.len(), before);
    assert_eq!(
        p.actions(),
        vec![
            (Action::StaffSignInFailed, "bad_credentials".to_string()),
            (
                Action::StaffLockedOut,
                "locked scope=address failures=5".to_string()
            ),
        ]
    );
    // Not a platform account: no alert.
    assert!(p.alerts.is_empty());
}

#[test]
fn the_lock_lifts_after_its_window_and_the_next_one_is_twice_as_long() {
    let mut p = Fake::at(start());
    p.add("asha", "right password", Some(Uuid::now_v7()));
    for _ in 0..5 {
        attempt(&mut p, "asha", "wrong", "10.0.0.9");
    }
    p.advance(Duration::seconds(59));
    assert!(matches!(
        attempt(&mut p, "asha", "wrong", "10.0.0.9"),
        Attempt::Locked(1)
    ));
    p.advance(Duration::seconds(1));
    // Lifted: counting starts again, and the second lock lasts 120 s.
    for _ in 0..4 {
        assert!(matches!(
            attempt(&mut p, "asha", "wrong", "10.0.0.9"),
            Attempt::Failed
        ));
    }
    assert!(matches!(
        attempt(&mut p, "asha", "wrong", "10.0.0.9"),
        Attempt::Locked(120)
    ));
    p.advance(Duration::seconds(120));
    assert!(matches!(
        attempt(&mut p, "asha", "right password", "10.0.0.9"),
        Attempt::Ok(_)
    ));
    // A correct password clears the counts of the name and the address.
    assert!(
        !p.throttles
            .contains_key(&ThrottleKey::address("asha", Some("10.0.0.9")))
    );
    assert!(!p.throttles.contains_key(&ThrottleKey::name("asha")));
}

#[test]
fn locks_double_up_to_the_maximum() {
    let policy = Lockout::default();
    let mut t = Throttle::default();
    let now = start();
    let mut locks = vec![];
    for _ in 0..8 {
        for _ in 0..policy.max_failures {
            if let (_, Some(secs)) = t.fail(now, policy.max_failures, &policy) {
                locks.push(secs);
            }
        }
    }
    assert_eq!(locks, vec![60, 120, 240, 480, 960, 1920, 3600, 3600]);
}

#[test]
fn guesses_from_elsewhere_do_not_lock_the_owner_out_where_they_sign_in() {
    let mut p = Fake::at(start());
    let id = p.add("root", "right password", None);
    // The owner signs in from their usual address (no second factor: complete at once).
    assert!(matches!(
        attempt(&mut p, "root", "right password", "10.0.0.1"),
        Attempt::Ok(_)
    ));
    // An attacker guesses from many addresses, under each address's own limit, until the name
    // as a whole is locked (4 x 5 failures).
    let mut name_locked = false;
    for i in 0..20 {
        let ip = format!("203.0.113.{}", i / 4);
        if let Attempt::Locked(_) = attempt(&mut p, "root", "guess", &ip) {
            name_locked = true;
        }
    }
    assert!(
        name_locked,
        "the name is locked for the addresses that guessed"
    );
    assert!(p.actions().contains(&(
        Action::StaffLockedOut,
        "locked scope=name failures=20".to_string()
    )));
    // A platform account's lock raises the operators' alert.
    assert_eq!(p.alerts, vec![(id, "name".to_string())]);
    // New addresses are refused; the owner's known address is not.
    assert!(
        password_locked(&mut p, "root", Some("198.51.100.7"), start())
            .unwrap()
            .is_some()
    );
    assert_eq!(
        password_locked(&mut p, "root", Some("10.0.0.1"), start()).unwrap(),
        None
    );
    assert!(matches!(
        attempt(&mut p, "root", "right password", "10.0.0.1"),
        Attempt::Ok(_)
    ));
    // An address stays known for 90 days.
    p.advance(KNOWN_FOR + Duration::seconds(1));
    p.throttles.insert(
        ThrottleKey::name("root"),
        Throttle {
            failures: 0,
            lockouts: 1,
            locked_until: Some(p.time() + Duration::minutes(1)),
        },
    );
    let at = p.time();
    assert_eq!(
        password_locked(&mut p, "root", Some("10.0.0.1"), at).unwrap(),
        Some(60)
    );
}

#[test]
fn an_unknown_name_fails_like_a_wrong_password_and_is_counted() {
    let mut p = Fake::at(start());
    for _ in 0..4 {
        assert!(matches!(
            attempt(&mut p, "nobody", "x", "10.0.0.9"),
            Attempt::Failed
        ));
    }
    assert!(matches!(
        attempt(&mut p, "nobody", "x", "10.0.0.9"),
        Attempt::Locked(_)
    ));
    assert!(p.ledger.iter().all(|r| r.initiator == "staff:unknown"));
}

#[test]
fn a_disabled_account_fails_with_the_right_password() {
    let mut p = Fake::at(start());
    let id = p.add("asha", "right password", None);
    let row = p.row(id);
    p.disable_staff(&row).unwrap();
    assert!(matches!(
        attempt(&mut p, "asha", "right password", "10.0.0.9"),
        Attempt::Failed
    ));
}

#[test]
fn the_second_factor_is_required_counted_apart_and_its_lock_ends_half_sessions() {
    let mut p = Fake::at(start());
    let id = p.add("asha", "right password", None);
    let secret = p.with_totp(id);
    let Attempt::Ok(first) = attempt(&mut p, "asha", "right password", "10.0.0.9") else {
        panic!("signed in")
    };
    assert_eq!(p.actions().last().unwrap().1, "password_ok");
    let first_th = th(&first.token);
    assert!(
        !p.sessions[&first_th].mfa_done,
        "the password alone is not enough"
    );
    // A complete session of the same account survives the second-factor lock.
    let Attempt::Ok(other) = attempt(&mut p, "asha", "right password", "10.0.0.9") else {
        panic!()
    };
    let now = p.time().unix_timestamp();
    let good = totp::code_at(&secret, now);
    assert!(matches!(
        second_factor(
            &mut p,
            &th(&other.token),
            &SecondFactor::Totp(good.clone()),
            &Lockout::default(),
            None
        )
        .unwrap(),
        Attempt::Ok(())
    ));
    assert!(p.sessions[&th(&other.token)].mfa_done);
    // The same code is not accepted twice.
    let replay = second_factor(
        &mut p,
        &first_th,
        &SecondFactor::Totp(good),
        &Lockout::default(),
        None,
    );
    assert!(matches!(replay.unwrap(), Attempt::Failed));
    assert_eq!(
        p.actions().last().unwrap(),
        &(Action::StaffSignInFailed, "replayed_code".to_string())
    );
    // A correct password does not reset the second factor's count.
    attempt(&mut p, "asha", "right password", "10.0.0.9");
    for _ in 0..3 {
        let bad = SecondFactor::Totp("000000".into());
        assert!(matches!(
            second_factor(&mut p, &first_th, &bad, &Lockout::default(), None).unwrap(),
            Attempt::Failed
        ));
    }
    let bad = SecondFactor::RecoveryCode("nope".into());
    assert!(matches!(
        second_factor(&mut p, &first_th, &bad, &Lockout::default(), None).unwrap(),
        Attempt::Locked(60)
    ));
    assert!(p.actions().contains(&(
        Action::StaffLockedOut,
        "locked scope=second_factor failures=5".to_string()
    )));
    // Every half-signed-in session ended; the complete one did not.
    assert_eq!(p.sessions.len(), 1);
    assert!(p.sessions.contains_key(&th(&other.token)));
    // Unlocking lifts the second factor's lock too, and is recorded.
    assert_eq!(unlock(&mut p, "asha", None, "cli").unwrap(), 1);
    assert_eq!(p.actions().last().unwrap().1, "staff_unlocked locks=1");
}

#[test]
fn enrolment_confirms_with_a_code_and_gives_recovery_codes_that_work_once() {
    let mut p = Fake::at(start());
    let id = p.add("asha", "right password", None);
    let Attempt::Ok(n) = attempt(&mut p, "asha", "right password", "10.0.0.9") else {
        panic!()
    };
    assert_eq!(p.actions().last().unwrap().1, "mfa_enrolment_required");
    let t = th(&n.token);
    let secret = start_enrolment(&mut p, id).unwrap();
    let wrong = confirm_enrolment(&mut p, &t, "000000", None).unwrap_err();
    assert!(matches!(wrong, crate::Error::Domain(d) if d.code == "invalid_mfa_code"));
    let code = totp::code_at(&secret, p.time().unix_timestamp());
    let codes = confirm_enrolment(&mut p, &t, &code, None).unwrap();
    assert_eq!(codes.len(), RECOVERY_CODES);
    assert!(p.sessions[&t].mfa_done);
    let again = start_enrolment(&mut p, id).unwrap_err();
    assert!(matches!(again, crate::Error::Domain(d) if d.code == "mfa_already_enrolled"));
    // A recovery code signs in once.
    let Attempt::Ok(n2) = attempt(&mut p, "asha", "right password", "10.0.0.9") else {
        panic!()
    };
    let rc = SecondFactor::RecoveryCode(codes[0].clone());
    let lockout = Lockout::default();
    assert!(matches!(
        second_factor(&mut p, &th(&n2.token), &rc, &lockout, None).unwrap(),
        Attempt::Ok(())
    ));
    let Attempt::Ok(n3) = attempt(&mut p, "asha", "right password", "10.0.0.9") else {
        panic!()
    };
    assert!(matches!(
        second_factor(&mut p, &th(&n3.token), &rc, &lockout, None).unwrap(),
        Attempt::Failed
    ));
}

#[test]
fn sessions_expire_when_idle_or_old_and_are_touched_at_most_every_30_seconds() {
    let policy = SessionPolicy {
        idle: Duration::minutes(30),
        absolute: Duration::hours(12),
    };
    let mut p = Fake::at(start());
    let id = p.add("asha", "right password", None);
    let (token, _) = p.insert_session(&p.row(id), true).unwrap();
    let sess = |p: &mut Fake| p.session(&th(&token)).unwrap().unwrap();
    let check = |p: &mut Fake| {
        let s = sess(p);
        check_session(&s, p.time(), &policy)
    };
    assert_eq!(check(&mut p), SessionCheck::Live { touch: false });
    p.advance(Duration::seconds(30));
    assert_eq!(check(&mut p), SessionCheck::Live { touch: true });
    touch_session(&mut p, &th(&token)).unwrap();
    assert_eq!(check(&mut p), SessionCheck::Live { touch: false });
    // Idle for 30 minutes: expired.
    p.advance(Duration::minutes(30));
    assert_eq!(check(&mut p), SessionCheck::Expired);
    // Kept busy, it still ends 12 hours after it was opened.
    let (token2, _) = p.insert_session(&p.row(id), true).unwrap();
    for _ in 0..(12 * 4) {
        p.advance(Duration::minutes(15));
        let s = p.session(&th(&token2)).unwrap().unwrap();
        if check_session(&s, p.time(), &policy) == SessionCheck::Expired {
            break;
        }
        touch_session(&mut p, &th(&token2)).unwrap();
    }
    let s = p.session(&th(&token2)).unwrap().unwrap();
    assert_eq!(check_session(&s, p.time(), &policy), SessionCheck::Expired);
    assert_eq!(p.time() - s.created_at, Duration::hours(12));
    // A disabled account has no session at all.
    let row = p.row(id);
    let (token3, _) = p.insert_session(&row, true).unwrap();
    let mut s = p.session(&th(&token3)).unwrap().unwrap();
    s.staff.disabled = true;
    assert_eq!(check_session(&s, p.time(), &policy), SessionCheck::Unknown);
    // Sign-in sweeps sessions past their absolute lifetime.
    p.advance(ABSOLUTE + Duration::seconds(1));
    attempt(&mut p, "asha", "wrong", "10.0.0.9");
    assert!(p.sessions.is_empty());
}

#[test]
fn accounts_roles_and_grants_follow_their_rules() {
    let mut p = Fake::at(start());
    let fid = Uuid::now_v7();
    let err = |r: crate::Error| match r {
        crate::Error::Domain(d) => d.code,
        crate::Error::Store(s) => panic!("{s}"),
    };
    assert_eq!(
        err(create_staff(&mut p, "asha", Some(fid), "h", true, "cli").unwrap_err()),
        "fiduciary_not_found"
    );
    p.fiduciaries.insert(fid);
    assert_eq!(
        err(create_staff(&mut p, "A", None, "h", true, "cli").unwrap_err()),
        "invalid_username"
    );
    let v = create_staff(&mut p, " Asha ", Some(fid), "h", true, "cli").unwrap();
    assert_eq!(
        (v.username.as_str(), v.must_change_password),
        ("asha", true)
    );
    assert_eq!(
        err(create_staff(&mut p, "ASHA", None, "h", true, "cli").unwrap_err()),
        "already_exists"
    );
    let role = RoleRef::Builtin(BuiltinRole::Auditor);
    let scope = Scope::Fiduciary(fid);
    change_role(&mut p, v.id, role, scope, true, "cli", None).unwrap();
    assert_eq!(
        err(change_role(&mut p, v.id, role, scope, true, "cli", None).unwrap_err()),
        "already_granted"
    );
    change_role(&mut p, v.id, role, scope, false, "cli", None).unwrap();
    assert_eq!(
        err(change_role(&mut p, v.id, role, scope, false, "cli", None).unwrap_err()),
        "grant_not_found"
    );
    assert_eq!(p.actions().last().unwrap().1, "revoked:auditor");
    let perms: BTreeSet<Permission> = [Permission::AuditRead].into();
    assert_eq!(
        err(create_role(&mut p, "DPO", scope, &perms, "cli", None).unwrap_err()),
        "invalid_role_name"
    );
    create_role(&mut p, "Reviewer", scope, &perms, "cli", None).unwrap();
    assert_eq!(
        err(create_role(&mut p, "Reviewer", scope, &perms, "cli", None).unwrap_err()),
        "already_exists"
    );
    let before = p.ledger.len();
    assert!(disable_staff(&mut p, v.id, "cli", None).unwrap().disabled);
    disable_staff(&mut p, v.id, "cli", None).unwrap();
    assert_eq!(p.ledger.len(), before + 1, "disabling twice records once");
    assert_eq!(
        err(disable_staff(&mut p, Uuid::now_v7(), "cli", None).unwrap_err()),
        "staff_not_found"
    );
}
