//! The store's state as the operators' metrics show it (`anumodan_server::metrics`): the
//! queues' depths, open cases by the state of their clock, the ledger's size and its last
//! checkpoint. Counts only: nothing personal is read.

use crate::conv::{db_err, ms};
use crate::db::{Connection, params};
use crate::keys::Keys;
use crate::ports::Reads;
use anumodan_core::ports::StoreResult;
use time::OffsetDateTime;

/// Messages in a queue in one state.
pub struct QueueCount {
    /// `outbox` (to principals: SMS, e-mail, sign-in codes) or `deliveries` (webhooks and
    /// e-mail to fiduciaries and processors).
    pub queue: &'static str,
    pub channel: String,
    /// `pending` or `dead`.
    pub state: String,
    pub count: i64,
}

/// Open cases of a kind in one state of their clock.
pub struct CaseCount {
    pub kind: String,
    /// `overdue` (past the answer's deadline), `acknowledgement_overdue` (not acknowledged in
    /// time), or `on_track`.
    pub sla: &'static str,
    pub count: i64,
}

pub struct Snapshot {
    pub queues: Vec<QueueCount>,
    pub cases: Vec<CaseCount>,
    pub ledger_entries: u64,
    pub last_checkpoint: Option<OffsetDateTime>,
}

/// Reads the snapshot in one read transaction.
pub fn snapshot(c: &Connection, keys: &Keys, now: OffsetDateTime) -> StoreResult<Snapshot> {
    let mut queues = c
        .query_all(
            "SELECT channel, CASE WHEN dead_at IS NULL THEN 'pending' ELSE 'dead' END, COUNT(*)
               FROM outbox WHERE sent_at IS NULL GROUP BY 1, 2",
            (),
            |r| {
                Ok(QueueCount {
                    queue: "outbox",
                    channel: r.get(0)?,
                    state: r.get(1)?,
                    count: r.get(2)?,
                })
            },
        )
        .map_err(db_err)?;
    queues.extend(
        c.query_all(
            "SELECT channel, status, COUNT(*) FROM deliveries
              WHERE status IN ('pending', 'dead') GROUP BY 1, 2",
            (),
            |r| {
                Ok(QueueCount {
                    queue: "deliveries",
                    channel: r.get(0)?,
                    state: r.get(1)?,
                    count: r.get(2)?,
                })
            },
        )
        .map_err(db_err)?,
    );
    let now = ms(now);
    let cases = c
        .query_all(
            "SELECT kind,
                    CASE WHEN respond_by < ?1 THEN 0
                         WHEN acknowledged_at IS NULL AND acknowledge_by < ?1 THEN 1
                         ELSE 2 END,
                    COUNT(*)
               FROM cases WHERE status NOT IN ('resolved', 'closed') GROUP BY 1, 2",
            params![now],
            |r| {
                Ok(CaseCount {
                    kind: r.get(0)?,
                    sla: match r.get::<_, i64>(1)? {
                        0 => "overdue",
                        1 => "acknowledgement_overdue",
                        _ => "on_track",
                    },
                    count: r.get(2)?,
                })
            },
        )
        .map_err(db_err)?;
    let reader = crate::read::Reader::new(c, keys);
    let ledger_entries = reader.ledger_size()?;
    let last_checkpoint = reader.latest_checkpoint()?.map(|cp| cp.created_at);
    Ok(Snapshot {
        queues,
        cases,
        ledger_entries,
        last_checkpoint,
    })
}
