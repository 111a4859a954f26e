//! A key created without scopes gets the default scopes, and behaves so.

use super::{assert_problem, listed, names, str_set};
use crate::harness::*;
use anumodan_core::authz::default_key_scopes;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn a_key_created_without_scopes_gets_the_default_scopes() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let cid = id_of(&s.collect_ok(&cat, "P-1", all_granted()).await);
    let expected = names(&[
        "catalog.read",
        "catalog.write",
        "consent.collect",
        "consent.validate",
        "consent.read",
        "consent.manage",
        "audit.read",
        "principal.token",
        "events.read",
        "alerts.read",
    ]);
    assert_eq!(
        default_key_scopes()
            .iter()
            .map(|p| p.to_string())
            .collect::<BTreeSet<_>>(),
        expected
    );

    let (st, v) = s.create_key("integration", None).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(str_set(&v["scopes"]), expected);
    let id = id_of(&v);
    let key = v["api_key"].as_str().unwrap().to_string();
    let list = s.list_keys().await;
    let listed_scopes = str_set(&listed(&list, &id)["scopes"]);
    assert_eq!(listed_scopes, expected);
    for p in ["pii.unmask", "principal.erase", "keys.manage"] {
        assert!(!listed_scopes.contains(p), "{p}");
    }

    // And the key behaves so: it integrates, but cannot unmask, erase or manage keys.
    let (st, v) = s
        .api_as(&key)
        .call(
            Method::POST,
            "/v1/consents/validate",
            Some(json!({"principal_id": "P-1", "purpose": "account"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    for (method, path, body) in [
        (
            Method::POST,
            format!("/v1/consents/{cid}/unmask"),
            Some(json!({"reason": "checking defaults"})),
        ),
        (
            Method::POST,
            "/v1/principals/erase".to_string(),
            Some(json!({"principal_id": "P-1"})),
        ),
        (Method::GET, "/v1/keys".to_string(), None),
    ] {
        let (st, v) = s.api_as(&key).call(method, &path, body).await;
        assert_problem(st, &v, StatusCode::FORBIDDEN, "forbidden", &path);
    }
}
