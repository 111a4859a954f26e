//! Anumodan's consent domain. Pure: no I/O, no async. Time comes in as a value.
//!
//! - [`model`]: data items, purposes, notices, consent artefacts.
//! - [`lifecycle`]: the rules of collection, update, renewal, withdrawal, expiry and validation.
//! - [`usecases`]: one function per use case, run inside a storage transaction ([`ports::Tx`]).
//! - [`audit`]: the ledger entries every action writes.
//! - [`events`]: the domain events use cases emit into the outbox with their change.
//! - [`authz`]: permissions, staff roles and API key scopes.
//! - [`mask`]: masking personal data on the way out.
//! - [`notify`]: notification templates in English and the 22 languages of the Eighth Schedule.
//! - [`keys`]: API key scopes and names, and who may manage which key.
//! - [`privacy`]: unmasking with a reason, and its ledger entry.
//! - [`retention`]: the retention engine: erasure when nothing needs the data, its 48-hour
//!   notice, legal holds and the floors of retention policies.
//! - [`principal`]: the policy of principal sign-in by one-time code.
//! - [`staff`]: staff sign-in, lock-out, sessions, accounts and roles, over [`ports::StaffPort`].
//! - [`totp`]: RFC 6238 one-time passwords for staff sign-in.
//! - [`notify`]: notifications to principals, webhooks, processor alerts and their escalation.
//! - [`ports`]: what the use cases need from storage, one trait per area, and [`ports::StoreError`].

pub mod audit;
pub mod authz;
pub mod cases;
pub mod clock;
pub mod consent_page;
pub mod cookies;
pub mod error;
pub mod events;
pub mod export;
pub mod idempotency;
pub mod keys;
pub mod lang;
pub mod lifecycle;
pub mod mask;
pub mod model;
pub mod notify;
pub mod ports;
pub mod principal;
pub mod privacy;
pub mod report;
pub mod retention;
pub mod schema;
pub mod staff;
pub mod text;
pub mod totp;
pub mod usecases;

pub use error::{DomainError, Error, ErrorKind, Result};
pub use lang::Lang;
