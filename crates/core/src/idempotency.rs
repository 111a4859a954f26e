//! Safe retries. A write request may carry an `Idempotency-Key`: the first answer to a key is
//! remembered (sealed under the principal's data key) for [`WINDOW`], in the same transaction as
//! the change it answers. The same key with the same request (method, path and body, by SHA-256)
//! within the window returns that answer again and writes nothing; the same key with another
//! request is refused. Only successful answers are remembered: a refused request changed
//! nothing (beyond the record of the attempt), so repeating it asks again.
//!
//! Keys are scoped by caller (the API key, or the principal), so two callers can never see
//! each other's answers.

use crate::error::DomainError;
use crate::ports::{StoreResult, Tx};
use crate::usecases::Result;
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How long an answer is remembered.
pub const WINDOW: Duration = Duration::hours(24);
/// Longest key accepted (a UUID is 36).
pub const MAX_KEY_LEN: usize = 255;

/// A retry-safe request: the caller's key and the fingerprint of what was asked.
#[derive(Clone, Debug)]
pub struct Idempotency {
    pub key: String,
    /// Who asks (`fiduciary:<key id>`, or `principal:<principal id>`): keys are per caller.
    pub caller: String,
    /// SHA-256 of the request (method, path, body).
    pub fingerprint: [u8; 32],
}

/// What a store remembers of an answered key.
#[derive(Clone, Debug)]
pub struct Remembered {
    pub fingerprint: [u8; 32],
    pub created_at: OffsetDateTime,
    /// The answer, as JSON; None when it can no longer be opened (the principal was erased).
    pub response: Option<String>,
}

/// Checks a key's form: 1 to 255 visible ASCII characters.
pub fn check_key(key: &str) -> std::result::Result<(), DomainError> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DomainError::invalid(
            "invalid_idempotency_key",
            format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
        ));
    }
    Ok(())
}

/// What to do with a request, given what is remembered of its key.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Run it (a new key, or one whose answer has aged out of the window).
    Run,
    /// Answer as the first time.
    Replay,
    /// Refuse: the key was used for another request.
    Reused,
    /// Refuse: the first answer can no longer be given (its principal was erased).
    Gone,
}

pub fn decide(
    remembered: Option<&Remembered>,
    fingerprint: &[u8; 32],
    now: OffsetDateTime,
) -> Decision {
    match remembered {
        None => Decision::Run,
        Some(r) if now - r.created_at >= WINDOW => Decision::Run,
        Some(r) if r.fingerprint != *fingerprint => Decision::Reused,
        Some(r) if r.response.is_none() => Decision::Gone,
        Some(_) => Decision::Replay,
    }
}

/// Runs `f` at most once per key and request; returns its answer and whether it was replayed.
/// `owner` names the principal whose data the answer holds (it is sealed under their key).
pub fn run_once<T: Serialize + DeserializeOwned>(
    tx: &mut dyn Tx,
    fid: Uuid,
    idem: Option<&Idempotency>,
    owner: impl Fn(&T) -> String,
    f: impl FnOnce(&mut dyn Tx) -> Result<T>,
) -> Result<(T, bool)> {
    let Some(idem) = idem else {
        return Ok((f(tx)?, false));
    };
    let remembered = tx.remembered(fid, &idem.caller, &idem.key)?;
    match decide(remembered.as_ref(), &idem.fingerprint, tx.now()) {
        Decision::Run => {}
        Decision::Replay => {
            let text = remembered.and_then(|r| r.response).unwrap_or_default();
            let t = serde_json::from_str(&text).map_err(|e| {
                crate::ports::StoreError::corrupt(format!("remembered answer: {e}"))
            })?;
            return Ok((t, true));
        }
        Decision::Reused => {
            return Err(DomainError::invalid(
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request; use a new key",
            )
            .into());
        }
        Decision::Gone => {
            return Err(DomainError::conflict(
                "idempotency_answer_erased",
                "the request was answered, but its answer held personal data that has since been erased",
            )
            .into());
        }
    }
    let t = f(tx)?;
    let json = serde_json::to_string(&t)
        .map_err(|e| crate::ports::StoreError::internal(format!("answer to remember: {e}")))?;
    tx.remember(fid, idem, &owner(&t), &json)?;
    Ok((t, false))
}

/// The storage side, part of [`Tx`].
pub trait IdempotencyStore {
    fn remembered(&mut self, fid: Uuid, caller: &str, key: &str)
    -> StoreResult<Option<Remembered>>;
    /// Records (or replaces an aged-out record of) the answer to `idem`, sealed under the
    /// data key of the principal `owner`.
    fn remember(
        &mut self,
        fid: Uuid,
        idem: &Idempotency,
        owner: &str,
        response: &str,
    ) -> StoreResult<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn decisions() {
        let fp = [1u8; 32];
        let r = Remembered {
            fingerprint: fp,
            created_at: at(0),
            response: Some("{}".into()),
        };
        assert_eq!(decide(None, &fp, at(0)), Decision::Run);
        assert_eq!(decide(Some(&r), &fp, at(10)), Decision::Replay);
        assert_eq!(decide(Some(&r), &[2u8; 32], at(10)), Decision::Reused);
        let day = WINDOW.whole_seconds();
        assert_eq!(decide(Some(&r), &fp, at(day - 1)), Decision::Replay);
        assert_eq!(decide(Some(&r), &[2u8; 32], at(day)), Decision::Run);
        let erased = Remembered {
            response: None,
            ..r
        };
        assert_eq!(decide(Some(&erased), &fp, at(10)), Decision::Gone);
    }

    #[test]
    fn keys() {
        assert!(check_key("0b6d1c1e-5f0e-4d0c-9d55-2f3f1b9a7c11").is_ok());
        assert!(check_key(&"k".repeat(MAX_KEY_LEN)).is_ok());
        for bad in ["", " ", "a b", "é", &"k".repeat(MAX_KEY_LEN + 1)] {
            assert_eq!(check_key(bad).unwrap_err().code, "invalid_idempotency_key");
        }
    }
}
