//! Managing a fiduciary's API keys: create, list, rotate and revoke, over [`KeysPort`].
//!
//! Who may do what is decided here: the caller holds `keys.manage`; it gives a key only scopes
//! it holds itself (else 403), and rotates or revokes only its own fiduciary's live keys (else
//! 404 `key_not_found`, as for a key that never existed) holding no scope it lacks (else 403).
//! Each change is one ledger entry naming the key and the caller; a refusal records nothing.

use super::{check_key_name, check_scopes, first_not_held};
use crate::DomainError;
use crate::audit::{Action, AuditRecord};
use crate::authz::{Permission, key_grantable};
use crate::error::Result;
use crate::ports::{KeysPort, LiveKey};
use crate::usecases::Actor;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Prefix of every API key, so leaked keys are easy to recognise (secret scanners, logs).
pub const KEY_PREFIX: &str = "anm_";

/// SHA-256 of an API key, the form in which keys are stored and looked up. Keys are 256-bit
/// random values, so a fast hash is enough (no password stretching needed).
pub fn key_hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Parses stored scopes (space-separated permission names); unknown names are dropped.
pub fn parse_scopes(s: &str) -> BTreeSet<Permission> {
    s.split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Scopes as stored: permission names separated by spaces.
pub fn scopes_text(scopes: &BTreeSet<Permission>) -> String {
    scopes
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A new API key: the secret is shown once and only its SHA-256 is stored.
#[derive(Clone, serde::Serialize)]
pub struct NewApiKey {
    pub id: Uuid,
    pub name: String,
    pub scopes: BTreeSet<Permission>,
    pub api_key: String,
}

impl std::fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("api_key", &crate::staff::REDACTED)
            .finish()
    }
}

/// An API key as listed (never its secret).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApiKeyInfo {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    #[schema(value_type = Vec<String>)]
    pub scopes: BTreeSet<Permission>,
    /// Who made it: `cli`, `fiduciary:<key id>` or `staff:<staff id>`.
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<time::OffsetDateTime>,
}

/// Who manages keys: the actor (named in the ledger) and the scopes it holds (an API key's
/// scopes, or a staff member's permissions at the fiduciary).
#[derive(Clone, Copy, Debug)]
pub struct Manager<'a> {
    pub actor: &'a Actor,
    pub scopes: &'a BTreeSet<Permission>,
}

impl Manager<'_> {
    fn require(&self, p: Permission) -> Result<()> {
        if self.scopes.contains(&p) {
            return Ok(());
        }
        Err(DomainError::forbidden(format!("this API key lacks the scope {p} needed here")).into())
    }
    fn ledger(&self, action: Action, key: Uuid) -> AuditRecord {
        AuditRecord::admin(
            action,
            self.actor.fiduciary_id,
            key.to_string(),
            &self.actor.initiator,
        )
    }
}

/// 404 `key_not_found`: no such live key of the caller's fiduciary.
pub fn no_key() -> DomainError {
    DomainError::not_found("key_not_found", "no such live API key")
}

/// The scopes of a fiduciary's first key: every scope a key can hold, a root credential for
/// the fiduciary's administrators, from which narrower keys are made.
pub fn root_scopes() -> BTreeSet<Permission> {
    Permission::ALL
        .iter()
        .copied()
        .filter(|p| key_grantable(*p))
        .collect()
}

/// Issues a fiduciary's first key, `default`, with [`root_scopes`] (no caller to check: the
/// fiduciary is being registered by `initiator`).
pub fn issue_root_key<P: KeysPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    initiator: &str,
) -> Result<NewApiKey> {
    issue(p, fid, "default", root_scopes(), initiator)
}

fn issue<P: KeysPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    name: &str,
    scopes: BTreeSet<Permission>,
    initiator: &str,
) -> Result<NewApiKey> {
    let name = check_key_name(name)?;
    let (id, api_key) = p.insert_key(fid, &name, &scopes, initiator)?;
    p.record(&AuditRecord::admin(
        Action::ApiKeyCreated,
        fid,
        id.to_string(),
        initiator,
    ))?;
    Ok(NewApiKey {
        id,
        name,
        scopes,
        api_key,
    })
}

/// Creates a key for the caller's fiduciary. Scopes are checked first (422 `invalid_scopes`;
/// none asked: the defaults), then that the caller holds each (403), then the name (422
/// `invalid_name`). Recorded as `api_key.created` with the new key's id.
pub fn create_key<P: KeysPort + ?Sized>(
    p: &mut P,
    by: Manager<'_>,
    name: &str,
    scopes: Option<&[String]>,
) -> Result<NewApiKey> {
    by.require(Permission::KeysManage)?;
    let scopes = check_scopes(scopes)?;
    if let Some(s) = first_not_held(by.scopes, &scopes) {
        return Err(DomainError::forbidden(format!(
            "a key cannot grant {s}, which it does not hold itself"
        ))
        .into());
    }
    let name = check_key_name(name)?;
    issue(p, by.actor.fiduciary_id, &name, scopes, &by.actor.initiator)
}

/// Every key of the caller's fiduciary, revoked ones included, without secrets.
pub fn list_keys<P: KeysPort + ?Sized>(p: &mut P, by: Manager<'_>) -> Result<Vec<ApiKeyInfo>> {
    by.require(Permission::KeysManage)?;
    Ok(p.all_keys(by.actor.fiduciary_id)?)
}

/// The live key the caller may manage: its own fiduciary's (else 404), with no scope the
/// caller lacks (else 403: a narrow key could take over, or lock out, a broader one).
fn managed<P: KeysPort + ?Sized>(p: &mut P, by: Manager<'_>, key: Uuid) -> Result<LiveKey> {
    by.require(Permission::KeysManage)?;
    let target = p.live_key(by.actor.fiduciary_id, key)?.ok_or_else(no_key)?;
    if let Some(s) = first_not_held(by.scopes, &target.scopes) {
        return Err(DomainError::forbidden(format!(
            "this key cannot manage a key holding {s}, which it does not hold itself"
        ))
        .into());
    }
    Ok(target)
}

/// Gives a live key a new secret: same id, name and scopes; the old secret stops working at
/// once (for an overlap, create a second key and revoke the first when it is no longer used).
/// Recorded as `api_key.rotated`.
pub fn rotate_key<P: KeysPort + ?Sized>(
    p: &mut P,
    by: Manager<'_>,
    key: Uuid,
) -> Result<NewApiKey> {
    let target = managed(p, by, key)?;
    let api_key = p.replace_secret(by.actor.fiduciary_id, key)?;
    p.record(&by.ledger(Action::ApiKeyRotated, key))?;
    Ok(NewApiKey {
        id: key,
        name: target.name,
        scopes: target.scopes,
        api_key,
    })
}

/// Revokes a live key at once (it stays listed, with its revocation time). A key already
/// revoked is 404 `key_not_found`, like an unknown one; a key may revoke itself. Recorded as
/// `api_key.revoked`.
pub fn revoke_key<P: KeysPort + ?Sized>(p: &mut P, by: Manager<'_>, key: Uuid) -> Result<()> {
    managed(p, by, key)?;
    p.revoke_key(by.actor.fiduciary_id, key)?;
    p.record(&by.ledger(Action::ApiKeyRevoked, key))?;
    Ok(())
}
