//! Transport security over real HTTP: TLS termination (TLS 1.3 only), the security headers of
//! every response, request size limits, and the per-IP and per-key rate limits.

use crate::common::*;
use crate::support::*;
use anumodan_server::config::Config;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

// ---------- helpers ----------

/// A self-signed certificate for `localhost` and 127.0.0.1: (certificate PEM, key PEM).
fn self_signed() -> (String, String) {
    let c =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    (c.cert.pem(), c.key_pair.serialize_pem())
}

/// Writes a new self-signed certificate and its key into `dir`; returns (cert PEM, cert file,
/// key file).
fn write_cert(dir: &Path) -> (String, PathBuf, PathBuf) {
    let (cert, key) = self_signed();
    let (cf, kf) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cf, &cert).unwrap();
    std::fs::write(&kf, &key).unwrap();
    (cert, cf, kf)
}

/// An HTTPS client that trusts only `cert_pem`.
fn https_client(cert_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A TLS server; its client trusts the server's certificate. Returns the certificate PEM too.
async fn tls_server(t: &tempfile::TempDir) -> (TestServer, String) {
    let (cert, cf, kf) = write_cert(t.path());
    let mut s = TestServer::start_with(|c| {
        c.tls_cert = Some(cf);
        c.tls_key = Some(kf);
    })
    .await;
    s.client = https_client(&cert);
    (s, cert)
}

/// A rustls client configuration that trusts `cert_pem` and speaks only `version`.
fn rustls_client(
    cert_pem: &str,
    version: &'static rustls::SupportedProtocolVersion,
) -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[version])
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// A TLS handshake with `addr` from a client limited to `version`.
async fn handshake(
    addr: std::net::SocketAddr,
    cert_pem: &str,
    version: &'static rustls::SupportedProtocolVersion,
) -> std::io::Result<Option<rustls::ProtocolVersion>> {
    let connector = tokio_rustls::TlsConnector::from(rustls_client(cert_pem, version));
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = tokio::time::timeout(Duration::from_secs(10), connector.connect(name, tcp))
        .await
        .expect("the handshake ends within 10 s")?;
    Ok(tls.get_ref().1.protocol_version())
}

/// The headers every response carries; `hsts` says whether HSTS is expected.
fn assert_security_headers(what: &str, h: &HeaderMap, hsts: bool) {
    let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(
        get("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'"),
        "{what}: {h:?}"
    );
    assert_eq!(get("x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(get("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(get("referrer-policy"), Some("no-referrer"), "{what}");
    if hsts {
        assert_eq!(
            get("strict-transport-security"),
            Some("max-age=63072000; includeSubDomains"),
            "{what}"
        );
    } else {
        assert_eq!(get("strict-transport-security"), None, "{what}: {h:?}");
    }
}

/// Sends `req`; returns the status, headers and body (JSON, or the text as a JSON string).
async fn fetch(req: reqwest::RequestBuilder) -> (StatusCode, HeaderMap, Value) {
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, body)
}

/// Asserts a 429 `rate_limited` problem and returns its Retry-After, in seconds.
fn assert_throttled(st: StatusCode, h: &HeaderMap, v: &Value) -> u64 {
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["code"], "rate_limited", "{v}");
    assert_eq!(v["status"], 429, "{v}");
    assert_eq!(h["content-type"], "application/problem+json");
    let retry: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_security_headers("429", h, false);
    retry
}

/// Sends `make()` until it answers 429 (at most `max` times); returns how many were not 429
/// and the 429 answer.
async fn until_throttled(
    max: usize,
    make: impl Fn(usize) -> reqwest::RequestBuilder,
) -> (usize, (StatusCode, HeaderMap, Value)) {
    for i in 0..max {
        let (st, h, v) = fetch(make(i)).await;
        if st == StatusCode::TOO_MANY_REQUESTS {
            return (i, (st, h, v));
        }
    }
    panic!("no 429 after {max} requests");
}

fn limits(c: &mut Config, per_ip: u32, per_key: u32) {
    c.rate_limit_per_ip = per_ip;
    c.rate_limit_per_ip_burst = per_ip;
    c.rate_limit_per_key = per_key;
    c.rate_limit_per_key_burst = per_key;
}

fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("anumodan-tls-")
        .tempdir()
        .unwrap()
}

// ---------- TLS ----------

#[tokio::test]
async fn tls_serves_https_with_hsts() {
    let t = temp();
    let (s, _) = tls_server(&t).await;
    assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);

    let (st, h, v) = fetch(s.client.get(format!("{}/healthz", s.url))).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_security_headers("healthz over TLS", &h, true);

    // The whole API works over TLS, errors included.
    let cat = s.seed().await;
    let a = collect_ok(&s, &cat, "tls-principal", all_granted()).await;
    assert_eq!(
        s.validate("tls-principal", "marketing").await["valid"],
        true
    );
    let (st, h, v) = fetch(
        s.client
            .get(format!("{}/v1/consents/{}", s.url, id_of(&a)))
            .bearer_auth(&s.key),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_security_headers("GET consent over TLS", &h, true);
    assert_eq!(h["cache-control"], "no-store");
    let (st, h, _) = fetch(s.client.get(format!("{}/v1/purposes", s.url))).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_security_headers("401 over TLS", &h, true);

    // The client that does not trust the certificate is refused.
    let untrusting = https_client(&self_signed().0);
    assert!(
        untrusting
            .get(format!("{}/healthz", s.url))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn tls_is_1_3_only_and_plain_http_to_the_tls_port_fails() {
    let t = temp();
    let (s, cert) = tls_server(&t).await;
    let addr = s.url.strip_prefix("https://").unwrap().parse().unwrap();

    let v = handshake(addr, &cert, &rustls::version::TLS13)
        .await
        .unwrap();
    assert_eq!(v, Some(rustls::ProtocolVersion::TLSv1_3));
    let r = handshake(addr, &cert, &rustls::version::TLS12).await;
    assert!(r.is_err(), "a TLS 1.2 client got through: {r:?}");

    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let r = plain.get(format!("http://{addr}/healthz")).send().await;
    assert!(r.is_err(), "plain HTTP answered: {r:?}");

    // The server is unharmed by both.
    let (st, _, _) = fetch(s.client.get(format!("{}/healthz", s.url))).await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn bad_tls_settings_stop_the_start_with_a_message_naming_the_problem() {
    let t = temp();
    let (_, cert, key) = write_cert(t.path());
    let other = t.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let (_, _, other_key) = write_cert(&other);
    let garbage = t.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate\n").unwrap();
    let missing = t.path().join("missing.pem");

    let cases: [(Option<&Path>, Option<&Path>, &[&str]); 6] = [
        (Some(&cert), None, &["tls_key is not"]),
        (None, Some(&key), &["tls_cert is not"]),
        (
            Some(&cert),
            Some(&other_key),
            &["does not fit certificate", "other/key.pem"],
        ),
        (
            Some(&missing),
            Some(&key),
            &["TLS certificate", "missing.pem"],
        ),
        (Some(&cert), Some(&missing), &["TLS key", "missing.pem"]),
        (
            Some(&garbage),
            Some(&key),
            &["no PEM certificate", "garbage.pem"],
        ),
    ];
    for (i, (c, k, needles)) in cases.into_iter().enumerate() {
        let data = t.path().join(format!("data-{i}"));
        let cfg = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: data.clone(),
            tls_cert: c.map(Path::to_path_buf),
            tls_key: k.map(Path::to_path_buf),
            ..Config::default()
        };
        let clock = Arc::new(anumodan_core::clock::SystemClock);
        let err = match anumodan_server::start(&cfg, clock, false).await {
            Ok(r) => {
                r.stop().await;
                panic!("started with {c:?} {k:?}");
            }
            Err(e) => format!("{e:#}"),
        };
        for n in needles {
            assert!(err.contains(n), "{c:?} {k:?}: {n:?} not in {err:?}");
        }
        // Checked before the data directory is touched.
        assert!(!data.exists(), "{c:?} {k:?}: {data:?} created");
    }
}

#[test]
fn serve_refuses_a_key_that_does_not_fit_the_certificate() {
    let t = temp();
    let (_, cert, _) = write_cert(t.path());
    let other = t.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let (_, _, other_key) = write_cert(&other);
    let data = t.path().join("data");
    let args = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        ps(&data),
        "--tls-cert",
        ps(&cert),
        "--tls-key",
        ps(&other_key),
    ];
    let mut child = anumodan_cmd(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // It must exit by itself; a server that started anyway is killed after the bound.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve started with a key that does not fit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", out_text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("does not fit certificate"), "{}", out_text(&o));

    // Only one of the two flags: a usage error naming the other.
    let o = anumodan(&["serve", "--tls-cert", ps(&cert), "--data-dir", ps(&data)]);
    assert_eq!(o.status.code(), Some(2), "{}", out_text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--tls-key"),
        "{}",
        out_text(&o)
    );
    let o = anumodan(&["serve", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("--tls-cert <FILE>") && help.contains("--tls-key <FILE>"),
        "{help}"
    );
}

/// A child process, killed and reaped when dropped.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_https_configured_from_the_environment() {
    let t = temp();
    let (cert, cf, kf) = write_cert(t.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = t.path().join("serve.stderr");
    let mut c = anumodan_cmd(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
        ps(&t.path().join("data")),
    ]);
    c.env("ANUMODAN_TLS_CERT", &cf)
        .env("ANUMODAN_TLS_KEY", &kf)
        .env("ANUMODAN_RATE_LIMIT_PER_IP", "5")
        .env("ANUMODAN_RATE_LIMIT_PER_IP_BURST", "5")
        .env("ANUMODAN_LOG_FORMAT", "json")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    let mut p = KillOnDrop(c.spawn().unwrap());
    let client = https_client(&cert);
    let url = format!("https://127.0.0.1:{port}");
    let deadline = Deadline::after(Duration::from_secs(20));
    loop {
        if let Some(st) = p.0.try_wait().unwrap() {
            panic!(
                "serve exited ({st}): {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        if let Ok(r) = client.get(format!("{url}/healthz")).send().await {
            assert_eq!(r.status(), StatusCode::OK);
            assert_security_headers("binary healthz", r.headers(), true);
            break;
        }
        deadline
            .tick(Duration::from_millis(25), || {
                std::fs::read_to_string(&log).unwrap_or_default()
            })
            .await;
    }
    // The rate limit from the environment applies.
    let (_, (st, h, v)) = until_throttled(100, |_| client.get(format!("{url}/openapi.json"))).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(h.contains_key("retry-after"));
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains(&format!("\"url\":\"https://127.0.0.1:{port}\"")),
        "the log names the HTTPS URL: {}",
        std::fs::read_to_string(&log).unwrap()
    );
    // SIGTERM stops it gracefully.
    let terminated = std::process::Command::new("kill")
        .args(["-TERM", &p.0.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    if terminated {
        let deadline = Deadline::after(Duration::from_secs(20));
        let st = loop {
            if let Some(st) = p.0.try_wait().unwrap() {
                break st;
            }
            deadline
                .tick(Duration::from_millis(20), || "no exit after SIGTERM".into())
                .await;
        };
        assert!(st.success(), "{st}");
    }
}

// ---------- security headers and size limits ----------

#[tokio::test]
async fn security_headers_on_every_response_and_no_hsts_without_tls() {
    let s = TestServer::start().await;
    let c = &s.client;
    let u = &s.url;
    let big = format!("{{\"code\": \"{}\"}}", "x".repeat(s.cfg.max_body_bytes));
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, Option<&str>)> = vec![
        (
            "list purposes",
            c.get(format!("{u}/v1/purposes")).bearer_auth(&s.key),
            StatusCode::OK,
            None,
        ),
        (
            "healthz",
            c.get(format!("{u}/healthz")),
            StatusCode::OK,
            None,
        ),
        (
            "openapi",
            c.get(format!("{u}/openapi.json")),
            StatusCode::OK,
            None,
        ),
        (
            "ledger key",
            c.get(format!("{u}/.well-known/anumodan/ledger-key")),
            StatusCode::OK,
            None,
        ),
        (
            "no key",
            c.get(format!("{u}/v1/purposes")),
            StatusCode::UNAUTHORIZED,
            Some("unauthorized"),
        ),
        (
            "no route",
            c.get(format!("{u}/no/such/route")),
            StatusCode::NOT_FOUND,
            Some("route_not_found"),
        ),
        (
            "no consent",
            c.get(format!(
                "{u}/v1/consents/00000000-0000-0000-0000-000000000000"
            ))
            .bearer_auth(&s.key),
            StatusCode::NOT_FOUND,
            Some("consent_not_found"),
        ),
        (
            "body too large",
            c.post(format!("{u}/v1/data-items"))
                .bearer_auth(&s.key)
                .header("content-type", "application/json")
                .body(big),
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("body_too_large"),
        ),
        (
            "unknown field",
            c.post(format!("{u}/v1/data-items"))
                .bearer_auth(&s.key)
                .json(&json!({"bogus": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_body"),
        ),
        (
            "URI too long",
            c.get(format!("{u}/v1/purposes?x={}", "y".repeat(9000)))
                .bearer_auth(&s.key),
            StatusCode::URI_TOO_LONG,
            Some("uri_too_long"),
        ),
    ];
    for (what, req, status, code) in cases {
        let (st, h, v) = fetch(req).await;
        assert_eq!(st, status, "{what}: {v}");
        assert_security_headers(what, &h, false);
        if let Some(code) = code {
            assert_eq!(v["code"], code, "{what}: {v}");
            assert_eq!(h["content-type"], "application/problem+json", "{what}");
        }
        // /v1 answers hold personal data: never cached. The public documents may be.
        let no_store = h.get("cache-control").is_some_and(|v| v == "no-store");
        let v1 = matches!(
            what,
            "list purposes"
                | "no key"
                | "no consent"
                | "body too large"
                | "unknown field"
                | "URI too long"
        );
        assert_eq!(no_store, v1, "{what}: {h:?}");
    }
    // The public documents are still what they were.
    let (st, doc) = s
        .send(reqwest::Method::GET, "/openapi.json", None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[tokio::test]
async fn request_heads_over_the_limit_are_refused() {
    let s = TestServer::start().await;
    // A head of 16 KiB or more is refused by the HTTP layer itself (431, the connection closed).
    let r = s
        .client
        .get(format!("{}/healthz", s.url))
        .header("x-padding", "p".repeat(20 * 1024))
        .send()
        .await;
    match r {
        Ok(res) => assert_eq!(res.status(), StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
        // The server may close before the client reads the answer.
        Err(e) => {
            eprintln!("the connection closed before the 431 was read: {e}");
            assert!(e.is_request() || e.is_connect(), "{e:?}");
        }
    }
    // A normal head on a new connection is fine.
    let (st, _) = s.send(reqwest::Method::GET, "/healthz", None, None).await;
    assert_eq!(st, StatusCode::OK);
}

// ---------- rate limits ----------

#[tokio::test]
async fn per_key_limit_answers_429_and_other_keys_go_on() {
    let s = TestServer::start_with(|c| limits(c, 0, 20)).await;
    let (_, other_key) = s.create_fiduciary("Other Corporation").await;
    let list = |key: &str| {
        s.client
            .get(format!("{}/v1/purposes", s.url))
            .bearer_auth(key)
    };
    let (n, (st, h, v)) = until_throttled(500, |_| list(&s.key)).await;
    assert!(n >= 20, "throttled after {n} requests");
    let retry = assert_throttled(st, &h, &v);
    assert!(v["detail"].as_str().unwrap().contains("API key"), "{v}");
    assert!(!v.to_string().contains(&s.key), "the key is echoed: {v}");

    // Another key is not throttled by the first, nor are the unauthenticated routes.
    let (st, _, v) = fetch(list(&other_key)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _, _) = fetch(s.client.get(format!("{}/openapi.json", s.url))).await;
    assert_eq!(st, StatusCode::OK);

    // After Retry-After, the first key is served again.
    tokio::time::sleep(Duration::from_secs(retry)).await;
    let (st, _, v) = fetch(list(&s.key)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn a_throttled_write_changes_nothing() {
    let s = TestServer::start_with(|c| limits(c, 0, 20)).await;
    let cat = s.seed().await;
    let collect = |i: usize| {
        s.client
            .post(format!("{}/v1/consents", s.url))
            .bearer_auth(&s.key)
            .json(&json!({"principal_id": format!("burst-{i}"), "notice_id": cat.notice_id,
                          "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "web"}))
    };
    let (created, (st, h, v)) = until_throttled(500, collect).await;
    let retry = assert_throttled(st, &h, &v);
    assert!(created > 0);
    tokio::time::sleep(Duration::from_secs(retry)).await;

    // Every collect before the 429 was recorded, the throttled one was not.
    let artefacts: std::collections::BTreeSet<String> = audit_entries(&s, "consent.collected")
        .await
        .iter()
        .map(|e| e["artefact"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(artefacts.len(), created);
    assert!(
        principal_items(&s, &format!("burst-{}", created - 1), "")
            .await
            .len()
            == 1
    );
    assert!(
        principal_items(&s, &format!("burst-{created}"), "")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn per_ip_limit_counts_every_request_per_address_but_spares_healthz() {
    let s = TestServer::start_with(|c| limits(c, 20, 0)).await;
    // Unauthenticated requests count: guessing keys is throttled too.
    let (n, (st, h, v)) =
        until_throttled(500, |_| s.client.get(format!("{}/v1/purposes", s.url))).await;
    assert!(n >= 20, "throttled after {n} requests");
    let retry = assert_throttled(st, &h, &v);
    assert!(v["detail"].as_str().unwrap().contains("address"), "{v}");
    // With a valid key too: the address is over its limit.
    let (st, h, v) = fetch(
        s.client
            .get(format!("{}/v1/purposes", s.url))
            .bearer_auth(&s.key),
    )
    .await;
    assert_throttled(st, &h, &v);

    // /healthz is exempt.
    let (st, _, _) = fetch(s.client.get(format!("{}/healthz", s.url))).await;
    assert_eq!(st, StatusCode::OK);

    // Another source address (127.0.0.2 is loopback on Linux) is not throttled.
    let second = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .unwrap();
    match second
        .get(format!("{}/v1/purposes", s.url))
        .bearer_auth(&s.key)
        .send()
        .await
    {
        Ok(r) => assert_eq!(r.status(), StatusCode::OK),
        Err(e) if e.is_connect() => eprintln!("cannot bind 127.0.0.2 here: {e}"),
        Err(e) => panic!("{e:?}"),
    }

    tokio::time::sleep(Duration::from_secs(retry)).await;
    let (st, _, v) = fetch(
        s.client
            .get(format!("{}/v1/purposes", s.url))
            .bearer_auth(&s.key),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
}

/// A client that starts a request and never finishes its head is disconnected after
/// `header_read_timeout_ms` (no slow-client hold on connections); prompt clients are served.
#[tokio::test]
async fn a_request_head_not_finished_in_time_closes_the_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start_with(|c| c.header_read_timeout_ms = 300).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    let elapsed = started.elapsed();
    assert!(read.is_ok(), "the connection was still open after 5 s");
    assert!(
        elapsed >= Duration::from_millis(250),
        "closed too early: {elapsed:?}"
    );
    // Whatever hyper sends (nothing, or a 408), it is not a served request.
    let text = String::from_utf8_lossy(&buf);
    assert!(!text.contains("200 OK"), "{text}");
    // A complete request on a new connection is served.
    let (st, _) = s.get("/healthz").await;
    assert_eq!(st, StatusCode::OK);
}

async fn collect_via_proxy(s: &TestServer, cat: &Catalog, principal: &str, xff: &str) -> Value {
    let res = s
        .client
        .post(format!("{}/v1/consents", s.url))
        .bearer_auth(&s.key)
        .header("x-forwarded-for", xff)
        .json(
            &json!({"principal_id": principal, "notice_id": cat.notice_id, "notice_version": 1,
                      "language": "en", "decisions": all_granted(), "method": "web"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let a: Value = res.json().await.unwrap();
    let (st, u) = s
        .post(
            &format!("/v1/consents/{}/unmask", a["id"].as_str().unwrap()),
            json!({"fields": ["source_ip"], "reason": "proxy address check"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{u}");
    u["fields"]["source_ip"].clone()
}

/// Behind a trusted proxy the client is the rightmost forwarded address that is not a trusted
/// proxy (what a client wrote further left is ignored); without the setting the header is
/// ignored and the TCP peer is the client.
#[tokio::test]
async fn the_client_address_comes_from_trusted_proxies_only() {
    let s = TestServer::start_with(|c| {
        c.trusted_proxies = vec!["127.0.0.0/8".into(), "10.1.2.3".into()];
    })
    .await;
    let cat = s.seed().await;
    assert_eq!(
        collect_via_proxy(&s, &cat, "proxy-1", "198.51.100.7, 203.0.113.9").await,
        "203.0.113.9"
    );
    assert_eq!(
        collect_via_proxy(&s, &cat, "proxy-2", "203.0.113.10, 10.1.2.3").await,
        "203.0.113.10"
    );
    // The ledger records the same client address.
    let e = audit_entries(&s, "consent.collected").await;
    assert!(e.iter().any(|e| e["source_ip"] == "203.0.113.9"), "{e:?}");

    let plain = TestServer::start().await;
    let cat = plain.seed().await;
    assert_eq!(
        collect_via_proxy(&plain, &cat, "proxy-3", "203.0.113.9").await,
        "127.0.0.1"
    );
    // A bad setting stops the start.
    assert!(anumodan_server::transport::parse_proxies(&["not-a-network".into()]).is_err());
    assert!(
        anumodan_server::transport::parse_proxies(&["10.0.0.0/8".into(), "::1".into()]).is_ok()
    );
}
