//! `anumodan audit verify`, `audit export` and `audit verify-export` on a stopped ledger, and an
//! export tampered with.

use super::{ExportEdit, Stopped, bad_hash, bad_root, copy_dir, stopped_ledger};
use crate::harness::*;
use anumodan_core::audit::AuditEntry;
use anumodan_ledger::merkle::{hash_to_base64, leaf_hash};
use anumodan_ledger::note::NoteSigner;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[tokio::test]
async fn cli_verifies_the_ledger_and_its_export_offline() {
    let st = stopped_ledger().await;
    verify_says_ok(&st);
    let export = st.work.path().join("export");
    let lines = export_with_its_layout(&st, &export);
    export_verifies_with_the_key_only(&st, &export);
    tampered_exports_are_caught(&st, &export, &lines);
}

/// `audit verify` on the untouched ledger: every entry and checkpoint verified.
fn verify_says_ok(st: &Stopped) {
    let o = audit_verify(&st.dir);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("ledger: OK"), "{out}");
    assert!(
        out.contains(&format!("entries verified:      {}", st.size())),
        "{out}"
    );
    assert!(
        out.contains(&format!("checkpoints verified:  {}", st.checkpoints.len())),
        "{out}"
    );
    assert!(out.contains("entries after it:      0"), "{out}");
}

/// `audit export` into `export`: the log as JSON lines (returned), the checkpoints, the key;
/// never into a directory that is not empty.
fn export_with_its_layout(st: &Stopped, export: &Path) -> Vec<Value> {
    let o = audit_export(&st.dir, export);
    assert_ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!(
            "exported {} entries and {} checkpoints",
            st.size(),
            st.checkpoints.len()
        )),
        "{}",
        out_text(&o)
    );
    // The export's layout: the log as JSON lines, the checkpoints, the key.
    assert_eq!(
        std::fs::read_to_string(export.join("public-key.txt")).unwrap(),
        format!("{}\n", st.key_line)
    );
    let lines: Vec<Value> = std::fs::read_to_string(export.join("entries.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, st.size());
    for (line, e) in lines.iter().zip(&st.entries) {
        let data: Value = serde_json::from_str(line["data"].as_str().unwrap()).unwrap();
        assert_eq!(&data, e, "the export holds the entries the API serves");
        assert_eq!(line["index"], e["index"]);
        assert_eq!(
            b64hash(&line["hash"]),
            leaf_hash(line["data"].as_str().unwrap().as_bytes())
        );
    }
    let mut files: Vec<String> = std::fs::read_dir(export.join("checkpoints"))
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort_by_key(|f| f.trim_end_matches(".txt").parse::<u64>().unwrap());
    assert_eq!(
        files,
        st.checkpoints
            .iter()
            .map(|c| format!("{c}.txt"))
            .collect::<Vec<_>>()
    );
    // Exporting into a non-empty directory is refused.
    let o = audit_export(&st.dir, export);
    assert_ne!(o.status.code(), Some(0), "{}", out_text(&o));
    lines
}

/// `audit verify-export` with only the key (from a trusted channel, here the well-known URL),
/// given as a line or as a file; another key, even under the same name, verifies nothing.
fn export_verifies_with_the_key_only(st: &Stopped, export: &Path) {
    let o = verify_export(export, &st.key_line);
    assert_ok(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("export: OK"), "{out}");
    assert!(
        out.contains(&format!("entries verified:      {}", st.size())),
        "{out}"
    );
    // The key may also be given as a file.
    let key_file = st.work.path().join("trusted.key");
    std::fs::write(&key_file, format!("{}\n", st.key_line)).unwrap();
    assert_ok(&verify_export(export, ps(&key_file)));

    // Another key, even under the same name, verifies nothing.
    let other = NoteSigner::generate("anumodan.local/ledger")
        .unwrap()
        .verifier_key();
    assert_caught(
        &verify_export(export, &other),
        "not validly signed by the log key",
    );
    let other_name = NoteSigner::generate("someone.else/ledger")
        .unwrap()
        .verifier_key();
    assert_caught(
        &verify_export(export, &other_name),
        "not validly signed by the log key",
    );
    assert_caught(
        &anumodan(&[
            "audit",
            "verify",
            "--data-dir",
            ps(&st.dir),
            "--public-key",
            &other,
        ]),
        "not validly signed by the log key",
    );
}

/// Exports tampered with, each a fresh copy of `export`: an edited line (rehashed or not), a
/// deleted, swapped or repeated line, an altered checkpoint note. Each is caught, at the first
/// entry (or checkpoint) it affects.
fn tampered_exports_are_caught(st: &Stopped, export: &Path, lines: &[Value]) {
    let tampered = |name: &str, f: &dyn Fn(&mut Vec<Value>)| -> PathBuf {
        let d = st.work.path().join(name);
        copy_dir(export, &d);
        let mut lines = lines.to_vec();
        f(&mut lines);
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(d.join("entries.jsonl"), text).unwrap();
        d
    };
    let k = st.find("consent.validated", "withdrawn");
    let ku = k as usize;
    let set_outcome = |line: &mut Value, outcome: &str, rehash: bool| {
        let mut e: AuditEntry = serde_json::from_str(line["data"].as_str().unwrap()).unwrap();
        e.outcome = outcome.to_string();
        let data = String::from_utf8(e.leaf_data()).unwrap();
        if rehash {
            line["hash"] = json!(hash_to_base64(&leaf_hash(data.as_bytes())));
        }
        line["data"] = json!(data);
    };
    let cases: [(&str, &ExportEdit<'_>, String); 5] = [
        // An edited line: a refused validation made to look valid.
        (
            "edit",
            &|l| set_outcome(&mut l[ku], "active", false),
            bad_hash(k),
        ),
        // The same edit with its hash recomputed: the first checkpoint covering it fails.
        (
            "edit-rehash",
            &|l| set_outcome(&mut l[ku], "active", true),
            bad_root(st.checkpoint_covering(k)),
        ),
        // A deleted line.
        (
            "delete",
            &|l| {
                l.remove(ku);
            },
            format!("entry {k} is missing: found entry {} in its place", k + 1),
        ),
        // Two lines swapped.
        (
            "swap",
            &|l| l.swap(ku, ku + 2),
            format!("entry {k} is missing: found entry {} in its place", k + 2),
        ),
        // A line repeated.
        (
            "repeat",
            &|l| {
                let copy = l[ku].clone();
                l.insert(ku + 1, copy);
            },
            format!("entry {k} appears more than once or out of order"),
        ),
    ];
    for (name, f, expected) in cases {
        assert_caught(&verify_export(&tampered(name, f), &st.key_line), &expected);
    }
    // A checkpoint note altered (its root).
    let d = st.work.path().join("checkpoint");
    copy_dir(export, &d);
    let cp = st.checkpoint_covering(k);
    let path = d.join("checkpoints").join(format!("{cp}.txt"));
    let note = std::fs::read_to_string(&path).unwrap();
    let mut lines_of: Vec<String> = note.split('\n').map(str::to_string).collect();
    lines_of[2] = hash_to_base64(&[7u8; 32]);
    std::fs::write(&path, lines_of.join("\n")).unwrap();
    assert_caught(
        &verify_export(&d, &st.key_line),
        &format!("(claimed size Some({cp})) is not validly signed"),
    );
}
