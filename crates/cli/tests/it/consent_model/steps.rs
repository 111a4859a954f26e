//! The commands of a run, each applied to the store (through the use cases, as the API does)
//! and to the model; and the comparison of the two after every step.

use super::model::{MArtefact, MPurpose, Model, Rng, St, codes, expire_due, pick, status_name};
use super::{PRINCIPALS, PURPOSES};
use crate::harness::*;
use anumodan_core::Lang;
use anumodan_core::clock::Clock;
use anumodan_core::model::{Decision, Method};
use anumodan_core::usecases::{self, ActRequest, Actor, CollectRequest, ValidateRequest};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// What every command of one step knows: the server, who acts, the time, and what to print
/// when it fails (the seed and the step).
pub(super) struct Step<'a> {
    pub(super) s: &'a TestServer,
    pub(super) actor: &'a Actor,
    pub(super) now: OffsetDateTime,
    pub(super) ctx: &'a str,
}

fn act_evidence() -> ActRequest {
    ActRequest {
        method: Some(Method::App),
        session_id: Some("model-session".into()),
        notice_version: Some(1),
        language: None,
    }
}

/// A collection for a random principal, under a random notice version, each purpose granted
/// or denied at random.
pub(super) async fn collect(st: &Step<'_>, m: &mut Model, rng: &mut Rng, notice_id: Uuid) {
    let (now, ctx) = (st.now, st.ctx);
    let p = rng.below(PRINCIPALS.len());
    let grants: Vec<bool> = (0..PURPOSES.len()).map(|_| rng.chance(60)).collect();
    let decisions = PURPOSES
        .iter()
        .zip(&grants)
        .map(|(&(c, _, _), &g)| {
            (
                c.to_string(),
                if g {
                    Decision::Granted
                } else {
                    Decision::Denied
                },
            )
        })
        .collect();
    let req = CollectRequest {
        principal_id: PRINCIPALS[p].into(),
        notice_id,
        notice_version: 1 + rng.below(2) as u32,
        language: Lang::parse("en").unwrap(),
        decisions,
        method: Method::Web,
        session_id: Some("s".into()),
        requires_guardian: false,
        guardian: None,
    };
    let a2 = st.actor.clone();
    let got =
        st.s.state()
            .store
            .write(move |tx| usecases::collect(tx, &a2, req))
            .await
            .unwrap_or_else(|e| panic!("{ctx}: collect refused: {e}"));
    let purposes = grants
        .iter()
        .zip(PURPOSES)
        .map(|(&g, (_, days, _))| MPurpose {
            granted: g,
            status: if g { St::Active } else { St::Denied },
            expires: g.then(|| now + Duration::days(i64::from(days))),
        })
        .collect();
    m.artefacts.push(MArtefact {
        id: got.id,
        principal: p,
        versions: 1,
        purposes,
    });
    let a = m.artefacts.len() - 1;
    for i in 0..PURPOSES.len() {
        m.in_force.insert((p, i), a);
    }
}

/// An update, a renewal or a withdrawal of artefact `a` (chosen by the caller), naming random
/// purposes (or none: all).
pub(super) async fn act(st: &Step<'_>, m: &mut Model, rng: &mut Rng, a: usize) {
    let kind = rng.below(3);
    let list = pick(rng);
    match kind {
        0 => update(st, m, rng, a, list).await,
        1 => renew(st, m, a, list).await,
        _ => withdraw(st, m, a, list).await,
    }
}

/// An update: a decision per named purpose (all when None).
async fn update(st: &Step<'_>, m: &mut Model, rng: &mut Rng, a: usize, list: Option<Vec<usize>>) {
    let (now, ctx) = (st.now, st.ctx);
    let id = m.artefacts[a].id;
    let principal = m.artefacts[a].principal;
    let a2 = st.actor.clone();
    let named: Vec<usize> = list
        .clone()
        .unwrap_or_else(|| (0..PURPOSES.len()).collect());
    let grant: Vec<bool> = named.iter().map(|_| rng.chance(50)).collect();
    let decisions: BTreeMap<String, Decision> = named
        .iter()
        .zip(&grant)
        .map(|(&i, &g)| {
            (
                PURPOSES[i].0.to_string(),
                if g {
                    Decision::Granted
                } else {
                    Decision::Denied
                },
            )
        })
        .collect();
    let got =
        st.s.state()
            .store
            .write(move |tx| usecases::update(tx, &a2, id, &decisions, &act_evidence()))
            .await;
    // Model: later duplicates cannot occur (named is a set).
    let mut changed = vec![];
    for (&i, &g) in named.iter().zip(&grant) {
        let p = &m.artefacts[a].purposes[i];
        let active = p.at(now) == St::Active;
        if (g && !active) || (!g && (p.granted || active)) {
            changed.push((i, g));
        }
    }
    match got {
        Err(usecases::Error::Domain(e)) => {
            assert!(changed.is_empty(), "{ctx}: update refused: {e}");
            assert_eq!(e.code, "no_change", "{ctx}: {e}");
        }
        Err(e) => panic!("{ctx}: update: {e}"),
        Ok(_) => {
            assert!(
                !changed.is_empty(),
                "{ctx}: update accepted with nothing to change"
            );
            m.new_version(a, now);
            for (i, g) in changed {
                let p = &mut m.artefacts[a].purposes[i];
                if g {
                    p.granted = true;
                    p.status = St::Active;
                    p.expires = Some(now + Duration::days(i64::from(PURPOSES[i].1)));
                } else {
                    p.granted = false;
                    p.status = St::Denied;
                    p.expires = None;
                }
                m.in_force.insert((principal, i), a);
            }
        }
    }
}

/// A renewal of the named purposes (all renewable ones when None).
async fn renew(st: &Step<'_>, m: &mut Model, a: usize, list: Option<Vec<usize>>) {
    let (now, ctx) = (st.now, st.ctx);
    let id = m.artefacts[a].id;
    let principal = m.artefacts[a].principal;
    let a2 = st.actor.clone();
    let c = codes(&list);
    let got =
        st.s.state()
            .store
            .write(move |tx| usecases::renew(tx, &a2, id, c.as_deref(), &act_evidence()))
            .await;
    let held = |i: usize| m.in_force.get(&(principal, i)) == Some(&a);
    let renewable = |i: usize| {
        let p = &m.artefacts[a].purposes[i];
        p.granted && matches!(p.at(now), St::Active | St::Expired) && held(i)
    };
    let expected: Result<Vec<usize>, &str> = match &list {
        Some(l) => l
            .iter()
            .find_map(|&i| {
                if !held(i) {
                    Some(Err("superseded"))
                } else if !renewable(i) {
                    Some(Err("not_renewable"))
                } else {
                    None
                }
            })
            .unwrap_or(Ok(l.clone())),
        None => {
            let v: Vec<usize> = (0..PURPOSES.len()).filter(|&i| renewable(i)).collect();
            if v.is_empty() {
                Err("not_renewable")
            } else {
                Ok(v)
            }
        }
    };
    match (got, expected) {
        (Ok(_), Ok(targets)) => {
            m.new_version(a, now);
            for i in targets {
                let p = &mut m.artefacts[a].purposes[i];
                p.status = St::Active;
                p.expires = Some(now + Duration::days(i64::from(PURPOSES[i].1)));
                m.in_force.insert((principal, i), a);
            }
        }
        (Err(usecases::Error::Domain(e)), Err(code)) => {
            assert_eq!(e.code, code, "{ctx}: renew {list:?}: {e}")
        }
        (got, want) => {
            panic!("{ctx}: renew {list:?}: got {got:?}, model says {want:?}")
        }
    }
}

/// A withdrawal of the named purposes (all when None).
async fn withdraw(st: &Step<'_>, m: &mut Model, a: usize, list: Option<Vec<usize>>) {
    let (now, ctx) = (st.now, st.ctx);
    let id = m.artefacts[a].id;
    let principal = m.artefacts[a].principal;
    let a2 = st.actor.clone();
    let c = codes(&list);
    let got =
        st.s.state()
            .store
            .write(move |tx| usecases::withdraw(tx, &a2, id, c.as_deref(), &ActRequest::default()))
            .await;
    let at = |i: usize| m.artefacts[a].purposes[i].at(now);
    let expected: Result<Vec<usize>, &str> = match &list {
        Some(l)
            if l.iter()
                .any(|&i| !matches!(at(i), St::Active | St::Withdrawn)) =>
        {
            Err("not_active")
        }
        Some(l) => Ok(l.iter().copied().filter(|&i| at(i) == St::Active).collect()),
        None => {
            let v: Vec<usize> = (0..PURPOSES.len())
                .filter(|&i| at(i) == St::Active)
                .collect();
            if v.is_empty() && !(0..PURPOSES.len()).any(|i| at(i) == St::Withdrawn) {
                Err("not_active")
            } else {
                Ok(v)
            }
        }
    };
    match (got, expected) {
        (Ok(w), Ok(targets)) => {
            assert_eq!(w.changed, !targets.is_empty(), "{ctx}");
            if !targets.is_empty() {
                m.new_version(a, now);
                for i in targets {
                    m.artefacts[a].purposes[i].status = St::Withdrawn;
                    m.in_force.insert((principal, i), a);
                }
            }
        }
        (Err(usecases::Error::Domain(e)), Err(code)) => {
            assert_eq!(e.code, code, "{ctx}: withdraw {list:?}: {e}")
        }
        (got, want) => panic!(
            "{ctx}: withdraw {list:?}: got {:?}, model says {want:?}",
            got.map(|w| w.changed)
        ),
    }
}

/// The erasure of a random principal: their artefacts become tombstones, out of the model.
pub(super) async fn erase(st: &Step<'_>, m: &mut Model, rng: &mut Rng) {
    let ctx = st.ctx;
    let p = rng.below(PRINCIPALS.len());
    let (status, v) = st.s.erase(PRINCIPALS[p]).await;
    assert!(status.is_success(), "{ctx}: erase: {v}");
    m.in_force.retain(|&(q, _), _| q != p);
    // The erased principal's artefacts are tombstones: out of the model.
    let keep: Vec<MArtefact> = m
        .artefacts
        .iter()
        .filter(|a| a.principal != p)
        .cloned()
        .collect();
    let remap: BTreeMap<Uuid, usize> = keep.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    for v in m.in_force.values_mut() {
        *v = remap[&m.artefacts[*v].id];
    }
    m.artefacts = keep;
}

/// The expiry job, on the store and in the model: the same number of artefacts expired.
pub(super) async fn expiry_job(st: &Step<'_>, m: &mut Model) {
    let n = st.s.run_expiry().await;
    assert_eq!(n, expire_due(m, st.now), "{}: expiry job", st.ctx);
}

/// Compares the store's answers with the model's.
pub(super) async fn check(s: &TestServer, m: &Model, actor: &Actor, ctx: &str) {
    let now = s.clock.now();
    for (p, principal) in PRINCIPALS.iter().enumerate() {
        for (i, (code, _, _)) in PURPOSES.iter().enumerate() {
            let req = ValidateRequest {
                principal_id: principal.to_string(),
                purpose: code.to_string(),
                data_items: None,
            };
            let a2 = actor.clone();
            let v = s
                .state()
                .store
                .write(move |tx| usecases::validate(tx, &a2, &req))
                .await
                .unwrap_or_else(|e| panic!("{ctx}: validate: {e}"));
            let (valid, reason, consent) = m.expected_validation(p, i, now);
            assert_eq!(
                (v.valid, v.reason.as_str(), v.consent_id),
                (valid, reason, consent),
                "{ctx}: validation of {principal}/{code}"
            );
        }
        // The listing: every artefact of the principal, statuses as of now.
        let fid = actor.fiduciary_id;
        let who = principal.to_string();
        let listed = s
            .state()
            .store
            .read(move |r| r.principal_artefacts(fid, &who))
            .await
            .unwrap();
        let mut got: Vec<(Uuid, u32, Vec<&'static str>)> = listed
            .iter()
            .map(|a| {
                (
                    a.id,
                    a.version,
                    a.purposes
                        .iter()
                        .map(|s| s.status_at(now).as_str())
                        .collect(),
                )
            })
            .collect();
        got.sort();
        let mut want: Vec<(Uuid, u32, Vec<&'static str>)> = m
            .artefacts
            .iter()
            .filter(|a| a.principal == p)
            .map(|a| {
                (
                    a.id,
                    a.versions,
                    a.purposes.iter().map(|x| status_name(x.at(now))).collect(),
                )
            })
            .collect();
        want.sort();
        assert_eq!(got, want, "{ctx}: listing of {principal}");
    }
    // Each artefact's history has exactly the versions the model wrote.
    for a in &m.artefacts {
        let (fid, id) = (actor.fiduciary_id, a.id);
        let h = s
            .state()
            .store
            .read(move |r| r.artefact_history(fid, id))
            .await
            .unwrap();
        assert_eq!(h.len() as u32, a.versions, "{ctx}: history of {id}");
        assert!(
            h.iter().enumerate().all(|(i, v)| v.version == i as u32 + 1),
            "{ctx}"
        );
    }
}
