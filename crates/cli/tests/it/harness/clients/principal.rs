//! A principal on their own dashboard (`/v1/me/...`) with a principal token, and the sign-in
//! by one-time code that gets one (no credential at all).

use super::send_json;
use crate::harness::server::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A client calling with a principal token (`anp_...`).
pub struct PrincipalClient {
    pub client: reqwest::Client,
    pub url: String,
    pub token: String,
}

impl PrincipalClient {
    pub fn new(client: reqwest::Client, url: impl Into<String>, token: impl Into<String>) -> Self {
        PrincipalClient {
            client,
            url: url.into(),
            token: token.into(),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        send_json(
            &self.client,
            method,
            &format!("{}{path}", self.url),
            Some(&self.token),
            body,
        )
        .await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    /// The principal's own artefacts.
    pub async fn consents(&self) -> (StatusCode, Value) {
        self.get("/v1/me/consents").await
    }

    /// Collects the principal's own consent (`POST /v1/me/consents`).
    pub async fn collect(&self, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, "/v1/me/consents", Some(body)).await
    }

    /// Posts to one of the principal's own artefacts' lifecycle routes (`update`, `renew`,
    /// `withdraw`).
    pub async fn act(&self, id: &str, verb: &str, body: Value) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            &format!("/v1/me/consents/{id}/{verb}"),
            Some(body),
        )
        .await
    }
}

impl TestServer {
    /// Asks for a sign-in code for `contact` at this server's fiduciary.
    pub async fn signin_start(&self, contact: &str) -> (StatusCode, Value) {
        self.send(
            Method::POST,
            "/v1/principal-signin/start",
            None,
            Some(json!({"fiduciary_id": self.fiduciary_id, "contact": contact})),
        )
        .await
    }

    /// Signs in with the code sent to `contact`: `201` with a principal token.
    pub async fn signin_verify(&self, contact: &str, code: &str) -> (StatusCode, Value) {
        self.send(
            Method::POST,
            "/v1/principal-signin/verify",
            None,
            Some(json!({"fiduciary_id": self.fiduciary_id, "contact": contact, "code": code})),
        )
        .await
    }
}
