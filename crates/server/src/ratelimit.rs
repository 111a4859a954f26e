//! Rate limits: per client IP address on every request (except `/healthz`) and per API key on
//! authenticated `/v1` requests. Each is a GCRA limiter (a token bucket: `burst` requests at
//! once, refilled at `per_second`). Counters live in this process only: behind a load balancer
//! every node counts for itself.

use crate::config::Config;
use crate::error::ApiError;
use axum::http::StatusCode;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;
use uuid::Uuid;

/// One keyed limiter, or none when its rate is 0.
struct Limiter<K: Hash + Eq + Clone>(Option<DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> Limiter<K> {
    fn new(per_second: u32, burst: u32) -> Self {
        Self::with(per_second, burst, Quota::per_second)
    }

    fn per_minute(per_minute: u32, burst: u32) -> Self {
        Self::with(per_minute, burst, Quota::per_minute)
    }

    fn with(rate: u32, burst: u32, quota: fn(NonZeroU32) -> Quota) -> Self {
        Limiter(NonZeroU32::new(rate).map(|rate| {
            let burst = NonZeroU32::new(burst).unwrap_or(rate);
            DefaultKeyedRateLimiter::keyed(quota(rate).allow_burst(burst))
        }))
    }

    /// `Err(seconds to wait)` when `key` is over its limit.
    fn check(&self, key: &K) -> Result<(), u64> {
        let Some(l) = &self.0 else { return Ok(()) };
        l.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(l.clock().now());
            // Retry-After is in whole seconds: round up, and never 0.
            wait.as_secs_f64().ceil().max(1.0) as u64
        })
    }

    /// Forgets keys whose bucket is full again (they would behave the same if re-created).
    fn forget_idle(&self) {
        if let Some(l) = &self.0 {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

/// Cookie-banner decisions per address and minute, and the burst allowed at once.
pub const WIDGET_DECISIONS_PER_MINUTE: u32 = 60;
pub const WIDGET_DECISIONS_BURST: u32 = 30;

/// The limiters of one server.
pub struct RateLimits {
    per_ip: Limiter<IpAddr>,
    per_key: Limiter<Uuid>,
    /// Sign-in routes, per address: far tighter than `per_ip` (each costs a password hash or a
    /// guess at a one-time code).
    signin: Limiter<IpAddr>,
    /// The cookie banner's decisions (`POST /widget/v1/decisions`), per address: a visitor
    /// decides a few times, a script flooding the ledger far more.
    widget: Limiter<IpAddr>,
}

impl RateLimits {
    pub fn new(cfg: &Config) -> Self {
        RateLimits {
            per_ip: Limiter::new(cfg.rate_limit_per_ip, cfg.rate_limit_per_ip_burst),
            per_key: Limiter::new(cfg.rate_limit_per_key, cfg.rate_limit_per_key_burst),
            signin: Limiter::per_minute(
                cfg.signin_rate_limit_per_minute,
                cfg.signin_rate_limit_burst,
            ),
            widget: Limiter::per_minute(WIDGET_DECISIONS_PER_MINUTE, WIDGET_DECISIONS_BURST),
        }
    }

    /// Counts one sign-in request from `ip`.
    pub fn check_signin(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.signin
            .check(&client_network(ip))
            .map_err(|s| too_many(s, "too many sign-in attempts from this address"))
    }

    /// Counts one cookie-banner decision from `ip`.
    pub fn check_widget(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.widget
            .check(&client_network(ip))
            .map_err(|s| too_many(s, "too many cookie decisions from this address"))
    }

    /// Counts one request from `ip` (an IPv6 address counts for its /64 network).
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.per_ip
            .check(&client_network(ip))
            .map_err(|s| too_many(s, "too many requests from this address"))
    }

    /// Counts one request made with the API key `key_id`.
    pub fn check_key(&self, key_id: Uuid) -> Result<(), ApiError> {
        self.per_key
            .check(&key_id)
            .map_err(|s| too_many(s, "too many requests with this API key"))
    }

    /// Drops the state of idle clients so that memory does not grow with every address seen.
    pub fn forget_idle(&self) {
        self.per_ip.forget_idle();
        self.per_key.forget_idle();
        self.signin.forget_idle();
        self.widget.forget_idle();
    }
}

/// The unit a per-IP limit counts: an IPv4 address (also when written as IPv4-mapped IPv6), or
/// the /64 network of an IPv6 address, since one IPv6 host usually holds a whole /64.
fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}

fn too_many(retry_after: u64, what: &str) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("{what}; retry after {retry_after} s"),
    );
    e.retry_after = Some(retry_after);
    e
}

/// How often idle limiter state is dropped.
pub const FORGET_EVERY: Duration = Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use super::client_network;
    use std::net::IpAddr;

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let n = |s: &str| client_network(s.parse::<IpAddr>().unwrap());
        assert_eq!(n("203.0.113.7"), n("::ffff:203.0.113.7"));
        assert_ne!(n("203.0.113.7"), n("203.0.113.8"));
        assert_eq!(n("2001:db8:1:2:aaaa::1"), n("2001:db8:1:2:bbbb::2"));
        assert_eq!(n("2001:db8:1:2:aaaa::1"), n("2001:db8:1:2::"));
        assert_ne!(n("2001:db8:1:2::1"), n("2001:db8:1:3::1"));
    }
}
