//! A real SMTP server for the e-mail channel's tests: aiosmtpd in a Python process of its own
//! (`scripts/smtp-test-server.py`), on a free loopback port, plain, with STARTTLS or with TLS
//! from the first byte (a self-signed certificate made here), optionally requiring AUTH. It keeps
//! each message as it arrived, with its envelope and whether the session was encrypted, in a
//! temporary maildir; [`SmtpServer::messages`] reads them back. [`SmtpServer::start_holding`]
//! never answers one message's DATA, to leave its sender stuck mid-transaction. The process is
//! killed when the server is dropped.

use super::cli::{PROCESS_WAIT, Proc};
use super::wait::Deadline;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// How the test server protects its sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP; STARTTLS is not offered.
    None,
    /// STARTTLS offered.
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// A Python that can import aiosmtpd: `ANUMODAN_TEST_PYTHON`, else `python3` on the path, else
/// Debian's `/usr/bin/python3` (`apt-get install python3-aiosmtpd`).
fn python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let candidates: Vec<String> = std::env::var("ANUMODAN_TEST_PYTHON")
            .into_iter()
            .chain(["python3".to_string(), "/usr/bin/python3".to_string()])
            .collect();
        candidates
            .into_iter()
            .find(|p| {
                Command::new(p)
                    .args(["-c", "import aiosmtpd"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .unwrap_or_else(|| {
                panic!(
                    "no Python with aiosmtpd for the SMTP tests: `python3 -m pip install \
                     aiosmtpd` or `apt-get install python3-aiosmtpd` (.ci/run installs it)"
                )
            })
    })
}

/// Writes a new self-signed certificate for 127.0.0.1 and `localhost` into `dir` as
/// `{name}.pem` and `{name}.key`; returns (certificate file, key file).
pub fn write_self_signed(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let c =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let (cert, key) = (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    );
    std::fs::write(&cert, c.cert.pem()).unwrap();
    std::fs::write(&key, c.key_pair.serialize_pem()).unwrap();
    (cert, key)
}

/// One message the server took: its bytes as they arrived and what the session said.
#[derive(Debug)]
pub struct Delivered {
    pub raw: Vec<u8>,
    /// The envelope's sender (`MAIL FROM`) and recipients (`RCPT TO`).
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    /// Whether the session was encrypted when the message came, and with which TLS version.
    pub tls: bool,
    pub tls_version: Option<String>,
    /// The user the session authenticated as.
    pub auth: Option<String>,
    /// Kept, but never answered (see [`SmtpServer::start_holding`]): the sender was not told
    /// the server took it.
    pub held: bool,
}

impl Delivered {
    /// The message, parsed (MIME parts decoded, encoded words in headers decoded).
    pub fn message(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("a message mail-parser can read")
    }

    /// A header's value as it arrived (unfolded, trimmed), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(&self.raw);
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// The aiosmtpd process and its maildir.
pub struct SmtpServer {
    proc: Option<Proc>,
    dir: tempfile::TempDir,
    pub port: u16,
    pub tls: SmtpTls,
}

impl SmtpServer {
    /// A plain SMTP server (no STARTTLS, no AUTH).
    pub async fn start() -> SmtpServer {
        SmtpServer::start_with(SmtpTls::None, None).await
    }

    /// A plain server that never answers the DATA of the `n`-th message (counting from 1): it
    /// keeps that message (`held` in [`SmtpServer::messages`]) but its sender waits for ever,
    /// mid-transaction. Every other message is taken as usual.
    pub async fn start_holding(n: usize) -> SmtpServer {
        SmtpServer::spawn(SmtpTls::None, None, Some(n)).await
    }

    /// A server with `tls` and, with `auth` (user, password), AUTH required before `MAIL`
    /// (offered only once the session is encrypted). Returns once it accepts connections.
    pub async fn start_with(tls: SmtpTls, auth: Option<(&str, &str)>) -> SmtpServer {
        SmtpServer::spawn(tls, auth, None).await
    }

    async fn spawn(tls: SmtpTls, auth: Option<(&str, &str)>, hold: Option<usize>) -> SmtpServer {
        let dir = tempfile::Builder::new()
            .prefix("anumodan-smtp-")
            .tempdir()
            .unwrap();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/smtp-test-server.py"
        );
        let port_file = dir.path().join("port");
        let mut c = Command::new(python());
        c.arg(script)
            .arg("--maildir")
            .arg(dir.path().join("maildir"))
            .arg("--port-file")
            .arg(&port_file)
            .stdin(Stdio::null());
        if tls != SmtpTls::None {
            let (cert, key) = write_self_signed(dir.path(), "server");
            let mode = if tls == SmtpTls::StartTls {
                "starttls"
            } else {
                "implicit"
            };
            c.args(["--tls", mode])
                .arg("--cert")
                .arg(cert)
                .arg("--key")
                .arg(key);
        }
        if let Some((user, password)) = auth {
            c.arg("--auth").arg(format!("{user}:{password}"));
        }
        if let Some(n) = hold {
            c.arg("--hold").arg(n.to_string());
        }
        let mut proc = Proc::spawn(c, dir.path(), "smtpd");
        // The script writes its port once it listens.
        let deadline = Deadline::after(PROCESS_WAIT);
        let port = loop {
            if let Some(st) = proc.child.try_wait().unwrap() {
                panic!("the SMTP server exited ({st}):\n{}", proc.logs());
            }
            if let Ok(p) = std::fs::read_to_string(&port_file) {
                break p.trim().parse::<u16>().unwrap();
            }
            deadline
                .tick(Duration::from_millis(20), || {
                    format!("the SMTP server did not start:\n{}", proc.logs())
                })
                .await;
        };
        SmtpServer {
            proc: Some(proc),
            dir,
            port,
            tls,
        }
    }

    /// `smtp://127.0.0.1:PORT`, or `smtps://` for a server with TLS from the first byte.
    pub fn url(&self) -> String {
        let scheme = if self.tls == SmtpTls::Implicit {
            "smtps"
        } else {
            "smtp"
        };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The server's self-signed certificate: the CA file a client must trust.
    pub fn ca_file(&self) -> PathBuf {
        assert!(
            self.tls != SmtpTls::None,
            "a plain server has no certificate"
        );
        self.dir.path().join("server.pem")
    }

    /// A directory that lives as long as the server, for a test's own files.
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// Kills the process: the server is down (its port refuses connections).
    pub fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.kill();
        }
    }

    /// The messages taken so far, in the order they arrived.
    pub fn messages(&self) -> Vec<Delivered> {
        let new = self.dir.path().join("maildir").join("new");
        let mut metas: Vec<PathBuf> = match std::fs::read_dir(&new) {
            Ok(rd) => rd
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect(),
            Err(_) => Vec::new(),
        };
        metas.sort();
        metas
            .into_iter()
            .map(|meta| {
                let v: Value = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
                let raw = std::fs::read(meta.with_extension("eml")).unwrap();
                Delivered {
                    raw,
                    mail_from: v["mail_from"].as_str().unwrap().to_string(),
                    rcpt_tos: v["rcpt_tos"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r.as_str().unwrap().to_string())
                        .collect(),
                    tls: v["tls"].as_bool().unwrap(),
                    tls_version: v["tls_version"].as_str().map(str::to_string),
                    auth: v["auth"].as_str().map(str::to_string),
                    held: v["held"].as_bool().unwrap(),
                }
            })
            .collect()
    }

    /// Waits until at least `n` messages arrived (failing after `timeout`); returns them all.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Delivered> {
        let deadline = Deadline::after(timeout);
        loop {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            deadline
                .tick(Duration::from_millis(20), || {
                    let logs = self.proc.as_ref().map(Proc::logs).unwrap_or_default();
                    format!("{} of {n} messages within {timeout:?}:\n{logs}", got.len())
                })
                .await;
        }
    }
}
