//! Staff accounts over real HTTP: sign-in with a password and TOTP, sessions (cookie, CSRF,
//! idle and absolute timeouts), lock-out, roles with immediate effect, tenant isolation, the
//! route table against the permission matrix, the access report, and logs without secrets.

use crate::common::*;
use crate::support::*;
use anumodan_core::authz::{BuiltinRole, Permission, Scope};
use anumodan_core::clock::{Clock, ManualClock};
use anumodan_core::totp;
use anumodan_store::AuditFilter;
use anumodan_store::staff::{self, RoleRef};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::OnceLock;
use uuid::Uuid;

pub(crate) const PW: &str = "correct horse battery staple";

/// One Argon2id hash of `PW`, shared by the accounts the tests make through the store.
pub(crate) async fn pw_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    if let Some(h) = H.get() {
        return h.clone();
    }
    let h = tokio::task::spawn_blocking(|| staff::hash_password(PW).unwrap())
        .await
        .unwrap();
    H.get_or_init(|| h).clone()
}

/// Makes an account in the store (as `admin create` does) with these grants; returns its id.
pub(crate) async fn make_staff(
    s: &TestServer,
    username: &str,
    home: Option<Uuid>,
    grants: &[(RoleRef, Scope)],
) -> Uuid {
    let hash = pw_hash().await;
    let name = username.to_string();
    let grants = grants.to_vec();
    s.state()
        .store
        .transact(move |tx| {
            let v = staff::create_staff(tx, &name, home, &hash, false, "test")?;
            for (role, scope) in grants {
                staff::change_role(tx, v.id, role, scope, true, "test", None)?;
            }
            Ok(v.id)
        })
        .await
        .unwrap()
}

pub(crate) fn builtin(r: BuiltinRole, scope: Scope) -> (RoleRef, Scope) {
    (RoleRef::Builtin(r), scope)
}

fn fid(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap()
}

/// A client holding a session cookie and its CSRF token.
pub(crate) struct Console {
    pub(crate) url: String,
    pub(crate) client: reqwest::Client,
    pub(crate) token: String,
    pub(crate) csrf: String,
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Value,
}

async fn send(
    client: &reqwest::Client,
    method: Method,
    url: String,
    token: Option<&str>,
    csrf: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut req = client.request(method, url);
    if let Some(t) = token {
        req = req.header("cookie", format!("anm_session={t}"));
    }
    if let Some(c) = csrf {
        req = req.header("x-csrf-token", c);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

impl Console {
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let a = self.call_csrf(method, path, body, Some(&self.csrf)).await;
        (a.status, a.body)
    }

    pub(crate) async fn call_csrf(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        csrf: Option<&str>,
    ) -> Answer {
        send(
            &self.client,
            method,
            format!("{}{path}", self.url),
            Some(&self.token),
            csrf,
            body,
        )
        .await
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }
}

pub(crate) async fn sign_in_raw(url: &str, username: &str, password: &str) -> Answer {
    send(
        &reqwest::Client::new(),
        Method::POST,
        format!("{url}/v1/session"),
        None,
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

/// The password step; asserts it succeeded. Returns the (not yet second-factored) session.
pub(crate) async fn password_step(url: &str, username: &str, password: &str) -> (Console, Value) {
    let a = sign_in_raw(url, username, password).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let cookie = a.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "secure_cookies is off by default: {cookie}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("anm_session=")
        .unwrap()
        .to_string();
    let csrf = a.body["csrf_token"].as_str().unwrap().to_string();
    (
        Console {
            url: url.to_string(),
            client: reqwest::Client::new(),
            token,
            csrf,
        },
        a.body,
    )
}

pub(crate) fn code_now(clock: &ManualClock, secret: &[u8]) -> String {
    totp::code_at(secret, clock.now().unix_timestamp())
}

/// Enrols TOTP in a session: the secret and the recovery codes.
pub(crate) async fn enrol(c: &Console, clock: &ManualClock) -> (Vec<u8>, Vec<String>) {
    let (st, v) = c.post("/v1/staff/me/mfa/enrol", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let b32 = v["secret"].as_str().unwrap();
    let uri = v["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Anumodan:"), "{uri}");
    assert!(uri.contains(&format!("secret={b32}")), "{uri}");
    let secret = totp::base32_decode(b32).unwrap();
    assert_eq!(secret.len(), 20);
    let (st, v) = c
        .post(
            "/v1/staff/me/mfa/confirm",
            json!({"code": code_now(clock, &secret)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let codes: Vec<String> = v["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Signs in with password and TOTP (a fresh time step, so the code is not a replay).
pub(crate) async fn full_sign_in(s: &TestServer, username: &str, secret: &[u8]) -> Console {
    s.clock.advance(time::Duration::seconds(30));
    let (c, v) = password_step(&s.url, username, PW).await;
    assert_eq!(v["mfa"], "required", "{v}");
    let (st, v) = c
        .post(
            "/v1/session/mfa",
            json!({"code": code_now(&s.clock, secret)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["mfa"], "done");
    c
}

/// A new account with these grants, signed in and enrolled: the session and TOTP secret.
pub(crate) async fn staff_session(
    s: &TestServer,
    username: &str,
    home: Option<Uuid>,
    grants: &[(RoleRef, Scope)],
) -> (Console, Vec<u8>, Uuid) {
    let id = make_staff(s, username, home, grants).await;
    let (c, v) = password_step(&s.url, username, PW).await;
    assert_eq!(v["mfa"], "enrol", "{v}");
    let (secret, _) = enrol(&c, &s.clock).await;
    (c, secret, id)
}

pub(crate) async fn ledger(
    s: &TestServer,
    fiduciary: Uuid,
    action: &str,
) -> Vec<anumodan_core::audit::AuditEntry> {
    let filter = AuditFilter {
        fiduciary: Some(fiduciary),
        action: Some(action.to_string()),
        limit: 10_000,
        ..AuditFilter::default()
    };
    s.state()
        .store
        .read(move |r| r.audit_entries(&filter))
        .await
        .unwrap()
}

// ---------- signing in ----------

#[tokio::test]
async fn sign_in_needs_the_password_then_totp_and_mfa_is_mandatory() {
    let s = TestServer::start().await;
    let id = make_staff(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;

    // First sign-in: no factor yet, so the session can do nothing but enrol.
    let (c, v) = password_step(&s.url, "Root", PW).await;
    assert_eq!(v["mfa"], "enrol", "{v}");
    assert_eq!(v["staff"]["id"], id.to_string());
    let (st, v) = c.get("/v1/staff").await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("mfa_required"))
    );
    let (st, v) = c.get("/v1/session").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["mfa"], "enrol");
    // A wrong confirmation code enrols nothing.
    let (st, v) = c.post("/v1/staff/me/mfa/enrol", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = c
        .post("/v1/staff/me/mfa/confirm", json!({"code": "000000"}))
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_mfa_code"))
    );
    let (secret, recovery) = enrol(&c, &s.clock).await;
    let (st, v) = c.get("/v1/staff").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let enrolled = ledger(&s, Uuid::nil(), "staff.mfa_enrolled").await;
    assert_eq!(enrolled.len(), 1);
    assert_eq!(enrolled[0].initiator, format!("staff:{id}"));

    // Second sign-in: the password alone gives nothing; the factor cannot be re-enrolled.
    s.clock.advance(time::Duration::seconds(30));
    let (c2, v) = password_step(&s.url, "root", PW).await;
    assert_eq!(v["mfa"], "required", "{v}");
    let (st, v) = c2.get("/v1/staff").await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("mfa_required"))
    );
    let (st, v) = c2.post("/v1/staff/me/mfa/enrol", json!({})).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("mfa_already_enrolled"))
    );
    let (st, v) = c2.post("/v1/session/mfa", json!({"code": "123456"})).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_mfa_code"))
    );
    let code = code_now(&s.clock, &secret);
    let (st, v) = c2.post("/v1/session/mfa", json!({"code": code})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = c2.get("/v1/staff").await;
    assert_eq!(st, StatusCode::OK, "{v}");

    // The same code again, in the same time step, is a replay.
    let (c3, _) = password_step(&s.url, "root", PW).await;
    let (st, v) = c3.post("/v1/session/mfa", json!({"code": code})).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_mfa_code"))
    );
    let failed = ledger(&s, Uuid::nil(), "staff.sign_in_failed").await;
    assert!(
        failed.iter().any(|e| e.outcome == "replayed_code"),
        "{failed:?}"
    );

    // A recovery code works once.
    let (st, v) = c3
        .post(
            "/v1/session/mfa",
            json!({"recovery_code": recovery[0].to_uppercase()}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (c4, _) = password_step(&s.url, "root", PW).await;
    let (st, v) = c4
        .post("/v1/session/mfa", json!({"recovery_code": recovery[0]}))
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_mfa_code"))
    );
    let (st, v) = c4
        .post("/v1/session/mfa", json!({"recovery_code": recovery[1]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    // Every successful step is audited, under the nil fiduciary, naming no one.
    let ok = ledger(&s, Uuid::nil(), "staff.signed_in").await;
    let outcomes: Vec<&str> = ok.iter().map(|e| e.outcome.as_str()).collect();
    assert!(outcomes.contains(&"mfa_enrolment_required"), "{outcomes:?}");
    assert!(outcomes.contains(&"password_ok"), "{outcomes:?}");
    assert!(outcomes.contains(&"ok"), "{outcomes:?}");
    assert!(outcomes.contains(&"recovery_code"), "{outcomes:?}");
    for e in &ok {
        assert_eq!(e.initiator, format!("staff:{id}"));
        assert_eq!(e.principal, None);
        assert!(e.source_ip.is_some());
    }

    // Signing out ends the session.
    let (st, _) = c2.call(Method::DELETE, "/v1/session", None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, v) = c2.get("/v1/session").await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    assert_eq!(ledger(&s, Uuid::nil(), "staff.signed_out").await.len(), 1);
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let s = TestServer::start().await;
    make_staff(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    let a = sign_in_raw(&s.url, "root", "wrong password!!").await;
    let b = sign_in_raw(&s.url, "nobody", "wrong password!!").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.status, b.status);
    assert_eq!(a.body, b.body);
    assert_eq!(a.body["code"], "bad_credentials");
    assert!(a.headers.get("set-cookie").is_none());
    let failed = ledger(&s, Uuid::nil(), "staff.sign_in_failed").await;
    assert_eq!(failed.len(), 2);
    assert!(failed.iter().all(|e| e.outcome == "bad_credentials"));
    assert!(failed.iter().any(|e| e.initiator == "staff:unknown"));
}

#[tokio::test]
async fn repeated_failures_lock_out_with_back_off_and_are_audited() {
    let s = TestServer::start().await;
    let id = make_staff(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    for _ in 0..4 {
        let a = sign_in_raw(&s.url, "root", "not the password").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    }
    let a = sign_in_raw(&s.url, "root", "not the password").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
    assert_eq!(a.body["code"], "locked_out");
    assert_eq!(a.headers["retry-after"], "60");
    // Locked: even the right password is refused.
    let a = sign_in_raw(&s.url, "root", PW).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    // An unknown name locks the same way (lock-out reveals no account).
    for _ in 0..4 {
        assert_eq!(
            sign_in_raw(&s.url, "ghost", "x").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        sign_in_raw(&s.url, "ghost", "x").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Locked again without a success in between: twice as long.
    s.clock.advance(time::Duration::seconds(61));
    for _ in 0..4 {
        let a = sign_in_raw(&s.url, "root", "not the password").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    }
    let a = sign_in_raw(&s.url, "root", "not the password").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
    assert_eq!(a.headers["retry-after"], "120");
    s.clock.advance(time::Duration::seconds(121));
    let (c, _) = password_step(&s.url, "root", PW).await;
    let (secret, _) = enrol(&c, &s.clock).await;

    // Second-factor failures count too (the success above started the back-off afresh).
    s.clock.advance(time::Duration::seconds(30));
    let (c, _) = password_step(&s.url, "root", PW).await;
    for _ in 0..4 {
        let (st, _) = c.post("/v1/session/mfa", json!({"code": "000000"})).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
    }
    let a = c
        .call_csrf(
            Method::POST,
            "/v1/session/mfa",
            Some(json!({"code": "000000"})),
            Some(&c.csrf),
        )
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
    assert_eq!(a.headers["retry-after"], "60");
    // The lock-out ended the half-open session.
    let (st, _) = c.get("/v1/session").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // The second factor keeps its own count: the password step still works, the second step
    // stays locked until the lock runs out.
    let (c, _) = password_step(&s.url, "root", PW).await;
    let (st, v) = c
        .post(
            "/v1/session/mfa",
            json!({"code": code_now(&s.clock, &secret)}),
        )
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{v}");
    s.clock.advance(time::Duration::seconds(61));
    full_sign_in(&s, "root", &secret).await;

    let locks = ledger(&s, Uuid::nil(), "staff.locked_out").await;
    assert_eq!(locks.len(), 4, "{locks:?}");
    let mine = locks
        .iter()
        .filter(|e| e.initiator == format!("staff:{id}"));
    assert_eq!(mine.count(), 3);
    assert!(locks.iter().any(|e| e.initiator == "staff:unknown"));
    // One entry at the first failure of each window, none for attempts while locked
    // (`attacks::` checks the counts).
    let failed = ledger(&s, Uuid::nil(), "staff.sign_in_failed").await;
    let outcomes: Vec<&str> = failed.iter().map(|e| e.outcome.as_str()).collect();
    for o in ["bad_credentials", "bad_mfa_code"] {
        assert!(outcomes.contains(&o), "{outcomes:?}");
    }
    assert!(!outcomes.contains(&"locked"), "{outcomes:?}");
}

// ---------- sessions ----------

#[tokio::test]
async fn sessions_expire_when_idle_and_after_the_absolute_limit() {
    let s = TestServer::start().await;
    let (c, secret, _) = staff_session(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    for _ in 0..2 {
        s.clock.advance(time::Duration::minutes(14));
        let (st, v) = c.get("/v1/staff").await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    s.clock.advance(time::Duration::minutes(15));
    let (st, v) = c.get("/v1/staff").await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("session_expired"))
    );

    // Active all along, a session still ends 8 hours after sign-in.
    let c = full_sign_in(&s, "root", &secret).await;
    for _ in 0..47 {
        s.clock.advance(time::Duration::minutes(10));
        let (st, v) = c.get("/v1/session").await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    s.clock.advance(time::Duration::minutes(10));
    let (st, v) = c.get("/v1/session").await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("session_expired"))
    );
}

#[tokio::test]
async fn state_changes_need_the_csrf_token() {
    let s = TestServer::start().await;
    let (c, _, _) = staff_session(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    let body = json!({"username": "newbie"});
    for csrf in [None, Some("wrong"), Some("")] {
        let a = c
            .call_csrf(Method::POST, "/v1/staff", Some(body.clone()), csrf)
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        assert_eq!(a.body["code"], "csrf_failed");
        let a = c.call_csrf(Method::DELETE, "/v1/session", None, csrf).await;
        assert_eq!(a.body["code"], "csrf_failed");
    }
    let (st, v) = c.get("/v1/staff").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 1, "nothing was created: {v}");
    let (st, v) = c.post("/v1/staff", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // No cookie at all: not signed in.
    let a = send(
        &c.client,
        Method::GET,
        format!("{}/v1/staff", s.url),
        None,
        None,
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.body["code"], "unauthenticated");
}

// ---------- roles ----------

#[tokio::test]
async fn grants_and_revocations_apply_on_the_very_next_request() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);
    let (admin, _, admin_id) = staff_session(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    let (op, _, op_id) = staff_session(&s, "clerk", Some(f), &[]).await;
    let entries = format!("/v1/fiduciaries/{f}/audit/entries");
    let (st, v) = op.get(&entries).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );

    let grant = json!({"role": "auditor", "fiduciary_id": f});
    let (st, v) = admin
        .post(&format!("/v1/staff/{op_id}/roles"), grant.clone())
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (st, v) = op.get(&entries).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = admin
        .post(&format!("/v1/staff/{op_id}/roles"), grant.clone())
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_granted"))
    );

    // Revoked mid-session: the same session is refused on its next request.
    let (st, v) = admin
        .post(&format!("/v1/staff/{op_id}/roles/revoke"), grant.clone())
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (st, v) = op.get(&entries).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );

    // Nobody changes their own roles; a fiduciary's staff hold roles only there.
    let (st, v) = admin
        .post(
            &format!("/v1/staff/{admin_id}/roles"),
            json!({"role": "dpo"}),
        )
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("cannot_change_self"))
    );
    let (st, v) = admin
        .post(
            &format!("/v1/staff/{op_id}/roles"),
            json!({"role": "auditor"}),
        )
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_scope"))
    );

    let changes = ledger(&s, f, "role.changed").await;
    let outcomes: Vec<&str> = changes.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["granted:auditor", "revoked:auditor"]);
    for e in &changes {
        assert_eq!(e.initiator, format!("staff:{admin_id}"));
        assert_eq!(e.artefact, Some(op_id));
    }
}

#[tokio::test]
async fn one_fiduciarys_staff_cannot_see_or_touch_anothers() {
    let s = TestServer::start().await;
    let a = fid(&s.fiduciary_id);
    let (b_id, _) = s.create_fiduciary("Other Bank").await;
    let b = fid(&b_id);
    let (adm, _, _) = staff_session(
        &s,
        "a-admin",
        Some(a),
        &[builtin(BuiltinRole::Admin, Scope::Fiduciary(a))],
    )
    .await;
    let b_staff = make_staff(&s, "b-clerk", Some(b), &[]).await;
    let platform_staff = make_staff(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    let missing = Uuid::now_v7();
    let gets = [
        format!("/v1/staff?fiduciary_id={b}"),
        "/v1/staff".to_string(),
        format!("/v1/roles?fiduciary_id={b}"),
        format!("/v1/access/report?fiduciary_id={b}"),
        format!("/v1/fiduciaries/{b}/audit/entries"),
        format!("/v1/fiduciaries/{}/audit/entries", Uuid::nil()),
    ];
    for path in &gets {
        let (st, v) = adm.get(path).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("fiduciary_not_found")),
            "{path}"
        );
    }
    for target in [b_staff, platform_staff, missing] {
        let (st, v) = adm.get(&format!("/v1/staff/{target}")).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("staff_not_found"))
        );
        let (st, v) = adm
            .post(&format!("/v1/staff/{target}/disable"), json!({}))
            .await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("staff_not_found"))
        );
        let (st, v) = adm
            .post(
                &format!("/v1/staff/{target}/roles"),
                json!({"role": "operator", "fiduciary_id": a}),
            )
            .await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("staff_not_found"))
        );
    }
    for body in [
        json!({"username": "intruder", "fiduciary_id": b}),
        json!({"username": "intruder"}),
    ] {
        let (st, v) = adm.post("/v1/staff", body).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("fiduciary_not_found"))
        );
    }
    let (st, v) = adm
        .post(
            "/v1/roles",
            json!({"name": "x", "fiduciary_id": b, "permissions": ["catalog.read"]}),
        )
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("fiduciary_not_found"))
    );
    // B's clerk was not touched.
    let (st, v) = adm.get(&format!("/v1/staff?fiduciary_id={a}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!v.to_string().contains("b-clerk"), "{v}");
    assert!(ledger(&s, b, "role.changed").await.is_empty());
    assert!(ledger(&s, b, "staff.disabled").await.is_empty());
}

/// One console route and what it needs (`None`: any session, or none for signing in).
struct RouteSpec {
    method: &'static str,
    path: String,
    permission: Option<Permission>,
}

/// The console's routes, from the route registry: those taking a staff session, and signing in.
fn console_routes() -> Vec<RouteSpec> {
    let (_, _, routes) = anumodan_server::api::registry().split();
    routes
        .into_iter()
        .filter(|r| r.security.iter().any(|s| s == "session") || r.path == "/v1/session")
        .map(|r| RouteSpec {
            method: r.method,
            permission: match r.access {
                anumodan_server::api::Access::Needs(p) => Some(p),
                _ => None,
            },
            path: r.path,
        })
        .collect()
}

/// The request that exercises a console route in `scope`, against a fresh target account.
async fn exercise(
    s: &TestServer,
    c: &Console,
    route: &RouteSpec,
    scope: Scope,
    n: usize,
) -> (StatusCode, Value) {
    let f = match scope {
        Scope::Platform => None,
        Scope::Fiduciary(f) => Some(f),
    };
    let q = f.map(|f| format!("?fiduciary_id={f}")).unwrap_or_default();
    let target = make_staff(
        s,
        &format!("target-{n}"),
        f,
        &[(RoleRef::Builtin(BuiltinRole::Operator), scope)],
    )
    .await;
    let (path, body) = match (route.method, route.path.as_str()) {
        ("GET", "/v1/staff") => (format!("/v1/staff{q}"), None),
        ("POST", "/v1/staff") => (
            "/v1/staff".into(),
            Some(json!({"username": format!("new-{n}"), "fiduciary_id": f})),
        ),
        ("GET", "/v1/staff/{id}") => (format!("/v1/staff/{target}"), None),
        ("POST", "/v1/staff/{id}/disable") => {
            (format!("/v1/staff/{target}/disable"), Some(json!({})))
        }
        ("POST", "/v1/staff/{id}/roles") => (
            format!("/v1/staff/{target}/roles"),
            Some(json!({"role": "auditor", "fiduciary_id": f})),
        ),
        ("POST", "/v1/staff/{id}/roles/revoke") => (
            format!("/v1/staff/{target}/roles/revoke"),
            Some(json!({"role": "operator", "fiduciary_id": f})),
        ),
        ("GET", "/v1/roles") => (format!("/v1/roles{q}"), None),
        ("POST", "/v1/roles") => (
            "/v1/roles".into(),
            Some(
                json!({"name": format!("role {n}"), "fiduciary_id": f, "permissions": ["catalog.read"]}),
            ),
        ),
        ("GET", "/v1/access/report") => (format!("/v1/access/report{q}"), None),
        ("GET", "/v1/fiduciaries/{fiduciary_id}/audit/entries") => (
            format!("/v1/fiduciaries/{}/audit/entries", f.unwrap_or(Uuid::nil())),
            None,
        ),
        ("POST", "/v1/platform/master-key/rotate") => {
            ("/v1/platform/master-key/rotate".into(), Some(json!({})))
        }
        other => panic!("no request for {other:?}: add one"),
    };
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    c.call(method, &path, body).await
}

#[tokio::test]
async fn every_console_route_allows_exactly_what_the_matrix_says() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);

    // The table covers every console route of the OpenAPI document, and no other.
    let (st, doc) = s.get("/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["tags"]
                .as_array()
                .is_some_and(|t| t.contains(&json!("staff")))
            {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    documented.sort();
    let routes = console_routes();
    let mut table: Vec<(String, String)> = routes
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    table.sort();
    assert_eq!(documented, table);

    // Without a session, every route but signing in is 401.
    for r in routes
        .iter()
        .filter(|r| r.path != "/v1/session" || r.method != "POST")
    {
        let path = r
            .path
            .replace("{id}", &Uuid::nil().to_string())
            .replace("{fiduciary_id}", &f.to_string());
        let a = send(
            &reqwest::Client::new(),
            Method::from_bytes(r.method.as_bytes()).unwrap(),
            format!("{}{path}", s.url),
            None,
            None,
            Some(json!({})),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "{} {}",
            r.method,
            r.path
        );
    }

    let mut n = 0;
    for scope in [Scope::Fiduciary(f), Scope::Platform] {
        let home = match scope {
            Scope::Platform => None,
            Scope::Fiduciary(f) => Some(f),
        };
        for role in BuiltinRole::ALL {
            let user = format!(
                "{}-{}",
                role.as_str(),
                if home.is_some() { "f" } else { "p" }
            );
            let (c, _, _) = staff_session(&s, &user, home, &[builtin(role, scope)]).await;
            let held = role.permissions(scope);
            let (st, v) = c.get("/v1/session").await;
            assert_eq!(st, StatusCode::OK, "{v}");
            for route in &routes {
                let Some(p) = route.permission else { continue };
                n += 1;
                let (st, v) = exercise(&s, &c, route, scope, n).await;
                if held.contains(&p) {
                    assert!(
                        st.is_success(),
                        "{role:?} at {scope:?}: {} {} -> {st} {v}",
                        route.method,
                        route.path
                    );
                } else {
                    assert_eq!(
                        (st, v["code"].as_str()),
                        (StatusCode::FORBIDDEN, Some("forbidden")),
                        "{role:?} at {scope:?}: {} {}",
                        route.method,
                        route.path
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn custom_roles_and_the_access_report() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);
    let (adm, _, adm_id) = staff_session(
        &s,
        "f-admin",
        Some(f),
        &[builtin(BuiltinRole::Admin, Scope::Fiduciary(f))],
    )
    .await;
    let (aud, _, aud_id) = staff_session(
        &s,
        "f-auditor",
        Some(f),
        &[builtin(BuiltinRole::Auditor, Scope::Fiduciary(f))],
    )
    .await;
    let clerk = make_staff(&s, "f-clerk", Some(f), &[]).await;

    for (perms, status, code) in [
        (
            json!(["catalog.everything"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_permission",
        ),
        (
            json!(["fiduciary.manage"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_permissions",
        ),
        (
            json!([]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_permissions",
        ),
        // Not held by the fiduciary's admin: no escalation through a custom role.
        (
            json!(["catalog.read", "pii.unmask"]),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
    ] {
        let (st, v) = adm
            .post(
                "/v1/roles",
                json!({"name": "viewer", "fiduciary_id": f, "permissions": perms}),
            )
            .await;
        assert_eq!((st, v["code"].as_str()), (status, Some(code)), "{v}");
    }
    let (st, role) = adm
        .post("/v1/roles", json!({"name": "viewer", "fiduciary_id": f, "permissions": ["catalog.read", "audit.read"]}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{role}");
    let role_id = role["id"].as_str().unwrap().to_string();
    let (st, v) = adm.get(&format!("/v1/roles?fiduciary_id={f}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 5, "{v}");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|r| r["role"] == role_id.as_str() && r["builtin"] == false)
    );

    let grant = json!({"role": role_id, "fiduciary_id": f});
    let (st, v) = adm
        .post(&format!("/v1/staff/{clerk}/roles"), grant.clone())
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");

    let (st, report) = aud
        .get(&format!("/v1/access/report?fiduciary_id={f}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{report}");
    let holds = |r: &Value, who: Uuid, p: &str| {
        r["holdings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["staff_id"] == who.to_string() && h["permission"] == p)
    };
    assert!(holds(&report, clerk, "audit.read"), "{report}");
    assert!(holds(&report, adm_id, "roles.manage"));
    assert!(holds(&report, aud_id, "audit.read"));
    assert!(!holds(&report, aud_id, "catalog.write"));
    let h = report["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["staff_id"] == clerk.to_string())
        .unwrap();
    assert_eq!(h["username"], "f-clerk");
    assert_eq!(h["role"], role_id.as_str());

    let (st, _) = adm
        .post(&format!("/v1/staff/{clerk}/roles/revoke"), grant)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, report) = aud
        .get(&format!("/v1/access/report?fiduciary_id={f}"))
        .await;
    assert!(!holds(&report, clerk, "audit.read"));
    let changes: Vec<(String, String, String)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["staff_id"] == clerk.to_string())
        .map(|c| {
            (
                c["change"].as_str().unwrap().into(),
                c["role"].as_str().unwrap().into(),
                c["by"].as_str().unwrap().into(),
            )
        })
        .collect();
    let by = format!("staff:{adm_id}");
    assert_eq!(
        changes,
        [
            ("granted".into(), role_id.clone(), by.clone()),
            ("revoked".into(), role_id.clone(), by)
        ]
    );
    assert!(
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["at"].is_string())
    );
    assert_eq!(ledger(&s, f, "role.created").await.len(), 1);
}

#[tokio::test]
async fn staff_are_created_with_a_one_time_password_and_disabling_ends_their_sessions() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);
    let (adm, _, adm_id) = staff_session(
        &s,
        "f-admin",
        Some(f),
        &[builtin(BuiltinRole::Admin, Scope::Fiduciary(f))],
    )
    .await;
    let (st, v) = adm
        .post(
            "/v1/staff",
            json!({"username": "New.Clerk", "fiduciary_id": f}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["username"], "new.clerk");
    let pw = v["initial_password"].as_str().unwrap().to_string();
    assert!(pw.len() >= 12);
    let id = v["id"].as_str().unwrap().to_string();
    let (st, v) = adm
        .post(
            "/v1/staff",
            json!({"username": "new.clerk", "fiduciary_id": f}),
        )
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_exists"))
    );
    let (st, v) = adm
        .post("/v1/staff", json!({"username": "a b", "fiduciary_id": f}))
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_username"))
    );

    let (clerk, v) = password_step(&s.url, "new.clerk", &pw).await;
    assert_eq!(v["mfa"], "enrol");
    assert_eq!(v["staff"]["must_change_password"], true);
    let (secret, _) = enrol(&clerk, &s.clock).await;
    let (st, v) = adm
        .post(
            &format!("/v1/staff/{id}/roles"),
            json!({"role": "auditor", "fiduciary_id": f}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    // The one-time password must be replaced before any role can be used.
    let report = format!("/v1/access/report?fiduciary_id={f}");
    let (st, v) = clerk.get(&report).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("password_change_required"))
    );
    let new_pw = "a much better passphrase";
    for (current, new, code) in [
        (pw.as_str(), "short", "weak_password"),
        ("not it at all", new_pw, "wrong_password"),
    ] {
        let (st, v) = clerk
            .post(
                "/v1/staff/me/password",
                json!({"current_password": current, "new_password": new}),
            )
            .await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code))
        );
    }
    // A wrong current password ended the session: guessing goes through sign-in again.
    let (st, _) = clerk.get("/v1/session").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    s.clock.advance(time::Duration::seconds(30));
    let (clerk, v) = password_step(&s.url, "new.clerk", &pw).await;
    assert_eq!(v["mfa"], "required", "{v}");
    let (st, v) = clerk
        .post(
            "/v1/session/mfa",
            json!({"code": code_now(&s.clock, &secret)}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = clerk
        .post(
            "/v1/staff/me/password",
            json!({"current_password": pw, "new_password": new_pw}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (st, v) = clerk.get(&report).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        sign_in_raw(&s.url, "new.clerk", &pw).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(ledger(&s, f, "staff.password_changed").await.len(), 1);

    let (st, v) = adm
        .post(&format!("/v1/staff/{adm_id}/disable"), json!({}))
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("cannot_change_self"))
    );
    let (st, v) = adm
        .post(&format!("/v1/staff/{id}/disable"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["disabled"], true);
    let (st, _) = clerk.get("/v1/session").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let a = sign_in_raw(&s.url, "new.clerk", new_pw).await;
    assert_eq!(a.body["code"], "bad_credentials");
    let (st, v) = adm.get(&format!("/v1/staff?fiduciary_id={f}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    let created = ledger(&s, f, "staff.created").await;
    assert!(
        created
            .iter()
            .any(|e| e.artefact.map(|a| a.to_string()) == Some(id.clone()))
    );
    assert_eq!(ledger(&s, f, "staff.disabled").await.len(), 1);
}

// ---------- the binary ----------

#[tokio::test]
async fn admin_create_bootstraps_a_platform_admin_offline_and_logs_hold_no_secrets() {
    let temp = tempfile::Builder::new()
        .prefix("anumodan-staff-")
        .tempdir()
        .unwrap();
    let dir = temp.path().join("data");
    let pwfile = temp.path().join("pw");
    std::fs::write(&pwfile, format!("{PW}\n")).unwrap();

    let short = anumodan_cmd(&[
        "admin",
        "create",
        "--username",
        "root",
        "--data-dir",
        ps(&dir),
    ])
    .env("ANUMODAN_ADMIN_PASSWORD", "short")
    .output()
    .unwrap();
    assert_ne!(short.status.code(), Some(0), "{}", out_text(&short));
    let none = anumodan(&[
        "admin",
        "create",
        "--username",
        "root",
        "--data-dir",
        ps(&dir),
    ]);
    assert_ne!(none.status.code(), Some(0), "{}", out_text(&none));
    let o = anumodan(&[
        "admin",
        "create",
        "--username",
        "Root",
        "--data-dir",
        ps(&dir),
        "--password-file",
        ps(&pwfile),
    ]);
    assert_ok(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["username"], "root");
    assert!(!out_text(&o).contains(PW));
    let again = anumodan_cmd(&[
        "admin",
        "create",
        "--username",
        "root",
        "--data-dir",
        ps(&dir),
    ])
    .env("ANUMODAN_ADMIN_PASSWORD", PW)
    .output()
    .unwrap();
    assert_ne!(again.status.code(), Some(0), "{}", out_text(&again));

    // Serve the directory with the real binary, logging at debug level, and sign in.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = temp.path().join("serve.log");
    let mut child = anumodan_cmd(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
        ps(&dir),
    ])
    .env("ANUMODAN_LOG", "debug")
    .stdout(std::process::Stdio::null())
    .stderr(std::fs::File::create(&log).unwrap())
    .spawn()
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Deadline::after(std::time::Duration::from_secs(30));
    while reqwest::get(format!("{url}/healthz")).await.is_err() {
        deadline
            .tick(std::time::Duration::from_millis(50), || {
                "server did not start".into()
            })
            .await;
    }
    let wrong = sign_in_raw(&url, "root", "a wrong password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let (c, v) = password_step(&url, "root", PW).await;
    assert_eq!(v["mfa"], "enrol");
    let (st, e) = c.post("/v1/staff/me/mfa/enrol", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let b32 = e["secret"].as_str().unwrap().to_string();
    let secret = totp::base32_decode(&b32).unwrap();
    let code = totp::code_at(&secret, time::OffsetDateTime::now_utc().unix_timestamp());
    let (st, r) = c
        .post("/v1/staff/me/mfa/confirm", json!({"code": code}))
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let recovery: Vec<String> = r["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().into())
        .collect();
    let (st, created) = c
        .post("/v1/staff", json!({"username": "second.admin"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    let (c2, _) = password_step(&url, "root", PW).await;
    let (st, _) = c2
        .post("/v1/session/mfa", json!({"recovery_code": recovery[0]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = c2.call(Method::DELETE, "/v1/session", None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let _ = child.kill();
    let _ = child.wait();

    // The ledger with its platform-level (nil fiduciary) entries verifies.
    assert_ok(&audit_verify(&dir));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("serving"), "the log was captured: {text}");
    let mut secrets = vec![
        PW.to_string(),
        "a wrong password".into(),
        b32.clone(),
        b32.to_lowercase(),
        c.token.clone(),
        c.csrf.clone(),
        c2.token.clone(),
        c2.csrf.clone(),
        created["initial_password"].as_str().unwrap().into(),
        "second.admin".into(),
    ];
    secrets.extend(recovery);
    for secret in secrets {
        assert!(
            !text.contains(&secret),
            "the log holds a secret or a name: {text}"
        );
    }
}

#[test]
fn the_documented_permission_matrix_is_the_one_in_authz() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/security.md"),
    )
    .unwrap();
    let f = Scope::Fiduciary(Uuid::nil());
    let mut rows = 0;
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Ok(p) = cells[1]
            .trim_matches('`')
            .parse::<anumodan_core::authz::Permission>()
        else {
            continue;
        };
        if cells.len() < 7 {
            continue;
        }
        rows += 1;
        for (i, role) in [
            BuiltinRole::Admin,
            BuiltinRole::Dpo,
            BuiltinRole::Auditor,
            BuiltinRole::Operator,
        ]
        .into_iter()
        .enumerate()
        {
            let want = if role.permissions(f).contains(&p) {
                "yes"
            } else if role.permissions(Scope::Platform).contains(&p) {
                "platform"
            } else {
                "—"
            };
            assert_eq!(cells[2 + i], want, "{p} for {role:?}");
        }
        assert!(
            cells[6].starts_with(&p.description()[..20]),
            "{p}: {}",
            cells[6]
        );
    }
    assert_eq!(rows, anumodan_core::authz::Permission::ALL.len());
}

// ---------- staff on the fiduciary API ----------

/// A signed-in DPO reads consents and unmasks with a reason (audited as the staff member); an
/// Auditor reads the ledger but cannot unmask; an Operator reads consents masked; the second
/// factor, CSRF and tenant rules of the console apply on the API routes too.
#[tokio::test]
async fn staff_use_the_api_routes_with_the_permissions_of_their_roles() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let f = fid(&s.fiduciary_id);
    let a = collect_ok(&s, &cat, "9876512345", all_granted()).await;
    let id = id_of(&a);
    let scope = Scope::Fiduciary(f);

    let (dpo, _, dpo_id) =
        staff_session(&s, "dpo.one", Some(f), &[builtin(BuiltinRole::Dpo, scope)]).await;
    let (auditor, _, _) = staff_session(
        &s,
        "auditor.one",
        Some(f),
        &[builtin(BuiltinRole::Auditor, scope)],
    )
    .await;
    let (operator, _, _) = staff_session(
        &s,
        "operator.one",
        Some(f),
        &[builtin(BuiltinRole::Operator, scope)],
    )
    .await;

    // Reading: masked for everyone allowed to read.
    for c in [&dpo, &operator] {
        let (st, v) = c.get(&format!("/v1/consents/{id}")).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["principal_id"], "******2345");
    }
    let (st, v) = auditor.get(&format!("/v1/consents/{id}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    let (st, v) = auditor.get("/v1/audit/entries").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = operator.get("/v1/audit/entries").await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // Unmasking: the DPO only, with CSRF, audited with the staff member as initiator.
    let path = format!("/v1/consents/{id}/unmask");
    let body = json!({"reason": "grievance GRV-7 identity check"});
    for c in [&auditor, &operator] {
        let (st, v) = c.post(&path, body.clone()).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
        assert_eq!(v["code"], "forbidden");
    }
    let a = dpo
        .call_csrf(Method::POST, &path, Some(body.clone()), None)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert_eq!(a.body["code"], "csrf_failed");
    let (st, v) = dpo.post(&path, body).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["fields"]["principal_id"], "9876512345");
    let e = ledger(&s, f, "pii.unmasked").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].initiator, format!("staff:{dpo_id}"));

    // A fiduciary's staff cannot act for another fiduciary: 404, as if it did not exist.
    let (other, _) = s.create_fiduciary("Other").await;
    let a = send(
        &dpo.client,
        Method::GET,
        format!("{}/v1/consents/{id}", s.url),
        Some(&dpo.token),
        None,
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let res = dpo
        .client
        .get(format!("{}/v1/purposes", s.url))
        .header("cookie", format!("anm_session={}", dpo.token))
        .header("x-anumodan-fiduciary", &other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["code"], "fiduciary_not_found");

    // Before the second factor, nothing.
    let id2 = make_staff(&s, "dpo.two", Some(f), &[builtin(BuiltinRole::Dpo, scope)]).await;
    let _ = id2;
    let (half, v) = password_step(&s.url, "dpo.two", PW).await;
    assert_eq!(v["mfa"], "enrol", "{v}");
    let (st, v) = half.get(&format!("/v1/consents/{id}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "mfa_required");
}

/// A fiduciary Admin makes validate-only keys for its systems, but cannot give a key the power
/// to unmask, which the Admin does not hold.
#[tokio::test]
async fn a_fiduciary_admin_manages_integration_keys_but_not_unmasking_ones() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);
    let scope = Scope::Fiduciary(f);
    let (admin, _, admin_id) = staff_session(
        &s,
        "admin.one",
        Some(f),
        &[builtin(BuiltinRole::Admin, scope)],
    )
    .await;
    let (st, v) = admin
        .post(
            "/v1/keys",
            json!({"name": "billing-validator", "scopes": ["consent.validate"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let key_id = v["id"].as_str().unwrap().to_string();
    let (st, v) = admin
        .post(
            "/v1/keys",
            json!({"name": "peek", "scopes": ["pii.unmask"]}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    // Nor rotate the root key, which holds pii.unmask.
    let (st, keys) = admin.get("/v1/keys").await;
    assert_eq!(st, StatusCode::OK);
    let made = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == key_id.as_str())
        .unwrap();
    assert_eq!(made["created_by"], format!("staff:{admin_id}"));
    let root = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "default")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, _) = admin
        .post(&format!("/v1/keys/{root}/rotate"), json!({}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = admin
        .call(Method::DELETE, &format!("/v1/keys/{key_id}"), None)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let e = ledger(&s, f, "api_key.created").await;
    assert!(e.iter().any(|e| e.initiator == format!("staff:{admin_id}")));
}

/// Every `/v1` API route (the key scope table of keys.rs) with every builtin role at fiduciary
/// scope: a role holding the route's permission is let through (not 401/403: a second role
/// repeating a create may meet a 409), every other answers 403 `forbidden`.
#[tokio::test]
async fn every_api_route_allows_exactly_what_each_role_holds() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let t = crate::keys::prepare(&s, &cat).await;
    let routes = crate::keys::table(&t, &cat);
    let f = fid(&s.fiduciary_id);
    let scope = Scope::Fiduciary(f);
    for role in BuiltinRole::ALL {
        let holds = role.permissions(scope);
        let (c, _, _) = staff_session(
            &s,
            &format!("matrix.{}", role.as_str()),
            Some(f),
            &[builtin(role, scope)],
        )
        .await;
        for r in &routes {
            let (st, v) = c.call(r.method.clone(), &r.path, r.body.clone()).await;
            let what = format!("{} {} as {}", r.method, r.path, role.as_str());
            if holds.contains(&r.needs) {
                assert!(
                    st != StatusCode::FORBIDDEN && st != StatusCode::UNAUTHORIZED,
                    "{what}: {st} {v}"
                );
                assert!(
                    st.is_success() || st == StatusCode::CONFLICT,
                    "{what}: {st} {v}"
                );
            } else {
                assert_eq!(st, StatusCode::FORBIDDEN, "{what}: {v}");
                assert_eq!(v["code"], "forbidden", "{what}: {v}");
            }
        }
    }
}

/// TOTP seeds are stored sealed under the master key, and survive a master key rotation.
#[tokio::test]
async fn totp_seeds_are_sealed_at_rest_and_follow_master_key_rotation() {
    let s = TestServer::start().await;
    let (c, secret, id) = staff_session(
        &s,
        "root.admin",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    let stored = |s: &TestServer| {
        let store = s.state().store.clone();
        async move {
            store
                .read_conn(move |c| {
                    c.query_row(
                        "SELECT totp_secret FROM staff WHERE uuid = ?1",
                        [id.to_string()],
                        |r| r.get::<_, Vec<u8>>(0),
                    )
                    .map_err(|e| anumodan_core::ports::StoreError::internal(e.to_string()))
                })
                .await
                .unwrap()
        }
    };
    let before = stored(&s).await;
    assert!(!before.windows(secret.len()).any(|w| w == secret.as_slice()));
    assert!(before.len() > secret.len() + 24);

    // Rotate the master key from the console; the seed is re-sealed and still works.
    let (st, v) = c.post("/v1/platform/master-key/rotate", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let after = stored(&s).await;
    assert_ne!(after, before);
    assert!(after[1..].starts_with(v["master_key"].as_str().unwrap().as_bytes()));
    let again = full_sign_in(&s, "root.admin", &secret).await;
    let (st, _) = again.get("/v1/session").await;
    assert_eq!(st, StatusCode::OK);
    // The key's becoming current and the re-wrapping's end, each on the record.
    let id = v["master_key"].as_str().unwrap();
    let outcomes: Vec<String> = ledger(&s, Uuid::nil(), "admin.action")
        .await
        .into_iter()
        .map(|e| e.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            format!("master_key_current {id}"),
            format!(
                "master_key_rotation_completed {id} rewrapped={}",
                v["rewrapped"]
            ),
        ]
    );
}
