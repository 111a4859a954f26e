//! Problem details and authentication: every error is a problem document; no key, no entry.

use super::{Before, assert_problem, audit_counts, raw, snapshot};
use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// method, path, Authorization header, content type, body, expected status and code.
type ProblemCase<'a> = (
    Method,
    String,
    Option<&'a str>,
    Option<&'a str>,
    Option<Vec<u8>>,
    StatusCode,
    &'a str,
);

#[tokio::test]
async fn every_error_is_a_problem_document_with_a_stable_code() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let key = format!("Bearer {}", s.key);
    let k = Some(key.as_str());
    let json_ct = Some("application/json");

    let cases: Vec<ProblemCase> = vec![
        (
            Method::POST,
            "/v1/data-items".into(),
            k,
            json_ct,
            Some(b"{".to_vec()),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            Method::GET,
            "/v1/consents/xyz".into(),
            k,
            None,
            None,
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            Method::GET,
            "/v1/principals/p/consents?limit=0".into(),
            k,
            None,
            None,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            Method::GET,
            "/v1/purposes".into(),
            None,
            None,
            None,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            Method::GET,
            "/v1/nothing-here".into(),
            k,
            None,
            None,
            StatusCode::NOT_FOUND,
            "route_not_found",
        ),
        (
            Method::GET,
            format!("/v1/consents/{}", uuid::Uuid::now_v7()),
            k,
            None,
            None,
            StatusCode::NOT_FOUND,
            "consent_not_found",
        ),
        (
            Method::DELETE,
            "/v1/purposes".into(),
            k,
            None,
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            Method::POST,
            format!("/v1/notices/{}/publish", cat.notice_id),
            k,
            json_ct,
            Some(b"{}".to_vec()),
            StatusCode::CONFLICT,
            "already_published",
        ),
        (
            Method::POST,
            "/v1/data-items".into(),
            k,
            json_ct,
            Some(vec![b' '; 70 * 1024]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            Method::POST,
            "/v1/data-items".into(),
            k,
            Some("text/plain"),
            Some(b"{}".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            Method::POST,
            "/v1/data-items".into(),
            k,
            json_ct,
            Some(b"{\"code\": 1}".to_vec()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            Method::POST,
            "/v1/consents/validate".into(),
            k,
            json_ct,
            Some(br#"{"principal_id": "p", "purpose": "nope"}"#.to_vec()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_purpose",
        ),
    ];
    for (method, path, key, ct, body, status, code) in cases {
        let (st, h, v) = raw(&s, method.clone(), &path, key, ct, body).await;
        assert_problem(st, &h, &v, status, code);
        if status == StatusCode::UNAUTHORIZED {
            assert_eq!(h["www-authenticate"], "Bearer");
        }
    }
}

#[tokio::test]
async fn requests_without_a_valid_api_key_are_refused() {
    let (s, cat, _, id) = start_with_consent("p-auth", all_granted()).await;
    let before = Before::take(&s, &["p-auth"]).await;

    let long = format!("Bearer {}", "k".repeat(300));
    let wrong_scheme = format!("Basic {}", s.key);
    let no_space = format!("Bearer{}", s.key);
    let bad_keys: Vec<Option<&str>> = vec![
        None,
        Some(""),
        Some("Bearer"),
        Some("Bearer "),
        Some("Bearer    "),
        Some("Bearer anm_not-a-real-key"),
        Some("Bearer \u{1}garbage"),
        Some("garbage"),
        Some(&wrong_scheme),
        Some(&no_space),
        Some(&long),
    ];
    let targets: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/v1/data-items".into(), None),
        (Method::GET, "/v1/purposes/account".into(), None),
        (Method::GET, format!("/v1/notices/{}", cat.notice_id), None),
        (Method::GET, format!("/v1/consents/{id}"), None),
        (Method::GET, "/v1/principals/p-auth/consents".into(), None),
        (Method::GET, "/v1/audit/entries".into(), None),
        (
            Method::POST,
            "/v1/data-items".into(),
            Some(json!({"code": "aadhaar", "name": {"en": "Aadhaar"}, "category": "id"})),
        ),
        (
            Method::POST,
            "/v1/consents".into(),
            Some(
                json!({"principal_id": "p-auth-2", "notice_id": cat.notice_id, "notice_version": 1,
                        "language": "en", "decisions": all_granted(), "method": "web"}),
            ),
        ),
        (
            Method::POST,
            "/v1/consents/validate".into(),
            Some(json!({"principal_id": "p-auth", "purpose": "account"})),
        ),
        (
            Method::POST,
            format!("/v1/consents/{id}/withdraw"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/v1/consents/{id}/update"),
            Some(json!({"decisions": {"marketing": "denied"}})),
        ),
        (
            Method::POST,
            format!("/v1/consents/{id}/renew"),
            Some(json!({})),
        ),
        (
            Method::PUT,
            format!("/v1/notices/{}", cat.notice_id),
            Some(
                json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
            ),
        ),
    ];
    for key in &bad_keys {
        for (method, path, body) in &targets {
            // A value that cannot be sent as a header is not a request at all.
            if key.is_some_and(|k| reqwest::header::HeaderValue::from_str(k).is_err()) {
                continue;
            }
            let (st, h, v) = raw(
                &s,
                method.clone(),
                path,
                *key,
                body.as_ref().map(|_| "application/json"),
                body.as_ref().map(|b| serde_json::to_vec(b).unwrap()),
            )
            .await;
            assert_problem(st, &h, &v, StatusCode::UNAUTHORIZED, "unauthorized");
            assert_eq!(h["www-authenticate"], "Bearer", "{key:?} {path}");
        }
    }
    // Even a body that is broken in every way is answered 401 first, without looking at it.
    let (st, h, v) = raw(
        &s,
        Method::POST,
        "/v1/consents",
        None,
        Some("application/json"),
        Some(b"{not json".to_vec()),
    )
    .await;
    assert_problem(st, &h, &v, StatusCode::UNAUTHORIZED, "unauthorized");

    assert_eq!(
        snapshot(&s, &["p-auth", "p-auth-2"]).await[..before.snapshot.len()],
        before.snapshot[..]
    );
    assert!(s.principal_items("p-auth-2", "").await.is_empty());
    assert_eq!(audit_counts(&s).await, before.counts);
    // The real key still works.
    assert_eq!(s.validate("p-auth", "account").await["valid"], true);
}
