//! The SQL of notifications and alerts ([`NotifyPort`] for `anumodan_core::notify`'s use
//! cases), and the reads and writes of the dispatchers and the API.
//!
//! What is sealed, and under what: a principal's inbox messages and outbox messages under their
//! data key (erasure makes them unreadable); webhook secrets, webhook bodies and staff e-mail
//! addresses under the master key (`MasterKeys::seal_secret`, bound to the row's id). A sent
//! delivery keeps no body.

use crate::conv::{db_err, fiduciary_row, from_ms, ms, to_json};
use crate::db::{Connection, OptionalExtension, Param, params};
use crate::keys::Keys;
use crate::read::parse_uuid;
use crate::tx::WriteTx;
use crate::vault::Vault;
use anumodan_core::audit::AuditRecord;
use anumodan_core::lang::Lang;
use anumodan_core::notify::model::*;
use anumodan_core::notify::templates::TemplateSource;
use anumodan_core::ports::notify::DueRenewal;
use anumodan_core::ports::{NotifyPort, PrincipalPort, StoreError, StoreResult, Tx};
use anumodan_core::principal::Pseudonym;
use time::OffsetDateTime;
use uuid::Uuid;
use zeroize::Zeroizing;

fn poisoned() -> StoreError {
    StoreError::internal("master keys lock poisoned")
}

fn seal_master(keys: &Keys, domain: &str, id: &str, plain: &[u8]) -> StoreResult<Vec<u8>> {
    let aad = [domain.as_bytes(), b"\0", id.as_bytes()].concat();
    Ok(keys
        .masters
        .read()
        .map_err(|_| poisoned())?
        .seal_secret(&aad, plain))
}

fn open_master(keys: &Keys, domain: &str, id: &str, blob: &[u8]) -> StoreResult<Zeroizing<String>> {
    let aad = [domain.as_bytes(), b"\0", id.as_bytes()].concat();
    let plain = keys
        .masters
        .read()
        .map_err(|_| poisoned())?
        .open_secret(&aad, blob)
        .ok_or_else(|| {
            StoreError::corrupt(format!(
                "a sealed {domain} does not open under any master key (missing key file?)"
            ))
        })?;
    String::from_utf8(plain.to_vec())
        .map(Zeroizing::new)
        .map_err(|e| StoreError::corrupt(e.to_string()))
}

const SECRET: &str = "anumodan webhook secret";
const PREVIOUS: &str = "anumodan webhook previous secret";
const PAYLOAD: &str = "anumodan delivery payload";
const DESTINATION: &str = "anumodan delivery destination";

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

/// A new message id: `msg_` and a time-ordered UUID, the form Standard Webhooks suggests.
fn message_id() -> String {
    format!("msg_{}", Uuid::now_v7().simple())
}

type ProcessorRow = (String, String, String, Option<String>, i64, Option<i64>);

fn processor_of(row: ProcessorRow) -> StoreResult<Processor> {
    let (id, name, purposes, webhook, created, disabled) = row;
    Ok(Processor {
        id: parse_uuid(&id)?,
        name,
        purposes: words(&purposes),
        webhook_id: webhook.as_deref().map(parse_uuid).transpose()?,
        created_at: from_ms(created),
        disabled_at: disabled.map(from_ms),
    })
}

/// The processors of fiduciary row `f`.
pub fn processors(conn: &Connection, f: i64) -> StoreResult<Vec<Processor>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT uuid, name, purposes, webhook, created_at, disabled_at FROM processors
             WHERE fiduciary = ?1 ORDER BY id",
        )
        .map_err(db_err)?;
    let rows: Vec<ProcessorRow> = stmt
        .query_map([f], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    rows.into_iter().map(processor_of).collect()
}

type EndpointRow = (
    String,
    Option<String>,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
);

/// The webhook endpoints of fiduciary row `f`.
pub fn endpoints(conn: &Connection, f: i64) -> StoreResult<Vec<Endpoint>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT uuid, processor, url, event_types, created_at, rotated_at, previous_until
             FROM webhook_endpoints WHERE fiduciary = ?1 ORDER BY id",
        )
        .map_err(db_err)?;
    let rows: Vec<EndpointRow> = stmt
        .query_map([f], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    rows.into_iter()
        .map(|(id, processor, url, types, created, rotated, prev)| {
            Ok(Endpoint {
                id: parse_uuid(&id)?,
                processor_id: processor.as_deref().map(parse_uuid).transpose()?,
                url,
                event_types: words(&types),
                created_at: from_ms(created),
                rotated_at: rotated.map(from_ms),
                previous_secret_until: prev.map(from_ms),
            })
        })
        .collect()
}

const ALERT_COLUMNS: &str =
    "a.uuid, a.processor, COALESCE(p.name, ''), a.kind, a.artefact, a.purposes,
    a.event_id, a.created_at, a.acknowledged_at, a.note, a.escalation, a.escalates_at, f.uuid";

type AlertRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    i64,
    Option<i64>,
    String,
);

fn alerts_where(
    conn: &Connection,
    clause: &str,
    args: impl crate::db::Params,
) -> StoreResult<Vec<(Uuid, Alert)>> {
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts a
         JOIN fiduciaries f ON f.id = a.fiduciary
         LEFT JOIN processors p ON p.uuid = a.processor
         WHERE {clause}"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(db_err)?;
    let rows: Vec<AlertRow> = stmt
        .query_map(args, |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    rows.into_iter()
        .map(|r| {
            let kind = AlertKind::parse(&r.3)
                .ok_or_else(|| StoreError::corrupt(format!("alert kind {:?}", r.3)))?;
            Ok((
                parse_uuid(&r.12)?,
                Alert {
                    id: parse_uuid(&r.0)?,
                    processor_id: parse_uuid(&r.1)?,
                    processor_name: r.2,
                    kind,
                    artefact_id: parse_uuid(&r.4)?,
                    purposes: words(&r.5),
                    event_id: r.6,
                    created_at: from_ms(r.7),
                    acknowledged_at: r.8.map(from_ms),
                    note: r.9,
                    escalation_level: r.10.clamp(0, 2) as u8,
                    escalates_at: r.11.map(from_ms),
                },
            ))
        })
        .collect()
}

/// Which alerts to list.
#[derive(Clone, Debug, Default)]
pub struct AlertFilter {
    /// Only this processor's.
    pub processor: Option<Uuid>,
    pub artefact: Option<Uuid>,
    /// `open` (unconfirmed), `overdue` (unconfirmed and escalated), `acknowledged`.
    pub state: Option<String>,
    /// Row id to continue after (newest first: alerts older than it).
    pub before: Option<Uuid>,
    pub limit: usize,
}

/// A fiduciary's alerts, newest first.
pub fn alerts(conn: &Connection, fid: Uuid, filter: &AlertFilter) -> StoreResult<Vec<Alert>> {
    let mut clause = String::from("f.uuid = ?1");
    if filter.processor.is_some() {
        clause.push_str(" AND a.processor = ?2");
    } else {
        clause.push_str(" AND ?2 = ?2");
    }
    if filter.artefact.is_some() {
        clause.push_str(" AND a.artefact = ?3");
    } else {
        clause.push_str(" AND ?3 = ?3");
    }
    match filter.state.as_deref() {
        Some("open") => clause.push_str(" AND a.acknowledged_at IS NULL"),
        Some("overdue") => clause.push_str(" AND a.acknowledged_at IS NULL AND a.escalation > 0"),
        Some("acknowledged") => clause.push_str(" AND a.acknowledged_at IS NOT NULL"),
        _ => {}
    }
    clause.push_str(
        " AND a.id < COALESCE((SELECT id FROM alerts WHERE uuid = ?4), 9223372036854775807)
          ORDER BY a.id DESC LIMIT ?5",
    );
    let out = alerts_where(
        conn,
        &clause,
        params![
            fid.to_string(),
            filter.processor.map(|p| p.to_string()).unwrap_or_default(),
            filter.artefact.map(|p| p.to_string()).unwrap_or_default(),
            filter.before.map(|p| p.to_string()).unwrap_or_default(),
            filter.limit as i64
        ],
    )?;
    Ok(out.into_iter().map(|(_, a)| a).collect())
}

/// A principal's inbox, newest first: up to `limit` messages before `before` (an id).
pub fn inbox(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    p: &Pseudonym,
    before: Option<Uuid>,
    unread_only: bool,
    limit: usize,
) -> StoreResult<Vec<InboxItem>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(vec![]);
    };
    let clause = format!(
        "i.fiduciary = ?1 AND i.pseudonym = ?2 {}
         AND i.id < COALESCE((SELECT id FROM inbox WHERE uuid = ?3), 9223372036854775807)
         ORDER BY i.id DESC LIMIT ?4",
        if unread_only {
            "AND i.acknowledged_at IS NULL"
        } else {
            ""
        }
    );
    inbox_where(
        conn,
        keys,
        f,
        fid,
        &clause,
        params![
            f,
            &p[..],
            before.map(|b| b.to_string()).unwrap_or_default(),
            limit as i64
        ],
    )
}

type InboxRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
);

fn inbox_where(
    conn: &Connection,
    keys: &Keys,
    f: i64,
    fid: Uuid,
    clause: &str,
    args: impl crate::db::Params,
) -> StoreResult<Vec<InboxItem>> {
    let sql = format!(
        "SELECT i.uuid, i.kind, i.language, i.title, i.body, i.artefact, i.created_at, i.acknowledged_at
         FROM inbox i WHERE {clause}"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(db_err)?;
    let rows: Vec<InboxRow> = stmt
        .query_map(args, |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut vault = Vault::new(conn, keys, f, fid);
    rows.into_iter()
        .map(|(id, kind, lang, title, body, artefact, created, acked)| {
            Ok(InboxItem {
                id: parse_uuid(&id)?,
                kind,
                language: Lang::parse(&lang)
                    .ok_or_else(|| StoreError::corrupt(format!("inbox language {lang:?}")))?,
                title: vault.open_field("inbox.title", &title)?,
                body: vault.open_field("inbox.body", &body)?,
                artefact_id: artefact.as_deref().map(parse_uuid).transpose()?,
                created_at: from_ms(created),
                acknowledged_at: acked.map(from_ms),
            })
        })
        .collect()
}

fn body_of<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    args: impl crate::db::Params,
) -> StoreResult<Option<T>> {
    let body: Option<String> = conn
        .prepare_cached(sql)
        .map_err(db_err)?
        .query_row(args, |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    body.map(|b| serde_json::from_str(&b).map_err(crate::conv::json_err))
        .transpose()
}

/// Fiduciary row `f`'s notification settings (the defaults when it never saved any).
fn settings(conn: &Connection, f: i64) -> StoreResult<NotifySettings> {
    Ok(body_of(
        conn,
        "SELECT body FROM notify_settings WHERE fiduciary = ?1",
        [f],
    )?
    .unwrap_or_default())
}

fn preferred_language(conn: &Connection, f: i64, p: &Pseudonym) -> StoreResult<Option<Lang>> {
    let lang: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT language FROM principal_prefs WHERE fiduciary = ?1 AND pseudonym = ?2",
        )
        .map_err(db_err)?
        .query_row(params![f, &p[..]], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    Ok(lang.flatten().and_then(|l| Lang::parse(&l)))
}

fn custom_template(
    conn: &Connection,
    f: i64,
    event: &str,
    lang: &Lang,
) -> StoreResult<Option<TemplateSource>> {
    body_of(
        conn,
        "SELECT body FROM notification_templates
         WHERE fiduciary = ?1 AND event = ?2 AND language = ?3",
        params![f, event, lang.as_str()],
    )
}

/// A fiduciary's notification settings (for the API: a read, off the writer).
pub fn settings_of(conn: &Connection, fid: Uuid) -> StoreResult<NotifySettings> {
    match fiduciary_row(conn, fid)? {
        Some(f) => settings(conn, f),
        None => Ok(NotifySettings::default()),
    }
}

/// The language a principal chose for their messages (for the API).
pub fn preferred_language_of(
    conn: &Connection,
    fid: Uuid,
    p: &Pseudonym,
) -> StoreResult<Option<Lang>> {
    match fiduciary_row(conn, fid)? {
        Some(f) => preferred_language(conn, f, p),
        None => Ok(None),
    }
}

/// A fiduciary's own template for an event and language (for the API).
pub fn custom_template_of(
    conn: &Connection,
    fid: Uuid,
    event: &str,
    lang: &Lang,
) -> StoreResult<Option<TemplateSource>> {
    match fiduciary_row(conn, fid)? {
        Some(f) => custom_template(conn, f, event, lang),
        None => Ok(None),
    }
}

/// Events, each with the fiduciary's id for its principal; and the position reached.
pub type EventPage = (
    Vec<(anumodan_core::events::StoredEvent, Option<String>)>,
    i64,
);

/// A page of a fiduciary's events after `after` (see `events::of_fiduciary`), each with the
/// fiduciary's id for its principal, opened, when one is attached and kept on their row.
pub fn events_of(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    after: i64,
    limit: usize,
) -> StoreResult<EventPage> {
    let (events, reached) = crate::events::of_fiduciary(conn, fid, after, limit)?;
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok((vec![], reached));
    };
    let mut vault = Vault::new(conn, keys, f, fid);
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let principal = match &e.principal {
            Some(p) => vault.identity(p)?,
            None => None,
        };
        out.push((e, principal));
    }
    Ok((out, reached))
}

/// The processors of a fiduciary (for the API).
pub fn processors_of(conn: &Connection, fid: Uuid) -> StoreResult<Vec<Processor>> {
    match fiduciary_row(conn, fid)? {
        Some(f) => processors(conn, f),
        None => Ok(vec![]),
    }
}

/// The webhook endpoints of a fiduciary (for the API).
pub fn endpoints_of(conn: &Connection, fid: Uuid) -> StoreResult<Vec<Endpoint>> {
    match fiduciary_row(conn, fid)? {
        Some(f) => endpoints(conn, f),
        None => Ok(vec![]),
    }
}

type DeliveryRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    Option<String>,
    i64,
    i64,
    Option<i64>,
);

/// A fiduciary's deliveries, newest first, optionally of one status (no bodies, no
/// destinations): webhooks and staff e-mails, or (`to_principals`) the e-mails and SMS to
/// principals that the outbox carries (sign-in codes excepted).
pub fn deliveries(
    conn: &Connection,
    fid: Uuid,
    to_principals: bool,
    status: Option<DeliveryStatus>,
    before: Option<&str>,
    limit: usize,
) -> StoreResult<Vec<DeliveryInfo>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(vec![]);
    };
    let with_status = if status.is_some() {
        "AND status = ?2"
    } else {
        "AND ?2 = ?2"
    };
    let sql = if to_principals {
        format!(
            "SELECT uuid, channel, kind, NULL, status, attempts, last_error, created_at,
                    next_attempt_at, sent_at FROM (
               SELECT id, uuid, channel, kind, attempts, last_error, created_at, next_attempt_at,
                      sent_at, fiduciary,
                      CASE WHEN sent_at IS NOT NULL THEN 'sent'
                           WHEN dead_at IS NOT NULL THEN 'dead' ELSE 'pending' END AS status
               FROM outbox WHERE kind IS NOT NULL AND uuid IS NOT NULL) o
             WHERE fiduciary = ?1 {with_status}
               AND id < COALESCE((SELECT id FROM outbox WHERE uuid = ?3), 9223372036854775807)
             ORDER BY id DESC LIMIT ?4"
        )
    } else {
        format!(
            "SELECT uuid, channel, kind, endpoint, status, attempts, last_error, created_at,
                    next_attempt_at, sent_at
             FROM deliveries WHERE fiduciary = ?1 {with_status}
               AND id < COALESCE((SELECT id FROM deliveries WHERE uuid = ?3), 9223372036854775807)
             ORDER BY id DESC LIMIT ?4"
        )
    };
    let mut stmt = conn.prepare_cached(&sql).map_err(db_err)?;
    let rows: Vec<DeliveryRow> = stmt
        .query_map(
            params![
                f,
                status.map(|s| s.as_str()).unwrap_or_default(),
                before.unwrap_or_default(),
                limit as i64
            ],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            },
        )
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    rows.into_iter()
        .map(
            |(id, channel, kind, endpoint, status, attempts, err, created, next, sent)| {
                let status = DeliveryStatus::parse(&status)
                    .ok_or_else(|| StoreError::corrupt(format!("delivery status {status:?}")))?;
                Ok(DeliveryInfo {
                    id,
                    channel: Channel::parse(&channel)
                        .ok_or_else(|| StoreError::corrupt(format!("channel {channel:?}")))?,
                    kind,
                    endpoint_id: endpoint.as_deref().map(parse_uuid).transpose()?,
                    status,
                    attempts: attempts.max(0) as u32,
                    last_error: err,
                    created_at: from_ms(created),
                    next_attempt_at: (status == DeliveryStatus::Pending).then(|| from_ms(next)),
                    sent_at: sent.map(from_ms),
                })
            },
        )
        .collect()
}

type DueRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    i64,
);

/// Deliveries due at `now`, oldest first, opened (with their endpoints' live secrets).
pub fn due_deliveries(
    conn: &Connection,
    keys: &Keys,
    now: OffsetDateTime,
    limit: usize,
) -> StoreResult<Vec<DueDelivery>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT d.id, d.uuid, f.uuid, d.channel, d.kind, d.attempts, d.endpoint, d.destination,
                    d.payload, d.created_at
             FROM deliveries d JOIN fiduciaries f ON f.id = d.fiduciary
             WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
             ORDER BY d.next_attempt_at, d.id LIMIT ?2",
        )
        .map_err(db_err)?;
    let rows: Vec<DueRow> = stmt
        .query_map(params![ms(now), limit as i64], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(rows.len());
    // A round's deliveries mostly go to a few endpoints: each is read and opened once.
    let mut targets: std::collections::HashMap<String, Option<EndpointTarget>> =
        std::collections::HashMap::new();
    for (row, id, fid, channel, kind, attempts, endpoint, dest, payload, created) in rows {
        let endpoint = match endpoint {
            Some(e) => match targets.get(&e) {
                Some(t) => t.clone(),
                None => {
                    let t = endpoint_target(conn, keys, &e, now)?;
                    targets.insert(e, t.clone());
                    t
                }
            },
            None => None,
        };
        out.push(DueDelivery {
            row,
            id: id.clone(),
            fiduciary_id: parse_uuid(&fid)?,
            channel: Channel::parse(&channel)
                .ok_or_else(|| StoreError::corrupt(format!("channel {channel:?}")))?,
            kind,
            attempts: attempts.max(0) as u32,
            endpoint,
            destination: dest
                .map(|d| open_master(keys, DESTINATION, &id, &d))
                .transpose()?,
            payload: match payload {
                Some(p) => open_master(keys, PAYLOAD, &id, &p)?,
                None => Zeroizing::new(String::new()),
            },
            created_at: from_ms(created),
        });
    }
    Ok(out)
}

fn endpoint_target(
    conn: &Connection,
    keys: &Keys,
    id: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<EndpointTarget>> {
    type Row = (String, Vec<u8>, Option<Vec<u8>>, Option<i64>);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT url, secret, previous_secret, previous_until FROM webhook_endpoints WHERE uuid = ?1",
        )
        .map_err(db_err)?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()
        .map_err(db_err)?;
    let Some((url, secret, previous, until)) = row else {
        return Ok(None);
    };
    let mut secrets = vec![open_master(keys, SECRET, id, &secret)?];
    if let (Some(prev), Some(until)) = (previous, until)
        && from_ms(until) > now
    {
        secrets.push(open_master(keys, PREVIOUS, id, &prev)?);
    }
    Ok(Some(EndpointTarget {
        id: parse_uuid(id)?,
        url,
        secrets,
    }))
}

/// Deliveries that went through: marked sent in one statement (their bodies dropped), and recorded in the ledger with one
/// `notification.sent` entry per fiduciary, channel and kind naming every delivery of the batch
/// that this call marked (architecture decision 31): `webhook alert.created msg_a msg_b`. A
/// delivery another node marked first is in its entry, not in this one.
pub fn deliveries_sent(tx: &mut WriteTx<'_>, ds: &[&DueDelivery]) -> StoreResult<()> {
    use crate::db::Arg;
    use std::collections::{BTreeMap, HashSet};
    if ds.is_empty() {
        return Ok(());
    }
    let mut marked: HashSet<i64> = HashSet::with_capacity(ds.len());
    // The list is padded to a power of two (repeating its last row) so that a handful of
    // statements serve every batch size.
    for chunk in ds.chunks(64) {
        let n = chunk.len().next_power_of_two();
        let mut args = vec![Arg::Int(ms(tx.now))];
        args.extend((0..n).map(|i| Arg::Int(chunk[i.min(chunk.len() - 1)].row)));
        let list = (2..n + 2)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE deliveries SET status = 'sent', sent_at = ?1, payload = NULL,
                    destination = NULL, pseudonym = NULL, attempts = attempts + 1, last_error = NULL
             WHERE id IN ({list}) AND status = 'pending' RETURNING id"
        );
        let rows: Vec<i64> = tx
            .conn
            .prepare_cached(&sql)
            .map_err(db_err)?
            .query_map(args, |r| r.get(0))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        marked.extend(rows);
    }
    let mut entries: BTreeMap<(Uuid, &str, &str), Vec<&str>> = BTreeMap::new();
    for d in ds.iter().filter(|d| marked.remove(&d.row)) {
        entries
            .entry((d.fiduciary_id, d.channel.as_str(), d.kind.as_str()))
            .or_default()
            .push(d.id.as_str());
    }
    for ((fid, channel, kind), ids) in entries {
        let mut rec = AuditRecord::admin(
            anumodan_core::audit::Action::NotificationSent,
            fid,
            format!("{channel} {kind} {}", ids.join(" ")),
            "system",
        );
        rec.source_ip = None;
        tx.append_audit(&rec)?;
    }
    Ok(())
}

/// A delivery attempt failed: the next try at `retry_at`, or dead-lettered (None).
pub fn delivery_failed(
    tx: &mut WriteTx<'_>,
    row: i64,
    error: &str,
    retry_at: Option<OffsetDateTime>,
) -> StoreResult<()> {
    let error: String = error.chars().take(500).collect();
    match retry_at {
        Some(at) => tx.exec(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
             WHERE id = ?1 AND status = 'pending'",
            params![row, ms(at), error],
        )?,
        None => tx.exec(
            "UPDATE deliveries SET attempts = attempts + 1, status = 'dead', last_error = ?2
             WHERE id = ?1 AND status = 'pending'",
            params![row, error],
        )?,
    };
    Ok(())
}

impl NotifyPort for WriteTx<'_> {
    fn notify_settings(&mut self, fid: Uuid) -> StoreResult<NotifySettings> {
        let f = self.fid(fid)?;
        settings(self.conn, f)
    }

    fn save_notify_settings(&mut self, fid: Uuid, s: &NotifySettings) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.refusal_events.insert(fid, s.notify_validation_refused);
        self.exec(
            "INSERT INTO notify_settings (fiduciary, body) VALUES (?1, ?2)
             ON CONFLICT (fiduciary) DO UPDATE SET body = excluded.body",
            params![f, to_json(s)?],
        )?;
        Ok(())
    }

    fn fiduciary_name(&mut self, fid: Uuid) -> StoreResult<Option<String>> {
        self.conn
            .prepare_cached("SELECT name FROM fiduciaries WHERE uuid = ?1")
            .map_err(db_err)?
            .query_row([fid.to_string()], |r| r.get(0))
            .optional()
            .map_err(db_err)
    }

    fn processors(&mut self, fid: Uuid) -> StoreResult<Vec<Processor>> {
        let f = self.fid(fid)?;
        processors(self.conn, f)
    }

    fn processor(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Processor>> {
        Ok(self.processors(fid)?.into_iter().find(|p| p.id == id))
    }

    fn insert_processor(&mut self, fid: Uuid, p: &Processor) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO processors (uuid, fiduciary, name, purposes, webhook, created_at, disabled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.id.to_string(),
                f,
                p.name,
                p.purposes.join(" "),
                p.webhook_id.map(|w| w.to_string()),
                ms(p.created_at),
                p.disabled_at.map(ms)
            ],
        )?;
        Ok(())
    }

    fn update_processor(&mut self, fid: Uuid, p: &Processor) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "UPDATE processors SET purposes = ?3, webhook = ?4, disabled_at = ?5
             WHERE fiduciary = ?1 AND uuid = ?2",
            params![
                f,
                p.id.to_string(),
                p.purposes.join(" "),
                p.webhook_id.map(|w| w.to_string()),
                p.disabled_at.map(ms)
            ],
        )?;
        Ok(())
    }

    fn endpoints(&mut self, fid: Uuid) -> StoreResult<Vec<Endpoint>> {
        let f = self.fid(fid)?;
        endpoints(self.conn, f)
    }

    fn insert_endpoint(&mut self, fid: Uuid, e: &Endpoint, secret: &str) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let id = e.id.to_string();
        let sealed = seal_master(self.keys, SECRET, &id, secret.as_bytes())?;
        self.exec(
            "INSERT INTO webhook_endpoints (uuid, fiduciary, processor, url, event_types, secret,
                                            created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                f,
                e.processor_id.map(|p| p.to_string()),
                e.url,
                e.event_types.join(" "),
                sealed,
                ms(e.created_at)
            ],
        )?;
        Ok(())
    }

    fn rotate_secret(
        &mut self,
        fid: Uuid,
        id: Uuid,
        secret: &str,
        previous_until: OffsetDateTime,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let sid = id.to_string();
        let current: Vec<u8> = self
            .conn
            .prepare_cached(
                "SELECT secret FROM webhook_endpoints WHERE fiduciary = ?1 AND uuid = ?2",
            )
            .map_err(db_err)?
            .query_row(params![f, sid], |r| r.get(0))
            .optional()
            .map_err(db_err)?
            .ok_or_else(|| StoreError::not_found(format!("endpoint {id}")))?;
        let old = open_master(self.keys, SECRET, &sid, &current)?;
        let previous = seal_master(self.keys, PREVIOUS, &sid, old.as_bytes())?;
        let sealed = seal_master(self.keys, SECRET, &sid, secret.as_bytes())?;
        self.exec(
            "UPDATE webhook_endpoints SET secret = ?3, previous_secret = ?4, previous_until = ?5,
                    rotated_at = ?6
             WHERE fiduciary = ?1 AND uuid = ?2",
            params![f, sid, sealed, previous, ms(previous_until), ms(self.now)],
        )?;
        Ok(())
    }

    fn delete_endpoint(&mut self, fid: Uuid, id: Uuid) -> StoreResult<bool> {
        let f = self.fid(fid)?;
        let sid = id.to_string();
        self.exec(
            "UPDATE deliveries SET status = 'dead', last_error = 'endpoint removed'
             WHERE fiduciary = ?1 AND endpoint = ?2 AND status = 'pending'",
            params![f, sid],
        )?;
        Ok(self.exec(
            "DELETE FROM webhook_endpoints WHERE fiduciary = ?1 AND uuid = ?2",
            params![f, sid],
        )? == 1)
    }

    fn contacts_of(&mut self, fid: Uuid, p: &Pseudonym) -> StoreResult<Vec<(String, String)>> {
        let f = self.fid(fid)?;
        let rows: Vec<(String, String)> = self
            .conn
            .prepare_cached(
                // By key through the index (a plain `pseudonym = ?2` reads every contact of the
                // fiduciary: SQLite plans it as a range of the primary key).
                "SELECT kind, value FROM principal_contacts WHERE fiduciary = ?1 AND lookup IN
                   (SELECT lookup FROM principal_contacts WHERE fiduciary = ?1 AND pseudonym = ?2)
                 ORDER BY verified_at",
            )
            .map_err(db_err)?
            .query_map(params![f, &p[..]], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        let mut vault = Vault::new(self.conn, self.keys, f, fid);
        let mut out = Vec::new();
        for (kind, sealed) in rows {
            let value = vault.open_field("contact", &sealed)?;
            if value != anumodan_core::mask::ERASED {
                out.push((kind, value));
            }
        }
        Ok(out)
    }

    fn preferred_language(&mut self, fid: Uuid, p: &Pseudonym) -> StoreResult<Option<Lang>> {
        let f = self.fid(fid)?;
        preferred_language(self.conn, f, p)
    }

    fn set_preferred_language(
        &mut self,
        fid: Uuid,
        p: &Pseudonym,
        lang: Option<&Lang>,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO principal_prefs (fiduciary, pseudonym, language) VALUES (?1, ?2, ?3)
             ON CONFLICT (fiduciary, pseudonym) DO UPDATE SET language = excluded.language",
            params![f, &p[..], lang.map(|l| l.as_str().to_string())],
        )?;
        Ok(())
    }

    fn holders_of_notice(
        &mut self,
        fid: Uuid,
        notice: Uuid,
        version: u32,
    ) -> StoreResult<Vec<(Pseudonym, Lang)>> {
        let f = self.fid(fid)?;
        let rows: Vec<(Vec<u8>, String)> = self
            .conn
            .prepare_cached(
                "SELECT principal, MIN(artefact) FROM consent_index
                 WHERE fiduciary = ?1 AND notice = ?2 AND notice_version < ?3 AND status = 'active'
                 GROUP BY principal ORDER BY principal",
            )
            .map_err(db_err)?
            .query_map(params![f, notice.to_string(), version], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for (p, artefact) in rows {
            let Ok(p) = Pseudonym::try_from(&p[..]) else {
                continue;
            };
            let lang = match Tx::artefact(self, fid, parse_uuid(&artefact)?)? {
                Some(a) => a.language,
                None => continue,
            };
            out.push((p, lang));
        }
        Ok(out)
    }

    fn custom_template(
        &mut self,
        fid: Uuid,
        event: &str,
        lang: &Lang,
    ) -> StoreResult<Option<TemplateSource>> {
        let f = self.fid(fid)?;
        custom_template(self.conn, f, event, lang)
    }

    fn save_template(
        &mut self,
        fid: Uuid,
        event: &str,
        lang: &Lang,
        t: Option<&TemplateSource>,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        match t {
            Some(t) => self.exec(
                "INSERT INTO notification_templates (fiduciary, event, language, body, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (fiduciary, event, language) DO UPDATE
                   SET body = excluded.body, updated_at = excluded.updated_at",
                params![f, event, lang.as_str(), to_json(t)?, ms(self.now)],
            )?,
            None => self.exec(
                "DELETE FROM notification_templates
                 WHERE fiduciary = ?1 AND event = ?2 AND language = ?3",
                params![f, event, lang.as_str()],
            )?,
        };
        Ok(())
    }

    fn insert_inbox(
        &mut self,
        fid: Uuid,
        p: &Pseudonym,
        event_id: i64,
        item: &InboxItem,
    ) -> StoreResult<bool> {
        let f = self.fid(fid)?;
        let now = ms(self.now);
        let mut vault = Vault::new(self.conn, self.keys, f, fid);
        let title = vault.seal_for(p, "inbox.title", &item.title, now)?;
        let body = vault.seal_for(p, "inbox.body", &item.body, now)?;
        Ok(self.exec(
            "INSERT INTO inbox (uuid, fiduciary, pseudonym, event_id, kind, language, title, body,
                                artefact, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (fiduciary, pseudonym, event_id) DO NOTHING",
            params![
                item.id.to_string(),
                f,
                &p[..],
                event_id,
                item.kind,
                item.language.as_str(),
                title,
                body,
                item.artefact_id.map(|a| a.to_string()),
                ms(item.created_at)
            ],
        )? == 1)
    }

    fn queue_notification(
        &mut self,
        fid: Uuid,
        p: &Pseudonym,
        m: &PrincipalMessage,
    ) -> StoreResult<bool> {
        let f = self.fid(fid)?;
        let now = ms(self.now);
        // One message per (event, destination): a keyed hash, so the column says nothing of
        // the destination.
        let dedup = self.keys.keyed_hash(
            "outbox-dedup",
            &[
                &fid.as_bytes()[..],
                &m.event_id.to_be_bytes(),
                m.destination.as_bytes(),
            ],
        );
        let mut vault = Vault::new(self.conn, self.keys, f, fid);
        let destination = vault.seal_for(p, "outbox.destination", &m.destination, now)?;
        let body = vault.seal_for(p, "outbox.body", &m.text, now)?;
        let subject = vault.seal_for(p, "outbox.subject", &m.subject, now)?;
        let html = m
            .html
            .as_ref()
            .map(|h| vault.seal_for(p, "outbox.html", h, now))
            .transpose()?;
        self.wrote.outbox = true;
        Ok(self.exec(
            "INSERT INTO outbox (created_at, fiduciary, pseudonym, channel, destination, body, uuid,
                                 kind, subject, html, language, event_id, dedup)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (dedup) DO NOTHING",
            params![
                now,
                f,
                &p[..],
                m.channel.as_str(),
                destination,
                body,
                message_id(),
                m.kind,
                subject,
                html,
                m.language.as_str(),
                m.event_id,
                &dedup[..]
            ],
        )? == 1)
    }

    fn insert_delivery(&mut self, fid: Uuid, d: &NewDelivery) -> StoreResult<bool> {
        let f = self.fid(fid)?;
        let id = message_id();
        let dedup = match d.event_id {
            Some(e) => format!("e{e}:{}", d.dedup_key),
            None => d.dedup_key.clone(),
        };
        let payload = seal_master(self.keys, PAYLOAD, &id, d.payload.as_bytes())?;
        let destination = d
            .destination
            .as_ref()
            .map(|x| seal_master(self.keys, DESTINATION, &id, x.as_bytes()))
            .transpose()?;
        let now = ms(self.now);
        self.wrote.deliveries = true;
        Ok(self.exec(
            "INSERT INTO deliveries (uuid, fiduciary, channel, kind, endpoint, alert, event_id, dedup,
                                     destination, payload, status, next_attempt_at, created_at,
                                     pseudonym)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', ?11, ?11, ?12)
             ON CONFLICT (dedup) DO NOTHING",
            params![
                id,
                f,
                d.channel.as_str(),
                d.kind,
                d.endpoint_id.map(|e| e.to_string()),
                d.alert_id.map(|a| a.to_string()),
                d.event_id,
                dedup,
                destination,
                payload,
                now,
                d.principal.as_ref().map(|p| &p[..])
            ],
        )? == 1)
    }

    fn insert_deliveries(&mut self, fid: Uuid, ds: &[NewDelivery]) -> StoreResult<Vec<bool>> {
        if ds.len() < 2 {
            return ds.iter().map(|d| self.insert_delivery(fid, d)).collect();
        }
        let f = self.fid(fid)?;
        let now = ms(self.now);
        let mut args: Vec<Box<dyn Param>> = Vec::with_capacity(ds.len() * 12);
        let mut ids = Vec::with_capacity(ds.len());
        for d in ds {
            let id = message_id();
            let dedup = match d.event_id {
                Some(e) => format!("e{e}:{}", d.dedup_key),
                None => d.dedup_key.clone(),
            };
            let payload = seal_master(self.keys, PAYLOAD, &id, d.payload.as_bytes())?;
            let destination = d
                .destination
                .as_ref()
                .map(|x| seal_master(self.keys, DESTINATION, &id, x.as_bytes()))
                .transpose()?;
            args.push(Box::new(id.clone()));
            args.push(Box::new(f));
            args.push(Box::new(d.channel.as_str()));
            args.push(Box::new(d.kind.clone()));
            args.push(Box::new(d.endpoint_id.map(|e| e.to_string())));
            args.push(Box::new(d.alert_id.map(|a| a.to_string())));
            args.push(Box::new(d.event_id));
            args.push(Box::new(dedup));
            args.push(Box::new(destination));
            args.push(Box::new(payload));
            args.push(Box::new(now));
            args.push(Box::new(d.principal.map(|p| p.to_vec())));
            ids.push(id);
        }
        let rows = (0..ds.len())
            .map(|r| {
                let a = r * 12;
                format!(
                    "(?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, 'pending', ?{}, ?{}, ?{})",
                    a + 1,
                    a + 2,
                    a + 3,
                    a + 4,
                    a + 5,
                    a + 6,
                    a + 7,
                    a + 8,
                    a + 9,
                    a + 10,
                    a + 11,
                    a + 11,
                    a + 12
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO deliveries (uuid, fiduciary, channel, kind, endpoint, alert, event_id, dedup,
                                     destination, payload, status, next_attempt_at, created_at,
                                     pseudonym)
             VALUES {rows}
             ON CONFLICT (dedup) DO NOTHING RETURNING uuid"
        );
        self.wrote.deliveries = true;
        let refs: Vec<&dyn Param> = args.iter().map(|a| a.as_ref()).collect();
        let queued: std::collections::HashSet<String> = self
            .conn
            .prepare_cached(&sql)
            .map_err(db_err)?
            .query_map(&refs[..], |r| r.get(0))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        Ok(ids.iter().map(|id| queued.contains(id)).collect())
    }

    fn insert_alerts(&mut self, fid: Uuid, alerts: &[NewAlert]) -> StoreResult<Vec<bool>> {
        if alerts.len() < 2 {
            return alerts.iter().map(|a| self.insert_alert(fid, a)).collect();
        }
        let f = self.fid(fid)?;
        let now = ms(self.now);
        let mut args: Vec<Box<dyn Param>> = Vec::with_capacity(alerts.len() * 9);
        for a in alerts {
            args.push(Box::new(a.id.to_string()));
            args.push(Box::new(f));
            args.push(Box::new(a.processor_id.to_string()));
            args.push(Box::new(a.kind.as_str()));
            args.push(Box::new(a.artefact_id.to_string()));
            args.push(Box::new(a.purposes.join(" ")));
            args.push(Box::new(a.event_id));
            args.push(Box::new(now));
            args.push(Box::new(ms(a.escalates_at)));
        }
        let rows = (0..alerts.len())
            .map(|r| {
                let a = r * 9;
                format!(
                    "(?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{})",
                    a + 1,
                    a + 2,
                    a + 3,
                    a + 4,
                    a + 5,
                    a + 6,
                    a + 7,
                    a + 8,
                    a + 9
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO alerts (uuid, fiduciary, processor, kind, artefact, purposes, event_id,
                                 created_at, escalates_at)
             VALUES {rows}
             ON CONFLICT (event_id, processor) DO NOTHING RETURNING uuid"
        );
        let refs: Vec<&dyn Param> = args.iter().map(|a| a.as_ref()).collect();
        let written: std::collections::HashSet<String> = self
            .conn
            .prepare_cached(&sql)
            .map_err(db_err)?
            .query_map(&refs[..], |r| r.get(0))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        Ok(alerts
            .iter()
            .map(|a| written.contains(&a.id.to_string()))
            .collect())
    }

    fn insert_alert(&mut self, fid: Uuid, a: &NewAlert) -> StoreResult<bool> {
        let f = self.fid(fid)?;
        Ok(self.exec(
            "INSERT INTO alerts (uuid, fiduciary, processor, kind, artefact, purposes, event_id,
                                 created_at, escalates_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (event_id, processor) DO NOTHING",
            params![
                a.id.to_string(),
                f,
                a.processor_id.to_string(),
                a.kind.as_str(),
                a.artefact_id.to_string(),
                a.purposes.join(" "),
                a.event_id,
                ms(self.now),
                ms(a.escalates_at)
            ],
        )? == 1)
    }

    fn inbox_item(&mut self, fid: Uuid, p: &Pseudonym, id: Uuid) -> StoreResult<Option<InboxItem>> {
        let f = self.fid(fid)?;
        Ok(inbox_where(
            self.conn,
            self.keys,
            f,
            fid,
            "i.fiduciary = ?1 AND i.pseudonym = ?2 AND i.uuid = ?3",
            params![f, &p[..], id.to_string()],
        )?
        .into_iter()
        .next())
    }

    fn acknowledge_inbox(&mut self, fid: Uuid, p: &Pseudonym, id: Uuid) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "UPDATE inbox SET acknowledged_at = ?4
             WHERE fiduciary = ?1 AND pseudonym = ?2 AND uuid = ?3 AND acknowledged_at IS NULL",
            params![f, &p[..], id.to_string(), ms(self.now)],
        )?;
        Ok(())
    }

    fn alert(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<Alert>> {
        Ok(alerts_where(
            self.conn,
            "f.uuid = ?1 AND a.uuid = ?2",
            params![fid.to_string(), id.to_string()],
        )?
        .into_iter()
        .next()
        .map(|(_, a)| a))
    }

    fn acknowledge_alert(&mut self, fid: Uuid, id: Uuid, note: Option<&str>) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "UPDATE alerts SET acknowledged_at = ?3, note = ?4, escalates_at = NULL
             WHERE fiduciary = ?1 AND uuid = ?2 AND acknowledged_at IS NULL",
            params![f, id.to_string(), ms(self.now), note],
        )?;
        Ok(())
    }

    fn due_escalations(
        &mut self,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<(Uuid, Alert)>> {
        alerts_where(
            self.conn,
            "a.acknowledged_at IS NULL AND a.escalates_at IS NOT NULL AND a.escalates_at <= ?1
             ORDER BY a.escalates_at, a.id LIMIT ?2",
            params![ms(now), limit as i64],
        )
    }

    fn escalated(
        &mut self,
        fid: Uuid,
        id: Uuid,
        level: u8,
        next: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "UPDATE alerts SET escalation = ?3, escalates_at = ?4 WHERE fiduciary = ?1 AND uuid = ?2",
            params![f, id.to_string(), level as i64, next.map(ms)],
        )?;
        Ok(())
    }

    fn plan_renewal(
        &mut self,
        fid: Uuid,
        artefact: Uuid,
        remind_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO renewal_plans (fiduciary, artefact, remind_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (fiduciary, artefact) DO UPDATE
               SET remind_at = excluded.remind_at, expires_at = excluded.expires_at",
            params![f, artefact.to_string(), ms(remind_at), ms(expires_at)],
        )?;
        Ok(())
    }

    fn drop_renewal(&mut self, fid: Uuid, artefact: Uuid) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "DELETE FROM renewal_plans WHERE fiduciary = ?1 AND artefact = ?2",
            params![f, artefact.to_string()],
        )?;
        Ok(())
    }

    fn due_renewals(&mut self, now: OffsetDateTime, limit: usize) -> StoreResult<Vec<DueRenewal>> {
        let rows: Vec<(String, String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT f.uuid, r.artefact, r.expires_at FROM renewal_plans r
                 JOIN fiduciaries f ON f.id = r.fiduciary
                 WHERE r.remind_at <= ?1 ORDER BY r.remind_at LIMIT ?2",
            )
            .map_err(db_err)?
            .query_map(params![ms(now), limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        rows.into_iter()
            .map(|(f, a, e)| {
                Ok(DueRenewal {
                    fiduciary_id: parse_uuid(&f)?,
                    artefact_id: parse_uuid(&a)?,
                    expires_at: from_ms(e),
                })
            })
            .collect()
    }

    fn replay_delivery(&mut self, fid: Uuid, id: &str) -> StoreResult<bool> {
        let f = self.fid(fid)?;
        self.wrote.deliveries = true;
        if self.exec(
            "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?3
             WHERE fiduciary = ?1 AND uuid = ?2 AND status = 'dead' AND payload IS NOT NULL",
            params![f, id, ms(self.now)],
        )? == 1
        {
            return Ok(true);
        }
        // A dead e-mail or SMS to a principal (never a sign-in code: it has expired).
        Ok(self.exec(
            "UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = ?3
             WHERE fiduciary = ?1 AND uuid = ?2 AND dead_at IS NOT NULL AND kind IS NOT NULL",
            params![f, id, ms(self.now)],
        )? == 1)
    }

    fn record_for_pseudonym(&mut self, entry: &AuditRecord, p: &Pseudonym) -> StoreResult<u64> {
        PrincipalPort::record_for(self, entry, p)
    }
}

/// Creates a key for a processor: its scopes only ([`anumodan_core::authz::processor_key_scopes`]),
/// bound to it. Returns the key, shown once.
pub fn create_processor_key(
    tx: &mut WriteTx<'_>,
    fid: Uuid,
    processor: Uuid,
    name: &str,
    initiator: &str,
) -> StoreResult<anumodan_core::keys::NewApiKey> {
    use anumodan_core::ports::KeysPort;
    let scopes = anumodan_core::authz::processor_key_scopes();
    let (id, secret) = tx.insert_key(fid, name, &scopes, initiator)?;
    let f = tx.fid(fid)?;
    tx.exec(
        "UPDATE api_keys SET processor = ?3 WHERE fiduciary = ?1 AND uuid = ?2",
        params![f, id.to_string(), processor.to_string()],
    )?;
    let mut rec = AuditRecord::admin(
        anumodan_core::audit::Action::ApiKeyCreated,
        fid,
        format!("key {id} for processor {processor}"),
        initiator,
    );
    rec.source_ip = None;
    tx.append_audit(&rec)?;
    Ok(anumodan_core::keys::NewApiKey {
        id,
        name: name.to_string(),
        scopes,
        api_key: secret,
    })
}
