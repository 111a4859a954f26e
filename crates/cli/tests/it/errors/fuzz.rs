//! Fuzzed bodies (seeded, so every run posts the same) never cause a server error.

use super::{MUTATING_ROUTES, raw, route};
use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// SplitMix64: a tiny seeded generator, so every run posts the same bodies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn random_string(rng: &mut Rng) -> String {
    const PIECES: [&str; 24] = [
        "",
        "a",
        "account",
        "marketing",
        "tax_records",
        "en",
        "hi",
        "granted",
        "denied",
        "web",
        "Ünïcödé",
        "नाम",
        "اردو",
        "\u{0}",
        "\u{7f}",
        "\n",
        "\"",
        "\\",
        "'; DROP TABLE artefacts; --",
        "%s%n",
        "../../etc/passwd",
        "00000000-0000-0000-0000-000000000000",
        "2026-01-15T10:00:00Z",
        "🙂",
    ];
    let mut s = String::new();
    for _ in 0..rng.below(4) {
        let piece: &str = PIECES[rng.below(PIECES.len())];
        s.push_str(piece);
    }
    if rng.below(10) == 0 {
        s.push_str(&"x".repeat(rng.below(5000)));
    }
    s
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(*rng.pick(&[
            0i64,
            1,
            -1,
            2,
            365,
            3650,
            3651,
            i64::MAX,
            i64::MIN,
            u32::MAX as i64,
            u32::MAX as i64 + 1
        ])),
        3 => json!(*rng.pick(&[0.5f64, -0.0, 1e308, -1e-308])),
        4 | 5 => Value::String(random_string(rng)),
        6 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(4))
                .map(|_| (random_string(rng), random_value(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// Mutates one place in a JSON value: drop, replace, retype or add a field, or recurse.
fn mutate(rng: &mut Rng, v: &mut Value) {
    match v {
        Value::Object(map) if !map.is_empty() && rng.below(4) != 0 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let k = rng.pick(&keys).clone();
            match rng.below(5) {
                0 => {
                    map.remove(&k);
                }
                1 => {
                    map.insert(k, random_value(rng, 1));
                }
                2 => {
                    let key = random_string(rng);
                    map.insert(key, random_value(rng, 1));
                }
                _ => mutate(rng, map.get_mut(&k).unwrap()),
            }
        }
        Value::Array(items) if !items.is_empty() && rng.below(4) != 0 => {
            let i = rng.below(items.len());
            match rng.below(3) {
                0 => {
                    items.remove(i);
                }
                1 => items.push(random_value(rng, 1)),
                _ => mutate(rng, &mut items[i]),
            }
        }
        _ => *v = random_value(rng, 1),
    }
}

/// Turns a body into bytes, sometimes corrupted at the byte level.
fn to_bytes(rng: &mut Rng, v: &Value) -> Vec<u8> {
    let mut b = serde_json::to_vec(v).unwrap();
    match rng.below(8) {
        0 if !b.is_empty() => {
            let cut = rng.below(b.len());
            b.truncate(cut);
        }
        1 if !b.is_empty() => {
            let i = rng.below(b.len());
            b[i] = rng.next() as u8;
        }
        2 => b = (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
        _ => {}
    }
    b
}

#[tokio::test]
async fn fuzzed_bodies_never_cause_a_server_error() {
    let (s, cat, _, id) = start_with_consent("p-fuzz", all_granted()).await;
    let valid_bodies: Vec<(&str, Value)> = vec![
        (
            "/v1/data-items",
            json!({"code": "aadhaar", "name": {"en": "Aadhaar", "hi": "आधार"}, "category": "id", "sensitive": true}),
        ),
        (
            "/v1/purposes",
            json!({"code": "survey", "name": {"en": "Survey"}, "description": {"en": "A survey"}, "data_items": ["email"],
                   "mandatory": false, "validity_days": 30, "retention_days": 30, "legal_basis": "consent"}),
        ),
        (
            "/v1/notices",
            json!({"code": "fuzz", "purposes": ["account", "marketing"], "texts": {"en": notice_text("en")}}),
        ),
        ("/v1/notices/{notice}/publish", json!({})),
        (
            "/v1/consents",
            json!({"principal_id": "p-fuzz-2", "notice_id": cat.notice_id, "notice_version": 1, "language": "hi",
                   "decisions": all_granted(), "method": "app", "session_id": "s-1", "requires_guardian": false,
                   "guardian": {"principal_id": "g", "relationship": "parent", "verification_method": "digilocker", "verification_ref": "r", "adult": true}}),
        ),
        (
            "/v1/consents/validate",
            json!({"principal_id": "p-fuzz", "purpose": "account", "data_items": ["name"]}),
        ),
        (
            "/v1/consents/{consent}/update",
            json!({"decisions": {"marketing": "denied", "analytics": "granted"}}),
        ),
        (
            "/v1/consents/{consent}/renew",
            json!({"purposes": ["marketing", "account"]}),
        ),
        (
            "/v1/consents/{consent}/withdraw",
            json!({"purposes": ["marketing"]}),
        ),
    ];
    assert_eq!(valid_bodies.len(), MUTATING_ROUTES.len());

    let mut rng = Rng(0x5EED_A11D_CAFE_F00D);
    let mut seen = std::collections::BTreeMap::<u16, usize>::new();
    const PER_ROUTE: usize = 60;
    for (template, valid) in &valid_bodies {
        let path = route(template, &cat.notice_id, &id);
        for i in 0..PER_ROUTE {
            let mut body = valid.clone();
            for _ in 0..=rng.below(3) {
                mutate(&mut rng, &mut body);
            }
            let bytes = to_bytes(&mut rng, &body);
            let (st, h, v) = raw(
                &s,
                Method::POST,
                &path,
                Some(&format!("Bearer {}", s.key)),
                Some("application/json"),
                Some(bytes.clone()),
            )
            .await;
            assert!(
                !st.is_server_error(),
                "{path} case {i}: {st} for {:?}: {v}",
                String::from_utf8_lossy(&bytes)
            );
            if st.is_client_error() {
                assert_eq!(
                    h.get("content-type").map(|v| v.to_str().unwrap()),
                    Some("application/problem+json"),
                    "{path}: {v}"
                );
                assert_eq!(v["status"], st.as_u16(), "{path}: {v}");
                assert!(v["code"].is_string(), "{path}: {v}");
            }
            *seen.entry(st.as_u16()).or_default() += 1;
        }
        let (st, v) = s.send(Method::GET, "/healthz", None, None).await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    assert_eq!(
        seen.values().sum::<usize>(),
        PER_ROUTE * MUTATING_ROUTES.len()
    );
    assert!(
        seen.len() >= 3,
        "the fuzzer should reach several answers: {seen:?}"
    );

    // Still healthy, still consistent: every artefact's history is a chain.
    let (st, v) = s.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    for p in ["p-fuzz", "p-fuzz-2"] {
        for item in s.principal_items(p, "").await {
            let got = s.consent(&id_of(&item)).await;
            for (i, version) in got["history"].as_array().unwrap().iter().enumerate() {
                assert_eq!(version["version"], i + 1);
            }
        }
    }
    let v = s.validate("p-fuzz", "account").await;
    assert!(v["reason"].is_string());
}
