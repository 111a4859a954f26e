//! TLS: HTTPS with HSTS, TLS 1.3 only; bad settings stop the start; the binary configured by
//! its environment.

use super::{
    assert_security_headers, fetch, handshake, https_client, self_signed, tls_server,
    until_throttled, write_cert,
};
use crate::harness::*;
use anumodan_server::config::Config;
use reqwest::StatusCode;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

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
    let a = s.collect_ok(&cat, "tls-principal", all_granted()).await;
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

#[tokio::test]
async fn the_binary_serves_https_configured_from_the_environment() {
    let t = temp();
    let (cert, cf, kf) = write_cert(t.path());
    let port = free_port();
    let mut c = serve(&t.path().join("data"), port);
    c.env("ANUMODAN_TLS_CERT", &cf)
        .env("ANUMODAN_TLS_KEY", &kf)
        .env("ANUMODAN_RATE_LIMIT_PER_IP", "5")
        .env("ANUMODAN_RATE_LIMIT_PER_IP_BURST", "5")
        .env("ANUMODAN_LOG_FORMAT", "json");
    let mut p = Proc::spawn(c, t.path(), "serve");
    let client = https_client(&cert);
    let url = format!("https://127.0.0.1:{port}");
    // (Not `Proc::wait_healthy`: the server speaks HTTPS with its own certificate.)
    let deadline = Deadline::after(PROCESS_WAIT);
    loop {
        if let Some(st) = p.child.try_wait().unwrap() {
            panic!("serve exited ({st}): {}", p.stderr());
        }
        if let Ok(r) = client.get(format!("{url}/healthz")).send().await {
            assert_eq!(r.status(), StatusCode::OK);
            assert_security_headers("binary healthz", r.headers(), true);
            break;
        }
        deadline
            .tick(Duration::from_millis(25), || p.stderr())
            .await;
    }
    // The rate limit from the environment applies.
    let (_, (st, h, v)) = until_throttled(100, |_| client.get(format!("{url}/openapi.json"))).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(h.contains_key("retry-after"));
    assert!(
        p.stderr()
            .contains(&format!("\"url\":\"https://127.0.0.1:{port}\"")),
        "the log names the HTTPS URL: {}",
        p.stderr()
    );
    // SIGTERM stops it gracefully.
    if p.terminate() {
        let st = p.wait_exit().await;
        assert!(st.success(), "{st}");
    }
}
