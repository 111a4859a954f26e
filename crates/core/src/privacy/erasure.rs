//! Erasing a principal: their personal data is crypto-shredded (their data key destroyed), their
//! consents closed, their contacts, codes and unsent messages deleted, and every link from
//! them to what is left broken. The ledger, which holds only pseudonyms, still verifies.
//! Irreversible. The steps are the store's ([`PrivacyPort`]); which run, what the ledger
//! records and what is announced is decided here.

use crate::audit::{Action, AuditRecord};
use crate::error::Result;
use crate::events::DomainEvent;
use crate::ports::PrivacyPort;
use crate::usecases::{Actor, check_principal_id};

/// What an erasure did.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Erasure {
    /// Whether the principal had personal data here (false: nothing to erase).
    pub erased: bool,
    /// Artefacts whose personal data became unreadable.
    pub artefacts: u64,
    /// Purposes that stopped being valid for processing.
    pub consents_closed: u64,
    pub audit_log_id: u64,
}

/// Erases a principal's personal data by destroying their data key (crypto-shredding), and
/// closes their consents: validation answers `no_consent` from now on and their artefacts are
/// read-only tombstones showing `[erased]`. The ledger records it (`key_destroyed`, or
/// `nothing_to_erase` when they had no data key: never seen, or erased before) and, when a key
/// was destroyed, a [`DomainEvent::PrincipalErased`] naming no one is emitted. Either way, no
/// ledger filter by their id finds the entries up to this one (their id may be in validation
/// entries even if they were never seen).
pub fn erase_principal<P: PrivacyPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    principal_id: &str,
) -> Result<Erasure> {
    shred(p, actor, principal_id, Action::PrincipalErased, "")
}

/// The steps of erasure, recorded as `action` (`principal.erased` on request,
/// `retention.purged` by the retention engine) with `note` after the outcome.
pub(crate) fn shred<P: PrivacyPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    principal_id: &str,
    action: Action,
    note: &str,
) -> Result<Erasure> {
    check_principal_id(principal_id)?;
    let fid = actor.fiduciary_id;
    let erased = p.destroy_data_key(fid, principal_id)?;
    let consents_closed = p.close_consents(fid, principal_id)?;
    p.forget_contacts(fid, principal_id)?;
    p.unlink_events(fid, principal_id)?;
    // Scrubbed before the tombstone: the store finds their artefacts by their pseudonym.
    p.scrub_sealed_fields(fid, principal_id)?;
    let artefacts = p.tombstone_artefacts(fid, principal_id)?;
    let mut outcome = if erased {
        "key_destroyed"
    } else {
        "nothing_to_erase"
    }
    .to_string();
    if !note.is_empty() {
        outcome.push(' ');
        outcome.push_str(note);
    }
    let audit_log_id = p.record(&AuditRecord {
        principal_id: Some(principal_id.to_string()),
        outcome,
        ..actor.record(action)
    })?;
    if erased {
        p.emit_event(fid, None, &DomainEvent::PrincipalErased)?;
    }
    p.hide_ledger_upto(fid, principal_id, audit_log_id)?;
    Ok(Erasure {
        erased,
        artefacts,
        consents_closed,
        audit_log_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{Recorder, StoreResult};
    use std::collections::{HashMap, HashSet};
    use time::OffsetDateTime;
    use uuid::Uuid;

    const FID: Uuid = Uuid::from_u128(0xf1d);

    /// A principal's data as the fake keeps it.
    #[derive(Default)]
    struct Principal {
        key: bool,
        consents: u64,
        contacts: u64,
        events: u64,
        artefacts: u64,
        sealed_fields: u64,
        erased_upto: Option<u64>,
    }

    #[derive(Default)]
    struct Fake {
        principals: HashMap<String, Principal>,
        /// Events linked to a principal, and those naming no one.
        events: Vec<(Option<String>, DomainEvent)>,
        ledger: Vec<AuditRecord>,
        tombstoned: HashSet<String>,
    }

    impl Fake {
        fn with(id: &str, p: Principal) -> Fake {
            let mut f = Fake::default();
            f.principals.insert(id.into(), p);
            f
        }
        fn get(&mut self, id: &str) -> &mut Principal {
            self.principals.entry(id.into()).or_default()
        }
    }

    impl Recorder for Fake {
        fn time(&self) -> OffsetDateTime {
            OffsetDateTime::UNIX_EPOCH
        }
        fn record(&mut self, entry: &AuditRecord) -> StoreResult<u64> {
            self.ledger.push(entry.clone());
            Ok(self.ledger.len() as u64 + 40)
        }
    }

    impl PrivacyPort for Fake {
        fn destroy_data_key(&mut self, _: Uuid, id: &str) -> StoreResult<bool> {
            Ok(std::mem::take(&mut self.get(id).key))
        }
        fn close_consents(&mut self, _: Uuid, id: &str) -> StoreResult<u64> {
            Ok(std::mem::take(&mut self.get(id).consents))
        }
        fn forget_contacts(&mut self, _: Uuid, id: &str) -> StoreResult<()> {
            self.get(id).contacts = 0;
            Ok(())
        }
        fn unlink_events(&mut self, _: Uuid, id: &str) -> StoreResult<()> {
            self.get(id).events = 0;
            for e in &mut self.events {
                if e.0.as_deref() == Some(id) {
                    e.0 = None;
                }
            }
            Ok(())
        }
        fn tombstone_artefacts(&mut self, _: Uuid, id: &str) -> StoreResult<u64> {
            self.tombstoned.insert(id.into());
            Ok(std::mem::take(&mut self.get(id).artefacts))
        }
        fn scrub_sealed_fields(&mut self, _: Uuid, id: &str) -> StoreResult<()> {
            self.get(id).sealed_fields = 0;
            Ok(())
        }
        fn hide_ledger_upto(&mut self, _: Uuid, id: &str, upto: u64) -> StoreResult<()> {
            self.get(id).erased_upto = Some(upto);
            Ok(())
        }
        fn emit_event(
            &mut self,
            _: Uuid,
            principal_id: Option<&str>,
            event: &DomainEvent,
        ) -> StoreResult<()> {
            self.events
                .push((principal_id.map(str::to_string), event.clone()));
            Ok(())
        }
    }

    fn dpo() -> Actor {
        Actor {
            fiduciary_id: FID,
            initiator: "fiduciary:key-1".into(),
            source_ip: Some("192.0.2.4".into()),
        }
    }

    fn ravi() -> Principal {
        Principal {
            key: true,
            consents: 3,
            contacts: 2,
            events: 4,
            artefacts: 2,
            sealed_fields: 5,
            erased_upto: None,
        }
    }

    #[test]
    fn erasing_destroys_the_key_closes_consents_records_and_announces() {
        let mut f = Fake::with("ravi", ravi());
        f.events
            .push((Some("ravi".into()), DomainEvent::PrincipalErased));
        let e = erase_principal(&mut f, &dpo(), "ravi").unwrap();
        assert!(e.erased);
        assert_eq!((e.artefacts, e.consents_closed), (2, 3));
        let p = &f.principals["ravi"];
        assert!(!p.key);
        assert_eq!(
            (
                p.consents,
                p.contacts,
                p.events,
                p.artefacts,
                p.sealed_fields
            ),
            (0, 0, 0, 0, 0)
        );
        assert!(f.tombstoned.contains("ravi"));
        // One ledger entry, by the actor, naming the principal (the store keeps a pseudonym).
        assert_eq!(f.ledger.len(), 1);
        let r = &f.ledger[0];
        assert_eq!(r.action, Action::PrincipalErased);
        assert_eq!(r.outcome, "key_destroyed");
        assert_eq!(r.principal_id.as_deref(), Some("ravi"));
        assert_eq!(r.initiator, "fiduciary:key-1");
        assert_eq!(r.source_ip.as_deref(), Some("192.0.2.4"));
        // Filters by their id stop at the erasure's own entry.
        assert_eq!(e.audit_log_id, 41);
        assert_eq!(p.erased_upto, Some(41));
        // One event, naming no one; earlier events no longer name them either.
        assert_eq!(
            f.events,
            vec![
                (None, DomainEvent::PrincipalErased),
                (None, DomainEvent::PrincipalErased)
            ]
        );
    }

    #[test]
    fn erasing_twice_finds_nothing_the_second_time() {
        let mut f = Fake::with("ravi", ravi());
        assert!(erase_principal(&mut f, &dpo(), "ravi").unwrap().erased);
        let again = erase_principal(&mut f, &dpo(), "ravi").unwrap();
        assert!(!again.erased);
        assert_eq!((again.artefacts, again.consents_closed), (0, 0));
        assert_eq!(f.ledger.len(), 2, "each erasure is recorded");
        assert_eq!(f.ledger[1].outcome, "nothing_to_erase");
        assert_eq!(f.events.len(), 1, "announced once");
        assert_eq!(f.principals["ravi"].erased_upto, Some(again.audit_log_id));
    }

    #[test]
    fn erasing_a_principal_never_seen_is_recorded_and_hides_their_id() {
        let mut f = Fake::default();
        let e = erase_principal(&mut f, &dpo(), "stranger").unwrap();
        assert!(!e.erased);
        assert_eq!((e.artefacts, e.consents_closed), (0, 0));
        assert_eq!(f.ledger[0].outcome, "nothing_to_erase");
        assert!(f.events.is_empty());
        // Their id may be in validation entries: filters by it stop here too.
        assert_eq!(f.principals["stranger"].erased_upto, Some(e.audit_log_id));
        // A malformed id is refused before anything happens.
        let bad = erase_principal(&mut f, &dpo(), "").unwrap_err();
        assert!(matches!(bad, crate::Error::Domain(d) if d.code == "invalid_principal_id"));
        assert_eq!(f.ledger.len(), 1);
    }
}
