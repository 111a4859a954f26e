//! The principal's in-app inbox (BRD 4.4.1): every consent change is told to them, in the
//! language they consented in unless they chose another, newest first, paginated; an
//! acknowledgement is in the ledger; someone else's message does not exist for them.

use super::*;

#[tokio::test]
async fn the_principal_is_told_of_each_change_in_their_language_and_acknowledges() {
    let s = start().await;
    let cat = s.seed().await;
    let id = collect_in(&s, &cat, "ravi", "hi").await;
    s.act_ok(&id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    s.notify_now().await;
    let (me, _) = s.principal_token("ravi", None).await;
    let (st, inbox) = me.get("/v1/me/notifications").await;
    assert_eq!(st, StatusCode::OK, "{inbox}");
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{inbox}");
    // Newest first: the withdrawal, then the collection; in Hindi, naming the purpose in Hindi.
    assert_eq!(items[0]["kind"], "consent_withdrawn");
    assert_eq!(items[1]["kind"], "consent_collected");
    for it in items {
        assert_eq!(it["language"], "hi");
        assert_eq!(it["artefact_id"], id.as_str());
        assert!(it["acknowledged_at"].is_null());
        let text = format!("{}{}", it["title"], it["body"]);
        assert!(
            text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
            "not Hindi: {text}"
        );
    }
    assert!(
        items[0]["body"].as_str().unwrap().contains("विपणन"),
        "{}",
        items[0]["body"]
    );

    // Pages of one, newest first.
    let (_, p1) = me.get("/v1/me/notifications?limit=1").await;
    assert_eq!(p1["items"][0]["kind"], "consent_withdrawn");
    let cursor = p1["next_cursor"].as_str().unwrap();
    let (_, p2) = me
        .get(&format!("/v1/me/notifications?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(p2["items"][0]["kind"], "consent_collected");

    let nid = items[0]["id"].as_str().unwrap();
    let (st, v) = me
        .call(
            reqwest::Method::POST,
            &format!("/v1/me/notifications/{nid}/acknowledge"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["acknowledged_at"].is_string());
    let acked = s.audit_entries("notification.acknowledged").await;
    assert_eq!(acked.len(), 1);
    assert_eq!(acked[0]["initiator"], "principal");
    let (_, unread) = me.get("/v1/me/notifications?unread=true").await;
    assert_eq!(unread["items"].as_array().unwrap().len(), 1);

    // Another principal cannot see or acknowledge it.
    collect_in(&s, &cat, "asha", "en").await;
    let (other, _) = s.principal_token("asha", None).await;
    let (st, v) = other
        .call(
            reqwest::Method::POST,
            &format!("/v1/me/notifications/{nid}/acknowledge"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["code"], "notification_not_found");
    assert_eq!(s.audit_entries("notification.acknowledged").await.len(), 1);
}

#[tokio::test]
async fn a_principal_who_chose_another_language_gets_their_messages_in_it() {
    let s = start().await;
    let cat = s.seed().await;
    let id = collect_in(&s, &cat, "ravi", "hi").await;
    s.notify_now().await;
    let (me, _) = s.principal_token("ravi", None).await;
    let (st, v) = me
        .call(
            reqwest::Method::PUT,
            "/v1/me/preferences",
            Some(json!({"language": "ta"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    s.act_ok(&id, "withdraw", json!({"purposes": ["analytics"]}))
        .await;
    s.notify_now().await;
    let (_, inbox) = me.get("/v1/me/notifications").await;
    assert_eq!(inbox["items"][0]["language"], "ta");
    let title = inbox["items"][0]["title"].as_str().unwrap();
    assert!(
        title
            .chars()
            .any(|c| ('\u{0B80}'..='\u{0BFF}').contains(&c)),
        "not Tamil: {title}"
    );
    // The earlier message stays as it was sent.
    assert_eq!(inbox["items"][1]["language"], "hi");
    let (st, v) = me
        .call(
            reqwest::Method::PUT,
            "/v1/me/preferences",
            Some(json!({"language": "xx"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

#[tokio::test]
async fn renewal_is_reminded_before_expiry_once() {
    let s = start().await;
    let cat = s.seed().await;
    // marketing runs 30 days: with the default notice of 30 days the reminder is due at once;
    // analytics (90 days) at day 60.
    let (st, v) = s
        .put(
            "/v1/notification-settings",
            json!({"renewal_notice_days": 10}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    collect_in(&s, &cat, "ravi", "en").await;
    s.notify_now().await;
    let remind = || async { s.jobs().run_once(s.state(), "renewals").await.unwrap() };
    assert_eq!(remind().await, 0);
    s.advance_days(21);
    assert_eq!(remind().await, 1);
    assert_eq!(remind().await, 0, "once");
    s.notify_now().await;
    let (me, _) = s.principal_token("ravi", None).await;
    let (_, inbox) = me.get("/v1/me/notifications").await;
    assert_eq!(inbox["items"][0]["kind"], "renewal_due", "{inbox}");
    assert!(
        inbox["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("Marketing"),
        "{inbox}"
    );
}

/// A server whose e-mail goes to a real SMTP server (aiosmtpd).
async fn start_with_smtp(smtp: &SmtpServer) -> TestServer {
    let url = smtp.url();
    TestServer::start_with(move |c| {
        c.allow_loopback_endpoints = true;
        c.notify_interval_ms = 3_600_000;
        c.outbox_interval_ms = 3_600_000;
        c.smtp_url = Some(url);
        c.smtp_from = Some("Anumodan <no-reply@example.gov.in>".into());
    })
    .await
}

#[tokio::test]
async fn a_principal_with_an_email_address_is_told_by_smtp_in_their_language() {
    let smtp = SmtpServer::start().await;
    let s = start_with_smtp(&smtp).await;
    let cat = s.seed().await;
    let (st, v) = s.add_contact("ravi", "Ravi@Example.in").await;
    assert!(st.is_success(), "{v}");
    let id = collect_in(&s, &cat, "ravi", "hi").await;
    s.act_ok(&id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    s.notify_now().await;
    s.jobs().run_once(s.state(), "outbox").await.unwrap();
    // Two e-mails, in Hindi: the collection's, then the withdrawal's.
    let got = smtp.wait_for(2, std::time::Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2);
    let (_, listed) = s.get("/v1/deliveries?to=principals&status=sent").await;
    let kinds: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["consent_withdrawn", "consent_collected"],
        "{listed}"
    );
    for d in &got {
        let subject = d.message().subject().unwrap().to_string();
        assert!(
            subject
                .chars()
                .any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
            "in Hindi: {subject}"
        );
    }
    let d = &got[1];
    assert_eq!(d.rcpt_tos, ["ravi@example.in"]);
    assert_eq!(d.header("Content-Language").as_deref(), Some("hi"));
    let msg = d.message();
    let text = msg.body_text(0).unwrap().to_string();
    assert!(text.contains("विपणन"), "the purpose's Hindi name: {text}");
    let html = msg.body_html(0).unwrap().to_string();
    assert!(html.contains("lang=\"hi\""), "{html}");
    let mid = msg.message_id().unwrap().to_string();
    assert!(
        mid.starts_with("msg_") && mid.ends_with("@example.gov.in"),
        "{mid}"
    );
    // Sent once, recorded once; sending again sends nothing more.
    let n = smtp.messages().len();
    s.jobs().run_once(s.state(), "outbox").await.unwrap();
    assert_eq!(smtp.messages().len(), n);
    let sent = s.audit_entries("notification.sent").await;
    assert!(
        sent.iter().any(|e| e["outcome"]
            .as_str()
            .unwrap()
            .starts_with("email consent_withdrawn")),
        "{sent:?}"
    );
    // No address in the ledger.
    assert!(!format!("{sent:?}").contains("example.in"));
}

#[tokio::test]
async fn an_escalation_reaches_the_dpo_by_smtp() {
    let smtp = SmtpServer::start().await;
    let s = start_with_smtp(&smtp).await;
    let cat = s.seed().await;
    let rx = Receiver::start().await;
    s.processor("Mailer", &["marketing"], &rx.url("/m")).await;
    let (st, v) = s
        .put(
            "/v1/notification-settings",
            json!({"dpo_email": "dpo@example.gov.in", "dpo_language": "ta"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let id = collect_in(&s, &cat, "ravi", "en").await;
    s.act_ok(&id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    s.notify_now().await;
    s.clock.advance(time::Duration::hours(25));
    assert_eq!(s.jobs().run_once(s.state(), "escalation").await.unwrap(), 1);
    s.notify_now().await;
    let got = smtp.wait_for(1, std::time::Duration::from_secs(10)).await;
    let d = &got[0];
    assert_eq!(d.rcpt_tos, ["dpo@example.gov.in"]);
    assert_eq!(d.header("Content-Language").as_deref(), Some("ta"));
    let msg = d.message();
    assert!(
        msg.body_text(0).unwrap().contains("Mailer"),
        "the processor is named"
    );
    let (_, sent) = s.get("/v1/deliveries?status=sent").await;
    assert!(
        sent["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["channel"] == "email"),
        "{sent}"
    );
}
