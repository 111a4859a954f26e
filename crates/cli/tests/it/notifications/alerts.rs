//! Alerts to processors (BRD 4.4.2): a processor confirms it stopped, with its own key and
//! only its own alerts; an alert not confirmed in time escalates to the DPO, twice; the
//! fiduciary sees who confirmed each withdrawal and when; processors catch up by polling.

use super::*;

/// A server with the standard catalogue, two processors of `marketing`, each with a key, and a
/// withdrawal of `marketing` fanned out: (server, receiver, catalogue, artefact id,
/// [(processor id, its client)]).
async fn withdrawn() -> (
    TestServer,
    Receiver,
    Catalog,
    String,
    Vec<(String, FiduciaryClient)>,
) {
    let s = start().await;
    let cat = s.seed().await;
    let rx = Receiver::start().await;
    let mut processors = Vec::new();
    for name in ["Mailer", "CRM"] {
        let (id, _) = s
            .processor(name, &["marketing"], &rx.url(&format!("/{name}")))
            .await;
        let key = s.processor_key(&id).await;
        processors.push((id, key));
    }
    let a = s.collect_ok(&cat, "cust-1", all_granted()).await;
    let id = a["id"].as_str().unwrap().to_string();
    s.act_ok(&id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    s.notify_now().await;
    (s, rx, cat, id, processors)
}

#[tokio::test]
async fn a_processor_confirms_its_own_alert_and_the_fiduciary_sees_who_confirmed_when() {
    let (s, _rx, _cat, artefact, procs) = withdrawn().await;
    let (mailer, mailer_key) = &procs[0];
    let (_, crm_key) = &procs[1];
    let (_, mine) = mailer_key.get("/v1/alerts").await;
    let items = mine["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "a processor sees only its own alerts: {mine}"
    );
    assert_eq!(items[0]["processor_id"], mailer.as_str());
    let alert = items[0]["id"].as_str().unwrap().to_string();

    // Nobody else can confirm it: not the other processor, not the fiduciary's own key.
    for (who, client) in [("the other processor", crm_key), ("the fiduciary", &s.api)] {
        let (st, v) = client
            .post(&format!("/v1/alerts/{alert}/acknowledge"), json!({}))
            .await;
        assert!(
            st == StatusCode::NOT_FOUND || st == StatusCode::FORBIDDEN,
            "{who}: {st} {v}"
        );
    }
    assert!(s.audit_entries("alert.acknowledged").await.is_empty());

    let (st, v) = mailer_key
        .post(
            &format!("/v1/alerts/{alert}/acknowledge"),
            json!({"note": "removed from the mailing list"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["acknowledged_at"].is_string());
    // Confirming again is harmless: the first confirmation stands.
    let (st, again) = mailer_key
        .post(&format!("/v1/alerts/{alert}/acknowledge"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(again["acknowledged_at"], v["acknowledged_at"]);
    let acked = s.audit_entries("alert.acknowledged").await;
    assert_eq!(acked.len(), 1, "{acked:?}");
    assert_eq!(acked[0]["initiator"], format!("processor:{mailer}"));

    // Per withdrawal: who confirmed, and when.
    let (_, per) = s.get(&format!("/v1/alerts?artefact_id={artefact}")).await;
    let rows = per["items"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{per}");
    let confirmed: Vec<_> = rows
        .iter()
        .filter(|a| a["acknowledged_at"].is_string())
        .collect();
    assert_eq!(confirmed.len(), 1);
    assert_eq!(confirmed[0]["processor_name"], "Mailer");
    assert_eq!(confirmed[0]["note"], "removed from the mailing list");
    let (_, open) = s.get("/v1/alerts?state=open").await;
    assert_eq!(open["items"].as_array().unwrap().len(), 1);

    // A processor key can do nothing else.
    let (st, _) = mailer_key.get("/v1/principals/cust-1/consents").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = mailer_key.get("/v1/processors").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // A fiduciary key cannot be given the processor's confirming scope.
    let (st, v) = s.create_key("sneaky", Some(&["alerts.acknowledge"])).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

#[tokio::test]
async fn an_unconfirmed_alert_escalates_to_the_dpo_twice_then_stops() {
    let (s, _rx, _cat, _artefact, procs) = withdrawn().await;
    let (st, v) = s
        .put(
            "/v1/notification-settings",
            json!({"dpo_email": "dpo@example.in", "escalate_after_hours": 24, "escalate_again_after_hours": 72}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let escalate = || async { s.jobs().run_once(s.state(), "escalation").await.unwrap() };
    assert_eq!(escalate().await, 0, "nothing is overdue yet");
    // The CRM confirms in time; the mailer does not.
    let (_, crm_alerts) = procs[1].1.get("/v1/alerts").await;
    let crm_alert = crm_alerts["items"][0]["id"].as_str().unwrap().to_string();
    let (st, _) = procs[1]
        .1
        .post(&format!("/v1/alerts/{crm_alert}/acknowledge"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);

    s.clock.advance(time::Duration::hours(25));
    assert_eq!(escalate().await, 1);
    let (_, overdue) = s.get("/v1/alerts?state=overdue").await;
    let items = overdue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{overdue}");
    assert_eq!(items[0]["processor_name"], "Mailer");
    assert_eq!(items[0]["escalation_level"], 1);
    assert_eq!(escalate().await, 0, "once per threshold");

    s.clock.advance(time::Duration::hours(48));
    assert_eq!(escalate().await, 1);
    let (_, overdue) = s.get("/v1/alerts?state=overdue").await;
    assert_eq!(overdue["items"][0]["escalation_level"], 2);
    s.clock.advance(time::Duration::hours(500));
    assert_eq!(escalate().await, 0, "no third escalation");

    let esc = s.audit_entries("alert.escalated").await;
    assert_eq!(esc.len(), 2, "{esc:?}");
    // Each escalation queued an e-mail to the DPO (no SMTP server here: it waits for one).
    let (_, deliveries) = s.get("/v1/deliveries").await;
    let emails: Vec<_> = deliveries["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["channel"] == "email" && d["kind"] == "alert.escalated")
        .collect();
    assert_eq!(emails.len(), 2, "{deliveries}");
    assert!(
        !deliveries.to_string().contains("dpo@example.in"),
        "no address in the list"
    );
}

#[tokio::test]
async fn a_processor_that_missed_webhooks_catches_up_from_the_event_stream() {
    let (s, _rx, cat, artefact, procs) = withdrawn().await;
    s.collect_ok(&cat, "cust-2", all_granted()).await;
    // The fiduciary sees every event, in order, each once.
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let (st, page) = s.get(&format!("/v1/events?after={after}&limit=1")).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        after = page["next_after"].as_i64().unwrap();
        all.extend(items);
    }
    let types: Vec<&str> = all.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "consent.collected",
            "consent.withdrawn",
            "consent.collected"
        ]
    );
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    // A processor sees only what alerts it.
    let (_, mine) = procs[0].1.get("/v1/events").await;
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{mine}");
    assert_eq!(items[0]["type"], "consent.withdrawn");
    assert_eq!(items[0]["data"]["artefact_id"], artefact);
    assert_eq!(items[0]["data"]["principal_id"], "cust-1");
}
