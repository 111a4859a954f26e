//! The SQL of the retention engine: `anumodan_core::retention` decides, this implements its
//! port ([`RetentionPort`]) on [`WriteTx`], plus the reads of the retention routes (on a reader
//! connection) and the floors written from the configuration at start.
//!
//! A principal is kept only as their keyed pseudonym: a hold on one principal stores it beside
//! the hold (the body names no one), an erasure plan is keyed by it.

use crate::conv::{db_err, fiduciary_row, from_ms, json_err, ms, to_json};
use crate::db::{Connection, OptionalExtension, params};
use crate::keys::{Keys, PSEUDONYM_LEN};
use crate::tx::WriteTx;
use crate::vault::Vault;
use anumodan_core::model::Artefact;
use anumodan_core::ports::{RetentionPort, StoreError, StoreResult, Tx};
use anumodan_core::retention::{ErasurePlan, Floors, HoldScope, LegalHold, RetentionPolicy};
use time::OffsetDateTime;
use uuid::Uuid;

fn parse_uuid(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::corrupt(format!("stored uuid {s}: {e}")))
}

/// Writes the deployment's floors (at start, from the configuration).
pub fn set_floors(tx: &mut WriteTx<'_>, floors: Floors) -> StoreResult<()> {
    tx.exec(
        "INSERT INTO retention_settings (id, body) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        params![to_json(&floors)?],
    )?;
    Ok(())
}

fn floors(conn: &Connection) -> StoreResult<Floors> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM retention_settings WHERE id = 1")
        .map_err(db_err)?
        .query_row(params![], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    match body {
        Some(b) => serde_json::from_str(&b).map_err(json_err),
        None => Ok(Floors::default()),
    }
}

/// The JSON bodies `sql` selects (one column), read back.
fn bodies<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    p: impl crate::db::Params,
) -> StoreResult<Vec<T>> {
    let bodies: Vec<String> = conn
        .prepare_cached(sql)
        .map_err(db_err)?
        .query_map(p, |r| r.get(0))
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    bodies
        .iter()
        .map(|b| serde_json::from_str(b).map_err(json_err))
        .collect()
}

fn policies(conn: &Connection, f: i64) -> StoreResult<Vec<RetentionPolicy>> {
    bodies(
        conn,
        "SELECT body FROM retention_policies WHERE fiduciary = ?1 ORDER BY category",
        params![f],
    )
}

/// A stored hold, its principal (if any) found again from the pseudonym kept beside it.
fn hold_of(
    vault: &mut Vault<'_>,
    body: &str,
    pseudonym: Option<Vec<u8>>,
    released_at: Option<i64>,
) -> StoreResult<LegalHold> {
    let mut h: LegalHold = serde_json::from_str(body).map_err(json_err)?;
    if let (HoldScope::Principal { principal_id }, Some(p)) = (&mut h.scope, pseudonym) {
        let p = <[u8; PSEUDONYM_LEN]>::try_from(&p[..])
            .map_err(|_| StoreError::corrupt("hold pseudonym of the wrong length"))?;
        *principal_id = vault
            .identity(&p)?
            .unwrap_or_else(|| anumodan_core::mask::ERASED.to_string());
    }
    h.released_at = released_at.map(from_ms);
    Ok(h)
}

type HoldRow = (String, Option<Vec<u8>>, Option<i64>);

fn holds_where(
    conn: &Connection,
    keys: &Keys,
    f: i64,
    fid: Uuid,
    filter: &str,
    p: impl crate::db::Params,
) -> StoreResult<Vec<LegalHold>> {
    let rows: Vec<HoldRow> = conn
        .prepare_cached(&format!(
            "SELECT body, pseudonym, released_at FROM legal_holds WHERE fiduciary = ?1 AND {filter}
             ORDER BY id DESC"
        ))
        .map_err(db_err)?
        .query_map(p, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut vault = Vault::new(conn, keys, f, fid);
    rows.into_iter()
        .map(|(b, p, r)| hold_of(&mut vault, &b, p, r))
        .collect()
}

impl WriteTx<'_> {
    fn pseudonym(&self, fid: Uuid, principal_id: &str) -> [u8; PSEUDONYM_LEN] {
        self.keys.pseudonym(fid, principal_id)
    }

    /// The (fiduciary, principal) of plan rows `sql` selects (`f.uuid, e.fiduciary,
    /// e.pseudonym`); rows of principals no longer known are dropped.
    fn plan_rows(
        &mut self,
        sql: &str,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<(Uuid, String)>> {
        let rows: Vec<(String, i64, Vec<u8>)> = self
            .conn
            .prepare_cached(sql)
            .map_err(db_err)?
            .query_map(params![ms(now), limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for (fid, f, p) in rows {
            let fid = parse_uuid(&fid)?;
            match self.principal_of(fid, &p)? {
                Some(id) => out.push((fid, id)),
                None => {
                    self.exec(
                        "DELETE FROM erasure_plans WHERE fiduciary = ?1 AND pseudonym = ?2",
                        params![f, &p[..]],
                    )?;
                }
            }
        }
        Ok(out)
    }
}

impl RetentionPort for WriteTx<'_> {
    fn retention_floors(&mut self) -> StoreResult<Floors> {
        floors(self.conn)
    }

    fn live_artefacts(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<Vec<Artefact>> {
        let f = self.fid(fid)?;
        let p = self.pseudonym(fid, principal_id);
        // The rules read purposes, dates and the language: the sealed fields stay sealed.
        bodies(
            self.conn,
            "SELECT a.body FROM artefact_heads h JOIN artefacts a
               ON a.fiduciary = h.fiduciary AND a.uuid = h.uuid AND a.version = h.version
             WHERE h.fiduciary = ?1 AND h.principal = ?2",
            params![f, &p[..]],
        )
    }

    fn category_policies(&mut self, fid: Uuid) -> StoreResult<Vec<RetentionPolicy>> {
        let f = self.fid(fid)?;
        policies(self.conn, f)
    }

    fn save_policy(&mut self, fid: Uuid, policy: &RetentionPolicy) -> StoreResult<()> {
        let f = self.fid(fid)?;
        self.exec(
            "INSERT INTO retention_policies (fiduciary, category, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (fiduciary, category) DO UPDATE SET body = excluded.body",
            params![f, &policy.category, to_json(policy)?],
        )?;
        Ok(())
    }

    fn holds_in_force(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<LegalHold>> {
        let f = self.fid(fid)?;
        let p = self.pseudonym(fid, principal_id);
        holds_where(
            self.conn,
            self.keys,
            f,
            fid,
            "released_at IS NULL AND until_at > ?2 AND (pseudonym IS NULL OR pseudonym = ?3)",
            params![f, ms(now), &p[..]],
        )
    }

    fn hold(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<LegalHold>> {
        let f = self.fid(fid)?;
        Ok(holds_where(
            self.conn,
            self.keys,
            f,
            fid,
            "uuid = ?2",
            params![f, id.to_string()],
        )?
        .pop())
    }

    fn insert_hold(&mut self, fid: Uuid, hold: &LegalHold) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let mut stored = hold.clone();
        let pseudonym = match &mut stored.scope {
            HoldScope::Principal { principal_id } => {
                let p = self.pseudonym(fid, principal_id);
                principal_id.clear();
                Some(p.to_vec())
            }
            _ => None,
        };
        self.exec(
            "INSERT INTO legal_holds (uuid, fiduciary, pseudonym, body, until_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                hold.id.to_string(),
                f,
                pseudonym,
                to_json(&stored)?,
                ms(hold.until)
            ],
        )?;
        Ok(())
    }

    fn release_hold(&mut self, fid: Uuid, id: Uuid, at: OffsetDateTime) -> StoreResult<bool> {
        let f = self.fid(fid)?;
        Ok(self.exec(
            "UPDATE legal_holds SET released_at = ?3
             WHERE fiduciary = ?1 AND uuid = ?2 AND released_at IS NULL",
            params![f, id.to_string(), ms(at)],
        )? > 0)
    }

    fn erasure_plan(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<Option<ErasurePlan>> {
        let f = self.fid(fid)?;
        let p = self.pseudonym(fid, principal_id);
        self.get_body(
            "SELECT body FROM erasure_plans WHERE fiduciary = ?1 AND pseudonym = ?2",
            params![f, &p[..]],
        )
    }

    fn set_erasure_plan(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        plan: Option<&ErasurePlan>,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let p = self.pseudonym(fid, principal_id);
        match plan {
            None => self.exec(
                "DELETE FROM erasure_plans WHERE fiduciary = ?1 AND pseudonym = ?2",
                params![f, &p[..]],
            )?,
            Some(plan) => self.exec(
                "INSERT INTO erasure_plans (fiduciary, pseudonym, erase_at, notify_at, notified_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (fiduciary, pseudonym) DO UPDATE SET erase_at = excluded.erase_at,
                   notify_at = excluded.notify_at, notified_at = excluded.notified_at,
                   body = excluded.body",
                params![
                    f,
                    &p[..],
                    ms(plan.erase_at),
                    ms(plan.notify_at()),
                    plan.notified_at.map(ms),
                    to_json(plan)?
                ],
            )?,
        };
        Ok(())
    }

    fn due_notices(
        &mut self,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<(Uuid, String)>> {
        self.plan_rows(
            "SELECT f.uuid, e.fiduciary, e.pseudonym FROM erasure_plans e
             JOIN fiduciaries f ON f.id = e.fiduciary
             WHERE e.notified_at IS NULL AND e.notify_at <= ?1 ORDER BY e.notify_at LIMIT ?2",
            now,
            limit,
        )
    }

    fn due_purges(
        &mut self,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<(Uuid, String)>> {
        // Erasure is at least 48 hours after the notice, so a due row was told before; the
        // rule checks it again.
        self.plan_rows(
            "SELECT f.uuid, e.fiduciary, e.pseudonym FROM erasure_plans e
             JOIN fiduciaries f ON f.id = e.fiduciary
             WHERE e.notified_at IS NOT NULL AND e.erase_at <= ?1 ORDER BY e.erase_at LIMIT ?2",
            now,
            limit,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Reads for the routes (on a reader connection)
// ---------------------------------------------------------------------------------------------

/// The floors and the fiduciary's category policies.
pub fn read_policies(conn: &Connection, fid: Uuid) -> StoreResult<(Floors, Vec<RetentionPolicy>)> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok((floors(conn)?, Vec::new()));
    };
    Ok((floors(conn)?, policies(conn, f)?))
}

/// The fiduciary's holds, newest first, at most `limit`.
pub fn read_holds(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    limit: usize,
) -> StoreResult<Vec<LegalHold>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(Vec::new());
    };
    let mut all = holds_where(conn, keys, f, fid, "1 = 1", params![f])?;
    all.truncate(limit);
    Ok(all)
}

/// One hold of the fiduciary.
pub fn read_hold(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    id: Uuid,
) -> StoreResult<Option<LegalHold>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(None);
    };
    Ok(holds_where(conn, keys, f, fid, "uuid = ?2", params![f, id.to_string()])?.pop())
}

/// A planned erasure as the upcoming-deletions list shows it.
#[derive(Clone, Debug)]
pub struct Upcoming {
    /// The principal in clear (the route masks it); None when no longer known.
    pub principal_id: Option<String>,
    pub plan: ErasurePlan,
}

/// The fiduciary's planned erasures due by `until`, soonest first, at most `limit`.
pub fn read_upcoming(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    until: OffsetDateTime,
    limit: usize,
) -> StoreResult<Vec<Upcoming>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(Vec::new());
    };
    let rows: Vec<(Vec<u8>, String)> = conn
        .prepare_cached(
            "SELECT pseudonym, body FROM erasure_plans WHERE fiduciary = ?1 AND erase_at <= ?2
             ORDER BY erase_at, pseudonym LIMIT ?3",
        )
        .map_err(db_err)?
        .query_map(params![f, ms(until), limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut vault = Vault::new(conn, keys, f, fid);
    rows.into_iter()
        .map(|(p, body)| {
            let principal_id = match <[u8; PSEUDONYM_LEN]>::try_from(&p[..]) {
                Ok(p) => vault.identity(&p)?,
                Err(_) => None,
            };
            Ok(Upcoming {
                principal_id,
                plan: serde_json::from_str(&body).map_err(json_err)?,
            })
        })
        .collect()
}
