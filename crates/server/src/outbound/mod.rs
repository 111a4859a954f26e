//! Outbound calls to endpoints that fiduciaries give us (webhooks): untrusted URLs.
//!
//! A fiduciary chooses the URL, so it may point at anything our server can reach — the cloud
//! metadata service, a database on the private network, an admin port on loopback. Every call
//! therefore goes through the same checks:
//!
//! - **The URL** ([`check_endpoint`], when the endpoint is registered, and again before each
//!   delivery): `https` only, no user name or password in it, at most [`MAX_URL_LEN`]
//!   characters. An IP-literal host is checked here, because hyper connects to literals
//!   without asking a resolver.
//! - **Every address the name resolves to**, at connection time, by the client's own resolver
//!   ([`resolve::CheckingResolver`]), which hands hyper only addresses it accepted: the
//!   connection goes to an address that was checked, with no second lookup in between. A name
//!   with any refused address is refused. Registration resolves too (an early, friendly
//!   refusal), but only the check at connection time counts, since DNS answers change.
//! - **Which addresses**: public unicast only; see [`address::AddressClass`] for what is
//!   refused (loopback, private, link-local, cloud metadata, CGNAT, documentation, multicast,
//!   broadcast, reserved blocks, and the IPv6 forms that carry such an IPv4 address).
//!   [`OutboundPolicy::allow_loopback`] (off by default; for a receiver on the same machine in
//!   development and tests) allows loopback addresses and the name `localhost`, and plain
//!   `http` to those only. Nothing else is relaxed. Any port is allowed.
//! - **The request**: no redirects (a 3xx is a failed delivery), a total timeout and a connect
//!   timeout, at most [`MAX_RESPONSE_BYTES`] of the answer read and then dropped, no cookies,
//!   no proxy from the environment, and the fixed `User-Agent` [`USER_AGENT`].
//!
//! Errors never repeat the URL's query (it may hold a token) nor a header value (a signature),
//! and never say which internal address a name resolved to.

pub mod address;
pub mod resolve;
pub mod signature;

pub use address::{AddressClass, classify};
pub use resolve::{CheckingResolver, Lookup, ResolveError, SystemLookup, resolve_checked};
pub use signature::{WebhookSecret, headers, sign};

use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use std::error::Error as StdError;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// The `User-Agent` of every outbound call.
pub const USER_AGENT: &str = concat!("Anumodan-Webhooks/", env!("CARGO_PKG_VERSION"));
/// How much of an answer is read before it is dropped (the status is all a delivery needs;
/// reading a little lets a well-behaved receiver finish its answer).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// The longest endpoint URL accepted.
pub const MAX_URL_LEN: usize = 2048;
/// The connect timeout is the total timeout, but never more than this.
pub const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What outbound calls may reach. The default refuses loopback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Allow loopback destinations (127.0.0.0/8, ::1, `localhost`) and plain `http` to them.
    pub allow_loopback: bool,
}

impl OutboundPolicy {
    /// `Ok` if a call may connect to `ip`, else the class that refuses it.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), AddressClass> {
        match classify(ip) {
            AddressClass::Public => Ok(()),
            AddressClass::Loopback if self.allow_loopback => Ok(()),
            refused => Err(refused),
        }
    }
}

/// Why an endpoint URL is refused; [`RefusalReason::code`] is the stable code an API answer
/// carries (422 `endpoint_refused`, with this as its reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// Not an absolute URL, no host, or too long.
    BadUrl,
    /// Not `https` (or plain `http` to a destination other than an allowed loopback one).
    NotHttps,
    /// A user name or password in the URL.
    CredentialsInUrl,
    /// The address, or one the host name resolves to, may not be reached.
    RefusedAddress,
    /// The host name does not resolve.
    Unresolvable,
}

impl RefusalReason {
    pub fn code(self) -> &'static str {
        match self {
            RefusalReason::BadUrl => "bad_url",
            RefusalReason::NotHttps => "not_https",
            RefusalReason::CredentialsInUrl => "credentials_in_url",
            RefusalReason::RefusedAddress => "refused_address",
            RefusalReason::Unresolvable => "unresolvable",
        }
    }
}

/// An endpoint URL we will not call. The message is for people and never repeats the URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EndpointRefused {
    pub reason: RefusalReason,
    pub message: String,
}

impl EndpointRefused {
    fn new(reason: RefusalReason, message: impl Into<String>) -> EndpointRefused {
        EndpointRefused {
            reason,
            message: message.into(),
        }
    }

    /// The stable reason code ([`RefusalReason::code`]).
    pub fn code(&self) -> &'static str {
        self.reason.code()
    }
}

/// The host of a URL that passed [`check_url`].
enum Target {
    Literal(IpAddr),
    Name(String),
}

/// The checks that need no lookup: syntax, scheme, credentials, and an IP-literal host.
fn check_url(policy: OutboundPolicy, raw: &str) -> Result<(Url, Target), EndpointRefused> {
    use RefusalReason::*;
    if raw.len() > MAX_URL_LEN {
        return Err(EndpointRefused::new(
            BadUrl,
            format!("the endpoint URL is longer than {MAX_URL_LEN} characters"),
        ));
    }
    // The parser's messages ("invalid port number", ...) never quote the input.
    let url = Url::parse(raw.trim()).map_err(|e| {
        EndpointRefused::new(BadUrl, format!("the endpoint is not a valid URL: {e}"))
    })?;
    let not_https = || {
        EndpointRefused::new(
            NotHttps,
            if policy.allow_loopback {
                "the endpoint must use https (plain http only to a loopback address)"
            } else {
                "the endpoint must use https"
            },
        )
    };
    if !matches!(url.scheme(), "https" | "http") {
        return Err(not_https());
    }
    // `Url` has already normalised numeric hosts ("2130706433", "0x7f.1") to dotted quads and
    // lower-cased names; IPv6 literals come bracketed.
    let target = match url.host_str() {
        None | Some("") => {
            return Err(EndpointRefused::new(BadUrl, "the endpoint URL has no host"));
        }
        Some(h) => match h
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(h)
            .parse::<IpAddr>()
        {
            Ok(ip) => Target::Literal(ip),
            Err(_) => Target::Name(h.to_owned()),
        },
    };
    if url.scheme() == "http" {
        let loopback = match &target {
            Target::Literal(ip) => classify(*ip) == AddressClass::Loopback,
            Target::Name(name) => resolve::is_localhost_name(name),
        };
        if !(policy.allow_loopback && loopback) {
            return Err(not_https());
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(EndpointRefused::new(
            CredentialsInUrl,
            "the endpoint URL must not carry a user name or password \
             (receivers authenticate deliveries by their signature)",
        ));
    }
    if let Target::Literal(ip) = target {
        policy.check_address(ip).map_err(|class| {
            EndpointRefused::new(
                RefusedAddress,
                format!(
                    "the endpoint's address is {}, which webhooks may not reach",
                    class.describe()
                ),
            )
        })?;
    }
    Ok((url, target))
}

/// Checks an endpoint URL when a fiduciary registers it: [`check_url`]'s checks, then the
/// host name resolved with the system resolver and every address checked. Answers the parsed
/// URL. Delivery checks again at connection time, which is the check that counts.
pub async fn check_endpoint(policy: OutboundPolicy, url: &str) -> Result<Url, EndpointRefused> {
    check_endpoint_with(policy, url, &SystemLookup).await
}

/// [`check_endpoint`] with a given resolver (tests).
pub async fn check_endpoint_with(
    policy: OutboundPolicy,
    url: &str,
    lookup: &dyn Lookup,
) -> Result<Url, EndpointRefused> {
    let (url, target) = check_url(policy, url)?;
    if let Target::Name(host) = &target {
        resolve_checked(policy, host, lookup)
            .await
            .map_err(|e| match e {
                ResolveError::Unresolvable => EndpointRefused::new(
                    RefusalReason::Unresolvable,
                    "the endpoint's host name could not be resolved",
                ),
                ResolveError::Refused(class) => EndpointRefused::new(
                    RefusalReason::RefusedAddress,
                    format!(
                        "the endpoint's host resolves to {}, which webhooks may not reach",
                        class.describe()
                    ),
                ),
            })?;
    }
    Ok(url)
}

/// Whether a failed delivery is worth repeating as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// A later attempt may succeed: timeouts, connection and DNS failures, 408, 425, 429 and
    /// every 5xx.
    Retryable,
    /// The same request will get the same answer until someone changes the endpoint or the
    /// receiver: a refused URL or address, a 3xx (redirects are not followed: the fiduciary
    /// registers the final URL), and every other 4xx — including 410 Gone, which the
    /// specification says should disable the endpoint ([`DeliveryFailure::status`] tells).
    Permanent,
}

/// Which kind of failure an HTTP status (not 2xx) is; see [`FailureKind`].
pub fn status_failure_kind(status: u16) -> FailureKind {
    match status {
        408 | 425 | 429 => FailureKind::Retryable,
        300..=499 => FailureKind::Permanent,
        _ => FailureKind::Retryable,
    }
}

/// A delivery that did not get a 2xx. The message is safe to log and to show the fiduciary:
/// no URL query, no header value, no internal address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DeliveryFailure {
    pub kind: FailureKind,
    /// The status the endpoint answered, if it answered.
    pub status: Option<u16>,
    /// The endpoint's `Retry-After`, when given in seconds (the HTTP-date form is ignored).
    /// Not bounded here: the scheduler caps it.
    pub retry_after: Option<Duration>,
    pub message: String,
}

impl DeliveryFailure {
    fn new(kind: FailureKind, message: impl Into<String>) -> DeliveryFailure {
        DeliveryFailure {
            kind,
            status: None,
            retry_after: None,
            message: message.into(),
        }
    }

    pub fn is_retryable(&self) -> bool {
        self.kind == FailureKind::Retryable
    }
}

impl From<EndpointRefused> for DeliveryFailure {
    fn from(e: EndpointRefused) -> DeliveryFailure {
        DeliveryFailure::new(FailureKind::Permanent, e.message)
    }
}

/// An answer with a 2xx status.
#[derive(Debug)]
struct Answer {
    status: u16,
    /// How much of the answer's body was read before it was dropped.
    body_read: usize,
}

/// The HTTP client for untrusted endpoints (see the module's documentation).
#[derive(Clone)]
pub struct OutboundClient {
    client: reqwest::Client,
    policy: OutboundPolicy,
}

impl OutboundClient {
    /// A client under `policy`; `timeout` bounds each call from connecting to the end of the
    /// answer (the specification suggests 15 to 30 s), the connection alone
    /// `min(timeout, MAX_CONNECT_TIMEOUT)`.
    pub fn new(policy: OutboundPolicy, timeout: Duration) -> anyhow::Result<OutboundClient> {
        OutboundClient::with_lookup(policy, timeout, Arc::new(SystemLookup))
    }

    /// [`OutboundClient::new`] resolving names with `lookup` (tests).
    pub fn with_lookup(
        policy: OutboundPolicy,
        timeout: Duration,
        lookup: Arc<dyn Lookup>,
    ) -> anyhow::Result<OutboundClient> {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(CheckingResolver::new(policy, lookup)))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(MAX_CONNECT_TIMEOUT))
            .no_proxy()
            .referer(false)
            .user_agent(USER_AGENT)
            // Belt and braces: `check_url` already refuses http unless loopback is allowed.
            .https_only(!policy.allow_loopback)
            .build()?;
        Ok(OutboundClient { client, policy })
    }

    /// POSTs `body` as `application/json` with `headers` (e.g. [`signature::headers`]) and
    /// answers the status when it is 2xx. Anything else — a refused URL or address, no
    /// connection, a timeout, a 3xx, 4xx or 5xx — is a [`DeliveryFailure`].
    pub async fn post_json(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<u16, DeliveryFailure> {
        let answer = self.send(url, headers, body).await?;
        tracing::debug!(
            status = answer.status,
            answer_bytes_read = answer.body_read,
            "outbound call delivered"
        );
        Ok(answer.status)
    }

    async fn send(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, DeliveryFailure> {
        let (url, _) = check_url(self.policy, url)?;
        let query = url.query().unwrap_or_default().to_owned();
        let mut map = HeaderMap::with_capacity(headers.len() + 1);
        map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                DeliveryFailure::new(FailureKind::Permanent, "a header name is not valid")
            })?;
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                DeliveryFailure::new(
                    FailureKind::Permanent,
                    format!("the value of header {name} is not valid"),
                )
            })?;
            // Kept out of debug output and HTTP/2 header compression tables.
            value.set_sensitive(true);
            map.insert(name, value);
        }
        let mut response = self
            .client
            .post(url)
            .headers(map)
            .body(body)
            .send()
            .await
            .map_err(|e| failure_from_reqwest(e, &query))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let body_read = drain_capped(&mut response, MAX_RESPONSE_BYTES).await;
        drop(response);
        if status.is_success() {
            return Ok(Answer {
                status: status.as_u16(),
                body_read,
            });
        }
        let mut message = format!("the endpoint answered {status}");
        if status.is_redirection() {
            message.push_str(" (redirects are not followed: register the final URL)");
        }
        Err(DeliveryFailure {
            kind: status_failure_kind(status.as_u16()),
            status: Some(status.as_u16()),
            retry_after,
            message,
        })
    }
}

/// Reads the answer's body until `cap` bytes have arrived, the body ends, fails or the call's
/// timeout passes, dropping each chunk as it comes (so at most one chunk of hyper's read
/// buffer is held, and the last one may take the count a little past `cap`). Answers the
/// bytes read. The status has already arrived: a body that breaks off does not change it.
async fn drain_capped(response: &mut reqwest::Response, cap: usize) -> usize {
    let mut read = 0;
    while read < cap {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            Ok(None) | Err(_) => break,
        }
    }
    read
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The first error of type `T` in `e`'s chain of sources.
fn find_in_chain<'a, T: StdError + 'static>(e: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

/// A failed call as a [`DeliveryFailure`], described without the URL (`without_url`) and with
/// the query scrubbed from whatever the error's sources say.
fn failure_from_reqwest(e: reqwest::Error, query: &str) -> DeliveryFailure {
    if let Some(verdict) = find_in_chain::<ResolveError>(&e) {
        let kind = match verdict {
            // The name may resolve again later.
            ResolveError::Unresolvable => FailureKind::Retryable,
            ResolveError::Refused(_) => FailureKind::Permanent,
        };
        return DeliveryFailure::new(kind, verdict.to_string());
    }
    let e = e.without_url();
    let (kind, what) = if e.is_builder() {
        (FailureKind::Permanent, "the request could not be built")
    } else if e.is_timeout() {
        (FailureKind::Retryable, "timed out")
    } else if e.is_connect() {
        (FailureKind::Retryable, "could not connect")
    } else {
        (FailureKind::Retryable, "the request failed")
    };
    let mut text = format!("{what}: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if !query.is_empty() {
        text = text.replace(query, "[query]");
    }
    DeliveryFailure::new(kind, text)
}

#[cfg(test)]
mod tests;
