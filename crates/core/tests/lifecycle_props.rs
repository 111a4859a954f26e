//! The consent lifecycle as a state machine, tested with random command sequences.
//!
//! An artefact is collected under a hand-built notice version, then random commands (update,
//! renew, withdraw, expire, advance the clock) are applied through `anumodan_core::lifecycle`.
//! After every step the artefact's invariants are checked, and each command's outcome (the new
//! version, or the error) is compared with a small model of the rules.

use anumodan_core::Lang;
use anumodan_core::lifecycle::{self, Act, Collect, Context, Reason, Shown};
use anumodan_core::model::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const T0: OffsetDateTime = datetime!(2026-01-15 10:00:00 UTC);

/// The notice's purposes: (code, mandatory, legal basis, data items). Two mandatory purposes
/// (each decided independently of the optional ones), and two whose processing survives
/// withdrawal.
const PURPOSES: [(&str, bool, LegalBasis, &[&str]); 5] = [
    ("account", true, LegalBasis::Consent, &["name", "mobile"]),
    (
        "ward_services",
        true,
        LegalBasis::LegitimateUse,
        &["name", "address"],
    ),
    ("marketing", false, LegalBasis::Consent, &["email"]),
    ("analytics", false, LegalBasis::Consent, &["mobile"]),
    (
        "tax_records",
        false,
        LegalBasis::LegalObligation,
        &["name", "pan"],
    ),
];
/// Index used for a purpose the notice does not have.
const UNKNOWN: usize = PURPOSES.len();
/// The version of the hand-built notice (shown in every command).
const NOTICE_VERSION: u32 = 3;

fn code(i: usize) -> String {
    PURPOSES
        .get(i)
        .map(|p| p.0.to_string())
        .unwrap_or_else(|| "no_such_purpose".to_string())
}

fn texts(s: &str) -> Texts {
    [(Lang::parse("en").unwrap(), s.to_string())].into()
}

fn notice(validity: &[u32]) -> NoticeVersion {
    let purposes: Vec<Purpose> = PURPOSES
        .iter()
        .zip(validity)
        .map(|(&(code, mandatory, basis, items), &days)| Purpose {
            code: code.into(),
            name: texts(code),
            description: texts(code),
            data_items: items.iter().map(|s| s.to_string()).collect(),
            mandatory,
            validity_days: days,
            retention_days: 30,
            legal_basis: basis,
            legal_reference: basis.survives_withdrawal().then(|| "Some Act".into()),
            tracking: false,
            renewal_notice_days: None,
            created_at: T0,
        })
        .collect();
    let data_items = ["address", "email", "mobile", "name", "pan"]
        .iter()
        .map(|c| DataItem {
            code: c.to_string(),
            name: texts(c),
            category: "contact".into(),
            sensitive: *c == "pan",
            created_at: T0,
        })
        .collect();
    let text = NoticeText {
        title: "Notice".into(),
        summary: "What and why".into(),
        rights: "Your rights".into(),
        retention_policy: "Retention".into(),
        withdrawal_policy: "Withdrawal".into(),
        grievance_contact: "grievance@example.in".into(),
    };
    let mut v = NoticeVersion {
        notice_id: Uuid::from_u128(7),
        code: "registration".into(),
        version: 3,
        purposes,
        data_items,
        texts: [(Lang::parse("en").unwrap(), text)].into(),
        text_hashes: BTreeMap::new(),
        published_at: T0,
        requires_reconsent: false,
        reconsent_deadline: None,
    };
    v.text_hashes = v
        .texts
        .keys()
        .map(|l| (l.clone(), v.render(l).unwrap().hash()))
        .collect();
    v
}

/// How the principal acted in every command of the test: on the web, in session `s-2`, shown
/// notice version 1 in English.
fn act(n: &NoticeVersion) -> Act {
    let en = Lang::parse("en").unwrap();
    Act {
        method: Method::Web,
        session_id: Some("s-2".into()),
        shown: Some(Shown {
            version: n.version,
            text_hash: n.text_hashes[&en].clone(),
            language: en,
        }),
    }
}

fn ctx(now: OffsetDateTime) -> Context {
    Context {
        fiduciary_id: Uuid::from_u128(1),
        initiator: "fiduciary:test".into(),
        source_ip: Some("127.0.0.1".into()),
        now,
    }
}

#[derive(Clone, Debug)]
enum Cmd {
    /// (purpose index, grant?) pairs; index UNKNOWN names no purpose of the notice.
    Update(Vec<(usize, bool)>),
    Renew(Option<Vec<usize>>),
    Withdraw(Option<Vec<usize>>),
    Expire,
    /// Move the clock forward by this many seconds.
    Advance(i64),
    /// Move the clock to the expiry of a purpose, plus an offset in milliseconds (no move when
    /// that is in the past or the purpose has no expiry).
    ToExpiry(usize, i64),
}

fn purpose_index() -> impl Strategy<Value = usize> {
    prop_oneof![9 => 0..PURPOSES.len(), 1 => Just(UNKNOWN)]
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let subset = || prop::option::of(prop::collection::vec(purpose_index(), 0..4));
    prop_oneof![
        3 => prop::collection::vec((purpose_index(), any::<bool>()), 0..4).prop_map(Cmd::Update),
        2 => subset().prop_map(Cmd::Renew),
        2 => subset().prop_map(Cmd::Withdraw),
        1 => Just(Cmd::Expire),
        2 => prop_oneof![0i64..120, 0i64..(400 * 86_400)].prop_map(Cmd::Advance),
        1 => (0..PURPOSES.len(), -1i64..=1).prop_map(|(i, ms)| Cmd::ToExpiry(i, ms)),
    ]
}

fn json(a: &Artefact) -> serde_json::Value {
    serde_json::to_value(a).unwrap()
}

/// A purpose's state as the next version starts from it: expiry that has passed is written.
fn materialised(s: &PurposeState, now: OffsetDateTime) -> PurposeState {
    let mut s = s.clone();
    s.status = s.status_at(now);
    s
}

/// What must hold of every artefact version at every time.
fn check_invariants(
    a: &Artefact,
    first: &Artefact,
    n: &NoticeVersion,
    now: OffsetDateTime,
) -> Result<(), TestCaseError> {
    // Purposes never disappear, never change what they are.
    prop_assert_eq!(a.purposes.len(), PURPOSES.len());
    for (s, p) in a.purposes.iter().zip(&n.purposes) {
        prop_assert_eq!(&s.purpose, &p.code);
        prop_assert_eq!(s.mandatory, p.mandatory);
        prop_assert_eq!(&s.data_items, &p.data_items);
        prop_assert_eq!(s.legal_basis, p.legal_basis);
        prop_assert_eq!(s.validity_days, p.validity_days);
    }
    // What was collected, under which notice, never changes.
    prop_assert_eq!(a.id, first.id);
    prop_assert_eq!(&a.principal_id, &first.principal_id);
    prop_assert_eq!(a.notice_id, first.notice_id);
    prop_assert_eq!(a.notice_version, first.notice_version);
    prop_assert_eq!(&a.notice_text_hash, &first.notice_text_hash);
    prop_assert_eq!(&a.language, &first.language);
    prop_assert_eq!(a.collected_at, first.collected_at);
    // Each version records its own action: the collection's, the command's, or the system's.
    match (a.version, a.event) {
        (1, _) => {
            prop_assert_eq!(a.method, Method::Web);
            prop_assert_eq!(a.session_id.as_deref(), Some("s-1"));
        }
        (_, Event::Expired) => {
            prop_assert_eq!(a.method, Method::System);
            prop_assert_eq!(&a.session_id, &None);
        }
        _ => {
            prop_assert_eq!(a.method, Method::Web);
            prop_assert_eq!(a.session_id.as_deref(), Some("s-2"));
        }
    }
    prop_assert_eq!(&a.guardian, &first.guardian);
    prop_assert_eq!(a.fiduciary_id, first.fiduciary_id);

    for s in &a.purposes {
        match s.status {
            Status::Active => {
                prop_assert_eq!(s.decision, Decision::Granted, "{:?}", s);
                let (Some(g), Some(e)) = (s.granted_at, s.expires_at) else {
                    return Err(TestCaseError::fail(format!(
                        "active without grant or expiry: {s:?}"
                    )));
                };
                prop_assert!(e > g, "expires_at not after granted_at: {:?}", s);
            }
            Status::Withdrawn => {
                prop_assert!(s.withdrawn_at.is_some(), "{:?}", s);
                prop_assert_eq!(s.decision, Decision::Granted, "{:?}", s);
            }
            Status::Erased => prop_assert!(false, "no version stores erased: {:?}", s),
            Status::Denied => {
                prop_assert_eq!(s.decision, Decision::Denied, "{:?}", s);
                prop_assert!(s.expires_at.is_none(), "{:?}", s);
            }
            Status::Expired => {
                prop_assert_eq!(s.decision, Decision::Granted, "{:?}", s);
                let exp = s.expires_at;
                prop_assert!(
                    exp.is_some_and(|e| e <= a.created_at),
                    "expired before its expiry: {:?}",
                    s
                );
            }
        }
        if s.decision == Decision::Denied {
            prop_assert_eq!(s.status, Status::Denied);
        }

        // Expiry takes effect at the expiry instant, whether or not an expired version has been
        // written (checked against the timestamps, not through `status_at`).
        let survives = s.legal_basis.survives_withdrawal();
        if s.status == Status::Active {
            let e = s.expires_at.unwrap_or(now);
            let answer = lifecycle::validate(Some(s), None, now);
            if now >= e {
                let reason = if survives {
                    Reason::LegalException
                } else {
                    Reason::Expired
                };
                prop_assert_eq!(answer, (survives, reason), "at {} past {}", now, e);
            } else {
                prop_assert_eq!(answer, (true, Reason::Active), "at {} before {}", now, e);
            }
        }

        // Validation never says yes when the purpose is not active, unless the law says so.
        let status = s.status_at(now);
        let (valid, reason) = lifecycle::validate(Some(s), None, now);
        let expected = match status {
            Status::Active => (true, Reason::Active),
            Status::Denied => (false, Reason::Denied),
            Status::Withdrawn if survives => (true, Reason::LegalException),
            Status::Expired if survives => (true, Reason::LegalException),
            Status::Withdrawn => (false, Reason::Withdrawn),
            Status::Expired => (false, Reason::Expired),
            Status::Erased => (false, Reason::NotFound),
        };
        prop_assert_eq!((valid, reason), expected, "{:?} at {}", s, now);
        if valid {
            prop_assert!(
                status == Status::Active
                    || (survives && matches!(status, Status::Withdrawn | Status::Expired))
            );
        }
        // Naming data items the purpose covers changes nothing; any other item is never valid.
        prop_assert_eq!(
            lifecycle::validate(Some(s), Some(&s.data_items), now),
            (valid, reason)
        );
        let mut wider = s.data_items.clone();
        wider.push("biometrics".into());
        let (v, r) = lifecycle::validate(Some(s), Some(&wider), now);
        prop_assert!(!v);
        prop_assert_eq!(
            r,
            if status == Status::Denied {
                Reason::Denied
            } else {
                Reason::ScopeExceeded
            }
        );
    }
    prop_assert_eq!(
        lifecycle::validate(None, None, now),
        (false, Reason::NotFound)
    );
    Ok(())
}

/// What must hold between a version and the one it follows.
fn check_step(
    prev: &Artefact,
    next: &Artefact,
    event: Event,
    now: OffsetDateTime,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(next.version, prev.version + 1);
    prop_assert_eq!(next.previous_version, Some(prev.version));
    prop_assert_eq!(next.event, event);
    prop_assert_eq!(next.created_at, now);
    prop_assert_eq!(&next.initiator, "fiduciary:test");
    Ok(())
}

/// The model's answer for a command: the expected purposes of the next version, or the code of
/// the expected error.
type Expected = Result<Vec<PurposeState>, &'static str>;

fn model_update(prev: &Artefact, d: &[(usize, bool)], now: OffsetDateTime) -> Expected {
    if d.is_empty() {
        return Err("empty_decisions");
    }
    if d.iter().any(|&(i, _)| i == UNKNOWN) {
        return Err("unknown_purpose");
    }
    // Later entries for the same purpose win, as in a JSON object / BTreeMap.
    let decisions: BTreeMap<usize, bool> = d.iter().copied().collect();
    let mut next: Vec<PurposeState> = prev.purposes.iter().map(|s| materialised(s, now)).collect();
    let mut changed = false;
    for (&i, &grant) in &decisions {
        let s = &mut next[i];
        if grant && s.status != Status::Active {
            s.decision = Decision::Granted;
            s.status = Status::Active;
            s.granted_at = Some(now);
            s.expires_at = Some(now + Duration::days(i64::from(s.validity_days)));
            s.withdrawn_at = None;
            s.notice_version = Some(NOTICE_VERSION);
            s.updated_at = now;
            changed = true;
        } else if !grant && (s.decision == Decision::Granted || s.status == Status::Active) {
            s.decision = Decision::Denied;
            s.status = Status::Denied;
            s.expires_at = None;
            s.notice_version = Some(NOTICE_VERSION);
            s.updated_at = now;
            changed = true;
        }
    }
    if !changed {
        return Err("no_change");
    }
    Ok(next)
}

/// The purposes a renewal or withdrawal acts on: those listed (all of which must be
/// `eligible`, else `refusal`), or every eligible one when none are listed.
fn model_targets(
    list: Option<&[usize]>,
    eligible: impl Fn(usize) -> bool,
    refusal: &'static str,
) -> Result<Vec<usize>, &'static str> {
    let targets: Vec<usize> = match list {
        Some([]) => return Err("empty_purposes"),
        Some(l) if l.contains(&UNKNOWN) => return Err("unknown_purpose"),
        Some(l) if l.iter().any(|&i| !eligible(i)) => return Err(refusal),
        Some(l) => l.to_vec(),
        None => (0..PURPOSES.len()).filter(|&i| eligible(i)).collect(),
    };
    if targets.is_empty() {
        return Err(refusal);
    }
    Ok(targets)
}

/// The next version's purposes: every purpose materialised at `now`, then `change` applied to
/// each target.
fn model_apply(
    prev: &Artefact,
    targets: Vec<usize>,
    now: OffsetDateTime,
    change: impl Fn(&mut PurposeState),
) -> Vec<PurposeState> {
    let mut next: Vec<PurposeState> = prev.purposes.iter().map(|s| materialised(s, now)).collect();
    for i in targets {
        let s = &mut next[i];
        change(s);
        s.updated_at = now;
    }
    next
}

fn model_renew(prev: &Artefact, list: Option<&[usize]>, now: OffsetDateTime) -> Expected {
    let renewable = |i: usize| {
        let s = &prev.purposes[i];
        s.decision == Decision::Granted
            && matches!(s.status_at(now), Status::Active | Status::Expired)
    };
    let targets = model_targets(list, renewable, "not_renewable")?;
    Ok(model_apply(prev, targets, now, |s| {
        s.status = Status::Active;
        s.expires_at = Some(now + Duration::days(i64::from(s.validity_days)));
        s.notice_version = Some(NOTICE_VERSION);
    }))
}

/// A withdrawal: Ok(None) when it had already taken effect (nothing new is written).
fn model_withdraw(
    prev: &Artefact,
    list: Option<&[usize]>,
    now: OffsetDateTime,
) -> Result<Option<Vec<PurposeState>>, &'static str> {
    let status = |i: usize| prev.purposes[i].status_at(now);
    let active = |i: usize| status(i) == Status::Active;
    let targets = match list {
        Some([]) => return Err("empty_purposes"),
        Some(l) if l.contains(&UNKNOWN) => return Err("unknown_purpose"),
        Some(l)
            if l.iter()
                .any(|&i| !matches!(status(i), Status::Active | Status::Withdrawn)) =>
        {
            return Err("not_active");
        }
        Some(l) => l.iter().copied().filter(|&i| active(i)).collect::<Vec<_>>(),
        None => {
            let v: Vec<usize> = (0..PURPOSES.len()).filter(|&i| active(i)).collect();
            if v.is_empty() && !(0..PURPOSES.len()).any(|i| status(i) == Status::Withdrawn) {
                return Err("not_active");
            }
            v
        }
    };
    if targets.is_empty() {
        return Ok(None);
    }
    Ok(Some(model_apply(prev, targets, now, |s| {
        s.status = Status::Withdrawn;
        s.withdrawn_at = Some(now);
    })))
}

/// The decision a test's boolean stands for.
fn decision(granted: bool) -> Decision {
    if granted {
        Decision::Granted
    } else {
        Decision::Denied
    }
}

/// Purpose codes for a list of purpose numbers.
fn codes_of(list: &Option<Vec<usize>>) -> Option<Vec<String>> {
    list.as_ref().map(|l| l.iter().map(|&i| code(i)).collect())
}

/// A collection in English from `citizen-1` over the web.
fn collect_request(
    decisions: BTreeMap<String, Decision>,
    session_id: Option<String>,
    guardian: Option<Guardian>,
    requires_guardian: bool,
) -> Collect {
    Collect {
        principal_id: "citizen-1".into(),
        language: Lang::parse("en").unwrap(),
        decisions,
        method: Method::Web,
        session_id,
        guardian,
        requires_guardian,
    }
}

/// Compares an outcome with the model's, and checks what holds of every successful step.
fn compare(
    prev: &Artefact,
    got: &Result<Artefact, anumodan_core::DomainError>,
    expected: Expected,
    event: Event,
    now: OffsetDateTime,
) -> Result<(), TestCaseError> {
    match (got, expected) {
        (Ok(next), Ok(purposes)) => {
            check_step(prev, next, event, now)?;
            prop_assert_eq!(&next.purposes, &purposes);
        }
        (Err(e), Ok(_)) => {
            return Err(TestCaseError::fail(format!("refused without reason: {e}")));
        }
        (Ok(next), Err(code)) => {
            return Err(TestCaseError::fail(format!(
                "expected {code}, got version {}: {:?}",
                next.version, next.purposes
            )));
        }
        (Err(e), Err(code)) => prop_assert_eq!(e.code, code, "{}", e),
    }
    Ok(())
}

fn run(
    validity: Vec<u32>,
    initial: Vec<bool>,
    requires_guardian: bool,
    with_guardian: bool,
    cmds: Vec<Cmd>,
) -> Result<(), TestCaseError> {
    let n = notice(&validity);
    let guardian = with_guardian.then(|| Guardian {
        principal_id: "parent-1".into(),
        relationship: "parent".into(),
        verification_method: "digilocker".into(),
        verification_ref: None,
        adult: true,
    });
    let decisions: BTreeMap<String, Decision> = initial
        .iter()
        .enumerate()
        .map(|(i, &g)| (code(i), decision(g)))
        .collect();
    let collect = collect_request(
        decisions.clone(),
        Some("s-1".into()),
        guardian,
        requires_guardian,
    );
    let mut now = T0;
    let collected = lifecycle::collect(&n, collect, &ctx(now), Uuid::from_u128(42));
    let mut a = match collected {
        Err(e) => {
            // Purposes are decided independently: a guardian's absence is the only refusal.
            prop_assert!(requires_guardian && !with_guardian, "{}", e);
            prop_assert_eq!(e.code, "guardian_required");
            return Ok(());
        }
        Ok(a) => a,
    };
    prop_assert!(!requires_guardian || with_guardian);
    prop_assert_eq!(a.version, 1);
    prop_assert_eq!(a.previous_version, None);
    prop_assert_eq!(a.event, Event::Collected);
    prop_assert_eq!(
        Some(&a.notice_text_hash),
        n.text_hashes.get(&Lang::parse("en").unwrap())
    );
    // Each decision recorded as given; nothing granted by default.
    for (s, &g) in a.purposes.iter().zip(&initial) {
        prop_assert_eq!(s.decision, decision(g));
        prop_assert_eq!(
            s.expires_at,
            g.then(|| now + Duration::days(i64::from(s.validity_days)))
        );
    }
    // Missing decisions are refused.
    let mut partial = decisions.clone();
    partial.remove(&code(initial.len() - 1));
    let refused = lifecycle::collect(
        &n,
        collect_request(partial, None, None, false),
        &ctx(now),
        Uuid::from_u128(43),
    );
    prop_assert_eq!(refused.map(|_| ()).unwrap_err().code, "missing_decision");

    let first = a.clone();
    check_invariants(&a, &first, &n, now)?;

    for c in cmds {
        let before = json(&a);
        let next: Option<Artefact> = match &c {
            Cmd::Advance(secs) => {
                now += Duration::seconds(*secs);
                None
            }
            Cmd::ToExpiry(i, ms) => {
                if let Some(e) = a.purposes[*i].expires_at {
                    let t = e + Duration::milliseconds(*ms);
                    if t >= now {
                        now = t;
                    }
                }
                None
            }
            Cmd::Expire => {
                let due = a
                    .purposes
                    .iter()
                    .any(|s| s.status == Status::Active && s.status_at(now) == Status::Expired);
                let got = lifecycle::expire(&a, &ctx(now));
                prop_assert_eq!(got.is_some(), due);
                if let Some(next) = &got {
                    check_step(&a, next, Event::Expired, now)?;
                    let expected: Vec<PurposeState> =
                        a.purposes.iter().map(|s| materialised(s, now)).collect();
                    prop_assert_eq!(&next.purposes, &expected);
                    prop_assert!(
                        next.purposes
                            .iter()
                            .all(|s| s.status != Status::Active
                                || s.status_at(now) == Status::Active)
                    );
                    // Idempotent: nothing is due right after.
                    prop_assert!(lifecycle::expire(next, &ctx(now)).is_none());
                }
                got
            }
            Cmd::Update(d) => {
                let map: BTreeMap<String, Decision> =
                    d.iter().map(|&(i, g)| (code(i), decision(g))).collect();
                let got = lifecycle::update(&a, &map, &ctx(now), &act(&n));
                let expected = model_update(&a, d, now);
                compare(&a, &got, expected, Event::Updated, now)?;
                got.ok()
            }
            Cmd::Renew(list) => {
                let codes = codes_of(list);
                let got =
                    lifecycle::renew(&a, codes.as_deref(), &ctx(now), &act(&n), &BTreeSet::new());
                let expected = model_renew(&a, list.as_deref(), now);
                compare(&a, &got, expected, Event::Renewed, now)?;
                got.ok()
            }
            Cmd::Withdraw(list) => {
                let codes = codes_of(list);
                let got = lifecycle::withdraw(&a, codes.as_deref(), &ctx(now), &act(&n));
                let expected = model_withdraw(&a, list.as_deref(), now);
                // A withdrawal already in effect answers with the current version, unchanged.
                if let (Ok(w), Ok(None)) = (&got, &expected) {
                    prop_assert!(!w.changed);
                    prop_assert_eq!(json(&w.artefact), json(&a));
                    continue;
                }
                let artefact = got
                    .as_ref()
                    .map(|w| w.artefact.clone())
                    .map_err(Clone::clone);
                let expected = expected.map(|e| e.unwrap_or_default());
                compare(&a, &artefact, expected, Event::Withdrawn, now)?;
                if let Ok(w) = &got {
                    prop_assert!(w.changed);
                    let legal: Vec<String> = w
                        .artefact
                        .purposes
                        .iter()
                        .zip(&a.purposes)
                        .filter(|(n, p)| {
                            n.status == Status::Withdrawn
                                && p.status_at(now) == Status::Active
                                && n.legal_basis.survives_withdrawal()
                        })
                        .map(|(n, _)| n.purpose.clone())
                        .collect();
                    prop_assert_eq!(&w.legal_exceptions, &legal);
                    // Immediate effect: a withdrawn purpose is no longer valid unless by law.
                    for s in &w.artefact.purposes {
                        if s.status == Status::Withdrawn {
                            let (valid, reason) = lifecycle::validate(Some(s), None, now);
                            prop_assert_eq!(valid, s.legal_basis.survives_withdrawal());
                            prop_assert!(matches!(
                                reason,
                                Reason::Withdrawn | Reason::LegalException
                            ));
                        }
                    }
                }
                got.ok().map(|w| w.artefact)
            }
        };
        // The previous version is a value: a command, failed or not, never changes it.
        prop_assert_eq!(json(&a), before);
        if let Some(next) = next {
            a = next;
        }
        check_invariants(&a, &first, &n, now)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn lifecycle_state_machine(
        validity in prop::collection::vec(1u32..=400, PURPOSES.len()),
        // Mostly collections that pass, so that the command sequences have work to do.
        initial in prop_oneof![
            3 => (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>())
                .prop_map(|(m, a, b, c)| vec![true, m || a || b || c, a, b, c]),
            1 => prop::collection::vec(any::<bool>(), PURPOSES.len()),
        ],
        requires_guardian in prop::bool::weighted(0.2),
        with_guardian in any::<bool>(),
        cmds in prop::collection::vec(cmd(), 1..40),
    ) {
        run(validity, initial, requires_guardian, with_guardian, cmds)?;
    }
}
