//! What notifications and alerts are made of: processors, webhook endpoints, alerts, the
//! principal's inbox, deliveries, and a fiduciary's notification settings.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// A data processor registered by a fiduciary (BRD 4.4.2): it processes personal data for some
/// of the fiduciary's purposes and is alerted when consent to them ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Processor {
    pub id: Uuid,
    pub name: String,
    /// Codes of the purposes it processes.
    pub purposes: Vec<String>,
    /// Its webhook endpoint, if it has one (alerts are also readable with its key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
}

/// A webhook endpoint: the fiduciary's own (no `processor_id`) or one of its processors'.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Endpoint {
    pub id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor_id: Option<Uuid>,
    pub url: String,
    /// Event types it receives (`consent.withdrawn`, ...); empty for every type. A processor's
    /// endpoint receives its alerts.
    pub event_types: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the secret was last rotated.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub rotated_at: Option<OffsetDateTime>,
    /// Until when the previous secret also signs (the overlap of a rotation).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub previous_secret_until: Option<OffsetDateTime>,
}

/// An endpoint to deliver to, with the secrets that sign for it (store to dispatcher only).
#[derive(Clone)]
pub struct EndpointTarget {
    pub id: Uuid,
    pub url: String,
    /// `whsec_...`: the current secret, and the previous one while its overlap lasts.
    pub secrets: Vec<zeroize::Zeroizing<String>>,
}

impl std::fmt::Debug for EndpointTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointTarget")
            .field("id", &self.id)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .finish_non_exhaustive()
    }
}

/// What ended for a processor: the alert's reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// The principal withdrew consent to the purposes.
    ConsentWithdrawn,
    /// Consent to the purposes ran out.
    ConsentExpired,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::ConsentWithdrawn => "consent_withdrawn",
            AlertKind::ConsentExpired => "consent_expired",
        }
    }
    pub fn parse(s: &str) -> Option<AlertKind> {
        match s {
            "consent_withdrawn" => Some(AlertKind::ConsentWithdrawn),
            "consent_expired" => Some(AlertKind::ConsentExpired),
            _ => None,
        }
    }
}

/// An alert to a processor: stop processing for these purposes of this artefact, and confirm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Alert {
    pub id: Uuid,
    pub processor_id: Uuid,
    pub processor_name: String,
    pub kind: AlertKind,
    pub artefact_id: Uuid,
    /// The purposes, among those the processor processes, that ended.
    pub purposes: Vec<String>,
    /// The event that caused it (its id in `GET /v1/events`).
    pub event_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the processor confirmed it stopped (BRD 4.4.2, the action confirmation).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    /// The processor's note on confirming.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// 0 while not escalated; 1 and 2 after the first and second escalation.
    pub escalation_level: u8,
    /// When it escalates next, if unconfirmed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub escalates_at: Option<OffsetDateTime>,
}

/// A new alert, as the fan-out writes it.
#[derive(Clone, Debug)]
pub struct NewAlert {
    pub id: Uuid,
    pub processor_id: Uuid,
    pub kind: AlertKind,
    pub artefact_id: Uuid,
    pub purposes: Vec<String>,
    pub event_id: i64,
    pub escalates_at: OffsetDateTime,
}

/// One message in a principal's in-app inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InboxItem {
    pub id: Uuid,
    /// The event it reports (`consent_withdrawn`, `renewal_due`, ...).
    pub kind: String,
    pub language: Lang,
    /// A one-line title.
    pub title: String,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artefact_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
}

/// A fiduciary's notification settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifySettings {
    /// Where escalations of unconfirmed alerts go by e-mail (the DPO's address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpo_email: Option<String>,
    /// The language of messages to the DPO.
    #[serde(default = "english")]
    pub dpo_language: Lang,
    /// Hours after which an unconfirmed alert escalates the first time (default 24).
    #[serde(default = "first_escalation")]
    #[schema(minimum = 1, maximum = 720)]
    pub escalate_after_hours: u32,
    /// Hours after the alert at which it escalates again (default 72; not before the first).
    #[serde(default = "second_escalation")]
    #[schema(minimum = 1, maximum = 2160)]
    pub escalate_again_after_hours: u32,
    /// Days before expiry that principals are reminded to renew, for purposes that do not set
    /// their own (default 30).
    #[serde(default = "renewal_days")]
    #[schema(minimum = 1, maximum = 365)]
    pub renewal_notice_days: u32,
    /// Send a `validation.refused` event for each refused validation (off by default).
    #[serde(default)]
    pub notify_validation_refused: bool,
    /// A link to the principal's dashboard, put in messages to principals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_url: Option<String>,
    /// The channels besides the in-app inbox (always on) by which principals are told:
    /// `email` and `sms` by default. A fiduciary that sends its own messages, or whose
    /// principals pay for SMS, narrows it.
    #[serde(default = "principal_channels")]
    #[schema(max_items = 2)]
    pub principal_channels: Vec<PrincipalChannel>,
}

/// A channel to principals besides the in-app inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalChannel {
    Email,
    Sms,
}

impl PrincipalChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalChannel::Email => "email",
            PrincipalChannel::Sms => "sms",
        }
    }
}

fn principal_channels() -> Vec<PrincipalChannel> {
    vec![PrincipalChannel::Email, PrincipalChannel::Sms]
}

fn english() -> Lang {
    Lang::parse("en").expect("en is a language")
}
fn first_escalation() -> u32 {
    24
}
fn second_escalation() -> u32 {
    72
}
fn renewal_days() -> u32 {
    30
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            dpo_email: None,
            dpo_language: english(),
            escalate_after_hours: first_escalation(),
            escalate_again_after_hours: second_escalation(),
            renewal_notice_days: renewal_days(),
            notify_validation_refused: false,
            dashboard_url: None,
            principal_channels: principal_channels(),
        }
    }
}

/// Channels of a delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Webhook,
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "webhook" => Some(Channel::Webhook),
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    Sent,
    /// Every attempt failed (or the receiver refused it for good): waits for a replay.
    Dead,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Dead => "dead",
        }
    }
    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        match s {
            "pending" => Some(DeliveryStatus::Pending),
            "sent" => Some(DeliveryStatus::Sent),
            "dead" => Some(DeliveryStatus::Dead),
            _ => None,
        }
    }
}

/// A delivery as staff see it: no body, no destination in clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryInfo {
    /// The message id (`msg_...`): the `webhook-id` header, the e-mail's Message-ID, and the
    /// idempotency key a receiver drops a copy by.
    pub id: String,
    pub channel: Channel,
    /// What it reports (`consent.withdrawn`, `alert.created`, `alert.escalated`, ...).
    pub kind: String,
    /// The webhook endpoint, for a webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<Uuid>,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// The last failure, without destination or body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
}

/// A delivery to make (webhook or a staff e-mail), as the fan-out and the escalation write it.
#[derive(Clone, Debug)]
pub struct NewDelivery {
    pub channel: Channel,
    pub kind: String,
    /// The webhook endpoint (for a webhook).
    pub endpoint_id: Option<Uuid>,
    /// For an e-mail: the address.
    pub destination: Option<String>,
    /// The webhook's JSON body, or for an e-mail the rendered message as JSON
    /// (`{"subject", "text", "html", "language"}`).
    pub payload: String,
    /// The event it comes from, and what within the event (its recipient) makes it unique:
    /// writing the same (event, key) twice writes one delivery.
    pub event_id: Option<i64>,
    pub dedup_key: String,
    /// The alert it carries, if any.
    pub alert_id: Option<Uuid>,
    /// The principal its body names (their pseudonym), if any.
    pub principal: Option<crate::principal::Pseudonym>,
}

/// A delivery due, opened for the dispatcher.
#[derive(Clone)]
pub struct DueDelivery {
    pub row: i64,
    pub id: String,
    pub fiduciary_id: Uuid,
    pub channel: Channel,
    pub kind: String,
    pub attempts: u32,
    pub endpoint: Option<EndpointTarget>,
    pub destination: Option<zeroize::Zeroizing<String>>,
    pub payload: zeroize::Zeroizing<String>,
    pub created_at: OffsetDateTime,
}

impl std::fmt::Debug for DueDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueDelivery")
            .field("id", &self.id)
            .field("channel", &self.channel)
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// A message to a principal (e-mail or SMS), rendered, for the outbox.
#[derive(Clone, Debug)]
pub struct PrincipalMessage {
    pub channel: Channel,
    pub destination: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub language: Lang,
    pub kind: String,
    pub event_id: i64,
}
