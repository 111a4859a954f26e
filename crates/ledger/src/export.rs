//! The export format of a log, and its offline verification.
//!
//! An export directory holds:
//!
//! - `entries.jsonl`: one JSON object per line and per entry, in log order:
//!   `{"index":<n>,"hash":"<base64 stored leaf hash>","data":"<leaf data>"}`, where `data` is
//!   the leaf data as a JSON string: exactly the bytes that were hashed, which must be UTF-8;
//! - `checkpoints/<size>.txt`: each signed checkpoint note verbatim, named by its tree size in
//!   decimal (one per size);
//! - `public-key.txt`: the log's verifier key (`<name>+<key id>+<key>`) and a newline.
//!
//! The key in `public-key.txt` is a convenience only: an auditor must get the log's key from a
//! trusted channel and pass it to [`verify_export`], possibly after comparing it with
//! [`read_public_key`].
//!
//! Writing never follows a symbolic link: the output directory is opened once (it must be a
//! real directory owned by the caller) and every file is created inside it, relative to that
//! open directory, with `O_CREAT | O_EXCL | O_NOFOLLOW`. Reading treats the export as untrusted:
//! only regular files (no symbolic links, devices or pipes), lines and notes of bounded size.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read as _, Write as _};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};

use serde::{Deserialize, Serialize};

use crate::checkpoint::parse_decimal;
use crate::merkle::{Hash, hash_from_base64, hash_to_base64};
use crate::note::NoteVerifier;
use crate::verify::{self, LogEntry, Report, Verifier, VerifyFailure};

/// File name of the entries.
pub const ENTRIES_FILE: &str = "entries.jsonl";
/// Directory name of the checkpoints.
pub const CHECKPOINTS_DIR: &str = "checkpoints";
/// File name of the verifier key.
pub const PUBLIC_KEY_FILE: &str = "public-key.txt";
/// Longest line of `entries.jsonl` read (an entry is a few hundred bytes).
pub const MAX_ENTRY_LINE: usize = 64 * 1024;
/// Largest checkpoint note or key file read.
pub const MAX_NOTE_BYTES: u64 = 16 * 1024;

fn io_at(path: &Path) -> impl FnOnce(rustix::io::Errno) -> ExportError + '_ {
    move |e| io_error(path)(io::Error::from(e))
}

/// Opens a directory without following a symbolic link.
fn open_dir_at(dir: &OwnedFd, name: &str, path: &Path) -> Result<OwnedFd, ExportError> {
    rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(io_at(path))
}

/// Creates a new file inside `dir`: never an existing one, never through a symbolic link.
fn create_at(dir: &OwnedFd, name: &str, path: &Path) -> Result<File, ExportError> {
    rustix::fs::openat(
        dir,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    )
    .map(File::from)
    .map_err(io_at(path))
}

/// Opens a file of an export for reading: a regular file, not through a symbolic link.
fn open_regular(path: &Path) -> Result<File, ExportError> {
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
        Mode::empty(),
    )
    .map_err(io_at(path))?;
    let st = rustix::fs::fstat(&fd).map_err(io_at(path))?;
    if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::RegularFile {
        return Err(ExportError::Malformed {
            path: path.to_owned(),
            reason: "not a regular file".to_owned(),
        });
    }
    Ok(File::from(fd))
}

/// Reads a small file of an export (a note, the key), refusing one over `MAX_NOTE_BYTES`.
fn read_small(path: &Path) -> Result<String, ExportError> {
    let mut text = String::new();
    open_regular(path)?
        .take(MAX_NOTE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io_error(path))?;
    if text.len() as u64 > MAX_NOTE_BYTES {
        return Err(ExportError::Malformed {
            path: path.to_owned(),
            reason: format!("larger than {MAX_NOTE_BYTES} bytes"),
        });
    }
    Ok(text)
}

/// Reads one line of at most `max` bytes (without its newline); None at the end.
fn read_line_bounded(r: &mut impl BufRead, max: usize) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(max as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
    } else if buf.len() > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("line longer than {max} bytes"),
        ));
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Error of writing or verifying an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The directory to export into already holds files.
    #[error("export directory {0} is not empty")]
    NotEmpty(PathBuf),
    /// A file of the export does not follow the format.
    #[error("{path}: {reason}")]
    Malformed {
        /// The file (with the line number, for entries).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The export is well-formed but the log does not verify.
    #[error(transparent)]
    Verify(#[from] VerifyFailure),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_owned(),
        source,
    }
}

/// One line of `entries.jsonl`, as written.
#[derive(Serialize)]
struct EntryLineOut<'a> {
    index: u64,
    hash: String,
    data: &'a str,
}

/// One line of `entries.jsonl`, as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryLineIn {
    index: u64,
    hash: String,
    data: String,
}

/// Writes an export directory, streaming the entries.
#[derive(Debug)]
pub struct ExportWriter {
    dir: PathBuf,
    checkpoints: OwnedFd,
    entries: BufWriter<File>,
}

impl ExportWriter {
    /// Creates the export in `dir` (created if absent, else it must be empty) and writes
    /// `public-key.txt` with `verifier_key`.
    /// The directory must be a real directory (not a symbolic link) owned by the caller.
    pub fn create(dir: &Path, verifier_key: &str) -> Result<Self, ExportError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let root = rustix::fs::open(
            dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(io_at(dir))?;
        let st = rustix::fs::fstat(&root).map_err(io_at(dir))?;
        if st.st_uid != rustix::process::geteuid().as_raw() {
            return Err(ExportError::Malformed {
                path: dir.to_owned(),
                reason: "the export directory is not owned by the user running the export"
                    .to_owned(),
            });
        }
        if fs::read_dir(dir).map_err(io_error(dir))?.next().is_some() {
            return Err(ExportError::NotEmpty(dir.to_owned()));
        }
        let checkpoints = dir.join(CHECKPOINTS_DIR);
        rustix::fs::mkdirat(&root, CHECKPOINTS_DIR, Mode::from_raw_mode(0o755))
            .map_err(io_at(&checkpoints))?;
        let checkpoints_fd = open_dir_at(&root, CHECKPOINTS_DIR, &checkpoints)?;
        let key_path = dir.join(PUBLIC_KEY_FILE);
        create_at(&root, PUBLIC_KEY_FILE, &key_path)?
            .write_all(format!("{verifier_key}\n").as_bytes())
            .map_err(io_error(&key_path))?;
        let entries_path = dir.join(ENTRIES_FILE);
        let entries = create_at(&root, ENTRIES_FILE, &entries_path)?;
        Ok(Self {
            dir: dir.to_owned(),
            checkpoints: checkpoints_fd,
            entries: BufWriter::new(entries),
        })
    }

    /// Appends one entry line: its index, stored hash and data, exactly as stored (the
    /// writer does not check them: the verifier does).
    pub fn write_entry(
        &mut self,
        index: u64,
        data: &str,
        stored_hash: &Hash,
    ) -> Result<(), ExportError> {
        let line = EntryLineOut {
            index,
            hash: hash_to_base64(stored_hash),
            data,
        };
        let path = self.dir.join(ENTRIES_FILE);
        serde_json::to_writer(&mut self.entries, &line)
            .map_err(io::Error::from)
            .map_err(io_error(&path))?;
        self.entries.write_all(b"\n").map_err(io_error(&path))
    }

    /// Writes a signed checkpoint note as `checkpoints/<size>.txt`. For a size written twice,
    /// the last note is kept.
    pub fn write_checkpoint(&mut self, size: u64, note: &str) -> Result<(), ExportError> {
        let name = format!("{size}.txt");
        let path = self.dir.join(CHECKPOINTS_DIR).join(&name);
        create_at(&self.checkpoints, &name, &path)?
            .write_all(note.as_bytes())
            .map_err(io_error(&path))
    }

    /// Flushes the entries and syncs them to disk.
    pub fn finish(self) -> Result<(), ExportError> {
        let path = self.dir.join(ENTRIES_FILE);
        let file = self
            .entries
            .into_inner()
            .map_err(|error| io_error(&path)(error.into_error()))?;
        file.sync_all().map_err(io_error(&path))
    }
}

/// Reads the verifier key line in `public-key.txt` (without its newline). Do not trust it
/// blindly: compare it with the key obtained from a trusted channel.
pub fn read_public_key(dir: &Path) -> Result<String, ExportError> {
    let path = dir.join(PUBLIC_KEY_FILE);
    let text = read_small(&path)?;
    match text.strip_suffix('\n') {
        Some(line) if !line.is_empty() && !line.contains('\n') => Ok(line.to_owned()),
        _ => Err(ExportError::Malformed {
            path,
            reason: "expected one line".to_owned(),
        }),
    }
}

/// Reads every `checkpoints/<size>.txt`, sorted by size. Any other file name is an error.
pub fn read_checkpoints(dir: &Path) -> Result<Vec<(u64, String)>, ExportError> {
    let checkpoints_dir = dir.join(CHECKPOINTS_DIR);
    let is_dir = fs::symlink_metadata(&checkpoints_dir)
        .map_err(io_error(&checkpoints_dir))?
        .is_dir();
    if !is_dir {
        return Err(ExportError::Malformed {
            path: checkpoints_dir,
            reason: "not a directory".to_owned(),
        });
    }
    let mut checkpoints = Vec::new();
    for item in fs::read_dir(&checkpoints_dir).map_err(io_error(&checkpoints_dir))? {
        let path = item.map_err(io_error(&checkpoints_dir))?.path();
        let size = path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".txt"))
            .and_then(parse_decimal);
        let Some(size) = size else {
            return Err(ExportError::Malformed {
                path,
                reason: "expected <size>.txt".to_owned(),
            });
        };
        let note = read_small(&path)?;
        checkpoints.push((size, note));
    }
    checkpoints.sort_by_key(|(size, _)| *size);
    Ok(checkpoints)
}

/// Verifies an export directory against the log key `key` (from a trusted channel), streaming
/// `entries.jsonl`. Checks everything [`Verifier`] checks, and that each checkpoint file is
/// named after its size.
pub fn verify_export(dir: &Path, key: &NoteVerifier) -> Result<Report, ExportError> {
    let files = read_checkpoints(dir)?;
    let notes: Vec<&str> = files.iter().map(|(_, note)| note.as_str()).collect();
    let checkpoints = verify::open_checkpoints(key, &notes)?;
    for ((file_size, _), checkpoint) in files.iter().zip(&checkpoints) {
        if *file_size != checkpoint.size {
            return Err(ExportError::Malformed {
                path: dir.join(CHECKPOINTS_DIR).join(format!("{file_size}.txt")),
                reason: format!("file holds the checkpoint of size {}", checkpoint.size),
            });
        }
    }
    let mut verifier = Verifier::from_checkpoints(checkpoints)?;

    let path = dir.join(ENTRIES_FILE);
    let mut reader = BufReader::new(open_regular(&path)?);
    for number in 0.. {
        let malformed = |reason: String| ExportError::Malformed {
            path: PathBuf::from(format!("{}:{}", path.display(), number + 1)),
            reason,
        };
        let line = match read_line_bounded(&mut reader, MAX_ENTRY_LINE) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(error) => return Err(malformed(error.to_string())),
        };
        let entry: EntryLineIn =
            serde_json::from_str(&line).map_err(|error| malformed(error.to_string()))?;
        let stored_hash = hash_from_base64(&entry.hash)
            .ok_or_else(|| malformed("hash is not base64 of 32 bytes".to_owned()))?;
        verifier.push_entry(LogEntry {
            index: entry.index,
            data: entry.data.as_bytes(),
            stored_hash,
        })?;
    }
    Ok(verifier.finish()?)
}
