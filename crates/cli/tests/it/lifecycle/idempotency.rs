//! Retries (issue 17, item 11): a request repeated with the same `Idempotency-Key`.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

/// A POST with an `Idempotency-Key`, as `bearer`: status, replay header, body.
async fn post_keyed(
    s: &TestServer,
    bearer: &str,
    path: &str,
    key: &[u8],
    body: &str,
) -> (StatusCode, bool, Value) {
    let res = s
        .client
        .post(format!("{}{path}", s.url))
        .bearer_auth(bearer)
        .header(
            "idempotency-key",
            reqwest::header::HeaderValue::from_bytes(key).unwrap(),
        )
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let replayed = res
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true");
    let v = res.json().await.unwrap_or(Value::Null);
    (status, replayed, v)
}

#[tokio::test]
async fn a_retried_request_with_the_same_key_returns_the_first_answer_and_writes_nothing() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let collect = |decisions: Value| {
        json!({"principal_id": "P-retry", "notice_id": cat.notice_id, "notice_version": 1,
               "language": "en", "decisions": decisions, "method": "app", "session_id": "s-1"})
        .to_string()
    };
    let body = collect(all_granted());
    let (st, replayed, first) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &body).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, false), "{first}");
    let size = ledger_size(&s).await;

    // The same key and request: the same answer, marked as a replay, nothing written.
    let (st, replayed, again) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &body).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, true), "{again}");
    assert_eq!(again, first);
    // The same JSON written differently is the same request.
    let reordered: Value = serde_json::from_str(&body).unwrap();
    let pretty = serde_json::to_string_pretty(&reordered).unwrap();
    let (st, replayed, _) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &pretty).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, true));
    assert_eq!(ledger_size(&s).await, size);
    assert_eq!(s.principal_items("P-retry", "").await.len(), 1);

    // The same key for another request: refused, nothing written.
    let other = collect(decisions("granted", "denied", "granted", "granted"));
    let (st, _, v) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &other).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "idempotency_key_reused");
    let id = first["id"].as_str().unwrap();
    let withdraw = format!("/v1/consents/{id}/withdraw");
    let (st, _, v) = post_keyed(&s, &s.key, &withdraw, b"k-collect-1", &body).await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another route is another request: {v}"
    );
    assert_eq!(ledger_size(&s).await, size);

    // Keys are the caller's own: another API key of the fiduciary may use the same string.
    let (st, k2) = s.post("/v1/keys", json!({"name": "second app"})).await;
    assert_eq!(st, StatusCode::CREATED, "{k2}");
    let key2 = k2["api_key"].as_str().unwrap();
    let (st, replayed, mine) = post_keyed(&s, key2, "/v1/consents", b"k-collect-1", &other).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, false), "{mine}");
    assert_ne!(mine["id"], first["id"]);

    // A lifecycle action: a retried withdrawal is the first answer, not a second version.
    let w = json!({"purposes": ["marketing"]}).to_string();
    let (st, replayed, w1) = post_keyed(&s, &s.key, &withdraw, b"k-w", &w).await;
    assert_eq!((st, replayed), (StatusCode::OK, false), "{w1}");
    let size = ledger_size(&s).await;
    let (st, replayed, w2) = post_keyed(&s, &s.key, &withdraw, b"k-w", &w).await;
    assert_eq!((st, replayed), (StatusCode::OK, true), "{w2}");
    assert_eq!(w2, w1);
    assert_eq!(ledger_size(&s).await, size);
    // The principal's own routes take keys too (scoped to the principal).
    let (me, _) = s.principal_token("P-retry", None).await;
    let token = me.token.as_str();
    let mine_w = format!("/v1/me/consents/{id}/withdraw");
    let a = json!({"purposes": ["analytics"]}).to_string();
    let (st, replayed, m1) = post_keyed(&s, token, &mine_w, b"k-w", &a).await;
    assert_eq!((st, replayed), (StatusCode::OK, false), "{m1}");
    assert_eq!(m1["initiator"], "principal");
    let size = ledger_size(&s).await;
    let (st, replayed, m2) = post_keyed(&s, token, &mine_w, b"k-w", &a).await;
    assert_eq!(
        (st, replayed, m2.clone()),
        (StatusCode::OK, true, m1),
        "{m2}"
    );
    assert_eq!(ledger_size(&s).await, size);

    // After 24 hours a key is forgotten (the expiry job purges it): it may be used again.
    s.advance_days(1);
    s.clock.advance(Duration::seconds(1));
    let remembered = || {
        with_db(&s.dir, |c| {
            c.query_row("SELECT COUNT(*) FROM idempotency_keys", (), |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
        })
    };
    assert_eq!(remembered(), 4);
    s.run_expiry().await;
    assert_eq!(remembered(), 0);
    let (st, replayed, v) = post_keyed(&s, &s.key, "/v1/consents", b"k-collect-1", &other).await;
    assert_eq!((st, replayed), (StatusCode::CREATED, false), "{v}");
    assert_ne!(v["id"], first["id"]);
}

#[tokio::test]
async fn bad_idempotency_keys_are_refused_and_an_erased_answer_is_not_replayed() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let body = json!({"principal_id": "P-gone", "notice_id": cat.notice_id, "notice_version": 1,
                      "language": "en", "decisions": all_granted(), "method": "app"})
    .to_string();
    let size = ledger_size(&s).await;
    let long = vec![b'k'; 256];
    for bad in [&b""[..], b"two words", b"caf\xc3\xa9", &long] {
        let (st, _, v) = post_keyed(&s, &s.key, "/v1/consents", bad, &body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "invalid_idempotency_key", "{v}");
    }
    assert_eq!(ledger_size(&s).await, size);
    assert!(s.principal_items("P-gone", "").await.is_empty());

    // The answer holds personal data: after the principal's erasure it cannot be given again,
    // and the request is not run a second time either.
    let (st, _, first) = post_keyed(&s, &s.key, "/v1/consents", b"k-gone", &body).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let (st, v) = s.erase("P-gone").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let size = ledger_size(&s).await;
    let (st, _, v) = post_keyed(&s, &s.key, "/v1/consents", b"k-gone", &body).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "idempotency_answer_erased");
    assert_eq!(ledger_size(&s).await, size);
    assert!(s.principal_items("P-gone", "").await.is_empty());
}
