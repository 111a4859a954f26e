//! Personal data: encrypted at rest, masked in answers, unmasked only with the scope and a
//! reason (audited), erased by destroying the principal's data key, master keys rotated.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn unmask_reveals_with_a_reason_and_records_who_what_whose_and_why() {
    let (s, cat, a, id) = start_with_consent("9876534821", all_granted()).await;
    assert_eq!(a["principal_id"], "******4821");
    assert_eq!(a["source_ip"], "127.0.0.*");
    let _ = cat;

    let reason = "Grievance GRV-2026-0042: confirm the complainant's number";
    let (st, v) = s
        .unmask(
            &id,
            json!({"fields": ["principal_id", "source_ip"], "reason": reason}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["consent_id"], id.as_str());
    assert_eq!(v["fields"]["principal_id"], "9876534821");
    assert_eq!(v["fields"]["source_ip"], "127.0.0.1");
    assert_eq!(v["fields"].as_object().unwrap().len(), 2);

    // Without `fields`: every personal data field, absent ones as null.
    let (st, all) = s.unmask(&id, json!({"reason": reason})).await;
    assert_eq!(st, StatusCode::OK, "{all}");
    assert_eq!(all["fields"]["principal_id"], "9876534821");
    assert!(all["fields"]["guardian.principal_id"].is_null());

    // The ledger: who (the key), what (the fields), whose (the principal's pseudonym, the same
    // as in the collection entry) and why (the reason's hash).
    let entries = s.audit_entries("pii.unmasked").await;
    assert_eq!(entries.len(), 2);
    let e = &entries[0];
    assert_eq!(e["index"], v["audit_log_id"]);
    assert!(e["initiator"].as_str().unwrap().starts_with("fiduciary:"));
    assert_eq!(
        e["outcome"],
        format!(
            "principal_id,source_ip reason_sha256={}",
            sha256_hex(reason)
        )
    );
    assert_eq!(e["artefact"], id.as_str());
    let collected = s.audit_entries("consent.collected").await;
    assert_eq!(e["principal"], collected[0]["principal"]);
    assert!(!e.to_string().contains("9876534821"));

    // The reason's text is kept beside the ledger, and matches the hash the entry commits to.
    let (dir, _guard) = s.stop().await;
    let idx = e["index"].as_i64().unwrap();
    let kept: String = with_db(&dir, |conn| {
        conn.query_row(
            "SELECT reason FROM unmask_reasons WHERE idx = ?1",
            [idx],
            |r| r.get(0),
        )
        .unwrap()
    });
    assert_eq!(kept, reason);
}

#[tokio::test]
async fn bad_unmask_requests_are_refused_and_record_nothing() {
    let (s, _cat, _a, id) = start_with_consent("citizen-777", all_granted()).await;
    let before = ledger_size(&s).await;
    let path = format!("/v1/consents/{id}/unmask");
    for (body, status, code) in [
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (
            json!({"reason": "  x "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reason",
        ),
        (
            json!({"reason": "a\u{7}bell in the reason"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reason",
        ),
        (
            json!({"reason": "r".repeat(501)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reason",
        ),
        (
            json!({"reason": "audit sample", "fields": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_fields",
        ),
        (
            json!({"reason": "audit sample", "fields": ["purposes"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_fields",
        ),
    ] {
        s.post_expect(&path, body, status, code).await;
    }
    s.post_expect(
        &format!("/v1/consents/{}/unmask", uuid::Uuid::now_v7()),
        json!({"reason": "audit sample"}),
        StatusCode::NOT_FOUND,
        "consent_not_found",
    )
    .await;
    assert_eq!(ledger_size(&s).await, before);
    // Another fiduciary cannot unmask this one's artefact, nor learn that it exists.
    let (_, key_b) = s.create_fiduciary("Other Fiduciary").await;
    let before = ledger_size(&s).await;
    let (st, v) = s
        .api_as(&key_b)
        .post(&path, json!({"reason": "curiosity killed"}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["code"], "consent_not_found");

    // Unmask attempts wrote nothing.
    assert!(s.audit_entries("pii.unmasked").await.is_empty());
    assert_eq!(ledger_size(&s).await, before);
}

#[tokio::test]
async fn erasure_destroys_the_key_closes_the_consents_and_the_ledger_still_verifies() {
    let (s, cat, _a, id) = start_with_consent("erase-me-4242", all_granted()).await;
    let other = s.collect_ok(&cat, "keep-me-1717", all_granted()).await;
    let (me, _) = s.principal_token("erase-me-4242", None).await;
    assert_eq!(
        s.validate("erase-me-4242", "marketing").await["valid"],
        true
    );

    let (st, v) = s.erase("erase-me-4242").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["erased"], true);
    assert_eq!(v["artefacts"], 1);
    assert_eq!(v["consents_closed"], 4);
    let e = s.audit_entries("principal.erased").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["index"], v["audit_log_id"]);
    assert_eq!(e[0]["outcome"], "key_destroyed");

    // Processing stops at once: no purpose of the erased principal validates.
    for p in ["account", "marketing", "analytics"] {
        let r = s.validate("erase-me-4242", p).await;
        assert_eq!(r["valid"], false, "{r}");
        assert_eq!(r["reason"], "not_found", "{r}");
    }
    // Nothing links the person to the artefacts any more: not their id, nor a token issued
    // before the erasure.
    assert!(s.principal_items("erase-me-4242", "").await.is_empty());
    let (st, mine) = me.consents().await;
    assert_eq!(st, StatusCode::OK);
    assert!(mine["items"].as_array().unwrap().is_empty(), "{mine}");
    // The artefact is a tombstone: readable, personal data gone, no lifecycle changes.
    let c = s.consent(&id).await;
    assert_eq!(c["principal_id"], "[erased]");
    assert!(
        c["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["principal_id"] == "[erased]" && h["source_ip"] == "[erased]")
    );
    s.post_expect(
        &format!("/v1/consents/{id}/withdraw"),
        json!({}),
        StatusCode::NOT_FOUND,
        "consent_not_found",
    )
    .await;
    s.post_expect(
        &format!("/v1/consents/{id}/unmask"),
        json!({"reason": "after erasure"}),
        StatusCode::NOT_FOUND,
        "consent_not_found",
    )
    .await;
    // Other principals are untouched.
    let (st, u) = s
        .unmask(&id_of(&other), json!({"reason": "spot check"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{u}");
    assert_eq!(u["fields"]["principal_id"], "keep-me-1717");
    assert_eq!(s.validate("keep-me-1717", "marketing").await["valid"], true);

    // Erasing again finds nothing to erase (and says so in the ledger).
    let (st, again) = s.erase("erase-me-4242").await;
    assert_eq!(st, StatusCode::OK, "{again}");
    assert_eq!(again["erased"], false);

    // The same person may come back: a new key, a new readable artefact; the old one stays
    // erased.
    let back = s.collect_ok(&cat, "erase-me-4242", all_granted()).await;
    let (st, u) = s
        .unmask(&id_of(&back), json!({"reason": "returning user"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{u}");
    assert_eq!(u["fields"]["principal_id"], "erase-me-4242");
    assert_eq!(s.consent(&id).await["principal_id"], "[erased]");
    let listed = s.principal_items("erase-me-4242", "").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], back["id"]);

    // The wrapped key is gone from the database; the ledger verifies as before.
    let size = ledger_size(&s).await;
    let (dir, _guard) = s.stop().await;
    {
        let (live, erased): (i64, i64) = with_db(&dir, |conn| {
            conn.query_row(
                "SELECT COUNT(*) FILTER (WHERE wrapped_key IS NOT NULL),
                        COUNT(*) FILTER (WHERE erased_at IS NOT NULL) FROM principals",
                (),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
        });
        // keep-me and the returning erase-me have keys; none is marked erased any more
        // (the returning principal got a new key).
        assert_eq!((live, erased), (2, 0));
    }
    let o = audit_verify(&dir);
    assert_ok(&o);
    assert!(
        out_text(&o).contains(&format!("entries verified:      {size}")),
        "{}",
        out_text(&o)
    );
}

#[tokio::test]
async fn erase_input_errors() {
    let s = TestServer::start().await;
    for (body, code) in [
        (json!({}), "invalid_body"),
        (json!({"principal_id": ""}), "invalid_principal_id"),
        (json!({"principal_id": "x", "extra": 1}), "invalid_body"),
    ] {
        let (st, v) = s.post("/v1/principals/erase", body).await;
        assert!(st.is_client_error(), "{v}");
        assert_eq!(v["code"], code, "{v}");
    }
}

#[tokio::test]
async fn guardian_data_is_sealed_under_the_guardians_own_key() {
    let s = TestServer::start().await;
    let cat = s.seed().await;
    let (st, a) = s
        .post(
            "/v1/consents",
            json!({"notice_id": cat.notice_id, "notice_version": 1, "principal_id": "child-3131", "language": "en",
                   "decisions": all_granted(), "method": "web",
                   "guardian": {"principal_id": "parent-5151", "relationship": "parent",
                                "verification_method": "digilocker", "verification_ref": "DL-REF-99887766", "adult": true}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let id = id_of(&a);
    assert_eq!(a["guardian"]["principal_id"], "******5151");
    assert_eq!(a["guardian"]["verification_ref"], "******7766");

    // Erasing the guardian hides the guardian's data in the child's artefact, not the child's.
    let (st, _) = s.erase("parent-5151").await;
    assert_eq!(st, StatusCode::OK);
    let (st, u) = s.unmask(&id, json!({"reason": "guardian check"})).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    assert_eq!(u["fields"]["principal_id"], "child-3131");
    assert_eq!(u["fields"]["guardian.principal_id"], "[erased]");
    assert_eq!(u["fields"]["guardian.verification_ref"], "[erased]");
}

#[tokio::test]
async fn master_key_rotation_rewraps_every_data_key_while_serving_and_after_restart() {
    let (s, cat, _a, id) = start_with_consent("rotate-1111", all_granted()).await;
    for i in 0..300 {
        s.collect_ok(&cat, &format!("bulk-{i:05}"), all_granted())
            .await;
    }
    let store = s.state().store.clone();
    let (old, counts) = store.master_key_status().await.unwrap();
    assert_eq!(counts.get(&old), Some(&301));

    // Rotate while serving: new principals are wrapped by the new key at once.
    let new = store.rotate_master_key().unwrap();
    assert_ne!(new, old);
    s.collect_ok(&cat, "after-rotation", all_granted()).await;
    let (_, counts) = store.master_key_status().await.unwrap();
    assert_eq!(counts.get(&new), Some(&1));
    // Data under the old key still opens before re-wrapping.
    let (st, u) = s.unmask(&id, json!({"reason": "before rewrap"})).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    assert_eq!(u["fields"]["principal_id"], "rotate-1111");

    // Re-wrap in batches beside live traffic.
    let (n, _) = tokio::join!(store.rewrap_data_keys(), async {
        for i in 0..20 {
            s.validate(&format!("bulk-{i:05}"), "marketing").await;
        }
    });
    assert_eq!(n.unwrap(), 301);
    let (current, counts) = store.master_key_status().await.unwrap();
    assert_eq!(current, new);
    assert_eq!(counts.len(), 1, "{counts:?}");
    assert_eq!(counts.get(&new), Some(&302));

    // After a restart the new key is current and everything opens.
    drop(store);
    let s = s.restart().await;
    let (current, _) = s.state().store.master_key_status().await.unwrap();
    assert_eq!(current, new);
    let (st, u) = s.unmask(&id, json!({"reason": "after restart"})).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    assert_eq!(u["fields"]["principal_id"], "rotate-1111");

    // Once no data key needs it, the old master key can go; data still opens.
    let (dir, guard) = s.stop().await;
    std::fs::remove_file(dir.join("keys/master").join(format!("{old}.key"))).unwrap();
    let o = anumodan(&["keys", "status", "--data-dir", ps(&dir)]);
    assert_ok(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["current_master_key"], new.as_str());
    assert_eq!(v["data_keys_by_master_key"][&new], 302);
    drop(guard);
}

#[tokio::test]
async fn offline_rotation_with_the_cli() {
    let (s, _cat, _a, id) = start_with_consent("cli-rotate-2222", all_granted()).await;
    let key = s.key.clone();
    let (dir, guard) = s.stop().await;
    let o = anumodan(&["keys", "rotate-master", "--data-dir", ps(&dir)]);
    assert_ok(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let new = v["new_master_key"].as_str().unwrap().to_string();
    assert_eq!(v["rewrapped"], 1);
    assert_eq!(v["current_master_key"], new.as_str());
    assert_eq!(v["data_keys_by_master_key"].as_object().unwrap().len(), 1);

    // A server on the rotated directory opens the data.
    let s = TestServer::open(dir.clone(), key).await;
    let (st, u) = s.unmask(&id, json!({"reason": "after cli rotation"})).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    assert_eq!(u["fields"]["principal_id"], "cli-rotate-2222");
    s.stop().await;
    drop(guard);
}
