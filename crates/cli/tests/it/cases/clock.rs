//! Clocks that never hang (issue 21): a case not acknowledged in time, or near its deadline,
//! escalates to the DPO; at the deadline to the second level; each time in the ledger, in the
//! case and told; a case answered in time never escalates; no deadline passes 90 days.

use super::*;

fn escalations(case: &Value) -> Vec<String> {
    case["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["action"].as_str())
        .filter(|a| a.starts_with("escalated"))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn an_unanswered_grievance_escalates_to_the_dpo_then_to_the_second_level() {
    let s = start().await;
    let cat = s.seed().await;
    let (me, _) = principal_in(&s, &cat, "ravi", "en").await;
    let c = grieve(&me, json!({"description": "No reply to my letters"})).await;
    let r = c["reference"].as_str().unwrap();

    s.advance_days(1);
    s.run_case_clock().await;
    assert!(escalations(&s.case(r).await).is_empty(), "not due yet");

    // Not acknowledged within 2 days: at risk, to the DPO.
    s.advance_days(1);
    s.run_case_clock().await;
    let first = s.case(r).await;
    assert_eq!(first["status"], "escalated");
    assert_eq!(first["escalation_level"], 1);
    assert_eq!(first["assignee"]["role"], "dpo");
    assert_eq!(escalations(&first), ["escalated level 1 to dpo (at risk)"]);
    let (_, q) = s.get("/v1/cases").await;
    assert_eq!(q["items"][0]["sla"], "at_risk");
    // Running again changes nothing.
    s.run_case_clock().await;
    assert_eq!(escalations(&s.case(r).await).len(), 1);

    // Staff pick it up, but do not answer: at the deadline, the second level.
    s.move_case_ok(r, json!({"to": "in_progress"})).await;
    s.advance_days(28);
    s.run_case_clock().await;
    let second = s.case(r).await;
    assert_eq!(second["escalation_level"], 2);
    assert_eq!(second["assignee"]["role"], "admin");
    assert_eq!(
        escalations(&second),
        [
            "escalated level 1 to dpo (at risk)",
            "escalated level 2 to admin (past its deadline)"
        ]
    );
    let (_, overdue) = s.get("/v1/cases?overdue=true").await;
    assert_eq!(overdue["items"][0]["reference"], r);
    assert_eq!(overdue["items"][0]["sla"], "overdue");
    // Each escalation is a ledger entry by the system.
    let ledger = s.audit_entries("grievance.action").await;
    let system: Vec<&Value> = ledger
        .iter()
        .filter(|e| e["initiator"] == "system")
        .collect();
    assert_eq!(system.len(), 2, "{ledger:?}");
    // And the principal was told of the escalation (and of each other status).
    s.notify_jobs().await;
    let (me, _) = s.principal_token("ravi", None).await;
    let (_, inbox) = me.get("/v1/me/notifications").await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "case_status_changed"
                && i["body"].as_str().unwrap().contains("Escalated")),
        "{inbox}"
    );
    // After the last level, nothing more; answered late, the deadline shows as missed.
    s.advance_days(5);
    s.run_case_clock().await;
    assert_eq!(escalations(&s.case(r).await).len(), 2);
    s.move_case_ok(
        r,
        json!({"to": "resolved", "outcome": "refused", "summary": "Not upheld."}),
    )
    .await;
    let (_, q) = s.get("/v1/cases").await;
    assert_eq!(q["items"][0]["sla"], "missed");
}

#[tokio::test]
async fn a_case_answered_in_time_never_escalates_and_deadlines_follow_the_settings() {
    let s = start().await;
    let cat = s.seed().await;
    let (me, _) = principal_in(&s, &cat, "ravi", "en").await;
    // Deadlines past the 90 days of rule 14(3) are refused, and nothing changes.
    let (_, before) = s.get("/v1/case-settings").await;
    let (st, v) = s
        .put(
            "/v1/case-settings",
            json!({"deadlines": {"erasure": {"acknowledge_days": 1, "respond_days": 91}}}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "deadline_too_long");
    let (st, v) = s
        .put("/v1/case-settings", json!({"second_level_role": "nobody"}))
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_case_settings")
        )
    );
    let (_, after) = s.get("/v1/case-settings").await;
    assert_eq!(before, after);

    let (st, v) = s
        .put(
            "/v1/case-settings",
            json!({"deadlines": {"erasure": {"acknowledge_days": 1, "respond_days": 10}},
                   "at_risk_days": 2}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let c = request(&me, json!({"kind": "erasure"})).await;
    let r = c["reference"].as_str().unwrap();
    let created = time::OffsetDateTime::parse(
        c["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let due = time::OffsetDateTime::parse(
        c["respond_by"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(due - created, time::Duration::days(10));
    s.move_case_ok(r, json!({"to": "acknowledged"})).await;
    s.advance_days(7);
    s.run_case_clock().await;
    assert!(escalations(&s.case(r).await).is_empty());
    // Two days before the deadline: at risk.
    s.advance_days(1);
    s.run_case_clock().await;
    assert_eq!(
        escalations(&s.case(r).await),
        ["escalated level 1 to dpo (at risk)"]
    );
    // A grievance answered on day 1 never escalates.
    let (me, _) = s.principal_token("ravi", None).await;
    let g = grieve(&me, json!({"description": "x y z"})).await;
    let gr = g["reference"].as_str().unwrap();
    s.move_case_ok(
        gr,
        json!({"to": "resolved", "outcome": "accepted", "summary": "Done"}),
    )
    .await;
    s.advance_days(40);
    s.run_case_clock().await;
    assert!(escalations(&s.case(gr).await).is_empty());
}
