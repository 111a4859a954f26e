//! `anumodan demo`: a seeded municipal corporation, so a newcomer can try the API in a minute.

use anumodan_core::clock::SystemClock;
use anumodan_core::usecases::{self, Actor, NewDataItem, NewPurpose, NoticeDraft};
use anumodan_server::config::Config;
use anumodan_store::{Store, admin};
use serde_json::json;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use uuid::Uuid;

fn from_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> anyhow::Result<T> {
    Ok(serde_json::from_value(v)?)
}

/// What the seed created.
pub struct Seeded {
    pub fiduciary_id: Uuid,
    pub api_key: String,
    pub notice_id: Uuid,
    /// A processor of `sms_alerts` (alerted when a citizen withdraws it), and its key.
    pub processor_id: Uuid,
    pub processor_key: String,
}

/// Seeds a demo fiduciary: a municipal corporation with data items, purposes (one mandatory,
/// two optional, one kept by law) and a registration notice in English and Hindi, published.
pub async fn seed(store: &Store) -> anyhow::Result<Seeded> {
    let (f, key) = store
        .write_raw(|tx| {
            admin::create_fiduciary(tx, "Demo Nagar Nigam (Municipal Corporation)", "demo")
        })
        .await?;
    let actor = Actor {
        fiduciary_id: f.id,
        initiator: "demo".into(),
        source_ip: None,
    };
    let items = [
        ("name", "Full name", "पूरा नाम", "identity", false),
        ("mobile", "Mobile number", "मोबाइल नंबर", "contact", false),
        ("email", "E-mail address", "ई-मेल पता", "contact", false),
        (
            "address",
            "Property address",
            "संपत्ति का पता",
            "address",
            false,
        ),
        (
            "property_id",
            "Property ID",
            "संपत्ति आईडी",
            "property",
            false,
        ),
    ];
    for (code, en, hi, cat, sensitive) in items {
        let item: NewDataItem = from_json(
            json!({"code": code, "name": {"en": en, "hi": hi}, "category": cat, "sensitive": sensitive}),
        )?;
        let a = actor.clone();
        store
            .write(move |tx| usecases::create_data_item(tx, &a, item))
            .await?;
    }
    let purposes = [
        json!({"code": "property_tax", "mandatory": true, "validity_days": 365, "retention_days": 2920,
               "legal_basis": "legal_obligation", "legal_reference": "Municipal Corporations Act: property tax assessment and records",
               "data_items": ["name", "mobile", "address", "property_id"],
               "name": {"en": "Property tax assessment and billing", "hi": "संपत्ति कर निर्धारण और बिलिंग"},
               "description": {"en": "To assess your property tax, send bills and keep payment records.", "hi": "आपका संपत्ति कर निर्धारित करने, बिल भेजने और भुगतान रिकॉर्ड रखने के लिए।"}}),
        json!({"code": "sms_alerts", "mandatory": false, "validity_days": 180, "retention_days": 30,
               "data_items": ["mobile"],
               "name": {"en": "SMS alerts about civic services", "hi": "नागरिक सेवाओं के बारे में एसएमएस सूचनाएँ"},
               "description": {"en": "Water supply, sanitation and camp alerts by SMS.", "hi": "जल आपूर्ति, स्वच्छता और शिविरों की सूचनाएँ एसएमएस से।"}}),
        json!({"code": "feedback_survey", "mandatory": false, "validity_days": 90, "retention_days": 90,
               "data_items": ["name", "email"],
               "name": {"en": "Service feedback surveys", "hi": "सेवा प्रतिक्रिया सर्वेक्षण"},
               "description": {"en": "Occasional e-mail surveys to improve services.", "hi": "सेवाओं में सुधार के लिए कभी-कभी ई-मेल सर्वेक्षण।"}}),
    ];
    for p in purposes {
        let p: NewPurpose = from_json(p)?;
        let a = actor.clone();
        store
            .write(move |tx| usecases::create_purpose(tx, &a, p))
            .await?;
    }
    let draft: NoticeDraft = from_json(json!({
        "code": "property-registration",
        "purposes": ["property_tax", "sms_alerts", "feedback_survey"],
        "texts": {
            "en": {
                "title": "How we use your data for property registration",
                "summary": "We collect your name, mobile number, e-mail, property address and property ID for the purposes below. Choose each optional purpose separately.",
                "rights": "Under the DPDP Act, 2023 you may access, correct and erase your data, withdraw consent at any time, nominate a person, and complain to us or to the Data Protection Board of India.",
                "retention_policy": "Tax records are kept for 8 years as the law requires; other data is deleted when you withdraw or when the purpose ends.",
                "withdrawal_policy": "Withdraw any optional purpose at any time from your dashboard, as easily as you gave it. Tax processing continues where the law requires it.",
                "grievance_contact": "Grievance Officer, Demo Nagar Nigam, grievance@demo-nagar-nigam.example.in"
            },
            "hi": {
                "title": "संपत्ति पंजीकरण के लिए हम आपके डेटा का उपयोग कैसे करते हैं",
                "summary": "हम नीचे दिए गए उद्देश्यों के लिए आपका नाम, मोबाइल नंबर, ई-मेल, संपत्ति का पता और संपत्ति आईडी एकत्र करते हैं। हर वैकल्पिक उद्देश्य अलग से चुनें।",
                "rights": "डीपीडीपी अधिनियम, 2023 के अंतर्गत आप अपने डेटा तक पहुँच, सुधार और मिटाने का अनुरोध कर सकते हैं, कभी भी सहमति वापस ले सकते हैं, किसी व्यक्ति को नामित कर सकते हैं, और हमसे या भारतीय डेटा संरक्षण बोर्ड से शिकायत कर सकते हैं।",
                "retention_policy": "कानून के अनुसार कर रिकॉर्ड 8 वर्ष तक रखे जाते हैं; अन्य डेटा सहमति वापस लेने या उद्देश्य पूरा होने पर हटा दिया जाता है।",
                "withdrawal_policy": "किसी भी वैकल्पिक उद्देश्य की सहमति अपने डैशबोर्ड से कभी भी उतनी ही आसानी से वापस लें जितनी आसानी से दी थी। जहाँ कानून आवश्यक करता है, कर प्रक्रिया जारी रहती है।",
                "grievance_contact": "शिकायत अधिकारी, डेमो नगर निगम, grievance@demo-nagar-nigam.example.in"
            }
        }
    }))?;
    let id = create_and_publish(store, &actor, draft).await?;
    // The vendor that sends the SMS alerts: told when a citizen withdraws them, and asked to
    // confirm it stopped.
    let a = actor.clone();
    let (processor, _) = store
        .transact(move |tx| {
            anumodan_core::notify::usecases::register_processor(
                tx,
                &a,
                anumodan_core::notify::usecases::NewProcessor {
                    name: "Demo SMS vendor".into(),
                    purposes: vec!["sms_alerts".into()],
                    webhook: None,
                },
            )
        })
        .await?;
    seed_cookie_banner(store, &actor).await?;
    let pid = processor.id;
    let pkey = store
        .write_raw(move |tx| {
            anumodan_store::notify::create_processor_key(tx, f.id, pid, "demo", "demo")
        })
        .await?;
    Ok(Seeded {
        fiduciary_id: f.id,
        api_key: key.api_key,
        notice_id: id,
        processor_id: processor.id,
        processor_key: pkey.api_key,
    })
}

/// Lets the hosted consent page return to the demo's home page and creates a consent request
/// for the demo citizen, as a fiduciary's backend would (`POST /v1/consent-requests`); returns
/// the page's path.
async fn consent_page(
    running: &anumodan_server::Running,
    seeded: &Seeded,
    url: &str,
) -> anyhow::Result<String> {
    use anumodan_core::consent_page::{self, CreateConsentRequest, WebSettings};
    let actor = Actor {
        fiduciary_id: seeded.fiduciary_id,
        initiator: "demo".into(),
        source_ip: None,
    };
    let loopback = running.state.outbound.allow_loopback;
    let settings = WebSettings {
        return_origins: vec![url.to_string()],
        frame_ancestors: vec![],
    };
    let request = CreateConsentRequest {
        principal_id: "citizen-42".into(),
        notice_id: seeded.notice_id,
        notice_version: None,
        language: None,
        return_url: format!("{url}/"),
        state: Some("demo".into()),
        requires_guardian: false,
        expires_in: Some(86_400),
    };
    let created = running
        .state
        .store
        .transact(move |tx| {
            consent_page::save_settings(tx, &actor, settings, loopback)?;
            consent_page::create_request(tx, &actor, request, loopback)
        })
        .await?;
    Ok(created.url)
}

/// Creates a notice from `draft` and publishes its version 1; returns its id.
async fn create_and_publish(
    store: &Store,
    actor: &Actor,
    draft: NoticeDraft,
) -> anyhow::Result<Uuid> {
    let a = actor.clone();
    let notice = store
        .write(move |tx| usecases::create_notice(tx, &a, draft))
        .await?;
    let id = notice.id;
    let a = actor.clone();
    store
        .write(move |tx| usecases::publish_notice(tx, &a, id, &Default::default()))
        .await?;
    Ok(id)
}

/// The demo's cookie banner: a data item, one purpose per category (essential, analytics,
/// marketing), a cookie policy in English and Hindi, published, and the banner over it (the
/// sample page `/widget/v1/demo` carries it).
async fn seed_cookie_banner(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    let item: NewDataItem = from_json(json!({"code": "cookie_id",
        "name": {"en": "Cookie identifier", "hi": "कुकी पहचानकर्ता"}, "category": "online"}))?;
    let a = actor.clone();
    store
        .write(move |tx| usecases::create_data_item(tx, &a, item))
        .await?;
    for (code, mandatory, en, hi) in [
        (
            "site_cookies",
            true,
            "Keeping the website working",
            "वेबसाइट को चालू रखना",
        ),
        (
            "site_analytics",
            false,
            "Counting visits to improve the website",
            "वेबसाइट सुधारने के लिए विज़िट गिनना",
        ),
        (
            "site_ads",
            false,
            "Showing you civic campaigns on other sites",
            "अन्य साइटों पर नागरिक अभियान दिखाना",
        ),
    ] {
        let p: NewPurpose = from_json(json!({"code": code, "mandatory": mandatory,
            "validity_days": 180, "retention_days": 180, "data_items": ["cookie_id"],
            "name": {"en": en, "hi": hi}, "description": {"en": format!("{en}."), "hi": format!("{hi}।")}}))?;
        let a = actor.clone();
        store
            .write(move |tx| usecases::create_purpose(tx, &a, p))
            .await?;
    }
    let draft: NoticeDraft = from_json(json!({
        "code": "cookie-policy",
        "purposes": ["site_cookies", "site_analytics", "site_ads"],
        "texts": {
            "en": {"title": "Cookie policy of Demo Nagar Nigam",
                "summary": "Our website uses cookies in three categories. Essential cookies keep it working; analytics and advertising cookies are used only if you allow them.",
                "rights": "Under the DPDP Act, 2023 you may withdraw your consent at any time from the cookie preferences, as easily as you gave it.",
                "retention_policy": "Your choice is kept for 180 days; then we ask again.",
                "withdrawal_policy": "Open the cookie preferences and switch a category off: its cookies are deleted.",
                "grievance_contact": "Grievance Officer, Demo Nagar Nigam, grievance@demo-nagar-nigam.example.in"},
            "hi": {"title": "डेमो नगर निगम की कुकी नीति",
                "summary": "हमारी वेबसाइट तीन श्रेणियों में कुकीज़ का उपयोग करती है। आवश्यक कुकीज़ उसे चालू रखती हैं; विश्लेषण और विज्ञापन कुकीज़ केवल आपकी अनुमति से उपयोग होती हैं।",
                "rights": "डीपीडीपी अधिनियम, 2023 के अंतर्गत आप कुकी प्राथमिकताओं से कभी भी अपनी सहमति उतनी ही आसानी से वापस ले सकते हैं जितनी आसानी से दी थी।",
                "retention_policy": "आपकी पसंद 180 दिन तक रखी जाती है; फिर हम दोबारा पूछते हैं।",
                "withdrawal_policy": "कुकी प्राथमिकताएँ खोलें और कोई श्रेणी बंद करें: उसकी कुकीज़ हटा दी जाती हैं।",
                "grievance_contact": "शिकायत अधिकारी, डेमो नगर निगम, grievance@demo-nagar-nigam.example.in"}
        }
    }))?;
    let id = create_and_publish(store, actor, draft).await?;
    let banner: anumodan_core::cookies::BannerConfig = from_json(json!({
        "notice_id": id,
        "notice_version": 1,
        "categories": [
            {"category": "essential", "purpose": "site_cookies"},
            {"category": "analytics", "purpose": "site_analytics", "cookies": [{"name": "_demo_analytics"}]},
            {"category": "marketing", "purpose": "site_ads", "cookies": [{"name": "_demo_ads"}]}
        ]
    }))?;
    let a = actor.clone();
    store
        .transact(move |tx| anumodan_core::cookies::save_banner(tx, &a, banner))
        .await?;
    Ok(())
}

pub async fn run(
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let temp = match data_dir {
        Some(_) => None,
        None => Some(
            tempfile::Builder::new()
                .prefix("anumodan-demo-")
                .tempdir()?,
        ),
    };
    let mut cfg = Config {
        data_dir: data_dir
            .or_else(|| temp.as_ref().map(|t| t.path().to_path_buf()))
            .unwrap_or_default(),
        ..Config::default()
    };
    if let Some(l) = listen {
        cfg.listen = l;
    }
    // The hosted consent page returns to the demo's own home page, on loopback.
    cfg.allow_loopback_endpoints = cfg.listen.ip().is_loopback();
    // Operators' metrics, behind a token of this run (docs/deployment.md, "Watching it").
    let metrics_token = anumodan_server::web::security::random_token(24);
    cfg.metrics_token = Some(metrics_token.clone());
    let clock = Arc::new(SystemClock);
    let store = anumodan_server::open_store(&cfg, clock.clone())?;
    let seeded = seed(&store).await?;
    let running = anumodan_server::start_with_store(&cfg, store, clock, true).await?;
    let url = running.url();
    let key = &seeded.api_key;
    let notice = seeded.notice_id;
    let consent_page = consent_page(&running, &seeded, &url).await?;
    println!(
        r#"
Anumodan demo is running at {url}
  data directory:  {data}
  fiduciary:       Demo Nagar Nigam (Municipal Corporation), id {fid}
  API key:         {key}
  notice:          property-registration, id {notice}, version 1 (English and Hindi)
  processor:       Demo SMS vendor, id {pid}, processes sms_alerts
  processor key:   {pkey}
  OpenAPI:         {url}/openapi.json
  ledger key:      {url}/.well-known/anumodan/ledger-key
  consent page:    {url}{consent_page}
                   (the hosted consent page for citizen-42: single use, for 24 hours)
  cookie banner:   {url}/widget/v1/demo?fiduciary={fid} (a sample page carrying it; docs/web.md)

Read the notice in Hindi, exactly as a citizen sees it:
  curl -s -H 'Authorization: Bearer {key}' '{url}/v1/notices/{notice}/versions/1?language=hi'

Collect a consent (each purpose decided separately; optional ones declined here):
  curl -s -X POST {url}/v1/consents -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \
    -d '{{"principal_id":"citizen-42","notice_id":"{notice}","notice_version":1,"language":"hi","method":"web",
         "decisions":{{"property_tax":"granted","sms_alerts":"granted","feedback_survey":"denied"}}}}'

Validate before processing:
  curl -s -X POST {url}/v1/consents/validate -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \
    -d '{{"principal_id":"citizen-42","purpose":"sms_alerts"}}'

Answers show personal data masked (citizen-42 comes back as ******n-42). Let the citizen see and
withdraw their own consents: ask for a token for them, then call /v1/me with it:
  curl -s -X POST {url}/v1/principal-tokens -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \
    -d '{{"principal_id":"citizen-42"}}'
  curl -s -H 'Authorization: Bearer anp_...' {url}/v1/me/consents

The citizen's dashboard, in 23 languages: open {url}/me/hand-off in a browser and paste the
"token" answered above (a fiduciary's page posts it there as a form field, never in a URL);
or sign in with a one-time code sent to a contact the fiduciary verified, at
{url}/me/{fid}/sign-in. There they see, withdraw, renew and export their consents, read their
messages and file grievances and requests (docs/web.md).

Withdraw the SMS alerts (id: the "id" the collection answered); the citizen is told in their
inbox, in Hindi, and the SMS vendor gets an alert it confirms with its own key:
  curl -s -X POST {url}/v1/consents/<id>/withdraw -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \
    -d '{{"purposes":["sms_alerts"]}}'
  curl -s -H 'Authorization: Bearer anp_...' {url}/v1/me/notifications
  curl -s -H 'Authorization: Bearer {pkey}' {url}/v1/alerts
  curl -s -X POST -H 'Authorization: Bearer {pkey}' {url}/v1/alerts/<alert id>/acknowledge
Webhooks (signed per Standard Webhooks), templates in 23 languages and escalation to the DPO:
see docs/notifications.md.

The citizen files a grievance (categorised from its words; a reference such as GRV-2026-000001
comes back, and they are told in Hindi) and a rights request (access, correction, erasure or
nomination); staff see the queue with each case's deadline state and answer; an accepted access
request gives the citizen a summary to download:
  curl -s -X POST {url}/v1/me/grievances -H 'Authorization: Bearer anp_...' -H 'Content-Type: application/json' \
    -d '{{"description":"I withdrew SMS alerts but the messages keep coming","language":"hi"}}'
  curl -s -X POST {url}/v1/me/requests -H 'Authorization: Bearer anp_...' -H 'Content-Type: application/json' \
    -d '{{"kind":"access"}}'
  curl -s -H 'Authorization: Bearer {key}' {url}/v1/cases
  curl -s -X POST {url}/v1/cases/<reference>/transition -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \
    -d '{{"to":"resolved","outcome":"accepted","summary":"Your summary is ready to download."}}'
  curl -s -H 'Authorization: Bearer anp_...' {url}/v1/me/requests/<reference>/document
Deadlines escalate on their own to the DPO (docs/cases.md). Erasure on schedule, legal holds and
the erasures coming up: {url}/v1/retention/upcoming (docs/retention.md).

The citizen's history as a PDF in their script (Hindi, Tamil, Urdu...): the dashboard's
"As a document (PDF)" link, {url}/me/export.pdf (fonts from the machine: fonts-noto-core).

What operators watch (docs/deployment.md, "Watching it"):
  curl -s {url}/readyz
  curl -s -H 'Authorization: Bearer {metrics_token}' {url}/metrics

Press Ctrl-C to stop.{temp_note}"#,
        pid = seeded.processor_id,
        pkey = seeded.processor_key,
        data = cfg.data_dir.display(),
        fid = seeded.fiduciary_id,
        temp_note = if temp.is_some() {
            " The temporary data directory is removed on exit."
        } else {
            ""
        },
    );
    running.wait().await?;
    drop(temp);
    Ok(ExitCode::SUCCESS)
}
