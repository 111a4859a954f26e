//! What the use cases need from storage, one trait per area. A backend implements each over its
//! write transaction, so a change and its audit entries commit together or not at all.
//!
//! - [`consent`]: [`Tx`], the catalogue, notices, artefacts and the consent index.
//! - [`staff`]: [`StaffPort`] (and [`StaffReads`], its read-only part), staff accounts,
//!   sign-in throttles, sessions, the second factor and roles.
//! - [`principal`]: [`PrincipalPort`], principals' contacts, sign-in codes and their failure
//!   counts, the message outbox and principal tokens.
//! - [`privacy`]: [`PrivacyPort`], the steps of erasing a principal, and [`UnmaskPort`],
//!   an artefact's opened personal data and the reasons given for unmasking it.
//! - [`retention`]: [`RetentionPort`], floors, category policies, legal holds and erasure
//!   plans.
//! - [`keys`]: [`KeysPort`], a fiduciary's API keys.
//! - [`cases`]: [`CasePort`], grievances, rights requests, attachments and nominations.
//! - [`notify`]: [`NotifyPort`], processors, webhook endpoints, alerts, the principal's inbox,
//!   deliveries, notification settings and templates.
//!
//! The ports other than [`Tx`] share [`Recorder`]: the transaction's time and the ledger.
//!
//! Every port method fails with a [`StoreError`], whose [`StoreErrorKind`] says what went wrong
//! so that "not found" and "the database is down" are never confused.

pub mod cases;
pub mod consent;
pub mod keys;
pub mod notify;
pub mod principal;
pub mod privacy;
pub mod retention;
pub mod staff;

pub use cases::CasePort;
pub use consent::{IndexedConsent, Tx};
pub use keys::{KeysPort, LiveKey};
pub use notify::NotifyPort;
pub use principal::{OfferedCode, PrincipalPort};
pub use privacy::{PrivacyPort, UnmaskPort};
pub use retention::RetentionPort;
pub use staff::{StaffPort, StaffReads};

use crate::audit::AuditRecord;
use std::fmt;
use time::OffsetDateTime;

/// The transaction's time and its ledger, for the per-area ports (the consent port [`Tx`] has
/// its own `now` and `append_audit`).
pub trait Recorder {
    /// The time of this transaction (from the deployment's clock).
    fn time(&self) -> OffsetDateTime;
    /// Appends an audit entry in this transaction; returns its ledger position.
    fn record(&mut self, entry: &AuditRecord) -> StoreResult<u64>;
}

/// What kind of storage failure. The HTTP layer maps each kind once (`server::error`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreErrorKind {
    /// The database cannot be reached or cannot take the work now (down, restarting, out of
    /// connections, disk full, the writer stopped). Nothing was committed; a retry may succeed.
    Unavailable,
    /// A concurrent change won (a unique key taken meanwhile, a serialisation failure).
    /// Nothing was committed; a retry sees the other change.
    Conflict,
    /// A row the operation needs does not exist (and the port has no `Option` to say so).
    NotFound,
    /// Stored data does not read back as written (malformed JSON, a hash of the wrong length,
    /// a sealed value that does not open).
    Corrupt,
    /// Anything else: a bug, a poisoned lock, a statement the database refused.
    Internal,
}

impl StoreErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreErrorKind::Unavailable => "unavailable",
            StoreErrorKind::Conflict => "conflict",
            StoreErrorKind::NotFound => "not_found",
            StoreErrorKind::Corrupt => "corrupt",
            StoreErrorKind::Internal => "internal",
        }
    }
}

/// A storage failure: its kind and a message for logs only (it never carries personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub kind: StoreErrorKind,
    pub message: String,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage ({}): {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> Self {
        StoreError {
            kind,
            message: message.into(),
        }
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StoreErrorKind::Unavailable, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StoreErrorKind::Conflict, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StoreErrorKind::NotFound, message)
    }
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new(StoreErrorKind::Corrupt, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StoreErrorKind::Internal, message)
    }
    pub fn is_not_found(&self) -> bool {
        self.kind == StoreErrorKind::NotFound
    }
    /// The same error with `context` in front of its message (the kind is kept).
    pub fn context(self, context: impl fmt::Display) -> Self {
        StoreError {
            kind: self.kind,
            message: format!("{context}: {}", self.message),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// `Option` for a port result whose "no such row" is a [`StoreErrorKind::NotFound`] error:
/// `Ok(None)` for that kind only, every other failure stays an error.
pub trait NotFoundExt<T> {
    fn found(self) -> StoreResult<Option<T>>;
}

impl<T> NotFoundExt<T> for StoreResult<T> {
    fn found(self) -> StoreResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_not_found_reads_as_absent() {
        let absent: StoreResult<i64> = Err(StoreError::not_found("fiduciary x"));
        assert_eq!(absent.found(), Ok(None));
        for e in [
            StoreError::unavailable("down"),
            StoreError::conflict("raced"),
            StoreError::corrupt("bad json"),
            StoreError::internal("bug"),
        ] {
            let r: StoreResult<i64> = Err(e.clone());
            assert_eq!(r.found(), Err(e));
        }
        assert_eq!(Ok::<i64, StoreError>(3).found(), Ok(Some(3)));
    }

    #[test]
    fn messages_name_the_kind_and_keep_the_storage_prefix() {
        let e = StoreError::unavailable("PostgreSQL: connection closed").context("sign-in");
        assert_eq!(e.kind, StoreErrorKind::Unavailable);
        assert_eq!(
            e.to_string(),
            "storage (unavailable): sign-in: PostgreSQL: connection closed"
        );
    }
}
