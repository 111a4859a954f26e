//! Embedded migrations, applied in order on open: on SQLite as written (`PRAGMA user_version`
//! records how many have run), on PostgreSQL through `pg::dialect` (the `anumodan_migrations`
//! table records them). Write them in the SQL both accept. Never edit a released migration:
//! append a new one.

pub const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE fiduciaries (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    name TEXT NOT NULL,
    key_hash BLOB NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    -- Permission names (see anumodan_core::authz), space-separated.
    scopes TEXT NOT NULL,
    -- Who made it: `cli`, `fiduciary:<key id>` or `staff:<staff id>`.
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
-- One row per principal of a fiduciary, found by keyed pseudonym (blind index): the principal's
-- data key wrapped by a master key. Erasure deletes the wrapped key (crypto-shredding).
CREATE TABLE principals (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    pseudonym BLOB NOT NULL,
    master_key TEXT,
    wrapped_key BLOB,
    created_at INTEGER NOT NULL,
    erased_at INTEGER,
    PRIMARY KEY (fiduciary, pseudonym)
) WITHOUT ROWID;
CREATE INDEX principals_by_master ON principals (master_key) WHERE wrapped_key IS NOT NULL;
-- A principal's verified contacts (declared by the fiduciary), for one-time-code sign-in:
-- found by a keyed blind index of the normalised value, the value itself sealed under the
-- principal's data key.
CREATE TABLE principal_contacts (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    lookup BLOB NOT NULL,
    pseudonym BLOB NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    verified_at INTEGER NOT NULL,
    PRIMARY KEY (fiduciary, lookup)
) WITHOUT ROWID;
-- Sign-in codes per contact: the live code's keyed hash, expiry and wrong tries; failures
-- across codes (reset by a success) with the lock-out they earn; codes issued in the current
-- 24-hour window.
CREATE TABLE principal_otps (
    fiduciary INTEGER NOT NULL,
    lookup BLOB NOT NULL,
    code_hash BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    window_start INTEGER NOT NULL DEFAULT 0,
    issued INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (fiduciary, lookup)
) WITHOUT ROWID;
-- Transactional outbox: messages to principals, written in the same commit as what caused
-- them and sent afterwards by a dispatcher. Destination and body are sealed under the
-- recipient's data key.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    pseudonym BLOB NOT NULL,
    channel TEXT NOT NULL,
    destination TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;
-- Why personal data was unmasked: the ledger entry commits to the reason by its SHA-256
-- (in the entry's outcome); the text itself is kept here.
CREATE TABLE unmask_reasons (
    idx INTEGER PRIMARY KEY,
    reason TEXT NOT NULL
);
CREATE TABLE data_items (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary, code)
) WITHOUT ROWID;
CREATE TABLE purposes (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary, code)
) WITHOUT ROWID;
CREATE TABLE notices (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    uuid TEXT NOT NULL,
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary, uuid),
    UNIQUE (fiduciary, code)
) WITHOUT ROWID;
CREATE TABLE notice_versions (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    notice TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary, notice, version)
) WITHOUT ROWID;
-- Consent artefact versions: append only.
CREATE TABLE artefacts (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    uuid TEXT NOT NULL,
    version INTEGER NOT NULL,
    principal BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary, uuid, version)
) WITHOUT ROWID;
-- The latest version of each artefact, with the earliest expiry among its active purposes.
CREATE TABLE artefact_heads (
    fiduciary INTEGER NOT NULL,
    uuid TEXT NOT NULL,
    version INTEGER NOT NULL,
    principal BLOB NOT NULL,
    collected_at INTEGER NOT NULL,
    next_expiry INTEGER,
    PRIMARY KEY (fiduciary, uuid)
) WITHOUT ROWID;
CREATE INDEX artefact_heads_by_principal ON artefact_heads (fiduciary, principal);
CREATE INDEX artefact_heads_expiry ON artefact_heads (next_expiry) WHERE next_expiry IS NOT NULL;
-- The current decision per (principal, purpose): a projection of the artefacts, rebuilt from
-- them if lost. Validation reads one row of it by primary key.
CREATE TABLE consent_index (
    fiduciary INTEGER NOT NULL,
    principal BLOB NOT NULL,
    purpose TEXT NOT NULL,
    artefact TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    expires_at INTEGER,
    state TEXT NOT NULL,
    PRIMARY KEY (fiduciary, principal, purpose)
) WITHOUT ROWID;
-- The audit ledger. Strings are interned in audit_symbols to keep each entry small; the hashed
-- form of an entry is the canonical JSON rebuilt from these columns (see AuditEntry).
CREATE TABLE audit_symbols (
    id INTEGER PRIMARY KEY,
    value TEXT NOT NULL UNIQUE
);
CREATE TABLE audit_log (
    idx INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    fiduciary INTEGER NOT NULL,
    principal INTEGER,
    purpose INTEGER,
    action INTEGER NOT NULL,
    status INTEGER,
    outcome INTEGER NOT NULL,
    initiator INTEGER NOT NULL,
    source_ip TEXT,
    artefact INTEGER,
    version INTEGER,
    hash BLOB NOT NULL
);
CREATE INDEX audit_by_fiduciary ON audit_log (fiduciary, idx);
-- Entries by principal. Written in batches (about once per checkpoint interval) by an indexer
-- beside the writer, not with each entry, so that an audited validation does not dirty a random
-- index page in its commit; entries at or after `principal_indexed_upto` (in ledger_meta) are
-- found by scanning the tail. PostgreSQL only (`pg::run_principal_indexer`, on a connection of
-- its own): the embedded store keeps this index in a file of its own
-- (`principal_index::run_principal_indexer`) and leaves this table empty.
CREATE TABLE audit_principal (
    principal INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    PRIMARY KEY (principal, idx)
) WITHOUT ROWID;
CREATE TABLE ledger_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
-- Hashes of perfect Merkle subtrees at levels 8, 16, ... (a cache for proofs, derivable).
CREATE TABLE ledger_tiles (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
-- Signed checkpoints (C2SP signed notes), one per tree size.
CREATE TABLE checkpoints (
    size INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    note TEXT NOT NULL
);
-- Staff accounts, sessions and roles (issue 4)
-- A staff member belongs to the platform (fiduciary NULL) or to one fiduciary (its uuid).
-- Usernames are kept lower case; passwords as Argon2id PHC strings.
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL UNIQUE,
    fiduciary TEXT,
    password_hash TEXT NOT NULL,
    totp_secret BLOB,
    totp_confirmed INTEGER NOT NULL DEFAULT 0,
    totp_last_step INTEGER,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    disabled_at INTEGER,
    must_change_password INTEGER NOT NULL DEFAULT 0
);
-- One-time recovery codes (SHA-256 of each code).
CREATE TABLE staff_recovery_codes (
    staff INTEGER NOT NULL REFERENCES staff(id),
    code_hash BLOB NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (staff, code_hash)
) WITHOUT ROWID;
-- Consecutive sign-in failures per username (SHA-256 of the lower-case name, whether or not an
-- account exists, so lock-out reveals nothing about which names exist).
CREATE TABLE staff_throttle (
    name_hash BLOB PRIMARY KEY,
    failures INTEGER NOT NULL,
    lockouts INTEGER NOT NULL,
    locked_until INTEGER
) WITHOUT ROWID;
-- Sessions by SHA-256 of the cookie's token; the CSRF token is kept as its SHA-256 too.
CREATE TABLE staff_sessions (
    token_hash BLOB PRIMARY KEY,
    staff INTEGER NOT NULL REFERENCES staff(id),
    csrf_hash BLOB NOT NULL,
    mfa_done INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff);
-- Custom roles: named permissions (JSON array of permission names) in a scope: the platform
-- (fiduciary '') or one fiduciary.
CREATE TABLE roles (
    uuid TEXT PRIMARY KEY,
    fiduciary TEXT NOT NULL,
    name TEXT NOT NULL,
    permissions TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (fiduciary, name)
) WITHOUT ROWID;
-- Role grants: a builtin role name or a custom role's uuid, in a scope ('' = platform).
CREATE TABLE role_grants (
    staff INTEGER NOT NULL REFERENCES staff(id),
    role TEXT NOT NULL,
    scope TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    granted_by TEXT NOT NULL,
    PRIMARY KEY (staff, role, scope)
) WITHOUT ROWID;
-- Every grant and revocation, for the access report.
CREATE TABLE role_changes (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    staff INTEGER NOT NULL REFERENCES staff(id),
    role TEXT NOT NULL,
    scope TEXT NOT NULL,
    change TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
"#,
    // Issue 17: the ledger commits to each artefact version it records (SHA-256 of the version's
    // blinded body, see vault::artefact_digest); NULL on entries that record no version and on
    // every entry written before.
    r#"
ALTER TABLE audit_log ADD COLUMN artefact_hash BLOB;
-- The principal's own id, sealed under their data key (erasure makes it unreadable and clears
-- it): how a principal who signed in, known only by pseudonym, acts under their id.
ALTER TABLE principals ADD COLUMN sealed_id TEXT;
-- The notice and version each indexed decision is held under, for re-consent (validation
-- compares the version with notice_reconsent; the fiduciary lists who is pending). Rows from
-- before are filled in at start (admin::upgrade_index).
ALTER TABLE consent_index ADD COLUMN notice TEXT;
ALTER TABLE consent_index ADD COLUMN notice_version INTEGER;
CREATE INDEX consent_index_by_notice ON consent_index (fiduciary, notice, artefact, purpose);
-- A notice's standing re-consent requirement (anumodan_core::model::Reconsent).
CREATE TABLE notice_reconsent (
    fiduciary INTEGER NOT NULL,
    notice TEXT NOT NULL,
    from_version INTEGER NOT NULL,
    deadline INTEGER,
    PRIMARY KEY (fiduciary, notice)
) WITHOUT ROWID;
-- Answers to requests that carried an Idempotency-Key (see anumodan_core::idempotency), kept
-- 24 hours: by keyed pseudonym of the caller and SHA-256 of the key; the answer sealed under
-- the data key of the principal it is about (`principal`, their pseudonym). Erasure clears the
-- answer and the link, and keeps the fingerprint, so a late retry is refused, not re-run.
CREATE TABLE idempotency_keys (
    fiduciary INTEGER NOT NULL,
    caller BLOB NOT NULL,
    key_hash BLOB NOT NULL,
    principal BLOB NOT NULL,
    fingerprint BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    response TEXT,
    PRIMARY KEY (fiduciary, caller, key_hash)
) WITHOUT ROWID;
CREATE INDEX idempotency_by_age ON idempotency_keys (created_at);
CREATE INDEX idempotency_by_principal ON idempotency_keys (fiduciary, principal);
"#,
    // Issue 18: sign-in throttling per (name, address) besides per name, addresses an account
    // completed a sign-in from, and throttle rows that expire.
    r#"
ALTER TABLE staff_throttle ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX staff_throttle_by_age ON staff_throttle (updated_at);
-- SHA-256 of (username, address) for each address an account completed a sign-in from: the
-- name-wide lock-out does not apply there.
-- Sign-in codes: failures counted per (contact, client address), so guesses from elsewhere
-- neither lock the contact out nor void the code its owner asked for (they have their own,
-- smaller, allowance of tries on it: foreign_attempts).
ALTER TABLE principal_otps ADD COLUMN requester BLOB;
ALTER TABLE principal_otps ADD COLUMN foreign_attempts INTEGER NOT NULL DEFAULT 0;
CREATE TABLE principal_otp_failures (
    fiduciary INTEGER NOT NULL,
    lookup BLOB NOT NULL,
    addr BLOB NOT NULL,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (fiduciary, lookup, addr)
) WITHOUT ROWID;
CREATE INDEX principal_otp_failures_by_age ON principal_otp_failures (updated_at);
-- Failed deliveries wait before their next try, doubling (principal::delivery_failed).
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
-- The ledger position of a principal's erasure: entries up to it are never found by their id
-- again (the API's principal filters skip them), whatever comes later.
ALTER TABLE principals ADD COLUMN erased_upto INTEGER;
CREATE TABLE staff_known_addresses (
    addr_hash BLOB PRIMARY KEY,
    last_ok INTEGER NOT NULL
) WITHOUT ROWID;
"#,
    // Issue 19: the event outbox. Use cases write domain events here in the same transaction
    // as the change they report; each subscriber reads them in id order from its own cursor.
    // Ids grow in commit order on both backends (on PostgreSQL every write transaction first
    // locks the ledger head, so commits are serialised; a rolled-back id is only a gap).
    r#"
CREATE TABLE domain_events (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    -- The principal's keyed pseudonym; NULL when none, or once the principal is erased.
    principal BLOB,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX domain_events_by_principal ON domain_events (fiduciary, principal);
CREATE TABLE event_cursors (
    consumer TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
"#,
    // Issue 20: notifications and alerts. Processors and webhook endpoints (secrets sealed under
    // the master key); alerts to processors with their confirmation and escalation; the
    // principal's inbox (sealed under their data key); deliveries of webhooks and staff e-mails
    // (bodies sealed under the master key, dropped once sent); principal e-mails and SMS stay in
    // the outbox, which gains what a notification needs; settings, templates, language
    // preferences and planned renewal reminders.
    r#"
CREATE TABLE processors (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    name TEXT NOT NULL,
    purposes TEXT NOT NULL,
    webhook TEXT,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);
CREATE INDEX processors_by_fiduciary ON processors (fiduciary);
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    processor TEXT,
    url TEXT NOT NULL,
    event_types TEXT NOT NULL,
    secret BLOB NOT NULL,
    previous_secret BLOB,
    previous_until INTEGER,
    created_at INTEGER NOT NULL,
    rotated_at INTEGER
);
CREATE INDEX webhook_endpoints_by_fiduciary ON webhook_endpoints (fiduciary);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    processor TEXT NOT NULL,
    kind TEXT NOT NULL,
    artefact TEXT NOT NULL,
    purposes TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    acknowledged_at INTEGER,
    note TEXT,
    escalation INTEGER NOT NULL DEFAULT 0,
    escalates_at INTEGER,
    UNIQUE (event_id, processor)
);
CREATE INDEX alerts_by_fiduciary ON alerts (fiduciary, id);
CREATE INDEX alerts_by_artefact ON alerts (fiduciary, artefact);
CREATE INDEX alerts_escalation ON alerts (escalates_at)
    WHERE acknowledged_at IS NULL AND escalates_at IS NOT NULL;
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    pseudonym BLOB NOT NULL,
    event_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    artefact TEXT,
    created_at INTEGER NOT NULL,
    acknowledged_at INTEGER,
    UNIQUE (fiduciary, pseudonym, event_id)
);
CREATE INDEX inbox_by_principal ON inbox (fiduciary, pseudonym, id);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    endpoint TEXT,
    alert TEXT,
    event_id INTEGER,
    dedup TEXT NOT NULL UNIQUE,
    -- The principal the body names, if any (their keyed pseudonym): erasure drops the bodies
    -- of their deliveries that are no longer on their way.
    pseudonym BLOB,
    destination BLOB,
    payload BLOB,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_by_fiduciary ON deliveries (fiduciary, status, id);
CREATE INDEX deliveries_by_principal ON deliveries (fiduciary, pseudonym) WHERE pseudonym IS NOT NULL;
ALTER TABLE outbox ADD COLUMN uuid TEXT;
ALTER TABLE outbox ADD COLUMN kind TEXT;
ALTER TABLE outbox ADD COLUMN subject TEXT;
ALTER TABLE outbox ADD COLUMN html TEXT;
ALTER TABLE outbox ADD COLUMN language TEXT;
ALTER TABLE outbox ADD COLUMN event_id INTEGER;
ALTER TABLE outbox ADD COLUMN dedup BLOB;
ALTER TABLE outbox ADD COLUMN dead_at INTEGER;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
CREATE UNIQUE INDEX outbox_dedup ON outbox (dedup);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE TABLE notify_settings (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary)
);
CREATE TABLE notification_templates (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    event TEXT NOT NULL,
    language TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (fiduciary, event, language)
) WITHOUT ROWID;
CREATE TABLE principal_prefs (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    pseudonym BLOB NOT NULL,
    language TEXT,
    PRIMARY KEY (fiduciary, pseudonym)
) WITHOUT ROWID;
CREATE TABLE renewal_plans (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    artefact TEXT NOT NULL,
    remind_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (fiduciary, artefact)
) WITHOUT ROWID;
CREATE INDEX renewal_plans_due ON renewal_plans (remind_at);
CREATE INDEX principal_contacts_by_pseudonym ON principal_contacts (fiduciary, pseudonym);
ALTER TABLE api_keys ADD COLUMN processor TEXT;
CREATE INDEX domain_events_by_fiduciary ON domain_events (fiduciary, id);
"#,
    r#"
-- Grievances and rights requests (issue 21). The columns are what the queue, the clock and
-- reports read, none of them personal data; `body` is the whole case as JSON, sealed under
-- the principal's data key (erasure makes it unreadable, and `pseudonym` is then cleared).
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    reference TEXT NOT NULL,
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    pseudonym BLOB,
    kind TEXT NOT NULL,
    category TEXT,
    status TEXT NOT NULL,
    escalation INTEGER NOT NULL,
    assignee_role TEXT,
    assignee_staff TEXT,
    language TEXT NOT NULL,
    outcome TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    acknowledge_by INTEGER NOT NULL,
    respond_by INTEGER NOT NULL,
    acknowledged_at INTEGER,
    resolved_at INTEGER,
    closed_at INTEGER,
    -- When the clock job must next look at the case; NULL when it never needs to.
    next_check INTEGER,
    body TEXT NOT NULL,
    UNIQUE (fiduciary, reference),
    UNIQUE (fiduciary, prefix, year, seq)
);
CREATE INDEX cases_of_principal ON cases (fiduciary, pseudonym, id);
CREATE INDEX cases_queue ON cases (fiduciary, status, respond_by);
CREATE INDEX cases_clock ON cases (next_check) WHERE next_check IS NOT NULL;
-- Attachments: the bytes (base64) sealed under the principal's data key.
CREATE TABLE case_attachments (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    data TEXT NOT NULL
);
CREATE INDEX case_attachments_of ON case_attachments (case_id);
CREATE TABLE case_settings (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary)
);
-- Nominations (DPDP Act s.14): `body` (the nominee) sealed under the principal's data key.
CREATE TABLE nominations (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    pseudonym BLOB,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX nominations_of ON nominations (fiduciary, pseudonym);
"#,
    // Issue 21, item 5: the retention engine. The deployment's floors (one row, written from
    // the configuration at start), policies per data category, legal holds, and the erasure
    // plans: one row per principal due for erasure, derived from their consents and written
    // only when a change about them is handled (see anumodan_core::retention).
    r#"
CREATE TABLE retention_settings (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE retention_policies (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    category TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary, category)
) WITHOUT ROWID;
CREATE TABLE legal_holds (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    -- The principal a principal-scoped hold covers (their keyed pseudonym), else NULL.
    pseudonym BLOB,
    body TEXT NOT NULL,
    until_at INTEGER NOT NULL,
    released_at INTEGER
);
CREATE INDEX legal_holds_by_fiduciary ON legal_holds (fiduciary, id);
CREATE TABLE erasure_plans (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    pseudonym BLOB NOT NULL,
    erase_at INTEGER NOT NULL,
    notify_at INTEGER NOT NULL,
    notified_at INTEGER,
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary, pseudonym)
) WITHOUT ROWID;
CREATE INDEX erasure_plans_notice ON erasure_plans (notify_at) WHERE notified_at IS NULL;
CREATE INDEX erasure_plans_purge ON erasure_plans (erase_at) WHERE notified_at IS NOT NULL;
CREATE INDEX erasure_plans_by_fiduciary ON erasure_plans (fiduciary, erase_at);
"#,
    // Issue 21, performance: erasure finds the artefact versions sealed under a principal's
    // key by index instead of reading every artefact of the fiduciary. Their own are found
    // through artefact_heads; those naming them as a guardian through this table (the
    // guardian's pseudonym, written with each version that has a guardian). Artefacts from
    // before it are listed with an empty pseudonym: every erasure still reads those few.
    // Messages to a principal are deleted by pseudonym on erasure.
    r#"
CREATE TABLE artefact_guardians (
    fiduciary INTEGER NOT NULL,
    guardian BLOB NOT NULL,
    uuid TEXT NOT NULL,
    PRIMARY KEY (fiduciary, guardian, uuid)
) WITHOUT ROWID;
INSERT INTO artefact_guardians (fiduciary, guardian, uuid)
  SELECT DISTINCT fiduciary, CAST('' AS BLOB), uuid FROM artefacts
  WHERE body LIKE '%"guardian":{%';
CREATE INDEX outbox_by_principal ON outbox (fiduciary, pseudonym);
"#,
    // Issue 21, performance: a principal's artefact heads by a covering index. SQLite, without
    // statistics, read `WHERE h.fiduciary = ? AND h.principal = ?` (joined to the versions) as
    // a range of the primary key `(fiduciary=?)`, every head of the fiduciary, because the
    // old index lacked `version` and `collected_at`: the retention engine's planning and purge
    // and a principal's artefact list cost time linear in the fiduciary's principals. This
    // one answers them alone (a WITHOUT ROWID index also holds the key's `uuid`), in
    // `collected_at` order; it supersedes the old one, a prefix of it.
    r#"
CREATE INDEX artefact_heads_of_principal ON artefact_heads (fiduciary, principal, collected_at, version);
DROP INDEX artefact_heads_by_principal;
"#,
    // Issue 22, item 2: the hosted consent page. A fiduciary's settings for its pages (the
    // origins a page may return to and be framed by), and consent requests: one page for one
    // principal, found by id, opened by a single-use token of which only the SHA-256 is kept.
    // The body (principal, return address, state) is sealed under the principal's data key;
    // `used_at` is set, once, by the submission that recorded the decision.
    r#"
CREATE TABLE web_settings (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary)
);
CREATE TABLE consent_requests (
    uuid TEXT NOT NULL PRIMARY KEY,
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    pseudonym BLOB NOT NULL,
    token_hash BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    artefact TEXT,
    body TEXT NOT NULL
);
CREATE INDEX consent_requests_expiry ON consent_requests (expires_at);
"#,
    // Issue 22, item 5: the cookie banner of each fiduciary (anumodan_core::cookies), as JSON.
    // A visitor's decisions are consents like any other (artefacts and the ledger).
    r#"
CREATE TABLE cookie_banners (
    fiduciary INTEGER NOT NULL REFERENCES fiduciaries(id),
    body TEXT NOT NULL,
    PRIMARY KEY (fiduciary)
);
"#,
];
