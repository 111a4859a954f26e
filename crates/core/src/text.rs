//! What free text may hold. Control characters are refused everywhere (but line breaks and tabs
//! in multi-line text), and so are Unicode format characters (general category Cf: bidi
//! overrides and isolates, zero-width spaces, the byte order mark, invisible tags), which can
//! make a text display differently from what it says. The zero-width joiner and non-joiner are
//! allowed: Devanagari, Bengali, Malayalam and other scripts of the Eighth Schedule need them
//! to write conjuncts correctly.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Whether `c` may not appear in free text (`multiline`: line breaks and tabs are allowed).
pub fn forbidden(c: char, multiline: bool) -> bool {
    if c.is_control() {
        return !(multiline && matches!(c, '\n' | '\t' | '\r'));
    }
    c.general_category() == GeneralCategory::Format && !matches!(c, '\u{200C}' | '\u{200D}')
}

/// Whether a one-line text holds a character it may not.
pub fn has_forbidden(text: &str) -> bool {
    text.chars().any(|c| forbidden(c, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_are_refused_but_joiners_are_not() {
        for bad in [
            '\u{202E}',
            '\u{2066}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{E0041}',
            '\u{0007}',
        ] {
            assert!(forbidden(bad, true), "{:?}", bad);
        }
        for good in ['a', 'क', '\u{094D}', '\u{200D}', '\u{200C}', 'é', '₹'] {
            assert!(!forbidden(good, false), "{:?}", good);
        }
        assert!(forbidden('\n', false));
        assert!(!forbidden('\n', true));
        // "क्‍ष" with a zero-width joiner: fine.
        assert!(!has_forbidden("क्\u{200D}ष"));
        assert!(has_forbidden("invoice\u{202E}fdp.exe"));
    }
}
