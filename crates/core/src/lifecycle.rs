//! The consent lifecycle as pure functions: given the current artefact, a command and the time,
//! return the next artefact version or a domain error. Nothing here does I/O.

use crate::error::{DomainError, DomainResult};
use crate::lang::Lang;
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Who did it, how and from where; recorded on every version.
#[derive(Clone, Debug)]
pub struct Context {
    pub fiduciary_id: Uuid,
    pub initiator: String,
    pub source_ip: Option<String>,
    pub now: OffsetDateTime,
}

/// How and where the principal acted for one version: recorded on that version, never copied
/// from an earlier one.
#[derive(Clone, Debug)]
pub struct Act {
    pub method: Method,
    pub session_id: Option<String>,
    /// The notice version the principal was shown, when the action rests on one (a grant or a
    /// renewal): without it, nothing can be granted or extended.
    pub shown: Option<Shown>,
}

impl Act {
    /// An action of the system itself (expiry): no principal, no session, no notice shown.
    pub fn system() -> Act {
        Act {
            method: Method::System,
            session_id: None,
            shown: None,
        }
    }
}

/// A notice version as shown to the principal: its number, the language and the SHA-256 of
/// the rendering (see [`RenderedNotice::hash`]).
#[derive(Clone, Debug)]
pub struct Shown {
    pub version: u32,
    pub language: Lang,
    pub text_hash: String,
}

/// A collection request after parsing.
#[derive(Clone, Debug)]
pub struct Collect {
    pub principal_id: String,
    pub language: Lang,
    pub decisions: BTreeMap<String, Decision>,
    pub method: Method,
    pub session_id: Option<String>,
    pub guardian: Option<Guardian>,
    /// True when the principal is a child or a person with a disability, which requires a
    /// verified guardian.
    pub requires_guardian: bool,
}

fn expiry(now: OffsetDateTime, days: u32) -> OffsetDateTime {
    now + Duration::days(i64::from(days))
}

fn state_for(
    p: &Purpose,
    decision: Decision,
    now: OffsetDateTime,
    notice_version: u32,
) -> PurposeState {
    let granted = decision == Decision::Granted;
    PurposeState {
        purpose: p.code.clone(),
        mandatory: p.mandatory,
        decision,
        status: if granted {
            Status::Active
        } else {
            Status::Denied
        },
        data_items: p.data_items.clone(),
        legal_basis: p.legal_basis,
        validity_days: p.validity_days,
        tracking: p.tracking,
        notice_version: Some(notice_version),
        granted_at: granted.then_some(now),
        expires_at: granted.then(|| expiry(now, p.validity_days)),
        withdrawn_at: None,
        updated_at: now,
    }
}

fn principal_action_required(what: &str) -> DomainError {
    DomainError::invalid(
        "principal_action_required",
        format!(
            "{what} needs evidence of the principal's own action: method, session_id (when there \
             was one) and the notice_version they were shown"
        ),
    )
}

fn child_tracking_prohibited(code: &str) -> DomainError {
    DomainError::invalid(
        "child_tracking_prohibited",
        format!(
            "purpose {code:?} involves tracking, behavioural monitoring or targeted advertising, \
             which consent for a child or a person who needs a guardian can never grant \
             (DPDP Act s.9(3))"
        ),
    )
}

/// Collects consent under a published notice version.
pub fn collect(
    notice: &NoticeVersion,
    cmd: Collect,
    ctx: &Context,
    id: Uuid,
) -> DomainResult<Artefact> {
    let Some(rendered) = notice.render(&cmd.language) else {
        return Err(DomainError::invalid(
            "language_not_in_notice",
            format!(
                "notice {} version {} has no text in language {}",
                notice.code, notice.version, cmd.language
            ),
        ));
    };
    if let Some(unknown) = cmd.decisions.keys().find(|c| notice.purpose(c).is_none()) {
        return Err(DomainError::invalid(
            "unknown_purpose",
            format!(
                "purpose {unknown:?} is not part of notice {} version {}",
                notice.code, notice.version
            ),
        ));
    }
    let missing: Vec<&str> = notice
        .purposes
        .iter()
        .filter(|p| !cmd.decisions.contains_key(&p.code))
        .map(|p| p.code.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::invalid(
            "missing_decision",
            format!(
                "every purpose needs an explicit decision; missing: {}",
                missing.join(", ")
            ),
        ));
    }
    if cmd.requires_guardian && cmd.guardian.is_none() {
        return Err(DomainError::invalid(
            "guardian_required",
            "consent for a child or a person with a disability must be given by a verified parent or guardian",
        ));
    }
    if let Some(g) = &cmd.guardian
        && !g.adult
    {
        return Err(DomainError::invalid(
            "guardian_adult_required",
            "a guardian's consent must record that the guardian was verified to be an adult (guardian.adult: true)",
        ));
    }
    if cmd.method == Method::System {
        return Err(invalid_method());
    }
    let states: Vec<PurposeState> = notice
        .purposes
        .iter()
        .map(|p| state_for(p, cmd.decisions[&p.code], ctx.now, notice.version))
        .collect();
    let for_child = cmd.guardian.is_some() || cmd.requires_guardian;
    if let Some(s) = states
        .iter()
        .find(|s| for_child && s.tracking && s.decision == Decision::Granted)
    {
        return Err(child_tracking_prohibited(&s.purpose));
    }
    Ok(Artefact {
        id,
        version: 1,
        previous_version: None,
        fiduciary_id: ctx.fiduciary_id,
        principal_id: cmd.principal_id,
        notice_id: notice.notice_id,
        notice_code: notice.code.clone(),
        notice_version: notice.version,
        notice_text_hash: rendered.hash(),
        language: cmd.language,
        purposes: states,
        event: Event::Collected,
        method: cmd.method,
        session_id: cmd.session_id,
        initiator: ctx.initiator.clone(),
        source_ip: ctx.source_ip.clone(),
        guardian: cmd.guardian,
        collected_at: ctx.now,
        created_at: ctx.now,
        audit_log_id: None,
    })
}

/// `system` is the expiry job's method: no request may claim it.
pub fn invalid_method() -> DomainError {
    DomainError::invalid(
        "invalid_method",
        "method system is reserved for the service's own actions",
    )
}

/// The next version: the facts of this action (who, how, from where, what was shown), the
/// purposes carried over from `prev`.
fn next_version(prev: &Artefact, event: Event, ctx: &Context, act: &Act) -> Artefact {
    let mut next = prev.clone();
    next.version = prev.version + 1;
    next.previous_version = Some(prev.version);
    next.event = event;
    next.initiator = ctx.initiator.clone();
    next.source_ip = ctx.source_ip.clone();
    next.method = act.method;
    next.session_id = act.session_id.clone();
    if let Some(shown) = &act.shown {
        next.notice_version = shown.version;
        next.language = shown.language.clone();
        next.notice_text_hash = shown.text_hash.clone();
    }
    next.created_at = ctx.now;
    next.audit_log_id = None;
    // Materialise expiry that has passed, so the new version states the truth at its time.
    for s in &mut next.purposes {
        if s.status_at(ctx.now) != s.status {
            s.status = s.status_at(ctx.now);
        }
    }
    next
}

fn unknown_purposes<'a>(
    prev: &Artefact,
    codes: impl IntoIterator<Item = &'a String>,
) -> DomainResult<()> {
    for c in codes {
        if prev.purpose(c).is_none() {
            return Err(DomainError::invalid(
                "unknown_purpose",
                format!("purpose {c:?} is not part of this consent artefact"),
            ));
        }
    }
    Ok(())
}

/// Changes decisions for the named purposes; the others are untouched.
/// A grant needs `act.shown` (the principal saw a notice and acted): see
/// [`principal_action_required`]. Declining needs nothing.
pub fn update(
    prev: &Artefact,
    decisions: &BTreeMap<String, Decision>,
    ctx: &Context,
    act: &Act,
) -> DomainResult<Artefact> {
    if decisions.is_empty() {
        return Err(DomainError::invalid(
            "empty_decisions",
            "decisions must name at least one purpose",
        ));
    }
    unknown_purposes(prev, decisions.keys())?;
    let mut next = next_version(prev, Event::Updated, ctx, act);
    let mut changed = false;
    for s in &mut next.purposes {
        let Some(&d) = decisions.get(&s.purpose) else {
            continue;
        };
        let current_active = s.status == Status::Active;
        // Granting again what is active counts when it is under a newer notice version than
        // the one it is held under: that is re-consent.
        let newer_notice = act
            .shown
            .as_ref()
            .is_some_and(|sh| sh.version > s.held_version(prev.notice_version));
        match d {
            Decision::Granted if !current_active || newer_notice => {
                let Some(shown) = &act.shown else {
                    return Err(principal_action_required("granting a purpose"));
                };
                if s.tracking && prev.guardian.is_some() {
                    return Err(child_tracking_prohibited(&s.purpose));
                }
                s.notice_version = Some(shown.version);
                s.decision = Decision::Granted;
                s.status = Status::Active;
                s.granted_at = Some(ctx.now);
                s.expires_at = Some(expiry(ctx.now, s.validity_days));
                s.withdrawn_at = None;
                s.updated_at = ctx.now;
                changed = true;
            }
            Decision::Denied if s.decision == Decision::Granted || current_active => {
                s.decision = Decision::Denied;
                s.status = Status::Denied;
                s.expires_at = None;
                s.updated_at = ctx.now;
                if let Some(shown) = &act.shown {
                    s.notice_version = Some(shown.version);
                }
                changed = true;
            }
            _ => {}
        }
    }
    if !changed {
        return Err(DomainError::conflict(
            "no_change",
            "the decisions given are already in effect",
        ));
    }
    Ok(next)
}

/// Whether a purpose can be renewed at `now`: granted, and active or expired (not denied, not
/// withdrawn).
pub fn renewable(s: &PurposeState, now: OffsetDateTime) -> bool {
    s.decision == Decision::Granted && matches!(s.status_at(now), Status::Active | Status::Expired)
}

/// Extends granted purposes (active or expired) by their validity period from now. With no
/// purposes named, every granted purpose is renewed. `superseded` names the purposes whose
/// current decision was made in another artefact (a later grant, denial or withdrawal there):
/// this artefact's grant of them is history and cannot be extended. A renewal needs
/// `act.shown`: the principal saw the notice and agreed again.
pub fn renew(
    prev: &Artefact,
    purposes: Option<&[String]>,
    ctx: &Context,
    act: &Act,
    superseded: &BTreeSet<String>,
) -> DomainResult<Artefact> {
    let renewable = |s: &PurposeState| renewable(s, ctx.now) && !superseded.contains(&s.purpose);
    let targets: BTreeSet<String> = match purposes {
        Some(list) => {
            if list.is_empty() {
                return Err(DomainError::invalid(
                    "empty_purposes",
                    "purposes, when given, must name at least one purpose",
                ));
            }
            unknown_purposes(prev, list)?;
            for c in list {
                let s = prev.purpose(c).expect("checked above");
                if superseded.contains(c) {
                    return Err(DomainError::conflict(
                        "superseded",
                        format!(
                            "the principal's current decision on purpose {c:?} was made in another consent artefact; this one's grant cannot be renewed"
                        ),
                    ));
                }
                if !renewable(s) {
                    return Err(DomainError::conflict(
                        "not_renewable",
                        format!(
                            "purpose {c:?} is {}; only granted purposes (active or expired) can be renewed, others need a new grant",
                            s.status_at(ctx.now).as_str()
                        ),
                    ));
                }
            }
            list.iter().cloned().collect()
        }
        None => prev
            .purposes
            .iter()
            .filter(|s| renewable(s))
            .map(|s| s.purpose.clone())
            .collect(),
    };
    if targets.is_empty() {
        return Err(DomainError::conflict(
            "not_renewable",
            "this artefact has no granted purpose to renew",
        ));
    }
    let Some(shown) = &act.shown else {
        return Err(principal_action_required("renewing consent"));
    };
    let mut next = next_version(prev, Event::Renewed, ctx, act);
    for s in &mut next.purposes {
        if targets.contains(&s.purpose) {
            s.status = Status::Active;
            s.expires_at = Some(expiry(ctx.now, s.validity_days));
            s.notice_version = Some(shown.version);
            s.updated_at = ctx.now;
        }
    }
    Ok(next)
}

/// Result of a withdrawal: the new version (or, when every purpose named was already
/// withdrawn, the current one, unchanged) and the purposes whose processing may continue by law.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Withdrawal {
    pub artefact: Artefact,
    pub legal_exceptions: Vec<String>,
    /// False when the withdrawal had already taken effect: nothing new is written.
    pub changed: bool,
}

/// Withdraws the named active purposes, or all active ones. Naming a purpose that is denied or
/// expired is an error (the caller records the attempt); naming one already withdrawn is not:
/// a repeated withdrawal answers with the current version and changes nothing.
pub fn withdraw(
    prev: &Artefact,
    purposes: Option<&[String]>,
    ctx: &Context,
    act: &Act,
) -> DomainResult<Withdrawal> {
    let repeat = |targets: &[String]| Withdrawal {
        artefact: prev.clone(),
        legal_exceptions: prev
            .purposes
            .iter()
            .filter(|s| targets.contains(&s.purpose) && s.legal_basis.survives_withdrawal())
            .map(|s| s.purpose.clone())
            .collect(),
        changed: false,
    };
    let targets: Vec<String> = match purposes {
        Some(list) => {
            if list.is_empty() {
                return Err(DomainError::invalid(
                    "empty_purposes",
                    "purposes, when given, must name at least one purpose",
                ));
            }
            unknown_purposes(prev, list)?;
            let inactive: Vec<String> = list
                .iter()
                .filter(|c| {
                    prev.purpose(c).is_some_and(|s| {
                        !matches!(s.status_at(ctx.now), Status::Active | Status::Withdrawn)
                    })
                })
                .map(|c| {
                    format!(
                        "{c} ({})",
                        prev.purpose(c)
                            .map(|s| s.status_at(ctx.now).as_str())
                            .unwrap_or("unknown")
                    )
                })
                .collect();
            if !inactive.is_empty() {
                return Err(DomainError::conflict(
                    "not_active",
                    format!(
                        "only active consent can be withdrawn; not active: {}",
                        inactive.join(", ")
                    ),
                ));
            }
            let mut v = list.to_vec();
            v.sort();
            v.dedup();
            let active: Vec<String> = v
                .iter()
                .filter(|c| {
                    prev.purpose(c)
                        .is_some_and(|s| s.status_at(ctx.now) == Status::Active)
                })
                .cloned()
                .collect();
            if active.is_empty() {
                return Ok(repeat(&v));
            }
            active
        }
        None => {
            let v: Vec<String> = prev
                .purposes
                .iter()
                .filter(|s| s.status_at(ctx.now) == Status::Active)
                .map(|s| s.purpose.clone())
                .collect();
            if v.is_empty() {
                let withdrawn: Vec<String> = prev
                    .purposes
                    .iter()
                    .filter(|s| s.status == Status::Withdrawn)
                    .map(|s| s.purpose.clone())
                    .collect();
                if !withdrawn.is_empty() {
                    return Ok(repeat(&withdrawn));
                }
                return Err(DomainError::conflict(
                    "not_active",
                    "this artefact has no active purpose to withdraw",
                ));
            }
            v
        }
    };
    let mut next = next_version(prev, Event::Withdrawn, ctx, act);
    let mut legal_exceptions = Vec::new();
    for s in &mut next.purposes {
        if targets.contains(&s.purpose) {
            s.status = Status::Withdrawn;
            s.withdrawn_at = Some(ctx.now);
            s.updated_at = ctx.now;
            if s.legal_basis.survives_withdrawal() {
                legal_exceptions.push(s.purpose.clone());
            }
        }
    }
    Ok(Withdrawal {
        artefact: next,
        legal_exceptions,
        changed: true,
    })
}

/// Writes the expiry of every active purpose whose time has come, or None when nothing expired.
pub fn expire(prev: &Artefact, ctx: &Context) -> Option<Artefact> {
    let due = prev
        .purposes
        .iter()
        .any(|s| s.status == Status::Active && s.status_at(ctx.now) == Status::Expired);
    due.then(|| next_version(prev, Event::Expired, ctx, &Act::system()))
}

/// Rule 1 (docs/api.md, "One truth per principal and purpose") over a principal's artefacts:
/// the artefact holding their latest decision on `purpose`, given the latest version of each.
/// A purpose's `updated_at` is the instant of the last decision on it in its artefact (expiry
/// does not change it), so the latest one wins; at the same instant, the later artefact.
pub fn latest_decision<'a>(heads: &'a [Artefact], purpose: &str) -> Option<&'a Artefact> {
    heads
        .iter()
        .filter_map(|a| {
            a.purpose(purpose)
                .map(|s| (s.updated_at, a.collected_at, a.id, a))
        })
        .max_by_key(|(at, collected, id, _)| (*at, *collected, *id))
        .map(|(_, _, _, a)| a)
}

/// Why a validation answered as it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Active,
    NotFound,
    Denied,
    Withdrawn,
    Expired,
    ScopeExceeded,
    LegalException,
    /// Held under a notice version older than one that required re-consent, past its deadline.
    ReconsentRequired,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Active => "active",
            Reason::NotFound => "not_found",
            Reason::Denied => "denied",
            Reason::Withdrawn => "withdrawn",
            Reason::Expired => "expired",
            Reason::ScopeExceeded => "scope_exceeded",
            Reason::LegalException => "legal_exception",
            Reason::ReconsentRequired => "reconsent_required",
        }
    }
}

/// Decides whether processing for a purpose may go ahead, given the principal's current state
/// for that purpose (None when they never gave a decision), the data items the processing will
/// touch (None: not stated) and the time.
pub fn validate(
    state: Option<&PurposeState>,
    data_items: Option<&[String]>,
    now: OffsetDateTime,
) -> (bool, Reason) {
    let Some(s) = state else {
        return (false, Reason::NotFound);
    };
    let status = s.status_at(now);
    if status == Status::Denied {
        return (false, Reason::Denied);
    }
    if let Some(items) = data_items
        && items.iter().any(|i| !s.data_items.contains(i))
    {
        return (false, Reason::ScopeExceeded);
    }
    match status {
        Status::Active => (true, Reason::Active),
        Status::Withdrawn | Status::Expired if s.legal_basis.survives_withdrawal() => {
            (true, Reason::LegalException)
        }
        Status::Withdrawn => (false, Reason::Withdrawn),
        Status::Expired => (false, Reason::Expired),
        Status::Denied => (false, Reason::Denied),
        Status::Erased => (false, Reason::NotFound),
    }
}
