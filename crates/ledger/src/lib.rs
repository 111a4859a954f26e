//! Transparency-log toolkit for Anumodan.
//!
//! This crate knows nothing about consent: leaf data are opaque bytes. It provides
//!
//! - [`merkle`]: the RFC 9162 Merkle tree with SHA-256 (hashing, a streaming [`merkle::Frontier`],
//!   inclusion and consistency proofs over a storage abstraction, and proof verification);
//! - [`note`]: C2SP signed notes with Ed25519 keys;
//! - [`checkpoint`]: C2SP tlog checkpoints (the signed tree heads of the log);
//! - [`verify`]: the streaming offline verifier of a whole log against its signed checkpoints;
//! - [`export`]: the on-disk export format of a log and its verification.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checkpoint;
pub mod export;
pub mod merkle;
pub mod note;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointError, open_checkpoint, sign_checkpoint};
pub use merkle::{Frontier, Hash};
pub use note::{NoteError, NoteSigner, NoteVerifier};
pub use verify::{LogEntry, Report, Verifier, VerifyFailure};
