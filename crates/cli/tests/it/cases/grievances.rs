//! Grievances (BRD 4.5): filed by the principal or recorded for them, a reference a principal
//! can read out, categorised and routed, worked through a fixed workflow whose refusals change
//! nothing, every action in the ledger, every status told to the principal in their language,
//! feedback and reopening within the window.

use super::*;

fn is_reference(r: &str, prefix: &str, seq: u32) -> bool {
    r == format!("{prefix}-{}-{seq:06}", T0.year())
}

#[tokio::test]
async fn a_grievance_gets_a_reference_a_category_by_rule_a_role_and_is_told_in_hindi() {
    let s = start().await;
    let cat = s.seed().await;
    let (me, artefact) = principal_in(&s, &cat, "ravi", "hi").await;
    let c = grieve(
        &me,
        json!({"description": "मेरा डेटा लीक हो गया है, कृपया जाँच करें", "language": "hi",
               "artefacts": [artefact]}),
    )
    .await;
    let reference = c["reference"].as_str().unwrap();
    assert!(is_reference(reference, "GRV", 1), "{c}");
    assert_eq!(c["kind"], "grievance");
    assert_eq!(c["status"], "submitted");
    // No category chosen: the Hindi keyword rule found it, and the rule is recorded.
    assert_eq!(c["category"], "data_breach");
    assert_eq!(c["category_rule"], "breach-words");
    assert_eq!(c["assignee"]["role"], "dpo");
    assert_eq!(c["filed_by"], "principal");
    assert_eq!(c["artefacts"][0], artefact.as_str());
    let created = time::OffsetDateTime::parse(
        c["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let at = |k: &str| {
        time::OffsetDateTime::parse(
            c[k].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!(at("acknowledge_by") - created, time::Duration::days(2));
    assert_eq!(at("respond_by") - created, time::Duration::days(30));
    let ledger = s.audit_entries("grievance.action").await;
    assert_eq!(ledger.len(), 1, "{ledger:?}");
    assert!(
        ledger[0]["outcome"]
            .as_str()
            .unwrap()
            .starts_with(reference),
        "{}",
        ledger[0]
    );
    assert_eq!(c["history"][0]["audit_log_id"], ledger[0]["index"]);

    // The principal is told it was received, in Hindi, in their inbox.
    s.notify_jobs().await;
    let (_, inbox) = me.get("/v1/me/notifications").await;
    let told = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "case_status_changed")
        .unwrap_or_else(|| panic!("{inbox}"))
        .clone();
    assert_eq!(told["language"], "hi");
    let text = format!("{}{}", told["title"], told["body"]);
    assert!(
        text.contains(reference) && text.contains("शिकायत"),
        "{text}"
    );

    // A chosen category is kept; references count up.
    let c2 = grieve(
        &me,
        json!({"description": "I keep getting calls", "category": "unauthorised_processing"}),
    )
    .await;
    assert!(is_reference(c2["reference"].as_str().unwrap(), "GRV", 2));
    assert_eq!(c2["category"], "unauthorised_processing");
    assert!(c2["category_rule"].is_null());
    // Nothing matched and nothing chosen: `other`.
    let c3 = grieve(&me, json!({"description": "The office was closed."})).await;
    assert_eq!(c3["category"], "other");

    // Listed newest first, paginated.
    let (_, page) = me.get("/v1/me/grievances?limit=2").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["reference"], c3["reference"]);
    let (_, next) = me
        .get(&format!(
            "/v1/me/grievances?limit=2&cursor={}",
            page["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(next["items"][0]["reference"], reference);
    assert!(next["next_cursor"].is_null());
    let (_, requests) = me.get("/v1/me/requests").await;
    assert_eq!(requests["items"].as_array().unwrap().len(), 0);

    // Another principal does not see it; nor does another fiduciary.
    let (other, _) = principal_in(&s, &cat, "asha", "en").await;
    let (st, v) = other.get(&format!("/v1/me/cases/{reference}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["code"], "case_not_found");
    let (_, key2) = s.create_fiduciary("Another Department").await;
    let (st, _) = s.api_as(&key2).get(&format!("/v1/cases/{reference}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s
        .api_as(&key2)
        .post(
            &format!("/v1/cases/{reference}/transition"),
            json!({"to": "acknowledged"}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_grievances_are_refused_and_file_nothing() {
    let s = start().await;
    let cat = s.seed().await;
    let (me, _) = principal_in(&s, &cat, "ravi", "en").await;
    let (_, other_artefact) = principal_in(&s, &cat, "asha", "en").await;
    for (body, code) in [
        (
            json!({"description": "x", "category": "astrology"}),
            "unknown_category",
        ),
        (json!({"description": ""}), "invalid_description"),
        (json!({"description": "a\u{202e}b"}), "invalid_description"),
        (
            json!({"description": "x".repeat(5001)}),
            "invalid_description",
        ),
        (
            json!({"description": "x", "artefacts": [other_artefact]}),
            "unknown_artefact",
        ),
        (
            json!({"description": "x", "kind": "erasure"}),
            "invalid_body",
        ),
    ] {
        let (st, v) = me
            .call(Method::POST, "/v1/me/grievances", Some(body.clone()))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["code"], code, "{body}: {v}");
    }
    let (_, page) = me.get("/v1/me/grievances").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    assert_eq!(s.audit_entries("grievance.action").await.len(), 0);
    // Without a principal token: 401.
    let (st, _) = s
        .principal("not-a-token")
        .call(
            Method::POST,
            "/v1/me/grievances",
            Some(json!({"description": "x"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn staff_work_a_grievance_through_the_workflow_and_the_principal_rates_and_reopens_it() {
    let s = start().await;
    let cat = s.seed().await;
    let (me, _) = principal_in(&s, &cat, "ravi", "en").await;
    let c = grieve(
        &me,
        json!({"description": "I withdrew but still get offers"}),
    )
    .await;
    let r = c["reference"].as_str().unwrap().to_string();
    assert_eq!(c["category"], "consent_misuse");

    // Closing what was never resolved is refused, and changes nothing.
    let before = s.case(&r).await;
    let ledger_before = s.audit_entries("grievance.action").await.len();
    for (body, code) in [
        (json!({"to": "closed"}), "invalid_transition"),
        (json!({"to": "reopened"}), "invalid_transition"),
        (json!({"to": "flying"}), "invalid_transition"),
        (json!({"to": "resolved"}), "resolution_required"),
        (
            json!({"to": "acknowledged", "outcome": "accepted"}),
            "resolution_required",
        ),
        (
            json!({"to": "resolved", "outcome": "accepted", "summary": ""}),
            "resolution_required",
        ),
    ] {
        let (st, v) = s.move_case(&r, body.clone()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["code"], code, "{body}: {v}");
    }
    assert_eq!(s.case(&r).await, before);
    assert_eq!(
        s.audit_entries("grievance.action").await.len(),
        ledger_before
    );
    // Feedback before resolution is refused.
    let (st, v) = me
        .call(
            Method::POST,
            &format!("/v1/me/cases/{r}/feedback"),
            Some(json!({"rating": 4})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "case_not_resolved");

    s.move_case_ok(
        &r,
        json!({"to": "acknowledged", "note": "We are looking into it"}),
    )
    .await;
    let (st, v) = s
        .post(
            &format!("/v1/cases/{r}/assign"),
            json!({"role": "operator"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["assignee"]["role"], "operator");
    let (st, v) = s
        .post(&format!("/v1/cases/{r}/assign"), json!({"role": "wizard"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["code"], "invalid_assignee");
    s.move_case_ok(&r, json!({"to": "in_progress"})).await;
    let resolved = s
        .move_case_ok(
            &r,
            json!({"to": "resolved", "outcome": "accepted",
                   "summary": "Your number was removed from the campaign list."}),
        )
        .await;
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["resolution"]["outcome"], "accepted");
    let steps: Vec<&str> = resolved["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "submitted (categorised by rule consent-words)",
            "status",
            "assigned role operator",
            "status",
            "resolved accepted"
        ]
    );
    // Every step is a ledger entry with who did it.
    let ledger = s.audit_entries("grievance.action").await;
    assert_eq!(ledger.len(), 5);
    let of_ravi = s.entries("action=grievance.action&principal_id=ravi").await;
    assert_eq!(
        of_ravi.len(),
        5,
        "every step is found by the principal's id"
    );
    assert_eq!(ledger[0]["initiator"], "principal");
    assert!(
        ledger[1]["initiator"]
            .as_str()
            .unwrap()
            .starts_with("fiduciary:")
    );
    assert!(
        ledger[4]["outcome"]
            .as_str()
            .unwrap()
            .ends_with("in_progress->resolved"),
        "{}",
        ledger[4]
    );

    // The principal sees the answer and was told of each status.
    let (_, mine) = me.get(&format!("/v1/me/cases/{r}")).await;
    assert_eq!(
        mine["resolution"]["summary"],
        "Your number was removed from the campaign list."
    );
    s.notify_jobs().await;
    let (_, inbox) = me.get("/v1/me/notifications").await;
    let statuses = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "case_status_changed")
        .count();
    assert_eq!(
        statuses, 4,
        "submitted, acknowledged, in progress, resolved: {inbox}"
    );

    // Feedback once, 1-5.
    let fb = |body: Value| {
        let me = &me;
        let r = r.clone();
        async move {
            me.call(
                Method::POST,
                &format!("/v1/me/cases/{r}/feedback"),
                Some(body),
            )
            .await
        }
    };
    let (st, v) = fb(json!({"rating": 9})).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_rating"))
    );
    let (st, v) = fb(json!({"rating": 2, "comment": "Took too long"})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["feedback"]["rating"], 2);
    let (st, v) = fb(json!({"rating": 5})).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("feedback_given"))
    );

    // Reopened within the window: open again, with new clocks.
    s.advance_days(10);
    let (me, _) = s.principal_token("ravi", None).await;
    let (st, v) = me
        .call(
            Method::POST,
            &format!("/v1/me/cases/{r}/reopen"),
            Some(json!({"reason": "The offers came again yesterday"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "reopened");
    assert!(v["resolution"].is_null());
    assert!(v["acknowledged_at"].is_null());
    s.move_case_ok(
        &r,
        json!({"to": "resolved", "outcome": "partly_accepted", "summary": "Second list cleaned."}),
    )
    .await;
    let closed = s.move_case_ok(&r, json!({"to": "closed"})).await;
    assert_eq!(closed["status"], "closed");
    assert!(closed["closed_at"].is_string());
    // A closed case is final for staff.
    let (st, v) = s.move_case(&r, json!({"to": "in_progress"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Past the window, the principal cannot reopen it.
    s.advance_days(31);
    let (me, _) = s.principal_token("ravi", None).await;
    let (st, v) = me
        .call(
            Method::POST,
            &format!("/v1/me/cases/{r}/reopen"),
            Some(json!({"reason": "again"})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "reopen_window_passed");
    assert_eq!(s.case(&r).await["status"], "closed");
}

#[tokio::test]
async fn staff_record_a_grievance_for_a_principal_and_filter_the_queue() {
    let s = start().await;
    let cat = s.seed().await;
    let (me, _) = principal_in(&s, &cat, "ravi", "hi").await;
    let (st, c) = s
        .post(
            "/v1/cases",
            json!({"principal_id": "ravi", "kind": "grievance", "category": "denial_of_right",
                   "description": "Called the helpline: his access request was ignored", "language": "ta"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    assert!(c["filed_by"].as_str().unwrap().starts_with("fiduciary:"));
    let r = c["reference"].as_str().unwrap();
    // The principal sees it as theirs.
    let (st, mine) = me.get(&format!("/v1/me/cases/{r}")).await;
    assert_eq!(st, StatusCode::OK, "{mine}");
    let (st, req) = s
        .post(
            "/v1/cases",
            json!({"principal_id": "ravi", "kind": "access"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{req}");
    assert!(req["reference"].as_str().unwrap().starts_with("REQ-"));
    s.move_case_ok(r, json!({"to": "acknowledged"})).await;

    let refs = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["reference"].as_str().unwrap().to_string())
            .collect()
    };
    let (st, all) = s.get("/v1/cases").await;
    assert_eq!(st, StatusCode::OK, "{all}");
    assert_eq!(refs(&all).len(), 2);
    // The queue has no personal data.
    assert!(all["items"][0].get("description").is_none(), "{all}");
    assert_eq!(all["items"][0]["sla"], "on_track");
    let (_, g) = s.get("/v1/cases?kind=grievance").await;
    assert_eq!(refs(&g), [r.to_string()]);
    let (_, ack) = s.get("/v1/cases?status=acknowledged").await;
    assert_eq!(refs(&ack), [r.to_string()]);
    let (_, sub) = s.get("/v1/cases?status=submitted&kind=access").await;
    assert_eq!(refs(&sub), [req["reference"].as_str().unwrap().to_string()]);
    let (_, cat_q) = s.get("/v1/cases?category=denial_of_right").await;
    assert_eq!(refs(&cat_q), [r.to_string()]);
    let (_, overdue) = s.get("/v1/cases?overdue=true").await;
    assert_eq!(refs(&overdue).len(), 0);
    // Pages of one, with filters and the cursor together.
    let (st, p1) = s.get("/v1/cases?limit=1&overdue=false").await;
    assert_eq!(st, StatusCode::OK, "{p1}");
    assert_eq!(refs(&p1), [r.to_string()]);
    let cursor = p1["next_cursor"].as_str().unwrap();
    let (st, p2) = s
        .get(&format!(
            "/v1/cases?limit=1&kind=access&status=submitted&assignee_role=dpo&cursor={cursor}"
        ))
        .await;
    assert_eq!(st, StatusCode::OK, "{p2}");
    assert_eq!(refs(&p2), [req["reference"].as_str().unwrap().to_string()]);
    let (st, v) = s.get(&format!("/v1/cases?cursor={}", "9".repeat(33))).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let (st, v) = s.get("/v1/cases?status=lost").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    // A key without cases.read cannot see the queue.
    let (_, key) = s.new_key("catalogue only", &["catalog.read"]).await;
    let (st, _) = s.api_as(&key).get("/v1/cases").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}
