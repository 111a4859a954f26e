//! PostgreSQL restarted under load (issue 5): requests fail cleanly with 503 while it is down,
//! nothing acknowledged is lost, and the nodes recover on their own. This test restarts the
//! local PostgreSQL cluster, so `.ci/run` runs it alone, after the rest of the PostgreSQL suite.
//! (A node killed with SIGKILL under load:
//! `process::durability::acknowledged_changes_survive_sigkill`, which runs on both backends.)

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

fn pg_ctl(action: &str) {
    let version = std::fs::read_dir("/etc/postgresql")
        .expect("a local PostgreSQL cluster (Debian layout)")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .max_by_key(|v| v.parse::<u32>().unwrap_or(0))
        .unwrap();
    let mut args = vec![
        "--skip-systemctl-redirect",
        version.as_str(),
        "main",
        action,
    ];
    if action != "start" {
        args.extend(["-m", "fast"]);
    }
    // The restarted server outlives this test: it must not inherit descriptors this process
    // got from whatever started it (a CI log pipe, a build lock held by `flock`), or it would
    // hold them open for as long as it runs. bash closes every descriptor above 2 first (dash
    // cannot: its redirections take one-digit descriptors only).
    let o = std::process::Command::new("bash")
        .args([
            "-c",
            r#"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec pg_ctlcluster "$@""#,
            "pg_ctlcluster",
        ])
        .args(&args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run pg_ctlcluster");
    assert!(
        o.status.success(),
        "pg_ctlcluster {action}: {}",
        out_text(&o)
    );
}

#[derive(Default)]
struct Seen {
    /// Artefact ids whose collection was acknowledged (201).
    acked: Vec<String>,
    /// Statuses other than 201, with when they came.
    refused: Vec<(Instant, StatusCode, String)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "restarts the local PostgreSQL cluster"]
async fn postgres_restarted_under_load_answers_503_loses_nothing_and_nodes_recover() {
    assert!(pg_base().is_some(), "needs ANUMODAN_TEST_DATABASE_URL");
    let a = TestServer::start().await;
    let cat = a.seed().await;
    let b = a.join().await;
    let urls = [a.url.clone(), b.url.clone()];
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let client = reqwest::Client::builder()
        .timeout(StdDuration::from_secs(20))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for t in 0..6usize {
        let (client, url, key, notice, seen, stop) = (
            client.clone(),
            urls[t % 2].clone(),
            a.key.clone(),
            cat.notice_id.clone(),
            seen.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                n += 1;
                let res = client
                    .post(format!("{url}/v1/consents"))
                    .bearer_auth(&key)
                    .json(
                        &json!({"principal_id": format!("restart-{t}-{n}"), "notice_id": notice,
                                  "notice_version": 1, "language": "en", "decisions": all_granted(),
                                  "method": "web"}),
                    )
                    .send()
                    .await;
                let Ok(res) = res else {
                    continue;
                };
                let st = res.status();
                let body: serde_json::Value = res.json().await.unwrap_or_default();
                let acked = st == StatusCode::CREATED;
                {
                    let mut s = seen.lock().unwrap();
                    if acked {
                        s.acked.push(body["id"].as_str().unwrap().to_string());
                    } else {
                        s.refused.push((Instant::now(), st, body.to_string()));
                    }
                }
                if !acked {
                    tokio::time::sleep(StdDuration::from_millis(20)).await;
                }
            }
        }));
    }
    let wait_acks = |n: usize| {
        let seen = seen.clone();
        async move {
            let deadline = Deadline::after(StdDuration::from_secs(60));
            while seen.lock().unwrap().acked.len() < n {
                deadline
                    .tick(StdDuration::from_millis(20), || {
                        format!("only {} acknowledged", seen.lock().unwrap().acked.len())
                    })
                    .await;
            }
        }
    };
    wait_acks(50).await;

    // Down for a few seconds under load.
    let stopped_at = Instant::now();
    tokio::task::spawn_blocking(|| pg_ctl("stop"))
        .await
        .unwrap();
    tokio::time::sleep(StdDuration::from_secs(3)).await;
    let during = seen.lock().unwrap().acked.len();
    let restarted_at = Instant::now();
    tokio::task::spawn_blocking(|| pg_ctl("start"))
        .await
        .unwrap();

    // Both nodes recover on their own: new collections are acknowledged again.
    wait_acks(during + 50).await;
    let recovered_in = restarted_at.elapsed();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for t in tasks {
        t.await.unwrap();
    }
    let seen = std::mem::take(&mut *seen.lock().unwrap());

    // While it was down, requests failed cleanly: 503 with the problem code, nothing else.
    let down: Vec<_> = seen
        .refused
        .iter()
        .filter(|(at, _, _)| *at >= stopped_at)
        .collect();
    assert!(!down.is_empty(), "no request saw the outage");
    for (_, st, body) in &seen.refused {
        assert_eq!(*st, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body.contains("storage_unavailable"), "{body}");
    }
    eprintln!(
        "{} acknowledged, {} refused with 503, 50 more acknowledged {recovered_in:?} after the start command",
        seen.acked.len(),
        seen.refused.len()
    );

    // Nothing acknowledged is lost: every acknowledged artefact is there, through both nodes.
    for (i, id) in seen.acked.iter().enumerate() {
        let node = [&a, &b][i % 2];
        let (st, v) = node.get(&format!("/v1/consents/{id}")).await;
        assert_eq!(
            st,
            StatusCode::OK,
            "acknowledged artefact {id} is missing: {v}"
        );
    }
    drop(b);
    let dir = a.dir.clone();
    let (_, _guard) = a.stop().await;
    assert_ok(&audit_verify(&dir));
}
