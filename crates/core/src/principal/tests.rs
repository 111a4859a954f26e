//! Principal sign-in against an in-memory port.

use super::*;
use crate::audit::{Action, AuditRecord};
use crate::ports::{OfferedCode, PrincipalPort, Recorder, StoreResult};
use crate::usecases::Actor;
use std::collections::{HashMap, HashSet};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A code as the fake keeps it (the real store keeps only its keyed hash).
#[derive(Clone, Debug)]
struct StoredCode {
    code: String,
    expires_at: i64,
    attempts: i64,
    foreign_attempts: i64,
    window_start: i64,
    issued: i64,
    requester: Option<String>,
}

#[derive(Clone, Debug)]
struct Message {
    id: i64,
    to: Pseudonym,
    channel: String,
    destination: String,
    body: String,
}

/// Everything the principal port keeps, in memory.
struct Fake {
    now: OffsetDateTime,
    fiduciaries: HashSet<Uuid>,
    /// (fiduciary, contact) -> (owner, kind).
    contacts: HashMap<(Uuid, String), (Pseudonym, String)>,
    codes: HashMap<(Uuid, String), StoredCode>,
    /// (fiduciary, contact, address).
    failures: HashMap<(Uuid, String, String), AddressFailures>,
    outbox: Vec<Message>,
    identities: HashSet<(Uuid, String)>,
    ledger: Vec<(AuditRecord, Option<Pseudonym>)>,
    issued: u32,
}

const FID: Uuid = Uuid::from_u128(0xf1d);
const OWNER_IP: Option<&str> = Some("203.0.113.7");
const RAVI: &str = "98765 43210";
const RAVI_NORMAL: &str = "+919876543210";

fn addr(ip: Option<&str>) -> String {
    ip.unwrap_or_default().to_string()
}

fn actor() -> Actor {
    Actor {
        fiduciary_id: FID,
        initiator: "fiduciary:key-1".into(),
        source_ip: None,
    }
}

impl Fake {
    fn new() -> Fake {
        Fake {
            now: OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
            fiduciaries: HashSet::from([FID]),
            contacts: HashMap::new(),
            codes: HashMap::new(),
            failures: HashMap::new(),
            outbox: vec![],
            identities: HashSet::new(),
            ledger: vec![],
            issued: 0,
        }
    }
    /// A fiduciary with Ravi's mobile number declared.
    fn with_ravi() -> Fake {
        let mut f = Fake::new();
        set_contact(&mut f, &actor(), "ravi", RAVI).unwrap();
        f
    }
    fn advance(&mut self, d: Duration) {
        self.now += d;
    }
    fn code(&self) -> StoredCode {
        self.codes[&(FID, RAVI_NORMAL.to_string())].clone()
    }
    fn failures_of(&self, ip: Option<&str>) -> AddressFailures {
        self.failures
            .get(&(FID, RAVI_NORMAL.to_string(), addr(ip)))
            .copied()
            .unwrap_or_default()
    }
    fn start(&mut self, ip: Option<&str>) -> Option<i64> {
        start_sign_in(self, FID, RAVI, ip).unwrap()
    }
    fn verify(&mut self, code: &str, ip: Option<&str>) -> Option<IssuedToken> {
        verify_sign_in(self, FID, RAVI, code, ip).unwrap()
    }
    /// A code that is not the live one.
    fn wrong(&self) -> String {
        let right: u32 = self.code().code.parse().unwrap();
        format!("{:06}", (right + 1) % 1_000_000)
    }
}

impl Recorder for Fake {
    fn time(&self) -> OffsetDateTime {
        self.now
    }
    fn record(&mut self, entry: &AuditRecord) -> StoreResult<u64> {
        self.ledger.push((entry.clone(), None));
        Ok(self.ledger.len() as u64 - 1)
    }
}

impl PrincipalPort for Fake {
    fn fiduciary_exists(&mut self, fid: Uuid) -> StoreResult<bool> {
        Ok(self.fiduciaries.contains(&fid))
    }
    fn pseudonym(&mut self, _fid: Uuid, principal_id: &str) -> Pseudonym {
        let mut p = [0u8; PSEUDONYM_LEN];
        for (i, b) in principal_id.bytes().enumerate() {
            p[i % PSEUDONYM_LEN] ^= b;
        }
        p
    }
    fn remember_identity(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()> {
        self.identities.insert((fid, principal_id.into()));
        Ok(())
    }
    fn sign_token(
        &mut self,
        fid: Uuid,
        principal: &Pseudonym,
        expires_at: OffsetDateTime,
    ) -> StoreResult<String> {
        Ok(format!(
            "anp_{fid}_{principal:?}_{}",
            expires_at.unix_timestamp()
        ))
    }
    fn save_contact(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        kind: &str,
        contact: &str,
    ) -> StoreResult<()> {
        let p = self.pseudonym(fid, principal_id);
        self.remember_identity(fid, principal_id)?;
        self.contacts
            .insert((fid, contact.into()), (p, kind.into()));
        Ok(())
    }
    fn contact_owner(&mut self, fid: Uuid, contact: &str) -> StoreResult<Option<Pseudonym>> {
        Ok(self.contacts.get(&(fid, contact.into())).map(|c| c.0))
    }
    fn last_code(&mut self, fid: Uuid, contact: &str) -> StoreResult<Option<Issued>> {
        Ok(self.codes.get(&(fid, contact.into())).map(|c| Issued {
            expires_at: c.expires_at,
            window_start: c.window_start,
            issued: c.issued,
        }))
    }
    fn issue_code(
        &mut self,
        fid: Uuid,
        contact: &str,
        asked_from: Option<&str>,
        expires_at: i64,
        (window_start, issued): (i64, i64),
    ) -> StoreResult<String> {
        self.issued += 1;
        let code = format!("{:06}", 100_000 + self.issued * 7919);
        self.codes.insert(
            (fid, contact.into()),
            StoredCode {
                code: code.clone(),
                expires_at,
                attempts: 0,
                foreign_attempts: 0,
                window_start,
                issued,
                requester: Some(addr(asked_from)),
            },
        );
        Ok(code)
    }
    fn offered_code(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
        given: &str,
    ) -> StoreResult<Option<OfferedCode>> {
        let key = (fid, contact.to_string());
        let (Some(c), Some(owner)) = (self.codes.get(&key), self.contacts.get(&key)) else {
            return Ok(None);
        };
        Ok(Some(OfferedCode {
            code: Code {
                expires_at: c.expires_at,
                attempts: c.attempts,
                foreign_attempts: c.foreign_attempts,
            },
            owner: owner.0,
            asked_here: c.requester.as_ref().map(|r| *r == addr(ip)),
            matches: c.code == given,
        }))
    }
    fn count_try(&mut self, fid: Uuid, contact: &str, own: bool, void: bool) -> StoreResult<()> {
        let c = self.codes.get_mut(&(fid, contact.into())).unwrap();
        if own {
            c.attempts += 1;
            if void {
                c.expires_at = 0;
            }
        } else {
            c.foreign_attempts += 1;
        }
        Ok(())
    }
    fn use_code(&mut self, fid: Uuid, contact: &str) -> StoreResult<()> {
        let c = self.codes.get_mut(&(fid, contact.into())).unwrap();
        c.expires_at = 0;
        c.attempts = 0;
        c.foreign_attempts = 0;
        Ok(())
    }
    fn address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
    ) -> StoreResult<AddressFailures> {
        Ok(self
            .failures
            .get(&(fid, contact.into(), addr(ip)))
            .copied()
            .unwrap_or_default())
    }
    fn save_address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
        failures: &AddressFailures,
    ) -> StoreResult<()> {
        self.failures
            .insert((fid, contact.into(), addr(ip)), *failures);
        Ok(())
    }
    fn clear_address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
    ) -> StoreResult<()> {
        self.failures.remove(&(fid, contact.into(), addr(ip)));
        Ok(())
    }
    fn queue_message(
        &mut self,
        _fid: Uuid,
        to: &Pseudonym,
        channel: &str,
        destination: &str,
        body: &str,
    ) -> StoreResult<i64> {
        let id = self.outbox.len() as i64 + 1;
        self.outbox.push(Message {
            id,
            to: *to,
            channel: channel.into(),
            destination: destination.into(),
            body: body.into(),
        });
        Ok(id)
    }
    fn record_for(&mut self, entry: &AuditRecord, principal: &Pseudonym) -> StoreResult<u64> {
        self.ledger.push((entry.clone(), Some(*principal)));
        Ok(self.ledger.len() as u64 - 1)
    }
}

#[test]
fn a_code_is_issued_and_queued_to_a_known_contact_only() {
    let mut f = Fake::with_ravi();
    let ravi = f.pseudonym(FID, "ravi");
    assert!(f.identities.contains(&(FID, "ravi".into())));
    assert_eq!(f.ledger[0].0.outcome, "contact_set mobile");
    let id = f.start(OWNER_IP).expect("a code for a known contact");
    let code = f.code();
    let m = &f.outbox[0];
    assert_eq!((m.id, m.to), (id, ravi));
    assert_eq!(
        (m.channel.as_str(), m.destination.as_str()),
        ("sms", RAVI_NORMAL)
    );
    assert_eq!(
        m.body,
        format!(
            "{} is your code to see your consents. It expires in 5 minutes.",
            code.code
        )
    );
    assert_eq!(code.expires_at, unix_ms(f.now + CODE_TTL));
    assert_eq!(code.requester.as_deref(), OWNER_IP);
    // An unknown contact, an unknown fiduciary: the same answer, nothing queued.
    assert_eq!(
        start_sign_in(&mut f, FID, "+4420700000000", OWNER_IP).unwrap(),
        None
    );
    assert_eq!(
        start_sign_in(&mut f, Uuid::from_u128(9), RAVI, OWNER_IP).unwrap(),
        None
    );
    assert_eq!(f.outbox.len(), 1);
    // Not a contact at all: refused.
    let e = start_sign_in(&mut f, FID, "not a contact", OWNER_IP).unwrap_err();
    assert!(matches!(e, crate::Error::Domain(d) if d.code == "invalid_contact"));
    // E-mail goes by e-mail; a contact declared for another principal moves to them.
    assert_eq!(
        set_contact(&mut f, &actor(), "asha", " Ravi@Example.IN ").unwrap(),
        ContactKind::Email
    );
    set_contact(&mut f, &actor(), "asha", RAVI).unwrap();
    assert_eq!(
        f.contact_owner(FID, RAVI_NORMAL).unwrap(),
        Some(f.pseudonym(FID, "asha"))
    );
    f.advance(RESEND_AFTER);
    start_sign_in(&mut f, FID, "ravi@example.in", None)
        .unwrap()
        .unwrap();
    assert_eq!(f.outbox[1].channel, "email");
}

#[test]
fn a_code_is_resent_no_sooner_than_30_seconds_and_ten_times_a_day() {
    let mut f = Fake::with_ravi();
    assert!(f.start(OWNER_IP).is_some());
    f.advance(Duration::seconds(29));
    assert_eq!(f.start(OWNER_IP), None, "too soon");
    f.advance(Duration::seconds(1));
    assert!(f.start(OWNER_IP).is_some());
    for _ in 3..=MAX_CODES_PER_DAY {
        f.advance(RESEND_AFTER);
        assert!(f.start(OWNER_IP).is_some());
    }
    assert_eq!(f.code().issued, MAX_CODES_PER_DAY);
    f.advance(Duration::hours(1));
    assert_eq!(f.start(OWNER_IP), None, "the eleventh in a day");
    assert_eq!(f.outbox.len() as i64, MAX_CODES_PER_DAY);
    // A new window a day after the first code.
    f.advance(DAY);
    assert!(f.start(OWNER_IP).is_some());
    assert_eq!(f.code().issued, 1);
}

#[test]
fn a_wrong_code_is_counted_per_address() {
    let mut f = Fake::with_ravi();
    f.start(OWNER_IP).unwrap();
    let wrong = f.wrong();
    assert!(f.verify(&wrong, OWNER_IP).is_none());
    assert!(f.verify(&wrong, Some("198.51.100.1")).is_none());
    assert!(f.verify(&wrong, Some("198.51.100.1")).is_none());
    assert_eq!(f.failures_of(OWNER_IP).failures, 1);
    assert_eq!(f.failures_of(Some("198.51.100.1")).failures, 2);
    assert_eq!(f.failures_of(Some("198.51.100.2")).failures, 0);
    let c = f.code();
    assert_eq!((c.attempts, c.foreign_attempts), (1, 2));
    // Nothing is recorded in the ledger for a refused code.
    assert_eq!(f.ledger.len(), 1);
    // The owner's right code still works, and forgets only their own failures.
    assert!(f.verify(&c.code, OWNER_IP).is_some());
    assert_eq!(f.failures_of(OWNER_IP).failures, 0);
    assert_eq!(f.failures_of(Some("198.51.100.1")).failures, 2);
}

#[test]
fn the_owners_failures_void_the_code_and_lock_their_address_doubling() {
    let mut f = Fake::with_ravi();
    f.start(OWNER_IP).unwrap();
    let right = f.code().code;
    let wrong = f.wrong();
    for _ in 0..MAX_ATTEMPTS {
        assert!(f.verify(&wrong, OWNER_IP).is_none());
    }
    let locked = f.failures_of(OWNER_IP);
    assert_eq!(locked.locked_until - unix_ms(f.now), ms_of(LOCKOUT));
    assert_eq!(
        f.code().expires_at,
        0,
        "the owner's lock-out voids the code"
    );
    // Locked: the right code is refused and not counted; no new code for that address.
    assert!(f.verify(&right, OWNER_IP).is_none());
    assert_eq!(f.failures_of(OWNER_IP), locked);
    f.advance(RESEND_AFTER);
    assert_eq!(f.start(OWNER_IP), None);
    // Another address may ask meanwhile (the contact as a whole is not locked).
    assert!(f.start(Some("198.51.100.9")).is_some());
    // After the lock, failures carry on from five: five more lock for twice as long.
    f.advance(LOCKOUT);
    f.start(OWNER_IP).unwrap();
    let wrong = f.wrong();
    for _ in 0..MAX_ATTEMPTS {
        assert!(f.verify(&wrong, OWNER_IP).is_none());
    }
    let again = f.failures_of(OWNER_IP);
    assert_eq!(again.failures, 2 * MAX_ATTEMPTS);
    assert_eq!(again.locked_until - unix_ms(f.now), 2 * ms_of(LOCKOUT));
}

#[test]
fn strangers_neither_lock_the_owner_out_nor_void_the_code() {
    let mut f = Fake::with_ravi();
    f.start(OWNER_IP).unwrap();
    let right = f.code().code;
    let wrong = f.wrong();
    // One stranger guesses until locked out: their address only.
    let stranger = Some("198.51.100.66");
    for _ in 0..MAX_ATTEMPTS {
        assert!(f.verify(&wrong, stranger).is_none());
    }
    assert!(f.failures_of(stranger).locked(unix_ms(f.now)));
    assert!(f.verify(&right, stranger).is_none(), "locked out");
    assert_ne!(f.code().expires_at, 0, "the code stays good");
    assert_eq!(f.failures_of(OWNER_IP).failures, 0);
    // Strangers together have ten tries on the code, then even the right code is refused
    // from elsewhere...
    for i in 0..(MAX_FOREIGN_ATTEMPTS - MAX_ATTEMPTS) {
        let ip = format!("198.51.100.{i}");
        assert!(f.verify(&wrong, Some(&ip)).is_none());
    }
    assert_eq!(f.code().foreign_attempts, MAX_FOREIGN_ATTEMPTS);
    assert!(f.verify(&right, Some("192.0.2.1")).is_none());
    // ...while the owner, who asked for it, still signs in with it.
    assert!(f.verify(&right, OWNER_IP).is_some());
}

#[test]
fn a_code_expires_after_five_minutes() {
    let mut f = Fake::with_ravi();
    f.start(OWNER_IP).unwrap();
    let right = f.code().code;
    f.advance(CODE_TTL);
    assert!(f.verify(&right, OWNER_IP).is_none());
    assert_eq!(f.failures_of(OWNER_IP).failures, 1, "counted as a failure");
    // A new code works.
    f.start(OWNER_IP).unwrap();
    let fresh = f.code().code;
    assert!(f.verify(&fresh, OWNER_IP).is_some());
}

#[test]
fn a_verified_code_issues_a_token_once_and_records_the_sign_in() {
    let mut f = Fake::with_ravi();
    let ravi = f.pseudonym(FID, "ravi");
    f.start(OWNER_IP).unwrap();
    let right = f.code().code;
    let wrong = f.wrong();
    assert!(f.verify(&wrong, OWNER_IP).is_none());
    let t = f
        .verify(&format!(" {right} "), OWNER_IP)
        .expect("signed in");
    assert_eq!(t.expires_at, f.now + SIGNED_IN_TOKEN_TTL);
    assert_eq!(
        t.token,
        f.sign_token(FID, &ravi, f.now + SIGNED_IN_TOKEN_TTL)
            .unwrap()
    );
    let (entry, who) = f.ledger.last().unwrap().clone();
    assert_eq!(who, Some(ravi), "named by pseudonym");
    assert_eq!(entry.action, Action::PrincipalSignedIn);
    assert_eq!(entry.principal_id, None);
    assert_eq!(
        (entry.initiator.as_str(), entry.outcome.as_str()),
        ("principal", "ok")
    );
    assert_eq!(entry.source_ip.as_deref(), OWNER_IP);
    assert_eq!(f.failures_of(OWNER_IP).failures, 0);
    // Single use.
    assert!(f.verify(&right, OWNER_IP).is_none());
    assert_eq!(f.ledger.len(), 2);
    // No code, unknown fiduciary, not a contact: refused alike.
    assert!(
        verify_sign_in(&mut f, FID, "+4420700000000", &right, OWNER_IP)
            .unwrap()
            .is_none()
    );
    assert!(
        verify_sign_in(&mut f, Uuid::from_u128(9), RAVI, &right, OWNER_IP)
            .unwrap()
            .is_none()
    );
    assert!(
        verify_sign_in(&mut f, FID, "nonsense", &right, OWNER_IP)
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_fiduciary_asks_for_a_token_within_bounds() {
    let mut f = Fake::new();
    let t = issue_token(&mut f, &actor(), "ravi", None).unwrap();
    assert_eq!(t.expires_at, f.now + Duration::seconds(900));
    assert!(f.identities.contains(&(FID, "ravi".into())));
    let (entry, _) = f.ledger.last().unwrap();
    assert_eq!(entry.action, Action::PrincipalTokenIssued);
    assert_eq!(entry.outcome, "ttl=900");
    assert_eq!(entry.principal_id.as_deref(), Some("ravi"));
    for bad in [59, 3601] {
        let e = issue_token(&mut f, &actor(), "ravi", Some(bad)).unwrap_err();
        assert!(matches!(e, crate::Error::Domain(d) if d.code == "invalid_ttl"));
    }
    let e = issue_token(&mut f, &actor(), "", Some(60)).unwrap_err();
    assert!(matches!(e, crate::Error::Domain(d) if d.code == "invalid_principal_id"));
    assert_eq!(f.ledger.len(), 1);
}
