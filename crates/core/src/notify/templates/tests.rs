use super::*;
use std::time::{Duration, Instant};

fn lang(code: &str) -> Lang {
    Lang::parse(code).unwrap()
}

fn en() -> Lang {
    lang("en")
}

/// Every language a notice may be written in: each has a built-in file.
fn built_in_languages() -> Vec<Lang> {
    crate::lang::LANGUAGES
        .iter()
        .map(|code| lang(code))
        .collect()
}

fn source(subject: &str, text: &str, sms: &str) -> TemplateSource {
    TemplateSource {
        subject: subject.into(),
        text: text.into(),
        sms: sms.into(),
        html: None,
    }
}

fn sample(event: &str) -> Value {
    sample_vars(event).unwrap()
}

fn sparse(event: &str) -> Value {
    sparse_vars(event).unwrap()
}

fn refused(event: &str, s: &TemplateSource) -> TemplateError {
    match validate(event, s) {
        Ok(()) => panic!("validate accepted {s:?}"),
        Err(e) => e,
    }
}

/// Every part of a template, by name.
fn parts(s: &TemplateSource) -> Vec<(&'static str, &str)> {
    let mut v = vec![
        ("subject", s.subject.as_str()),
        ("text", s.text.as_str()),
        ("sms", s.sms.as_str()),
    ];
    if let Some(h) = &s.html {
        v.push(("html", h.as_str()));
    }
    v
}

// ---------------------------------------------------------------------------------------------
// The built-in files
// ---------------------------------------------------------------------------------------------

#[test]
fn every_event_exists_validates_and_renders_in_every_built_in_language() {
    for lang in built_in_languages() {
        for &event in EVENTS {
            let Some(s) = builtin(event, &lang) else {
                panic!("templates/notify/{lang}.toml has no [{event}]");
            };
            for (field, part) in parts(s) {
                assert!(!part.trim().is_empty(), "{lang} {event}: empty {field}");
            }
            if let Err(e) = validate(event, s) {
                panic!("{lang} {event}: {e}");
            }
            for vars in [sample(event), sparse(event)] {
                let r = render(event, &lang, &vars, None)
                    .unwrap_or_else(|e| panic!("{lang} {event}: {e}"));
                for (field, out) in [("subject", &r.subject), ("sms", &r.sms), ("text", &r.text)] {
                    assert!(
                        !out.trim().is_empty(),
                        "{lang} {event}: {field} renders empty"
                    );
                    // A none value or an empty list printed as such.
                    for leak in ["none", "None", "[]", "{{", "{%"] {
                        assert!(
                            !out.contains(leak),
                            "{lang} {event}: {field} shows {leak:?}: {out}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn there_is_one_file_per_language() {
    let codes: Vec<&str> = FILES.iter().map(|(code, _)| *code).collect();
    assert_eq!(codes, crate::lang::LANGUAGES);
    for l in built_in_languages() {
        assert!(
            BUILTINS.contains_key(l.as_str()),
            "templates/notify/{l}.toml"
        );
    }
}

#[test]
fn the_files_hold_only_known_events_and_name_every_case_status() {
    for (code, _) in FILES {
        let file = &BUILTINS[code];
        for event in file.events.keys() {
            assert!(
                EVENTS.contains(&event.as_str()),
                "{code}.toml: unknown table [{event}]"
            );
        }
        for status in CASE_STATUSES {
            let words = file.status_text.get(*status);
            assert!(
                words.is_some_and(|w| !w.trim().is_empty()),
                "{code}.toml: [status_text] lacks {status}"
            );
        }
        for status in file.status_text.keys() {
            assert!(
                CASE_STATUSES.contains(&status.as_str()),
                "{code}.toml: status {status}?"
            );
        }
    }
}

#[test]
fn no_built_in_template_uses_a_variable_outside_its_event() {
    for (code, _) in FILES {
        for &event in EVENTS {
            let allowed = variables(event).unwrap();
            let Some(s) = BUILTINS[code].events.get(event) else {
                continue;
            };
            for (field, part) in parts(s) {
                let t = ENV.template_from_str(part).unwrap();
                for v in t.undeclared_variables(false) {
                    assert!(
                        allowed.contains(&v.as_str()),
                        "{code} {event} {field} uses `{v}`"
                    );
                }
            }
        }
    }
}

#[test]
fn english_short_forms_fit_one_sms() {
    for &event in EVENTS {
        let r = render(event, &en(), &sample(event), None).unwrap();
        assert!(
            r.sms.chars().count() <= 160,
            "{event}: {} chars: {}",
            r.sms.chars().count(),
            r.sms
        );
    }
}

#[test]
fn every_variable_list_has_samples_and_the_common_three() {
    for &event in EVENTS {
        let vars = variables(event).unwrap();
        for common in ["fiduciary", "dashboard_url", "language"] {
            assert!(vars.contains(&common), "{event} lacks {common}");
        }
        let given = sample(event);
        let given = given.as_object().unwrap();
        for v in vars {
            assert_eq!(
                given.contains_key(*v),
                !DERIVED.contains(v),
                "{event}: sample and variable list disagree on {v}"
            );
        }
        assert_eq!(
            given.len() + DERIVED.iter().filter(|d| vars.contains(d)).count(),
            vars.len()
        );
    }
    assert!(variables("consent_deleted").is_none());
    assert!(sample_vars("consent_deleted").is_none());
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

#[test]
fn variables_are_substituted_and_lists_joined() {
    let r = render(
        "consent_collected",
        &en(),
        &sample("consent_collected"),
        None,
    )
    .unwrap();
    assert_eq!(r.subject, "Your consent choices with Example Bank Ltd");
    assert!(
        r.text
            .starts_with("Example Bank Ltd has recorded your consent choices.\n\n")
    );
    assert!(
        r.text
            .contains("You allowed: Opening a savings account, Offers by e-mail\n")
    );
    assert!(
        r.text
            .contains("You refused: Sharing with partner insurers\n")
    );
    assert!(r.text.contains("Your consent is valid until 2026-12-31."));
    assert!(
        r.text
            .contains("See and change your choices: https://consent.example.in/me\n")
    );
    assert!(
        r.text
            .ends_with("Consent reference: 0193a3c2-7d4e-7c1a-9b2f-5e8d0c4a1b36\n")
    );
    assert_eq!(
        r.sms,
        "Example Bank Ltd recorded your consent choices: 2 allowed, 1 refused. \
         See or change them: https://consent.example.in/me"
    );
}

#[test]
fn empty_lists_and_missing_values_leave_their_lines_out() {
    let r = render(
        "consent_collected",
        &en(),
        &sparse("consent_collected"),
        None,
    )
    .unwrap();
    for absent in [
        "You allowed",
        "You refused",
        "valid until",
        "See and change",
        "https://",
    ] {
        assert!(!r.text.contains(absent), "{absent}: {}", r.text);
    }
    assert!(!r.text.contains("\n\n\n"), "{}", r.text);
    assert!(
        r.text
            .contains("You can withdraw or change your consent at any time")
    );
    assert!(!r.html.contains("<a "));

    let r = render(
        "consent_withdrawn",
        &en(),
        &sample("consent_withdrawn"),
        None,
    )
    .unwrap();
    assert!(
        r.text
            .contains("the law requires or allows it without your consent: Records kept")
    );
    let r = render(
        "consent_withdrawn",
        &en(),
        &sparse("consent_withdrawn"),
        None,
    )
    .unwrap();
    assert!(!r.text.contains("the law requires"));
}

#[test]
fn choices_follow_the_values() {
    let mut vars = sample("renewal_due");
    let r = render("renewal_due", &en(), &vars, None).unwrap();
    assert_eq!(
        r.subject,
        "Your consent with Example Bank Ltd ends in 14 days"
    );
    vars["days_left"] = json!(1);
    let r = render("renewal_due", &en(), &vars, None).unwrap();
    assert_eq!(
        r.subject,
        "Your consent with Example Bank Ltd ends in 1 day"
    );

    let r = render(
        "reconsent_required",
        &en(),
        &sparse("reconsent_required"),
        None,
    )
    .unwrap();
    assert!(r.text.contains("Until you answer"), "{}", r.text);
    let r = render(
        "reconsent_required",
        &en(),
        &sample("reconsent_required"),
        None,
    )
    .unwrap();
    assert!(
        r.text.contains("stays in force until 2027-01-31"),
        "{}",
        r.text
    );
}

#[test]
fn case_statuses_are_named_in_the_language_and_unknown_ones_shown_as_they_are() {
    let mut vars = sample("case_status");
    let r = render("case_status", &en(), &vars, None).unwrap();
    assert_eq!(r.subject, "Grievance GRV-2026-004217: Acknowledged");
    assert!(r.text.contains("Data Protection Board of India"));
    vars["case_kind"] = json!("request");
    vars["status"] = json!("awaiting_information");
    let r = render("case_status", &en(), &vars, None).unwrap();
    assert_eq!(
        r.subject,
        "Request GRV-2026-004217: Waiting for information from you"
    );
    assert!(!r.text.contains("Data Protection Board"));
    vars["status"] = json!("on_hold");
    let r = render("case_status", &en(), &vars, None).unwrap();
    assert_eq!(r.subject, "Request GRV-2026-004217: on_hold");
    for l in built_in_languages().iter().filter(|l| l.as_str() != "en") {
        vars["status"] = json!("resolved");
        let r = render("case_status", l, &vars, None).unwrap();
        let words = &BUILTINS[l.as_str()].status_text["resolved"];
        assert!(r.subject.contains(words.as_str()), "{l}: {}", r.subject);
    }
}

#[test]
fn html_escapes_values_and_plain_text_does_not() {
    let mut vars = sample("consent_collected");
    vars["fiduciary"] = json!("<script>alert(1)</script> & Sons");
    let r = render("consent_collected", &en(), &vars, None).unwrap();
    assert!(
        r.text
            .starts_with("<script>alert(1)</script> & Sons has recorded")
    );
    assert_eq!(
        r.subject,
        "Your consent choices with <script>alert(1)</script> & Sons"
    );
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(
        r.html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons has recorded")
    );
    assert!(r.html.contains(
        "<title>Your consent choices with &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons</title>"
    ));

    // The same through a fiduciary's HTML.
    let mut custom = builtin("consent_collected", &en()).unwrap().clone();
    custom.html = Some("<p>From <strong>{{ fiduciary }}</strong></p>".into());
    validate("consent_collected", &custom).unwrap();
    let r = render("consent_collected", &en(), &vars, Some(&custom)).unwrap();
    assert!(
        r.html.contains(
            "<p>From <strong>&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; Sons</strong></p>"
        ),
        "{}",
        r.html
    );
}

#[test]
fn subject_and_sms_stay_on_one_line() {
    let mut vars = sample("consent_updated");
    vars["fiduciary"] = json!("Evil Corp\r\nBcc: everyone@example.in\n\tX-Header: 1");
    for l in built_in_languages() {
        let r = render("consent_updated", &l, &vars, None).unwrap();
        for (field, out) in [("subject", &r.subject), ("sms", &r.sms)] {
            assert!(!out.contains(['\r', '\n', '\t']), "{l} {field}: {out:?}");
            assert!(
                out.contains("Evil Corp Bcc: everyone@example.in X-Header: 1"),
                "{l} {field}: {out:?}"
            );
        }
    }
}

#[test]
fn the_html_document_is_minimal_and_carries_language_and_direction() {
    for l in built_in_languages() {
        let r = render("consent_renewed", &l, &sample("consent_renewed"), None).unwrap();
        let dir = if ["ur", "ks", "sd"].contains(&l.as_str()) {
            "rtl"
        } else {
            "ltr"
        };
        assert!(r.html.starts_with("<!DOCTYPE html>\n"), "{l}");
        assert!(
            r.html
                .contains(&format!("<html lang=\"{l}\" dir=\"{dir}\">")),
            "{l}: {}",
            r.html
        );
        assert!(r.html.contains("<meta charset=\"utf-8\">"));
        assert!(
            r.html
                .contains(&format!("<title>{}</title>", escape_html(&r.subject)))
        );
        assert!(r.html.trim_end().ends_with("</body>\n</html>"));
        for external in [
            "<img", "<script", "<link", "<style", "src=", "url(", "@import",
        ] {
            assert!(!r.html.contains(external), "{l}: {external}");
        }
        // The dashboard address is the only link.
        assert_eq!(r.html.matches("<a href=").count(), 1, "{l}: {}", r.html);
        assert!(r.html.contains(
            "<a href=\"https://consent.example.in/me\">https://consent.example.in/me</a>"
        ));
        // Our own body keeps to the rules set for a fiduciary's.
        let body = r
            .html
            .split("<body>\n")
            .nth(1)
            .unwrap()
            .split("</body>")
            .next()
            .unwrap();
        check_html(body).unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

#[test]
fn text_is_laid_out_as_paragraphs_with_line_breaks_and_links() {
    let body = paragraphs("One\ntwo & three\n\nSee https://a.example/x?y=1&z=2. Done\n");
    assert_eq!(
        body,
        "<p>One<br>\ntwo &amp; three</p>\n<p>See <a href=\"https://a.example/x?y=1&amp;z=2\">\
         https://a.example/x?y=1&amp;z=2</a>. Done</p>\n"
    );
    // Not a word that starts an address, nor a bare scheme.
    assert_eq!(
        link_line("xhttps://a.example https://"),
        "xhttps://a.example https://"
    );
    assert_eq!(tidy_text("\n\na  \r\n\n\n\nb\n\n"), "a\n\nb\n");
    assert_eq!(one_line(" a\r\n b\u{0}c\u{85}d "), "a b c d");
}

#[test]
fn render_checks_the_callers_variables() {
    let mut vars = sample("consent_expired");
    vars.as_object_mut().unwrap().remove("artefact_id");
    let e = render("consent_expired", &en(), &vars, None).unwrap_err();
    assert_eq!(e.reason, Reason::MissingVariable);
    assert!(e.message.contains("artefact_id"), "{e}");

    let mut vars = sample("consent_expired");
    vars["principal_name"] = json!("Asha");
    let e = render("consent_expired", &en(), &vars, None).unwrap_err();
    assert_eq!(e.reason, Reason::UnknownVariable);
    assert!(e.message.contains("principal_name"), "{e}");

    let e = render("consent_expired", &en(), &json!(["x"]), None).unwrap_err();
    assert_eq!(e.reason, Reason::InvalidVariables);
    let e = render("consent_eaten", &en(), &json!({}), None).unwrap_err();
    assert_eq!(e.reason, Reason::UnknownEvent);

    // `language` is the one rendered, whatever the caller passed.
    let custom = source("{{ language }}", "{{ language }}", "{{ language }}");
    let mut vars = sample("consent_expired");
    vars["language"] = json!("ta");
    let e = render("consent_expired", &lang("hi"), &vars, Some(&custom)).unwrap_err();
    assert_eq!(e.reason, Reason::UnknownVariable);
    vars.as_object_mut().unwrap().remove("language");
    let r = render("consent_expired", &lang("hi"), &vars, Some(&custom)).unwrap();
    assert_eq!((r.subject.as_str(), r.text.as_str()), ("hi", "hi\n"));
}

#[test]
fn a_fiduciarys_template_replaces_the_built_in_one() {
    let custom = source(
        "{{ fiduciary }}: consent {{ artefact_id }} has lapsed",
        "Lapsed: {{ purposes | join(' / ') }}.\n\n{% if dashboard_url %}{{ dashboard_url }}{% endif %}",
        "Consent lapsed",
    );
    validate("consent_expired", &custom).unwrap();
    let r = render(
        "consent_expired",
        &lang("ur"),
        &sample("consent_expired"),
        Some(&custom),
    )
    .unwrap();
    assert_eq!(
        r.subject,
        "Example Bank Ltd: consent 0193a3c2-7d4e-7c1a-9b2f-5e8d0c4a1b36 has lapsed"
    );
    assert_eq!(
        r.text,
        "Lapsed: Offers by e-mail / Credit card pre-approval.\n\nhttps://consent.example.in/me\n"
    );
    assert_eq!(r.sms, "Consent lapsed");
    assert!(r.html.contains("<html lang=\"ur\" dir=\"rtl\">"));
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

fn good() -> TemplateSource {
    builtin("consent_collected", &en()).unwrap().clone()
}

#[test]
fn validate_refuses_a_syntax_error_naming_the_part() {
    let mut s = good();
    s.text = "Hello {% if granted %}{{ granted | join(', ') }}".into();
    let e = refused("consent_collected", &s);
    assert_eq!((e.reason, e.field), (Reason::Syntax, Some("text")));
    assert!(e.message.starts_with("text: syntax error"), "{e}");

    s = good();
    s.subject = "Hi {{ fiduciary".into();
    let e = refused("consent_collected", &s);
    assert_eq!((e.reason, e.field), (Reason::Syntax, Some("subject")));
}

#[test]
fn validate_refuses_a_variable_of_another_event_or_none() {
    let mut s = good();
    s.sms = "{{ fiduciary }}: {{ principal_email }}".into();
    let e = refused("consent_collected", &s);
    assert_eq!((e.reason, e.field), (Reason::UnknownVariable, Some("sms")));
    assert!(e.message.contains("`principal_email`"), "{e}");
    // `withdrawn` belongs to consent_updated, not to consent_collected.
    s = good();
    s.text = "{{ withdrawn | join(', ') }}".into();
    let e = refused("consent_collected", &s);
    assert_eq!((e.reason, e.field), (Reason::UnknownVariable, Some("text")));
    // Attribute access on an allowed name is fine; an unknown one nested in a loop is not.
    s.text = "{% for p in granted %}{{ loop.index }}. {{ p }}\n{% endfor %}{{ secret.x }}".into();
    let e = refused("consent_collected", &s);
    assert!(e.message.contains("`secret`"), "{e}");
}

#[test]
fn validate_refuses_empty_oversized_and_multi_line_parts() {
    let mut s = good();
    s.subject = "  ".into();
    let e = refused("consent_collected", &s);
    assert_eq!((e.reason, e.field), (Reason::Empty, Some("subject")));
    assert_eq!(e.message, "subject: must not be empty");

    s = good();
    s.sms = String::new();
    assert_eq!(refused("consent_collected", &s).reason, Reason::Empty);

    s = good();
    s.html = Some(" \n".into());
    assert_eq!(refused("consent_collected", &s).field, Some("html"));

    s = good();
    s.text = "x".repeat(TEXT_MAX_BYTES + 1);
    let e = refused("consent_collected", &s);
    assert_eq!((e.reason, e.field), (Reason::TooLong, Some("text")));
    assert!(e.message.contains("10001 bytes, at most 10000"), "{e}");
    // Bytes for text, characters for the one-line parts.
    s.text = "क".repeat(TEXT_MAX_BYTES / 3 + 1);
    assert_eq!(refused("consent_collected", &s).reason, Reason::TooLong);
    s = good();
    s.subject = "क".repeat(SUBJECT_MAX_CHARS);
    validate("consent_collected", &s).unwrap();
    s.subject.push('x');
    assert_eq!(refused("consent_collected", &s).reason, Reason::TooLong);
    s = good();
    s.sms = "a".repeat(SMS_MAX_CHARS + 1);
    assert_eq!(refused("consent_collected", &s).field, Some("sms"));
    s = good();
    s.html = Some(format!("<p>{}</p>", "a".repeat(HTML_MAX_BYTES)));
    assert_eq!(refused("consent_collected", &s).field, Some("html"));

    s = good();
    s.subject = "Line one\nBcc: x@example.in".into();
    let e = refused("consent_collected", &s);
    assert_eq!(
        (e.reason, e.field),
        (Reason::ForbiddenCharacter, Some("subject"))
    );
    s = good();
    s.text = "Pay \u{202E}0001 rupees".into();
    assert_eq!(
        refused("consent_collected", &s).reason,
        Reason::ForbiddenCharacter
    );
}

#[test]
fn validate_refuses_an_unknown_event() {
    let e = refused("consent_lost", &good());
    assert_eq!((e.reason, e.field), (Reason::UnknownEvent, None));
    assert!(e.message.contains("consent_lost"));
}

#[test]
fn validate_refuses_a_template_that_fails_only_without_optional_values() {
    let mut s = good();
    // Fine with a purpose allowed, fails when there is none.
    s.text = "First: {{ granted | first }}".into();
    let e = refused("consent_collected", &s);
    assert_eq!((e.reason, e.field), (Reason::RenderFailed, Some("text")));
    assert!(
        e.message
            .ends_with("with the sample values with empty lists and no optional values"),
        "{e}"
    );
}

#[test]
fn validate_refuses_templates_that_would_run_for_ever() {
    let exploding = [
        // The engine refuses so large a range outright.
        "{% for a in range(1000000) %}{% for b in range(1000000) %}{{ a }}{{ b }}{% endfor %}{% endfor %}",
        // Within range's limit, a billion iterations: the fuel runs out.
        "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}x{% endfor %}{% endfor %}{% endfor %}",
        // No loop, but a huge string.
        "{{ fiduciary * 100000000 }}",
        // Loops over a template-made list.
        "{% for a in 'x' * 90000 %}{% for b in 'x' * 90000 %}.{% endfor %}{% endfor %}",
    ];
    for template in exploding {
        let mut s = good();
        s.text = template.into();
        let started = Instant::now();
        let e = refused("consent_collected", &s);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{template}: took {:?}",
            started.elapsed()
        );
        assert!(
            matches!(e.reason, Reason::TooExpensive | Reason::RenderFailed),
            "{template}: {e}"
        );
        assert_eq!(e.field, Some("text"));
    }
    let mut s = good();
    s.text = exploding[1].into();
    let e = refused("consent_collected", &s);
    assert_eq!(e.reason, Reason::TooExpensive, "{e}");
    assert!(e.message.contains("fuel"), "{e}");
}

#[test]
fn validate_refuses_html_that_loads_runs_or_styles_anything() {
    let forbidden = [
        "<p>Hi</p><img src=\"https://tracker.example/p.gif\">",
        "<p style=\"background:url(https://t.example/x)\">Hi</p>",
        "<script>alert(1)</script>",
        "<p onclick=\"alert(1)\">Hi</p>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"{{ dashboard_url }}\">unguarded: a link to none without a dashboard</a>",
        "<iframe src=\"https://example.in\"></iframe>",
        "<!-- hidden --><p>x</p>",
        "<link rel=\"stylesheet\" href=\"https://cdn.example/x.css\">",
        "<scr{{ '' }}ipt>alert(1)</script>",
        "<p title=\"x\"",
        "<p title=\"x>y</p>",
    ];
    for html in forbidden {
        let mut s = good();
        s.html = Some(html.into());
        let e = refused("consent_collected", &s);
        assert_eq!(
            (e.reason, e.field),
            (Reason::ForbiddenHtml, Some("html")),
            "{html}: {e}"
        );
    }
    let allowed = [
        "<h2>{{ fiduciary }}</h2><p>Allowed: {{ granted | join(', ') }}</p>",
        "<ul>{% for p in granted %}<li>{{ p }}</li>{% endfor %}</ul><p>1 < 2</p>",
        "{% if dashboard_url %}<p><a href=\"{{ dashboard_url }}\" title=\"Dashboard\">Open</a></p>{% endif %}",
        "<p>Write to <a href='mailto:dpo@example.in'>the DPO</a><br/>or call <a href=tel:+911234>us</a>.</p>",
        "<table><tr><th colspan=\"2\">Choices</th></tr></table><hr>",
    ];
    for html in allowed {
        let mut s = good();
        s.html = Some(html.into());
        validate("consent_collected", &s).unwrap_or_else(|e| panic!("{html}: {e}"));
    }
}

#[test]
fn reasons_have_stable_codes() {
    assert_eq!(Reason::TooExpensive.code(), "too_expensive");
    assert_eq!(
        serde_json::to_value(Reason::ForbiddenHtml).unwrap(),
        json!("forbidden_html")
    );
    assert_eq!(Reason::UnknownVariable.to_string(), "unknown_variable");
}

#[test]
fn a_template_source_is_read_as_a_fiduciary_sends_it() {
    let s: TemplateSource = serde_json::from_value(json!({
        "subject": "s", "text": "t", "sms": "m"
    }))
    .unwrap();
    assert_eq!(s.html, None);
    assert!(
        serde_json::from_value::<TemplateSource>(json!({
            "subject": "s", "text": "t", "sms": "m", "body": "x"
        }))
        .is_err()
    );
}

// ---------------------------------------------------------------------------------------------
// The translations
// ---------------------------------------------------------------------------------------------

/// The Unicode block of the script each language's file is written in.
fn script(code: &str) -> (&'static str, std::ops::RangeInclusive<char>) {
    match code {
        "hi" | "mr" | "ne" | "sa" | "kok" | "mai" | "doi" | "brx" => {
            ("Devanagari", '\u{0900}'..='\u{097F}')
        }
        "bn" | "as" | "mni" => ("Bengali", '\u{0980}'..='\u{09FF}'),
        "pa" => ("Gurmukhi", '\u{0A00}'..='\u{0A7F}'),
        "gu" => ("Gujarati", '\u{0A80}'..='\u{0AFF}'),
        "or" => ("Oriya", '\u{0B00}'..='\u{0B7F}'),
        "ta" => ("Tamil", '\u{0B80}'..='\u{0BFF}'),
        "te" => ("Telugu", '\u{0C00}'..='\u{0C7F}'),
        "kn" => ("Kannada", '\u{0C80}'..='\u{0CFF}'),
        "ml" => ("Malayalam", '\u{0D00}'..='\u{0D7F}'),
        "ur" | "ks" | "sd" => ("Arabic", '\u{0600}'..='\u{06FF}'),
        "sat" => ("Ol Chiki", '\u{1C50}'..='\u{1C7F}'),
        other => panic!("no script for {other}"),
    }
}

/// A template's own words: what is left once `{{ … }}`, `{% … %}` and `{# … #}` are removed.
fn own_words(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find(['{']) {
        let close = match rest[start..].chars().nth(1) {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                out.push_str(&rest[..=start]);
                rest = &rest[start + 1..];
                continue;
            }
        };
        out.push_str(&rest[..start]);
        let end = rest[start..].find(close).expect("closed tag") + start + 2;
        out.push(' ');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn own_words_leave_out_the_template_syntax() {
    assert_eq!(
        own_words("a {{ b }}c{% if d %}e{% endif %}{# f #} {x}"),
        "a  c e   {x}"
    );
}

#[test]
fn every_translation_is_written_in_its_own_script() {
    for l in built_in_languages() {
        if l.as_str() == "en" {
            continue;
        }
        let (name, block) = script(l.as_str());
        for &event in EVENTS {
            let english = builtin(event, &en()).unwrap();
            let ours = builtin(event, &l).unwrap();
            for ((field, part), (_, english_part)) in parts(ours).into_iter().zip(parts(english)) {
                assert_ne!(part, english_part, "{l} {event} {field} is the English one");
                let words = own_words(part);
                let letters: Vec<char> = words.chars().filter(|c| c.is_alphabetic()).collect();
                let in_script = letters.iter().filter(|c| block.contains(*c)).count();
                assert!(
                    in_script > 0,
                    "{l} {event} {field} has no {name} letters: {part}"
                );
                // Latin letters and letters of other scripts stay rare (an abbreviation at most).
                assert!(
                    in_script * 100 >= letters.len() * 95,
                    "{l} {event} {field}: {in_script} of {} letters in {name}: {words}",
                    letters.len()
                );
            }
        }
        for status in CASE_STATUSES {
            let words = &BUILTINS[l.as_str()].status_text[*status];
            assert!(
                words.chars().any(|c| block.contains(&c)),
                "{l} status {status}: {words}"
            );
            assert_ne!(
                words, &BUILTINS["en"].status_text[*status],
                "{l} status {status}"
            );
        }
    }
}
