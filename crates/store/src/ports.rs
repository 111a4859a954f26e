//! What the HTTP layer reads from a store. A backend implements [`Reads`] over a read-only
//! connection (or snapshot); writes go through the domain's [`anumodan_core::ports::Tx`].
//! Together they are the whole storage interface: a PostgreSQL backend implements both and the
//! domain and HTTP layer stay as they are.

use crate::read::{AuditFilter, KeyAuth, StoredCheckpoint};
use anumodan_core::audit::AuditEntry;
use anumodan_core::model::*;
use anumodan_core::ports::StoreResult;
use anumodan_ledger::merkle::Hash;
use uuid::Uuid;

/// One artefact whose re-consent is pending.
#[derive(Clone, Debug)]
pub struct PendingReconsent {
    pub artefact: Artefact,
    /// The purposes held under an older version, with the version each is held under.
    pub purposes: Vec<(String, u32)>,
}

/// Read-only queries. Every query taking a fiduciary id is scoped to it.
pub trait Reads {
    /// The fiduciary and key behind an API key's SHA-256, if the key exists and is not revoked.
    fn api_key(&self, key_hash: &[u8; 32]) -> StoreResult<Option<KeyAuth>>;
    fn fiduciary(&self, id: Uuid) -> StoreResult<Option<Fiduciary>>;
    fn data_items(&self, fid: Uuid) -> StoreResult<Vec<DataItem>>;
    fn data_item(&self, fid: Uuid, code: &str) -> StoreResult<Option<DataItem>>;
    fn purposes(&self, fid: Uuid) -> StoreResult<Vec<Purpose>>;
    fn purpose(&self, fid: Uuid, code: &str) -> StoreResult<Option<Purpose>>;
    fn notices(&self, fid: Uuid) -> StoreResult<Vec<Notice>>;
    fn notice(&self, fid: Uuid, id: Uuid) -> StoreResult<Option<Notice>>;
    fn notice_versions(&self, fid: Uuid, id: Uuid) -> StoreResult<Vec<NoticeVersion>>;
    fn notice_version(
        &self,
        fid: Uuid,
        id: Uuid,
        version: u32,
    ) -> StoreResult<Option<NoticeVersion>>;
    /// Every version of an artefact, oldest first (empty when it does not exist).
    fn artefact_history(&self, fid: Uuid, id: Uuid) -> StoreResult<Vec<Artefact>>;
    /// The latest version of each artefact of a principal, newest collection first.
    fn principal_artefacts(&self, fid: Uuid, principal_id: &str) -> StoreResult<Vec<Artefact>>;
    /// The same, for the principal with this pseudonym (from a principal token).
    fn artefacts_of_pseudonym(&self, fid: Uuid, pseudonym: &[u8]) -> StoreResult<Vec<Artefact>>;
    /// A notice's standing re-consent requirement.
    fn reconsent(&self, fid: Uuid, notice: Uuid) -> StoreResult<Option<Reconsent>>;
    /// Consents whose re-consent is pending under notice `notice`: purposes active at `now` and
    /// held under a version before `before`, grouped by artefact (the latest version, opened),
    /// artefacts in id order after `after`, at most `limit`.
    fn reconsent_pending(
        &self,
        fid: Uuid,
        notice: Uuid,
        before: u32,
        now: time::OffsetDateTime,
        after: Option<Uuid>,
        limit: usize,
    ) -> StoreResult<Vec<PendingReconsent>>;
    /// Ledger entries matching the filter, by increasing index, at most `limit`.
    fn audit_entries(&self, q: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// One entry with its stored leaf hash.
    fn audit_entry(&self, index: u64) -> StoreResult<Option<(AuditEntry, Vec<u8>)>>;
    fn latest_checkpoint(&self) -> StoreResult<Option<StoredCheckpoint>>;
    fn checkpoint(&self, size: u64) -> StoreResult<Option<StoredCheckpoint>>;
    /// Checkpoints with size greater than `after`, smallest first.
    fn checkpoints(&self, after: u64, limit: usize) -> StoreResult<Vec<StoredCheckpoint>>;
    fn inclusion_proof(&self, index: u64, size: u64) -> StoreResult<Vec<Hash>>;
    fn consistency_proof(&self, old: u64, new: u64) -> StoreResult<Vec<Hash>>;
    /// Number of ledger entries.
    fn ledger_size(&self) -> StoreResult<u64>;
    /// How many principals' data keys each master key wraps.
    fn data_keys_by_master(&self) -> StoreResult<std::collections::BTreeMap<String, u64>>;
}
