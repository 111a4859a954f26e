//! Malformed bodies and unknown fields are refused, and change nothing.

use super::{
    Before, MUTATING_ROUTES, assert_problem, audit_counts, check_problem_body, post_invalid_body,
    raw, route, snapshot,
};
use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn malformed_bodies_are_rejected_and_change_nothing() {
    let (s, cat, _, id) = start_with_consent("p-body", all_granted()).await;
    let before = Before::take(&s, &["p-body"]).await;
    let key = format!("Bearer {}", s.key);
    let k = Some(key.as_str());

    for template in MUTATING_ROUTES {
        let path = route(template, &cat.notice_id, &id);
        // Malformed JSON: 400 invalid_json (publish takes no body, so it ignores it).
        if !template.ends_with("/publish") {
            for body in [
                &b"{"[..],
                b"{\n  ",
                b"not json",
                b"{,}",
                b"{\"cod",
                b"\"unterminated",
            ]
            .into_iter()
            .chain(
                // Trailing data after a complete value (only detectable where `{}` is valid).
                (template.ends_with("/renew") || template.ends_with("/withdraw"))
                    .then_some(&b"{} trailing"[..]),
            ) {
                let (st, h, v) = raw(
                    &s,
                    Method::POST,
                    &path,
                    k,
                    Some("application/json"),
                    Some(body.to_vec()),
                )
                .await;
                assert_problem(st, &h, &v, StatusCode::BAD_REQUEST, "invalid_json");
            }
        }
        // Oversize: 413 body_too_large, whatever the route.
        let mut big = b"{\"purposes\": [\"".to_vec();
        big.extend(std::iter::repeat_n(b'a', 65 * 1024));
        big.extend(b"\"]}");
        let (st, h, v) = raw(
            &s,
            Method::POST,
            &path,
            k,
            Some("application/json"),
            Some(big),
        )
        .await;
        assert_problem(st, &h, &v, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    }
    // Missing content type on the routes that take a required JSON body: 415.
    for template in [
        "/v1/data-items",
        "/v1/purposes",
        "/v1/notices",
        "/v1/consents",
        "/v1/consents/validate",
        "/v1/consents/{consent}/update",
    ] {
        let path = route(template, &cat.notice_id, &id);
        for ct in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
        ] {
            let (st, h, v) = raw(&s, Method::POST, &path, k, ct, Some(b"{}".to_vec())).await;
            assert_problem(
                st,
                &h,
                &v,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            );
        }
    }
    let (st, h, v) = raw(
        &s,
        Method::PUT,
        &format!("/v1/notices/{}", cat.notice_id),
        k,
        None,
        Some(b"{}".to_vec()),
    )
    .await;
    assert_problem(
        st,
        &h,
        &v,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );

    // Well-formed JSON of the wrong shape: 422 invalid_body.
    let wrong_shapes = wrong_shapes(&cat.notice_id, &id);
    for (path, body) in wrong_shapes {
        post_invalid_body(&s, &path, body).await;
    }

    assert_eq!(
        snapshot(&s, &["p-body", "p"]).await[..before.snapshot.len()],
        before.snapshot[..]
    );
    assert!(s.principal_items("p", "").await.is_empty());
    assert_eq!(audit_counts(&s).await, before.counts);
}

/// Well-formed JSON of the wrong shape for each route (`id` the consent, `notice_id` the
/// notice): each is refused with 422 `invalid_body`.
fn wrong_shapes(notice_id: &str, id: &str) -> Vec<(String, Value)> {
    vec![
        ("/v1/data-items".into(), json!([])),
        ("/v1/data-items".into(), json!({"code": "x"})),
        (
            "/v1/data-items".into(),
            json!({"code": 5, "name": {"en": "x"}, "category": "c"}),
        ),
        (
            "/v1/data-items".into(),
            json!({"code": "x", "name": "x", "category": "c"}),
        ),
        (
            "/v1/data-items".into(),
            json!({"code": "x", "name": {"en": "x"}, "category": "c", "sensitive": "yes"}),
        ),
        (
            "/v1/purposes".into(),
            json!({"code": "p", "name": {"en": "P"}, "description": {"en": "P"}, "data_items": ["name"], "mandatory": "no", "validity_days": 1, "retention_days": 1}),
        ),
        (
            "/v1/purposes".into(),
            json!({"code": "p", "name": {"en": "P"}, "description": {"en": "P"}, "data_items": ["name"], "mandatory": false, "validity_days": -1, "retention_days": 1}),
        ),
        (
            "/v1/purposes".into(),
            json!({"code": "p", "name": {"en": "P"}, "description": {"en": "P"}, "data_items": ["name"], "mandatory": false, "validity_days": 1, "retention_days": 1, "legal_basis": "because"}),
        ),
        (
            "/v1/notices".into(),
            json!({"code": "n", "purposes": "account", "texts": {}}),
        ),
        (
            "/v1/notices".into(),
            json!({"code": "n", "purposes": ["account"], "texts": {"en": {"title": "only a title"}}}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": "not-a-uuid", "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": notice_id, "notice_version": -1, "language": "en", "decisions": all_granted(), "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": notice_id, "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "carrier-pigeon"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": notice_id, "notice_version": 1, "language": "en", "decisions": ["account"], "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": notice_id, "notice_version": 1, "language": "en", "decisions": {"account": "GRANTED"}, "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": 7, "notice_id": notice_id, "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": notice_id, "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "web", "requires_guardian": true, "guardian": {"principal_id": "g"}}),
        ),
        ("/v1/consents/validate".into(), json!({"principal_id": "p"})),
        (
            "/v1/consents/validate".into(),
            json!({"principal_id": "p", "purpose": "account", "data_items": "name"}),
        ),
        (format!("/v1/consents/{id}/update"), json!({})),
        (
            format!("/v1/consents/{id}/update"),
            json!({"decisions": {"marketing": "maybe"}}),
        ),
        (
            format!("/v1/consents/{id}/renew"),
            json!({"purposes": "marketing"}),
        ),
        (
            format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": [1, 2]}),
        ),
        (format!("/v1/consents/{id}/withdraw"), json!("marketing")),
    ]
}

#[tokio::test]
async fn unknown_fields_are_rejected_everywhere() {
    let (s, cat, _, id) = start_with_consent("p-unknown", all_granted()).await;
    let before = Before::take(&s, &["p-unknown", "p-unknown-2"]).await;

    let mut text = notice_text("en");
    text["footer"] = json!("extra");
    let bodies: Vec<(String, Value)> = vec![
        (
            "/v1/data-items".into(),
            json!({"code": "aadhaar", "name": {"en": "Aadhaar"}, "category": "id", "colour": "red"}),
        ),
        (
            "/v1/purposes".into(),
            json!({"code": "survey", "name": {"en": "Survey"}, "description": {"en": "Survey"}, "data_items": ["email"],
                                        "mandatory": false, "validity_days": 10, "retention_days": 10, "default": "granted"}),
        ),
        (
            "/v1/notices".into(),
            json!({"code": "n2", "purposes": ["account"], "texts": {"en": notice_text("en")}, "published": true}),
        ),
        (
            "/v1/notices".into(),
            json!({"code": "n3", "purposes": ["account"], "texts": {"en": text}}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p-unknown-2", "notice_id": cat.notice_id, "notice_version": 1, "language": "en",
                                        "decisions": all_granted(), "method": "web", "pre_checked": true}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p-unknown-2", "notice_id": cat.notice_id, "notice_version": 1, "language": "en",
                                        "decisions": all_granted(), "method": "web", "requires_guardian": true,
                                        "guardian": {"principal_id": "g", "relationship": "parent", "verification_method": "digilocker", "age": 40}}),
        ),
        (
            "/v1/consents/validate".into(),
            json!({"principal_id": "p-unknown", "purpose": "account", "strict": false}),
        ),
        (
            format!("/v1/consents/{id}/update"),
            json!({"decisions": {"marketing": "denied"}, "reason": "x"}),
        ),
        (
            format!("/v1/consents/{id}/renew"),
            json!({"purposes": ["marketing"], "days": 999}),
        ),
        (
            format!("/v1/consents/{id}/withdraw"),
            json!({"purposes": ["marketing"], "force": true}),
        ),
        (
            format!("/v1/consents/{id}/withdraw"),
            json!({"purpose": ["marketing"]}),
        ),
    ];
    for (path, body) in bodies {
        post_invalid_body(&s, &path, body).await;
    }
    let (st, v) = s
        .put_notice(
            &cat.notice_id,
            json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}, "version": 5}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    check_problem_body(&v, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");

    before.assert_unchanged(&s).await;
    assert_eq!(s.validate("p-unknown", "marketing").await["valid"], true);
}
