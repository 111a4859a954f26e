//! The outbox (sign-in codes to send by SMS or e-mail): filling it, reading it, and gateways
//! that record what they are given, or make the node die mid-round.

use super::catalog::{Catalog, all_granted};
use super::server::TestServer;
use anumodan_store::principal::OutboxMessage;
use reqwest::StatusCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Gives `n` new principals (`{prefix}-{i}`) a consent and a verified contact, and asks for a
/// sign-in code for each: `n` messages in the outbox. Returns their ids, oldest first.
pub async fn queue_sign_in_codes(
    s: &TestServer,
    cat: &Catalog,
    prefix: &str,
    n: usize,
) -> Vec<i64> {
    // Only sign-in codes in the outbox: the fiduciary tells its principals of consent changes
    // in the app alone (no e-mail or SMS notifications).
    let (st, v) = s
        .put(
            "/v1/notification-settings",
            serde_json::json!({"principal_channels": []}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let mut ids = Vec::new();
    for i in 0..n {
        let principal = format!("{prefix}-{i}");
        s.collect_ok(cat, &principal, all_granted()).await;
        let contact = format!("9{:09}", 876_540_000 + i);
        let (st, v) = s.add_contact(&principal, &contact).await;
        assert!(st.is_success(), "{v}");
        let (st, v) = s.signin_start(&contact).await;
        assert_eq!(st, StatusCode::ACCEPTED, "{v}");
        let newest = newest_outbox_id(s).await.expect("a message in the outbox");
        assert!(
            !ids.contains(&newest),
            "no message was queued for {principal}"
        );
        ids.push(newest);
    }
    ids
}

/// The id of the newest sign-in code in the outbox, if any (notifications of consent changes,
/// which the outbox also carries, are not counted).
pub async fn newest_outbox_id(s: &TestServer) -> Option<i64> {
    s.state()
        .store
        .read_conn(|c| {
            c.query_row("SELECT MAX(id) FROM outbox WHERE kind IS NULL", (), |r| {
                r.get(0)
            })
            .map_err(|e| anumodan_core::ports::StoreError::internal(e.to_string()))
        })
        .await
        .unwrap()
}

/// The newest sign-in code message, opened (what the SMS or e-mail gateway would send).
pub async fn last_message(s: &TestServer) -> Option<OutboxMessage> {
    match newest_outbox_id(s).await {
        Some(id) => s.state().store.outbox_message(id).await.unwrap(),
        None => None,
    }
}

/// The sign-in code in a message's body (its first word).
pub fn code_in(body: &str) -> String {
    body.split_whitespace().next().unwrap().to_string()
}

/// What an SMS or e-mail gateway received, by message id, in order.
#[derive(Default)]
pub struct Gateway(Mutex<Vec<i64>>);

impl Gateway {
    /// The ids received since the last call.
    pub fn take(&self) -> Vec<i64> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A node's delivery to a [`Gateway`] that dies (panics) right after the gateway took its
/// `n`-th message: the crash between sending a message and marking it sent.
pub struct DyingAfter(pub Arc<Gateway>, pub usize);

impl anumodan_server::jobs::outbox::Delivery for DyingAfter {
    fn deliver<'a>(&'a self, m: &'a OutboxMessage) -> anumodan_server::jobs::outbox::Delivered<'a> {
        let mut got = self.0.0.lock().unwrap();
        got.push(m.id);
        let n = got.len();
        drop(got);
        if n == self.1 {
            panic!("the node dies after the gateway took message {}", m.id);
        }
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Runs one outbox round on `s` whose node dies right after `gateway` took its `n`-th message,
/// and checks that it did die.
pub async fn die_mid_outbox_round(
    s: &TestServer,
    gateway: &Arc<Gateway>,
    n: usize,
    lease: Duration,
) {
    let (state, dying) = (s.state().clone(), DyingAfter(gateway.clone(), n));
    let died = tokio::spawn(async move {
        anumodan_server::jobs::outbox::dispatch_outbox_once(&state, &dying, lease).await
    })
    .await;
    assert!(
        died.is_err_and(|e| e.is_panic()),
        "the node was meant to die mid-round"
    );
}
