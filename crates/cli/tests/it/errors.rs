//! Every error path of the API: RFC 9457 problem details with stable codes, and a rejected
//! request changes nothing. Ends with a fuzz-style test: no input makes the server answer 5xx.

use crate::common::*;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// ---------- helpers ----------

/// Sends and returns status, headers and the parsed body.
async fn raw(
    s: &TestServer,
    method: Method,
    path: &str,
    key: Option<&str>,
    content_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = s.client.request(method, format!("{}{}", s.url, path));
    if let Some(k) = key {
        req = req.header("authorization", k);
    }
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    if let Some(b) = body {
        req = req.body(b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, v)
}

/// A body for assertion messages, cut short.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 400 {
        format!("{}...", s.chars().take(400).collect::<String>())
    } else {
        s
    }
}

/// Asserts an RFC 9457 problem response with the given status and code.
fn assert_problem(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &Value,
    want_status: StatusCode,
    want_code: &str,
) {
    assert_eq!(status, want_status, "{}", short(body));
    assert_eq!(
        headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("application/problem+json"),
        "{}",
        short(body)
    );
    check_problem_body(body, want_status, want_code);
}

fn check_problem_body(body: &Value, want_status: StatusCode, want_code: &str) {
    let obj = body
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {}", short(body)));
    for f in ["type", "title", "status", "detail", "code"] {
        assert!(obj.contains_key(f), "problem without {f}: {}", short(body));
    }
    assert_eq!(body["code"], want_code, "{}", short(body));
    assert_eq!(body["status"], want_status.as_u16(), "{}", short(body));
    assert_eq!(
        body["type"],
        format!("urn:anumodan:problem:{want_code}"),
        "{}",
        short(body)
    );
    assert_eq!(
        body["title"],
        want_status.canonical_reason().unwrap(),
        "{}",
        short(body)
    );
    assert!(
        !body["detail"].as_str().unwrap().is_empty(),
        "empty detail: {}",
        short(body)
    );
}

/// Posts JSON with the server's key and checks the problem answer.
async fn post_problem(s: &TestServer, path: &str, body: Value, status: StatusCode, code: &str) {
    let key = format!("Bearer {}", s.key);
    let (st, h, v) = raw(
        s,
        Method::POST,
        path,
        Some(&key),
        Some("application/json"),
        Some(serde_json::to_vec(&body).unwrap()),
    )
    .await;
    assert_problem(st, &h, &v, status, code);
}

/// Posts JSON that the server must refuse as 422 invalid_body.
async fn post_invalid_body(s: &TestServer, path: &str, body: Value) {
    post_problem(
        s,
        path,
        body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
}

async fn get_problem(s: &TestServer, path: &str, status: StatusCode, code: &str) {
    let key = format!("Bearer {}", s.key);
    let (st, h, v) = raw(s, Method::GET, path, Some(&key), None, None).await;
    assert_problem(st, &h, &v, status, code);
}

/// Everything a rejected write could have changed, read back for comparison.
async fn snapshot(s: &TestServer, principals: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    for path in ["/v1/data-items", "/v1/purposes", "/v1/notices"] {
        let (st, v) = s.get(path).await;
        assert_eq!(st, StatusCode::OK);
        out.push(v);
    }
    let (_, notices) = s.get("/v1/notices").await;
    for n in notices.as_array().unwrap() {
        let (_, v) = s.get(&format!("/v1/notices/{}/versions", id_of(n))).await;
        out.push(v);
    }
    for p in principals {
        let items = principal_items(s, p, "").await;
        for a in &items {
            out.push(consent(s, &id_of(a)).await);
        }
        out.push(Value::Array(items));
    }
    out
}

/// Number of ledger entries per action (all actions that writes produce).
async fn audit_counts(s: &TestServer) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for action in [
        "data_item.created",
        "purpose.created",
        "notice.created",
        "notice.updated",
        "notice.published",
        "consent.collected",
        "consent.updated",
        "consent.renewed",
        "consent.withdrawn",
        "consent.expired",
        "consent.validated",
        "consent.rejected",
    ] {
        out.push((action.to_string(), audit_entries(s, action).await.len()));
    }
    out
}

/// The state before a run of rejected requests, to compare with the state after them.
struct Before {
    principals: Vec<String>,
    snapshot: Vec<Value>,
    counts: Vec<(String, usize)>,
}

impl Before {
    /// The snapshot of the catalogue and of `principals`' consents, and the ledger's counts.
    async fn take(s: &TestServer, principals: &[&str]) -> Before {
        Before {
            principals: principals.iter().map(|p| p.to_string()).collect(),
            snapshot: snapshot(s, principals).await,
            counts: audit_counts(s).await,
        }
    }

    /// Asserts that the rejected requests changed nothing and were not recorded.
    async fn assert_unchanged(&self, s: &TestServer) {
        let principals: Vec<&str> = self.principals.iter().map(String::as_str).collect();
        assert_eq!(
            snapshot(s, &principals).await,
            self.snapshot,
            "nothing changed"
        );
        assert_eq!(
            audit_counts(s).await,
            self.counts,
            "malformed requests are not recorded"
        );
    }
}

const MUTATING_ROUTES: [&str; 9] = [
    "/v1/data-items",
    "/v1/purposes",
    "/v1/notices",
    "/v1/notices/{notice}/publish",
    "/v1/consents",
    "/v1/consents/validate",
    "/v1/consents/{consent}/update",
    "/v1/consents/{consent}/renew",
    "/v1/consents/{consent}/withdraw",
];

fn route(template: &str, notice: &str, consent: &str) -> String {
    template
        .replace("{notice}", notice)
        .replace("{consent}", consent)
}

// ---------- problem details and authentication ----------

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
    assert!(principal_items(&s, "p-auth-2", "").await.is_empty());
    assert_eq!(audit_counts(&s).await, before.counts);
    // The real key still works.
    assert_eq!(s.validate("p-auth", "account").await["valid"], true);
}

// ---------- malformed bodies ----------

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
    let wrong_shapes: Vec<(String, Value)> = vec![
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
            json!({"principal_id": "p", "notice_id": cat.notice_id, "notice_version": -1, "language": "en", "decisions": all_granted(), "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": cat.notice_id, "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "carrier-pigeon"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": cat.notice_id, "notice_version": 1, "language": "en", "decisions": ["account"], "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": cat.notice_id, "notice_version": 1, "language": "en", "decisions": {"account": "GRANTED"}, "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": 7, "notice_id": cat.notice_id, "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "web"}),
        ),
        (
            "/v1/consents".into(),
            json!({"principal_id": "p", "notice_id": cat.notice_id, "notice_version": 1, "language": "en", "decisions": all_granted(), "method": "web", "requires_guardian": true, "guardian": {"principal_id": "g"}}),
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
    ];
    for (path, body) in wrong_shapes {
        post_invalid_body(&s, &path, body).await;
    }

    assert_eq!(
        snapshot(&s, &["p-body", "p"]).await[..before.snapshot.len()],
        before.snapshot[..]
    );
    assert!(principal_items(&s, "p", "").await.is_empty());
    assert_eq!(audit_counts(&s).await, before.counts);
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
        .send(
            Method::PUT,
            &format!("/v1/notices/{}", cat.notice_id),
            Some(&s.key),
            Some(json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}, "version": 5})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    check_problem_body(&v, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");

    before.assert_unchanged(&s).await;
    assert_eq!(s.validate("p-unknown", "marketing").await["valid"], true);
}

// ---------- paths, queries, routes, methods ----------

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
        .send(
            Method::PUT,
            "/v1/notices/nope",
            Some(&s.key),
            Some(json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}})),
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
    collect_ok(&s, &cat, "p-q", all_granted()).await;
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
        principal_items(&s, "p-q", "?status=active&limit=200")
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
    for path in [
        "/",
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

// ---------- content rules ----------

#[tokio::test]
async fn unsupported_languages_are_rejected() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let before = Before::take(&s, &["p-lang"]).await;
    for lang in ["fr", "en-GB", "en-IN", "hi-Latn", "", "xx", "english", "zh"] {
        let bodies: Vec<(&str, Value)> = vec![
            (
                "/v1/data-items",
                json!({"code": "aadhaar", "name": {lang: "Aadhaar"}, "category": "id"}),
            ),
            (
                "/v1/purposes",
                json!({"code": "survey", "name": {lang: "Survey"}, "description": {lang: "Survey"},
                                     "data_items": ["email"], "mandatory": false, "validity_days": 10, "retention_days": 10}),
            ),
            (
                "/v1/notices",
                json!({"code": "n-lang", "purposes": ["account"], "texts": {lang: notice_text("en")}}),
            ),
            (
                "/v1/consents",
                json!({"principal_id": "p-lang", "notice_id": cat.notice_id, "notice_version": 1,
                                     "language": lang, "decisions": all_granted(), "method": "web"}),
            ),
        ];
        for (path, body) in bodies {
            post_invalid_body(&s, path, body).await;
        }
    }
    // Supported but not in this notice.
    post_problem(
        &s,
        "/v1/consents",
        json!({"principal_id": "p-lang", "notice_id": cat.notice_id, "notice_version": 1,
               "language": "ur", "decisions": all_granted(), "method": "web"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "language_not_in_notice",
    )
    .await;
    // A notice in a language its purposes have no names in cannot be shown whole.
    post_problem(
        &s,
        "/v1/notices",
        json!({"code": "n-ta", "purposes": ["account"], "texts": {"ta": notice_text("ta")}}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_translation",
    )
    .await;
    before.assert_unchanged(&s).await;
}

#[tokio::test]
async fn invalid_catalogue_values_are_422_and_change_nothing() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let before = Before::take(&s, &[]).await;
    let item = |code: &str, name: Value, category: &str| json!({"code": code, "name": name, "category": category});
    let long_code = "a".repeat(65);
    for (body, code) in [
        (item("", json!({"en": "x"}), "id"), "invalid_code"),
        (item("Aadhaar", json!({"en": "x"}), "id"), "invalid_code"),
        (item("aad haar", json!({"en": "x"}), "id"), "invalid_code"),
        (item("-aadhaar", json!({"en": "x"}), "id"), "invalid_code"),
        (item("_aadhaar", json!({"en": "x"}), "id"), "invalid_code"),
        (item("आधार", json!({"en": "x"}), "id"), "invalid_code"),
        (item(&long_code, json!({"en": "x"}), "id"), "invalid_code"),
        (item("aadhaar", json!({"en": "x"}), "ID"), "invalid_code"),
        (item("aadhaar", json!({"en": "x"}), ""), "invalid_code"),
        (item("aadhaar", json!({}), "id"), "missing_translation"),
        (item("aadhaar", json!({"en": ""}), "id"), "invalid_text"),
        (item("aadhaar", json!({"en": "   "}), "id"), "invalid_text"),
        (
            item("aadhaar", json!({"en": "a\u{0}b"}), "id"),
            "invalid_text",
        ),
        (
            item("aadhaar", json!({"en": "x".repeat(201)}), "id"),
            "invalid_text",
        ),
    ] {
        post_problem(
            &s,
            "/v1/data-items",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    // The longest valid code is accepted (and then exists).
    let max_code = "a".repeat(64);
    let purpose = |f: &dyn Fn(&mut Value)| {
        let mut p = json!({"code": "survey", "name": {"en": "Survey", "hi": "सर्वेक्षण"}, "description": {"en": "A survey", "hi": "एक सर्वेक्षण"},
                           "data_items": ["email"], "mandatory": false, "validity_days": 30, "retention_days": 30});
        f(&mut p);
        p
    };
    for (body, code) in [
        (purpose(&|p| p["code"] = json!("Survey!")), "invalid_code"),
        (
            purpose(&|p| p["validity_days"] = json!(0)),
            "invalid_validity",
        ),
        (
            purpose(&|p| p["validity_days"] = json!(3651)),
            "invalid_validity",
        ),
        (
            purpose(&|p| p["retention_days"] = json!(36501)),
            "invalid_retention",
        ),
        (
            purpose(&|p| p["data_items"] = json!([])),
            "invalid_data_items",
        ),
        (
            purpose(&|p| p["data_items"] = json!(["email", "email"])),
            "invalid_data_items",
        ),
        (
            purpose(&|p| p["data_items"] = json!(["aadhaar"])),
            "unknown_data_item",
        ),
        (purpose(&|p| p["name"] = json!({})), "missing_translation"),
        (purpose(&|p| p["name"] = json!({"en": ""})), "invalid_text"),
        (
            purpose(&|p| p["description"] = json!({"en": "A survey"})),
            "missing_translation",
        ),
        (
            purpose(&|p| p["description"]["en"] = json!("")),
            "invalid_text",
        ),
        (
            purpose(&|p| p["description"]["en"] = json!("x".repeat(4001))),
            "invalid_text",
        ),
        (
            purpose(&|p| p["legal_basis"] = json!("legal_obligation")),
            "legal_reference_required",
        ),
        (
            purpose(&|p| p["legal_basis"] = json!("legitimate_use")),
            "legal_reference_required",
        ),
        (
            purpose(&|p| {
                p["legal_basis"] = json!("legal_obligation");
                p["legal_reference"] = json!(" ");
            }),
            "invalid_text",
        ),
    ] {
        post_problem(
            &s,
            "/v1/purposes",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    let notice = |f: &dyn Fn(&mut Value)| {
        let mut n = json!({"code": "survey-notice", "purposes": ["account", "marketing"],
                           "texts": {"en": notice_text("en"), "hi": notice_text("hi")}});
        f(&mut n);
        n
    };
    for (body, code) in [
        (
            notice(&|n| n["code"] = json!("Survey Notice")),
            "invalid_code",
        ),
        (notice(&|n| n["purposes"] = json!([])), "invalid_purposes"),
        (
            notice(&|n| n["purposes"] = json!(["account", "account"])),
            "invalid_purposes",
        ),
        (
            notice(&|n| n["purposes"] = json!(["account", "survey"])),
            "unknown_purpose",
        ),
        (notice(&|n| n["texts"] = json!({})), "missing_translation"),
        (
            notice(&|n| n["texts"]["en"]["title"] = json!("")),
            "invalid_text",
        ),
        (
            notice(&|n| n["texts"]["hi"]["rights"] = json!(" \n ")),
            "invalid_text",
        ),
        (
            notice(&|n| n["texts"]["en"]["grievance_contact"] = json!("x".repeat(1001))),
            "invalid_text",
        ),
        (
            notice(&|n| n["texts"]["en"]["summary"] = json!("bell\u{7}")),
            "invalid_text",
        ),
    ] {
        post_problem(
            &s,
            "/v1/notices",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    // Editing a draft follows the same rules, and the code is fixed.
    let notice_path = format!("/v1/notices/{}", cat.notice_id);
    let put = |body: Value| s.send(Method::PUT, &notice_path, Some(&s.key), Some(body));
    for (body, code) in [
        (
            json!({"code": "renamed", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
            "code_immutable",
        ),
        (
            json!({"code": "registration", "purposes": [], "texts": {"en": notice_text("en")}}),
            "invalid_purposes",
        ),
        (
            json!({"code": "registration", "purposes": ["account"], "texts": {"ta": notice_text("ta")}}),
            "missing_translation",
        ),
    ] {
        let (st, v) = put(body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        check_problem_body(&v, StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    before.assert_unchanged(&s).await;
    let (_, n) = s.get(&format!("/v1/notices/{}", cat.notice_id)).await;
    assert_eq!(n["draft_changed"], false);

    let (st, v) = s
        .post("/v1/data-items", item(&max_code, json!({"en": "x"}), "id"))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn invalid_lifecycle_requests_are_422_and_change_nothing() {
    let (s, cat, _, id) = start_with_consent("p-inv", all_granted()).await;
    let before = Before::take(&s, &["p-inv", "p-inv-2"]).await;
    let collect = |f: &dyn Fn(&mut Value)| {
        let mut b = json!({"principal_id": "p-inv-2", "notice_id": cat.notice_id, "notice_version": 1,
                           "language": "en", "decisions": all_granted(), "method": "web", "session_id": "s"});
        f(&mut b);
        b
    };
    let guardian =
        json!({"principal_id": "g", "relationship": "parent", "verification_method": "digilocker"});
    for (body, code) in [
        (
            collect(&|b| b["principal_id"] = json!("")),
            "invalid_principal_id",
        ),
        (
            collect(&|b| b["principal_id"] = json!("x".repeat(257))),
            "invalid_principal_id",
        ),
        (
            collect(&|b| b["principal_id"] = json!("p\nq")),
            "invalid_principal_id",
        ),
        (collect(&|b| b["session_id"] = json!("")), "invalid_text"),
        (
            collect(&|b| b["session_id"] = json!("s".repeat(129))),
            "invalid_text",
        ),
        (
            collect(&|b| b["notice_id"] = json!(uuid::Uuid::now_v7())),
            "notice_not_found",
        ),
        (
            collect(&|b| b["notice_version"] = json!(0)),
            "notice_version_not_published",
        ),
        (
            collect(&|b| b["notice_version"] = json!(2)),
            "notice_version_not_published",
        ),
        (
            collect(&|b| b["language"] = json!("bn")),
            "language_not_in_notice",
        ),
        (collect(&|b| b["decisions"] = json!({})), "missing_decision"),
        (
            collect(&|b| b["decisions"]["survey"] = json!("denied")),
            "unknown_purpose",
        ),
        (
            collect(&|b| {
                b["requires_guardian"] = json!(true);
                b["guardian"] = guardian.clone();
            }),
            "guardian_adult_required",
        ),
        (
            collect(&|b| b["method"] = json!("system")),
            "invalid_method",
        ),
        (
            collect(&|b| b["requires_guardian"] = json!(true)),
            "guardian_required",
        ),
        (
            collect(&|b| {
                b["requires_guardian"] = json!(true);
                b["guardian"] = guardian.clone();
                b["guardian"]["principal_id"] = json!("");
            }),
            "invalid_principal_id",
        ),
        (
            collect(&|b| {
                b["guardian"] = guardian.clone();
                b["guardian"]["relationship"] = json!("Best Friend");
            }),
            "invalid_code",
        ),
        (
            collect(&|b| {
                b["guardian"] = guardian.clone();
                b["guardian"]["verification_ref"] = json!("");
            }),
            "invalid_text",
        ),
    ] {
        post_problem(
            &s,
            "/v1/consents",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    for (body, code) in [
        (
            json!({"principal_id": "", "purpose": "account"}),
            "invalid_principal_id",
        ),
        (
            json!({"principal_id": "p-inv", "purpose": ""}),
            "invalid_code",
        ),
        (
            json!({"principal_id": "p-inv", "purpose": "Account"}),
            "invalid_code",
        ),
        (
            json!({"principal_id": "p-inv", "purpose": "account", "data_items": ["Not A Code"]}),
            "invalid_code",
        ),
    ] {
        post_problem(
            &s,
            "/v1/consents/validate",
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    for (suffix, body, code) in [
        ("update", json!({"decisions": {}}), "empty_decisions"),
        (
            "update",
            json!({"decisions": {"survey": "granted"}}),
            "unknown_purpose",
        ),
        ("renew", json!({"purposes": []}), "empty_purposes"),
        ("renew", json!({"purposes": ["survey"]}), "unknown_purpose"),
        // A fiduciary's renewal without evidence of the principal's action.
        (
            "renew",
            json!({"purposes": ["marketing"]}),
            "principal_action_required",
        ),
        (
            "renew",
            json!({"purposes": ["marketing"], "method": "app"}),
            "principal_action_required",
        ),
        (
            "renew",
            json!({"purposes": ["marketing"], "method": "app", "notice_version": 2}),
            "notice_version_not_published",
        ),
        (
            "renew",
            json!({"purposes": ["marketing"], "method": "app", "notice_version": 1, "language": "ta"}),
            "language_not_in_notice",
        ),
        (
            "renew",
            json!({"purposes": ["marketing"], "method": "system", "notice_version": 1}),
            "invalid_method",
        ),
        (
            "update",
            json!({"decisions": {"marketing": "denied"}, "session_id": ""}),
            "invalid_text",
        ),
        (
            "withdraw",
            json!({"purposes": ["marketing"], "notice_version": 1}),
            "invalid_body",
        ),
        ("withdraw", json!({"purposes": []}), "empty_purposes"),
        (
            "withdraw",
            json!({"purposes": ["survey"]}),
            "unknown_purpose",
        ),
        (
            "withdraw",
            json!({"purposes": ["marketing", "survey"]}),
            "unknown_purpose",
        ),
    ] {
        post_problem(
            &s,
            &format!("/v1/consents/{id}/{suffix}"),
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    before.assert_unchanged(&s).await;
    assert!(principal_items(&s, "p-inv-2", "").await.is_empty());
    assert_eq!(s.validate("p-inv", "marketing").await["valid"], true);

    // Validating a purpose never defined is refused too, but it is an answer to a fiduciary's
    // question, so it is recorded (one entry, outcome unknown_purpose) and nothing else changes.
    let validated = audit_entries(&s, "consent.validated").await.len();
    post_problem(
        &s,
        "/v1/consents/validate",
        json!({"principal_id": "p-inv", "purpose": "survey"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_purpose",
    )
    .await;
    let after = audit_entries(&s, "consent.validated").await;
    assert_eq!(after.len(), validated + 1);
    assert_eq!(after.last().unwrap()["outcome"], "unknown_purpose");
}

#[tokio::test]
async fn conflicts_are_409_and_change_nothing_but_the_record_of_the_attempt() {
    let (s, cat, _, id) = start_with_consent(
        "p-conf",
        decisions("granted", "denied", "granted", "granted"),
    )
    .await;
    let before = Before::take(&s, &["p-conf"]).await;

    for (path, body) in [
        (
            "/v1/data-items",
            json!({"code": "pan", "name": {"en": "Permanent Account Number"}, "category": "tax", "sensitive": false}),
        ),
        (
            "/v1/purposes",
            json!({"code": "marketing", "name": {"en": "M"}, "description": {"en": "M"}, "data_items": ["name"],
                                 "mandatory": true, "validity_days": 1, "retention_days": 1}),
        ),
        (
            "/v1/notices",
            json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        ),
    ] {
        post_problem(&s, path, body, StatusCode::CONFLICT, "already_exists").await;
    }
    post_problem(
        &s,
        &format!("/v1/notices/{}/publish", cat.notice_id),
        json!({}),
        StatusCode::CONFLICT,
        "already_published",
    )
    .await;
    // The originals are unchanged.
    let (_, pan) = s.get("/v1/data-items/pan").await;
    assert_eq!(pan["name"], json!({"en": "PAN", "hi": "पैन"}));
    assert_eq!(pan["sensitive"], true);
    assert_eq!(audit_counts(&s).await, before.counts);

    // Lifecycle conflicts: refused, no new version, but each attempt is recorded.
    let mut rejected = 0;
    for (suffix, body, code, named) in [
        (
            "update",
            json!({"decisions": {"account": "granted"}}),
            "no_change",
            1,
        ),
        (
            "update",
            json!({"decisions": {"marketing": "denied", "analytics": "granted"}}),
            "no_change",
            2,
        ),
        (
            "renew",
            json!({"purposes": ["marketing"]}),
            "not_renewable",
            1,
        ),
        (
            "withdraw",
            json!({"purposes": ["marketing"]}),
            "not_active",
            1,
        ),
    ] {
        post_problem(
            &s,
            &format!("/v1/consents/{id}/{suffix}"),
            body,
            StatusCode::CONFLICT,
            code,
        )
        .await;
        rejected += named;
        let r = audit_entries(&s, "consent.rejected").await;
        assert_eq!(r.len(), rejected);
        assert_eq!(r.last().unwrap()["outcome"], code);
        assert_eq!(r.last().unwrap()["artefact"], id.as_str());
    }
    assert_eq!(snapshot(&s, &["p-conf"]).await, before.snapshot);
    let mut expected = before.counts.clone();
    for (action, n) in &mut expected {
        if action == "consent.rejected" {
            *n += rejected;
        }
    }
    assert_eq!(audit_counts(&s).await, expected);
}

// ---------- fuzz ----------

/// SplitMix64: a tiny seeded generator, so every run posts the same bodies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn random_string(rng: &mut Rng) -> String {
    const PIECES: [&str; 24] = [
        "",
        "a",
        "account",
        "marketing",
        "tax_records",
        "en",
        "hi",
        "granted",
        "denied",
        "web",
        "Ünïcödé",
        "नाम",
        "اردو",
        "\u{0}",
        "\u{7f}",
        "\n",
        "\"",
        "\\",
        "'; DROP TABLE artefacts; --",
        "%s%n",
        "../../etc/passwd",
        "00000000-0000-0000-0000-000000000000",
        "2026-01-15T10:00:00Z",
        "🙂",
    ];
    let mut s = String::new();
    for _ in 0..rng.below(4) {
        let piece: &str = PIECES[rng.below(PIECES.len())];
        s.push_str(piece);
    }
    if rng.below(10) == 0 {
        s.push_str(&"x".repeat(rng.below(5000)));
    }
    s
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(*rng.pick(&[
            0i64,
            1,
            -1,
            2,
            365,
            3650,
            3651,
            i64::MAX,
            i64::MIN,
            u32::MAX as i64,
            u32::MAX as i64 + 1
        ])),
        3 => json!(*rng.pick(&[0.5f64, -0.0, 1e308, -1e-308])),
        4 | 5 => Value::String(random_string(rng)),
        6 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(4))
                .map(|_| (random_string(rng), random_value(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// Mutates one place in a JSON value: drop, replace, retype or add a field, or recurse.
fn mutate(rng: &mut Rng, v: &mut Value) {
    match v {
        Value::Object(map) if !map.is_empty() && rng.below(4) != 0 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let k = rng.pick(&keys).clone();
            match rng.below(5) {
                0 => {
                    map.remove(&k);
                }
                1 => {
                    map.insert(k, random_value(rng, 1));
                }
                2 => {
                    let key = random_string(rng);
                    map.insert(key, random_value(rng, 1));
                }
                _ => mutate(rng, map.get_mut(&k).unwrap()),
            }
        }
        Value::Array(items) if !items.is_empty() && rng.below(4) != 0 => {
            let i = rng.below(items.len());
            match rng.below(3) {
                0 => {
                    items.remove(i);
                }
                1 => items.push(random_value(rng, 1)),
                _ => mutate(rng, &mut items[i]),
            }
        }
        _ => *v = random_value(rng, 1),
    }
}

/// Turns a body into bytes, sometimes corrupted at the byte level.
fn to_bytes(rng: &mut Rng, v: &Value) -> Vec<u8> {
    let mut b = serde_json::to_vec(v).unwrap();
    match rng.below(8) {
        0 if !b.is_empty() => {
            let cut = rng.below(b.len());
            b.truncate(cut);
        }
        1 if !b.is_empty() => {
            let i = rng.below(b.len());
            b[i] = rng.next() as u8;
        }
        2 => b = (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
        _ => {}
    }
    b
}

#[tokio::test]
async fn fuzzed_bodies_never_cause_a_server_error() {
    let (s, cat, _, id) = start_with_consent("p-fuzz", all_granted()).await;
    let valid_bodies: Vec<(&str, Value)> = vec![
        (
            "/v1/data-items",
            json!({"code": "aadhaar", "name": {"en": "Aadhaar", "hi": "आधार"}, "category": "id", "sensitive": true}),
        ),
        (
            "/v1/purposes",
            json!({"code": "survey", "name": {"en": "Survey"}, "description": {"en": "A survey"}, "data_items": ["email"],
                   "mandatory": false, "validity_days": 30, "retention_days": 30, "legal_basis": "consent"}),
        ),
        (
            "/v1/notices",
            json!({"code": "fuzz", "purposes": ["account", "marketing"], "texts": {"en": notice_text("en")}}),
        ),
        ("/v1/notices/{notice}/publish", json!({})),
        (
            "/v1/consents",
            json!({"principal_id": "p-fuzz-2", "notice_id": cat.notice_id, "notice_version": 1, "language": "hi",
                   "decisions": all_granted(), "method": "app", "session_id": "s-1", "requires_guardian": false,
                   "guardian": {"principal_id": "g", "relationship": "parent", "verification_method": "digilocker", "verification_ref": "r", "adult": true}}),
        ),
        (
            "/v1/consents/validate",
            json!({"principal_id": "p-fuzz", "purpose": "account", "data_items": ["name"]}),
        ),
        (
            "/v1/consents/{consent}/update",
            json!({"decisions": {"marketing": "denied", "analytics": "granted"}}),
        ),
        (
            "/v1/consents/{consent}/renew",
            json!({"purposes": ["marketing", "account"]}),
        ),
        (
            "/v1/consents/{consent}/withdraw",
            json!({"purposes": ["marketing"]}),
        ),
    ];
    assert_eq!(valid_bodies.len(), MUTATING_ROUTES.len());

    let mut rng = Rng(0x5EED_A11D_CAFE_F00D);
    let mut seen = std::collections::BTreeMap::<u16, usize>::new();
    const PER_ROUTE: usize = 60;
    for (template, valid) in &valid_bodies {
        let path = route(template, &cat.notice_id, &id);
        for i in 0..PER_ROUTE {
            let mut body = valid.clone();
            for _ in 0..=rng.below(3) {
                mutate(&mut rng, &mut body);
            }
            let bytes = to_bytes(&mut rng, &body);
            let (st, h, v) = raw(
                &s,
                Method::POST,
                &path,
                Some(&format!("Bearer {}", s.key)),
                Some("application/json"),
                Some(bytes.clone()),
            )
            .await;
            assert!(
                !st.is_server_error(),
                "{path} case {i}: {st} for {:?}: {v}",
                String::from_utf8_lossy(&bytes)
            );
            if st.is_client_error() {
                assert_eq!(
                    h.get("content-type").map(|v| v.to_str().unwrap()),
                    Some("application/problem+json"),
                    "{path}: {v}"
                );
                assert_eq!(v["status"], st.as_u16(), "{path}: {v}");
                assert!(v["code"].is_string(), "{path}: {v}");
            }
            *seen.entry(st.as_u16()).or_default() += 1;
        }
        let (st, v) = s.send(Method::GET, "/healthz", None, None).await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    assert_eq!(
        seen.values().sum::<usize>(),
        PER_ROUTE * MUTATING_ROUTES.len()
    );
    assert!(
        seen.len() >= 3,
        "the fuzzer should reach several answers: {seen:?}"
    );

    // Still healthy, still consistent: every artefact's history is a chain.
    let (st, v) = s.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    for p in ["p-fuzz", "p-fuzz-2"] {
        for item in principal_items(&s, p, "").await {
            let got = consent(&s, &id_of(&item)).await;
            for (i, version) in got["history"].as_array().unwrap().iter().enumerate() {
                assert_eq!(version["version"], i + 1);
            }
        }
    }
    let v = s.validate("p-fuzz", "account").await;
    assert!(v["reason"].is_string());
}
