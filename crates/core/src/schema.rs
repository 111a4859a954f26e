//! JSON Schemas (OpenAPI) for request fields whose rules are more than a type: codes, language
//! codes, principals' ids, free text, contacts. Each says exactly what the check it documents
//! accepts; the character classes are computed from the same predicates the checks use
//! ([`crate::text::forbidden`], [`char::is_whitespace`]), so they cannot drift apart.
//!
//! Patterns are written for every engine that reads the document (ECMA-262, Python `re`, Rust
//! `regex` with look-around): `\uXXXX` escapes for the Basic Multilingual Plane, the characters
//! themselves above it, and look-ahead only to refuse one exact value. Fields take them with `#[schema(value_type = schema::Code)]`.

use std::borrow::Cow;
use std::sync::OnceLock;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// One character of a regular expression character class.
fn escape(c: char) -> String {
    if (c as u32) <= 0xFFFF {
        format!("\\u{:04X}", c as u32)
    } else {
        c.to_string()
    }
}

/// The inside of a character class (no brackets) holding exactly the characters for which
/// `pred` is true.
pub fn class(pred: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    let mut start: Option<char> = None;
    let mut last = '\0';
    for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
        match (pred(c), start) {
            (true, None) => {
                start = Some(c);
                last = c;
            }
            (true, Some(_)) if (last as u32) + 1 == c as u32 => last = c,
            (true, Some(s)) => {
                push_range(&mut out, s, last);
                start = Some(c);
                last = c;
            }
            (false, Some(s)) => {
                push_range(&mut out, s, last);
                start = None;
            }
            (false, None) => {}
        }
    }
    if let Some(s) = start {
        push_range(&mut out, s, last);
    }
    out
}

fn push_range(out: &mut String, from: char, to: char) {
    out.push_str(&escape(from));
    if to != from {
        if to as u32 > from as u32 + 1 {
            out.push('-');
        }
        out.push_str(&escape(to));
    }
}

fn cached(cell: &'static OnceLock<String>, f: impl FnOnce() -> String) -> String {
    cell.get_or_init(f).clone()
}

/// Characters a one-line text may not hold.
fn line_forbidden() -> String {
    static C: OnceLock<String> = OnceLock::new();
    cached(&C, || class(|c| crate::text::forbidden(c, false)))
}

/// Characters a one-line text may not hold, and white space.
fn line_forbidden_or_space() -> String {
    static C: OnceLock<String> = OnceLock::new();
    cached(&C, || {
        class(|c| crate::text::forbidden(c, false) || c.is_whitespace())
    })
}

/// Characters a multi-line text may not hold.
fn multiline_forbidden() -> String {
    static C: OnceLock<String> = OnceLock::new();
    cached(&C, || class(|c| crate::text::forbidden(c, true)))
}

/// Characters a multi-line text may not hold, and white space.
fn multiline_forbidden_or_space() -> String {
    static C: OnceLock<String> = OnceLock::new();
    cached(&C, || {
        class(|c| crate::text::forbidden(c, true) || c.is_whitespace())
    })
}

/// White space, as `str::trim` removes it.
fn space() -> String {
    static C: OnceLock<String> = OnceLock::new();
    cached(&C, || class(char::is_whitespace))
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// Implements `ToSchema` for a unit struct with the given name and schema.
macro_rules! named {
    ($ty:ty, $name:expr, $schema:expr) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                $schema.into()
            }
        }
        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                $name.into()
            }
        }
    };
}

/// A code (data items, purposes, notices, categories, ...): 1 to 64 characters of `a-z 0-9 _ .
/// -`, starting with a letter or digit ([`crate::usecases::check_code`]).
pub struct Code;
named!(
    Code,
    "Code",
    string()
        .description(Some(
            "1 to 64 characters of `a-z 0-9 _ . -`, starting with a letter or digit"
        ))
        .pattern(Some("^[a-z0-9][a-z0-9_.-]{0,63}$"))
        .examples(["property_tax"])
        .build()
);

/// The pattern of a language code: one of [`crate::lang::LANGUAGES`], in any case (ASCII).
pub fn lang_pattern() -> String {
    let alternatives: Vec<String> = crate::lang::LANGUAGES
        .iter()
        .map(|code| {
            code.chars()
                .map(|c| format!("[{}{}]", c, c.to_ascii_uppercase()))
                .collect()
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

/// The schema of [`crate::Lang`].
pub fn lang() -> ObjectBuilder {
    string()
        .description(Some(format!(
            "A BCP 47 language code: English or one of the 22 languages of the Eighth Schedule: {}. \
             Accepted in any case; answers use lower case.",
            crate::lang::LANGUAGES.join(", ")
        )))
        .pattern(Some(lang_pattern()))
        .examples(["hi"])
}

/// The fiduciary's id for a principal ([`crate::usecases::check_principal_id`]).
pub struct PrincipalId;
named!(
    PrincipalId,
    "PrincipalId",
    string()
        .description(Some(
            "The fiduciary's own id for the principal: 1 to 256 bytes of UTF-8 without control or \
             Unicode format characters (zero-width joiner and non-joiner allowed), and not `[erased]`"
        ))
        .min_length(Some(1))
        .max_length(Some(256))
        // The look-ahead refuses exactly the erasure marker (`crate::mask::ERASED`).
        .pattern(Some(format!("^(?!\\[erased\\]$)[^{}]+$", line_forbidden())))
        .examples(["citizen-42"])
        .build()
);

/// Free text of at most `MAX` characters: not blank, no control characters but line breaks and
/// tabs, no Unicode format characters but the zero-width joiner and non-joiner (`check_text` in
/// [`crate::usecases`]).
pub struct Text<const MAX: usize>;

impl<const MAX: usize> PartialSchema for Text<MAX> {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some(format!(
                "Text of 1 to {MAX} characters, not only white space, without control characters \
                 (line breaks and tabs allowed) or Unicode format characters (zero-width joiner \
                 and non-joiner allowed)"
            )))
            .min_length(Some(1))
            .max_length(Some(MAX))
            .pattern(Some(format!(
                "^[^{f}]*[^{fs}][^{f}]*$",
                f = multiline_forbidden(),
                fs = multiline_forbidden_or_space()
            )))
            .into()
    }
}

impl<const MAX: usize> ToSchema for Text<MAX> {
    fn name() -> Cow<'static, str> {
        format!("Text{MAX}").into()
    }
}

/// A one-line text whose length, once leading and trailing white space is trimmed, is `MIN` to
/// `MAX` characters, with no control or Unicode format characters (but the zero-width joiner and
/// non-joiner) left after trimming.
pub struct Line<const MIN: usize, const MAX: usize>;

impl<const MIN: usize, const MAX: usize> PartialSchema for Line<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        let (f, fs, s) = (line_forbidden(), line_forbidden_or_space(), space());
        // First and last kept characters are not white space; those between may be.
        let middle = if MIN <= 1 {
            format!("(?:[^{f}]{{0,{}}}[^{fs}])?", MAX - 2)
        } else {
            format!("[^{f}]{{{},{}}}[^{fs}]", MIN - 2, MAX - 2)
        };
        string()
            .description(Some(format!(
                "One line of {MIN} to {MAX} characters once leading and trailing white space is \
                 trimmed, without control or Unicode format characters (zero-width joiner and \
                 non-joiner allowed)"
            )))
            .pattern(Some(format!("^[{s}]*[^{fs}]{middle}[{s}]*$")))
            .into()
    }
}

impl<const MIN: usize, const MAX: usize> ToSchema for Line<MIN, MAX> {
    fn name() -> Cow<'static, str> {
        format!("Line{MIN}to{MAX}").into()
    }
}

/// Text per language, in at least one language (`check_texts` in [`crate::usecases`]).
pub struct Texts<const MAX: usize>;

impl<const MAX: usize> PartialSchema for Texts<MAX> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("Text per language code, in at least one language"))
            .property_names(Some(lang().build()))
            .additional_properties(Some(utoipa::openapi::Ref::from_schema_name(
                Text::<MAX>::name(),
            )))
            .min_properties(Some(1))
            .into()
    }
}

impl<const MAX: usize> ToSchema for Texts<MAX> {
    fn name() -> Cow<'static, str> {
        format!("Texts{MAX}").into()
    }
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((Text::<MAX>::name().into(), Text::<MAX>::schema()));
    }
}

/// A boolean that must be `true`: a declaration without which the request is refused.
pub struct True;
named!(
    True,
    "True",
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .enum_values(Some([true]))
        .build()
);

/// Codes, at least one, each once.
pub struct CodeList;

impl PartialSchema for CodeList {
    fn schema() -> RefOr<Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name(Code::name()))
            .min_items(Some(1))
            .unique_items(true)
            .into()
    }
}

impl ToSchema for CodeList {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((Code::name().into(), Code::schema()));
    }
}

/// A notice's text per language, in at least one language.
pub struct NoticeTexts;

impl PartialSchema for NoticeTexts {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "The notice per language code, in at least one language",
            ))
            .property_names(Some(lang().build()))
            .additional_properties(Some(utoipa::openapi::Ref::from_schema_name(
                crate::model::NoticeText::name(),
            )))
            .min_properties(Some(1))
            .into()
    }
}

impl ToSchema for NoticeTexts {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            crate::model::NoticeText::name().into(),
            crate::model::NoticeText::schema(),
        ));
        crate::model::NoticeText::schemas(schemas);
    }
}

/// How a consent was captured, as a request may state it: any [`crate::model::Method`] but
/// `system`, which only the service itself records.
pub struct RequestMethod;
named!(
    RequestMethod,
    "RequestMethod",
    string()
        .description(Some(
            "How the principal acted: web, app, api, assisted (staff on the principal's behalf), \
             ivr, sms or kiosk (`system` is the service's own and never accepted)"
        ))
        .enum_values(Some([
            "web", "app", "api", "assisted", "ivr", "sms", "kiosk"
        ]))
        .build()
);

/// A mobile number or an e-mail address, as `anumodan_store::principal::normalise` reads it.
pub struct Contact;

/// The pattern of [`Contact`].
pub fn contact_pattern() -> String {
    let (fs, s) = (line_forbidden_or_space(), space());
    let sep = "[-+() ]";
    // With `+` and the country code: 8 to 15 digits; without: an Indian number, 10 digits.
    let international = format!("\\+{sep}*(?:[0-9]{sep}*){{8,15}}");
    let national = format!("(?:[-()]{sep}*)?(?:[0-9]{sep}*){{10}}");
    // The domain is after the last `@`, holds a dot, and neither starts nor ends with one.
    let email = format!("[^{fs}]+@[^{fs}@.][^{fs}@]*\\.[^{fs}@]*[^{fs}@.]");
    format!("^[{s}]*(?:{international}|{national}|{email})[{s}]*$")
}

named!(
    Contact,
    "Contact",
    string()
        .description(Some(
            "A mobile number (10 digits for India, or `+`, the country code and 8 to 15 digits in \
             all; digits may be grouped with spaces, `-` and parentheses) or an e-mail address \
             (no white space; the domain after the last `@` holds a dot, not at either end); \
             at most 254 bytes once leading and trailing white space is trimmed"
        ))
        .pattern(Some(contact_pattern()))
        .examples(["+91 98765 43210"])
        .build()
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_ranges_of_exactly_the_predicate() {
        assert_eq!(
            class(|c| ('a'..='c').contains(&c) || c == 'x'),
            "\\u0061-\\u0063\\u0078"
        );
        assert_eq!(class(|c| c == 'a' || c == 'b'), "\\u0061\\u0062");
        assert_eq!(class(|c| c == '\u{E0001}'), "\u{E0001}");
        // Every forbidden character is in the class, and nothing else.
        let f = line_forbidden();
        assert!(f.starts_with("\\u0000-\\u001F\\u007F-\\u009F"), "{f}");
        assert!(f.contains("\\u202A-\\u202E"), "{f}");
        assert!(!f.contains("\\u200C") && !f.contains("\\u200D"), "{f}");
    }

    #[test]
    fn the_erasure_marker_is_refused_by_the_principal_id_pattern() {
        assert_eq!(crate::mask::ERASED, "[erased]");
        let RefOr::T(Schema::Object(o)) = PrincipalId::schema() else {
            panic!("an object schema")
        };
        assert!(o.pattern.unwrap().starts_with("^(?!\\[erased\\]$)"));
    }

    #[test]
    fn request_methods_are_every_method_but_system() {
        use crate::model::Method::*;
        let RefOr::T(Schema::Object(o)) = RequestMethod::schema() else {
            panic!("an object schema")
        };
        let listed: Vec<serde_json::Value> = o.enum_values.unwrap();
        let all = [Web, App, Api, Assisted, Ivr, Sms, Kiosk, System];
        for m in all {
            let name = serde_json::to_value(m).unwrap();
            assert_eq!(listed.contains(&name), m != System, "{name}");
        }
        assert_eq!(listed.len(), all.len() - 1);
    }

    #[test]
    fn the_language_pattern_names_every_code_in_both_cases() {
        let p = lang_pattern();
        assert!(p.contains("[hH][iI]") && p.contains("[bB][rR][xX]"), "{p}");
        assert_eq!(p.matches('|').count(), crate::lang::LANGUAGES.len() - 1);
    }
}
