//! Reading API answers: timestamps, ids, the state of a purpose inside an artefact.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Parses an RFC 3339 timestamp field.
pub fn ts(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        v.as_str().unwrap_or_else(|| panic!("not a timestamp: {v}")),
        &Rfc3339,
    )
    .unwrap()
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

/// The state of one purpose inside an artefact.
pub fn purpose<'a>(artefact: &'a Value, code: &str) -> &'a Value {
    artefact["purposes"]
        .as_array()
        .unwrap_or_else(|| panic!("no purposes in {artefact}"))
        .iter()
        .find(|p| p["purpose"] == code)
        .unwrap_or_else(|| panic!("no purpose {code} in {artefact}"))
}

pub fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}
