//! The pages' messages: one Fluent file per language and part (`web/locales/<lang>/<part>.ftl`),
//! compiled into the binary. English is the source; every other language must have every key
//! (a test fails on a missing or extra key). A message missing at run time falls back to
//! English, then to its key, so a page never fails for want of a string.

use anumodan_core::lang::LANGUAGES;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The parts of each language's messages, in `web/locales/<lang>/<part>.ftl`: what every page
/// shares (`pages`), the hosted consent page (`consent`), the principal's dashboard
/// (`dashboard`), the cookie banner (`widget`).
pub const PARTS: &[&str] = &["pages", "consent", "dashboard", "widget"];

macro_rules! sources {
    ($($lang:literal),* $(,)?) => {
        &[$(($lang, &[
            include_str!(concat!("../../web/locales/", $lang, "/pages.ftl")),
            include_str!(concat!("../../web/locales/", $lang, "/consent.ftl")),
            include_str!(concat!("../../web/locales/", $lang, "/dashboard.ftl")),
            include_str!(concat!("../../web/locales/", $lang, "/widget.ftl")),
        ])),*]
    };
}

/// Every language's files, in the order of [`PARTS`].
pub static SOURCES: &[(&str, &[&str])] = sources!(
    "en", "as", "bn", "brx", "doi", "gu", "hi", "kn", "ks", "kok", "mai", "ml", "mni", "mr", "ne",
    "or", "pa", "sa", "sat", "sd", "ta", "te", "ur",
);

/// The endonym of each language, for the language switcher (in its own script).
pub const ENDONYMS: [(&str, &str); 23] = [
    ("en", "English"),
    ("as", "অসমীয়া"),
    ("bn", "বাংলা"),
    ("brx", "बर'"),
    ("doi", "डोगरी"),
    ("gu", "ગુજરાતી"),
    ("hi", "हिन्दी"),
    ("kn", "ಕನ್ನಡ"),
    ("ks", "کٲشُر"),
    ("kok", "कोंकणी"),
    ("mai", "मैथिली"),
    ("ml", "മലയാളം"),
    ("mni", "ꯃꯩꯇꯩꯂꯣꯟ"),
    ("mr", "मराठी"),
    ("ne", "नेपाली"),
    ("or", "ଓଡ଼ିଆ"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("sa", "संस्कृतम्"),
    ("sat", "ᱥᱟᱱᱛᱟᱲᱤ"),
    ("sd", "سنڌي"),
    ("ta", "தமிழ்"),
    ("te", "తెలుగు"),
    ("ur", "اردو"),
];

/// All languages' bundles, parsed once.
pub struct Catalog {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

/// The catalogue, parsed on first use. Panics if a shipped file does not parse (a test parses
/// every file, so a release cannot carry one).
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::parse().unwrap_or_else(|e| panic!("{e}")))
}

impl Catalog {
    /// Parses every shipped file; the first error names the file.
    pub fn parse() -> Result<Catalog, String> {
        debug_assert_eq!(SOURCES.len(), LANGUAGES.len());
        let mut bundles = HashMap::new();
        for (lang, files) in SOURCES {
            let id: unic_langid::LanguageIdentifier = lang
                .parse()
                .map_err(|e| format!("language {lang}: {e:?}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Pages are HTML: the Unicode isolation marks Fluent adds around arguments would
            // show up in attribute values and copied text; `<bdi>` isolates where it matters.
            bundle.set_use_isolating(false);
            for (part, src) in PARTS.iter().zip(files.iter()) {
                let res = FluentResource::try_new(src.to_string())
                    .map_err(|(_, errs)| format!("web/locales/{lang}/{part}.ftl: {errs:?}"))?;
                bundle
                    .add_resource(res)
                    .map_err(|errs| format!("web/locales/{lang}/{part}.ftl: {errs:?}"))?;
            }
            bundles.insert(*lang, bundle);
        }
        Ok(Catalog { bundles })
    }

    /// The message `key` in `lang` (English when that language lacks it; the key itself when
    /// English does too), with `args` put in.
    pub fn text(&self, lang: &str, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let fargs = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (k, v) in args {
                a.set(*k, v.clone());
            }
            a
        });
        for l in [lang, "en"] {
            let Some(bundle) = self.bundles.get(l) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = vec![];
            let s = bundle.format_pattern(pattern, fargs.as_ref(), &mut errors);
            return s.into_owned();
        }
        key.to_string()
    }

    /// Whether `lang` has its own `key` (no fallback).
    pub fn has(&self, lang: &str, key: &str) -> bool {
        self.bundles
            .get(lang)
            .is_some_and(|b| b.get_message(key).is_some())
    }
}

/// The message ids of one Fluent source (messages only, not terms), for the completeness test.
pub fn message_ids(src: &str) -> Vec<String> {
    let res = match FluentResource::try_new(src.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    res.entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_file_parses() {
        Catalog::parse().unwrap();
    }

    /// Every language has exactly English's keys, in every part: a missing key fails here,
    /// naming the language, the part and the keys.
    #[test]
    fn every_language_has_every_key() {
        let en = SOURCES.iter().find(|(l, _)| *l == "en").unwrap().1;
        let mut problems = vec![];
        for (lang, files) in SOURCES {
            for (i, part) in PARTS.iter().enumerate() {
                let want: BTreeSet<String> = message_ids(en[i]).into_iter().collect();
                let have: BTreeSet<String> = message_ids(files[i]).into_iter().collect();
                let missing: Vec<_> = want.difference(&have).collect();
                let extra: Vec<_> = have.difference(&want).collect();
                if !missing.is_empty() || !extra.is_empty() {
                    problems.push(format!(
                        "{lang}/{part}.ftl: missing {missing:?}, not in English {extra:?}"
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_languages_are_the_23_in_order() {
        let langs: Vec<&str> = SOURCES.iter().map(|(l, _)| *l).collect();
        assert_eq!(langs, LANGUAGES.to_vec());
        let endonyms: Vec<&str> = ENDONYMS.iter().map(|(l, _)| *l).collect();
        assert_eq!(endonyms, LANGUAGES.to_vec());
    }

    #[test]
    fn falls_back_to_english_then_to_the_key() {
        let c = catalog();
        assert_eq!(c.text("hi", "no-such-key", &[]), "no-such-key");
        assert!(!c.text("hi", "site-name", &[]).is_empty());
    }
}
