//! A webhook receiver on a loopback port: a real HTTP/1.1 server that records each request
//! (path, headers, body) and answers with the status the test sets, or holds requests
//! unanswered (a receiver stuck mid-request, for a sender killed while it waits).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request received.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    /// Lower-case header names.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// What came, and which of it is held.
#[derive(Default)]
struct Log {
    got: Vec<Received>,
    /// Positions in `got` of the requests held (never answered).
    held: Vec<usize>,
}

/// The receiver: `url(path)` is where to send; `received()` what came.
pub struct Receiver {
    pub port: u16,
    log: Arc<Mutex<Log>>,
    status: Arc<AtomicU16>,
    /// Requests from this one on (counting from 1) are held; `usize::MAX`: none.
    hold_from: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Log::default()));
        let status = Arc::new(AtomicU16::new(200));
        let hold_from = Arc::new(AtomicUsize::new(usize::MAX));
        let (g, st, hf) = (log.clone(), status.clone(), hold_from.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let (g, st, hf) = (g.clone(), st.clone(), hf.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    let head_end = loop {
                        let Ok(n) = sock.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let mut lines = head.split("\r\n");
                    let path = lines
                        .next()
                        .and_then(|l| l.split_whitespace().nth(1))
                        .unwrap_or_default()
                        .to_string();
                    let headers: BTreeMap<String, String> = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                        .collect();
                    let len: usize = headers
                        .get("content-length")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + len {
                        let Ok(n) = sock.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    let body = buf[head_end..head_end + len].to_vec();
                    let held = {
                        let mut log = g.lock().unwrap();
                        log.got.push(Received {
                            path,
                            headers,
                            body,
                        });
                        let n = log.got.len();
                        let held = n >= hf.load(Ordering::SeqCst);
                        if held {
                            log.held.push(n - 1);
                        }
                        held
                    };
                    if held {
                        // Never answered: the connection stays open until the sender gives
                        // up or dies.
                        let mut rest = Vec::new();
                        let _ = sock.read_to_end(&mut rest).await;
                        return;
                    }
                    let code = st.load(Ordering::SeqCst);
                    let reply = format!(
                        "HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = sock.write_all(reply.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Receiver {
            port,
            log,
            status,
            hold_from,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Answer every request from now on with `code`.
    pub fn answer(&self, code: u16) {
        self.status.store(code, Ordering::SeqCst);
    }

    /// Holds the `n`-th request (counting from 1, since the start) and every one after it:
    /// each is recorded, then never answered.
    pub fn hold_from(&self, n: usize) {
        self.hold_from.store(n, Ordering::SeqCst);
    }

    /// Answers every new request again (those held so far stay unanswered).
    pub fn stop_holding(&self) {
        self.hold_from.store(usize::MAX, Ordering::SeqCst);
    }

    /// The requests held so far (received, never answered), in order.
    pub fn held(&self) -> Vec<Received> {
        let log = self.log.lock().unwrap();
        log.held.iter().map(|&i| log.got[i].clone()).collect()
    }

    /// What came so far, in order (held requests included).
    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().got.clone()
    }

    /// What came to `path`.
    pub fn at(&self, path: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// Waits until `n` requests came to `path` (or panics after 10 s).
    pub async fn wait_for(&self, path: &str, n: usize) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.at(path);
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{} of {n} requests came to {path}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
