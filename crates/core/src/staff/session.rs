//! A session's lifetime: it ends `absolute` after it was opened, or `idle` after it was last
//! seen; its idle clock moves at most once per [`TOUCH_EVERY`] (one write per interval).

use crate::audit::Action;
use crate::ports::{StaffPort, StoreResult};
use crate::staff::{SessionRow, StaffRow};
use time::{Duration, OffsetDateTime};

/// The idle clock of a session is moved at most this often.
pub const TOUCH_EVERY: Duration = Duration::seconds(30);

/// How long sessions live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

/// What a request may do with the session it presents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionCheck {
    /// Sign in again (the account is disabled: treated as no session at all).
    Unknown,
    /// Too old, or idle too long.
    Expired,
    /// Usable; `touch`: move its idle clock now.
    Live { touch: bool },
}

/// Whether a session found by its token is usable at `now`.
pub fn check_session(
    sess: &SessionRow,
    now: OffsetDateTime,
    policy: &SessionPolicy,
) -> SessionCheck {
    if sess.staff.disabled {
        return SessionCheck::Unknown;
    }
    if now - sess.created_at >= policy.absolute || now - sess.last_seen >= policy.idle {
        return SessionCheck::Expired;
    }
    SessionCheck::Live {
        touch: now - sess.last_seen >= TOUCH_EVERY,
    }
}

/// Moves a session's idle clock forward to the transaction's time.
pub fn touch_session<P: StaffPort + ?Sized>(p: &mut P, token_hash: &[u8; 32]) -> StoreResult<()> {
    let now = p.time();
    p.touch_session(token_hash, now)
}

/// Ends a session (signing out, or found expired). With `audit` (the account, the outcome,
/// the address) it is recorded as `staff.signed_out`, when there was such a session.
pub fn end_session<P: StaffPort + ?Sized>(
    p: &mut P,
    token_hash: &[u8; 32],
    audit: Option<(&StaffRow, &str, Option<&str>)>,
) -> StoreResult<()> {
    let ended = p.end_session(token_hash)?;
    if let Some((s, outcome, ip)) = audit
        && ended
    {
        p.record(&super::signin::record(
            Action::StaffSignedOut,
            s.audit_fid(),
            outcome,
            &s.initiator(),
            ip,
            None,
        ))?;
    }
    Ok(())
}
