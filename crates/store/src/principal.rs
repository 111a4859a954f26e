//! Principal sign-in by one-time code: contacts declared by the fiduciary, codes, and the
//! transactional outbox that carries the code to the principal.

use crate::conv::{db_err, ms};
use crate::db::{Connection, OptionalExtension, params};
use crate::keys::PSEUDONYM_LEN;
use crate::tx::WriteTx;
use crate::vault::Vault;
use anumodan_core::audit::{Action, AuditRecord};
use anumodan_core::ports::{NotFoundExt, StoreError, StoreResult, Tx};
use anumodan_core::usecases::Actor;
use rand::Rng;
use uuid::Uuid;

use anumodan_core::principal::{self as policy, AddressFailures, Check, Code, Issued, ms_of};
pub use anumodan_core::principal::{
    CODE_TTL, LOCKOUT, MAX_ATTEMPTS, MAX_CODES_PER_DAY, MAX_FOREIGN_ATTEMPTS, RESEND_AFTER,
};

/// Key of a client address for one contact's sign-in counts.
fn addr_key(keys: &crate::keys::Keys, look: &[u8; 32], ip: Option<&str>) -> [u8; 32] {
    keys.keyed_hash(
        "sign-in address",
        &[look, ip.unwrap_or_default().as_bytes()],
    )
}

/// The failures of a contact from one address.
fn address_state(
    tx: &WriteTx<'_>,
    f: i64,
    look: &[u8; 32],
    addr: &[u8; 32],
) -> StoreResult<AddressFailures> {
    Ok(tx
        .conn()
        .query_row(
            "SELECT failures, locked_until FROM principal_otp_failures
             WHERE fiduciary = ?1 AND lookup = ?2 AND addr = ?3",
            params![f, &look[..], &addr[..]],
            |r| {
                Ok(AddressFailures {
                    failures: r.get(0)?,
                    locked_until: r.get(1)?,
                })
            },
        )
        .optional()
        .map_err(db_err)?
        .unwrap_or_default())
}

/// Forgets sign-in failure counts that are not locked and were not touched for a day.
pub fn sweep_failures(tx: &mut WriteTx<'_>) -> StoreResult<usize> {
    let now = ms(tx.now());
    tx.conn()
        .execute(
            "DELETE FROM principal_otp_failures WHERE locked_until < ?1 AND updated_at < ?2",
            params![now, now - ms_of(policy::DAY)],
        )
        .map_err(db_err)
}

/// A contact's kind, from its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactKind {
    Mobile,
    Email,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Mobile => "mobile",
            ContactKind::Email => "email",
        }
    }
}

/// The normalised form of a mobile number (digits, with `+` and country code; a 10-digit Indian
/// number gets `+91`) or an e-mail address (trimmed, lower-case), and its kind. None: neither.
pub fn normalise(contact: &str) -> Option<(ContactKind, String)> {
    let c = contact.trim();
    if c.len() > 254 || anumodan_core::text::has_forbidden(c) {
        return None;
    }
    if let Some((local, domain)) = c.rsplit_once('@') {
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !c.chars().any(char::is_whitespace);
        return ok.then(|| (ContactKind::Email, c.to_lowercase()));
    }
    let digits: String = c.chars().filter(char::is_ascii_digit).collect();
    let allowed = c
        .chars()
        .all(|ch| ch.is_ascii_digit() || matches!(ch, '+' | '-' | ' ' | '(' | ')'));
    if !allowed {
        return None;
    }
    match (c.starts_with('+'), digits.len()) {
        (false, 10) => Some((ContactKind::Mobile, format!("+91{digits}"))),
        (true, 8..=15) => Some((ContactKind::Mobile, format!("+{digits}"))),
        _ => None,
    }
}

fn lookup(tx_keys: &crate::keys::Keys, fid: Uuid, normalised: &str) -> [u8; 32] {
    tx_keys.keyed_hash("contact", &[fid.as_bytes(), normalised.as_bytes()])
}

/// Records a verified contact of a principal (verification is the fiduciary's: it declares the
/// contact verified). A contact belongs to one principal of a fiduciary; declaring it for
/// another moves it. Returns the contact's kind.
/// Keeps the principal's id on their row (sealed), so that with a token they can act under it
/// (`POST /v1/me/consents`).
pub fn remember_identity(tx: &mut WriteTx<'_>, fid: Uuid, principal_id: &str) -> StoreResult<()> {
    let f = tx.fid(fid)?;
    let now = ms(tx.now());
    Vault::new(tx.conn(), tx.keys(), f, fid).remember_identity(principal_id, now)
}

pub fn set_contact(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    principal_id: &str,
    contact: &str,
) -> StoreResult<Option<ContactKind>> {
    let Some((kind, value)) = normalise(contact) else {
        return Ok(None);
    };
    let fid = actor.fiduciary_id;
    let f = tx.fid(fid)?;
    let now = ms(tx.now());
    let p = tx.keys().pseudonym(fid, principal_id);
    let look = lookup(tx.keys(), fid, &value);
    let mut vault = Vault::new(tx.conn(), tx.keys(), f, fid);
    let sealed = vault.seal_field(principal_id, "contact", &value, now)?;
    vault.remember_identity(principal_id, now)?;
    tx.conn()
        .execute(
            "INSERT INTO principal_contacts (fiduciary, lookup, pseudonym, kind, value, verified_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (fiduciary, lookup) DO UPDATE SET pseudonym = excluded.pseudonym,
               kind = excluded.kind, value = excluded.value, verified_at = excluded.verified_at",
            params![f, &look[..], &p[..], kind.as_str(), sealed, now],
        )
        .map_err(db_err)?;
    tx.append_audit(&AuditRecord {
        principal_id: Some(principal_id.to_string()),
        outcome: format!("contact_set {}", kind.as_str()),
        ..actor.record(Action::AdminAction)
    })?;
    Ok(Some(kind))
}

/// Starts a sign-in: when `contact` is a known contact of a principal of `fid`, makes a new
/// six-digit code (replacing any earlier one), and queues it in the outbox in the same commit.
/// Returns the outbox id, or None when the contact is unknown (the caller answers the same in
/// both cases).
pub fn start_sign_in(
    tx: &mut WriteTx<'_>,
    fid: Uuid,
    contact: &str,
    source_ip: Option<&str>,
) -> StoreResult<Option<i64>> {
    let Some((kind, value)) = normalise(contact) else {
        return Ok(None);
    };
    let Some(f) = tx.fid(fid).found()? else {
        return Ok(None);
    };
    let look = lookup(tx.keys(), fid, &value);
    let owner: Option<Vec<u8>> = tx
        .conn()
        .query_row(
            "SELECT pseudonym FROM principal_contacts WHERE fiduciary = ?1 AND lookup = ?2",
            params![f, &look[..]],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_err)?;
    let Some(owner) = owner else {
        return Ok(None);
    };
    let p: [u8; PSEUDONYM_LEN] = owner
        .try_into()
        .map_err(|_| StoreError::corrupt("a stored pseudonym has the wrong length"))?;
    let now = tx.now();
    let now_ms = ms(now);
    let addr = addr_key(tx.keys(), &look, source_ip);
    // This address is locked out for this contact: no code (guesses from elsewhere never lock
    // the contact out as a whole).
    if address_state(tx, f, &look, &addr)?.locked(now_ms) {
        return Ok(None);
    }
    let last: Option<Issued> = tx
        .conn()
        .query_row(
            "SELECT expires_at, window_start, issued FROM principal_otps
             WHERE fiduciary = ?1 AND lookup = ?2",
            params![f, &look[..]],
            |r| {
                Ok(Issued {
                    expires_at: r.get(0)?,
                    window_start: r.get(1)?,
                    issued: r.get(2)?,
                })
            },
        )
        .optional()
        .map_err(db_err)?;
    // No new code (answered the same: nothing is revealed) too soon or too often.
    let Some((window_start, issued)) = policy::next_code(last, now_ms) else {
        return Ok(None);
    };
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
    let hash = tx
        .keys()
        .keyed_hash("sign-in code", &[&look, code.as_bytes()]);
    // Failures carry over from code to code (they are counted per address, apart from the
    // code): a new code does not buy new guesses.
    tx.conn()
        .execute(
            "INSERT INTO principal_otps (fiduciary, lookup, code_hash, expires_at, attempts,
                                         window_start, issued, requester, foreign_attempts)
             VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, 0)
             ON CONFLICT (fiduciary, lookup) DO UPDATE SET code_hash = excluded.code_hash,
               expires_at = excluded.expires_at, attempts = 0,
               window_start = excluded.window_start, issued = excluded.issued,
               requester = excluded.requester, foreign_attempts = 0",
            params![
                f,
                &look[..],
                &hash[..],
                ms(now + CODE_TTL),
                window_start,
                issued,
                &addr[..]
            ],
        )
        .map_err(db_err)?;
    let mut vault = Vault::new(tx.conn(), tx.keys(), f, fid);
    let destination = vault.seal_for(&p, "outbox.destination", &value, ms(now))?;
    let body = vault.seal_for(
        &p,
        "outbox.body",
        &format!("{code} is your code to see your consents. It expires in 5 minutes."),
        ms(now),
    )?;
    let channel = match kind {
        ContactKind::Mobile => "sms",
        ContactKind::Email => "email",
    };
    let id = tx
        .conn()
        .query_row(
            "INSERT INTO outbox (created_at, fiduciary, pseudonym, channel, destination, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            params![ms(now), f, &p[..], channel, destination, body],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    Ok(Some(id))
}

/// (code hash, expiry, tries on it from the address that asked, tries from elsewhere, that
/// address, owner pseudonym).
type CodeRow = (Vec<u8>, i64, i64, i64, Option<Vec<u8>>, Vec<u8>);

/// Why a code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeRefused {
    /// Wrong, expired, used up, or no code for that contact.
    Invalid,
}

/// Checks a sign-in code; on success the code is consumed and the principal's pseudonym
/// returned, with a ledger entry. Failures count per (contact, address): every
/// [`MAX_ATTEMPTS`] in a row lock that address out (15 minutes, doubling, a day at most). The
/// address that asked for the code has [`MAX_ATTEMPTS`] tries on it, after which it is void;
/// all other addresses together have [`MAX_FOREIGN_ATTEMPTS`], after which they are refused
/// while the code stays good for its owner.
pub fn verify_sign_in(
    tx: &mut WriteTx<'_>,
    fid: Uuid,
    contact: &str,
    code: &str,
    source_ip: Option<String>,
) -> StoreResult<Result<[u8; PSEUDONYM_LEN], CodeRefused>> {
    let Some((_, value)) = normalise(contact) else {
        return Ok(Err(CodeRefused::Invalid));
    };
    let Some(f) = tx.fid(fid).found()? else {
        return Ok(Err(CodeRefused::Invalid));
    };
    let look = lookup(tx.keys(), fid, &value);
    let row: Option<CodeRow> = tx
        .conn()
        .query_row(
            "SELECT o.code_hash, o.expires_at, o.attempts, o.foreign_attempts, o.requester,
                    c.pseudonym
             FROM principal_otps o JOIN principal_contacts c
               ON c.fiduciary = o.fiduciary AND c.lookup = o.lookup
             WHERE o.fiduciary = ?1 AND o.lookup = ?2",
            params![f, &look[..]],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()
        .map_err(db_err)?;
    let Some((stored, expires, attempts, foreign, requester, owner)) = row else {
        return Ok(Err(CodeRefused::Invalid));
    };
    let now = ms(tx.now());
    let addr = addr_key(tx.keys(), &look, source_ip.as_deref());
    let address = address_state(tx, f, &look, &addr)?;
    // Codes from before addresses were recorded belong to whoever asks.
    let own = requester.as_deref().is_none_or(|r| r == &addr[..]);
    let given = tx
        .keys()
        .keyed_hash("sign-in code", &[&look, code.trim().as_bytes()]);
    let matches = {
        use subtle::ConstantTimeEq;
        bool::from(given.ct_eq(stored.as_slice()))
    };
    let live = Code {
        expires_at: expires,
        attempts,
        foreign_attempts: foreign,
    };
    match policy::check_code(live, address, own, matches, now) {
        Check::Accepted => {}
        Check::Locked => return Ok(Err(CodeRefused::Invalid)),
        Check::Refused {
            failures,
            own,
            void,
        } => {
            tx.conn()
                .execute(
                    "INSERT INTO principal_otp_failures
                       (fiduciary, lookup, addr, failures, locked_until, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (fiduciary, lookup, addr) DO UPDATE SET failures = excluded.failures,
                       locked_until = excluded.locked_until, updated_at = excluded.updated_at",
                    params![
                        f,
                        &look[..],
                        &addr[..],
                        failures.failures,
                        failures.locked_until,
                        now
                    ],
                )
                .map_err(db_err)?;
            let counted = if own {
                tx.conn().execute(
                    "UPDATE principal_otps SET attempts = attempts + 1,
                       expires_at = CASE WHEN ?3 = 1 THEN 0 ELSE expires_at END
                     WHERE fiduciary = ?1 AND lookup = ?2",
                    params![f, &look[..], i64::from(void)],
                )
            } else {
                tx.conn().execute(
                    "UPDATE principal_otps SET foreign_attempts = foreign_attempts + 1
                     WHERE fiduciary = ?1 AND lookup = ?2",
                    params![f, &look[..]],
                )
            };
            counted.map_err(db_err)?;
            return Ok(Err(CodeRefused::Invalid));
        }
    }
    tx.conn()
        .execute(
            "DELETE FROM principal_otp_failures WHERE fiduciary = ?1 AND lookup = ?2 AND addr = ?3",
            params![f, &look[..], &addr[..]],
        )
        .map_err(db_err)?;
    // Used: the code is void and the failure count starts again.
    tx.conn()
        .execute(
            "UPDATE principal_otps SET expires_at = 0, attempts = 0, foreign_attempts = 0
             WHERE fiduciary = ?1 AND lookup = ?2",
            params![f, &look[..]],
        )
        .map_err(db_err)?;
    let p: [u8; PSEUDONYM_LEN] = owner
        .try_into()
        .map_err(|_| StoreError::corrupt("a stored pseudonym has the wrong length"))?;
    // The ledger names principals by pseudonym: this entry carries the hex pseudonym directly.
    let entry = anumodan_core::audit::AuditEntry {
        index: tx.next_index(),
        timestamp: tx.now(),
        fiduciary: fid,
        principal: Some(crate::conv::hex(&p)),
        purpose: None,
        action: Action::PrincipalSignedIn.as_str().to_string(),
        status: None,
        outcome: "ok".into(),
        initiator: "principal".into(),
        source_ip,
        artefact: None,
        version: None,
        artefact_sha256: None,
    };
    tx.insert_entry(&entry)?;
    Ok(Ok(p))
}

/// A message of the outbox, opened.
#[derive(Clone, Debug)]
pub struct OutboxMessage {
    pub id: i64,
    pub fiduciary: Uuid,
    pub channel: String,
    pub destination: String,
    pub body: String,
    pub sent: bool,
}

/// Messages not yet sent, oldest first, opened (for the dispatcher).
pub fn pending(
    conn: &Connection,
    keys: &crate::keys::Keys,
    limit: usize,
    now: time::OffsetDateTime,
) -> StoreResult<Vec<OutboxMessage>> {
    messages(
        conn,
        keys,
        "o.sent_at IS NULL AND o.next_attempt_at <= ?2 ORDER BY o.id LIMIT ?1",
        params![limit as i64, ms(now)],
    )
}

/// First wait after a failed delivery; each further failure doubles it, up to [`RETRY_MAX`].
pub const RETRY_FIRST: time::Duration = time::Duration::seconds(1);
pub const RETRY_MAX: time::Duration = time::Duration::minutes(10);

/// A delivery failed: the message waits before its next try, twice as long after each
/// failure (1 s, 2 s, 4 s, ... up to 10 minutes), so a gateway that is down is not hammered.
pub fn delivery_failed(tx: &mut WriteTx<'_>, id: i64) -> StoreResult<()> {
    let now = tx.now();
    let attempts: i64 = tx
        .conn()
        .query_row("SELECT attempts FROM outbox WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()
        .map_err(db_err)?
        .unwrap_or(0);
    let wait = (RETRY_FIRST * (1i32 << attempts.clamp(0, 20))).min(RETRY_MAX);
    tx.conn()
        .execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2 WHERE id = ?1",
            params![id, ms(now + wait)],
        )
        .map_err(db_err)?;
    Ok(())
}

/// One message by id, opened.
pub fn message(
    conn: &Connection,
    keys: &crate::keys::Keys,
    id: i64,
) -> StoreResult<Option<OutboxMessage>> {
    Ok(messages(conn, keys, "o.id = ?1", [id])?.into_iter().next())
}

fn messages(
    conn: &Connection,
    keys: &crate::keys::Keys,
    clause: &str,
    args: impl crate::db::Params,
) -> StoreResult<Vec<OutboxMessage>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT o.id, o.fiduciary, f.uuid, o.channel, o.destination, o.body, o.sent_at IS NOT NULL
             FROM outbox o JOIN fiduciaries f ON f.id = o.fiduciary WHERE {clause}"
        ))
        .map_err(db_err)?;
    let rows: Vec<(i64, i64, String, String, String, String, bool)> = stmt
        .query_map(args, |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut out = Vec::new();
    for (id, f, fid, channel, dest, body, sent) in rows {
        let fid = Uuid::parse_str(&fid).map_err(|e| StoreError::corrupt(e.to_string()))?;
        let mut vault = Vault::new(conn, keys, f, fid);
        out.push(OutboxMessage {
            id,
            fiduciary: fid,
            channel,
            destination: vault.open_field("outbox.destination", &dest)?,
            body: vault.open_field("outbox.body", &body)?,
            sent,
        });
    }
    Ok(out)
}

/// Marks messages sent.
pub fn mark_sent(tx: &mut WriteTx<'_>, ids: &[i64]) -> StoreResult<()> {
    let now = ms(tx.now());
    for id in ids {
        tx.conn()
            .execute(
                "UPDATE outbox SET sent_at = ?1 WHERE id = ?2 AND sent_at IS NULL",
                params![now, id],
            )
            .map_err(db_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_normalise() {
        assert_eq!(
            normalise("98765 43210"),
            Some((ContactKind::Mobile, "+919876543210".into()))
        );
        assert_eq!(
            normalise("+91-98765-43210"),
            Some((ContactKind::Mobile, "+919876543210".into()))
        );
        assert_eq!(
            normalise(" Ravi@Example.IN "),
            Some((ContactKind::Email, "ravi@example.in".into()))
        );
        for bad in [
            "",
            "12345",
            "ravi@",
            "@example.in",
            "ravi@localhost",
            "98765x43210",
            "a b@c.in",
        ] {
            assert_eq!(normalise(bad), None, "{bad}");
        }
    }
}
