//! Every action is one entry, with every field: written step by step (`reading` then reads
//! the log whole, by page, by index and by filter).

use super::reading::{filters, time_range_filters, whole_log};

use super::{assert_consent_entry, assert_shape};
use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

pub(super) const ALICE: &str = "alice.sharma@example.in";
pub(super) const BOB: &str = "+91-98765-43210";

/// `hours` hours after T0: the instants of the run's steps (catalogue at T0, collection +1h,
/// validations +2h, update +3h, renewal +4h, withdrawals +5h; expiry on day 100).
pub(super) fn at(hours: i64) -> OffsetDateTime {
    T0 + Duration::hours(hours)
}

pub(super) fn day_100() -> OffsetDateTime {
    T0 + Duration::days(100)
}

/// The run the test walks through, one action after the other: what the ledger must hold so
/// far.
struct Run {
    s: TestServer,
    cat: Catalog,
    /// The fiduciary, as every entry names it.
    fid: Value,
    /// The initiator of what the API key does (`fiduciary:<key id>`).
    api: String,
    /// Alice's artefact and her pseudonym, once collected.
    art: Value,
    pseudonym: Value,
    /// The index of the next entry.
    next: u64,
}

#[tokio::test]
async fn every_action_is_one_entry_with_every_field() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let fid = json!(s.fiduciary_id);
    let api = catalogue_entries(&s, &cat, &fid).await;
    let mut r = Run {
        s,
        cat,
        fid,
        api,
        art: Value::Null,
        pseudonym: Value::Null,
        next: 12,
    };
    collection_entries(&mut r).await;
    validation_entries(&mut r).await;
    update_entry(&mut r).await;
    renewal_entry(&mut r).await;
    withdrawal_entries(&mut r).await;
    expiry_entries(&mut r).await;
    // Reading: the whole log, complete and in order, whatever the page size; then filtered.
    let all = whole_log(&r.s, r.next, &r.fid).await;
    filters(&r.s, &r.pseudonym, &all).await;
    time_range_filters(&r.s).await;
    // Nothing in any entry is the principal's id in clear.
    let text = serde_json::to_string(&all).unwrap();
    for secret in [ALICE, BOB, "alice"] {
        assert!(!text.contains(secret), "{secret} appears in the ledger");
    }
    // Bob's number without its punctuation, as a number of its own: not inside a hash or an
    // id, where five hex digits turn up by chance (about once in twenty runs).
    let standalone = text.match_indices("98765").any(|(i, _)| {
        let hex = |c: Option<char>| c.is_some_and(|c| c.is_ascii_hexdigit());
        !hex(text[..i].chars().next_back()) && !hex(text[i + 5..].chars().next())
    });
    assert!(!standalone, "98765 appears in the ledger");
}

/// Registration and catalogue (at T0): one entry each, no principal, no artefact. Returns the
/// initiator of the API key's actions.
async fn catalogue_entries(s: &TestServer, cat: &Catalog, fid: &Value) -> String {
    let catalogue = s.entries("").await;
    let actions: Vec<&str> = catalogue
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "fiduciary.created",
            "api_key.created",
            "data_item.created",
            "data_item.created",
            "data_item.created",
            "data_item.created",
            "purpose.created",
            "purpose.created",
            "purpose.created",
            "purpose.created",
            "notice.created",
            "notice.published"
        ]
    );
    let indices: Vec<u64> = catalogue.iter().map(idx).collect();
    assert_eq!(indices, (0..12).collect::<Vec<u64>>());
    for e in &catalogue {
        assert_shape(e);
        assert_eq!(e["fiduciary"], *fid, "{e}");
        assert_eq!(e["timestamp"], rfc3339(T0), "{e}");
        for absent in ["principal", "status", "artefact", "version"] {
            assert!(e[absent].is_null(), "{absent} in {e}");
        }
    }
    // Registration is done by the operator, the rest through the API key from 127.0.0.1.
    let key_id = catalogue[1]["outcome"].as_str().unwrap();
    let api = format!("fiduciary:{key_id}");
    for e in &catalogue[..2] {
        assert_eq!(e["initiator"], "test", "{e}");
        assert!(e["source_ip"].is_null(), "{e}");
        assert!(e["outcome"].is_string(), "{e}");
    }
    for e in &catalogue[2..] {
        assert_eq!(e["initiator"], api, "{e}");
        assert_eq!(e["source_ip"], "127.0.0.1", "{e}");
    }
    let outcomes: Vec<&Value> = catalogue[2..6].iter().map(|e| &e["outcome"]).collect();
    assert_eq!(outcomes, ["name", "mobile", "email", "pan"]);
    let purposes: Vec<&Value> = catalogue[6..10].iter().map(|e| &e["purpose"]).collect();
    assert_eq!(
        purposes,
        ["account", "marketing", "analytics", "tax_records"]
    );
    assert_eq!(catalogue[10]["outcome"], cat.notice_id);
    assert_eq!(catalogue[11]["outcome"], format!("{}@1", cat.notice_id));
    api
}

/// +1h: collection, one entry per purpose, granted and denied, with the resulting status.
async fn collection_entries(r: &mut Run) {
    let s = &r.s;
    s.clock.set(at(1));
    let a = s
        .collect_ok(
            &r.cat,
            ALICE,
            decisions("granted", "denied", "granted", "granted"),
        )
        .await;
    let art = a["id"].clone();
    assert_eq!(a["audit_log_id"], 12, "{a}");
    let collected = s.entries_from(12).await;
    assert_eq!(collected.len(), 4, "{collected:?}");
    for (e, (purpose, status)) in collected.iter().zip([
        ("account", "active"),
        ("marketing", "denied"),
        ("analytics", "active"),
        ("tax_records", "active"),
    ]) {
        assert_consent_entry(
            e,
            "consent.collected",
            purpose,
            Some(status),
            "ok",
            &art,
            json!(1),
            at(1),
        );
        assert_eq!(e["initiator"], r.api);
        assert_eq!(e["source_ip"], "127.0.0.1");
        assert_eq!(e["fiduciary"], r.fid);
    }
    let pseudonym = collected[0]["principal"].clone();
    let p = pseudonym.as_str().unwrap();
    assert_eq!(p.len(), 32, "a 128-bit pseudonym in hex: {p}");
    assert!(
        p.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert!(collected.iter().all(|e| e["principal"] == pseudonym));
    r.art = art;
    r.pseudonym = pseudonym;
    r.next = 16;
}

/// +2h: validations, valid and invalid alike; each answer's audit_log_id is its entry. A
/// purpose never defined is recorded too; a malformed request is not.
async fn validation_entries(r: &mut Run) {
    let s = &r.s;
    s.clock.set(at(2));
    let cases = [
        (ALICE, "account", None, true, "active", Some("active")),
        (ALICE, "marketing", None, false, "denied", Some("denied")),
        (
            ALICE,
            "account",
            Some(json!(["pan"])),
            false,
            "scope_exceeded",
            Some("active"),
        ),
        (BOB, "account", None, false, "not_found", None),
    ];
    for (principal, purpose, data_items, valid, reason, status) in cases {
        let mut body = json!({"principal_id": principal, "purpose": purpose});
        if let Some(d) = data_items {
            body["data_items"] = d;
        }
        let (st, v) = s.post("/v1/consents/validate", body).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["valid"], valid, "{v}");
        assert_eq!(v["reason"], reason, "{v}");
        assert_eq!(v["audit_log_id"], r.next, "{v}");
        let (e, _) = s.entry_and_leaf(r.next).await;
        let (artefact, version) = match status {
            Some(_) => (r.art.clone(), json!(1)),
            None => (Value::Null, Value::Null),
        };
        assert_consent_entry(
            &e,
            "consent.validated",
            purpose,
            status,
            reason,
            &artefact,
            version,
            at(2),
        );
        assert_eq!(e["index"], r.next);
        if principal == ALICE {
            assert_eq!(e["principal"], r.pseudonym);
        } else {
            assert_ne!(e["principal"], r.pseudonym, "{e}");
        }
        r.next += 1;
    }
    // A validation for a purpose never defined is refused, and recorded all the same.
    let (st, v) = s
        .post(
            "/v1/consents/validate",
            json!({"principal_id": ALICE, "purpose": "no_such_purpose"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let new = s.entries_from(r.next).await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["action"], "consent.validated");
    assert_eq!(new[0]["purpose"], "no_such_purpose");
    assert_eq!(new[0]["outcome"], "unknown_purpose");
    assert!(new[0]["artefact"].is_null());
    r.next += 1;
    // A malformed request changes nothing, so it writes nothing.
    let (st, v) = s
        .post(
            "/v1/consents/validate",
            json!({"principal_id": ALICE, "purpose": "Not A Code"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(ledger_size(s).await, r.next);
}

/// +3h: update, only the purpose named.
async fn update_entry(r: &mut Run) {
    let s = &r.s;
    s.clock.set(at(3));
    let (st, v) = s
        .act(
            r.art.as_str().unwrap(),
            "update",
            evidence(json!({"decisions": {"marketing": "granted"}})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(v["audit_log_id"], r.next);
    let new = s.entries_from(r.next).await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert_consent_entry(
        &new[0],
        "consent.updated",
        "marketing",
        Some("active"),
        "ok",
        &r.art,
        json!(2),
        at(3),
    );
    r.next += 1;
}

/// +4h: renewal of one purpose.
async fn renewal_entry(r: &mut Run) {
    let s = &r.s;
    s.clock.set(at(4));
    let (st, v) = s
        .act(
            r.art.as_str().unwrap(),
            "renew",
            evidence(json!({"purposes": ["analytics"]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 3);
    assert_eq!(v["audit_log_id"], r.next);
    let new = s.entries_from(r.next).await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert_consent_entry(
        &new[0],
        "consent.renewed",
        "analytics",
        Some("active"),
        "ok",
        &r.art,
        json!(3),
        at(4),
    );
    r.next += 1;
}

/// +5h: withdrawal; the same withdrawal repeated (already in effect: nothing written); a
/// withdrawal under a legal exception.
async fn withdrawal_entries(r: &mut Run) {
    let s = &r.s;
    let next = r.next;
    s.clock.set(at(5));
    let id = r.art.as_str().unwrap();
    let (st, v) = s
        .act(id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 4);
    assert_eq!(v["audit_log_id"], next);
    let (st, again) = s
        .act(id, "withdraw", json!({"purposes": ["marketing"]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{again}");
    assert_eq!(again["version"], 4);
    assert_eq!(again["audit_log_id"], next);
    let (st, legal) = s
        .act(id, "withdraw", json!({"purposes": ["tax_records"]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{legal}");
    assert_eq!(legal["version"], 5);
    assert_eq!(legal["legal_exceptions"], json!(["tax_records"]));
    assert_eq!(legal["audit_log_id"], next + 1);
    let v = s.validate(ALICE, "tax_records").await;
    assert_eq!(v["reason"], "legal_exception", "{v}");
    assert_eq!(v["audit_log_id"], next + 2);
    let new = s.entries_from(next).await;
    assert_eq!(new.len(), 3, "{new:?}");
    assert_consent_entry(
        &new[0],
        "consent.withdrawn",
        "marketing",
        Some("withdrawn"),
        "ok",
        &r.art,
        json!(4),
        at(5),
    );
    assert_consent_entry(
        &new[1],
        "consent.withdrawn",
        "tax_records",
        Some("withdrawn"),
        "legal_exception",
        &r.art,
        json!(5),
        at(5),
    );
    assert_consent_entry(
        &new[2],
        "consent.validated",
        "tax_records",
        Some("withdrawn"),
        "legal_exception",
        &r.art,
        json!(5),
        at(5),
    );
    r.next += 3;
}

/// Day 100: analytics (renewed at +4h for 90 days) has expired; the job records it as the
/// system, without a source address. Then every artefact version points at the first entry
/// that records it.
async fn expiry_entries(r: &mut Run) {
    let s = &r.s;
    s.clock.set(day_100());
    assert_eq!(s.run_expiry().await, 1);
    let v = s.validate(ALICE, "analytics").await;
    assert_eq!(v["reason"], "expired", "{v}");
    let new = s.entries_from(r.next).await;
    assert_eq!(new.len(), 2, "{new:?}");
    assert_consent_entry(
        &new[0],
        "consent.expired",
        "analytics",
        Some("expired"),
        "ok",
        &r.art,
        json!(6),
        day_100(),
    );
    assert_eq!(new[0]["initiator"], "system");
    assert!(new[0]["source_ip"].is_null());
    assert_consent_entry(
        &new[1],
        "consent.validated",
        "analytics",
        Some("expired"),
        "expired",
        &r.art,
        json!(6),
        day_100(),
    );
    r.next += 2;
    let c = s.consent(r.art.as_str().unwrap()).await;
    let version_entries: Vec<Value> = c["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["audit_log_id"].clone())
        .collect();
    assert_eq!(
        version_entries,
        [
            json!(12),
            json!(21),
            json!(22),
            json!(23),
            json!(24),
            json!(r.next - 2)
        ]
    );
}
