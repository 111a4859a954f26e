//! The reference model of "one truth per principal and purpose", written from the rule (not
//! from the code): artefacts, the state of each purpose, and which artefact holds the decision
//! in force for each principal and purpose. And the seeded generator that drives the run.

use super::PURPOSES;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

pub(super) use crate::harness::Rng;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum St {
    Active,
    Denied,
    Withdrawn,
    Expired,
}

#[derive(Clone, Debug)]
pub(super) struct MPurpose {
    pub(super) granted: bool,
    /// As recorded in the artefact's latest version.
    pub(super) status: St,
    pub(super) expires: Option<OffsetDateTime>,
}

impl MPurpose {
    pub(super) fn at(&self, now: OffsetDateTime) -> St {
        match (self.status, self.expires) {
            (St::Active, Some(e)) if now >= e => St::Expired,
            (s, _) => s,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct MArtefact {
    pub(super) id: Uuid,
    pub(super) principal: usize,
    pub(super) versions: u32,
    pub(super) purposes: Vec<MPurpose>,
}

#[derive(Default)]
pub(super) struct Model {
    pub(super) artefacts: Vec<MArtefact>,
    /// (principal, purpose) -> index in `artefacts` of the artefact holding the decision in force.
    pub(super) in_force: BTreeMap<(usize, usize), usize>,
}

impl Model {
    /// A new version: every purpose's passed expiry is written down.
    pub(super) fn new_version(&mut self, a: usize, now: OffsetDateTime) {
        let art = &mut self.artefacts[a];
        art.versions += 1;
        for p in &mut art.purposes {
            p.status = p.at(now);
        }
    }

    pub(super) fn expected_validation(
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

pub(super) fn status_name(s: St) -> &'static str {
    match s {
        St::Active => "active",
        St::Denied => "denied",
        St::Withdrawn => "withdrawn",
        St::Expired => "expired",
    }
}

/// The expiry job in the model: a new version of every artefact with a grant past its expiry
/// still recorded as active. Returns how many.
pub(super) fn expire_due(m: &mut Model, now: OffsetDateTime) -> usize {
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

/// Which purposes a command names: None (all) or a non-empty list.
pub(super) fn pick(rng: &mut Rng) -> Option<Vec<usize>> {
    if rng.chance(30) {
        return None;
    }
    let mut v: Vec<usize> = (0..PURPOSES.len()).filter(|_| rng.chance(40)).collect();
    if v.is_empty() {
        v.push(rng.below(PURPOSES.len()));
    }
    Some(v)
}

pub(super) fn codes(list: &Option<Vec<usize>>) -> Option<Vec<String>> {
    list.as_ref()
        .map(|l| l.iter().map(|&i| PURPOSES[i].0.to_string()).collect())
}
