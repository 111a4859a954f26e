//! Staff on the console: accounts made in the store, the password and TOTP sign-in, and a
//! client holding the session's cookie and CSRF token.

use crate::harness::server::TestServer;
use anumodan_core::authz::{BuiltinRole, Scope};
use anumodan_core::clock::{Clock, ManualClock};
use anumodan_core::totp;
use anumodan_store::staff::{self, RoleRef};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::OnceLock;
use uuid::Uuid;

/// The password of every account the tests make.
pub const PW: &str = "correct horse battery staple";

/// One Argon2id hash of `PW`, shared by the accounts the tests make through the store.
pub async fn pw_hash() -> String {
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
pub async fn make_staff(
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

pub fn builtin(r: BuiltinRole, scope: Scope) -> (RoleRef, Scope) {
    (RoleRef::Builtin(r), scope)
}

/// A client holding a session cookie and its CSRF token.
pub struct StaffClient {
    pub url: String,
    pub client: reqwest::Client,
    pub token: String,
    pub csrf: String,
}

/// A whole answer: status, headers and body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// Sends with a session cookie (`token`) and a CSRF token, each if any.
pub async fn console_send(
    client: &reqwest::Client,
    method: Method,
    url: String,
    token: Option<&str>,
    csrf: Option<&str>,
    body: Option<Value>,
) -> Answer {
    request(client, method, url, token, csrf, None, body).await
}

async fn request(
    client: &reqwest::Client,
    method: Method,
    url: String,
    token: Option<&str>,
    csrf: Option<&str>,
    fiduciary: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut req = client.request(method, url);
    if let Some(t) = token {
        req = req.header("cookie", format!("anm_session={t}"));
    }
    if let Some(c) = csrf {
        req = req.header("x-csrf-token", c);
    }
    if let Some(f) = fiduciary {
        req = req.header("x-anumodan-fiduciary", f);
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

impl StaffClient {
    /// A request with the session and its CSRF token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let a = self.call_csrf(method, path, body, Some(&self.csrf)).await;
        (a.status, a.body)
    }

    /// A request with the session and the given CSRF token (or none).
    pub async fn call_csrf(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        csrf: Option<&str>,
    ) -> Answer {
        console_send(
            &self.client,
            method,
            format!("{}{path}", self.url),
            Some(&self.token),
            csrf,
            body,
        )
        .await
    }

    /// A request with the session and the given CSRF token (or none), acting for the
    /// fiduciary `fiduciary` (the `X-Anumodan-Fiduciary` header).
    pub async fn call_for(
        &self,
        fiduciary: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        csrf: Option<&str>,
    ) -> Answer {
        request(
            &self.client,
            method,
            format!("{}{path}", self.url),
            Some(&self.token),
            csrf,
            Some(fiduciary),
            body,
        )
        .await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }
}

/// The password step, as is.
pub async fn sign_in_raw(url: &str, username: &str, password: &str) -> Answer {
    console_send(
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
pub async fn password_step(url: &str, username: &str, password: &str) -> (StaffClient, Value) {
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
        StaffClient {
            url: url.to_string(),
            client: reqwest::Client::new(),
            token,
            csrf,
        },
        a.body,
    )
}

/// The TOTP code of `secret` at the clock's time.
pub fn code_now(clock: &ManualClock, secret: &[u8]) -> String {
    totp::code_at(secret, clock.now().unix_timestamp())
}

/// Enrols TOTP in a session: the secret and the recovery codes.
pub async fn enrol(c: &StaffClient, clock: &ManualClock) -> (Vec<u8>, Vec<String>) {
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
pub async fn full_sign_in(s: &TestServer, username: &str, secret: &[u8]) -> StaffClient {
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
pub async fn staff_session(
    s: &TestServer,
    username: &str,
    home: Option<Uuid>,
    grants: &[(RoleRef, Scope)],
) -> (StaffClient, Vec<u8>, Uuid) {
    let id = make_staff(s, username, home, grants).await;
    let (c, v) = password_step(&s.url, username, PW).await;
    assert_eq!(v["mfa"], "enrol", "{v}");
    let (secret, _) = enrol(&c, &s.clock).await;
    (c, secret, id)
}
