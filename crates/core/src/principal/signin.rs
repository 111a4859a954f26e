//! The use cases: a fiduciary declares a principal's contact or asks for a token for one of
//! its users; a principal signs in with a code sent to their contact. Each runs in one write
//! transaction over [`PrincipalPort`].
//!
//! Whether a contact is known is never revealed: starting a sign-in answers the same for an
//! unknown contact, an unknown fiduciary, a locked-out address and a code asked for too soon
//! or too often; every refused code answers the same too.

use super::policy::{self, CODE_TTL, Check};
use super::{ContactKind, normalise};
use crate::DomainError;
use crate::audit::{Action, AuditRecord};
use crate::error::Result;
use crate::ports::PrincipalPort;
use crate::usecases::{Actor, check_principal_id};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How long the token of a completed sign-in lives.
pub const SIGNED_IN_TOKEN_TTL: Duration = Duration::seconds(900);
/// A token a fiduciary asks for lives this long unless it says otherwise (seconds)...
pub const TOKEN_TTL_DEFAULT: u32 = 900;
/// ...and between these bounds.
pub const TOKEN_TTL_RANGE: std::ops::RangeInclusive<u32> = 60..=3600;

/// Unix milliseconds of a time, as the policy counts.
pub fn unix_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A principal token, shown once.
#[derive(Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: OffsetDateTime,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &crate::staff::REDACTED)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// 422 `invalid_contact`.
pub fn invalid_contact() -> DomainError {
    DomainError::invalid(
        "invalid_contact",
        "contact must be a mobile number (10 digits, or + and country code) or an e-mail address",
    )
}

/// The message that carries a code.
pub fn code_message(code: &str) -> String {
    format!("{code} is your code to see your consents. It expires in 5 minutes.")
}

/// A token for one of the fiduciary's users (its backend asks, with an API key), good for
/// `ttl_seconds` (default [`TOKEN_TTL_DEFAULT`], within [`TOKEN_TTL_RANGE`]). The principal's id
/// is kept (sealed) so that they can act under it; the ledger records the issue.
pub fn issue_token<P: PrincipalPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    principal_id: &str,
    ttl_seconds: Option<u32>,
) -> Result<IssuedToken> {
    check_principal_id(principal_id)?;
    let ttl = ttl_seconds.unwrap_or(TOKEN_TTL_DEFAULT);
    if !TOKEN_TTL_RANGE.contains(&ttl) {
        return Err(
            DomainError::invalid("invalid_ttl", "ttl_seconds must be between 60 and 3600").into(),
        );
    }
    let fid = actor.fiduciary_id;
    let expires_at = p.time() + Duration::seconds(i64::from(ttl));
    let pseudonym = p.pseudonym(fid, principal_id);
    p.remember_identity(fid, principal_id)?;
    p.record(&AuditRecord {
        principal_id: Some(principal_id.to_string()),
        outcome: format!("ttl={ttl}"),
        ..actor.record(Action::PrincipalTokenIssued)
    })?;
    let token = p.sign_token(fid, &pseudonym, expires_at)?;
    Ok(IssuedToken { token, expires_at })
}

/// Records a verified contact of a principal (verification is the fiduciary's: it declares the
/// contact verified). A contact belongs to one principal of a fiduciary; declaring it for
/// another moves it. Returns the contact's kind.
pub fn set_contact<P: PrincipalPort + ?Sized>(
    p: &mut P,
    actor: &Actor,
    principal_id: &str,
    contact: &str,
) -> Result<ContactKind> {
    check_principal_id(principal_id)?;
    let (kind, value) = normalise(contact).ok_or_else(invalid_contact)?;
    p.save_contact(actor.fiduciary_id, principal_id, kind.as_str(), &value)?;
    p.record(&AuditRecord {
        principal_id: Some(principal_id.to_string()),
        outcome: format!("contact_set {}", kind.as_str()),
        ..actor.record(Action::AdminAction)
    })?;
    Ok(kind)
}

/// Starts a sign-in: when `contact` is a known contact of a principal of `fid`, makes a new
/// six-digit code (replacing any earlier one) and queues it in the outbox in the same commit.
/// Returns the message's id, or None (answered like a code sent: nothing is revealed) when the
/// contact or fiduciary is unknown, the address is locked out for the contact, or a code was
/// made too recently or too often ([`policy::next_code`]). A contact that is neither a mobile
/// number nor an e-mail address is refused (422 `invalid_contact`).
pub fn start_sign_in<P: PrincipalPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    contact: &str,
    ip: Option<&str>,
) -> Result<Option<i64>> {
    let (kind, value) = normalise(contact).ok_or_else(invalid_contact)?;
    if !p.fiduciary_exists(fid)? {
        return Ok(None);
    }
    let Some(owner) = p.contact_owner(fid, &value)? else {
        return Ok(None);
    };
    let now = p.time();
    let now_ms = unix_ms(now);
    // This address is locked out for this contact: no code (guesses from elsewhere never lock
    // the contact out as a whole).
    if p.address_failures(fid, &value, ip)?.locked(now_ms) {
        return Ok(None);
    }
    let last = p.last_code(fid, &value)?;
    let Some(window) = policy::next_code(last, now_ms) else {
        return Ok(None);
    };
    // Failures carry over from code to code (they are counted per address, apart from the
    // code): a new code does not buy new guesses.
    let code = p.issue_code(fid, &value, ip, unix_ms(now + CODE_TTL), window)?;
    let id = p.queue_message(fid, &owner, kind.channel(), &value, &code_message(&code))?;
    Ok(Some(id))
}

/// Completes a sign-in: when `code` is the live code of `contact` and the address may still
/// try ([`policy::check_code`]), the code is used up, the address's failures are forgotten,
/// the ledger records the sign-in (naming the principal by pseudonym, as it always does) and a
/// token for the principal is returned, good for [`SIGNED_IN_TOKEN_TTL`]. Otherwise None
/// (401 `invalid_code`), the failure counted against the address and the code's tries.
pub fn verify_sign_in<P: PrincipalPort + ?Sized>(
    p: &mut P,
    fid: Uuid,
    contact: &str,
    code: &str,
    ip: Option<&str>,
) -> Result<Option<IssuedToken>> {
    let Some((_, value)) = normalise(contact) else {
        return Ok(None);
    };
    if !p.fiduciary_exists(fid)? {
        return Ok(None);
    }
    let Some(offered) = p.offered_code(fid, &value, ip, code.trim())? else {
        return Ok(None);
    };
    let now = p.time();
    let address = p.address_failures(fid, &value, ip)?;
    // Codes from before addresses were recorded belong to whoever asks.
    let own = offered.asked_here.unwrap_or(true);
    match policy::check_code(offered.code, address, own, offered.matches, unix_ms(now)) {
        Check::Accepted => {}
        Check::Locked => return Ok(None),
        Check::Refused {
            failures,
            own,
            void,
        } => {
            p.save_address_failures(fid, &value, ip, &failures)?;
            p.count_try(fid, &value, own, void)?;
            return Ok(None);
        }
    }
    p.clear_address_failures(fid, &value, ip)?;
    // Used: the code is void and its tries start again.
    p.use_code(fid, &value)?;
    p.record_for(
        &AuditRecord {
            action: Action::PrincipalSignedIn,
            fiduciary_id: fid,
            principal_id: None,
            purpose: None,
            status: None,
            outcome: "ok".into(),
            initiator: "principal".into(),
            source_ip: ip.map(str::to_string),
            artefact_id: None,
            artefact_version: None,
            artefact_sha256: None,
        },
        &offered.owner,
    )?;
    let expires_at = now + SIGNED_IN_TOKEN_TTL;
    let token = p.sign_token(fid, &offered.owner, expires_at)?;
    Ok(Some(IssuedToken { token, expires_at }))
}
