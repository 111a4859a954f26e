//! Data items, purposes and notices: created, read back, versions frozen once published.

use super::{codes, set};
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn catalogue_is_created_and_read_back() {
    let s = TestServer::start().await;
    let cat = s.seed().await;

    let (st, items) = s.get("/v1/data-items").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        codes(&items, "code"),
        set(&["email", "mobile", "name", "pan"])
    );
    let (st, pan) = s.get("/v1/data-items/pan").await;
    assert_eq!(st, StatusCode::OK, "{pan}");
    assert_eq!(pan["sensitive"], true);
    assert_eq!(pan["category"], "contact");
    assert_eq!(pan["name"]["hi"], "पैन");
    assert_eq!(pan["name"]["en"], "PAN");
    let (_, name) = s.get("/v1/data-items/name").await;
    assert_eq!(name["sensitive"], false);
    let (st, v) = s.get("/v1/data-items/nope").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "data_item_not_found");

    let (st, purposes) = s.get("/v1/purposes").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        codes(&purposes, "code"),
        set(&["account", "analytics", "marketing", "tax_records"])
    );
    let (st, tax) = s.get("/v1/purposes/tax_records").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(tax["legal_basis"], "legal_obligation");
    assert_eq!(tax["legal_reference"], "Income-tax Act, 1961");
    assert_eq!(tax["mandatory"], false);
    assert_eq!(tax["validity_days"], 365);
    assert_eq!(tax["retention_days"], 2920);
    assert_eq!(tax["data_items"], json!(["name", "pan"]));
    assert_eq!(tax["description"]["hi"], "कानून द्वारा आवश्यक रिकॉर्ड");
    let (_, account) = s.get("/v1/purposes/account").await;
    assert_eq!(account["mandatory"], true);
    // legal_basis defaults to consent
    let (_, analytics) = s.get("/v1/purposes/analytics").await;
    assert_eq!(analytics["legal_basis"], "consent");
    let (st, v) = s.get("/v1/purposes/nope").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "purpose_not_found");

    let (st, notices) = s.get("/v1/notices").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(notices.as_array().unwrap().len(), 1);
    assert_eq!(notices[0]["id"], cat.notice_id.as_str());
    let (st, n) = s.get(&format!("/v1/notices/{}", cat.notice_id)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(n["code"], "registration");
    assert_eq!(n["latest_version"], 1);
    assert_eq!(n["draft_changed"], false);
    assert_eq!(
        n["purposes"],
        json!(["account", "marketing", "analytics", "tax_records"])
    );
    assert_eq!(n["texts"]["hi"], notice_text("hi"));

    let (st, versions) = s
        .get(&format!("/v1/notices/{}/versions", cat.notice_id))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(versions.as_array().unwrap().len(), 1);
    let (st, v1) = s
        .get(&format!("/v1/notices/{}/versions/1", cat.notice_id))
        .await;
    assert_eq!(st, StatusCode::OK, "{v1}");
    assert_eq!(v1, versions[0]);
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["code"], "registration");
    // The version freezes the full purposes and data items.
    assert_eq!(
        codes(&v1["purposes"], "code"),
        set(&["account", "analytics", "marketing", "tax_records"])
    );
    assert_eq!(
        codes(&v1["data_items"], "code"),
        set(&["email", "mobile", "name", "pan"])
    );
    for lang in ["en", "hi"] {
        let h = v1["text_hashes"][lang].as_str().unwrap();
        assert_eq!(h.len(), 64);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_eq!(ts(&v1["published_at"]), T0);
    let (st, v) = s
        .get(&format!("/v1/notices/{}/versions/2", cat.notice_id))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "notice_version_not_found");
}

#[tokio::test]
async fn notice_versions_are_frozen_and_old_artefacts_keep_theirs() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let nid = &cat.notice_id;
    let (_, v1) = s.get(&format!("/v1/notices/{nid}/versions/1")).await;

    // Publishing an unchanged draft is refused.
    let (st, v) = s.publish(nid, json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "already_published");

    let a = s.collect_ok(&cat, "p-ver", all_granted()).await;
    assert_eq!(a["notice_version"], 1);
    assert_eq!(a["notice_text_hash"], v1["text_hashes"]["en"]);

    // Edit the draft: new text, one purpose fewer.
    s.advance_days(1);
    let mut en = notice_text("en");
    en["summary"] = json!("We now collect less.");
    let (st, draft) = s
        .put(
            &format!("/v1/notices/{nid}"),
            json!({"code": "registration", "purposes": ["account", "marketing", "tax_records"],
                        "texts": {"en": en, "hi": notice_text("hi")}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{draft}");
    assert_eq!(draft["draft_changed"], true);
    assert_eq!(draft["latest_version"], 1);
    assert_eq!(draft["texts"]["en"]["summary"], "We now collect less.");

    // Not published yet: version 2 cannot be used, version 1 is unchanged.
    let (st, v) = s
        .post(
            "/v1/consents",
            json!({"principal_id": "p-ver2", "notice_id": nid, "notice_version": 2, "language": "en",
                   "decisions": {"account": "granted", "marketing": "denied", "tax_records": "denied"}, "method": "app"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "notice_version_not_published");
    let (_, still_v1) = s.get(&format!("/v1/notices/{nid}/versions/1")).await;
    assert_eq!(still_v1, v1);

    let (st, p2) = s.publish(nid, json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{p2}");
    assert_eq!(p2["id"], nid.as_str());
    assert_eq!(p2["version"], 2);
    assert_ne!(p2["text_hashes"]["en"], v1["text_hashes"]["en"]);
    let (_, n) = s.get(&format!("/v1/notices/{nid}")).await;
    assert_eq!(n["latest_version"], 2);
    assert_eq!(n["draft_changed"], false);

    let (_, versions) = s.get(&format!("/v1/notices/{nid}/versions")).await;
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0], v1);
    assert_eq!(versions[1]["version"], 2);
    assert_eq!(
        codes(&versions[1]["purposes"], "code"),
        set(&["account", "marketing", "tax_records"])
    );
    assert_eq!(
        versions[1]["texts"]["en"]["summary"],
        "We now collect less."
    );

    // The artefact made under version 1 still says version 1 with its hash.
    let got = s.consent(&id_of(&a)).await;
    assert_eq!(got["notice_version"], 1);
    assert_eq!(got["notice_text_hash"], v1["text_hashes"]["en"]);
    assert_eq!(got["version"], 1);
    assert_eq!(got["history"].as_array().unwrap().len(), 1);

    // Version 2 collects with its own purposes; analytics is not part of it.
    let body = |decisions: Value| {
        json!({"principal_id": "p-ver2", "notice_id": nid, "notice_version": 2, "language": "en",
               "decisions": decisions, "method": "app"})
    };
    let (st, v) = s.post("/v1/consents", body(all_granted())).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "unknown_purpose");
    let (st, b) = s
        .post(
            "/v1/consents",
            body(json!({"account": "granted", "marketing": "denied", "tax_records": "granted"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    assert_eq!(b["notice_version"], 2);
    assert_eq!(b["notice_text_hash"], p2["text_hashes"]["en"]);
    assert_eq!(b["purposes"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn rendered_notice_hash_is_the_artefact_hash() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let nid = &cat.notice_id;
    let (st, a) = s
        .post(
            "/v1/consents",
            json!({"principal_id": "p-hi", "notice_id": nid, "notice_version": 1, "language": "hi",
                   "decisions": all_granted(), "method": "assisted"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["language"], "hi");
    assert_eq!(a["method"], "assisted");

    let (st, r) = s
        .get(&format!("/v1/notices/{nid}/versions/1?language=hi"))
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["text_hash"], a["notice_text_hash"]);
    assert_eq!(r["rendered"]["language"], "hi");
    assert_eq!(r["rendered"]["version"], 1);
    assert_eq!(r["rendered"]["text"], notice_text("hi"));
    let acc = r["rendered"]["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "account")
        .unwrap();
    assert_eq!(acc["name"], "खाता");
    assert_eq!(acc["mandatory"], true);
    assert_eq!(codes(&acc["data_items"], "code"), set(&["mobile", "name"]));
    assert!(
        acc["data_items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "नाम")
    );

    let (_, en) = s
        .get(&format!("/v1/notices/{nid}/versions/1?language=en"))
        .await;
    assert_ne!(en["text_hash"], r["text_hash"]);
    let (_, v1) = s.get(&format!("/v1/notices/{nid}/versions/1")).await;
    assert_eq!(v1["text_hashes"]["hi"], r["text_hash"]);
    assert_eq!(v1["text_hashes"]["en"], en["text_hash"]);

    // A language the notice does not carry.
    let (st, v) = s
        .get(&format!("/v1/notices/{nid}/versions/1?language=ta"))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["code"], "language_not_in_notice");
}
