//! A principal's own dashboard API: tokens requested by the fiduciary or got by signing in with a
//! one-time code, own consents only, withdrawal in one call, updates and renewals recorded as
//! the principal's.

use crate::harness::*;
use serde_json::Value;

mod dashboard;
mod sign_in;
mod tokens;

/// A principal token for `principal` (valid `ttl` seconds, or the default), as the fiduciary
/// asks for it: the principal's client and the answer. Tokens look like `anp_...`.
async fn token_for(s: &TestServer, principal: &str, ttl: Option<u32>) -> (PrincipalClient, Value) {
    let (me, v) = s.principal_token(principal, ttl).await;
    assert!(me.token.starts_with("anp_"), "{}", me.token);
    (me, v)
}
