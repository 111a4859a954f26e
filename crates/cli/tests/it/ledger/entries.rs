//! Every action is one entry, with every field, readable whole, by page, by index and by filter.

use crate::harness::*;
use anumodan_core::audit::AuditEntry;
use anumodan_ledger::merkle::leaf_hash;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The fields of an audit entry, in the order they are hashed.
const ENTRY_FIELDS: [&str; 12] = [
    "index",
    "timestamp",
    "fiduciary",
    "principal",
    "purpose",
    "action",
    "status",
    "outcome",
    "initiator",
    "source_ip",
    "artefact",
    "version",
];

/// Asserts that `e` is an entry with exactly the ledger's fields.
fn assert_shape(e: &Value) {
    let keys: Vec<&str> = e
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {e}"))
        .keys()
        .map(String::as_str)
        .collect();
    let mut want: BTreeSet<&str> = ENTRY_FIELDS.into_iter().collect();
    // An entry that wrote an artefact version commits to it (issue 17, item 9); no other
    // entry carries the field.
    let writes_version = [
        "consent.collected",
        "consent.updated",
        "consent.renewed",
        "consent.withdrawn",
        "consent.expired",
    ]
    .contains(&e["action"].as_str().unwrap_or_default());
    if writes_version {
        want.insert("artefact_sha256");
        let h = e["artefact_sha256"].as_str().unwrap_or_default();
        assert!(
            h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()),
            "{e}"
        );
    }
    assert_eq!(
        keys.iter().copied().collect::<BTreeSet<_>>(),
        want,
        "fields of {e}"
    );
}

/// Asserts the fields of a consent entry.
#[allow(clippy::too_many_arguments)]
fn assert_consent_entry(
    e: &Value,
    action: &str,
    purpose: &str,
    status: Option<&str>,
    outcome: &str,
    artefact: &Value,
    version: Value,
    at: OffsetDateTime,
) {
    assert_shape(e);
    assert_eq!(e["action"], action, "{e}");
    assert_eq!(e["purpose"], purpose, "{e}");
    assert_eq!(e["status"], json!(status), "{e}");
    assert_eq!(e["outcome"], outcome, "{e}");
    assert_eq!(e["artefact"], *artefact, "{e}");
    assert_eq!(e["version"], version, "{e}");
    assert!(
        e["principal"].is_string(),
        "a consent entry names its principal: {e}"
    );
    assert_eq!(e["timestamp"], rfc3339(at), "{e}");
}

/// Percent-encodes a query value.
fn urlenc(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const ALICE: &str = "alice.sharma@example.in";
const BOB: &str = "+91-98765-43210";

/// `hours` hours after T0: the instants of the run's steps (catalogue at T0, collection +1h,
/// validations +2h, update +3h, renewal +4h, withdrawals +5h; expiry on day 100).
fn at(hours: i64) -> OffsetDateTime {
    T0 + Duration::hours(hours)
}

fn day_100() -> OffsetDateTime {
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
    let all = whole_log(&r).await;
    filters(&r, &all).await;
    time_range_filters(&r).await;
    // Nothing in any entry is the principal's id in clear.
    let text = serde_json::to_string(&all).unwrap();
    for secret in [ALICE, BOB, "alice", "98765"] {
        assert!(!text.contains(secret), "{secret} appears in the ledger");
    }
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

/// The whole log, complete and in order, whatever the page size; each entry also by index,
/// with its leaf hash. Returns it.
async fn whole_log(r: &Run) -> Vec<Value> {
    let s = &r.s;
    let all = s.entries("").await;
    assert_eq!(
        all.iter().map(idx).collect::<Vec<_>>(),
        (0..r.next).collect::<Vec<_>>()
    );
    for e in &all {
        assert_shape(e);
        assert_eq!(e["fiduciary"], r.fid);
    }
    for limit in [1, 2, 5, 7, 27, 1000] {
        assert_eq!(s.entries_paged("", limit).await, all, "limit {limit}");
    }
    for e in &all {
        let (without_hash, leaf) = s.entry_and_leaf(idx(e)).await;
        assert_eq!(&without_hash, e);
        let entry: AuditEntry = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(b64hash(&leaf), leaf_hash(&entry.leaf_data()));
    }
    all
}

/// The filters by principal, purpose and action, alone, combined and paged.
async fn filters(r: &Run, all: &[Value]) {
    let (s, pseudonym) = (&r.s, &r.pseudonym);
    let by_alice = s.entries(&format!("principal_id={}", urlenc(ALICE))).await;
    assert_eq!(by_alice.len(), 4 + 3 + 1 + 1 + 4 + 2, "{by_alice:?}");
    assert!(by_alice.iter().all(|e| e["principal"] == *pseudonym));
    let expected: Vec<&Value> = all
        .iter()
        .filter(|e| e["principal"] == *pseudonym)
        .collect();
    assert_eq!(by_alice.iter().collect::<Vec<_>>(), expected);
    let by_bob = s.entries(&format!("principal_id={}", urlenc(BOB))).await;
    assert_eq!(by_bob.len(), 1);
    assert_eq!(by_bob[0]["outcome"], "not_found");
    assert!(s.entries("principal_id=nobody").await.is_empty());
    // Paging a filtered list.
    assert_eq!(
        s.entries_paged(&format!("principal_id={}", urlenc(ALICE)), 4)
            .await,
        by_alice
    );

    let marketing = s.entries("purpose=marketing").await;
    let acts: Vec<&str> = marketing
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        acts,
        [
            "purpose.created",
            "consent.collected",
            "consent.validated",
            "consent.updated",
            "consent.withdrawn",
        ]
    );
    assert!(marketing.iter().all(|e| e["purpose"] == "marketing"));

    for (action, n) in [
        ("consent.collected", 4),
        ("consent.validated", 7),
        ("consent.updated", 1),
        ("consent.renewed", 1),
        ("consent.withdrawn", 2),
        ("consent.rejected", 0),
        ("consent.expired", 1),
        ("data_item.created", 4),
        ("notice.published", 1),
        ("pii.unmasked", 0),
    ] {
        let got = s.entries(&format!("action={action}")).await;
        assert_eq!(got.len(), n, "{action}: {got:?}");
        assert!(got.iter().all(|e| e["action"] == action));
        let want: Vec<&Value> = all.iter().filter(|e| e["action"] == action).collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), want);
    }
    let combined = s
        .entries(&format!(
            "principal_id={}&purpose=analytics&action=consent.validated",
            urlenc(ALICE)
        ))
        .await;
    assert_eq!(combined.len(), 1, "{combined:?}");
    assert_eq!(combined[0]["outcome"], "expired");
}

/// Time range: [from, to), each step apart.
async fn time_range_filters(r: &Run) {
    let s = &r.s;
    for (from, to, n) in [
        (T0, at(1), 12),
        (at(1), at(2), 4),
        (at(2), at(3), 5),
        (at(3), at(5), 2),
        (at(5), day_100(), 3),
        (day_100(), day_100() + Duration::seconds(1), 2),
        (T0 - Duration::days(1), T0, 0),
    ] {
        let got = s
            .entries(&format!("from={}&to={}", rfc3339(from), rfc3339(to)))
            .await;
        assert_eq!(got.len(), n, "[{from}, {to}): {got:?}");
        for e in &got {
            let t = OffsetDateTime::parse(e["timestamp"].as_str().unwrap(), &Rfc3339).unwrap();
            assert!(from <= t && t < to, "{e}");
        }
    }
    assert_eq!(
        s.entries(&format!("from={}", rfc3339(at(5)))).await.len(),
        5
    );
    assert_eq!(s.entries(&format!("to={}", rfc3339(at(2)))).await.len(), 16);
    let got = s
        .entries(&format!(
            "from={}&to={}&principal_id={}&action=consent.validated",
            rfc3339(at(2)),
            rfc3339(at(3)),
            urlenc(ALICE)
        ))
        .await;
    assert_eq!(got.len(), 4, "{got:?}");
}
