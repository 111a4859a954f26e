//! History keeps every version unchanged; a principal's consents filter and paginate.

use super::ids;
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

#[tokio::test]
async fn history_keeps_every_version_unchanged() {
    let (s, _, a, id) = start_with_consent("p-hist", all_granted()).await;
    s.advance_days(1);
    let (_, b) = s
        .act(&id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    s.advance_days(1);
    let (_, c) = s
        .act(&id, "update", json!({"decisions": {"analytics": "denied"}}))
        .await;
    s.advance_days(1);
    let (_, d) = s
        .act(&id, "renew", evidence(json!({"purposes": ["account"]})))
        .await;
    s.advance_days(100);
    assert_eq!(s.run_expiry().await, 0, "nothing granted and active is due");
    s.advance_days(300);
    assert_eq!(s.run_expiry().await, 1);

    let got = s.consent(&id).await;
    let h = got["history"].as_array().unwrap();
    assert_eq!(h.len(), 5);
    assert_eq!(h[0], a);
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("legal_exceptions");
        v
    };
    assert_eq!(h[1], strip(b));
    assert_eq!(h[2], c);
    assert_eq!(h[3], d);
    let events: Vec<&str> = h.iter().map(|v| v["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        ["collected", "withdrawn", "updated", "renewed", "expired"]
    );
    for (i, v) in h.iter().enumerate() {
        assert_eq!(v["id"], id.as_str());
        assert_eq!(v["version"], i + 1);
        if i == 0 {
            assert!(v["previous_version"].is_null());
        } else {
            assert_eq!(v["previous_version"], i);
        }
        // Who the principal is, and when and under which notice they first consented, never
        // changes.
        for f in [
            "principal_id",
            "notice_id",
            "notice_version",
            "notice_text_hash",
            "language",
            "collected_at",
        ] {
            assert_eq!(v[f], a[f], "{f} in version {}", i + 1);
        }
    }
    // Each version records how its own action was taken, never the collection's.
    let methods: Vec<&str> = h.iter().map(|v| v["method"].as_str().unwrap()).collect();
    assert_eq!(methods, ["web", "api", "api", "app", "system"]);
    assert!(h[1]["session_id"].is_null());
    assert!(h[4]["session_id"].is_null());
    assert_eq!(h[4]["initiator"], "system");
    // The top level is the latest version.
    let mut top = got.clone();
    top.as_object_mut().unwrap().remove("history");
    assert_eq!(top, h[4]);
    let (st, v) = s
        .get(&format!("/v1/consents/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "consent_not_found");
}

#[tokio::test]
async fn principal_consents_filter_and_paginate() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    // Seven artefacts one hour apart, and one for someone else.
    let mut made = Vec::new();
    for i in 0..7 {
        let decisions = if i % 2 == 0 {
            all_granted()
        } else {
            decisions("granted", "denied", "denied", "denied")
        };
        made.push(s.collect_ok(&cat, "p-list", decisions).await);
        s.clock.advance(Duration::hours(1));
    }
    s.collect_ok(&cat, "p-other", all_granted()).await;
    let made_ids: Vec<String> = made.iter().map(id_of).collect();
    let newest_first: Vec<String> = made_ids.iter().rev().cloned().collect();

    let all = s.principal_items("p-list", "").await;
    assert_eq!(ids(&all), newest_first);
    assert!(all.iter().all(|a| a["principal_id"] == "******"));
    assert!(s.principal_items("nobody", "").await.is_empty());
    pages_of_two_and_of_all(&s, &newest_first).await;
    status_and_purpose_filters(&s, &newest_first).await;
    date_range_filters_and_pages(&s, &made_ids).await;

    // Withdrawn and expired follow the lifecycle; items show the status as of now.
    let (st, _) = s.act(&made_ids[0], "withdraw", json!({})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        ids(&s.principal_items("p-list", "?status=withdrawn").await),
        vec![made_ids[0].clone()]
    );
    s.clock.set(T0 + Duration::days(31));
    let expired = s
        .principal_items("p-list", "?status=expired&purpose=marketing")
        .await;
    assert_eq!(
        ids(&expired),
        vec![
            made_ids[6].clone(),
            made_ids[4].clone(),
            made_ids[2].clone()
        ]
    );
    assert!(
        expired
            .iter()
            .all(|a| purpose(a, "marketing")["status"] == "expired")
    );
}

/// Pages of two: no duplicates, no gaps; exactly a page: no next cursor.
async fn pages_of_two_and_of_all(s: &TestServer, newest_first: &[String]) {
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".to_string(),
        };
        let (st, v) = s.get(&format!("/v1/principals/p-list/consents{q}")).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        let items = v["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        paged.extend(ids(items));
        pages += 1;
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(paged, newest_first);
    // Exactly a page: no next cursor.
    let (_, v) = s.get("/v1/principals/p-list/consents?limit=7").await;
    assert_eq!(v["items"].as_array().unwrap().len(), 7);
    assert!(v.get("next_cursor").is_none_or(Value::is_null));
}

/// Filtered by status and purpose (the even artefacts granted everything, the odd ones only
/// `account`).
async fn status_and_purpose_filters(s: &TestServer, newest_first: &[String]) {
    let granted_all: Vec<String> = newest_first
        .iter()
        .enumerate()
        .filter(|(i, _)| (6 - i) % 2 == 0)
        .map(|(_, id)| id.clone())
        .collect();
    let denied_marketing: Vec<String> = newest_first
        .iter()
        .filter(|id| !granted_all.contains(id))
        .cloned()
        .collect();
    assert_eq!(
        ids(&s.principal_items("p-list", "?status=active").await),
        newest_first
    );
    assert_eq!(
        ids(&s
            .principal_items("p-list", "?status=active&purpose=marketing")
            .await),
        granted_all
    );
    assert_eq!(
        ids(&s.principal_items("p-list", "?status=denied").await),
        denied_marketing
    );
    assert_eq!(
        ids(&s
            .principal_items("p-list", "?status=denied&purpose=account")
            .await),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&s.principal_items("p-list", "?purpose=marketing").await),
        newest_first
    );
    assert!(
        s.principal_items("p-list", "?purpose=profiling")
            .await
            .is_empty()
    );
    assert!(
        s.principal_items("p-list", "?status=withdrawn")
            .await
            .is_empty()
    );
}

/// Filtered by the collection time, [from, to), alone and with the other filters and pages
/// (artefact `i` was collected `i` hours after T0).
async fn date_range_filters_and_pages(s: &TestServer, made_ids: &[String]) {
    // Date range on the collection time: [from, to).
    let from = rfc3339(T0 + Duration::hours(2));
    let to = rfc3339(T0 + Duration::hours(5));
    assert_eq!(
        ids(&s
            .principal_items("p-list", &format!("?from={from}&to={to}"))
            .await),
        vec![
            made_ids[4].clone(),
            made_ids[3].clone(),
            made_ids[2].clone()
        ]
    );
    assert_eq!(
        ids(&s.principal_items("p-list", &format!("?from={from}")).await).len(),
        5
    );
    assert_eq!(
        ids(&s.principal_items("p-list", &format!("?to={from}")).await),
        vec![made_ids[1].clone(), made_ids[0].clone()]
    );
    // Filters and pages combine.
    let (_, v) = s
        .get(&format!(
            "/v1/principals/p-list/consents?from={from}&status=active&purpose=marketing&limit=1"
        ))
        .await;
    assert_eq!(
        ids(v["items"].as_array().unwrap()),
        vec![made_ids[6].clone()]
    );
    let c = v["next_cursor"].as_str().unwrap().to_string();
    let (_, v) = s
        .get(&format!(
            "/v1/principals/p-list/consents?from={from}&status=active&purpose=marketing&limit=1&cursor={c}"
        ))
        .await;
    assert_eq!(
        ids(v["items"].as_array().unwrap()),
        vec![made_ids[4].clone()]
    );
}
