//! Data files are private; exports never follow links and are read as untrusted.

use crate::harness::*;
use std::time::{Duration, Instant};

/// Finding 8: the data directory and every file in it are the service user's alone, whatever
/// the umask, and a directory found more open is tightened at start.
#[tokio::test]
async fn data_files_are_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let s = TestServer::start().await;
    let cat = s.seed().await;
    s.collect(&cat, "P-perm", all_granted()).await;
    let (dir, _guard) = s.stop().await;
    let check = |dir: &std::path::Path| {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
        assert_eq!(mode(&dir.join("keys")), 0o700);
        assert_eq!(mode(&dir.join("keys/master")), 0o700);
        for entry in walk(dir) {
            if entry.is_file() {
                assert_eq!(mode(&entry), 0o600, "{}", entry.display());
            }
        }
    };
    check(&dir);
    // Opened up by hand (or by an older version): tightened at the next start.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for entry in walk(&dir) {
        let m = if entry.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(m)).unwrap();
    }
    let s = TestServer::open(dir.clone(), String::new()).await;
    s.stop().await;
    check(&dir);
}

/// Every file and directory under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

/// Findings 7 and 11: `audit export` writes only inside a real directory of the caller's, never
/// through a symbolic link; `audit verify-export` treats its input as untrusted (regular files
/// only, bounded lines and notes), so a crafted export cannot exhaust memory.
#[tokio::test]
async fn exports_are_written_without_following_links_and_read_as_untrusted() {
    use std::os::unix::fs::symlink;
    let s = TestServer::start().await;
    let (key_line, _) = ledger_key(&s).await;
    s.seed().await;
    let (dir, _guard) = s.stop().await;
    let work = tempfile::tempdir().unwrap();

    // The output directory is a symbolic link to somewhere else: refused, nothing written there.
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let link = work.path().join("link");
    symlink(&elsewhere, &link).unwrap();
    let o = audit_export(&dir, &link);
    assert_ne!(o.status.code(), Some(0), "{}", out_text(&o));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // A directory someone else owns: refused (the test runs as root where it can hand one over).
    if rustix::process::geteuid().is_root() {
        let theirs = work.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        rustix::fs::chown(&theirs, Some(rustix::process::Uid::from_raw(65534)), None).unwrap();
        let o = audit_export(&dir, &theirs);
        assert_ne!(o.status.code(), Some(0), "{}", out_text(&o));
        assert!(out_text(&o).contains("not owned"), "{}", out_text(&o));
    }
    // A good export verifies.
    let good = work.path().join("good");
    assert_ok(&audit_export(&dir, &good));
    assert_ok(&verify_export(&good, &key_line));

    let copy = |name: &str| {
        let d = work.path().join(name);
        std::fs::create_dir(&d).unwrap();
        std::fs::create_dir(d.join("checkpoints")).unwrap();
        for f in ["entries.jsonl", "public-key.txt"] {
            std::fs::copy(good.join(f), d.join(f)).unwrap();
        }
        for e in std::fs::read_dir(good.join("checkpoints")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), d.join("checkpoints").join(e.file_name())).unwrap();
        }
        d
    };
    // Entries that are an endless device: refused at once, not read.
    let d = copy("zero");
    std::fs::remove_file(d.join("entries.jsonl")).unwrap();
    symlink("/dev/zero", d.join("entries.jsonl")).unwrap();
    let started = Instant::now();
    let o = verify_export(&d, &key_line);
    assert_caught(&o, "entries.jsonl");
    assert!(started.elapsed() < Duration::from_secs(10));
    // A line far longer than any entry.
    let d = copy("long-line");
    std::fs::write(d.join("entries.jsonl"), vec![b'x'; 1 << 20]).unwrap();
    assert_caught(
        &verify_export(&d, &key_line),
        "line longer than 65536 bytes",
    );
    // A checkpoint note far larger than any note.
    let d = copy("big-note");
    let first = std::fs::read_dir(d.join("checkpoints"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&first, vec![b'n'; 1 << 20]).unwrap();
    assert_caught(&verify_export(&d, &key_line), "larger than 16384 bytes");
}
