//! A key is created, listed, rotated and revoked, each with immediate effect.

use super::{assert_problem, catalogue_read, listed, names, root_key_id, str_set, strings};
use crate::harness::*;
use anumodan_core::clock::Clock;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn a_key_is_created_listed_rotated_and_revoked_with_immediate_effect() {
    let s = TestServer::start().await;
    let root_id = root_key_id(&s).await;
    let scopes = ["catalog.read", "consent.validate"];

    // Created: the secret is in the answer, this once.
    let (st, created) = s.create_key("billing-validator", Some(&scopes)).await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    let id = id_of(&created);
    let secret = created["api_key"].as_str().unwrap().to_string();
    assert!(secret.starts_with("anm_"), "{secret}");
    assert!(secret.len() >= 40, "a short secret: {secret}");
    assert_eq!(created["name"], "billing-validator");
    assert_eq!(str_set(&created["scopes"]), names(&scopes));
    listed_without_its_secret(&s, &id, &secret, &scopes).await;

    // The key works for its scopes only.
    assert_eq!(catalogue_read(&s, &secret).await, StatusCode::OK);
    let (st, v) = s.api_as(&secret).get("/v1/keys").await;
    assert_problem(
        st,
        &v,
        StatusCode::FORBIDDEN,
        "forbidden",
        "list with a narrow key",
    );
    let secret2 = rotated_at_once(&s, &id, &secret, &scopes).await;
    revoked_at_once(&s, &id, &secret, &secret2).await;
    refused_when_revoked_or_unknown(&s, &id).await;
    // The root key is untouched by all this.
    assert_eq!(catalogue_read(&s, &s.key).await, StatusCode::OK);
    each_change_in_the_ledger_once(&s, &id, &root_id).await;
}

/// Listed with name, prefix and scopes, and no secret anywhere.
async fn listed_without_its_secret(s: &TestServer, id: &str, secret: &str, scopes: &[&str]) {
    let list = s.list_keys().await;
    let k = listed(&list, id);
    assert_eq!(k["name"], "billing-validator");
    assert_eq!(str_set(&k["scopes"]), names(scopes));
    let prefix = k["prefix"].as_str().unwrap();
    assert!(
        prefix.starts_with("anm_") && secret.starts_with(prefix),
        "{prefix}"
    );
    assert!(
        prefix.len() < secret.len() / 2,
        "the prefix gives away the secret: {prefix}"
    );
    assert!(k["revoked_at"].is_null(), "{k}");
    ts(&k["created_at"]);
    let mut all = Vec::new();
    strings(&Value::Array(list.clone()), &mut all);
    for x in &all {
        assert!(
            !x.contains(secret) && !x.contains(&s.key),
            "the listing holds a secret: {x}"
        );
        assert!(
            !["api_key", "secret", "key_hash", "hash"].contains(&x.as_str()),
            "the listing has a {x} field"
        );
    }
}

/// Rotated: same id, name and scopes, a new secret (returned); the old one is refused at once
/// (it was just used, so it sat in the authentication cache).
async fn rotated_at_once(s: &TestServer, id: &str, secret: &str, scopes: &[&str]) -> String {
    assert_eq!(catalogue_read(s, secret).await, StatusCode::OK);
    let (st, rotated) = s.rotate_key(id).await;
    assert_eq!(st, StatusCode::OK, "{rotated}");
    assert_eq!(rotated["id"], id);
    assert_eq!(rotated["name"], "billing-validator");
    assert_eq!(str_set(&rotated["scopes"]), names(scopes));
    let secret2 = rotated["api_key"].as_str().unwrap().to_string();
    assert!(secret2.starts_with("anm_"), "{secret2}");
    assert_ne!(secret2, secret);
    let (st, v) = s.api_as(secret).get("/v1/data-items").await;
    assert_problem(
        st,
        &v,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "old secret after rotation",
    );
    assert_eq!(catalogue_read(s, &secret2).await, StatusCode::OK);
    let list = s.list_keys().await;
    let k = listed(&list, id);
    assert!(secret2.starts_with(k["prefix"].as_str().unwrap()), "{k}");
    assert!(k["revoked_at"].is_null(), "{k}");
    secret2
}

/// Revoked: refused at once (the new secret was just used, so it was cached), still listed.
async fn revoked_at_once(s: &TestServer, id: &str, secret: &str, secret2: &str) {
    let (st, v) = s.revoke_key(id).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (st, v) = s.api_as(secret2).get("/v1/data-items").await;
    assert_problem(
        st,
        &v,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "secret after revocation",
    );
    assert_eq!(catalogue_read(s, secret).await, StatusCode::UNAUTHORIZED);
    let list = s.list_keys().await;
    let k = listed(&list, id);
    assert_eq!(ts(&k["revoked_at"]), s.clock.now());
}

/// A revoked key cannot be revoked or rotated again; nor can a key that never existed.
async fn refused_when_revoked_or_unknown(s: &TestServer, id: &str) {
    let (st, v) = s.revoke_key(id).await;
    assert_problem(
        st,
        &v,
        StatusCode::NOT_FOUND,
        "key_not_found",
        "revoke twice",
    );
    let (st, v) = s.rotate_key(id).await;
    assert_problem(
        st,
        &v,
        StatusCode::NOT_FOUND,
        "key_not_found",
        "rotate a revoked key",
    );
    let unknown = "00000000-0000-7000-8000-000000000000";
    let (st, v) = s.revoke_key(unknown).await;
    assert_problem(
        st,
        &v,
        StatusCode::NOT_FOUND,
        "key_not_found",
        "revoke unknown",
    );
    let (st, v) = s.rotate_key(unknown).await;
    assert_problem(
        st,
        &v,
        StatusCode::NOT_FOUND,
        "key_not_found",
        "rotate unknown",
    );
    let (st, v) = s.revoke_key("not-a-uuid").await;
    assert_problem(
        st,
        &v,
        StatusCode::BAD_REQUEST,
        "invalid_path",
        "revoke malformed id",
    );
}

/// Each change is in the ledger once, naming the key and who did it (the root key,
/// `root_id`); refusals are not.
async fn each_change_in_the_ledger_once(s: &TestServer, id: &str, root_id: &str) {
    for action in ["api_key.created", "api_key.rotated", "api_key.revoked"] {
        let entries: Vec<Value> = s
            .audit_entries(action)
            .await
            .into_iter()
            .filter(|e| e["outcome"] == id)
            .collect();
        assert_eq!(entries.len(), 1, "{action}: {entries:?}");
        assert_eq!(
            entries[0]["initiator"],
            format!("fiduciary:{root_id}"),
            "{action}"
        );
        assert_eq!(entries[0]["fiduciary"], s.fiduciary_id.as_str(), "{action}");
    }
    assert_eq!(s.audit_entries("api_key.rotated").await.len(), 1);
    assert_eq!(s.audit_entries("api_key.revoked").await.len(), 1);
}
