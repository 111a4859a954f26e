//! Listing the ledger past a full page, and each fiduciary seeing only its own entries and proofs.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn a_fiduciary_sees_only_its_own_entries_and_proofs() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let a = s
        .collect_ok(&cat, "shared-principal-1", all_granted())
        .await;
    let va = s.validate("shared-principal-1", "account").await;
    let (fid_b, key_b) = s.create_fiduciary("Second Fiduciary").await;
    let api_b = s.api_as(&key_b);
    let notice_b = api_b.seed_minimal().await;
    let (st, b) = api_b
        .post(
            "/v1/consents",
            json!({"principal_id": "shared-principal-1", "notice_id": notice_b, "notice_version": 1,
                   "language": "en", "decisions": {"account": "granted"}, "method": "app"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");

    let mine = s.entries("").await;
    let theirs = api_b.entries_paged("", 1000).await;
    assert!(mine.iter().all(|e| e["fiduciary"] == s.fiduciary_id));
    assert!(theirs.iter().all(|e| e["fiduciary"] == fid_b));
    let a_idx: BTreeSet<u64> = mine.iter().map(idx).collect();
    let b_idx: BTreeSet<u64> = theirs.iter().map(idx).collect();
    assert!(a_idx.is_disjoint(&b_idx));
    // B's own: registration, key, catalogue (4), collection (1).
    assert_eq!(theirs.len(), 7, "{theirs:?}");
    // Together they are the whole ledger.
    let total = a_idx.len() + b_idx.len();
    assert_eq!(
        a_idx.union(&b_idx).copied().collect::<Vec<_>>(),
        (0..total as u64).collect::<Vec<_>>()
    );
    // The same principal id at two fiduciaries has unrelated pseudonyms.
    let pa = &s.entries("principal_id=shared-principal-1").await[0]["principal"];
    let pb = &api_b
        .entries_paged("principal_id=shared-principal-1", 10)
        .await[0]["principal"];
    assert!(pa.is_string() && pb.is_string());
    assert_ne!(pa, pb);
    // Filters never reach across tenants.
    for q in [
        "action=consent.validated",
        "purpose=marketing",
        "action=data_item.created",
    ] {
        assert!(
            api_b
                .entries_paged(q, 1000)
                .await
                .iter()
                .all(|e| e["fiduciary"] == fid_b),
            "{q}"
        );
    }
    assert!(
        api_b
            .entries_paged("action=consent.validated", 1000)
            .await
            .is_empty()
    );

    // A's entries, by index and by proof, are 404 for B; B's own are 200.
    let last = *a_idx.iter().max().unwrap();
    s.wait_checkpoint(total as u64).await;
    for i in [
        a["audit_log_id"].as_u64().unwrap(),
        va["audit_log_id"].as_u64().unwrap(),
        0,
        last,
    ] {
        let (st, v) = api_b.entry(i).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "entry {i}: {v}");
        assert_eq!(v["code"], "entry_not_found");
        let (st, v) = api_b
            .get(&format!("/v1/audit/proofs/inclusion?index={i}"))
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "proof {i}: {v}");
        assert_eq!(v["code"], "entry_not_found");
        // And A can read them.
        let (st, _) = s.entry(i).await;
        assert_eq!(st, StatusCode::OK);
    }
    let b_first = *b_idx.iter().next().unwrap();
    let b_collect = b["audit_log_id"].as_u64().unwrap();
    for i in [b_first, b_collect] {
        let (st, v) = api_b.entry(i).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["fiduciary"], fid_b);
        let (st, _) = s.entry(i).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = s
            .get(&format!("/v1/audit/proofs/inclusion?index={i}"))
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }
    let (st, v) = api_b
        .get(&format!("/v1/audit/proofs/inclusion?index={b_collect}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (_, key) = ledger_key(&s).await;
    check_inclusion(&v, &key);
    // Indices beyond the log are 404 for everyone.
    let (st, _) = s.entry(total as u64 + 5).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn listing_pages_past_a_full_page_of_the_largest_size() {
    let s = TestServer::start().await;
    s.seed().await;
    // Exactly 1000 validations, from a few connections at once.
    let tasks: Vec<_> = (0..4)
        .map(|t| {
            let api = s.api.clone();
            tokio::spawn(async move {
                for i in 0..250 {
                    api.validate(&format!("p-{t}-{i}"), "account").await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let page = |q: String| {
        let s = &s;
        async move {
            let (st, v) = s.get(&format!("/v1/audit/entries?{q}")).await;
            assert_eq!(st, StatusCode::OK, "{v}");
            v
        }
    };
    // 1000 matches in a page of 1000: one page, no cursor.
    let v = page("action=consent.validated&limit=1000".into()).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1000);
    assert!(v.get("next_cursor").is_none(), "{}", v["next_cursor"]);
    // 1012 entries in all: a full page with a cursor, then the rest.
    let v = page("limit=1000".into()).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1000);
    assert_eq!(v["next_cursor"], "999");
    let all = s.entries("").await;
    assert_eq!(
        all.iter().map(idx).collect::<Vec<_>>(),
        (0..1012).collect::<Vec<_>>()
    );
    // One more match: now the filtered listing has a second page too.
    s.validate("p-extra", "account").await;
    let v = page("action=consent.validated&limit=1000".into()).await;
    assert!(v["next_cursor"].is_string(), "{}", v["next_cursor"]);
    assert_eq!(s.entries("action=consent.validated").await.len(), 1001);
}
