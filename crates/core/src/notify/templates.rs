//! Notification templates: one per event and language, in English and the 22 languages of the
//! Eighth Schedule.
//!
//! The built-in templates live in `crates/core/templates/notify/<code>.toml`, one file per
//! language, compiled into the binary. Each file has a table per event in [`EVENTS`] with
//! `subject`, `text` (the plain-text e-mail body), `sms` (one short line, also the in-app inbox
//! title) and optionally `html` (a fragment for the e-mail's body); a `[status_text]` table
//! names the case statuses of [`CASE_STATUSES`] in that language. All four are MiniJinja
//! templates that may use only the variables of their event ([`variables`]).
//!
//! A fiduciary may override the template of one event in one language with a
//! [`TemplateSource`]; [`validate`] decides whether it may be stored, and [`render`] uses it in
//! place of the built-in one. Rendering is strict (an undefined variable is an error), bounded
//! (the engine's fuel), escapes HTML only in the HTML body, and keeps the subject and the short
//! form on one line.

use crate::lang::Lang;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

/// The events a notification is sent for; each is the name of a template.
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
    "case_escalated",
    "erasure_due",
];

/// Status codes of a grievance or request that every language names in its `[status_text]`
/// table. Another code is shown as it is.
pub const CASE_STATUSES: &[&str] = &[
    "received",
    "acknowledged",
    "in_progress",
    "awaiting_information",
    "resolved",
    "rejected",
    "closed",
    "submitted",
    "escalated",
    "reopened",
];

/// Longest subject template, in characters.
pub const SUBJECT_MAX_CHARS: usize = 200;
/// Longest short (SMS and inbox) template, in characters.
pub const SMS_MAX_CHARS: usize = 480;
/// Largest plain-text template, in bytes.
pub const TEXT_MAX_BYTES: usize = 10_000;
/// Largest HTML template, in bytes.
pub const HTML_MAX_BYTES: usize = 50_000;
/// The engine's budget for rendering one part of a message: roughly the number of instructions
/// it may run (see `minijinja::Environment::set_fuel`). The built-in templates use a few hundred.
pub const FUEL: u64 = 50_000;

/// Variables `render` supplies itself; a caller does not pass them.
const DERIVED: &[&str] = &["language", "status_text"];

/// The variables a template of `event` may use (`None` for an unknown event). Every event has
/// `fiduciary`, `dashboard_url` and `language`; `language` (and `status_text` for
/// `case_status`) are filled in by [`render`], the others come from the caller.
pub fn variables(event: &str) -> Option<&'static [&'static str]> {
    Some(match event {
        "consent_collected" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "granted",
            "denied",
            "expires_at",
            "artefact_id",
        ],
        "consent_updated" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "granted",
            "denied",
            "withdrawn",
            "artefact_id",
        ],
        "consent_renewed" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "purposes",
            "expires_at",
            "artefact_id",
        ],
        "consent_withdrawn" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "purposes",
            "continuing",
            "artefact_id",
        ],
        "consent_expired" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "purposes",
            "artefact_id",
        ],
        "renewal_due" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "purposes",
            "expires_at",
            "days_left",
            "artefact_id",
        ],
        "reconsent_required" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "notice",
            "deadline",
        ],
        "case_status" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "reference",
            "case_kind",
            "status",
            "status_text",
        ],
        "case_escalated" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "reference",
            "case_kind",
            "status",
            "status_text",
            "level",
            "due",
            "overdue",
        ],
        "alert_escalated" => &[
            "fiduciary",
            "dashboard_url",
            "language",
            "processor",
            "purposes",
            "alert_id",
            "overdue_hours",
            "level",
        ],
        "erasure_due" => &["fiduciary", "dashboard_url", "language", "erase_at"],
        _ => return None,
    })
}

/// Example values for every variable a caller passes for `event`, used to check that a template
/// renders. [`validate`] also tries a sparse variant (empty lists, no dates, no dashboard).
pub fn sample_vars(event: &str) -> Option<Value> {
    let mut vars = json!({
        "fiduciary": "Example Bank Ltd",
        "dashboard_url": "https://consent.example.in/me",
    });
    let own = match event {
        "consent_collected" => json!({
            "granted": ["Opening a savings account", "Offers by e-mail"],
            "denied": ["Sharing with partner insurers"],
            "expires_at": "2026-12-31",
            "artefact_id": "0193a3c2-7d4e-7c1a-9b2f-5e8d0c4a1b36",
        }),
        "consent_updated" => json!({
            "granted": ["Offers by e-mail"],
            "denied": ["Sharing with partner insurers"],
            "withdrawn": ["Offers by SMS"],
            "artefact_id": "0193a3c2-7d4e-7c1a-9b2f-5e8d0c4a1b36",
        }),
        "consent_renewed" => json!({
            "purposes": ["Offers by e-mail", "Credit card pre-approval"],
            "expires_at": "2027-06-30",
            "artefact_id": "0193a3c2-7d4e-7c1a-9b2f-5e8d0c4a1b36",
        }),
        "consent_expired" => json!({
            "purposes": ["Offers by e-mail", "Credit card pre-approval"],
            "artefact_id": "0193a3c2-7d4e-7c1a-9b2f-5e8d0c4a1b36",
        }),
        "consent_withdrawn" => json!({
            "purposes": ["Offers by e-mail"],
            "continuing": ["Records kept under the Prevention of Money-laundering Act"],
            "artefact_id": "0193a3c2-7d4e-7c1a-9b2f-5e8d0c4a1b36",
        }),
        "renewal_due" => json!({
            "purposes": ["Offers by e-mail"],
            "expires_at": "2026-12-31",
            "days_left": 14,
            "artefact_id": "0193a3c2-7d4e-7c1a-9b2f-5e8d0c4a1b36",
        }),
        "reconsent_required" => json!({
            "notice": "Privacy notice for savings accounts",
            "deadline": "2027-01-31",
        }),
        "case_status" => json!({
            "reference": "GRV-2026-004217",
            "case_kind": "grievance",
            "status": "acknowledged",
        }),
        "case_escalated" => json!({
            "reference": "GRV-2026-004217",
            "case_kind": "grievance",
            "status": "escalated",
            "level": 1,
            "due": "2027-01-15",
            "overdue": false,
        }),
        "alert_escalated" => json!({
            "processor": "Acme Mailing Services",
            "purposes": ["Offers by e-mail"],
            "alert_id": "0193a3c9-1f20-7b55-8e61-2a9c4d7f0e13",
            "overdue_hours": 36,
            "level": 1,
        }),
        "erasure_due" => json!({ "erase_at": "2027-01-31 10:00 UTC" }),
        _ => return None,
    };
    merge(&mut vars, own);
    Some(vars)
}

/// The sample values with every list empty, every optional value `null`, and the other branch
/// of each choice (a request rather than a grievance, level 2, the last day).
fn sparse_vars(event: &str) -> Option<Value> {
    let mut vars = sample_vars(event)?;
    let map = vars.as_object_mut()?;
    for (name, value) in map.iter_mut() {
        match value {
            Value::Array(items) => items.clear(),
            _ if matches!(name.as_str(), "dashboard_url" | "expires_at" | "deadline") => {
                *value = Value::Null
            }
            _ => {}
        }
    }
    let changes = [
        ("case_kind", json!("request")),
        ("status", json!("resolved")),
        ("level", json!(2)),
        ("days_left", json!(1)),
        ("overdue_hours", json!(1)),
        ("overdue", json!(true)),
    ];
    for (name, value) in changes {
        if let Some(slot) = map.get_mut(name) {
            *slot = value;
        }
    }
    Some(vars)
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

/// The templates of one event in one language: what a built-in file holds per event, and what
/// a fiduciary sends to override it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateSource {
    /// The e-mail subject, one line.
    pub subject: String,
    /// The plain-text e-mail body.
    pub text: String,
    /// One short line: the SMS, and the title in the in-app inbox.
    pub sms: String,
    /// An HTML fragment for the e-mail body; without it the body is laid out from `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rendered {
    /// One line, no line breaks.
    pub subject: String,
    /// Plain text, ending with one line break.
    pub text: String,
    /// One line, no line breaks.
    pub sms: String,
    /// A complete HTML document.
    pub html: String,
}

/// Why a template was refused or could not be rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The event is not one of [`EVENTS`].
    UnknownEvent,
    /// No template for this event and language.
    MissingTemplate,
    /// A part is empty (or only white space).
    Empty,
    /// A part is over its size limit.
    TooLong,
    /// A part holds a control or invisible formatting character.
    ForbiddenCharacter,
    /// A part is not a well-formed template.
    Syntax,
    /// A part uses a variable its event does not have.
    UnknownVariable,
    /// The caller did not pass a variable of the event.
    MissingVariable,
    /// The variables are not a JSON object.
    InvalidVariables,
    /// A part fails when rendered.
    RenderFailed,
    /// A part needs more work than [`FUEL`] allows.
    TooExpensive,
    /// The HTML holds markup other than plain formatting and links (scripts, images, styles,
    /// frames, forms, event handlers, links to other than `http`, `https`, `mailto` or `tel`).
    ForbiddenHtml,
}

impl Reason {
    /// The stable code, as in the API.
    pub fn code(self) -> &'static str {
        match self {
            Reason::UnknownEvent => "unknown_event",
            Reason::MissingTemplate => "missing_template",
            Reason::Empty => "empty",
            Reason::TooLong => "too_long",
            Reason::ForbiddenCharacter => "forbidden_character",
            Reason::Syntax => "syntax",
            Reason::UnknownVariable => "unknown_variable",
            Reason::MissingVariable => "missing_variable",
            Reason::InvalidVariables => "invalid_variables",
            Reason::RenderFailed => "render_failed",
            Reason::TooExpensive => "too_expensive",
            Reason::ForbiddenHtml => "forbidden_html",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A refused or failed template: a machine-readable [`Reason`], the part concerned (`subject`,
/// `text`, `sms`, `html`; none when the whole request is at fault) and a message for people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub reason: Reason,
    pub field: Option<&'static str>,
    pub message: String,
}

impl TemplateError {
    fn new(reason: Reason, field: Option<Field>, message: impl Into<String>) -> Self {
        let message = message.into();
        TemplateError {
            reason,
            field: field.map(Field::name),
            message: match field {
                Some(f) => format!("{}: {message}", f.name()),
                None => message,
            },
        }
    }
}

/// A part of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Subject,
    Text,
    Sms,
    Html,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Subject => "subject",
            Field::Text => "text",
            Field::Sms => "sms",
            Field::Html => "html",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Built-in templates
// ---------------------------------------------------------------------------------------------

/// One language's file.
#[derive(Debug, Deserialize)]
struct LangFile {
    /// The words for the case statuses, by code.
    #[serde(default)]
    status_text: BTreeMap<String, String>,
    /// The templates, by event.
    #[serde(flatten)]
    events: BTreeMap<String, TemplateSource>,
}

/// The built-in files, by language code.
const FILES: &[(&str, &str)] = &[
    ("en", include_str!("../../templates/notify/en.toml")),
    ("as", include_str!("../../templates/notify/as.toml")),
    ("bn", include_str!("../../templates/notify/bn.toml")),
    ("brx", include_str!("../../templates/notify/brx.toml")),
    ("doi", include_str!("../../templates/notify/doi.toml")),
    ("gu", include_str!("../../templates/notify/gu.toml")),
    ("hi", include_str!("../../templates/notify/hi.toml")),
    ("kn", include_str!("../../templates/notify/kn.toml")),
    ("ks", include_str!("../../templates/notify/ks.toml")),
    ("kok", include_str!("../../templates/notify/kok.toml")),
    ("mai", include_str!("../../templates/notify/mai.toml")),
    ("ml", include_str!("../../templates/notify/ml.toml")),
    ("mni", include_str!("../../templates/notify/mni.toml")),
    ("mr", include_str!("../../templates/notify/mr.toml")),
    ("ne", include_str!("../../templates/notify/ne.toml")),
    ("or", include_str!("../../templates/notify/or.toml")),
    ("pa", include_str!("../../templates/notify/pa.toml")),
    ("sa", include_str!("../../templates/notify/sa.toml")),
    ("sat", include_str!("../../templates/notify/sat.toml")),
    ("sd", include_str!("../../templates/notify/sd.toml")),
    ("ta", include_str!("../../templates/notify/ta.toml")),
    ("te", include_str!("../../templates/notify/te.toml")),
    ("ur", include_str!("../../templates/notify/ur.toml")),
];

static BUILTINS: LazyLock<BTreeMap<&'static str, LangFile>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(code, source)| {
            let file = toml::from_str(source)
                .unwrap_or_else(|e| panic!("templates/notify/{code}.toml: {e}"));
            (code, file)
        })
        .collect()
});

/// The built-in template of `event` in `lang`.
pub fn builtin(event: &str, lang: &Lang) -> Option<&'static TemplateSource> {
    BUILTINS.get(lang.as_str())?.events.get(event)
}

/// The words for a case status in `lang` (English when the language has none, the code itself
/// when no language has it).
fn status_text(lang: &Lang, status: &str) -> String {
    [lang.as_str(), "en"]
        .iter()
        .find_map(|code| BUILTINS.get(code)?.status_text.get(status))
        .cloned()
        .unwrap_or_else(|| status.to_owned())
}

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    // Only the HTML part is escaped; `|safe` is gone, so nothing a template computes can turn
    // into markup there.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.remove_filter("safe");
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .expect("default delimiters");
    env.set_syntax(syntax);
    env
});

/// Globals of the engine that a template may use besides its event's variables.
const GLOBALS: &[&str] = &["range", "loop"];

fn template_name(event: &str, field: Field) -> String {
    match field {
        Field::Html => format!("{event}.html"),
        _ => format!("{event}.{}.txt", field.name()),
    }
}

fn engine_error(field: Field, err: &minijinja::Error) -> TemplateError {
    let reason = match err.kind() {
        ErrorKind::SyntaxError | ErrorKind::BadEscape => Reason::Syntax,
        ErrorKind::OutOfFuel => Reason::TooExpensive,
        _ => Reason::RenderFailed,
    };
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    if let Some(line) = err.line() {
        message.push_str(&format!(" (line {line})"));
    }
    TemplateError::new(reason, Some(field), message)
}

fn render_part(
    event: &str,
    field: Field,
    source: &str,
    ctx: &minijinja::Value,
) -> Result<String, TemplateError> {
    let name = template_name(event, field);
    let env: &Environment<'_> = &ENV;
    let template = env
        .template_from_named_str(&name, source)
        .map_err(|e| engine_error(field, &e))?;
    template
        .render(ctx.clone())
        .map_err(|e| engine_error(field, &e))
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/// Renders `event` in `lang` with `vars` (a JSON object with every variable of the event but
/// `language` and `status_text`, and nothing else), from `custom` when given, else from the
/// built-in template.
pub fn render(
    event: &str,
    lang: &Lang,
    vars: &Value,
    custom: Option<&TemplateSource>,
) -> Result<Rendered, TemplateError> {
    let allowed = known_event(event)?;
    let source = match custom {
        Some(source) => source,
        None => builtin(event, lang).ok_or_else(|| {
            TemplateError::new(
                Reason::MissingTemplate,
                None,
                format!("no template for event `{event}` in language `{lang}`"),
            )
        })?,
    };
    let ctx = context(event, allowed, lang, vars)?;
    render_source(event, lang, source, &ctx)
}

fn known_event(event: &str) -> Result<&'static [&'static str], TemplateError> {
    variables(event).ok_or_else(|| {
        TemplateError::new(
            Reason::UnknownEvent,
            None,
            format!(
                "unknown event `{event}`; the events are {}",
                EVENTS.join(", ")
            ),
        )
    })
}

/// The engine's context: the caller's variables, checked against the event's, plus the
/// derived ones.
fn context(
    event: &str,
    allowed: &[&str],
    lang: &Lang,
    vars: &Value,
) -> Result<minijinja::Value, TemplateError> {
    let Value::Object(given) = vars else {
        return Err(TemplateError::new(
            Reason::InvalidVariables,
            None,
            "the variables must be a JSON object",
        ));
    };
    if let Some(unknown) = given
        .keys()
        .find(|k| !allowed.contains(&k.as_str()) || DERIVED.contains(&k.as_str()))
    {
        return Err(TemplateError::new(
            Reason::UnknownVariable,
            None,
            format!("variable `{unknown}` is not one the caller passes for event `{event}`"),
        ));
    }
    if let Some(missing) = allowed
        .iter()
        .find(|v| !DERIVED.contains(v) && !given.contains_key(**v))
    {
        return Err(TemplateError::new(
            Reason::MissingVariable,
            None,
            format!("variable `{missing}` of event `{event}` is missing"),
        ));
    }
    let mut map: Map<String, Value> = given.clone();
    map.insert("language".into(), Value::from(lang.as_str()));
    if allowed.contains(&"status_text") {
        let status = match &map["status"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        map.insert(
            "status_text".into(),
            Value::from(status_text(lang, &status)),
        );
    }
    Ok(minijinja::Value::from(Serde(Value::Object(map))))
}

fn render_source(
    event: &str,
    lang: &Lang,
    source: &TemplateSource,
    ctx: &minijinja::Value,
) -> Result<Rendered, TemplateError> {
    let subject = one_line(&render_part(event, Field::Subject, &source.subject, ctx)?);
    let sms = one_line(&render_part(event, Field::Sms, &source.sms, ctx)?);
    let text = tidy_text(&render_part(event, Field::Text, &source.text, ctx)?);
    let body = match &source.html {
        Some(html) => {
            let fragment = render_part(event, Field::Html, html, ctx)?;
            check_html(&fragment)
                .map_err(|m| TemplateError::new(Reason::ForbiddenHtml, Some(Field::Html), m))?;
            fragment
        }
        None => paragraphs(&text),
    };
    let html = layout(lang, &subject, &body);
    Ok(Rendered {
        subject,
        text,
        sms,
        html,
    })
}

/// One line: every run of white space (line breaks included) becomes one space, and other
/// control characters go, so a subject cannot add a mail header.
fn one_line(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plain text: `\n` line breaks, no trailing spaces, at most one blank line in a row, one final
/// line break.
fn tidy_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    let mut blank_run = 0;
    for line in s.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The HTML body laid out from plain text: a paragraph per block of lines, line breaks within
/// it, and `http(s)://` addresses as links.
fn paragraphs(text: &str) -> String {
    let mut out = String::new();
    for block in text.split("\n\n") {
        let lines: Vec<String> = block
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(link_line)
            .collect();
        if !lines.is_empty() {
            out.push_str("<p>");
            out.push_str(&lines.join("<br>\n"));
            out.push_str("</p>\n");
        }
    }
    out
}

/// One escaped line, with each word that is an `http(s)://` address made a link (trailing
/// punctuation stays outside it).
fn link_line(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = find_url(rest) {
        out.push_str(&escape_html(&rest[..start]));
        let tail = &rest[start..];
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        let word = &tail[..end];
        let url = word.trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '।']);
        let url_html = escape_html(url);
        out.push_str(&format!("<a href=\"{url_html}\">{url_html}</a>"));
        out.push_str(&escape_html(&word[url.len()..]));
        rest = &tail[end..];
    }
    out.push_str(&escape_html(rest));
    out
}

/// Where the next `http://` or `https://` word starts in `s`.
fn find_url(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("http").map(|i| i + from) {
        let tail = &s[i..];
        let at_word_start = s[..i]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || c == '(');
        if at_word_start
            && (tail.starts_with("https://") || tail.starts_with("http://"))
            && tail.len() > "https://".len()
        {
            return Some(i);
        }
        from = i + "http".len();
    }
    None
}

/// The whole HTML document: language and direction, UTF-8, the subject as title, no external
/// resources of any kind.
fn layout(lang: &Lang, subject: &str, body: &str) -> String {
    let dir = if lang.is_rtl() { "rtl" } else { "ltr" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape_html(subject)
    )
}

/// Elements a fiduciary's HTML may use: text formatting, lists, tables and links.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Attributes it may use (`href` only on links, to `http`, `https`, `mailto` or `tel`).
const HTML_ATTRIBUTES: &[&str] = &["href", "title", "lang", "dir", "colspan", "rowspan"];

/// Whether an HTML fragment holds only the markup of [`HTML_ELEMENTS`] and
/// [`HTML_ATTRIBUTES`]: nothing that loads a resource, runs a script, styles or submits. The
/// fragment is what the engine produced, so escaped variables are text here, never markup.
fn check_html(html: &str) -> Result<(), String> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        let next = bytes.get(i).copied();
        match next {
            Some(b'!') | Some(b'?') => {
                return Err(
                    "comments, declarations and processing instructions are not allowed".into(),
                );
            }
            Some(b'/') => {
                i += 1;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            // A lone `<` is text.
            _ => continue,
        }
        let name_len = html[i..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(html.len() - i);
        let name = html[i..i + name_len].to_ascii_lowercase();
        if !HTML_ELEMENTS.contains(&name.as_str()) {
            return Err(format!("the element <{name}> is not allowed"));
        }
        i += name_len;
        // Attributes up to the closing `>`.
        loop {
            let rest = &html[i..];
            let skipped = rest.len() - rest.trim_start().len();
            i += skipped;
            match bytes.get(i) {
                None => return Err(format!("the tag <{name}> is not closed")),
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') if bytes.get(i + 1) == Some(&b'>') => {
                    i += 2;
                    break;
                }
                _ => {}
            }
            let rest = &html[i..];
            let attr_len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
                .unwrap_or(rest.len());
            if attr_len == 0 {
                return Err(format!("the tag <{name}> is malformed"));
            }
            let attr = rest[..attr_len].to_ascii_lowercase();
            if !HTML_ATTRIBUTES.contains(&attr.as_str()) {
                return Err(format!("the attribute `{attr}` is not allowed"));
            }
            i += attr_len;
            let rest = &html[i..];
            let trimmed = rest.trim_start();
            let mut value = None;
            if let Some(after_eq) = trimmed.strip_prefix('=') {
                let after_eq = after_eq.trim_start();
                i += rest.len() - after_eq.len();
                let (v, used) = match after_eq.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let end = after_eq[1..]
                            .find(q)
                            .ok_or_else(|| format!("an attribute of <{name}> is not closed"))?;
                        (&after_eq[1..1 + end], end + 2)
                    }
                    _ => {
                        let end = after_eq
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(after_eq.len());
                        (&after_eq[..end], end)
                    }
                };
                value = Some(v);
                i += used;
            }
            if attr == "href" {
                if name != "a" {
                    return Err(format!("`href` is allowed on <a> only, not on <{name}>"));
                }
                let target = value.unwrap_or("").trim().to_ascii_lowercase();
                if !["https:", "http:", "mailto:", "tel:"]
                    .iter()
                    .any(|scheme| target.starts_with(scheme))
                {
                    return Err(format!(
                        "a link must go to an http, https, mailto or tel address, not {:?}",
                        value.unwrap_or("")
                    ));
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// Whether `source` may be stored as the template of `event`: every part present and within
/// its limit, free of control and invisible formatting characters, well formed, using only the
/// event's variables, rendering within [`FUEL`] with the sample values (full and sparse), and
/// its HTML (when given) holding only plain formatting and links.
pub fn validate(event: &str, source: &TemplateSource) -> Result<(), TemplateError> {
    let allowed = known_event(event)?;
    let mut parts = vec![
        (Field::Subject, source.subject.as_str()),
        (Field::Text, source.text.as_str()),
        (Field::Sms, source.sms.as_str()),
    ];
    if let Some(html) = &source.html {
        parts.push((Field::Html, html.as_str()));
    }
    for &(field, part) in &parts {
        check_part(field, part)?;
        let name = template_name(event, field);
        let env: &Environment<'_> = &ENV;
        let template = env
            .template_from_named_str(&name, part)
            .map_err(|e| engine_error(field, &e))?;
        let mut unknown: Vec<String> = template
            .undeclared_variables(false)
            .into_iter()
            .filter(|v| !allowed.contains(&v.as_str()) && !GLOBALS.contains(&v.as_str()))
            .collect();
        if !unknown.is_empty() {
            unknown.sort();
            return Err(TemplateError::new(
                Reason::UnknownVariable,
                Some(field),
                format!(
                    "unknown variable {}; event `{event}` has {}",
                    unknown
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    allowed.join(", ")
                ),
            ));
        }
    }
    let en = Lang::parse("en").expect("en is a language");
    let samples = [
        (sample_vars(event), "the sample values"),
        (
            sparse_vars(event),
            "the sample values with empty lists and no optional values",
        ),
    ];
    for (vars, which) in samples {
        let vars = vars.expect("every event has samples");
        let ctx = context(event, allowed, &en, &vars)?;
        render_source(event, &en, source, &ctx).map_err(|mut e| {
            e.message.push_str(&format!(", with {which}"));
            e
        })?;
    }
    Ok(())
}

/// Presence, size and characters of one part.
fn check_part(field: Field, part: &str) -> Result<(), TemplateError> {
    if part.trim().is_empty() {
        return Err(TemplateError::new(
            Reason::Empty,
            Some(field),
            "must not be empty",
        ));
    }
    let over = match field {
        Field::Subject => {
            let n = part.chars().count();
            (n > SUBJECT_MAX_CHARS).then(|| format!("{n} characters, at most {SUBJECT_MAX_CHARS}"))
        }
        Field::Sms => {
            let n = part.chars().count();
            (n > SMS_MAX_CHARS).then(|| format!("{n} characters, at most {SMS_MAX_CHARS}"))
        }
        Field::Text => (part.len() > TEXT_MAX_BYTES)
            .then(|| format!("{} bytes, at most {TEXT_MAX_BYTES}", part.len())),
        Field::Html => (part.len() > HTML_MAX_BYTES)
            .then(|| format!("{} bytes, at most {HTML_MAX_BYTES}", part.len())),
    };
    if let Some(over) = over {
        return Err(TemplateError::new(
            Reason::TooLong,
            Some(field),
            format!("too long: {over}"),
        ));
    }
    let multiline = matches!(field, Field::Text | Field::Html);
    if let Some(c) = part.chars().find(|&c| crate::text::forbidden(c, multiline)) {
        return Err(TemplateError::new(
            Reason::ForbiddenCharacter,
            Some(field),
            format!(
                "holds the character U+{:04X}, which is not allowed",
                c as u32
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
