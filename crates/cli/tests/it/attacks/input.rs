//! Format characters in free text, huge ledger positions, and a gateway that is down.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// Also from the review: invisible format characters (bidi overrides, zero-width spaces) are
/// refused in free text as control characters are, while the joiners Indic scripts need are
/// kept; ledger positions beyond what the store holds are refused, not wrapped; a gateway that
/// is down is retried with back-off, not every round.
#[tokio::test]
async fn format_characters_huge_positions_and_a_down_gateway_are_handled() {
    let s = TestServer::start().await;
    let size = ledger_size(&s).await;
    for (path, body, code) in [
        (
            "/v1/data-items",
            json!({"code": "pan", "name": {"en": "PAN\u{202E}txt.exe"}, "category": "id", "sensitive": true}),
            "invalid_text",
        ),
        (
            "/v1/data-items",
            json!({"code": "pan", "name": {"en": "P\u{200B}AN"}, "category": "id", "sensitive": true}),
            "invalid_text",
        ),
        (
            "/v1/consents/validate",
            json!({"principal_id": "abc\u{2066}def", "purpose": "x"}),
            "invalid_principal_id",
        ),
        ("/v1/keys", json!({"name": "ops\u{FEFF}"}), "invalid_name"),
    ] {
        let (st, v) = s.post(path, body.clone()).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{body}: {v}"
        );
    }
    assert_eq!(ledger_size(&s).await, size, "refusals change nothing");
    // Hindi with a zero-width joiner (a half form) is ordinary text.
    let (st, v) = s
        .post("/v1/data-items", json!({"code": "kshetra", "name": {"en": "Area", "hi": "क्\u{200D}षेत्र"}, "category": "address", "sensitive": false}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    for path in [
        "/v1/audit/entries?cursor=9223372036854775808",
        "/v1/audit/entries/18446744073709551615",
        "/v1/audit/proofs/inclusion?index=9223372036854775808",
        "/v1/audit/proofs/consistency?from=1&to=18446744073709551615",
        "/v1/audit/checkpoints?after=9223372036854775808",
    ] {
        let (st, v) = s.get(path).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_query")),
            "{path}: {v}"
        );
    }

    // A gateway that is down: each failure doubles the wait before the message's next try.
    struct Down(std::sync::atomic::AtomicUsize);
    impl anumodan_server::jobs::outbox::Delivery for Down {
        fn deliver<'a>(
            &'a self,
            _: &'a anumodan_store::principal::OutboxMessage,
        ) -> anumodan_server::jobs::outbox::Delivered<'a> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Box::pin(std::future::ready(Err("gateway down".into())))
        }
    }
    let s = TestServer::start_with(|c| c.outbox_interval_ms = 3_600_000).await;
    let cat = s.seed().await;
    queue_sign_in_codes(&s, &cat, "down", 1).await;
    let down = Down(Default::default());
    let lease = Duration::from_secs(10);
    let round = || anumodan_server::jobs::outbox::dispatch_outbox_once(s.state(), &down, lease);
    let tries = || down.0.load(std::sync::atomic::Ordering::SeqCst);
    round().await.unwrap();
    assert_eq!(tries(), 1);
    // Rounds every 250 ms no longer hammer it: not again before 1 s, then not before 2 s more.
    for _ in 0..3 {
        round().await.unwrap();
    }
    assert_eq!(tries(), 1);
    s.clock.advance(time::Duration::milliseconds(1_000));
    round().await.unwrap();
    assert_eq!(tries(), 2);
    s.clock.advance(time::Duration::milliseconds(1_500));
    round().await.unwrap();
    assert_eq!(tries(), 2);
    s.clock.advance(time::Duration::milliseconds(500));
    round().await.unwrap();
    assert_eq!(tries(), 3);
}
