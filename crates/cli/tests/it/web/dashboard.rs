//! The principal's dashboard (`/me`): sign-in by code and by a fiduciary's hand-off, consents
//! grouped and filtered, one-click withdraw, renew and grant (the validation API agrees at
//! once), CSRF and ownership refusals that change nothing, the inbox, grievances and requests,
//! the exports, and every page in a real browser with axe in English, Hindi and Urdu.

use crate::harness::*;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A browser without JavaScript: keeps cookies, follows no redirect, sends forms with the CSRF
/// token of its cookie.
struct Visitor {
    client: reqwest::Client,
    url: String,
    cookies: BTreeMap<String, String>,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
    bytes: Vec<u8>,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers["location"].to_str().unwrap()
    }
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with(&format!("{name}=")))
    }
}

impl Visitor {
    fn new(s: &TestServer) -> Visitor {
        Visitor {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            url: s.url.clone(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn keep(&mut self, r: reqwest::Response) -> Answer {
        let status = r.status();
        let headers = r.headers().clone();
        for c in headers.get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let (kv, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let bytes = r.bytes().await.unwrap().to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Answer {
            status,
            headers,
            body,
            bytes,
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let r = self
            .client
            .get(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(r).await
    }

    /// Posts a form with the CSRF token of the cookie (a page must have set it first).
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let csrf = self.cookies.get("anm_csrf").cloned().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let r = self
            .client
            .post(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .form(fields)
            .send()
            .await
            .unwrap();
        self.keep(r).await
    }

    /// One click on a consent card: `verb` (`withdraw`, `renew`, `grant`) for `purpose`.
    async fn act(&mut self, id: &str, verb: &str, purpose: &str) -> Answer {
        self.post(
            &format!("/me/consents/{id}/{verb}"),
            &[("purpose", purpose)],
        )
        .await
    }

    /// Signs in by a fiduciary's hand-off of a principal token for `principal`.
    async fn hand_off(s: &TestServer, principal: &str) -> Visitor {
        let (me, _) = s.principal_token(principal, Some(3600)).await;
        let mut v = Visitor::new(s);
        let r = v.post_raw("/me/hand-off", &[("token", &me.token)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), "/me");
        v
    }
}

/// `(purpose, status)` of each consent card of a group's section on the consents page.
fn group(html: &str, key: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("<section aria-labelledby=\"g-{key}\">"))
        .unwrap_or_else(|| panic!("no group {key}"));
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    section
        .split("data-purpose=\"")
        .skip(1)
        .map(|part| {
            let purpose = part[..part.find('"').unwrap()].to_string();
            let at = part.find("data-status=\"").unwrap() + 13;
            let status = part[at..at + part[at..].find('"').unwrap()].to_string();
            (purpose, status)
        })
        .collect()
}

fn has_group(html: &str, key: &str) -> bool {
    html.contains(&format!("<section aria-labelledby=\"g-{key}\">"))
}

#[tokio::test]
async fn a_principal_signs_in_with_a_code_and_a_wrong_code_is_refused() {
    let (s, _cat, _a, _id) = start_with_consent("CUST-7001", all_granted()).await;
    let (st, v) = s.add_contact("CUST-7001", "98765 70010").await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let mut b = Visitor::new(&s);
    let fid = s.fiduciary_id.clone();

    // Without a session, the dashboard says so.
    let r = b.get("/me").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("You are signed out"), "{}", r.body);

    let r = b.get(&format!("/me/{fid}/sign-in")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"contact\""));
    // A contact of the wrong shape is refused on the page, and nothing is sent.
    let r = b
        .post(
            &format!("/me/{fid}/sign-in"),
            &[("contact", "not a contact")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(last_message(&s).await.is_none());

    let r = b
        .post(&format!("/me/{fid}/sign-in"), &[("contact", "9876570010")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The page shows the contact masked, never in full.
    assert!(r.body.contains("If ******0010 is known"), "{}", r.body);
    let m = last_message(&s).await.expect("a code in the outbox");
    assert_eq!(m.destination, "+919876570010");
    let code = code_in(&m.body);

    // A wrong code: 401, no session.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = b
        .post(
            &format!("/me/{fid}/sign-in/verify"),
            &[("contact", "9876570010"), ("code", wrong)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.set_cookie("anm_me").is_none());
    assert_eq!(b.get("/me").await.status, StatusCode::UNAUTHORIZED);

    // The right code: a session cookie, HttpOnly and SameSite=Lax, and the dashboard.
    let r = b
        .post(
            &format!("/me/{fid}/sign-in/verify"),
            &[("contact", "9876570010"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/me");
    let c = r.set_cookie("anm_me").expect("a session cookie");
    assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"), "{c}");
    let r = b.get("/me").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_eq!(group(&r.body, "active").len(), 4, "{}", r.body);
    assert_eq!(s.audit_entries("principal.signed_in").await.len(), 1);

    // Signing out clears the cookie; the dashboard is closed again.
    let r = b.post("/me/sign-out", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.set_cookie("anm_me").unwrap().contains("Max-Age=0"));
    assert_eq!(b.get("/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_fiduciary_hands_off_with_a_posted_token_and_a_bad_token_opens_nothing() {
    let (s, _cat, _a, _id) = start_with_consent("CUST-7002", all_granted()).await;
    let (me, _) = s.principal_token("CUST-7002", Some(600)).await;
    // The fiduciary's page posts the token cross-site, without our CSRF cookie.
    let mut b = Visitor::new(&s);
    let r = b
        .client
        .post(format!("{}/me/hand-off", s.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(format!("token={}", me.token))
        .send()
        .await
        .unwrap();
    let r = b.keep(r).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let c = r.set_cookie("anm_me").unwrap();
    // The cookie lives as long as the token, no longer.
    assert!(c.contains("Max-Age=600"), "{c}");
    assert_eq!(b.get("/me").await.status, StatusCode::OK);

    let mut other = Visitor::new(&s);
    for bad in ["", "anp_forged.token", &me.token[..me.token.len() - 2]] {
        let r = other.post_raw("/me/hand-off", &[("token", bad)]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(r.set_cookie("anm_me").is_none());
    }
    // An expired token opens nothing either.
    s.advance_days(1);
    assert_eq!(b.get("/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_sign_in_forms_share_the_api_s_sign_in_limit_per_address() {
    let s = TestServer::start_with(|c| {
        c.signin_rate_limit_per_minute = 6;
        c.signin_rate_limit_burst = 3;
    })
    .await;
    let fid = s.fiduciary_id.clone();
    let mut b = Visitor::new(&s);
    b.get(&format!("/me/{fid}/sign-in")).await;
    let mut codes = vec![];
    let mut last = None;
    for (path, field, value) in [
        (format!("/me/{fid}/sign-in"), "contact", "9000000001"),
        (format!("/me/{fid}/sign-in/verify"), "code", "123456"),
        ("/me/hand-off".to_string(), "token", "anp_x.y"),
        (format!("/me/{fid}/sign-in"), "contact", "9000000002"),
    ] {
        let r = if field == "token" {
            b.post_raw(&path, &[(field, value)]).await
        } else {
            b.post(&path, &[("contact", "9000000001"), (field, value)])
                .await
        };
        codes.push(r.status);
        last = Some(r);
    }
    // The refusal is a page in the visitor's language, not the API's JSON.
    let refused = last.unwrap();
    assert!(
        refused.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        refused.headers
    );
    assert!(refused.body.contains("Too many tries"), "{}", refused.body);
    assert!(refused.headers.contains_key("retry-after"));
    assert_eq!(
        codes,
        [
            StatusCode::OK,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    // Pages that are not sign-in forms are not limited by it.
    assert_eq!(
        b.get(&format!("/me/{fid}/sign-in")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn withdrawing_from_the_page_is_withdrawn_for_the_validation_api_at_once() {
    let (s, cat, _a, id) = start_with_consent("CUST-7003", all_granted()).await;
    let theirs = id_of(&s.collect_ok(&cat, "CUST-7999", all_granted()).await);
    let mut b = Visitor::hand_off(&s, "CUST-7003").await;
    b.get("/me").await;

    // Without the CSRF token, or with another's, nothing happens.
    let r = b
        .post_raw(
            &format!("/me/consents/{id}/withdraw"),
            &[("purpose", "marketing")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post_raw(
            &format!("/me/consents/{id}/withdraw"),
            &[("csrf", "x".repeat(43).as_str()), ("purpose", "marketing")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.validate("CUST-7003", "marketing").await["valid"], true);

    // Another principal's consent does not exist for this one.
    let r = b.act(&theirs.to_string(), "withdraw", "marketing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        b.get(&format!("/me/consents/{theirs}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(s.validate("CUST-7999", "marketing").await["valid"], true);

    // One click: withdrawn, and the validation API says so at once.
    let r = b.act(&id.to_string(), "withdraw", "marketing").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v = s.validate("CUST-7003", "marketing").await;
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(v["reason"], "withdrawn", "{v}");
    let e = s.audit_entries("consent.withdrawn").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["initiator"], "principal");
    let page = b.get(r.location()).await;
    assert!(
        page.body
            .contains("Done: your choice for Marketing is recorded.")
    );
    assert_eq!(
        group(&page.body, "withdrawn"),
        vec![("marketing".to_string(), "withdrawn".to_string())]
    );

    // Giving it again is one click too; so is renewing.
    let r = b.act(&id.to_string(), "grant", "marketing").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.validate("CUST-7003", "marketing").await["valid"], true);
    let r = b.act(&id.to_string(), "renew", "analytics").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.audit_entries("consent.renewed").await.len(), 1);

    // The history shows every version, newest first, and who made it.
    let h = b.get(&format!("/me/consents/{id}")).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(
        h.body.matches("<tr class=\"version\">").count(),
        4,
        "{}",
        h.body
    );
    assert!(h.body.contains("<td>You</td>"));
    assert!(h.body.contains("<td>The organisation</td>"));

    // An unknown action or a missing purpose is refused.
    let r = b.act(&id.to_string(), "erase", "marketing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = b.post(&format!("/me/consents/{id}/withdraw"), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(s.validate("CUST-7003", "marketing").await["valid"], true);
}

#[tokio::test]
async fn consents_are_grouped_by_status_and_filtered_by_purpose_status_and_date() {
    let (s, _cat, _a, id) = start_with_consent(
        "CUST-7004",
        decisions("granted", "granted", "denied", "granted"),
    )
    .await;
    s.act_ok(&id, "withdraw", json!({"purposes": ["tax_records"]}))
        .await;
    // Marketing lasts 30 days.
    s.advance_days(31);
    let mut b = Visitor::hand_off(&s, "CUST-7004").await;
    let page = b.get("/me").await.body;
    let names = |g: Vec<(String, String)>| g.into_iter().map(|(p, _)| p).collect::<Vec<_>>();
    assert_eq!(names(group(&page, "active")), ["account"]);
    assert_eq!(names(group(&page, "expired")), ["marketing"]);
    assert_eq!(names(group(&page, "withdrawn")), ["tax_records"]);
    assert_eq!(names(group(&page, "denied")), ["analytics"]);
    // An expired purpose can be renewed, not withdrawn; a refused one can be given.
    assert!(page.contains(&format!("/me/consents/{id}/renew")));
    assert!(page.contains(&format!("/me/consents/{id}/grant")));

    let only = b.get("/me?status=withdrawn").await.body;
    assert_eq!(names(group(&only, "withdrawn")), ["tax_records"]);
    assert!(!has_group(&only, "active") || group(&only, "active").is_empty());
    let by_name = b.get("/me?q=TAX").await.body;
    assert_eq!(names(group(&by_name, "withdrawn")), ["tax_records"]);
    assert!(group(&by_name, "active").is_empty());
    // Dates: every change was on day 0; nothing changed after it.
    let t0 = T0.date().to_string();
    let day_after = (T0 + time::Duration::days(1)).date().to_string();
    let on = b.get(&format!("/me?from={t0}&to={t0}")).await.body;
    assert_eq!(names(group(&on, "active")), ["account"]);
    let after = b.get(&format!("/me?from={day_after}")).await.body;
    for g in ["active", "expired", "withdrawn", "denied"] {
        assert!(group(&after, g).is_empty(), "{g}");
    }
    // A filter that cannot be read is an error page, not a silent guess.
    for bad in ["/me?status=deleted", "/me?from=31-12-2026"] {
        let r = b.get(bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.body.contains("<h1>"));
    }
}

#[tokio::test]
async fn exports_neutralise_formulas_and_the_consent_record_has_the_dpv_fields() {
    let s = TestServer::start().await;
    // The purpose's name is the fiduciary's free text: a formula in a spreadsheet if unguarded.
    for (path, body) in [
        (
            "/v1/data-items",
            json!({"code": "email", "name": {"en": "E-mail"}, "category": "contact"}),
        ),
        (
            "/v1/purposes",
            json!({"code": "offers", "mandatory": false, "validity_days": 30, "retention_days": 30,
            "data_items": ["email"], "name": {"en": "=HYPERLINK(\"http://evil.example\",\"x\")"}, "description": {"en": "Offers"}}),
        ),
        (
            "/v1/purposes",
            json!({"code": "account", "mandatory": true, "validity_days": 365, "retention_days": 365,
            "data_items": ["email"], "name": {"en": "Account"}, "description": {"en": "Your account"}}),
        ),
    ] {
        let (st, v) = s.post(path, body).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let (st, n) = s
        .post("/v1/notices", json!({"code": "signup", "purposes": ["account", "offers"], "texts": {"en": notice_text("en")}}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let notice = n["id"].as_str().unwrap().to_string();
    s.publish(&notice, json!({})).await;
    let cat = Catalog { notice_id: notice };
    let a = s
        .collect_ok(
            &cat,
            "CUST-7005",
            json!({"account": "granted", "offers": "granted"}),
        )
        .await;
    s.act_ok(&id_of(&a), "withdraw", json!({"purposes": ["offers"]}))
        .await;

    let mut b = Visitor::hand_off(&s, "CUST-7005").await;
    let r = b.get("/me/export.csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = r.body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("consent_id,version,event"));
    // Two versions, two purposes each.
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
        "{csv}"
    );
    for cell in csv.split([',', '\n']) {
        let cell = cell.trim_start_matches('"');
        assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
    }
    // Personal data stays masked in the export.
    assert!(!csv.contains("CUST-7005"));

    let r = b.get("/me/export.jsonld").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/ld+json");
    let doc: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(doc["@context"]["dpv"], "https://w3id.org/dpv#");
    let records = doc["@graph"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    for rec in records {
        assert_eq!(rec["@type"], "dpv:ConsentRecord");
        assert_eq!(rec["dct:conformsTo"], "ISO/IEC TS 27560:2023");
        assert_eq!(
            rec["dpv:hasDataController"]["@id"],
            format!("urn:uuid:{}", s.fiduciary_id)
        );
        assert_eq!(rec["dpv:hasPersonalData"][0]["dct:identifier"], "email");
        assert_eq!(rec["dpv:hasLegalBasis"]["@id"], "dpv:Consent");
        assert_eq!(rec["dpv:hasNotice"]["dct:identifier"], "signup");
        assert!(
            rec["dct:created"]
                .as_str()
                .unwrap()
                .starts_with(&T0.year().to_string())
        );
        assert!(
            rec["dpv:hasDataSubject"]["dct:identifier"]
                .as_str()
                .unwrap()
                .starts_with("*")
        );
        assert_eq!(rec["anm:events"].as_array().unwrap().len(), 2);
    }
    let by_purpose = |p: &str| {
        records
            .iter()
            .find(|r| r["dpv:hasPurpose"]["dct:identifier"] == p)
            .unwrap()
    };
    assert_eq!(
        by_purpose("account")["dpv:hasConsentStatus"]["@id"],
        "dpv:ConsentGiven"
    );
    let offers = by_purpose("offers");
    assert_eq!(
        offers["dpv:hasConsentStatus"]["@id"],
        "dpv:ConsentWithdrawn"
    );
    assert!(offers["anm:withdrawnAt"].is_string());
    // After expiry the record says so (the hand-off token expired too: a new one).
    s.advance_days(366);
    assert_eq!(
        b.get("/me/export.jsonld").await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut b = Visitor::hand_off(&s, "CUST-7005").await;
    let doc: Value = serde_json::from_str(&b.get("/me/export.jsonld").await.body).unwrap();
    let account = doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["dpv:hasPurpose"]["dct:identifier"] == "account")
        .unwrap()
        .clone();
    assert_eq!(account["dpv:hasConsentStatus"]["@id"], "dpv:ConsentExpired");
}

#[tokio::test]
async fn a_grievance_and_a_request_filed_from_the_page_reach_the_staff_queue() {
    let (s, _cat, _a, _id) = start_with_consent("CUST-7006", all_granted()).await;
    let mut b = Visitor::hand_off(&s, "CUST-7006").await;
    let page = b.get("/me/cases").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"consent_misuse\""));

    // Without the CSRF token: refused, nothing filed.
    let r = b
        .post_raw("/me/grievances", &[("description", "They call me daily")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (_, q) = s.get("/v1/cases").await;
    assert_eq!(q["items"].as_array().unwrap().len(), 0, "{q}");

    let r = b
        .post(
            "/me/grievances",
            &[
                ("category", "consent_misuse"),
                ("description", "They call me daily after I withdrew"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reference = r.location().strip_prefix("/me/cases/").unwrap().to_string();
    let c = b.get(r.location()).await;
    assert_eq!(c.status, StatusCode::OK);
    assert!(c.body.contains(&reference));
    assert!(c.body.contains("Received"), "{}", c.body);

    // An empty description is refused with a page, and files nothing.
    let r = b.post("/me/grievances", &[("description", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let r = b
        .post("/me/requests", &[("kind", "access"), ("description", "")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let (st, q) = s.get("/v1/cases").await;
    assert_eq!(st, StatusCode::OK, "{q}");
    let items = q["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{q}");
    let g = items
        .iter()
        .find(|c| c["reference"] == reference.as_str())
        .unwrap();
    assert_eq!(g["kind"], "grievance");
    assert_eq!(g["category"], "consent_misuse");
    let list = b.get("/me/cases").await.body;
    assert!(list.contains(&reference));
    assert!(list.contains("A copy of my data"));

    // Another principal's case does not exist for this one.
    let mut other = Visitor::hand_off(&s, "CUST-7007").await;
    assert_eq!(
        other.get(&format!("/me/cases/{reference}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_inbox_shows_messages_and_acknowledges_them() {
    let (s, _cat, _a, id) = start_with_consent("CUST-7008", all_granted()).await;
    let mut b = Visitor::hand_off(&s, "CUST-7008").await;
    b.get("/me").await;
    b.act(&id.to_string(), "withdraw", "marketing").await;
    let (me, _) = s.principal_token("CUST-7008", None).await;
    // The withdrawal's message reaches the inbox (written with the notification job's round).
    let withdrawn = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == "consent_withdrawn")
            .cloned()
    };
    let deadline = Deadline::after(std::time::Duration::from_secs(10));
    let item = loop {
        let (_, v) = me.get("/v1/me/notifications").await;
        if let Some(i) = withdrawn(&v) {
            break i;
        }
        deadline
            .tick(std::time::Duration::from_millis(50), || {
                format!("no withdrawal message: {v}")
            })
            .await;
    };
    assert!(item["acknowledged_at"].is_null(), "{item}");
    let ack = format!("/me/inbox/{}/acknowledge", item["id"].as_str().unwrap());
    let page = b.get("/me/inbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&ack), "{}", page.body);
    // Without the CSRF token nothing is acknowledged.
    assert_eq!(b.post_raw(&ack, &[]).await.status, StatusCode::FORBIDDEN);
    let (_, v) = me.get("/v1/me/notifications").await;
    assert!(withdrawn(&v).unwrap()["acknowledged_at"].is_null(), "{v}");
    let r = b.post(&ack, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, v) = me.get("/v1/me/notifications").await;
    assert!(withdrawn(&v).unwrap()["acknowledged_at"].is_string(), "{v}");
    let page = b.get("/me/inbox").await.body;
    assert!(!page.contains(&ack));
    assert!(page.contains("Read on"));
}

#[tokio::test]
async fn the_dashboard_in_a_browser_signs_in_withdraws_exports_and_passes_axe() {
    let (s, _cat, _a, id) = start_with_consent("CUST-7010", all_granted()).await;
    let (me, _) = s.principal_token("CUST-7010", Some(3600)).await;
    let out = run_browser(
        "web/dashboard-flow.mjs",
        &s.url,
        &[&me.token, &id, &s.fiduciary_id],
    )
    .await;
    assert_eq!(out["signed_in"], true, "{out}");
    assert_eq!(out["withdrawn_shown"], true, "{out}");
    assert!(
        out["csv"].as_str().unwrap().starts_with("consent_id,"),
        "{out}"
    );
    let v = s.validate("CUST-7010", "marketing").await;
    assert_eq!(v["reason"], "withdrawn", "{v}");
    let pages = out["pages"].as_object().unwrap();
    assert!(pages.len() >= 3 * 7, "{out}");
    for (key, r) in pages {
        assert_eq!(r["violations"], json!([]), "{key}: {r}");
        let rtl = key.ends_with("lang=ur");
        assert_eq!(r["dir"], if rtl { "rtl" } else { "ltr" }, "{key}");
        assert!(r["bytes"].as_u64().unwrap() < 50_000, "{key}: {r}");
    }
}

/// The text of a PDF as poppler's `pdftotext` reads it (installed by `.ci/run`): an
/// independent reader, so what it finds is what a principal's PDF viewer shows and copies.
fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(f.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: .ci/run installs it");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The PDF export reads in the principal's script: the purposes' names and the page's
/// messages in Hindi (Devanagari), Tamil and Urdu (right to left) come back out of the PDF as
/// the same text, with nothing personal in it.
#[tokio::test]
async fn the_pdf_export_reads_in_the_principals_script() {
    let s = TestServer::start().await;
    let names =
        json!({"en": "Your account", "hi": "आपका खाता", "ta": "உங்கள் கணக்கு", "ur": "آپ کا کھاتہ"});
    for (path, body) in [
        (
            "/v1/data-items",
            json!({"code": "email", "name": {"en": "E-mail"}, "category": "contact"}),
        ),
        (
            "/v1/purposes",
            json!({"code": "account", "mandatory": false, "validity_days": 365, "retention_days": 365,
            "data_items": ["email"], "name": names, "description": names}),
        ),
    ] {
        let (st, v) = s.post(path, body).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let (st, n) = s
        .post(
            "/v1/notices",
            json!({"code": "signup", "purposes": ["account"], "texts": {"en": notice_text("en")}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let notice = n["id"].as_str().unwrap().to_string();
    s.publish(&notice, json!({})).await;
    let cat = Catalog { notice_id: notice };
    let a = s
        .collect_ok(&cat, "CUST-7006", json!({"account": "granted"}))
        .await;
    s.act_ok(&id_of(&a), "withdraw", json!({"purposes": ["account"]}))
        .await;

    let mut b = Visitor::hand_off(&s, "CUST-7006").await;
    let page = b.get("/me?lang=en").await;
    assert!(
        page.body.contains("href=\"/me/export.pdf\""),
        "the page links the PDF"
    );
    let ftl = |lang: &str, key: &str| -> String {
        let path = format!(
            "{}/../server/web/locales/{lang}/dashboard.ftl",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key} = ")))
            .unwrap()
            .to_string()
    };
    for lang in ["en", "hi", "ta", "ur"] {
        let r = b.get(&format!("/me/export.pdf?lang={lang}")).await;
        assert_eq!(r.status, StatusCode::OK, "{lang}: {}", r.body);
        assert_eq!(r.headers["content-type"], "application/pdf");
        assert_eq!(r.headers["cache-control"], "no-store");
        assert!(r.bytes.starts_with(b"%PDF-"), "{lang}");
        let text = pdf_text(&r.bytes);
        // Words, not positions: pdftotext may break or order a right-to-left line its way.
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let name = names[lang].as_str().unwrap();
        for w in words(name)
            .into_iter()
            .chain(words(&ftl(lang, "dash-pdf-title")))
        {
            assert!(
                text.contains(&w),
                "{lang}: {w:?} not in the PDF's text:\n{text}"
            );
        }
        // Two versions: given, then withdrawn; the status of each version in the language.
        for w in words(&ftl(lang, "dash-event-withdrawn")) {
            assert!(
                text.contains(&w),
                "{lang}: {w:?} not in the PDF's text:\n{text}"
            );
        }
        assert!(
            !text.contains("CUST-7006"),
            "{lang}: personal data in the PDF"
        );
    }
    // Without a session: no document.
    let mut stranger = Visitor::new(&s);
    let r = stranger.get("/me/export.pdf").await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.bytes.starts_with(b"%PDF-"));
}
