//! The fiduciary's systems, calling with an API key: the catalogue, collection, validation,
//! the lifecycle actions, principals and keys. (The standard catalogues are in `catalog.rs`,
//! the ledger's routes in `ledger.rs`.)

use super::principal::PrincipalClient;
use super::{send_json, try_send_json};
use crate::harness::catalog::Catalog;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A client calling with one API key.
#[derive(Clone)]
pub struct FiduciaryClient {
    pub client: reqwest::Client,
    /// The server's URL (`http://127.0.0.1:PORT`).
    pub url: String,
    pub key: String,
}

impl FiduciaryClient {
    pub fn new(client: reqwest::Client, url: impl Into<String>, key: impl Into<String>) -> Self {
        FiduciaryClient {
            client,
            url: url.into(),
            key: key.into(),
        }
    }

    /// The same server with another API key (another fiduciary's, or any key, valid or not).
    pub fn api_as(&self, key: &str) -> FiduciaryClient {
        FiduciaryClient::new(self.client.clone(), self.url.clone(), key)
    }

    // ---------- requests ----------

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
            Some(&self.key),
            body,
        )
        .await
    }

    /// Like [`FiduciaryClient::call`], but a request that got no answer (the server died) is
    /// `None`.
    pub async fn try_call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Option<(StatusCode, Value)> {
        try_send_json(
            &self.client,
            method,
            &format!("{}{path}", self.url),
            Some(&self.key),
            body,
        )
        .await
        .ok()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// Posts `body` to `path`, asserts `status` and the problem `code`; returns the answer.
    pub async fn post_expect(
        &self,
        path: &str,
        body: Value,
        status: StatusCode,
        code: &str,
    ) -> Value {
        let (st, v) = self.post(path, body).await;
        assert_eq!(st, status, "{v}");
        assert_eq!(v["code"], code, "{v}");
        v
    }

    // ---------- consents ----------

    /// Collects consent for `principal` under notice version 1 with the given decisions.
    pub async fn collect(
        &self,
        cat: &Catalog,
        principal: &str,
        decisions: Value,
    ) -> (StatusCode, Value) {
        self.post(
            "/v1/consents",
            json!({"principal_id": principal, "notice_id": cat.notice_id, "notice_version": 1, "language": "en",
                   "decisions": decisions, "method": "web", "session_id": "sess-1"}),
        )
        .await
    }

    /// [`FiduciaryClient::collect`], expecting `201`: the artefact.
    pub async fn collect_ok(&self, cat: &Catalog, principal: &str, decisions: Value) -> Value {
        let (st, v) = self.collect(cat, principal, decisions).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        v
    }

    /// Validates `purpose` for `principal`, expecting `200`: the answer.
    pub async fn validate(&self, principal: &str, purpose: &str) -> Value {
        let (st, v) = self
            .post(
                "/v1/consents/validate",
                json!({"principal_id": principal, "purpose": purpose}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v
    }

    /// Like [`FiduciaryClient::validate`], for the given data items.
    pub async fn validate_items(&self, principal: &str, purpose: &str, items: Value) -> Value {
        let (st, v) = self
            .post(
                "/v1/consents/validate",
                json!({"principal_id": principal, "purpose": purpose, "data_items": items}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v
    }

    /// Posts to a consent's lifecycle route (`update`, `renew`, `withdraw`).
    pub async fn act(&self, id: &str, verb: &str, body: Value) -> (StatusCode, Value) {
        self.post(&format!("/v1/consents/{id}/{verb}"), body).await
    }

    /// [`FiduciaryClient::act`], expecting `200`: the answer.
    pub async fn act_ok(&self, id: &str, verb: &str, body: Value) -> Value {
        let (st, v) = self.act(id, verb, body).await;
        assert_eq!(st, StatusCode::OK, "{verb} {id}: {v}");
        v
    }

    /// An artefact with its history, expecting `200`.
    pub async fn consent(&self, id: &str) -> Value {
        let (st, v) = self.get(&format!("/v1/consents/{id}")).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v
    }

    /// One page of a principal's artefacts (`query` is empty or starts with `?`).
    pub async fn principal_items(&self, principal: &str, query: &str) -> Vec<Value> {
        let (st, v) = self
            .get(&format!("/v1/principals/{principal}/consents{query}"))
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v["items"].as_array().unwrap().clone()
    }

    // ---------- principals and their data ----------

    /// A principal token for `principal` (valid `ttl` seconds, or the default), expecting
    /// `201`: the principal's client and the answer.
    pub async fn principal_token(
        &self,
        principal: &str,
        ttl: Option<u32>,
    ) -> (PrincipalClient, Value) {
        let mut body = json!({"principal_id": principal});
        if let Some(t) = ttl {
            body["ttl_seconds"] = json!(t);
        }
        let (st, v) = self.post("/v1/principal-tokens", body).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        let token = v["token"].as_str().unwrap();
        let me = PrincipalClient::new(self.client.clone(), self.url.clone(), token);
        (me, v)
    }

    /// Declares a verified contact (mobile number or e-mail) of a principal.
    pub async fn add_contact(&self, principal: &str, contact: &str) -> (StatusCode, Value) {
        self.post(
            "/v1/principals/contacts",
            json!({"principal_id": principal, "contact": contact}),
        )
        .await
    }

    /// Erases a principal (destroys their data key).
    pub async fn erase(&self, principal: &str) -> (StatusCode, Value) {
        self.post("/v1/principals/erase", json!({"principal_id": principal}))
            .await
    }

    /// Reveals an artefact's personal data; `body` holds the reason (and the fields).
    pub async fn unmask(&self, id: &str, body: Value) -> (StatusCode, Value) {
        self.post(&format!("/v1/consents/{id}/unmask"), body).await
    }

    // ---------- notices ----------

    /// Replaces a notice's draft.
    pub async fn put_notice(&self, id: &str, body: Value) -> (StatusCode, Value) {
        self.put(&format!("/v1/notices/{id}"), body).await
    }

    /// Publishes a notice's draft as its next version.
    pub async fn publish(&self, id: &str, body: Value) -> (StatusCode, Value) {
        self.post(&format!("/v1/notices/{id}/publish"), body).await
    }

    // ---------- API keys ----------

    /// Creates a key named `name` with `scopes` (or the default scopes).
    pub async fn create_key(&self, name: &str, scopes: Option<&[&str]>) -> (StatusCode, Value) {
        let mut body = json!({ "name": name });
        if let Some(sc) = scopes {
            body["scopes"] = json!(sc);
        }
        self.post("/v1/keys", body).await
    }

    /// Creates a key, expecting `201`: its id and secret.
    pub async fn new_key(&self, name: &str, scopes: &[&str]) -> (String, String) {
        let (st, v) = self.create_key(name, Some(scopes)).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        (
            crate::harness::id_of(&v),
            v["api_key"].as_str().unwrap().to_string(),
        )
    }

    /// The keys this key may see.
    pub async fn list_keys(&self) -> Vec<Value> {
        let (st, v) = self.get("/v1/keys").await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v.as_array()
            .unwrap_or_else(|| panic!("not a list: {v}"))
            .clone()
    }

    pub async fn rotate_key(&self, id: &str) -> (StatusCode, Value) {
        self.call(Method::POST, &format!("/v1/keys/{id}/rotate"), None)
            .await
    }

    pub async fn revoke_key(&self, id: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, &format!("/v1/keys/{id}"), None)
            .await
    }
}
