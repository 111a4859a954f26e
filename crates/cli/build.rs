//! Records the commit the binary is built from (`ANUMODAN_COMMIT`), for `anumodan compliance
//! report`. A build outside a git checkout (a source archive) says `unknown`, unless
//! `ANUMODAN_COMMIT` is set in the build's environment.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=ANUMODAN_COMMIT");
    let commit = std::env::var("ANUMODAN_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    // Build again when HEAD moves: the HEAD file of this checkout (a worktree has its own),
    // and the branch it points to (a loose ref, or the packed refs). Only files that exist are
    // named: cargo takes a missing one as changed on every build.
    let mut watch = Vec::new();
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        let dir = std::path::PathBuf::from(dir);
        watch.push(dir.join("HEAD"));
        if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
            // Relative to the working directory (the package's), when not absolute.
            let common = std::env::current_dir().unwrap_or_default().join(common);
            watch.push(common.join("packed-refs"));
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                watch.push(common.join(branch));
            }
        }
    }
    for path in watch.iter().filter(|p| p.is_file()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rustc-env=ANUMODAN_COMMIT={commit}");
}
