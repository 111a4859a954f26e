//! The notification port: what notifications, alerts and processors ([`crate::notify`]) need
//! from storage, in one write transaction. Contacts and destinations cross it in clear; the
//! store seals what it keeps (principal messages under the principal's data key, webhook bodies
//! and secrets under the master key).

use super::{StoreResult, Tx};
use crate::audit::AuditRecord;
use crate::lang::Lang;
use crate::notify::model::*;
use crate::notify::templates::TemplateSource;
use crate::principal::Pseudonym;
use time::OffsetDateTime;
use uuid::Uuid;

/// A reminder to renew that fell due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueRenewal {
    pub fiduciary_id: Uuid,
    pub artefact_id: Uuid,
    /// The expiry it reminds of (the artefact's earliest, when the reminder was planned).
    pub expires_at: OffsetDateTime,
}

pub trait NotifyPort: Tx {
    /// The fiduciary's settings (the defaults when it never set any).
    fn notify_settings(&mut self, fid: Uuid) -> StoreResult<NotifySettings>;
    fn save_notify_settings(&mut self, fid: Uuid, s: &NotifySettings) -> StoreResult<()>;
    /// The fiduciary's name (None: no such fiduciary).
    fn fiduciary_name(&mut self, fid: Uuid) -> StoreResult<Option<String>>;

    /// Every processor of the fiduciary, disabled ones included, oldest first.
    fn processors(&mut self, fid: Uuid) -> StoreResult<Vec<Processor>>;
    fn processor(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Processor>>;
    fn insert_processor(&mut self, fid: Uuid, p: &Processor) -> StoreResult<()>;
    /// Saves a processor's purposes, endpoint and state.
    fn update_processor(&mut self, fid: Uuid, p: &Processor) -> StoreResult<()>;

    /// The fiduciary's webhook endpoints (its own and its processors').
    fn endpoints(&mut self, fid: Uuid) -> StoreResult<Vec<Endpoint>>;
    /// Saves a new endpoint with its secret (`whsec_...`, kept sealed).
    fn insert_endpoint(&mut self, fid: Uuid, e: &Endpoint, secret: &str) -> StoreResult<()>;
    /// Replaces an endpoint's secret; the current one becomes the previous, signing until
    /// `previous_until`.
    fn rotate_secret(
        &mut self,
        fid: Uuid,
        id: Uuid,
        secret: &str,
        previous_until: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Removes an endpoint; its pending deliveries are dead-lettered. False when unknown.
    fn delete_endpoint(&mut self, fid: Uuid, id: Uuid) -> StoreResult<bool>;

    /// The principal's verified contacts, opened: (`mobile` or `email`, value).
    fn contacts_of(&mut self, fid: Uuid, p: &Pseudonym) -> StoreResult<Vec<(String, String)>>;
    /// The language the principal chose for messages, if they chose one.
    fn preferred_language(&mut self, fid: Uuid, p: &Pseudonym) -> StoreResult<Option<Lang>>;
    fn set_preferred_language(
        &mut self,
        fid: Uuid,
        p: &Pseudonym,
        lang: Option<&Lang>,
    ) -> StoreResult<()>;
    /// Principals holding an active purpose under a version of `notice` before `version`,
    /// with the language they consented in.
    fn holders_of_notice(
        &mut self,
        fid: Uuid,
        notice: Uuid,
        version: u32,
    ) -> StoreResult<Vec<(Pseudonym, Lang)>>;

    /// A fiduciary's own template for an event in a language, if it saved one.
    fn custom_template(
        &mut self,
        fid: Uuid,
        event: &str,
        lang: &Lang,
    ) -> StoreResult<Option<TemplateSource>>;
    /// Saves (Some) or removes (None) a fiduciary's template.
    fn save_template(
        &mut self,
        fid: Uuid,
        event: &str,
        lang: &Lang,
        t: Option<&TemplateSource>,
    ) -> StoreResult<()>;

    /// Writes an inbox message for the event, unless one exists for (event, principal): then
    /// false.
    fn insert_inbox(
        &mut self,
        fid: Uuid,
        p: &Pseudonym,
        event_id: i64,
        item: &InboxItem,
    ) -> StoreResult<bool>;
    /// Queues an e-mail or SMS to the principal in the outbox, unless one for (event,
    /// destination) exists: then false.
    fn queue_notification(
        &mut self,
        fid: Uuid,
        p: &Pseudonym,
        m: &PrincipalMessage,
    ) -> StoreResult<bool>;
    /// Queues a delivery, unless one for (event, dedup key) exists: then false.
    fn insert_delivery(&mut self, fid: Uuid, d: &NewDelivery) -> StoreResult<bool>;
    /// Writes an alert, unless the processor already has one for the event: then false.
    fn insert_alert(&mut self, fid: Uuid, a: &NewAlert) -> StoreResult<bool>;
    /// [`Self::insert_delivery`] for several (a store may write them in one statement): for
    /// each, in order, whether it was queued.
    fn insert_deliveries(&mut self, fid: Uuid, ds: &[NewDelivery]) -> StoreResult<Vec<bool>> {
        ds.iter().map(|d| self.insert_delivery(fid, d)).collect()
    }
    /// [`Self::insert_alert`] for several: for each, in order, whether it was written.
    fn insert_alerts(&mut self, fid: Uuid, alerts: &[NewAlert]) -> StoreResult<Vec<bool>> {
        alerts.iter().map(|a| self.insert_alert(fid, a)).collect()
    }

    /// A principal's inbox message.
    fn inbox_item(&mut self, fid: Uuid, p: &Pseudonym, id: Uuid) -> StoreResult<Option<InboxItem>>;
    fn acknowledge_inbox(&mut self, fid: Uuid, p: &Pseudonym, id: Uuid) -> StoreResult<()>;

    fn alert(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Alert>>;
    fn acknowledge_alert(&mut self, fid: Uuid, id: Uuid, note: Option<&str>) -> StoreResult<()>;
    /// Unconfirmed alerts whose escalation time has come, oldest first, across fiduciaries.
    fn due_escalations(
        &mut self,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<(Uuid, Alert)>>;
    /// Records an escalation: the new level and when it escalates next (None: never again).
    fn escalated(
        &mut self,
        fid: Uuid,
        id: Uuid,
        level: u8,
        next: Option<OffsetDateTime>,
    ) -> StoreResult<()>;

    /// Plans the renewal reminder of an artefact (replacing any earlier plan for it).
    fn plan_renewal(
        &mut self,
        fid: Uuid,
        artefact: Uuid,
        remind_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Drops the renewal plan of an artefact.
    fn drop_renewal(&mut self, fid: Uuid, artefact: Uuid) -> StoreResult<()>;
    /// Reminders due at `now`, oldest first, across fiduciaries.
    fn due_renewals(&mut self, now: OffsetDateTime, limit: usize) -> StoreResult<Vec<DueRenewal>>;

    /// Puts a dead delivery back in the queue for one more round of attempts. False when no
    /// dead delivery has that id.
    fn replay_delivery(&mut self, fid: Uuid, id: &str) -> StoreResult<bool>;

    /// Appends a ledger entry about a principal known only by pseudonym.
    fn record_for_pseudonym(&mut self, entry: &AuditRecord, p: &Pseudonym) -> StoreResult<u64>;
}
