//! Anumodan's storage, on the embedded SQLite database or on PostgreSQL (one SQL for both:
//! [`db`]). The store implements the domain's [`Tx`] port with group commit and keeps the
//! tamper-evident audit ledger (Merkle tree + signed checkpoints); `backend/` holds what only
//! one database needs (PostgreSQL: serving several nodes).
//!
//! [`Tx`]: anumodan_core::ports::Tx

pub mod admin;
pub mod backend;
pub mod cases;
mod consent;
pub mod consent_page;
pub(crate) mod conv;
pub mod cookies;
pub mod db;
pub mod events;
mod facade;
mod idempotency;
pub mod keys;
mod ledger;
pub mod metrics;
pub mod notify;
pub mod perms;
pub mod ports;
pub mod principal;
mod principal_index;
mod privacy;
pub mod read;
pub mod report;
pub mod retention;
mod schema;
pub mod staff;
mod tx;
pub mod vault;
pub mod verify;
mod writer;

pub use backend::pg;
pub use backend::sqlite::used_bytes;
pub use facade::{Store, StoreConfig};
pub use idempotency::purge_idempotency;
pub use ports::Reads;
pub use principal_index::INDEX_FILE;
pub use read::{AuditFilter, KeyAuth, Reader, StoredCheckpoint};
pub use tx::WriteTx;
pub use writer::Signals;
