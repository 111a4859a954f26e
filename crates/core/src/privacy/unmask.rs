//! Unmasking an artefact: a caller with `pii.unmask` sees personal data fields of the latest
//! version of an artefact in clear, once it has said why. The store opens the sealed fields
//! ([`UnmaskPort`]); the rules on the reason and the fields, what the ledger records (who,
//! whose, which version, which fields, the reason's SHA-256) and where the reason's text is
//! kept are decided here.

use super::{check_fields, check_reason, unmask_record};
use crate::DomainError;
use crate::error::Result;
use crate::mask::artefact_field;
use crate::ports::{StoreError, UnmaskPort};
use crate::usecases::Actor;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What an unmasking disclosed, and the ledger entry recording it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disclosure {
    /// Each field asked for, in clear (None where the artefact has no such value; `[erased]`
    /// where it was sealed under a destroyed key).
    pub fields: BTreeMap<String, Option<String>>,
    pub audit_log_id: u64,
}

/// Reveals personal data fields (`fields`; all of them when None) of the latest version of
/// `artefact`, with `reason`. The reason (422 `invalid_reason`) and the fields (422
/// `invalid_fields`) are checked first; an artefact that does not exist for the actor's
/// fiduciary, or whose principal was erased, is 404 `consent_not_found`. A refusal records
/// nothing. Otherwise one `pii.unmasked` entry ([`unmask_record`]) is appended and the trimmed
/// reason kept beside it.
pub fn unmask<P: UnmaskPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    artefact: Uuid,
    fields: Option<Vec<String>>,
    reason: &str,
) -> Result<Disclosure> {
    let reason = check_reason(reason)?;
    let fields = check_fields(fields)?;
    let Some(a) = p.opened_artefact(actor.fiduciary_id, artefact)? else {
        return Err(DomainError::not_found("consent_not_found", "no such consent artefact").into());
    };
    let mut out = BTreeMap::new();
    for f in fields {
        let v = artefact_field(&a, &f)
            .ok_or_else(|| StoreError::internal(format!("unknown field {f:?}")))?;
        out.insert(f, v);
    }
    let audit_log_id = p.record(&unmask_record(
        actor,
        &a,
        out.keys().map(String::as_str),
        &reason,
    ))?;
    p.keep_reason(audit_log_id, &reason)?;
    Ok(Disclosure {
        fields: out,
        audit_log_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Action, AuditRecord};
    use crate::mask::{ARTEFACT_PII_FIELDS, ERASED};
    use crate::model::Artefact;
    use crate::ports::{Recorder, StoreResult};
    use crate::{Error, ErrorKind};
    use sha2::{Digest, Sha256};
    use std::collections::HashMap;
    use time::OffsetDateTime;

    const FID: Uuid = Uuid::from_u128(0xf1d);
    const OTHER: Uuid = Uuid::from_u128(0xb);
    const ID: Uuid = Uuid::from_u128(0xa1);

    #[derive(Default)]
    struct Fake {
        /// Artefacts by fiduciary and id, as opened (None: a tombstone of an erased principal).
        artefacts: HashMap<(Uuid, Uuid), Option<Artefact>>,
        ledger: Vec<AuditRecord>,
        reasons: HashMap<u64, String>,
    }

    impl Recorder for Fake {
        fn time(&self) -> OffsetDateTime {
            OffsetDateTime::UNIX_EPOCH
        }
        fn record(&mut self, entry: &AuditRecord) -> StoreResult<u64> {
            self.ledger.push(entry.clone());
            Ok(self.ledger.len() as u64 + 90)
        }
    }

    impl UnmaskPort for Fake {
        fn opened_artefact(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Artefact>> {
            Ok(self.artefacts.get(&(fid, id)).cloned().flatten())
        }
        fn keep_reason(&mut self, idx: u64, reason: &str) -> StoreResult<()> {
            self.reasons.insert(idx, reason.into());
            Ok(())
        }
    }

    fn artefact(guardian: &str) -> Artefact {
        serde_json::from_value(serde_json::json!({
            "id": ID, "version": 3, "previous_version": 2, "fiduciary_id": FID,
            "principal_id": "child-3131", "notice_id": Uuid::from_u128(0x40),
            "notice_code": "n", "notice_version": 1, "notice_text_hash": "00",
            "language": "en", "purposes": [], "event": "updated", "method": "web",
            "session_id": "sess-1", "initiator": "principal",
            "guardian": {"principal_id": guardian, "relationship": "parent",
                         "verification_method": "digilocker", "verification_ref": guardian, "adult": true},
            "collected_at": "2025-01-01T00:00:00Z", "created_at": "2025-01-02T00:00:00Z"
        }))
        .unwrap()
    }

    fn fake() -> Fake {
        let mut f = Fake::default();
        f.artefacts.insert((FID, ID), Some(artefact("parent-5151")));
        f
    }

    fn dpo() -> Actor {
        Actor {
            fiduciary_id: FID,
            initiator: "fiduciary:key-dpo".into(),
            source_ip: Some("192.0.2.4".into()),
        }
    }

    fn code(e: Error) -> (ErrorKind, &'static str) {
        match e {
            Error::Domain(d) => (d.kind, d.code),
            Error::Store(s) => panic!("a storage error: {s}"),
        }
    }

    #[test]
    fn an_unmasking_discloses_the_fields_and_records_who_whose_which_and_why() {
        let mut f = fake();
        let fields = Some(vec!["source_ip".into(), "principal_id".into()]);
        let d = unmask(&mut f, &dpo(), ID, fields, "  court order 17  ").unwrap();
        assert_eq!(
            d.fields,
            BTreeMap::from([
                ("principal_id".to_string(), Some("child-3131".to_string())),
                ("source_ip".to_string(), None),
            ])
        );
        assert_eq!(d.audit_log_id, 91);
        // One entry: the actor, the principal, the version, the fields sorted, the reason's
        // hash (of the trimmed reason), never its text.
        assert_eq!(f.ledger.len(), 1);
        let r = &f.ledger[0];
        assert_eq!(r.action, Action::PiiUnmasked);
        assert_eq!(
            (r.initiator.as_str(), r.source_ip.as_deref()),
            ("fiduciary:key-dpo", Some("192.0.2.4"))
        );
        assert_eq!(r.principal_id.as_deref(), Some("child-3131"));
        assert_eq!((r.artefact_id, r.artefact_version), (Some(ID), Some(3)));
        let digest = crate::model::hex_lower(&Sha256::digest(b"court order 17"));
        assert_eq!(
            r.outcome,
            format!("principal_id,source_ip reason_sha256={digest}")
        );
        assert!(!r.outcome.contains("court"));
        // The text is kept beside that entry.
        assert_eq!(f.reasons, HashMap::from([(91, "court order 17".into())]));
    }

    #[test]
    fn without_fields_named_every_personal_data_field_is_disclosed() {
        let mut f = fake();
        let d = unmask(&mut f, &dpo(), ID, None, "audit sample").unwrap();
        let names: Vec<&str> = d.fields.keys().map(String::as_str).collect();
        let mut all = ARTEFACT_PII_FIELDS.to_vec();
        all.sort();
        assert_eq!(names, all);
        assert_eq!(
            d.fields["guardian.verification_ref"].as_deref(),
            Some("parent-5151")
        );
        assert_eq!(
            f.ledger[0].outcome.split(' ').next().unwrap(),
            all.join(",")
        );
    }

    #[test]
    fn a_bad_reason_or_bad_fields_are_refused_and_record_nothing() {
        let mut f = fake();
        for (fields, reason, want) in [
            (None, "four", "invalid_reason"),
            (None, "  x ", "invalid_reason"),
            (None, "a\u{7}bell in the reason", "invalid_reason"),
            (Some(vec![]), "audit sample", "invalid_fields"),
            (
                Some(vec!["purposes".into()]),
                "audit sample",
                "invalid_fields",
            ),
        ] {
            let e = unmask(&mut f, &dpo(), ID, fields, reason).unwrap_err();
            assert_eq!(code(e), (ErrorKind::Invalid, want), "{reason:?}");
        }
        // The reason is checked before the artefact is looked for.
        let e = unmask(&mut f, &dpo(), Uuid::from_u128(9), None, "four").unwrap_err();
        assert_eq!(code(e).1, "invalid_reason");
        assert!(f.ledger.is_empty() && f.reasons.is_empty());
    }

    #[test]
    fn an_unknown_or_another_fiduciarys_artefact_is_not_found_and_records_nothing() {
        let mut f = fake();
        let e = unmask(&mut f, &dpo(), Uuid::from_u128(9), None, "audit sample").unwrap_err();
        assert_eq!(code(e), (ErrorKind::NotFound, "consent_not_found"));
        let other = Actor {
            fiduciary_id: OTHER,
            ..dpo()
        };
        let e = unmask(&mut f, &other, ID, None, "curiosity killed").unwrap_err();
        assert_eq!(code(e).1, "consent_not_found");
        assert!(f.ledger.is_empty() && f.reasons.is_empty());
    }

    #[test]
    fn erased_data_comes_back_erased_and_an_erased_principal_is_not_found() {
        // The guardian was erased: their fields read `[erased]`, the child's do not.
        let mut f = Fake::default();
        f.artefacts.insert((FID, ID), Some(artefact(ERASED)));
        let d = unmask(&mut f, &dpo(), ID, None, "guardian check").unwrap();
        assert_eq!(d.fields["principal_id"].as_deref(), Some("child-3131"));
        assert_eq!(d.fields["guardian.principal_id"].as_deref(), Some(ERASED));
        assert_eq!(
            d.fields["guardian.verification_ref"].as_deref(),
            Some(ERASED)
        );
        assert_eq!(f.ledger.len(), 1);
        // The principal was erased: their artefact is a tombstone, unknown to unmasking.
        f.artefacts.insert((FID, ID), None);
        let e = unmask(&mut f, &dpo(), ID, None, "after erasure").unwrap_err();
        assert_eq!(code(e), (ErrorKind::NotFound, "consent_not_found"));
        assert_eq!(f.ledger.len(), 1);
    }
}
