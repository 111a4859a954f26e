//! The `anumodan` binary as a subprocess: one-shot commands, and servers (`serve`, `demo`)
//! killed and reaped whatever happens in the test.

use super::pg::database_url_for;
use super::wait::Deadline;
use reqwest::StatusCode;
use serde_json::Value;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::Duration;

/// Bound of every wait on a process.
pub const PROCESS_WAIT: Duration = Duration::from_secs(20);

/// Path of the built `anumodan` binary.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_anumodan")
}

/// The binary with `args`, without any `ANUMODAN_*` variable of the test's own environment.
pub fn anumodan_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args);
    // PostgreSQL mode: a command on a data directory uses that directory's schema.
    if let Some(i) = args.iter().position(|a| *a == "--data-dir")
        && args.first() != Some(&"demo")
        && !args.contains(&"--database-url")
        && let Some(url) = args.get(i + 1).and_then(|d| database_url_for(Path::new(d)))
    {
        c.args(["--database-url", &url]);
    }
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("ANUMODAN_") {
            c.env_remove(k);
        }
    }
    c.stdin(Stdio::null());
    c
}

/// Runs the binary with `args` to completion, capturing its output.
pub fn anumodan(args: &[&str]) -> Output {
    anumodan_cmd(args)
        .output()
        .expect("run the anumodan binary")
}

/// Exit status, stdout and stderr, for assertion messages.
pub fn out_text(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn ps(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub fn assert_ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", out_text(o));
}

/// A temporary directory for a test's processes, their data and their logs.
pub fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("anumodan-proc-")
        .tempdir()
        .unwrap()
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An HTTP client that gives up on a request after 10 s.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `anumodan serve --listen 127.0.0.1:PORT --data-dir DIR`.
pub fn serve(dir: &Path, port: u16) -> Command {
    anumodan_cmd(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
        ps(dir),
    ])
}

/// `anumodan fiduciary create` on a stopped data directory; returns (id, api key).
pub fn create_fiduciary(dir: &Path, name: &str) -> (String, String) {
    let o = anumodan(&["fiduciary", "create", "--name", name, "--data-dir", ps(dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", out_text(&o)));
    let id = v["id"].as_str().unwrap().to_string();
    uuid::Uuid::parse_str(&id).unwrap();
    assert_eq!(v["name"], name);
    let key = v["api_key"].as_str().unwrap().to_string();
    assert!(key.starts_with("anm_"), "{key}");
    (id, key)
}

/// A child process, killed (SIGKILL) and reaped when dropped, whatever happens in the test.
/// Its stdout and stderr go to files, so it never blocks on a full pipe.
pub struct Proc {
    pub child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Proc {
    pub fn spawn(mut c: Command, logs: &Path, name: &str) -> Proc {
        let stdout = logs.join(format!("{name}.stdout"));
        let stderr = logs.join(format!("{name}.stderr"));
        c.stdout(File::create(&stdout).unwrap())
            .stderr(File::create(&stderr).unwrap());
        Proc {
            child: c.spawn().expect("spawn the anumodan binary"),
            stdout,
            stderr,
        }
    }

    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn logs(&self) -> String {
        format!("--- stdout\n{}--- stderr\n{}", self.stdout(), self.stderr())
    }

    /// Waits until `/healthz` answers 200 at `url`; fails at once if the process exits.
    pub async fn wait_healthy(&mut self, url: &str) {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let deadline = Deadline::after(PROCESS_WAIT);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited ({st}) before answering:\n{}",
                    self.logs()
                );
            }
            if let Ok(r) = client.get(format!("{url}/healthz")).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            deadline
                .tick(Duration::from_millis(25), || {
                    format!(
                        "{url} not healthy within {PROCESS_WAIT:?}:\n{}",
                        self.logs()
                    )
                })
                .await;
        }
    }

    /// Waits for the process to exit by itself.
    pub async fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Deadline::after(PROCESS_WAIT);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            deadline
                .tick(Duration::from_millis(20), || {
                    format!("still running after {PROCESS_WAIT:?}:\n{}", self.logs())
                })
                .await;
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM through the system's `kill` command, for a graceful stop. Returns false when
    /// that command is not available (the caller then kills instead).
    pub fn terminate(&self) -> bool {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}
