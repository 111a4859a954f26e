//! The OpenAPI document and the health check.

use crate::harness::*;
use reqwest::StatusCode;

#[tokio::test]
async fn openapi_document_is_3_1_and_lists_every_route() {
    let s = TestServer::start().await;
    let (st, doc) = s
        .send(reqwest::Method::GET, "/openapi.json", None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/data-items", "post"),
        ("/v1/data-items", "get"),
        ("/v1/data-items/{code}", "get"),
        ("/v1/purposes", "post"),
        ("/v1/purposes", "get"),
        ("/v1/purposes/{code}", "get"),
        ("/v1/notices", "post"),
        ("/v1/notices", "get"),
        ("/v1/notices/{id}", "get"),
        ("/v1/notices/{id}", "put"),
        ("/v1/notices/{id}/publish", "post"),
        ("/v1/notices/{id}/versions", "get"),
        ("/v1/notices/{id}/versions/{version}", "get"),
        ("/v1/consents", "post"),
        ("/v1/consents/validate", "post"),
        ("/v1/consents/{id}", "get"),
        ("/v1/consents/{id}/update", "post"),
        ("/v1/consents/{id}/renew", "post"),
        ("/v1/consents/{id}/withdraw", "post"),
        ("/v1/principals/{principal_id}/consents", "get"),
        ("/v1/audit/entries", "get"),
        ("/v1/audit/entries/{index}", "get"),
        ("/v1/audit/checkpoints", "get"),
        ("/v1/audit/proofs/inclusion", "get"),
        ("/v1/audit/proofs/consistency", "get"),
        ("/.well-known/anumodan/ledger-key", "get"),
        ("/healthz", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    // Every documented operation is served (none answers 404 route_not_found or 405).
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let concrete = path
                .replace("{code}", "x")
                .replace("{id}", "00000000-0000-0000-0000-000000000000")
                .replace("{version}", "1")
                .replace("{index}", "0")
                .replace("{principal_id}", "p");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (st, v) = s.call(m, &concrete, Some(serde_json::json!({}))).await;
            assert!(
                st != StatusCode::METHOD_NOT_ALLOWED && v["code"] != "route_not_found",
                "{method} {path} is documented but not served: {st} {v}"
            );
        }
    }
    // The problem document and the validation reasons are part of the schema.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("Problem"));
    assert!(schemas.contains_key("Reason"));
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn healthz_answers_without_authentication() {
    let s = TestServer::start().await;
    let (st, v) = s.send(reqwest::Method::GET, "/healthz", None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["status"], "ok");
}
