//! The keys port: what API key administration ([`crate::keys`]) needs from storage. The store
//! implements it with SQL on its write transaction; `crate::keys`'s tests on an in-memory fake.
//!
//! A key's secret is made by the store (randomness is I/O) and returned once, in clear; only
//! its SHA-256 ([`crate::keys::key_hash`]) and its first characters are kept.

use super::{Recorder, StoreResult};
use crate::authz::Permission;
use crate::keys::ApiKeyInfo;
use std::collections::BTreeSet;
use uuid::Uuid;

/// A live key of a fiduciary, as far as managing it is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveKey {
    pub name: String,
    pub scopes: BTreeSet<Permission>,
}

/// A fiduciary's API keys, in one transaction. Every method is scoped to the fiduciary `fid`:
/// another fiduciary's key is as unknown as one that does not exist.
pub trait KeysPort: Recorder {
    /// Every key of the fiduciary, revoked ones included, oldest first (never the secrets).
    fn all_keys(&mut self, fid: Uuid) -> StoreResult<Vec<ApiKeyInfo>>;
    /// A key of the fiduciary that is not revoked (None: no such key, revoked, or another
    /// fiduciary's).
    fn live_key(&mut self, fid: Uuid, key: Uuid) -> StoreResult<Option<LiveKey>>;
    /// Stores a new key with a fresh secret (`anm_` and 256 random bits), made now by
    /// `created_by`; returns its id and the secret, once. A fiduciary that does not exist is a
    /// not-found error.
    fn insert_key(
        &mut self,
        fid: Uuid,
        name: &str,
        scopes: &BTreeSet<Permission>,
        created_by: &str,
    ) -> StoreResult<(Uuid, String)>;
    /// Gives a live key a fresh secret (the old one stops working); returns it, once.
    fn replace_secret(&mut self, fid: Uuid, key: Uuid) -> StoreResult<String>;
    /// Revokes a live key now.
    fn revoke_key(&mut self, fid: Uuid, key: Uuid) -> StoreResult<()>;
}
