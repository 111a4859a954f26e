//! Anumodan's storage, on the embedded SQLite database or on PostgreSQL (one SQL for both:
//! [`db`]). The store implements the domain's [`Tx`] port with group commit and keeps the
//! tamper-evident audit ledger (Merkle tree + signed checkpoints); [`pg`] holds what only
//! PostgreSQL needs to serve several nodes.
//!
//! [`Tx`]: anumodan_core::ports::Tx

pub mod admin;
pub mod db;
pub mod keys;
pub mod perms;
pub mod pg;
pub mod ports;
pub mod principal;
pub mod read;
mod schema;
pub mod sqlite;
pub mod staff;
pub mod vault;
pub mod verify;

pub use ports::Reads;
pub use read::{AuditFilter, KeyAuth, Reader, StoredCheckpoint};
pub use sqlite::{Store, StoreConfig, WriteTx};
