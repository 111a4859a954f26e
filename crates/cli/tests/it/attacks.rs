//! The security review's findings (issue 18), each as the attack that found it: they must stay
//! fixed. Raw sockets where the attack is below HTTP, several loopback addresses (127.0.0.x)
//! where it matters who is asking.

use crate::common::*;
use crate::support::{
    assert_ok, audit_export, audit_verify, ledger_size, out_text, principal_items,
};
use reqwest::StatusCode;
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A TCP connection to the server from the loopback address `from` (127.0.0.x).
async fn connect_from(s: &TestServer, from: [u8; 4]) -> TcpStream {
    let server: SocketAddr = s.url.trim_start_matches("http://").parse().unwrap();
    let sock = TcpSocket::new_v4().unwrap();
    sock.bind(SocketAddr::new(IpAddr::from(from), 0)).unwrap();
    sock.connect(server).await.unwrap()
}

/// Reads what the server sends until it closes the connection or `wait` passes.
async fn read_until_closed(c: &mut TcpStream, wait: Duration) -> (String, bool) {
    let deadline = Instant::now() + wait;
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, c.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&out).into(), false),
        }
    }
}

fn head(s: &TestServer, path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n",
        s.key
    )
}

/// A `GET /healthz` from `from`: whether it answered 200.
async fn healthz_from(s: &TestServer, from: [u8; 4]) -> bool {
    let mut c = connect_from(s, from).await;
    if c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .is_err()
    {
        return false;
    }
    let (text, _) = read_until_closed(&mut c, Duration::from_secs(5)).await;
    text.starts_with("HTTP/1.1 200")
}

/// Finding 2: a body that stalls or trickles is cut off (408), a declared length over the
/// limit is refused before any body is read (413), and connections are capped per address and
/// in all, so one client cannot hold every descriptor.
#[tokio::test]
async fn slow_bodies_and_connection_floods_cannot_hold_the_server() {
    let s = TestServer::start_with(|c| {
        c.body_read_timeout_ms = 3_000;
        c.min_body_rate = 1024;
        c.max_connections_per_ip = 4;
        c.max_connections = 12;
    })
    .await;

    // A body that stops after its first byte: 408 once a second has passed without the rate.
    let mut c = connect_from(&s, [127, 0, 0, 1]).await;
    c.write_all(head(&s, "/v1/consents/validate", 100).as_bytes())
        .await
        .unwrap();
    c.write_all(b"{").await.unwrap();
    let started = Instant::now();
    let (text, closed) = read_until_closed(&mut c, Duration::from_secs(10)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
    assert!(closed, "the connection is closed after a 408");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // One byte every 200 ms (5 B/s): under the minimum rate, cut off the same way.
    let mut c = connect_from(&s, [127, 0, 0, 1]).await;
    c.write_all(head(&s, "/v1/consents/validate", 200).as_bytes())
        .await
        .unwrap();
    let trickle = async {
        for _ in 0..50 {
            if c.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), trickle).await;
    let (text, _) = read_until_closed(&mut c, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");

    // A declared length over max_body_bytes: 413 at once, without waiting for the body.
    let mut c = connect_from(&s, [127, 0, 0, 1]).await;
    c.write_all(head(&s, "/v1/consents/validate", 10_000_000).as_bytes())
        .await
        .unwrap();
    let (text, _) = read_until_closed(&mut c, Duration::from_secs(2)).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("body_too_large"), "{text}");

    // Four idle connections from one address: the fifth is closed at once, while another
    // address is still served.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect_from(&s, [127, 0, 0, 2]).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fifth = connect_from(&s, [127, 0, 0, 2]).await;
    let _ = fifth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let (text, closed) = read_until_closed(&mut fifth, Duration::from_secs(2)).await;
    assert!(
        closed && text.is_empty(),
        "over the per-address cap: {text:?}"
    );
    assert!(healthz_from(&s, [127, 0, 0, 3]).await);

    // Up to the global cap (12) with addresses of four connections each: the next is closed.
    for last in 4..6 {
        for _ in 0..4 {
            held.push(connect_from(&s, [127, 0, 0, last]).await);
        }
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !healthz_from(&s, [127, 0, 0, 7]).await,
        "over the global cap"
    );
    // Let go: served again.
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(healthz_from(&s, [127, 0, 0, 2]).await);
    assert!(healthz_from(&s, [127, 0, 0, 7]).await);
    let (st, _) = s.get("/v1/purposes").await;
    assert_eq!(st, StatusCode::OK);
}

/// Finding 1 (the per-address part): sign-in routes have their own, tighter limit.
#[tokio::test]
async fn sign_in_routes_have_a_tighter_limit_per_address() {
    let s = TestServer::start_with(|c| {
        c.signin_rate_limit_per_minute = 6;
        c.signin_rate_limit_burst = 3;
    })
    .await;
    let client = reqwest::Client::new();
    let mut codes = Vec::new();
    for i in 0..5 {
        let res = client
            .post(format!("{}/v1/session", s.url))
            .json(&json!({"username": format!("nobody{i}"), "password": "wrong password"}))
            .send()
            .await
            .unwrap();
        codes.push((res.status(), res.headers().get("retry-after").cloned()));
    }
    assert_eq!(
        codes.iter().map(|c| c.0).collect::<Vec<_>>(),
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert!(codes[3].1.is_some(), "429 says when to come back");
    // The rest of the API is not affected.
    let (st, _) = s.get("/v1/purposes").await;
    assert_eq!(st, StatusCode::OK);
}

/// A staff client whose connections come from loopback address `from` (127.0.0.x).
fn client_from(from: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(from))
        .build()
        .unwrap()
}

async fn sign_in_from(s: &TestServer, from: [u8; 4], username: &str, password: &str) -> StatusCode {
    client_from(from)
        .post(format!("{}/v1/session", s.url))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

/// Findings 3 and 5: guesses from other addresses lock those addresses, and the name as a
/// whole only where the account has not signed in before; a correct password resets the count;
/// a second-factor lock-out ends only half-open sessions; the ledger gets one entry per window,
/// none while locked; throttle rows expire; fiduciaries' reports do not name platform staff.
#[tokio::test]
async fn guessing_from_elsewhere_does_not_lock_the_owner_out() {
    use crate::staff::*;
    use anumodan_core::authz::{BuiltinRole, Scope};
    let s = TestServer::start().await;
    // The owner completes a sign-in from 127.0.0.1 (password, then enrolling a second factor).
    let admin = [builtin(BuiltinRole::Admin, Scope::Platform)];
    let (_, secret, owner) = staff_session(&s, "owner", None, &admin).await;
    let lines_before = ledger(&s, uuid::Uuid::nil(), "staff.sign_in_failed")
        .await
        .len();

    // Four addresses guess five times each: each address locks at its fifth guess, and the
    // last of them is the name's twentieth failure, which locks the name as a whole.
    for last in 2..=5u8 {
        for i in 0..5 {
            let st = sign_in_from(&s, [127, 0, 0, last], "owner", "a wrong guess").await;
            let want = if i < 4 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(st, want, "address .{last}, guess {i}");
        }
    }
    // A new address is refused even with the right password (the name is locked)...
    assert_eq!(
        sign_in_from(&s, [127, 0, 0, 9], "owner", PW).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...but the owner where they signed in before is not.
    let full = full_sign_in(&s, "owner", &secret).await;
    let (st, _) = full.get("/v1/session").await;
    assert_eq!(st, StatusCode::OK);

    // The ledger: one failure entry for the window, a lock entry per lock with its count, and
    // nothing for the attempts refused while locked.
    let failed = ledger(&s, uuid::Uuid::nil(), "staff.sign_in_failed").await;
    assert_eq!(failed.len() - lines_before, 1, "{failed:?}");
    let locks: Vec<String> = ledger(&s, uuid::Uuid::nil(), "staff.locked_out")
        .await
        .into_iter()
        .map(|e| e.outcome)
        .collect();
    assert_eq!(
        locks
            .iter()
            .filter(|o| o.starts_with("locked scope=address failures=5"))
            .count(),
        4,
        "{locks:?}"
    );
    assert!(
        locks.contains(&"locked scope=name failures=20".to_string()),
        "{locks:?}"
    );

    // A correct password starts the count again: 4 wrong, right, 4 wrong is not a lock.
    s.clock.advance(time::Duration::minutes(10));
    for round in 0..2 {
        for _ in 0..4 {
            assert_eq!(
                sign_in_from(&s, [127, 0, 0, 1], "owner", "typo").await,
                StatusCode::UNAUTHORIZED,
                "round {round}"
            );
        }
        if round == 0 {
            assert_eq!(
                sign_in_from(&s, [127, 0, 0, 1], "owner", PW).await,
                StatusCode::OK
            );
        }
    }

    // Second-factor typos lock the second step only, and end only half-open sessions.
    s.clock.advance(time::Duration::minutes(10));
    let full = full_sign_in(&s, "owner", &secret).await;
    let (half, _) = password_step(&s.url, "owner", PW).await;
    for i in 0..5 {
        let (st, _) = half
            .post("/v1/session/mfa", json!({"code": "000000"}))
            .await;
        let want = if i < 4 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(st, want);
    }
    assert_eq!(half.get("/v1/session").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        full.get("/v1/session").await.0,
        StatusCode::OK,
        "the full session stays"
    );

    // A fiduciary's auditor sees the platform admin in the access report by id and role only.
    let (fid, _) = s.create_fiduciary("Second Fiduciary").await;
    let fid = uuid::Uuid::parse_str(&fid).unwrap();
    let auditor = [builtin(BuiltinRole::Auditor, Scope::Fiduciary(fid))];
    let (_, aud_secret, _) = staff_session(&s, "aud", Some(fid), &auditor).await;
    let a = full_sign_in(&s, "aud", &aud_secret).await;
    let (st, report) = a
        .get(&format!("/v1/access/report?fiduciary_id={fid}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{report}");
    let text = report.to_string();
    assert!(
        text.contains(&owner.to_string()),
        "the holding is listed: {report}"
    );
    assert!(
        !text.contains("\"owner\""),
        "but not its username: {report}"
    );

    // Throttle rows run out: a day later, unlocked, they are gone.
    s.clock.advance(time::Duration::hours(25));
    s.run_expiry().await;
    let left: i64 = with_db(&s.dir, |c| {
        c.query_row("SELECT COUNT(*) FROM staff_throttle", (), |r| r.get(0))
            .unwrap()
    });
    assert_eq!(left, 0);
}

/// Finding 1: a flood of sign-ins with unknown names (each costs a 19 MiB password hash)
/// keeps the server's memory bounded and its validations answering: hashes run a bounded
/// number at once, and the rest wait briefly or get 429.
#[tokio::test]
async fn a_flood_of_sign_ins_keeps_memory_bounded_and_validations_answering() {
    use crate::process::*;
    let dir = temp();
    let port = free_port();
    let (_, key) = create_fiduciary(dir.path(), "Flood");
    let mut cmd = serve(dir.path(), port);
    // The per-address limits are lifted so that the flood reaches the password hashing (as
    // it would from many addresses).
    cmd.env("ANUMODAN_SIGNIN_RATE_LIMIT_PER_MINUTE", "0")
        .env("ANUMODAN_MAX_CONNECTIONS_PER_IP", "10000");
    let mut p = Proc::spawn(cmd, dir.path(), "flood");
    let url = format!("http://127.0.0.1:{port}");
    p.wait_healthy(&url).await;
    let client = http();
    seed_http(&client, &url, &key).await;
    let pid = p.child.id();
    let status = |field: &str| -> u64 {
        let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        text.lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let idle_kib = status("VmRSS:");

    // One client (its connections opened as needed): making a client per request would load
    // the root certificates 300 times and starve the server of CPU on this 2-core machine.
    let flooder = reqwest::Client::new();
    let flood: Vec<_> = (0..300)
        .map(|i| {
            let url = url.clone();
            let flooder = flooder.clone();
            tokio::spawn(async move {
                flooder
                    .post(format!("{url}/v1/session"))
                    .json(&json!({"username": format!("nobody-{i}"), "password": "not a real password"}))
                    .send()
                    .await
                    .map(|r| r.status())
            })
        })
        .collect();
    // Validations meanwhile: each still answers quickly.
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let t = Instant::now();
        let res = client
            .post(format!("{url}/v1/consents/validate"))
            .bearer_auth(&key)
            .json(&json!({"principal_id": "someone", "purpose": "account"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        slowest = slowest.max(t.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut answers = std::collections::BTreeMap::new();
    for f in flood {
        let st = f.await.unwrap().expect("every sign-in gets an answer");
        *answers.entry(st.as_u16()).or_insert(0) += 1;
    }
    let peak_kib = status("VmHWM:");
    let grew_mib = peak_kib.saturating_sub(idle_kib) / 1024;
    eprintln!(
        "sign-in flood: answers {answers:?}, peak RSS +{grew_mib} MiB, slowest validation {slowest:?}"
    );
    assert!(grew_mib < 300, "peak RSS grew by {grew_mib} MiB over idle");
    assert!(
        answers.keys().all(|c| *c == 401 || *c == 429),
        "only refusals: {answers:?}\n{}",
        p.logs()
    );
    assert!(
        answers.contains_key(&429),
        "the bound turned some away: {answers:?}"
    );
    assert!(
        slowest < Duration::from_secs(1),
        "slowest validation: {slowest:?}"
    );
}

/// Finding 8: the data directory and every file in it are the service user's alone, whatever
/// the umask, and a directory found more open is tightened at start.
#[tokio::test]
async fn data_files_are_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let s = TestServer::start().await;
    let cat = s.seed().await;
    s.collect(&cat, "P-perm", all_granted()).await;
    let (dir, _guard) = s.stop().await;
    let check = |dir: &std::path::Path| {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
        assert_eq!(mode(&dir.join("keys")), 0o700);
        assert_eq!(mode(&dir.join("keys/master")), 0o700);
        for entry in walk(dir) {
            if entry.is_file() {
                assert_eq!(mode(&entry), 0o600, "{}", entry.display());
            }
        }
    };
    check(&dir);
    // Opened up by hand (or by an older version): tightened at the next start.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for entry in walk(&dir) {
        let m = if entry.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(m)).unwrap();
    }
    let s = TestServer::open(dir.clone(), String::new()).await;
    s.stop().await;
    check(&dir);
}

/// Every file and directory under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

/// Finding 9: a platform administrator acting for a fiduciary that does not exist gets 404
/// `fiduciary_not_found` (not a 503 to retry for ever), and nothing is written.
#[tokio::test]
async fn acting_for_a_fiduciary_that_does_not_exist_is_404_and_writes_nothing() {
    use crate::staff::*;
    use anumodan_core::authz::{BuiltinRole, Scope};
    let s = TestServer::start().await;
    let admin = [builtin(BuiltinRole::Admin, Scope::Platform)];
    let (_, secret, _) = staff_session(&s, "root", None, &admin).await;
    let c = full_sign_in(&s, "root", &secret).await;
    let ghost = uuid::Uuid::now_v7();
    let size = ledger_size(&s).await;
    for (method, path, body) in [
        (
            reqwest::Method::POST,
            "/v1/principal-tokens",
            Some(json!({"principal_id": "x"})),
        ),
        (reqwest::Method::GET, "/v1/purposes", None),
        (
            reqwest::Method::POST,
            "/v1/consents/validate",
            Some(json!({"principal_id": "x", "purpose": "account"})),
        ),
    ] {
        let mut req = c
            .client
            .request(method.clone(), format!("{}{path}", s.url))
            .header("cookie", format!("anm_session={}", c.token))
            .header("x-csrf-token", &c.csrf)
            .header("x-anumodan-fiduciary", ghost.to_string());
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let st = res.status();
        let v: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("fiduciary_not_found")),
            "{method} {path}: {v}"
        );
    }
    assert_eq!(ledger_size(&s).await, size);
}

/// Findings 7 and 11: `audit export` writes only inside a real directory of the caller's, never
/// through a symbolic link; `audit verify-export` treats its input as untrusted (regular files
/// only, bounded lines and notes), so a crafted export cannot exhaust memory.
#[tokio::test]
async fn exports_are_written_without_following_links_and_read_as_untrusted() {
    use crate::ledger::{assert_caught, ledger_key, verify_export};
    use std::os::unix::fs::symlink;
    let s = TestServer::start().await;
    let (key_line, _) = ledger_key(&s).await;
    s.seed().await;
    let (dir, _guard) = s.stop().await;
    let work = tempfile::tempdir().unwrap();

    // The output directory is a symbolic link to somewhere else: refused, nothing written there.
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let link = work.path().join("link");
    symlink(&elsewhere, &link).unwrap();
    let o = audit_export(&dir, &link);
    assert_ne!(o.status.code(), Some(0), "{}", out_text(&o));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // A directory someone else owns: refused (the test runs as root where it can hand one over).
    if rustix::process::geteuid().is_root() {
        let theirs = work.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        rustix::fs::chown(&theirs, Some(rustix::process::Uid::from_raw(65534)), None).unwrap();
        let o = audit_export(&dir, &theirs);
        assert_ne!(o.status.code(), Some(0), "{}", out_text(&o));
        assert!(out_text(&o).contains("not owned"), "{}", out_text(&o));
    }
    // A good export verifies.
    let good = work.path().join("good");
    assert_ok(&audit_export(&dir, &good));
    assert_ok(&verify_export(&good, &key_line));

    let copy = |name: &str| {
        let d = work.path().join(name);
        std::fs::create_dir(&d).unwrap();
        std::fs::create_dir(d.join("checkpoints")).unwrap();
        for f in ["entries.jsonl", "public-key.txt"] {
            std::fs::copy(good.join(f), d.join(f)).unwrap();
        }
        for e in std::fs::read_dir(good.join("checkpoints")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), d.join("checkpoints").join(e.file_name())).unwrap();
        }
        d
    };
    // Entries that are an endless device: refused at once, not read.
    let d = copy("zero");
    std::fs::remove_file(d.join("entries.jsonl")).unwrap();
    symlink("/dev/zero", d.join("entries.jsonl")).unwrap();
    let started = Instant::now();
    let o = verify_export(&d, &key_line);
    assert_caught(&o, "entries.jsonl");
    assert!(started.elapsed() < Duration::from_secs(10));
    // A line far longer than any entry.
    let d = copy("long-line");
    std::fs::write(d.join("entries.jsonl"), vec![b'x'; 1 << 20]).unwrap();
    assert_caught(
        &verify_export(&d, &key_line),
        "line longer than 65536 bytes",
    );
    // A checkpoint note far larger than any note.
    let d = copy("big-note");
    let first = std::fs::read_dir(d.join("checkpoints"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&first, vec![b'n'; 1 << 20]).unwrap();
    assert_caught(&verify_export(&d, &key_line), "larger than 16384 bytes");
}

/// Finding 4: after erasure, nothing reachable by the principal's id links back to what was
/// erased. Walks every route that takes a principal id (the command line takes none), before
/// and after the same person comes back; the ledger still verifies.
#[tokio::test]
async fn after_erasure_no_route_links_the_id_to_what_was_erased() {
    use crate::staff::*;
    use anumodan_core::authz::{BuiltinRole, Scope};
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let (st, a) = s.collect(&cat, "P-gone", all_granted()).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let a_id = a["id"].as_str().unwrap().to_string();
    s.validate("P-gone", "marketing").await;
    let (st, v) = s
        .post(
            &format!("/v1/consents/{a_id}/withdraw"),
            json!({"purposes": ["analytics"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let entries = |s: &TestServer| {
        let url = format!("{}/v1/audit/entries?principal_id=P-gone&limit=1000", s.url);
        let key = s.key.clone();
        let client = s.client.clone();
        async move {
            let v: serde_json::Value = client
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["items"].as_array().unwrap().clone()
        }
    };
    assert!(
        entries(&s).await.len() >= 6,
        "before erasure the id finds its history"
    );

    let (st, v) = s
        .post("/v1/principals/erase", json!({"principal_id": "P-gone"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    // The ledger filter by id: nothing up to the erasure.
    assert!(entries(&s).await.is_empty());
    // A staff auditor's view of the same filter.
    let fid = uuid::Uuid::parse_str(&s.fiduciary_id).unwrap();
    let auditor = [builtin(BuiltinRole::Auditor, Scope::Fiduciary(fid))];
    let (_, secret, _) = staff_session(&s, "aud", Some(fid), &auditor).await;
    let c = full_sign_in(&s, "aud", &secret).await;
    let (st, v) = c
        .get(&format!(
            "/v1/fiduciaries/{fid}/audit/entries?principal_id=P-gone"
        ))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["items"].as_array().unwrap().is_empty(), "{v}");
    // The principal's consents, validation, their own dashboard.
    assert!(principal_items(&s, "P-gone", "").await.is_empty());
    assert_eq!(s.validate("P-gone", "account").await["reason"], "not_found");
    let (st, tok) = s
        .post("/v1/principal-tokens", json!({"principal_id": "P-gone"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{tok}");
    let (st, mine) = s
        .send(
            reqwest::Method::GET,
            "/v1/me/consents",
            tok["token"].as_str(),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(mine["items"].as_array().unwrap().is_empty(), "{mine}");
    // The artefact itself, read by its id: a tombstone, nothing active in it.
    let (st, tomb) = s.get(&format!("/v1/consents/{a_id}")).await;
    assert_eq!(st, StatusCode::OK, "{tomb}");
    assert_eq!(tomb["principal_id"], "[erased]");
    for p in tomb["purposes"].as_array().unwrap() {
        assert_eq!(p["status"], "erased", "{tomb}");
        assert!(p["expires_at"].is_null(), "{tomb}");
    }
    // Declaring a contact for the id starts afresh.
    let (st, v) = s
        .post(
            "/v1/principals/contacts",
            json!({"principal_id": "P-gone", "contact": "+919812345678"}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");

    // The same person comes back: only what is new is found by their id.
    let (st, b) = s.collect(&cat, "P-gone", all_granted()).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let listed = principal_items(&s, "P-gone", "").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], b["id"]);
    let found = entries(&s).await;
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|e| e["artefact"] != a_id.as_str()),
        "nothing of the erased artefact: {found:?}"
    );
    assert!(found.iter().all(|e| e["action"] != "principal.erased"));

    // The ledger, which keeps every entry, still verifies.
    let (dir, _guard) = s.stop().await;
    assert_ok(&audit_verify(&dir));
}

/// Finding 6: someone who knows a principal's contact and the (public) fiduciary id guesses
/// codes from elsewhere: their address is locked out, the owner's is not, and the code the
/// owner asked for stays good.
#[tokio::test]
async fn guessing_sign_in_codes_from_elsewhere_does_not_lock_the_principal_out() {
    use crate::principals::{code_in, last_message, start, verify};
    let s = TestServer::start().await;
    let cat = s.seed().await;
    s.collect(&cat, "CUST-66", all_granted()).await;
    let (st, _) = s
        .post(
            "/v1/principals/contacts",
            json!({"principal_id": "CUST-66", "contact": "9123400066"}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let phone = "9123400066";
    let guess = |from: [u8; 4], code: &str| {
        let url = format!("{}/v1/principal-signin/verify", s.url);
        let body = json!({"fiduciary_id": s.fiduciary_id, "contact": phone, "code": code});
        async move {
            client_from(from)
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // The owner asks for a code (from 127.0.0.1).
    start(&s, phone).await;
    let code = code_in(&last_message(&s).await.unwrap().body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // Two addresses guess ten times each: every guess fails, each address ends locked out.
    for from in [[127, 0, 0, 2], [127, 0, 0, 3]] {
        for _ in 0..10 {
            assert_eq!(guess(from, wrong).await, StatusCode::UNAUTHORIZED);
        }
    }
    // The owner's code still works, from where they asked for it.
    let (st, v) = verify(&s, phone, &code).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // And they can ask for a new one at once (after the resend interval), and use it.
    s.clock.advance(time::Duration::seconds(31));
    start(&s, phone).await;
    let again = code_in(&last_message(&s).await.unwrap().body);
    assert_eq!(verify(&s, phone, &again).await.0, StatusCode::CREATED);
    // The guessing address is still locked out: even a right code is refused there.
    s.clock.advance(time::Duration::seconds(31));
    start(&s, phone).await;
    let third = code_in(&last_message(&s).await.unwrap().body);
    assert_eq!(
        guess([127, 0, 0, 2], &third).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(verify(&s, phone, &third).await.0, StatusCode::CREATED);
}

/// Finding 10: a master key rotation is on the record from the moment the key is current (a
/// crash before that record commits is caught at the next start), its completion separately,
/// and concurrent rotations run one after the other with true totals.
#[tokio::test]
async fn master_key_rotations_are_recorded_even_across_a_crash_and_serialised() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    for i in 0..5 {
        s.collect(&cat, &format!("P-key-{i}"), all_granted()).await;
    }
    let outcomes = |s: &TestServer| {
        let store = s.state().store.clone();
        async move {
            let filter = anumodan_store::read::AuditFilter {
                fiduciary: Some(uuid::Uuid::nil()),
                action: Some("admin.action".into()),
                limit: 1000,
                ..Default::default()
            };
            store
                .read(move |r| r.audit_entries(&filter))
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.outcome)
                .collect::<Vec<_>>()
        }
    };
    // Two rotations at once: each makes its own key current and re-wraps all five data keys.
    let (a, b) = tokio::join!(
        s.state()
            .store
            .rotate_master_key_recorded("test".into(), None),
        s.state()
            .store
            .rotate_master_key_recorded("test".into(), None)
    );
    let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
    assert_ne!(a.0, b.0);
    assert_eq!((a.1, b.1), (5, 5), "true totals");
    let got = outcomes(&s).await;
    assert_eq!(got.len(), 4, "{got:?}");
    for id in [&a.0, &b.0] {
        assert!(got.contains(&format!("master_key_current {id}")), "{got:?}");
        assert!(
            got.contains(&format!("master_key_rotation_completed {id} rewrapped=5")),
            "{got:?}"
        );
    }

    // A crash right after the switch: the key is current, its record never committed (the
    // unrecorded switch is what the crash leaves). The next start records it.
    let crashed = s.state().store.rotate_master_key().unwrap();
    let s = s.restart().await;
    let got = outcomes(&s).await;
    assert!(
        got.contains(&format!("master_key_current {crashed} recorded_at_start")),
        "{got:?}"
    );
    // Only once.
    let s = s.restart().await;
    assert_eq!(outcomes(&s).await.len(), got.len());
}

/// Also from the review: invisible format characters (bidi overrides, zero-width spaces) are
/// refused in free text as control characters are, while the joiners Indic scripts need are
/// kept; ledger positions beyond what the store holds are refused, not wrapped; a gateway that
/// is down is retried with back-off, not every round.
#[tokio::test]
async fn format_characters_huge_positions_and_a_down_gateway_are_handled() {
    let s = TestServer::start().await;
    let size = ledger_size(&s).await;
    for (path, body, code) in [
        (
            "/v1/data-items",
            json!({"code": "pan", "name": {"en": "PAN\u{202E}txt.exe"}, "category": "id", "sensitive": true}),
            "invalid_text",
        ),
        (
            "/v1/data-items",
            json!({"code": "pan", "name": {"en": "P\u{200B}AN"}, "category": "id", "sensitive": true}),
            "invalid_text",
        ),
        (
            "/v1/consents/validate",
            json!({"principal_id": "abc\u{2066}def", "purpose": "x"}),
            "invalid_principal_id",
        ),
        ("/v1/keys", json!({"name": "ops\u{FEFF}"}), "invalid_name"),
    ] {
        let (st, v) = s.post(path, body.clone()).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{body}: {v}"
        );
    }
    assert_eq!(ledger_size(&s).await, size, "refusals change nothing");
    // Hindi with a zero-width joiner (a half form) is ordinary text.
    let (st, v) = s
        .post("/v1/data-items", json!({"code": "kshetra", "name": {"en": "Area", "hi": "क्\u{200D}षेत्र"}, "category": "address", "sensitive": false}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    for path in [
        "/v1/audit/entries?cursor=9223372036854775808",
        "/v1/audit/entries/18446744073709551615",
        "/v1/audit/proofs/inclusion?index=9223372036854775808",
        "/v1/audit/proofs/consistency?from=1&to=18446744073709551615",
        "/v1/audit/checkpoints?after=9223372036854775808",
    ] {
        let (st, v) = s.get(path).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_query")),
            "{path}: {v}"
        );
    }

    // A gateway that is down: each failure doubles the wait before the message's next try.
    struct Down(std::sync::atomic::AtomicUsize);
    impl anumodan_server::workers::Delivery for Down {
        fn deliver<'a>(
            &'a self,
            _: &'a anumodan_store::principal::OutboxMessage,
        ) -> anumodan_server::workers::Delivered<'a> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Box::pin(std::future::ready(Err("gateway down".into())))
        }
    }
    let s = TestServer::start_with(|c| c.outbox_interval_ms = 3_600_000).await;
    let cat = s.seed().await;
    crate::support::queue_sign_in_codes(&s, &cat, "down", 1).await;
    let down = Down(Default::default());
    let lease = Duration::from_secs(10);
    let round = || anumodan_server::workers::dispatch_outbox_once(s.state(), &down, lease);
    let tries = || down.0.load(std::sync::atomic::Ordering::SeqCst);
    round().await.unwrap();
    assert_eq!(tries(), 1);
    // Rounds every 250 ms no longer hammer it: not again before 1 s, then not before 2 s more.
    for _ in 0..3 {
        round().await.unwrap();
    }
    assert_eq!(tries(), 1);
    s.clock.advance(time::Duration::milliseconds(1_000));
    round().await.unwrap();
    assert_eq!(tries(), 2);
    s.clock.advance(time::Duration::milliseconds(1_500));
    round().await.unwrap();
    assert_eq!(tries(), 2);
    s.clock.advance(time::Duration::milliseconds(500));
    round().await.unwrap();
    assert_eq!(tries(), 3);
}

/// Also from the review: a route's permission is checked before its body is read, so a key
/// without it, or a half-signed-in session, gets 403 and learns nothing about what it sent; a
/// half-signed-in session sees neither its grants nor whether a staff id exists.
#[tokio::test]
async fn permissions_come_before_the_body_and_half_sessions_learn_nothing() {
    use crate::staff::*;
    use anumodan_core::authz::{BuiltinRole, Scope};
    let s = TestServer::start().await;
    // A key that may only read the catalogue.
    let (st, k) = s
        .post(
            "/v1/keys",
            json!({"name": "catalogue only", "scopes": ["catalog.read"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{k}");
    let narrow = k["api_key"].as_str().unwrap();
    for (path, body) in [
        ("/v1/consents", "{not json"),
        ("/v1/consents", r#"{"unknown": 1}"#),
        ("/v1/consents/validate", r#"{"principal_id": 5}"#),
        ("/v1/principals/erase", "[]"),
    ] {
        let res = s
            .client
            .post(format!("{}{path}", s.url))
            .bearer_auth(narrow)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let st = res.status();
        let v: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{path} {body}: {v}"
        );
    }

    // A staff member who gave the password but not the second factor.
    let admin = [builtin(BuiltinRole::Admin, Scope::Platform)];
    let (_, _secret, id) = staff_session(&s, "half", None, &admin).await;
    s.clock.advance(time::Duration::seconds(30));
    let (half, v) = password_step(&s.url, "half", PW).await;
    assert_eq!(v["mfa"], "required");
    let (st, me) = half.get("/v1/session").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["grants"], json!([]), "{me}");
    for (method, path, body) in [
        (
            reqwest::Method::POST,
            "/v1/staff".to_string(),
            Some(json!({"bogus": true})),
        ),
        (reqwest::Method::GET, format!("/v1/staff/{id}"), None),
        (
            reqwest::Method::GET,
            format!("/v1/staff/{}", uuid::Uuid::now_v7()),
            None,
        ),
        (
            reqwest::Method::POST,
            "/v1/roles".to_string(),
            Some(json!([])),
        ),
    ] {
        let (st, v) = half.call(method.clone(), &path, body).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("mfa_required")),
            "{method} {path}: {v}"
        );
    }
}

/// Finding 3 (the alert): a platform administrator's lock-out is logged as an alert, with the
/// account's id and never its name or password; the offline unlock lifts it, on the record.
#[tokio::test]
async fn a_platform_admin_lock_out_raises_an_alert_and_can_be_lifted_offline() {
    use crate::process::*;
    let dir = temp();
    let pwfile = dir.path().join("pw");
    std::fs::write(&pwfile, "correct horse battery staple\n").unwrap();
    let data = dir.path().join("data");
    let o = crate::support::anumodan(&[
        "admin",
        "create",
        "--username",
        "root",
        "--data-dir",
        crate::support::ps(&data),
        "--password-file",
        crate::support::ps(&pwfile),
    ]);
    assert_ok(&o);
    let id = serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut p = Proc::spawn(serve(&data, port), dir.path(), "alert");
    p.wait_healthy(&url).await;
    let client = http();
    let mut last = StatusCode::OK;
    for _ in 0..5 {
        last = client
            .post(format!("{url}/v1/session"))
            .json(&json!({"username": "root", "password": "not the password"}))
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let logs = p.logs();
    assert!(logs.contains("platform_staff_locked_out"), "{logs}");
    assert!(
        logs.contains(&id),
        "the alert names the account by id: {logs}"
    );
    assert!(!logs.contains("not the password"), "{logs}");
    // Offline (the server stopped), the lock is lifted and the right password works again.
    p.kill();
    let o = crate::support::anumodan(&[
        "admin",
        "unlock",
        "--username",
        "root",
        "--address",
        "127.0.0.1",
        "--data-dir",
        crate::support::ps(&data),
    ]);
    assert_ok(&o);
    assert!(
        out_text(&o).contains("\"locks_lifted\":1"),
        "{}",
        out_text(&o)
    );
    let mut p = Proc::spawn(serve(&data, port), dir.path(), "alert-2");
    p.wait_healthy(&url).await;
    let st = client
        .post(format!("{url}/v1/session"))
        .json(&json!({"username": "root", "password": "correct horse battery staple"}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, StatusCode::OK);
}

/// Finding 2 (descriptors): a server whose open files run out (hard limit 128, more
/// connections held open than that) sheds the waiting connections and logs it at most every
/// ten seconds, instead of an error line every 100 ms; once the clients let go it serves again.
#[tokio::test]
async fn running_out_of_descriptors_sheds_load_without_a_busy_loop() {
    use crate::process::*;
    let dir = temp();
    let data = dir.path().join("data");
    create_fiduciary(&data, "Descriptors");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    // The hard limit is set before the server starts, so raising the soft one cannot help it.
    // The same command `serve` builds (its database, its clean environment), under prlimit.
    let inner = serve(&data, port);
    let mut cmd = std::process::Command::new("prlimit");
    cmd.args(["--nofile=128:128", "--"])
        .arg(inner.get_program())
        .args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env("ANUMODAN_MAX_CONNECTIONS_PER_IP", "10000");
    let mut p = Proc::spawn(cmd, dir.path(), "fds");
    p.wait_healthy(&url).await;
    let server: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut held = Vec::new();
    for _ in 0..200 {
        if let Ok(Ok(c)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(server),
        )
        .await
        {
            held.push(c);
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let logs = p.logs();
    let shed = logs.matches("shedding connections").count();
    assert!(shed >= 1, "descriptors ran out and it said so:\n{logs}");
    assert!(
        shed <= 2,
        "at most one line per ten seconds, not a busy loop:\n{logs}"
    );
    assert!(!logs.contains("accept failed"), "{logs}");
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let st = http()
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, StatusCode::OK);
}
