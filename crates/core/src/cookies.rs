//! The cookie banner (BRD 4.2, issue 22): a fiduciary's banner configuration and the
//! visitor's decisions.
//!
//! A banner shows the categories of cookies a site uses (essential, performance, analytics,
//! marketing), each mapped to a purpose of the fiduciary's catalogue, and a cookie policy: a
//! published notice version whose purposes are exactly those purposes. The notice version is
//! the policy's version: a banner configured with a later one asks every visitor again.
//!
//! A visitor's decision is a consent like any other, collected through
//! [`usecases::collect`] for a pseudonymous principal (`cookie-visitor:<random id>`), with one
//! more ledger entry saying how it was made (the action and whether the browser sent the
//! Global Privacy Control signal). GPC refuses the categories that sell or share data
//! (marketing) whatever the visitor pressed.

use crate::audit::{Action, AuditRecord};
use crate::error::DomainError;
use crate::lang::Lang;
use crate::model::{Artefact, Decision, Method, NoticeVersion};
use crate::ports::StoreResult;
use crate::usecases::{self, Actor, CollectRequest, Result, check_code};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;
use uuid::Uuid;

/// At most this many cookies declared per category.
pub const MAX_COOKIES_PER_CATEGORY: usize = 50;
/// The longest a decision is kept in the visitor's browser, in days (about 13 months).
pub const MAX_EXPIRY_DAYS: u32 = 395;

/// A category of cookies. `essential` is always on (the site does not work without it); the
/// others are off until the visitor grants them.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[schema(as = CookieCategory)]
pub enum Category {
    Essential,
    Performance,
    Analytics,
    Marketing,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Essential => "essential",
            Category::Performance => "performance",
            Category::Analytics => "analytics",
            Category::Marketing => "marketing",
        }
    }

    /// Categories that sell or share personal data with third parties: refused when the browser
    /// sends the Global Privacy Control signal.
    pub fn is_sale_or_sharing(self) -> bool {
        self == Category::Marketing
    }
}

/// A cookie a category sets, deleted by the banner when the category is refused or withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclaredCookie {
    /// The cookie's name (1-128 characters of a cookie name: no spaces, separators or
    /// controls).
    #[schema(
        pattern = "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$",
        min_length = 1,
        max_length = 128
    )]
    pub name: String,
    /// The domain it is set on (e.g. `.shop.example`), when not the page's own host; the banner
    /// deletes it there and on the page's parent domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        pattern = "^\\.?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$",
        max_length = 253
    )]
    pub domain: Option<String>,
}

/// One category of the banner.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BannerCategory {
    pub category: Category,
    /// The purpose of the catalogue this category is consent for (a purpose of the notice).
    #[schema(value_type = crate::schema::Code)]
    pub purpose: String,
    /// The cookies it sets (at most 50).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub cookies: Vec<DeclaredCookie>,
}

/// A fiduciary's cookie banner (`PUT /v1/cookie-banner`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BannerConfig {
    /// The cookie policy: a notice whose purposes are exactly the categories' purposes.
    pub notice_id: Uuid,
    /// The published version of the notice shown: the policy's version. Raising it asks every
    /// visitor again.
    #[schema(minimum = 1)]
    pub notice_version: u32,
    /// The categories, each once (1 to 4).
    #[schema(min_items = 1, max_items = 4)]
    pub categories: Vec<BannerCategory>,
    /// How long the visitor's decision is kept in their browser, in days (1-395, default 180):
    /// then the banner asks again.
    #[serde(default = "default_expiry")]
    #[schema(minimum = 1, maximum = 395, default = 180)]
    pub expiry_days: u32,
}

fn default_expiry() -> u32 {
    180
}

/// What storage keeps for the banner.
pub trait CookiePort: crate::ports::retention::RetentionPort {
    /// The fiduciary's banner, if it configured one.
    fn cookie_banner(&mut self, fid: Uuid) -> StoreResult<Option<BannerConfig>>;
    fn save_cookie_banner(&mut self, fid: Uuid, b: &BannerConfig) -> StoreResult<()>;
}

fn invalid(message: impl Into<String>) -> crate::error::Error {
    DomainError::invalid("invalid_cookie_banner", message).into()
}

fn cookie_name_ok(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 128
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b))
}

fn domain_ok(d: &str) -> bool {
    let d = d.strip_prefix('.').unwrap_or(d);
    !d.is_empty()
        && d.len() <= 252
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Checks a banner against itself and the notice version it shows: each category once, the
/// categories' purposes exactly the notice's, cookie names and domains well formed.
pub fn check_banner(b: &BannerConfig, notice: &NoticeVersion) -> Result<()> {
    if b.categories.is_empty() || b.categories.len() > 4 {
        return Err(invalid("a banner has 1 to 4 categories"));
    }
    if b.expiry_days == 0 || b.expiry_days > MAX_EXPIRY_DAYS {
        return Err(invalid(format!(
            "expiry_days must be 1 to {MAX_EXPIRY_DAYS}"
        )));
    }
    let mut cats = BTreeSet::new();
    let mut purposes = BTreeSet::new();
    for c in &b.categories {
        check_code("categories.purpose", &c.purpose)?;
        if !cats.insert(c.category) {
            return Err(invalid(format!(
                "category {} is listed twice",
                c.category.as_str()
            )));
        }
        if !purposes.insert(c.purpose.as_str()) {
            return Err(invalid(format!(
                "purpose {:?} is mapped to two categories",
                c.purpose
            )));
        }
        if c.cookies.len() > MAX_COOKIES_PER_CATEGORY {
            return Err(invalid(format!(
                "at most {MAX_COOKIES_PER_CATEGORY} cookies per category"
            )));
        }
        for k in &c.cookies {
            if !cookie_name_ok(&k.name) {
                return Err(invalid(format!("{:?} is not a cookie name", k.name)));
            }
            if let Some(d) = &k.domain
                && !domain_ok(d)
            {
                return Err(invalid(format!("{d:?} is not a domain name")));
            }
        }
    }
    let in_notice: BTreeSet<&str> = notice.purposes.iter().map(|p| p.code.as_str()).collect();
    if in_notice != purposes {
        return Err(invalid(
            "the categories' purposes must be exactly the purposes of the notice version",
        ));
    }
    Ok(())
}

/// Saves the fiduciary's banner (422 `invalid_cookie_banner`, or `notice_version_not_published`
/// when the notice version does not exist).
pub fn save_banner<T: CookiePort>(
    tx: &mut T,
    actor: &Actor,
    b: BannerConfig,
) -> Result<BannerConfig> {
    let fid = actor.fiduciary_id;
    let Some(notice) = tx.notice_version(fid, b.notice_id, b.notice_version)? else {
        return Err(DomainError::invalid(
            "notice_version_not_published",
            "the cookie policy must be a published notice version",
        )
        .into());
    };
    check_banner(&b, &notice)?;
    tx.save_cookie_banner(fid, &b)?;
    tx.append_audit(
        &AuditRecord::admin(
            Action::AdminAction,
            fid,
            "cookie_banner_changed",
            &actor.initiator,
        )
        .with_ip(actor.source_ip.clone()),
    )?;
    Ok(b)
}

/// How the visitor decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BannerAction {
    AcceptAll,
    RejectAll,
    Customise,
}

impl BannerAction {
    pub fn as_str(self) -> &'static str {
        match self {
            BannerAction::AcceptAll => "accept_all",
            BannerAction::RejectAll => "reject_all",
            BannerAction::Customise => "customise",
        }
    }
}

/// A visitor's decision on the banner.
#[derive(Clone, Debug)]
pub struct VisitorDecision {
    /// The random id kept in the visitor's cookie (16-64 characters of base64url).
    pub visitor_id: String,
    pub action: BannerAction,
    /// With `customise`: the categories granted (essential is always granted).
    pub categories: Vec<Category>,
    /// The notice version the banner showed: must be the banner's current one.
    pub notice_version: u32,
    /// The language of the banner; the policy is recorded in it, or in English when the notice
    /// has no text in it.
    pub language: Lang,
    /// The browser sent the Global Privacy Control signal.
    pub gpc: bool,
}

/// What a decision recorded.
#[derive(Clone, Debug)]
pub struct Decided {
    pub artefact: Artefact,
    /// The categories granted, essential included.
    pub granted: Vec<Category>,
    pub expiry_days: u32,
}

/// The principal id of a banner's visitor.
pub fn visitor_principal(visitor_id: &str) -> String {
    format!("cookie-visitor:{visitor_id}")
}

/// A visitor id is 16 to 64 characters of base64url.
pub fn visitor_id_ok(v: &str) -> bool {
    (16..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The language the policy is shown and recorded in: the visitor's, else English, else the
/// notice's first.
pub fn policy_language(notice: &NoticeVersion, wanted: &Lang) -> Option<Lang> {
    if notice.texts.contains_key(wanted) {
        return Some(wanted.clone());
    }
    let en = Lang::parse("en")?;
    if notice.texts.contains_key(&en) {
        return Some(en);
    }
    notice.texts.keys().next().cloned()
}

/// Records a visitor's decision: a collection under the banner's notice version with a
/// decision per purpose, then the ledger entry of how it was made
/// (`cookie_banner:<action>[ gpc]`). 404 `cookie_banner_not_found` when the fiduciary has no
/// banner, 409 `policy_version_changed` when the banner now shows another version (the
/// visitor must be asked again), 422 `unknown_category` for a category the banner lacks.
pub fn decide<T: CookiePort>(tx: &mut T, actor: &Actor, d: VisitorDecision) -> Result<Decided> {
    if !visitor_id_ok(&d.visitor_id) {
        return Err(DomainError::invalid("invalid_visitor", "malformed visitor id").into());
    }
    let fid = actor.fiduciary_id;
    let Some(banner) = tx.cookie_banner(fid)? else {
        return Err(
            DomainError::not_found("cookie_banner_not_found", "no cookie banner here").into(),
        );
    };
    if d.notice_version != banner.notice_version {
        return Err(DomainError::conflict(
            "policy_version_changed",
            "the cookie policy changed: show the banner again",
        )
        .into());
    }
    let configured: BTreeSet<Category> = banner.categories.iter().map(|c| c.category).collect();
    if let Some(c) = d.categories.iter().find(|c| !configured.contains(c)) {
        return Err(DomainError::invalid(
            "unknown_category",
            format!("the banner has no category {}", c.as_str()),
        )
        .into());
    }
    let granted: BTreeSet<Category> = configured
        .iter()
        .copied()
        .filter(|c| match d.action {
            BannerAction::AcceptAll => true,
            BannerAction::RejectAll => *c == Category::Essential,
            BannerAction::Customise => *c == Category::Essential || d.categories.contains(c),
        })
        .filter(|c| !(d.gpc && c.is_sale_or_sharing()))
        .collect();
    let Some(notice) = tx.notice_version(fid, banner.notice_id, banner.notice_version)? else {
        return Err(DomainError::conflict(
            "policy_version_changed",
            "the cookie policy is no longer published",
        )
        .into());
    };
    let language = policy_language(&notice, &d.language).ok_or_else(|| {
        crate::error::Error::from(DomainError::invalid(
            "language_not_in_notice",
            "the cookie policy has no text",
        ))
    })?;
    let decisions: BTreeMap<String, Decision> = banner
        .categories
        .iter()
        .map(|c| {
            let dec = if granted.contains(&c.category) {
                Decision::Granted
            } else {
                Decision::Denied
            };
            (c.purpose.clone(), dec)
        })
        .collect();
    let principal_id = visitor_principal(&d.visitor_id);
    // A visitor who already decided under this policy version changes that artefact: a
    // category switched off is withdrawn (its history then reads `withdrawn`, as the Act's
    // withdrawal is), one switched back on is granted again by an update. A first decision, or
    // one under a new policy version, is a collection.
    let current = tx
        .live_artefacts(fid, &principal_id)?
        .into_iter()
        .filter(|a| a.notice_id == banner.notice_id && a.notice_version == banner.notice_version)
        .max_by_key(|a| a.collected_at);
    let artefact = match current {
        Some(prev) => change_of_mind(tx, actor, prev, &decisions, &language)?,
        None => usecases::collect(
            tx,
            actor,
            CollectRequest {
                principal_id: principal_id.clone(),
                notice_id: banner.notice_id,
                notice_version: banner.notice_version,
                language,
                decisions,
                method: Method::Web,
                session_id: None,
                requires_guardian: false,
                guardian: None,
            },
        )?,
    };
    let mut outcome = format!("cookie_banner:{}", d.action.as_str());
    if d.gpc {
        outcome.push_str(" gpc");
    }
    let rec = AuditRecord {
        principal_id: Some(principal_id),
        artefact_id: Some(artefact.id),
        artefact_version: Some(artefact.version),
        outcome,
        ..actor.record(Action::AdminAction)
    };
    tx.append_audit(&rec)?;
    Ok(Decided {
        artefact,
        granted: granted.into_iter().collect(),
        expiry_days: banner.expiry_days,
    })
}

/// Applies a visitor's new decision to the artefact they hold under the same policy version:
/// purposes in force that are now refused are withdrawn; purposes not in force that are now
/// granted are granted again. Returns the artefact as it then stands (unchanged when the
/// decision changes nothing).
fn change_of_mind<T: CookiePort>(
    tx: &mut T,
    actor: &Actor,
    prev: Artefact,
    decisions: &BTreeMap<String, Decision>,
    language: &Lang,
) -> Result<Artefact> {
    let in_force = |p: &str| {
        prev.purpose(p)
            .is_some_and(|s| s.status == crate::model::Status::Active)
    };
    let off: Vec<String> = decisions
        .iter()
        .filter(|(p, d)| **d == Decision::Denied && in_force(p))
        .map(|(p, _)| p.clone())
        .collect();
    let on: BTreeMap<String, Decision> = decisions
        .iter()
        .filter(|(p, d)| **d == Decision::Granted && !in_force(p))
        .map(|(p, d)| (p.clone(), *d))
        .collect();
    let how = usecases::ActRequest {
        method: Some(Method::Web),
        session_id: None,
        notice_version: Some(prev.notice_version),
        language: Some(language.clone()),
    };
    let mut artefact = prev;
    if !off.is_empty() {
        artefact = usecases::withdraw(tx, actor, artefact.id, Some(&off), &how)?.artefact;
    }
    if !on.is_empty() {
        artefact = usecases::update(tx, actor, artefact.id, &on, &how)?;
    }
    Ok(artefact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_names_and_domains() {
        assert!(cookie_name_ok("_ga"));
        assert!(cookie_name_ok("_ga_ABC123"));
        assert!(!cookie_name_ok("a b"));
        assert!(!cookie_name_ok("a;b"));
        assert!(!cookie_name_ok(""));
        assert!(domain_ok(".shop.example"));
        assert!(domain_ok("shop.example"));
        assert!(!domain_ok("Shop.example"));
        assert!(!domain_ok("shop..example"));
        assert!(!domain_ok("-shop.example"));
        assert!(!domain_ok("."));
    }

    #[test]
    fn visitor_ids() {
        assert!(visitor_id_ok("abcdefghijklmnopqrstuv"));
        assert!(!visitor_id_ok("short"));
        assert!(!visitor_id_ok("abcdefghijklmnop;rstuv"));
    }
}
