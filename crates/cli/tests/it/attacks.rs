//! The security review's findings (issue 18), each as the attack that found it: they must stay
//! fixed. Raw sockets where the attack is below HTTP, several loopback addresses (127.0.0.x)
//! where it matters who is asking.

use crate::harness::*;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpSocket, TcpStream};

mod access;
mod connections;
mod files;
mod input;
mod master_keys;
mod sign_in;

/// A TCP connection to the server from the loopback address `from` (127.0.0.x).
async fn connect_from(s: &TestServer, from: [u8; 4]) -> TcpStream {
    let server: SocketAddr = s.url.trim_start_matches("http://").parse().unwrap();
    let sock = TcpSocket::new_v4().unwrap();
    sock.bind(SocketAddr::new(IpAddr::from(from), 0)).unwrap();
    sock.connect(server).await.unwrap()
}

/// Reads what the server sends until it closes the connection or `wait` passes.
async fn read_until_closed(c: &mut TcpStream, wait: Duration) -> (String, bool) {
    let deadline = Instant::now() + wait;
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, c.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&out).into(), false),
        }
    }
}

/// A staff client whose connections come from loopback address `from` (127.0.0.x).
fn client_from(from: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(from))
        .build()
        .unwrap()
}
