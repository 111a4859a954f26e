//! The event outbox: domain events written with their change, read by subscribers in id order
//! from cursors of their own (see `core::events`).

use crate::conv::{db_err, from_ms, json_err, ms, to_json};
use crate::db::{Connection, OptionalExtension, params};
use crate::tx::WriteTx;
use anumodan_core::events::{DomainEvent, StoredEvent};
use anumodan_core::ports::{StoreError, StoreResult};
use uuid::Uuid;

/// Writes `event` in the open transaction.
pub(crate) fn insert(
    tx: &mut WriteTx<'_>,
    fid: Uuid,
    principal_id: Option<&str>,
    event: &DomainEvent,
) -> StoreResult<()> {
    let f = tx.fid(fid)?;
    let principal = principal_id.map(|p| tx.keys.pseudonym(fid, p));
    let body = to_json(event)?;
    tx.wrote.events = true;
    tx.exec(
        "INSERT INTO domain_events (created_at, fiduciary, principal, kind, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            ms(tx.now),
            f,
            principal.as_ref().map(|p| &p[..]),
            event.kind(),
            body
        ],
    )?;
    Ok(())
}

/// Up to `limit` events after position `after`, oldest first.
pub fn after(conn: &Connection, after: i64, limit: usize) -> StoreResult<Vec<StoredEvent>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT e.id, e.created_at, f.uuid, e.principal, e.body
             FROM domain_events e JOIN fiduciaries f ON f.id = e.fiduciary
             WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map(params![after, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<Vec<u8>>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .map_err(db_err)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, fid, principal, body) = row.map_err(db_err)?;
        let principal = match principal {
            None => None,
            Some(p) => Some(p.try_into().map_err(|_| {
                StoreError::corrupt(format!("the pseudonym of event {id} has the wrong length"))
            })?),
        };
        out.push(StoredEvent {
            id,
            at: from_ms(at),
            fiduciary_id: fid.parse().map_err(|_| {
                StoreError::corrupt(format!("fiduciary uuid {fid:?} of event {id}"))
            })?,
            principal,
            event: serde_json::from_str(&body).map_err(json_err)?,
        });
    }
    Ok(out)
}

/// Where `consumer` has read up to (0 before its first event).
pub fn cursor(conn: &Connection, consumer: &str) -> StoreResult<i64> {
    Ok(conn
        .query_row(
            "SELECT position FROM event_cursors WHERE consumer = ?1",
            params![consumer],
            |r| r.get::<_, i64>(0),
        )
        .optional()
        .map_err(db_err)?
        .unwrap_or(0))
}

/// Records that `consumer` has handled every event up to `position` (never moves back).
pub fn advance(tx: &mut WriteTx<'_>, consumer: &str, position: i64) -> StoreResult<()> {
    tx.exec(
        "INSERT INTO event_cursors (consumer, position, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (consumer) DO UPDATE SET
           position = CASE WHEN excluded.position > event_cursors.position
                           THEN excluded.position ELSE event_cursors.position END,
           updated_at = excluded.updated_at",
        params![consumer, position, ms(tx.now)],
    )?;
    Ok(())
}

/// One fiduciary's events after position `after`, oldest first, up to `limit` of them (by the
/// index on (fiduciary, id)); also the position reached, where the next page starts.
pub fn of_fiduciary(
    conn: &Connection,
    fid: Uuid,
    after: i64,
    limit: usize,
) -> StoreResult<(Vec<StoredEvent>, i64)> {
    let Some(f) = crate::conv::fiduciary_row(conn, fid)? else {
        return Ok((vec![], after));
    };
    let mut stmt = conn
        .prepare_cached(
            "SELECT e.id, e.created_at, e.principal, e.body FROM domain_events e
             WHERE e.fiduciary = ?1 AND e.id > ?2 ORDER BY e.id LIMIT ?3",
        )
        .map_err(db_err)?;
    let rows: Vec<(i64, i64, Option<Vec<u8>>, String)> = stmt
        .query_map(params![f, after, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut reached = after;
    let mut out = Vec::with_capacity(rows.len());
    for (id, at, principal, body) in rows {
        reached = id;
        out.push(StoredEvent {
            id,
            at: from_ms(at),
            fiduciary_id: fid,
            principal: principal.and_then(|p| p.try_into().ok()),
            event: serde_json::from_str(&body).map_err(json_err)?,
        });
    }
    Ok((out, reached))
}
