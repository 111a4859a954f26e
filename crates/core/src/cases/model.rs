//! What a case is: a grievance (BRD 4.5, DPDP Act s.13) or a rights request (ss.11, 12, 14),
//! its status, its clocks, and the settings a fiduciary tunes.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// What the principal asks for.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A complaint (s.13, BRD 4.5).
    Grievance,
    /// A summary of the personal data held and how it is processed (s.11).
    Access,
    /// Correction, completion or update of personal data (s.12(1), 12(2)).
    Correction,
    /// Erasure of personal data (s.12(3)).
    Erasure,
    /// Nominating someone to exercise the principal's rights after death or incapacity (s.14).
    Nomination,
}

impl CaseKind {
    pub const ALL: [CaseKind; 5] = [
        CaseKind::Grievance,
        CaseKind::Access,
        CaseKind::Correction,
        CaseKind::Erasure,
        CaseKind::Nomination,
    ];
    pub const REQUESTS: [CaseKind; 4] = [
        CaseKind::Access,
        CaseKind::Correction,
        CaseKind::Erasure,
        CaseKind::Nomination,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Grievance => "grievance",
            CaseKind::Access => "access",
            CaseKind::Correction => "correction",
            CaseKind::Erasure => "erasure",
            CaseKind::Nomination => "nomination",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// `grievance` or `request`: how notifications and routes name it.
    pub fn family(self) -> &'static str {
        match self {
            CaseKind::Grievance => "grievance",
            _ => "request",
        }
    }

    /// The reference number's prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            CaseKind::Grievance => "GRV",
            _ => "REQ",
        }
    }
}

/// Where a case stands. The workflow (`workflow::allowed`): submitted → acknowledged → in
/// progress → resolved → closed; escalated by the clock (or by staff) from any open status;
/// reopened by the principal within the window after resolution.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Submitted,
    Acknowledged,
    InProgress,
    Escalated,
    Resolved,
    Closed,
    Reopened,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::Submitted,
        CaseStatus::Acknowledged,
        CaseStatus::InProgress,
        CaseStatus::Escalated,
        CaseStatus::Resolved,
        CaseStatus::Closed,
        CaseStatus::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "submitted",
            CaseStatus::Acknowledged => "acknowledged",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Escalated => "escalated",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
            CaseStatus::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Still waiting for an answer: its clocks run.
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Resolved | CaseStatus::Closed)
    }
}

/// How a case was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Upheld (a grievance) or done as asked (a request).
    Accepted,
    /// In part.
    PartlyAccepted,
    /// Not upheld, or refused (the summary says why).
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::PartlyAccepted => "partly_accepted",
            Outcome::Refused => "refused",
        }
    }
}

/// Who works a case: a role, a staff member, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assignee {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<Uuid>,
}

/// The answer to a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Resolution {
    pub outcome: Outcome,
    /// What was done and why, for the principal.
    pub summary: String,
    /// Erasure deferred by a legal retention: the law and the date it will happen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_erasure: Option<DeferredErasure>,
    /// An erasure carried out: how many artefacts became unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_artefacts: Option<u64>,
    /// Corrections applied (field names only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeferredErasure {
    /// The law or hold that keeps the data.
    pub law: String,
    #[serde(with = "time::serde::rfc3339")]
    pub erasure_on: OffsetDateTime,
}

/// The principal's rating of how their case was handled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Feedback {
    /// 1 (very poor) to 5 (very good).
    pub rating: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A personal data field the principal asks to correct, complete or update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    /// `email`, `mobile` (the principal's verified contacts) or `language` (of messages).
    #[schema(max_length = 64)]
    pub field: String,
    /// The value it should have.
    #[schema(max_length = 254)]
    pub value: String,
}

/// The correctable fields.
pub const CORRECTABLE: &[&str] = &["email", "mobile", "language"];

/// The person a principal nominates (s.14).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Nominee {
    /// Their name, 1-200 characters.
    #[schema(value_type = crate::schema::Line<1, 200>)]
    pub name: String,
    /// Their mobile number or e-mail address.
    #[schema(value_type = crate::schema::Contact)]
    pub contact: String,
    /// How they are related to the principal (optional, up to 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::Line<1, 100>>)]
    pub relationship: Option<String>,
}

/// A file attached to a case (the bytes are kept sealed under the principal's data key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// `principal`, `nominee`, `staff:<id>` or `fiduciary:<key id>`.
    pub added_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// One step in a case's history (each also a ledger entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseStep {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who: `principal`, `nominee`, `system`, `staff:<id>`, `fiduciary:<key id>`.
    pub by: String,
    /// `submitted`, `status`, `assigned`, `escalated`, `feedback`, `attachment`, `note`, ...
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<CaseStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<CaseStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The ledger entry that records it.
    pub audit_log_id: u64,
}

/// The contact the principal can turn to (DPDP Rules, rule 9): included in every answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Where a case stands against its deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Open, with time left.
    OnTrack,
    /// Open, not acknowledged in time, or within the at-risk margin of its deadline.
    AtRisk,
    /// Open past its deadline.
    Overdue,
    /// Answered by its deadline.
    Met,
    /// Answered after its deadline.
    Missed,
}

/// A grievance or rights request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Case {
    pub id: Uuid,
    /// The reference a principal can read out on the phone: `GRV-2026-004217`, `REQ-...`.
    pub reference: String,
    pub kind: CaseKind,
    /// For grievances: the category (chosen, or found by a rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The categorisation rule that chose the category, when the principal did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_rule: Option<String>,
    pub status: CaseStatus,
    /// 0: not escalated; 1: to the DPO; 2: to the second level.
    pub escalation_level: u8,
    pub assignee: Assignee,
    /// Consent artefacts the case is about.
    #[serde(default)]
    pub artefacts: Vec<Uuid>,
    /// In the principal's words, in any of the 23 languages.
    pub description: String,
    /// The language the principal is answered in.
    pub language: Lang,
    /// `principal`, `nominee`, `staff:<id>` or `fiduciary:<key id>`.
    pub filed_by: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominee: Option<Nominee>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub acknowledge_by: OffsetDateTime,
    /// The deadline for an answer (at most 90 days after filing or reopening).
    #[serde(with = "time::serde::rfc3339")]
    pub respond_by: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub resolved_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default)]
    pub history: Vec<CaseStep>,
}

/// A case as the queue lists it: no description or personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseSummary {
    pub id: Uuid,
    pub reference: String,
    pub kind: CaseKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub status: CaseStatus,
    pub escalation_level: u8,
    pub assignee: Assignee,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub acknowledge_by: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub respond_by: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub resolved_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Its state against its deadlines, now.
    pub sla: SlaState,
}

/// A grievance category of a fiduciary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// `consent_misuse`, ... (lower case letters, digits, `_`; 1-64).
    pub code: String,
    /// Its name per language (English at least).
    #[schema(value_type = BTreeMap<String, String>)]
    pub name: BTreeMap<Lang, String>,
    /// The role its grievances are routed to.
    pub route_to: String,
}

/// A rule that categorises a grievance from its text when the principal chose no category:
/// the first rule with a keyword found in the description (case-insensitive) wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// Its name, recorded on the case it categorised.
    pub id: String,
    pub category: String,
    /// Words or phrases, in any language (1-100 of them, each 1-100 characters).
    pub keywords: Vec<String>,
}

/// Deadlines of one kind of case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Days to acknowledge (1-30).
    #[schema(minimum = 1, maximum = 30)]
    pub acknowledge_days: u32,
    /// Days to answer (1-90: rule 14(3) of the DPDP Rules caps the period at 90 days).
    #[schema(minimum = 1, maximum = 90)]
    pub respond_days: u32,
}

/// How a fiduciary runs its cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseSettings {
    #[serde(default = "default_categories")]
    pub categories: Vec<Category>,
    #[serde(default = "default_rules")]
    pub rules: Vec<CategoryRule>,
    /// Per kind (`grievance`, `access`, ...); a kind left out takes the default.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, Deadlines>)]
    pub deadlines: BTreeMap<CaseKind, Deadlines>,
    /// Days before the answer's deadline at which an open case escalates to the DPO (0-30,
    /// default 3). A case not acknowledged in time escalates then too.
    #[serde(default = "default_at_risk")]
    pub at_risk_days: u32,
    /// The role a request is routed to (default `dpo`).
    #[serde(default = "default_request_role")]
    pub requests_route_to: String,
    /// The role the first escalation goes to (default `dpo`).
    #[serde(default = "default_request_role")]
    pub first_level_role: String,
    /// The role the second escalation (at the deadline) goes to (default `admin`).
    #[serde(default = "default_second_role")]
    pub second_level_role: String,
    /// Days after resolution in which the principal may reopen (0-90, default 30).
    #[serde(default = "default_reopen")]
    pub reopen_days: u32,
    /// The contact named in every answer (rule 9).
    #[serde(default)]
    pub contact: ContactPoint,
}

fn default_at_risk() -> u32 {
    3
}
fn default_request_role() -> String {
    "dpo".into()
}
fn default_second_role() -> String {
    "admin".into()
}
fn default_reopen() -> u32 {
    30
}

fn en(s: &str) -> BTreeMap<Lang, String> {
    [(Lang::parse("en").expect("en"), s.to_string())].into()
}

/// The five categories of the issue, routed to the DPO but for breaches (also the DPO's).
pub fn default_categories() -> Vec<Category> {
    [
        ("consent_misuse", "Misuse of consent"),
        ("data_breach", "Personal data breach"),
        ("unauthorised_processing", "Unauthorised processing"),
        ("denial_of_right", "Denial of a right"),
        ("other", "Other"),
    ]
    .into_iter()
    .map(|(code, name)| Category {
        code: code.into(),
        name: en(name),
        route_to: "dpo".into(),
    })
    .collect()
}

/// Starter rules in English and Hindi; a fiduciary replaces them with its own.
pub fn default_rules() -> Vec<CategoryRule> {
    let rule = |id: &str, category: &str, words: &[&str]| CategoryRule {
        id: id.into(),
        category: category.into(),
        keywords: words.iter().map(|w| w.to_string()).collect(),
    };
    vec![
        rule(
            "breach-words",
            "data_breach",
            &["breach", "leak", "hacked", "stolen", "लीक", "चोरी"],
        ),
        rule(
            "consent-words",
            "consent_misuse",
            &[
                "without my consent",
                "withdrew",
                "withdrawn",
                "unsubscribe",
                "सहमति",
            ],
        ),
        rule(
            "right-words",
            "denial_of_right",
            &[
                "erase",
                "delete",
                "correct",
                "access my data",
                "हटाने",
                "सुधार",
            ],
        ),
        rule(
            "processing-words",
            "unauthorised_processing",
            &["shared my", "sold my", "spam", "third party", "साझा"],
        ),
    ]
}

impl Default for CaseSettings {
    fn default() -> Self {
        CaseSettings {
            categories: default_categories(),
            rules: default_rules(),
            deadlines: BTreeMap::new(),
            at_risk_days: default_at_risk(),
            requests_route_to: default_request_role(),
            first_level_role: default_request_role(),
            second_level_role: default_second_role(),
            reopen_days: default_reopen(),
            contact: ContactPoint::default(),
        }
    }
}

impl CaseSettings {
    /// The deadlines of `kind`: the fiduciary's, else the default (acknowledge in 2 days;
    /// answer a grievance in 30, a request in 30).
    pub fn deadlines_of(&self, kind: CaseKind) -> Deadlines {
        self.deadlines.get(&kind).copied().unwrap_or(Deadlines {
            acknowledge_days: 2,
            respond_days: 30,
        })
    }
}

/// A nomination (s.14): who may act for the principal after death or incapacity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Nomination {
    pub id: Uuid,
    /// The request that registered it.
    pub reference: String,
    pub nominee: Nominee,
    /// `registered` (may not act yet), `active` (death or incapacity shown: may act), `revoked`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub activated_at: Option<OffsetDateTime>,
    /// The evidence staff checked before activating it (e.g. a death certificate's number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}
