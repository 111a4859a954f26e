//! Reading the ledger written by `entries`: whole, by page, by index, and filtered by
//! principal, purpose, action and time.

use super::entries::{ALICE, BOB, at, day_100};

use super::assert_shape;
use crate::harness::*;
use anumodan_core::audit::AuditEntry;
use anumodan_ledger::merkle::leaf_hash;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// Percent-encodes a query value.
pub(super) fn urlenc(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The whole log (`next` entries), complete and in order, whatever the page size; each entry
/// also by index, with its leaf hash. Returns it.
pub(super) async fn whole_log(s: &TestServer, next: u64, fid: &Value) -> Vec<Value> {
    let all = s.entries("").await;
    assert_eq!(
        all.iter().map(idx).collect::<Vec<_>>(),
        (0..next).collect::<Vec<_>>()
    );
    for e in &all {
        assert_shape(e);
        assert_eq!(e["fiduciary"], *fid);
    }
    for limit in [1, 2, 5, 7, 27, 1000] {
        assert_eq!(s.entries_paged("", limit).await, all, "limit {limit}");
    }
    for e in &all {
        let (without_hash, leaf) = s.entry_and_leaf(idx(e)).await;
        assert_eq!(&without_hash, e);
        let entry: AuditEntry = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(b64hash(&leaf), leaf_hash(&entry.leaf_data()));
    }
    all
}

/// The filters by principal (Alice is `pseudonym` on the ledger), purpose and action, alone,
/// combined and paged.
pub(super) async fn filters(s: &TestServer, pseudonym: &Value, all: &[Value]) {
    let by_alice = s.entries(&format!("principal_id={}", urlenc(ALICE))).await;
    assert_eq!(by_alice.len(), 4 + 3 + 1 + 1 + 4 + 2, "{by_alice:?}");
    assert!(by_alice.iter().all(|e| e["principal"] == *pseudonym));
    let expected: Vec<&Value> = all
        .iter()
        .filter(|e| e["principal"] == *pseudonym)
        .collect();
    assert_eq!(by_alice.iter().collect::<Vec<_>>(), expected);
    let by_bob = s.entries(&format!("principal_id={}", urlenc(BOB))).await;
    assert_eq!(by_bob.len(), 1);
    assert_eq!(by_bob[0]["outcome"], "not_found");
    assert!(s.entries("principal_id=nobody").await.is_empty());
    // Paging a filtered list.
    assert_eq!(
        s.entries_paged(&format!("principal_id={}", urlenc(ALICE)), 4)
            .await,
        by_alice
    );

    let marketing = s.entries("purpose=marketing").await;
    let acts: Vec<&str> = marketing
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        acts,
        [
            "purpose.created",
            "consent.collected",
            "consent.validated",
            "consent.updated",
            "consent.withdrawn",
        ]
    );
    assert!(marketing.iter().all(|e| e["purpose"] == "marketing"));

    for (action, n) in [
        ("consent.collected", 4),
        ("consent.validated", 7),
        ("consent.updated", 1),
        ("consent.renewed", 1),
        ("consent.withdrawn", 2),
        ("consent.rejected", 0),
        ("consent.expired", 1),
        ("data_item.created", 4),
        ("notice.published", 1),
        ("pii.unmasked", 0),
    ] {
        let got = s.entries(&format!("action={action}")).await;
        assert_eq!(got.len(), n, "{action}: {got:?}");
        assert!(got.iter().all(|e| e["action"] == action));
        let want: Vec<&Value> = all.iter().filter(|e| e["action"] == action).collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), want);
    }
    let combined = s
        .entries(&format!(
            "principal_id={}&purpose=analytics&action=consent.validated",
            urlenc(ALICE)
        ))
        .await;
    assert_eq!(combined.len(), 1, "{combined:?}");
    assert_eq!(combined[0]["outcome"], "expired");
}

/// Time range: [from, to), each step apart.
pub(super) async fn time_range_filters(s: &TestServer) {
    for (from, to, n) in [
        (T0, at(1), 12),
        (at(1), at(2), 4),
        (at(2), at(3), 5),
        (at(3), at(5), 2),
        (at(5), day_100(), 3),
        (day_100(), day_100() + Duration::seconds(1), 2),
        (T0 - Duration::days(1), T0, 0),
    ] {
        let got = s
            .entries(&format!("from={}&to={}", rfc3339(from), rfc3339(to)))
            .await;
        assert_eq!(got.len(), n, "[{from}, {to}): {got:?}");
        for e in &got {
            let t = OffsetDateTime::parse(e["timestamp"].as_str().unwrap(), &Rfc3339).unwrap();
            assert!(from <= t && t < to, "{e}");
        }
    }
    assert_eq!(
        s.entries(&format!("from={}", rfc3339(at(5)))).await.len(),
        5
    );
    assert_eq!(s.entries(&format!("to={}", rfc3339(at(2)))).await.len(), 16);
    let got = s
        .entries(&format!(
            "from={}&to={}&principal_id={}&action=consent.validated",
            rfc3339(at(2)),
            rfc3339(at(3)),
            urlenc(ALICE)
        ))
        .await;
    assert_eq!(got.len(), 4, "{got:?}");
}
