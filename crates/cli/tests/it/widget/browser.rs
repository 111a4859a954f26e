//! The banner in Chromium (`tests/browser/widget/banner.mjs`): prior blocking on a cold cache
//! (requests to a second loopback origin are counted), the three equal buttons, no layout
//! shift, customise, reopen and withdraw (the category's cookie deleted, its script not run on
//! the next load), reject all, GPC, Consent Mode, Hindi and Urdu (right to left), axe-core, a
//! new policy version asking again, and the gzip'd size.

use super::{banner_outcomes, seed_banner};
use crate::harness::*;
use serde_json::json;

#[tokio::test]
async fn the_banner_blocks_until_consent_and_deletes_cookies_on_withdrawal() {
    let s = TestServer::start().await;
    let notice = seed_banner(&s).await;
    let out = run_browser(
        "widget/banner.mjs",
        &s.url,
        &[&s.fiduciary_id, &s.key, &notice],
    )
    .await;
    let get = |k: &str| out[k].clone();

    // First visit: a labelled dialog, fixed over the page, nothing optional loaded or run.
    assert_eq!(get("banner")["role"], "dialog", "{out}");
    assert_eq!(get("banner")["label"], "Cookies on this site");
    assert_eq!(get("banner")["position"], "fixed");
    assert_eq!(get("requests_before_consent"), 0, "{out}");
    assert_eq!(get("ran_before_consent"), 0);
    assert_eq!(get("cls"), 0, "no layout shift: {out}");
    for k in [
        "ad_storage",
        "ad_user_data",
        "ad_personalization",
        "analytics_storage",
    ] {
        assert_eq!(get("consent_mode_default")[k], "denied", "{k}: {out}");
    }
    // Accept all, reject all and customise look the same.
    let buttons = get("buttons");
    let b = buttons.as_array().unwrap();
    assert_eq!(b.len(), 3, "{buttons}");
    for x in b {
        for k in ["font", "padding", "colours"] {
            assert_eq!(x[k], b[0][k], "{k}: {buttons}");
        }
    }
    assert_eq!(get("first_tab_in_banner"), true);
    assert_ne!(get("focus_outline"), "none");
    assert_eq!(get("axe_en"), json!([]), "{out}");

    // Customise: analytics granted, its script ran and set its cookie; marketing's frame not.
    assert_eq!(get("customise_granted"), json!(["essential", "analytics"]));
    assert_eq!(get("analytics_cookie_set"), true);
    assert_eq!(get("consent_mode_update")["analytics_storage"], "granted");
    assert_eq!(get("consent_mode_update")["ad_storage"], "denied");
    assert_eq!(get("frames_after_customise"), 0);
    assert_eq!(
        get("requests_after_customise"),
        1,
        "the script came from the second origin"
    );
    assert_eq!(get("banner_after_decision"), false);

    // Reopened and withdrawn: the cookie is gone and the script does not run again.
    assert_eq!(get("reopened_shows_current"), true);
    assert_eq!(get("withdraw_granted"), json!(["essential"]));
    assert_eq!(get("analytics_cookie_after_withdrawal"), false, "{out}");
    assert_eq!(get("ran_after_withdrawal"), 0);
    assert_eq!(get("requests_after_withdrawal"), 0);

    // Reject all: nothing loads, then or on the next visit.
    assert_eq!(get("reject_granted"), json!(["essential"]));
    assert_eq!(get("requests_after_reject"), 0);
    // Accept all: the marketing frame loads.
    assert_eq!(
        get("accept_granted"),
        json!(["essential", "analytics", "marketing"])
    );
    assert_eq!(get("frames_after_accept"), 1);

    // GPC: marketing cannot be chosen, and accept all grants everything but marketing.
    assert_eq!(get("gpc_marketing_disabled"), true);
    assert_eq!(
        get("gpc_answer"),
        json!({"granted": ["essential", "analytics"], "gpc": true})
    );
    assert_eq!(get("gpc_frames"), 0);

    // Languages.
    assert_eq!(get("dir_hi"), "hi ltr ltr");
    assert_eq!(get("dir_ur"), "ur rtl rtl");
    for l in ["hi", "ur"] {
        let title = get(&format!("title_{l}"));
        assert_ne!(title, "Cookies on this site", "{l}");
        assert_eq!(get(&format!("axe_{l}")), json!([]), "{l}: {out}");
    }

    // A new policy version asks again; and the size.
    assert_eq!(get("asked_again"), true);
    let script = get("gzip_script").as_u64().unwrap();
    let total = get("gzip_total").as_u64().unwrap();
    assert!(
        total < 15 * 1024,
        "{script} bytes gzip'd, {total} with one language"
    );

    // The decisions are in the ledger, one per click: customise, customise (the withdrawal),
    // reject all (another visitor), accept all (a third), accept all with GPC (a fourth).
    let how = banner_outcomes(&s).await;
    assert_eq!(
        how,
        [
            "cookie_banner:customise",
            "cookie_banner:customise",
            "cookie_banner:reject_all",
            "cookie_banner:accept_all",
            "cookie_banner:accept_all gpc"
        ]
    );
}
