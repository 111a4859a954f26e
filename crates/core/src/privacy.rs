//! Personal data on request: unmasking with a stated reason, and what the ledger records of it
//! ([`unmask`], a use case over [`crate::ports::UnmaskPort`]); erasing a principal ([`erasure`],
//! a use case over [`crate::ports::PrivacyPort`]).

pub mod erasure;
pub mod unmask;

pub use erasure::{Erasure, erase_principal};
pub use unmask::{Disclosure, unmask};

use crate::DomainError;
use crate::audit::{Action, AuditRecord};
use crate::mask::ARTEFACT_PII_FIELDS;
use crate::model::Artefact;
use crate::usecases::Actor;
use sha2::{Digest, Sha256};

/// The reason given for unmasking, trimmed: 5 to 500 characters without control characters
/// (422 `invalid_reason`). It is kept beside the ledger entry, which commits to its hash.
pub fn check_reason(reason: &str) -> Result<String, DomainError> {
    let reason = reason.trim();
    let len = reason.chars().count();
    if !(5..=500).contains(&len) || crate::text::has_forbidden(reason) {
        return Err(DomainError::invalid(
            "invalid_reason",
            "reason must be 5 to 500 characters without control characters",
        ));
    }
    Ok(reason.to_string())
}

/// The fields to unmask: all personal data fields when none are named; at least one, each a
/// personal data field (422 `invalid_fields`).
pub fn check_fields(fields: Option<Vec<String>>) -> Result<Vec<String>, DomainError> {
    let fields = match fields {
        None => return Ok(ARTEFACT_PII_FIELDS.iter().map(|f| f.to_string()).collect()),
        Some(f) if f.is_empty() => {
            return Err(DomainError::invalid(
                "invalid_fields",
                "name at least one field to unmask",
            ));
        }
        Some(f) => f,
    };
    if let Some(bad) = fields
        .iter()
        .find(|f| !ARTEFACT_PII_FIELDS.contains(&f.as_str()))
    {
        return Err(DomainError::invalid(
            "invalid_fields",
            format!(
                "{bad:?} is not a personal data field (one of {})",
                ARTEFACT_PII_FIELDS.join(", ")
            ),
        ));
    }
    Ok(fields)
}

/// The ledger entry of an unmasking: who (the actor), whose data and which version (the
/// artefact), which fields (sorted, deduplicated) and why (the reason's SHA-256, never its text).
pub fn unmask_record<'a>(
    actor: &Actor,
    artefact: &Artefact,
    fields: impl IntoIterator<Item = &'a str>,
    reason: &str,
) -> AuditRecord {
    let names: std::collections::BTreeSet<&str> = fields.into_iter().collect();
    let names: Vec<&str> = names.into_iter().collect();
    let digest = crate::model::hex_lower(&Sha256::digest(reason.as_bytes()));
    AuditRecord {
        principal_id: Some(artefact.principal_id.clone()),
        outcome: format!("{} reason_sha256={digest}", names.join(",")),
        artefact_id: Some(artefact.id),
        artefact_version: Some(artefact.version),
        ..actor.record(Action::PiiUnmasked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_needed_and_bounded() {
        assert_eq!(
            check_reason("  court order 17  ").unwrap(),
            "court order 17"
        );
        for bad in ["", "four", &"x".repeat(501), "bad\u{7}reason"] {
            assert_eq!(
                check_reason(bad).unwrap_err().code,
                "invalid_reason",
                "{bad:?}"
            );
        }
        assert!(check_reason(&"x".repeat(500)).is_ok());
    }

    #[test]
    fn fields_default_to_all_and_must_be_personal_data() {
        assert_eq!(check_fields(None).unwrap().len(), ARTEFACT_PII_FIELDS.len());
        assert_eq!(
            check_fields(Some(vec![])).unwrap_err().code,
            "invalid_fields"
        );
        let e = check_fields(Some(vec!["purposes".into()])).unwrap_err();
        assert_eq!(e.code, "invalid_fields");
        assert!(
            e.message
                .starts_with("\"purposes\" is not a personal data field")
        );
        assert_eq!(
            check_fields(Some(vec!["source_ip".into()])).unwrap(),
            vec!["source_ip".to_string()]
        );
    }
}
