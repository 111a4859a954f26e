//! Who may do what: named permissions, the predefined staff roles (BRD 4.6.1) and API key
//! scopes. One vocabulary serves both kinds of caller: an API key carries a set of permissions
//! (its scopes), a staff member holds roles that grant permissions within a scope.
//!
//! The string form of a permission (`as_str`) is stable: it is stored with keys and roles and
//! appears in the audit ledger.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! permissions {
    ($($variant:ident => $name:literal: $doc:literal,)*) => {
        /// A named permission, checked on the server for every route.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Permission {
            $(#[doc = $doc] $variant,)*
        }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Permission::$variant => $name,)*
                }
            }

            pub fn description(self) -> &'static str {
                match self {
                    $(Permission::$variant => $doc,)*
                }
            }
        }

        impl FromStr for Permission {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($name => Ok(Permission::$variant),)*
                    _ => Err(format!("unknown permission {s:?}")),
                }
            }
        }
    };
}

permissions! {
    CatalogRead => "catalog.read": "Read data items, purposes and notices.",
    CatalogWrite => "catalog.write": "Create data items, purposes and notices; publish notices.",
    ConsentCollect => "consent.collect": "Record a principal's consent decisions.",
    ConsentValidate => "consent.validate": "Check whether processing may go ahead (each check is audited).",
    ConsentRead => "consent.read": "Read consent artefacts and their history (personal data masked).",
    ConsentManage => "consent.manage": "Update, renew or withdraw consents on a principal's behalf.",
    AuditRead => "audit.read": "Read the audit ledger's entries and proofs.",
    PiiUnmask => "pii.unmask": "See a masked personal data field in clear, with a stated reason (audited).",
    PrincipalToken => "principal.token": "Issue short-lived tokens with which a principal sees and manages their own consents.",
    PrincipalErase => "principal.erase": "Erase a principal's personal data by destroying their data key (irreversible).",
    KeysManage => "keys.manage": "Issue, rotate and revoke API keys.",
    StaffManage => "staff.manage": "Invite, disable and reset staff accounts.",
    RolesManage => "roles.manage": "Define custom roles and grant or revoke roles.",
    FiduciaryManage => "fiduciary.manage": "Register and manage fiduciaries (platform scope only).",
    ProcessorsManage => "processors.manage": "Register data processors, the purposes they process, their webhook endpoints and keys.",
    NotificationsManage => "notifications.manage": "Manage webhook endpoints, notification templates and settings; inspect and replay deliveries.",
    AlertsRead => "alerts.read": "Read alerts to processors and whether (and when) each processor confirmed it stopped.",
    AlertsAcknowledge => "alerts.acknowledge": "Confirm, as a processor, that processing stopped after an alert (a processor's key only).",
    EventsRead => "events.read": "Read the fiduciary's event stream (`GET /v1/events`), to catch up on missed webhooks.",
    CasesRead => "cases.read": "Read grievances and rights requests: the queue with SLA state, and each case with its description and history.",
    CasesManage => "cases.manage": "Work grievances and rights requests: record them for a principal, acknowledge, assign, resolve (carrying out the right), close; activate nominations; set categories, routing and deadlines.",
    RetentionRead => "retention.read": "Read retention policies, legal holds and upcoming deletions.",
    RetentionManage => "retention.manage": "Save retention policies (within the floors) and place or release legal holds (audited).",
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a grant applies. A platform grant applies to every fiduciary (platform > fiduciary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "fiduciary_id")]
pub enum Scope {
    Platform,
    Fiduciary(Uuid),
}

impl Scope {
    /// Whether a grant in this scope covers an action on `fiduciary`.
    pub fn covers(self, fiduciary: Uuid) -> bool {
        match self {
            Scope::Platform => true,
            Scope::Fiduciary(f) => f == fiduciary,
        }
    }
}

/// The predefined staff roles of BRD 4.6.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuiltinRole {
    /// Manages the fiduciary's configuration, keys (with the integration scopes), staff and
    /// roles. Does not see personal data in clear and cannot make anyone who does (separation
    /// of duties: unmasking is the DPO's, appointed by a platform admin).
    Admin,
    /// Data Protection Officer: oversees consents and the audit log, may unmask personal data.
    Dpo,
    /// Reads the audit log and the catalogue; changes nothing.
    Auditor,
    /// Day-to-day operations: reads consents and maintains the catalogue.
    Operator,
}

impl BuiltinRole {
    pub const ALL: [BuiltinRole; 4] = [
        BuiltinRole::Admin,
        BuiltinRole::Dpo,
        BuiltinRole::Auditor,
        BuiltinRole::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BuiltinRole::Admin => "admin",
            BuiltinRole::Dpo => "dpo",
            BuiltinRole::Auditor => "auditor",
            BuiltinRole::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Option<BuiltinRole> {
        BuiltinRole::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The permission matrix (documented in docs/security.md). `FiduciaryManage` is granted only
    /// to an Admin in the platform scope.
    pub fn permissions(self, scope: Scope) -> BTreeSet<Permission> {
        use Permission::*;
        let mut p: BTreeSet<Permission> = match self {
            // The integration scopes let an Admin make the keys of the fiduciary's systems.
            BuiltinRole::Admin => [
                CatalogRead,
                CatalogWrite,
                ConsentCollect,
                ConsentValidate,
                PrincipalToken,
                ConsentRead,
                AuditRead,
                KeysManage,
                StaffManage,
                RolesManage,
                ProcessorsManage,
                NotificationsManage,
                AlertsRead,
                EventsRead,
                CasesRead,
                RetentionRead,
                RetentionManage,
            ]
            .into(),
            BuiltinRole::Dpo => [
                CatalogRead,
                ConsentRead,
                ConsentManage,
                AuditRead,
                PiiUnmask,
                PrincipalErase,
                AlertsRead,
                NotificationsManage,
                CasesRead,
                CasesManage,
                RetentionRead,
                RetentionManage,
            ]
            .into(),
            BuiltinRole::Auditor => {
                [CatalogRead, AuditRead, AlertsRead, CasesRead, RetentionRead].into()
            }
            BuiltinRole::Operator => [
                CatalogRead,
                CatalogWrite,
                ConsentRead,
                AlertsRead,
                CasesRead,
                CasesManage,
            ]
            .into(),
        };
        if self == BuiltinRole::Admin && scope == Scope::Platform {
            p.insert(FiduciaryManage);
        }
        p
    }
}

/// Whether a set of permissions needs a second factor: reading personal data or the audit log,
/// or any power that leads there.
pub fn needs_mfa(perms: &BTreeSet<Permission>) -> bool {
    use Permission::*;
    // Everything but the catalogue: personal data, the log, and every power that could lead to
    // them (keys, staff, roles, principal tokens).
    perms
        .iter()
        .any(|p| !matches!(p, CatalogRead | CatalogWrite))
}

/// The scopes an API key gets when none are asked for: everything a fiduciary's backend needs to
/// integrate, but not unmasking or erasure, which must be asked for explicitly.
pub fn default_key_scopes() -> BTreeSet<Permission> {
    use Permission::*;
    [
        CatalogRead,
        CatalogWrite,
        ConsentCollect,
        ConsentValidate,
        ConsentRead,
        ConsentManage,
        AuditRead,
        PrincipalToken,
        EventsRead,
        AlertsRead,
    ]
    .into()
}

/// Permissions an API key may carry at all (staff administration needs a signed-in person;
/// acknowledging an alert is a processor's own statement, made only with a processor's key).
pub fn key_grantable(p: Permission) -> bool {
    !matches!(
        p,
        Permission::StaffManage
            | Permission::RolesManage
            | Permission::FiduciaryManage
            | Permission::AlertsAcknowledge
    )
}

/// The scopes of a processor's key: its alerts, confirming them, and the event stream that
/// concerns it. Nothing else (BRD 4.4.2: processors get only what they need).
pub fn processor_key_scopes() -> BTreeSet<Permission> {
    use Permission::*;
    [AlertsRead, AlertsAcknowledge, EventsRead].into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = BTreeSet::new();
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>().unwrap(), *p);
            assert!(seen.insert(p.as_str()));
        }
        assert!("consent.everything".parse::<Permission>().is_err());
    }

    #[test]
    fn platform_admin_alone_manages_fiduciaries() {
        let f = Scope::Fiduciary(Uuid::nil());
        for r in BuiltinRole::ALL {
            assert!(!r.permissions(f).contains(&Permission::FiduciaryManage));
        }
        assert!(
            BuiltinRole::Admin
                .permissions(Scope::Platform)
                .contains(&Permission::FiduciaryManage)
        );
    }

    #[test]
    fn only_the_dpo_unmasks_and_every_role_that_reads_data_needs_mfa() {
        let f = Scope::Fiduciary(Uuid::nil());
        for r in BuiltinRole::ALL {
            let p = r.permissions(f);
            assert_eq!(p.contains(&Permission::PiiUnmask), r == BuiltinRole::Dpo);
            assert!(needs_mfa(&p), "{r:?}");
        }
        assert!(!default_key_scopes().contains(&Permission::PiiUnmask));
    }

    #[test]
    fn scopes_nest() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        assert!(Scope::Platform.covers(a));
        assert!(Scope::Fiduciary(a).covers(a));
        assert!(!Scope::Fiduciary(a).covers(b));
    }
}
