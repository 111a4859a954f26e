//! Key administration against an in-memory port.

use super::*;
use crate::audit::{Action, AuditRecord};
use crate::authz::Permission::{self, *};
use crate::ports::{KeysPort, LiveKey, Recorder, StoreError, StoreResult};
use crate::usecases::Actor;
use crate::{Error, ErrorKind};
use std::collections::BTreeSet;
use time::OffsetDateTime;
use uuid::Uuid;

const A: Uuid = Uuid::from_u128(0xa);
const B: Uuid = Uuid::from_u128(0xb);

struct Row {
    fid: Uuid,
    info: ApiKeyInfo,
    hash: [u8; 32],
}

#[derive(Default)]
struct Fake {
    fiduciaries: BTreeSet<Uuid>,
    rows: Vec<Row>,
    ledger: Vec<AuditRecord>,
    secrets: u32,
}

impl Fake {
    fn new() -> Fake {
        Fake {
            fiduciaries: [A, B].into(),
            ..Fake::default()
        }
    }
    fn secret(&mut self) -> String {
        self.secrets += 1;
        format!("{KEY_PREFIX}secret-{:040}", self.secrets)
    }
    fn row(&mut self, fid: Uuid, key: Uuid) -> Option<&mut Row> {
        self.rows
            .iter_mut()
            .find(|r| r.fid == fid && r.info.id == key && r.info.revoked_at.is_none())
    }
    /// The live key a secret opens, as authentication finds it.
    fn authenticate(&self, secret: &str) -> Option<(Uuid, Uuid)> {
        let h = key_hash(secret);
        self.rows
            .iter()
            .find(|r| r.hash == h && r.info.revoked_at.is_none())
            .map(|r| (r.fid, r.info.id))
    }
    fn actions(&self) -> Vec<(Action, String, String)> {
        self.ledger
            .iter()
            .map(|r| (r.action, r.outcome.clone(), r.initiator.clone()))
            .collect()
    }
}

impl Recorder for Fake {
    fn time(&self) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH
    }
    fn record(&mut self, entry: &AuditRecord) -> StoreResult<u64> {
        self.ledger.push(entry.clone());
        Ok(self.ledger.len() as u64 - 1)
    }
}

impl KeysPort for Fake {
    fn all_keys(&mut self, fid: Uuid) -> StoreResult<Vec<ApiKeyInfo>> {
        Ok(self
            .rows
            .iter()
            .filter(|r| r.fid == fid)
            .map(|r| r.info.clone())
            .collect())
    }
    fn live_key(&mut self, fid: Uuid, key: Uuid) -> StoreResult<Option<LiveKey>> {
        Ok(self.row(fid, key).map(|r| LiveKey {
            name: r.info.name.clone(),
            scopes: r.info.scopes.clone(),
        }))
    }
    fn insert_key(
        &mut self,
        fid: Uuid,
        name: &str,
        scopes: &BTreeSet<Permission>,
        created_by: &str,
    ) -> StoreResult<(Uuid, String)> {
        if !self.fiduciaries.contains(&fid) {
            return Err(StoreError::not_found("no such fiduciary"));
        }
        let secret = self.secret();
        let id = Uuid::from_u128(0x1000 + self.rows.len() as u128);
        self.rows.push(Row {
            fid,
            info: ApiKeyInfo {
                id,
                name: name.into(),
                prefix: secret[..10].into(),
                scopes: scopes.clone(),
                created_by: created_by.into(),
                created_at: self.time(),
                revoked_at: None,
            },
            hash: key_hash(&secret),
        });
        Ok((id, secret))
    }
    fn replace_secret(&mut self, fid: Uuid, key: Uuid) -> StoreResult<String> {
        let secret = self.secret();
        let r = self.row(fid, key).expect("a live key");
        r.hash = key_hash(&secret);
        r.info.prefix = secret[..10].into();
        Ok(secret)
    }
    fn revoke_key(&mut self, fid: Uuid, key: Uuid) -> StoreResult<()> {
        let now = self.time();
        self.row(fid, key).expect("a live key").info.revoked_at = Some(now);
        Ok(())
    }
}

fn actor(fid: Uuid, key: &NewApiKey) -> Actor {
    Actor {
        fiduciary_id: fid,
        initiator: format!("fiduciary:{}", key.id),
        source_ip: Some("192.0.2.9".into()),
    }
}

/// A fiduciary's root key, and a key it made with `scopes`.
fn setup(scopes: &[&str]) -> (Fake, NewApiKey, NewApiKey) {
    let mut f = Fake::new();
    let root = issue_root_key(&mut f, A, "cli").unwrap();
    let a = actor(A, &root);
    let by = Manager {
        actor: &a,
        scopes: &root.scopes,
    };
    let names: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    let k = create_key(&mut f, by, "k", Some(&names)).unwrap();
    (f, root, k)
}

fn code(e: Error) -> (ErrorKind, &'static str, String) {
    match e {
        Error::Domain(d) => (d.kind, d.code, d.message),
        Error::Store(s) => panic!("a storage error: {s}"),
    }
}

#[test]
fn the_root_key_holds_every_key_scope_and_is_recorded() {
    let mut f = Fake::new();
    let root = issue_root_key(&mut f, A, "cli").unwrap();
    assert_eq!(root.name, "default");
    assert_eq!(root.scopes, root_scopes());
    assert!(root.scopes.contains(&KeysManage) && root.scopes.contains(&PiiUnmask));
    for staff_only in [StaffManage, RolesManage, FiduciaryManage] {
        assert!(!root.scopes.contains(&staff_only), "{staff_only}");
    }
    assert!(root.api_key.starts_with(KEY_PREFIX));
    assert_eq!(f.authenticate(&root.api_key), Some((A, root.id)));
    assert_eq!(
        f.actions(),
        vec![(Action::ApiKeyCreated, root.id.to_string(), "cli".into())]
    );
    // A fiduciary that does not exist: the store's not-found, nothing recorded.
    let e = issue_root_key(&mut f, Uuid::from_u128(0xdead), "cli").unwrap_err();
    assert!(matches!(e, Error::Store(s) if s.is_not_found()));
    assert_eq!(f.ledger.len(), 1);
}

#[test]
fn a_key_created_without_scopes_gets_the_defaults_and_only_its_hash_is_kept() {
    let mut f = Fake::new();
    let root = issue_root_key(&mut f, A, "cli").unwrap();
    let a = actor(A, &root);
    let by = Manager {
        actor: &a,
        scopes: &root.scopes,
    };
    let k = create_key(&mut f, by, "  integration  ", None).unwrap();
    assert_eq!(k.scopes, crate::authz::default_key_scopes());
    assert_eq!(k.name, "integration");
    for p in [PiiUnmask, PrincipalErase, KeysManage] {
        assert!(!k.scopes.contains(&p), "{p}");
    }
    // Listed by name, prefix and scopes; the secret only as its hash.
    let listed = list_keys(&mut f, by).unwrap();
    assert_eq!(listed.len(), 2);
    let info = &listed[1];
    assert_eq!((info.id, info.name.as_str()), (k.id, "integration"));
    assert_eq!(info.created_by, a.initiator);
    assert!(k.api_key.starts_with(&info.prefix) && info.prefix.len() < k.api_key.len() / 2);
    assert_eq!(f.rows[1].hash, key_hash(&k.api_key));
    assert!(!format!("{k:?}").contains(&k.api_key), "the secret printed");
    // Recorded once, by the caller, naming the new key (no source address: admin entries).
    let last = f.ledger.last().unwrap();
    assert_eq!(
        (last.action, last.outcome.as_str(), last.initiator.as_str()),
        (
            Action::ApiKeyCreated,
            k.id.to_string().as_str(),
            a.initiator.as_str()
        )
    );
    assert_eq!((last.fiduciary_id, last.source_ip.as_deref()), (A, None));
}

#[test]
fn no_escalation_through_create() {
    let (mut f, _, admin) = setup(&["keys.manage", "consent.validate"]);
    let a = actor(A, &admin);
    let by = Manager {
        actor: &a,
        scopes: &admin.scopes,
    };
    let before = (f.rows.len(), f.ledger.len());
    let ask = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    // Scopes it lacks, also hidden among held ones or behind the defaults: 403.
    for scopes in [
        ask(&["pii.unmask"]),
        ask(&["consent.validate", "pii.unmask"]),
        ask(&["keys.manage", "principal.erase"]),
        None,
    ] {
        let (kind, code, _) = code(create_key(&mut f, by, "x", scopes.as_deref()).unwrap_err());
        assert_eq!(
            (kind, code),
            (ErrorKind::Forbidden, "forbidden"),
            "{scopes:?}"
        );
    }
    let (_, _, msg) =
        code(create_key(&mut f, by, "x", ask(&["pii.unmask"]).as_deref()).unwrap_err());
    assert_eq!(
        msg,
        "a key cannot grant pii.unmask, which it does not hold itself"
    );
    // Scopes no key may hold come first: 422 even for a scope the caller lacks.
    let (_, code1, _) =
        code(create_key(&mut f, by, "x", ask(&["staff.manage"]).as_deref()).unwrap_err());
    assert_eq!(code1, "invalid_scopes");
    // A bad name is checked after the scopes.
    let (_, code2, _) =
        code(create_key(&mut f, by, " ", ask(&["consent.validate"]).as_deref()).unwrap_err());
    assert_eq!(code2, "invalid_name");
    assert_eq!(
        (f.rows.len(), f.ledger.len()),
        before,
        "a refusal changed something"
    );
    // What it holds, it may grant.
    let k = create_key(
        &mut f,
        by,
        "validator",
        ask(&["consent.validate"]).as_deref(),
    )
    .unwrap();
    assert_eq!(k.scopes, [ConsentValidate].into());
}

#[test]
fn without_keys_manage_nothing_is_listed_created_rotated_or_revoked() {
    let (mut f, root, narrow) = setup(&["catalog.read", "consent.validate"]);
    let a = actor(A, &narrow);
    let by = Manager {
        actor: &a,
        scopes: &narrow.scopes,
    };
    let before = f.ledger.len();
    let forbidden = |e: Error| {
        let (kind, _, msg) = code(e);
        assert_eq!(kind, ErrorKind::Forbidden);
        assert_eq!(msg, "this API key lacks the scope keys.manage needed here");
    };
    forbidden(list_keys(&mut f, by).unwrap_err());
    forbidden(create_key(&mut f, by, "x", None).unwrap_err());
    forbidden(rotate_key(&mut f, by, narrow.id).unwrap_err());
    forbidden(revoke_key(&mut f, by, root.id).unwrap_err());
    assert_eq!(f.ledger.len(), before);
    assert!(f.authenticate(&root.api_key).is_some());
}

#[test]
fn rotation_keeps_id_name_and_scopes_and_stops_the_old_secret() {
    let (mut f, root, k) = setup(&["catalog.read", "consent.validate"]);
    let a = actor(A, &root);
    let by = Manager {
        actor: &a,
        scopes: &root.scopes,
    };
    let r = rotate_key(&mut f, by, k.id).unwrap();
    assert_eq!((r.id, r.name.as_str(), &r.scopes), (k.id, "k", &k.scopes));
    assert_ne!(r.api_key, k.api_key);
    assert_eq!(
        f.authenticate(&k.api_key),
        None,
        "the old secret still works"
    );
    assert_eq!(f.authenticate(&r.api_key), Some((A, k.id)));
    let listed = list_keys(&mut f, by).unwrap();
    assert!(r.api_key.starts_with(&listed[1].prefix));
    assert!(listed[1].revoked_at.is_none());
    assert_eq!(
        f.actions().last().unwrap(),
        &(Action::ApiKeyRotated, k.id.to_string(), a.initiator.clone())
    );
}

#[test]
fn revocation_is_at_once_and_a_second_one_is_not_found() {
    let (mut f, root, k) = setup(&["catalog.read"]);
    let a = actor(A, &root);
    let by = Manager {
        actor: &a,
        scopes: &root.scopes,
    };
    revoke_key(&mut f, by, k.id).unwrap();
    assert_eq!(f.authenticate(&k.api_key), None);
    let listed = list_keys(&mut f, by).unwrap();
    assert_eq!(
        listed[1].revoked_at,
        Some(OffsetDateTime::UNIX_EPOCH),
        "still listed"
    );
    let entries = f.ledger.len();
    // Revoked, or never existed: 404 for revoke and rotate alike, nothing recorded.
    for id in [k.id, Uuid::from_u128(0x77)] {
        let (kind, c, _) = code(revoke_key(&mut f, by, id).unwrap_err());
        assert_eq!((kind, c), (ErrorKind::NotFound, "key_not_found"));
        let (_, c, _) = code(rotate_key(&mut f, by, id).unwrap_err());
        assert_eq!(c, "key_not_found");
    }
    assert_eq!(f.ledger.len(), entries);
    assert_eq!(
        f.actions()
            .iter()
            .filter(|e| e.0 == Action::ApiKeyRevoked)
            .count(),
        1
    );
    // A key may revoke itself (the root key holds every key scope, so none is beyond it).
    revoke_key(&mut f, by, root.id).unwrap();
    assert_eq!(f.authenticate(&root.api_key), None);
}

#[test]
fn a_narrow_key_cannot_take_over_or_lock_out_a_broader_one() {
    let (mut f, root, admin) = setup(&["keys.manage", "catalog.read"]);
    let ra = actor(A, &root);
    let rby = Manager {
        actor: &ra,
        scopes: &root.scopes,
    };
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let dpo = create_key(
        &mut f,
        rby,
        "dpo",
        Some(&names(&["pii.unmask", "catalog.read"])),
    )
    .unwrap();
    let narrow = create_key(&mut f, rby, "narrow", Some(&names(&["catalog.read"]))).unwrap();
    let a = actor(A, &admin);
    let by = Manager {
        actor: &a,
        scopes: &admin.scopes,
    };
    let before = f.ledger.len();
    for target in [&dpo, &root] {
        let (kind, _, msg) = code(rotate_key(&mut f, by, target.id).unwrap_err());
        assert_eq!(kind, ErrorKind::Forbidden);
        assert!(
            msg.starts_with("this key cannot manage a key holding "),
            "{msg}"
        );
        let (kind, _, _) = code(revoke_key(&mut f, by, target.id).unwrap_err());
        assert_eq!(kind, ErrorKind::Forbidden);
        assert!(f.authenticate(&target.api_key).is_some());
    }
    assert_eq!(f.ledger.len(), before);
    // A key no broader than the caller's may be rotated and revoked.
    let r = rotate_key(&mut f, by, narrow.id).unwrap();
    revoke_key(&mut f, by, narrow.id).unwrap();
    assert_eq!(f.authenticate(&r.api_key), None);
}

#[test]
fn a_key_manages_only_its_own_fiduciarys_keys() {
    let (mut f, a_root, a_key) = setup(&["catalog.read"]);
    let b_root = issue_root_key(&mut f, B, "cli").unwrap();
    let b = actor(B, &b_root);
    let by = Manager {
        actor: &b,
        scopes: &b_root.scopes,
    };
    // B sees only its own key.
    let listed = list_keys(&mut f, by).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, b_root.id);
    let before = f.ledger.len();
    // A's keys are unknown to B: 404, as for a key that does not exist.
    for id in [a_root.id, a_key.id] {
        let (_, c, _) = code(rotate_key(&mut f, by, id).unwrap_err());
        assert_eq!(c, "key_not_found");
        let (_, c, _) = code(revoke_key(&mut f, by, id).unwrap_err());
        assert_eq!(c, "key_not_found");
    }
    assert_eq!(f.ledger.len(), before);
    assert_eq!(f.authenticate(&a_key.api_key), Some((A, a_key.id)));
    assert_eq!(f.authenticate(&a_root.api_key), Some((A, a_root.id)));
}
