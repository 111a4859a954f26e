//! The offline log verifier: replays every entry of a log, in order, and checks it against the
//! log's signed checkpoints.
//!
//! For each entry it checks that the indices run 0, 1, 2, ... without gap or repeat and that
//! the stored leaf hash is the hash of the data. Each checkpoint must carry a valid signature
//! by the log's key, and its root must be the root of the first `size` entries; checkpoints
//! taken in order of size must also have non-decreasing timestamps (a log does not sign a
//! smaller tree after a larger one). Since every checkpoint is compared with the one sequence
//! of entries, all verified checkpoints are consistent with each other.
//!
//! The verifier streams: it keeps a [`Frontier`] (O(log n) hashes) and the parsed
//! checkpoints, never the entries. It stops at the first problem.

use std::collections::VecDeque;

use crate::checkpoint::{self, Checkpoint, CheckpointError, open_checkpoint};
use crate::merkle::{Frontier, Hash, leaf_hash};
use crate::note::NoteVerifier;

/// One log entry as stored: its index, the exact leaf bytes, and the leaf hash stored with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogEntry<'a> {
    /// Position of the entry in the log, as stored.
    pub index: u64,
    /// The canonical leaf bytes that were hashed.
    pub data: &'a [u8],
    /// The leaf hash stored with the entry.
    pub stored_hash: Hash,
}

/// The first problem found in a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyFailure {
    /// The stored hash of this entry is not the leaf hash of its data (the data was changed).
    #[error("entry {index}: the stored hash is not the hash of its data")]
    EntryHashMismatch {
        /// The entry's index.
        index: u64,
    },
    /// An entry is missing (deleted, or moved later): another index came in its place.
    #[error("entry {expected_index} is missing: found entry {found_index} in its place")]
    MissingEntry {
        /// The index that should have come next.
        expected_index: u64,
        /// The index that came instead.
        found_index: u64,
    },
    /// An index came again (an inserted or moved entry).
    #[error("entry {index} appears more than once or out of order")]
    DuplicateEntry {
        /// The repeated index.
        index: u64,
    },
    /// A checkpoint note has no valid signature by the log's key or is not a signed note.
    #[error("checkpoint #{position} (claimed size {size:?}) is not validly signed by the log key")]
    CheckpointSignature {
        /// The size the note claims, if its text can be read at all (not to be trusted).
        size: Option<u64>,
        /// Position of the note in the list given to the verifier.
        position: usize,
    },
    /// A validly signed checkpoint whose text is not a checkpoint of this log.
    #[error("checkpoint #{position} is signed but invalid: {reason}")]
    CheckpointMalformed {
        /// Position of the note in the list given to the verifier.
        position: usize,
        /// What is wrong.
        reason: String,
    },
    /// The first `size` entries do not produce the root hash the checkpoint signs.
    #[error("checkpoint of size {size}: the first {size} entries do not produce its root hash")]
    CheckpointRootMismatch {
        /// The checkpoint's tree size.
        size: u64,
    },
    /// A checkpoint covers more entries than the log holds (entries were deleted at the end).
    #[error("checkpoint of size {size} covers more entries than the log holds ({log_size})")]
    CheckpointBeyondLog {
        /// The checkpoint's tree size.
        size: u64,
        /// The number of entries in the log.
        log_size: u64,
    },
    /// A larger checkpoint was signed before a smaller one (the log was rolled back).
    #[error(
        "checkpoint of size {size} has timestamp {timestamp}, earlier than {previous_timestamp} of the smaller checkpoint of size {previous_size}"
    )]
    CheckpointOrder {
        /// Size of the larger checkpoint.
        size: u64,
        /// Timestamp of the larger checkpoint.
        timestamp: u64,
        /// Size of the smaller checkpoint.
        previous_size: u64,
        /// Timestamp of the smaller checkpoint.
        previous_timestamp: u64,
    },
}

/// The result of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Number of entries checked (the log size).
    pub entries: u64,
    /// Number of checkpoints checked.
    pub checkpoints: usize,
    /// The checkpoint of the largest size, if any.
    pub latest_checkpoint: Option<Checkpoint>,
    /// Entries after the latest checkpoint, not yet covered by any signature.
    pub uncovered_entries: u64,
    /// Root hash of the whole log as replayed.
    pub root: Hash,
}

impl Report {
    /// Size of the latest checkpoint (0 if there is none).
    pub fn latest_checkpoint_size(&self) -> u64 {
        self.latest_checkpoint
            .as_ref()
            .map_or(0, |checkpoint| checkpoint.size)
    }
}

/// Verifies the signatures of checkpoint notes and parses them, in the given order.
pub fn open_checkpoints<S: AsRef<str>>(
    key: &NoteVerifier,
    notes: &[S],
) -> Result<Vec<Checkpoint>, VerifyFailure> {
    let mut checkpoints = Vec::with_capacity(notes.len());
    for (position, note) in notes.iter().enumerate() {
        let note = note.as_ref();
        match open_checkpoint(key, note) {
            Ok(checkpoint) => checkpoints.push(checkpoint),
            Err(CheckpointError::Note(_)) => {
                let size = checkpoint::claimed_size(note);
                return Err(VerifyFailure::CheckpointSignature { size, position });
            }
            Err(error) => {
                return Err(VerifyFailure::CheckpointMalformed {
                    position,
                    reason: error.to_string(),
                });
            }
        }
    }
    Ok(checkpoints)
}

/// The streaming verifier. Feed it every entry in log order with [`Verifier::push_entry`],
/// then call [`Verifier::finish`]. After an error, stop: the verifier's state is meaningless.
#[derive(Debug, Clone)]
pub struct Verifier {
    frontier: Frontier,
    /// Checkpoints not yet reached, in increasing size.
    pending: VecDeque<Checkpoint>,
    checked: usize,
    latest: Option<Checkpoint>,
}

impl Verifier {
    /// A verifier for a log signed by `key`, with all its checkpoint notes (in any order).
    /// Fails on the first note that is not validly signed or not a checkpoint of this log.
    pub fn new<S: AsRef<str>>(key: &NoteVerifier, notes: &[S]) -> Result<Self, VerifyFailure> {
        Self::from_checkpoints(open_checkpoints(key, notes)?)
    }

    /// A verifier from checkpoints already verified with [`open_checkpoints`] (in any order).
    /// Fails if a larger checkpoint has an earlier timestamp than a smaller one.
    pub fn from_checkpoints(mut checkpoints: Vec<Checkpoint>) -> Result<Self, VerifyFailure> {
        checkpoints.sort_by_key(|checkpoint| (checkpoint.size, checkpoint.timestamp()));
        let mut latest_stamped: Option<(u64, u64)> = None;
        for checkpoint in &checkpoints {
            let Some(timestamp) = checkpoint.timestamp() else {
                continue;
            };
            if let Some((previous_size, previous_timestamp)) = latest_stamped {
                if timestamp < previous_timestamp {
                    return Err(VerifyFailure::CheckpointOrder {
                        size: checkpoint.size,
                        timestamp,
                        previous_size,
                        previous_timestamp,
                    });
                }
            }
            latest_stamped = Some((checkpoint.size, timestamp));
        }
        let mut verifier = Self {
            frontier: Frontier::new(),
            pending: checkpoints.into(),
            checked: 0,
            latest: None,
        };
        verifier.check_reached_checkpoints()?;
        Ok(verifier)
    }

    /// Number of entries accepted so far.
    pub fn entries_checked(&self) -> u64 {
        self.frontier.size()
    }

    /// Checks the next entry of the log, and every checkpoint whose size it reaches.
    pub fn push_entry(&mut self, entry: LogEntry<'_>) -> Result<(), VerifyFailure> {
        let expected_index = self.frontier.size();
        if entry.index < expected_index {
            return Err(VerifyFailure::DuplicateEntry { index: entry.index });
        }
        if entry.index > expected_index {
            return Err(VerifyFailure::MissingEntry {
                expected_index,
                found_index: entry.index,
            });
        }
        if leaf_hash(entry.data) != entry.stored_hash {
            return Err(VerifyFailure::EntryHashMismatch { index: entry.index });
        }
        self.frontier.append(entry.stored_hash);
        self.check_reached_checkpoints()
    }

    /// Compares the checkpoints of the current size with the current root.
    fn check_reached_checkpoints(&mut self) -> Result<(), VerifyFailure> {
        let size = self.frontier.size();
        while let Some(next) = self.pending.front() {
            if next.size != size {
                break;
            }
            if next.root != self.frontier.root() {
                return Err(VerifyFailure::CheckpointRootMismatch { size });
            }
            self.checked += 1;
            self.latest = self.pending.pop_front();
        }
        Ok(())
    }

    /// Ends the log: fails if a checkpoint is larger than the log, else reports.
    pub fn finish(self) -> Result<Report, VerifyFailure> {
        let log_size = self.frontier.size();
        if let Some(next) = self.pending.front() {
            return Err(VerifyFailure::CheckpointBeyondLog {
                size: next.size,
                log_size,
            });
        }
        let covered = self.latest.as_ref().map_or(0, |checkpoint| checkpoint.size);
        Ok(Report {
            entries: log_size,
            checkpoints: self.checked,
            uncovered_entries: log_size - covered,
            latest_checkpoint: self.latest,
            root: self.frontier.root(),
        })
    }
}

/// Verifies a whole log given as an iterator of entries in log order.
pub fn verify_log<'a, S: AsRef<str>>(
    key: &NoteVerifier,
    checkpoint_notes: &[S],
    entries: impl IntoIterator<Item = LogEntry<'a>>,
) -> Result<Report, VerifyFailure> {
    let mut verifier = Verifier::new(key, checkpoint_notes)?;
    for entry in entries {
        verifier.push_entry(entry)?;
    }
    verifier.finish()
}
