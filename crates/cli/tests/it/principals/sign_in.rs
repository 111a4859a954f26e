//! Signing in with a code sent to a verified contact: codes expire, are void after wrong tries,
//! count across codes and are capped per day; the outbox survives a crash mid-round.

use crate::harness::*;
use reqwest::StatusCode;

#[tokio::test]
async fn a_principal_signs_in_with_a_code_sent_to_their_verified_contact() {
    let (s, cat, _a, id) = start_with_consent("CUST-00042", all_granted()).await;
    s.collect_ok(&cat, "CUST-00043", all_granted()).await;
    let (st, v) = s.add_contact("CUST-00042", "98765 43210").await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");

    // Known and unknown contacts get the same answer; only the known one gets a message.
    let (st, known) = s.signin_start("+91 98765-43210").await;
    assert_eq!(st, StatusCode::ACCEPTED, "{known}");
    let m = last_message(&s).await.expect("a message in the outbox");
    assert_eq!(m.channel, "sms");
    assert_eq!(m.destination, "+919876543210");
    let code = code_in(&m.body);
    assert_eq!(code.len(), 6);
    let (st, unknown) = s.signin_start("9000000001").await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(known, unknown);
    assert_eq!(last_message(&s).await.unwrap().id, m.id);

    // The right code signs in, once; the token shows only this principal's consents.
    let (st, t) = s.signin_verify("9876543210", &code).await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let me = s.principal(t["token"].as_str().unwrap());
    let (st, list) = me.consents().await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    let (st, v) = s.signin_verify("9876543210", &code).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["code"], "invalid_code");
    let e = s.audit_entries("principal.signed_in").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["initiator"], "principal");
    let collected = s.audit_entries("consent.collected").await;
    assert_eq!(e[0]["principal"], collected[0]["principal"]);

    // The dispatcher sends the message and marks it.
    let deadline = Deadline::after(std::time::Duration::from_secs(10));
    while !s
        .state()
        .store
        .outbox_message(m.id)
        .await
        .unwrap()
        .unwrap()
        .sent
    {
        deadline
            .tick(std::time::Duration::from_millis(50), || {
                "outbox not dispatched".to_string()
            })
            .await;
    }

    // At rest, the contact and the message are sealed.
    let raw: (String, String) = s
        .state()
        .store
        .read_conn(move |c| {
            c.query_row(
                "SELECT destination, body FROM outbox WHERE id = ?1",
                [m.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| anumodan_core::ports::StoreError::internal(e.to_string()))
        })
        .await
        .unwrap();
    assert!(
        raw.0.starts_with("enc:v1:") && raw.1.starts_with("enc:v1:"),
        "{raw:?}"
    );
    assert!(!raw.1.contains(&code));
}

/// A node that dies in the middle of an outbox round, after the gateway took a message and
/// before it was marked sent, sends again only that message (with its id, the idempotency key)
/// when the round runs again: every message before it was marked sent in its own commit.
#[tokio::test]
async fn a_crash_mid_outbox_round_sends_again_only_the_message_in_flight() {
    // The server's own outbox rounds (LogDelivery) would send the messages first.
    let s = TestServer::start_with(|c| c.outbox_interval_ms = 3_600_000).await;
    let cat = s.seed().await;
    let ids = queue_sign_in_codes(&s, &cat, "crash-outbox", 4).await;
    let gateway = std::sync::Arc::new(Gateway::default());
    let lease = std::time::Duration::from_secs(10);
    die_mid_outbox_round(&s, &gateway, 2, lease).await;
    assert_eq!(gateway.take(), ids[..2]);
    let next = DyingAfter(gateway.clone(), usize::MAX);
    let sent = anumodan_server::jobs::outbox::dispatch_outbox_once(s.state(), &next, lease)
        .await
        .unwrap();
    assert_eq!(sent, 3);
    assert_eq!(
        gateway.take(),
        ids[1..],
        "only the message in flight went twice"
    );
    let again = anumodan_server::jobs::outbox::dispatch_outbox_once(s.state(), &next, lease)
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert!(gateway.take().is_empty());
}

#[tokio::test]
async fn codes_expire_are_void_after_five_wrong_tries_and_are_not_resent_at_once() {
    let (s, _cat, _a, _id) = start_with_consent("CUST-7", all_granted()).await;
    let (st, _) = s.add_contact("CUST-7", "Citizen.Seven@Example.in").await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let email = "citizen.seven@example.in";

    // Five wrong codes void the code: the right one no longer works.
    s.signin_start(email).await;
    let first = last_message(&s).await.unwrap();
    assert_eq!(first.channel, "email");
    let code = code_in(&first.body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(
            s.signin_verify(email, wrong).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        s.signin_verify(email, &code).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Five failures lock the contact out for 15 minutes: no new code meanwhile (same answer,
    // no message), then one.
    s.signin_start(email).await;
    assert_eq!(last_message(&s).await.unwrap().id, first.id);
    s.clock.advance(time::Duration::minutes(14));
    s.signin_start(email).await;
    assert_eq!(last_message(&s).await.unwrap().id, first.id);
    s.clock.advance(time::Duration::minutes(1));
    s.signin_start(email).await;
    let second = last_message(&s).await.unwrap();
    assert_ne!(second.id, first.id);
    // Not again within 30 s.
    s.signin_start(email).await;
    assert_eq!(last_message(&s).await.unwrap().id, second.id);

    // A code expires after 5 minutes.
    s.clock.advance(time::Duration::minutes(5));
    let (st, v) = s.signin_verify(email, &code_in(&second.body)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");

    // Malformed contacts are refused plainly; nothing is queued.
    for bad in ["12345", "not-an-email@", ""] {
        let (st, v) = s.signin_start(bad).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "invalid_contact");
        let (st, v) = s.add_contact("CUST-7", bad).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
    assert_eq!(last_message(&s).await.unwrap().id, second.id);
}

/// A new code does not buy new guesses: failures count across codes, lock-outs double, and a
/// contact gets at most ten codes a day (no SMS flood).
#[tokio::test]
async fn guesses_count_across_codes_and_codes_are_capped_per_day() {
    let (s, _cat, _a, _id) = start_with_consent("CUST-9", all_granted()).await;
    let (st, _) = s.add_contact("CUST-9", "9123456780").await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let phone = "9123456780";
    s.signin_start(phone).await;
    let c1 = code_in(&last_message(&s).await.unwrap().body);
    let wrong = |c: &str| {
        if c == "000000" {
            "111111".to_string()
        } else {
            "000000".to_string()
        }
    };
    for _ in 0..4 {
        assert_eq!(
            s.signin_verify(phone, &wrong(&c1)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    s.clock.advance(time::Duration::seconds(30));
    s.signin_start(phone).await;
    let c2 = code_in(&last_message(&s).await.unwrap().body);
    // The fifth failure overall locks, although it is the first for this code.
    assert_eq!(
        s.signin_verify(phone, &wrong(&c2)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.signin_verify(phone, &c2).await.0,
        StatusCode::UNAUTHORIZED
    );

    // After the lock-out, a right code works and the count starts again.
    s.clock.advance(time::Duration::minutes(15));
    s.signin_start(phone).await;
    let c3 = code_in(&last_message(&s).await.unwrap().body);
    assert_eq!(s.signin_verify(phone, &c3).await.0, StatusCode::CREATED);

    // Ten codes in 24 hours at most (this window has had three).
    let mut sent = 3;
    for _ in 0..12 {
        s.clock.advance(time::Duration::seconds(31));
        let before = last_message(&s).await.unwrap().id;
        s.signin_start(phone).await;
        if last_message(&s).await.unwrap().id != before {
            sent += 1;
        }
    }
    assert_eq!(sent, 10);
    s.clock.advance(time::Duration::hours(24));
    let before = last_message(&s).await.unwrap().id;
    s.signin_start(phone).await;
    assert_ne!(last_message(&s).await.unwrap().id, before);
}
