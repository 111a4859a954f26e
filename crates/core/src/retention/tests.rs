use super::*;
use crate::model::{Event, Method, PurposeState};
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2026-01-15 10:00 UTC);

fn purpose(code: &str, retention_days: u32, basis: LegalBasis, law: Option<&str>) -> Purpose {
    Purpose {
        code: code.into(),
        name: Default::default(),
        description: Default::default(),
        data_items: vec!["pan".into()],
        mandatory: false,
        validity_days: 30,
        retention_days,
        legal_basis: basis,
        legal_reference: law.map(str::to_string),
        tracking: false,
        renewal_notice_days: None,
        created_at: T0,
    }
}

fn state(code: &str, status: Status, basis: LegalBasis) -> PurposeState {
    PurposeState {
        purpose: code.into(),
        mandatory: false,
        decision: Decision::Granted,
        status,
        data_items: vec!["pan".into()],
        legal_basis: basis,
        validity_days: 30,
        tracking: false,
        notice_version: None,
        granted_at: Some(T0),
        expires_at: Some(T0 + Duration::days(30)),
        withdrawn_at: (status == Status::Withdrawn).then_some(T0 + Duration::days(1)),
        updated_at: T0 + Duration::days(1),
    }
}

fn artefact(purposes: Vec<PurposeState>) -> Artefact {
    Artefact {
        id: Uuid::nil(),
        version: 2,
        previous_version: Some(1),
        fiduciary_id: Uuid::nil(),
        principal_id: "ravi".into(),
        notice_id: Uuid::nil(),
        notice_code: "n".into(),
        notice_version: 1,
        notice_text_hash: String::new(),
        language: Lang::parse("hi").unwrap(),
        purposes,
        event: Event::Withdrawn,
        method: Method::Api,
        session_id: None,
        initiator: "principal".into(),
        source_ip: None,
        guardian: None,
        collected_at: T0,
        created_at: T0,
        audit_log_id: None,
    }
}

fn catalogue(floors: Floors, policies: &[(&str, u32, Option<&str>)]) -> Catalogue {
    Catalogue {
        purposes: [
            (
                "marketing".to_string(),
                purpose("marketing", 30, LegalBasis::Consent, None),
            ),
            (
                "tax".to_string(),
                purpose(
                    "tax",
                    2920,
                    LegalBasis::LegalObligation,
                    Some("Income-tax Act, 1961"),
                ),
            ),
        ]
        .into(),
        categories: [("pan".to_string(), "financial".to_string())].into(),
        policies: policies
            .iter()
            .map(|(c, d, l)| {
                (
                    c.to_string(),
                    RetentionPolicy {
                        category: c.to_string(),
                        retention_days: *d,
                        legal_reference: l.map(str::to_string),
                        updated_at: T0,
                        updated_by: "test".into(),
                    },
                )
            })
            .collect(),
        floors,
    }
}

#[test]
fn nothing_is_planned_while_a_purpose_is_in_force() {
    let a = artefact(vec![
        state("marketing", Status::Withdrawn, LegalBasis::Consent),
        state("tax", Status::Active, LegalBasis::LegalObligation),
    ]);
    let cat = catalogue(Floors::default(), &[]);
    assert_eq!(
        erase_after(std::slice::from_ref(&a), &cat, T0 + Duration::days(2)),
        None
    );
    // Once the active grant runs out (day 30), the tax purpose keeps the data 2920 days.
    let at = T0 + Duration::days(31);
    let (until, law) = erase_after(&[a], &cat, at).unwrap();
    assert_eq!(until, T0 + Duration::days(30 + 2920));
    assert_eq!(law.as_deref(), Some("Income-tax Act, 1961"));
    assert_eq!(erase_after(&[], &cat, at), None);
}

#[test]
fn the_latest_keep_wins_category_policies_lengthen_and_the_consent_manager_floor_applies() {
    let a = artefact(vec![state(
        "marketing",
        Status::Withdrawn,
        LegalBasis::Consent,
    )]);
    let now = T0 + Duration::days(2);
    let withdrawn = T0 + Duration::days(1);
    let cat = catalogue(Floors::default(), &[]);
    assert_eq!(
        erase_after(std::slice::from_ref(&a), &cat, now),
        Some((withdrawn + Duration::days(30), None))
    );
    let cat = catalogue(
        Floors::default(),
        &[("financial", 400, Some("RBI KYC Directions"))],
    );
    assert_eq!(
        erase_after(std::slice::from_ref(&a), &cat, now),
        Some((
            withdrawn + Duration::days(400),
            Some("RBI KYC Directions".into())
        ))
    );
    let cm = Floors {
        consent_manager: true,
        ..Floors::default()
    };
    let (until, law) = erase_after(&[a], &catalogue(cm, &[]), now).unwrap();
    assert_eq!(
        until,
        withdrawn + Duration::days(CONSENT_MANAGER_DAYS as i64)
    );
    assert_eq!(law.as_deref(), Some(CONSENT_MANAGER_LAW));
}

#[test]
fn a_refused_purpose_keeps_nothing_but_its_record() {
    let mut s = state("marketing", Status::Denied, LegalBasis::Consent);
    s.decision = Decision::Denied;
    let a = artefact(vec![s]);
    let cat = catalogue(Floors::default(), &[]);
    let (until, law) = erase_after(std::slice::from_ref(&a), &cat, T0 + Duration::days(2)).unwrap();
    assert_eq!((until, law), (T0 + Duration::days(1), None));
    let cat = catalogue(Floors::default(), &[(CONSENT_RECORDS, 90, None)]);
    assert_eq!(
        erase_after(&[a], &cat, T0 + Duration::days(2)).unwrap().0,
        T0 + Duration::days(91)
    );
}

#[test]
fn floors_name_their_law_and_only_bind_their_category() {
    let f = Floors::default();
    assert_eq!(f.floor(CONSENT_RECORDS), None);
    assert_eq!(f.floor(AUDIT_LOGS), Some((AUDIT_LOG_DAYS, AUDIT_LOG_LAW)));
    assert_eq!(f.floor("financial"), None);
    let cm = Floors {
        consent_manager: true,
        audit_log_days: 3 * 366,
    };
    assert_eq!(
        cm.floor(CONSENT_RECORDS),
        Some((CONSENT_MANAGER_DAYS, CONSENT_MANAGER_LAW))
    );
    assert_eq!(cm.floor(AUDIT_LOGS).unwrap().0, 3 * 366);
    // A configured audit floor under one year is raised to it.
    let low = Floors {
        consent_manager: false,
        audit_log_days: 10,
    };
    assert_eq!(low.floor(AUDIT_LOGS).unwrap().0, AUDIT_LOG_DAYS);
}

#[test]
fn a_hold_is_in_force_until_it_ends_or_is_released() {
    let mut h = LegalHold {
        id: Uuid::nil(),
        scope: HoldScope::Fiduciary,
        reason: "court order 12/2026".into(),
        until: T0 + Duration::days(10),
        placed_by: "staff:x".into(),
        placed_at: T0,
        released_at: None,
        audit_log_id: 1,
    };
    assert!(h.in_force(T0));
    assert!(!h.in_force(T0 + Duration::days(10)));
    h.released_at = Some(T0);
    assert!(!h.in_force(T0 + Duration::days(1)));
}
