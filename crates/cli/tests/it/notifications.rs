//! Notifications to principals and alerts to fiduciaries and processors (issue 20): the
//! fan-out of domain events into the inbox, e-mail, SMS, signed webhooks and processor alerts;
//! confirmation and escalation of alerts; retries and the dead-letter list; templates; the
//! event stream processors catch up from. `email`: the SMTP sender against a real aiosmtpd
//! server (plain, STARTTLS, implicit TLS, AUTH), what arrives and how failures are classified.

mod alerts;
mod email;
mod events;
mod inbox;
mod templates;
mod webhooks;

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;

/// A server that may deliver webhooks to loopback receivers, with a short retry schedule.
pub async fn start() -> TestServer {
    TestServer::start_with(|c| {
        c.allow_loopback_endpoints = true;
        c.delivery_retry_schedule_ms = vec![1_000, 2_000];
        // The tests run the notification jobs themselves.
        c.notify_interval_ms = 3_600_000;
    })
    .await
}

impl TestServer {
    /// Runs the fan-out, then the deliveries, once each.
    pub async fn notify_now(&self) {
        self.jobs().run_once(self.state(), "notify").await.unwrap();
        self.jobs()
            .run_once(self.state(), "deliveries")
            .await
            .unwrap();
    }

    /// Registers a processor of `purposes` with a webhook at `url`: (its id, the webhook
    /// secret).
    pub async fn processor(&self, name: &str, purposes: &[&str], url: &str) -> (String, String) {
        let (st, v) = self
            .post(
                "/v1/processors",
                json!({"name": name, "purposes": purposes, "webhook_url": url}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        (
            v["processor"]["id"].as_str().unwrap().to_string(),
            v["webhook"]["secret"].as_str().unwrap().to_string(),
        )
    }

    /// A key for processor `id`.
    pub async fn processor_key(&self, id: &str) -> FiduciaryClient {
        let (st, v) = self
            .post(
                &format!("/v1/processors/{id}/keys"),
                json!({"name": "processor"}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        self.api_as(v["api_key"].as_str().unwrap())
    }
}

/// Collects consent to every purpose for `principal`, in `lang`: the artefact's id.
pub async fn collect_in(s: &TestServer, cat: &Catalog, principal: &str, lang: &str) -> String {
    let (st, v) = s
        .post(
            "/v1/consents",
            json!({"principal_id": principal, "notice_id": cat.notice_id, "notice_version": 1,
                   "language": lang, "decisions": all_granted(), "method": "web", "session_id": "s-1"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// Verifies a received webhook with the reference library (`standardwebhooks` from PyPI), not
/// with our own code: true when it accepts the signature.
pub fn verified_by_standardwebhooks(secret: &str, r: &Received) -> bool {
    let out = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/verify_webhook.py"
        ))
        .env("WEBHOOK_SECRET", secret)
        .arg("--id")
        .arg(r.header("webhook-id"))
        .arg("--timestamp")
        .arg(r.header("webhook-timestamp"))
        .arg("--signature")
        .arg(r.header("webhook-signature"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(&r.body)?;
            c.wait_with_output()
        })
        .expect("python3 runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(2),
        "the verifier could not run (is `standardwebhooks` installed?): {err}"
    );
    out.status.success()
}
