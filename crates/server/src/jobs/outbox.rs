//! The message outbox: sign-in codes and notifications to principals (e-mail and SMS),
//! delivered by the node holding the `outbox` lease: e-mail over SMTP when `smtp_url` is set,
//! everything else (and e-mail without SMTP) to the operator's gateway.

use crate::AppState;
use anumodan_store::principal::OutboxMessage;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// What [`Delivery::deliver`] returns: done when the gateway took the message (or refused it).
pub type Delivered<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Where outbox messages go: [`WebhookDelivery`] to the operator's gateway, or [`LogDelivery`]
/// when none is configured.
pub trait Delivery: Send + Sync {
    /// Sends one message; an error leaves it in the outbox for the next round. The error text
    /// is logged, so it must hold no destination or body.
    fn deliver<'a>(&'a self, m: &'a OutboxMessage) -> Delivered<'a>;
}

/// Records that a message would be sent: channel, message id and the masked destination,
/// never the body (which may hold a sign-in code) nor the clear destination.
pub struct LogDelivery;

impl Delivery for LogDelivery {
    fn deliver<'a>(&'a self, m: &'a OutboxMessage) -> Delivered<'a> {
        tracing::info!(
            channel = %m.channel,
            message = m.id,
            to = %anumodan_core::mask::mask_identifier(&m.destination),
            "outbox message delivered (log channel: no gateway configured)"
        );
        Box::pin(std::future::ready(Ok(())))
    }
}

/// POSTs each message as JSON to the operator's gateway (`outbox_webhook_url`):
/// `{"id", "message_id", "fiduciary_id", "channel", "kind", "language", "destination",
/// "subject", "body"}`, with the message id also in the
/// `Idempotency-Key` header. A 2xx answer means the gateway took it; anything else, or no
/// answer within the timeout, leaves it for the next round. The same message may arrive twice
/// (see [`dispatch_outbox_once`]): the gateway drops a copy by its id.
pub struct WebhookDelivery {
    client: reqwest::Client,
    url: reqwest::Url,
}

/// Checks `outbox_webhook_url`: `https`, or `http` to a loopback address only. The error never
/// repeats the URL (it may carry a token).
pub fn webhook_url(url: &str) -> anyhow::Result<reqwest::Url> {
    let url = reqwest::Url::parse(url)
        .map_err(|e| anyhow::anyhow!("outbox_webhook_url is not a URL: {e}"))?;
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => anyhow::bail!(
            "outbox_webhook_url must use https (plain http only to a loopback address): \
             messages carry destinations and codes in clear"
        ),
    }
    Ok(url)
}

impl WebhookDelivery {
    /// Checks the URL ([`webhook_url`]) and builds the client. `timeout` bounds each delivery;
    /// keep it well under the outbox lease, so a node never holds a message past its lease.
    pub fn new(url: &str, timeout: Duration) -> anyhow::Result<WebhookDelivery> {
        let url = webhook_url(url)?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(WebhookDelivery { client, url })
    }
}

impl Delivery for WebhookDelivery {
    fn deliver<'a>(&'a self, m: &'a OutboxMessage) -> Delivered<'a> {
        Box::pin(async move {
            let res = self
                .client
                .post(self.url.clone())
                .header("Idempotency-Key", m.id.to_string())
                .json(&serde_json::json!({
                    "id": m.id,
                    "message_id": m.message_id,
                    "fiduciary_id": m.fiduciary,
                    "channel": m.channel,
                    // `sign_in_code`, or the event a notification reports.
                    "kind": m.kind.as_deref().unwrap_or("sign_in_code"),
                    "language": m.language,
                    "destination": m.destination,
                    "subject": m.subject,
                    "body": m.body,
                }))
                .send()
                .await
                // Without the URL: it may carry the gateway's credentials.
                .map_err(|e| format!("gateway unreachable: {}", e.without_url()))?;
            if res.status().is_success() {
                Ok(())
            } else {
                Err(format!("gateway answered {}", res.status()))
            }
        })
    }
}

/// E-mail notifications over SMTP (when configured); every other message to `gateway`.
pub struct RoutedDelivery {
    pub gateway: Arc<dyn Delivery>,
    pub email: Option<Arc<crate::channels::email::EmailSender>>,
}

impl Delivery for RoutedDelivery {
    fn deliver<'a>(&'a self, m: &'a OutboxMessage) -> Delivered<'a> {
        match (&self.email, m.channel.as_str()) {
            (Some(smtp), "email") => Box::pin(async move {
                let email = crate::channels::email::Email {
                    to: m.destination.clone(),
                    // A sign-in code has no subject of its own.
                    subject: m
                        .subject
                        .clone()
                        .unwrap_or_else(|| "Your sign-in code".to_string()),
                    text: m.body.clone(),
                    html: m.html.clone(),
                    language: m.language.clone().unwrap_or_else(|| "en".into()),
                    message_id: m.message_id.clone(),
                    reply_to: None,
                };
                smtp.send(&email).await.map_err(|e| e.to_string())
            }),
            _ => self.gateway.deliver(m),
        }
    }
}

/// Sends what the outbox holds, oldest first, each message marked sent in its own commit right
/// after the gateway took it. With several nodes only the holder of the `outbox` lease sends,
/// and it renews the lease before each message, stopping the round if it lost it: a message is
/// not sent by two nodes at once.
///
/// At-least-once, and at most one message more: a node that dies between a message's delivery
/// and its mark sends that one message again after a restart, or another node does once the
/// lease has passed. The message keeps its id, which is the idempotency key a gateway or
/// receiver uses to drop the copy (see docs/deployment.md).
pub async fn dispatch_outbox_once(
    state: &AppState,
    delivery: &dyn Delivery,
    lease: Duration,
) -> Result<usize, anumodan_core::ports::StoreError> {
    if !state.store.take_lease("outbox", lease).await? {
        return Ok(0);
    }
    let pending = state.store.outbox_pending(100, state.clock.now()).await?;
    if !pending.is_empty() {
        // What they report (a code issued, a consent change) is durable before it is told.
        state.store.durable_barrier().await?;
    }
    let mut sent = 0;
    for (i, m) in pending.iter().enumerate() {
        if i > 0 && !state.store.take_lease("outbox", lease).await? {
            tracing::warn!("outbox lease lost to another node; stopping this round");
            break;
        }
        if let Err(e) = delivery.deliver(m).await {
            tracing::warn!(message = m.id, error = %e, "outbox delivery failed; will retry later");
            let id = m.id;
            state
                .store
                .write_raw(move |tx| anumodan_store::principal::outbox_failed(tx, id, &e, false))
                .await?;
            continue;
        }
        let id = m.id;
        state
            .store
            .write_raw(move |tx| anumodan_store::principal::mark_sent(tx, &[id]))
            .await?;
        sent += 1;
    }
    Ok(sent)
}

/// The `outbox` job: [`dispatch_outbox_once`] on the node holding the `outbox` lease.
pub struct OutboxJob {
    pub delivery: Arc<dyn Delivery>,
    pub every: Duration,
    pub lease: Duration,
}

impl super::Job for OutboxJob {
    fn name(&self) -> &'static str {
        "outbox"
    }
    fn schedule(&self) -> super::Schedule {
        super::Schedule::Every(self.every)
    }
    // No lease here: `dispatch_outbox_once` takes and renews the `outbox` lease itself, before
    // each message.
    fn run<'a>(&'a self, state: &'a AppState) -> super::JobFuture<'a> {
        Box::pin(async move {
            Ok(dispatch_outbox_once(state, self.delivery.as_ref(), self.lease).await?)
        })
    }
}
