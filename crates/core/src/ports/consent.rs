//! The consent port: what the consent use cases ([`crate::usecases`]) need from storage. A
//! backend implements [`Tx`] over one transaction, so a change, its audit entries (and later its
//! outbox events) commit together or not at all.

use super::StoreResult;
use crate::audit::AuditRecord;
use crate::model::*;
use time::OffsetDateTime;
use uuid::Uuid;

/// The current state of one (principal, purpose) pair, as kept in the consent index.
#[derive(Clone, Debug)]
pub struct IndexedConsent {
    pub artefact_id: Uuid,
    pub version: u32,
    pub state: PurposeState,
    /// The notice and version the purpose is held under (None on rows indexed before the index
    /// kept them: then read from the artefact).
    pub notice_id: Option<Uuid>,
    pub notice_version: Option<u32>,
}

/// One transaction. All methods are scoped by fiduciary: a backend never returns another
/// fiduciary's rows.
pub trait Tx: crate::idempotency::IdempotencyStore {
    /// The time of this transaction (from the deployment's clock).
    fn now(&self) -> OffsetDateTime;

    fn data_item(&mut self, fid: Uuid, code: &str) -> StoreResult<Option<DataItem>>;
    fn insert_data_item(&mut self, fid: Uuid, item: &DataItem) -> StoreResult<()>;

    fn purpose(&mut self, fid: Uuid, code: &str) -> StoreResult<Option<Purpose>>;
    fn insert_purpose(&mut self, fid: Uuid, purpose: &Purpose) -> StoreResult<()>;

    fn notice(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Notice>>;
    fn notice_code_taken(&mut self, fid: Uuid, code: &str) -> StoreResult<bool>;
    /// Inserts or replaces the notice draft row.
    fn save_notice(&mut self, fid: Uuid, notice: &Notice) -> StoreResult<()>;
    fn notice_version(
        &mut self,
        fid: Uuid,
        id: Uuid,
        version: u32,
    ) -> StoreResult<Option<NoticeVersion>>;
    fn insert_notice_version(&mut self, fid: Uuid, v: &NoticeVersion) -> StoreResult<()>;
    /// The notice's standing re-consent requirement, if any (one indexed read: validation
    /// asks it).
    fn reconsent(&mut self, fid: Uuid, notice: Uuid) -> StoreResult<Option<Reconsent>>;
    fn set_reconsent(&mut self, fid: Uuid, notice: Uuid, r: &Reconsent) -> StoreResult<()>;

    /// The latest version of an artefact.
    fn artefact(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Artefact>>;
    /// Appends a version, and points the consent index of exactly the purposes in `index` at it
    /// (the use case decides which: those the principal decided in this action, see
    /// `usecases::index_targets`). Every other purpose's index row is left as it is.
    /// Returns the SHA-256 (hex) of the version as stored, which its ledger entries commit to.
    fn insert_artefact(&mut self, artefact: &Artefact, index: &[String]) -> StoreResult<String>;
    /// The latest decision of a principal on a purpose (from an index, never a scan).
    fn consent_state(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        purpose: &str,
    ) -> StoreResult<Option<IndexedConsent>>;
    /// Artefacts with an active purpose whose expiry is at or before `now`, oldest first.
    fn due_expiries(&mut self, now: OffsetDateTime, limit: usize)
    -> StoreResult<Vec<(Uuid, Uuid)>>;

    /// The fiduciary's id for the principal with this pseudonym (how a principal token names
    /// them); None when it is unknown or erased.
    fn principal_of(&mut self, fid: Uuid, pseudonym: &[u8]) -> StoreResult<Option<String>>;

    /// The ledger position the next `append_audit` in this transaction takes.
    fn next_audit_index(&self) -> u64;
    /// Appends an audit entry in this transaction; returns its ledger position (log id).
    fn append_audit(&mut self, record: &AuditRecord) -> StoreResult<u64>;

    /// Whether the fiduciary asked for a `validation_refused` event on each refused validation
    /// (its notification settings; off by default).
    fn wants_refusal_events(&mut self, fid: Uuid) -> StoreResult<bool>;

    /// Writes a domain event to the event outbox in this transaction: it commits with the change
    /// it reports, or not at all. `principal_id` (clear) is kept only as the store's keyed
    /// pseudonym beside the event.
    fn emit(
        &mut self,
        fid: Uuid,
        principal_id: Option<&str>,
        event: &crate::events::DomainEvent,
    ) -> StoreResult<()>;
}
