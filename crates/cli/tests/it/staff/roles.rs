//! Roles: grants and revocations at once, tenant isolation, custom roles and the access report.

use super::fid;
use crate::harness::*;
use anumodan_core::authz::{BuiltinRole, Scope};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

#[tokio::test]
async fn grants_and_revocations_apply_on_the_very_next_request() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);
    let (admin, _, admin_id) = staff_session(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    let (op, _, op_id) = staff_session(&s, "clerk", Some(f), &[]).await;
    let entries = format!("/v1/fiduciaries/{f}/audit/entries");
    let (st, v) = op.get(&entries).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );

    let grant = json!({"role": "auditor", "fiduciary_id": f});
    let (st, v) = admin
        .post(&format!("/v1/staff/{op_id}/roles"), grant.clone())
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (st, v) = op.get(&entries).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = admin
        .post(&format!("/v1/staff/{op_id}/roles"), grant.clone())
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_granted"))
    );

    // Revoked mid-session: the same session is refused on its next request.
    let (st, v) = admin
        .post(&format!("/v1/staff/{op_id}/roles/revoke"), grant.clone())
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (st, v) = op.get(&entries).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );

    // Nobody changes their own roles; a fiduciary's staff hold roles only there.
    let (st, v) = admin
        .post(
            &format!("/v1/staff/{admin_id}/roles"),
            json!({"role": "dpo"}),
        )
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("cannot_change_self"))
    );
    let (st, v) = admin
        .post(
            &format!("/v1/staff/{op_id}/roles"),
            json!({"role": "auditor"}),
        )
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_scope"))
    );

    let changes = store_entries(&s, f, "role.changed").await;
    let outcomes: Vec<&str> = changes.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["granted:auditor", "revoked:auditor"]);
    for e in &changes {
        assert_eq!(e.initiator, format!("staff:{admin_id}"));
        assert_eq!(e.artefact, Some(op_id));
    }
}

#[tokio::test]
async fn one_fiduciarys_staff_cannot_see_or_touch_anothers() {
    let s = TestServer::start().await;
    let a = fid(&s.fiduciary_id);
    let (b_id, _) = s.create_fiduciary("Other Bank").await;
    let b = fid(&b_id);
    let (adm, _, _) = staff_session(
        &s,
        "a-admin",
        Some(a),
        &[builtin(BuiltinRole::Admin, Scope::Fiduciary(a))],
    )
    .await;
    let b_staff = make_staff(&s, "b-clerk", Some(b), &[]).await;
    let platform_staff = make_staff(
        &s,
        "root",
        None,
        &[builtin(BuiltinRole::Admin, Scope::Platform)],
    )
    .await;
    let missing = Uuid::now_v7();
    let gets = [
        format!("/v1/staff?fiduciary_id={b}"),
        "/v1/staff".to_string(),
        format!("/v1/roles?fiduciary_id={b}"),
        format!("/v1/access/report?fiduciary_id={b}"),
        format!("/v1/fiduciaries/{b}/audit/entries"),
        format!("/v1/fiduciaries/{}/audit/entries", Uuid::nil()),
    ];
    for path in &gets {
        let (st, v) = adm.get(path).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("fiduciary_not_found")),
            "{path}"
        );
    }
    for target in [b_staff, platform_staff, missing] {
        let (st, v) = adm.get(&format!("/v1/staff/{target}")).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("staff_not_found"))
        );
        let (st, v) = adm
            .post(&format!("/v1/staff/{target}/disable"), json!({}))
            .await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("staff_not_found"))
        );
        let (st, v) = adm
            .post(
                &format!("/v1/staff/{target}/roles"),
                json!({"role": "operator", "fiduciary_id": a}),
            )
            .await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("staff_not_found"))
        );
    }
    for body in [
        json!({"username": "intruder", "fiduciary_id": b}),
        json!({"username": "intruder"}),
    ] {
        let (st, v) = adm.post("/v1/staff", body).await;
        assert_eq!(
            (st, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("fiduciary_not_found"))
        );
    }
    let (st, v) = adm
        .post(
            "/v1/roles",
            json!({"name": "x", "fiduciary_id": b, "permissions": ["catalog.read"]}),
        )
        .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("fiduciary_not_found"))
    );
    // B's clerk was not touched.
    let (st, v) = adm.get(&format!("/v1/staff?fiduciary_id={a}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!v.to_string().contains("b-clerk"), "{v}");
    assert!(store_entries(&s, b, "role.changed").await.is_empty());
    assert!(store_entries(&s, b, "staff.disabled").await.is_empty());
}

#[tokio::test]
async fn custom_roles_and_the_access_report() {
    let s = TestServer::start().await;
    let f = fid(&s.fiduciary_id);
    let (adm, _, adm_id) = staff_session(
        &s,
        "f-admin",
        Some(f),
        &[builtin(BuiltinRole::Admin, Scope::Fiduciary(f))],
    )
    .await;
    let (aud, _, aud_id) = staff_session(
        &s,
        "f-auditor",
        Some(f),
        &[builtin(BuiltinRole::Auditor, Scope::Fiduciary(f))],
    )
    .await;
    let clerk = make_staff(&s, "f-clerk", Some(f), &[]).await;

    for (perms, status, code) in [
        (
            json!(["catalog.everything"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_permission",
        ),
        (
            json!(["fiduciary.manage"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_permissions",
        ),
        (
            json!([]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_permissions",
        ),
        // Not held by the fiduciary's admin: no escalation through a custom role.
        (
            json!(["catalog.read", "pii.unmask"]),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
    ] {
        let (st, v) = adm
            .post(
                "/v1/roles",
                json!({"name": "viewer", "fiduciary_id": f, "permissions": perms}),
            )
            .await;
        assert_eq!((st, v["code"].as_str()), (status, Some(code)), "{v}");
    }
    let (st, role) = adm
        .post("/v1/roles", json!({"name": "viewer", "fiduciary_id": f, "permissions": ["catalog.read", "audit.read"]}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{role}");
    let role_id = role["id"].as_str().unwrap().to_string();
    let (st, v) = adm.get(&format!("/v1/roles?fiduciary_id={f}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 5, "{v}");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|r| r["role"] == role_id.as_str() && r["builtin"] == false)
    );

    let grant = json!({"role": role_id, "fiduciary_id": f});
    let (st, v) = adm
        .post(&format!("/v1/staff/{clerk}/roles"), grant.clone())
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");

    let (st, report) = aud
        .get(&format!("/v1/access/report?fiduciary_id={f}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{report}");
    let holds = |r: &Value, who: Uuid, p: &str| {
        r["holdings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["staff_id"] == who.to_string() && h["permission"] == p)
    };
    assert!(holds(&report, clerk, "audit.read"), "{report}");
    assert!(holds(&report, adm_id, "roles.manage"));
    assert!(holds(&report, aud_id, "audit.read"));
    assert!(!holds(&report, aud_id, "catalog.write"));
    let h = report["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["staff_id"] == clerk.to_string())
        .unwrap();
    assert_eq!(h["username"], "f-clerk");
    assert_eq!(h["role"], role_id.as_str());

    let (st, _) = adm
        .post(&format!("/v1/staff/{clerk}/roles/revoke"), grant)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, report) = aud
        .get(&format!("/v1/access/report?fiduciary_id={f}"))
        .await;
    assert!(!holds(&report, clerk, "audit.read"));
    let changes: Vec<(String, String, String)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["staff_id"] == clerk.to_string())
        .map(|c| {
            (
                c["change"].as_str().unwrap().into(),
                c["role"].as_str().unwrap().into(),
                c["by"].as_str().unwrap().into(),
            )
        })
        .collect();
    let by = format!("staff:{adm_id}");
    assert_eq!(
        changes,
        [
            ("granted".into(), role_id.clone(), by.clone()),
            ("revoked".into(), role_id.clone(), by)
        ]
    );
    assert!(
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["at"].is_string())
    );
    assert_eq!(store_entries(&s, f, "role.created").await.len(), 1);
}
