//! Audit entries: what each action writes into the tamper-evident ledger.
//!
//! An entry never holds personal data: the principal appears only as a keyed pseudonym
//! (HMAC-SHA-256 of the fiduciary's id for them, under the deployment's pseudonym key).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Every kind of action the ledger records. The string form (`as_str`) is stable and is what the
/// ledger stores and hashes; new variants may be added, none renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    ConsentCollected,
    ConsentValidated,
    ConsentUpdated,
    ConsentRenewed,
    ConsentWithdrawn,
    ConsentExpired,
    /// A lifecycle request refused because of the consent's state (e.g. withdrawing what is not
    /// active); `outcome` holds the error code.
    ConsentRejected,
    DataItemCreated,
    PurposeCreated,
    NoticeCreated,
    NoticeUpdated,
    NoticePublished,
    FiduciaryCreated,
    ApiKeyCreated,
    ApiKeyRevoked,
    // Hooks for later features: the ledger already accepts them.
    NotificationSent,
    NotificationAcknowledged,
    AdminAction,
    RoleChanged,
    PiiUnmasked,
    RetentionPurged,
    GrievanceAction,
    ApiKeyRotated,
    /// A principal's data key destroyed: their personal data is unreadable everywhere.
    PrincipalErased,
    /// A token issued for a principal to manage their own consents.
    PrincipalTokenIssued,
    // Staff accounts (issue 4). Platform-scope entries use the nil fiduciary id.
    StaffSignedIn,
    StaffSignInFailed,
    StaffLockedOut,
    StaffSignedOut,
    StaffCreated,
    StaffDisabled,
    MfaEnrolled,
    RoleCreated,
    StaffPasswordChanged,
    /// A principal signed in with a one-time code.
    PrincipalSignedIn,
    // Notifications and alerts (issue 20).
    /// A processor confirmed it stopped processing after an alert (BRD 4.4.2).
    AlertAcknowledged,
    /// An alert was not confirmed in time and was escalated to the fiduciary's DPO.
    AlertEscalated,
    ProcessorRegistered,
    ProcessorChanged,
    /// A webhook endpoint registered, rotated or removed.
    WebhookChanged,
    NotificationSettingsChanged,
    NotificationTemplateChanged,
    /// A dead-lettered delivery sent again by staff.
    DeliveryReplayed,
    // Rights requests (issue 21); grievances use `GrievanceAction`.
    /// An action on a rights request (access, correction, erasure, nomination) or a nomination.
    RequestAction,
    /// A retention policy saved, a legal hold placed or released, an erasure scheduled or
    /// held back (issue 21); the outcome says which.
    RetentionChanged,
}

impl Action {
    pub const ALL: [Action; 45] = [
        Action::ConsentCollected,
        Action::ConsentValidated,
        Action::ConsentUpdated,
        Action::ConsentRenewed,
        Action::ConsentWithdrawn,
        Action::ConsentExpired,
        Action::ConsentRejected,
        Action::DataItemCreated,
        Action::PurposeCreated,
        Action::NoticeCreated,
        Action::NoticeUpdated,
        Action::NoticePublished,
        Action::FiduciaryCreated,
        Action::ApiKeyCreated,
        Action::ApiKeyRevoked,
        Action::NotificationSent,
        Action::NotificationAcknowledged,
        Action::AdminAction,
        Action::RoleChanged,
        Action::PiiUnmasked,
        Action::RetentionPurged,
        Action::GrievanceAction,
        Action::ApiKeyRotated,
        Action::PrincipalErased,
        Action::PrincipalTokenIssued,
        Action::StaffSignedIn,
        Action::StaffSignInFailed,
        Action::StaffLockedOut,
        Action::StaffSignedOut,
        Action::StaffCreated,
        Action::StaffDisabled,
        Action::MfaEnrolled,
        Action::RoleCreated,
        Action::StaffPasswordChanged,
        Action::PrincipalSignedIn,
        Action::AlertAcknowledged,
        Action::AlertEscalated,
        Action::ProcessorRegistered,
        Action::ProcessorChanged,
        Action::WebhookChanged,
        Action::NotificationSettingsChanged,
        Action::NotificationTemplateChanged,
        Action::DeliveryReplayed,
        Action::RequestAction,
        Action::RetentionChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::ConsentCollected => "consent.collected",
            Action::ConsentValidated => "consent.validated",
            Action::ConsentUpdated => "consent.updated",
            Action::ConsentRenewed => "consent.renewed",
            Action::ConsentWithdrawn => "consent.withdrawn",
            Action::ConsentExpired => "consent.expired",
            Action::ConsentRejected => "consent.rejected",
            Action::DataItemCreated => "data_item.created",
            Action::PurposeCreated => "purpose.created",
            Action::NoticeCreated => "notice.created",
            Action::NoticeUpdated => "notice.updated",
            Action::NoticePublished => "notice.published",
            Action::FiduciaryCreated => "fiduciary.created",
            Action::ApiKeyCreated => "api_key.created",
            Action::ApiKeyRevoked => "api_key.revoked",
            Action::NotificationSent => "notification.sent",
            Action::NotificationAcknowledged => "notification.acknowledged",
            Action::AdminAction => "admin.action",
            Action::RoleChanged => "role.changed",
            Action::PiiUnmasked => "pii.unmasked",
            Action::RetentionPurged => "retention.purged",
            Action::GrievanceAction => "grievance.action",
            Action::ApiKeyRotated => "api_key.rotated",
            Action::PrincipalErased => "principal.erased",
            Action::PrincipalTokenIssued => "principal.token_issued",
            Action::StaffSignedIn => "staff.signed_in",
            Action::StaffSignInFailed => "staff.sign_in_failed",
            Action::StaffLockedOut => "staff.locked_out",
            Action::StaffSignedOut => "staff.signed_out",
            Action::StaffCreated => "staff.created",
            Action::StaffDisabled => "staff.disabled",
            Action::MfaEnrolled => "staff.mfa_enrolled",
            Action::RoleCreated => "role.created",
            Action::StaffPasswordChanged => "staff.password_changed",
            Action::PrincipalSignedIn => "principal.signed_in",
            Action::AlertAcknowledged => "alert.acknowledged",
            Action::AlertEscalated => "alert.escalated",
            Action::ProcessorRegistered => "processor.registered",
            Action::ProcessorChanged => "processor.changed",
            Action::WebhookChanged => "webhook.changed",
            Action::NotificationSettingsChanged => "notification_settings.changed",
            Action::NotificationTemplateChanged => "notification_template.changed",
            Action::DeliveryReplayed => "delivery.replayed",
            Action::RequestAction => "request.action",
            Action::RetentionChanged => "retention.changed",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// What a use case asks the ledger to record. The store assigns the position and pseudonymises
/// the principal.
#[derive(Clone, Debug)]
pub struct AuditRecord {
    pub action: Action,
    pub fiduciary_id: Uuid,
    /// The fiduciary's id for the principal, in clear: never stored, only its pseudonym.
    pub principal_id: Option<String>,
    pub purpose: Option<String>,
    /// Consent status after the action (`active`, `withdrawn`, ...), when there is one.
    pub status: Option<&'static str>,
    /// `ok`, a validation reason (`active`, `expired`, ...) or an error code.
    pub outcome: String,
    pub initiator: String,
    pub source_ip: Option<String>,
    pub artefact_id: Option<Uuid>,
    pub artefact_version: Option<u32>,
    /// SHA-256 (hex) of the artefact version this entry records, as the store computed it when
    /// writing that version (`Tx::insert_artefact`): only on entries that create a version.
    pub artefact_sha256: Option<String>,
}

impl AuditRecord {
    /// An entry about no principal, purpose or artefact (administration, staff, keys); the
    /// other fields can be set with struct update syntax.
    pub fn admin(
        action: Action,
        fiduciary_id: Uuid,
        outcome: impl Into<String>,
        initiator: &str,
    ) -> Self {
        AuditRecord {
            action,
            fiduciary_id,
            principal_id: None,
            purpose: None,
            status: None,
            outcome: outcome.into(),
            initiator: initiator.to_string(),
            source_ip: None,
            artefact_id: None,
            artefact_version: None,
            artefact_sha256: None,
        }
    }

    /// The same entry with the caller's address.
    pub fn with_ip(self, source_ip: Option<String>) -> Self {
        AuditRecord { source_ip, ..self }
    }
}

/// One ledger entry as hashed and exported. Its leaf data is exactly `serde_json::to_vec` of
/// this struct: keys in the declaration order below, no white space, `null` for absent values,
/// the timestamp as RFC 3339 UTC with at most millisecond precision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the log (0-based): the Merkle leaf index. Also the log id.
    pub index: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    pub fiduciary: Uuid,
    /// Keyed pseudonym of the principal (hex), never the identifier itself.
    pub principal: Option<String>,
    pub purpose: Option<String>,
    pub action: String,
    pub status: Option<String>,
    pub outcome: String,
    pub initiator: String,
    pub source_ip: Option<String>,
    pub artefact: Option<Uuid>,
    pub version: Option<u32>,
    /// On an entry that wrote an artefact version: the SHA-256 (hex) of that version's stored
    /// body in its blinded form (see docs/ledger.md), so an edited artefact row no longer
    /// matches the log. Absent (not `null`) on every other entry and on entries written before
    /// the field existed, whose canonical form is therefore unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artefact_sha256: Option<String>,
}

impl AuditEntry {
    /// The canonical bytes hashed into the Merkle tree.
    pub fn leaf_data(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}
