//! The offline verifier and the export format: an honest log verifies, and each kind of
//! tampering is reported as the first problem, by name.

use std::fs;

use anumodan_ledger::checkpoint::{Checkpoint, CheckpointError, open_checkpoint, sign_checkpoint};
use anumodan_ledger::export::{self, ExportError, ExportWriter};
use anumodan_ledger::merkle::{Frontier, Hash, empty_root, leaf_hash};
use anumodan_ledger::note::{NoteSigner, NoteVerifier};
use anumodan_ledger::verify::{LogEntry, Report, Verifier, VerifyFailure, verify_log};

const ORIGIN: &str = "anumodan.example/log";

/// An owned log entry: index, data, stored hash.
#[derive(Clone, Debug)]
struct Entry {
    index: u64,
    data: String,
    hash: Hash,
}

fn entry(index: u64, data: String) -> Entry {
    let hash = leaf_hash(data.as_bytes());
    Entry { index, data, hash }
}

struct Log {
    signer: NoteSigner,
    entries: Vec<Entry>,
    notes: Vec<String>,
}

/// A log of `size` entries with checkpoints signed at `checkpoint_sizes` (increasing times).
fn log(size: u64, checkpoint_sizes: &[u64]) -> Log {
    let signer = NoteSigner::generate(ORIGIN).expect("valid name");
    let entries: Vec<Entry> = (0..size)
        .map(|i| entry(i, format!(r#"{{"event":"grant","n":{i}}}"#)))
        .collect();
    let notes = checkpoint_sizes
        .iter()
        .enumerate()
        .map(|(time, &cp_size)| sign_at(&signer, &entries, cp_size, 1_700_000_000 + time as u64))
        .collect();
    Log {
        signer,
        entries,
        notes,
    }
}

fn root_of(entries: &[Entry]) -> Hash {
    let mut frontier = Frontier::new();
    for e in entries {
        frontier.append(e.hash);
    }
    frontier.root()
}

fn sign_at(signer: &NoteSigner, entries: &[Entry], size: u64, time: u64) -> String {
    let checkpoint =
        Checkpoint::with_timestamp(ORIGIN, size, root_of(&entries[..size as usize]), time);
    sign_checkpoint(signer, &checkpoint).expect("signs")
}

fn run(key: &NoteVerifier, notes: &[String], entries: &[Entry]) -> Result<Report, VerifyFailure> {
    verify_log(
        key,
        notes,
        entries.iter().map(|e| LogEntry {
            index: e.index,
            data: e.data.as_bytes(),
            stored_hash: e.hash,
        }),
    )
}

fn check(log: &Log) -> Result<Report, VerifyFailure> {
    run(&log.signer.verifier(), &log.notes, &log.entries)
}

#[test]
fn honest_log_verifies() {
    let log = log(40, &[10, 25, 40]);
    let report = check(&log).expect("verifies");
    assert_eq!(report.entries, 40);
    assert_eq!(report.checkpoints, 3);
    assert_eq!(report.latest_checkpoint_size(), 40);
    assert_eq!(report.uncovered_entries, 0);
    assert_eq!(report.root, root_of(&log.entries));
    assert_eq!(
        report.latest_checkpoint.and_then(|c| c.timestamp()),
        Some(1_700_000_002)
    );
}

#[test]
fn entries_after_the_latest_checkpoint_are_reported_uncovered() {
    let log = log(40, &[0, 10, 25]);
    let report = check(&log).expect("verifies");
    assert_eq!(
        (
            report.checkpoints,
            report.latest_checkpoint_size(),
            report.uncovered_entries
        ),
        (3, 25, 15)
    );
    let no_checkpoints = run(&log.signer.verifier(), &[], &log.entries).expect("verifies");
    assert_eq!(
        (no_checkpoints.checkpoints, no_checkpoints.uncovered_entries),
        (0, 40)
    );
    assert_eq!(no_checkpoints.latest_checkpoint, None);
}

#[test]
fn checkpoints_may_come_in_any_order_and_repeat() {
    let mut log = log(40, &[10, 25, 40]);
    log.notes.reverse();
    let again = sign_at(&log.signer, &log.entries, 25, 1_700_000_001);
    log.notes.push(again);
    assert_eq!(check(&log).expect("verifies").checkpoints, 4);
}

#[test]
fn empty_log() {
    let signer = NoteSigner::generate(ORIGIN).expect("valid name");
    let empty = Checkpoint::with_timestamp(ORIGIN, 0, empty_root(), 5);
    let note = sign_checkpoint(&signer, &empty).expect("signs");
    let report = run(&signer.verifier(), &[note], &[]).expect("verifies");
    assert_eq!(
        (report.entries, report.checkpoints, report.root),
        (0, 1, empty_root())
    );
    let wrong = sign_checkpoint(&signer, &Checkpoint::new(ORIGIN, 0, [0; 32])).expect("signs");
    assert_eq!(
        run(&signer.verifier(), &[wrong], &[]),
        Err(VerifyFailure::CheckpointRootMismatch { size: 0 })
    );
}

#[test]
fn detects_a_changed_data_byte() {
    let mut log = log(40, &[10, 25, 40]);
    let mut data = log.entries[17].data.clone().into_bytes();
    data[5] ^= 0x01;
    log.entries[17].data = String::from_utf8(data).expect("ascii");
    assert_eq!(
        check(&log),
        Err(VerifyFailure::EntryHashMismatch { index: 17 })
    );
}

#[test]
fn detects_a_changed_entry_with_recomputed_hash() {
    let mut log = log(40, &[10, 25, 40]);
    log.entries[17] = entry(17, "forged".to_owned());
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointRootMismatch { size: 25 })
    );
}

#[test]
fn detects_a_deleted_entry() {
    let mut log = log(40, &[10, 25, 40]);
    log.entries.remove(12);
    assert_eq!(
        check(&log),
        Err(VerifyFailure::MissingEntry {
            expected_index: 12,
            found_index: 13
        })
    );
}

#[test]
fn detects_a_deleted_entry_with_renumbering() {
    let mut log = log(40, &[10, 25, 40]);
    log.entries.remove(12);
    for (i, e) in log.entries.iter_mut().enumerate() {
        e.index = i as u64;
    }
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointRootMismatch { size: 25 })
    );
}

#[test]
fn detects_deleted_entries_at_the_end() {
    let mut log = log(40, &[10, 25, 40]);
    log.entries.truncate(30);
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointBeyondLog {
            size: 40,
            log_size: 30
        })
    );
}

#[test]
fn detects_an_inserted_entry() {
    let mut log = log(40, &[10, 25, 40]);
    log.entries.insert(6, entry(5, "inserted".to_owned()));
    assert_eq!(check(&log), Err(VerifyFailure::DuplicateEntry { index: 5 }));
}

#[test]
fn detects_an_inserted_entry_with_renumbering() {
    let mut log = log(40, &[10, 25, 40]);
    log.entries.insert(6, entry(6, "inserted".to_owned()));
    for (i, e) in log.entries.iter_mut().enumerate() {
        e.index = i as u64;
    }
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointRootMismatch { size: 10 })
    );
}

#[test]
fn detects_swapped_entries() {
    let mut log = log(40, &[10, 25, 40]);
    log.entries.swap(3, 4);
    assert_eq!(
        check(&log),
        Err(VerifyFailure::MissingEntry {
            expected_index: 3,
            found_index: 4
        })
    );
    // Swapped contents under the original indices: the checkpoint root no longer matches.
    let mut log = self::log(40, &[10, 25, 40]);
    log.entries.swap(3, 4);
    log.entries[3].index = 3;
    log.entries[4].index = 4;
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointRootMismatch { size: 10 })
    );
}

#[test]
fn detects_a_forged_checkpoint_signature() {
    let mut log = log(40, &[10, 25, 40]);
    // Same name, different key: its signature line is not by the log's key.
    let impostor = NoteSigner::generate(ORIGIN).expect("valid name");
    log.notes[1] = sign_at(&impostor, &log.entries, 25, 1_700_000_001);
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointSignature {
            size: Some(25),
            position: 1
        })
    );

    // The log's signature over a changed text.
    let mut log = self::log(40, &[10, 25, 40]);
    log.notes[2] = log.notes[2].replacen("\n40\n", "\n41\n", 1);
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointSignature {
            size: Some(41),
            position: 2
        })
    );

    // Not a note at all.
    let mut log = self::log(40, &[10, 25, 40]);
    log.notes[0] = "garbage".to_owned();
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointSignature {
            size: None,
            position: 0
        })
    );
}

#[test]
fn detects_a_checkpoint_whose_root_does_not_match() {
    let mut log = log(40, &[10, 25, 40]);
    let checkpoint =
        Checkpoint::with_timestamp(ORIGIN, 25, root_of(&log.entries[..24]), 1_700_000_001);
    log.notes[1] = sign_checkpoint(&log.signer, &checkpoint).expect("signs");
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointRootMismatch { size: 25 })
    );
}

#[test]
fn detects_a_rollback_in_checkpoint_timestamps() {
    let mut log = log(40, &[10, 25, 40]);
    log.notes[0] = sign_at(&log.signer, &log.entries, 10, 1_800_000_000);
    assert_eq!(
        check(&log),
        Err(VerifyFailure::CheckpointOrder {
            size: 25,
            timestamp: 1_700_000_001,
            previous_size: 10,
            previous_timestamp: 1_800_000_000,
        })
    );
}

#[test]
fn rejects_a_signed_checkpoint_of_another_origin() {
    let signer = NoteSigner::generate(ORIGIN).expect("valid name");
    let note = signer
        .sign(&Checkpoint::new("other.example/log", 0, empty_root()).to_text())
        .expect("signs");
    assert!(matches!(
        run(&signer.verifier(), &[note], &[]),
        Err(VerifyFailure::CheckpointMalformed { position: 0, .. })
    ));
}

#[test]
fn verifier_is_incremental() {
    let log = log(40, &[10, 25]);
    let mut verifier =
        Verifier::new(&log.signer.verifier(), &log.notes).expect("checkpoints verify");
    for e in &log.entries {
        verifier
            .push_entry(LogEntry {
                index: e.index,
                data: e.data.as_bytes(),
                stored_hash: e.hash,
            })
            .expect("ok");
    }
    assert_eq!(verifier.entries_checked(), 40);
    let report = verifier.finish().expect("verifies");
    assert_eq!(report.uncovered_entries, 15);
}

#[test]
fn checkpoint_round_trip() {
    let signer = NoteSigner::generate(ORIGIN).expect("valid name");
    let checkpoint = Checkpoint::with_timestamp(ORIGIN, 12345, [9; 32], 1_700_000_000);
    let note = sign_checkpoint(&signer, &checkpoint).expect("signs");
    assert!(note.starts_with(&format!("{ORIGIN}\n12345\n")));
    assert!(note.contains("\ntimestamp 1700000000\n\n\u{2014} anumodan.example/log "));
    let opened = open_checkpoint(&signer.verifier(), &note).expect("opens");
    assert_eq!(opened, checkpoint);
    assert_eq!(opened.timestamp(), Some(1_700_000_000));
    // The origin must be the key name.
    let other = Checkpoint::new("other.example/log", 1, [0; 32]);
    assert!(matches!(
        sign_checkpoint(&signer, &other),
        Err(CheckpointError::OriginMismatch { .. })
    ));
    // Another key does not open it.
    let stranger = NoteSigner::generate(ORIGIN).expect("valid name");
    assert!(matches!(
        open_checkpoint(&stranger.verifier(), &note),
        Err(CheckpointError::Note(_))
    ));
}

fn write_export(dir: &std::path::Path, log: &Log, sizes: &[u64]) {
    let mut writer = ExportWriter::create(dir, &log.signer.verifier_key()).expect("creates");
    for e in &log.entries {
        writer
            .write_entry(e.index, &e.data, &e.hash)
            .expect("writes entry");
    }
    for (size, note) in sizes.iter().zip(&log.notes) {
        writer
            .write_checkpoint(*size, note)
            .expect("writes checkpoint");
    }
    writer.finish().expect("finishes");
}

#[test]
fn export_round_trip_and_tampering() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("export");
    let sizes = [10, 25, 40];
    let mut log = log(40, &sizes);
    log.entries[3].data = "quote \" backslash \\ unicode \u{0928}\u{093e} newline \n".to_owned();
    log.entries[3].hash = leaf_hash(log.entries[3].data.as_bytes());
    log.notes = sizes
        .iter()
        .enumerate()
        .map(|(t, &s)| sign_at(&log.signer, &log.entries, s, t as u64))
        .collect();
    write_export(&dir, &log, &sizes);

    let key_line = export::read_public_key(&dir).expect("key");
    assert_eq!(key_line, log.signer.verifier_key());
    let key = NoteVerifier::from_verifier_key(&key_line).expect("key parses");
    let report = export::verify_export(&dir, &key).expect("verifies");
    assert_eq!(
        (report.entries, report.checkpoints, report.uncovered_entries),
        (40, 3, 0)
    );
    let files = export::read_checkpoints(&dir).expect("checkpoints");
    assert_eq!(
        files.iter().map(|(size, _)| *size).collect::<Vec<_>>(),
        sizes
    );

    // Writing into a non-empty directory is refused.
    assert!(matches!(
        ExportWriter::create(&dir, "k"),
        Err(ExportError::NotEmpty(_))
    ));

    // Another key does not verify the export.
    let stranger = NoteSigner::generate(ORIGIN).expect("valid name").verifier();
    assert!(matches!(
        export::verify_export(&dir, &stranger),
        Err(ExportError::Verify(
            VerifyFailure::CheckpointSignature { .. }
        ))
    ));

    // One changed byte of data in entries.jsonl.
    let entries_path = dir.join(export::ENTRIES_FILE);
    let original = fs::read_to_string(&entries_path).expect("entries");
    let tampered = original.replacen(r#"\"n\":20}"#, r#"\"n\":21}"#, 1);
    assert_ne!(tampered, original);
    fs::write(&entries_path, &tampered).expect("write");
    assert!(matches!(
        export::verify_export(&dir, &key),
        Err(ExportError::Verify(VerifyFailure::EntryHashMismatch {
            index: 20
        }))
    ));

    // A deleted line.
    let lines: Vec<&str> = original.lines().collect();
    let without: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 7)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    fs::write(&entries_path, without).expect("write");
    assert!(matches!(
        export::verify_export(&dir, &key),
        Err(ExportError::Verify(VerifyFailure::MissingEntry {
            expected_index: 7,
            found_index: 8
        }))
    ));

    // A malformed line.
    fs::write(&entries_path, format!("{original}{{\"index\": 40}}\n")).expect("write");
    assert!(matches!(
        export::verify_export(&dir, &key),
        Err(ExportError::Malformed { .. })
    ));
    fs::write(&entries_path, format!("{original}\n")).expect("write");
    assert!(matches!(
        export::verify_export(&dir, &key),
        Err(ExportError::Malformed { .. })
    ));
    fs::write(&entries_path, &original).expect("write");

    // A checkpoint file named after the wrong size.
    let checkpoints = dir.join(export::CHECKPOINTS_DIR);
    fs::rename(checkpoints.join("25.txt"), checkpoints.join("26.txt")).expect("rename");
    assert!(matches!(
        export::verify_export(&dir, &key),
        Err(ExportError::Malformed { .. })
    ));
    fs::rename(checkpoints.join("26.txt"), checkpoints.join("25.txt")).expect("rename");

    // A stray file in checkpoints/.
    fs::write(checkpoints.join("notes.md"), "x").expect("write");
    assert!(matches!(
        export::verify_export(&dir, &key),
        Err(ExportError::Malformed { .. })
    ));
    fs::remove_file(checkpoints.join("notes.md")).expect("remove");

    assert!(export::verify_export(&dir, &key).is_ok());
}
