//! Store-level administration that is not a consent use case: fiduciaries and their API keys.

use crate::sqlite::{SqliteTx, db_err, ms};
use anumodan_core::audit::{Action, AuditRecord};
use anumodan_core::model::Fiduciary;
use anumodan_core::ports::{StoreError, StoreResult, Tx};
use base64::Engine;
use rand::RngCore;
use rusqlite::params;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Prefix of every API key, so leaked keys are easy to recognise (secret scanners, logs).
pub const KEY_PREFIX: &str = "anm_";

/// A new API key: the secret is shown once and only its SHA-256 is stored.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NewApiKey {
    pub id: Uuid,
    pub name: String,
    pub api_key: String,
}

/// SHA-256 of an API key, the form in which keys are stored and looked up. Keys are 256-bit
/// random values, so a fast hash is enough (no password stretching needed).
pub fn key_hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn record(fid: Uuid, action: Action, outcome: String, initiator: &str) -> AuditRecord {
    AuditRecord {
        action,
        fiduciary_id: fid,
        principal_id: None,
        purpose: None,
        status: None,
        outcome,
        initiator: initiator.to_string(),
        source_ip: None,
        artefact_id: None,
        artefact_version: None,
    }
}

/// Registers a fiduciary with a first API key.
pub fn create_fiduciary(
    tx: &mut SqliteTx<'_>,
    name: &str,
    initiator: &str,
) -> StoreResult<(Fiduciary, NewApiKey)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(StoreError(
            "a fiduciary name must be 1-200 characters without control characters".into(),
        ));
    }
    let f = Fiduciary {
        id: Uuid::now_v7(),
        name: name.to_string(),
        created_at: tx.now(),
    };
    tx.conn()
        .execute(
            "INSERT INTO fiduciaries (uuid, name, created_at) VALUES (?1, ?2, ?3)",
            params![f.id.to_string(), f.name, ms(f.created_at)],
        )
        .map_err(db_err)?;
    tx.append_audit(&record(
        f.id,
        Action::FiduciaryCreated,
        "ok".into(),
        initiator,
    ))?;
    let key = create_api_key(tx, f.id, "default", initiator)?;
    Ok((f, key))
}

/// Issues a new API key for a fiduciary.
pub fn create_api_key(
    tx: &mut SqliteTx<'_>,
    fid: Uuid,
    name: &str,
    initiator: &str,
) -> StoreResult<NewApiKey> {
    let f = tx.fid(fid)?;
    let secret = new_secret();
    let id = Uuid::now_v7();
    tx.conn()
        .execute(
            "INSERT INTO api_keys (uuid, fiduciary, name, key_hash, prefix, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id.to_string(),
                f,
                name,
                &key_hash(&secret)[..],
                &secret[..10],
                ms(tx.now())
            ],
        )
        .map_err(db_err)?;
    tx.append_audit(&record(
        fid,
        Action::ApiKeyCreated,
        id.to_string(),
        initiator,
    ))?;
    Ok(NewApiKey {
        id,
        name: name.to_string(),
        api_key: secret,
    })
}
