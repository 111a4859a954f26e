//! Bad paths and queries are 400, unknown routes 404, wrong methods 405.

use super::{Before, assert_problem, check_problem_body, get_problem, post_problem, raw};
use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn bad_path_parameters_are_400() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let before = Before::take(&s, &[]).await;
    let n = &cat.notice_id;
    for path in [
        "/v1/consents/not-a-uuid".to_string(),
        "/v1/consents/123".to_string(),
        format!("/v1/consents/{}x", uuid::Uuid::now_v7()),
        "/v1/notices/abc".to_string(),
        "/v1/notices/abc/versions".to_string(),
        "/v1/notices/abc/versions/1".to_string(),
        format!("/v1/notices/{n}/versions/abc"),
        format!("/v1/notices/{n}/versions/-1"),
        format!("/v1/notices/{n}/versions/1.5"),
        format!("/v1/notices/{n}/versions/99999999999"),
    ] {
        get_problem(&s, &path, StatusCode::BAD_REQUEST, "invalid_path").await;
    }
    for path in [
        "/v1/consents/nope/update",
        "/v1/consents/nope/renew",
        "/v1/consents/nope/withdraw",
        "/v1/notices/nope/publish",
    ] {
        post_problem(
            &s,
            path,
            json!({"decisions": {"marketing": "denied"}}),
            StatusCode::BAD_REQUEST,
            "invalid_path",
        )
        .await;
    }
    let (st, v) = s
        .put(
            "/v1/notices/nope",
            json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    check_problem_body(&v, StatusCode::BAD_REQUEST, "invalid_path");
    // Well-formed ids that do not exist: 404.
    let ghost = uuid::Uuid::now_v7();
    get_problem(
        &s,
        &format!("/v1/notices/{ghost}"),
        StatusCode::NOT_FOUND,
        "notice_not_found",
    )
    .await;
    get_problem(
        &s,
        &format!("/v1/notices/{ghost}/versions"),
        StatusCode::NOT_FOUND,
        "notice_not_found",
    )
    .await;
    get_problem(
        &s,
        &format!("/v1/notices/{ghost}/versions/1"),
        StatusCode::NOT_FOUND,
        "notice_version_not_found",
    )
    .await;
    for (suffix, body) in [
        ("update", json!({"decisions": {"marketing": "denied"}})),
        ("renew", json!({})),
        ("withdraw", json!({"purposes": ["marketing"]})),
    ] {
        post_problem(
            &s,
            &format!("/v1/consents/{ghost}/{suffix}"),
            body,
            StatusCode::NOT_FOUND,
            "consent_not_found",
        )
        .await;
    }
    post_problem(
        &s,
        &format!("/v1/notices/{ghost}/publish"),
        json!({}),
        StatusCode::NOT_FOUND,
        "notice_not_found",
    )
    .await;
    // Principal ids are checked too.
    get_problem(
        &s,
        "/v1/principals/%01/consents",
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_principal_id",
    )
    .await;
    before.assert_unchanged(&s).await;
}

#[tokio::test]
async fn bad_query_parameters_are_400() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    s.collect_ok(&cat, "p-q", all_granted()).await;
    for q in [
        "status=granted",
        "status=ACTIVE",
        "status=",
        "from=yesterday",
        "from=2026-01-15",
        "to=2026-13-01T00:00:00Z",
        "to=1700000000",
        "limit=0",
        "limit=201",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "cursor=not-a-cursor",
        "page=2",
        "sort=asc",
    ] {
        get_problem(
            &s,
            &format!("/v1/principals/p-q/consents?{q}"),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        )
        .await;
    }
    let n = &cat.notice_id;
    for q in ["language=fr", "language=en-GB", "language=", "lang=en"] {
        get_problem(
            &s,
            &format!("/v1/notices/{n}/versions/1?{q}"),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        )
        .await;
    }
    for q in [
        "action=consent.exploded",
        "limit=0",
        "limit=1001",
        "cursor=abc",
        "from=soon",
        "colour=red",
    ] {
        get_problem(
            &s,
            &format!("/v1/audit/entries?{q}"),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        )
        .await;
    }
    // The valid forms are accepted.
    assert_eq!(
        s.principal_items("p-q", "?status=active&limit=200")
            .await
            .len(),
        1
    );
    let (st, _) = s
        .get(&format!("/v1/notices/{n}/versions/1?language=HI"))
        .await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let before = Before::take(&s, &[]).await;
    let key = format!("Bearer {}", s.key);
    // (`/` is the home page: errors::routes does not cover pages, web::home does.)
    for path in [
        "/no-such-page",
        "/v1",
        "/v1/",
        "/v2/consents",
        "/v1/consent",
        "/v1/fiduciaries",
        "/v1/data-items/pan/extra",
        "/v1/consents/validate/now",
    ] {
        for key in [Some(key.as_str()), None] {
            let (st, h, v) = raw(&s, Method::GET, path, key, None, None).await;
            assert_problem(st, &h, &v, StatusCode::NOT_FOUND, "route_not_found");
        }
    }
    let n = &cat.notice_id;
    for (method, path) in [
        (Method::DELETE, "/v1/data-items".to_string()),
        (Method::PUT, "/v1/data-items".to_string()),
        (Method::PATCH, "/v1/purposes".to_string()),
        (Method::DELETE, "/v1/purposes/account".to_string()),
        (Method::POST, "/v1/purposes/account".to_string()),
        (Method::DELETE, format!("/v1/notices/{n}")),
        (Method::POST, format!("/v1/notices/{n}")),
        (Method::GET, format!("/v1/notices/{n}/publish")),
        (Method::PUT, format!("/v1/notices/{n}/versions/1")),
        (Method::GET, "/v1/consents".to_string()),
        (Method::PUT, "/v1/consents".to_string()),
        (
            Method::DELETE,
            format!("/v1/consents/{}", uuid::Uuid::now_v7()),
        ),
        (
            Method::GET,
            format!("/v1/consents/{}/withdraw", uuid::Uuid::now_v7()),
        ),
        (Method::POST, "/v1/principals/p/consents".to_string()),
        (Method::POST, "/healthz".to_string()),
        (Method::DELETE, "/openapi.json".to_string()),
    ] {
        let (st, h, v) = raw(&s, method.clone(), &path, Some(&key), None, None).await;
        assert_problem(
            st,
            &h,
            &v,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        );
    }
    before.assert_unchanged(&s).await;
}
