//! Sessions end when idle and at their absolute limit; state changes need the CSRF token.

use crate::harness::*;
use anumodan_core::authz::{BuiltinRole, Scope};
use reqwest::{Method, StatusCode};
use serde_json::json;

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
    let a = console_send(
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
