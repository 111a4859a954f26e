//! The accept loop: HTTP/1.1 over plain TCP or TLS, with a bounded request head, a bounded
//! body read, caps on connections (in all and per client address), and graceful shutdown. Each
//! request carries `ConnectInfo<SocketAddr>`: the client (the TCP peer, or behind a trusted
//! proxy the address it forwarded) for the handlers.
//!
//! What an unauthenticated client can hold, and for how long:
//! - a connection: only while under `max_connections` and `max_connections_per_ip` (more are
//!   closed at once);
//! - the request head: `header_read_timeout` (also the longest idle keep-alive);
//! - the body: it must keep arriving at `min_body_rate` bytes per second after the first five seconds,
//!   and be complete within `body_read_timeout`; else the request ends with 408;
//! - descriptors: at start the soft limit on open files is raised to the hard limit; if they run
//!   out anyway, the loop sheds the waiting connection (a reserve descriptor frees a slot to
//!   accept and close it) and logs that at most every ten seconds.

use axum::Router;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::net::IpAddr;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Largest request head (request line and headers), in bytes; larger: 431 from hyper.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// How long a client has to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How connections are served.
pub struct Options {
    /// Time to send a request head (and longest idle keep-alive).
    pub head_timeout: Duration,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A request's whole body must have arrived within this.
    pub body_timeout: Duration,
    /// Bytes per second a body must keep up, after its first five seconds.
    pub min_body_rate: u64,
    /// Connections open at once, in all and per client address (TCP peer; trusted proxies are
    /// exempt from the per-address cap).
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
}

/// Raises the soft limit on open files to the hard limit (a server holds one per connection);
/// returns the limit now in force.
pub fn raise_fd_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the open-file limit");
            None
        }
    }
}

/// The connections open per client address.
#[derive(Default)]
struct PerIp(Mutex<HashMap<IpAddr, usize>>);

/// A connection counted against its address; uncounted when dropped.
struct IpSlot {
    table: Arc<PerIp>,
    ip: Option<IpAddr>,
}

impl PerIp {
    fn take(self: &Arc<Self>, ip: IpAddr, cap: usize) -> Option<IpSlot> {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(ip).or_insert(0);
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(IpSlot {
            table: self.clone(),
            ip: Some(ip),
        })
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        if let Some(ip) = self.ip {
            let mut m = self.table.0.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = m.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    m.remove(&ip);
                }
            }
        }
    }
}

/// The body was too slow, or not complete in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct SlowBody;

/// A request body that fails once it falls under the minimum rate (after five seconds' grace)
/// or passes its deadline; it sets `timed_out` so the answer can say so (408).
///
/// Both clocks start when the server first reads the body, not when the head arrived: a
/// handler may first wait its turn (authentication, a busy machine), and a client that sent its
/// body at once must not be refused for the server's own delay. A client that sends a head and
/// then nothing is bounded by the head's own timeout and, once reading starts, by these.
struct TimedBody {
    inner: Incoming,
    /// When the body was first read (None: not yet).
    start: Option<Instant>,
    /// `body_read_timeout_ms`, from `start`.
    budget: Duration,
    received: u64,
    min_rate: u64,
    /// Armed only once the body has to be waited for (a small body usually arrives with the
    /// head, and then costs no timer).
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    timed_out: Arc<AtomicBool>,
}

/// Five seconds, not one: the clock runs on the server, so a busy machine's own delay in
/// reading a body that the client sent at once counts against it (Schemathesis, on two shared
/// cores, saw 408s for such bodies with one second). A stalled body still ends at this grace
/// or `body_read_timeout_ms`, whichever comes first, and connections are capped per address.
const BODY_GRACE: Duration = Duration::from_secs(5);

impl TimedBody {
    /// The instant by which more bytes must have arrived.
    fn next_due(&mut self) -> Instant {
        let start = *self.start.get_or_insert_with(Instant::now);
        let deadline = start + self.budget;
        let owed = if self.min_rate == 0 {
            Duration::MAX
        } else {
            Duration::from_secs_f64(self.received as f64 / self.min_rate as f64)
        };
        let due = start.checked_add(BODY_GRACE.max(owed)).unwrap_or(deadline);
        due.min(deadline)
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        this.start.get_or_insert_with(Instant::now);
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(d) = frame.data_ref() {
                    this.received += d.len() as u64;
                    let due = this.next_due();
                    if let Some(sleep) = &mut this.sleep {
                        sleep.as_mut().reset(due.into());
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other.map(|r| r.map_err(Into::into))),
            Poll::Pending => {
                let due = this.next_due();
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due.into())));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        this.timed_out.store(true, Ordering::Relaxed);
                        Poll::Ready(Some(Err(Box::new(SlowBody))))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// 408 for a body that did not arrive in time; the connection is closed after it.
fn request_timeout() -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut res = crate::error::ApiError::new(
        axum::http::StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        "the request body did not arrive in time",
    )
    .into_response();
    res.headers_mut().insert(
        axum::http::header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    res
}

/// Parses `trusted_proxies` (CIDRs or single addresses).
pub fn parse_proxies(list: &[String]) -> anyhow::Result<Vec<ipnet::IpNet>> {
    list.iter()
        .map(|s| {
            let s = s.trim();
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| anyhow::anyhow!("trusted_proxies: {s:?} is not an address or CIDR"))
        })
        .collect()
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy, in which case the
/// rightmost `X-Forwarded-For` address that is not a trusted proxy (addresses further left
/// were written by the client and cannot be believed). The port stays the peer's.
pub fn client_addr(
    peer: SocketAddr,
    headers: &hyper::HeaderMap,
    trusted: &[ipnet::IpNet],
) -> SocketAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    if trusted.is_empty() || !is_trusted(&peer.ip()) {
        return peer;
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .map_or(peer, |ip| SocketAddr::new(*ip, peer.port()))
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for the requests in flight.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    options: Options,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.max_header_size(MAX_HEADER_BYTES)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(options.head_timeout);
    let trusted = Arc::new(options.trusted_proxies);
    let (body_timeout, min_rate) = (options.body_timeout, options.min_body_rate);
    let open = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    let per_ip = Arc::new(PerIp::default());
    let mut shed = Shedder::new();
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    if !is_connection_error(&e) {
                        shed.out_of_descriptors(&listener, &e).await;
                    }
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        // Over a cap: the connection is closed at once, before anything is read from it.
        let Ok(permit) = open.clone().try_acquire_owned() else {
            shed.over_cap("max_connections");
            continue;
        };
        let slot = if trusted.iter().any(|n| n.contains(&peer.ip())) {
            IpSlot {
                table: per_ip.clone(),
                ip: None,
            }
        } else {
            match per_ip.take(peer.ip(), options.max_connections_per_ip.max(1)) {
                Some(slot) => slot,
                None => {
                    shed.over_cap("max_connections_per_ip");
                    continue;
                }
            }
        };
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let trusted = trusted.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            let client = client_addr(peer, req.headers(), &trusted);
            req.extensions_mut().insert(ConnectInfo(client));
            let timed_out = Arc::new(AtomicBool::new(false));
            let req = req.map(|inner| {
                axum::body::Body::new(TimedBody {
                    inner,
                    start: None,
                    budget: body_timeout,
                    received: 0,
                    min_rate,
                    sleep: None,
                    timed_out: timed_out.clone(),
                })
            });
            let app = app.clone();
            async move {
                let res = app.oneshot(req).await;
                if timed_out.load(Ordering::Relaxed) {
                    return Ok(request_timeout());
                }
                res
            }
        });
        let http = http.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _held = (permit, slot);
            let result = match tls {
                None => {
                    watcher
                        .watch(http.serve_connection(TokioIo::new(tcp), service))
                        .await
                }
                Some(acceptor) => {
                    let stream =
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                            Ok(Ok(s)) => s,
                            Ok(Err(e)) => {
                                tracing::debug!(%peer, error = %e, "TLS handshake failed");
                                return;
                            }
                            Err(_) => {
                                tracing::debug!(%peer, "TLS handshake timed out");
                                return;
                            }
                        };
                    watcher
                        .watch(http.serve_connection(TokioIo::new(stream), service))
                        .await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Load shedding at the accept loop, and its log lines (at most one per reason every ten
/// seconds, with the count since the last).
struct Shedder {
    /// A descriptor held in reserve: when descriptors run out it is closed to accept (and at
    /// once close) the waiting connection, so the client is told instead of left hanging and
    /// the loop does not spin on the same error.
    reserve: Option<std::fs::File>,
    last_log: HashMap<&'static str, (Instant, u64)>,
}

impl Shedder {
    fn new() -> Self {
        Shedder {
            reserve: std::fs::File::open("/dev/null").ok(),
            last_log: HashMap::new(),
        }
    }

    fn note(&mut self, what: &'static str, detail: &str) {
        let now = Instant::now();
        let e = self.last_log.entry(what).or_insert((now - LOG_EVERY, 0));
        e.1 += 1;
        if now.duration_since(e.0) >= LOG_EVERY {
            tracing::warn!(reason = what, shed = e.1, detail, "shedding connections");
            *e = (now, 0);
        }
    }

    fn over_cap(&mut self, cap: &'static str) {
        self.note(
            cap,
            "a connection cap was reached; connections over it are closed",
        );
    }

    async fn out_of_descriptors(&mut self, listener: &TcpListener, e: &std::io::Error) {
        self.note("accept_failed", &e.to_string());
        if self.reserve.take().is_some() {
            // The freed descriptor accepts one waiting connection, which is closed at once.
            if let Ok(Ok((tcp, _))) =
                tokio::time::timeout(Duration::from_millis(10), listener.accept()).await
            {
                drop(tcp);
            }
            self.reserve = std::fs::File::open("/dev/null").ok();
        }
        // Without a reserve (or while it cannot be re-opened), wait for descriptors to free up.
        if self.reserve.is_none() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

const LOG_EVERY: Duration = Duration::from_secs(10);

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}
