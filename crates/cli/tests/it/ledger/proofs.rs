//! Inclusion and consistency proofs, through the API and the command line.

use crate::harness::*;
use anumodan_core::audit::AuditEntry;
use anumodan_ledger::checkpoint::{Checkpoint, open_checkpoint};
use anumodan_ledger::merkle::{leaf_hash, verify_consistency, verify_inclusion};
use anumodan_ledger::note::NoteVerifier;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::Path;

#[tokio::test]
async fn an_artefact_and_a_validation_are_provably_in_the_log() {
    let s = TestServer::start().await;
    let (_, key) = ledger_key(&s).await;
    assert_eq!(key.name(), "anumodan.local/ledger");
    let cat = s.seed().await;
    let a = s.collect_ok(&cat, "citizen-proof-1", all_granted()).await;
    let a_idx = a["audit_log_id"]
        .as_u64()
        .expect("the artefact carries its audit_log_id");
    let v = s.validate("citizen-proof-1", "analytics").await;
    let v_idx = v["audit_log_id"].as_u64().unwrap();
    let cp1 = proofs_against_the_latest_checkpoint(&s, &key, &a, v_idx).await;
    // More entries, a later checkpoint: the old entry is provable against both, and the two
    // checkpoints are consistent.
    for i in 0..5 {
        s.validate(&format!("citizen-proof-{i}"), "marketing").await;
    }
    let (size2, p_old) = proofs_against_an_older_checkpoint(&s, &key, a_idx, &cp1).await;
    let last = consistency_proofs(&s, &key, &cp1, size2).await;
    // The CLI gives the same proofs from the stopped server's files.
    let (dir, _guard) = s.stop().await;
    proofs_from_the_command_line(&dir, &key, a_idx, &cp1, &last, &p_old);
}

/// The proofs of the artefact's entry and of the validation's, against the latest checkpoint
/// (the first one covering them): returns that checkpoint.
async fn proofs_against_the_latest_checkpoint(
    s: &TestServer,
    key: &NoteVerifier,
    a: &Value,
    v_idx: u64,
) -> Checkpoint {
    let a_idx = a["audit_log_id"].as_u64().unwrap();
    // The artefact's entry: proof against the latest checkpoint.
    let p = s.inclusion(a_idx, None).await;
    assert_eq!(idx(&p), a_idx);
    let (entry, cp1) = check_inclusion(&p, key);
    assert_eq!(entry.action, "consent.collected");
    assert_eq!(
        entry.artefact.map(|u| u.to_string()),
        a["id"].as_str().map(str::to_string)
    );
    assert_eq!(entry.version, Some(1));
    // The entry in the proof is the entry the log serves.
    let (served, leaf) = s.entry_and_leaf(a_idx).await;
    assert_eq!(served, p["entry"]);
    assert_eq!(leaf, p["leaf_hash"]);

    // The validation's entry.
    let p = s.inclusion(v_idx, None).await;
    let (entry, _) = check_inclusion(&p, key);
    assert_eq!(entry.action, "consent.validated");
    assert_eq!(entry.outcome, "active");
    cp1
}

/// Once a later checkpoint covers the entries written since `cp1`, the artefact's entry is
/// provable against both; a tree size that is not checkpointed, or does not cover the entry,
/// is 404. Returns the later size and the proof against `cp1`.
async fn proofs_against_an_older_checkpoint(
    s: &TestServer,
    key: &NoteVerifier,
    a_idx: u64,
    cp1: &Checkpoint,
) -> (u64, Value) {
    let size2 = ledger_size(s).await;
    let cp2_view = s.wait_checkpoint(size2).await;
    let size2 = cp2_view["size"].as_u64().unwrap();
    assert!(size2 > cp1.size);
    let p_old = s.inclusion(a_idx, Some(cp1.size)).await;
    assert_eq!(p_old["tree_size"], cp1.size);
    let (_, c) = check_inclusion(&p_old, key);
    assert_eq!(c, *cp1);
    let p_new = s.inclusion(a_idx, Some(size2)).await;
    let (_, cp2) = check_inclusion(&p_new, key);
    assert_eq!(cp2.size, size2);
    assert_ne!(cp1.root, cp2.root);
    // A proof for a tree size that is not checkpointed, or that does not cover the entry, is 404.
    for q in [
        format!("index={a_idx}&tree_size={}", size2 + 1000),
        format!("index={}&tree_size={}", size2 + 5, size2),
    ] {
        let (st, v) = s.get(&format!("/v1/audit/proofs/inclusion?{q}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{q}: {v}");
    }
    (size2, p_old)
}

/// Consistency proofs between `cp1` and the checkpoint of `size2`, to the latest one, and
/// between every pair of published checkpoints; sizes that are not checkpoints, or in the
/// wrong order, are 404. Returns the last checkpoint.
async fn consistency_proofs(
    s: &TestServer,
    key: &NoteVerifier,
    cp1: &Checkpoint,
    size2: u64,
) -> Checkpoint {
    let (st, c) = s
        .get(&format!(
            "/v1/audit/proofs/consistency?from={}&to={size2}",
            cp1.size
        ))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["from"], cp1.size);
    assert_eq!(c["to"], size2);
    let old = open_checkpoint(key, c["from_checkpoint"].as_str().unwrap()).unwrap();
    let new = open_checkpoint(key, c["to_checkpoint"].as_str().unwrap()).unwrap();
    assert_eq!((old.size, new.size), (cp1.size, size2));
    let proof = hashes(&c["proof"]);
    verify_consistency(old.size, new.size, &proof, &old.root, &new.root)
        .expect("consistency proof verifies");
    // It would not verify for a different old root (a rewritten history).
    let mut wrong = old.root;
    wrong[0] ^= 1;
    assert!(verify_consistency(old.size, new.size, &proof, &wrong, &new.root).is_err());
    // `to` defaults to the latest checkpoint.
    let (st, c) = s
        .get(&format!("/v1/audit/proofs/consistency?from={}", cp1.size))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    let latest = open_checkpoint(key, c["to_checkpoint"].as_str().unwrap()).unwrap();
    verify_consistency(
        cp1.size,
        latest.size,
        &hashes(&c["proof"]),
        &cp1.root,
        &latest.root,
    )
    .unwrap();

    // Every pair of published checkpoints is consistent.
    let cps: Vec<Checkpoint> = s
        .checkpoints()
        .await
        .iter()
        .map(|c| open_checkpoint(key, c["note"].as_str().unwrap()).unwrap())
        .collect();
    assert!(cps.len() >= 2);
    for w in cps.windows(2) {
        let (st, c) = s
            .get(&format!(
                "/v1/audit/proofs/consistency?from={}&to={}",
                w[0].size, w[1].size
            ))
            .await;
        assert_eq!(st, StatusCode::OK, "{c}");
        verify_consistency(
            w[0].size,
            w[1].size,
            &hashes(&c["proof"]),
            &w[0].root,
            &w[1].root,
        )
        .unwrap_or_else(|e| panic!("{} -> {}: {e}", w[0].size, w[1].size));
    }
    // Sizes that are not checkpoints, or in the wrong order, are 404.
    for q in [
        format!("from={}&to={}", size2, cp1.size),
        format!("from={}&to={size2}", size2 + 1000),
        "from=0".to_string(),
    ] {
        let (st, v) = s.get(&format!("/v1/audit/proofs/consistency?{q}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{q}: {v}");
    }
    cps.last().unwrap().clone()
}

/// `anumodan audit inclusion` and `audit consistency` give the same proofs from the stopped
/// server's files.
fn proofs_from_the_command_line(
    dir: &Path,
    key: &NoteVerifier,
    a_idx: u64,
    cp1: &Checkpoint,
    last: &Checkpoint,
    p_old: &Value,
) {
    let o = anumodan(&[
        "audit",
        "inclusion",
        "--data-dir",
        ps(dir),
        "--index",
        &a_idx.to_string(),
    ]);
    assert_ok(&o);
    let p: Value = serde_json::from_slice(&o.stdout).unwrap();
    let cp = open_checkpoint(key, p["checkpoint"].as_str().unwrap()).unwrap();
    assert!(cp.size >= last.size);
    verify_inclusion(
        &b64hash(&p["leaf_hash"]),
        a_idx,
        cp.size,
        &hashes(&p["proof"]),
        &cp.root,
    )
    .unwrap();
    assert_eq!(b64hash(&p["leaf_hash"]), leaf_hash(&entry_leaf(p_old)));
    let o = anumodan(&[
        "audit",
        "consistency",
        "--data-dir",
        ps(dir),
        "--from",
        &cp1.size.to_string(),
    ]);
    assert_ok(&o);
    let c: Value = serde_json::from_slice(&o.stdout).unwrap();
    let to = open_checkpoint(key, c["to_checkpoint"].as_str().unwrap()).unwrap();
    verify_consistency(cp1.size, to.size, &hashes(&c["proof"]), &cp1.root, &to.root).unwrap();
}

/// The canonical bytes of the entry in an inclusion proof answer.
fn entry_leaf(p: &Value) -> Vec<u8> {
    serde_json::from_value::<AuditEntry>(p["entry"].clone())
        .unwrap()
        .leaf_data()
}
