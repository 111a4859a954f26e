//! Properties of the Merkle tree: generated proofs verify against `root_from_leaves`, with and
//! without stored tiles; the frontier agrees with `root_from_leaves` and reports exactly the
//! perfect subtrees; proof generation reads through the source as intended.

use std::cell::Cell;

use anumodan_ledger::merkle::{
    CompletedNode, Frontier, Hash, MemorySource, MemorySourceError, NodeSource, ProofError,
    VerifyError, consistency_proof, inclusion_proof, leaf_hash, root_from_leaves, subtree_hash,
    verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

const MAX_SIZE: u64 = 600;

fn leaves(n: u64) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
        .collect()
}

/// Both kinds of source over the same leaves: without and with stored level-8 tiles.
fn sources(leaves: &[Hash]) -> [MemorySource; 2] {
    [false, true].map(|tiles| MemorySource::from_leaves(leaves.iter().copied(), tiles))
}

fn size_and_index() -> impl Strategy<Value = (u64, u64)> {
    (1..=MAX_SIZE).prop_flat_map(|size| (Just(size), 0..size))
}

fn two_sizes() -> impl Strategy<Value = (u64, u64)> {
    (1..=MAX_SIZE).prop_flat_map(|size2| (1..=size2, Just(size2)))
}

fn flip(proof: &mut [Hash], which: usize, bit: u8) {
    let n = proof.len();
    proof[which % n][usize::from(bit) % 32] ^= 1 << (bit % 8);
}

proptest! {
    #[test]
    fn inclusion_proofs_verify((size, index) in size_and_index(), which in any::<usize>(), bit in any::<u8>()) {
        let all = leaves(size);
        let root = root_from_leaves(&all);
        let [plain, tiled] = sources(&all);
        let proof = inclusion_proof(&plain, index, size).expect("proof");
        prop_assert_eq!(&inclusion_proof(&tiled, index, size).expect("proof"), &proof);
        prop_assert_eq!(verify_inclusion(&all[index as usize], index, size, &proof, &root), Ok(()));
        // A wrong leaf, index or proof hash does not verify. (A wrong size may: the proof of
        // leaf 0 in a tree of 3 leaves is also its proof in a tree of 4 with that root.)
        let other = leaf_hash(b"other");
        prop_assert!(verify_inclusion(&other, index, size, &proof, &root).is_err());
        if size > 1 {
            let wrong_index = (index + 1) % size;
            prop_assert!(verify_inclusion(&all[index as usize], wrong_index, size, &proof, &root).is_err());
            let mut tampered = proof.clone();
            flip(&mut tampered, which, bit);
            prop_assert!(verify_inclusion(&all[index as usize], index, size, &tampered, &root).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify((size1, size2) in two_sizes(), which in any::<usize>(), bit in any::<u8>()) {
        let all = leaves(size2);
        let root1 = root_from_leaves(&all[..size1 as usize]);
        let root2 = root_from_leaves(&all);
        let [plain, tiled] = sources(&all);
        let proof = consistency_proof(&plain, size1, size2).expect("proof");
        prop_assert_eq!(&consistency_proof(&tiled, size1, size2).expect("proof"), &proof);
        prop_assert_eq!(verify_consistency(size1, size2, &proof, &root1, &root2), Ok(()));
        // Swapped roots and tampered proofs do not verify.
        if size1 < size2 {
            prop_assert!(verify_consistency(size1, size2, &proof, &root2, &root1).is_err());
            let mut tampered = proof.clone();
            flip(&mut tampered, which, bit);
            prop_assert!(verify_consistency(size1, size2, &tampered, &root1, &root2).is_err());
        }
    }

    #[test]
    fn subtree_hash_is_mth_of_the_range(start in 0..MAX_SIZE, len in 0..MAX_SIZE) {
        let all = leaves(MAX_SIZE);
        let len = len.min(MAX_SIZE - start);
        let want = root_from_leaves(&all[start as usize..(start + len) as usize]);
        for source in sources(&all) {
            prop_assert_eq!(subtree_hash(&source, start, len).expect("hash"), want);
        }
    }
}

#[test]
fn frontier_matches_root_and_completed_nodes() {
    let all = leaves(MAX_SIZE);
    let mut frontier = Frontier::new();
    assert_eq!(frontier.root(), root_from_leaves(&[]));
    for (i, leaf) in all.iter().enumerate() {
        let completed = frontier.append(*leaf);
        let size = i as u64 + 1;
        // Every perfect subtree ending at this leaf: level k while 2^k divides the new size.
        let expected: Vec<CompletedNode> = (0u8..64)
            .take_while(|&level| size % (1u64 << level) == 0)
            .map(|level| {
                let width = 1u64 << level;
                let index = size / width - 1;
                let range = (index * width) as usize..(size as usize);
                CompletedNode {
                    level,
                    index,
                    hash: root_from_leaves(&all[range]),
                }
            })
            .collect();
        assert_eq!(completed, expected, "size {size}");
        assert_eq!(frontier.size(), size);
        assert_eq!(frontier.hashes().len(), size.count_ones() as usize);
        assert_eq!(frontier.root(), root_from_leaves(&all[..=i]), "size {size}");
        // A frontier rebuilt from its parts is the same frontier.
        let rebuilt =
            Frontier::from_parts(frontier.size(), frontier.hashes().to_vec()).expect("parts");
        assert_eq!(rebuilt, frontier);
    }
}

#[test]
fn proof_requests_out_of_range_are_errors() {
    let all = leaves(10);
    let source = MemorySource::from_leaves(all, true);
    assert!(matches!(
        inclusion_proof(&source, 10, 10),
        Err(ProofError::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        inclusion_proof(&source, 0, 0),
        Err(ProofError::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        consistency_proof(&source, 5, 4),
        Err(ProofError::SizeOrder { .. })
    ));
    assert!(matches!(
        consistency_proof(&source, 0, 4),
        Err(ProofError::EmptyOldTree)
    ));
    assert!(matches!(
        consistency_proof(&source, 0, 0),
        Err(ProofError::EmptyOldTree)
    ));
    assert_eq!(
        consistency_proof(&source, 4, 4).expect("equal sizes"),
        Vec::<Hash>::new()
    );
    // Beyond the stored leaves: the source's error comes through.
    assert!(matches!(
        inclusion_proof(&source, 3, 11),
        Err(ProofError::Source(MemorySourceError { .. }))
    ));
    assert!(matches!(
        subtree_hash(&source, u64::MAX, 2),
        Err(ProofError::RangeOverflow { .. })
    ));
}

#[test]
fn verification_rejects_bad_sizes() {
    let h = leaf_hash(b"x");
    assert_eq!(
        verify_inclusion(&h, 0, 0, &[], &h),
        Err(VerifyError::IndexOutOfRange {
            index: 0,
            tree_size: 0
        })
    );
    assert_eq!(verify_inclusion(&h, 0, 1, &[], &h), Ok(()));
    assert_eq!(
        verify_inclusion(&h, 0, 1, &[h], &h),
        Err(VerifyError::WrongProofLength)
    );
    assert_eq!(
        verify_consistency(0, 0, &[], &h, &h),
        Err(VerifyError::EmptyOldTree)
    );
    assert_eq!(
        verify_consistency(2, 1, &[], &h, &h),
        Err(VerifyError::SizeOrder { size1: 2, size2: 1 })
    );
    assert_eq!(
        verify_consistency(1, 2, &[], &h, &h),
        Err(VerifyError::WrongProofLength)
    );
    assert_eq!(verify_consistency(3, 3, &[], &h, &h), Ok(()));
    assert_eq!(
        verify_consistency(u64::MAX - 1, u64::MAX, &[h; 70], &h, &h),
        Err(VerifyError::WrongProofLength)
    );
}

/// A source that counts what proof generation asks of it.
struct Counting {
    inner: MemorySource,
    leaf_calls: Cell<usize>,
    leaves_read: Cell<u64>,
    largest_read: Cell<u64>,
    stored_hits: Cell<usize>,
}

impl Counting {
    fn new(size: u64, tiles: bool) -> Self {
        Self {
            inner: MemorySource::from_leaves(leaves(size), tiles),
            leaf_calls: Cell::new(0),
            leaves_read: Cell::new(0),
            largest_read: Cell::new(0),
            stored_hits: Cell::new(0),
        }
    }
}

impl NodeSource for Counting {
    type Error = MemorySourceError;

    fn leaf_hashes(&self, start: u64, end: u64) -> Result<Vec<Hash>, Self::Error> {
        self.leaf_calls.set(self.leaf_calls.get() + 1);
        self.leaves_read.set(self.leaves_read.get() + (end - start));
        self.largest_read
            .set(self.largest_read.get().max(end - start));
        self.inner.leaf_hashes(start, end)
    }

    fn stored_node(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error> {
        assert_eq!(level % 8, 0, "asked for a level that is never stored");
        let node = self.inner.stored_node(level, index)?;
        if node.is_some() {
            self.stored_hits.set(self.stored_hits.get() + 1);
        }
        Ok(node)
    }
}

#[test]
fn proofs_use_stored_tiles_and_read_leaves_in_ranges() {
    let size = 70_000; // Covers level-16 tiles (65,536 leaves).
    let plain = Counting::new(size, false);
    let tiled = Counting::new(size, true);
    let index = size - 1;
    let proof = inclusion_proof(&plain, index, size).expect("proof");
    assert_eq!(inclusion_proof(&tiled, index, size).expect("proof"), proof);
    // Without tiles every leaf is read, in ranges of at most 256 leaves.
    assert_eq!(plain.leaves_read.get(), size - 1);
    assert!(plain.largest_read.get() <= 256);
    assert!(plain.leaf_calls.get() < 300);
    // With tiles, the level-16 subtree is one stored node and level-8 tiles cover the rest.
    assert!(tiled.stored_hits.get() > 0);
    assert!(
        tiled.leaves_read.get() < 256,
        "read {} leaves",
        tiled.leaves_read.get()
    );
    let root = root_from_leaves(tiled.inner.leaves());
    assert_eq!(
        verify_inclusion(
            &tiled.inner.leaves()[index as usize],
            index,
            size,
            &proof,
            &root
        ),
        Ok(())
    );

    let old = 65_537;
    let proof = consistency_proof(&tiled, old, size).expect("proof");
    let old_root = root_from_leaves(&tiled.inner.leaves()[..old as usize]);
    assert_eq!(
        verify_consistency(old, size, &proof, &old_root, &root),
        Ok(())
    );
}
