//! Staff accounts, their passwords, custom roles and grants.

use crate::DomainError;
use crate::audit::Action;
use crate::authz::{BuiltinRole, Permission, Scope};
use crate::error::Result;
use crate::ports::StaffPort;
use crate::staff::signin::record;
use crate::staff::{CustomRole, RoleRef, StaffView, audit_fid, normalize_username};
use std::collections::BTreeSet;
use uuid::Uuid;

fn no_fiduciary() -> DomainError {
    DomainError::not_found("fiduciary_not_found", "no such fiduciary")
}

fn no_staff() -> DomainError {
    DomainError::not_found("staff_not_found", "no such staff member")
}

/// Creates a staff account with an already hashed password. `fiduciary` None: platform staff.
/// A `one_time` password must be replaced ([`change_password`]) before any role can be used.
pub fn create_staff<P: StaffPort + ?Sized>(
    p: &mut P,
    username: &str,
    fiduciary: Option<Uuid>,
    password_hash: &str,
    one_time: bool,
    initiator: &str,
) -> Result<StaffView> {
    let username = normalize_username(username)?;
    if let Some(f) = fiduciary
        && !p.fiduciary_exists(f)?
    {
        return Err(no_fiduciary().into());
    }
    if p.staff_by_username(&username)?.is_some() {
        return Err(DomainError::conflict("already_exists", "that username is taken").into());
    }
    let row = p.insert_staff(&username, fiduciary, password_hash, one_time, initiator)?;
    p.record(&record(
        Action::StaffCreated,
        fiduciary.unwrap_or(Uuid::nil()),
        "ok",
        initiator,
        None,
        Some(row.id),
    ))?;
    Ok(StaffView::from(&row))
}

/// Disables an account; its sessions end at once. Disabling a disabled account changes
/// nothing and records nothing.
pub fn disable_staff<P: StaffPort + ?Sized>(
    p: &mut P,
    id: Uuid,
    initiator: &str,
    source_ip: Option<&str>,
) -> Result<StaffView> {
    let Some(mut s) = p.staff_by_id(id)? else {
        return Err(no_staff().into());
    };
    if !s.disabled {
        p.disable_staff(&s)?;
        p.record(&record(
            Action::StaffDisabled,
            s.audit_fid(),
            "ok",
            initiator,
            source_ip,
            Some(s.id),
        ))?;
        s.disabled = true;
    }
    Ok(StaffView::from(&s))
}

/// Sets a staff member's own new password (already hashed); the account's other sessions end.
pub fn change_password<P: StaffPort + ?Sized>(
    p: &mut P,
    token_hash: &[u8; 32],
    new_hash: &str,
    source_ip: Option<&str>,
) -> Result<()> {
    let Some(sess) = p.session(token_hash)? else {
        return Err(DomainError::not_found("session_not_found", "no such session").into());
    };
    let s = sess.staff;
    p.set_password(&s, new_hash, token_hash)?;
    p.record(&record(
        Action::StaffPasswordChanged,
        s.audit_fid(),
        "ok",
        &s.initiator(),
        source_ip,
        Some(s.id),
    ))?;
    Ok(())
}

/// Whether a custom role's name is acceptable: 1-100 characters without control characters,
/// and not a builtin role's.
pub fn check_role_name(name: &str) -> std::result::Result<&str, DomainError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 100
        || crate::text::has_forbidden(name)
        || BuiltinRole::parse(&name.to_ascii_lowercase()).is_some()
    {
        return Err(DomainError::invalid(
            "invalid_role_name",
            "a role name has 1-100 characters without control characters and is not a builtin role's",
        ));
    }
    Ok(name)
}

/// Creates a custom role (the caller has checked the permissions and scope).
pub fn create_role<P: StaffPort + ?Sized>(
    p: &mut P,
    name: &str,
    scope: Scope,
    permissions: &BTreeSet<Permission>,
    initiator: &str,
    source_ip: Option<&str>,
) -> Result<CustomRole> {
    let name = check_role_name(name)?;
    if let Scope::Fiduciary(f) = scope
        && !p.fiduciary_exists(f)?
    {
        return Err(no_fiduciary().into());
    }
    if p.role_name_taken(scope, name)? {
        return Err(DomainError::conflict(
            "already_exists",
            "a role of that name exists in this scope",
        )
        .into());
    }
    let role = CustomRole {
        id: Uuid::now_v7(),
        name: name.to_string(),
        scope,
        permissions: permissions.clone(),
        created_at: p.time(),
    };
    p.insert_role(&role, initiator)?;
    p.record(&record(
        Action::RoleCreated,
        audit_fid(scope),
        "ok",
        initiator,
        source_ip,
        Some(role.id),
    ))?;
    Ok(role)
}

/// Grants (or, with `grant` false, revokes) a role to a staff member in a scope; recorded in
/// the access report's history and audited as `role.changed` (outcome `granted:<role>` or
/// `revoked:<role>`, the staff member's id as the entry's artefact).
pub fn change_role<P: StaffPort + ?Sized>(
    p: &mut P,
    staff: Uuid,
    role: RoleRef,
    scope: Scope,
    grant: bool,
    initiator: &str,
    source_ip: Option<&str>,
) -> Result<()> {
    let Some(s) = p.staff_by_id(staff)? else {
        return Err(no_staff().into());
    };
    if !p.set_grant(&s, role, scope, grant, initiator)? {
        return Err(if grant {
            DomainError::conflict(
                "already_granted",
                "the staff member already holds that role there",
            )
        } else {
            DomainError::not_found(
                "grant_not_found",
                "the staff member does not hold that role there",
            )
        }
        .into());
    }
    let change = if grant { "granted" } else { "revoked" };
    p.record_role_change(&s, role, scope, change, initiator)?;
    p.record(&record(
        Action::RoleChanged,
        audit_fid(scope),
        &format!("{change}:{}", role.key()),
        initiator,
        source_ip,
        Some(s.id),
    ))?;
    Ok(())
}
