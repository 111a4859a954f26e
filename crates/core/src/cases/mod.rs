//! Grievances and data principal rights (BRD 4.3.3 and 4.5; DPDP Act ss.11-14): one case
//! engine with reference numbers, a fixed workflow, deadlines that escalate on their own, and
//! every action in the ledger. See `docs/cases.md`.
//!
//! - [`model`]: cases, statuses, settings, nominations.
//! - [`workflow`]: the pure rules (transitions, categorisation, clocks, references, checks).
//! - [`usecases`]: filing, working, escalating, feedback, reopening, attachments, nominations.
//! - [`access`]: the summary a principal receives for an access request (s.11).

pub mod access;
pub mod model;
pub mod usecases;
pub mod workflow;

pub use model::*;
