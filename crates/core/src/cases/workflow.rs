//! The pure rules of cases: which status may follow which, what a category rule finds, where a
//! case stands against its clocks and when the clock job must next look at it, reference
//! numbers, and the checks on a fiduciary's settings.

use super::model::*;
use crate::DomainError;
/// The rules here fail only with a [`DomainError`].
type Result<T> = std::result::Result<T, DomainError>;
use crate::authz::BuiltinRole;
use std::collections::BTreeSet;
use time::{Duration, OffsetDateTime};

/// The longest period for an answer: rule 14(3) of the DPDP Rules, 2025.
pub const MAX_RESPOND_DAYS: u32 = 90;

/// Whether staff may move a case from `from` to `to`. Escalation is the clock's (and staff may
/// escalate by hand from any open status); reopening is the principal's.
pub fn staff_may(from: CaseStatus, to: CaseStatus) -> bool {
    use CaseStatus::*;
    matches!(
        (from, to),
        (Submitted | Escalated | Reopened, Acknowledged)
            | (Submitted | Acknowledged | Escalated | Reopened, InProgress)
            | (
                Submitted | Acknowledged | InProgress | Escalated | Reopened,
                Resolved
            )
            | (Submitted | Acknowledged | InProgress | Reopened, Escalated)
            | (Resolved, Closed)
    )
}

/// The statuses staff may move a case to from `from` (for error messages and the console).
pub fn next_for_staff(from: CaseStatus) -> Vec<CaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .filter(|to| staff_may(from, *to))
        .collect()
}

/// The first rule with a keyword found in `text` (case-insensitive, Unicode lower case).
pub fn categorise<'a>(rules: &'a [CategoryRule], text: &str) -> Option<&'a CategoryRule> {
    let hay = text.to_lowercase();
    rules.iter().find(|r| {
        r.keywords
            .iter()
            .any(|k| !k.trim().is_empty() && hay.contains(&k.trim().to_lowercase()))
    })
}

/// `GRV-2026-004217`: prefix, year, sequence (at least six digits).
pub fn reference(kind: CaseKind, year: i32, seq: u64) -> String {
    format!("{}-{year:04}-{seq:06}", kind.prefix())
}

/// Whether `s` has the form of a reference (before looking it up).
pub fn looks_like_reference(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(p), Some(y), Some(n), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!(p, "GRV" | "REQ")
        && y.len() == 4
        && y.bytes().all(|b| b.is_ascii_digit())
        && (6..=12).contains(&n.len())
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// When the case turns at risk: not acknowledged by its time, or `at_risk_days` before its
/// deadline, whichever comes first (an acknowledged case only the latter).
fn at_risk_from(c: &Case, at_risk_days: u32) -> OffsetDateTime {
    let margin = c.respond_by - Duration::days(at_risk_days as i64);
    let margin = margin.max(c.created_at);
    if c.acknowledged_at.is_none() {
        margin.min(c.acknowledge_by)
    } else {
        margin
    }
}

/// Where `c` stands at `now`.
pub fn sla(c: &Case, at_risk_days: u32, now: OffsetDateTime) -> SlaState {
    if let Some(done) = c.resolved_at.filter(|_| !c.status.is_open()) {
        return if done <= c.respond_by {
            SlaState::Met
        } else {
            SlaState::Missed
        };
    }
    if now >= c.respond_by {
        SlaState::Overdue
    } else if now >= at_risk_from(c, at_risk_days) {
        SlaState::AtRisk
    } else {
        SlaState::OnTrack
    }
}

/// When the clock job must next look at `c` (None: never, it is answered or at the last
/// level). Level 0 escalates when the case turns at risk, level 1 at the deadline. So no case
/// stays open past its deadline without an escalation entry.
pub fn next_check(c: &Case, at_risk_days: u32) -> Option<OffsetDateTime> {
    if !c.status.is_open() {
        return None;
    }
    match c.escalation_level {
        0 => Some(at_risk_from(c, at_risk_days)),
        1 => Some(c.respond_by),
        _ => None,
    }
}

/// The escalation due for `c` at `now`, if any: the level it goes to.
pub fn escalation_due(c: &Case, at_risk_days: u32, now: OffsetDateTime) -> Option<u8> {
    let at = next_check(c, at_risk_days)?;
    if now < at {
        return None;
    }
    // A case found only past its deadline goes straight to the second level.
    Some(if now >= c.respond_by {
        2
    } else {
        c.escalation_level + 1
    })
}

fn code_ok(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A one-line text of 1 to `max` characters once trimmed (as it is kept), without forbidden
/// characters.
pub(crate) fn line_ok(s: &str, max: usize) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    n >= 1 && n <= max && !crate::text::has_forbidden(s)
}

fn bad(message: impl Into<String>) -> DomainError {
    DomainError::invalid("invalid_case_settings", message)
}

/// Checks settings before they are saved (422 `invalid_case_settings`). `roles` are the
/// fiduciary's custom roles; the built-in ones are always known.
pub fn check_settings(s: &CaseSettings, roles: &BTreeSet<String>) -> Result<()> {
    let role_ok = |r: &str| BuiltinRole::parse(r).is_some() || roles.contains(r);
    if s.categories.is_empty() || s.categories.len() > 50 {
        return Err(bad("1 to 50 categories"));
    }
    let mut codes = BTreeSet::new();
    for c in &s.categories {
        if !code_ok(&c.code) {
            return Err(bad(format!(
                "category code {:?}: 1-64 lower case letters, digits, `_` or `-`",
                c.code
            )));
        }
        if !codes.insert(c.code.as_str()) {
            return Err(bad(format!("category {} appears twice", c.code)));
        }
        if c.name.is_empty() || c.name.values().any(|n| !line_ok(n, 200)) {
            return Err(bad(format!(
                "category {}: a name of 1-200 characters per language",
                c.code
            )));
        }
        if !role_ok(&c.route_to) {
            return Err(bad(format!(
                "category {}: unknown role {:?}",
                c.code, c.route_to
            )));
        }
    }
    if s.rules.len() > 100 {
        return Err(bad("at most 100 rules"));
    }
    let mut ids = BTreeSet::new();
    for r in &s.rules {
        if !code_ok(&r.id) || !ids.insert(r.id.as_str()) {
            return Err(bad(format!(
                "rule id {:?}: unique, 1-64 of a-z 0-9 _ -",
                r.id
            )));
        }
        if !codes.contains(r.category.as_str()) {
            return Err(bad(format!(
                "rule {}: unknown category {:?}",
                r.id, r.category
            )));
        }
        if r.keywords.is_empty()
            || r.keywords.len() > 100
            || r.keywords.iter().any(|k| !line_ok(k, 100))
        {
            return Err(bad(format!(
                "rule {}: 1-100 keywords of 1-100 characters",
                r.id
            )));
        }
    }
    for (kind, d) in &s.deadlines {
        if !(1..=30).contains(&d.acknowledge_days) {
            return Err(bad(format!(
                "{}: acknowledge_days must be 1-30",
                kind.as_str()
            )));
        }
        if !(1..=MAX_RESPOND_DAYS).contains(&d.respond_days) {
            return Err(DomainError::invalid(
                "deadline_too_long",
                format!(
                    "{}: respond_days must be 1-{MAX_RESPOND_DAYS} (rule 14(3) of the DPDP Rules caps the period at 90 days)",
                    kind.as_str()
                ),
            ));
        }
        if d.acknowledge_days > d.respond_days {
            return Err(bad(format!(
                "{}: acknowledge_days may not exceed respond_days",
                kind.as_str()
            )));
        }
    }
    if s.at_risk_days > 30 {
        return Err(bad("at_risk_days must be 0-30"));
    }
    if s.reopen_days > 90 {
        return Err(bad("reopen_days must be 0-90"));
    }
    for r in [
        &s.requests_route_to,
        &s.first_level_role,
        &s.second_level_role,
    ] {
        if !role_ok(r) {
            return Err(bad(format!("unknown role {r:?}")));
        }
    }
    let ContactPoint {
        name,
        email,
        phone,
        address,
    } = &s.contact;
    for v in [name, email, phone, address].into_iter().flatten() {
        if !line_ok(v, 300) {
            return Err(bad("contact fields: 1-300 characters, one line each"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use time::macros::datetime;
    use uuid::Uuid;

    fn case(at: OffsetDateTime) -> Case {
        Case {
            id: Uuid::nil(),
            reference: reference(CaseKind::Grievance, 2026, 42),
            kind: CaseKind::Grievance,
            category: None,
            category_rule: None,
            status: CaseStatus::Submitted,
            escalation_level: 0,
            assignee: Assignee::default(),
            artefacts: vec![],
            description: "x".into(),
            language: Lang::parse("en").unwrap(),
            filed_by: "principal".into(),
            changes: vec![],
            nominee: None,
            created_at: at,
            acknowledge_by: at + Duration::days(2),
            respond_by: at + Duration::days(30),
            acknowledged_at: None,
            resolved_at: None,
            closed_at: None,
            resolution: None,
            feedback: None,
            attachments: vec![],
            history: vec![],
        }
    }

    #[test]
    fn references_read_out_and_parse() {
        assert_eq!(
            reference(CaseKind::Grievance, 2026, 4217),
            "GRV-2026-004217"
        );
        assert_eq!(reference(CaseKind::Erasure, 2027, 1), "REQ-2027-000001");
        assert_eq!(
            reference(CaseKind::Access, 2027, 12345678),
            "REQ-2027-12345678"
        );
        assert!(looks_like_reference("GRV-2026-004217"));
        for bad in [
            "GRV-2026-42",
            "XYZ-2026-004217",
            "GRV-26-004217",
            "GRV-2026-00421a",
            "",
        ] {
            assert!(!looks_like_reference(bad), "{bad}");
        }
    }

    #[test]
    fn the_workflow_allows_only_its_steps() {
        use CaseStatus::*;
        assert!(staff_may(Submitted, Acknowledged));
        assert!(staff_may(Acknowledged, InProgress));
        assert!(staff_may(InProgress, Resolved));
        assert!(staff_may(Resolved, Closed));
        assert!(staff_may(Escalated, Resolved));
        assert!(
            !staff_may(Submitted, Closed),
            "closing what was never resolved"
        );
        assert!(!staff_may(InProgress, Closed));
        assert!(!staff_may(Closed, InProgress));
        assert!(
            !staff_may(Resolved, Reopened),
            "reopening is the principal's"
        );
        assert!(!staff_may(Resolved, Escalated));
        assert!(!staff_may(Acknowledged, Acknowledged));
        assert_eq!(next_for_staff(Closed), vec![]);
    }

    #[test]
    fn the_first_matching_rule_categorises_in_any_script() {
        let rules = default_rules();
        assert_eq!(
            categorise(&rules, "My data was LEAKED online").map(|r| r.id.as_str()),
            Some("breach-words")
        );
        assert_eq!(
            categorise(&rules, "मेरा डेटा लीक हो गया").map(|r| r.category.as_str()),
            Some("data_breach")
        );
        assert_eq!(categorise(&rules, "The app is slow"), None);
    }

    #[test]
    fn clocks_escalate_before_the_deadline_and_at_it() {
        let t0 = datetime!(2026-12-01 10:00 UTC);
        let mut c = case(t0);
        // Not acknowledged in 2 days: at risk then.
        assert_eq!(next_check(&c, 3), Some(t0 + Duration::days(2)));
        assert_eq!(sla(&c, 3, t0 + Duration::days(1)), SlaState::OnTrack);
        assert_eq!(sla(&c, 3, t0 + Duration::days(2)), SlaState::AtRisk);
        assert_eq!(escalation_due(&c, 3, t0 + Duration::days(1)), None);
        assert_eq!(escalation_due(&c, 3, t0 + Duration::days(2)), Some(1));
        // Acknowledged: at risk 3 days before the deadline.
        c.acknowledged_at = Some(t0 + Duration::hours(1));
        assert_eq!(next_check(&c, 3), Some(t0 + Duration::days(27)));
        c.escalation_level = 1;
        assert_eq!(next_check(&c, 3), Some(t0 + Duration::days(30)));
        assert_eq!(escalation_due(&c, 3, t0 + Duration::days(30)), Some(2));
        assert_eq!(sla(&c, 3, t0 + Duration::days(30)), SlaState::Overdue);
        c.escalation_level = 2;
        assert_eq!(next_check(&c, 3), None);
        // Found only after the deadline, a level-0 case goes straight to level 2.
        let c0 = case(t0);
        assert_eq!(escalation_due(&c0, 3, t0 + Duration::days(31)), Some(2));
        // Answered: no more checks, and the deadline was met or missed.
        let mut done = case(t0);
        done.status = CaseStatus::Resolved;
        done.resolved_at = Some(t0 + Duration::days(29));
        assert_eq!(next_check(&done, 3), None);
        assert_eq!(sla(&done, 3, t0 + Duration::days(40)), SlaState::Met);
        done.resolved_at = Some(t0 + Duration::days(31));
        assert_eq!(sla(&done, 3, t0 + Duration::days(40)), SlaState::Missed);
    }

    #[test]
    fn settings_refuse_periods_past_ninety_days_and_unknown_roles() {
        let ok = CaseSettings::default();
        check_settings(&ok, &BTreeSet::new()).unwrap();
        let mut long = ok.clone();
        long.deadlines.insert(
            CaseKind::Grievance,
            Deadlines {
                acknowledge_days: 2,
                respond_days: 91,
            },
        );
        assert_eq!(
            check_settings(&long, &BTreeSet::new()).unwrap_err().code,
            "deadline_too_long"
        );
        let mut role = ok.clone();
        role.second_level_role = "ceo".into();
        assert!(check_settings(&role, &BTreeSet::new()).is_err());
        assert!(check_settings(&role, &["ceo".to_string()].into()).is_ok());
        let mut rule = ok;
        rule.rules[0].category = "nope".into();
        assert_eq!(
            check_settings(&rule, &BTreeSet::new()).unwrap_err().code,
            "invalid_case_settings"
        );
    }
}
