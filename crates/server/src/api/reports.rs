//! The DPO's compliance report for a period (`anumodan_core::report`), as JSON, CSV or PDF.

use crate::AppState;
use crate::api::consents::parse_time;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, Query};
use anumodan_core::authz::Permission;
use anumodan_core::report::{self, ComplianceReport};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// Start of the period, inclusive (RFC 3339).
    #[param(format = DateTime)]
    pub from: String,
    /// End of the period, exclusive (RFC 3339); after `from`, at most 400 days later.
    #[param(format = DateTime)]
    pub to: String,
    /// `json` (the default), `csv` or `pdf`.
    #[param(pattern = "^(json|csv|pdf)$")]
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/v1/reports/compliance", tag = "audit", params(ReportQuery),
    responses(
        (status = 200, description = "The report for the period: consents per purpose and validations by reason (counted from the ledger's entries), cases against their deadlines, processors' acknowledgement times. `format=csv` gives `text/csv`, `format=pdf` a PDF document", body = ComplianceReport),
        (status = 400, body = Problem),
        (status = 422, description = "The period breaks a rule between its fields, which the schemas cannot state: `invalid_period` (empty, reversed or over 400 days)", body = Problem),
        (status = 503, description = "`pdf_unavailable`: the PDF could not be made now", body = Problem)),
    security(("api_key" = [])))]
pub async fn compliance_report(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    c.require(Permission::AuditRead)?;
    let bad_format = || ApiError::bad_request("invalid_query", "format is json, csv or pdf");
    let format = match q.format.as_deref() {
        None | Some("json") => "json",
        Some("csv") => "csv",
        Some("pdf") => "pdf",
        Some(_) => return Err(bad_format()),
    };
    let from = parse_time("from", &Some(q.from))?.ok_or_else(bad_format)?;
    let to = parse_time("to", &Some(q.to))?.ok_or_else(bad_format)?;
    report::check_period(from, to)?;
    let fid = c.fiduciary_id;
    let (counts, cases, alerts) = s
        .store
        .read_keyed(move |conn, _| {
            Ok((
                anumodan_store::report::ledger_counts(conn, fid, from, to)?,
                anumodan_store::report::case_figures(conn, fid, from, to)?,
                anumodan_store::report::alert_figures(conn, fid, from, to)?,
            ))
        })
        .await?;
    let (purposes, validations) = report::from_ledger(&counts);
    let r = ComplianceReport {
        fiduciary_id: fid,
        from,
        to,
        generated_at: s.clock.now(),
        purposes,
        validations,
        cases,
        alerts,
    };
    let name = format!(
        "anumodan-compliance-{}-{}",
        from.date(),
        (to - time::Duration::milliseconds(1)).date()
    );
    Ok(match format {
        "csv" => crate::api::attachment(
            report::csv(&r),
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
        ),
        "pdf" => {
            let pdf = s.pdf.render(pdf_document(&r)).await?;
            crate::api::attachment(pdf, "application/pdf", &format!("{name}.pdf"))
        }
        _ => axum::Json(r).into_response(),
    })
}

/// The report as a document (English: the staff console's other languages come with it).
fn pdf_document(r: &ComplianceReport) -> anumodan_pdf::Doc {
    use anumodan_pdf::{Block, Column};
    let cols = |names: &[(&str, f32)]| {
        names
            .iter()
            .map(|(t, w)| Column {
                title: t.to_string(),
                weight: *w,
            })
            .collect::<Vec<_>>()
    };
    let ts = |t| anumodan_core::export::timestamp(Some(t));
    let mut blocks = vec![
        Block::Title("Compliance report".into()),
        Block::Note(format!(
            "Fiduciary {}. Period {} to {} (end exclusive). Made {}. Consent and validation \
             figures are counted from the audit ledger's entries of the period.",
            r.fiduciary_id,
            ts(r.from),
            ts(r.to),
            ts(r.generated_at)
        )),
        Block::Heading("Consents per purpose".into()),
        Block::Table {
            columns: cols(&[
                ("purpose", 2.0),
                ("granted", 1.0),
                ("refused", 1.0),
                ("changed", 1.0),
                ("renewed", 1.0),
                ("withdrawn", 1.0),
                ("expired", 1.0),
            ]),
            rows: r
                .purposes
                .iter()
                .map(|p| {
                    vec![
                        p.purpose.clone(),
                        p.granted.to_string(),
                        p.denied.to_string(),
                        p.updated.to_string(),
                        p.renewed.to_string(),
                        p.withdrawn.to_string(),
                        p.expired.to_string(),
                    ]
                })
                .collect(),
        },
        Block::Heading("Validations".into()),
        Block::Text(format!(
            "{} validations, {} answered valid.",
            r.validations.total, r.validations.valid
        )),
        Block::Table {
            columns: cols(&[("reason", 2.0), ("answers", 1.0)]),
            rows: r
                .validations
                .by_reason
                .iter()
                .map(|(k, v)| vec![k.clone(), v.to_string()])
                .collect(),
        },
        Block::Heading("Grievances and requests".into()),
    ];
    let c = &r.cases;
    blocks.push(Block::Table {
        columns: cols(&[("measure", 2.0), ("cases", 1.0)]),
        rows: vec![
            vec!["filed in the period".into(), c.filed.to_string()],
            vec!["resolved in the period".into(), c.resolved.to_string()],
            vec![
                "of those, by their deadline".into(),
                c.resolved_in_time.to_string(),
            ],
            vec![
                "open and overdue at the end".into(),
                c.open_overdue.to_string(),
            ],
        ],
    });
    blocks.push(Block::Heading("Processors' acknowledgements".into()));
    let secs = |v: Option<f64>| v.map(|s| format!("{s:.1} s")).unwrap_or_else(|| "-".into());
    blocks.push(Block::Table {
        columns: cols(&[("measure", 2.0), ("value", 1.0)]),
        rows: vec![
            vec![
                "alerts acknowledged".into(),
                r.alerts.acknowledged.to_string(),
            ],
            vec![
                "mean time to acknowledge".into(),
                secs(r.alerts.mean_lag_seconds),
            ],
            vec![
                "longest time to acknowledge".into(),
                secs(r.alerts.max_lag_seconds),
            ],
        ],
    });
    anumodan_pdf::Doc {
        title: "Anumodan compliance report".into(),
        lang: "en".into(),
        rtl: false,
        footer: "Anumodan compliance report - page {page} of {pages}".into(),
        blocks,
    }
}
