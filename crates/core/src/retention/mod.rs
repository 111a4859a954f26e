//! The retention engine's rules (BRD 4.6.2; DPDP Act s.8(7), DPDP Rules 2025 rule 8 and the
//! Third Schedule): when a principal's personal data is erased because nothing needs it any
//! more, the 48-hour notice before it, legal holds that stop it, and the floors a retention
//! policy cannot go under. The SQL is the store's ([`RetentionPort`]); see `docs/retention.md`.
//!
//! What is erased (docs/architecture.md, decision 37): everything Anumodan keeps about a
//! principal at a fiduciary (the sealed fields of their artefacts, their contacts, their
//! inbox) serves all of their purposes there and sits under one data key. So the unit of
//! erasure is the principal: once none of their purposes is in force and the retention of each
//! ended purpose (its `retention_days`, lengthened by the policies of its data items'
//! categories) and of their consent records has run out, the key is destroyed as
//! [`crate::privacy::erase_principal`] does, with a `retention.purged` ledger entry.

use crate::audit::{Action, AuditRecord};
use crate::error::{DomainError, Result};
use crate::events::DomainEvent;
use crate::lang::Lang;
use crate::model::{Artefact, Decision, LegalBasis, Purpose, Status};
use crate::ports::RetentionPort;
use crate::usecases::{Actor, check_code, check_principal_id};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// How long before an erasure the principal is told (DPDP Rules 2025, rule 8(2)).
pub const NOTICE: Duration = Duration::hours(48);
/// The category of the consent records themselves (artefacts and their history).
pub const CONSENT_RECORDS: &str = "consent_records";
/// The category of the audit ledger.
pub const AUDIT_LOGS: &str = "audit_logs";
/// Seven years, leap days included: the consent records a Consent Manager keeps (DPDP Rules
/// 2025, First Schedule, Part B, item 11 read with rule 4).
pub const CONSENT_MANAGER_DAYS: u32 = 7 * 365 + 2;
/// One year, a leap day included: the logs every fiduciary keeps (DPDP Rules 2025, rule
/// 6(1)(e) and the Seventh Schedule's minimum for logs).
pub const AUDIT_LOG_DAYS: u32 = 366;
/// The longest retention a policy may set (100 years).
pub const MAX_DAYS: u32 = 36_500;
/// The law behind the Consent Manager floor.
pub const CONSENT_MANAGER_LAW: &str =
    "DPDP Rules, 2025, First Schedule, Part B, item 11 (records of consents kept for seven years)";
/// The law behind the audit-log floor.
pub const AUDIT_LOG_LAW: &str = "DPDP Rules, 2025, rule 6(1)(e) (logs kept for one year)";

/// The deployment's floors (configuration: `retention_consent_manager`,
/// `retention_audit_log_days`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Floors {
    /// The deployment acts as a Consent Manager: consent records are kept at least
    /// [`CONSENT_MANAGER_DAYS`] after they last changed.
    pub consent_manager: bool,
    /// The least an audit-log policy may keep, in days (at least [`AUDIT_LOG_DAYS`]).
    pub audit_log_days: u32,
}

impl Default for Floors {
    fn default() -> Self {
        Floors {
            consent_manager: false,
            audit_log_days: AUDIT_LOG_DAYS,
        }
    }
}

impl Floors {
    /// The least `category` may be kept, in days, and the law that says so.
    pub fn floor(&self, category: &str) -> Option<(u32, &'static str)> {
        match category {
            CONSENT_RECORDS if self.consent_manager => {
                Some((CONSENT_MANAGER_DAYS, CONSENT_MANAGER_LAW))
            }
            AUDIT_LOGS => Some((self.audit_log_days.max(AUDIT_LOG_DAYS), AUDIT_LOG_LAW)),
            _ => None,
        }
    }
}

/// How long data of one category is kept after the purposes it served ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RetentionPolicy {
    /// A data item category (`contact`, `financial`, ...), or `consent_records` or
    /// `audit_logs`.
    pub category: String,
    pub retention_days: u32,
    /// The law or rule that requires keeping it: a policy with one is a legal retention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_reference: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Who saved it last (`fiduciary:<key id>`, `staff:<id>`).
    pub updated_by: String,
}

/// What a legal hold covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HoldScope {
    /// One principal (their id in clear in requests; masked in answers).
    Principal { principal_id: String },
    /// Every principal who granted this purpose.
    Purpose { purpose: String },
    /// Every principal of the fiduciary.
    Fiduciary,
}

/// A legal hold: no erasure of what it covers until it ends or is released (a court order,
/// an investigation, litigation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LegalHold {
    pub id: Uuid,
    pub scope: HoldScope,
    pub reason: String,
    /// When it ends by itself.
    #[serde(with = "time::serde::rfc3339")]
    pub until: OffsetDateTime,
    pub placed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub placed_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub released_at: Option<OffsetDateTime>,
    /// The ledger entry that recorded it.
    pub audit_log_id: u64,
}

impl LegalHold {
    /// Whether it stops erasure at `now`.
    pub fn in_force(&self, now: OffsetDateTime) -> bool {
        self.released_at.is_none() && now < self.until
    }
}

/// A principal's planned erasure (a row of derived state, written only when a change about
/// them was handled).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasurePlan {
    #[serde(with = "time::serde::rfc3339")]
    pub erase_at: OffsetDateTime,
    /// When they were told (None: not yet; the notice is due at `erase_at - 48 h`).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub notified_at: Option<OffsetDateTime>,
    /// `retention_ended`, or the cause given to [`schedule_erasure`].
    pub cause: String,
    /// The law that kept the data until `erase_at`, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law: Option<String>,
    /// Asked for ([`schedule_erasure`]) rather than derived from the consents: a later
    /// consent change does not move it.
    #[serde(default)]
    pub requested: bool,
}

impl ErasurePlan {
    /// When the 48-hour notice is due.
    pub fn notify_at(&self) -> OffsetDateTime {
        self.erase_at - NOTICE
    }
}

/// What keeps a principal's data by law, and until when ([`legal_retention`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LegalRetention {
    /// The law (a purpose's or policy's legal reference, a floor's rule, or the hold's reason).
    pub law: String,
    #[serde(with = "time::serde::rfc3339")]
    pub until: OffsetDateTime,
    /// `legal_obligation` (a purpose or policy under a law), `consent_manager` (the Consent
    /// Manager floor) or `legal_hold`.
    pub reason: String,
}

// ---------------------------------------------------------------------------------------------
// The rule: when may a principal's data go?
// ---------------------------------------------------------------------------------------------

/// What the rule needs besides the artefacts: the catalogue's purposes, each data item's
/// category, the category policies and the floors.
pub struct Catalogue {
    pub purposes: BTreeMap<String, Purpose>,
    pub categories: BTreeMap<String, String>,
    pub policies: BTreeMap<String, RetentionPolicy>,
    pub floors: Floors,
}

/// One reason to keep the data until a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keep {
    pub until: OffsetDateTime,
    /// The law behind it, when a law is.
    pub law: Option<String>,
    /// `retention` (a purpose's or policy's period), `legal_obligation`, `consent_manager`.
    pub reason: &'static str,
}

fn days(d: u32) -> Duration {
    Duration::days(d as i64)
}

/// What a category policy keeps, counted `from` a date: a legal obligation when it names a
/// law.
fn policy_keep(policy: &RetentionPolicy, from: OffsetDateTime) -> Keep {
    Keep {
        until: from + days(policy.retention_days),
        law: policy.legal_reference.clone(),
        reason: if policy.legal_reference.is_some() {
            "legal_obligation"
        } else {
            "retention"
        },
    }
}

/// When each ended purpose ended (None: a purpose still in force), and the keeps it implies.
/// `now_ends` treats purposes in force as ending now (an erasure request).
pub fn keeps(
    artefacts: &[Artefact],
    cat: &Catalogue,
    now: OffsetDateTime,
    now_ends: bool,
) -> Option<Vec<Keep>> {
    let mut out = Vec::new();
    for a in artefacts {
        let mut last_change = a.created_at;
        for p in &a.purposes {
            last_change = last_change.max(p.updated_at);
            let status = p.status_at(now);
            let ended = match status {
                Status::Active if now_ends => now,
                Status::Active => return None,
                Status::Withdrawn => p.withdrawn_at.unwrap_or(p.updated_at),
                Status::Expired => p.expires_at.unwrap_or(p.updated_at),
                Status::Denied | Status::Erased => p.updated_at,
            };
            if p.decision != Decision::Granted || status == Status::Denied {
                // Nothing was collected for a purpose refused: only the record of the refusal
                // (the consent records' policy) keeps anything.
                continue;
            }
            let purpose = cat.purposes.get(&p.purpose);
            let legal = !matches!(p.legal_basis, LegalBasis::Consent);
            let own = purpose.map_or(0, |x| x.retention_days);
            out.push(Keep {
                until: ended + days(own),
                law: if legal {
                    purpose.and_then(|x| x.legal_reference.clone())
                } else {
                    None
                },
                reason: if legal {
                    "legal_obligation"
                } else {
                    "retention"
                },
            });
            for item in &p.data_items {
                let Some(policy) = cat.categories.get(item).and_then(|c| cat.policies.get(c))
                else {
                    continue;
                };
                out.push(policy_keep(policy, ended));
            }
        }
        if let Some(policy) = cat.policies.get(CONSENT_RECORDS) {
            out.push(policy_keep(policy, last_change));
        }
        if cat.floors.consent_manager {
            out.push(Keep {
                until: last_change + days(CONSENT_MANAGER_DAYS),
                law: Some(CONSENT_MANAGER_LAW.into()),
                reason: "consent_manager",
            });
        }
    }
    Some(out)
}

/// When the principal's data may be erased because nothing needs it: None while a purpose of
/// theirs is in force (or they have no artefact); else the latest keep (the time of the last
/// change when nothing is kept after it), with the law behind it when one is.
pub fn erase_after(
    artefacts: &[Artefact],
    cat: &Catalogue,
    now: OffsetDateTime,
) -> Option<(OffsetDateTime, Option<String>)> {
    if artefacts.is_empty() {
        return None;
    }
    let keeps = keeps(artefacts, cat, now, false)?;
    let last_change = artefacts
        .iter()
        .flat_map(|a| a.purposes.iter().map(|p| p.updated_at))
        .max()
        .unwrap_or(now);
    let latest = keeps.iter().max_by_key(|k| k.until);
    Some(match latest {
        Some(k) if k.until > last_change => (k.until, k.law.clone()),
        _ => (last_change, None),
    })
}

fn catalogue<P: RetentionPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    artefacts: &[Artefact],
) -> Result<Catalogue> {
    let mut purposes = BTreeMap::new();
    let mut categories = BTreeMap::new();
    for a in artefacts {
        for s in &a.purposes {
            if !purposes.contains_key(&s.purpose)
                && let Some(x) = p.purpose(fid, &s.purpose)?
            {
                purposes.insert(s.purpose.clone(), x);
            }
            for item in &s.data_items {
                if !categories.contains_key(item)
                    && let Some(d) = p.data_item(fid, item)?
                {
                    categories.insert(item.clone(), d.category);
                }
            }
        }
    }
    let policies = p
        .category_policies(fid)?
        .into_iter()
        .map(|x| (x.category.clone(), x))
        .collect();
    Ok(Catalogue {
        purposes,
        categories,
        policies,
        floors: p.retention_floors()?,
    })
}

/// The holds in force that cover the principal (whose artefacts are `artefacts`).
fn covering<P: RetentionPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    principal_id: &str,
    artefacts: &[Artefact],
    now: OffsetDateTime,
) -> Result<Vec<LegalHold>> {
    let granted = |code: &str| {
        artefacts.iter().any(|a| {
            a.purposes
                .iter()
                .any(|s| s.purpose == code && s.decision == Decision::Granted)
        })
    };
    Ok(p.holds_in_force(fid, principal_id, now)?
        .into_iter()
        .filter(|h| h.in_force(now))
        .filter(|h| match &h.scope {
            HoldScope::Fiduciary => true,
            HoldScope::Principal { principal_id: id } => id == principal_id,
            HoldScope::Purpose { purpose } => granted(purpose),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The contract with rights requests (issue 21: erasure on request)
// ---------------------------------------------------------------------------------------------

/// The latest date a legal obligation (a purpose under `legal_obligation` or `legitimate_use`
/// with its legal reference and retention, a category policy with a legal reference, the
/// Consent Manager floor) or a legal hold keeps the principal's data, were they to ask for its
/// erasure now; None when it may be erased now.
pub fn legal_retention<P: RetentionPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    principal_id: &str,
) -> Result<Option<LegalRetention>> {
    check_principal_id(principal_id)?;
    let now = p.now();
    let artefacts = p.live_artefacts(fid, principal_id)?;
    let cat = catalogue(p, fid, &artefacts)?;
    let mut found: Option<LegalRetention> = None;
    let mut consider = |r: LegalRetention| {
        if r.until > now && found.as_ref().is_none_or(|f| r.until > f.until) {
            found = Some(r);
        }
    };
    for k in keeps(&artefacts, &cat, now, true).unwrap_or_default() {
        if k.reason == "retention" {
            continue;
        }
        consider(LegalRetention {
            law: k
                .law
                .unwrap_or_else(|| "a legal obligation (no reference recorded)".into()),
            until: k.until,
            reason: k.reason.to_string(),
        });
    }
    for h in covering(p, fid, principal_id, &artefacts, now)? {
        consider(LegalRetention {
            law: format!("legal hold {}: {}", h.id, h.reason),
            until: h.until,
            reason: "legal_hold".into(),
        });
    }
    Ok(found)
}

/// The retention engine erases the principal at `at` (told 48 hours before; when `at` is
/// sooner than that, 48 hours after the notice), unless a legal hold is in force then. The
/// plan stands whatever their consents do meanwhile; recorded in the ledger
/// (`retention.changed`, `erasure_scheduled`).
pub fn schedule_erasure<P: RetentionPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    principal_id: &str,
    at: OffsetDateTime,
    cause: &str,
) -> Result<()> {
    check_principal_id(principal_id)?;
    check_code("cause", cause)?;
    let fid = actor.fiduciary_id;
    let plan = ErasurePlan {
        erase_at: crate::clock::truncate_ms(at),
        notified_at: None,
        cause: cause.to_string(),
        law: None,
        requested: true,
    };
    p.set_erasure_plan(fid, principal_id, Some(&plan))?;
    p.record(&AuditRecord {
        principal_id: Some(principal_id.to_string()),
        outcome: format!(
            "erasure_scheduled at={} cause={cause}",
            rfc3339(plan.erase_at)
        ),
        ..actor.record(Action::RetentionChanged)
    })?;
    Ok(())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The engine: planning, notice, purge
// ---------------------------------------------------------------------------------------------

/// Brings the principal's erasure plan up to their consents (after a change about them):
/// written only when it differs. A requested erasure stands. Returns the plan kept.
pub fn plan<P: RetentionPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    principal_id: &str,
) -> Result<Option<ErasurePlan>> {
    let now = p.now();
    let old = p.erasure_plan(fid, principal_id)?;
    if old.as_ref().is_some_and(|o| o.requested) {
        return Ok(old);
    }
    let artefacts = p.live_artefacts(fid, principal_id)?;
    let cat = catalogue(p, fid, &artefacts)?;
    let new = erase_after(&artefacts, &cat, now).map(|(at, law)| {
        let at = crate::clock::truncate_ms(at);
        ErasurePlan {
            erase_at: at,
            // A notice already given for the same date stands.
            notified_at: old
                .as_ref()
                .filter(|o| o.erase_at == at)
                .and_then(|o| o.notified_at),
            cause: "retention_ended".into(),
            law,
            requested: false,
        }
    });
    if new != old {
        p.set_erasure_plan(fid, principal_id, new.as_ref())?;
    }
    Ok(new)
}

/// The language the principal is told in: that of their newest artefact.
fn language(artefacts: &[Artefact]) -> Lang {
    artefacts
        .iter()
        .max_by_key(|a| a.collected_at)
        .map(|a| a.language.clone())
        .unwrap_or_else(|| Lang::parse("en").expect("en"))
}

/// Moves the plan past the holds covering it: erasure waits for the latest to end, and a new
/// notice is given 48 hours before. Whether a hold covered it.
fn hold_back<P: RetentionPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    principal_id: &str,
    plan: &ErasurePlan,
    artefacts: &[Artefact],
) -> Result<bool> {
    let now = p.now();
    let holds = covering(p, fid, principal_id, artefacts, now)?;
    let Some(latest) = holds.iter().max_by_key(|h| h.until) else {
        return Ok(false);
    };
    let held = ErasurePlan {
        erase_at: plan.erase_at.max(latest.until),
        notified_at: None,
        ..plan.clone()
    };
    p.set_erasure_plan(fid, principal_id, Some(&held))?;
    p.record(&AuditRecord {
        principal_id: Some(principal_id.to_string()),
        outcome: format!(
            "erasure_held hold={} until={}",
            latest.id,
            rfc3339(held.erase_at)
        ),
        ..Actor::system(fid).record(Action::RetentionChanged)
    })?;
    Ok(true)
}

/// Tells the principal that their data will be erased (an `erasure_due` event, which the
/// notifications turn into their inbox, e-mail and SMS in their language), 48 hours ahead: the
/// erasure moves to 48 hours after the notice when it was due sooner. A hold in force moves
/// the plan instead. Whether a notice was given.
pub fn give_notice<P: RetentionPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    principal_id: &str,
) -> Result<bool> {
    let now = p.now();
    let Some(plan) = p.erasure_plan(fid, principal_id)? else {
        return Ok(false);
    };
    if plan.notified_at.is_some() || plan.notify_at() > now {
        return Ok(false);
    }
    let artefacts = p.live_artefacts(fid, principal_id)?;
    if hold_back(p, fid, principal_id, &plan, &artefacts)? {
        return Ok(false);
    }
    let told = ErasurePlan {
        erase_at: plan.erase_at.max(now + NOTICE),
        notified_at: Some(now),
        ..plan
    };
    p.set_erasure_plan(fid, principal_id, Some(&told))?;
    p.emit(
        fid,
        Some(principal_id),
        &DomainEvent::ErasureDue {
            erase_at: told.erase_at,
            language: language(&artefacts),
        },
    )?;
    Ok(true)
}

/// What one purge did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purge {
    /// Erased (the ledger entry's position).
    Purged(u64),
    /// Not due after all (a change not yet planned, a longer policy): the plan moved or went.
    Replanned,
    /// A legal hold stopped it: the plan waits for the hold to end.
    Held,
}

/// Erases the principal whose plan is due (told at least 48 hours ago, the date reached, no
/// hold in force, and, for a derived plan, their consents still agreeing): their data key is
/// destroyed and the steps of erasure run, recorded as `retention.purged` (outcome
/// `key_destroyed cause=...`), announced as `principal_erased`.
pub fn purge<P: RetentionPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    principal_id: &str,
) -> Result<Option<Purge>> {
    let now = p.now();
    let Some(plan) = p.erasure_plan(fid, principal_id)? else {
        return Ok(None);
    };
    let told = plan.notified_at.is_some_and(|t| t + NOTICE <= now);
    if !told || plan.erase_at > now {
        return Ok(None);
    }
    let artefacts = p.live_artefacts(fid, principal_id)?;
    if !plan.requested {
        // The plan may be older than a change the planner has not handled yet, or a policy
        // may have grown since: never erase earlier than the rule says now.
        let cat = catalogue(p, fid, &artefacts)?;
        match erase_after(&artefacts, &cat, now) {
            Some((at, _)) if crate::clock::truncate_ms(at) <= plan.erase_at => {}
            _ => {
                plan_again(p, fid, principal_id)?;
                return Ok(Some(Purge::Replanned));
            }
        }
    }
    if hold_back(p, fid, principal_id, &plan, &artefacts)? {
        return Ok(Some(Purge::Held));
    }
    let actor = Actor::system(fid);
    let e = crate::privacy::erasure::shred(
        p,
        &actor,
        principal_id,
        Action::RetentionPurged,
        &format!("cause={}", plan.cause),
    )?;
    p.set_erasure_plan(fid, principal_id, None)?;
    Ok(Some(Purge::Purged(e.audit_log_id)))
}

/// Drops a derived plan and computes it again.
fn plan_again<P: RetentionPort + ?Sized>(p: &mut P, fid: Uuid, principal_id: &str) -> Result<()> {
    p.set_erasure_plan(fid, principal_id, None)?;
    plan(p, fid, principal_id)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Policies and holds
// ---------------------------------------------------------------------------------------------

/// Saves the policy of a data category, refusing one under a floor (422
/// `retention_below_floor`, naming the floor and its law) or over [`MAX_DAYS`] (422
/// `invalid_retention`); nothing changes on a refusal. Recorded (`retention.changed`).
pub fn save_policy<P: RetentionPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    category: &str,
    retention_days: u32,
    legal_reference: Option<String>,
) -> Result<RetentionPolicy> {
    check_code("category", category)?;
    if retention_days > MAX_DAYS {
        return Err(DomainError::invalid(
            "invalid_retention",
            format!("retention_days may be at most {MAX_DAYS}"),
        )
        .into());
    }
    // Given, it names a law: blank is refused like any other malformed one.
    let legal_reference = legal_reference.map(|r| r.trim().to_string());
    if let Some(r) = &legal_reference
        && (r.is_empty() || r.chars().count() > 300 || crate::text::has_forbidden(r))
    {
        return Err(DomainError::invalid(
            "invalid_legal_reference",
            "legal_reference must be one line of 1 to 300 characters",
        )
        .into());
    }
    let floors = p.retention_floors()?;
    if let Some((floor, law)) = floors.floor(category)
        && retention_days < floor
    {
        return Err(DomainError::invalid(
            "retention_below_floor",
            format!("{category} must be kept at least {floor} days ({law})"),
        )
        .into());
    }
    let policy = RetentionPolicy {
        category: category.to_string(),
        retention_days,
        legal_reference,
        updated_at: p.now(),
        updated_by: actor.initiator.clone(),
    };
    p.save_policy(actor.fiduciary_id, &policy)?;
    p.record(&AuditRecord {
        outcome: format!("policy_saved category={category} days={retention_days}"),
        ..actor.record(Action::RetentionChanged)
    })?;
    Ok(policy)
}

/// Places a legal hold. The reason is one line (5 to 500 characters, no personal data), the
/// end in the future and within [`MAX_DAYS`]; a purpose must exist. Recorded
/// (`retention.changed`, `hold_placed`, naming the principal by pseudonym when it is one).
pub fn place_hold<P: RetentionPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    scope: HoldScope,
    reason: &str,
    until: OffsetDateTime,
) -> Result<LegalHold> {
    let fid = actor.fiduciary_id;
    let now = p.now();
    let reason = reason.trim();
    if !(5..=500).contains(&reason.chars().count()) || crate::text::has_forbidden(reason) {
        return Err(DomainError::invalid(
            "invalid_reason",
            "reason must be one line of 5 to 500 characters",
        )
        .into());
    }
    if until <= now || until > now + days(MAX_DAYS) {
        return Err(DomainError::invalid(
            "invalid_until",
            "until must be in the future, within 100 years",
        )
        .into());
    }
    let principal = match &scope {
        HoldScope::Principal { principal_id } => {
            check_principal_id(principal_id)?;
            Some(principal_id.clone())
        }
        HoldScope::Purpose { purpose } => {
            if p.purpose(fid, purpose)?.is_none() {
                return Err(DomainError::invalid(
                    "unknown_purpose",
                    format!("no purpose {purpose}"),
                )
                .into());
            }
            None
        }
        HoldScope::Fiduciary => None,
    };
    let id = Uuid::now_v7();
    let kind = match &scope {
        HoldScope::Principal { .. } => "principal".to_string(),
        HoldScope::Purpose { purpose } => format!("purpose:{purpose}"),
        HoldScope::Fiduciary => "fiduciary".to_string(),
    };
    let audit_log_id = p.record(&AuditRecord {
        principal_id: principal,
        outcome: format!("hold_placed id={id} scope={kind} until={}", rfc3339(until)),
        ..actor.record(Action::RetentionChanged)
    })?;
    let hold = LegalHold {
        id,
        scope,
        reason: reason.to_string(),
        until: crate::clock::truncate_ms(until),
        placed_by: actor.initiator.clone(),
        placed_at: now,
        released_at: None,
        audit_log_id,
    };
    p.insert_hold(fid, &hold)?;
    Ok(hold)
}

/// Releases a hold of the fiduciary (404 `hold_not_found` for another's or none; 409
/// `hold_not_in_force` when it ended or was released). Recorded (`retention.changed`).
pub fn release_hold<P: RetentionPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    id: Uuid,
) -> Result<LegalHold> {
    let fid = actor.fiduciary_id;
    let now = p.now();
    let Some(hold) = p.hold(fid, id)? else {
        return Err(DomainError::not_found("hold_not_found", "no such legal hold").into());
    };
    if !hold.in_force(now) {
        return Err(DomainError::conflict(
            "hold_not_in_force",
            "the hold has ended or was released",
        )
        .into());
    }
    p.release_hold(fid, id, now)?;
    p.record(&AuditRecord {
        outcome: format!("hold_released id={id}"),
        ..actor.record(Action::RetentionChanged)
    })?;
    Ok(LegalHold {
        released_at: Some(now),
        ..hold
    })
}

#[cfg(test)]
mod tests;
