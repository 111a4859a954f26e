//! A principal's export of their own consent history: a CSV for spreadsheets (with cells that
//! a spreadsheet would read as a formula neutralised) and a machine-readable consent record
//! following ISO/IEC TS 27560 with the W3C Data Privacy Vocabulary (JSON-LD). The mapping is
//! documented in docs/web.md ("The principal's dashboard").
//!
//! Both take the artefacts' histories as stored (oldest version first) with personal data
//! already masked, and the purposes' names in the principal's language.

use crate::model::{Artefact, LegalBasis, Status};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One consent artefact: every version, oldest first.
pub struct History<'a> {
    pub versions: &'a [Artefact],
}

/// A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading apostrophe, so it is shown as text.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// One CSV field: neutralised, then quoted when it holds a comma, a quote or a line break.
pub fn field(cell: &str) -> String {
    let cell = neutralise(cell);
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

fn ts(t: Option<OffsetDateTime>) -> String {
    t.and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

/// The CSV header's columns.
pub const CSV_COLUMNS: [&str; 14] = [
    "consent_id",
    "version",
    "event",
    "recorded_at",
    "initiator",
    "method",
    "notice",
    "notice_version",
    "purpose",
    "purpose_name",
    "decision",
    "status",
    "data_items",
    "expires_at",
];

/// One version of a consent, for one purpose: a row of the exports.
pub struct Row<'a> {
    pub artefact: &'a Artefact,
    pub purpose: &'a crate::model::PurposeState,
}

/// Every version of every consent, one row per purpose, oldest version first.
pub fn rows<'a>(histories: &'a [History<'a>]) -> impl Iterator<Item = Row<'a>> + 'a {
    histories.iter().flat_map(|h| {
        h.versions.iter().flat_map(|a| {
            a.purposes.iter().map(move |p| Row {
                artefact: a,
                purpose: p,
            })
        })
    })
}

/// A timestamp as the exports show it (RFC 3339, empty when there is none).
pub fn timestamp(t: Option<OffsetDateTime>) -> String {
    ts(t)
}

/// The history as CSV (RFC 4180, CRLF line ends): one row per version and purpose, oldest
/// first. `names` maps a purpose code to its name in the principal's language.
pub fn csv(histories: &[History<'_>], names: &BTreeMap<String, String>) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for Row {
        artefact: a,
        purpose: p,
    } in rows(histories)
    {
        let row = [
            a.id.to_string(),
            a.version.to_string(),
            enum_str(&a.event),
            ts(Some(a.created_at)),
            a.initiator.clone(),
            enum_str(&a.method),
            a.notice_code.clone(),
            a.notice_version.to_string(),
            p.purpose.clone(),
            names.get(&p.purpose).cloned().unwrap_or_default(),
            enum_str(&p.decision),
            p.status.as_str().to_string(),
            p.data_items.join(" "),
            ts(p.expires_at),
        ];
        let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A serde enum's name (`collected`, `web`, `granted`...).
pub fn enum_str<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The DPV consent status of a purpose's status.
pub fn dpv_status(status: Status) -> &'static str {
    match status {
        Status::Active => "dpv:ConsentGiven",
        Status::Denied => "dpv:ConsentRefused",
        Status::Withdrawn => "dpv:ConsentWithdrawn",
        Status::Expired => "dpv:ConsentExpired",
        // Nothing of an erased principal's consent is in force; DPV has no closer term.
        Status::Erased => "dpv:ConsentInvalidated",
    }
}

fn dpv_legal_basis(b: LegalBasis) -> Value {
    match b {
        LegalBasis::Consent => json!("dpv:Consent"),
        LegalBasis::LegalObligation => json!("dpv:LegalObligation"),
        // DPDP Act s.7 "legitimate uses" other than a legal obligation: no DPV term says it.
        LegalBasis::LegitimateUse => json!("anm:LegitimateUse"),
    }
}

/// The consent records as JSON-LD: one `dpv:ConsentRecord` per artefact and purpose, its
/// current state from the latest version (statuses as of `now`) and its events from every
/// version.
pub fn consent_records(
    histories: &[History<'_>],
    names: &BTreeMap<String, String>,
    now: OffsetDateTime,
) -> Value {
    let mut graph = Vec::new();
    for h in histories {
        let Some(latest) = h.versions.last() else {
            continue;
        };
        for p in &latest.purposes {
            let status = if latest.principal_id == crate::mask::ERASED {
                Status::Erased
            } else {
                p.status_at(now)
            };
            let events: Vec<Value> = h
                .versions
                .iter()
                .filter_map(|a| a.purpose(&p.purpose).map(|s| (a, s)))
                .map(|(a, s)| {
                    json!({
                        "@type": "anm:ConsentEvent",
                        "anm:version": a.version,
                        "anm:event": enum_str(&a.event),
                        "dpv:hasConsentStatus": {"@id": dpv_status(s.status)},
                        "dpv:isIndicatedAtTime": ts(Some(a.created_at)),
                        "anm:initiator": a.initiator,
                        "anm:method": enum_str(&a.method),
                        "anm:noticeVersion": s.held_version(a.notice_version),
                    })
                })
                .collect();
            let mut record = json!({
                "@id": format!("urn:uuid:{}#{}", latest.id, p.purpose),
                "@type": "dpv:ConsentRecord",
                "dct:identifier": format!("{}#{}", latest.id, p.purpose),
                "dct:conformsTo": "ISO/IEC TS 27560:2023",
                "dpv:hasDataSubject": {"@type": "dpv:DataSubject", "dct:identifier": latest.principal_id},
                "dpv:hasDataController": {"@id": format!("urn:uuid:{}", latest.fiduciary_id), "@type": "dpv:DataController"},
                "dpv:hasPurpose": {
                    "@id": format!("anm:purpose/{}", p.purpose),
                    "@type": "dpv:Purpose",
                    "dct:identifier": p.purpose,
                    "dct:title": names.get(&p.purpose).cloned().unwrap_or_else(|| p.purpose.clone()),
                },
                "dpv:hasPersonalData": p.data_items.iter().map(|d| json!({
                    "@id": format!("anm:data/{d}"), "@type": "dpv:PersonalData", "dct:identifier": d,
                })).collect::<Vec<_>>(),
                "dpv:hasLegalBasis": {"@id": dpv_legal_basis(p.legal_basis)},
                "dpv:hasConsentStatus": {"@id": dpv_status(status)},
                "dpv:isIndicatedAtTime": ts(Some(p.updated_at)),
                "dpv:hasJurisdiction": {"@id": "loc:IN"},
                "dpv:hasNotice": {
                    "@id": format!("anm:notice/{}/{}", latest.notice_code, p.held_version(latest.notice_version)),
                    "@type": "dpv:Notice",
                    "dct:identifier": latest.notice_code,
                    "anm:noticeVersion": p.held_version(latest.notice_version),
                    "anm:textSha256": latest.notice_text_hash,
                    "dct:language": latest.language.as_str(),
                },
                "dct:created": ts(h.versions.first().map(|a| a.created_at)),
                "dct:modified": ts(Some(latest.created_at)),
                "anm:events": events,
            });
            if let Some(t) = p.expires_at {
                record["anm:expiresAt"] = json!(ts(Some(t)));
            }
            if let Some(t) = p.withdrawn_at {
                record["anm:withdrawnAt"] = json!(ts(Some(t)));
            }
            graph.push(record);
        }
    }
    json!({
        "@context": {
            "dpv": "https://w3id.org/dpv#",
            "dct": "http://purl.org/dc/terms/",
            "loc": "https://w3id.org/dpv/loc#",
            "anm": "https://anumodan.in/ns#",
        },
        "@graph": graph,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_like_cell_is_shown_as_text() {
        for bad in ["=1+1", "+91", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("Marketing"), "Marketing");
        assert_eq!(neutralise(""), "");
        assert_eq!(
            field("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(field("a,b"), "\"a,b\"");
    }
}
