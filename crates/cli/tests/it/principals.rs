//! A principal's own dashboard API: tokens requested by the fiduciary, own consents only,
//! withdrawal in one call.

use crate::common::*;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn token_for(s: &TestServer, principal: &str, ttl: Option<u32>) -> (String, Value) {
    let mut body = json!({"principal_id": principal});
    if let Some(t) = ttl {
        body["ttl_seconds"] = json!(t);
    }
    let (st, v) = s.post("/v1/principal-tokens", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("anp_"), "{token}");
    (token, v)
}

async fn as_principal(
    s: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    s.send(method, path, Some(token), body).await
}

#[tokio::test]
async fn a_principal_sees_and_withdraws_only_their_own_consents() {
    let (s, cat, mine, my_id) = start_with_consent("9876501234", all_granted()).await;
    let theirs = collect_ok(&s, &cat, "someone-else-1", all_granted()).await;
    let (token, issued) = token_for(&s, "9876501234", None).await;
    assert_eq!(ts(&issued["expires_at"]), T0 + time::Duration::seconds(900));
    // The token names the principal only by pseudonym.
    assert!(!token.contains("9876501234"));

    let (st, list) = as_principal(&s, Method::GET, "/v1/me/consents", &token, None).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], mine["id"]);
    assert_eq!(items[0]["principal_id"], "******1234");

    let (st, one) = as_principal(
        &s,
        Method::GET,
        &format!("/v1/me/consents/{my_id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{one}");
    assert_eq!(one["history"].as_array().unwrap().len(), 1);

    // Someone else's artefact does not exist for this principal.
    let other = id_of(&theirs);
    for (method, path) in [
        (Method::GET, format!("/v1/me/consents/{other}")),
        (Method::POST, format!("/v1/me/consents/{other}/withdraw")),
        (Method::POST, format!("/v1/me/consents/{other}/renew")),
    ] {
        let (st, v) = as_principal(&s, method, &path, &token, Some(json!({}))).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v["code"], "consent_not_found");
    }
    assert_eq!(
        s.validate("someone-else-1", "marketing").await["valid"],
        true
    );

    // Withdrawal as easy as giving: one call, effective for the very next validation.
    assert_eq!(s.validate("9876501234", "marketing").await["valid"], true);
    let (st, w) = as_principal(
        &s,
        Method::POST,
        &format!("/v1/me/consents/{my_id}/withdraw"),
        &token,
        Some(json!({"purposes": ["marketing"]})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{w}");
    assert_eq!(purpose(&w, "marketing")["status"], "withdrawn");
    let v = s.validate("9876501234", "marketing").await;
    assert_eq!(v["valid"], false, "{v}");
    // The ledger says the principal did it.
    let e = audit_entries(&s, "consent.withdrawn").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["initiator"], "principal");
    let issued = audit_entries(&s, "principal.token_issued").await;
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0]["principal"], e[0]["principal"]);
    assert!(
        issued[0]["initiator"]
            .as_str()
            .unwrap()
            .starts_with("fiduciary:")
    );
}

#[tokio::test]
async fn tokens_expire_cannot_be_forged_and_are_not_api_keys() {
    let (s, _cat, _a, id) = start_with_consent("token-user-1", all_granted()).await;
    let (token, _) = token_for(&s, "token-user-1", Some(60)).await;
    let ok = as_principal(&s, Method::GET, "/v1/me/consents", &token, None).await;
    assert_eq!(ok.0, StatusCode::OK);

    // A changed byte, another deployment's token shape, an API key: all 401.
    let mut forged = token.clone().into_bytes();
    let i = 10;
    forged[i] = if forged[i] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    for bad in [forged.as_str(), "anp_AAAA.BBBB", s.key.as_str(), "anp_"] {
        let (st, v) = as_principal(&s, Method::GET, "/v1/me/consents", bad, None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{bad}: {v}");
        assert_eq!(v["code"], "unauthorized");
    }
    // A principal token opens no fiduciary route.
    for path in [
        "/v1/purposes",
        &format!("/v1/consents/{id}"),
        "/v1/audit/entries",
    ] {
        let (st, _) = as_principal(&s, Method::GET, path, &token, None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{path}");
    }
    // Expiry follows the server's clock.
    s.clock.advance(time::Duration::seconds(59));
    assert_eq!(
        as_principal(&s, Method::GET, "/v1/me/consents", &token, None)
            .await
            .0,
        StatusCode::OK
    );
    s.clock.advance(time::Duration::seconds(1));
    let (st, _) = as_principal(&s, Method::GET, "/v1/me/consents", &token, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn token_requests_are_checked() {
    let s = TestServer::start().await;
    for (body, code) in [
        (
            json!({"principal_id": "p", "ttl_seconds": 59}),
            "invalid_ttl",
        ),
        (
            json!({"principal_id": "p", "ttl_seconds": 3601}),
            "invalid_ttl",
        ),
        (json!({"principal_id": ""}), "invalid_principal_id"),
        (json!({"ttl_seconds": 600}), "invalid_body"),
    ] {
        let (st, v) = s.post("/v1/principal-tokens", body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], code, "{v}");
    }
    assert!(audit_entries(&s, "principal.token_issued").await.is_empty());
    // Another fiduciary's principal with the same id is another person.
    let (fid_b, key_b) = s.create_fiduciary("B").await;
    let _ = fid_b;
    let cat = s.seed().await;
    collect_ok(&s, &cat, "shared-id-1", all_granted()).await;
    let (st, v) = s
        .send(
            Method::POST,
            "/v1/principal-tokens",
            Some(&key_b),
            Some(json!({"principal_id": "shared-id-1"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, list) = as_principal(
        &s,
        Method::GET,
        "/v1/me/consents",
        v["token"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
}

/// The newest outbox message, opened (what the SMS or e-mail gateway would send).
pub(crate) async fn last_message(
    s: &TestServer,
) -> Option<anumodan_store::principal::OutboxMessage> {
    match newest_outbox_id(s).await {
        Some(id) => s.state().store.outbox_message(id).await.unwrap(),
        None => None,
    }
}

pub(crate) fn code_in(body: &str) -> String {
    body.split_whitespace().next().unwrap().to_string()
}

pub(crate) async fn start(s: &TestServer, contact: &str) -> (StatusCode, Value) {
    s.send(
        Method::POST,
        "/v1/principal-signin/start",
        None,
        Some(json!({"fiduciary_id": s.fiduciary_id, "contact": contact})),
    )
    .await
}

pub(crate) async fn verify(s: &TestServer, contact: &str, code: &str) -> (StatusCode, Value) {
    s.send(
        Method::POST,
        "/v1/principal-signin/verify",
        None,
        Some(json!({"fiduciary_id": s.fiduciary_id, "contact": contact, "code": code})),
    )
    .await
}

#[tokio::test]
async fn a_principal_signs_in_with_a_code_sent_to_their_verified_contact() {
    let (s, cat, _a, id) = start_with_consent("CUST-00042", all_granted()).await;
    collect_ok(&s, &cat, "CUST-00043", all_granted()).await;
    let (st, v) = s
        .post(
            "/v1/principals/contacts",
            json!({"principal_id": "CUST-00042", "contact": "98765 43210"}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");

    // Known and unknown contacts get the same answer; only the known one gets a message.
    let (st, known) = start(&s, "+91 98765-43210").await;
    assert_eq!(st, StatusCode::ACCEPTED, "{known}");
    let m = last_message(&s).await.expect("a message in the outbox");
    assert_eq!(m.channel, "sms");
    assert_eq!(m.destination, "+919876543210");
    let code = code_in(&m.body);
    assert_eq!(code.len(), 6);
    let (st, unknown) = start(&s, "9000000001").await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(known, unknown);
    assert_eq!(last_message(&s).await.unwrap().id, m.id);

    // The right code signs in, once; the token shows only this principal's consents.
    let (st, t) = verify(&s, "9876543210", &code).await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let token = t["token"].as_str().unwrap();
    let (st, list) = s
        .send(Method::GET, "/v1/me/consents", Some(token), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    let (st, v) = verify(&s, "9876543210", &code).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["code"], "invalid_code");
    let e = audit_entries(&s, "principal.signed_in").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["initiator"], "principal");
    let collected = audit_entries(&s, "consent.collected").await;
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
    let sent = anumodan_server::workers::dispatch_outbox_once(s.state(), &next, lease)
        .await
        .unwrap();
    assert_eq!(sent, 3);
    assert_eq!(
        gateway.take(),
        ids[1..],
        "only the message in flight went twice"
    );
    let again = anumodan_server::workers::dispatch_outbox_once(s.state(), &next, lease)
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert!(gateway.take().is_empty());
}

#[tokio::test]
async fn codes_expire_are_void_after_five_wrong_tries_and_are_not_resent_at_once() {
    let (s, _cat, _a, _id) = start_with_consent("CUST-7", all_granted()).await;
    let (st, _) = s
        .post(
            "/v1/principals/contacts",
            json!({"principal_id": "CUST-7", "contact": "Citizen.Seven@Example.in"}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let email = "citizen.seven@example.in";

    // Five wrong codes void the code: the right one no longer works.
    start(&s, email).await;
    let first = last_message(&s).await.unwrap();
    assert_eq!(first.channel, "email");
    let code = code_in(&first.body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(verify(&s, email, wrong).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(verify(&s, email, &code).await.0, StatusCode::UNAUTHORIZED);

    // Five failures lock the contact out for 15 minutes: no new code meanwhile (same answer,
    // no message), then one.
    start(&s, email).await;
    assert_eq!(last_message(&s).await.unwrap().id, first.id);
    s.clock.advance(time::Duration::minutes(14));
    start(&s, email).await;
    assert_eq!(last_message(&s).await.unwrap().id, first.id);
    s.clock.advance(time::Duration::minutes(1));
    start(&s, email).await;
    let second = last_message(&s).await.unwrap();
    assert_ne!(second.id, first.id);
    // Not again within 30 s.
    start(&s, email).await;
    assert_eq!(last_message(&s).await.unwrap().id, second.id);

    // A code expires after 5 minutes.
    s.clock.advance(time::Duration::minutes(5));
    let (st, v) = verify(&s, email, &code_in(&second.body)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");

    // Malformed contacts are refused plainly; nothing is queued.
    for bad in ["12345", "not-an-email@", ""] {
        let (st, v) = start(&s, bad).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "invalid_contact");
        let (st, v) = s
            .post(
                "/v1/principals/contacts",
                json!({"principal_id": "CUST-7", "contact": bad}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
    assert_eq!(last_message(&s).await.unwrap().id, second.id);
}

/// A new code does not buy new guesses: failures count across codes, lock-outs double, and a
/// contact gets at most ten codes a day (no SMS flood).
#[tokio::test]
async fn guesses_count_across_codes_and_codes_are_capped_per_day() {
    let (s, _cat, _a, _id) = start_with_consent("CUST-9", all_granted()).await;
    let (st, _) = s
        .post(
            "/v1/principals/contacts",
            json!({"principal_id": "CUST-9", "contact": "9123456780"}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let phone = "9123456780";
    start(&s, phone).await;
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
            verify(&s, phone, &wrong(&c1)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    s.clock.advance(time::Duration::seconds(30));
    start(&s, phone).await;
    let c2 = code_in(&last_message(&s).await.unwrap().body);
    // The fifth failure overall locks, although it is the first for this code.
    assert_eq!(
        verify(&s, phone, &wrong(&c2)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(verify(&s, phone, &c2).await.0, StatusCode::UNAUTHORIZED);

    // After the lock-out, a right code works and the count starts again.
    s.clock.advance(time::Duration::minutes(15));
    start(&s, phone).await;
    let c3 = code_in(&last_message(&s).await.unwrap().body);
    assert_eq!(verify(&s, phone, &c3).await.0, StatusCode::CREATED);

    // Ten codes in 24 hours at most (this window has had three).
    let mut sent = 3;
    for _ in 0..12 {
        s.clock.advance(time::Duration::seconds(31));
        let before = last_message(&s).await.unwrap().id;
        start(&s, phone).await;
        if last_message(&s).await.unwrap().id != before {
            sent += 1;
        }
    }
    assert_eq!(sent, 10);
    s.clock.advance(time::Duration::hours(24));
    let before = last_message(&s).await.unwrap().id;
    start(&s, phone).await;
    assert_ne!(last_message(&s).await.unwrap().id, before);
}

#[tokio::test]
async fn a_principal_updates_and_renews_their_own_consent_and_it_is_recorded_as_theirs() {
    let (s, cat, _, id) = start_with_consent(
        "9876505678",
        decisions("granted", "denied", "granted", "granted"),
    )
    .await;
    let theirs = id_of(&collect_ok(&s, &cat, "someone-else-2", all_granted()).await);
    // A token lives 15 minutes: each call gets a fresh one, as the clock moves by days here.
    let me = |verb: &str, id: &str, body: Value| {
        let path = format!("/v1/me/consents/{id}/{verb}");
        let s = &s;
        async move {
            let (token, _) = token_for(s, "9876505678", None).await;
            as_principal(s, Method::POST, &path, &token, Some(body)).await
        }
    };
    // Someone else's consent cannot be touched.
    let (st, v) = me(
        "update",
        &theirs,
        json!({"decisions": {"marketing": "denied"}}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(
        s.validate("someone-else-2", "marketing").await["valid"],
        true
    );

    // The principal grants marketing themselves: no evidence needed, their call is the act.
    s.advance_days(1);
    let (st, v) = me(
        "update",
        &id,
        json!({"decisions": {"marketing": "granted"}, "method": "app", "session_id": "phone-1"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["initiator"], "principal");
    assert_eq!(v["method"], "app");
    assert_eq!(v["notice_version"], 1);
    assert_eq!(purpose(&v, "marketing")["status"], "active");
    assert_eq!(s.validate("9876505678", "marketing").await["valid"], true);

    // And renews everything in force, from now.
    s.advance_days(10);
    let (st, v) = me("renew", &id, json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["event"], "renewed");
    assert_eq!(v["initiator"], "principal");
    assert_eq!(v["method"], "web");
    assert!(
        v["session_id"].is_null(),
        "not copied from the collection: {v}"
    );
    assert_eq!(
        ts(&purpose(&v, "marketing")["expires_at"]),
        T0 + time::Duration::days(11 + 30)
    );
    // Bad input is refused and changes nothing.
    let (st, v) = me("renew", &id, json!({"decisions": {"marketing": "granted"}})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "invalid_body");
    let (st, v) = me(
        "update",
        &id,
        json!({"decisions": {"marketing": "granted"}, "method": "system"}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "invalid_method");

    // The ledger says the principal did each of these.
    for action in ["consent.updated", "consent.renewed"] {
        let e = audit_entries(&s, action).await;
        assert!(!e.is_empty(), "{action}");
        assert!(
            e.iter().all(|e| e["initiator"] == "principal"),
            "{action}: {e:?}"
        );
    }
    let h = consent(&s, &id).await["history"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(h.len(), 3);
}

/// Issue 17, item 3: a principal grants under the current notice themselves.
#[tokio::test]
async fn a_principal_collects_their_own_consent_under_the_current_notice() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    // Known to Anumodan only through the token the fiduciary asked for: no artefact yet.
    let (token, _) = token_for(&s, "P-self-1", None).await;
    let me = |body: Value| as_principal(&s, Method::POST, "/v1/me/consents", &token, Some(body));
    let body = json!({"notice_id": cat.notice_id, "language": "hi",
        "decisions": decisions("granted", "denied", "granted", "granted")});
    let (st, a) = me(body.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["initiator"], "principal");
    assert_eq!(a["method"], "web");
    assert_eq!(a["notice_version"], 1);
    assert_eq!(a["language"], "hi");
    assert_ne!(a["principal_id"], "P-self-1", "masked on the way out");
    assert_eq!(s.validate("P-self-1", "account").await["reason"], "active");
    assert_eq!(
        s.validate("P-self-1", "marketing").await["reason"],
        "denied"
    );
    let collected = audit_entries(&s, "consent.collected").await;
    assert!(
        collected
            .iter()
            .filter(|e| e["artefact"] == a["id"])
            .all(|e| e["initiator"] == "principal")
    );
    // The fiduciary sees it among the principal's consents.
    assert_eq!(principal_items(&s, "P-self-1", "").await.len(), 1);

    // Bad requests change nothing.
    let size = ledger_size(&s).await;
    for (body, status, code) in [
        (
            json!({"notice_id": cat.notice_id, "language": "en", "decisions": {"account": "granted"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_decision",
        ),
        (
            json!({"notice_id": cat.notice_id, "language": "en", "decisions": all_granted(), "method": "system"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_method",
        ),
        (
            json!({"notice_id": "01a207d1-0000-7000-8000-000000000000", "language": "en", "decisions": all_granted()}),
            StatusCode::NOT_FOUND,
            "notice_not_found",
        ),
        (
            json!({"notice_id": cat.notice_id, "notice_version": 2, "language": "en", "decisions": all_granted()}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "notice_version_not_published",
        ),
    ] {
        let (st, v) = me(body.clone()).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (status, Some(code)),
            "{body}: {v}"
        );
    }
    assert_eq!(ledger_size(&s).await, size);
    // Only under the current version: once version 2 is out, version 1 is refused.
    let (_, n) = s.get(&format!("/v1/notices/{}", cat.notice_id)).await;
    let mut texts = n["texts"].clone();
    texts["en"]["summary"] = json!("A clearer summary.");
    let (st, v) = s
        .send(
            Method::PUT,
            &format!("/v1/notices/{}", cat.notice_id),
            Some(&s.key),
            Some(json!({"code": n["code"], "purposes": n["purposes"], "texts": texts})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = s
        .post(&format!("/v1/notices/{}/publish", cat.notice_id), json!({}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let mut old = body.clone();
    old["notice_version"] = json!(1);
    let (st, v) = me(old).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("notice_version_outdated")),
        "{v}"
    );
    let (st, v) = me(body.clone()).await;
    assert_eq!(
        (st, v["notice_version"].clone()),
        (StatusCode::CREATED, json!(2)),
        "{v}"
    );
    let (st, v) = as_principal(
        &s,
        Method::POST,
        "/v1/me/consents",
        "anp_forged",
        Some(body.clone()),
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");

    // A principal whose data was erased is no longer known by their old token.
    let (st, v) = s
        .post("/v1/principals/erase", json!({"principal_id": "P-self-1"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = me(body).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("principal_unknown")),
        "{v}"
    );
}
