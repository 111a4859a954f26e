//! The logs at the most verbose level hold no personal data and no secret.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// A full run at the most verbose log level: consents collected for a principal whose id is a
/// mobile number, with a guardian, validated, withdrawn, unmasked and erased, plus refused
/// requests carrying the same values. The logs name none of the personal data nor any secret.
#[tokio::test]
async fn logs_never_hold_personal_data_or_secrets() {
    let t = temp();
    let dir = t.path().join("data");
    let (fid, key) = create_fiduciary(&dir, "Log Check Corporation");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut cmd = serve(&dir, port);
    cmd.env("ANUMODAN_LOG", "trace");
    let mut p = Proc::spawn(cmd, t.path(), "serve-log");
    p.wait_healthy(&url).await;
    let api = FiduciaryClient::new(http(), &url, &key);
    let notice = api.seed_small().await;

    let principal = "9812345678";
    let guardian = "guardian-7766554433";
    let reference = "DL-REF-55443322";
    let wrong_key = "anm_thisIsNotAKeyButLooksLikeOne0123456789abcdef";
    let reason = "grievance GRV-LOGCHECK-991";
    let email = "ravi.logcheck@example.in";
    let (st, a) = api
        .post(
            "/v1/consents",
            json!({"notice_id": notice, "notice_version": 1, "principal_id": principal, "language": "en",
                   "decisions": {"account": "granted", "marketing": "granted"}, "method": "web",
                   "guardian": {"principal_id": guardian, "relationship": "parent",
                                "verification_method": "digilocker", "verification_ref": reference, "adult": true}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    for (path, body) in [
        (
            "/v1/consents/validate".to_string(),
            json!({"principal_id": principal, "purpose": "marketing"}),
        ),
        (
            format!("/v1/consents/{id}/unmask"),
            json!({"reason": reason}),
        ),
        (
            format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": ["marketing"]}),
        ),
        (
            "/v1/principals/contacts".to_string(),
            json!({"principal_id": principal, "contact": email}),
        ),
        (
            "/v1/principal-signin/start".to_string(),
            json!({"fiduciary_id": fid, "contact": email}),
        ),
    ] {
        let (st, v) = api.post(&path, body).await;
        assert!(st.is_success(), "{path}: {v}");
    }
    // The sign-in code goes out through the outbox (the log channel); then erase.
    let deadline = Deadline::after(PROCESS_WAIT);
    while !p.logs().contains("outbox message delivered") {
        deadline
            .tick(Duration::from_millis(50), || {
                format!("no delivery:\n{}", p.logs())
            })
            .await;
    }
    let (st, v) = api.erase(principal).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = api
        .get(&format!("/v1/principals/{principal}/consents"))
        .await;
    assert_eq!(st, StatusCode::OK);
    // Refused requests that carry the same values.
    let (st, _) = api
        .api_as(wrong_key)
        .post(
            "/v1/consents/validate",
            json!({"principal_id": principal, "purpose": "marketing"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = api
        .post(
            "/v1/consents/validate",
            json!({"principal_id": principal, "purpose": "marketing", "unknown": guardian}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let res = api
        .client
        .post(format!("{url}/v1/consents"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(format!("{{\"principal_id\": \"{principal}\", broken"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());

    assert!(p.terminate(), "kill -TERM failed");
    let status = p.wait_exit().await;
    assert!(status.success(), "{}", p.logs());
    let logs = p.logs();
    // The logs are not empty: the search below looks at real output.
    assert!(logs.contains("anumodan serving"), "{logs}");
    assert!(logs.matches("request").count() >= 15, "{logs}");
    for secret in [
        principal,
        guardian,
        reference,
        reason,
        &key,
        wrong_key,
        &key[4..],
    ] {
        assert!(!logs.contains(secret), "{secret:?} appears in the logs");
    }
    // Nor in any file of the data directory but the database, where it is encrypted (the
    // database itself is searched in the ledger tests).
    let keys_dir = dir.join("keys");
    for e in std::fs::read_dir(&keys_dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(principal), "{}", path.display());
        }
    }
}
