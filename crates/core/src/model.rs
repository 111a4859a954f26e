//! The things a fiduciary defines (data items, purposes, notices) and the consent artefact.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Text per language.
pub type Texts = BTreeMap<Lang, String>;

/// A data fiduciary: the tenant. Everything else belongs to exactly one.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Fiduciary {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A kind of personal data a purpose needs (name, mobile number, address, ...).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DataItem {
    pub code: String,
    #[schema(value_type = BTreeMap<String, String>)]
    pub name: Texts,
    pub category: String,
    pub sensitive: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Why the fiduciary may process data for a purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// Consent alone: withdrawal or expiry ends processing.
    Consent,
    /// A law requires the processing (DPDP Act s.7, e.g. tax records): processing may continue
    /// after withdrawal or expiry, and validation says so with reason `legal_exception`.
    LegalObligation,
    /// A legitimate use under DPDP Act s.7 other than a legal obligation (e.g. a State function);
    /// treated like `legal_obligation` for validation.
    LegitimateUse,
}

impl LegalBasis {
    /// Whether processing may continue after consent is withdrawn or has expired.
    pub fn survives_withdrawal(self) -> bool {
        !matches!(self, LegalBasis::Consent)
    }
}

/// One specific purpose of processing. Purposes are immutable once created: a changed purpose
/// is a new code, so what a principal agreed to never changes under them.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Purpose {
    pub code: String,
    #[schema(value_type = BTreeMap<String, String>)]
    pub name: Texts,
    #[schema(value_type = BTreeMap<String, String>)]
    pub description: Texts,
    pub data_items: Vec<String>,
    pub mandatory: bool,
    /// How long a grant stays valid, in days.
    pub validity_days: u32,
    /// How long data collected for this purpose is kept after consent ends, in days.
    pub retention_days: u32,
    pub legal_basis: LegalBasis,
    /// The law or rule relied on, for `legal_obligation` and `legitimate_use`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_reference: Option<String>,
    /// The purpose involves tracking, behavioural monitoring or targeted advertising: never
    /// granted for a child or a person who needs a guardian (DPDP Act s.9(3)).
    #[serde(default)]
    pub tracking: bool,
    /// Days before a grant runs out that the principal is reminded to renew; None: the
    /// fiduciary's default (`NotifySettings::renewal_notice_days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_notice_days: Option<u32>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The notice text in one language. Every field is required: the DPDP Act asks that a notice
/// say what is collected and why, the principal's rights, retention and withdrawal, and whom to
/// complain to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeText {
    #[schema(value_type = crate::schema::Text<300>)]
    pub title: String,
    /// What is collected and why, in plain words.
    #[schema(value_type = crate::schema::Text<8000>)]
    pub summary: String,
    /// The principal's rights under the DPDP Act.
    #[schema(value_type = crate::schema::Text<8000>)]
    pub rights: String,
    #[schema(value_type = crate::schema::Text<8000>)]
    pub retention_policy: String,
    /// How to withdraw, and what withdrawal means.
    #[schema(value_type = crate::schema::Text<8000>)]
    pub withdrawal_policy: String,
    /// Grievance officer or DPO contact.
    #[schema(value_type = crate::schema::Text<1000>)]
    pub grievance_contact: String,
}

/// A notice: the editable draft plus the number of its latest published version.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Notice {
    pub id: Uuid,
    pub code: String,
    pub purposes: Vec<String>,
    #[schema(value_type = BTreeMap<String, NoticeText>)]
    pub texts: BTreeMap<Lang, NoticeText>,
    /// Latest published version, if any.
    pub latest_version: Option<u32>,
    /// True when the draft differs from the latest published version.
    pub draft_changed: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A published, frozen version of a notice, with the purposes and data items as they were.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NoticeVersion {
    pub notice_id: Uuid,
    pub code: String,
    pub version: u32,
    pub purposes: Vec<Purpose>,
    pub data_items: Vec<DataItem>,
    #[schema(value_type = BTreeMap<String, NoticeText>)]
    pub texts: BTreeMap<Lang, NoticeText>,
    /// SHA-256 (hex) of the rendered notice in each language: see [`RenderedNotice`].
    #[schema(value_type = BTreeMap<String, String>)]
    pub text_hashes: BTreeMap<Lang, String>,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// Publishing this version asked everyone who consented under an earlier version to
    /// consent again (BRD 4.1.3).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requires_reconsent: bool,
    /// Until when consent given under an earlier version stays valid (absent with
    /// `requires_reconsent`: it stopped being valid at publication).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub reconsent_deadline: Option<OffsetDateTime>,
}

/// A notice's standing requirement of re-consent, set by the latest version published with
/// `requires_reconsent`: consent held under a version before `from_version` is valid until
/// `deadline` (not at all when there is none), and then only once the principal consents again
/// under `from_version` or later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reconsent {
    pub from_version: u32,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub deadline: Option<OffsetDateTime>,
}

impl Reconsent {
    /// Whether consent held under notice version `held` needs renewing under this requirement.
    pub fn applies(&self, held: u32) -> bool {
        held < self.from_version
    }
    /// Whether the deadline has passed (or there was none).
    pub fn overdue(&self, now: OffsetDateTime) -> bool {
        self.deadline.is_none_or(|d| now >= d)
    }
}

/// Exactly what a principal is shown for one notice version in one language. Its canonical JSON
/// (this struct serialised by serde_json, fields in declaration order, maps sorted) is hashed
/// into every artefact collected under it, so the text shown can be proven later.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RenderedNotice {
    pub notice_id: Uuid,
    pub code: String,
    pub version: u32,
    pub language: String,
    pub text: NoticeText,
    pub purposes: Vec<RenderedPurpose>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RenderedPurpose {
    pub code: String,
    pub name: String,
    pub description: String,
    pub mandatory: bool,
    pub validity_days: u32,
    pub retention_days: u32,
    pub legal_basis: LegalBasis,
    pub data_items: Vec<RenderedDataItem>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RenderedDataItem {
    pub code: String,
    pub name: String,
    pub category: String,
    pub sensitive: bool,
}

impl NoticeVersion {
    /// Renders this version in `lang`, or None when the notice has no text in it.
    pub fn render(&self, lang: &Lang) -> Option<RenderedNotice> {
        let text = self.texts.get(lang)?.clone();
        let purposes = self
            .purposes
            .iter()
            .map(|p| RenderedPurpose {
                code: p.code.clone(),
                name: p.name.get(lang).cloned().unwrap_or_default(),
                description: p.description.get(lang).cloned().unwrap_or_default(),
                mandatory: p.mandatory,
                validity_days: p.validity_days,
                retention_days: p.retention_days,
                legal_basis: p.legal_basis,
                data_items: p
                    .data_items
                    .iter()
                    .filter_map(|code| self.data_items.iter().find(|d| &d.code == code))
                    .map(|d| RenderedDataItem {
                        code: d.code.clone(),
                        name: d.name.get(lang).cloned().unwrap_or_default(),
                        category: d.category.clone(),
                        sensitive: d.sensitive,
                    })
                    .collect(),
            })
            .collect();
        Some(RenderedNotice {
            notice_id: self.notice_id,
            code: self.code.clone(),
            version: self.version,
            language: lang.to_string(),
            text,
            purposes,
        })
    }

    pub fn purpose(&self, code: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.code == code)
    }
}

impl RenderedNotice {
    /// SHA-256 of the canonical JSON, lower-case hex.
    pub fn hash(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        hex_lower(&Sha256::digest(bytes))
    }
}

pub fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// The principal's decision on one purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Granted,
    Denied,
}

/// Status of one purpose in an artefact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Denied,
    Withdrawn,
    Expired,
    /// Shown for an artefact whose principal was erased: nothing of it is in force (never
    /// stored in a version; the lifecycle never sees it).
    Erased,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Denied => "denied",
            Status::Withdrawn => "withdrawn",
            Status::Expired => "expired",
            Status::Erased => "erased",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "active" => Status::Active,
            "denied" => Status::Denied,
            "withdrawn" => Status::Withdrawn,
            "expired" => Status::Expired,
            _ => return None,
        })
    }
}

/// How the consent was captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Web,
    App,
    Api,
    /// Recorded by staff on the principal's behalf (counter, field visit).
    Assisted,
    Ivr,
    Sms,
    Kiosk,
    /// The service itself (the expiry job); never accepted in a request.
    System,
}

/// What produced an artefact version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Collected,
    Updated,
    Renewed,
    Withdrawn,
    Expired,
}

/// A parent or lawful guardian giving consent for a child or a person with a disability
/// (DPDP Act s.9; DPDP Rules: verifiable consent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Guardian {
    /// The fiduciary's id for the guardian.
    #[schema(value_type = crate::schema::PrincipalId)]
    pub principal_id: String,
    /// parent, legal_guardian
    #[schema(value_type = crate::schema::Code)]
    pub relationship: String,
    /// How identity and age were verified: digilocker, existing_account, document, ...
    #[schema(value_type = crate::schema::Code)]
    pub verification_method: String,
    /// Reference of that verification (token id, not the document itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::Text<256>>)]
    pub verification_ref: Option<String>,
    /// The fiduciary verified that the guardian is an adult (DPDP Rules, rule 10): required,
    /// and always `true`.
    #[serde(default)]
    #[schema(required = true, value_type = crate::schema::True)]
    pub adult: bool,
}

/// One purpose inside an artefact version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PurposeState {
    pub purpose: String,
    pub mandatory: bool,
    pub decision: Decision,
    /// Status when this version was written; see [`PurposeState::status_at`] for the status now.
    pub status: Status,
    pub data_items: Vec<String>,
    pub legal_basis: LegalBasis,
    pub validity_days: u32,
    /// Tracking, behavioural monitoring or targeted advertising (see [`Purpose::tracking`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tracking: bool,
    /// The notice version under which the principal last decided this purpose (absent in
    /// versions written before it was recorded: then the artefact's `notice_version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_version: Option<u32>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub granted_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub withdrawn_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl PurposeState {
    /// The notice version this purpose is held under (`artefact_version`: the artefact's
    /// `notice_version`, for versions written before purposes recorded their own).
    pub fn held_version(&self, artefact_version: u32) -> u32 {
        self.notice_version.unwrap_or(artefact_version)
    }

    /// The status at `now`: an active grant whose expiry has passed is expired, whether or not
    /// the expiry job has written the expired version yet.
    pub fn status_at(&self, now: OffsetDateTime) -> Status {
        match (self.status, self.expires_at) {
            (Status::Active, Some(exp)) if now >= exp => Status::Expired,
            (s, _) => s,
        }
    }
}

/// An immutable consent artefact version. Each lifecycle change writes a new version with the
/// same `id`, `version + 1`, and `previous_version` pointing at the one before.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Artefact {
    pub id: Uuid,
    pub version: u32,
    pub previous_version: Option<u32>,
    pub fiduciary_id: Uuid,
    /// The fiduciary's own id for the principal.
    pub principal_id: String,
    pub notice_id: Uuid,
    pub notice_code: String,
    pub notice_version: u32,
    /// SHA-256 of the rendered notice shown, in `language`.
    pub notice_text_hash: String,
    pub language: Lang,
    pub purposes: Vec<PurposeState>,
    pub event: Event,
    pub method: Method,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Who caused this version: `fiduciary:<api key id>`, `principal`, `system`, `staff:<id>`.
    pub initiator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<Guardian>,
    #[serde(with = "time::serde::rfc3339")]
    pub collected_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Ledger position of the first audit entry that records this version: fetch an inclusion
    /// proof for it from `/v1/audit/proofs/inclusion`.
    #[serde(default)]
    pub audit_log_id: Option<u64>,
}

impl Artefact {
    pub fn purpose(&self, code: &str) -> Option<&PurposeState> {
        self.purposes.iter().find(|p| p.purpose == code)
    }
}
