//! The retention port: what the retention engine ([`crate::retention`]) needs from storage:
//! the deployment's floors, a principal's artefacts, the fiduciary's category policies, legal
//! holds, and the erasure plans (one row per principal due for erasure, derived from their
//! consents and written only when something about them changed). Purging itself uses the
//! erasure steps of [`PrivacyPort`].

use super::{PrivacyPort, StoreResult, Tx};
use crate::model::Artefact;
use crate::retention::{ErasurePlan, Floors, LegalHold, RetentionPolicy};
use time::OffsetDateTime;
use uuid::Uuid;

/// One write transaction, as for the other ports. `principal_id` is the fiduciary's id for the
/// principal, in clear (the store keeps only its keyed pseudonym).
pub trait RetentionPort: Tx + PrivacyPort {
    /// The deployment's floors (its configuration, shared by every node).
    fn retention_floors(&mut self) -> StoreResult<Floors>;
    /// The latest version of each live (not erased) artefact of the principal.
    fn live_artefacts(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<Vec<Artefact>>;

    /// The fiduciary's policies per data category, by category.
    fn category_policies(&mut self, fid: Uuid) -> StoreResult<Vec<RetentionPolicy>>;
    /// Inserts or replaces the policy of its category.
    fn save_policy(&mut self, fid: Uuid, policy: &RetentionPolicy) -> StoreResult<()>;

    /// Holds of the fiduciary not released and not ended at `now` that may cover the
    /// principal: those on the whole fiduciary, on any purpose, and on this principal.
    fn holds_in_force(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<LegalHold>>;
    /// One hold of the fiduciary (its principal, if any, in clear).
    fn hold(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<LegalHold>>;
    fn insert_hold(&mut self, fid: Uuid, hold: &LegalHold) -> StoreResult<()>;
    /// Marks the hold released at `at`; whether it was in force before.
    fn release_hold(&mut self, fid: Uuid, id: Uuid, at: OffsetDateTime) -> StoreResult<bool>;

    /// The principal's erasure plan, if one is kept.
    fn erasure_plan(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<Option<ErasurePlan>>;
    /// Writes (or, with None, deletes) the principal's erasure plan.
    fn set_erasure_plan(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        plan: Option<&ErasurePlan>,
    ) -> StoreResult<()>;
    /// Plans whose 48-hour notice is due (`notify_at <= now`, not yet told), oldest first, at
    /// most `limit`: (fiduciary, principal). Plans of principals no longer known are dropped.
    fn due_notices(
        &mut self,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<(Uuid, String)>>;
    /// Plans whose erasure is due (`erase_at <= now`, told at least 48 hours ago), oldest
    /// first, at most `limit`.
    fn due_purges(&mut self, now: OffsetDateTime, limit: usize)
    -> StoreResult<Vec<(Uuid, String)>>;
}
