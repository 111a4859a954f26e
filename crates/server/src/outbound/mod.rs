//! Outbound calls to endpoints that fiduciaries give us (webhooks): untrusted URLs.
//!
//! Which addresses a call may reach ([`address`]: public unicast only, loopback when
//! [`OutboundPolicy::allow_loopback`] says so), a resolver that checks every address a name
//! resolves to before a connection is made ([`resolve`]), and webhook signatures
//! ([`signature`]).

pub mod address;
pub mod resolve;
pub mod signature;

pub use address::{AddressClass, classify};
pub use resolve::{CheckingResolver, Lookup, ResolveError, SystemLookup, resolve_checked};
pub use signature::{WebhookSecret, headers, sign};

use std::net::IpAddr;

/// What outbound calls may reach. The default refuses loopback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Allow loopback destinations (127.0.0.0/8, ::1, `localhost`) and plain `http` to them.
    pub allow_loopback: bool,
}

impl OutboundPolicy {
    /// `Ok` if a call may connect to `ip`, else the class that refuses it.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), AddressClass> {
        match classify(ip) {
            AddressClass::Public => Ok(()),
            AddressClass::Loopback if self.allow_loopback => Ok(()),
            refused => Err(refused),
        }
    }
}
