//! Signing in: the password, then TOTP (mandatory); the same answer for any failure; lock-out.

use crate::harness::*;
use anumodan_core::authz::{BuiltinRole, Scope};
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

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
    let enrolled = store_entries(&s, Uuid::nil(), "staff.mfa_enrolled").await;
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
    let failed = store_entries(&s, Uuid::nil(), "staff.sign_in_failed").await;
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
    let ok = store_entries(&s, Uuid::nil(), "staff.signed_in").await;
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
    assert_eq!(
        store_entries(&s, Uuid::nil(), "staff.signed_out")
            .await
            .len(),
        1
    );
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
    let failed = store_entries(&s, Uuid::nil(), "staff.sign_in_failed").await;
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

    let locks = store_entries(&s, Uuid::nil(), "staff.locked_out").await;
    assert_eq!(locks.len(), 4, "{locks:?}");
    let mine = locks
        .iter()
        .filter(|e| e.initiator == format!("staff:{id}"));
    assert_eq!(mine.count(), 3);
    assert!(locks.iter().any(|e| e.initiator == "staff:unknown"));
    // One entry at the first failure of each window, none for attempts while locked
    // (`attacks::` checks the counts).
    let failed = store_entries(&s, Uuid::nil(), "staff.sign_in_failed").await;
    let outcomes: Vec<&str> = failed.iter().map(|e| e.outcome.as_str()).collect();
    for o in ["bad_credentials", "bad_mfa_code"] {
        assert!(outcomes.contains(&o), "{outcomes:?}");
    }
    assert!(!outcomes.contains(&"locked"), "{outcomes:?}");
}
