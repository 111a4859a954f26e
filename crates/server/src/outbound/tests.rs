//! The outbound client against tiny HTTP servers on loopback, and the URL checks.

use super::resolve::tests::FakeLookup;
use super::*;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const STRICT: OutboundPolicy = OutboundPolicy {
    allow_loopback: false,
};
const LOOPBACK: OutboundPolicy = OutboundPolicy {
    allow_loopback: true,
};

/// What a test server does with each request.
#[derive(Clone)]
enum Reply {
    /// Answers with the status in the path (`/status/404`), else 204; a 429 or 503 carries
    /// `Retry-After: 7`.
    ByPath,
    /// Answers 302 to the given location.
    Redirect(String),
    /// Waits this long before answering 200.
    Slow(Duration),
    /// Announces a 1 GiB body and writes until the client goes away; reports the bytes
    /// written.
    Endless(mpsc::UnboundedSender<u64>),
    /// Reads nothing and never answers (a TLS handshake that goes nowhere).
    Silent,
}

struct TestServer {
    addr: SocketAddr,
    /// Connections accepted.
    accepted: Arc<AtomicUsize>,
    /// Each request's head and body, as text.
    requests: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    async fn start(reply: Reply) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (a, r) = (accepted.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                a.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(handle(stream, reply.clone(), r.clone()));
            }
        });
        TestServer {
            addr,
            accepted,
            requests,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one request (head, then `Content-Length` bytes of body).
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(String::from_utf8_lossy(&buf).to_string())
}

async fn handle(mut stream: TcpStream, reply: Reply, requests: Arc<Mutex<Vec<String>>>) {
    if let Reply::Silent = reply {
        tokio::time::sleep(Duration::from_secs(30)).await;
        return;
    }
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    requests.lock().unwrap().push(request.clone());
    let head = match reply {
        Reply::ByPath => {
            let path = request.split(' ').nth(1).unwrap_or("/");
            let status: u16 = path
                .strip_prefix("/status/")
                .and_then(|s| s.parse().ok())
                .unwrap_or(204);
            let extra = if status == 429 || status == 503 {
                "Retry-After: 7\r\n"
            } else {
                ""
            };
            format!("HTTP/1.1 {status} X\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n")
        }
        Reply::Redirect(location) => format!(
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        ),
        Reply::Slow(delay) => {
            tokio::time::sleep(delay).await;
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
        }
        Reply::Endless(report) => {
            let mut written = 0u64;
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_ok() {
                let block = vec![b'x'; 64 * 1024];
                while written < 1 << 30 {
                    if stream.write_all(&block).await.is_err() {
                        break;
                    }
                    written += block.len() as u64;
                }
            }
            let _ = report.send(written);
            return;
        }
        Reply::Silent => unreachable!(),
    };
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn client(policy: OutboundPolicy, timeout: Duration) -> OutboundClient {
    OutboundClient::new(policy, timeout).unwrap()
}

const JSON: &[u8] = br#"{"type":"test"}"#;

#[tokio::test]
async fn loopback_is_refused_by_default() {
    let server = TestServer::start(Reply::ByPath).await;
    let port = server.addr.port();
    let c = client(STRICT, Duration::from_secs(5));

    // Plain http: refused before anything else.
    let e = c
        .post_json(&server.url("/"), &[], JSON.to_vec())
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Permanent);
    assert!(e.message.contains("https"), "{e}");

    // https to the literal, to its IPv4-mapped form, and to `localhost` (which goes through
    // the checking resolver): all refused, and nothing reaches the server.
    for url in [
        format!("https://127.0.0.1:{port}/"),
        format!("https://[::ffff:127.0.0.1]:{port}/"),
        format!("https://127.1:{port}/"),
        format!("https://localhost:{port}/"),
    ] {
        let e = c.post_json(&url, &[], JSON.to_vec()).await.unwrap_err();
        assert_eq!(e.kind, FailureKind::Permanent, "{url}: {e}");
        assert!(e.message.contains("loopback"), "{url}: {e}");
        assert_eq!(e.status, None);
    }
    assert_eq!(server.accepted(), 0);
}

#[tokio::test]
async fn loopback_is_allowed_with_the_setting_and_the_request_is_as_specified() {
    let server = TestServer::start(Reply::ByPath).await;
    let port = server.addr.port();
    let c = client(LOOPBACK, Duration::from_secs(5));
    let secret = WebhookSecret::generate();
    let h = headers(&[&secret], "msg_test1", 1_700_000_000, JSON);

    let status = c
        .post_json(&server.url("/hook"), &h, JSON.to_vec())
        .await
        .unwrap();
    assert_eq!(status, 204);
    // `localhost` resolves (through the checking resolver) to loopback, which is allowed now.
    let status = c
        .post_json(&format!("http://localhost:{port}/hook"), &h, JSON.to_vec())
        .await
        .unwrap();
    assert_eq!(status, 204);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let r = requests[0].to_ascii_lowercase();
    assert!(r.starts_with("post /hook http/1.1\r\n"), "{r}");
    assert!(
        r.contains(&format!(
            "\r\nuser-agent: anumodan-webhooks/{}\r\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{r}"
    );
    assert!(r.contains("\r\ncontent-type: application/json\r\n"), "{r}");
    assert!(r.contains("\r\nwebhook-id: msg_test1\r\n"), "{r}");
    assert!(r.contains("\r\nwebhook-timestamp: 1700000000\r\n"), "{r}");
    assert!(requests[0].contains(&format!("\r\nwebhook-signature: {}\r\n", h[2].1)));
    assert!(
        !r.contains("\r\ncookie:") && !r.contains("\r\nreferer:"),
        "{r}"
    );
    assert!(requests[0].ends_with("\r\n\r\n{\"type\":\"test\"}"));

    // Nothing else is relaxed: plain http elsewhere, and private addresses, stay refused.
    for (url, code) in [
        ("http://93.184.216.34/hook", "not_https"),
        ("http://10.0.0.1/hook", "not_https"),
        ("https://10.0.0.1/hook", "refused_address"),
        ("https://[fd00:ec2::254]/", "refused_address"),
    ] {
        let refused = check_url(LOOPBACK, url).err().unwrap();
        assert_eq!(refused.code(), code, "{url}");
        assert!(c.post_json(url, &h, JSON.to_vec()).await.is_err());
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let target = TestServer::start(Reply::ByPath).await;
    let redirecting = TestServer::start(Reply::Redirect(target.url("/stolen"))).await;
    let c = client(LOOPBACK, Duration::from_secs(5));
    let e = c
        .post_json(&redirecting.url("/hook"), &[], JSON.to_vec())
        .await
        .unwrap_err();
    assert_eq!(e.status, Some(302));
    assert_eq!(e.kind, FailureKind::Permanent);
    assert!(e.message.contains("redirects are not followed"), "{e}");
    assert_eq!(redirecting.requests().len(), 1);
    // Give a stray follow-up request time to arrive: none does.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(target.accepted(), 0);
}

#[tokio::test]
async fn a_huge_answer_is_read_only_up_to_the_cap() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let server = TestServer::start(Reply::Endless(tx)).await;
    let c = client(LOOPBACK, Duration::from_secs(30));
    let started = Instant::now();
    let answer = c
        .send(&server.url("/hook"), &[], JSON.to_vec())
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer.body_read >= MAX_RESPONSE_BYTES, "{answer:?}");
    // At most one of hyper's read buffers past the cap.
    assert!(
        answer.body_read < MAX_RESPONSE_BYTES + 512 * 1024,
        "{answer:?}"
    );
    // The client hung up: the server's writes fail long before the 1 GiB it announced.
    let written = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("the server stops writing once the client is gone")
        .unwrap();
    assert!(written < 64 * 1024 * 1024, "{written} bytes written");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_slow_endpoint_times_out() {
    let server = TestServer::start(Reply::Slow(Duration::from_secs(10))).await;
    let c = client(LOOPBACK, Duration::from_millis(300));
    let started = Instant::now();
    let e = c
        .post_json(&server.url("/hook?token=s3cr3t-query"), &[], JSON.to_vec())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(e.kind, FailureKind::Retryable);
    assert_eq!(e.status, None);
    assert!(e.message.contains("timed out"), "{e}");
    assert!(
        !e.message.contains("s3cr3t-query") && !e.message.contains("127.0.0.1"),
        "{e}"
    );
    assert_eq!(server.requests().len(), 1, "the request did arrive");
}

#[tokio::test]
async fn statuses_are_classified() {
    let server = TestServer::start(Reply::ByPath).await;
    let c = client(LOOPBACK, Duration::from_secs(5));
    assert_eq!(
        c.post_json(&server.url("/status/200"), &[], vec![]).await,
        Ok(200)
    );
    assert_eq!(
        c.post_json(&server.url("/status/202"), &[], vec![]).await,
        Ok(202)
    );
    for (status, kind, retry_after) in [
        (400, FailureKind::Permanent, None),
        (401, FailureKind::Permanent, None),
        (404, FailureKind::Permanent, None),
        (410, FailureKind::Permanent, None),
        (408, FailureKind::Retryable, None),
        (429, FailureKind::Retryable, Some(Duration::from_secs(7))),
        (500, FailureKind::Retryable, None),
        (502, FailureKind::Retryable, None),
        (503, FailureKind::Retryable, Some(Duration::from_secs(7))),
        (307, FailureKind::Permanent, None),
    ] {
        let e = c
            .post_json(&server.url(&format!("/status/{status}")), &[], vec![])
            .await
            .unwrap_err();
        assert_eq!(e.status, Some(status));
        assert_eq!(e.kind, kind, "{status}");
        assert_eq!(e.retry_after, retry_after, "{status}");
        assert_eq!(e.is_retryable(), kind == FailureKind::Retryable);
        assert!(
            e.message
                .starts_with(&format!("the endpoint answered {status}")),
            "{e}"
        );
    }
    assert_eq!(status_failure_kind(425), FailureKind::Retryable);
    assert_eq!(status_failure_kind(422), FailureKind::Permanent);
    assert_eq!(status_failure_kind(301), FailureKind::Permanent);
    assert_eq!(status_failure_kind(599), FailureKind::Retryable);
}

#[tokio::test]
async fn no_listener_is_a_retryable_connection_failure() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let c = client(LOOPBACK, Duration::from_secs(5));
    let e = c
        .post_json(&format!("http://127.0.0.1:{port}/x?k=s3cr3t"), &[], vec![])
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Retryable);
    assert!(e.message.starts_with("could not connect"), "{e}");
    assert!(!e.message.contains("s3cr3t"), "{e}");
}

#[tokio::test]
async fn names_are_checked_at_connection_time_and_the_checked_address_is_used() {
    let server = TestServer::start(Reply::Silent).await;
    let port = server.addr.port();
    let lookup = Arc::new(FakeLookup::with(&[
        ("hooks.internal.test", &["10.20.30.40"]),
        ("rebind.test", &["93.184.216.34", "169.254.169.254"]),
        ("dev.test", &["127.0.0.1"]),
    ]));
    let strict =
        OutboundClient::with_lookup(STRICT, Duration::from_secs(1), lookup.clone()).unwrap();

    // A name resolving to a private address: refused for good, the address not named.
    let e = strict
        .post_json("https://hooks.internal.test/in?token=s3cr3t", &[], vec![])
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Permanent);
    assert!(e.message.contains("private network"), "{e}");
    assert!(
        !e.message.contains("10.20.30.40") && !e.message.contains("s3cr3t"),
        "{e}"
    );

    // One public and one metadata address: refused (any refused address refuses the host).
    let e = strict
        .post_json("https://rebind.test/", &[], vec![])
        .await
        .unwrap_err();
    assert!(e.message.contains("cloud metadata"), "{e}");
    assert_eq!(e.kind, FailureKind::Permanent);

    // An unknown name: retryable (DNS may come back).
    let e = strict
        .post_json("https://nowhere.test/", &[], vec![])
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Retryable);
    assert!(e.message.contains("could not be resolved"), "{e}");

    let url = format!("https://dev.test:{port}/hook");
    strict.post_json(&url, &[], vec![]).await.unwrap_err();
    assert_eq!(server.accepted(), 0, "refused names are never connected to");

    // With loopback allowed, the name's checked address is where the connection goes. (The
    // server speaks no TLS, so the call then fails; the connection is what this shows.)
    let dev =
        OutboundClient::with_lookup(LOOPBACK, Duration::from_millis(500), lookup.clone()).unwrap();
    let e = dev.post_json(&url, &[], vec![]).await.unwrap_err();
    assert_eq!(e.kind, FailureKind::Retryable, "{e}");
    assert_eq!(server.accepted(), 1);
    // Plain http to a name other than localhost stays refused even then.
    let e = dev
        .post_json(&format!("http://dev.test:{port}/hook"), &[], vec![])
        .await
        .unwrap_err();
    assert!(e.message.contains("https"), "{e}");
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn bad_headers_send_nothing() {
    let server = TestServer::start(Reply::ByPath).await;
    let c = client(LOOPBACK, Duration::from_secs(5));
    let e = c
        .post_json(
            &server.url("/"),
            &[("webhook-signature", "v1,abc\r\nx-injected: 1".to_owned())],
            vec![],
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Permanent);
    assert!(!e.message.contains("v1,abc"), "{e}");
    let e = c
        .post_json(&server.url("/"), &[("bad header", "x".to_owned())], vec![])
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Permanent);
    assert_eq!(server.accepted(), 0);
}

/// `check_endpoint_with` with a fake resolver.
async fn check(policy: OutboundPolicy, url: &str) -> Result<Url, EndpointRefused> {
    let lookup = FakeLookup::with(&[
        (
            "hooks.example.com",
            &["93.184.216.34", "2606:2800:220:1::1"],
        ),
        ("internal.example.com", &["192.168.10.4"]),
        ("v6.example.com", &["fe80::1"]),
        ("both.example.com", &["93.184.216.34", "127.0.0.1"]),
    ]);
    check_endpoint_with(policy, url, &lookup).await
}

#[tokio::test]
async fn endpoint_checks_give_stable_reasons() {
    for (url, code) in [
        ("not a url", "bad_url"),
        ("/relative/path", "bad_url"),
        ("https://", "bad_url"),
        ("https://hooks.example.com:99999/", "bad_url"),
        ("ftp://hooks.example.com/", "not_https"),
        ("mailto:dpo@example.com", "not_https"),
        ("http://hooks.example.com/", "not_https"),
        ("http://127.0.0.1/", "not_https"),
        ("https://user:pass@hooks.example.com/", "credentials_in_url"),
        ("https://user@hooks.example.com/", "credentials_in_url"),
        ("https://:pass@hooks.example.com/", "credentials_in_url"),
        ("https://127.0.0.1/", "refused_address"),
        ("https://2130706433/", "refused_address"),
        ("https://0x7f.0.0.1/", "refused_address"),
        ("https://[::1]:8443/", "refused_address"),
        ("https://[::ffff:10.0.0.1]/", "refused_address"),
        ("https://[64:ff9b::a9fe:a9fe]/", "refused_address"),
        ("https://[2002:c0a8:101::1]/", "refused_address"),
        (
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
            "refused_address",
        ),
        (
            "https://169.254.169.254/latest/meta-data/",
            "refused_address",
        ),
        ("https://100.100.100.200/", "refused_address"),
        ("https://0.0.0.0/", "refused_address"),
        ("https://255.255.255.255/", "refused_address"),
        ("https://100.64.0.1/", "refused_address"),
        ("https://internal.example.com/hook", "refused_address"),
        ("https://v6.example.com/hook", "refused_address"),
        ("https://both.example.com/hook", "refused_address"),
        ("https://localhost/hook", "refused_address"),
        ("https://nxdomain.example.com/hook", "unresolvable"),
    ] {
        let refused = check(STRICT, url).await.expect_err(url);
        assert_eq!(refused.code(), code, "{url}: {refused}");
    }
    let long = format!("https://hooks.example.com/{}", "a".repeat(MAX_URL_LEN));
    assert_eq!(check(STRICT, &long).await.unwrap_err().code(), "bad_url");

    for url in [
        "https://hooks.example.com/anumodan?tenant=7",
        "https://hooks.example.com:8443/x",
        "https://93.184.216.34/hook",
        "https://[2606:4700:4700::1111]/hook",
        "HTTPS://Hooks.Example.COM/x",
    ] {
        check(STRICT, url).await.expect(url);
    }
    // With loopback allowed: loopback over http or https, nothing else new.
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost:8080/hook",
        "http://[::1]/hook",
        "https://localhost/hook",
        "https://both.example.com/hook",
    ] {
        check(LOOPBACK, url).await.expect(url);
    }
    for (url, code) in [
        ("http://hooks.example.com/", "not_https"),
        ("https://internal.example.com/", "refused_address"),
        ("https://169.254.169.254/", "refused_address"),
    ] {
        assert_eq!(
            check(LOOPBACK, url).await.unwrap_err().code(),
            code,
            "{url}"
        );
    }
}

#[tokio::test]
async fn refusals_never_echo_the_url() {
    for url in [
        "https://169.254.169.254/latest?token=s3cr3t",
        "http://hooks.example.com/x?token=s3cr3t",
        "https://user:s3cr3t@hooks.example.com/",
        "https://internal.example.com/x?token=s3cr3t",
        "https://nxdomain.example.com/?token=s3cr3t",
        "https://hooks.example.com:99999/?token=s3cr3t",
    ] {
        let refused = check(STRICT, url).await.unwrap_err();
        for leak in ["s3cr3t", "169.254", "192.168", "example.com"] {
            assert!(!refused.message.contains(leak), "{url}: {refused}");
        }
    }
}

#[test]
fn user_agent_names_the_version() {
    assert_eq!(
        USER_AGENT,
        format!("Anumodan-Webhooks/{}", env!("CARGO_PKG_VERSION"))
    );
}
