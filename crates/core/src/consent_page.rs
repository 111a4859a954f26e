//! The hosted consent page's rules (docs/web.md, "The hosted consent page").
//!
//! A fiduciary's backend, which knows who the principal is, creates a consent request
//! ([`create_request`]): the principal, the notice version, where to return and an opaque
//! `state`. The store gives it a single-use token; the page
//! opened with nothing else (`/consent/{id}/{token}`) ([`open_request`]), shows the notice, and its form records the
//! principal's decisions through the same [`crate::usecases::collect`] as `POST /v1/consents`
//! (method `web`, the request's id as the session), then marks the request used
//! ([`submit`]), so a second submission or a replay records nothing.
//!
//! Return addresses must be on the fiduciary's allow-list of origins ([`WebSettings`]),
//! checked when the request is created and again when the page returns to it.

use crate::error::DomainError;
use crate::lang::Lang;
use crate::model::{Artefact, Decision, Method, NoticeVersion};
use crate::ports::{StoreResult, Tx};
use crate::usecases::{self, Actor, CollectRequest, Result, check_principal_id};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// How many origins each list of [`WebSettings`] may hold.
pub const MAX_ORIGINS: usize = 20;
/// The longest return address accepted.
pub const MAX_RETURN_URL: usize = 2000;
/// The longest `state` accepted (the fiduciary's opaque value, returned as is).
pub const MAX_STATE: usize = 512;
/// How long a request's page works when the fiduciary does not say (seconds).
pub const DEFAULT_TTL_SECONDS: u32 = 1800;
/// The shortest and longest lifetime a fiduciary may ask for (seconds).
pub const TTL_RANGE: (u32, u32) = (60, 86_400);
/// The length of a page token: 32 random bytes, base64url without padding.
pub const TOKEN_LEN: usize = 43;
/// How long a consent request is kept after it expired, so its link still says "expired"
/// rather than "not found"; then the housekeeping job deletes it (its sealed body and the
/// pseudonym that links it to the principal go with it).
pub const KEEP_AFTER_EXPIRY: Duration = Duration::days(7);

/// A fiduciary's settings for the pages it sends principals to (`GET/PUT /v1/web-settings`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    /// Origins (`https://shop.example`, no path) that the hosted consent page may return the
    /// principal to; a consent request's `return_url` must be on one of them.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Text<300>>, max_items = 20)]
    pub return_origins: Vec<String>,
    /// Origins that may show the hosted consent page in a frame (CSP `frame-ancestors`);
    /// empty: no one may frame it.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Text<300>>, max_items = 20)]
    pub frame_ancestors: Vec<String>,
}

/// The origin (`scheme://host[:port]`, lower case) of an absolute URL that the page may send a
/// principal to or be framed by: `https`, or `http` to a loopback host when `allow_loopback`
/// (the test and demo setting `allow_loopback_endpoints`); no user name or password.
pub fn origin_of(raw: &str, allow_loopback: bool) -> Option<String> {
    if raw.len() > MAX_RETURN_URL || crate::text::has_forbidden(raw) {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    let host = url.host()?;
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    // A host name of letters, digits, dots and hyphens only (after IDNA): no wildcard, nothing
    // a CSP source list would read as more than one host.
    if let url::Host::Domain(d) = &host
        && !d
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return None;
    }
    let loopback = match &host {
        url::Host::Domain(d) => *d == "localhost",
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback && allow_loopback => {}
        _ => return None,
    }
    Some(url.origin().ascii_serialization())
}

fn bad_origin(list: &str, value: &str) -> DomainError {
    DomainError::invalid(
        "invalid_origin",
        format!(
            "{list}: {value:?} is not an origin (https://host[:port] without a path; http only to \
             a loopback host when the deployment allows loopback endpoints)"
        ),
    )
}

/// Checks settings before they are saved (422 `invalid_origin`, `too_many_origins`): each
/// entry an origin and nothing more, kept as its canonical form, without duplicates.
pub fn check_settings(s: WebSettings, allow_loopback: bool) -> Result<WebSettings> {
    let norm = |list: &str, v: Vec<String>| -> Result<Vec<String>> {
        if v.len() > MAX_ORIGINS {
            return Err(DomainError::invalid(
                "too_many_origins",
                format!("{list} may hold at most {MAX_ORIGINS} origins"),
            )
            .into());
        }
        let mut out: Vec<String> = vec![];
        for raw in v {
            let origin = origin_of(&raw, allow_loopback).ok_or_else(|| bad_origin(list, &raw))?;
            // An origin is written without a path (a trailing slash is tolerated).
            let trimmed = raw.trim_end_matches('/');
            if !trimmed.eq_ignore_ascii_case(&origin) {
                return Err(bad_origin(list, &raw).into());
            }
            if !out.contains(&origin) {
                out.push(origin);
            }
        }
        Ok(out)
    };
    Ok(WebSettings {
        return_origins: norm("return_origins", s.return_origins)?,
        frame_ancestors: norm("frame_ancestors", s.frame_ancestors)?,
    })
}

/// Saves a fiduciary's web settings, checked first, and records the change in the ledger.
pub fn save_settings<T: ConsentPagePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    s: WebSettings,
    allow_loopback: bool,
) -> Result<WebSettings> {
    let s = check_settings(s, allow_loopback)?;
    tx.save_web_settings(actor.fiduciary_id, &s)?;
    Ok(s)
}

/// `POST /v1/consent-requests`: a page for one principal and one notice version.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConsentRequest {
    #[schema(value_type = crate::schema::PrincipalId)]
    pub principal_id: String,
    pub notice_id: Uuid,
    /// A published version (default: the latest).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 4294967295_u64)]
    pub notice_version: Option<u32>,
    /// The language to show first (one the version has); the visitor may switch.
    #[serde(default)]
    pub language: Option<Lang>,
    /// Where the page sends the principal afterwards: an absolute URL on one of the
    /// fiduciary's `return_origins`.
    #[schema(value_type = crate::schema::Text<2000>)]
    pub return_url: String,
    /// An opaque value returned as is with the outcome (e.g. to tie it to the fiduciary's
    /// session).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Text<512>>)]
    pub state: Option<String>,
    /// The principal is a child or a person who needs a guardian: the page then explains that
    /// the fiduciary must collect consent through its verified guardian flow, and records
    /// nothing.
    #[serde(default)]
    pub requires_guardian: bool,
    /// How long the page works, in seconds (60 to 86400, default 1800).
    #[serde(default)]
    #[schema(minimum = 60, maximum = 86400)]
    pub expires_in: Option<u32>,
}

/// A consent request as kept (sealed under the principal's data key by the store).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRequest {
    pub id: Uuid,
    pub fiduciary_id: Uuid,
    pub principal_id: String,
    pub notice_id: Uuid,
    pub notice_version: u32,
    pub language: Option<Lang>,
    pub return_url: String,
    pub state: Option<String>,
    pub requires_guardian: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// The answer to `POST /v1/consent-requests`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ConsentRequestCreated {
    pub id: Uuid,
    /// The page to send the principal to, relative to this service's address; it carries the
    /// single-use token (shown once).
    pub url: String,
    pub notice_id: Uuid,
    pub notice_version: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// A consent request as stored: itself, its token's SHA-256, and when it was used.
#[derive(Clone, Debug)]
pub struct StoredRequest {
    pub request: ConsentRequest,
    pub token_hash: [u8; 32],
    pub used_at: Option<OffsetDateTime>,
}

/// What the hosted page needs from storage.
pub trait ConsentPagePort {
    /// The fiduciary's web settings (the defaults, all empty, when never saved).
    fn web_settings(&mut self, fid: Uuid) -> StoreResult<WebSettings>;
    fn save_web_settings(&mut self, fid: Uuid, s: &WebSettings) -> StoreResult<()>;
    /// Stores a new request with a fresh random token ([`TOKEN_LEN`] characters) and returns
    /// the token, once; only its [`token_hash`] is kept.
    fn insert_consent_request(&mut self, r: &ConsentRequest) -> StoreResult<String>;
    /// A request by id (None: no such request, or its principal was erased).
    fn consent_request(&mut self, id: Uuid) -> StoreResult<Option<StoredRequest>>;
    /// Marks the request used now, by the artefact it recorded; false when it already was.
    fn use_consent_request(&mut self, id: Uuid, artefact: Option<Uuid>) -> StoreResult<bool>;
}

/// SHA-256 of a page token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The value the page's form carries in its `csrf` field: bound to the page's token rather
/// than to a cookie, so the form works in a cross-site frame, where browsers neither send nor
/// accept `SameSite` cookies. Whoever can read the page can read it; whoever cannot, cannot
/// make it up.
pub fn form_token(token: &str) -> String {
    let d = Sha256::digest(format!("anumodan consent form\0{token}").as_bytes());
    crate::model::hex_lower(&d[..16])
}

/// Whether a form's `csrf` field is the page's [`form_token`] (in constant time).
pub fn form_token_ok(token: &str, field: &str) -> bool {
    let want = form_token(token);
    want.len() == field.len() && bool::from(want.as_bytes().ct_eq(field.as_bytes()))
}

fn not_found() -> DomainError {
    DomainError::not_found("consent_request_not_found", "no such consent request")
}

/// Creates a consent request (422 `return_url_not_allowed`, `notice_not_found`,
/// `notice_version_not_published`, `language_not_in_notice`, `invalid_text`, ...).
pub fn create_request<T: Tx + ConsentPagePort + ?Sized>(
    tx: &mut T,
    actor: &Actor,
    req: CreateConsentRequest,
    allow_loopback: bool,
) -> Result<ConsentRequestCreated> {
    check_principal_id(&req.principal_id)?;
    if let Some(s) = &req.state {
        usecases::check_text("state", s, MAX_STATE)?;
    }
    let ttl = req.expires_in.unwrap_or(DEFAULT_TTL_SECONDS);
    if !(TTL_RANGE.0..=TTL_RANGE.1).contains(&ttl) {
        return Err(DomainError::invalid(
            "invalid_expires_in",
            "expires_in must be 60 to 86400 seconds",
        )
        .into());
    }
    let fid = actor.fiduciary_id;
    let settings = tx.web_settings(fid)?;
    return_allowed(&settings, &req.return_url, allow_loopback)?;
    let notice = tx
        .notice(fid, req.notice_id)?
        .ok_or_else(|| DomainError::invalid("notice_not_found", "no such notice"))?;
    let latest = notice.latest_version.ok_or_else(|| {
        DomainError::invalid(
            "notice_version_not_published",
            "the notice has no published version",
        )
    })?;
    let version = req.notice_version.unwrap_or(latest);
    let Some(nv) = tx.notice_version(fid, req.notice_id, version)? else {
        return Err(DomainError::invalid(
            "notice_version_not_published",
            format!("notice version {version} is not published"),
        )
        .into());
    };
    if let Some(l) = req.language.as_ref().filter(|l| !nv.texts.contains_key(*l)) {
        return Err(DomainError::invalid(
            "language_not_in_notice",
            format!("notice version {version} has no text in {l}"),
        )
        .into());
    }
    let now = tx.now();
    let r = ConsentRequest {
        id: Uuid::now_v7(),
        fiduciary_id: fid,
        principal_id: req.principal_id,
        notice_id: req.notice_id,
        notice_version: version,
        language: req.language,
        return_url: req.return_url,
        state: req.state,
        requires_guardian: req.requires_guardian,
        created_at: now,
        expires_at: now + Duration::seconds(i64::from(ttl)),
    };
    let token = tx.insert_consent_request(&r)?;
    Ok(ConsentRequestCreated {
        id: r.id,
        url: format!("/consent/{}/{token}", r.id),
        notice_id: r.notice_id,
        notice_version: version,
        expires_at: r.expires_at,
    })
}

/// 422 `return_url_not_allowed` unless the address is on the settings' return origins.
fn return_allowed(s: &WebSettings, url: &str, allow_loopback: bool) -> Result<String> {
    match origin_of(url, allow_loopback) {
        Some(o) if s.return_origins.contains(&o) => Ok(o),
        _ => Err(DomainError::invalid(
            "return_url_not_allowed",
            "return_url must be an absolute https URL on one of the fiduciary's return_origins \
             (PUT /v1/web-settings)",
        )
        .into()),
    }
}

/// A request as the page shows it: the request, its notice version, the origin it returns to
/// and the origins that may frame the page.
#[derive(Clone, Debug)]
pub struct Opened {
    pub request: ConsentRequest,
    pub notice: NoticeVersion,
    pub return_origin: String,
    pub frame_ancestors: Vec<String>,
}

/// The request behind a page's id and token, if it can still be answered: 404
/// `consent_request_not_found` (unknown id, wrong or malformed token, erased principal), 410
/// `consent_request_used` or `consent_request_expired` (as a conflict kind; the page shows
/// 410), 422 `return_url_not_allowed` when the fiduciary took the return origin off its list
/// since.
pub fn open_request<T: Tx + ConsentPagePort + ?Sized>(
    tx: &mut T,
    id: Uuid,
    token: &str,
    allow_loopback: bool,
) -> Result<Opened> {
    if token.len() != TOKEN_LEN {
        return Err(not_found().into());
    }
    let Some(stored) = tx.consent_request(id)? else {
        return Err(not_found().into());
    };
    if !bool::from(token_hash(token).ct_eq(&stored.token_hash)) {
        return Err(not_found().into());
    }
    let request = stored.request;
    if stored.used_at.is_some() {
        return Err(DomainError::conflict(
            "consent_request_used",
            "this consent request was already answered",
        )
        .into());
    }
    if tx.now() >= request.expires_at {
        return Err(DomainError::conflict(
            "consent_request_expired",
            "this consent request has expired",
        )
        .into());
    }
    let fid = request.fiduciary_id;
    let settings = tx.web_settings(fid)?;
    let return_origin = return_allowed(&settings, &request.return_url, allow_loopback)?;
    let notice = tx
        .notice_version(fid, request.notice_id, request.notice_version)?
        .ok_or_else(not_found)?;
    Ok(Opened {
        request,
        notice,
        return_origin,
        frame_ancestors: settings.frame_ancestors,
    })
}

/// The outcome a page returns with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every purpose granted.
    Granted,
    /// Some granted, some not.
    Partial,
    /// None granted (a recorded decision, not an error).
    Denied,
}

impl Outcome {
    pub fn of(decisions: &BTreeMap<String, Decision>) -> Outcome {
        let granted = decisions
            .values()
            .filter(|d| **d == Decision::Granted)
            .count();
        match granted {
            0 => Outcome::Denied,
            n if n == decisions.len() => Outcome::Granted,
            _ => Outcome::Partial,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::Partial => "partial",
            Outcome::Denied => "denied",
        }
    }
}

/// What the page's form said: one answer for every purpose ("Allow all", "Decline all"), or
/// a decision per purpose (each must be there: 422 `missing_decision` otherwise).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choices {
    All(Decision),
    Each(BTreeMap<String, Decision>),
}

/// A submitted page, recorded.
#[derive(Clone, Debug)]
pub struct Submitted {
    pub artefact: Artefact,
    pub outcome: Outcome,
    pub request: ConsentRequest,
    pub return_origin: String,
}

/// Records the principal's decisions from the page: the request is opened as by
/// [`open_request`], the decisions collected by [`usecases::collect`] (method `web`, the
/// request's id as the session, the principal as initiator) and the request marked used, all
/// in one transaction. A request for a principal who needs a guardian records nothing (422
/// `guardian_required`).
pub fn submit<T: Tx + ConsentPagePort>(
    tx: &mut T,
    id: Uuid,
    token: &str,
    language: Lang,
    choices: Choices,
    allow_loopback: bool,
) -> Result<Submitted> {
    let opened = open_request(tx, id, token, allow_loopback)?;
    let decisions = match choices {
        Choices::All(d) => opened
            .notice
            .purposes
            .iter()
            .map(|p| (p.code.clone(), d))
            .collect(),
        Choices::Each(m) => m,
    };
    let r = opened.request;
    if r.requires_guardian {
        return Err(DomainError::invalid(
            "guardian_required",
            "consent for this principal must come from a verified guardian",
        )
        .into());
    }
    let actor = Actor {
        fiduciary_id: r.fiduciary_id,
        initiator: "principal".into(),
        source_ip: None,
    };
    let outcome = Outcome::of(&decisions);
    let artefact = usecases::collect(
        tx,
        &actor,
        CollectRequest {
            principal_id: r.principal_id.clone(),
            notice_id: r.notice_id,
            notice_version: r.notice_version,
            language,
            decisions,
            method: Method::Web,
            session_id: Some(r.id.to_string()),
            requires_guardian: false,
            guardian: None,
        },
    )?;
    if !tx.use_consent_request(r.id, Some(artefact.id))? {
        // Another submission won: refuse this one (its writes are rolled back with the error).
        return Err(crate::ports::StoreError::conflict("consent request used meanwhile").into());
    }
    Ok(Submitted {
        artefact,
        outcome,
        request: r,
        return_origin: opened.return_origin,
    })
}

/// The address the page returns to: the request's `return_url` with `consent_request`,
/// `outcome`, `consent` (the artefact's id) and `state` (when given) added to its query.
pub fn return_address(s: &Submitted) -> String {
    let mut url = match url::Url::parse(&s.request.return_url) {
        Ok(u) => u,
        Err(_) => return s.return_origin.clone(),
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("consent_request", &s.request.id.to_string());
        q.append_pair("outcome", s.outcome.as_str());
        q.append_pair("consent", &s.artefact.id.to_string());
        if let Some(st) = &s.request.state {
            q.append_pair("state", st);
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_https_or_loopback_when_allowed() {
        assert_eq!(
            origin_of("https://Shop.Example/back?x=1", false).as_deref(),
            Some("https://shop.example")
        );
        assert_eq!(origin_of("http://shop.example/", true), None);
        assert_eq!(origin_of("http://127.0.0.1:8080/", false), None);
        assert_eq!(
            origin_of("http://127.0.0.1:8080/", true).as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("https://user:pw@shop.example/", false), None);
        assert_eq!(origin_of("javascript:alert(1)", true), None);
        assert_eq!(origin_of("/relative", true), None);
    }

    #[test]
    fn settings_keep_bare_origins_only() {
        let ok = check_settings(
            WebSettings {
                return_origins: vec!["https://a.example/".into(), "https://A.example".into()],
                frame_ancestors: vec!["https://b.example:8443".into()],
            },
            false,
        )
        .unwrap();
        assert_eq!(ok.return_origins, vec!["https://a.example"]);
        assert_eq!(ok.frame_ancestors, vec!["https://b.example:8443"]);
        for bad in [
            "https://a.example/path",
            "http://a.example",
            "*",
            "https://*.a.example",
        ] {
            let r = check_settings(
                WebSettings {
                    return_origins: vec![bad.into()],
                    frame_ancestors: vec![],
                },
                false,
            );
            match r {
                Err(usecases::Error::Domain(e)) => assert_eq!(e.code, "invalid_origin", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_outcome_says_how_many_were_granted() {
        let d = |v: &[Decision]| -> BTreeMap<String, Decision> {
            v.iter()
                .enumerate()
                .map(|(i, d)| (format!("p{i}"), *d))
                .collect()
        };
        use Decision::*;
        assert_eq!(Outcome::of(&d(&[Granted, Granted])), Outcome::Granted);
        assert_eq!(Outcome::of(&d(&[Granted, Denied])), Outcome::Partial);
        assert_eq!(Outcome::of(&d(&[Denied, Denied])), Outcome::Denied);
    }
}
