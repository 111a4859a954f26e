//! Acknowledged changes survive SIGKILL under load; a second process on the same data
//! directory is refused.

use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
enum Ack {
    /// A 2xx answer carrying an artefact version.
    Version {
        id: String,
        version: u64,
        audit: u64,
    },
    /// A 2xx validation answer.
    Validation {
        audit: u64,
        purpose: String,
        reason: String,
    },
}

/// Collects, validates, withdraws and validates again, over and over, recording every 2xx
/// answer, until the server stops answering. Returns the count of non-2xx answers (there should
/// be none).
async fn load(
    t: usize,
    api: FiduciaryClient,
    notice: String,
    acks: Arc<Mutex<Vec<Ack>>>,
) -> Vec<String> {
    let mut unexpected = Vec::new();
    for i in 0.. {
        let principal = format!("principal-{t}-{i}");
        let collect = json!({"principal_id": principal, "notice_id": notice, "notice_version": 1, "language": "en",
                             "decisions": {"account": "granted", "marketing": "granted"}, "method": "api"});
        let Some((st, a)) = api
            .try_call(Method::POST, "/v1/consents", Some(collect))
            .await
        else {
            break;
        };
        if st != StatusCode::CREATED {
            unexpected.push(format!("collect {st}: {a}"));
            break;
        }
        let id = a["id"].as_str().unwrap().to_string();
        acks.lock().unwrap().push(Ack::Version {
            id: id.clone(),
            version: a["version"].as_u64().unwrap(),
            audit: a["audit_log_id"].as_u64().unwrap(),
        });
        let validate = json!({"principal_id": principal, "purpose": "marketing"});
        for step in 0..2 {
            if step == 1 {
                let Some((st, w)) = api
                    .try_call(
                        Method::POST,
                        &format!("/v1/consents/{id}/withdraw"),
                        Some(json!({"purposes": ["marketing"]})),
                    )
                    .await
                else {
                    return unexpected;
                };
                if st != StatusCode::OK {
                    unexpected.push(format!("withdraw {st}: {w}"));
                    return unexpected;
                }
                acks.lock().unwrap().push(Ack::Version {
                    id: id.clone(),
                    version: w["version"].as_u64().unwrap(),
                    audit: w["audit_log_id"].as_u64().unwrap(),
                });
            }
            let Some((st, v)) = api
                .try_call(
                    Method::POST,
                    "/v1/consents/validate",
                    Some(validate.clone()),
                )
                .await
            else {
                return unexpected;
            };
            if st != StatusCode::OK {
                unexpected.push(format!("validate {st}: {v}"));
                return unexpected;
            }
            acks.lock().unwrap().push(Ack::Validation {
                audit: v["audit_log_id"].as_u64().unwrap(),
                purpose: "marketing".into(),
                reason: v["reason"].as_str().unwrap().to_string(),
            });
        }
    }
    unexpected
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_changes_survive_sigkill() {
    let t = temp();
    let dir = t.path().join("data");
    let (_, key) = create_fiduciary(&dir, "Durable Municipal Corporation");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut p = Proc::spawn(serve(&dir, port), t.path(), "serve-1");
    p.wait_healthy(&url).await;
    let api = FiduciaryClient::new(http(), &url, &key);
    let notice = api.seed_small().await;
    let acks = killed_under_load(p, &api, &notice).await;

    // The same directory, a new process: everything acknowledged is there.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut p = Proc::spawn(serve(&dir, port), t.path(), "serve-2");
    p.wait_healthy(&url).await;
    let api = FiduciaryClient::new(api.client.clone(), &url, &key);
    let max_audit = everything_acknowledged_is_there(&api, &acks).await;
    // Entries written before the crash get a signed checkpoint after the restart.
    let deadline = Deadline::after(PROCESS_WAIT);
    loop {
        let (st, v) = api
            .get(&format!("/v1/audit/proofs/inclusion?index={max_audit}"))
            .await;
        if st == StatusCode::OK {
            assert_eq!(v["index"], max_audit);
            break;
        }
        deadline
            .tick(Duration::from_millis(50), || {
                format!("no checkpoint covers {max_audit}: {v}")
            })
            .await;
    }
    // New work goes on after the crash.
    let v = api.validate("principal-0-0", "account").await;
    assert_eq!(v["valid"], true);
    assert!(v["audit_log_id"].as_u64().unwrap() > max_audit);

    // Killed again; the ledger on disk verifies.
    p.kill();
    let o = audit_verify(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
}

/// Eight clients load the server `p` (at `api`'s URL) with collections, validations and
/// withdrawals under `notice`; once some work is acknowledged, the server is killed (SIGKILL)
/// at a moment that varies from run to run. Every answer before is a 2xx: the acknowledged ones
/// are returned.
async fn killed_under_load(mut p: Proc, api: &FiduciaryClient, notice: &str) -> Vec<Ack> {
    let acks: Arc<Mutex<Vec<Ack>>> = Arc::default();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            tokio::spawn(load(
                i,
                FiduciaryClient::new(http(), &api.url, &api.key),
                notice.to_string(),
                acks.clone(),
            ))
        })
        .collect();
    // Let some work be acknowledged, then kill at a moment that varies from run to run, while
    // every task has a request in flight or about to be.
    let deadline = Deadline::after(PROCESS_WAIT);
    while acks.lock().unwrap().len() < 100 {
        deadline
            .tick(Duration::from_millis(5), || {
                format!("too slow: {:?}", acks.lock().unwrap().len())
            })
            .await;
    }
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        % 250;
    tokio::time::sleep(Duration::from_millis(u64::from(jitter))).await;
    let before_kill = acks.lock().unwrap().len();
    p.kill();
    let mut unexpected = Vec::new();
    for task in tasks {
        unexpected.extend(
            tokio::time::timeout(PROCESS_WAIT, task)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert!(
        unexpected.is_empty(),
        "non-2xx answers under load: {unexpected:?}"
    );
    let acks = acks.lock().unwrap().clone();
    eprintln!(
        "killed after {jitter} ms extra with {before_kill} acknowledged answers ({} in all)",
        acks.len()
    );
    acks
}

/// Every acknowledged version and validation is there, with its ledger entry, on the server at
/// `api`; an acknowledged withdrawal is in effect. Returns the last entry acknowledged.
async fn everything_acknowledged_is_there(api: &FiduciaryClient, acks: &[Ack]) -> u64 {
    let mut versions: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    let mut max_audit = 0;
    for a in acks {
        match a {
            Ack::Version { id, version, audit } => {
                versions
                    .entry(id.clone())
                    .or_default()
                    .push((*version, *audit));
                max_audit = max_audit.max(*audit);
            }
            Ack::Validation {
                audit,
                purpose,
                reason,
            } => {
                max_audit = max_audit.max(*audit);
                let (st, e) = api.entry(*audit).await;
                assert_eq!(
                    st,
                    StatusCode::OK,
                    "acknowledged validation entry {audit} lost: {e}"
                );
                assert_eq!(e["action"], "consent.validated", "{e}");
                assert_eq!(e["purpose"], *purpose, "{e}");
                assert_eq!(e["outcome"], *reason, "{e}");
            }
        }
    }
    assert!(versions.len() >= 10, "{} artefacts", versions.len());
    for (id, acked) in &versions {
        let (st, c) = api.get(&format!("/v1/consents/{id}")).await;
        assert_eq!(st, StatusCode::OK, "acknowledged artefact {id} lost: {c}");
        let history = c["history"].as_array().unwrap();
        for (version, audit) in acked {
            let h = history
                .iter()
                .find(|h| h["version"] == *version)
                .unwrap_or_else(|| panic!("acknowledged version {version} of {id} lost: {c}"));
            assert_eq!(h["audit_log_id"], *audit, "{h}");
            let (st, e) = api.entry(*audit).await;
            assert_eq!(st, StatusCode::OK, "{e}");
            assert_eq!(e["artefact"], id.as_str(), "{e}");
            assert_eq!(e["version"], *version, "{e}");
        }
        // An acknowledged withdrawal is in effect.
        if acked.iter().any(|(v, _)| *v == 2) {
            assert_eq!(c["purposes"][1]["status"], "withdrawn", "{c}");
        }
    }
    max_audit
}

#[tokio::test]
async fn a_second_process_on_the_same_data_dir_is_refused() {
    let t = temp();
    let dir = t.path().join("data");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut first = Proc::spawn(serve(&dir, port), t.path(), "first");
    first.wait_healthy(&url).await;

    let port2 = free_port();
    let mut second = Proc::spawn(serve(&dir, port2), t.path(), "second");
    if pg_base().is_some() {
        // The lock guards the embedded database. On PostgreSQL several processes sharing one
        // store (and its keys directory) is the point: the second node starts and serves
        // beside the first (the cluster tests check what they answer).
        second
            .wait_healthy(&format!("http://127.0.0.1:{port2}"))
            .await;
        let (st, _) = FiduciaryClient::new(http(), &url, "").get("/healthz").await;
        assert_eq!(st, StatusCode::OK);
        return;
    }
    let status = second.wait_exit().await;
    assert!(!status.success(), "{}", second.logs());
    assert!(
        second
            .stderr()
            .contains("is in use by another Anumodan process"),
        "{}",
        second.logs()
    );
    // Offline commands are refused too, while the server runs.
    for args in [
        vec!["fiduciary", "create", "--name", "X", "--data-dir", ps(&dir)],
        vec!["migrate", "--data-dir", ps(&dir)],
    ] {
        let o = anumodan(&args);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {}", out_text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("in use by another Anumodan process"),
            "{}",
            out_text(&o)
        );
    }
    // The first is unharmed.
    let (st, _) = FiduciaryClient::new(http(), &url, "").get("/healthz").await;
    assert_eq!(st, StatusCode::OK);

    // A crash releases the lock: the next process starts.
    first.kill();
    let mut third = Proc::spawn(serve(&dir, port2), t.path(), "third");
    third
        .wait_healthy(&format!("http://127.0.0.1:{port2}"))
        .await;
}
