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
//!
//! `model`: the reference model; `steps`: the commands, applied to both, and the comparison.

use crate::harness::*;
use anumodan_core::clock::Clock;
use anumodan_core::usecases::Actor;
use model::{Model, Rng, expire_due};
use serde_json::json;
use steps::Step;
use time::Duration;
use uuid::Uuid;

mod model;
mod steps;

const PURPOSES: [(&str, u32, bool); 4] = [
    // (code, validity days, processing survives withdrawal by law)
    ("account", 365, false),
    ("marketing", 30, false),
    ("analytics", 90, false),
    ("tax_records", 365, true),
];
const PRINCIPALS: [&str; 2] = ["model-1", "model-2"];

#[tokio::test]
async fn the_store_answers_as_the_model_of_one_truth_per_purpose() {
    // Fixed seeds, so a failure replays; each covers a different mix of the commands.
    for seed in 1..=6 {
        run(seed, 70).await;
    }
}

/// One run: `steps` random commands from `seed`, the store compared with the model after each.
async fn run(seed: u64, steps: usize) {
    let mut s = TestServer::start().await;
    let cat = s.seed().await;
    publish_a_second_version(&s, &cat).await;
    let fid = Uuid::parse_str(&s.fiduciary_id).unwrap();
    let notice_id = Uuid::parse_str(&cat.notice_id).unwrap();
    let actor = Actor {
        fiduciary_id: fid,
        initiator: "fiduciary:model".into(),
        source_ip: Some("127.0.0.1".into()),
    };
    let mut rng = Rng::seeded(seed);
    let mut m = Model::default();

    for step in 0..steps {
        let now = s.clock.now();
        let what = rng.below(100);
        let ctx = format!("seed {seed} step {step}");
        let live: Vec<usize> = (0..m.artefacts.len()).collect();
        let st = Step {
            s: &s,
            actor: &actor,
            now,
            ctx: &ctx,
        };
        match what {
            0..=24 => steps::collect(&st, &mut m, &mut rng, notice_id).await,
            // update, renew, withdraw on an existing artefact
            25..=79 if !live.is_empty() => {
                let a = live[rng.below(live.len())];
                steps::act(&st, &mut m, &mut rng, a).await;
            }
            // the clock moves
            25..=84 => s.clock.advance(Duration::days(rng.below(40) as i64)),
            85..=92 => steps::expiry_job(&st, &mut m).await,
            93..=95 => steps::erase(&st, &mut m, &mut rng).await,
            // a restart (which runs the expiry job as it starts: the model expires what is due)
            _ => {
                s = s.restart().await;
                s.run_expiry().await;
                expire_due(&mut m, now);
            }
        }
        steps::check(&s, &m, &actor, &ctx).await;
    }
}

/// A second version of the notice (new text), so collections happen under two versions.
async fn publish_a_second_version(s: &TestServer, cat: &Catalog) {
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
}
