//! The SQL of grievances, rights requests and nominations ([`CasePort`] for
//! `anumodan_core::cases`), and the reads of the API: a principal's own cases, the staff queue,
//! one case, an attachment, the settings.
//!
//! A case is kept twice over: its columns (reference, kind, category, status, deadlines,
//! outcome), which are not personal data and serve the queue, the clock and reports; and its
//! body, the whole case as JSON sealed under the principal's data key. After an erasure the
//! body no longer opens and the case reads from its columns, its personal parts `[erased]`.

use crate::conv::{db_err, fiduciary_row, from_ms, json_err, ms, to_json};
use crate::db::{Arg, Connection, OptionalExtension, Param, params};
use crate::keys::Keys;
use crate::read::parse_uuid;
use crate::tx::WriteTx;
use crate::vault::Vault;
use anumodan_core::cases::model::*;
use anumodan_core::cases::workflow;
use anumodan_core::lang::Lang;
use anumodan_core::mask::ERASED;
use anumodan_core::ports::{CasePort, StoreError, StoreResult};
use anumodan_core::principal::Pseudonym;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use std::collections::BTreeSet;
use std::sync::LazyLock;
use time::OffsetDateTime;
use uuid::Uuid;

const COLUMNS: &str = "c.uuid, c.reference, c.kind, c.category, c.status, c.escalation,
    c.assignee_role, c.assignee_staff, c.language, c.outcome, c.created_at, c.acknowledge_by,
    c.respond_by, c.acknowledged_at, c.resolved_at, c.closed_at, c.pseudonym, c.body, c.id";

/// One row of `cases` as read.
struct Row {
    uuid: String,
    reference: String,
    kind: String,
    category: Option<String>,
    status: String,
    escalation: i64,
    role: Option<String>,
    staff: Option<String>,
    language: String,
    outcome: Option<String>,
    created: i64,
    ack_by: i64,
    respond_by: i64,
    acked: Option<i64>,
    resolved: Option<i64>,
    closed: Option<i64>,
    pseudonym: Option<Vec<u8>>,
    body: String,
    id: i64,
}

fn read_row(r: &crate::db::Row<'_>) -> Result<Row, crate::db::DbError> {
    Ok(Row {
        uuid: r.get(0)?,
        reference: r.get(1)?,
        kind: r.get(2)?,
        category: r.get(3)?,
        status: r.get(4)?,
        escalation: r.get(5)?,
        role: r.get(6)?,
        staff: r.get(7)?,
        language: r.get(8)?,
        outcome: r.get(9)?,
        created: r.get(10)?,
        ack_by: r.get(11)?,
        respond_by: r.get(12)?,
        acked: r.get(13)?,
        resolved: r.get(14)?,
        closed: r.get(15)?,
        pseudonym: r.get(16)?,
        body: r.get(17)?,
        id: r.get(18)?,
    })
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::corrupt(format!("stored case {what} {v:?}"))
}

fn outcome_of(s: &str) -> Option<Outcome> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

impl Row {
    fn pseudonym(&self) -> Option<Pseudonym> {
        self.pseudonym
            .as_deref()
            .and_then(|p| <Pseudonym>::try_from(p).ok())
    }

    fn summary(&self, at_risk_days: u32, now: OffsetDateTime) -> StoreResult<CaseSummary> {
        let c = self.skeleton()?;
        Ok(CaseSummary {
            sla: workflow::sla(&c, at_risk_days, now),
            id: c.id,
            reference: c.reference,
            kind: c.kind,
            category: c.category,
            status: c.status,
            escalation_level: c.escalation_level,
            assignee: c.assignee,
            created_at: c.created_at,
            acknowledge_by: c.acknowledge_by,
            respond_by: c.respond_by,
            acknowledged_at: c.acknowledged_at,
            resolved_at: c.resolved_at,
            outcome: self.outcome.as_deref().and_then(outcome_of),
        })
    }

    /// The case from its columns alone, its personal parts `[erased]` (what is left after an
    /// erasure).
    fn skeleton(&self) -> StoreResult<Case> {
        let kind = CaseKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?;
        let status =
            CaseStatus::parse(&self.status).ok_or_else(|| corrupt("status", &self.status))?;
        let resolved_at = self.resolved.map(from_ms);
        Ok(Case {
            id: parse_uuid(&self.uuid)?,
            reference: self.reference.clone(),
            kind,
            category: self.category.clone(),
            category_rule: None,
            status,
            escalation_level: self.escalation.clamp(0, 2) as u8,
            assignee: Assignee {
                role: self.role.clone(),
                staff_id: self.staff.as_deref().map(parse_uuid).transpose()?,
            },
            artefacts: vec![],
            description: ERASED.to_string(),
            language: Lang::parse(&self.language)
                .ok_or_else(|| corrupt("language", &self.language))?,
            filed_by: ERASED.to_string(),
            changes: vec![],
            nominee: None,
            created_at: from_ms(self.created),
            acknowledge_by: from_ms(self.ack_by),
            respond_by: from_ms(self.respond_by),
            acknowledged_at: self.acked.map(from_ms),
            resolved_at,
            closed_at: self.closed.map(from_ms),
            resolution: match (self.outcome.as_deref().and_then(outcome_of), resolved_at) {
                (Some(outcome), Some(at)) => Some(Resolution {
                    outcome,
                    summary: ERASED.to_string(),
                    deferred_erasure: None,
                    erased_artefacts: None,
                    applied: vec![],
                    at,
                }),
                _ => None,
            },
            feedback: None,
            attachments: vec![],
            history: vec![],
        })
    }

    /// The case, its body opened (or its skeleton when the body no longer opens).
    fn open(&self, vault: &mut Vault<'_>) -> StoreResult<Case> {
        let body = vault.open_field("case.body", &self.body)?;
        if body == ERASED {
            return self.skeleton();
        }
        serde_json::from_str(&body).map_err(json_err)
    }
}

fn settings(conn: &Connection, f: i64) -> StoreResult<CaseSettings> {
    Ok(crate::conv::fiduciary_doc(conn, "case_settings", f)?.unwrap_or_default())
}

fn by_reference(conn: &Connection, f: i64, reference: &str) -> StoreResult<Option<Row>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM cases c WHERE c.fiduciary = ?1 AND c.reference = ?2"
    ))
    .map_err(db_err)?
    .query_row(params![f, reference], read_row)
    .optional()
    .map_err(db_err)
}

/// The fiduciary's case settings (the defaults when it never saved any), for the API.
pub fn settings_of(conn: &Connection, fid: Uuid) -> StoreResult<CaseSettings> {
    match fiduciary_row(conn, fid)? {
        Some(f) => settings(conn, f),
        None => Ok(CaseSettings::default()),
    }
}

/// A case by reference, opened, with its principal (None once erased).
pub fn case_of(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    reference: &str,
) -> StoreResult<Option<(Option<Pseudonym>, Case)>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(None);
    };
    let Some(row) = by_reference(conn, f, reference)? else {
        return Ok(None);
    };
    let mut vault = Vault::new(conn, keys, f, fid);
    Ok(Some((row.pseudonym(), row.open(&mut vault)?)))
}

/// The principal's own cases, newest first: grievances (`family` `grievance`) or requests
/// (`request`), after the case `before` (a reference), at most `limit`.
pub fn cases_of_principal(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    p: &Pseudonym,
    family: &str,
    before: Option<&str>,
    limit: usize,
) -> StoreResult<Vec<Case>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(vec![]);
    };
    let kinds = if family == "grievance" {
        "c.kind = 'grievance'"
    } else {
        "c.kind <> 'grievance'"
    };
    let rows: Vec<Row> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM cases c
             WHERE c.fiduciary = ?1 AND c.pseudonym = ?2 AND {kinds}
               AND c.id < COALESCE((SELECT id FROM cases WHERE fiduciary = ?1 AND reference = ?3),
                                   9223372036854775807)
             ORDER BY c.id DESC LIMIT ?4"
        ))
        .map_err(db_err)?
        .query_map(
            params![f, &p[..], before.unwrap_or(""), limit as i64],
            read_row,
        )
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut vault = Vault::new(conn, keys, f, fid);
    rows.iter().map(|r| r.open(&mut vault)).collect()
}

/// The references of the principal's cases, oldest first (for the access summary).
pub fn references_of(conn: &Connection, fid: Uuid, p: &Pseudonym) -> StoreResult<Vec<String>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(vec![]);
    };
    conn.prepare_cached(
        "SELECT reference FROM cases WHERE fiduciary = ?1 AND pseudonym = ?2 ORDER BY id",
    )
    .map_err(db_err)?
    .query_map(params![f, &p[..]], |r| r.get(0))
    .map_err(db_err)?
    .collect::<Result<_, _>>()
    .map_err(db_err)
}

/// What the staff queue may filter on.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    pub kind: Option<CaseKind>,
    pub category: Option<String>,
    pub status: Option<CaseStatus>,
    /// Only open cases past their deadline.
    pub overdue: bool,
    pub assignee_role: Option<String>,
    /// After this reference, in the queue's order (oldest first).
    pub after: Option<String>,
    pub limit: usize,
}

/// The staff queue: the fiduciary's cases, oldest first, with their SLA state at `now`; no
/// personal data.
pub fn queue(
    conn: &Connection,
    fid: Uuid,
    q: &QueueFilter,
    now: OffsetDateTime,
) -> StoreResult<Vec<CaseSummary>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(vec![]);
    };
    let s = settings(conn, f)?;
    let mut sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.fiduciary = ?1");
    let mut args = vec![Arg::Int(f)];
    // `{}` in a clause is its own parameter's placeholder (`?1` is the fiduciary).
    let mut add = |clause: &str, v: Arg, sql: &mut String| {
        args.push(v);
        sql.push_str(&clause.replace("{}", &format!("?{}", args.len())));
    };
    if let Some(k) = q.kind {
        add(" AND c.kind = {}", Arg::Text(k.as_str().into()), &mut sql);
    }
    if let Some(c) = &q.category {
        add(" AND c.category = {}", Arg::Text(c.clone()), &mut sql);
    }
    if let Some(st) = q.status {
        add(
            " AND c.status = {}",
            Arg::Text(st.as_str().into()),
            &mut sql,
        );
    }
    if q.overdue {
        add(
            " AND c.status NOT IN ('resolved', 'closed') AND c.respond_by <= {}",
            Arg::Int(ms(now)),
            &mut sql,
        );
    }
    if let Some(r) = &q.assignee_role {
        add(" AND c.assignee_role = {}", Arg::Text(r.clone()), &mut sql);
    }
    if let Some(after) = &q.after {
        add(
            " AND c.id > COALESCE((SELECT id FROM cases WHERE fiduciary = ?1 AND reference = {}), 0)",
            Arg::Text(after.clone()),
            &mut sql,
        );
    }
    args.push(Arg::Int(q.limit as i64));
    sql.push_str(&format!(" ORDER BY c.id LIMIT ?{}", args.len()));
    let rows: Vec<Row> = conn
        .prepare_cached(&sql)
        .map_err(db_err)?
        .query_map(args, read_row)
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    rows.iter()
        .map(|r| r.summary(s.at_risk_days, now))
        .collect()
}

/// An attachment's metadata and bytes, when it belongs to the case `reference` of `fid` (and,
/// with `owner`, to that principal's case).
pub fn attachment(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    reference: &str,
    id: Uuid,
    owner: Option<&Pseudonym>,
) -> StoreResult<Option<(Attachment, Vec<u8>)>> {
    let Some((p, case)) = case_of(conn, keys, fid, reference)? else {
        return Ok(None);
    };
    if owner.is_some_and(|o| p.as_ref() != Some(o)) {
        return Ok(None);
    }
    let Some(meta) = case.attachments.into_iter().find(|a| a.id == id) else {
        return Ok(None);
    };
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(None);
    };
    let data: Option<String> = conn
        .prepare_cached(
            "SELECT a.data FROM case_attachments a JOIN cases c ON c.id = a.case_id
             WHERE c.fiduciary = ?1 AND c.reference = ?2 AND a.uuid = ?3",
        )
        .map_err(db_err)?
        .query_row(params![f, reference, id.to_string()], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    let Some(data) = data else {
        return Ok(None);
    };
    let opened = Vault::new(conn, keys, f, fid).open_field("case.attachment", &data)?;
    if opened == ERASED {
        return Ok(None);
    }
    let bytes = B64
        .decode(opened.as_bytes())
        .map_err(|e| StoreError::corrupt(format!("attachment: {e}")))?;
    Ok(Some((meta, bytes)))
}

fn nomination_row(
    conn: &Connection,
    keys: &Keys,
    f: i64,
    fid: Uuid,
    (uuid, pseudonym, status, body): (String, Option<Vec<u8>>, String, String),
) -> StoreResult<Option<(Pseudonym, Nomination)>> {
    let Some(p) = pseudonym.and_then(|p| <Pseudonym>::try_from(p.as_slice()).ok()) else {
        return Ok(None);
    };
    let opened = Vault::new(conn, keys, f, fid).open_field("nomination.body", &body)?;
    if opened == ERASED {
        return Ok(None);
    }
    let mut n: Nomination = serde_json::from_str(&opened).map_err(json_err)?;
    n.id = parse_uuid(&uuid)?;
    n.status = status;
    Ok(Some((p, n)))
}

/// The principal's nominations, oldest first.
pub fn nominations_of(
    conn: &Connection,
    keys: &Keys,
    fid: Uuid,
    p: &Pseudonym,
) -> StoreResult<Vec<Nomination>> {
    let Some(f) = fiduciary_row(conn, fid)? else {
        return Ok(vec![]);
    };
    let rows: Vec<(String, Option<Vec<u8>>, String, String)> = conn
        .prepare_cached(
            "SELECT uuid, pseudonym, status, body FROM nominations
             WHERE fiduciary = ?1 AND pseudonym = ?2 ORDER BY id",
        )
        .map_err(db_err)?
        .query_map(params![f, &p[..]], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut out = vec![];
    for row in rows {
        if let Some((_, n)) = nomination_row(conn, keys, f, fid, row)? {
            out.push(n);
        }
    }
    Ok(out)
}

/// The columns every save of a case writes, in the order of [`CaseColumns::NAMES`] (filing
/// also writes those fixed then: uuid, fiduciary, reference and its parts, pseudonym, kind,
/// created_at). `body` None keeps the stored one (a case whose principal was erased).
struct CaseColumns {
    category: Option<String>,
    status: &'static str,
    escalation: i64,
    assignee_role: Option<String>,
    assignee_staff: Option<String>,
    language: String,
    outcome: Option<&'static str>,
    updated_at: i64,
    acknowledge_by: i64,
    respond_by: i64,
    acknowledged_at: Option<i64>,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
    next_check: Option<i64>,
    body: Option<String>,
}

impl CaseColumns {
    const NAMES: [&'static str; 15] = [
        "category",
        "status",
        "escalation",
        "assignee_role",
        "assignee_staff",
        "language",
        "outcome",
        "updated_at",
        "acknowledge_by",
        "respond_by",
        "acknowledged_at",
        "resolved_at",
        "closed_at",
        "next_check",
        "body",
    ];

    fn of(c: &Case, now: i64, next_check: Option<OffsetDateTime>, body: Option<String>) -> Self {
        CaseColumns {
            category: c.category.clone(),
            status: c.status.as_str(),
            escalation: c.escalation_level as i64,
            assignee_role: c.assignee.role.clone(),
            assignee_staff: c.assignee.staff_id.map(|s| s.to_string()),
            language: c.language.as_str().to_string(),
            outcome: c.resolution.as_ref().map(|r| r.outcome.as_str()),
            updated_at: now,
            acknowledge_by: ms(c.acknowledge_by),
            respond_by: ms(c.respond_by),
            acknowledged_at: c.acknowledged_at.map(ms),
            resolved_at: c.resolved_at.map(ms),
            closed_at: c.closed_at.map(ms),
            next_check: next_check.map(ms),
            body,
        }
    }

    /// The values, in the order of [`CaseColumns::NAMES`].
    fn params(&self) -> [&dyn Param; 15] {
        [
            &self.category,
            &self.status,
            &self.escalation,
            &self.assignee_role,
            &self.assignee_staff,
            &self.language,
            &self.outcome,
            &self.updated_at,
            &self.acknowledge_by,
            &self.respond_by,
            &self.acknowledged_at,
            &self.resolved_at,
            &self.closed_at,
            &self.next_check,
            &self.body,
        ]
    }
}

/// Filing: the fixed columns (?1 to ?9), then [`CaseColumns`].
static INSERT_CASE: LazyLock<String> = LazyLock::new(|| {
    let names = CaseColumns::NAMES.join(", ");
    let values: Vec<String> = (1..=9 + CaseColumns::NAMES.len())
        .map(|i| format!("?{i}"))
        .collect();
    format!(
        "INSERT INTO cases (uuid, fiduciary, reference, prefix, year, seq, pseudonym, kind,
           created_at, {names})
         VALUES ({})",
        values.join(", ")
    )
});

/// Every later save: [`CaseColumns`] from ?3, the case found by ?1 (fiduciary) and ?2 (uuid).
static UPDATE_CASE: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = CaseColumns::NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| match *n {
            "body" => format!("body = COALESCE(?{}, body)", i + 3),
            _ => format!("{n} = ?{}", i + 3),
        })
        .collect();
    format!(
        "UPDATE cases SET {} WHERE fiduciary = ?1 AND uuid = ?2",
        sets.join(", ")
    )
});

impl CasePort for WriteTx<'_> {
    fn case_settings(&mut self, fid: Uuid) -> StoreResult<CaseSettings> {
        let f = self.fid(fid)?;
        settings(self.conn, f)
    }

    fn save_case_settings(&mut self, fid: Uuid, s: &CaseSettings) -> StoreResult<()> {
        let f = self.fid(fid)?;
        crate::conv::save_fiduciary_doc(self.conn, "case_settings", f, s)
    }

    fn custom_roles(&mut self, fid: Uuid) -> StoreResult<BTreeSet<String>> {
        let names: Vec<String> = self
            .conn
            .prepare_cached("SELECT name FROM roles WHERE fiduciary = ?1")
            .map_err(db_err)?
            .query_map(params![fid.to_string()], |r| r.get(0))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        Ok(names.into_iter().collect())
    }

    fn next_case_seq(&mut self, fid: Uuid, prefix: &str, year: i32) -> StoreResult<u64> {
        let f = self.fid(fid)?;
        let max: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT MAX(seq) FROM cases WHERE fiduciary = ?1 AND prefix = ?2 AND year = ?3",
            )
            .map_err(db_err)?
            .query_row(params![f, prefix, year as i64], |r| r.get(0))
            .map_err(db_err)?;
        Ok(max.unwrap_or(0) as u64 + 1)
    }

    fn insert_case(
        &mut self,
        fid: Uuid,
        p: &Pseudonym,
        c: &Case,
        next_check: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let now = ms(self.now);
        let body =
            Vault::new(self.conn, self.keys, f, fid).seal_for(p, "case.body", &to_json(c)?, now)?;
        let mut parts = c.reference.splitn(3, '-');
        let (prefix, year, seq) = (
            parts.next().unwrap_or_default().to_string(),
            parts
                .next()
                .and_then(|y| y.parse::<i64>().ok())
                .unwrap_or(0),
            parts
                .next()
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0),
        );
        let columns = CaseColumns::of(c, now, next_check, Some(body));
        let (uuid, created_at) = (c.id.to_string(), ms(c.created_at));
        let (pseudonym, kind): (&[u8], &str) = (&p[..], c.kind.as_str());
        let fixed: [&dyn Param; 9] = [
            &uuid,
            &f,
            &c.reference,
            &prefix,
            &year,
            &seq,
            &pseudonym,
            &kind,
            &created_at,
        ];
        let all: Vec<&dyn Param> = fixed.into_iter().chain(columns.params()).collect();
        self.exec(&INSERT_CASE, all.as_slice())?;
        Ok(())
    }

    fn update_case(
        &mut self,
        fid: Uuid,
        owner: Option<&Pseudonym>,
        c: &Case,
        next_check: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let now = ms(self.now);
        // A case whose principal was erased keeps its sealed body as it is (it no longer
        // opens); only its columns change.
        let body = match owner {
            Some(p) => Some(Vault::new(self.conn, self.keys, f, fid).seal_for(
                p,
                "case.body",
                &to_json(c)?,
                now,
            )?),
            None => None,
        };
        let columns = CaseColumns::of(c, now, next_check, body);
        let uuid = c.id.to_string();
        let key: [&dyn Param; 2] = [&f, &uuid];
        let all: Vec<&dyn Param> = key.into_iter().chain(columns.params()).collect();
        self.exec(&UPDATE_CASE, all.as_slice())?;
        Ok(())
    }

    fn case_by_reference(
        &mut self,
        fid: Uuid,
        reference: &str,
    ) -> StoreResult<Option<(Option<Pseudonym>, Case)>> {
        let f = self.fid(fid)?;
        let Some(row) = by_reference(self.conn, f, reference)? else {
            return Ok(None);
        };
        let mut vault = Vault::new(self.conn, self.keys, f, fid);
        Ok(Some((row.pseudonym(), row.open(&mut vault)?)))
    }

    fn recheck_cases(&mut self, fid: Uuid, now: OffsetDateTime) -> StoreResult<usize> {
        let f = self.fid(fid)?;
        self.conn
            .execute(
                "UPDATE cases SET next_check = ?2 WHERE fiduciary = ?1 AND next_check > ?2",
                params![f, ms(now)],
            )
            .map_err(db_err)
    }

    fn due_cases(&mut self, now: OffsetDateTime, limit: usize) -> StoreResult<Vec<(Uuid, String)>> {
        let rows: Vec<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT f.uuid, c.reference FROM cases c JOIN fiduciaries f ON f.id = c.fiduciary
                 WHERE c.next_check IS NOT NULL AND c.next_check <= ?1
                 ORDER BY c.next_check LIMIT ?2",
            )
            .map_err(db_err)?
            .query_map(params![ms(now), limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        rows.into_iter()
            .map(|(f, r)| Ok((parse_uuid(&f)?, r)))
            .collect()
    }

    fn insert_attachment(
        &mut self,
        fid: Uuid,
        reference: &str,
        p: &Pseudonym,
        a: &Attachment,
        bytes: &[u8],
    ) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let now = ms(self.now);
        let Some(row) = by_reference(self.conn, f, reference)? else {
            return Err(StoreError::not_found(format!("case {reference}")));
        };
        let data = Vault::new(self.conn, self.keys, f, fid).seal_for(
            p,
            "case.attachment",
            &B64.encode(bytes),
            now,
        )?;
        self.exec(
            "INSERT INTO case_attachments (uuid, case_id, data) VALUES (?1, ?2, ?3)",
            params![a.id.to_string(), row.id, data],
        )?;
        Ok(())
    }

    fn insert_nomination(&mut self, fid: Uuid, p: &Pseudonym, n: &Nomination) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let now = ms(self.now);
        let body = Vault::new(self.conn, self.keys, f, fid).seal_for(
            p,
            "nomination.body",
            &to_json(n)?,
            now,
        )?;
        self.exec(
            "INSERT INTO nominations (uuid, fiduciary, pseudonym, status, created_at, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                n.id.to_string(),
                f,
                &p[..],
                n.status.clone(),
                ms(n.created_at),
                body
            ],
        )?;
        Ok(())
    }

    fn update_nomination(&mut self, fid: Uuid, n: &Nomination) -> StoreResult<()> {
        let f = self.fid(fid)?;
        let now = ms(self.now);
        let Some((p, _)) = self.nomination(fid, n.id)? else {
            return Err(StoreError::not_found(format!("nomination {}", n.id)));
        };
        let body = Vault::new(self.conn, self.keys, f, fid).seal_for(
            &p,
            "nomination.body",
            &to_json(n)?,
            now,
        )?;
        self.exec(
            "UPDATE nominations SET status = ?3, body = ?4 WHERE fiduciary = ?1 AND uuid = ?2",
            params![f, n.id.to_string(), n.status.clone(), body],
        )?;
        Ok(())
    }

    fn nomination(&mut self, fid: Uuid, id: Uuid) -> StoreResult<Option<(Pseudonym, Nomination)>> {
        let f = self.fid(fid)?;
        let row: Option<(String, Option<Vec<u8>>, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT uuid, pseudonym, status, body FROM nominations
                 WHERE fiduciary = ?1 AND uuid = ?2",
            )
            .map_err(db_err)?
            .query_row(params![f, id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
            .map_err(db_err)?;
        match row {
            Some(row) => nomination_row(self.conn, self.keys, f, fid, row),
            None => Ok(None),
        }
    }

    fn nominations_of(&mut self, fid: Uuid, p: &Pseudonym) -> StoreResult<Vec<Nomination>> {
        nominations_of(self.conn, self.keys, fid, p)
    }
}
