//! The principal port: what principal sign-in ([`crate::principal`]) needs from storage. The
//! store implements it with SQL on its write transaction; `crate::principal`'s tests on an
//! in-memory fake.
//!
//! Contacts cross it normalised and in clear (`+919876543210`, `ravi@example.in`) and client
//! addresses as given: the store finds them only through keyed hashes it makes itself (a
//! contact's blind index, an address's key per contact), and seals what it keeps. The code's
//! secret is made by the store (randomness is I/O) and shown once; a code offered back is
//! compared by the store, in constant time, with the keyed hash it kept.

use super::{Recorder, StoreResult};
use crate::audit::AuditRecord;
use crate::principal::{AddressFailures, Code, Issued, Pseudonym};
use time::OffsetDateTime;
use uuid::Uuid;

/// A live code as found for a contact, with what the store alone can tell about the one offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfferedCode {
    /// Its expiry and tries.
    pub code: Code,
    /// The principal the contact belongs to.
    pub owner: Pseudonym,
    /// Whether the address offering it is the one that asked for it (None: the code is from
    /// before addresses were recorded).
    pub asked_here: Option<bool>,
    /// Whether the code offered is the right one (compared in constant time).
    pub matches: bool,
}

/// Contacts, sign-in codes, their failure counts, the message outbox and principal tokens, in
/// one transaction. `contact` is always normalised (`crate::principal::normalise`).
pub trait PrincipalPort: Recorder {
    /// Whether the fiduciary exists.
    fn fiduciary_exists(&mut self, fid: Uuid) -> StoreResult<bool>;
    /// The pseudonym of a principal of `fid` (how tokens, the ledger and contacts name them).
    fn pseudonym(&mut self, fid: Uuid, principal_id: &str) -> Pseudonym;
    /// Keeps the principal's id on their row (sealed), so that with a token they can act under
    /// it.
    fn remember_identity(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()>;
    /// Signs a principal token for `principal` of `fid`, good until `expires_at`.
    fn sign_token(
        &mut self,
        fid: Uuid,
        principal: &Pseudonym,
        expires_at: OffsetDateTime,
    ) -> StoreResult<String>;

    /// Records `contact` (of `kind`: `mobile` or `email`) as the principal's, verified now:
    /// kept sealed, found by a keyed blind index; a contact declared for another principal
    /// moves to this one. The principal's id is remembered too.
    fn save_contact(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        kind: &str,
        contact: &str,
    ) -> StoreResult<()>;
    /// The principal a contact belongs to, if it is known.
    fn contact_owner(&mut self, fid: Uuid, contact: &str) -> StoreResult<Option<Pseudonym>>;

    /// The contact's current (or last) code, as far as issuing another is concerned.
    fn last_code(&mut self, fid: Uuid, contact: &str) -> StoreResult<Option<Issued>>;
    /// Makes a fresh six-digit code for the contact, replacing any earlier one (its tries start
    /// again at zero), kept as a keyed hash with its expiry, the counting window, and the
    /// address that asked; returns it in clear, once.
    fn issue_code(
        &mut self,
        fid: Uuid,
        contact: &str,
        asked_from: Option<&str>,
        expires_at: i64,
        window: (i64, i64),
    ) -> StoreResult<String>;
    /// The contact's code (with its owner), and whether `given` is it, as offered from `ip`.
    /// None when the contact has no code.
    fn offered_code(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
        given: &str,
    ) -> StoreResult<Option<OfferedCode>>;
    /// Counts one refused try on the contact's code: against its own tries (`own`, the asking
    /// address) or the others'; `void` ends the code.
    fn count_try(&mut self, fid: Uuid, contact: &str, own: bool, void: bool) -> StoreResult<()>;
    /// The code is used: it is void and its tries start again.
    fn use_code(&mut self, fid: Uuid, contact: &str) -> StoreResult<()>;

    /// The failures of one client address on one contact (zero when none, or forgotten).
    fn address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
    ) -> StoreResult<AddressFailures>;
    /// Stores them (touched now).
    fn save_address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
        failures: &AddressFailures,
    ) -> StoreResult<()>;
    fn clear_address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
    ) -> StoreResult<()>;

    /// Queues a message to the principal in the outbox, in this transaction (sealed under
    /// their data key); returns its id.
    fn queue_message(
        &mut self,
        fid: Uuid,
        to: &Pseudonym,
        channel: &str,
        destination: &str,
        body: &str,
    ) -> StoreResult<i64>;

    /// Appends a ledger entry about a principal known only by pseudonym (`entry.principal_id`
    /// is then None); returns its position.
    fn record_for(&mut self, entry: &AuditRecord, principal: &Pseudonym) -> StoreResult<u64>;
}
