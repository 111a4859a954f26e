//! A principal's contact: a mobile number or an e-mail address, in one normal form so that
//! the same contact written two ways is one.

/// A contact's kind, from its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactKind {
    Mobile,
    Email,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Mobile => "mobile",
            ContactKind::Email => "email",
        }
    }

    /// The outbox channel a code to this kind of contact goes by.
    pub fn channel(self) -> &'static str {
        match self {
            ContactKind::Mobile => "sms",
            ContactKind::Email => "email",
        }
    }
}

/// The normalised form of a mobile number (digits, with `+` and country code; a 10-digit Indian
/// number gets `+91`) or an e-mail address (trimmed, lower-case), and its kind. None: neither.
pub fn normalise(contact: &str) -> Option<(ContactKind, String)> {
    let c = contact.trim();
    if c.len() > 254 || crate::text::has_forbidden(c) {
        return None;
    }
    if let Some((local, domain)) = c.rsplit_once('@') {
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !c.chars().any(char::is_whitespace);
        return ok.then(|| (ContactKind::Email, c.to_lowercase()));
    }
    let digits: String = c.chars().filter(char::is_ascii_digit).collect();
    let allowed = c
        .chars()
        .all(|ch| ch.is_ascii_digit() || matches!(ch, '+' | '-' | ' ' | '(' | ')'));
    if !allowed {
        return None;
    }
    match (c.starts_with('+'), digits.len()) {
        (false, 10) => Some((ContactKind::Mobile, format!("+91{digits}"))),
        (true, 8..=15) => Some((ContactKind::Mobile, format!("+{digits}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_normalise() {
        assert_eq!(
            normalise("98765 43210"),
            Some((ContactKind::Mobile, "+919876543210".into()))
        );
        assert_eq!(
            normalise("+91-98765-43210"),
            Some((ContactKind::Mobile, "+919876543210".into()))
        );
        assert_eq!(
            normalise(" Ravi@Example.IN "),
            Some((ContactKind::Email, "ravi@example.in".into()))
        );
        for bad in [
            "",
            "12345",
            "ravi@",
            "@example.in",
            "ravi@localhost",
            "98765x43210",
            "a b@c.in",
        ] {
            assert_eq!(normalise(bad), None, "{bad}");
        }
    }
}
