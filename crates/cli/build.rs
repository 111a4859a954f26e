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
    // and the branch it points to (a loose ref, or the packed refs).
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
        if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
            // Relative to the working directory (the package's), when not absolute.
            let common = std::env::current_dir().unwrap_or_default().join(common);
            println!(
                "cargo:rerun-if-changed={}",
                common.join("packed-refs").display()
            );
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                println!("cargo:rerun-if-changed={}", common.join(branch).display());
            }
        }
    }
    println!("cargo:rustc-env=ANUMODAN_COMMIT={commit}");
}
