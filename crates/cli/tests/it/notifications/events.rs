//! The events that notify, beyond the lifecycle changes: expiry (principal told, processors
//! alerted), re-consent after a notice change (every holder told, in their language), refused
//! validations (only for a fiduciary that asks), and SMS through the operator's gateway.

use super::*;

#[tokio::test]
async fn an_expiry_tells_the_principal_and_alerts_the_processors_of_the_purpose() {
    let s = start().await;
    let cat = s.seed().await;
    let rx = Receiver::start().await;
    let (pid, _) = s.processor("Mailer", &["marketing"], &rx.url("/m")).await;
    s.collect_ok(&cat, "ravi", all_granted()).await;
    s.notify_now().await;
    // marketing runs 30 days.
    s.advance_days(31);
    assert!(s.run_expiry().await > 0);
    s.notify_now().await;
    let got = rx.wait_for("/m", 1).await;
    let body = got[0].json();
    assert_eq!(body["type"], "alert.created");
    assert_eq!(body["data"]["kind"], "consent_expired");
    assert_eq!(body["data"]["purposes"], json!(["marketing"]));
    let (_, alerts) = s.get("/v1/alerts").await;
    assert_eq!(alerts["items"][0]["processor_id"], pid.as_str());
    let (me, _) = s.principal_token("ravi", None).await;
    let (_, inbox) = me.get("/v1/me/notifications").await;
    assert_eq!(inbox["items"][0]["kind"], "consent_expired", "{inbox}");
    assert!(
        inbox["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("Marketing"),
        "{inbox}"
    );
}

#[tokio::test]
async fn a_notice_that_requires_reconsent_tells_every_holder_in_their_language() {
    let s = start().await;
    let cat = s.seed().await;
    for (who, lang) in [("ravi", "hi"), ("asha", "en")] {
        collect_in(&s, &cat, who, lang).await;
    }
    s.notify_now().await;
    let (st, v) = s
        .put_notice(
            &cat.notice_id,
            json!({"code": "registration", "purposes": ["account", "marketing", "analytics", "tax_records"],
                   "texts": {"en": notice_text("en"), "hi": notice_text("hi")}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = s
        .publish(&cat.notice_id, json!({"requires_reconsent": true}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    s.notify_now().await;
    for (who, lang, title) in [
        ("ravi", "hi", "Registration notice (hi)"),
        ("asha", "en", "Registration notice (en)"),
    ] {
        let (me, _) = s.principal_token(who, None).await;
        let (_, inbox) = me.get("/v1/me/notifications").await;
        let item = &inbox["items"][0];
        assert_eq!(item["kind"], "reconsent_required", "{who}: {inbox}");
        assert_eq!(item["language"], lang, "{who}: {inbox}");
        let text = format!("{}{}", item["title"], item["body"]);
        assert!(
            text.contains(title),
            "{who}: the notice's title in their language: {text}"
        );
    }
}

#[tokio::test]
async fn refused_validations_are_events_only_for_a_fiduciary_that_asks() {
    let s = start().await;
    let cat = s.seed().await;
    let rx = Receiver::start().await;
    let (st, _) = s
        .post(
            "/v1/webhooks",
            json!({"url": rx.url("/f"), "event_types": ["validation.refused"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    s.collect_ok(
        &cat,
        "ravi",
        decisions("granted", "denied", "granted", "granted"),
    )
    .await;
    let v = s.validate("ravi", "marketing").await;
    assert_eq!(v["valid"], false);
    s.notify_now().await;
    let (_, events) = s.get("/v1/events").await;
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "validation.refused"),
        "off by default: {events}"
    );
    let (st, v) = s
        .put(
            "/v1/notification-settings",
            json!({"notify_validation_refused": true}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    s.validate("ravi", "marketing").await;
    assert_eq!(s.validate("ravi", "account").await["valid"], true);
    s.notify_now().await;
    let got = rx.wait_for("/f", 1).await;
    assert_eq!(got.len(), 1, "only the refused one");
    let body = got[0].json();
    assert_eq!(body["type"], "validation.refused");
    assert_eq!(body["data"]["purpose"], "marketing");
    assert_eq!(body["data"]["reason"], "denied");
    assert_eq!(body["data"]["principal_id"], "ravi");
}

/// A server whose SMS (and e-mail, without SMTP) go to a gateway receiver at `/gateway`; the
/// tests run the jobs themselves.
async fn start_with_gateway() -> (Receiver, TestServer) {
    let gw = Receiver::start().await;
    let url = gw.url("/gateway");
    let s = TestServer::start_with(move |c| {
        c.outbox_webhook_url = Some(url);
        c.notify_interval_ms = 3_600_000;
        c.outbox_interval_ms = 3_600_000;
    })
    .await;
    (gw, s)
}

#[tokio::test]
async fn a_principal_with_a_mobile_number_is_told_by_sms_through_the_gateway() {
    let (gw, s) = start_with_gateway().await;
    let cat = s.seed().await;
    // The contact first: every message to ravi, the collection's too, goes by SMS.
    let (st, v) = s.add_contact("ravi", "98765 43210").await;
    assert!(st.is_success(), "{v}");
    let a = s.collect_ok(&cat, "ravi", all_granted()).await;
    s.act_ok(
        a["id"].as_str().unwrap(),
        "withdraw",
        json!({"purposes": ["analytics"]}),
    )
    .await;
    s.notify_now().await;
    s.jobs().run_once(s.state(), "outbox").await.unwrap();
    let got = gw.wait_for("/gateway", 1).await;
    let sms: Vec<_> = got
        .iter()
        .map(|r| r.json())
        .filter(|m| m["kind"] == "consent_withdrawn")
        .collect();
    assert_eq!(sms.len(), 1, "{got:?}");
    assert_eq!(sms[0]["channel"], "sms");
    assert_eq!(sms[0]["destination"], "+919876543210");
    assert_eq!(sms[0]["language"], "en");
    let body = sms[0]["body"].as_str().unwrap();
    assert!(body.contains("withdrawal"), "{body}");
    assert!(body.contains("Test Municipal Corporation"), "{body}");
    assert!(!body.contains('\n'), "one line: {body}");
    // The gateway's idempotency key is the message id.
    let r = got
        .iter()
        .find(|r| r.json()["kind"] == "consent_withdrawn")
        .unwrap();
    assert_eq!(r.header("idempotency-key"), sms[0]["id"].to_string());
}

#[tokio::test]
async fn an_sms_the_gateway_keeps_refusing_is_dead_lettered_listed_and_replayed() {
    let (gw, s) = start_with_gateway().await;
    gw.answer(500);
    let cat = s.seed().await;
    let (st, v) = s.add_contact("ravi", "9876543210").await;
    assert!(st.is_success(), "{v}");
    let a = s.collect_ok(&cat, "ravi", all_granted()).await;
    s.act_ok(
        a["id"].as_str().unwrap(),
        "withdraw",
        json!({"purposes": ["analytics"]}),
    )
    .await;
    s.notify_now().await;
    for _ in 0..10 {
        s.jobs().run_once(s.state(), "outbox").await.unwrap();
        s.clock.advance(time::Duration::minutes(11));
    }
    let (st, dead) = s.get("/v1/deliveries?to=principals&status=dead").await;
    assert_eq!(st, StatusCode::OK, "{dead}");
    let items = dead["items"].as_array().unwrap();
    // Newest first: the withdrawal's, then the collection's.
    let kinds: Vec<&str> = items.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["consent_withdrawn", "consent_collected"], "{dead}");
    assert!(
        items
            .iter()
            .all(|d| d["channel"] == "sms" && d["attempts"] == 10),
        "{dead}"
    );
    assert!(
        !dead.to_string().contains("98765"),
        "no number in the list: {dead}"
    );
    let tries = gw.at("/gateway").len();
    s.jobs().run_once(s.state(), "outbox").await.unwrap();
    assert_eq!(
        gw.at("/gateway").len(),
        tries,
        "a dead message is not tried again"
    );
    gw.answer(200);
    let id = items[0]["id"].as_str().unwrap();
    let (st, v) = s
        .post(&format!("/v1/deliveries/{id}/replay"), json!({}))
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    s.jobs().run_once(s.state(), "outbox").await.unwrap();
    assert_eq!(gw.at("/gateway").len(), tries + 1);
    let (_, sent) = s.get("/v1/deliveries?to=principals&status=sent").await;
    assert_eq!(sent["items"][0]["id"], id, "{sent}");
}
