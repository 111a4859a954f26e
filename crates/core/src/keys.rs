//! API keys: which scopes a key may carry, its name, and what one caller may do to a key.
//!
//! A caller (a key, or a staff member acting for a fiduciary) gives a key only scopes it holds
//! itself, and rotates or revokes only keys with no scope it lacks: otherwise a narrow key
//! could mint, take over or lock out a broader one. Staff powers (`staff.manage`,
//! `roles.manage`, `fiduciary.manage`) are never a key's.
//!
//! Creating, listing, rotating and revoking keys are use cases ([`manage`]) over
//! [`crate::ports::KeysPort`].

pub mod manage;
#[cfg(test)]
mod tests_manage;

pub use manage::{
    ApiKeyInfo, KEY_PREFIX, Manager, NewApiKey, create_key, issue_root_key, key_hash, list_keys,
    no_key, parse_scopes, revoke_key, root_scopes, rotate_key, scopes_text,
};

use crate::DomainError;
use crate::authz::{Permission, default_key_scopes, key_grantable};
use std::collections::BTreeSet;

/// Checks requested key scopes: known, grantable to a key, at least one. None: the defaults.
/// Refusals are 422 `invalid_scopes`.
pub fn check_scopes(requested: Option<&[String]>) -> Result<BTreeSet<Permission>, DomainError> {
    let invalid = |m: String| DomainError::invalid("invalid_scopes", m);
    let Some(names) = requested else {
        return Ok(default_key_scopes());
    };
    let mut out = BTreeSet::new();
    for n in names {
        let p: Permission = n.parse().map_err(invalid)?;
        if !key_grantable(p) {
            return Err(invalid(format!(
                "{p} cannot be granted to an API key, only to staff"
            )));
        }
        out.insert(p);
    }
    if out.is_empty() {
        return Err(invalid("an API key needs at least one scope".into()));
    }
    Ok(out)
}

/// A key's name, trimmed: 1 to 100 characters without control characters (422 `invalid_name`).
pub fn check_key_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || crate::text::has_forbidden(name) {
        return Err(DomainError::invalid(
            "invalid_name",
            "name must be 1-100 characters without control characters",
        ));
    }
    Ok(name.to_string())
}

/// The first of `scopes` the caller does not hold, if any: a caller may create, rotate or
/// revoke a key only when this is None (else 403 naming it).
pub fn first_not_held(
    caller: &BTreeSet<Permission>,
    scopes: &BTreeSet<Permission>,
) -> Option<Permission> {
    scopes.iter().copied().find(|p| !caller.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn scopes_are_known_key_grantable_and_not_empty() {
        assert_eq!(check_scopes(None).unwrap(), default_key_scopes());
        let ask =
            |v: &[&str]| check_scopes(Some(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
        assert_eq!(
            ask(&["consent.validate", "audit.read"]).unwrap(),
            [ConsentValidate, AuditRead].into()
        );
        for bad in [
            &["consent.everything"][..],
            &["staff.manage"],
            &["roles.manage"],
            &["fiduciary.manage"],
            &[],
        ] {
            let e = ask(bad).unwrap_err();
            assert_eq!(e.code, "invalid_scopes", "{bad:?}");
        }
        assert_eq!(
            ask(&["staff.manage"]).unwrap_err().message,
            "staff.manage cannot be granted to an API key, only to staff"
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_key_name("  billing  ").unwrap(), "billing");
        assert_eq!(check_key_name(&"x".repeat(100)).unwrap().len(), 100);
        for bad in ["", "   ", &"x".repeat(101), "a\u{0}b", "a\u{202e}b"] {
            assert_eq!(
                check_key_name(bad).unwrap_err().code,
                "invalid_name",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_caller_gives_and_manages_only_what_it_holds() {
        let caller: BTreeSet<Permission> = [KeysManage, ConsentValidate].into();
        assert_eq!(first_not_held(&caller, &[ConsentValidate].into()), None);
        assert_eq!(
            first_not_held(&caller, &[ConsentValidate, PiiUnmask].into()),
            Some(PiiUnmask)
        );
        assert_eq!(first_not_held(&caller, &BTreeSet::new()), None);
    }
}
