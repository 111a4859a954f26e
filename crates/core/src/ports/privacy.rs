//! The privacy ports: what erasing a principal ([`crate::privacy::erasure`], [`PrivacyPort`])
//! and unmasking an artefact ([`crate::privacy::unmask`], [`UnmaskPort`]) need from storage.
//! Each method is one step the store carries out with SQL on its write transaction; which
//! steps run, what is recorded and what is announced is the use case's.

use super::{Recorder, StoreResult};
use crate::events::DomainEvent;
use crate::model::Artefact;
use uuid::Uuid;

/// A principal's personal data and the links to them, in one transaction. `principal_id` is
/// the fiduciary's id for them, in clear (the store finds their rows by its keyed pseudonym).
pub trait PrivacyPort: Recorder {
    /// Destroys the principal's data key (crypto-shredding: everything sealed under it reads
    /// `[erased]`) and their kept id; whether they had one.
    fn destroy_data_key(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<bool>;
    /// Removes the principal's rows from the consent index, so that validation answers
    /// `no_consent`; how many purposes that closed.
    fn close_consents(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<u64>;
    /// Deletes their contacts, pending sign-in codes and unsent messages.
    fn forget_contacts(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()>;
    /// Domain events keep what happened, no longer to whom.
    fn unlink_events(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()>;
    /// Moves their artefacts (and remembered answers to retried requests, whose sealed answer
    /// goes) to a random tombstone id, so no lookup by their id, or a token issued before,
    /// finds them; their expiries stop. How many artefacts.
    fn tombstone_artefacts(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<u64>;
    /// Replaces every sealed field naming them (as principal, or as someone's guardian) with
    /// the erasure marker. Called before [`PrivacyPort::tombstone_artefacts`], while their
    /// artefacts are still found by their pseudonym.
    fn scrub_sealed_fields(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()>;
    /// From now on no ledger filter by their id finds the entries up to `upto` (the entries
    /// keep their pseudonyms: the ledger is immutable). Kept even for a principal never seen.
    fn hide_ledger_upto(&mut self, fid: Uuid, principal_id: &str, upto: u64) -> StoreResult<()>;
    /// Writes a domain event to the event outbox in this transaction (`principal_id`: whom it
    /// is about, kept only as a pseudonym).
    fn emit_event(
        &mut self,
        fid: Uuid,
        principal_id: Option<&str>,
        event: &DomainEvent,
    ) -> StoreResult<()>;
}

/// What unmasking an artefact ([`crate::privacy::unmask`]) needs from storage: the artefact
/// with its sealed fields opened, and a place for the reason given.
pub trait UnmaskPort: Recorder {
    /// The latest version of an artefact of the fiduciary, its personal data opened (a field
    /// sealed under a destroyed data key, an erased guardian's say, reads `[erased]`). None: no
    /// such artefact, another fiduciary's, or its principal was erased (a read-only tombstone).
    fn opened_artefact(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Artefact>>;
    /// Keeps the reason given for the unmasking recorded at ledger position `idx` (the entry
    /// commits to its SHA-256; the text is kept beside it, in `unmask_reasons`).
    fn keep_reason(&mut self, idx: u64, reason: &str) -> StoreResult<()>;
}
