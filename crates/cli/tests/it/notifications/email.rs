//! The e-mail channel: `EmailSender` hands messages to a real SMTP server (aiosmtpd, in a process
//! of its own) and the test reads what arrived, byte for byte.

use crate::harness::*;
use anumodan_server::channels::email::{Email, EmailSender, FailureKind, SendFailure, TlsMode};
use anumodan_server::config::Config;
use mail_parser::MimeHeaders;
use std::path::Path;
use std::time::{Duration, Instant};

const FROM: &str = "Anumodan <no-reply@example.gov.in>";
const SUBJECT: &str = "आपकी सहमति वापस ले ली गई है";
const TEXT: &str = "नमस्ते रवि,\n\nआपने \"विपणन संदेश\" उद्देश्य के लिए अपनी सहमति वापस ले ली है। \
                    अब इस उद्देश्य के लिए आपके डेटा का उपयोग नहीं किया जाएगा।\n";
const HTML: &str = "<p>नमस्ते रवि,</p><p>आपने <b>विपणन संदेश</b> उद्देश्य के लिए अपनी सहमति \
                    वापस ले ली है।</p>";
const WAIT: Duration = Duration::from_secs(10);

/// The withdrawal notice to `to`, in Hindi, with an HTML part.
fn notice(to: &str) -> Email {
    Email {
        to: to.into(),
        subject: SUBJECT.into(),
        text: TEXT.into(),
        html: Some(HTML.into()),
        language: "hi".into(),
        message_id: "msg_0190f3a2c4d5e6f7".into(),
        reply_to: None,
    }
}

fn sender(url: &str, ca: Option<&Path>) -> EmailSender {
    EmailSender::from_config(url, FROM, WAIT, ca).unwrap()
}

/// Sends, expecting a failure of `kind`.
async fn fails(s: &EmailSender, m: &Email, kind: FailureKind) -> SendFailure {
    let f = s.send(m).await.expect_err("the send was meant to fail");
    assert_eq!(f.kind, kind, "{f}");
    f
}

#[tokio::test]
async fn plain_smtp_delivers_a_hindi_message_with_its_headers_and_both_parts() {
    let server = SmtpServer::start().await;
    let mut m = notice("Ravi Kumar <ravi@example.in>");
    m.reply_to = Some("dpo@example.gov.in".into());
    let shown = format!("{m:?}");
    assert!(!shown.contains("ravi") && !shown.contains(TEXT), "{shown}");
    sender(&server.url(), None).send(&m).await.unwrap();

    let got = server.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let d = &got[0];
    assert_eq!(d.mail_from, "no-reply@example.gov.in");
    assert_eq!(d.rcpt_tos, ["ravi@example.in"]);
    assert!(
        !d.tls,
        "the server offered no STARTTLS, so the session stayed plain"
    );
    // 7-bit on the wire: encoded words in the headers, quoted-printable or base64 bodies.
    assert!(d.raw.is_ascii());
    let subject = d.header("Subject").unwrap();
    assert!(subject.starts_with("=?utf-8?"), "{subject}");

    let msg = d.message();
    assert_eq!(msg.subject(), Some(SUBJECT));
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Anumodan"));
    assert_eq!(from.address(), Some("no-reply@example.gov.in"));
    let to = msg.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Ravi Kumar"));
    assert_eq!(to.address(), Some("ravi@example.in"));
    let reply_to = msg.reply_to().unwrap().first().unwrap();
    assert_eq!(reply_to.address(), Some("dpo@example.gov.in"));
    assert_eq!(
        msg.message_id(),
        Some("msg_0190f3a2c4d5e6f7@example.gov.in"),
        "our delivery id at the domain of From"
    );
    assert_eq!(d.header("Content-Language").as_deref(), Some("hi"));
    assert_eq!(
        d.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(msg.date().is_some(), "a Date header");

    let ct = msg.root_part().content_type().unwrap();
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("alternative"))
    );
    assert_eq!(msg.text_body_count(), 1);
    assert_eq!(msg.html_body_count(), 1);
    // Line ends travel as CRLF; the text is otherwise what was sent.
    assert_eq!(msg.body_text(0).unwrap().replace("\r\n", "\n"), TEXT);
    assert_eq!(msg.body_html(0).unwrap(), HTML);
    for part in [msg.text_part(0).unwrap(), msg.html_part(0).unwrap()] {
        let ct = part.content_type().unwrap();
        assert_eq!(ct.attribute("charset"), Some("utf-8"));
    }
}

#[tokio::test]
async fn without_html_the_message_is_text_plain_in_utf8() {
    let server = SmtpServer::start().await;
    let mut m = notice("ravi@example.in");
    m.html = None;
    m.language = "en-IN".into();
    m.subject = "Your consent was withdrawn".into();
    sender(&server.url(), None).send(&m).await.unwrap();

    let got = server.wait_for(1, WAIT).await;
    let msg = got[0].message();
    let ct = msg.root_part().content_type().unwrap();
    assert_eq!((ct.ctype(), ct.subtype()), ("text", Some("plain")));
    assert_eq!(ct.attribute("charset"), Some("utf-8"));
    assert!(!String::from_utf8_lossy(&got[0].raw).contains("text/html"));
    assert_eq!(msg.body_text(0).unwrap().replace("\r\n", "\n"), TEXT);
    assert_eq!(msg.subject(), Some("Your consent was withdrawn"));
    assert_eq!(got[0].header("Content-Language").as_deref(), Some("en-IN"));
}

#[tokio::test]
async fn a_message_sent_again_keeps_its_message_id() {
    let server = SmtpServer::start().await;
    let s = sender(&server.url(), None);
    let m = notice("ravi@example.in");
    s.send(&m).await.unwrap();
    s.send(&m).await.unwrap();
    let got = server.wait_for(2, WAIT).await;
    assert_eq!(got.len(), 2);
    let ids: Vec<String> = got
        .iter()
        .map(|d| d.message().message_id().unwrap().to_string())
        .collect();
    assert_eq!(ids[0], "msg_0190f3a2c4d5e6f7@example.gov.in");
    assert_eq!(ids[0], ids[1], "the receiver's key to drop the copy");
}

#[tokio::test]
async fn starttls_with_a_private_ca_encrypts_the_session() {
    let server = SmtpServer::start_with(SmtpTls::StartTls, None).await;
    let ca = server.ca_file();
    // Offered, so taken (the default), and required.
    for url in [server.url(), format!("{}?tls=starttls", server.url())] {
        sender(&url, Some(&ca))
            .send(&notice("ravi@example.in"))
            .await
            .unwrap();
    }
    let got = server.wait_for(2, WAIT).await;
    assert_eq!(got.len(), 2);
    for d in &got {
        assert!(d.tls, "the message crossed an encrypted session");
        assert!(
            d.tls_version
                .as_deref()
                .is_some_and(|v| v.starts_with("TLSv1."))
        );
        assert_eq!(d.message().subject(), Some(SUBJECT));
    }
}

#[tokio::test]
async fn implicit_tls_smtps_delivers_over_tls() {
    let server = SmtpServer::start_with(SmtpTls::Implicit, None).await;
    assert!(server.url().starts_with("smtps://"));
    let s = sender(&server.url(), Some(&server.ca_file()));
    assert_eq!(s.tls_mode(), TlsMode::Implicit);
    s.send(&notice("ravi@example.in")).await.unwrap();
    let got = server.wait_for(1, WAIT).await;
    assert!(got[0].tls);
    assert_eq!(got[0].message().subject(), Some(SUBJECT));
}

#[tokio::test]
async fn starttls_required_but_not_offered_fails_and_sends_nothing() {
    let server = SmtpServer::start().await;
    let s = sender(&format!("{}?tls=starttls", server.url()), None);
    let f = fails(&s, &notice("ravi@example.in"), FailureKind::Transient).await;
    assert!(f.reason.contains("STARTTLS"), "{f}");
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn a_certificate_the_sender_does_not_trust_is_refused() {
    let starttls = SmtpServer::start_with(SmtpTls::StartTls, None).await;
    let implicit = SmtpServer::start_with(SmtpTls::Implicit, None).await;
    // Another self-signed certificate, for the same names: not the server's.
    let (other, _) = write_self_signed(starttls.scratch(), "other");
    for server in [&starttls, &implicit] {
        for ca in [Some(other.as_path()), None] {
            let s = sender(&server.url(), ca);
            let f = fails(&s, &notice("ravi@example.in"), FailureKind::Transient).await;
            assert!(f.reason.contains("certificate"), "{:?}: {f}", server.tls);
        }
        assert!(server.messages().is_empty());
    }
}

#[tokio::test]
async fn auth_with_the_urls_user_and_password() {
    // Characters a URL must percent-encode, in both.
    let (user, password) = ("mailer@example.gov.in", "p@ss:w/rd %42");
    let server = SmtpServer::start_with(SmtpTls::StartTls, Some((user, password))).await;
    let ca = server.ca_file();
    let port = server.port;
    let url = format!("smtp://mailer%40example.gov.in:p%40ss%3Aw%2Frd%20%2542@127.0.0.1:{port}");
    sender(&url, Some(&ca))
        .send(&notice("ravi@example.in"))
        .await
        .unwrap();
    let got = server.wait_for(1, WAIT).await;
    assert_eq!(got[0].auth.as_deref(), Some(user));
    assert!(got[0].tls, "AUTH only after STARTTLS");

    // A wrong password: refused at AUTH, which is about every message, so transient.
    let wrong = format!("smtp://mailer%40example.gov.in:wrong-secret@127.0.0.1:{port}");
    let f = fails(
        &sender(&wrong, Some(&ca)),
        &notice("ravi@example.in"),
        FailureKind::Transient,
    )
    .await;
    assert!(f.reason.contains("authentication failed"), "{f}");
    assert!(f.reason.contains("535"), "{f}");
    assert!(!f.to_string().contains("wrong-secret"));
    // No credentials at all: the server refuses the sender until AUTH.
    let f = fails(
        &sender(&server.url(), Some(&ca)),
        &notice("ravi@example.in"),
        FailureKind::Transient,
    )
    .await;
    assert!(f.reason.contains("sender"), "{f}");
    assert_eq!(server.messages().len(), 1, "nothing more arrived");
}

#[tokio::test]
async fn refused_recipients_are_permanent_on_5xx_and_transient_on_4xx() {
    let server = SmtpServer::start().await;
    let s = sender(&server.url(), None);
    let f = fails(&s, &notice("refuse-550@example.in"), FailureKind::Permanent).await;
    assert!(f.is_permanent());
    assert_eq!(
        f.reason,
        "the server refused the recipient: reply 550 5.1.1"
    );
    let f = fails(&s, &notice("refuse-451@example.in"), FailureKind::Transient).await;
    assert_eq!(
        f.reason,
        "the server refused the recipient: reply 451 4.3.0"
    );
    // The server's replies repeated the address; the failures do not.
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn an_invalid_address_is_permanent_and_nothing_is_sent() {
    let server = SmtpServer::start().await;
    let s = sender(&server.url(), None);
    for to in ["ravi at example.in", "", "ravi@"] {
        let f = fails(&s, &notice(to), FailureKind::Permanent).await;
        assert_eq!(f.reason, "the recipient is not an e-mail address");
    }
    let mut m = notice("ravi@example.in");
    m.reply_to = Some("not an address".into());
    fails(&s, &m, FailureKind::Permanent).await;
    let mut m = notice("ravi@example.in");
    m.subject = "withdrawn\r\nBcc: someone@example.in".into();
    fails(&s, &m, FailureKind::Permanent).await;
    let mut m = notice("ravi@example.in");
    m.message_id = "msg 1>".into();
    fails(&s, &m, FailureKind::Permanent).await;
    let mut m = notice("ravi@example.in");
    m.language = "hi\r\nX: y".into();
    fails(&s, &m, FailureKind::Permanent).await;
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn a_server_that_is_down_is_a_transient_failure() {
    let mut server = SmtpServer::start().await;
    let s = sender(&server.url(), None);
    server.stop();
    let f = fails(&s, &notice("ravi@example.in"), FailureKind::Transient).await;
    assert!(f.reason.contains("could not be opened"), "{f}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // Accepts connections and says nothing: no greeting ever comes.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut conns = Vec::new();
        while let Ok((c, _)) = listener.accept().await {
            conns.push(c);
        }
    });
    let s = EmailSender::from_config(&url, FROM, Duration::from_millis(300), None).unwrap();
    let started = Instant::now();
    let f = fails(&s, &notice("ravi@example.in"), FailureKind::Transient).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        f.reason == "no delivery within 300 ms" || f.reason.ends_with("timed out"),
        "{f}"
    );
    held.abort();
}

#[test]
fn smtp_url_schemes_and_tls_modes() {
    let mode = |url: &str| {
        EmailSender::from_config(url, FROM, WAIT, None)
            .unwrap()
            .tls_mode()
    };
    assert_eq!(mode("smtp://mail.example.in"), TlsMode::Opportunistic);
    assert_eq!(mode("smtp://mail.example.in:587"), TlsMode::Opportunistic);
    assert_eq!(
        mode("smtp://mail.example.in?tls=starttls"),
        TlsMode::Required
    );
    assert_eq!(mode("smtp://mail.example.in?tls=none"), TlsMode::None);
    assert_eq!(mode("smtps://mail.example.in"), TlsMode::Implicit);
    // Credentials are sent only over TLS off loopback: STARTTLS becomes required.
    assert_eq!(mode("smtp://u:pw@mail.example.in"), TlsMode::Required);
    assert_eq!(mode("smtp://u:pw@127.0.0.1:2525"), TlsMode::Opportunistic);
    assert_eq!(mode("smtp://u:pw@[::1]:2525?tls=none"), TlsMode::None);
}

#[test]
fn smtp_url_errors_never_repeat_the_password() {
    const SECRET: &str = "hunter2-secret";
    let bad = [
        format!("http://u:{SECRET}@mail.example.in"),
        format!("smtp://u:{SECRET}@mail.example.in?tls=none"),
        format!("smtp://u:{SECRET}@mail.example.in?tls=sometimes"),
        format!("smtp://u:{SECRET}@mail.example.in?port=25"),
        format!("smtps://u:{SECRET}@mail.example.in?tls=none"),
        format!("smtp://u:{SECRET}@mail.example.in/path"),
        format!("smtp://:{SECRET}@mail.example.in"),
        format!("smtp://u:{SECRET}@:25"),
        format!("smtp://u:{SECRET}%FF@mail.example.in"),
        format!("smtp://u:{SECRET}@mail.example.in:99999"),
    ];
    for url in &bad {
        let e = EmailSender::from_config(url, FROM, WAIT, None).expect_err(url);
        let text = format!("{e:#} {e:?}");
        assert!(!text.contains(SECRET), "{url}: {text}");
        assert!(!text.contains("mail.example.in"), "{url}: {text}");
    }
    let ok = EmailSender::from_config(
        &format!("smtps://mailer:{SECRET}@mail.example.in"),
        FROM,
        WAIT,
        None,
    )
    .unwrap();
    assert!(!format!("{ok:?}").contains(SECRET));
    // Other settings that are checked at once.
    assert!(EmailSender::from_config("smtp://mail.example.in", "no address", WAIT, None).is_err());
    assert!(
        EmailSender::from_config("smtp://mail.example.in", FROM, Duration::ZERO, None).is_err()
    );
    let t = tempfile::tempdir().unwrap();
    let not_pem = t.path().join("ca.pem");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    for (url, ca) in [
        ("smtp://mail.example.in", not_pem.clone()),
        ("smtp://mail.example.in", t.path().join("missing.pem")),
        ("smtp://mail.example.in?tls=none", not_pem.clone()),
    ] {
        assert!(
            EmailSender::from_config(url, FROM, WAIT, Some(&ca)).is_err(),
            "{url}"
        );
    }
}

#[test]
fn the_smtp_settings_load_from_the_configuration_file() {
    let t = tempfile::tempdir().unwrap();
    let (ca, _) = write_self_signed(t.path(), "ca");
    let file = t.path().join("anumodan.toml");
    std::fs::write(
        &file,
        format!(
            "smtp_url = \"smtps://mailer:pw@mail.example.in\"\n\
             smtp_from = \"{}\"\n\
             smtp_timeout_ms = 2500\n\
             smtp_ca_file = \"{}\"\n",
            FROM.replace('"', "\\\""),
            ca.display()
        ),
    )
    .unwrap();
    // As `Config::load` reads a file, without the environment (which holds the tests' own
    // `ANUMODAN_*` variables): the keys and their types are what is checked.
    use figment::providers::{Format, Serialized, Toml};
    let cfg: Config = figment::Figment::from(Serialized::defaults(Config::default()))
        .merge(Toml::file_exact(&file))
        .extract()
        .unwrap();
    assert_eq!(cfg.smtp_timeout_ms, 2500);
    assert_eq!(cfg.smtp_ca_file.as_deref(), Some(ca.as_path()));
    let s = EmailSender::from_settings(&cfg).unwrap().expect("a sender");
    assert_eq!(s.tls_mode(), TlsMode::Implicit);

    // No URL: no sender. A URL without a From: an error.
    assert!(
        EmailSender::from_settings(&Config::default())
            .unwrap()
            .is_none()
    );
    let cfg = Config {
        smtp_url: Some("smtp://mail.example.in".into()),
        ..Config::default()
    };
    let e = EmailSender::from_settings(&cfg).unwrap_err();
    assert!(e.to_string().contains("smtp_from"), "{e}");
}
