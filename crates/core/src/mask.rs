//! Masking personal data on the way out (DIGIT guideline: masked by default, unmasked only with
//! a permission and a reason). Masking is a display rule: it keeps just enough to recognise a
//! value (the last digits of a number, the first letter and domain of an e-mail address,
//! initials of a name) and never reveals the length of short values.

use crate::model::Artefact;

/// What is shown for personal data that was cryptographically erased.
pub const ERASED: &str = "[erased]";

/// Masks a mobile number or other mostly-numeric identifier: `******4821`.
pub fn mask_phone(v: &str) -> String {
    let digits: Vec<char> = v.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return "******".into();
    }
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("******{tail}")
}

/// Masks an e-mail address: `r*****@example.in`.
pub fn mask_email(v: &str) -> String {
    match v.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
            let first: String = local.chars().take(1).collect();
            format!("{first}*****@{domain}")
        }
        _ => mask_generic(v),
    }
}

/// Masks a person's name to initials: `Ravi Kumar Sharma` -> `R. K. S.`.
pub fn mask_name(v: &str) -> String {
    let initials: Vec<String> = v
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect();
    if initials.is_empty() {
        "*".into()
    } else {
        initials.join(" ")
    }
}

/// Masks an opaque identifier: the last four characters of values of 8 or more, else nothing.
pub fn mask_generic(v: &str) -> String {
    if v == ERASED {
        return v.to_string();
    }
    let chars: Vec<char> = v.chars().collect();
    if chars.len() < 8 {
        return "******".into();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("******{tail}")
}

/// Masks an identifier by its shape: e-mail, phone number or anything else.
pub fn mask_identifier(v: &str) -> String {
    if v == ERASED {
        return v.to_string();
    }
    if v.contains('@') {
        return mask_email(v);
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let phoneish = v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if phoneish && digits >= 8 {
        mask_phone(v)
    } else {
        mask_generic(v)
    }
}

/// Masks an IP address: the last IPv4 octet or the last 80 bits of an IPv6 address.
pub fn mask_ip(v: &str) -> String {
    if v == ERASED {
        return v.to_string();
    }
    match v.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => {
            let o = a.octets();
            format!("{}.{}.{}.*", o[0], o[1], o[2])
        }
        Ok(std::net::IpAddr::V6(a)) => {
            let s = a.segments();
            format!("{:x}:{:x}:{:x}::*", s[0], s[1], s[2])
        }
        Err(_) => mask_generic(v),
    }
}

/// The personal data fields of an artefact that masking hides and unmasking reveals.
pub const ARTEFACT_PII_FIELDS: [&str; 5] = [
    "principal_id",
    "source_ip",
    "session_id",
    "guardian.principal_id",
    "guardian.verification_ref",
];

/// An artefact with its personal data masked.
pub fn mask_artefact(mut a: Artefact) -> Artefact {
    a.principal_id = mask_identifier(&a.principal_id);
    a.source_ip = a.source_ip.as_deref().map(mask_ip);
    a.session_id = a.session_id.as_deref().map(mask_generic);
    if let Some(g) = &mut a.guardian {
        g.principal_id = mask_identifier(&g.principal_id);
        g.verification_ref = g.verification_ref.as_deref().map(mask_generic);
    }
    a
}

/// The clear value of one personal data field of an artefact (see [`ARTEFACT_PII_FIELDS`]).
pub fn artefact_field(a: &Artefact, field: &str) -> Option<Option<String>> {
    match field {
        "principal_id" => Some(Some(a.principal_id.clone())),
        "source_ip" => Some(a.source_ip.clone()),
        "session_id" => Some(a.session_id.clone()),
        "guardian.principal_id" => Some(a.guardian.as_ref().map(|g| g.principal_id.clone())),
        "guardian.verification_ref" => {
            Some(a.guardian.as_ref().and_then(|g| g.verification_ref.clone()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_from_the_guideline() {
        assert_eq!(mask_phone("+91 98765 34821"), "******4821");
        assert_eq!(mask_identifier("9876534821"), "******4821");
        assert_eq!(mask_email("ravi@example.in"), "r*****@example.in");
        assert_eq!(mask_identifier("ravi@example.in"), "r*****@example.in");
        assert_eq!(mask_name("Ravi Kumar Sharma"), "R. K. S.");
        assert_eq!(mask_name("रवि कुमार"), "र. क.");
        assert_eq!(mask_ip("203.0.113.77"), "203.0.113.*");
        assert_eq!(mask_ip("2001:db8:1:2::7"), "2001:db8:1::*");
    }

    #[test]
    fn short_values_reveal_nothing_about_their_length() {
        assert_eq!(mask_identifier("ab"), "******");
        assert_eq!(mask_identifier("abcdefg"), "******");
        assert_eq!(mask_identifier("CUST-000123"), "******0123");
        assert_eq!(mask_phone("12345"), "******");
        assert_eq!(mask_identifier(ERASED), ERASED);
        assert_eq!(mask_ip(ERASED), ERASED);
        assert_eq!(mask_generic(ERASED), ERASED);
    }

    #[test]
    fn a_masked_value_never_contains_the_clear_value() {
        for v in [
            "9876534821",
            "ravi@example.in",
            "CUST-000123",
            "x",
            "हिन्दी-नाम-123",
        ] {
            let m = mask_identifier(v);
            assert_ne!(m, v);
            assert!(!m.contains(v));
        }
    }
}
