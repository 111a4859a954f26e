//! The SQL of the compliance report (`anumodan_core::report`): the ledger's entries in a
//! period counted by action, purpose, status and outcome; cases and alerts against their
//! clocks. Counts only.

use crate::conv::{db_err, ms};
use crate::db::{Connection, params};
use anumodan_core::ports::StoreResult;
use anumodan_core::report::{AlertFigures, COUNTED_ACTIONS, CaseFigures, LedgerCount};
use time::OffsetDateTime;
use uuid::Uuid;

/// The fiduciary's ledger entries in `[from, to)` of the counted actions, grouped.
pub fn ledger_counts(
    c: &Connection,
    fid: Uuid,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> StoreResult<Vec<LedgerCount>> {
    let list = COUNTED_ACTIONS
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    // Entries are in the order of time: the fiduciary's index by position, bounded by time.
    let sql = format!(
        "SELECT act.value, pur.value, st.value, oc.value, COUNT(*)
           FROM audit_log a
           JOIN audit_symbols act ON act.id = a.action
           LEFT JOIN audit_symbols pur ON pur.id = a.purpose
           LEFT JOIN audit_symbols st ON st.id = a.status
           JOIN audit_symbols oc ON oc.id = a.outcome
          WHERE a.fiduciary = (SELECT id FROM audit_symbols WHERE value = ?1) AND a.ts >= ?2 AND a.ts < ?3 AND act.value IN ({list})
          GROUP BY act.value, pur.value, st.value, oc.value"
    );
    c.query_all(&sql, params![fid.to_string(), ms(from), ms(to)], |r| {
        Ok(LedgerCount {
            action: r.get(0)?,
            purpose: r.get(1)?,
            status: r.get(2)?,
            outcome: r.get(3)?,
            count: r.get::<_, i64>(4)? as u64,
        })
    })
    .map_err(db_err)
}

fn fid_row(c: &Connection, fid: Uuid) -> StoreResult<Option<i64>> {
    Ok(c.query_all(
        "SELECT id FROM fiduciaries WHERE uuid = ?1",
        params![fid.to_string()],
        |r| r.get::<_, i64>(0),
    )
    .map_err(db_err)?
    .into_iter()
    .next())
}

/// Grievances and requests: filed and resolved in the period, resolved by their deadline, and
/// open and overdue at its end.
pub fn case_figures(
    c: &Connection,
    fid: Uuid,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> StoreResult<CaseFigures> {
    let Some(f) = fid_row(c, fid)? else {
        return Ok(CaseFigures::default());
    };
    let (from, to) = (ms(from), ms(to));
    c.query_row(
        "SELECT
           COALESCE(SUM(CASE WHEN created_at >= ?2 AND created_at < ?3 THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN resolved_at >= ?2 AND resolved_at < ?3 THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN resolved_at >= ?2 AND resolved_at < ?3 AND resolved_at <= respond_by
                        THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN created_at < ?3 AND respond_by < ?3
                              AND (resolved_at IS NULL OR resolved_at >= ?3)
                              AND (closed_at IS NULL OR closed_at >= ?3)
                        THEN 1 ELSE 0 END), 0)
         FROM cases WHERE fiduciary = ?1",
        params![f, from, to],
        |r| {
            Ok(CaseFigures {
                filed: r.get::<_, i64>(0)? as u64,
                resolved: r.get::<_, i64>(1)? as u64,
                resolved_in_time: r.get::<_, i64>(2)? as u64,
                open_overdue: r.get::<_, i64>(3)? as u64,
            })
        },
    )
    .map_err(db_err)
}

/// Alerts acknowledged in the period, and the time each took.
pub fn alert_figures(
    c: &Connection,
    fid: Uuid,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> StoreResult<AlertFigures> {
    let Some(f) = fid_row(c, fid)? else {
        return Ok(AlertFigures::default());
    };
    let (n, sum, max): (i64, i64, i64) = c
        .query_row(
            "SELECT COUNT(*), CAST(COALESCE(SUM(acknowledged_at - created_at), 0) AS BIGINT),
                    COALESCE(MAX(acknowledged_at - created_at), 0)
               FROM alerts
              WHERE fiduciary = ?1 AND acknowledged_at >= ?2 AND acknowledged_at < ?3",
            params![f, ms(from), ms(to)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(db_err)?;
    Ok(AlertFigures {
        acknowledged: n as u64,
        mean_lag_seconds: (n > 0).then(|| sum as f64 / n as f64 / 1000.0),
        max_lag_seconds: (n > 0).then(|| max as f64 / 1000.0),
    })
}
