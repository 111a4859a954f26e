//! Principal sign-in's storage: contacts (sealed, found by a keyed blind index), one-time codes
//! (kept as keyed hashes), failure counts per (contact, client address), and the
//! transactional outbox that carries a code to the principal. The rules are
//! `anumodan_core::principal`'s; this file implements its port with SQL on [`WriteTx`], and
//! the outbox's delivery bookkeeping.

use crate::conv::{db_err, ms};
use crate::db::{Connection, OptionalExtension, params};
use crate::keys::{Keys, PrincipalClaim};
use crate::tx::WriteTx;
use crate::vault::Vault;
use anumodan_core::audit::{AuditEntry, AuditRecord};
use anumodan_core::ports::{NotFoundExt, OfferedCode, PrincipalPort, StoreError, StoreResult};
use anumodan_core::principal::{AddressFailures, Code, DAY, Issued, Pseudonym, ms_of};
use rand::Rng;
use time::OffsetDateTime;
use uuid::Uuid;

/// The blind index of a (normalised) contact of a fiduciary.
fn lookup(keys: &Keys, fid: Uuid, contact: &str) -> [u8; 32] {
    keys.keyed_hash("contact", &[fid.as_bytes(), contact.as_bytes()])
}

/// Key of a client address for one contact's sign-in counts.
fn addr_key(keys: &Keys, look: &[u8; 32], ip: Option<&str>) -> [u8; 32] {
    keys.keyed_hash(
        "sign-in address",
        &[look, ip.unwrap_or_default().as_bytes()],
    )
}

/// The keyed hash a code is kept as.
fn code_hash(keys: &Keys, look: &[u8; 32], code: &str) -> [u8; 32] {
    keys.keyed_hash("sign-in code", &[look, code.as_bytes()])
}

fn pseudonym_of(stored: Vec<u8>) -> StoreResult<Pseudonym> {
    stored
        .try_into()
        .map_err(|_| StoreError::corrupt("a stored pseudonym has the wrong length"))
}

impl WriteTx<'_> {
    /// The fiduciary's row and the contact's blind index.
    fn contact_key(&mut self, fid: Uuid, contact: &str) -> StoreResult<(i64, [u8; 32])> {
        let f = self.fid(fid)?;
        Ok((f, lookup(self.keys, fid, contact)))
    }
}

/// Forgets sign-in failure counts that are not locked and were not touched for a day.
pub fn sweep_failures(tx: &mut WriteTx<'_>) -> StoreResult<usize> {
    let now = ms(tx.now);
    tx.conn()
        .execute(
            "DELETE FROM principal_otp_failures WHERE locked_until < ?1 AND updated_at < ?2",
            params![now, now - ms_of(DAY)],
        )
        .map_err(db_err)
}

impl PrincipalPort for WriteTx<'_> {
    fn fiduciary_exists(&mut self, fid: Uuid) -> StoreResult<bool> {
        Ok(self.fid(fid).found()?.is_some())
    }

    fn pseudonym(&mut self, fid: Uuid, principal_id: &str) -> Pseudonym {
        self.keys.pseudonym(fid, principal_id)
    }

    fn remember_identity(&mut self, fid: Uuid, principal_id: &str) -> StoreResult<()> {
        let f = self.fid(fid)?;
        Vault::new(self.conn, self.keys, f, fid).remember_identity(principal_id, ms(self.now))
    }

    fn sign_token(
        &mut self,
        fid: Uuid,
        principal: &Pseudonym,
        expires_at: OffsetDateTime,
    ) -> StoreResult<String> {
        Ok(self.keys.sign_principal_token(&PrincipalClaim {
            fiduciary_id: fid,
            pseudonym: *principal,
            expires: expires_at.unix_timestamp(),
            nominee: None,
        }))
    }

    fn save_contact(
        &mut self,
        fid: Uuid,
        principal_id: &str,
        kind: &str,
        contact: &str,
    ) -> StoreResult<()> {
        let (f, look) = self.contact_key(fid, contact)?;
        let now = ms(self.now);
        let p = self.keys.pseudonym(fid, principal_id);
        let mut vault = Vault::new(self.conn, self.keys, f, fid);
        let sealed = vault.seal_field(principal_id, "contact", contact, now)?;
        vault.remember_identity(principal_id, now)?;
        self.conn
            .execute(
                "INSERT INTO principal_contacts (fiduciary, lookup, pseudonym, kind, value, verified_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (fiduciary, lookup) DO UPDATE SET pseudonym = excluded.pseudonym,
                   kind = excluded.kind, value = excluded.value, verified_at = excluded.verified_at",
                params![f, &look[..], &p[..], kind, sealed, now],
            )
            .map_err(db_err)?;
        Ok(())
    }

    fn contact_owner(&mut self, fid: Uuid, contact: &str) -> StoreResult<Option<Pseudonym>> {
        let (f, look) = self.contact_key(fid, contact)?;
        let owner: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT pseudonym FROM principal_contacts WHERE fiduciary = ?1 AND lookup = ?2",
                params![f, &look[..]],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)?;
        owner.map(pseudonym_of).transpose()
    }

    fn last_code(&mut self, fid: Uuid, contact: &str) -> StoreResult<Option<Issued>> {
        let (f, look) = self.contact_key(fid, contact)?;
        self.conn
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
            .map_err(db_err)
    }

    fn issue_code(
        &mut self,
        fid: Uuid,
        contact: &str,
        asked_from: Option<&str>,
        expires_at: i64,
        (window_start, issued): (i64, i64),
    ) -> StoreResult<String> {
        let (f, look) = self.contact_key(fid, contact)?;
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
        let hash = code_hash(self.keys, &look, &code);
        let addr = addr_key(self.keys, &look, asked_from);
        self.conn
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
                    expires_at,
                    window_start,
                    issued,
                    &addr[..]
                ],
            )
            .map_err(db_err)?;
        Ok(code)
    }

    fn offered_code(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
        given: &str,
    ) -> StoreResult<Option<OfferedCode>> {
        let (f, look) = self.contact_key(fid, contact)?;
        /// (code hash, expiry, tries on it from the address that asked, tries from elsewhere,
        /// that address, owner pseudonym).
        type CodeRow = (Vec<u8>, i64, i64, i64, Option<Vec<u8>>, Vec<u8>);
        let row: Option<CodeRow> = self
            .conn
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
        let Some((stored, expires_at, attempts, foreign_attempts, requester, owner)) = row else {
            return Ok(None);
        };
        let addr = addr_key(self.keys, &look, ip);
        let matches = {
            use subtle::ConstantTimeEq;
            bool::from(code_hash(self.keys, &look, given).ct_eq(stored.as_slice()))
        };
        Ok(Some(OfferedCode {
            code: Code {
                expires_at,
                attempts,
                foreign_attempts,
            },
            owner: pseudonym_of(owner)?,
            asked_here: requester.map(|r| r == addr[..]),
            matches,
        }))
    }

    fn count_try(&mut self, fid: Uuid, contact: &str, own: bool, void: bool) -> StoreResult<()> {
        let (f, look) = self.contact_key(fid, contact)?;
        let counted = if own {
            self.conn.execute(
                "UPDATE principal_otps SET attempts = attempts + 1,
                   expires_at = CASE WHEN ?3 = 1 THEN 0 ELSE expires_at END
                 WHERE fiduciary = ?1 AND lookup = ?2",
                params![f, &look[..], i64::from(void)],
            )
        } else {
            self.conn.execute(
                "UPDATE principal_otps SET foreign_attempts = foreign_attempts + 1
                 WHERE fiduciary = ?1 AND lookup = ?2",
                params![f, &look[..]],
            )
        };
        counted.map_err(db_err)?;
        Ok(())
    }

    fn use_code(&mut self, fid: Uuid, contact: &str) -> StoreResult<()> {
        let (f, look) = self.contact_key(fid, contact)?;
        self.conn
            .execute(
                "UPDATE principal_otps SET expires_at = 0, attempts = 0, foreign_attempts = 0
                 WHERE fiduciary = ?1 AND lookup = ?2",
                params![f, &look[..]],
            )
            .map_err(db_err)?;
        Ok(())
    }

    fn address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
    ) -> StoreResult<AddressFailures> {
        let (f, look) = self.contact_key(fid, contact)?;
        let addr = addr_key(self.keys, &look, ip);
        Ok(self
            .conn
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

    fn save_address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
        failures: &AddressFailures,
    ) -> StoreResult<()> {
        let (f, look) = self.contact_key(fid, contact)?;
        let addr = addr_key(self.keys, &look, ip);
        self.conn
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
                    ms(self.now)
                ],
            )
            .map_err(db_err)?;
        Ok(())
    }

    fn clear_address_failures(
        &mut self,
        fid: Uuid,
        contact: &str,
        ip: Option<&str>,
    ) -> StoreResult<()> {
        let (f, look) = self.contact_key(fid, contact)?;
        let addr = addr_key(self.keys, &look, ip);
        self.conn
            .execute(
                "DELETE FROM principal_otp_failures WHERE fiduciary = ?1 AND lookup = ?2 AND addr = ?3",
                params![f, &look[..], &addr[..]],
            )
            .map_err(db_err)?;
        Ok(())
    }

    fn queue_message(
        &mut self,
        fid: Uuid,
        to: &Pseudonym,
        channel: &str,
        destination: &str,
        body: &str,
    ) -> StoreResult<i64> {
        let f = self.fid(fid)?;
        let now = ms(self.now);
        let mut vault = Vault::new(self.conn, self.keys, f, fid);
        let destination = vault.seal_for(to, "outbox.destination", destination, now)?;
        let body = vault.seal_for(to, "outbox.body", body, now)?;
        self.wrote.outbox = true;
        self.conn
            .query_row(
                "INSERT INTO outbox (created_at, fiduciary, pseudonym, channel, destination, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![now, f, &to[..], channel, destination, body],
                |r| r.get(0),
            )
            .map_err(db_err)
    }

    fn record_for(&mut self, r: &AuditRecord, principal: &Pseudonym) -> StoreResult<u64> {
        // The ledger names principals by pseudonym: this entry carries it directly.
        let entry = AuditEntry {
            index: self.next_index(),
            timestamp: self.now,
            fiduciary: r.fiduciary_id,
            principal: Some(crate::conv::hex(principal)),
            purpose: r.purpose.clone(),
            action: r.action.as_str().to_string(),
            status: r.status.map(str::to_string),
            outcome: r.outcome.clone(),
            initiator: r.initiator.clone(),
            source_ip: r.source_ip.clone(),
            artefact: r.artefact_id,
            version: r.artefact_version,
            artefact_sha256: r.artefact_sha256.clone(),
        };
        self.insert_entry(&entry)
    }
}

/// A message of the outbox, opened.
#[derive(Clone, Debug)]
pub struct OutboxMessage {
    pub id: i64,
    /// The message id (`msg_...`): the idempotency key receivers drop a copy by (sign-in
    /// codes from before it existed get `msg_<row>`).
    pub message_id: String,
    pub fiduciary: Uuid,
    pub channel: String,
    pub destination: String,
    pub body: String,
    /// For an e-mail notification: its subject and HTML body (a sign-in code has neither).
    pub subject: Option<String>,
    pub html: Option<String>,
    /// What it reports (`consent_withdrawn`, ...); None for a sign-in code.
    pub kind: Option<String>,
    pub language: Option<String>,
    pub attempts: u32,
    pub sent: bool,
    pub dead: bool,
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
        "o.sent_at IS NULL AND o.dead_at IS NULL AND o.next_attempt_at <= ?2
         ORDER BY o.next_attempt_at, o.id LIMIT ?1",
        params![limit as i64, ms(now)],
    )
}

/// First wait after a failed delivery; each further failure doubles it, up to [`RETRY_MAX`].
pub const RETRY_FIRST: time::Duration = time::Duration::seconds(1);
pub const RETRY_MAX: time::Duration = time::Duration::minutes(10);

/// A delivery failed: the message waits before its next try, twice as long after each
/// failure (1 s, 2 s, 4 s, ... up to 10 minutes), so a gateway that is down is not hammered.
/// A sign-in code is retried while it can still be used; a notification after
/// [`NOTIFICATION_ATTEMPTS`] attempts (or a permanent refusal) is dead-lettered for staff to
/// replay. `error` is kept for staff (no destination or body in it).
pub fn delivery_failed(tx: &mut WriteTx<'_>, id: i64) -> StoreResult<()> {
    outbox_failed(tx, id, "delivery failed", false)
}

/// Attempts after which a notification to a principal is dead-lettered.
pub const NOTIFICATION_ATTEMPTS: i64 = 10;

/// See [`delivery_failed`]; `permanent` dead-letters a notification at once.
pub fn outbox_failed(
    tx: &mut WriteTx<'_>,
    id: i64,
    error: &str,
    permanent: bool,
) -> StoreResult<()> {
    let now = tx.now;
    let row: Option<(i64, Option<String>)> = tx
        .conn()
        .query_row(
            "SELECT attempts, kind FROM outbox WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(db_err)?;
    let (attempts, kind) = row.unwrap_or((0, None));
    let error: String = error.chars().take(500).collect();
    if kind.is_some() && (permanent || attempts + 1 >= NOTIFICATION_ATTEMPTS) {
        tx.conn()
            .execute(
                "UPDATE outbox SET attempts = attempts + 1, dead_at = ?2, last_error = ?3
                 WHERE id = ?1",
                params![id, ms(now), error],
            )
            .map_err(db_err)?;
        return Ok(());
    }
    let wait = (RETRY_FIRST * (1i32 << attempts.clamp(0, 20))).min(RETRY_MAX);
    tx.conn()
        .execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
             WHERE id = ?1",
            params![id, ms(now + wait), error],
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
            "SELECT o.id, o.fiduciary, f.uuid, o.channel, o.destination, o.body,
                    o.sent_at IS NOT NULL, o.uuid, o.subject, o.html, o.kind, o.language,
                    o.attempts, o.dead_at IS NOT NULL
             FROM outbox o JOIN fiduciaries f ON f.id = o.fiduciary WHERE {clause}"
        ))
        .map_err(db_err)?;
    type Row = (
        (i64, i64, String, String, String, String, bool),
        (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        ),
        (i64, bool),
    );
    let rows: Vec<Row> = stmt
        .query_map(args, |r| {
            Ok((
                (
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ),
                (r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?),
                (r.get(12)?, r.get(13)?),
            ))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut out = Vec::new();
    for ((id, f, fid, channel, dest, body, sent), (uuid, subject, html, kind, lang), (n, dead)) in
        rows
    {
        let fid = Uuid::parse_str(&fid).map_err(|e| StoreError::corrupt(e.to_string()))?;
        let mut vault = Vault::new(conn, keys, f, fid);
        out.push(OutboxMessage {
            id,
            message_id: uuid.unwrap_or_else(|| format!("msg_{id}")),
            fiduciary: fid,
            channel,
            destination: vault.open_field("outbox.destination", &dest)?,
            body: vault.open_field("outbox.body", &body)?,
            subject: subject
                .map(|s| vault.open_field("outbox.subject", &s))
                .transpose()?,
            html: html
                .map(|h| vault.open_field("outbox.html", &h))
                .transpose()?,
            kind,
            language: lang,
            attempts: n.max(0) as u32,
            sent,
            dead,
        });
    }
    Ok(out)
}

/// Marks messages sent; a notification's sending is recorded in the ledger
/// (`notification.sent`, naming the principal by pseudonym).
pub fn mark_sent(tx: &mut WriteTx<'_>, ids: &[i64]) -> StoreResult<()> {
    let now = ms(tx.now);
    for id in ids {
        let n = tx
            .conn()
            .execute(
                "UPDATE outbox SET sent_at = ?1 WHERE id = ?2 AND sent_at IS NULL",
                params![now, id],
            )
            .map_err(db_err)?;
        if n == 0 {
            continue;
        }
        type Sent = (String, Vec<u8>, String, Option<String>, Option<String>);
        let row: Option<Sent> = tx
            .conn()
            .query_row(
                "SELECT f.uuid, o.pseudonym, o.channel, o.kind, o.uuid FROM outbox o
                 JOIN fiduciaries f ON f.id = o.fiduciary WHERE o.id = ?1",
                [*id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(db_err)?;
        if let Some((fid, p, channel, Some(kind), Some(uuid))) = row
            && let Ok(p) = Pseudonym::try_from(&p[..])
        {
            let fid = Uuid::parse_str(&fid).map_err(|e| StoreError::corrupt(e.to_string()))?;
            let rec = AuditRecord::admin(
                anumodan_core::audit::Action::NotificationSent,
                fid,
                format!("{channel} {kind} {uuid}"),
                "system",
            );
            PrincipalPort::record_for(tx, &rec, &p)?;
        }
    }
    Ok(())
}
