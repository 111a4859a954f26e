//! Guessing and flooding sign-ins, of staff and of principals: tighter limits per address, no
//! lock-out of the owner from elsewhere, bounded memory, an alert for a locked platform admin.

use super::client_from;
use crate::harness::*;
use anumodan_core::authz::{BuiltinRole, Scope};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

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
    let s = TestServer::start().await;
    // The owner completes a sign-in from 127.0.0.1 (password, then enrolling a second factor).
    let admin = [builtin(BuiltinRole::Admin, Scope::Platform)];
    let (_, secret, owner) = staff_session(&s, "owner", None, &admin).await;
    let lines_before = store_entries(&s, uuid::Uuid::nil(), "staff.sign_in_failed")
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
    let failed = store_entries(&s, uuid::Uuid::nil(), "staff.sign_in_failed").await;
    assert_eq!(failed.len() - lines_before, 1, "{failed:?}");
    let locks: Vec<String> = store_entries(&s, uuid::Uuid::nil(), "staff.locked_out")
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
    let api = FiduciaryClient::new(http(), &url, &key);
    api.seed_small().await;
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
        api.validate("someone", "account").await;
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

/// Finding 3 (the alert): a platform administrator's lock-out is logged as an alert, with the
/// account's id and never its name or password; the offline unlock lifts it, on the record.
#[tokio::test]
async fn a_platform_admin_lock_out_raises_an_alert_and_can_be_lifted_offline() {
    let dir = temp();
    let pwfile = dir.path().join("pw");
    std::fs::write(&pwfile, "correct horse battery staple\n").unwrap();
    let data = dir.path().join("data");
    let o = anumodan(&[
        "admin",
        "create",
        "--username",
        "root",
        "--data-dir",
        ps(&data),
        "--password-file",
        ps(&pwfile),
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
    let o = anumodan(&[
        "admin",
        "unlock",
        "--username",
        "root",
        "--address",
        "127.0.0.1",
        "--data-dir",
        ps(&data),
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

/// Finding 6: someone who knows a principal's contact and the (public) fiduciary id guesses
/// codes from elsewhere: their address is locked out, the owner's is not, and the code the
/// owner asked for stays good.
#[tokio::test]
async fn guessing_sign_in_codes_from_elsewhere_does_not_lock_the_principal_out() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    s.collect(&cat, "CUST-66", all_granted()).await;
    let (st, _) = s.add_contact("CUST-66", "9123400066").await;
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
    s.signin_start(phone).await;
    let code = code_in(&last_message(&s).await.unwrap().body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // Two addresses guess ten times each: every guess fails, each address ends locked out.
    for from in [[127, 0, 0, 2], [127, 0, 0, 3]] {
        for _ in 0..10 {
            assert_eq!(guess(from, wrong).await, StatusCode::UNAUTHORIZED);
        }
    }
    // The owner's code still works, from where they asked for it.
    let (st, v) = s.signin_verify(phone, &code).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // And they can ask for a new one at once (after the resend interval), and use it.
    s.clock.advance(time::Duration::seconds(31));
    s.signin_start(phone).await;
    let again = code_in(&last_message(&s).await.unwrap().body);
    assert_eq!(s.signin_verify(phone, &again).await.0, StatusCode::CREATED);
    // The guessing address is still locked out: even a right code is refused there.
    s.clock.advance(time::Duration::seconds(31));
    s.signin_start(phone).await;
    let third = code_in(&last_message(&s).await.unwrap().body);
    assert_eq!(
        guess([127, 0, 0, 2], &third).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(s.signin_verify(phone, &third).await.0, StatusCode::CREATED);
}
