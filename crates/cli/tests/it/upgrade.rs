//! Upgrades keep data (issue 17, item 12). `tests/fixtures/pre-issue-17` holds a store written
//! by the code before issue 17 (commit 834bfce, by `scripts/make-upgrade-fixture.py`): an
//! embedded database and a PostgreSQL dump, with the keys they were written with and every
//! validation answer the old code gave. Opened by the current code (on the backend this run
//! uses), it answers every validation as before, except where rule 1 corrects it; its ledger
//! still verifies; and the new features work on the old data.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use time::macros::datetime;

/// After the fixture was written (2026-12-07) and before its grants expire (365 days).
const NOW: time::OffsetDateTime = datetime!(2026-12-08 09:00:00 UTC);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pre-issue-17")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_tree(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), &target).unwrap();
        }
    }
}

/// Puts a copy of the fixture's store for this run's backend in `dir`; returns the facts the
/// old code recorded for it.
fn restore(dir: &Path) -> Value {
    let fx = fixture();
    let facts: Value =
        serde_json::from_str(&std::fs::read_to_string(fx.join("fixture.json")).unwrap()).unwrap();
    copy_tree(&fx.join("keys"), &dir.join("keys"));
    if pg_base().is_some() {
        let schema = schema_for(dir);
        let sql = std::fs::read_to_string(fx.join("postgres.sql"))
            .unwrap()
            .replace("@SCHEMA@", &schema);
        pg_exec(format!("DROP SCHEMA IF EXISTS {schema} CASCADE;\n{sql}"));
        facts["postgres"].clone()
    } else {
        std::fs::copy(fx.join("anumodan.db"), dir.join("anumodan.db")).unwrap();
        facts["embedded"].clone()
    }
}

fn upgrade_entries(dir: &Path) -> Vec<String> {
    db_entries(dir)
        .into_iter()
        .filter(|e| e.action == "admin.action" && e.outcome.starts_with("consent_index_upgraded"))
        .map(|e| e.outcome)
        .collect()
}

/// `audit verify` passes and checked `n` artefact versions against the log.
fn assert_verifies(dir: &Path, n: u64) {
    let o = audit_verify(dir);
    assert_ok(&o);
    let want = format!("artefact versions verified: {n}");
    assert!(out_text(&o).contains(&want), "{}", out_text(&o));
}

/// A server on the restored store, calling as the fixture's fiduciary.
async fn open(dir: &Path, facts: &Value) -> TestServer {
    let key = facts["api_key"].as_str().unwrap().to_string();
    let mut s = TestServer::open_at(dir.to_path_buf(), key, NOW).await;
    s.fiduciary_id = facts["fiduciary_id"].as_str().unwrap().to_string();
    s
}

#[tokio::test]
async fn a_store_written_before_issue_17_opens_answers_as_before_and_gains_the_new_rules() {
    let scratch = Scratch::new();
    let dir = scratch.path().to_path_buf();
    let facts = restore(&dir);
    // The new `audit verify` reads a store the new code has not opened yet.
    assert_verifies(&dir, 0);
    let s = open(&dir, &facts).await;
    answers_as_before_but_rule_1(&s, &facts).await;
    // The correction is on the record, once.
    assert_eq!(
        upgrade_entries(&dir),
        ["consent_index_upgraded corrected=3"]
    );

    // The old ledger still verifies; its entries commit to no artefact (they predate it).
    s.stop().await;
    assert_verifies(&dir, 0);

    // A restart does not upgrade again.
    let s = open(&dir, &facts).await;
    assert_eq!(upgrade_entries(&dir).len(), 1);
    let mine = new_actions_on_old_artefacts(&s, &facts).await;
    reconsent_reaches_old_consent(&s, &facts, &mine).await;

    // And the whole upgraded store still verifies, the new versions checked against the log.
    s.stop().await;
    assert_verifies(&dir, 2);
    drop(scratch);
}

/// Every answer as the old code gave it, except citizen-c's: the old code let a renewal of
/// another purpose in c1 overwrite the withdrawal of marketing made later in c2. Rule 1 points
/// each purpose at the artefact of the latest decision on it.
async fn answers_as_before_but_rule_1(s: &TestServer, facts: &Value) {
    let ids = &facts["artefacts"];
    let (c1, c2) = (ids["c1"].as_str().unwrap(), ids["c2"].as_str().unwrap());
    let answers = facts["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 28);
    let mut corrected = 0;
    for old in answers {
        let (p, purpose) = (
            old["principal_id"].as_str().unwrap(),
            old["purpose"].as_str().unwrap(),
        );
        let new = s.validate(p, purpose).await;
        let ctx = format!("{p}/{purpose}: old {old}, new {new}");
        if p == "citizen-c" {
            let (want_id, want_reason) = match purpose {
                "marketing" => (c2, "withdrawn"),
                "analytics" => (c1, "active"),
                _ => (c2, "active"),
            };
            assert_eq!(new["consent_id"], want_id, "{ctx}");
            assert_eq!(new["reason"], want_reason, "{ctx}");
            assert_eq!(new["valid"], want_reason == "active", "{ctx}");
            corrected += usize::from(old["consent_id"] != new["consent_id"]);
        } else {
            assert_eq!(new["valid"], old["valid"], "{ctx}");
            assert_eq!(new["reason"], old["reason"], "{ctx}");
            assert_eq!(new["consent_id"], old["consent_id"], "{ctx}");
        }
    }
    assert_eq!(
        corrected, 3,
        "account, marketing and tax_records move to c2"
    );
}

/// A principal from before is found through their artefacts; new actions on old artefacts (a
/// withdrawal, the principal's own collection) are recorded. Returns that collection.
async fn new_actions_on_old_artefacts(s: &TestServer, facts: &Value) -> Value {
    let ids = &facts["artefacts"];
    // A principal from before knows themselves only through their artefacts: the store finds
    // their id from the newest one (and keeps it on their row from then on).
    let fid: uuid::Uuid = s.fiduciary_id.parse().unwrap();
    let pseudonym = s.state().store.keys().pseudonym(fid, "citizen-a");
    let found = s
        .state()
        .store
        .write(move |tx| Ok(tx.principal_of(fid, &pseudonym)?))
        .await
        .unwrap();
    assert_eq!(found.as_deref(), Some("citizen-a"));

    // New actions on old artefacts: recorded with their artefact digest, and verified.
    let a = ids["a"].as_str().unwrap();
    let w = s
        .act_ok(a, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    assert_eq!(w["version"], 2);
    let (me, _) = s.principal_token("citizen-a", None).await;
    let notice = facts["notice_id"].as_str().unwrap();
    let (st, mine) = me
        .collect(json!({"notice_id": notice, "language": "en",
                        "decisions": decisions("granted", "granted", "denied", "granted")}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{mine}");
    assert_eq!(mine["initiator"], "principal");
    assert_eq!(
        s.validate("citizen-a", "marketing").await["reason"],
        "active"
    );
    assert_eq!(
        s.validate("citizen-a", "analytics").await["reason"],
        "denied"
    );
    mine
}

/// A version requiring re-consent reaches consent given before the upgrade (and `mine`, given
/// since under version 1), not the erased principal's.
async fn reconsent_reaches_old_consent(s: &TestServer, facts: &Value, mine: &Value) {
    let ids = &facts["artefacts"];
    let notice = facts["notice_id"].as_str().unwrap();
    // Re-consent reaches consent given before the upgrade: the index knows the notice and
    // version each old decision is held under.
    let (st, n) = s.get(&format!("/v1/notices/{notice}")).await;
    assert_eq!(st, StatusCode::OK, "{n}");
    let mut texts = n["texts"].clone();
    texts["en"]["summary"] = json!("We now also keep your PAN for audits.");
    let (st, v) = s
        .put(
            &format!("/v1/notices/{notice}"),
            json!({"code": "registration", "purposes": n["purposes"], "texts": texts}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = s.publish(notice, json!({"requires_reconsent": true})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"], 2);
    let b = s.validate("citizen-b", "account").await;
    assert_eq!(
        (b["valid"].clone(), b["reason"].clone()),
        (json!(false), json!("reconsent_required")),
        "{b}"
    );
    // citizen-a granted under version 1 through /v1/me just now: also pending.
    let (st, pending) = s
        .get(&format!("/v1/notices/{notice}/reconsent?limit=200"))
        .await;
    assert_eq!(st, StatusCode::OK, "{pending}");
    let listed: Vec<&str> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["consent_id"].as_str().unwrap())
        .collect();
    for k in ["b", "c1", "c2", "d", "f"] {
        assert!(
            listed.contains(&ids[k].as_str().unwrap()),
            "{k} missing from {pending}"
        );
    }
    assert!(listed.contains(&mine["id"].as_str().unwrap()), "{pending}");
    assert!(
        !listed.contains(&ids["e"].as_str().unwrap()),
        "erased: {pending}"
    );
}
