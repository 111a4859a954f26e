//! C2SP tlog checkpoints (<https://c2sp.org/tlog-checkpoint>): the signed tree heads of the log.
//!
//! The checkpoint text is
//!
//! ```text
//! <origin>
//! <tree size in decimal>
//! <base64 root hash>
//! [extension lines]
//! ```
//!
//! each line ending in a newline. Anumodan writes one extension line, `timestamp <unix seconds>`,
//! the time of signing.
//!
//! Convention: the origin of a checkpoint equals the name of the key that signs it.
//! [`sign_checkpoint`] and [`open_checkpoint`] enforce it.

use crate::merkle::{Hash, hash_from_base64, hash_to_base64};
use crate::note::{self, NoteError, NoteSigner, NoteVerifier};

/// Prefix of the timestamp extension line.
const TIMESTAMP_PREFIX: &str = "timestamp ";

/// Error of checkpoint parsing, signing and opening.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The checkpoint text does not have the checkpoint form.
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
    /// The origin is not the signing key's name (Anumodan's convention).
    #[error("checkpoint origin {origin:?} is not the key name {key_name:?}")]
    OriginMismatch {
        /// The checkpoint's origin.
        origin: String,
        /// The key's name.
        key_name: String,
    },
    /// The signed note is malformed or its signature does not verify.
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// A tree head of the log: origin, size, root hash and extension lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity; by Anumodan's convention, the name of its signing key.
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// RFC 9162 root hash of the tree of `size` leaves.
    pub root: Hash,
    /// Extension lines (non-empty, without the newline).
    pub extensions: Vec<String>,
}

/// Parses a decimal number without sign or leading zeros (other than `0` itself).
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if canonical { text.parse().ok() } else { None }
}

/// Whether a line of checkpoint text is acceptable: non-empty, no control characters.
fn is_valid_line(line: &str) -> bool {
    !line.is_empty() && !line.chars().any(char::is_control)
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Self {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// A checkpoint with the extension line `timestamp <unix_seconds>`.
    pub fn with_timestamp(
        origin: impl Into<String>,
        size: u64,
        root: Hash,
        unix_seconds: u64,
    ) -> Self {
        Self {
            extensions: vec![format!("{TIMESTAMP_PREFIX}{unix_seconds}")],
            ..Self::new(origin, size, root)
        }
    }

    /// The value of the `timestamp <unix seconds>` extension line; `None` if there is none,
    /// more than one, or it is not a canonical decimal number.
    pub fn timestamp(&self) -> Option<u64> {
        let mut values = self
            .extensions
            .iter()
            .filter_map(|line| line.strip_prefix(TIMESTAMP_PREFIX));
        match (values.next(), values.next()) {
            (Some(value), None) => parse_decimal(value),
            _ => None,
        }
    }

    /// Checks that [`Checkpoint::to_text`] gives text that [`Checkpoint::parse`] accepts:
    /// the origin and the extension lines are non-empty and hold no control characters.
    pub fn validate(&self) -> Result<(), CheckpointError> {
        if !is_valid_line(&self.origin) {
            return Err(CheckpointError::Malformed(
                "origin must be a non-empty line",
            ));
        }
        if !self.extensions.iter().all(|line| is_valid_line(line)) {
            return Err(CheckpointError::Malformed(
                "extension lines must be non-empty lines",
            ));
        }
        Ok(())
    }

    /// The checkpoint text: origin, size, base64 root and extension lines, each ending in a newline.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            hash_to_base64(&self.root)
        );
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Parses checkpoint text (the text of the note, without signatures).
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let Some(body) = text.strip_suffix('\n') else {
            return Err(CheckpointError::Malformed("text must end in a newline"));
        };
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::Malformed("fewer than three lines"));
        };
        let checkpoint = Self {
            origin: origin.to_owned(),
            size: parse_decimal(size).ok_or(CheckpointError::Malformed("invalid tree size"))?,
            root: hash_from_base64(root).ok_or(CheckpointError::Malformed("invalid root hash"))?,
            extensions: lines.map(str::to_owned).collect(),
        };
        checkpoint.validate()?;
        Ok(checkpoint)
    }
}

/// Signs a checkpoint as a signed note. Its origin must be the signer's name.
pub fn sign_checkpoint(
    signer: &NoteSigner,
    checkpoint: &Checkpoint,
) -> Result<String, CheckpointError> {
    checkpoint.validate()?;
    if checkpoint.origin != signer.name() {
        return Err(CheckpointError::OriginMismatch {
            origin: checkpoint.origin.clone(),
            key_name: signer.name().to_owned(),
        });
    }
    Ok(signer.sign(&checkpoint.to_text())?)
}

/// Verifies a signed checkpoint note with the log's key and parses it. Its origin must be the
/// key's name.
pub fn open_checkpoint(verifier: &NoteVerifier, note: &str) -> Result<Checkpoint, CheckpointError> {
    let checkpoint = Checkpoint::parse(&verifier.verify(note)?)?;
    if checkpoint.origin != verifier.name() {
        return Err(CheckpointError::OriginMismatch {
            origin: checkpoint.origin,
            key_name: verifier.name().to_owned(),
        });
    }
    Ok(checkpoint)
}

/// The size an unverified checkpoint note claims, for error reports only.
pub(crate) fn claimed_size(note: &str) -> Option<u64> {
    let text = note::unverified_text(note)?;
    Checkpoint::parse(text)
        .ok()
        .map(|checkpoint| checkpoint.size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_specification_example() {
        let text =
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let checkpoint = Checkpoint::parse(text).expect("valid checkpoint");
        assert_eq!(checkpoint.origin, "example.com/behind-the-sofa");
        assert_eq!(checkpoint.size, 20852163);
        assert!(checkpoint.extensions.is_empty());
        assert_eq!(checkpoint.to_text(), text);
    }

    #[test]
    fn rejects_malformed_text() {
        let root = hash_to_base64(&[1; 32]);
        let cases = [
            String::new(),
            format!("log\n5\n{root}"),
            "log\n5\n".to_owned(),
            format!("\n5\n{root}\n"),
            format!("log\n05\n{root}\n"),
            format!("log\n+5\n{root}\n"),
            format!("log\n-5\n{root}\n"),
            format!("log\n18446744073709551616\n{root}\n"),
            "log\n5\nZG9uJ3QgY2FyZSAx\n".to_owned(),
            format!("log\n5\n{root}\n\n"),
            format!("log\n5\n{root}\next\n\n"),
            format!("log\r\n5\n{root}\n"),
        ];
        for case in cases {
            assert!(Checkpoint::parse(&case).is_err(), "{case:?}");
        }
    }

    #[test]
    fn timestamp_extension() {
        let checkpoint = Checkpoint::with_timestamp("log", 3, [2; 32], 1_700_000_000);
        assert_eq!(checkpoint.timestamp(), Some(1_700_000_000));
        let parsed = Checkpoint::parse(&checkpoint.to_text()).expect("round trip");
        assert_eq!(parsed, checkpoint);
        let mut twice = checkpoint.clone();
        twice.extensions.push("timestamp 5".to_owned());
        assert_eq!(twice.timestamp(), None);
        assert_eq!(Checkpoint::new("log", 3, [2; 32]).timestamp(), None);
    }
}
