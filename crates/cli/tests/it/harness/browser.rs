//! A real browser: Debian's Chromium driven by `playwright-core` from npm, with axe-core for
//! accessibility. The scripts live in `tests/browser/` at the repository's root (one folder
//! per area; `lib.mjs` is what they share) and report one JSON object on their last line of
//! stdout. `.ci/run` installs Chromium (`apt-get install chromium`) and the npm packages
//! (`npm ci` in `tests/browser`); without them these tests fail, saying what to install.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

/// How long one browser script may run before the test fails.
const SCRIPT_WAIT: Duration = Duration::from_secs(180);

/// `tests/browser` in this repository.
pub fn browser_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser")
}

/// Runs `node tests/browser/{script} {base_url} {args...}` and returns the JSON object it
/// printed last. Panics, with the script's output, when it fails or is missing its tools.
pub async fn run_browser(script: &str, base_url: &str, args: &[&str]) -> Value {
    let dir = browser_dir();
    assert!(
        dir.join("node_modules/playwright-core").is_dir()
            && dir.join("node_modules/axe-core").is_dir(),
        "the browser tests need their npm packages: `cd tests/browser && npm ci` (.ci/run does it)"
    );
    let chromium =
        std::env::var("ANUMODAN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "the browser tests need Chromium at {chromium}: `apt-get install chromium` (.ci/run does it)"
    );
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(dir.join(script))
        .arg(base_url)
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().expect("node is needed for the browser tests");
    let out = tokio::time::timeout(SCRIPT_WAIT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("browser script {script} ran longer than {SCRIPT_WAIT:?}"))
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser script {script} failed ({}):\n{stderr}\n{stdout}",
        out.status
    );
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("{}");
    serde_json::from_str(last).unwrap_or_else(|e| {
        panic!("browser script {script} printed no JSON last ({e}): {stdout}\n{stderr}")
    })
}
