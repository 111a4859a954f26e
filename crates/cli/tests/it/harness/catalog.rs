//! The catalogues the tests collect consent under, and the decisions and evidence they send.

use super::answers::id_of;
use super::clients::FiduciaryClient;
use super::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The standard catalogue's published notice.
pub struct Catalog {
    pub notice_id: String,
}

pub fn notice_text(lang: &str) -> Value {
    json!({
        "title": format!("Registration notice ({lang})"),
        "summary": "We collect your name, mobile, e-mail and PAN for the purposes listed.",
        "rights": "You may access, correct and erase your data, withdraw consent, nominate, and complain.",
        "retention_policy": "Kept while the purpose lasts, then deleted; tax records 8 years.",
        "withdrawal_policy": "Withdraw any time from the dashboard.",
        "grievance_contact": "grievance@example.in"
    })
}

pub fn all_granted() -> Value {
    json!({"account": "granted", "marketing": "granted", "analytics": "granted", "tax_records": "granted"})
}

/// Decisions for the four purposes of the standard catalogue, in the order account,
/// marketing, analytics, tax_records.
pub fn decisions(account: &str, marketing: &str, analytics: &str, tax_records: &str) -> Value {
    json!({"account": account, "marketing": marketing, "analytics": analytics, "tax_records": tax_records})
}

/// A lifecycle request body with the evidence of the principal's own action that a fiduciary
/// must give for a grant or renewal: in its app, in session `app-s-2`, shown notice version 1.
pub fn evidence(mut body: Value) -> Value {
    body["method"] = json!("app");
    body["session_id"] = json!("app-s-2");
    body["notice_version"] = json!(1);
    body
}

impl FiduciaryClient {
    /// Creates the standard test catalogue over the API and publishes a notice in English and
    /// Hindi. Purposes: `account` (mandatory, 365 days), `marketing` (optional, 30 days),
    /// `analytics` (optional, 90 days), `tax_records` (optional, legal obligation, 365 days).
    pub async fn seed(&self) -> Catalog {
        for (code, en, hi) in [
            ("name", "Name", "नाम"),
            ("mobile", "Mobile number", "मोबाइल नंबर"),
            ("email", "E-mail", "ई-मेल"),
            ("pan", "PAN", "पैन"),
        ] {
            let (st, v) = self
                .post("/v1/data-items", json!({"code": code, "name": {"en": en, "hi": hi}, "category": "contact", "sensitive": code == "pan"}))
                .await;
            assert_eq!(st, StatusCode::CREATED, "{v}");
        }
        let purposes = [
            json!({"code": "account", "mandatory": true, "validity_days": 365, "retention_days": 365, "legal_basis": "consent",
                   "data_items": ["name", "mobile"], "name": {"en": "Account", "hi": "खाता"}, "description": {"en": "Run your account", "hi": "आपका खाता चलाना"}}),
            json!({"code": "marketing", "mandatory": false, "validity_days": 30, "retention_days": 30, "legal_basis": "consent",
                   "data_items": ["email"], "name": {"en": "Marketing", "hi": "विपणन"}, "description": {"en": "Offers by e-mail", "hi": "ई-मेल से ऑफ़र"}}),
            json!({"code": "analytics", "mandatory": false, "validity_days": 90, "retention_days": 90,
                   "data_items": ["mobile"], "name": {"en": "Analytics", "hi": "विश्लेषण"}, "description": {"en": "Usage statistics", "hi": "उपयोग आँकड़े"}}),
            json!({"code": "tax_records", "mandatory": false, "validity_days": 365, "retention_days": 2920, "legal_basis": "legal_obligation",
                   "legal_reference": "Income-tax Act, 1961", "data_items": ["name", "pan"], "name": {"en": "Tax records", "hi": "कर रिकॉर्ड"}, "description": {"en": "Records the law requires", "hi": "कानून द्वारा आवश्यक रिकॉर्ड"}}),
        ];
        for p in purposes {
            let (st, v) = self.post("/v1/purposes", p).await;
            assert_eq!(st, StatusCode::CREATED, "{v}");
        }
        let (st, notice) = self
            .post("/v1/notices", json!({"code": "registration", "purposes": ["account", "marketing", "analytics", "tax_records"], "texts": {"en": notice_text("en"), "hi": notice_text("hi")}}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{notice}");
        let id = notice["id"].as_str().unwrap().to_string();
        let (st, v) = self.publish(&id, json!({})).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["version"], 1);
        Catalog { notice_id: id }
    }

    /// A minimal catalogue: one data item (`mobile`), one purpose (`account`), a published
    /// notice in English. Returns the notice id.
    pub async fn seed_minimal(&self) -> String {
        let post = |path: &'static str, body: Value| async move {
            let (st, v) = self.post(path, body).await;
            assert_eq!(st, StatusCode::CREATED, "{path}: {v}");
            v
        };
        post(
            "/v1/data-items",
            json!({"code": "mobile", "name": {"en": "Mobile"}, "category": "contact"}),
        )
        .await;
        post("/v1/purposes", json!({"code": "account", "mandatory": true, "validity_days": 365, "retention_days": 365,
            "data_items": ["mobile"], "name": {"en": "Account"}, "description": {"en": "Your account"}}))
        .await;
        let n = post(
            "/v1/notices",
            json!({"code": "registration", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
        let id = n["id"].as_str().unwrap().to_string();
        let (st, v) = self.publish(&id, json!({})).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        id
    }

    /// A small catalogue: `account` (mandatory) and `marketing` (optional), 365 days each, in a
    /// published notice in English. Returns the notice id.
    pub async fn seed_small(&self) -> String {
        for (code, en) in [("name", "Name"), ("mobile", "Mobile number")] {
            let (st, v) = self
                .post(
                    "/v1/data-items",
                    json!({"code": code, "name": {"en": en}, "category": "contact"}),
                )
                .await;
            assert_eq!(st, StatusCode::CREATED, "{v}");
        }
        for (code, mandatory, item) in [("account", true, "name"), ("marketing", false, "mobile")] {
            let (st, v) = self
                .post(
                    "/v1/purposes",
                    json!({"code": code, "mandatory": mandatory, "validity_days": 365, "retention_days": 365,
                           "data_items": [item], "name": {"en": code}, "description": {"en": format!("The {code} purpose")}}),
                )
                .await;
            assert_eq!(st, StatusCode::CREATED, "{v}");
        }
        let (st, n) = self
            .post(
                "/v1/notices",
                json!({"code": "registration", "purposes": ["account", "marketing"], "texts": {"en": notice_text("en")}}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{n}");
        let id = n["id"].as_str().unwrap().to_string();
        let (st, v) = self.publish(&id, json!({})).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        id
    }
}

/// A new server with the standard catalogue and one artefact collected for `principal`:
/// the server, the catalogue, the artefact and its id.
pub async fn start_with_consent(
    principal: &str,
    decisions: Value,
) -> (TestServer, Catalog, Value, String) {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let a = s.collect_ok(&cat, principal, decisions).await;
    let id = id_of(&a);
    (s, cat, a, id)
}
