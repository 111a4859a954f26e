//! E-mail over SMTP (issue 20, item 2).
//!
//! [`EmailSender`] hands one [`Email`] to the operator's SMTP server per connection: it connects
//! (TLS from the first byte for `smtps://`), upgrades with STARTTLS as `smtp_url` asks,
//! authenticates when the URL carries a user, then runs one mail transaction and says goodbye.
//! A message is UTF-8 text, with an HTML alternative when one is given, and carries
//! `Content-Language`, `Auto-Submitted: auto-generated`, `Date` and a `Message-ID` made from our
//! delivery id and the domain of `smtp_from`: the same on every attempt, so a receiver can drop
//! a second copy by it (an attempt that fails after the server took the message, say when the
//! connection is lost before its last reply, is sent again).
//!
//! A failed attempt is a [`SendFailure`]: permanent when this message will never be taken as it
//! is (the recipient or the message refused with a 5xx reply, an address that is not one),
//! transient otherwise (4xx replies, connection, TLS, timeouts). Whatever goes wrong while
//! opening the session (greeting, STARTTLS, authentication) or with the sender is transient even
//! with a 5xx reply, since it concerns every message alike and is fixed in the configuration,
//! not by giving up on the message. Its text names no address and no content: the server's own
//! reply text is left out (it often repeats the address), only its codes are kept. The URL's
//! password is never in an error, a log or `Debug`; lettre's `tracing` feature, whose debug logs
//! would carry the AUTH exchange and the message, is not enabled.

use crate::config::Config;
use anyhow::{Context, anyhow, bail};
use lettre::Message;
use lettre::address::Envelope;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailParameter};
use std::error::Error as _;
use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;
use url::{Host, Url};

/// One e-mail to send. Its `Debug` shows only the message id and language: the address and
/// the text are personal data.
#[derive(Clone)]
pub struct Email {
    /// The recipient: an address, optionally with a display name (`Name <a@b.in>`).
    pub to: String,
    pub subject: String,
    /// The plain-text body (always sent).
    pub text: String,
    /// An HTML rendering of the same text: the message is then `multipart/alternative`.
    pub html: Option<String>,
    /// The language of subject and body, a BCP 47 tag (`hi`, `en-IN`): `Content-Language`.
    pub language: String,
    /// Our delivery id (e.g. `msg_0190...`): the `Message-ID` is `<{message_id}@{domain of
    /// smtp_from}>`, stable across attempts. Letters, digits and ``!#$%&'*+-/=?^_`{|}~.``.
    pub message_id: String,
    pub reply_to: Option<String>,
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Email")
            .field("message_id", &self.message_id)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

/// Whether a failed attempt is worth repeating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// This message will never be taken as it is: do not retry it.
    Permanent,
    /// The next attempt may succeed.
    Transient,
}

/// Why an attempt failed. `reason` holds no address and nothing of the message, so it may be
/// logged and stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendFailure {
    pub kind: FailureKind,
    pub reason: String,
}

impl SendFailure {
    fn permanent(reason: impl Into<String>) -> SendFailure {
        SendFailure {
            kind: FailureKind::Permanent,
            reason: reason.into(),
        }
    }

    fn transient(reason: impl Into<String>) -> SendFailure {
        SendFailure {
            kind: FailureKind::Transient,
            reason: reason.into(),
        }
    }

    pub fn is_permanent(&self) -> bool {
        self.kind == FailureKind::Permanent
    }
}

impl fmt::Display for SendFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FailureKind::Permanent => "permanent",
            FailureKind::Transient => "transient",
        };
        write!(f, "{kind} failure: {}", self.reason)
    }
}

impl std::error::Error for SendFailure {}

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP throughout (`smtp://...?tls=none`).
    None,
    /// STARTTLS when the server offers it, plain SMTP otherwise (`smtp://`).
    Opportunistic,
    /// STARTTLS, or no delivery (`smtp://...?tls=starttls`; also `smtp://` with credentials to
    /// a host that is not loopback).
    Required,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// Sends e-mail through one SMTP server (see the module's documentation).
pub struct EmailSender {
    host: String,
    port: u16,
    mode: TlsMode,
    /// Absent with [`TlsMode::None`].
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    loopback: bool,
    from: Mailbox,
    /// The domain of `from`, the right-hand side of every `Message-ID`.
    domain: String,
    timeout: Duration,
    hello: ClientId,
}

impl fmt::Debug for EmailSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailSender")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.mode)
            .field("auth", &self.credentials.is_some())
            .field("from", &self.from.to_string())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// What `smtp_url` says.
struct Endpoint {
    host: String,
    port: u16,
    mode: TlsMode,
    credentials: Option<Credentials>,
    loopback: bool,
}

/// Reads `smtp_url`. No error repeats the URL or any part of its user information.
fn endpoint(raw: &str) -> anyhow::Result<Endpoint> {
    let url = Url::parse(raw).map_err(|e| anyhow!("smtp_url is not a URL: {e}"))?;
    let implicit = match url.scheme() {
        "smtp" => false,
        "smtps" => true,
        _ => bail!("smtp_url must start with smtp:// or smtps://"),
    };
    // smtp is not a scheme the URL standard knows, so an IPv4 address stays a "domain" here.
    let host = match url.host() {
        Some(Host::Domain(d)) if !d.is_empty() => d.to_string(),
        Some(Host::Ipv4(a)) => a.to_string(),
        Some(Host::Ipv6(a)) => a.to_string(),
        _ => bail!("smtp_url names no host"),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|a| a.is_loopback());
    if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
        bail!("smtp_url takes no path and no fragment");
    }
    let mut mode = if implicit {
        TlsMode::Implicit
    } else {
        TlsMode::Opportunistic
    };
    let mut seen_tls = false;
    for (k, v) in url.query_pairs() {
        if k != "tls" || seen_tls {
            bail!("smtp_url takes one query parameter, `tls`, once");
        }
        seen_tls = true;
        mode = match (implicit, v.as_ref()) {
            (true, _) => bail!("smtps:// speaks TLS from the start and takes no `tls` parameter"),
            (false, "none") => TlsMode::None,
            (false, "starttls") => TlsMode::Required,
            (false, "opportunistic") => TlsMode::Opportunistic,
            (false, _) => {
                bail!("smtp_url's `tls` is `none`, `starttls` or `opportunistic`")
            }
        };
    }
    let decode = |part: &str, what: &str| -> anyhow::Result<String> {
        percent_encoding::percent_decode_str(part)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| anyhow!("the {what} in smtp_url is not UTF-8 once percent-decoded"))
    };
    let credentials = match (url.username(), url.password()) {
        ("", None) => None,
        ("", Some(_)) => bail!("smtp_url has a password but no user"),
        (_, None) => bail!("smtp_url names a user but no password"),
        (user, Some(password)) => Some(Credentials::new(
            decode(user, "user")?,
            decode(password, "password")?,
        )),
    };
    if credentials.is_some() && !loopback {
        match mode {
            TlsMode::None => bail!(
                "smtp_url would send its credentials in clear (tls=none) to a host that is not \
                 loopback: use STARTTLS or smtps://"
            ),
            TlsMode::Opportunistic => mode = TlsMode::Required,
            TlsMode::Required | TlsMode::Implicit => {}
        }
    }
    Ok(Endpoint {
        port: url.port().unwrap_or(if implicit { 465 } else { 25 }),
        host,
        mode,
        credentials,
        loopback,
    })
}

/// A header of our own, by name and ASCII value.
fn header(name: &str, value: &str) -> HeaderValue {
    let name = HeaderName::new_from_ascii(name.to_owned()).expect("a valid header name");
    HeaderValue::new(name, value.to_owned())
}

/// A BCP 47 language tag's shape: subtags of 1 to 8 letters or digits, the first letters only.
fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// RFC 5322 `dot-atom-text`: what may stand left of the `@` of a `Message-ID`.
fn is_dot_atom(id: &str) -> bool {
    const SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";
    !id.is_empty()
        && id.split('.').all(|a| {
            !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || SPECIALS.contains(&b))
        })
}

/// An RFC 3463 enhanced status code (`5.1.1`).
fn is_enhanced_code(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 3
        && matches!(parts[0], "2" | "4" | "5")
        && parts[1..]
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// What went wrong, in words that hold no address: of a server's reply only its codes.
fn describe(e: &SmtpError) -> String {
    if let Some(code) = e.status() {
        let enhanced = e.source().and_then(|s| {
            let text = s.to_string();
            text.split_whitespace()
                .next()
                .filter(|w| is_enhanced_code(w))
                .map(str::to_owned)
        });
        return match enhanced {
            Some(x) => format!("reply {code} {x}"),
            None => format!("reply {code}"),
        };
    }
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_response() {
        // A reply that could not be parsed: its text is not repeated.
        "an unreadable reply".into()
    } else {
        // Connection, TLS and client errors: the innermost cause, in its own words (the
        // operating system's, rustls's or lettre's), which name no address.
        let mut cause: &dyn std::error::Error = e;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        cause.to_string()
    }
}

/// A failure while opening the session or about the sender: transient whatever the reply.
fn session_failure(what: &str, e: &SmtpError) -> SendFailure {
    SendFailure::transient(format!("{what}: {}", describe(e)))
}

/// A failure about this message (its recipient or content): permanent on a 5xx reply.
fn message_failure(what: &str, e: &SmtpError) -> SendFailure {
    let reason = format!("{what}: {}", describe(e));
    if e.is_permanent() {
        SendFailure::permanent(reason)
    } else {
        SendFailure::transient(reason)
    }
}

impl EmailSender {
    /// A sender for `url` (`smtp_url`, see [`Config::smtp_url`]), writing from `from`
    /// (`smtp_from`); `timeout` bounds each delivery, from connecting to the last reply;
    /// `ca_file` adds PEM root certificates to the system's. Reads the CA file now. No error
    /// repeats the URL.
    pub fn from_config(
        url: &str,
        from: &str,
        timeout: Duration,
        ca_file: Option<&Path>,
    ) -> anyhow::Result<EmailSender> {
        let ep = endpoint(url)?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow!("smtp_from is not an e-mail address: {e}"))?;
        let domain = from.email.domain().to_owned();
        if timeout.is_zero() {
            bail!("smtp_timeout_ms must be above 0");
        }
        let tls = if ep.mode == TlsMode::None {
            if ca_file.is_some() {
                bail!("smtp_ca_file is set but smtp_url uses no TLS (tls=none)");
            }
            None
        } else {
            let mut b = TlsParameters::builder(ep.host.clone());
            if let Some(f) = ca_file {
                let pem = std::fs::read(f)
                    .with_context(|| format!("reading smtp_ca_file {}", f.display()))?;
                if !pem
                    .windows(b"-----BEGIN CERTIFICATE-----".len())
                    .any(|w| w == b"-----BEGIN CERTIFICATE-----")
                {
                    bail!("smtp_ca_file {} holds no PEM certificate", f.display());
                }
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| anyhow!("smtp_ca_file {}: {e}", f.display()))?;
                b = b.add_root_certificate(cert);
            }
            Some(
                b.build_rustls()
                    .map_err(|e| anyhow!("SMTP TLS settings: {e}"))?,
            )
        };
        Ok(EmailSender {
            host: ep.host,
            port: ep.port,
            mode: ep.mode,
            tls,
            credentials: ep.credentials,
            loopback: ep.loopback,
            from,
            domain,
            timeout,
            hello: ClientId::default(),
        })
    }

    /// The sender the configuration describes: none without `smtp_url`; `smtp_from` is then
    /// required.
    pub fn from_settings(cfg: &Config) -> anyhow::Result<Option<EmailSender>> {
        let Some(url) = &cfg.smtp_url else {
            return Ok(None);
        };
        let from = cfg
            .smtp_from
            .as_deref()
            .context("smtp_from (the From address) is required with smtp_url")?;
        EmailSender::from_config(
            url,
            from,
            Duration::from_millis(cfg.smtp_timeout_ms),
            cfg.smtp_ca_file.as_deref(),
        )
        .map(Some)
    }

    /// How the connection is protected (after the rule on credentials).
    pub fn tls_mode(&self) -> TlsMode {
        self.mode
    }

    /// Delivers `m` over a connection of its own, within the timeout.
    pub async fn send(&self, m: &Email) -> Result<(), SendFailure> {
        let (envelope, bytes) = self.compose(m)?;
        match tokio::time::timeout(self.timeout, self.transfer(&envelope, &bytes)).await {
            Ok(r) => r,
            Err(_) => Err(SendFailure::transient(format!(
                "no delivery within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }

    /// The envelope and the message as it goes on the wire (7-bit: quoted-printable or base64
    /// bodies, encoded words in headers).
    fn compose(&self, m: &Email) -> Result<(Envelope, Vec<u8>), SendFailure> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|_| SendFailure::permanent("the recipient is not an e-mail address"))?;
        if !is_language_tag(&m.language) {
            return Err(SendFailure::permanent("the language is not a BCP 47 tag"));
        }
        if !is_dot_atom(&m.message_id) {
            return Err(SendFailure::permanent(
                "the message id has characters a Message-ID cannot hold",
            ));
        }
        if m.subject.chars().any(char::is_control) {
            return Err(SendFailure::permanent(
                "the subject has a line break or another control character",
            ));
        }
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(format!("<{}@{}>", m.message_id, self.domain)))
            .raw_header(header("Content-Language", &m.language))
            .raw_header(header("Auto-Submitted", "auto-generated"));
        if let Some(r) = &m.reply_to {
            let r: Mailbox = r
                .parse()
                .map_err(|_| SendFailure::permanent("the reply-to is not an e-mail address"))?;
            b = b.reply_to(r);
        }
        let built = match &m.html {
            Some(html) => b.multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                html.clone(),
            )),
            None => b.singlepart(SinglePart::plain(m.text.clone())),
        };
        let message = built
            .map_err(|e| SendFailure::permanent(format!("the message cannot be built: {e}")))?;
        Ok((message.envelope().clone(), message.formatted()))
    }

    /// One SMTP session: open, STARTTLS as configured, then [`Self::transaction`] and QUIT (or
    /// close it on a failure).
    async fn transfer(&self, envelope: &Envelope, bytes: &[u8]) -> Result<(), SendFailure> {
        let implicit = match self.mode {
            TlsMode::Implicit => self.tls.clone(),
            _ => None,
        };
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            implicit,
            None,
        )
        .await
        .map_err(|e| session_failure("the SMTP session could not be opened", &e))?;
        let starttls = match self.mode {
            TlsMode::None | TlsMode::Implicit => false,
            TlsMode::Opportunistic => conn.can_starttls(),
            TlsMode::Required if conn.can_starttls() => true,
            TlsMode::Required => {
                conn.abort().await;
                return Err(SendFailure::transient(
                    "the server does not offer STARTTLS, which smtp_url requires",
                ));
            }
        };
        if starttls {
            let tls = self.tls.clone().expect("TLS parameters outside tls=none");
            // A failed upgrade leaves the connection unusable, even for QUIT: it is dropped.
            conn.starttls(tls, &self.hello)
                .await
                .map_err(|e| session_failure("STARTTLS failed", &e))?;
        }
        let r = self.transaction(&mut conn, envelope, bytes).await;
        if r.is_ok() {
            // The message is the server's now: a failed goodbye changes nothing.
            let _ = conn.quit().await;
        } else {
            conn.abort().await;
        }
        r
    }

    /// AUTH when configured, then the mail transaction: MAIL, RCPT, DATA.
    async fn transaction(
        &self,
        conn: &mut AsyncSmtpConnection,
        envelope: &Envelope,
        bytes: &[u8],
    ) -> Result<(), SendFailure> {
        if let Some(c) = &self.credentials {
            // The configuration already requires TLS for credentials off loopback.
            if !conn.is_encrypted() && !self.loopback {
                return Err(SendFailure::transient(
                    "credentials are sent only over TLS to a host that is not loopback",
                ));
            }
            conn.auth(&[Mechanism::Plain, Mechanism::Login], c)
                .await
                .map_err(|e| session_failure("authentication failed", &e))?;
        }
        let mut params = Vec::new();
        let non_ascii = envelope
            .to()
            .iter()
            .chain(envelope.from())
            .any(|a| !AsRef::<str>::as_ref(a).is_ascii());
        if non_ascii {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Err(SendFailure::permanent(
                    "the address is not ASCII and the server does not offer SMTPUTF8",
                ));
            }
            params.push(MailParameter::SmtpUtfEight);
        }
        conn.command(Mail::new(envelope.from().cloned(), params))
            .await
            .map_err(|e| session_failure("the server refused the sender", &e))?;
        for to in envelope.to() {
            conn.command(Rcpt::new(to.clone(), Vec::new()))
                .await
                .map_err(|e| message_failure("the server refused the recipient", &e))?;
        }
        conn.command(Data)
            .await
            .map_err(|e| message_failure("the server refused the message", &e))?;
        conn.message(bytes)
            .await
            .map_err(|e| message_failure("the server refused the message", &e))?;
        Ok(())
    }
}
