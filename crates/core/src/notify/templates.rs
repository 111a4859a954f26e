//! TEMPORARY stub until the templates branch lands (replaced by the real module).
use crate::lang::Lang;
use serde::{Deserialize, Serialize};

pub const EVENTS: &[&str] = &[
    "consent_collected",
    "consent_updated",
    "consent_renewed",
    "consent_withdrawn",
    "consent_expired",
    "renewal_due",
    "reconsent_required",
    "case_status",
    "alert_escalated",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TemplateSource {
    pub subject: String,
    pub text: String,
    pub sms: String,
    #[serde(default)]
    pub html: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub sms: String,
    pub html: String,
}

#[derive(Debug)]
pub struct TemplateError(pub String);
impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn builtin(_event: &str, _lang: &Lang) -> Option<&'static TemplateSource> {
    None
}

pub fn render(
    event: &str,
    _lang: &Lang,
    _vars: &serde_json::Value,
    _custom: Option<&TemplateSource>,
) -> Result<Rendered, TemplateError> {
    Ok(Rendered {
        subject: event.into(),
        text: event.into(),
        sms: event.into(),
        html: event.into(),
    })
}

pub fn validate(_event: &str, _t: &TemplateSource) -> Result<(), TemplateError> {
    Ok(())
}

pub fn variables(_event: &str) -> &'static [&'static str] {
    &[]
}
