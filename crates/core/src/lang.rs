//! Languages a notice may be written in: English and the 22 languages of the Eighth Schedule
//! of the Constitution of India, by their BCP 47 primary language subtags.

use serde::{Deserialize, Serialize};
use std::fmt;

/// BCP 47 codes accepted for notices, purposes and collection, in a stable order.
pub const LANGUAGES: [&str; 23] = [
    "en", "as", "bn", "brx", "doi", "gu", "hi", "kn", "ks", "kok", "mai", "ml", "mni", "mr", "ne",
    "or", "pa", "sa", "sat", "sd", "ta", "te", "ur",
];

/// Languages written right to left (pages use `dir="rtl"` for them).
pub const RTL_LANGUAGES: [&str; 3] = ["ur", "ks", "sd"];

/// A validated language code (one of [`LANGUAGES`]), always lower case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Lang(String);

impl Lang {
    /// Parses a code, accepting any case (`HI`, `hi`) but nothing outside [`LANGUAGES`].
    pub fn parse(code: &str) -> Option<Lang> {
        let lower = code.to_ascii_lowercase();
        LANGUAGES.contains(&lower.as_str()).then_some(Lang(lower))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_rtl(&self) -> bool {
        RTL_LANGUAGES.contains(&self.0.as_str())
    }
}

/// In the OpenAPI document: a string matching one of [`LANGUAGES`] in any case
/// ([`crate::schema::lang`]).
impl utoipa::PartialSchema for Lang {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::schema::lang().build().into()
    }
}

impl utoipa::ToSchema for Lang {}

impl TryFrom<String> for Lang {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Lang::parse(&s).ok_or_else(|| format!("unsupported language code {s:?}"))
    }
}

impl From<Lang> for String {
    fn from(l: Lang) -> String {
        l.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn accepts_the_23_and_nothing_else() {
        for code in LANGUAGES {
            assert_eq!(Lang::parse(code).unwrap().as_str(), code);
        }
        assert_eq!(Lang::parse("HI").unwrap().as_str(), "hi");
        for bad in ["", "fr", "hin", "en-GB", "x"] {
            assert!(Lang::parse(bad).is_none(), "{bad}");
        }
        assert!(Lang::parse("ur").unwrap().is_rtl());
    }
}
