//! One function per use case. Each runs inside a [`Tx`], checks the input, applies the lifecycle
//! rules, writes the new state and its audit entries. A refused lifecycle request that must be
//! recorded (withdrawing what is not active, ...) writes its audit entry and returns the error;
//! the caller commits either way, so the attempt is on record.

use crate::audit::{Action, AuditRecord};
use crate::error::{DomainError, ErrorKind};
use crate::events::{ConsentChange, DomainEvent};
use crate::lang::Lang;
use crate::lifecycle::{self, Act, Context, Reason, Shown};
use crate::model::*;
use crate::ports::{StoreError, Tx};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

pub use crate::error::{Error, Result};

/// Who is acting, as the HTTP layer established it.
#[derive(Clone, Debug)]
pub struct Actor {
    pub fiduciary_id: Uuid,
    /// `fiduciary:<api key id>`, `principal`, `system`, `staff:<id>`.
    pub initiator: String,
    pub source_ip: Option<String>,
}

impl Actor {
    pub fn system(fiduciary_id: Uuid) -> Actor {
        Actor {
            fiduciary_id,
            initiator: "system".into(),
            source_ip: None,
        }
    }
    fn ctx(&self, now: OffsetDateTime) -> Context {
        Context {
            fiduciary_id: self.fiduciary_id,
            initiator: self.initiator.clone(),
            source_ip: self.source_ip.clone(),
            now,
        }
    }
    /// The principal acting for themselves (a principal token or sign-in).
    pub fn is_principal(&self) -> bool {
        self.initiator == "principal"
    }
    /// A nominee acting for the principal (DPDP Act s.14, a nominee token).
    pub fn is_nominee(&self) -> bool {
        self.initiator == "nominee"
    }
    pub fn record(&self, action: Action) -> AuditRecord {
        AuditRecord {
            action,
            fiduciary_id: self.fiduciary_id,
            principal_id: None,
            purpose: None,
            status: None,
            outcome: "ok".into(),
            initiator: self.initiator.clone(),
            source_ip: self.source_ip.clone(),
            artefact_id: None,
            artefact_version: None,
            artefact_sha256: None,
        }
    }
}

// ---------- input checks ----------

/// Codes: 1 to 64 characters of `a-z 0-9 _ . -`, starting with a letter or digit.
pub fn check_code(field: &str, code: &str) -> std::result::Result<(), DomainError> {
    let ok = !code.is_empty()
        && code.len() <= 64
        && code.as_bytes()[0].is_ascii_alphanumeric()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "invalid_code",
            format!(
                "{field} must be 1-64 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit"
            ),
        ))
    }
}

pub(crate) fn check_text(
    field: &str,
    text: &str,
    max: usize,
) -> std::result::Result<(), DomainError> {
    if text.trim().is_empty()
        || text.chars().count() > max
        || text.chars().any(|c| crate::text::forbidden(c, true))
    {
        return Err(DomainError::invalid(
            "invalid_text",
            format!(
                "{field} must be non-empty, at most {max} characters, without control or format characters"
            ),
        ));
    }
    Ok(())
}

fn check_texts(field: &str, texts: &Texts, max: usize) -> std::result::Result<(), DomainError> {
    if texts.is_empty() {
        return Err(DomainError::invalid(
            "missing_translation",
            format!("{field} needs text in at least one language"),
        ));
    }
    for (lang, t) in texts {
        check_text(&format!("{field}.{lang}"), t, max)?;
    }
    Ok(())
}

/// The fiduciary's id for a principal: 1 to 256 characters, no control characters.
pub fn check_principal_id(id: &str) -> std::result::Result<(), DomainError> {
    if id.is_empty() || id.len() > 256 || crate::text::has_forbidden(id) {
        return Err(DomainError::invalid(
            "invalid_principal_id",
            "principal_id must be 1-256 bytes without control or format characters",
        ));
    }
    // The marker shown for erased personal data is never an id.
    if id == crate::mask::ERASED {
        return Err(DomainError::invalid(
            "invalid_principal_id",
            "principal_id cannot be the erasure marker",
        ));
    }
    Ok(())
}

// ---------- data items, purposes, notices ----------

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDataItem {
    #[schema(value_type = crate::schema::Code)]
    pub code: String,
    /// The item's name per language, each at most 200 characters.
    #[schema(value_type = crate::schema::Texts<200>)]
    pub name: Texts,
    #[schema(value_type = crate::schema::Code)]
    pub category: String,
    #[serde(default)]
    pub sensitive: bool,
}

pub fn create_data_item(tx: &mut dyn Tx, actor: &Actor, input: NewDataItem) -> Result<DataItem> {
    check_code("code", &input.code)?;
    check_texts("name", &input.name, 200)?;
    check_code("category", &input.category)?;
    let fid = actor.fiduciary_id;
    if tx.data_item(fid, &input.code)?.is_some() {
        return Err(DomainError::conflict(
            "already_exists",
            format!("data item {:?} already exists", input.code),
        )
        .into());
    }
    let item = DataItem {
        code: input.code,
        name: input.name,
        category: input.category,
        sensitive: input.sensitive,
        created_at: tx.now(),
    };
    tx.insert_data_item(fid, &item)?;
    let mut rec = actor.record(Action::DataItemCreated);
    rec.outcome = item.code.clone();
    tx.append_audit(&rec)?;
    Ok(item)
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPurpose {
    #[schema(value_type = crate::schema::Code)]
    pub code: String,
    /// The purpose's name per language, each at most 200 characters.
    #[schema(value_type = crate::schema::Texts<200>)]
    pub name: Texts,
    /// Its description in the same languages as `name`, each at most 4000 characters.
    #[schema(value_type = crate::schema::Texts<4000>)]
    pub description: Texts,
    /// The codes of existing data items the purpose needs, each once.
    #[schema(value_type = crate::schema::CodeList)]
    pub data_items: Vec<String>,
    pub mandatory: bool,
    /// How long a grant stays valid, in days.
    #[schema(minimum = 1, maximum = 3650)]
    pub validity_days: u32,
    /// How long data collected for the purpose is kept after consent ends, in days.
    #[schema(maximum = 36500)]
    pub retention_days: u32,
    #[serde(default = "default_basis")]
    pub legal_basis: LegalBasis,
    /// The law or rule relied on: required with `legal_obligation` and `legitimate_use`.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Text<500>>)]
    pub legal_reference: Option<String>,
    /// Tracking, behavioural monitoring or targeted advertising (default false): never granted
    /// for a child or a person who needs a guardian.
    #[serde(default)]
    pub tracking: bool,
    /// Days before a grant runs out that the principal is reminded to renew it (at most
    /// `validity_days`); default: the fiduciary's notification setting (30 days).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub renewal_notice_days: Option<u32>,
}

fn default_basis() -> LegalBasis {
    LegalBasis::Consent
}

pub fn create_purpose(tx: &mut dyn Tx, actor: &Actor, input: NewPurpose) -> Result<Purpose> {
    check_code("code", &input.code)?;
    check_texts("name", &input.name, 200)?;
    check_texts("description", &input.description, 4000)?;
    if input.name.keys().ne(input.description.keys()) {
        return Err(DomainError::invalid(
            "missing_translation",
            "name and description must be given in the same languages",
        )
        .into());
    }
    if input.data_items.is_empty() {
        return Err(DomainError::invalid(
            "invalid_data_items",
            "a purpose must name the data items it needs",
        )
        .into());
    }
    if !(1..=3650).contains(&input.validity_days) {
        return Err(DomainError::invalid(
            "invalid_validity",
            "validity_days must be between 1 and 3650",
        )
        .into());
    }
    if input.retention_days > 36500 {
        return Err(DomainError::invalid(
            "invalid_retention",
            "retention_days must be at most 36500",
        )
        .into());
    }
    if let Some(r) = &input.legal_reference {
        check_text("legal_reference", r, 500)?;
    }
    if let Some(n) = input.renewal_notice_days
        && !(1..=input.validity_days).contains(&n)
    {
        return Err(DomainError::invalid(
            "invalid_renewal_notice",
            "renewal_notice_days must be between 1 and validity_days",
        )
        .into());
    }
    if input.legal_basis.survives_withdrawal() && input.legal_reference.is_none() {
        return Err(DomainError::invalid("legal_reference_required", "legal_obligation and legitimate_use purposes must cite the law relied on in legal_reference").into());
    }
    let fid = actor.fiduciary_id;
    let mut items = input.data_items.clone();
    items.sort();
    items.dedup();
    if items.len() != input.data_items.len() {
        return Err(
            DomainError::invalid("invalid_data_items", "data_items lists a code twice").into(),
        );
    }
    for code in &input.data_items {
        if tx.data_item(fid, code)?.is_none() {
            return Err(DomainError::invalid(
                "unknown_data_item",
                format!("data item {code:?} does not exist"),
            )
            .into());
        }
    }
    if tx.purpose(fid, &input.code)?.is_some() {
        return Err(DomainError::conflict(
            "already_exists",
            format!("purpose {:?} already exists", input.code),
        )
        .into());
    }
    let p = Purpose {
        code: input.code,
        name: input.name,
        description: input.description,
        data_items: input.data_items,
        mandatory: input.mandatory,
        validity_days: input.validity_days,
        retention_days: input.retention_days,
        legal_basis: input.legal_basis,
        legal_reference: input.legal_reference,
        tracking: input.tracking,
        renewal_notice_days: input.renewal_notice_days,
        created_at: tx.now(),
    };
    tx.insert_purpose(fid, &p)?;
    let mut rec = actor.record(Action::PurposeCreated);
    rec.purpose = Some(p.code.clone());
    tx.append_audit(&rec)?;
    Ok(p)
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeDraft {
    /// Fixed once the notice exists.
    #[schema(value_type = crate::schema::Code)]
    pub code: String,
    /// The codes of existing purposes, each once; each must have a name (and each of its data
    /// items a name) in every language of `texts`.
    #[schema(value_type = crate::schema::CodeList)]
    pub purposes: Vec<String>,
    #[schema(value_type = crate::schema::NoticeTexts)]
    pub texts: BTreeMap<Lang, NoticeText>,
}

/// Checks a draft against the fiduciary's purposes and data items: every purpose exists, and
/// every language of the notice has the names of all its purposes and data items, so the notice
/// can be shown whole in each of its languages.
fn check_draft(tx: &mut dyn Tx, fid: Uuid, d: &NoticeDraft) -> Result<()> {
    check_code("code", &d.code)?;
    if d.purposes.is_empty() {
        return Err(DomainError::invalid(
            "invalid_purposes",
            "a notice must list at least one purpose",
        )
        .into());
    }
    if d.texts.is_empty() {
        return Err(DomainError::invalid(
            "missing_translation",
            "a notice needs text in at least one language",
        )
        .into());
    }
    let mut seen = d.purposes.clone();
    seen.sort();
    seen.dedup();
    if seen.len() != d.purposes.len() {
        return Err(DomainError::invalid("invalid_purposes", "purposes lists a code twice").into());
    }
    for (lang, t) in &d.texts {
        for (f, v, max) in [
            ("title", &t.title, 300),
            ("summary", &t.summary, 8000),
            ("rights", &t.rights, 8000),
            ("retention_policy", &t.retention_policy, 8000),
            ("withdrawal_policy", &t.withdrawal_policy, 8000),
            ("grievance_contact", &t.grievance_contact, 1000),
        ] {
            check_text(&format!("texts.{lang}.{f}"), v, max)?;
        }
    }
    for code in &d.purposes {
        let Some(p) = tx.purpose(fid, code)? else {
            return Err(DomainError::invalid(
                "unknown_purpose",
                format!("purpose {code:?} does not exist"),
            )
            .into());
        };
        for lang in d.texts.keys() {
            if !p.name.contains_key(lang) {
                return Err(DomainError::invalid(
                    "missing_translation",
                    format!("purpose {code:?} has no name in {lang}"),
                )
                .into());
            }
            for item in &p.data_items {
                let has = tx
                    .data_item(fid, item)?
                    .is_some_and(|i| i.name.contains_key(lang));
                if !has {
                    return Err(DomainError::invalid(
                        "missing_translation",
                        format!("data item {item:?} has no name in {lang}"),
                    )
                    .into());
                }
            }
        }
    }
    Ok(())
}

pub fn create_notice(tx: &mut dyn Tx, actor: &Actor, d: NoticeDraft) -> Result<Notice> {
    let fid = actor.fiduciary_id;
    check_draft(tx, fid, &d)?;
    if tx.notice_code_taken(fid, &d.code)? {
        return Err(DomainError::conflict(
            "already_exists",
            format!("notice {:?} already exists", d.code),
        )
        .into());
    }
    let now = tx.now();
    let n = Notice {
        id: Uuid::now_v7(),
        code: d.code,
        purposes: d.purposes,
        texts: d.texts,
        latest_version: None,
        draft_changed: true,
        created_at: now,
        updated_at: now,
    };
    tx.save_notice(fid, &n)?;
    let mut rec = actor.record(Action::NoticeCreated);
    rec.outcome = n.id.to_string();
    tx.append_audit(&rec)?;
    Ok(n)
}

/// Replaces the draft of a notice (purposes and texts; the code is fixed). Published versions
/// are untouched.
pub fn update_notice(tx: &mut dyn Tx, actor: &Actor, id: Uuid, d: NoticeDraft) -> Result<Notice> {
    let fid = actor.fiduciary_id;
    let Some(mut n) = tx.notice(fid, id)? else {
        return Err(not_found_notice());
    };
    if d.code != n.code {
        return Err(DomainError::invalid(
            "code_immutable",
            "a notice's code cannot change; create a new notice",
        )
        .into());
    }
    check_draft(tx, fid, &d)?;
    n.purposes = d.purposes;
    n.texts = d.texts;
    n.draft_changed = true;
    n.updated_at = tx.now();
    tx.save_notice(fid, &n)?;
    let mut rec = actor.record(Action::NoticeUpdated);
    rec.outcome = n.id.to_string();
    tx.append_audit(&rec)?;
    Ok(n)
}

fn not_found_notice() -> Error {
    DomainError::not_found("notice_not_found", "no such notice").into()
}

/// How a version is published (`POST /v1/notices/{id}/publish`, an optional body).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishOptions {
    /// Everyone who consented under an earlier version must consent again: after the deadline
    /// (at once without one) validation of a purpose held only under an earlier version answers
    /// `reconsent_required`.
    #[serde(default)]
    pub requires_reconsent: bool,
    /// RFC 3339, in the future; only with `requires_reconsent`.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reconsent_deadline: Option<OffsetDateTime>,
}

fn invalid_reconsent(message: &str) -> Error {
    DomainError::invalid("invalid_reconsent", message).into()
}

/// Publishes the current draft as the next version. Artefacts made under earlier versions keep
/// pointing at them, unchanged; with `requires_reconsent` the consent they hold stops counting
/// at the deadline (see [`PublishOptions`]).
pub fn publish_notice(
    tx: &mut dyn Tx,
    actor: &Actor,
    id: Uuid,
    opts: &PublishOptions,
) -> Result<NoticeVersion> {
    if let Some(d) = opts.reconsent_deadline {
        if !opts.requires_reconsent {
            return Err(invalid_reconsent(
                "reconsent_deadline is only accepted with requires_reconsent: true",
            ));
        }
        if d <= tx.now() {
            return Err(invalid_reconsent(
                "reconsent_deadline must be in the future",
            ));
        }
    }
    let fid = actor.fiduciary_id;
    let Some(mut n) = tx.notice(fid, id)? else {
        return Err(not_found_notice());
    };
    if !n.draft_changed {
        return Err(DomainError::conflict(
            "already_published",
            "the draft has not changed since the latest published version",
        )
        .into());
    }
    let mut purposes = Vec::new();
    let mut items: BTreeMap<String, DataItem> = BTreeMap::new();
    for code in &n.purposes {
        let p = tx
            .purpose(fid, code)?
            .ok_or_else(|| StoreError::internal(format!("purpose {code} vanished")))?;
        for i in &p.data_items {
            if let Some(item) = tx.data_item(fid, i)? {
                items.insert(i.clone(), item);
            }
        }
        purposes.push(p);
    }
    let version = n.latest_version.unwrap_or(0) + 1;
    if opts.requires_reconsent && version == 1 {
        return Err(invalid_reconsent(
            "the first version of a notice has no earlier consent to renew",
        ));
    }
    let mut v = NoticeVersion {
        notice_id: n.id,
        code: n.code.clone(),
        version,
        purposes,
        data_items: items.into_values().collect(),
        texts: n.texts.clone(),
        text_hashes: BTreeMap::new(),
        published_at: tx.now(),
        requires_reconsent: opts.requires_reconsent,
        reconsent_deadline: opts.reconsent_deadline.map(crate::clock::truncate_ms),
    };
    v.text_hashes = v
        .texts
        .keys()
        .filter_map(|l| v.render(l).map(|r| (l.clone(), r.hash())))
        .collect();
    tx.insert_notice_version(fid, &v)?;
    if v.requires_reconsent {
        let r = Reconsent {
            from_version: version,
            deadline: v.reconsent_deadline,
        };
        tx.set_reconsent(fid, n.id, &r)?;
        tx.emit(
            fid,
            None,
            &DomainEvent::ReconsentRequired {
                notice_id: n.id,
                notice_version: version,
                deadline: v.reconsent_deadline,
            },
        )?;
    }
    n.latest_version = Some(version);
    n.draft_changed = false;
    n.updated_at = v.published_at;
    tx.save_notice(fid, &n)?;
    let mut rec = actor.record(Action::NoticePublished);
    rec.outcome = if v.requires_reconsent {
        format!("{}@{} reconsent", n.id, version)
    } else {
        format!("{}@{}", n.id, version)
    };
    tx.append_audit(&rec)?;
    Ok(v)
}

// ---------- consent lifecycle ----------

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectRequest {
    #[schema(value_type = crate::schema::PrincipalId)]
    pub principal_id: String,
    pub notice_id: Uuid,
    /// A published version of the notice.
    pub notice_version: u32,
    /// A language the notice version has text in.
    pub language: Lang,
    /// An explicit decision for every purpose of the notice.
    pub decisions: BTreeMap<String, Decision>,
    #[schema(value_type = crate::schema::RequestMethod)]
    pub method: Method,
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Text<128>>)]
    pub session_id: Option<String>,
    /// True when the principal is a child or a person with a disability: consent must then come
    /// from a verified parent or lawful guardian, given in `guardian`.
    #[serde(default)]
    pub requires_guardian: bool,
    #[serde(default)]
    pub guardian: Option<Guardian>,
}

/// Writes a new version and its ledger entries: one per purpose in `only` (every purpose when
/// None), each committing to the version's stored body by its SHA-256. The version names its
/// first entry (`audit_log_id`), so the position is taken before the body is written.
fn record_artefact(
    tx: &mut dyn Tx,
    actor: &Actor,
    a: &mut Artefact,
    action: Action,
    only: Option<&[String]>,
    index: &[String],
    outcome: &dyn Fn(&str) -> String,
) -> Result<()> {
    let recorded: Vec<(String, &'static str)> = a
        .purposes
        .iter()
        .filter(|s| only.is_none_or(|o| o.contains(&s.purpose)))
        .map(|s| (s.purpose.clone(), s.status.as_str()))
        .collect();
    a.audit_log_id = (!recorded.is_empty()).then(|| tx.next_audit_index());
    let digest = tx.insert_artefact(a, index)?;
    let changed: Vec<String> = recorded.iter().map(|(p, _)| p.clone()).collect();
    for (purpose, status) in recorded {
        let rec = AuditRecord {
            principal_id: Some(a.principal_id.clone()),
            outcome: outcome(&purpose),
            purpose: Some(purpose),
            status: Some(status),
            artefact_id: Some(a.id),
            artefact_version: Some(a.version),
            artefact_sha256: Some(digest.clone()),
            ..actor.record(action)
        };
        tx.append_audit(&rec)?;
    }
    // The domain event, in the same transaction: a new artefact always; a later version when
    // it changed some purpose.
    if changed.is_empty() && action != Action::ConsentCollected {
        return Ok(());
    }
    let continuing: Vec<String> = changed
        .iter()
        .filter(|p| action == Action::ConsentWithdrawn && outcome(p) == "legal_exception")
        .cloned()
        .collect();
    let change = ConsentChange::of(a, &changed, &continuing);
    let event = match action {
        Action::ConsentCollected => DomainEvent::ConsentCollected(change),
        Action::ConsentUpdated => DomainEvent::ConsentUpdated(change),
        Action::ConsentRenewed => DomainEvent::ConsentRenewed(change),
        Action::ConsentWithdrawn => DomainEvent::ConsentWithdrawn(change),
        Action::ConsentExpired => DomainEvent::ConsentExpired(change),
        _ => return Ok(()),
    };
    tx.emit(a.fiduciary_id, Some(&a.principal_id), &event)?;
    Ok(())
}

fn ok(_: &str) -> String {
    "ok".into()
}

/// The purposes of `next` whose consent index row this version takes over. The rule (see
/// docs/api.md, "One truth per principal and purpose"): the index holds, per principal and
/// purpose, the principal's latest decision. So a version points the index at itself for the
/// purposes the principal `decided` in this action (a grant, denial, renewal or withdrawal of
/// that purpose), and for a purpose whose state changed only as a consequence (expiry made
/// real) only when the index already points at this artefact. Every other row stays as it is:
/// a version of an older artefact never overwrites a later decision made elsewhere.
pub fn index_targets(
    tx: &mut dyn Tx,
    prev: &Artefact,
    next: &Artefact,
    decided: &[String],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (n, p) in next.purposes.iter().zip(&prev.purposes) {
        if decided.contains(&n.purpose) {
            out.push(n.purpose.clone());
            continue;
        }
        if n == p {
            continue;
        }
        let here = tx
            .consent_state(next.fiduciary_id, &next.principal_id, &n.purpose)?
            .is_some_and(|i| i.artefact_id == next.id);
        if here {
            out.push(n.purpose.clone());
        }
    }
    Ok(out)
}

/// The purposes of `a` whose current decision lives in another artefact.
fn superseded(tx: &mut dyn Tx, a: &Artefact) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for s in &a.purposes {
        if tx
            .consent_state(a.fiduciary_id, &a.principal_id, &s.purpose)?
            .is_some_and(|i| i.artefact_id != a.id)
        {
            out.insert(s.purpose.clone());
        }
    }
    Ok(out)
}

/// How the principal acted, as a lifecycle request states it (the fields of the HTTP body).
/// A fiduciary reporting a grant or renewal made in its own app must give `method` and
/// `notice_version` (and `session_id` when there was one); the principal acting through
/// `/v1/me` is the evidence itself, and `notice_version` then defaults to the artefact's.
#[derive(Clone, Debug, Default)]
pub struct ActRequest {
    pub method: Option<Method>,
    pub session_id: Option<String>,
    pub notice_version: Option<u32>,
    pub language: Option<Lang>,
}

fn check_session(session_id: &Option<String>) -> std::result::Result<(), DomainError> {
    if let Some(s) = session_id {
        check_text("session_id", s, 128)?;
    }
    Ok(())
}

/// The facts of an action that shows no notice: the channel (default `web` for the principal,
/// `api` for a fiduciary; `system` is refused) and the session.
fn act_without_notice(actor: &Actor, req: &ActRequest) -> Result<Act> {
    check_session(&req.session_id)?;
    if req.method == Some(Method::System) {
        return Err(lifecycle::invalid_method().into());
    }
    let default = if actor.is_principal() {
        Method::Web
    } else {
        Method::Api
    };
    Ok(Act {
        method: req.method.unwrap_or(default),
        session_id: req.session_id.clone(),
        shown: None,
    })
}

/// Turns a request's statement of the principal's action into the facts of the new version.
/// Returns the act and, when a notice version was shown, that version (to check that what is
/// granted is in it).
fn resolve_act(
    tx: &mut dyn Tx,
    actor: &Actor,
    prev: &Artefact,
    req: &ActRequest,
) -> Result<(Act, Option<NoticeVersion>)> {
    let mut act = act_without_notice(actor, req)?;
    // A fiduciary's statement counts as evidence only with both the channel and the notice;
    // the principal's own call shows, by default, the version the artefact is held under.
    let version = if actor.is_principal() {
        Some(req.notice_version.unwrap_or(prev.notice_version))
    } else if req.method.is_some() {
        req.notice_version
    } else {
        None
    };
    let mut notice = None;
    if let Some(v) = version {
        let Some(n) = tx.notice_version(actor.fiduciary_id, prev.notice_id, v)? else {
            return Err(DomainError::invalid(
                "notice_version_not_published",
                format!("notice version {v} is not published"),
            )
            .into());
        };
        let language = req
            .language
            .clone()
            .unwrap_or_else(|| prev.language.clone());
        let Some(rendered) = n.render(&language) else {
            return Err(DomainError::invalid(
                "language_not_in_notice",
                format!("notice version {v} has no text in language {language}"),
            )
            .into());
        };
        act.shown = Some(Shown {
            version: v,
            language,
            text_hash: rendered.hash(),
        });
        notice = Some(n);
    }
    Ok((act, notice))
}

/// Every purpose granted or extended in `next` (relative to `prev`) must be part of the notice
/// version the principal was shown.
fn check_in_notice(prev: &Artefact, next: &Artefact, notice: Option<&NoticeVersion>) -> Result<()> {
    let Some(n) = notice else { return Ok(()) };
    for (a, b) in next.purposes.iter().zip(&prev.purposes) {
        let extended = a.status == Status::Active
            && (a.expires_at != b.expires_at || b.status != Status::Active);
        if extended && n.purpose(&a.purpose).is_none() {
            return Err(DomainError::invalid(
                "purpose_not_in_notice",
                format!(
                    "purpose {:?} is not part of notice version {}: the principal was not shown it",
                    a.purpose, n.version
                ),
            )
            .into());
        }
    }
    Ok(())
}

/// Records a refused lifecycle request in the ledger and hands back the error to return (or the
/// storage error that prevented recording it). Malformed requests are not recorded: they change
/// nothing and name nothing that exists.
fn record_rejection(
    tx: &mut dyn Tx,
    actor: &Actor,
    prev: &Artefact,
    purposes: Option<&[String]>,
    err: DomainError,
) -> Error {
    if err.kind != ErrorKind::Conflict {
        return err.into();
    }
    let named: Vec<String> = match purposes {
        Some(p) => p.to_vec(),
        None => vec![],
    };
    let targets: Vec<Option<String>> = if named.is_empty() {
        vec![None]
    } else {
        named.into_iter().map(Some).collect()
    };
    for purpose in targets {
        let status = purpose
            .as_ref()
            .and_then(|p| prev.purpose(p))
            .map(|s| s.status_at(tx.now()).as_str());
        let rec = AuditRecord {
            principal_id: Some(prev.principal_id.clone()),
            purpose,
            status,
            outcome: err.code.to_string(),
            artefact_id: Some(prev.id),
            artefact_version: Some(prev.version),
            ..actor.record(Action::ConsentRejected)
        };
        if let Err(e) = tx.append_audit(&rec) {
            return e.into();
        }
    }
    err.into()
}

pub fn collect(tx: &mut dyn Tx, actor: &Actor, req: CollectRequest) -> Result<Artefact> {
    check_principal_id(&req.principal_id)?;
    check_session(&req.session_id)?;
    if let Some(g) = &req.guardian {
        check_principal_id(&g.principal_id)?;
        check_code("guardian.relationship", &g.relationship)?;
        check_code("guardian.verification_method", &g.verification_method)?;
        if let Some(r) = &g.verification_ref {
            check_text("guardian.verification_ref", r, 256)?;
        }
    }
    let fid = actor.fiduciary_id;
    let Some(notice) = tx.notice_version(fid, req.notice_id, req.notice_version)? else {
        let exists = tx.notice(fid, req.notice_id)?.is_some();
        return Err(if exists {
            DomainError::invalid(
                "notice_version_not_published",
                format!("notice version {} is not published", req.notice_version),
            )
        } else {
            DomainError::invalid("notice_not_found", "no such notice")
        }
        .into());
    };
    let cmd = lifecycle::Collect {
        principal_id: req.principal_id,
        language: req.language,
        decisions: req.decisions,
        method: req.method,
        session_id: req.session_id,
        guardian: req.guardian,
        requires_guardian: req.requires_guardian,
    };
    let mut a = lifecycle::collect(&notice, cmd, &actor.ctx(tx.now()), Uuid::now_v7())?;
    // A new collection is the principal's decision on every purpose it names.
    let all: Vec<String> = a.purposes.iter().map(|s| s.purpose.clone()).collect();
    record_artefact(tx, actor, &mut a, Action::ConsentCollected, None, &all, &ok)?;
    Ok(a)
}

/// A principal granting under a notice themselves (`POST /v1/me/consents`): a collection whose
/// principal is the caller, under the notice's current published version.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfCollectRequest {
    pub notice_id: Uuid,
    /// The version shown; it must be the latest published one (the default).
    #[serde(default)]
    pub notice_version: Option<u32>,
    /// A language the notice version has text in.
    pub language: Lang,
    /// A decision for every purpose of the notice (nothing is decided for the principal).
    pub decisions: BTreeMap<String, Decision>,
    /// How they acted (default `web`).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::RequestMethod>)]
    pub method: Option<Method>,
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Text<128>>)]
    pub session_id: Option<String>,
}

/// Collects the calling principal's own decisions (initiator `principal`). `pseudonym` is how
/// their token names them; the store knows their id from it.
pub fn collect_for_self(
    tx: &mut dyn Tx,
    actor: &Actor,
    pseudonym: &[u8],
    req: SelfCollectRequest,
) -> Result<Artefact> {
    let fid = actor.fiduciary_id;
    let notice = tx
        .notice(fid, req.notice_id)?
        .ok_or_else(not_found_notice)?;
    let Some(latest) = notice.latest_version else {
        return Err(DomainError::invalid(
            "notice_version_not_published",
            "the notice has no published version",
        )
        .into());
    };
    let version = req.notice_version.unwrap_or(latest);
    if version > latest {
        return Err(DomainError::invalid(
            "notice_version_not_published",
            format!("notice version {version} is not published"),
        )
        .into());
    }
    if version < latest {
        return Err(DomainError::conflict(
            "notice_version_outdated",
            format!("version {version} is not the current version of the notice ({latest}): show the principal the current one"),
        )
        .into());
    }
    let Some(principal_id) = tx.principal_of(fid, pseudonym)? else {
        return Err(DomainError::conflict(
            "principal_unknown",
            "the fiduciary has not told Anumodan who this principal is (issue a principal token for them, or collect through the fiduciary)",
        )
        .into());
    };
    let act = act_without_notice(
        actor,
        &ActRequest {
            method: req.method,
            session_id: req.session_id.clone(),
            notice_version: None,
            language: None,
        },
    )?;
    collect(
        tx,
        actor,
        CollectRequest {
            principal_id,
            notice_id: req.notice_id,
            notice_version: version,
            language: req.language,
            decisions: req.decisions,
            method: act.method,
            session_id: act.session_id,
            requires_guardian: false,
            guardian: None,
        },
    )
}

fn load(tx: &mut dyn Tx, fid: Uuid, id: Uuid) -> Result<Artefact> {
    tx.artefact(fid, id)?.ok_or_else(|| {
        DomainError::not_found("consent_not_found", "no such consent artefact").into()
    })
}

pub fn update(
    tx: &mut dyn Tx,
    actor: &Actor,
    id: Uuid,
    decisions: &BTreeMap<String, Decision>,
    how: &ActRequest,
) -> Result<Artefact> {
    let prev = load(tx, actor.fiduciary_id, id)?;
    let (act, notice) = resolve_act(tx, actor, &prev, how)?;
    match lifecycle::update(&prev, decisions, &actor.ctx(tx.now()), &act) {
        Ok(mut a) => {
            check_in_notice(&prev, &a, notice.as_ref())?;
            // Only the purposes this update changed get an entry.
            let changed: Vec<String> = a
                .purposes
                .iter()
                .zip(&prev.purposes)
                .filter(|(n, p)| {
                    n.decision != p.decision || n.status != p.status || n.expires_at != p.expires_at
                })
                .map(|(n, _)| n.purpose.clone())
                .collect();
            let decided: Vec<String> = changed
                .iter()
                .filter(|c| decisions.contains_key(*c))
                .cloned()
                .collect();
            let index = index_targets(tx, &prev, &a, &decided)?;
            record_artefact(
                tx,
                actor,
                &mut a,
                Action::ConsentUpdated,
                Some(&changed),
                &index,
                &ok,
            )?;
            Ok(a)
        }
        Err(e) => {
            let named: Vec<String> = decisions.keys().cloned().collect();
            Err(record_rejection(tx, actor, &prev, Some(&named), e))
        }
    }
}

pub fn renew(
    tx: &mut dyn Tx,
    actor: &Actor,
    id: Uuid,
    purposes: Option<&[String]>,
    how: &ActRequest,
) -> Result<Artefact> {
    let prev = load(tx, actor.fiduciary_id, id)?;
    let (act, notice) = resolve_act(tx, actor, &prev, how)?;
    let gone = superseded(tx, &prev)?;
    match lifecycle::renew(&prev, purposes, &actor.ctx(tx.now()), &act, &gone) {
        Ok(mut a) => {
            check_in_notice(&prev, &a, notice.as_ref())?;
            // The purposes this renewal covered: those named, or every renewable one. (Not
            // "those whose expiry moved": a renewal at the instant of the grant moves nothing,
            // yet it is a new version and must be on the audit trail.)
            let now = a.created_at;
            let renewed: Vec<String> = match purposes {
                Some(list) => list.to_vec(),
                None => prev
                    .purposes
                    .iter()
                    .filter(|s| lifecycle::renewable(s, now) && !gone.contains(&s.purpose))
                    .map(|s| s.purpose.clone())
                    .collect(),
            };
            let index = index_targets(tx, &prev, &a, &renewed)?;
            record_artefact(
                tx,
                actor,
                &mut a,
                Action::ConsentRenewed,
                Some(&renewed),
                &index,
                &ok,
            )?;
            Ok(a)
        }
        Err(e) => Err(record_rejection(tx, actor, &prev, purposes, e)),
    }
}

pub fn withdraw(
    tx: &mut dyn Tx,
    actor: &Actor,
    id: Uuid,
    purposes: Option<&[String]>,
    how: &ActRequest,
) -> Result<lifecycle::Withdrawal> {
    let prev = load(tx, actor.fiduciary_id, id)?;
    // A withdrawal shows no notice: the artefact keeps the notice version it is held under.
    let act = act_without_notice(actor, how)?;
    match lifecycle::withdraw(&prev, purposes, &actor.ctx(tx.now()), &act) {
        Ok(w) if !w.changed => Ok(w),
        Ok(mut w) => {
            // The purposes this withdrawal changed (not those withdrawn by an earlier version,
            // even one written at the same instant).
            let changed: Vec<String> = w
                .artefact
                .purposes
                .iter()
                .zip(&prev.purposes)
                .filter(|(n, p)| n.status == Status::Withdrawn && p.status != Status::Withdrawn)
                .map(|(n, _)| n.purpose.clone())
                .collect();
            let index = index_targets(tx, &prev, &w.artefact, &changed)?;
            let exceptions = w.legal_exceptions.clone();
            let outcome = |code: &str| {
                if exceptions.iter().any(|e| e == code) {
                    "legal_exception".to_string()
                } else {
                    ok(code)
                }
            };
            record_artefact(
                tx,
                actor,
                &mut w.artefact,
                Action::ConsentWithdrawn,
                Some(&changed),
                &index,
                &outcome,
            )?;
            Ok(w)
        }
        Err(e) => Err(record_rejection(tx, actor, &prev, purposes, e)),
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    #[schema(value_type = crate::schema::PrincipalId)]
    pub principal_id: String,
    /// The code of a purpose the fiduciary defined.
    #[schema(value_type = crate::schema::Code)]
    pub purpose: String,
    /// The data items the processing will use; when given, each must be covered by the purpose.
    #[serde(default)]
    pub data_items: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Validation {
    pub valid: bool,
    pub reason: Reason,
    pub consent_id: Option<Uuid>,
    pub version: Option<u32>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Re-consent is due (a newer notice version requires it): consent stays valid until this
    /// instant, then answers `reconsent_required` unless the principal consents again.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub reconsent_due_by: Option<OffsetDateTime>,
    /// Ledger position of the audit entry recording this validation.
    pub audit_log_id: u64,
}

/// The re-consent requirement that applies to an indexed consent, if any.
fn reconsent_for(
    tx: &mut dyn Tx,
    fid: Uuid,
    i: &crate::ports::IndexedConsent,
) -> Result<Option<Reconsent>> {
    let (notice, held) = match (i.notice_id, i.notice_version) {
        (Some(n), Some(v)) => (n, v),
        // Indexed without the notice: a row written by a node still on the code before issue
        // 17 during a rolling upgrade on PostgreSQL (the start-up pass fills every older row
        // before a new node serves). The artefact says.
        _ => match tx.artefact(fid, i.artefact_id)? {
            Some(a) => (a.notice_id, i.state.held_version(a.notice_version)),
            None => return Ok(None),
        },
    };
    Ok(tx.reconsent(fid, notice)?.filter(|r| r.applies(held)))
}

/// Answers whether processing may go ahead, from the consent index, and records the answer.
pub fn validate(tx: &mut dyn Tx, actor: &Actor, req: &ValidateRequest) -> Result<Validation> {
    check_principal_id(&req.principal_id)?;
    check_code("purpose", &req.purpose)?;
    let fid = actor.fiduciary_id;
    let indexed = tx.consent_state(fid, &req.principal_id, &req.purpose)?;
    if indexed.is_none() && tx.purpose(fid, &req.purpose)?.is_none() {
        // Recorded too: a fiduciary asking about a purpose it never defined is on the record.
        tx.append_audit(&AuditRecord {
            principal_id: Some(req.principal_id.clone()),
            purpose: Some(req.purpose.clone()),
            outcome: "unknown_purpose".into(),
            ..actor.record(Action::ConsentValidated)
        })?;
        return Err(DomainError::invalid(
            "unknown_purpose",
            format!("purpose {:?} does not exist", req.purpose),
        )
        .into());
    }
    let now = tx.now();
    let (mut valid, mut reason) = lifecycle::validate(
        indexed.as_ref().map(|i| &i.state),
        req.data_items.as_deref(),
        now,
    );
    let mut reconsent_due_by = None;
    if reason == Reason::Active
        && let Some(i) = &indexed
        && let Some(r) = reconsent_for(tx, fid, i)?
    {
        if r.overdue(now) {
            (valid, reason) = (false, Reason::ReconsentRequired);
        } else {
            reconsent_due_by = r.deadline;
        }
    }
    if reason == Reason::ScopeExceeded
        && let Some(items) = &req.data_items
    {
        for code in items {
            check_code("data_items", code)?;
        }
    }
    let rec = AuditRecord {
        principal_id: Some(req.principal_id.clone()),
        purpose: Some(req.purpose.clone()),
        status: indexed.as_ref().map(|i| i.state.status_at(now).as_str()),
        outcome: reason.as_str().into(),
        artefact_id: indexed.as_ref().map(|i| i.artefact_id),
        artefact_version: indexed.as_ref().map(|i| i.version),
        ..actor.record(Action::ConsentValidated)
    };
    let audit_log_id = tx.append_audit(&rec)?;
    if !valid && tx.wants_refusal_events(fid)? {
        tx.emit(
            fid,
            Some(&req.principal_id),
            &crate::events::DomainEvent::ValidationRefused {
                purpose: req.purpose.clone(),
                reason: reason.as_str().to_string(),
            },
        )?;
    }
    Ok(Validation {
        valid,
        reason,
        consent_id: indexed.as_ref().map(|i| i.artefact_id),
        version: indexed.as_ref().map(|i| i.version),
        expires_at: indexed.as_ref().and_then(|i| i.state.expires_at),
        reconsent_due_by,
        audit_log_id,
    })
}

/// Writes the expired version of up to `limit` artefacts whose expiry has passed; returns how
/// many. Idempotent: an artefact already expired is not due any more.
pub fn expire_due(tx: &mut dyn Tx, limit: usize) -> Result<usize> {
    let now = tx.now();
    let due = tx.due_expiries(now, limit)?;
    let mut n = 0;
    for (fid, id) in due {
        let Some(prev) = tx.artefact(fid, id)? else {
            continue;
        };
        let actor = Actor::system(fid);
        if let Some(mut a) = lifecycle::expire(&prev, &actor.ctx(now)) {
            let expired: Vec<String> = a
                .purposes
                .iter()
                .zip(&prev.purposes)
                .filter(|(n, p)| n.status == Status::Expired && p.status == Status::Active)
                .map(|(n, _)| n.purpose.clone())
                .collect();
            let index = index_targets(tx, &prev, &a, &[])?;
            record_artefact(
                tx,
                &actor,
                &mut a,
                Action::ConsentExpired,
                Some(&expired),
                &index,
                &ok,
            )?;
            n += 1;
        }
    }
    Ok(n)
}
