//! The retention engine (issue 21, item 5): a principal's data is erased by crypto-shredding
//! once no purpose of theirs is in force and every retention ran out, after a notice 48 hours
//! before in their language; legal holds stop it; policies cannot go under the floors; staff
//! see the erasures coming up. The tests run the `retention` job themselves and move the clock.

mod model;

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

/// A server whose retention and notification jobs run only when a test asks.
async fn start() -> TestServer {
    TestServer::start_with(|c| {
        c.retention_interval_ms = 3_600_000;
        c.notify_interval_ms = 3_600_000;
    })
    .await
}

impl TestServer {
    /// Runs the retention job once, now.
    async fn retain(&self) -> usize {
        self.jobs()
            .run_once(self.state(), "retention")
            .await
            .unwrap()
    }

    async fn upcoming(&self, within_days: u32) -> Vec<Value> {
        let (st, v) = self
            .get(&format!("/v1/retention/upcoming?within_days={within_days}"))
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v["items"].as_array().unwrap().clone()
    }
}

/// Collects `account` and `marketing` for `principal` in Hindi (the others refused), then
/// withdraws both: nothing is in force; `account` keeps the data 365 days.
async fn consent_then_withdraw(s: &TestServer, cat: &Catalog, principal: &str) -> String {
    let (st, v) = s
        .post(
            "/v1/consents",
            json!({"principal_id": principal, "notice_id": cat.notice_id, "notice_version": 1,
                   "language": "hi", "decisions": decisions("granted", "granted", "denied", "denied"),
                   "method": "web", "session_id": "s-1"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    s.act_ok(
        &id,
        "withdraw",
        json!({"purposes": ["account", "marketing"]}),
    )
    .await;
    id
}

#[tokio::test]
async fn data_is_erased_when_retention_runs_out_after_a_notice_48_hours_before_in_the_principals_language()
 {
    let s = start().await;
    let cat = s.seed().await;
    let id = consent_then_withdraw(&s, &cat, "ravi-4821").await;
    s.retain().await;

    // Planned a year out (account's retention), not told yet; listed for admins.
    assert!(s.upcoming(30).await.is_empty());
    let up = s.upcoming(400).await;
    assert_eq!(up.len(), 1, "{up:?}");
    assert_eq!(up[0]["principal_id"], "******4821");
    assert!(up[0]["notified_at"].is_null());
    assert_eq!(up[0]["cause"], "retention_ended");
    let erase_at = time::OffsetDateTime::parse(
        up[0]["erase_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((erase_at - T0).whole_days(), 365);

    // 49 hours before: nothing yet.
    s.clock.set(erase_at - Duration::hours(49));
    s.retain().await;
    assert!(s.upcoming(30).await[0]["notified_at"].is_null());
    // 48 hours before: told, in Hindi, in their inbox.
    s.clock.set(erase_at - Duration::hours(48));
    s.retain().await;
    assert!(s.upcoming(30).await[0]["notified_at"].is_string());
    s.jobs().run_once(s.state(), "notify").await.unwrap();
    let (me, _) = s.principal_token("ravi-4821", None).await;
    let (_, inbox) = me.get("/v1/me/notifications").await;
    let notice = &inbox["items"][0];
    assert_eq!(notice["kind"], "erasure_due", "{inbox}");
    assert_eq!(notice["language"], "hi");
    let title = notice["title"].as_str().unwrap();
    assert!(
        title
            .chars()
            .any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
        "not Hindi: {title}"
    );
    // Still there a minute before; erased at the time.
    s.clock.set(erase_at - Duration::minutes(1));
    s.retain().await;
    assert_eq!(s.consent(&id).await["principal_id"], "******4821");
    let before = ledger_size(&s).await;
    s.clock.set(erase_at);
    s.retain().await;

    let purged = s.audit_entries("retention.purged").await;
    assert_eq!(purged.len(), 1, "{purged:?}");
    assert_eq!(purged[0]["outcome"], "key_destroyed cause=retention_ended");
    assert_eq!(purged[0]["initiator"], "system");
    assert!(ledger_size(&s).await > before);
    // As erasure does: personal data unreadable, validation finds nothing, the list is empty.
    let c = s.consent(&id).await;
    assert_eq!(c["principal_id"], "[erased]");
    let r = s.validate("ravi-4821", "account").await;
    assert_eq!(r["valid"], false, "{r}");
    assert_eq!(r["reason"], "not_found", "{r}");
    assert!(s.principal_items("ravi-4821", "").await.is_empty());
    assert!(s.upcoming(3650).await.is_empty());
    // Once only.
    s.clock.set(erase_at + Duration::days(3));
    s.retain().await;
    assert_eq!(s.audit_entries("retention.purged").await.len(), 1);

    // The ledger verifies afterwards.
    let (dir, _guard) = s.stop().await;
    assert_ok(&audit_verify(&dir));
}

#[tokio::test]
async fn a_principal_with_a_purpose_in_force_or_a_legal_obligation_is_not_erased() {
    let s = start().await;
    let cat = s.seed().await;
    // Tax records: a legal obligation kept 2920 days after it ends.
    s.collect_ok(
        &cat,
        "asha",
        decisions("granted", "denied", "denied", "granted"),
    )
    .await;
    let id = consent_then_withdraw(&s, &cat, "vikram").await;
    let _ = id;
    s.retain().await;
    // Only vikram is planned; asha's purposes are in force.
    let up = s.upcoming(3650).await;
    assert_eq!(up.len(), 1, "{up:?}");
    // asha's grants expire after a year: then the tax law keeps her data 8 more years.
    s.advance_days(366);
    s.run_expiry().await;
    s.retain().await;
    let up = s.upcoming(3650).await;
    assert_eq!(up.len(), 2, "{up:?}");
    let asha = up
        .iter()
        .find(|u| !u["law"].is_null())
        .expect("a plan kept by law");
    assert_eq!(asha["law"], "Income-tax Act, 1961", "{up:?}");
}

#[tokio::test]
async fn a_legal_hold_stops_erasure_until_it_is_released_and_is_in_the_ledger() {
    let s = start().await;
    let cat = s.seed().await;
    consent_then_withdraw(&s, &cat, "meera-1111").await;
    s.retain().await;
    let until = (T0 + Duration::days(800))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (st, hold) = s
        .post(
            "/v1/retention/holds",
            json!({"scope": {"kind": "principal", "principal_id": "meera-1111"},
                   "reason": "Court order CS 42/2026", "until": until}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{hold}");
    assert_eq!(hold["scope"]["principal_id"], "******1111");
    assert_eq!(hold["in_force"], true);
    let hold_id = hold["id"].as_str().unwrap().to_string();
    let placed = s.audit_entries("retention.changed").await;
    assert!(
        placed
            .iter()
            .any(|e| e["outcome"].as_str().unwrap().starts_with("hold_placed")),
        "{placed:?}"
    );

    // Past the retention: the hold keeps the data, and says so.
    s.advance_days(400);
    s.retain().await;
    s.advance_days(3);
    s.retain().await;
    assert!(s.audit_entries("retention.purged").await.is_empty());
    let held = s.audit_entries("retention.changed").await;
    assert!(
        held.iter()
            .any(|e| e["outcome"].as_str().unwrap().starts_with("erasure_held")),
        "{held:?}"
    );
    // Another fiduciary cannot see or release it.
    let (_, other) = s.create_fiduciary("Other Fiduciary").await;
    let (st, v) = s
        .api_as(&other)
        .get(&format!("/v1/retention/holds/{hold_id}"))
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("hold_not_found"))
    );
    let (st, _) = s
        .api_as(&other)
        .post(&format!("/v1/retention/holds/{hold_id}/release"), json!({}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Released: a new notice, then erasure 48 hours later.
    let (st, v) = s
        .post(&format!("/v1/retention/holds/{hold_id}/release"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["in_force"], false);
    let (st, v) = s
        .post(&format!("/v1/retention/holds/{hold_id}/release"), json!({}))
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("hold_not_in_force"))
    );
    // The plan waits for the hold's end date; the hold's release lets it go then too.
    s.clock.set(T0 + Duration::days(800) - Duration::hours(47));
    s.retain().await;
    s.clock.set(T0 + Duration::days(801));
    s.retain().await;
    assert_eq!(s.audit_entries("retention.purged").await.len(), 1);
}

#[tokio::test]
async fn policies_cannot_go_under_the_floors_and_a_refusal_changes_nothing() {
    let s = TestServer::start_with(|c| {
        c.retention_interval_ms = 3_600_000;
        c.retention_consent_manager = true;
    })
    .await;
    s.seed().await;
    let before = ledger_size(&s).await;
    for (category, days, code) in [
        ("consent_records", 365, "retention_below_floor"),
        ("audit_logs", 30, "retention_below_floor"),
        ("financial", 40_000, "invalid_retention"),
        ("Not A Code", 10, "invalid_code"),
    ] {
        let (st, v) = s
            .put(
                &format!("/v1/retention/policies/{}", category.replace(' ', "%20")),
                json!({"retention_days": days}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{category}: {v}");
        assert_eq!(v["code"], code, "{v}");
    }
    assert_eq!(ledger_size(&s).await, before, "a refusal records nothing");
    let (_, p) = s.get("/v1/retention/policies").await;
    assert!(p["categories"].as_array().unwrap().is_empty(), "{p}");
    assert_eq!(p["floors"]["consent_records_days"], 2557);
    assert_eq!(p["floors"]["audit_logs_days"], 366);
    assert_eq!(p["purposes"].as_array().unwrap().len(), 4);

    // At the floors they are saved, and recorded.
    for (category, days) in [("consent_records", 2557), ("audit_logs", 366)] {
        let (st, v) = s
            .put(
                &format!("/v1/retention/policies/{category}"),
                json!({"retention_days": days, "legal_reference": "DPDP Rules, 2025"}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    let (_, p) = s.get("/v1/retention/policies").await;
    assert_eq!(p["categories"].as_array().unwrap().len(), 2, "{p}");
    assert_eq!(s.audit_entries("retention.changed").await.len(), 2);

    // Without the scopes: refused.
    let (_, reader) = s.new_key("reader", &["catalog.read"]).await;
    let (st, _) = s.api_as(&reader).get("/v1/retention/policies").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_consent_manager_keeps_consent_records_seven_years() {
    let s = TestServer::start_with(|c| {
        c.retention_interval_ms = 3_600_000;
        c.retention_consent_manager = true;
    })
    .await;
    let cat = s.seed().await;
    consent_then_withdraw(&s, &cat, "kiran").await;
    s.retain().await;
    let up = s.upcoming(3650).await;
    assert_eq!(up.len(), 1);
    assert!(
        up[0]["law"].as_str().unwrap().contains("First Schedule"),
        "{up:?}"
    );
    assert!(s.upcoming(2500).await.is_empty());
}
