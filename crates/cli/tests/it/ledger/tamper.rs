//! The database tampered with as an attacker with file access would: each change is caught by
//! `anumodan audit verify`, at the first entry (or checkpoint) it affects.

use super::{bad_hash, bad_root, rehash_from, stopped_ledger};
use crate::harness::*;
use anumodan_core::audit::AuditEntry;
use anumodan_ledger::merkle::leaf_hash;
use anumodan_store::db::{Connection, params};

#[tokio::test]
async fn a_changed_field_is_caught_at_its_entry() {
    let st = stopped_ledger().await;
    let k = st.find("consent.validated", "withdrawn");
    let set_outcome_active = |conn: &Connection| {
        conn.execute(
            "UPDATE audit_log SET outcome = (SELECT id FROM audit_symbols WHERE value = 'active')
             WHERE idx = ?1",
            [k as i64],
        )
        .unwrap()
    };

    // The timestamp of entry k, one millisecond later.
    let d = st.tampered("ts", |conn| {
        conn.execute(
            "UPDATE audit_log SET ts = ts + 1 WHERE idx = ?1",
            [k as i64],
        )
        .unwrap();
    });
    assert_caught(&audit_verify(&d), &bad_hash(k));
    // An export of the tampered database fails at the same entry.
    let export = st.work.path().join("ts-export");
    assert_ok(&audit_export(&d, &export));
    assert_caught(&verify_export(&export, &st.key_line), &bad_hash(k));

    // The outcome of a refused validation pointed at the symbol `active`.
    let d = st.tampered("outcome", |conn| assert_eq!(set_outcome_active(conn), 1));
    assert_caught(&audit_verify(&d), &bad_hash(k));

    // The same with the entry's stored hash recomputed: the entry checks out on its own, the
    // first signed checkpoint covering it does not.
    let d = st.tampered("outcome-rehash", |conn| {
        set_outcome_active(conn);
        rehash_from(conn, k);
    });
    assert_caught(&audit_verify(&d), &bad_root(st.checkpoint_covering(k)));

    // The stored hash alone.
    let d = st.tampered("hash", |conn| {
        conn.execute(
            "UPDATE audit_log SET hash = ?1 WHERE idx = ?2",
            params![vec![0u8; 32], k as i64],
        )
        .unwrap();
    });
    assert_caught(&audit_verify(&d), &bad_hash(k));

    // A shared string rewritten in the symbol table ('denied' -> 'granted'): caught at the
    // first entry that uses it.
    let mut first = 0i64;
    let d = st.tampered("symbol", |conn| {
        first = conn
            .query_row(
                "SELECT MIN(a.idx) FROM audit_log a, audit_symbols s WHERE s.value = 'denied'
                   AND s.id IN (a.fiduciary, a.principal, a.purpose, a.action, a.status, a.outcome,
                                a.initiator, a.artefact)",
                (),
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            "UPDATE audit_symbols SET value = 'granted' WHERE value = 'denied'",
            (),
        )
        .unwrap();
    });
    assert_eq!(
        first as u64,
        idx(st
            .entries
            .iter()
            .find(|e| e["status"] == "denied" || e["outcome"] == "denied")
            .unwrap())
    );
    assert_caught(&audit_verify(&d), &bad_hash(first as u64));

    // A symbol removed (the action `consent.validated`, a column no entry may lack): the first
    // entry using it can no longer be rebuilt.
    let mut first = 0i64;
    let d = st.tampered("symbol-gone", |conn| {
        let sym: i64 = conn
            .query_row(
                "SELECT id FROM audit_symbols WHERE value = 'consent.validated'",
                (),
                |r| r.get(0),
            )
            .unwrap();
        first = conn
            .query_row(
                "SELECT MIN(idx) FROM audit_log WHERE ?1 IN (fiduciary, principal, purpose, action,
                   status, outcome, initiator, artefact)",
                [sym],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute("DELETE FROM audit_symbols WHERE id = ?1", [sym])
            .unwrap();
    });
    assert_eq!(first as u64, st.find("consent.validated", "active"));
    assert_caught(
        &audit_verify(&d),
        &format!("ledger entry {first} cannot be rebuilt from its row"),
    );
}

/// Issue 17, item 9: the ledger commits to each artefact version it records, so an artefact row
/// edited or deleted in the database is caught by `audit verify`, naming the version and the
/// entry that recorded it.
#[tokio::test]
async fn an_edited_or_deleted_artefact_version_is_caught() {
    let st = stopped_ledger().await;
    // citizen-0's artefact: version 1 collected (four entries), version 2 withdrew analytics.
    let recorded = |action: &str| {
        st.entries
            .iter()
            .find(|e| e["action"] == action && e["artefact"].is_string())
            .unwrap_or_else(|| panic!("no {action} entry"))
            .clone()
    };
    let collected = recorded("consent.collected");
    let id = collected["artefact"].as_str().unwrap().to_string();
    let k = idx(&collected);
    assert_eq!(collected["version"], 1);
    let digest = collected["artefact_sha256"].as_str().unwrap_or_default();
    assert_eq!(digest.len(), 64, "{collected}");
    // Every entry of one version commits to the same digest; validations commit to none.
    for e in &st.entries {
        if e["artefact"] == id.as_str() && e["version"] == 1 && e["action"] == "consent.collected" {
            assert_eq!(e["artefact_sha256"], digest, "{e}");
        }
        if e["action"] == "consent.validated" {
            assert!(e.get("artefact_sha256").is_none(), "{e}");
        }
    }
    let withdrawn = st
        .entries
        .iter()
        .find(|e| e["action"] == "consent.withdrawn" && e["artefact"] == id.as_str())
        .unwrap();
    assert_eq!(withdrawn["version"], 2);
    assert_ne!(withdrawn["artefact_sha256"], digest);
    let w = idx(withdrawn);

    // The untouched store verifies, and says how many artefact versions it checked.
    let o = audit_verify(&st.dir);
    assert_ok(&o);
    assert!(
        out_text(&o).contains("artefact versions verified: 8"),
        "{}",
        out_text(&o)
    );

    let altered = |k: u64, v: u32| {
        format!(
            "artefact {id} version {v} does not match the SHA-256 that ledger entry {k} recorded"
        )
    };
    // One byte of the stored body changed (the middle character), nothing else.
    let d = st.tampered("artefact-byte", |conn| {
        let n = conn
            .execute(
                "UPDATE artefacts SET body = substr(body, 1, 40) || '#' || substr(body, 42)
                 WHERE uuid = ?1 AND version = 1",
                [&id],
            )
            .unwrap();
        assert_eq!(n, 1);
    });
    assert_caught(&audit_verify(&d), &altered(k, 1));

    // A forgery that means something: the denied purpose made granted, in the collected version.
    let d = st.tampered("artefact-forged", |conn| {
        let n = conn
            .execute(
                "UPDATE artefacts SET body = replace(body, '\"denied\"', '\"granted\"')
                 WHERE uuid = ?1 AND version = 1",
                [&id],
            )
            .unwrap();
        assert_eq!(n, 1);
    });
    assert_caught(&audit_verify(&d), &altered(k, 1));

    // The withdrawal's version deleted.
    let d = st.tampered("artefact-deleted", |conn| {
        let n = conn
            .execute(
                "DELETE FROM artefacts WHERE uuid = ?1 AND version = 2",
                [&id],
            )
            .unwrap();
        assert_eq!(n, 1);
    });
    assert_caught(
        &audit_verify(&d),
        &format!("artefact {id} version 2, recorded by ledger entry {w}, is missing"),
    );
}

#[tokio::test]
async fn a_deleted_entry_is_caught_at_its_index() {
    let st = stopped_ledger().await;
    let k = st.find("consent.validated", "withdrawn");
    let delete = |conn: &Connection, i: u64| {
        conn.execute("DELETE FROM audit_log WHERE idx = ?1", [i as i64])
            .unwrap()
    };

    // In the middle: the next entry comes in its place.
    let d = st.tampered("middle", |conn| assert_eq!(delete(conn, k), 1));
    assert_caught(
        &audit_verify(&d),
        &format!("entry {k} is missing: found entry {} in its place", k + 1),
    );

    // Earlier in the log, the later entries renumbered down and rehashed to close the gap:
    // every entry checks out on its own; the first checkpoint covering the deleted entry does
    // not. (Entry k2 is covered by a checkpoint before the last one; for an entry covered only
    // by the last checkpoint, the shorter log is caught as above.)
    let k2 = st.find("consent.validated", "denied");
    let cp = st.checkpoint_covering(k2);
    assert!(cp < st.size(), "{:?}", st.checkpoints);
    let d = st.tampered("middle-renumbered", |conn| {
        delete(conn, k2);
        conn.execute(
            "UPDATE audit_log SET idx = idx - 1 WHERE idx > ?1",
            [k2 as i64],
        )
        .unwrap();
        rehash_from(conn, k2);
    });
    assert_caught(&audit_verify(&d), &bad_root(cp));

    // The last entry (covered by the last checkpoint): the log is shorter than signed.
    let n = st.size();
    let d = st.tampered("last", |conn| {
        delete(conn, n - 1);
    });
    assert_caught(
        &audit_verify(&d),
        &format!(
            "checkpoint of size {n} covers more entries than the log holds ({})",
            n - 1
        ),
    );
}

#[tokio::test]
async fn an_inserted_entry_is_caught() {
    let st = stopped_ledger().await;
    let k = st.find("consent.validated", "withdrawn");
    // A valid validation to replay at position k.
    let j = st.find("consent.validated", "active");
    assert!(j < k);
    // Makes room at k by moving every entry from k on one place up (two steps, because idx is
    // the primary key), then inserts a copy of entry j's row there.
    let insert_copy = |conn: &Connection| {
        conn.execute_batch(&format!(
            "UPDATE audit_log SET idx = -idx - 1 WHERE idx >= {k};
             UPDATE audit_log SET idx = -idx WHERE idx < 0;
             INSERT INTO audit_log (idx, ts, fiduciary, principal, purpose, action, status, outcome,
                                    initiator, source_ip, artefact, version, hash)
               SELECT {k}, ts, fiduciary, principal, purpose, action, status, outcome, initiator,
                      source_ip, artefact, version, hash FROM audit_log WHERE idx = {j};"
        ))
        .unwrap();
    };

    // A copy of entry j inserted as is at k: its hash was made for position j.
    let d = st.tampered("copy", insert_copy);
    assert_caught(&audit_verify(&d), &bad_hash(k));

    // The forgery done carefully: the inserted entry's hash recomputed for position k, and every
    // later (renumbered) entry's too. Each entry checks out; the first signed checkpoint that
    // covers position k does not.
    let d = st.tampered("forged", |conn| {
        insert_copy(conn);
        rehash_from(conn, k);
    });
    assert_caught(&audit_verify(&d), &bad_root(st.checkpoint_covering(k)));

    // Only the inserted entry rehashed, the later ones left with their hashes: the first
    // renumbered entry (the old entry k, now at k + 1) fails its hash.
    let d = st.tampered("forged-one", |conn| {
        insert_copy(conn);
        let entry: AuditEntry = {
            let mut found = None;
            anumodan_store::read::for_each_entry(conn, |i, e, _| {
                if i == k {
                    found = Some(e.unwrap());
                }
                i < k
            })
            .unwrap();
            found.unwrap()
        };
        conn.execute(
            "UPDATE audit_log SET hash = ?1 WHERE idx = ?2",
            params![&leaf_hash(&entry.leaf_data())[..], k as i64],
        )
        .unwrap();
    });
    // (Unless a checkpoint ends right after the forged entry: that checkpoint, which covers
    // it, is checked first and fails. Which sizes get checkpoints depends on batching.)
    let expected = if st.checkpoint_covering(k) == k + 1 {
        bad_root(k + 1)
    } else {
        bad_hash(k + 1)
    };
    assert_caught(&audit_verify(&d), &expected);

    // An entry appended after the last checkpoint with a correct hash is not covered by any
    // signature: verification cannot call it forged, but reports it as not yet signed, so an
    // auditor holding the last checkpoint sees the log grew without it.
    let n = st.size();
    let d = st.tampered("appended", |conn| {
        conn.execute_batch(&format!(
            "INSERT INTO audit_log (idx, ts, fiduciary, principal, purpose, action, status, outcome,
                                    initiator, source_ip, artefact, version, hash)
               SELECT {n}, ts, fiduciary, principal, purpose, action, status, outcome, initiator,
                      source_ip, artefact, version, hash FROM audit_log WHERE idx = {j};"
        ))
        .unwrap();
        rehash_from(conn, n);
    });
    let o = audit_verify(&d);
    assert_ok(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("latest checkpoint:     {n}")),
        "{out}"
    );
    assert!(out.contains("entries after it:      1"), "{out}");
}

#[tokio::test]
async fn swapped_entries_are_caught_at_the_first_of_them() {
    let st = stopped_ledger().await;
    // A denied collection and a later valid validation.
    let i = idx(st
        .entries
        .iter()
        .find(|e| e["action"] == "consent.collected" && e["status"] == "denied")
        .unwrap());
    let j = st.find("consent.validated", "active");
    let j = if j > i {
        j
    } else {
        st.find("consent.validated", "withdrawn")
    };
    assert!(i < j);
    let swap = |conn: &Connection| {
        conn.execute_batch(&format!(
            "UPDATE audit_log SET idx = -1 WHERE idx = {i};
             UPDATE audit_log SET idx = {i} WHERE idx = {j};
             UPDATE audit_log SET idx = {j} WHERE idx = -1;"
        ))
        .unwrap();
    };

    // The two rows' contents (with their hashes) exchanged, positions kept.
    let d = st.tampered("swap", swap);
    assert_caught(&audit_verify(&d), &bad_hash(i));

    // Swapped and both rehashed for their new positions.
    let d = st.tampered("swap-rehash", |conn| {
        swap(conn);
        rehash_from(conn, i);
    });
    assert_caught(&audit_verify(&d), &bad_root(st.checkpoint_covering(i)));
}

#[tokio::test]
async fn a_rewritten_checkpoint_is_caught() {
    let st = stopped_ledger().await;
    let cp = st.checkpoint_covering(st.find("consent.validated", "withdrawn"));
    // A checkpoint note rewritten in the database: its signature fails.
    let d = st.tampered("checkpoint", |conn| {
        let note: String = conn
            .query_row(
                "SELECT note FROM checkpoints WHERE size = ?1",
                [cp as i64],
                |r| r.get(0),
            )
            .unwrap();
        let forged = note.replacen(&format!("\n{cp}\n"), &format!("\n{}\n", cp - 1), 1);
        assert_ne!(forged, note);
        conn.execute(
            "UPDATE checkpoints SET note = ?1 WHERE size = ?2",
            params![forged, cp as i64],
        )
        .unwrap();
    });
    assert_caught(
        &audit_verify(&d),
        &format!("(claimed size Some({})) is not validly signed", cp - 1),
    );
}
