//! No escalation through key creation or rotation.

use super::{assert_problem, catalogue_read, root_key_id};
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_key_cannot_grant_what_it_does_not_hold_nor_what_keys_may_not_hold() {
    let s = TestServer::start().await;
    let (_, admin) = s
        .new_key("key-admin", &["keys.manage", "consent.validate"])
        .await;
    let before = s.list_keys().await;
    let created_before = s.audit_entries("api_key.created").await.len();

    // Scopes the creating key lacks: 403, also hidden among held ones or behind the defaults.
    for scopes in [
        Some(vec!["pii.unmask"]),
        Some(vec!["consent.collect"]),
        Some(vec!["consent.validate", "pii.unmask"]),
        Some(vec!["keys.manage", "principal.erase"]),
        None,
    ] {
        let (st, v) = s
            .api_as(&admin)
            .create_key("escalated", scopes.as_deref())
            .await;
        assert_problem(
            st,
            &v,
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("{scopes:?}"),
        );
    }
    // Scopes no key may hold, unknown ones and an empty list: 422, even for the root key.
    for (key, scopes) in [
        (&s.key, vec!["consent.everything"]),
        (&s.key, vec!["staff.manage"]),
        (&s.key, vec!["roles.manage"]),
        (&s.key, vec!["fiduciary.manage"]),
        (&s.key, vec!["catalog.read", "fiduciary.manage"]),
        (&s.key, vec![]),
        (&admin, vec!["staff.manage"]),
    ] {
        let (st, v) = s.api_as(key).create_key("bad-scopes", Some(&scopes)).await;
        assert_problem(
            st,
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_scopes",
            &format!("{scopes:?}"),
        );
    }
    // A blank name.
    for name in ["", "   ", "a\u{7}b"] {
        let (st, v) = s.create_key(name, Some(&["catalog.read"])).await;
        assert_problem(
            st,
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
            &format!("{name:?}"),
        );
    }
    let (st, v) = s
        .create_key(&"n".repeat(101), Some(&["catalog.read"]))
        .await;
    assert_problem(
        st,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_name",
        "101 characters",
    );

    // Nothing was created.
    assert_eq!(s.list_keys().await, before);
    assert_eq!(
        s.audit_entries("api_key.created").await.len(),
        created_before
    );

    // What the key does hold, it may grant.
    let (st, v) = s
        .api_as(&admin)
        .create_key("validator", Some(&["consent.validate"]))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["scopes"], json!(["consent.validate"]));
    assert_eq!(s.list_keys().await.len(), before.len() + 1);
}

/// Rotation hands out a new secret for an existing key. A key holding `keys.manage` but not
/// `pii.unmask` must not obtain, by rotating it, the secret of a key that holds `pii.unmask`:
/// that would grant a scope the caller does not hold, which key creation refuses.
#[tokio::test]
async fn a_key_cannot_take_over_or_lock_out_a_broader_key() {
    let s = TestServer::start().await;
    let (_, admin) = s
        .new_key("key-admin", &["keys.manage", "catalog.read"])
        .await;
    let (dpo_id, dpo) = s.new_key("dpo", &["pii.unmask", "catalog.read"]).await;
    let root_id = root_key_id(&s).await;

    for target in [&dpo_id, &root_id] {
        let (st, v) = s.api_as(&admin).rotate_key(target).await;
        assert_problem(
            st,
            &v,
            StatusCode::FORBIDDEN,
            "forbidden",
            "rotate a broader key",
        );
        assert!(v.get("api_key").is_none(), "{v}");
        let (st, v) = s.api_as(&admin).revoke_key(target).await;
        assert_problem(
            st,
            &v,
            StatusCode::FORBIDDEN,
            "forbidden",
            "revoke a broader key",
        );
    }
    // Both keys still work with their secrets.
    assert_eq!(catalogue_read(&s, &dpo).await, StatusCode::OK);
    assert_eq!(catalogue_read(&s, &s.key).await, StatusCode::OK);
    // A key no broader than the caller's may be rotated and revoked.
    let (narrow_id, _) = s.new_key("narrow", &["catalog.read"]).await;
    let (st, v) = s.api_as(&admin).rotate_key(&narrow_id).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = s.api_as(&admin).revoke_key(&narrow_id).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
}
