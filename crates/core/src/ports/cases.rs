//! The case port: what grievances, rights requests and nominations ([`crate::cases`]) need from
//! storage, in one write transaction. A case's personal parts (description, history notes,
//! corrections, nominee, attachments) are kept sealed under the principal's data key; the
//! columns the queue and the clock read (reference, kind, category, status, deadlines) are not
//! personal data and outlive an erasure.

use super::{NotifyPort, PrincipalPort, PrivacyPort, RetentionPort, StoreResult};
use crate::cases::model::*;
use crate::principal::Pseudonym;
use std::collections::BTreeSet;
use time::OffsetDateTime;
use uuid::Uuid;

pub trait CasePort: NotifyPort + PrivacyPort + PrincipalPort + RetentionPort {
    /// The fiduciary's case settings (the defaults when it never set any).
    fn case_settings(&mut self, fid: Uuid) -> StoreResult<CaseSettings>;
    fn save_case_settings(&mut self, fid: Uuid, s: &CaseSettings) -> StoreResult<()>;
    /// The names of the fiduciary's custom roles (routing may name them).
    fn custom_roles(&mut self, fid: Uuid) -> StoreResult<BTreeSet<String>>;

    /// The next sequence number for references of `prefix` in `year` at the fiduciary (1 for
    /// the first).
    fn next_case_seq(&mut self, fid: Uuid, prefix: &str, year: i32) -> StoreResult<u64>;
    /// Saves a new case of the principal `p`; the clock job looks at it at `next_check`.
    fn insert_case(
        &mut self,
        fid: Uuid,
        p: &Pseudonym,
        c: &Case,
        next_check: Option<OffsetDateTime>,
    ) -> StoreResult<()>;
    /// Saves a changed case (its columns, its parts sealed again under the key of `owner`, its
    /// principal as loaded in this transaction; None, erased: the sealed body stays as it is)
    /// and its next check.
    fn update_case(
        &mut self,
        fid: Uuid,
        owner: Option<&Pseudonym>,
        c: &Case,
        next_check: Option<OffsetDateTime>,
    ) -> StoreResult<()>;
    /// A case by reference, opened, with its principal (None once they were erased: the case
    /// then reads from its columns, its personal parts `[erased]`).
    fn case_by_reference(
        &mut self,
        fid: Uuid,
        reference: &str,
    ) -> StoreResult<Option<(Option<Pseudonym>, Case)>>;
    /// Brings the next check of every open case of the fiduciary forward to `now` at the
    /// latest, so the clock looks at each again (the settings its checks were planned with
    /// changed). Returns how many.
    fn recheck_cases(&mut self, fid: Uuid, now: OffsetDateTime) -> StoreResult<usize>;
    /// Open cases whose next check is due at `now`, oldest check first, at most `limit`.
    fn due_cases(&mut self, now: OffsetDateTime, limit: usize) -> StoreResult<Vec<(Uuid, String)>>;
    /// Keeps an attachment's bytes, sealed under the principal's data key.
    fn insert_attachment(
        &mut self,
        fid: Uuid,
        reference: &str,
        p: &Pseudonym,
        a: &Attachment,
        bytes: &[u8],
    ) -> StoreResult<()>;

    /// Saves a nomination of the principal `p`.
    fn insert_nomination(&mut self, fid: Uuid, p: &Pseudonym, n: &Nomination) -> StoreResult<()>;
    fn update_nomination(&mut self, fid: Uuid, n: &Nomination) -> StoreResult<()>;
    /// A nomination by id, with its principal.
    fn nomination(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<(Pseudonym, Nomination)>>;
    /// The principal's nominations, oldest first.
    fn nominations_of(&mut self, fid: Uuid, p: &Pseudonym) -> StoreResult<Vec<Nomination>>;
}
