//! Templates (BRD 4.4.1): built in for every event in the 23 languages, overridable per
//! fiduciary and language, checked when saved.

use super::*;

#[tokio::test]
async fn a_fiduciary_overrides_a_template_which_is_checked_when_saved() {
    let s = start().await;
    let cat = s.seed().await;
    let (st, builtin) = s
        .get("/v1/notification-templates/consent_collected/bn")
        .await;
    assert_eq!(st, StatusCode::OK, "{builtin}");
    assert_eq!(builtin["custom"], false);
    assert!(
        builtin["variables"]
            .as_array()
            .unwrap()
            .contains(&json!("granted"))
    );

    // Refused: an unknown variable, a malformed template; nothing saved.
    for bad in [
        json!({"subject": "Hello {{ nobody }}", "text": "x", "sms": "x"}),
        json!({"subject": "Hello", "text": "{% if %}", "sms": "x"}),
        json!({"subject": "", "text": "x", "sms": "x"}),
    ] {
        let (st, v) = s
            .put("/v1/notification-templates/consent_collected/en", bad)
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "invalid_template", "{v}");
    }
    let (_, still) = s
        .get("/v1/notification-templates/consent_collected/en")
        .await;
    assert_eq!(still["custom"], false);
    let (st, _) = s
        .get("/v1/notification-templates/consent_exploded/en")
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let (st, v) = s
        .put(
            "/v1/notification-templates/consent_collected/en",
            json!({"subject": "Thank you from {{ fiduciary }}",
                   "text": "You agreed to: {{ granted | join(', ') }}.", "sms": "Agreed: {{ granted | join(', ') }}"}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    s.collect_ok(&cat, "ravi", all_granted()).await;
    s.notify_now().await;
    let (me, _) = s.principal_token("ravi", None).await;
    let (_, inbox) = me.get("/v1/me/notifications").await;
    assert_eq!(
        inbox["items"][0]["title"],
        "Thank you from Test Municipal Corporation"
    );
    assert_eq!(
        inbox["items"][0]["body"].as_str().unwrap().trim_end(),
        "You agreed to: Account, Marketing, Analytics, Tax records."
    );
    assert_eq!(
        s.audit_entries("notification_template.changed").await.len(),
        1
    );

    let (st, _) = s
        .send(
            reqwest::Method::DELETE,
            "/v1/notification-templates/consent_collected/en",
            Some(&s.key),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, back) = s
        .get("/v1/notification-templates/consent_collected/en")
        .await;
    assert_eq!(back["custom"], false);
}
