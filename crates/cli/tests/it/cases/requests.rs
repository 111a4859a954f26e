//! Rights requests (DPDP Act ss.11-14, BRD 4.3.3): each carried out when staff accept it:
//! access answered by a downloadable summary, a correction applied, an erasure done by
//! crypto-shredding, a nomination registered and, once activated on evidence, used by the
//! nominee with every action recorded as the nominee's.

use super::*;

#[tokio::test]
async fn an_accepted_access_request_gives_a_summary_of_data_processing_and_processors() {
    let s = start().await;
    let cat = s.seed().await;
    // The contact is declared before the consent, as a fiduciary's app would.
    let (st, v) = s.add_contact("ravi", "ravi@example.in").await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (me, artefact) = principal_in(&s, &cat, "ravi", "en").await;
    let (st, v) = s
        .post(
            "/v1/processors",
            json!({"name": "Acme Mailers", "purposes": ["marketing"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = s
        .post(
            "/v1/processors",
            json!({"name": "Unrelated Ltd", "purposes": ["tax_records"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = s
        .put(
            "/v1/case-settings",
            json!({"contact": {"name": "Grievance Officer", "email": "dpo@example.gov.in"}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    let c = request(&me, json!({"kind": "access"})).await;
    let r = c["reference"].as_str().unwrap();
    assert!(r.starts_with("REQ-"), "{c}");
    // Not before it is answered.
    let (st, v) = me.get(&format!("/v1/me/requests/{r}/document")).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "case_not_resolved");

    s.move_case_ok(
        r,
        json!({"to": "resolved", "outcome": "accepted", "summary": "Your summary is ready to download."}),
    )
    .await;
    let res = me
        .client
        .get(format!("{}/v1/me/requests/{r}/document", me.url))
        .bearer_auth(&me.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains(&format!("{r}.json")), "{disposition}");
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["format"], "anumodan-access-summary/1");
    assert_eq!(doc["reference"], r);
    assert_eq!(doc["fiduciary"], "Test Municipal Corporation");
    // Rule 9: whom to contact is in the answer.
    assert_eq!(doc["contact"]["email"], "dpo@example.gov.in");
    assert_eq!(doc["personal_data"]["principal_id"], "ravi");
    assert_eq!(
        doc["personal_data"]["contacts"][0]["value"],
        "ravi@example.in"
    );
    assert_eq!(doc["personal_data"]["cases"][0], r);
    let processing = doc["processing"].as_array().unwrap();
    assert_eq!(processing.len(), 1);
    assert_eq!(processing[0]["artefact_id"], artefact.as_str());
    let purposes: Vec<&str> = processing[0]["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["purpose"].as_str().unwrap())
        .collect();
    assert!(purposes.contains(&"marketing"), "{purposes:?}");
    assert!(
        processing[0]["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "active" && p["data_items"].is_array())
    );
    // Shared with the processors of the principal's purposes (both purposes were granted).
    let shared: Vec<&str> = doc["shared_with"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["processor"].as_str().unwrap())
        .collect();
    assert_eq!(shared, ["Acme Mailers", "Unrelated Ltd"]);
    // The download is in the ledger, found by the principal's id.
    let entries = s.entries("action=request.action&principal_id=ravi").await;
    assert!(
        entries.iter().any(|e| e["outcome"]
            .as_str()
            .unwrap()
            .ends_with("access summary downloaded")),
        "{entries:?}"
    );
    // Someone else's summary does not exist for them.
    let (other, _) = principal_in(&s, &cat, "asha", "en").await;
    let (st, _) = other.get(&format!("/v1/me/requests/{r}/document")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_correction_is_applied_only_when_accepted() {
    let s = start().await;
    let cat = s.seed().await;
    s.add_contact("ravi", "old@example.in").await;
    let (me, _) = principal_in(&s, &cat, "ravi", "en").await;
    for (body, code) in [
        (json!({"kind": "correction"}), "invalid_changes"),
        (
            json!({"kind": "correction", "changes": [{"field": "salary", "value": "1"}]}),
            "invalid_changes",
        ),
        (
            json!({"kind": "correction", "changes": [{"field": "email", "value": "not-an-email"}]}),
            "invalid_changes",
        ),
        (
            json!({"kind": "correction", "changes": [{"field": "language", "value": "xx"}]}),
            "invalid_changes",
        ),
        (json!({"kind": "teleport"}), "unknown_kind"),
        (
            json!({"kind": "grievance", "description": "x"}),
            "unknown_kind",
        ),
        (
            json!({"kind": "access", "nominee": {"name": "A", "contact": "a@b.in"}}),
            "invalid_body",
        ),
    ] {
        let (st, v) = me
            .call(Method::POST, "/v1/me/requests", Some(body.clone()))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["code"], code, "{body}: {v}");
    }
    let (_, none) = me.get("/v1/me/requests").await;
    assert_eq!(
        none["items"].as_array().unwrap().len(),
        0,
        "refusals file nothing"
    );

    let c = request(
        &me,
        json!({"kind": "correction", "description": "New address and language",
               "changes": [{"field": "email", "value": "New@Example.in"}, {"field": "language", "value": "mr"}]}),
    )
    .await;
    let r = c["reference"].as_str().unwrap();
    // Partly accepted must say what it applies.
    let (st, v) = s
        .move_case(
            r,
            json!({"to": "resolved", "outcome": "partly_accepted", "summary": "Only the e-mail"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "invalid_changes");
    let done = s
        .move_case_ok(
            r,
            json!({"to": "resolved", "outcome": "partly_accepted", "summary": "E-mail updated",
                   "apply": ["email"]}),
        )
        .await;
    assert_eq!(done["resolution"]["applied"], json!(["email"]));
    // The new address is theirs now (a sign-in code goes to it), the language unchanged.
    let (st, v) = me.get("/v1/me/preferences").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["language"].is_null() || v["language"] != "mr", "{v}");
    let contacts = s.entries("action=admin.action&principal_id=ravi").await;
    assert!(
        contacts.iter().any(|e| e["outcome"] == "contact_set email"),
        "{contacts:?}"
    );
    let a = request(&me, json!({"kind": "access"})).await;
    s.move_case_ok(
        a["reference"].as_str().unwrap(),
        json!({"to": "resolved", "outcome": "accepted", "summary": "ok"}),
    )
    .await;
    let (_, doc) = me
        .get(&format!(
            "/v1/me/requests/{}/document",
            a["reference"].as_str().unwrap()
        ))
        .await;
    let values: Vec<&str> = doc["personal_data"]["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(values.contains(&"new@example.in"), "{doc}");
}

#[tokio::test]
async fn an_accepted_erasure_shreds_the_principal_and_the_case_keeps_only_its_columns() {
    let s = start().await;
    let cat = s.seed().await;
    // No purpose under a legal obligation: nothing keeps the data.
    let (st, v) = s
        .post(
            "/v1/consents",
            json!({"principal_id": "ravi", "notice_id": cat.notice_id, "notice_version": 1,
                   "language": "en", "decisions": decisions("granted", "granted", "granted", "denied"),
                   "method": "web", "session_id": "s-1"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (me, _) = s.principal_token("ravi", Some(3600)).await;
    assert_eq!(s.validate("ravi", "marketing").await["valid"], true);
    let c = request(
        &me,
        json!({"kind": "erasure", "description": "Please delete everything about me"}),
    )
    .await;
    let r = c["reference"].as_str().unwrap();
    let done = s
        .move_case_ok(
            r,
            json!({"to": "resolved", "outcome": "accepted", "summary": "Erased."}),
        )
        .await;
    assert_eq!(done["status"], "resolved");
    assert!(done["resolution"]["deferred_erasure"].is_null(), "{done}");
    // Crypto-shredded: validation answers as after any erasure, the ledger records it.
    let v = s.validate("ravi", "marketing").await;
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(s.audit_entries("principal.erased").await.len(), 1);
    // The case keeps its columns (for reports), its personal parts are gone.
    let after = s.case(r).await;
    assert_eq!(after["status"], "resolved");
    assert_eq!(after["kind"], "erasure");
    assert_eq!(after["resolution"]["outcome"], "accepted");
    assert_eq!(after["description"], "[erased]");
    assert!(after["history"].as_array().unwrap().is_empty());
    // Nothing links it to the principal any more.
    let (st, _) = me.get(&format!("/v1/me/cases/{r}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, mine) = me.get("/v1/me/requests").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);
    // Nothing more can be done to it but closing.
    s.move_case_ok(r, json!({"to": "closed"})).await;
}

#[tokio::test]
async fn a_nominee_acts_for_the_principal_only_once_the_nomination_is_active() {
    let s = start().await;
    let cat = s.seed().await;
    let (me, _) = principal_in(&s, &cat, "ravi", "en").await;
    for (body, code) in [
        (json!({"kind": "nomination"}), "invalid_nominee"),
        (
            json!({"kind": "nomination", "nominee": {"name": "", "contact": "meera@example.in"}}),
            "invalid_nominee",
        ),
        (
            json!({"kind": "nomination", "nominee": {"name": "Meera", "contact": "nowhere"}}),
            "invalid_nominee",
        ),
    ] {
        let (st, v) = me
            .call(Method::POST, "/v1/me/requests", Some(body.clone()))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["code"], code, "{body}: {v}");
    }
    let c = request(
        &me,
        json!({"kind": "nomination",
               "nominee": {"name": "Meera Sharma", "contact": "Meera@Example.in", "relationship": "daughter"}}),
    )
    .await;
    assert_eq!(c["nominee"]["contact"], "meera@example.in");
    let r = c["reference"].as_str().unwrap();
    s.move_case_ok(
        r,
        json!({"to": "resolved", "outcome": "accepted", "summary": "Nomination registered."}),
    )
    .await;
    let (st, list) = s.get("/v1/principals/ravi/nominations").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["status"], "registered");
    assert_eq!(list[0]["reference"], r);
    let nid = list[0]["id"].as_str().unwrap().to_string();
    let (_, mine) = me.get("/v1/me/nominations").await;
    assert_eq!(mine[0]["nominee"]["name"], "Meera Sharma");

    // Not active yet: no token for the nominee.
    let token_body = json!({"principal_id": "ravi", "nomination_id": nid});
    let (st, v) = s.post("/v1/nominee-tokens", token_body.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["code"], "nomination_not_found");
    let (st, v) = s
        .post(
            &format!("/v1/nominations/{nid}/activate"),
            json!({"evidence": ""}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, v) = s
        .post(
            &format!("/v1/nominations/{nid}/activate"),
            json!({"evidence": "Death certificate DL-2026-118830"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "active");
    let (st, v) = s
        .post(
            &format!("/v1/nominations/{nid}/activate"),
            json!({"evidence": "again"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    // For another principal the nomination does not exist.
    principal_in(&s, &cat, "asha", "en").await;
    let (st, _) = s
        .post(
            "/v1/nominee-tokens",
            json!({"principal_id": "asha", "nomination_id": nid}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let (st, t) = s.post("/v1/nominee-tokens", token_body).await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let nominee = s.principal(t["token"].as_str().unwrap());
    let filed = request(&nominee, json!({"kind": "erasure"})).await;
    assert_eq!(filed["filed_by"], "nominee");
    // The nominee acts for the principal: the principal sees it too.
    let (st, _) = me
        .get(&format!(
            "/v1/me/cases/{}",
            filed["reference"].as_str().unwrap()
        ))
        .await;
    assert_eq!(st, StatusCode::OK);
    // A nominee cannot nominate in turn.
    let (st, v) = nominee
        .call(
            Method::POST,
            "/v1/me/requests",
            Some(json!({"kind": "nomination", "nominee": {"name": "X", "contact": "x@y.in"}})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    // Every use is in the ledger, as the nominee's where the nominee acted.
    let entries = s.entries("action=request.action&principal_id=ravi").await;
    assert!(
        entries
            .iter()
            .any(|e| e["outcome"].as_str().unwrap().contains("activated"))
    );
    assert!(
        entries
            .iter()
            .any(|e| e["outcome"].as_str().unwrap().contains("nominee token"))
    );
    assert!(
        entries.iter().any(|e| e["initiator"] == "nominee"
            && e["outcome"].as_str().unwrap().ends_with("submitted")),
        "{entries:?}"
    );
}

#[tokio::test]
async fn an_erasure_kept_back_by_a_law_names_the_law_and_the_date_and_is_scheduled() {
    let s = start().await;
    let cat = s.seed().await;
    // tax_records is kept under the Income-tax Act after consent ends.
    let (me, _) = principal_in(&s, &cat, "ravi", "en").await;
    let c = request(&me, json!({"kind": "erasure"})).await;
    let r = c["reference"].as_str().unwrap();
    let done = s
        .move_case_ok(
            r,
            json!({"to": "resolved", "outcome": "accepted",
                   "summary": "Your data will be erased when the law allows."}),
        )
        .await;
    let deferred = &done["resolution"]["deferred_erasure"];
    assert!(
        deferred["law"].as_str().unwrap().contains("Income-tax"),
        "{done}"
    );
    let on = time::OffsetDateTime::parse(
        deferred["erasure_on"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(on > T0 + time::Duration::days(365), "{on}");
    // Not erased now: the principal still sees the answer, and the erasure is scheduled.
    assert_eq!(s.audit_entries("principal.erased").await.len(), 0);
    let (st, mine) = me.get(&format!("/v1/me/cases/{r}")).await;
    assert_eq!(st, StatusCode::OK, "{mine}");
    assert_eq!(mine["resolution"]["deferred_erasure"], *deferred);
    let scheduled = s.audit_entries("retention.changed").await;
    assert!(
        scheduled
            .iter()
            .any(|e| e["outcome"].as_str().unwrap().contains("erasure_request")),
        "{scheduled:?}"
    );
}
