//! Transport security over real HTTP: TLS termination (TLS 1.3 only), the security headers of
//! every response, request size limits, the per-IP and per-key rate limits, and the client
//! address behind trusted proxies.

use crate::harness::*;
use anumodan_server::config::Config;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

mod headers;
mod proxies;
mod rate_limits;
mod tls;

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
    s.api.client = https_client(&cert);
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
