//! The files of a data directory (the database, the principal index, the keys) can be read by
//! the service's user only, whatever the umask: the directory is `0700`, every file `0600`.
//! Files and directories found more open (made by an earlier version, or by hand) are tightened
//! at start, with a log line saying so.

use std::fs;
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    let now = fs::metadata(path)?.permissions().mode() & 0o777;
    if now & !mode != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
        tracing::warn!(
            path = %path.display(),
            was = format!("{now:o}"),
            now = format!("{mode:o}"),
            "tightened the permissions of a data file"
        );
    }
    Ok(())
}

/// Creates `dir` (and its parents) if need be; it ends `0700`.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    tighten(dir, 0o700)
}

/// Creates `file` empty with mode `0600` if it does not exist (so that what opens it next, such
/// as SQLite, finds it so, and gives its journal files the same mode); tightens it otherwise.
pub fn private_file(file: &Path) -> io::Result<()> {
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => tighten(file, 0o600),
        Err(e) => Err(e),
    }
}

/// Tightens the database files in `dir` that exist (`base` and its `-wal` and `-shm`).
pub fn private_db(dir: &Path, base: &str) -> io::Result<()> {
    private_file(&dir.join(base))?;
    for suffix in ["-wal", "-shm"] {
        let f = dir.join(format!("{base}{suffix}"));
        if f.exists() {
            tighten(&f, 0o600)?;
        }
    }
    Ok(())
}

/// `dir` and everything under it made private: directories `0700`, files `0600` (symbolic
/// links are left alone, never followed).
pub fn private_tree(dir: &Path) -> io::Result<()> {
    private_dir(dir)?;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            private_tree(&entry.path())?;
        } else if kind.is_file() {
            tighten(&entry.path(), 0o600)?;
        }
    }
    Ok(())
}
