//! The use cases of grievances and rights requests, over [`CasePort`]: filing, working a case
//! through its workflow (and, on resolution, carrying out the right asked for), assigning,
//! escalating on the clock, feedback, reopening, attachments, nominations and settings.
//! Every action is a ledger entry (`grievance.action` or `request.action`), a step in the
//! case's history, and, when the status changes, a [`DomainEvent::CaseStatusChanged`] that
//! notifies the principal in their language.

use super::model::*;
use super::workflow::{self, line_ok};
use crate::audit::{Action, AuditRecord};
use crate::events::DomainEvent;
use crate::lang::Lang;
use crate::notify::model::{Channel, NewDelivery};
use crate::notify::route;
use crate::ports::{CasePort, PrincipalPort, Tx};
use crate::principal::{ContactKind, Pseudonym, normalise};
use crate::usecases::Actor;
use crate::{DomainError, ErrorKind, Result};
use serde_json::json;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Longest description, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
/// Longest note or comment, in characters.
pub const NOTE_MAX_CHARS: usize = 2_000;
/// Most artefacts one case may name.
pub const MAX_ARTEFACTS: usize = 20;
/// Largest attachment, in bytes.
pub const ATTACHMENT_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Most attachments on one case.
pub const MAX_ATTACHMENTS: usize = 5;
/// The attachment types accepted, each checked against the file's first bytes.
pub const ATTACHMENT_TYPES: &[&str] = &["application/pdf", "image/png", "image/jpeg", "text/plain"];
/// Most nominations a principal keeps (registered or active) at one fiduciary.
pub const MAX_NOMINATIONS: usize = 5;

/// What a principal (or staff, for them) files.
#[derive(Clone, Debug, Default)]
pub struct NewCase {
    pub kind: Option<CaseKind>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub language: Option<Lang>,
    pub artefacts: Vec<Uuid>,
    pub changes: Vec<FieldChange>,
    pub nominee: Option<Nominee>,
}

/// What staff send to move a case on.
#[derive(Clone, Debug)]
pub struct Transition {
    pub to: CaseStatus,
    pub note: Option<String>,
    /// Required to resolve.
    pub outcome: Option<Outcome>,
    pub summary: Option<String>,
    /// For a correction resolved `partly_accepted`: the fields to apply.
    pub apply: Vec<String>,
}

fn not_found() -> DomainError {
    DomainError::not_found("case_not_found", "no such grievance or request")
}

fn multiline_ok(s: &str, max: usize) -> bool {
    let n = s.chars().count();
    n >= 1
        && n <= max
        && !s.trim().is_empty()
        && !s.chars().any(|c| crate::text::forbidden(c, true))
}

fn check_note(note: &Option<String>) -> Result<()> {
    match note {
        Some(n) if !multiline_ok(n, NOTE_MAX_CHARS) => Err(DomainError::invalid(
            "invalid_note",
            format!("a note is 1-{NOTE_MAX_CHARS} characters of text"),
        )
        .into()),
        _ => Ok(()),
    }
}

fn action_of(kind: CaseKind) -> Action {
    match kind {
        CaseKind::Grievance => Action::GrievanceAction,
        _ => Action::RequestAction,
    }
}

/// Appends a ledger entry and a history step for `what` on `c`.
#[allow(clippy::too_many_arguments)] // the entry's fields, each distinct; a struct would only rename them
fn record<T: CasePort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    principal_id: Option<&str>,
    c: &mut Case,
    by: &Actor,
    what: &str,
    from: Option<CaseStatus>,
    note: Option<String>,
) -> Result<u64> {
    let mut outcome = format!("{} {what}", c.reference);
    if let Some(f) = from.filter(|f| *f != c.status) {
        outcome.push_str(&format!(" {}->{}", f.as_str(), c.status.as_str()));
    }
    let id = Tx::append_audit(
        tx,
        &AuditRecord {
            principal_id: principal_id.map(str::to_string),
            status: Some(c.status.as_str()),
            outcome,
            ..AuditRecord::admin(action_of(c.kind), fid, "", &by.initiator)
        }
        .with_ip(by.source_ip.clone()),
    )?;
    c.history.push(CaseStep {
        at: Tx::now(tx),
        by: by.initiator.clone(),
        action: what.to_string(),
        from: from.filter(|f| *f != c.status),
        to: from.filter(|f| *f != c.status).map(|_| c.status),
        note,
        audit_log_id: id,
    });
    Ok(id)
}

/// Tells the principal (and the fiduciary's endpoints) that `c` changed status.
fn announce<T: CasePort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    principal_id: Option<&str>,
    c: &Case,
) -> Result<()> {
    Tx::emit(
        tx,
        fid,
        principal_id,
        &DomainEvent::CaseStatusChanged {
            reference: c.reference.clone(),
            case_kind: c.kind.family().to_string(),
            status: c.status.as_str().to_string(),
            language: c.language.clone(),
        },
    )?;
    Ok(())
}

/// Saves a case loaded in this transaction; `owner` is its principal as loaded (None once
/// erased: the sealed body is then left as it is).
fn save<T: CasePort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    owner: Option<&Pseudonym>,
    c: &Case,
    s: &CaseSettings,
) -> Result<()> {
    tx.update_case(fid, owner, c, workflow::next_check(c, s.at_risk_days))?;
    Ok(())
}

/// Checks a new case against the rules; returns the category and the rule that chose it.
fn check_new<T: CasePort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    p: &Pseudonym,
    kind: CaseKind,
    input: &NewCase,
    s: &CaseSettings,
) -> Result<(Option<String>, Option<String>)> {
    let description = input.description.as_deref().unwrap_or("");
    if (kind == CaseKind::Grievance || !description.is_empty())
        && !multiline_ok(description, DESCRIPTION_MAX_CHARS)
    {
        {
            return Err(DomainError::invalid(
                "invalid_description",
                format!(
                    "the description is 1-{DESCRIPTION_MAX_CHARS} characters of text (required for a grievance)"
                ),
            ).into());
        }
    }
    if input.artefacts.len() > MAX_ARTEFACTS {
        return Err(DomainError::invalid(
            "invalid_artefacts",
            format!("at most {MAX_ARTEFACTS} artefacts"),
        )
        .into());
    }
    for id in &input.artefacts {
        let mine = match tx.artefact(fid, *id)? {
            Some(a) => PrincipalPort::pseudonym(tx, fid, &a.principal_id) == *p,
            None => false,
        };
        if !mine {
            return Err(DomainError::invalid(
                "unknown_artefact",
                format!("artefact {id} is not one of the principal's"),
            )
            .into());
        }
    }
    let extra = |what: &str| {
        DomainError::invalid(
            "invalid_body",
            format!("`{what}` does not belong to a {} case", kind.as_str()),
        )
    };
    if kind != CaseKind::Correction && !input.changes.is_empty() {
        return Err(extra("changes").into());
    }
    if kind != CaseKind::Nomination && input.nominee.is_some() {
        return Err(extra("nominee").into());
    }
    if kind != CaseKind::Grievance && input.category.is_some() {
        return Err(extra("category").into());
    }
    match kind {
        CaseKind::Correction => check_changes(&input.changes)?,
        CaseKind::Nomination => {
            let n = input.nominee.as_ref().ok_or_else(|| {
                DomainError::invalid("invalid_nominee", "a nomination names its `nominee`")
            })?;
            check_nominee(n)?;
            let live = tx
                .nominations_of(fid, p)?
                .into_iter()
                .filter(|n| n.status != "revoked")
                .count();
            if live >= MAX_NOMINATIONS {
                return Err(DomainError::conflict(
                    "too_many_nominations",
                    format!("a principal keeps at most {MAX_NOMINATIONS} nominations"),
                )
                .into());
            }
        }
        _ => {}
    }
    if kind != CaseKind::Grievance {
        return Ok((None, None));
    }
    if let Some(c) = &input.category {
        if !s.categories.iter().any(|k| &k.code == c) {
            return Err(DomainError::invalid(
                "unknown_category",
                format!(
                    "no category {c:?}; the categories are {}",
                    s.categories
                        .iter()
                        .map(|k| k.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .into());
        }
        return Ok((Some(c.clone()), None));
    }
    if let Some(rule) = workflow::categorise(&s.rules, description) {
        return Ok((Some(rule.category.clone()), Some(rule.id.clone())));
    }
    let fallback = s
        .categories
        .iter()
        .find(|k| k.code == "other")
        .or(s.categories.last())
        .map(|k| k.code.clone());
    Ok((fallback, None))
}

fn check_changes(changes: &[FieldChange]) -> Result<()> {
    let bad = |m: String| DomainError::invalid("invalid_changes", m);
    if changes.is_empty() || changes.len() > super::model::CORRECTABLE.len() {
        return Err(bad(format!(
            "a correction names 1-{} changes",
            CORRECTABLE.len()
        ))
        .into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for ch in changes {
        if !CORRECTABLE.contains(&ch.field.as_str()) {
            return Err(bad(format!(
                "field {:?} cannot be corrected here; the fields are {}",
                ch.field,
                CORRECTABLE.join(", ")
            ))
            .into());
        }
        if !seen.insert(ch.field.as_str()) {
            return Err(bad(format!("field {} appears twice", ch.field)).into());
        }
        let ok = match ch.field.as_str() {
            "email" => matches!(normalise(&ch.value), Some((ContactKind::Email, _))),
            "mobile" => matches!(normalise(&ch.value), Some((ContactKind::Mobile, _))),
            _ => Lang::parse(&ch.value).is_some(),
        };
        if !ok {
            return Err(bad(format!("the new {} is not valid", ch.field)).into());
        }
    }
    Ok(())
}

fn check_nominee(n: &Nominee) -> Result<()> {
    let bad = |m: &str| DomainError::invalid("invalid_nominee", m.to_string());
    if !line_ok(&n.name, 200) {
        return Err(bad("the nominee's name is 1-200 characters, one line").into());
    }
    if normalise(&n.contact).is_none() {
        return Err(bad("the nominee's contact is a mobile number or an e-mail address").into());
    }
    if let Some(r) = &n.relationship
        && !line_ok(r, 100)
    {
        return Err(bad("the relationship is 1-100 characters, one line").into());
    }
    Ok(())
}

/// Files a case for the principal `p` (the principal themself, their nominee, or staff or a
/// fiduciary's system on their behalf: `actor.initiator` says which). Answers the case with its
/// reference; the principal is told it was received.
pub fn file_case<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    p: &Pseudonym,
    input: NewCase,
) -> Result<Case> {
    let fid = actor.fiduciary_id;
    let kind = input
        .kind
        .ok_or_else(|| DomainError::invalid("unknown_kind", "a request names its `kind`"))?;
    if actor.is_nominee() && kind == CaseKind::Nomination {
        return Err(DomainError::forbidden("a nominee cannot nominate for the principal").into());
    }
    let s = tx.case_settings(fid)?;
    let (category, category_rule) = check_new(tx, fid, p, kind, &input, &s)?;
    let now = Tx::now(tx);
    let language = match input.language.clone() {
        Some(l) => l,
        None => tx
            .preferred_language(fid, p)?
            .unwrap_or_else(|| Lang::parse("en").expect("en")),
    };
    let d = s.deadlines_of(kind);
    let role = match (&category, kind) {
        (Some(c), CaseKind::Grievance) => s
            .categories
            .iter()
            .find(|k| &k.code == c)
            .map(|k| k.route_to.clone()),
        _ => Some(s.requests_route_to.clone()),
    };
    let seq = tx.next_case_seq(fid, kind.prefix(), now.year())?;
    let mut nominee = input.nominee;
    if let Some(n) = &mut nominee {
        n.contact = normalise(&n.contact).map(|(_, v)| v).unwrap_or_default();
        n.name = n.name.trim().to_string();
        n.relationship = n.relationship.as_deref().map(|r| r.trim().to_string());
    }
    let mut c = Case {
        id: Uuid::now_v7(),
        reference: workflow::reference(kind, now.year(), seq),
        kind,
        category,
        category_rule,
        status: CaseStatus::Submitted,
        escalation_level: 0,
        assignee: Assignee {
            role,
            staff_id: None,
        },
        artefacts: input.artefacts,
        description: input.description.unwrap_or_default(),
        language,
        filed_by: actor.initiator.clone(),
        changes: input.changes,
        nominee,
        created_at: now,
        acknowledge_by: now + Duration::days(d.acknowledge_days as i64),
        respond_by: now + Duration::days(d.respond_days as i64),
        acknowledged_at: None,
        resolved_at: None,
        closed_at: None,
        resolution: None,
        feedback: None,
        attachments: vec![],
        history: vec![],
    };
    let principal_id = Tx::principal_of(tx, fid, p)?;
    let what = match &c.category_rule {
        Some(rule) => format!("submitted (categorised by rule {rule})"),
        None => "submitted".to_string(),
    };
    record(
        tx,
        fid,
        principal_id.as_deref(),
        &mut c,
        actor,
        &what,
        None,
        None,
    )?;
    tx.insert_case(fid, p, &c, workflow::next_check(&c, s.at_risk_days))?;
    announce(tx, fid, principal_id.as_deref(), &c)?;
    Ok(c)
}

/// The case `reference` of the principal `p` (404 for anyone else's).
pub fn own_case<T: CasePort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    p: &Pseudonym,
    reference: &str,
) -> Result<Case> {
    match tx.case_by_reference(fid, reference)? {
        Some((Some(owner), c)) if owner == *p => Ok(c),
        _ => Err(not_found().into()),
    }
}

fn find<T: CasePort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    reference: &str,
) -> Result<(Option<Pseudonym>, Case)> {
    if !workflow::looks_like_reference(reference) {
        return Err(not_found().into());
    }
    Ok(tx
        .case_by_reference(fid, reference)?
        .ok_or_else(not_found)?)
}

/// Staff move a case on (BRD 4.5.2). Resolving needs an outcome and a summary, and carries out
/// the right asked for when it is accepted: a correction is applied, an erasure done (or
/// deferred while a legal retention applies), a nomination registered. A step the workflow
/// does not allow is 422 `invalid_transition`, and nothing changes.
pub fn transition<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    reference: &str,
    t: Transition,
) -> Result<Case> {
    let fid = actor.fiduciary_id;
    let (owner, mut c) = find(tx, fid, reference)?;
    check_note(&t.note)?;
    let from = c.status;
    if !workflow::staff_may(from, t.to) {
        let next = workflow::next_for_staff(from);
        return Err(DomainError::invalid(
            "invalid_transition",
            format!(
                "a {} case cannot go to {}; it may go to: {}",
                from.as_str(),
                t.to.as_str(),
                if next.is_empty() {
                    "nothing (it is final)".to_string()
                } else {
                    next.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        )
        .into());
    }
    let resolving = t.to == CaseStatus::Resolved;
    if resolving != t.outcome.is_some() || (!resolving && t.summary.is_some()) {
        return Err(DomainError::invalid(
            "resolution_required",
            "`outcome` and `summary` are given to resolve a case, and only then",
        )
        .into());
    }
    if !(t.apply.is_empty() || c.kind == CaseKind::Correction && resolving) {
        return Err(DomainError::invalid(
            "invalid_body",
            "`apply` is only for resolving a correction",
        )
        .into());
    }
    let s = tx.case_settings(fid)?;
    let now = Tx::now(tx);
    let principal_id = match &owner {
        Some(p) => Tx::principal_of(tx, fid, p)?,
        None => None,
    };
    let mut erase_after = false;
    if resolving {
        let outcome = t.outcome.expect("checked");
        let summary = t.summary.clone().unwrap_or_default();
        if !multiline_ok(&summary, NOTE_MAX_CHARS) {
            return Err(DomainError::invalid(
                "resolution_required",
                format!("the summary is 1-{NOTE_MAX_CHARS} characters of text"),
            )
            .into());
        }
        let mut resolution = Resolution {
            outcome,
            summary,
            deferred_erasure: None,
            erased_artefacts: None,
            applied: vec![],
            at: now,
        };
        if outcome != Outcome::Refused {
            match (c.kind, &owner, principal_id.as_deref()) {
                (CaseKind::Correction, Some(p), Some(pid)) => {
                    resolution.applied =
                        apply_corrections(tx, actor, p, pid, &c.changes, outcome, &t.apply)?;
                }
                // A legal retention (a law, the Consent Manager's floor, a legal hold) defers
                // the erasure: the retention engine carries it out on that date, and the
                // answer names the law and the date.
                (CaseKind::Erasure, Some(_), Some(pid)) => {
                    match crate::retention::legal_retention(tx, fid, pid)? {
                        Some(lr) => {
                            crate::retention::schedule_erasure(
                                tx,
                                actor,
                                pid,
                                lr.until,
                                "erasure_request",
                            )?;
                            resolution.deferred_erasure = Some(DeferredErasure {
                                law: lr.law,
                                erasure_on: lr.until,
                            });
                        }
                        None => erase_after = true,
                    }
                }
                (CaseKind::Nomination, Some(p), _) => {
                    let n = c.nominee.clone().ok_or_else(|| {
                        DomainError::invalid("invalid_nominee", "the request names no nominee")
                    })?;
                    tx.insert_nomination(
                        fid,
                        p,
                        &Nomination {
                            id: Uuid::now_v7(),
                            reference: c.reference.clone(),
                            nominee: n,
                            status: "registered".into(),
                            created_at: now,
                            activated_at: None,
                            evidence: None,
                        },
                    )?;
                }
                (CaseKind::Grievance | CaseKind::Access, _, _) => {}
                _ => {
                    return Err(DomainError::conflict(
                        "principal_erased",
                        "the principal was erased: the right can no longer be carried out",
                    )
                    .into());
                }
            }
        }
        c.resolution = Some(resolution);
        c.resolved_at = Some(now);
    }
    c.status = t.to;
    match t.to {
        CaseStatus::Acknowledged | CaseStatus::InProgress => {
            c.acknowledged_at.get_or_insert(now);
        }
        CaseStatus::Escalated => {
            c.escalation_level = (c.escalation_level + 1).min(2);
            c.assignee.role = Some(if c.escalation_level == 1 {
                s.first_level_role.clone()
            } else {
                s.second_level_role.clone()
            });
        }
        CaseStatus::Closed => c.closed_at = Some(now),
        _ => {}
    }
    let what = match (&c.resolution, resolving) {
        (Some(r), true) => format!("resolved {}", r.outcome.as_str()),
        _ => "status".to_string(),
    };
    record(
        tx,
        fid,
        principal_id.as_deref(),
        &mut c,
        actor,
        &what,
        Some(from),
        t.note,
    )?;
    save(tx, fid, owner.as_ref(), &c, &s)?;
    announce(tx, fid, principal_id.as_deref(), &c)?;
    if erase_after && let Some(pid) = principal_id.as_deref() {
        let e = crate::privacy::erasure::erase_principal(tx, actor, pid)?;
        // The case's sealed parts went with the key; its columns record the outcome.
        let _ = e;
    }
    Ok(c)
}

fn apply_corrections<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    p: &Pseudonym,
    principal_id: &str,
    changes: &[FieldChange],
    outcome: Outcome,
    apply: &[String],
) -> Result<Vec<String>> {
    let fid = actor.fiduciary_id;
    if outcome == Outcome::PartlyAccepted
        && (apply.is_empty() || apply.iter().any(|f| !changes.iter().any(|c| &c.field == f)))
    {
        return Err(DomainError::invalid(
            "invalid_changes",
            "a correction partly accepted names in `apply` the requested fields it applies",
        )
        .into());
    }
    let mut applied = vec![];
    for ch in changes {
        if outcome == Outcome::PartlyAccepted && !apply.contains(&ch.field) {
            continue;
        }
        match ch.field.as_str() {
            "language" => {
                let l = Lang::parse(&ch.value);
                tx.set_preferred_language(fid, p, l.as_ref())?;
            }
            _ => {
                crate::principal::set_contact(tx, actor, principal_id, &ch.value)?;
            }
        }
        applied.push(ch.field.clone());
    }
    Ok(applied)
}

/// Assigns a case to a role and/or a staff member.
pub fn assign<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    reference: &str,
    to: Assignee,
) -> Result<Case> {
    let fid = actor.fiduciary_id;
    let (owner, mut c) = find(tx, fid, reference)?;
    if to.role.is_none() && to.staff_id.is_none() {
        return Err(DomainError::invalid(
            "invalid_assignee",
            "name a `role`, a `staff_id`, or both",
        )
        .into());
    }
    if let Some(r) = &to.role {
        let custom = tx.custom_roles(fid)?;
        if crate::authz::BuiltinRole::parse(r).is_none() && !custom.contains(r) {
            return Err(
                DomainError::invalid("invalid_assignee", format!("unknown role {r:?}")).into(),
            );
        }
    }
    let s = tx.case_settings(fid)?;
    let principal_id = match &owner {
        Some(p) => Tx::principal_of(tx, fid, p)?,
        None => None,
    };
    c.assignee = to;
    let what = format!(
        "assigned{}{}",
        c.assignee
            .role
            .as_deref()
            .map(|r| format!(" role {r}"))
            .unwrap_or_default(),
        c.assignee
            .staff_id
            .map(|s| format!(" staff {s}"))
            .unwrap_or_default()
    );
    record(
        tx,
        fid,
        principal_id.as_deref(),
        &mut c,
        actor,
        &what,
        None,
        None,
    )?;
    save(tx, fid, owner.as_ref(), &c, &s)?;
    Ok(c)
}

/// The principal rates how their case was handled, once, after it was resolved.
pub fn give_feedback<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    p: &Pseudonym,
    reference: &str,
    rating: u8,
    comment: Option<String>,
) -> Result<Case> {
    let fid = actor.fiduciary_id;
    let mut c = own_case(tx, fid, p, reference)?;
    if !(1..=5).contains(&rating) {
        return Err(DomainError::invalid(
            "invalid_rating",
            "the rating is 1 (very poor) to 5 (very good)",
        )
        .into());
    }
    check_note(&comment)?;
    if c.status.is_open() {
        return Err(DomainError::conflict(
            "case_not_resolved",
            "feedback is given once the case is resolved",
        )
        .into());
    }
    if c.feedback.is_some() {
        return Err(DomainError::conflict(
            "feedback_given",
            "feedback on this case was already given",
        )
        .into());
    }
    let s = tx.case_settings(fid)?;
    let now = Tx::now(tx);
    c.feedback = Some(Feedback {
        rating,
        comment,
        at: now,
    });
    let principal_id = Tx::principal_of(tx, fid, p)?;
    record(
        tx,
        fid,
        principal_id.as_deref(),
        &mut c,
        actor,
        &format!("feedback {rating}"),
        None,
        None,
    )?;
    save(tx, fid, Some(p), &c, &s)?;
    Ok(c)
}

/// The principal reopens a resolved (or closed) case within the fiduciary's window; its clocks
/// start again.
pub fn reopen<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    p: &Pseudonym,
    reference: &str,
    reason: String,
) -> Result<Case> {
    let fid = actor.fiduciary_id;
    let mut c = own_case(tx, fid, p, reference)?;
    check_note(&Some(reason.clone()))?;
    let from = c.status;
    if from.is_open() {
        return Err(DomainError::invalid(
            "invalid_transition",
            "only a resolved or closed case can be reopened",
        )
        .into());
    }
    let s = tx.case_settings(fid)?;
    let now = Tx::now(tx);
    let resolved = c.resolved_at.unwrap_or(c.created_at);
    if now > resolved + Duration::days(s.reopen_days as i64) {
        return Err(DomainError::conflict(
            "reopen_window_passed",
            format!(
                "a case can be reopened within {} days of its resolution",
                s.reopen_days
            ),
        )
        .into());
    }
    if c.kind == CaseKind::Erasure
        && c.resolution
            .as_ref()
            .is_some_and(|r| r.erased_artefacts.is_some())
    {
        return Err(DomainError::conflict(
            "case_final",
            "an erasure that was carried out cannot be reopened",
        )
        .into());
    }
    let d = s.deadlines_of(c.kind);
    c.status = CaseStatus::Reopened;
    c.escalation_level = 0;
    c.acknowledged_at = None;
    c.resolved_at = None;
    c.closed_at = None;
    c.resolution = None;
    c.acknowledge_by = now + Duration::days(d.acknowledge_days as i64);
    c.respond_by = now + Duration::days(d.respond_days as i64);
    let principal_id = Tx::principal_of(tx, fid, p)?;
    record(
        tx,
        fid,
        principal_id.as_deref(),
        &mut c,
        actor,
        "reopened",
        Some(from),
        Some(reason),
    )?;
    save(tx, fid, Some(p), &c, &s)?;
    announce(tx, fid, principal_id.as_deref(), &c)?;
    Ok(c)
}

/// The content type an attachment's first bytes show, if it is one of [`ATTACHMENT_TYPES`].
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if std::str::from_utf8(bytes)
        .is_ok_and(|t| !t.is_empty() && !t.chars().any(|c| crate::text::forbidden(c, true)))
    {
        Some("text/plain")
    } else {
        None
    }
}

/// Checks an attachment before it is read further: 413 `attachment_too_large` over the limit,
/// 415 `attachment_type_refused` for a type not accepted or bytes that are not of that type.
pub fn check_attachment(content_type: &str, bytes: &[u8]) -> Result<&'static str> {
    if bytes.len() > ATTACHMENT_MAX_BYTES {
        return Err(DomainError {
            kind: ErrorKind::TooLarge,
            code: "attachment_too_large",
            message: format!("an attachment is at most {ATTACHMENT_MAX_BYTES} bytes"),
        }
        .into());
    }
    let base = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let refused = || DomainError {
        kind: ErrorKind::UnsupportedMediaType,
        code: "attachment_type_refused",
        message: format!(
            "attachments are {} (and must be what they say)",
            ATTACHMENT_TYPES.join(", ")
        ),
    };
    let declared = ATTACHMENT_TYPES
        .iter()
        .find(|t| **t == base)
        .ok_or_else(refused)?;
    if sniff(bytes) != Some(*declared) {
        return Err(refused().into());
    }
    Ok(declared)
}

/// Attaches a file to a case: by its principal (`p` Some) or by staff. Open cases only.
pub fn attach<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    p: Option<&Pseudonym>,
    reference: &str,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    let fid = actor.fiduciary_id;
    let content_type = check_attachment(content_type, bytes)?;
    let (owner, mut c) = match p {
        Some(p) => (Some(*p), own_case(tx, fid, p, reference)?),
        None => find(tx, fid, reference)?,
    };
    let Some(owner) = owner else {
        return Err(DomainError::conflict(
            "principal_erased",
            "the principal was erased: nothing can be added",
        )
        .into());
    };
    if !line_ok(name, 200) || name.contains(['/', '\\']) {
        return Err(DomainError::invalid(
            "invalid_name",
            "the file name is 1-200 characters, without `/` or `\\`",
        )
        .into());
    }
    if !c.status.is_open() {
        return Err(DomainError::conflict("case_not_open", "files are added to open cases").into());
    }
    if c.attachments.len() >= MAX_ATTACHMENTS {
        return Err(DomainError::conflict(
            "too_many_attachments",
            format!("a case holds at most {MAX_ATTACHMENTS} attachments"),
        )
        .into());
    }
    let s = tx.case_settings(fid)?;
    let a = Attachment {
        id: Uuid::now_v7(),
        name: name.trim().to_string(),
        content_type: content_type.to_string(),
        size: bytes.len() as u64,
        added_by: actor.initiator.clone(),
        at: Tx::now(tx),
    };
    tx.insert_attachment(fid, &c.reference, &owner, &a, bytes)?;
    c.attachments.push(a.clone());
    let principal_id = Tx::principal_of(tx, fid, &owner)?;
    record(
        tx,
        fid,
        principal_id.as_deref(),
        &mut c,
        actor,
        &format!("attachment {} ({} bytes)", a.id, a.size),
        None,
        None,
    )?;
    save(tx, fid, Some(&owner), &c, &s)?;
    Ok(a)
}

/// Escalates the open cases whose clock ran out: at risk to the first level (the DPO), at the
/// deadline to the second. Each escalation is a ledger entry, a step in the case, a status
/// change the principal is told of, an e-mail to the DPO (when the fiduciary set an address)
/// and a `case.escalated` webhook to the fiduciary's endpoints. Returns how many cases it
/// looked at (escalated or re-planned).
pub fn escalate_due<T: CasePort + ?Sized>(tx: &mut T, limit: usize) -> Result<usize> {
    let now = Tx::now(tx);
    let due = tx.due_cases(now, limit)?;
    let n = due.len();
    // Each fiduciary's settings, read once per batch.
    let mut settings: BTreeMap<Uuid, CaseSettings> = BTreeMap::new();
    for (fid, reference) in due {
        let Some((owner, mut c)) = tx.case_by_reference(fid, &reference)? else {
            continue;
        };
        let s = match settings.entry(fid) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(tx.case_settings(fid)?),
        };
        let Some(level) = workflow::escalation_due(&c, s.at_risk_days, now) else {
            // Not due any more (acknowledged meanwhile): look again when it is.
            save(tx, fid, owner.as_ref(), &c, s)?;
            continue;
        };
        let from = c.status;
        c.status = CaseStatus::Escalated;
        c.escalation_level = level;
        let role = if level == 1 {
            s.first_level_role.clone()
        } else {
            s.second_level_role.clone()
        };
        c.assignee.role = Some(role.clone());
        let principal_id = match &owner {
            Some(p) => Tx::principal_of(tx, fid, p)?,
            None => None,
        };
        let overdue = now >= c.respond_by;
        record(
            tx,
            fid,
            principal_id.as_deref(),
            &mut c,
            &Actor::system(fid),
            &format!(
                "escalated level {level} to {role}{}",
                if overdue {
                    " (past its deadline)"
                } else {
                    " (at risk)"
                }
            ),
            Some(from),
            None,
        )?;
        save(tx, fid, owner.as_ref(), &c, s)?;
        if from != CaseStatus::Escalated {
            announce(tx, fid, principal_id.as_deref(), &c)?;
        }
        tell_staff(tx, fid, &c, level, overdue)?;
    }
    Ok(n)
}

fn date(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// The DPO's e-mail and the fiduciary's `case.escalated` webhooks for an escalation.
fn tell_staff<T: CasePort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    c: &Case,
    level: u8,
    overdue: bool,
) -> Result<()> {
    let now = Tx::now(tx);
    let data = json!({
        "reference": c.reference,
        "case_kind": c.kind.as_str(),
        "category": c.category,
        "level": level,
        "assigned_role": c.assignee.role,
        "respond_by": c.respond_by.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "overdue": overdue,
    });
    let body = route::envelope("case.escalated", now, data).to_string();
    for ep in tx.endpoints(fid)? {
        if ep.processor_id.is_some()
            || !(ep.event_types.is_empty() || ep.event_types.iter().any(|t| t == "case.escalated"))
        {
            continue;
        }
        tx.insert_delivery(
            fid,
            &NewDelivery {
                channel: Channel::Webhook,
                kind: "case.escalated".into(),
                endpoint_id: Some(ep.id),
                destination: None,
                payload: body.clone(),
                event_id: None,
                dedup_key: format!("case:{}:{level}:{}", c.id, ep.id),
                alert_id: None,
                principal: None,
            },
        )?;
    }
    let settings = tx.notify_settings(fid)?;
    if let Some(to) = &settings.dpo_email {
        let fiduciary = tx.fiduciary_name(fid)?.unwrap_or_default();
        let lang = settings.dpo_language.clone();
        let vars = json!({
            "fiduciary": fiduciary,
            "dashboard_url": settings.dashboard_url,
            "reference": c.reference,
            "case_kind": c.kind.family(),
            "status": c.status.as_str(),
            "level": level,
            "due": date(c.respond_by),
            "overdue": overdue,
        });
        crate::notify::usecases::queue_dpo_email(
            tx,
            fid,
            &crate::notify::usecases::DpoEmail {
                to,
                lang: &lang,
                template: "case_escalated",
                kind: "case.escalated",
                vars: &vars,
                dedup_key: format!("case:{}:{level}:dpo", c.id),
                alert_id: None,
            },
        )?;
    }
    Ok(())
}

/// Saves a fiduciary's case settings, checked first (422 `invalid_case_settings` or
/// `deadline_too_long`). A new `at_risk_days` has the clock look at every open case again.
pub fn save_settings<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    s: CaseSettings,
) -> Result<CaseSettings> {
    let fid = actor.fiduciary_id;
    let roles = tx.custom_roles(fid)?;
    workflow::check_settings(&s, &roles)?;
    let before = tx.case_settings(fid)?;
    tx.save_case_settings(fid, &s)?;
    // Open cases' next checks were planned with the old margin: a larger one makes some at
    // risk now, so the clock looks at each again (and plans it anew when nothing is due).
    if before.at_risk_days != s.at_risk_days {
        let now = Tx::now(tx);
        tx.recheck_cases(fid, now)?;
    }
    Tx::append_audit(
        tx,
        &AuditRecord::admin(
            Action::AdminAction,
            fid,
            "case_settings_changed",
            &actor.initiator,
        )
        .with_ip(actor.source_ip.clone()),
    )?;
    Ok(s)
}

/// Staff activate a registered nomination once they have checked the evidence of the
/// principal's death or incapacity (s.14): from then on the nominee may act for the principal.
pub fn activate_nomination<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    id: Uuid,
    evidence: String,
) -> Result<Nomination> {
    let fid = actor.fiduciary_id;
    let (p, mut n) = tx
        .nomination(fid, id)?
        .ok_or_else(|| DomainError::not_found("nomination_not_found", "no such nomination"))?;
    if !line_ok(&evidence, 300) {
        return Err(DomainError::invalid(
            "invalid_evidence",
            "name the evidence checked (1-300 characters, one line)",
        )
        .into());
    }
    if n.status != "registered" {
        return Err(DomainError::conflict(
            "nomination_not_registered",
            format!("the nomination is {}", n.status),
        )
        .into());
    }
    n.status = "active".into();
    n.activated_at = Some(Tx::now(tx));
    n.evidence = Some(evidence.trim().to_string());
    tx.update_nomination(fid, &n)?;
    let principal_id = Tx::principal_of(tx, fid, &p)?;
    Tx::append_audit(
        tx,
        &AuditRecord {
            principal_id,
            outcome: format!("{} nomination {} activated", n.reference, n.id),
            ..AuditRecord::admin(Action::RequestAction, fid, "", &actor.initiator)
        }
        .with_ip(actor.source_ip.clone()),
    )?;
    Ok(n)
}

/// The active nomination `id` of a principal, for issuing the nominee a token: 404 unless it
/// exists and is active. Its use is recorded in the ledger.
pub fn use_nomination<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    principal_id: &str,
    id: Uuid,
) -> Result<Pseudonym> {
    let fid = actor.fiduciary_id;
    let p = PrincipalPort::pseudonym(tx, fid, principal_id);
    match tx.nomination(fid, id)? {
        Some((owner, n)) if owner == p && n.status == "active" => {
            Tx::append_audit(
                tx,
                &AuditRecord {
                    principal_id: Some(principal_id.to_string()),
                    outcome: format!("{} nomination {} used: nominee token", n.reference, n.id),
                    ..AuditRecord::admin(Action::RequestAction, fid, "", &actor.initiator)
                }
                .with_ip(actor.source_ip.clone()),
            )?;
            Ok(p)
        }
        _ => Err(DomainError::not_found(
            "nomination_not_found",
            "no active nomination with this id for this principal",
        )
        .into()),
    }
}
