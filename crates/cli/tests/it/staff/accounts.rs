//! Accounts: created with a one-time password, disabled with their sessions, bootstrapped offline
//! by `admin create`; TOTP seeds sealed at rest.

use super::fid;
use crate::harness::*;
use anumodan_core::authz::{BuiltinRole, Scope};
use anumodan_core::totp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::Path;
use uuid::Uuid;

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
    assert_eq!(
        store_entries(&s, f, "staff.password_changed").await.len(),
        1
    );

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
    let created = store_entries(&s, f, "staff.created").await;
    assert!(
        created
            .iter()
            .any(|e| e.artefact.map(|a| a.to_string()) == Some(id.clone()))
    );
    assert_eq!(store_entries(&s, f, "staff.disabled").await.len(), 1);
}

#[tokio::test]
async fn admin_create_bootstraps_a_platform_admin_offline_and_logs_hold_no_secrets() {
    let t = temp();
    let dir = t.path().join("data");
    let pwfile = t.path().join("pw");
    std::fs::write(&pwfile, format!("{PW}\n")).unwrap();
    admin_create_offline(&dir, &pwfile);

    // Serve the directory with the real binary, logging at debug level, and sign in.
    let port = free_port();
    let mut cmd = serve(&dir, port);
    cmd.env("ANUMODAN_LOG", "debug");
    let mut p = Proc::spawn(cmd, t.path(), "serve");
    let url = format!("http://127.0.0.1:{port}");
    p.wait_healthy(&url).await;
    let secrets = use_the_console_as_the_new_admin(&url).await;
    p.kill();

    // The ledger with its platform-level (nil fiduciary) entries verifies.
    assert_ok(&audit_verify(&dir));
    let text = p.stderr();
    assert!(text.contains("serving"), "the log was captured: {text}");
    for secret in secrets {
        assert!(
            !text.contains(&secret),
            "the log holds a secret or a name: {text}"
        );
    }
}

/// `admin create` on a stopped data directory: refused without a password or with a short one,
/// then made with the password from a file (never printed), and refused a second time.
fn admin_create_offline(dir: &Path, pwfile: &Path) {
    let short = anumodan_cmd(&[
        "admin",
        "create",
        "--username",
        "root",
        "--data-dir",
        ps(dir),
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
        ps(dir),
    ]);
    assert_ne!(none.status.code(), Some(0), "{}", out_text(&none));
    let o = anumodan(&[
        "admin",
        "create",
        "--username",
        "Root",
        "--data-dir",
        ps(dir),
        "--password-file",
        ps(pwfile),
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
        ps(dir),
    ])
    .env("ANUMODAN_ADMIN_PASSWORD", PW)
    .output()
    .unwrap();
    assert_ne!(again.status.code(), Some(0), "{}", out_text(&again));
}

/// The new platform admin at `url`: a wrong password, then the password and TOTP enrolment
/// (at the real time: the binary's clock), a colleague created, a sign-in with a recovery
/// code, signing out. Returns every secret and name the logs must not hold.
async fn use_the_console_as_the_new_admin(url: &str) -> Vec<String> {
    let wrong = sign_in_raw(url, "root", "a wrong password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let (c, v) = password_step(url, "root", PW).await;
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
    let (c2, _) = password_step(url, "root", PW).await;
    let (st, _) = c2
        .post("/v1/session/mfa", json!({"recovery_code": recovery[0]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = c2.call(Method::DELETE, "/v1/session", None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
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
    secrets
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
    let outcomes: Vec<String> = store_entries(&s, Uuid::nil(), "admin.action")
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
