//! No principal id in clear anywhere in the ledger, its tables or its export; the principal
//! index is a derived file, rebuilt when lost.

use crate::harness::*;
use serde_json::{Value, json};

/// The embedded store indexes ledger entries by principal in a file of its own, off the
/// writer (docs/benchmarks.md, fifth pass). The index holds exactly the ledger's entries that
/// name a principal; a principal's entries are found whether indexed yet or not; a deleted or
/// stale index is rebuilt at the next start. (PostgreSQL keeps the index beside the ledger.)
#[tokio::test]
async fn the_principal_index_is_a_derived_file_that_is_rebuilt_when_lost() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    s.collect_ok(&cat, "asha", all_granted()).await;
    for _ in 0..3 {
        s.validate("asha", "marketing").await;
        s.validate("ravi", "marketing").await;
    }
    let asha = s.entries("principal_id=asha").await;
    let ravi = s.entries("principal_id=ravi").await;
    let validated = |v: &[Value]| {
        v.iter()
            .filter(|e| e["action"] == "consent.validated")
            .count()
    };
    assert_eq!(validated(&asha), 3, "{asha:?}");
    assert!(asha.len() > 3, "the collection is there too: {asha:?}");
    assert_eq!(ravi.len(), 3, "{ravi:?}");
    // The indexer catches up within a few checkpoint intervals (50 ms here), on its own thread
    // (and, on PostgreSQL, its own connection): the writer never indexes.
    let (expected, size) = wait_principal_index(&s.dir).await;
    assert_eq!(s.entries("principal_id=asha").await, asha);
    if pg_base().is_some() {
        // PostgreSQL keeps the index beside the ledger: there is no file to lose.
        assert!(!s.dir.join(anumodan_store::INDEX_FILE).exists());
        return;
    }

    // Lost: stop, delete the file, start again. The answers are the same, and the file is
    // rebuilt to the same rows.
    let key = s.key.clone();
    let (dir, _guard) = s.stop().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("{}{suffix}", anumodan_store::INDEX_FILE)));
    }
    let s = TestServer::open(dir.clone(), key.clone()).await;
    assert_eq!(s.entries("principal_id=asha").await, asha);
    assert_eq!(s.entries("principal_id=ravi").await, ravi);
    assert_eq!(wait_principal_index(&dir).await, (expected, size));

    // Stale: an index that claims entries the ledger does not hold (the database restored
    // from an older copy) is emptied at start and rebuilt, rather than trusted.
    let (dir, _guard2) = s.stop().await;
    {
        let c = rusqlite::Connection::open(dir.join(anumodan_store::INDEX_FILE)).unwrap();
        c.execute(
            "UPDATE meta SET value = value + 100 WHERE key = 'principal_indexed_upto'",
            [],
        )
        .unwrap();
        c.execute(
            "INSERT INTO audit_principal VALUES (999999, ?1)",
            [size + 5],
        )
        .unwrap();
    }
    let s = TestServer::open(dir.clone(), key).await;
    s.validate("ravi", "marketing").await;
    let ravi_now = s.entries("principal_id=ravi").await;
    assert_eq!(ravi_now.len(), 4, "{ravi_now:?}");
    let (rows, upto) = wait_principal_index(&dir).await;
    assert_eq!(upto, size + 1);
    assert!(rows.iter().all(|(p, _)| *p != 999_999), "{rows:?}");
    assert_eq!(rows.len(), asha.len() + 4);
    drop(s);
}

#[tokio::test]
async fn the_principal_id_in_clear_is_never_in_the_ledger_nor_its_tables_nor_its_export() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let ids = ["meera.iyer@example.in", "+919876543210"];
    for p in ids {
        let a = s.collect_ok(&cat, p, all_granted()).await;
        s.validate(p, "marketing").await;
        s.act_ok(&id_of(&a), "withdraw", json!({"purposes": ["marketing"]}))
            .await;
        s.validate(p, "marketing").await;
    }
    s.validate("never-collected-9988", "account").await;
    let all = s.entries("").await;
    let text = serde_json::to_string(&all).unwrap();
    for p in ids.iter().chain(&["never-collected-9988"]) {
        assert!(!text.contains(p), "{p} in the API's entries");
    }
    let size = all.len() as u64;
    s.wait_checkpoint(size).await;
    let (dir, _guard) = s.stop().await;

    // The raw database: every column of every row of the ledger's tables.
    let dumps: Vec<(String, Vec<u8>)> = with_db(&dir, |conn| {
        table_names(conn)
            .into_iter()
            .map(|t| {
                let d = dump_table(conn, &t);
                (t, d)
            })
            .collect()
    });
    let dump = |table: &str| -> Vec<u8> {
        dumps
            .iter()
            .find(|(t, _)| t == table)
            .unwrap_or_else(|| panic!("no table {table}"))
            .1
            .clone()
    };
    let contains =
        |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());
    for table in ["audit_log", "audit_symbols", "checkpoints", "ledger_tiles"] {
        let bytes = dump(table);
        // (Tiles appear only from 256 entries on.)
        assert!(
            !bytes.is_empty() || table == "ledger_tiles",
            "{table} is empty"
        );
        for p in ids.iter().chain(&["never-collected-9988"]) {
            assert!(!contains(&bytes, p), "{p} in table {table}");
        }
    }
    // Nor anywhere else in the database: artefacts hold personal data only encrypted under each
    // principal's data key (the page bytes of the whole file are searched below as well).
    let tables: Vec<String> = dumps.iter().map(|(t, _)| t.clone()).collect();
    assert!(tables.iter().any(|t| t == "principals"));
    for table in &tables {
        let bytes = dump(table);
        for p in ids.iter().chain(&["never-collected-9988"]) {
            assert!(!contains(&bytes, p), "{p} in clear in table {table}");
        }
    }
    // The same search does find other strings of those rows (a purpose code in the artefacts),
    // so the searches above would have found a principal id too.
    assert!(contains(&dump("artefacts"), "marketing"));
    let rows: i64 = with_db(&dir, |conn| {
        conn.query_row("SELECT COUNT(*) FROM audit_log", (), |r| r.get(0))
            .unwrap()
    });
    assert_eq!(rows as u64, size);
    // The raw bytes of the database and its WAL, free pages included (embedded store; on
    // PostgreSQL the files are the database server's, and the tables were searched above).
    let files: &[&str] = if pg_base().is_some() {
        &[]
    } else {
        &["anumodan.db", "anumodan.db-wal"]
    };
    for file in files {
        let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            *file != "anumodan.db" || bytes.len() > 4096,
            "{file} was read"
        );
        for p in ids.iter().chain(&["never-collected-9988"]) {
            assert!(!contains(&bytes, p), "{p} in the bytes of {file}");
        }
    }

    // The export handed to an auditor.
    let out = tempfile::tempdir().unwrap();
    let export = out.path().join("export");
    assert_ok(&audit_export(&dir, &export));
    let jsonl = std::fs::read_to_string(export.join("entries.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count() as u64, size);
    for p in ids.iter().chain(&["never-collected-9988"]) {
        assert!(!jsonl.contains(p), "{p} in the export");
    }
}
