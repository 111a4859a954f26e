//! Fiduciaries are isolated: another fiduciary's key sees and touches nothing of the first's.

use super::ids;
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn fiduciaries_are_isolated() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let a = s.collect_ok(&cat, "shared-principal", all_granted()).await;
    let id = id_of(&a);
    let (_, key_b) = s.create_fiduciary("Other Fiduciary").await;
    let b_api = s.api_as(&key_b);

    // B sees nothing of A.
    for path in ["/v1/data-items", "/v1/purposes", "/v1/notices"] {
        let (st, v) = b_api.get(path).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(v, json!([]), "{path}");
    }
    for (path, code) in [
        (format!("/v1/notices/{}", cat.notice_id), "notice_not_found"),
        (
            format!("/v1/notices/{}/versions", cat.notice_id),
            "notice_not_found",
        ),
        (
            format!("/v1/notices/{}/versions/1", cat.notice_id),
            "notice_version_not_found",
        ),
        (format!("/v1/consents/{id}"), "consent_not_found"),
        ("/v1/purposes/account".to_string(), "purpose_not_found"),
        ("/v1/data-items/pan".to_string(), "data_item_not_found"),
    ] {
        let (st, v) = b_api.get(&path).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v["code"], code, "{path}");
    }
    for (path, body) in [
        (
            format!("/v1/consents/{id}/update"),
            json!({"decisions": {"marketing": "denied"}}),
        ),
        (format!("/v1/consents/{id}/renew"), json!({})),
        (format!("/v1/consents/{id}/withdraw"), json!({})),
    ] {
        let (st, v) = b_api.post(&path, body).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v["code"], "consent_not_found");
    }
    let (st, v) = b_api.publish(&cat.notice_id, json!({})).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let (st, v) = b_api
        .put_notice(
            &cat.notice_id,
            json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let (st, v) = b_api
        .post(
            "/v1/consents",
            json!({"principal_id": "shared-principal", "notice_id": cat.notice_id, "notice_version": 1,
                   "language": "en", "decisions": all_granted(), "method": "web"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "notice_not_found");
    let (st, v) = b_api.get("/v1/principals/shared-principal/consents").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["items"], json!([]));
    let (st, v) = b_api
        .post(
            "/v1/consents/validate",
            json!({"principal_id": "shared-principal", "purpose": "account"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "unknown_purpose");
    let (_, v) = b_api.get("/v1/audit/entries?limit=1000").await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["fiduciary"] != s.fiduciary_id.as_str()),
        "{v}"
    );

    // B defines the same codes and the same principal id: still separate.
    let cat_b = b_api.seed().await;
    let b = b_api
        .collect_ok(
            &cat_b,
            "shared-principal",
            decisions("granted", "denied", "denied", "denied"),
        )
        .await;
    assert_ne!(cat_b.notice_id, cat.notice_id);
    let v = b_api.validate("shared-principal", "marketing").await;
    assert_eq!(v["reason"], "denied");
    assert_eq!(v["consent_id"], b["id"]);
    let (st, _) = b_api.act(&id_of(&b), "withdraw", json!({})).await;
    assert_eq!(st, StatusCode::OK);

    // A is unaffected.
    let v = s.validate("shared-principal", "marketing").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["consent_id"], id.as_str());
    assert_eq!(
        s.validate("shared-principal", "account").await["valid"],
        true
    );
    assert_eq!(
        ids(&s.principal_items("shared-principal", "").await),
        vec![id.clone()]
    );
    let (st, _) = s.get(&format!("/v1/consents/{}", id_of(&b))).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s.get(&format!("/v1/notices/{}", cat_b.notice_id)).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, notices) = s.get("/v1/notices").await;
    assert_eq!(notices.as_array().unwrap().len(), 1);
    assert_eq!(s.consent(&id).await["version"], 1);
}
