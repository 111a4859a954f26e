//! Who hears of what (pure rules): the principal's template for an event, the webhook type
//! fiduciaries receive, which processors an event alerts and for which purposes, the webhook
//! bodies, and the retry schedule of deliveries.

use super::model::AlertKind;
use crate::events::{ConsentChange, DomainEvent, StoredEvent};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The webhook `type` of an event: `consent.withdrawn`, `renewal.due`, ...
pub fn webhook_type(e: &DomainEvent) -> &'static str {
    match e {
        DomainEvent::ConsentCollected(_) => "consent.collected",
        DomainEvent::ConsentUpdated(_) => "consent.updated",
        DomainEvent::ConsentRenewed(_) => "consent.renewed",
        DomainEvent::ConsentWithdrawn(_) => "consent.withdrawn",
        DomainEvent::ConsentExpired(_) => "consent.expired",
        DomainEvent::ReconsentRequired { .. } => "notice.reconsent_required",
        DomainEvent::PrincipalErased => "principal.erased",
        DomainEvent::RenewalDue(_) => "renewal.due",
        DomainEvent::ValidationRefused { .. } => "validation.refused",
        DomainEvent::CaseStatusChanged { .. } => "case.status_changed",
        DomainEvent::ErasureDue { .. } => "retention.erasure_due",
    }
}

/// Every webhook type a fiduciary's endpoint may subscribe to, plus `alert.created` (a
/// processor's endpoint) and `alert.escalated`.
pub const WEBHOOK_TYPES: &[&str] = &[
    "consent.collected",
    "consent.updated",
    "consent.renewed",
    "consent.withdrawn",
    "consent.expired",
    "notice.reconsent_required",
    "principal.erased",
    "renewal.due",
    "validation.refused",
    "case.status_changed",
    "retention.erasure_due",
    "alert.created",
    "alert.escalated",
];

/// The template that tells the principal of `e`, if the principal hears of it.
pub fn principal_template(e: &DomainEvent) -> Option<&'static str> {
    Some(match e {
        DomainEvent::ConsentCollected(_) => "consent_collected",
        DomainEvent::ConsentUpdated(_) => "consent_updated",
        DomainEvent::ConsentRenewed(_) => "consent_renewed",
        DomainEvent::ConsentWithdrawn(_) => "consent_withdrawn",
        DomainEvent::ConsentExpired(_) => "consent_expired",
        DomainEvent::RenewalDue(_) => "renewal_due",
        DomainEvent::ReconsentRequired { .. } => "reconsent_required",
        DomainEvent::CaseStatusChanged { .. } => "case_status",
        DomainEvent::ErasureDue { .. } => "erasure_due",
        // The principal asked for the erasure and is told by the fiduciary; a refused
        // validation is the fiduciary's business.
        DomainEvent::PrincipalErased | DomainEvent::ValidationRefused { .. } => return None,
    })
}

/// Whether `e` alerts a processor of `processes`, and for which of its purposes: those the
/// event ended (withdrawn or expired in this change) that the processor processes.
pub fn alert_for(
    e: &DomainEvent,
    processes: &BTreeSet<String>,
) -> Option<(AlertKind, Vec<String>)> {
    let (kind, change, ended): (_, &ConsentChange, &Vec<String>) = match e {
        DomainEvent::ConsentWithdrawn(c) => (AlertKind::ConsentWithdrawn, c, &c.withdrawn),
        DomainEvent::ConsentExpired(c) => (AlertKind::ConsentExpired, c, &c.expired),
        // An update may withdraw purposes too: alert for those.
        DomainEvent::ConsentUpdated(c) => (AlertKind::ConsentWithdrawn, c, &c.withdrawn),
        _ => return None,
    };
    let purposes: Vec<String> = change
        .changed
        .iter()
        .filter(|p| ended.contains(p) && processes.contains(*p))
        .cloned()
        .collect();
    (!purposes.is_empty()).then_some((kind, purposes))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The `data` of an event's webhook and of `GET /v1/events`: ids, codes and, for a consent
/// event, the fiduciary's own id for the principal (`principal_id`), which the fiduciary and
/// its processors need to act on it. Nothing else personal.
pub fn event_data(e: &StoredEvent, principal_id: Option<&str>) -> Value {
    let mut data = match serde_json::to_value(&e.event) {
        Ok(Value::Object(m)) => m,
        _ => Default::default(),
    };
    data.remove("type");
    data.insert("event_id".into(), json!(e.id));
    data.insert("fiduciary_id".into(), json!(e.fiduciary_id));
    if let Some(p) = principal_id {
        data.insert("principal_id".into(), json!(p));
    }
    Value::Object(data)
}

/// A webhook body in the Standard Webhooks shape: `{"type", "timestamp", "data"}`.
pub fn envelope(kind: &str, at: OffsetDateTime, data: Value) -> Value {
    json!({ "type": kind, "timestamp": rfc3339(at), "data": data })
}

/// The `data` of an `alert.created` webhook to a processor.
pub fn alert_data(
    alert_id: Uuid,
    kind: AlertKind,
    e: &StoredEvent,
    artefact_id: Uuid,
    purposes: &[String],
    principal_id: Option<&str>,
    escalates_at: OffsetDateTime,
) -> Value {
    json!({
        "alert_id": alert_id,
        "kind": kind.as_str(),
        "event_id": e.id,
        "fiduciary_id": e.fiduciary_id,
        "artefact_id": artefact_id,
        "principal_id": principal_id,
        "purposes": purposes,
        "acknowledge_by": rfc3339(escalates_at),
        "acknowledge": format!("/v1/alerts/{alert_id}/acknowledge"),
    })
}

/// Waits between attempts of a delivery, by attempt (after the first failure, the second...):
/// quick at first for a blip, then spread over about a day for an outage. The last entry is
/// the last retry; after it the delivery is dead-lettered.
pub const RETRY_SCHEDULE_MS: &[u64] = &[
    5_000,      // 5 s
    30_000,     // 30 s
    120_000,    // 2 min
    600_000,    // 10 min
    1_800_000,  // 30 min
    3_600_000,  // 1 h
    7_200_000,  // 2 h
    14_400_000, // 4 h
    28_800_000, // 8 h
    43_200_000, // 12 h
];

/// When to try again after `attempts` failed attempts, or None when the schedule is spent
/// (dead-letter). `jitter` in [0, 1) spreads retries over the last fifth of the wait, so
/// receivers coming back from an outage are not hit by every sender at once.
pub fn next_retry(schedule: &[u64], attempts: u32, jitter: f64) -> Option<Duration> {
    let base = *schedule.get(attempts.saturating_sub(1) as usize)?;
    let j = jitter.clamp(0.0, 1.0);
    let ms = base as f64 * (0.8 + 0.2 * j);
    Some(Duration::milliseconds(ms as i64))
}

/// The times at which an alert created at `at` escalates: the first threshold, then the
/// second counted from the alert (never before the first).
pub fn escalation_times(
    at: OffsetDateTime,
    first_hours: u32,
    second_hours: u32,
) -> (OffsetDateTime, OffsetDateTime) {
    let first = at + Duration::hours(first_hours as i64);
    let second = (at + Duration::hours(second_hours as i64)).max(first);
    (first, second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn change(changed: &[&str], withdrawn: &[&str], expired: &[&str]) -> ConsentChange {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        ConsentChange {
            artefact_id: Uuid::nil(),
            version: 2,
            notice_id: Uuid::nil(),
            notice_version: 1,
            language: Lang::parse("en").unwrap(),
            changed: v(changed),
            active: vec![],
            denied: vec![],
            withdrawn: v(withdrawn),
            expired: v(expired),
            continuing: vec![],
            expires_at: None,
        }
    }

    #[test]
    fn processors_are_alerted_only_for_purposes_they_process_that_this_change_ended() {
        let processes: BTreeSet<String> = ["ads".into(), "sms".into()].into();
        // "crm" was withdrawn earlier (not in this change): no alert for it.
        let e = DomainEvent::ConsentWithdrawn(change(&["ads", "kyc"], &["ads", "kyc", "crm"], &[]));
        assert_eq!(
            alert_for(&e, &processes),
            Some((AlertKind::ConsentWithdrawn, vec!["ads".to_string()]))
        );
        let none = DomainEvent::ConsentWithdrawn(change(&["kyc"], &["kyc"], &[]));
        assert_eq!(alert_for(&none, &processes), None);
        let exp = DomainEvent::ConsentExpired(change(&["sms"], &[], &["sms"]));
        assert_eq!(
            alert_for(&exp, &processes),
            Some((AlertKind::ConsentExpired, vec!["sms".to_string()]))
        );
        // A collection alerts nobody.
        let col = DomainEvent::ConsentCollected(change(&["ads"], &[], &[]));
        assert_eq!(alert_for(&col, &processes), None);
        // An update that withdraws a purpose alerts for it.
        let upd = DomainEvent::ConsentUpdated(change(&["ads", "sms"], &["ads"], &[]));
        assert_eq!(
            alert_for(&upd, &processes),
            Some((AlertKind::ConsentWithdrawn, vec!["ads".to_string()]))
        );
    }

    #[test]
    fn every_event_kind_has_a_webhook_type_and_erasure_and_refusals_skip_the_principal() {
        for t in [
            "consent.collected",
            "renewal.due",
            "validation.refused",
            "principal.erased",
        ] {
            assert!(WEBHOOK_TYPES.contains(&t));
        }
        assert_eq!(principal_template(&DomainEvent::PrincipalErased), None);
        assert_eq!(
            principal_template(&DomainEvent::ValidationRefused {
                purpose: "a".into(),
                reason: "withdrawn".into()
            }),
            None
        );
        assert_eq!(
            principal_template(&DomainEvent::ConsentWithdrawn(change(&[], &[], &[]))),
            Some("consent_withdrawn")
        );
    }

    #[test]
    fn retries_follow_the_schedule_with_bounded_jitter_then_stop() {
        let s = RETRY_SCHEDULE_MS;
        assert_eq!(next_retry(s, 1, 1.0), Some(Duration::seconds(5)));
        assert_eq!(next_retry(s, 1, 0.0), Some(Duration::seconds(4)));
        let mid = next_retry(s, 2, 0.5).unwrap();
        assert!(mid >= Duration::seconds(24) && mid <= Duration::seconds(30));
        assert!(next_retry(s, s.len() as u32, 0.3).is_some());
        assert_eq!(next_retry(s, s.len() as u32 + 1, 0.3), None);
        // The whole schedule spans about a day.
        let total: u64 = s.iter().sum();
        assert!(total > 20 * 3_600_000 && total < 30 * 3_600_000);
    }

    #[test]
    fn the_second_escalation_never_comes_before_the_first() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let (a, b) = escalation_times(at, 24, 72);
        assert_eq!(a - at, Duration::hours(24));
        assert_eq!(b - at, Duration::hours(72));
        let (a, b) = escalation_times(at, 48, 12);
        assert_eq!(a, b);
    }

    #[test]
    fn event_data_names_ids_and_the_principal_only_when_given() {
        let e = StoredEvent {
            id: 7,
            at: OffsetDateTime::UNIX_EPOCH,
            fiduciary_id: Uuid::nil(),
            principal: None,
            event: DomainEvent::ConsentWithdrawn(change(&["ads"], &["ads"], &[])),
        };
        let d = event_data(&e, Some("cust-1"));
        assert_eq!(d["event_id"], 7);
        assert_eq!(d["principal_id"], "cust-1");
        assert_eq!(d["withdrawn"][0], "ads");
        assert!(d.get("type").is_none());
        assert!(event_data(&e, None).get("principal_id").is_none());
        let env = envelope("consent.withdrawn", e.at, d);
        assert_eq!(env["type"], "consent.withdrawn");
        assert_eq!(env["timestamp"], "1970-01-01T00:00:00Z");
    }
}
