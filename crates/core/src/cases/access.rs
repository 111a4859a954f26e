//! The answer to an access request (DPDP Act s.11): a summary of the personal data the
//! fiduciary holds about the principal here, the processing it is used for (each purpose with
//! its status and validity), and the processors it was shared with, from the processor
//! registry. A downloadable JSON document; its use is recorded in the ledger.

use super::model::*;
use super::usecases::own_case;
use crate::DomainError;
use crate::Result;
use crate::audit::{Action, AuditRecord};
use crate::lang::Lang;
use crate::model::{Artefact, Status};
use crate::ports::{CasePort, Tx};
use crate::principal::Pseudonym;
use crate::usecases::Actor;
use serde::Serialize;
use std::collections::BTreeSet;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// The summary.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccessDocument {
    /// `anumodan-access-summary/1`.
    pub format: String,
    pub reference: String,
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    pub fiduciary: String,
    /// Whom to contact about it (DPDP Rules, rule 9).
    pub contact: ContactPoint,
    pub personal_data: PersonalData,
    pub processing: Vec<Processing>,
    pub shared_with: Vec<SharedWith>,
}

/// What is held about the principal besides their consent records.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonalData {
    /// The fiduciary's id for them.
    pub principal_id: String,
    /// Their verified contacts (`email`, `mobile`).
    pub contacts: Vec<ContactEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<Lang>,
    /// Their grievances and requests, by reference.
    pub cases: Vec<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContactEntry {
    pub kind: String,
    pub value: String,
}

/// One consent artefact and its purposes.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Processing {
    pub artefact_id: Uuid,
    pub notice: String,
    pub notice_version: u32,
    pub language: Lang,
    #[serde(with = "time::serde::rfc3339")]
    pub collected_at: OffsetDateTime,
    pub purposes: Vec<PurposeSummary>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PurposeSummary {
    pub purpose: String,
    pub name: String,
    /// Status now: `active`, `denied`, `withdrawn`, `expired`.
    pub status: String,
    pub data_items: Vec<String>,
    pub legal_basis: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub granted_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
}

/// A processor that receives data for some of the principal's purposes.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SharedWith {
    pub processor: String,
    /// The principal's purposes it processes (granted at some time).
    pub purposes: Vec<String>,
}

fn status_str(s: Status) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Builds the summary for the principal `p` from their access request `reference`, which must
/// be resolved with its request accepted (409 `case_not_resolved` otherwise). Records the
/// download in the ledger.
pub fn access_document<T: CasePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    p: &Pseudonym,
    reference: &str,
    artefacts: Vec<Artefact>,
    cases: Vec<String>,
) -> Result<AccessDocument> {
    let fid = actor.fiduciary_id;
    let c = own_case(tx, fid, p, reference)?;
    if c.kind != CaseKind::Access {
        return Err(DomainError::not_found(
            "case_not_found",
            "no access request with this reference",
        )
        .into());
    }
    if c.resolution
        .as_ref()
        .is_none_or(|r| r.outcome == Outcome::Refused)
    {
        return Err(DomainError::conflict(
            "case_not_resolved",
            "the summary is ready once the request is resolved and accepted",
        )
        .into());
    }
    let now = Tx::now(tx);
    let principal_id = Tx::principal_of(tx, fid, p)?.unwrap_or_default();
    let settings = tx.case_settings(fid)?;
    let en = Lang::parse("en").expect("en");
    let mut processing = vec![];
    let mut ever_granted = BTreeSet::new();
    for a in &artefacts {
        let mut purposes = vec![];
        for ps in &a.purposes {
            if ps.granted_at.is_some() {
                ever_granted.insert(ps.purpose.clone());
            }
            let name = tx
                .purpose(fid, &ps.purpose)?
                .and_then(|p| p.name.get(&c.language).or_else(|| p.name.get(&en)).cloned())
                .unwrap_or_else(|| ps.purpose.clone());
            purposes.push(PurposeSummary {
                purpose: ps.purpose.clone(),
                name,
                status: status_str(ps.status_at(now)),
                data_items: ps.data_items.clone(),
                legal_basis: serde_json::to_value(ps.legal_basis)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                granted_at: ps.granted_at,
                valid_until: ps.expires_at,
            });
        }
        processing.push(Processing {
            artefact_id: a.id,
            notice: a.notice_code.clone(),
            notice_version: a.notice_version,
            language: a.language.clone(),
            collected_at: a.collected_at,
            purposes,
        });
    }
    let mut shared_with = vec![];
    for pr in tx.processors(fid)? {
        let purposes: Vec<String> = pr
            .purposes
            .iter()
            .filter(|x| ever_granted.contains(*x))
            .cloned()
            .collect();
        if !purposes.is_empty() {
            shared_with.push(SharedWith {
                processor: pr.name.clone(),
                purposes,
            });
        }
    }
    let contacts = tx
        .contacts_of(fid, p)?
        .into_iter()
        .map(|(kind, value)| ContactEntry { kind, value })
        .collect();
    let preferred_language = tx.preferred_language(fid, p)?;
    let fiduciary = tx.fiduciary_name(fid)?.unwrap_or_default();
    Tx::append_audit(
        tx,
        &AuditRecord {
            principal_id: Some(principal_id.clone()),
            outcome: format!("{} access summary downloaded", c.reference),
            ..AuditRecord::admin(Action::RequestAction, fid, "", &actor.initiator)
        }
        .with_ip(actor.source_ip.clone()),
    )?;
    Ok(AccessDocument {
        format: "anumodan-access-summary/1".into(),
        reference: c.reference,
        generated_at: now,
        fiduciary,
        contact: settings.contact,
        personal_data: PersonalData {
            principal_id,
            contacts,
            preferred_language,
            cases,
        },
        processing,
        shared_with,
    })
}
