//! The Ed25519 signed-note vector of golang.org/x/mod/sumdb/note, read in place from the shared
//! conformance directory (the test fails if it is missing).

use anumodan_ledger::note::{NoteSigner, NoteVerifier};

const VECTOR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/signed-note-ed25519.txt"
);

struct Vector {
    verifier_key: String,
    signer_key: String,
    key_id: u32,
    note: String,
}

fn field<'a>(file: &'a str, label: &str) -> &'a str {
    file.lines()
        .find_map(|line| line.strip_prefix(label))
        .unwrap_or_else(|| panic!("vector has no {label:?} line"))
        .trim()
}

fn load() -> Vector {
    let file =
        std::fs::read_to_string(VECTOR).unwrap_or_else(|e| panic!("cannot read {VECTOR}: {e}"));
    let key_id = field(&file, "key id:")
        .split_whitespace()
        .next()
        .expect("key id value");
    // The note is between the two "-----" lines.
    let (_, rest) = file.split_once("-----\n").expect("opening ----- line");
    let (note, _) = rest.split_once("-----").expect("closing ----- line");
    Vector {
        verifier_key: field(&file, "verifier key:").to_owned(),
        signer_key: field(&file, "signer key:").to_owned(),
        key_id: u32::from_str_radix(key_id, 16).expect("hex key id"),
        note: note.to_owned(),
    }
}

/// The note text: everything up to and including the newline before the last blank line.
fn text_of(note: &str) -> &str {
    let split = note.rfind("\n\n").expect("blank line");
    &note[..split + 1]
}

#[test]
fn reproduces_the_signature_line_byte_for_byte() {
    let vector = load();
    let signer = NoteSigner::from_private_key(&vector.signer_key).expect("signer key parses");
    assert_eq!(signer.name(), "PeterNeumann");
    assert_eq!(signer.key_id(), vector.key_id);
    assert_eq!(signer.verifier_key(), vector.verifier_key);
    assert_eq!(signer.to_private_key(), vector.signer_key);

    let text = text_of(&vector.note);
    assert!(text.starts_with("If you think cryptography"));
    let signed = signer.sign(text).expect("signs");
    assert_eq!(signed.as_bytes(), vector.note.as_bytes());
}

#[test]
fn verifies_with_the_verifier_key() {
    let vector = load();
    let verifier =
        NoteVerifier::from_verifier_key(&vector.verifier_key).expect("verifier key parses");
    assert_eq!(verifier.name(), "PeterNeumann");
    assert_eq!(verifier.key_id(), vector.key_id);
    assert_eq!(verifier.to_verifier_key(), vector.verifier_key);
    assert_eq!(
        verifier.verify(&vector.note).expect("verifies"),
        text_of(&vector.note)
    );
}

#[test]
fn any_single_byte_change_of_the_text_fails() {
    let vector = load();
    let verifier =
        NoteVerifier::from_verifier_key(&vector.verifier_key).expect("verifier key parses");
    let text_len = text_of(&vector.note).len();
    let mut rejected = 0;
    for position in 0..text_len {
        for value in 0..=255u8 {
            let mut bytes = vector.note.clone().into_bytes();
            if bytes[position] == value {
                continue;
            }
            bytes[position] = value;
            // A change that breaks UTF-8 cannot even be handed to the verifier as text.
            if let Ok(changed) = String::from_utf8(bytes) {
                assert!(
                    verifier.verify(&changed).is_err(),
                    "accepted with byte {position} set to {value:#04x}"
                );
            }
            rejected += 1;
        }
    }
    assert_eq!(rejected, text_len * 255);
}
