//! Domain events: what happened, as the use cases say it, written to the event outbox in the
//! same transaction as the change ([`crate::ports::Tx::emit`]). A job, a notification channel
//! or a webhook subscribes by reading the outbox from its own cursor, without touching the use
//! case that emitted the event (see `docs/architecture.md`, decision 30).
//!
//! An event carries no personal data in clear: the principal is named only by the store (as a
//! keyed pseudonym beside the event, removed when the principal is erased), and purposes,
//! notices and artefacts by their codes and ids.

use crate::lang::Lang;
use crate::model::{Artefact, Status};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DomainEvent {
    /// A principal gave (or declined) consent: a new artefact.
    ConsentCollected(ConsentChange),
    /// A principal changed their decisions on an artefact.
    ConsentUpdated(ConsentChange),
    /// Consent was renewed for another validity period.
    ConsentRenewed(ConsentChange),
    /// Consent was withdrawn; `continuing` names the purposes whose processing continues by law.
    ConsentWithdrawn(ConsentChange),
    /// Consent ran out.
    ConsentExpired(ConsentChange),
    /// A notice version was published that requires the principals holding consent under an
    /// earlier version to consent again (by `deadline`, when one is set).
    ReconsentRequired {
        notice_id: Uuid,
        notice_version: u32,
        #[serde(with = "time::serde::rfc3339::option")]
        deadline: Option<OffsetDateTime>,
    },
    /// A principal's personal data was erased (crypto-shredded).
    PrincipalErased,
    /// Active purposes of an artefact run out within the renewal notice period (issue 20): the
    /// principal is reminded once per artefact and expiry.
    RenewalDue(RenewalDue),
    /// A validation was refused (written only for fiduciaries that ask for it, off by default).
    ValidationRefused {
        purpose: String,
        /// The refusal reason (`withdrawn`, `expired`, `no_consent`, ...).
        reason: String,
    },
    /// A grievance or rights request changed status (the case engine of issue 21 emits it).
    CaseStatusChanged {
        /// The case's reference number, e.g. `GRV-2026-004217`.
        reference: String,
        /// `grievance` or `request`.
        case_kind: String,
        status: String,
        language: Lang,
    },
    /// The principal's personal data will be erased at `erase_at` because nothing needs it any
    /// more (the retention engine; DPDP Rules 2025 rule 8(2): told at least 48 hours before).
    ErasureDue {
        #[serde(with = "time::serde::rfc3339")]
        erase_at: OffsetDateTime,
        language: Lang,
    },
}

/// Purposes of an artefact that run out soon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalDue {
    pub artefact_id: Uuid,
    pub version: u32,
    pub language: Lang,
    pub purposes: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl DomainEvent {
    /// The event's kind, as stored beside it (`consent_withdrawn`, ...): subscribers select by it.
    pub fn kind(&self) -> &'static str {
        match self {
            DomainEvent::ConsentCollected(_) => "consent_collected",
            DomainEvent::ConsentUpdated(_) => "consent_updated",
            DomainEvent::ConsentRenewed(_) => "consent_renewed",
            DomainEvent::ConsentWithdrawn(_) => "consent_withdrawn",
            DomainEvent::ConsentExpired(_) => "consent_expired",
            DomainEvent::ReconsentRequired { .. } => "reconsent_required",
            DomainEvent::PrincipalErased => "principal_erased",
            DomainEvent::RenewalDue(_) => "renewal_due",
            DomainEvent::ValidationRefused { .. } => "validation_refused",
            DomainEvent::CaseStatusChanged { .. } => "case_status_changed",
            DomainEvent::ErasureDue { .. } => "erasure_due",
        }
    }

    /// Every kind, for subscribers and documentation.
    pub const KINDS: &'static [&'static str] = &[
        "consent_collected",
        "consent_updated",
        "consent_renewed",
        "consent_withdrawn",
        "consent_expired",
        "reconsent_required",
        "principal_erased",
        "renewal_due",
        "validation_refused",
        "case_status_changed",
        "erasure_due",
    ];

    /// The artefact the event is about, if any.
    pub fn artefact_id(&self) -> Option<Uuid> {
        match self {
            DomainEvent::ConsentCollected(c)
            | DomainEvent::ConsentUpdated(c)
            | DomainEvent::ConsentRenewed(c)
            | DomainEvent::ConsentWithdrawn(c)
            | DomainEvent::ConsentExpired(c) => Some(c.artefact_id),
            DomainEvent::RenewalDue(r) => Some(r.artefact_id),
            _ => None,
        }
    }
}

/// A change to a consent artefact: the version written and its purposes by status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentChange {
    pub artefact_id: Uuid,
    pub version: u32,
    pub notice_id: Uuid,
    pub notice_version: u32,
    pub language: Lang,
    /// The purposes this version changed (every purpose of a new artefact).
    pub changed: Vec<String>,
    /// Of all purposes, after the change: active, denied, withdrawn and expired ones.
    pub active: Vec<String>,
    pub denied: Vec<String>,
    pub withdrawn: Vec<String>,
    pub expired: Vec<String>,
    /// Withdrawn purposes whose processing continues under a legal exception (DPDP Act s.7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub continuing: Vec<String>,
    /// When the earliest active purpose runs out, if any does.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

impl ConsentChange {
    /// The change that wrote `a`, naming the purposes it `changed`.
    pub fn of(a: &Artefact, changed: &[String], continuing: &[String]) -> ConsentChange {
        let with = |st: Status| -> Vec<String> {
            a.purposes
                .iter()
                .filter(|p| p.status == st)
                .map(|p| p.purpose.clone())
                .collect()
        };
        ConsentChange {
            artefact_id: a.id,
            version: a.version,
            notice_id: a.notice_id,
            notice_version: a.notice_version,
            language: a.language.clone(),
            changed: changed.to_vec(),
            active: with(Status::Active),
            denied: with(Status::Denied),
            withdrawn: with(Status::Withdrawn),
            expired: with(Status::Expired),
            continuing: continuing.to_vec(),
            expires_at: a
                .purposes
                .iter()
                .filter(|p| p.status == Status::Active)
                .filter_map(|p| p.expires_at)
                .min(),
        }
    }
}

/// An event as the outbox holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Its position in the outbox: increasing in commit order.
    pub id: i64,
    pub at: OffsetDateTime,
    pub fiduciary_id: Uuid,
    /// The principal's keyed pseudonym, when one is attached; None after the principal's
    /// erasure. Never leaves the server.
    pub principal: Option<crate::principal::Pseudonym>,
    pub event: DomainEvent,
}

impl StoredEvent {
    /// Whether a principal is attached.
    pub fn has_principal(&self) -> bool {
        self.principal.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_match_the_serialised_tag_and_are_listed() {
        let change = ConsentChange {
            artefact_id: Uuid::nil(),
            version: 1,
            notice_id: Uuid::nil(),
            notice_version: 1,
            language: Lang::parse("hi").unwrap(),
            changed: vec!["a".into()],
            active: vec!["a".into()],
            denied: vec![],
            withdrawn: vec![],
            expired: vec![],
            continuing: vec![],
            expires_at: None,
        };
        let all = [
            DomainEvent::ConsentCollected(change.clone()),
            DomainEvent::ConsentUpdated(change.clone()),
            DomainEvent::ConsentRenewed(change.clone()),
            DomainEvent::ConsentWithdrawn(change.clone()),
            DomainEvent::ConsentExpired(change),
            DomainEvent::ReconsentRequired {
                notice_id: Uuid::nil(),
                notice_version: 2,
                deadline: None,
            },
            DomainEvent::PrincipalErased,
            DomainEvent::RenewalDue(RenewalDue {
                artefact_id: Uuid::nil(),
                version: 1,
                language: Lang::parse("ta").unwrap(),
                purposes: vec!["a".into()],
                expires_at: OffsetDateTime::UNIX_EPOCH,
            }),
            DomainEvent::ValidationRefused {
                purpose: "a".into(),
                reason: "withdrawn".into(),
            },
            DomainEvent::CaseStatusChanged {
                reference: "GRV-2026-000001".into(),
                case_kind: "grievance".into(),
                status: "acknowledged".into(),
                language: Lang::parse("hi").unwrap(),
            },
            DomainEvent::ErasureDue {
                erase_at: OffsetDateTime::UNIX_EPOCH,
                language: Lang::parse("ta").unwrap(),
            },
        ];
        assert_eq!(all.len(), DomainEvent::KINDS.len());
        for (e, kind) in all.iter().zip(DomainEvent::KINDS) {
            assert_eq!(e.kind(), *kind);
            let v = serde_json::to_value(e).unwrap();
            assert_eq!(v["type"], *kind);
            let back: DomainEvent = serde_json::from_value(v).unwrap();
            assert_eq!(&back, e);
        }
    }
}
