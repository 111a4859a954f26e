//! The dashboard: own consents only, withdrawn, updated, renewed and collected by the principal.

use super::token_for;
use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn a_principal_sees_and_withdraws_only_their_own_consents() {
    let (s, cat, mine, my_id) = start_with_consent("9876501234", all_granted()).await;
    let theirs = s.collect_ok(&cat, "someone-else-1", all_granted()).await;
    let (me, issued) = token_for(&s, "9876501234", None).await;
    assert_eq!(ts(&issued["expires_at"]), T0 + time::Duration::seconds(900));
    // The token names the principal only by pseudonym.
    assert!(!me.token.contains("9876501234"));

    let (st, list) = me.consents().await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], mine["id"]);
    assert_eq!(items[0]["principal_id"], "******1234");

    let (st, one) = me.get(&format!("/v1/me/consents/{my_id}")).await;
    assert_eq!(st, StatusCode::OK, "{one}");
    assert_eq!(one["history"].as_array().unwrap().len(), 1);

    // Someone else's artefact does not exist for this principal.
    let other = id_of(&theirs);
    for (method, path) in [
        (Method::GET, format!("/v1/me/consents/{other}")),
        (Method::POST, format!("/v1/me/consents/{other}/withdraw")),
        (Method::POST, format!("/v1/me/consents/{other}/renew")),
    ] {
        let (st, v) = me.call(method, &path, Some(json!({}))).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v["code"], "consent_not_found");
    }
    assert_eq!(
        s.validate("someone-else-1", "marketing").await["valid"],
        true
    );

    // Withdrawal as easy as giving: one call, effective for the very next validation.
    assert_eq!(s.validate("9876501234", "marketing").await["valid"], true);
    let (st, w) = me
        .act(&my_id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{w}");
    assert_eq!(purpose(&w, "marketing")["status"], "withdrawn");
    let v = s.validate("9876501234", "marketing").await;
    assert_eq!(v["valid"], false, "{v}");
    // The ledger says the principal did it.
    let e = s.audit_entries("consent.withdrawn").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["initiator"], "principal");
    let issued = s.audit_entries("principal.token_issued").await;
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0]["principal"], e[0]["principal"]);
    assert!(
        issued[0]["initiator"]
            .as_str()
            .unwrap()
            .starts_with("fiduciary:")
    );
}

#[tokio::test]
async fn a_principal_updates_and_renews_their_own_consent_and_it_is_recorded_as_theirs() {
    let (s, cat, _, id) = start_with_consent(
        "9876505678",
        decisions("granted", "denied", "granted", "granted"),
    )
    .await;
    let theirs = id_of(&s.collect_ok(&cat, "someone-else-2", all_granted()).await);
    // A token lives 15 minutes: each call gets a fresh one, as the clock moves by days here.
    let me = |verb: &str, id: &str, body: Value| {
        let (verb, id) = (verb.to_string(), id.to_string());
        let s = &s;
        async move {
            let (me, _) = token_for(s, "9876505678", None).await;
            me.act(&id, &verb, body).await
        }
    };
    // Someone else's consent cannot be touched.
    let (st, v) = me(
        "update",
        &theirs,
        json!({"decisions": {"marketing": "denied"}}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(
        s.validate("someone-else-2", "marketing").await["valid"],
        true
    );

    // The principal grants marketing themselves: no evidence needed, their call is the act.
    s.advance_days(1);
    let (st, v) = me(
        "update",
        &id,
        json!({"decisions": {"marketing": "granted"}, "method": "app", "session_id": "phone-1"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["initiator"], "principal");
    assert_eq!(v["method"], "app");
    assert_eq!(v["notice_version"], 1);
    assert_eq!(purpose(&v, "marketing")["status"], "active");
    assert_eq!(s.validate("9876505678", "marketing").await["valid"], true);

    // And renews everything in force, from now.
    s.advance_days(10);
    let (st, v) = me("renew", &id, json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["event"], "renewed");
    assert_eq!(v["initiator"], "principal");
    assert_eq!(v["method"], "web");
    assert!(
        v["session_id"].is_null(),
        "not copied from the collection: {v}"
    );
    assert_eq!(
        ts(&purpose(&v, "marketing")["expires_at"]),
        T0 + time::Duration::days(11 + 30)
    );
    // Bad input is refused and changes nothing.
    let (st, v) = me("renew", &id, json!({"decisions": {"marketing": "granted"}})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "invalid_body");
    let (st, v) = me(
        "update",
        &id,
        json!({"decisions": {"marketing": "granted"}, "method": "system"}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "invalid_method");

    // The ledger says the principal did each of these.
    for action in ["consent.updated", "consent.renewed"] {
        let e = s.audit_entries(action).await;
        assert!(!e.is_empty(), "{action}");
        assert!(
            e.iter().all(|e| e["initiator"] == "principal"),
            "{action}: {e:?}"
        );
    }
    let h = s.consent(&id).await["history"].as_array().unwrap().clone();
    assert_eq!(h.len(), 3);
}

/// Issue 17, item 3: a principal grants under the current notice themselves.
#[tokio::test]
async fn a_principal_collects_their_own_consent_under_the_current_notice() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    // Known to Anumodan only through the token the fiduciary asked for: no artefact yet.
    let (principal, _) = token_for(&s, "P-self-1", None).await;
    let me = |body: Value| principal.collect(body);
    let body = json!({"notice_id": cat.notice_id, "language": "hi",
        "decisions": decisions("granted", "denied", "granted", "granted")});
    let (st, a) = me(body.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["initiator"], "principal");
    assert_eq!(a["method"], "web");
    assert_eq!(a["notice_version"], 1);
    assert_eq!(a["language"], "hi");
    assert_ne!(a["principal_id"], "P-self-1", "masked on the way out");
    assert_eq!(s.validate("P-self-1", "account").await["reason"], "active");
    assert_eq!(
        s.validate("P-self-1", "marketing").await["reason"],
        "denied"
    );
    let collected = s.audit_entries("consent.collected").await;
    assert!(
        collected
            .iter()
            .filter(|e| e["artefact"] == a["id"])
            .all(|e| e["initiator"] == "principal")
    );
    // The fiduciary sees it among the principal's consents.
    assert_eq!(s.principal_items("P-self-1", "").await.len(), 1);

    // Bad requests change nothing.
    let size = ledger_size(&s).await;
    for (body, status, code) in [
        (
            json!({"notice_id": cat.notice_id, "language": "en", "decisions": {"account": "granted"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_decision",
        ),
        (
            json!({"notice_id": cat.notice_id, "language": "en", "decisions": all_granted(), "method": "system"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_method",
        ),
        (
            json!({"notice_id": "01a207d1-0000-7000-8000-000000000000", "language": "en", "decisions": all_granted()}),
            StatusCode::NOT_FOUND,
            "notice_not_found",
        ),
        (
            json!({"notice_id": cat.notice_id, "notice_version": 2, "language": "en", "decisions": all_granted()}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "notice_version_not_published",
        ),
    ] {
        let (st, v) = me(body.clone()).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (status, Some(code)),
            "{body}: {v}"
        );
    }
    assert_eq!(ledger_size(&s).await, size);
    // Only under the current version: once version 2 is out, version 1 is refused.
    let (_, n) = s.get(&format!("/v1/notices/{}", cat.notice_id)).await;
    let mut texts = n["texts"].clone();
    texts["en"]["summary"] = json!("A clearer summary.");
    let (st, v) = s
        .put(
            &format!("/v1/notices/{}", cat.notice_id),
            json!({"code": n["code"], "purposes": n["purposes"], "texts": texts}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = s.publish(&cat.notice_id, json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let mut old = body.clone();
    old["notice_version"] = json!(1);
    let (st, v) = me(old).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("notice_version_outdated")),
        "{v}"
    );
    let (st, v) = me(body.clone()).await;
    assert_eq!(
        (st, v["notice_version"].clone()),
        (StatusCode::CREATED, json!(2)),
        "{v}"
    );
    let (st, v) = s.principal("anp_forged").collect(body.clone()).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");

    // A principal whose data was erased is no longer known by their old token.
    let (st, v) = s.erase("P-self-1").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = me(body).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("principal_unknown")),
        "{v}"
    );
}
