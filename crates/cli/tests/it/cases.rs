//! Grievances and rights requests (issue 21): reference numbers, the workflow and its refusals,
//! categorisation and routing, the principal told of every status in their language, feedback
//! and reopening, the rights carried out on resolution (access, correction, erasure,
//! nomination), attachments kept sealed, and the clock that escalates before and at the
//! deadline.

mod attachments;
mod clock;
mod grievances;
mod model;
mod requests;

use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A server whose notification jobs the tests run themselves.
pub async fn start() -> TestServer {
    TestServer::start_with(|c| {
        c.notify_interval_ms = 3_600_000;
        c.escalation_interval_ms = 3_600_000;
    })
    .await
}

/// Collects consent for `principal` (all granted, in `lang`) and gives them a token.
pub async fn principal_in(
    s: &TestServer,
    cat: &Catalog,
    principal: &str,
    lang: &str,
) -> (PrincipalClient, String) {
    let artefact = crate::notifications::collect_in(s, cat, principal, lang).await;
    let (me, _) = s.principal_token(principal, Some(3600)).await;
    (me, artefact)
}

/// Files a grievance as the principal, expecting 201.
pub async fn grieve(me: &PrincipalClient, body: Value) -> Value {
    let (st, v) = me.call(Method::POST, "/v1/me/grievances", Some(body)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v
}

/// Files a rights request as the principal, expecting 201.
pub async fn request(me: &PrincipalClient, body: Value) -> Value {
    let (st, v) = me.call(Method::POST, "/v1/me/requests", Some(body)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v
}

impl TestServer {
    /// Moves a case on as the fiduciary.
    pub async fn move_case(&self, reference: &str, body: Value) -> (StatusCode, Value) {
        self.post(&format!("/v1/cases/{reference}/transition"), body)
            .await
    }

    pub async fn move_case_ok(&self, reference: &str, body: Value) -> Value {
        let (st, v) = self.move_case(reference, body).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v
    }

    pub async fn case(&self, reference: &str) -> Value {
        let (st, v) = self.get(&format!("/v1/cases/{reference}")).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v
    }

    /// Runs the case clock once.
    pub async fn run_case_clock(&self) -> usize {
        self.jobs()
            .run_once(self.state(), "case-clock")
            .await
            .unwrap()
    }

    pub async fn notify_jobs(&self) {
        self.jobs().run_once(self.state(), "notify").await.unwrap();
    }
}
