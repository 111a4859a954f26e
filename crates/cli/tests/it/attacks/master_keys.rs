//! Master key rotations are on the record, even across a crash, and run one at a time.

use crate::harness::*;

/// Finding 10: a master key rotation is on the record from the moment the key is current (a
/// crash before that record commits is caught at the next start), its completion separately,
/// and concurrent rotations run one after the other with true totals.
#[tokio::test]
async fn master_key_rotations_are_recorded_even_across_a_crash_and_serialised() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    for i in 0..5 {
        s.collect(&cat, &format!("P-key-{i}"), all_granted()).await;
    }
    // Two rotations at once: each makes its own key current and re-wraps all five data keys.
    let (a, b) = tokio::join!(
        s.state()
            .store
            .rotate_master_key_recorded("test".into(), None),
        s.state()
            .store
            .rotate_master_key_recorded("test".into(), None)
    );
    let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
    assert_ne!(a.0, b.0);
    assert_eq!((a.1, b.1), (5, 5), "true totals");
    let got = admin_outcomes(&s).await;
    assert_eq!(got.len(), 4, "{got:?}");
    for id in [&a.0, &b.0] {
        assert!(got.contains(&format!("master_key_current {id}")), "{got:?}");
        assert!(
            got.contains(&format!("master_key_rotation_completed {id} rewrapped=5")),
            "{got:?}"
        );
    }

    // A crash right after the switch: the key is current, its record never committed (the
    // unrecorded switch is what the crash leaves). The next start records it.
    let crashed = s.state().store.rotate_master_key().unwrap();
    let s = s.restart().await;
    let got = admin_outcomes(&s).await;
    assert!(
        got.contains(&format!("master_key_current {crashed} recorded_at_start")),
        "{got:?}"
    );
    // Only once.
    let s = s.restart().await;
    assert_eq!(admin_outcomes(&s).await.len(), got.len());
}

/// The outcomes of the platform's `admin.action` entries, oldest first.
async fn admin_outcomes(s: &TestServer) -> Vec<String> {
    store_entries(s, uuid::Uuid::nil(), "admin.action")
        .await
        .into_iter()
        .map(|e| e.outcome)
        .collect()
}
