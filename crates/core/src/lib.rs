//! Anumodan's consent domain. Pure: no I/O, no async. Time comes in as a value.
//!
//! - [`model`]: data items, purposes, notices, consent artefacts.
//! - [`lifecycle`]: the rules of collection, update, renewal, withdrawal, expiry and validation.
//! - [`usecases`]: one function per use case, run inside a storage transaction ([`ports::Tx`]).
//! - [`audit`]: the ledger entries every action writes.
//! - [`authz`]: permissions, staff roles and API key scopes.
//! - [`mask`]: masking personal data on the way out.
//! - [`totp`]: RFC 6238 one-time passwords for staff sign-in.

pub mod audit;
pub mod authz;
pub mod clock;
pub mod error;
pub mod idempotency;
pub mod lang;
pub mod lifecycle;
pub mod mask;
pub mod model;
pub mod ports;
pub mod schema;
pub mod text;
pub mod totp;
pub mod usecases;

pub use error::{DomainError, ErrorKind};
pub use lang::Lang;
