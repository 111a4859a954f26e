//! The use cases of notifications and alerts, over [`NotifyPort`]: the fan-out of a domain
//! event into the principal's inbox, e-mails and SMS, webhooks and processor alerts; processors
//! and webhook endpoints; confirming and escalating alerts; renewal reminders; settings and
//! templates.

use super::model::*;
use super::route;
use super::templates::{self, TemplateSource};
use crate::audit::{Action, AuditRecord};
use crate::events::{DomainEvent, RenewalDue, StoredEvent};
use crate::lang::Lang;
use crate::model::{Purpose, Status};
use crate::ports::NotifyPort;
use crate::principal::Pseudonym;
use crate::usecases::Actor;
use crate::{DomainError, Result};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// What one event became.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FanOut {
    pub inbox: usize,
    pub messages: usize,
    pub webhooks: usize,
    pub alerts: usize,
}

fn date(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// A purpose's name in `lang` (else English, else any, else its code).
fn purpose_name<T: NotifyPort + ?Sized>(
    tx: &mut T,
    cache: &mut FanOutCache,
    fid: Uuid,
    code: &str,
    lang: &Lang,
) -> Result<String> {
    let Some(p) = cache.purpose(tx, fid, code)? else {
        return Ok(code.to_string());
    };
    let en = Lang::parse("en").expect("en");
    Ok(p.name
        .get(lang)
        .or_else(|| p.name.get(&en))
        .or_else(|| p.name.values().next())
        .cloned()
        .unwrap_or_else(|| code.to_string()))
}

fn names<T: NotifyPort + ?Sized>(
    tx: &mut T,
    cache: &mut FanOutCache,
    fid: Uuid,
    codes: &[String],
    lang: &Lang,
) -> Result<Vec<String>> {
    codes
        .iter()
        .map(|c| purpose_name(tx, cache, fid, c, lang))
        .collect()
}

/// The template variables of an event for a principal reading `lang`.
fn principal_vars<T: NotifyPort + ?Sized>(
    tx: &mut T,
    cache: &mut FanOutCache,
    e: &StoredEvent,
    lang: &Lang,
    fiduciary: &str,
    settings: &NotifySettings,
) -> Result<Value> {
    let fid = e.fiduciary_id;
    let mut v = json!({
        "fiduciary": fiduciary,
        "dashboard_url": settings.dashboard_url,
    });
    let extra = match &e.event {
        DomainEvent::ConsentCollected(c) => json!({
            "granted": names(tx, cache, fid, &c.active, lang)?,
            "denied": names(tx, cache, fid, &c.denied, lang)?,
            "expires_at": c.expires_at.map(date),
            "artefact_id": c.artefact_id.to_string(),
        }),
        DomainEvent::ConsentUpdated(c) => {
            let of = |st: &Vec<String>| -> Vec<String> {
                c.changed
                    .iter()
                    .filter(|p| st.contains(p))
                    .cloned()
                    .collect()
            };
            json!({
                "granted": names(tx, cache, fid, &of(&c.active), lang)?,
                "denied": names(tx, cache, fid, &of(&c.denied), lang)?,
                "withdrawn": names(tx, cache, fid, &of(&c.withdrawn), lang)?,
                "artefact_id": c.artefact_id.to_string(),
            })
        }
        DomainEvent::ConsentRenewed(c) => json!({
            "purposes": names(tx, cache, fid, &c.changed, lang)?,
            "expires_at": c.expires_at.map(date),
            "artefact_id": c.artefact_id.to_string(),
        }),
        DomainEvent::ConsentWithdrawn(c) => json!({
            "purposes": names(tx, cache, fid, &c.changed, lang)?,
            "continuing": names(tx, cache, fid, &c.continuing, lang)?,
            "artefact_id": c.artefact_id.to_string(),
        }),
        DomainEvent::ConsentExpired(c) => json!({
            "purposes": names(tx, cache, fid, &c.changed, lang)?,
            "artefact_id": c.artefact_id.to_string(),
        }),
        DomainEvent::RenewalDue(r) => {
            let days = ((r.expires_at - e.at).whole_hours() as f64 / 24.0)
                .ceil()
                .max(0.0) as i64;
            json!({
                "purposes": names(tx, cache, fid, &r.purposes, lang)?,
                "expires_at": date(r.expires_at),
                "days_left": days,
                "artefact_id": r.artefact_id.to_string(),
            })
        }
        DomainEvent::ReconsentRequired {
            notice_id,
            notice_version,
            deadline,
        } => {
            let title = tx
                .notice_version(fid, *notice_id, *notice_version)?
                .and_then(|n| {
                    n.texts
                        .get(lang)
                        .or_else(|| n.texts.values().next())
                        .map(|t| t.title.clone())
                })
                .unwrap_or_default();
            json!({ "notice": title, "deadline": deadline.map(date) })
        }
        DomainEvent::CaseStatusChanged {
            reference,
            case_kind,
            status,
            ..
        } => json!({ "reference": reference, "case_kind": case_kind, "status": status }),
        DomainEvent::ErasureDue { erase_at, .. } => json!({
            "erase_at": format!("{} {:02}:{:02} UTC", date(*erase_at), erase_at.hour(), erase_at.minute()),
        }),
        DomainEvent::PrincipalErased | DomainEvent::ValidationRefused { .. } => json!({}),
    };
    if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
        m.extend(x);
    }
    Ok(v)
}

/// Renders `event`'s template for `lang`: the fiduciary's own if it saved one that renders,
/// else the built-in one.
fn render<T: NotifyPort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    event: &str,
    lang: &Lang,
    vars: &Value,
) -> Result<templates::Rendered> {
    if let Some(custom) = tx.custom_template(fid, event, lang)?
        && let Ok(r) = templates::render(event, lang, vars, Some(&custom))
    {
        return Ok(r);
    }
    // A built-in template that does not render is a bug: the event is skipped (and logged by
    // the fan-out) rather than blocking every event after it.
    templates::render(event, lang, vars, None).map_err(|e| {
        DomainError::invalid(
            "template_failed",
            format!("the built-in template {event}/{lang} does not render: {e}"),
        )
        .into()
    })
}

/// An e-mail to the fiduciary's DPO: a template in the DPO's language, and how the delivery is
/// named (`kind`, and the key that makes queueing it twice a no-op).
pub struct DpoEmail<'a> {
    pub to: &'a str,
    pub lang: &'a Lang,
    pub template: &'a str,
    pub kind: &'a str,
    pub vars: &'a Value,
    pub dedup_key: String,
    pub alert_id: Option<Uuid>,
}

/// Queues an e-mail to the DPO (staff mail: its address and body are sealed under the master
/// key, not a principal's), rendered from the fiduciary's own template when it saved one that
/// renders, else the built-in one.
pub fn queue_dpo_email<T: NotifyPort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    m: &DpoEmail<'_>,
) -> Result<()> {
    let r = render(tx, fid, m.template, m.lang, m.vars)?;
    tx.insert_delivery(
        fid,
        &NewDelivery {
            channel: Channel::Email,
            kind: m.kind.to_string(),
            endpoint_id: None,
            destination: Some(m.to.to_string()),
            payload: json!({
                "subject": r.subject, "text": r.text, "html": r.html,
                "language": m.lang.as_str(),
            })
            .to_string(),
            event_id: None,
            dedup_key: m.dedup_key.clone(),
            alert_id: m.alert_id,
            principal: None,
        },
    )?;
    Ok(())
}

/// What telling principals of one event takes: its template, the fiduciary's name and settings.
struct Telling<'a> {
    template: &'a str,
    fiduciary: &'a str,
    settings: &'a NotifySettings,
}

/// Tells one principal of `e`: an inbox message, and an e-mail or SMS to each verified contact.
#[allow(clippy::too_many_arguments)]
fn notify_principal<T: NotifyPort + ?Sized>(
    tx: &mut T,
    cache: &mut FanOutCache,
    e: &StoredEvent,
    p: &Pseudonym,
    consented_in: &Lang,
    how: &Telling<'_>,
    out: &mut FanOut,
) -> Result<()> {
    let (template, fiduciary, settings) = (how.template, how.fiduciary, how.settings);
    let fid = e.fiduciary_id;
    let lang = tx
        .preferred_language(fid, p)?
        .unwrap_or_else(|| consented_in.clone());
    let vars = principal_vars(tx, cache, e, &lang, fiduciary, settings)?;
    let r = render(tx, fid, template, &lang, &vars)?;
    let item = InboxItem {
        id: Uuid::now_v7(),
        kind: e.event.kind().to_string(),
        language: lang.clone(),
        title: r.subject.clone(),
        body: r.text.clone(),
        artefact_id: e.event.artefact_id(),
        created_at: tx.now(),
        acknowledged_at: None,
    };
    if !tx.insert_inbox(fid, p, e.id, &item)? {
        // Handled before (the subscriber saw this event again after a crash).
        return Ok(());
    }
    // The in-app message is not a ledger entry of its own: the change it reports is (with the
    // same artefact and time), and its acknowledgement is. E-mails, SMS and webhooks are
    // recorded when they leave (`notification.sent`).
    out.inbox += 1;
    for (kind, value) in tx.contacts_of(fid, p)? {
        let channel = match kind.as_str() {
            "email" => PrincipalChannel::Email,
            "mobile" => PrincipalChannel::Sms,
            _ => continue,
        };
        if !settings.principal_channels.contains(&channel) {
            continue;
        }
        let m = match kind.as_str() {
            "email" => PrincipalMessage {
                channel: Channel::Email,
                destination: value,
                subject: r.subject.clone(),
                text: r.text.clone(),
                html: Some(r.html.clone()),
                language: lang.clone(),
                kind: e.event.kind().to_string(),
                event_id: e.id,
            },
            "mobile" => PrincipalMessage {
                channel: Channel::Sms,
                destination: value,
                subject: String::new(),
                text: r.sms.clone(),
                html: None,
                language: lang.clone(),
                kind: e.event.kind().to_string(),
                event_id: e.id,
            },
            _ => continue,
        };
        if tx.queue_notification(fid, p, &m)? {
            out.messages += 1;
        }
    }
    Ok(())
}

/// What the fan-out reads once per batch of events rather than once per event: per fiduciary
/// its name, notification settings, endpoints and processors; per purpose its row. A batch is
/// one transaction in which the fan-out writes none of these, so what it reads at the batch's
/// first event is what it would read at the last (an event is fanned out with the settings of
/// its fan-out, not of its emission, as before).
#[derive(Default)]
pub struct FanOutCache {
    fiduciaries: HashMap<Uuid, Option<Arc<Fiduciary>>>,
    purposes: HashMap<(Uuid, String), Option<Purpose>>,
}

struct Fiduciary {
    name: String,
    settings: NotifySettings,
    endpoints: Vec<Endpoint>,
    processors: Vec<Processor>,
}

impl FanOutCache {
    fn fiduciary<T: NotifyPort + ?Sized>(
        &mut self,
        tx: &mut T,
        fid: Uuid,
    ) -> Result<Option<Arc<Fiduciary>>> {
        if let Some(f) = self.fiduciaries.get(&fid) {
            return Ok(f.clone());
        }
        let f = match tx.fiduciary_name(fid)? {
            Some(name) => Some(Arc::new(Fiduciary {
                name,
                settings: tx.notify_settings(fid)?,
                endpoints: tx.endpoints(fid)?,
                processors: tx.processors(fid)?,
            })),
            None => None,
        };
        self.fiduciaries.insert(fid, f.clone());
        Ok(f)
    }

    fn purpose<T: NotifyPort + ?Sized>(
        &mut self,
        tx: &mut T,
        fid: Uuid,
        code: &str,
    ) -> Result<Option<Purpose>> {
        if let Some(p) = self.purposes.get(&(fid, code.to_string())) {
            return Ok(p.clone());
        }
        let p = tx.purpose(fid, code)?;
        self.purposes.insert((fid, code.to_string()), p.clone());
        Ok(p)
    }
}

/// Turns one domain event into what it notifies, in one transaction: the principal's inbox,
/// e-mails and SMS; webhooks to the fiduciary's endpoints; alerts (and their webhooks) to the
/// processors of the purposes it ended; the renewal reminder it plans. Idempotent: handling the
/// same event again writes nothing new.
pub fn fan_out<T: NotifyPort + ?Sized>(tx: &mut T, e: &StoredEvent) -> Result<FanOut> {
    fan_out_cached(tx, e, &mut FanOutCache::default())
}

/// [`fan_out`] for one of a batch of events, reading through the batch's `cache`.
pub fn fan_out_cached<T: NotifyPort + ?Sized>(
    tx: &mut T,
    e: &StoredEvent,
    cache: &mut FanOutCache,
) -> Result<FanOut> {
    let fid = e.fiduciary_id;
    let mut out = FanOut::default();
    let Some(f) = cache.fiduciary(tx, fid)? else {
        return Ok(out);
    };
    let (fiduciary, settings) = (&f.name, &f.settings);
    let now = tx.now();
    let kind = route::webhook_type(&e.event);
    let principal_id = match &e.principal {
        Some(p) => tx.principal_of(fid, p)?,
        None => None,
    };

    // Webhooks to the fiduciary's own endpoints, and (below) to its processors'.
    let mut deliveries = Vec::new();
    let body = route::envelope(kind, e.at, route::event_data(e, principal_id.as_deref()));
    for ep in f.endpoints.iter().filter(|ep| ep.processor_id.is_none()) {
        if !ep.event_types.is_empty() && !ep.event_types.iter().any(|t| t == kind) {
            continue;
        }
        deliveries.push(NewDelivery {
            channel: Channel::Webhook,
            kind: kind.to_string(),
            endpoint_id: Some(ep.id),
            destination: None,
            payload: body.to_string(),
            event_id: Some(e.id),
            dedup_key: format!("endpoint:{}", ep.id),
            alert_id: None,
            principal: e.principal,
        });
    }

    // Alerts to the processors of the purposes the event ended, written together.
    if let Some(artefact_id) = e.event.artefact_id() {
        let (first, _) = route::escalation_times(
            now,
            settings.escalate_after_hours,
            settings.escalate_again_after_hours,
        );
        let mut alerts = Vec::new();
        for p in &f.processors {
            if p.disabled_at.is_some() {
                continue;
            }
            let processes: BTreeSet<String> = p.purposes.iter().cloned().collect();
            let Some((akind, purposes)) = route::alert_for(&e.event, &processes) else {
                continue;
            };
            alerts.push((
                p,
                NewAlert {
                    id: Uuid::now_v7(),
                    processor_id: p.id,
                    kind: akind,
                    artefact_id,
                    purposes,
                    event_id: e.id,
                    escalates_at: first,
                },
            ));
        }
        let new: Vec<NewAlert> = alerts.iter().map(|(_, a)| a.clone()).collect();
        let written = if new.is_empty() {
            vec![]
        } else {
            tx.insert_alerts(fid, &new)?
        };
        for ((p, alert), written) in alerts.iter().zip(written) {
            if !written {
                continue;
            }
            out.alerts += 1;
            if let Some(webhook) = p.webhook_id {
                let data = route::alert_data(
                    alert.id,
                    alert.kind,
                    e,
                    artefact_id,
                    &alert.purposes,
                    principal_id.as_deref(),
                    first,
                );
                deliveries.push(NewDelivery {
                    channel: Channel::Webhook,
                    kind: "alert.created".into(),
                    endpoint_id: Some(webhook),
                    destination: None,
                    payload: route::envelope("alert.created", now, data).to_string(),
                    event_id: Some(e.id),
                    dedup_key: format!("alert:{}", p.id),
                    alert_id: Some(alert.id),
                    principal: e.principal,
                });
            }
        }
    }
    if !deliveries.is_empty() {
        out.webhooks += tx
            .insert_deliveries(fid, &deliveries)?
            .into_iter()
            .filter(|q| *q)
            .count();
    }

    // The principal (or, for a notice change, every principal holding consent under it).
    if let Some(template) = route::principal_template(&e.event) {
        let how = Telling {
            template,
            fiduciary,
            settings,
        };
        match (&e.event, &e.principal) {
            (
                DomainEvent::ReconsentRequired {
                    notice_id,
                    notice_version,
                    ..
                },
                _,
            ) => {
                for (p, lang) in tx.holders_of_notice(fid, *notice_id, *notice_version)? {
                    notify_principal(tx, cache, e, &p, &lang, &how, &mut out)?;
                }
            }
            (ev, Some(p)) => {
                let lang = match ev {
                    DomainEvent::ConsentCollected(c)
                    | DomainEvent::ConsentUpdated(c)
                    | DomainEvent::ConsentRenewed(c)
                    | DomainEvent::ConsentWithdrawn(c)
                    | DomainEvent::ConsentExpired(c) => c.language.clone(),
                    DomainEvent::RenewalDue(r) => r.language.clone(),
                    DomainEvent::CaseStatusChanged { language, .. } => language.clone(),
                    DomainEvent::ErasureDue { language, .. } => language.clone(),
                    _ => Lang::parse("en").expect("en"),
                };
                notify_principal(tx, cache, e, p, &lang, &how, &mut out)?;
            }
            _ => {}
        }
    }

    // The renewal reminder a consent change plans (or cancels).
    plan_renewal(tx, cache, e, settings)?;
    Ok(out)
}

/// After a consent change, plans the artefact's renewal reminder: N days before its earliest
/// active expiry, N being the smallest renewal notice of the purposes expiring then (the
/// fiduciary's default for purposes without one). Without an active expiry, drops the plan.
fn plan_renewal<T: NotifyPort + ?Sized>(
    tx: &mut T,
    cache: &mut FanOutCache,
    e: &StoredEvent,
    settings: &NotifySettings,
) -> Result<()> {
    let fid = e.fiduciary_id;
    let change = match &e.event {
        DomainEvent::ConsentCollected(c)
        | DomainEvent::ConsentUpdated(c)
        | DomainEvent::ConsentRenewed(c)
        | DomainEvent::ConsentWithdrawn(c)
        | DomainEvent::ConsentExpired(c) => c,
        _ => return Ok(()),
    };
    let Some(artefact) = tx.artefact(fid, change.artefact_id)? else {
        return Ok(());
    };
    if artefact.version != change.version {
        // A later change exists: its own event plans.
        return Ok(());
    }
    let Some(expires_at) = artefact
        .purposes
        .iter()
        .filter(|p| p.status == Status::Active)
        .filter_map(|p| p.expires_at)
        .min()
    else {
        tx.drop_renewal(fid, change.artefact_id)?;
        return Ok(());
    };
    let mut days = settings.renewal_notice_days;
    for p in artefact
        .purposes
        .iter()
        .filter(|p| p.status == Status::Active && p.expires_at == Some(expires_at))
    {
        if let Some(n) = cache
            .purpose(tx, fid, &p.purpose)?
            .and_then(|p| p.renewal_notice_days)
        {
            days = days.min(n);
        }
    }
    let remind_at = expires_at - Duration::days(days as i64);
    if remind_at <= e.at {
        // The notice period is as long as the grant: the principal just decided, a reminder
        // now would be noise.
        tx.drop_renewal(fid, change.artefact_id)?;
        return Ok(());
    }
    tx.plan_renewal(fid, change.artefact_id, remind_at, expires_at)
        .map_err(Into::into)
}

/// Emits `renewal_due` for reminders that fell due (the artefact still has active purposes
/// expiring then); each reminder once. Returns how many were sent.
pub fn remind_due<T: NotifyPort + ?Sized>(tx: &mut T, limit: usize) -> Result<usize> {
    let now = tx.now();
    let mut sent = 0;
    for due in tx.due_renewals(now, limit)? {
        tx.drop_renewal(due.fiduciary_id, due.artefact_id)?;
        let Some(a) = tx.artefact(due.fiduciary_id, due.artefact_id)? else {
            continue;
        };
        let purposes: Vec<String> = a
            .purposes
            .iter()
            .filter(|p| p.status == Status::Active && p.expires_at == Some(due.expires_at))
            .map(|p| p.purpose.clone())
            .collect();
        if purposes.is_empty() || due.expires_at <= now {
            continue;
        }
        let event = DomainEvent::RenewalDue(RenewalDue {
            artefact_id: a.id,
            version: a.version,
            language: a.language.clone(),
            purposes,
            expires_at: due.expires_at,
        });
        tx.emit(a.fiduciary_id, Some(&a.principal_id), &event)?;
        sent += 1;
    }
    Ok(sent)
}

/// Escalates unconfirmed alerts whose time has come: a ledger entry, an e-mail to the DPO (when
/// the fiduciary set an address) and an `alert.escalated` webhook to the fiduciary's endpoints;
/// after the first escalation the alert waits for the second, after the second for nothing.
pub fn escalate_due<T: NotifyPort + ?Sized>(tx: &mut T, limit: usize) -> Result<usize> {
    let now = tx.now();
    let mut n = 0;
    for (fid, alert) in tx.due_escalations(now, limit)? {
        let settings = tx.notify_settings(fid)?;
        let level = alert.escalation_level.saturating_add(1).min(2);
        let next = (level < 2).then(|| {
            route::escalation_times(
                alert.created_at,
                settings.escalate_after_hours,
                settings.escalate_again_after_hours,
            )
            .1
        });
        tx.escalated(fid, alert.id, level, next)?;
        let mut rec = AuditRecord::admin(
            Action::AlertEscalated,
            fid,
            format!("level {level}; processor {}", alert.processor_id),
            "system",
        );
        rec.artefact_id = Some(alert.artefact_id);
        tx.append_audit(&rec)?;
        let overdue_hours = (now - alert.created_at).whole_hours().max(0);
        let data = json!({
            "alert_id": alert.id,
            "processor_id": alert.processor_id,
            "processor": alert.processor_name,
            "artefact_id": alert.artefact_id,
            "purposes": alert.purposes,
            "level": level,
            "overdue_hours": overdue_hours,
        });
        let body = route::envelope("alert.escalated", now, data).to_string();
        for ep in tx.endpoints(fid)? {
            if ep.processor_id.is_some()
                || !(ep.event_types.is_empty()
                    || ep.event_types.iter().any(|t| t == "alert.escalated"))
            {
                continue;
            }
            tx.insert_delivery(
                fid,
                &NewDelivery {
                    channel: Channel::Webhook,
                    kind: "alert.escalated".into(),
                    endpoint_id: Some(ep.id),
                    destination: None,
                    payload: body.clone(),
                    event_id: None,
                    dedup_key: format!("escalation:{}:{level}:{}", alert.id, ep.id),
                    alert_id: Some(alert.id),
                    principal: None,
                },
            )?;
        }
        if let Some(to) = &settings.dpo_email {
            let fiduciary = tx.fiduciary_name(fid)?.unwrap_or_default();
            let lang = settings.dpo_language.clone();
            let vars = json!({
                "fiduciary": fiduciary,
                "dashboard_url": settings.dashboard_url,
                "processor": alert.processor_name,
                "purposes": names(tx, &mut FanOutCache::default(), fid, &alert.purposes, &lang)?,
                "alert_id": alert.id.to_string(),
                "overdue_hours": overdue_hours,
                "level": level,
            });
            queue_dpo_email(
                tx,
                fid,
                &DpoEmail {
                    to,
                    lang: &lang,
                    template: "alert_escalated",
                    kind: "alert.escalated",
                    vars: &vars,
                    dedup_key: format!("escalation:{}:{level}:dpo", alert.id),
                    alert_id: Some(alert.id),
                },
            )?;
        }
        n += 1;
    }
    Ok(n)
}

/// A processor confirms it stopped processing (BRD 4.4.2). Only the processor the alert is for
/// may: for anyone else it does not exist (404). Confirming twice is not an error; the first
/// confirmation stands.
pub fn acknowledge_alert<T: NotifyPort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    processor: Uuid,
    id: Uuid,
    note: Option<&str>,
) -> Result<Alert> {
    let fid = actor.fiduciary_id;
    let not_found =
        || DomainError::not_found("alert_not_found", "no such alert for this processor");
    let alert = tx.alert(fid, id)?.ok_or_else(not_found)?;
    if alert.processor_id != processor {
        return Err(not_found().into());
    }
    if let Some(n) = note {
        crate::usecases::check_text("note", n, 1000)?;
    }
    if alert.acknowledged_at.is_some() {
        return Ok(alert);
    }
    tx.acknowledge_alert(fid, id, note)?;
    let mut rec = actor.record(Action::AlertAcknowledged);
    rec.artefact_id = Some(alert.artefact_id);
    rec.outcome = format!("alert {id}");
    tx.append_audit(&rec)?;
    Ok(tx.alert(fid, id)?.ok_or_else(not_found)?)
}

/// A principal acknowledges a message in their inbox (BRD 4.4.1); recorded in the ledger.
/// Someone else's message, or none: 404.
pub fn acknowledge_inbox<T: NotifyPort + ?Sized>(
    tx: &mut T,
    fid: Uuid,
    p: &Pseudonym,
    id: Uuid,
) -> Result<InboxItem> {
    let not_found = || DomainError::not_found("notification_not_found", "no such notification");
    let item = tx.inbox_item(fid, p, id)?.ok_or_else(not_found)?;
    if item.acknowledged_at.is_some() {
        return Ok(item);
    }
    tx.acknowledge_inbox(fid, p, id)?;
    let mut rec = AuditRecord::admin(
        Action::NotificationAcknowledged,
        fid,
        format!("notification {id}"),
        "principal",
    );
    rec.artefact_id = item.artefact_id;
    tx.record_for_pseudonym(&rec, p)?;
    Ok(tx.inbox_item(fid, p, id)?.ok_or_else(not_found)?)
}

/// What registering a processor takes.
#[derive(Clone, Debug)]
pub struct NewProcessor {
    pub name: String,
    pub purposes: Vec<String>,
    /// Its webhook endpoint, already checked by the caller (https, an allowed address), with a
    /// fresh secret (`whsec_...`).
    pub webhook: Option<(String, String)>,
}

fn check_purposes<T: NotifyPort + ?Sized>(tx: &mut T, fid: Uuid, codes: &[String]) -> Result<()> {
    if codes.is_empty() || codes.len() > 200 {
        return Err(DomainError::invalid(
            "invalid_purposes",
            "a processor processes between 1 and 200 purposes",
        )
        .into());
    }
    let mut seen = BTreeSet::new();
    for c in codes {
        if !seen.insert(c) {
            return Err(DomainError::invalid(
                "invalid_purposes",
                format!("purpose {c:?} is listed twice"),
            )
            .into());
        }
        if tx.purpose(fid, c)?.is_none() {
            return Err(DomainError::invalid(
                "unknown_purpose",
                format!("purpose {c:?} does not exist"),
            )
            .into());
        }
    }
    Ok(())
}

/// Registers a processor (and its webhook endpoint). Returns it with the endpoint.
pub fn register_processor<T: NotifyPort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    input: NewProcessor,
) -> Result<(Processor, Option<Endpoint>)> {
    let fid = actor.fiduciary_id;
    let name = input.name.trim().to_string();
    crate::usecases::check_text("name", &name, 200)?;
    if name.is_empty() {
        return Err(DomainError::invalid("invalid_name", "name must not be empty").into());
    }
    check_purposes(tx, fid, &input.purposes)?;
    if tx
        .processors(fid)?
        .iter()
        .any(|p| p.name == name && p.disabled_at.is_none())
    {
        return Err(DomainError::conflict(
            "already_exists",
            format!("a processor named {name:?} exists"),
        )
        .into());
    }
    let now = tx.now();
    let id = Uuid::now_v7();
    let endpoint = input.webhook.as_ref().map(|(url, _)| Endpoint {
        id: Uuid::now_v7(),
        processor_id: Some(id),
        url: url.clone(),
        event_types: vec!["alert.created".into()],
        created_at: now,
        rotated_at: None,
        previous_secret_until: None,
    });
    let p = Processor {
        id,
        name,
        purposes: input.purposes,
        webhook_id: endpoint.as_ref().map(|e| e.id),
        created_at: now,
        disabled_at: None,
    };
    tx.insert_processor(fid, &p)?;
    if let (Some(ep), Some((_, secret))) = (&endpoint, &input.webhook) {
        tx.insert_endpoint(fid, ep, secret)?;
    }
    let mut rec = actor.record(Action::ProcessorRegistered);
    rec.outcome = format!("processor {id}; purposes {}", p.purposes.join(" "));
    tx.append_audit(&rec)?;
    Ok((p, endpoint))
}

/// Changes a processor's purposes, or disables it (it then gets no new alerts; its keys are the
/// fiduciary's to revoke).
pub fn update_processor<T: NotifyPort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    id: Uuid,
    purposes: Option<Vec<String>>,
    disabled: Option<bool>,
) -> Result<Processor> {
    let fid = actor.fiduciary_id;
    let mut p = tx
        .processor(fid, id)?
        .ok_or_else(|| DomainError::not_found("processor_not_found", "no such processor"))?;
    if let Some(codes) = purposes {
        check_purposes(tx, fid, &codes)?;
        p.purposes = codes;
    }
    match disabled {
        Some(true) if p.disabled_at.is_none() => p.disabled_at = Some(tx.now()),
        Some(false) => p.disabled_at = None,
        _ => {}
    }
    tx.update_processor(fid, &p)?;
    let mut rec = actor.record(Action::ProcessorChanged);
    rec.outcome = format!(
        "processor {id}; purposes {}; {}",
        p.purposes.join(" "),
        if p.disabled_at.is_some() {
            "disabled"
        } else {
            "enabled"
        }
    );
    tx.append_audit(&rec)?;
    Ok(p)
}

/// Checks webhook event types: known, each once (422 `invalid_event_types`).
pub fn check_event_types(types: &[String]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for t in types {
        if !route::WEBHOOK_TYPES.contains(&t.as_str()) || !seen.insert(t) {
            return Err(DomainError::invalid(
                "invalid_event_types",
                format!("{t:?} is not a webhook event type, or is listed twice"),
            )
            .into());
        }
    }
    Ok(())
}

/// Registers a webhook endpoint of the fiduciary (`url` already checked by the caller).
pub fn register_endpoint<T: NotifyPort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    url: String,
    event_types: Vec<String>,
    secret: &str,
) -> Result<Endpoint> {
    check_event_types(&event_types)?;
    let fid = actor.fiduciary_id;
    if tx.endpoints(fid)?.len() >= 50 {
        return Err(DomainError::invalid(
            "too_many_endpoints",
            "a fiduciary has at most 50 webhook endpoints",
        )
        .into());
    }
    let e = Endpoint {
        id: Uuid::now_v7(),
        processor_id: None,
        url,
        event_types,
        created_at: tx.now(),
        rotated_at: None,
        previous_secret_until: None,
    };
    tx.insert_endpoint(fid, &e, secret)?;
    let mut rec = actor.record(Action::WebhookChanged);
    rec.outcome = format!("endpoint {} registered", e.id);
    tx.append_audit(&rec)?;
    Ok(e)
}

fn endpoint_of<T: NotifyPort + ?Sized>(tx: &mut T, fid: Uuid, id: Uuid) -> Result<Endpoint> {
    tx.endpoints(fid)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| {
            DomainError::not_found("endpoint_not_found", "no such webhook endpoint").into()
        })
}

/// Gives an endpoint a new secret; the old one keeps signing for `overlap_hours` (0-168), so a
/// receiver can switch without losing a message.
pub fn rotate_endpoint<T: NotifyPort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    id: Uuid,
    secret: &str,
    overlap_hours: u32,
) -> Result<Endpoint> {
    if overlap_hours > 168 {
        return Err(DomainError::invalid(
            "invalid_overlap",
            "overlap_hours must be between 0 and 168",
        )
        .into());
    }
    let fid = actor.fiduciary_id;
    endpoint_of(tx, fid, id)?;
    let until = tx.now() + Duration::hours(overlap_hours as i64);
    tx.rotate_secret(fid, id, secret, until)?;
    let mut rec = actor.record(Action::WebhookChanged);
    rec.outcome = format!("endpoint {id} secret rotated; overlap {overlap_hours} h");
    tx.append_audit(&rec)?;
    endpoint_of(tx, fid, id)
}

/// Removes an endpoint (a processor's too: the processor then has none).
pub fn delete_endpoint<T: NotifyPort + ?Sized>(tx: &mut T, actor: &Actor, id: Uuid) -> Result<()> {
    let fid = actor.fiduciary_id;
    let e = endpoint_of(tx, fid, id)?;
    if let Some(pid) = e.processor_id
        && let Some(mut p) = tx.processor(fid, pid)?
    {
        p.webhook_id = None;
        tx.update_processor(fid, &p)?;
    }
    tx.delete_endpoint(fid, id)?;
    let mut rec = actor.record(Action::WebhookChanged);
    rec.outcome = format!("endpoint {id} removed");
    tx.append_audit(&rec)?;
    Ok(())
}

/// Checks and saves a fiduciary's settings (the DPO address and the dashboard link checked by
/// shape; the dashboard link must be https).
pub fn save_settings<T: NotifyPort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    s: NotifySettings,
) -> Result<NotifySettings> {
    let invalid = |m: &str| -> crate::Error { DomainError::invalid("invalid_settings", m).into() };
    if let Some(e) = &s.dpo_email
        && !matches!(
            crate::principal::contact::normalise(e),
            Some((crate::principal::contact::ContactKind::Email, _))
        )
    {
        return Err(invalid("dpo_email is not an e-mail address"));
    }
    if !(1..=720).contains(&s.escalate_after_hours)
        || !(1..=2160).contains(&s.escalate_again_after_hours)
    {
        return Err(invalid(
            "escalate_after_hours must be 1-720 and escalate_again_after_hours 1-2160",
        ));
    }
    if s.escalate_again_after_hours < s.escalate_after_hours {
        return Err(invalid(
            "escalate_again_after_hours must not come before escalate_after_hours",
        ));
    }
    if !(1..=365).contains(&s.renewal_notice_days) {
        return Err(invalid("renewal_notice_days must be 1-365"));
    }
    let mut seen = BTreeSet::new();
    if !s.principal_channels.iter().all(|c| seen.insert(c.as_str())) {
        return Err(invalid("principal_channels lists a channel twice"));
    }
    if let Some(u) = &s.dashboard_url
        && (!u.starts_with("https://") || u.len() > 500 || crate::text::has_forbidden(u))
    {
        return Err(invalid(
            "dashboard_url must be an https URL of at most 500 characters",
        ));
    }
    tx.save_notify_settings(actor.fiduciary_id, &s)?;
    tx.append_audit(&actor.record(Action::NotificationSettingsChanged))?;
    Ok(s)
}

/// Saves a fiduciary's template for an event and language, after checking it (422
/// `invalid_template`); None puts the built-in one back.
pub fn save_template<T: NotifyPort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    event: &str,
    lang: &Lang,
    source: Option<&TemplateSource>,
) -> Result<()> {
    if !templates::EVENTS.contains(&event) {
        return Err(DomainError::not_found(
            "template_not_found",
            format!("no notification event is called {event:?}"),
        )
        .into());
    }
    if let Some(t) = source {
        templates::validate(event, t)
            .map_err(|e| DomainError::invalid("invalid_template", e.to_string()))?;
    }
    tx.save_template(actor.fiduciary_id, event, lang, source)?;
    let mut rec = actor.record(Action::NotificationTemplateChanged);
    rec.outcome = format!(
        "{event}/{lang} {}",
        if source.is_some() { "saved" } else { "reset" }
    );
    tx.append_audit(&rec)?;
    Ok(())
}

/// Staff send a dead-lettered delivery again (404 when there is no such dead delivery).
pub fn replay_delivery<T: NotifyPort + ?Sized>(tx: &mut T, actor: &Actor, id: &str) -> Result<()> {
    if !tx.replay_delivery(actor.fiduciary_id, id)? {
        return Err(DomainError::not_found(
            "delivery_not_found",
            "no dead-lettered delivery has this id",
        )
        .into());
    }
    let mut rec = actor.record(Action::DeliveryReplayed);
    rec.outcome = id.to_string();
    tx.append_audit(&rec)?;
    Ok(())
}
