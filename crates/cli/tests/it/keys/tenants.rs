//! Tenant isolation of keys, and of the whole route table.

use super::{assert_problem, catalogue_read, key_ids, prepare, root_key_id, table};
use crate::harness::*;
use reqwest::StatusCode;

#[tokio::test]
async fn a_fiduciary_cannot_see_rotate_or_revoke_another_fiduciarys_keys() {
    let s = TestServer::start().await;
    let (_, b_key) = s.create_fiduciary("B").await;
    let a_root = root_key_id(&s).await;
    let (a_id, a_secret) = s.new_key("a-integration", &["catalog.read"]).await;
    let a_before = s.list_keys().await;
    let a_ids = key_ids(&a_before);

    // B sees only its own keys.
    let b_list = s.api_as(&b_key).list_keys().await;
    assert_eq!(b_list.len(), 1, "{b_list:?}");
    let b_root = id_of(&b_list[0]);
    assert!(key_ids(&b_list).is_disjoint(&a_ids), "{b_list:?}");
    assert!(!key_ids(&a_before).contains(&b_root));

    // A's keys are unknown to B (404, as for a key that does not exist).
    assert_eq!(catalogue_read(&s, &a_secret).await, StatusCode::OK);
    for id in [&a_id, &a_root] {
        let (st, v) = s.api_as(&b_key).rotate_key(id).await;
        assert_problem(
            st,
            &v,
            StatusCode::NOT_FOUND,
            "key_not_found",
            "B rotates A's key",
        );
        assert!(v.get("api_key").is_none(), "{v}");
        let (st, v) = s.api_as(&b_key).revoke_key(id).await;
        assert_problem(
            st,
            &v,
            StatusCode::NOT_FOUND,
            "key_not_found",
            "B revokes A's key",
        );
    }

    // A's keys work and are unchanged; no key change was recorded for A.
    assert_eq!(catalogue_read(&s, &a_secret).await, StatusCode::OK);
    assert_eq!(catalogue_read(&s, &s.key).await, StatusCode::OK);
    assert_eq!(s.list_keys().await, a_before);
    assert!(s.audit_entries("api_key.rotated").await.is_empty());
    assert!(s.audit_entries("api_key.revoked").await.is_empty());
    // And B's own key still works for B.
    assert_eq!(s.api_as(&b_key).list_keys().await, b_list);
}

/// Tenant isolation over the whole route table: fiduciary B's root key (every scope) on every
/// request made for fiduciary A. Routes naming one of A's resources in the path answer 404
/// exactly as for a resource that does not exist; no answer to B contains any of A's ids.
#[tokio::test]
async fn another_fiduciary_gets_404_on_every_route_and_never_sees_the_first_ones_ids() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let t = prepare(&s, &cat).await;
    let routes = table(&t, &cat);
    let (_, b_key) = s.create_fiduciary("B").await;
    let a_ids = [
        t.notice_id.as_str(),
        t.draft_id.as_str(),
        t.consent_id.as_str(),
        t.withdraw_id.as_str(),
        t.rotate_key.as_str(),
        t.revoke_key.as_str(),
        t.processor_id.as_str(),
        t.rotate_endpoint.as_str(),
        t.delete_endpoint.as_str(),
        s.fiduciary_id.as_str(),
    ];
    let before = s.list_keys().await;
    for r in &routes {
        let what = format!("{} {} with B's key", r.method, r.path);
        let (st, v) = s
            .api_as(&b_key)
            .call(r.method.clone(), &r.path, r.body.clone())
            .await;
        let text = v.to_string();
        for id in a_ids {
            assert!(!text.contains(id), "{what}: A's id {id} in {v}");
        }
        // A principal id is the fiduciary's own name for a person: B's principal "P-main" is
        // someone else, with no consents (an empty list, as for any unknown principal).
        // Templates are named by event and language, retention policies by category, not by
        // one of A's ids (B's are its own);
        // confirming an alert takes a processor's key, which B's root key is not (403).
        let names_a_resource = r.template.contains('{')
            && !r.template.starts_with("/v1/audit/")
            && !r.template.starts_with("/v1/principals/{principal_id}")
            && !r.template.starts_with("/v1/notification-templates/")
            && !r.template.starts_with("/v1/retention/policies/")
            && r.template != "/v1/alerts/{id}/acknowledge";
        if names_a_resource {
            assert_eq!(st, StatusCode::NOT_FOUND, "{what}: {v}");
            // The same answer as for an id that does not exist.
            let fake = r
                .path
                .replace(&t.notice_id, &uuid::Uuid::now_v7().to_string());
            let fake = [
                &t.draft_id,
                &t.consent_id,
                &t.withdraw_id,
                &t.rotate_key,
                &t.revoke_key,
                &t.processor_id,
                &t.rotate_endpoint,
                &t.delete_endpoint,
            ]
            .iter()
            .fold(fake, |p, id| {
                p.replace(id.as_str(), &uuid::Uuid::now_v7().to_string())
            });
            if fake != r.path {
                let (st2, v2) = s
                    .api_as(&b_key)
                    .call(r.method.clone(), &fake, r.body.clone())
                    .await;
                assert_eq!(
                    (st2, &v2["code"]),
                    (st, &v["code"]),
                    "{what} vs a missing id"
                );
            }
        }
    }
    // Nothing of A changed: its keys all still there and live.
    assert_eq!(s.list_keys().await, before);
    assert_eq!(
        s.consent(&t.withdraw_id).await["purposes"][0]["status"],
        "active"
    );
}
