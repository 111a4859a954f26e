//! The RFC 9162 Merkle tree with SHA-256.
//!
//! - Hashing: [`leaf_hash`], [`node_hash`], [`empty_root`], and the tree head [`root_from_leaves`].
//! - Appending: [`Frontier`] keeps the O(log n) right edge of the tree and reports the perfect
//!   subtrees each append completes, so a store can persist them ([`is_stored_level`]).
//! - Proving: [`inclusion_proof`] and [`consistency_proof`] read hashes through a [`NodeSource`].
//! - Verifying: [`verify_inclusion`] and [`verify_consistency`] (RFC 9162 2.1.3.2 and 2.1.4.2).
//!
//! Naming: the perfect subtree at `level` k and `index` i covers the leaves
//! `[i * 2^k, (i + 1) * 2^k)`; level 0 is a single leaf.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

/// A SHA-256 hash: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Stored interior nodes are the perfect subtrees at levels that are positive multiples of this.
pub const TILE_HEIGHT: u8 = 8;

/// Number of leaves under one perfect subtree of height [`TILE_HEIGHT`].
const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;

/// The RFC 9162 leaf hash: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(data);
    hasher.finalize().into()
}

/// The RFC 9162 interior node hash: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Standard base64 (with padding) of a hash, as used in checkpoints and exports.
pub fn hash_to_base64(hash: &Hash) -> String {
    BASE64.encode(hash)
}

/// Decodes standard base64 into a hash; `None` unless it is canonical base64 of exactly 32 bytes.
pub fn hash_from_base64(text: &str) -> Option<Hash> {
    let bytes = BASE64.decode(text).ok()?;
    Hash::try_from(bytes.as_slice()).ok()
}

/// Whether a store keeps the perfect subtrees of this level: positive multiples of [`TILE_HEIGHT`].
pub fn is_stored_level(level: u8) -> bool {
    level > 0 && level % TILE_HEIGHT == 0
}

/// The largest power of two strictly smaller than `n`; requires `n >= 2`.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// The Merkle tree hash MTH (RFC 9162 2.1.1) of a list of leaf hashes.
///
/// For n > 1 leaves the tree splits at k, the largest power of two below n:
/// `MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))`.
pub fn root_from_leaves(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [leaf] => *leaf,
        _ => {
            let k = split_point(leaves.len() as u64) as usize;
            node_hash(
                &root_from_leaves(&leaves[..k]),
                &root_from_leaves(&leaves[k..]),
            )
        }
    }
}

/// A perfect subtree that became complete when a leaf was appended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompletedNode {
    /// Height of the subtree: 0 for the leaf itself, k for a subtree of 2^k leaves.
    pub level: u8,
    /// Position among the subtrees of this level: it covers leaves `[index * 2^level, (index + 1) * 2^level)`.
    pub index: u64,
    /// The subtree's hash (the leaf hash for level 0).
    pub hash: Hash,
}

/// Error of [`Frontier::from_parts`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a frontier of size {size} needs {expected} hashes, got {got}")]
pub struct FrontierError {
    /// The tree size given.
    pub size: u64,
    /// The number of hashes that size needs (its number of one bits).
    pub expected: u32,
    /// The number of hashes given.
    pub got: usize,
}

/// The right edge ("compact range") of a tree of `size` leaves: the roots of the perfect
/// subtrees covering `[0, size)`, largest (leftmost) first, one per one bit of `size`.
///
/// It holds at most 64 hashes, so cloning it is cheap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    hashes: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a frontier from a size and its subtree roots (largest first), as stored earlier
    /// from [`Frontier::size`] and [`Frontier::hashes`]. Fails if the number of hashes is wrong.
    pub fn from_parts(size: u64, hashes: Vec<Hash>) -> Result<Self, FrontierError> {
        if hashes.len() != size.count_ones() as usize {
            return Err(FrontierError {
                size,
                expected: size.count_ones(),
                got: hashes.len(),
            });
        }
        Ok(Self { size, hashes })
    }

    /// Number of leaves appended so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Roots of the perfect subtrees covering all leaves, largest (leftmost) first.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends a leaf hash and returns every perfect subtree this completes, from the leaf
    /// itself (level 0) upwards.
    ///
    /// # Panics
    ///
    /// If the tree already holds `u64::MAX` leaves.
    pub fn append(&mut self, leaf: Hash) -> Vec<CompletedNode> {
        let old_size = self.size;
        self.size = old_size
            .checked_add(1)
            .expect("Merkle tree size overflows u64");
        let mut node = CompletedNode {
            level: 0,
            index: old_size,
            hash: leaf,
        };
        let mut completed = vec![node];
        // Each trailing one bit of the old size is a subtree of the same height as `node`,
        // immediately to its left: merge them.
        while (old_size >> node.level) & 1 == 1 {
            let Some(left) = self.hashes.pop() else {
                unreachable!("frontier holds one hash per one bit of its size")
            };
            node = CompletedNode {
                level: node.level + 1,
                index: node.index >> 1,
                hash: node_hash(&left, &node.hash),
            };
            completed.push(node);
        }
        self.hashes.push(node.hash);
        completed
    }

    /// The RFC 9162 root of the tree of the current size ([`empty_root`] when empty).
    pub fn root(&self) -> Hash {
        let mut subtrees = self.hashes.iter().rev();
        let Some(last) = subtrees.next() else {
            return empty_root();
        };
        subtrees.fold(*last, |right, left| node_hash(left, &right))
    }
}

/// Read access to the stored hashes of a log, for proof generation.
///
/// A store keeps every leaf hash, and the hashes of the perfect subtrees at the levels where
/// [`is_stored_level`] holds (8, 16, 24, ...), which [`Frontier::append`] reports.
pub trait NodeSource {
    /// The storage error.
    type Error;

    /// The leaf hashes of indices `[start, end)`, in order. Returning fewer is reported as
    /// [`ProofError::ShortRead`].
    fn leaf_hashes(&self, start: u64, end: u64) -> Result<Vec<Hash>, Self::Error>;

    /// The hash of the perfect subtree at `level` and `index` if the store has it (only asked
    /// for levels where [`is_stored_level`] holds), `None` if it does not.
    fn stored_node(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error>;
}

/// Error of proof generation.
#[derive(Debug, thiserror::Error)]
pub enum ProofError<E> {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is not below tree size {tree_size}")]
    IndexOutOfRange {
        /// The requested leaf index.
        index: u64,
        /// The tree size.
        tree_size: u64,
    },
    /// A consistency proof was asked from a larger tree to a smaller one.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    SizeOrder {
        /// The old tree size.
        old_size: u64,
        /// The new tree size.
        new_size: u64,
    },
    /// A consistency proof was asked from the empty tree (RFC 9162 defines none).
    #[error("there is no consistency proof from the empty tree")]
    EmptyOldTree,
    /// The leaf range `start + size` overflows u64.
    #[error("leaf range starting at {start} with {size} leaves overflows")]
    RangeOverflow {
        /// First leaf of the range.
        start: u64,
        /// Number of leaves.
        size: u64,
    },
    /// The node source returned a different number of leaf hashes than asked for.
    #[error("node source returned {got} leaf hashes for the range [{start}, {end})")]
    ShortRead {
        /// First leaf asked for.
        start: u64,
        /// End (exclusive) of the range asked for.
        end: u64,
        /// Number of hashes returned.
        got: usize,
    },
    /// The node source failed.
    #[error("node source failed: {0}")]
    Source(E),
}

/// The Merkle tree hash of the `size` leaves starting at `start`.
///
/// For an aligned perfect subtree (`size` a power of two dividing `start`) this is that
/// subtree's hash; any other range gets the general MTH of its leaves. Stored subtree hashes are
/// used where available; everything else is computed from leaf hashes fetched in ranges.
pub fn subtree_hash<S: NodeSource + ?Sized>(
    src: &S,
    start: u64,
    size: u64,
) -> Result<Hash, ProofError<S::Error>> {
    if start.checked_add(size).is_none() {
        return Err(ProofError::RangeOverflow { start, size });
    }
    range_hash(src, start, size)
}

/// [`subtree_hash`] for a range already known not to overflow.
fn range_hash<S: NodeSource + ?Sized>(
    src: &S,
    start: u64,
    size: u64,
) -> Result<Hash, ProofError<S::Error>> {
    if size.is_power_of_two() && start % size == 0 {
        let level = size.trailing_zeros() as u8;
        if is_stored_level(level) {
            if let Some(hash) = src
                .stored_node(level, start >> level)
                .map_err(ProofError::Source)?
            {
                return Ok(hash);
            }
        }
    }
    if size <= TILE_WIDTH {
        let end = start + size;
        let leaves = src.leaf_hashes(start, end).map_err(ProofError::Source)?;
        if leaves.len() as u64 != size {
            return Err(ProofError::ShortRead {
                start,
                end,
                got: leaves.len(),
            });
        }
        return Ok(root_from_leaves(&leaves));
    }
    let k = split_point(size);
    let left = range_hash(src, start, k)?;
    let right = range_hash(src, start + k, size - k)?;
    Ok(node_hash(&left, &right))
}

/// The inclusion proof (audit path, RFC 9162 2.1.3.1) of leaf `leaf_index` in the tree of
/// `tree_size` leaves, ordered from the leaf's sibling up to the root's child.
pub fn inclusion_proof<S: NodeSource + ?Sized>(
    src: &S,
    leaf_index: u64,
    tree_size: u64,
) -> Result<Vec<Hash>, ProofError<S::Error>> {
    if leaf_index >= tree_size {
        return Err(ProofError::IndexOutOfRange {
            index: leaf_index,
            tree_size,
        });
    }
    let mut proof = Vec::new();
    path(src, leaf_index, 0, tree_size, &mut proof)?;
    Ok(proof)
}

/// `PATH(m, D[start:start+n])` of RFC 9162 2.1.3.1, appended to `out` bottom-up.
fn path<S: NodeSource + ?Sized>(
    src: &S,
    m: u64,
    start: u64,
    n: u64,
    out: &mut Vec<Hash>,
) -> Result<(), ProofError<S::Error>> {
    if n <= 1 {
        return Ok(());
    }
    let k = split_point(n);
    if m < k {
        path(src, m, start, k, out)?;
        out.push(range_hash(src, start + k, n - k)?);
    } else {
        path(src, m - k, start + k, n - k, out)?;
        out.push(range_hash(src, start, k)?);
    }
    Ok(())
}

/// The consistency proof (RFC 9162 2.1.4.1) from the tree of `old_size` leaves to the tree of
/// `new_size` leaves. Empty when the sizes are equal; an error when `old_size` is 0.
pub fn consistency_proof<S: NodeSource + ?Sized>(
    src: &S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, ProofError<S::Error>> {
    if old_size > new_size {
        return Err(ProofError::SizeOrder { old_size, new_size });
    }
    if old_size == 0 {
        return Err(ProofError::EmptyOldTree);
    }
    let mut proof = Vec::new();
    subproof(src, old_size, 0, new_size, true, &mut proof)?;
    Ok(proof)
}

/// `SUBPROOF(m, D[start:start+n], complete)` of RFC 9162 2.1.4.1, appended to `out`.
/// `complete` is true while the old tree's root is itself a node of the new tree.
fn subproof<S: NodeSource + ?Sized>(
    src: &S,
    m: u64,
    start: u64,
    n: u64,
    complete: bool,
    out: &mut Vec<Hash>,
) -> Result<(), ProofError<S::Error>> {
    if m == n {
        if !complete {
            out.push(range_hash(src, start, n)?);
        }
        return Ok(());
    }
    let k = split_point(n);
    if m <= k {
        subproof(src, m, start, k, complete, out)?;
        out.push(range_hash(src, start + k, n - k)?);
    } else {
        subproof(src, m - k, start + k, n - k, false, out)?;
        out.push(range_hash(src, start, k)?);
    }
    Ok(())
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is not below tree size {tree_size}")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        tree_size: u64,
    },
    /// The first tree is larger than the second.
    #[error("tree size {size1} is larger than tree size {size2}")]
    SizeOrder {
        /// The first (old) tree size.
        size1: u64,
        /// The second (new) tree size.
        size2: u64,
    },
    /// Consistency from the empty tree is meaningless (RFC 9162 defines no such proof).
    #[error("there is no consistency proof from the empty tree")]
    EmptyOldTree,
    /// The proof has too few or too many hashes for the tree sizes.
    #[error("the proof has the wrong number of hashes")]
    WrongProofLength,
    /// The proof does not lead to the expected root(s).
    #[error("the proof does not match the root hash")]
    RootMismatch,
    /// A hash given as bytes is not 32 bytes long.
    #[error("a hash is not 32 bytes long")]
    MalformedHash,
}

fn typed(bytes: &[u8]) -> Result<Hash, VerifyError> {
    Hash::try_from(bytes).map_err(|_| VerifyError::MalformedHash)
}

/// [`verify_consistency`] for hashes as they arrive on the wire (untyped byte strings). For
/// equal tree sizes with an empty proof the roots are compared as bytes, whatever their length,
/// as the RFC 9162 algorithm does (step 1 of 2.1.4.2); everything else must be 32-byte hashes.
pub fn verify_consistency_bytes(
    size1: u64,
    size2: u64,
    proof: &[&[u8]],
    root1: &[u8],
    root2: &[u8],
) -> Result<(), VerifyError> {
    if size1 == size2 && size1 > 0 && proof.is_empty() {
        return if root1 == root2 {
            Ok(())
        } else {
            Err(VerifyError::RootMismatch)
        };
    }
    let proof = proof
        .iter()
        .map(|p| typed(p))
        .collect::<Result<Vec<_>, _>>()?;
    verify_consistency(size1, size2, &proof, &typed(root1)?, &typed(root2)?)
}

/// [`verify_inclusion`] for hashes as they arrive on the wire (untyped byte strings).
pub fn verify_inclusion_bytes(
    leaf_hash: &[u8],
    index: u64,
    tree_size: u64,
    proof: &[&[u8]],
    root: &[u8],
) -> Result<(), VerifyError> {
    let proof = proof
        .iter()
        .map(|p| typed(p))
        .collect::<Result<Vec<_>, _>>()?;
    verify_inclusion(&typed(leaf_hash)?, index, tree_size, &proof, &typed(root)?)
}

/// Verifies an inclusion proof (RFC 9162 2.1.3.2): that the leaf with hash `leaf_hash` is at
/// `index` in the tree of `tree_size` leaves whose root is `root`.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    if index >= tree_size {
        return Err(VerifyError::IndexOutOfRange { index, tree_size });
    }
    let (mut fnode, mut snode) = (index, tree_size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if snode == 0 {
            return Err(VerifyError::WrongProofLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(VerifyError::WrongProofLength);
    }
    if r != *root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof (RFC 9162 2.1.4.2): that the tree of `size1` leaves with root
/// `root1` is a prefix of the tree of `size2` leaves with root `root2`.
///
/// Requires `0 < size1 <= size2`. For equal sizes the proof must be empty and the roots equal.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Hash],
    root1: &Hash,
    root2: &Hash,
) -> Result<(), VerifyError> {
    if size1 > size2 {
        return Err(VerifyError::SizeOrder { size1, size2 });
    }
    if size1 == 0 {
        return Err(VerifyError::EmptyOldTree);
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(VerifyError::WrongProofLength);
        }
        if root1 != root2 {
            return Err(VerifyError::RootMismatch);
        }
        return Ok(());
    }
    let Some((head, tail)) = proof.split_first() else {
        return Err(VerifyError::WrongProofLength);
    };
    // When the old tree is a perfect subtree, the proof omits its root: prepend `root1`.
    let (seed, rest) = if size1.is_power_of_two() {
        (root1, proof)
    } else {
        (head, tail)
    };
    let (mut fnode, mut snode) = (size1 - 1, size2 - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in rest {
        if snode == 0 {
            return Err(VerifyError::WrongProofLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(VerifyError::WrongProofLength);
    }
    if fr != *root1 || sr != *root2 {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// Error of [`MemorySource`]: a leaf range beyond the stored leaves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("leaf range [{start}, {end}) is outside the {len} stored leaves")]
pub struct MemorySourceError {
    /// First leaf asked for.
    pub start: u64,
    /// End (exclusive) of the range asked for.
    pub end: u64,
    /// Number of stored leaves.
    pub len: u64,
}

/// An in-memory [`NodeSource`], for tests and offline tools: all leaf hashes, and optionally the
/// stored-level subtree hashes, recorded the same way a database store would.
#[derive(Clone, Debug, Default)]
pub struct MemorySource {
    leaves: Vec<Hash>,
    frontier: Frontier,
    store_tiles: bool,
    tiles: HashMap<(u8, u64), Hash>,
}

impl MemorySource {
    /// An empty source; with `store_tiles` it keeps the subtree hashes of the stored levels.
    pub fn new(store_tiles: bool) -> Self {
        Self {
            store_tiles,
            ..Self::default()
        }
    }

    /// A source holding these leaf hashes.
    pub fn from_leaves(leaves: impl IntoIterator<Item = Hash>, store_tiles: bool) -> Self {
        let mut source = Self::new(store_tiles);
        for leaf in leaves {
            source.push(leaf);
        }
        source
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.leaves.push(leaf);
        for node in self.frontier.append(leaf) {
            if self.store_tiles && is_stored_level(node.level) {
                self.tiles.insert((node.level, node.index), node.hash);
            }
        }
    }

    /// The leaf hashes, in order.
    pub fn leaves(&self) -> &[Hash] {
        &self.leaves
    }

    /// The frontier of all leaves (its root is the current tree head).
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }
}

impl NodeSource for MemorySource {
    type Error = MemorySourceError;

    fn leaf_hashes(&self, start: u64, end: u64) -> Result<Vec<Hash>, Self::Error> {
        let len = self.leaves.len() as u64;
        if start > end || end > len {
            return Err(MemorySourceError { start, end, len });
        }
        Ok(self.leaves[start as usize..end as usize].to_vec())
    }

    fn stored_node(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error> {
        Ok(self.tiles.get(&(level, index)).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_is_largest_power_of_two_below() {
        for n in 2..2000u64 {
            let k = split_point(n);
            assert!(k.is_power_of_two() && k < n && 2 * k >= n, "n = {n}");
        }
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(
            hash_to_base64(&empty_root()),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn from_parts_checks_hash_count() {
        assert!(Frontier::from_parts(5, vec![[0; 32]; 2]).is_ok());
        assert!(Frontier::from_parts(5, vec![[0; 32]; 1]).is_err());
    }

    #[test]
    fn base64_hash_rejects_wrong_length() {
        assert_eq!(hash_from_base64("ZG9uJ3QgY2FyZSAx"), None);
        assert_eq!(hash_from_base64("not base64!"), None);
        assert_eq!(hash_from_base64(&hash_to_base64(&[7; 32])), Some([7; 32]));
    }
}
