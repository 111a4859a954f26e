//! Model-based test of the rule "one truth per principal and purpose" (docs/api.md), on the
//! store the suite runs on (embedded, or PostgreSQL with `ANUMODAN_TEST_DATABASE_URL`).
//!
//! Random sequences of collections (repeated, under two notice versions), updates, renewals,
//! withdrawals, expiry-job runs, erasures and restarts, over several artefacts and purposes per
//! principal, run through the use cases on the store (`Store::write`, the same call the API
//! makes). After every step a small reference model, written from the rule and not from the
//! code, is compared with what the store answers: validation (valid, reason and the artefact
//! holding the decision in force), each principal's listing (statuses as of now) and each
//! artefact's history length. A failure prints the seed and the step.

use crate::harness::*;
use anumodan_core::Lang;
use anumodan_core::clock::Clock;
use anumodan_core::model::{Decision, Method};
use anumodan_core::usecases::{self, ActRequest, Actor, CollectRequest, ValidateRequest};
use serde_json::json;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const PURPOSES: [(&str, u32, bool); 4] = [
    // (code, validity days, processing survives withdrawal by law)
    ("account", 365, false),
    ("marketing", 30, false),
    ("analytics", 90, false),
    ("tax_records", 365, true),
];

const PRINCIPALS: [&str; 2] = ["model-1", "model-2"];

/// A tiny deterministic generator (xorshift64*), so a failing seed replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum St {
    Active,
    Denied,
    Withdrawn,
    Expired,
}

#[derive(Clone, Debug)]
struct MPurpose {
    granted: bool,
    /// As recorded in the artefact's latest version.
    status: St,
    expires: Option<OffsetDateTime>,
}

impl MPurpose {
    fn at(&self, now: OffsetDateTime) -> St {
        match (self.status, self.expires) {
            (St::Active, Some(e)) if now >= e => St::Expired,
            (s, _) => s,
        }
    }
}

#[derive(Clone, Debug)]
struct MArtefact {
    id: Uuid,
    principal: usize,
    versions: u32,
    purposes: Vec<MPurpose>,
}

#[derive(Default)]
struct Model {
    artefacts: Vec<MArtefact>,
    /// (principal, purpose) -> index in `artefacts` of the artefact holding the decision in force.
    in_force: BTreeMap<(usize, usize), usize>,
}

impl Model {
    /// A new version: every purpose's passed expiry is written down.
    fn new_version(&mut self, a: usize, now: OffsetDateTime) {
        let art = &mut self.artefacts[a];
        art.versions += 1;
        for p in &mut art.purposes {
            p.status = p.at(now);
        }
    }

    fn expected_validation(
        &self,
        principal: usize,
        purpose: usize,
        now: OffsetDateTime,
    ) -> (bool, &'static str, Option<Uuid>) {
        let Some(&a) = self.in_force.get(&(principal, purpose)) else {
            return (false, "not_found", None);
        };
        let art = &self.artefacts[a];
        let survives = PURPOSES[purpose].2;
        let (valid, reason) = match art.purposes[purpose].at(now) {
            St::Active => (true, "active"),
            St::Denied => (false, "denied"),
            St::Withdrawn | St::Expired if survives => (true, "legal_exception"),
            St::Withdrawn => (false, "withdrawn"),
            St::Expired => (false, "expired"),
        };
        (valid, reason, Some(art.id))
    }
}

fn status_name(s: St) -> &'static str {
    match s {
        St::Active => "active",
        St::Denied => "denied",
        St::Withdrawn => "withdrawn",
        St::Expired => "expired",
    }
}

fn evidence() -> ActRequest {
    ActRequest {
        method: Some(Method::App),
        session_id: Some("model-session".into()),
        notice_version: Some(1),
        language: None,
    }
}

/// Which purposes a command names: None (all) or a non-empty list.
fn pick(rng: &mut Rng) -> Option<Vec<usize>> {
    if rng.chance(30) {
        return None;
    }
    let mut v: Vec<usize> = (0..PURPOSES.len()).filter(|_| rng.chance(40)).collect();
    if v.is_empty() {
        v.push(rng.below(PURPOSES.len()));
    }
    Some(v)
}

fn codes(list: &Option<Vec<usize>>) -> Option<Vec<String>> {
    list.as_ref()
        .map(|l| l.iter().map(|&i| PURPOSES[i].0.to_string()).collect())
}

async fn run(seed: u64, steps: usize) {
    let mut s = TestServer::start().await;
    let cat = s.seed().await;
    // A second version of the notice (new text), so collections happen under two versions.
    let mut texts = json!({"en": notice_text("en"), "hi": notice_text("hi")});
    texts["en"]["title"] = json!("Registration notice, second edition");
    let (st, v) = s
        .put_notice(
            &cat.notice_id,
            json!({"code": "registration", "purposes": ["account", "marketing", "analytics", "tax_records"],
                   "texts": texts}),
        )
        .await;
    assert_eq!(st, reqwest::StatusCode::OK, "{v}");
    let (st, v) = s.publish(&cat.notice_id, json!({})).await;
    assert_eq!(st, reqwest::StatusCode::CREATED, "{v}");

    let fid = Uuid::parse_str(&s.fiduciary_id).unwrap();
    let notice_id = Uuid::parse_str(&cat.notice_id).unwrap();
    let actor = Actor {
        fiduciary_id: fid,
        initiator: "fiduciary:model".into(),
        source_ip: Some("127.0.0.1".into()),
    };
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut m = Model::default();

    for step in 0..steps {
        let now = s.clock.now();
        let what = rng.below(100);
        let ctx = format!("seed {seed} step {step}");
        let live: Vec<usize> = (0..m.artefacts.len()).collect();
        match what {
            // collect
            0..=24 => {
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
                let a2 = actor.clone();
                let got = s
                    .state()
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
            // update, renew, withdraw on an existing artefact
            25..=79 if !live.is_empty() => {
                let a = live[rng.below(live.len())];
                let id = m.artefacts[a].id;
                let principal = m.artefacts[a].principal;
                let kind = rng.below(3);
                let list = pick(&mut rng);
                let a2 = actor.clone();
                match kind {
                    0 => {
                        // update: a decision per named purpose (all when None)
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
                        let got = s
                            .state()
                            .store
                            .write(move |tx| usecases::update(tx, &a2, id, &decisions, &evidence()))
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
                                        p.expires =
                                            Some(now + Duration::days(i64::from(PURPOSES[i].1)));
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
                    1 => {
                        // renew
                        let c = codes(&list);
                        let got = s
                            .state()
                            .store
                            .write(move |tx| {
                                usecases::renew(tx, &a2, id, c.as_deref(), &evidence())
                            })
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
                                let v: Vec<usize> =
                                    (0..PURPOSES.len()).filter(|&i| renewable(i)).collect();
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
                                    p.expires =
                                        Some(now + Duration::days(i64::from(PURPOSES[i].1)));
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
                    _ => {
                        // withdraw
                        let c = codes(&list);
                        let got = s
                            .state()
                            .store
                            .write(move |tx| {
                                usecases::withdraw(
                                    tx,
                                    &a2,
                                    id,
                                    c.as_deref(),
                                    &ActRequest::default(),
                                )
                            })
                            .await;
                        let at = |i: usize| m.artefacts[a].purposes[i].at(now);
                        let expected: Result<Vec<usize>, &str> = match &list {
                            Some(l)
                                if l.iter()
                                    .any(|&i| !matches!(at(i), St::Active | St::Withdrawn)) =>
                            {
                                Err("not_active")
                            }
                            Some(l) => {
                                Ok(l.iter().copied().filter(|&i| at(i) == St::Active).collect())
                            }
                            None => {
                                let v: Vec<usize> = (0..PURPOSES.len())
                                    .filter(|&i| at(i) == St::Active)
                                    .collect();
                                if v.is_empty()
                                    && !(0..PURPOSES.len()).any(|i| at(i) == St::Withdrawn)
                                {
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
                }
            }
            // the clock moves
            25..=84 => s.clock.advance(Duration::days(rng.below(40) as i64)),
            // the expiry job
            85..=92 => {
                let n = s.run_expiry().await;
                assert_eq!(n, expire_due(&mut m, now), "{ctx}: expiry job");
            }
            // erasure of one principal
            93..=95 => {
                let p = rng.below(PRINCIPALS.len());
                let (st, v) = s.erase(PRINCIPALS[p]).await;
                assert!(st.is_success(), "{ctx}: erase: {v}");
                m.in_force.retain(|&(q, _), _| q != p);
                // The erased principal's artefacts are tombstones: out of the model.
                let keep: Vec<MArtefact> = m
                    .artefacts
                    .iter()
                    .filter(|a| a.principal != p)
                    .cloned()
                    .collect();
                let remap: BTreeMap<Uuid, usize> =
                    keep.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
                for v in m.in_force.values_mut() {
                    *v = remap[&m.artefacts[*v].id];
                }
                m.artefacts = keep;
            }
            // a restart (which runs the expiry job as it starts: the model expires what is due)
            _ => {
                s = s.restart().await;
                s.run_expiry().await;
                expire_due(&mut m, now);
            }
        }
        check(&s, &m, &actor, &ctx).await;
    }
}

/// The expiry job in the model: a new version of every artefact with a grant past its expiry
/// still recorded as active. Returns how many.
fn expire_due(m: &mut Model, now: OffsetDateTime) -> usize {
    let due: Vec<usize> = (0..m.artefacts.len())
        .filter(|&a| {
            m.artefacts[a]
                .purposes
                .iter()
                .any(|p| p.status == St::Active && p.at(now) == St::Expired)
        })
        .collect();
    for &a in &due {
        m.new_version(a, now);
    }
    due.len()
}

/// Compares the store's answers with the model's.
async fn check(s: &TestServer, m: &Model, actor: &Actor, ctx: &str) {
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

#[tokio::test]
async fn the_store_answers_as_the_model_of_one_truth_per_purpose() {
    // Fixed seeds, so a failure replays; each covers a different mix of the commands.
    for seed in 1..=6 {
        run(seed, 70).await;
    }
}
