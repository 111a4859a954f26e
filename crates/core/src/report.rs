//! The DPO's compliance report for a period (issue 23, item 3; BRD 4.1.5 "compliance reports",
//! 4.6.1 "audit reports"): per purpose, the consents granted, refused, changed, renewed,
//! withdrawn and expired; validations by outcome; grievances and requests against their
//! deadlines; processors' acknowledgement times. The consent and validation figures are
//! counted from the ledger's own entries (one per purpose a write changed; one per
//! validation), so anyone holding the ledger can recount them; the case and alert figures come
//! from their tables. As JSON, CSV (formula-safe) and PDF.

use crate::error::DomainError;
use crate::export::field;
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;

/// The longest period one report covers.
pub const MAX_PERIOD: Duration = Duration::days(400);

/// A period `[from, to)`: non-empty, in order, at most [`MAX_PERIOD`]; otherwise 422
/// `invalid_period`.
pub fn check_period(from: OffsetDateTime, to: OffsetDateTime) -> Result<(), DomainError> {
    if to <= from {
        return Err(DomainError::invalid(
            "invalid_period",
            "the period is empty or reversed: `to` must be after `from`",
        ));
    }
    if to - from > MAX_PERIOD {
        return Err(DomainError::invalid(
            "invalid_period",
            "a report covers at most 400 days",
        ));
    }
    Ok(())
}

/// Entries of the ledger in the period with the same action, purpose, status and outcome.
#[derive(Clone, Debug)]
pub struct LedgerCount {
    pub action: String,
    pub purpose: Option<String>,
    pub status: Option<String>,
    pub outcome: String,
    pub count: u64,
}

/// One purpose's consent figures in the period, from its ledger entries.
#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct PurposeFigures {
    pub purpose: String,
    /// Collected with the purpose granted.
    pub granted: u64,
    /// Collected with the purpose refused.
    pub denied: u64,
    pub updated: u64,
    pub renewed: u64,
    pub withdrawn: u64,
    pub expired: u64,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct ValidationFigures {
    pub total: u64,
    /// Answered `valid: true` (reasons `active` and `legal_exception`).
    pub valid: u64,
    /// Every answer by its reason (`active`, `not_found`, `withdrawn`, ...).
    pub by_reason: BTreeMap<String, u64>,
}

/// Grievances and requests against their deadlines.
#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct CaseFigures {
    /// Filed in the period.
    pub filed: u64,
    /// Resolved in the period.
    pub resolved: u64,
    /// Of those, resolved by their deadline.
    pub resolved_in_time: u64,
    /// Open at the end of the period and past their deadline.
    pub open_overdue: u64,
}

/// Processors' confirmations of alerts acknowledged in the period.
#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq)]
pub struct AlertFigures {
    pub acknowledged: u64,
    /// Mean time from the alert to its acknowledgement, in seconds (none without any).
    pub mean_lag_seconds: Option<f64>,
    pub max_lag_seconds: Option<f64>,
}

#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct ComplianceReport {
    pub fiduciary_id: uuid::Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// Every purpose with an entry in the period, by code.
    pub purposes: Vec<PurposeFigures>,
    pub validations: ValidationFigures,
    pub cases: CaseFigures,
    pub alerts: AlertFigures,
}

/// The consent and validation figures from the ledger's counts.
pub fn from_ledger(counts: &[LedgerCount]) -> (Vec<PurposeFigures>, ValidationFigures) {
    let mut purposes: BTreeMap<String, PurposeFigures> = BTreeMap::new();
    let mut v = ValidationFigures::default();
    for c in counts {
        if c.action == "consent.validated" {
            v.total += c.count;
            if matches!(c.outcome.as_str(), "active" | "legal_exception") {
                v.valid += c.count;
            }
            *v.by_reason.entry(c.outcome.clone()).or_default() += c.count;
            continue;
        }
        let Some(purpose) = &c.purpose else { continue };
        let f = purposes
            .entry(purpose.clone())
            .or_insert_with(|| PurposeFigures {
                purpose: purpose.clone(),
                ..Default::default()
            });
        let slot = match (c.action.as_str(), c.status.as_deref()) {
            ("consent.collected", Some("denied")) => &mut f.denied,
            ("consent.collected", _) => &mut f.granted,
            ("consent.updated", _) => &mut f.updated,
            ("consent.renewed", _) => &mut f.renewed,
            ("consent.withdrawn", _) => &mut f.withdrawn,
            ("consent.expired", _) => &mut f.expired,
            _ => continue,
        };
        *slot += c.count;
    }
    (purposes.into_values().collect(), v)
}

/// The actions whose entries the report counts.
pub const COUNTED_ACTIONS: &[&str] = &[
    "consent.collected",
    "consent.updated",
    "consent.renewed",
    "consent.withdrawn",
    "consent.expired",
    "consent.validated",
];

/// The report as CSV (RFC 4180, CRLF): `section,key,metric,value` rows, every cell
/// neutralised against formulas (a purpose code is the fiduciary's text).
pub fn csv(r: &ComplianceReport) -> String {
    let mut rows: Vec<[String; 4]> = vec![
        ["period".into(), "from".into(), String::new(), ts(r.from)],
        ["period".into(), "to".into(), String::new(), ts(r.to)],
    ];
    for p in &r.purposes {
        for (m, n) in [
            ("granted", p.granted),
            ("denied", p.denied),
            ("updated", p.updated),
            ("renewed", p.renewed),
            ("withdrawn", p.withdrawn),
            ("expired", p.expired),
        ] {
            rows.push([
                "consents".into(),
                p.purpose.clone(),
                m.into(),
                n.to_string(),
            ]);
        }
    }
    rows.push([
        "validations".into(),
        "total".into(),
        String::new(),
        r.validations.total.to_string(),
    ]);
    rows.push([
        "validations".into(),
        "valid".into(),
        String::new(),
        r.validations.valid.to_string(),
    ]);
    for (reason, n) in &r.validations.by_reason {
        rows.push([
            "validations".into(),
            "reason".into(),
            reason.clone(),
            n.to_string(),
        ]);
    }
    let c = &r.cases;
    for (m, n) in [
        ("filed", c.filed),
        ("resolved", c.resolved),
        ("resolved_in_time", c.resolved_in_time),
        ("open_overdue", c.open_overdue),
    ] {
        rows.push(["cases".into(), m.into(), String::new(), n.to_string()]);
    }
    let a = &r.alerts;
    rows.push([
        "alerts".into(),
        "acknowledged".into(),
        String::new(),
        a.acknowledged.to_string(),
    ]);
    let secs = |v: Option<f64>| v.map(|s| format!("{s:.1}")).unwrap_or_default();
    rows.push([
        "alerts".into(),
        "mean_lag_seconds".into(),
        String::new(),
        secs(a.mean_lag_seconds),
    ]);
    rows.push([
        "alerts".into(),
        "max_lag_seconds".into(),
        String::new(),
        secs(a.max_lag_seconds),
    ]);
    let mut out = String::from("section,key,metric,value\r\n");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn ts(t: OffsetDateTime) -> String {
    crate::export::timestamp(Some(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(
        action: &str,
        purpose: Option<&str>,
        status: Option<&str>,
        outcome: &str,
        n: u64,
    ) -> LedgerCount {
        LedgerCount {
            action: action.into(),
            purpose: purpose.map(Into::into),
            status: status.map(Into::into),
            outcome: outcome.into(),
            count: n,
        }
    }

    #[test]
    fn ledger_counts_become_figures_per_purpose_and_reason() {
        let (p, v) = from_ledger(&[
            count("consent.collected", Some("a"), Some("active"), "ok", 3),
            count("consent.collected", Some("a"), Some("denied"), "ok", 2),
            count("consent.withdrawn", Some("a"), Some("withdrawn"), "ok", 1),
            count("consent.validated", Some("a"), None, "active", 5),
            count("consent.validated", Some("a"), None, "withdrawn", 4),
            count("consent.validated", None, None, "unknown_purpose", 1),
        ]);
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].granted, p[0].denied, p[0].withdrawn), (3, 2, 1));
        assert_eq!((v.total, v.valid), (10, 5));
        assert_eq!(v.by_reason["unknown_purpose"], 1);
    }

    #[test]
    fn periods_are_checked() {
        let t = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        assert!(check_period(t, t).is_err());
        assert!(check_period(t, t - Duration::days(1)).is_err());
        assert!(check_period(t, t + Duration::days(401)).is_err());
        assert!(check_period(t, t + Duration::days(30)).is_ok());
    }
}
