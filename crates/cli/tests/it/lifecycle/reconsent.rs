//! Re-consent (issue 17, item 7): a notice version that requires it stops older consent at its
//! deadline.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

/// Changes the notice's draft (a new purpose `newsletter` and a new summary) so that it can be
/// published again.
async fn revise_notice(s: &TestServer, notice: &str, summary: &str) {
    let (st, n) = s.get(&format!("/v1/notices/{notice}")).await;
    assert_eq!(st, StatusCode::OK, "{n}");
    let mut purposes = n["purposes"].as_array().unwrap().clone();
    if !purposes.contains(&json!("newsletter")) {
        let (st, v) = s
            .post("/v1/purposes", json!({"code": "newsletter", "mandatory": false, "validity_days": 365,
                "retention_days": 30, "legal_basis": "consent", "data_items": ["email"],
                "name": {"en": "Newsletter", "hi": "समाचार पत्र"}, "description": {"en": "Monthly news", "hi": "मासिक समाचार"}}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        purposes.push(json!("newsletter"));
    }
    let mut texts = n["texts"].clone();
    for l in ["en", "hi"] {
        texts[l]["summary"] = json!(summary);
    }
    let (st, v) = s
        .put(
            &format!("/v1/notices/{notice}"),
            json!({"code": n["code"], "purposes": purposes, "texts": texts}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
}

/// What the principal's dashboard says about re-consent of their (only) artefact.
async fn my_reconsent(me: &PrincipalClient) -> Value {
    let (st, v) = me.consents().await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["items"][0]["reconsent"].clone()
}

async fn pending(s: &TestServer, notice: &str, query: &str) -> Value {
    let (st, v) = s
        .get(&format!("/v1/notices/{notice}/reconsent{query}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn a_version_that_requires_reconsent_stops_older_consent_at_its_deadline() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let n = cat.notice_id.clone();
    let p1 = s.collect_ok(&cat, "P-re-1", all_granted()).await;
    let p2 = s.collect_ok(&cat, "P-re-2", all_granted()).await;
    // Nobody owes re-consent yet.
    let none = pending(&s, &n, "").await;
    assert!(
        none["requirement"].is_null() && none["items"].as_array().unwrap().is_empty(),
        "{none}"
    );
    let deadline = T0 + Duration::days(10);
    publish_requiring_reconsent_by(&s, &n, deadline).await;
    before_the_deadline(&s, &n, &[id_of(&p1), id_of(&p2)], deadline).await;
    reconsent_under_the_new_version(&s, &id_of(&p1)).await;
    s.advance_days(11);
    after_the_deadline(&s, &n).await;
    // A version requiring re-consent without a deadline takes effect at once.
    revise_notice(&s, &n, "Third text.").await;
    let (st, v) = s.publish(&n, json!({"requires_reconsent": true})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert!(v["reconsent_deadline"].is_null(), "{v}");
    assert_eq!(
        s.validate("P-re-1", "account").await["reason"],
        "reconsent_required"
    );
    a_first_version_requires_no_reconsent(&s).await;
}

/// Version 2 (a new purpose, `newsletter`) published requiring re-consent by `deadline`; bad
/// requests to do so change nothing.
async fn publish_requiring_reconsent_by(s: &TestServer, n: &str, deadline: OffsetDateTime) {
    revise_notice(s, n, "We now also send a newsletter.").await;
    // Bad requests change nothing.
    for (body, why) in [
        (
            json!({"reconsent_deadline": rfc3339(deadline)}),
            "deadline without requirement",
        ),
        (
            json!({"requires_reconsent": true, "reconsent_deadline": rfc3339(T0 - Duration::days(1))}),
            "deadline in the past",
        ),
    ] {
        let (st, v) = s.publish(n, body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {v}");
        assert_eq!(v["code"], "invalid_reconsent", "{why}: {v}");
    }
    let (st, v) = s
        .publish(
            n,
            json!({"requires_reconsent": true, "reconsent_deadline": rfc3339(deadline)}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["version"].clone(), v["requires_reconsent"].clone()),
        (json!(2), json!(true))
    );
    assert_eq!(ts(&v["reconsent_deadline"]), deadline);
    let (_, v2) = s.get(&format!("/v1/notices/{n}/versions/2")).await;
    assert_eq!(v2["requires_reconsent"], true, "{v2}");
}

/// Until the deadline, consent under version 1 holds, and says re-consent is due; the
/// fiduciary sees who owes it (the artefacts `owing`), the principal on their dashboard.
async fn before_the_deadline(s: &TestServer, n: &str, owing: &[String], deadline: OffsetDateTime) {
    let a = s.validate("P-re-1", "account").await;
    assert_eq!(
        (a["valid"].clone(), a["reason"].clone()),
        (json!(true), json!("active")),
        "{a}"
    );
    assert_eq!(ts(&a["reconsent_due_by"]), deadline);
    // The purpose new in version 2 is nobody's until they grant it.
    assert_eq!(
        s.validate("P-re-1", "newsletter").await["reason"],
        "not_found"
    );
    // The fiduciary sees who owes re-consent, a page at a time.
    let page = pending(s, n, "?limit=1").await;
    assert_eq!(page["requirement"]["from_version"], 2, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    let rest = pending(
        s,
        n,
        &format!("?limit=1&cursor={}", page["next_cursor"].as_str().unwrap()),
    )
    .await;
    assert!(rest.get("next_cursor").is_none(), "{rest}");
    let mut listed: Vec<Value> = vec![page["items"][0].clone(), rest["items"][0].clone()];
    listed.sort_by_key(|i| i["consent_id"].as_str().unwrap().to_string());
    let mut want = owing.to_vec();
    want.sort();
    assert_eq!(
        listed
            .iter()
            .map(|i| i["consent_id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        want
    );
    assert_eq!(
        listed[0]["purposes"].as_array().unwrap().len(),
        4,
        "{listed:?}"
    );
    assert_ne!(listed[0]["principal_id"], "P-re-1", "masked");
    // And the principal sees it on their dashboard.
    let (me, _) = s.principal_token("P-re-1", None).await;
    let due = my_reconsent(&me).await;
    assert_eq!(
        (due["notice_version"].clone(), due["overdue"].clone()),
        (json!(2), json!(false)),
        "{due}"
    );
    assert_eq!(ts(&due["due_by"]), deadline);
    assert_eq!(due["purposes"].as_array().unwrap().len(), 4);
}

/// P-re-1 (artefact `id`) consents again under version 2 to account; the new purpose is not in
/// the artefact, so it cannot be granted there.
async fn reconsent_under_the_new_version(s: &TestServer, id: &str) {
    let mut body = evidence(json!({"decisions": {"account": "granted", "newsletter": "granted"}}));
    body["notice_version"] = json!(2);
    let (st, v) = s.act(id, "update", body).await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "newsletter is not in the artefact: {v}"
    );
    let mut body = evidence(json!({"decisions": {"account": "granted"}}));
    body["notice_version"] = json!(2);
    let u = s.act_ok(id, "update", body).await;
    assert_eq!(purpose(&u, "account")["notice_version"], 2, "{u}");
    let a = s.validate("P-re-1", "account").await;
    assert!(a.get("reconsent_due_by").is_none(), "{a}");
}

/// After the deadline: what was not consented to again stops, and each refusal is on the
/// record with its reason.
async fn after_the_deadline(s: &TestServer, n: &str) {
    for (p, code, reason) in [
        ("P-re-1", "account", "active"),
        ("P-re-1", "marketing", "reconsent_required"),
        ("P-re-2", "account", "reconsent_required"),
        ("P-re-2", "tax_records", "reconsent_required"),
    ] {
        let v = s.validate(p, code).await;
        assert_eq!(v["reason"], reason, "{p}/{code}: {v}");
        assert_eq!(v["valid"], reason == "active", "{p}/{code}: {v}");
    }
    let (me, _) = s.principal_token("P-re-1", None).await;
    let due = my_reconsent(&me).await;
    assert_eq!(due["overdue"], true, "{due}");
    assert_eq!(due["purposes"].as_array().unwrap().len(), 3, "{due}");
    let all = pending(s, n, "").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2, "{all}");
    // Each refusal is on the record with its reason.
    let refused: Vec<Value> = s
        .audit_entries("consent.validated")
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "reconsent_required")
        .collect();
    assert_eq!(refused.len(), 3);
    let published = s.audit_entries("notice.published").await;
    assert!(
        published.last().unwrap()["outcome"]
            .as_str()
            .unwrap()
            .ends_with("@2 reconsent")
    );
}

/// A first version has no earlier consent to renew: it cannot require re-consent.
async fn a_first_version_requires_no_reconsent(s: &TestServer) {
    let (st, other) = s
        .post(
            "/v1/notices",
            json!({"code": "kiosk", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{other}");
    let (st, v) = s
        .publish(&id_of(&other), json!({"requires_reconsent": true}))
        .await;
    assert_eq!(
        (st, v["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_reconsent")),
        "{v}"
    );
}
