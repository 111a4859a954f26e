//! The RFC 9162 proof verification vectors of github.com/transparency-dev/merkle, read in place
//! from the shared conformance directory. Every file is exercised; a missing directory fails.
//!
//! Hashes that are not 32 bytes ("don't care" values of negative cases) cannot be given to the
//! typed verifier: they count as rejected, like any malformed input.

use std::fs;
use std::path::{Path, PathBuf};

use anumodan_ledger::merkle::{
    Hash, MemorySource, consistency_proof, inclusion_proof, leaf_hash, root_from_leaves,
    verify_consistency, verify_consistency_bytes, verify_inclusion,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/transparency-dev-merkle"
);

/// Files where our outcome differs from the reference: none. (Equal-size consistency checks with
/// roots that are not 32 bytes go through `verify_consistency_bytes`, which compares them as
/// bytes like the reference does.)
const KNOWN_DEVIATIONS: &[&str] = &[];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InclusionCase {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConsistencyCase {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

/// All `*.json` files under `dir`, recursively, sorted. Panics if `dir` cannot be read.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files.extend(json_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Decodes a base64 hash; `None` if it is not base64 of exactly 32 bytes.
fn hash(text: &str) -> Option<Hash> {
    let bytes = BASE64.decode(text).expect("vector values are base64");
    Hash::try_from(bytes.as_slice()).ok()
}

fn hashes(texts: &Option<Vec<String>>) -> Option<Vec<Hash>> {
    texts.iter().flatten().map(|text| hash(text)).collect()
}

fn relative(path: &Path) -> String {
    let base = Path::new(VECTORS);
    path.strip_prefix(base)
        .expect("under vectors")
        .to_string_lossy()
        .replace('\\', "/")
}

/// The leaves of the RFC 6962 reference tree the vectors are built from.
fn reference_leaves() -> Vec<Hash> {
    let data: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    data.iter().map(|d| leaf_hash(d)).collect()
}

struct Tally {
    exercised: usize,
    deviations: Vec<String>,
    /// Positive cases on the reference tree whose proof we also regenerated.
    regenerated: usize,
}

/// Checks that the outcome matches the expectation, recording known deviations.
fn check(tally: &mut Tally, name: &str, desc: &str, want_err: bool, outcome: Result<(), String>) {
    tally.exercised += 1;
    if KNOWN_DEVIATIONS.contains(&name) {
        assert!(
            !want_err && outcome.is_err(),
            "{name}: deviation no longer applies: {outcome:?}"
        );
        tally.deviations.push(name.to_owned());
        return;
    }
    match (want_err, outcome) {
        (true, Ok(())) => panic!("{name} ({desc}): verified but should fail"),
        (false, Err(e)) => panic!("{name} ({desc}): failed but should verify: {e}"),
        _ => {}
    }
}

fn run_inclusion(path: &Path, tally: &mut Tally, source: &MemorySource, leaves: &[Hash]) {
    let name = relative(path);
    let text = fs::read_to_string(path).expect("readable vector");
    let case: InclusionCase = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let outcome = match (hash(&case.leaf_hash), hash(&case.root), hashes(&case.proof)) {
        (Some(leaf), Some(root), Some(proof)) => {
            let result = verify_inclusion(&leaf, case.leaf_idx, case.tree_size, &proof, &root);
            let size = case.tree_size as usize;
            let on_reference_tree = size <= leaves.len()
                && case.leaf_idx < case.tree_size
                && root_from_leaves(&leaves[..size]) == root
                && leaves[case.leaf_idx as usize] == leaf;
            if !case.want_err && on_reference_tree {
                let generated =
                    inclusion_proof(source, case.leaf_idx, case.tree_size).expect("proof");
                assert_eq!(generated, proof, "{name}: regenerated proof differs");
                tally.regenerated += 1;
            }
            result.map_err(|e| e.to_string())
        }
        _ => Err("a hash is not 32 bytes".to_owned()),
    };
    check(tally, &name, &case.desc, case.want_err, outcome);
}

fn run_consistency(path: &Path, tally: &mut Tally, source: &MemorySource, leaves: &[Hash]) {
    let name = relative(path);
    let text = fs::read_to_string(path).expect("readable vector");
    let case: ConsistencyCase =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let outcome = match (hash(&case.root1), hash(&case.root2), hashes(&case.proof)) {
        (Some(root1), Some(root2), Some(proof)) => {
            let result = verify_consistency(case.size1, case.size2, &proof, &root1, &root2);
            let (size1, size2) = (case.size1 as usize, case.size2 as usize);
            let on_reference_tree = 0 < size1
                && size1 <= size2
                && size2 <= leaves.len()
                && root_from_leaves(&leaves[..size1]) == root1
                && root_from_leaves(&leaves[..size2]) == root2;
            if !case.want_err && on_reference_tree {
                let generated = consistency_proof(source, case.size1, case.size2).expect("proof");
                assert_eq!(generated, proof, "{name}: regenerated proof differs");
                tally.regenerated += 1;
            }
            result.map_err(|e| e.to_string())
        }
        _ => {
            let raw = |t: &String| BASE64.decode(t).expect("vector values are base64");
            let proof: Vec<Vec<u8>> = case.proof.iter().flatten().map(raw).collect();
            let proof: Vec<&[u8]> = proof.iter().map(Vec::as_slice).collect();
            verify_consistency_bytes(
                case.size1,
                case.size2,
                &proof,
                &raw(&case.root1),
                &raw(&case.root2),
            )
            .map_err(|e| e.to_string())
        }
    };
    check(tally, &name, &case.desc, case.want_err, outcome);
}

#[test]
fn transparency_dev_vectors() {
    let base = Path::new(VECTORS);
    assert!(
        base.is_dir(),
        "conformance vectors missing at {}",
        base.display()
    );
    let all = json_files(base);
    let inclusion = json_files(&base.join("inclusion"));
    let consistency = json_files(&base.join("consistency"));
    assert!(
        !inclusion.is_empty() && !consistency.is_empty(),
        "no vectors found"
    );
    assert_eq!(
        inclusion.len() + consistency.len(),
        all.len(),
        "vectors outside inclusion/consistency"
    );

    let leaves = reference_leaves();
    let source = MemorySource::from_leaves(leaves.iter().copied(), false);
    let mut tally = Tally {
        exercised: 0,
        deviations: Vec::new(),
        regenerated: 0,
    };
    for path in &inclusion {
        run_inclusion(path, &mut tally, &source, &leaves);
    }
    for path in &consistency {
        run_consistency(path, &mut tally, &source, &leaves);
    }

    assert!(tally.exercised > 0);
    assert_eq!(
        tally.exercised,
        all.len(),
        "every vector file must be exercised"
    );
    assert_eq!(tally.deviations, KNOWN_DEVIATIONS, "known deviations");
    assert!(
        tally.regenerated > 0,
        "no positive vector was regenerated from the reference tree"
    );
    eprintln!(
        "{} vector files ({} inclusion, {} consistency), {} proofs regenerated, {} known deviation(s)",
        tally.exercised,
        inclusion.len(),
        consistency.len(),
        tally.regenerated,
        tally.deviations.len()
    );
}
