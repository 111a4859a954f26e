//! Configuration: defaults, then an optional TOML file, then `ANUMODAN_*` environment variables,
//! then command-line flags (each overrides the one before).

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`ANUMODAN_LISTEN`).
    pub listen: SocketAddr,
    /// Where the embedded database and keys live (`ANUMODAN_DATA_DIR`). With `database_url`
    /// it holds only the keys, which every node sharing the database needs alike.
    pub data_dir: PathBuf,
    /// A PostgreSQL URL (`ANUMODAN_DATABASE_URL`), e.g. `postgres://anumodan@db/anumodan`:
    /// the store is then that database, shared by any number of nodes, instead of the
    /// embedded one. Never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Name of the audit ledger: the origin line of its checkpoints (`ANUMODAN_LOG_NAME`).
    pub log_name: String,
    /// The ledger's Ed25519 signing key file (C2SP signed-note private key, named `log_name`);
    /// default: `DATA_DIR/keys/ledger-signing.key`, created on first start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger_signing_key: Option<PathBuf>,
    /// The master key that wraps principals' data keys: a file of 32 random bytes
    /// (`ANUMODAN_MASTER_KEY_FILE`); default: `DATA_DIR/keys/master/`, created on first start.
    /// Keep older master keys in `DATA_DIR/keys/master/` until their data keys are re-wrapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_key_file: Option<PathBuf>,
    /// How often a signed checkpoint is written while entries arrive, in ms.
    pub checkpoint_interval_ms: u64,
    /// How often the expiry job runs, in ms.
    pub expiry_interval_ms: u64,
    /// How often the outbox is sent (by the node holding its lease), in ms.
    pub outbox_interval_ms: u64,
    /// How long the node sending the outbox keeps it to itself after its last message, in ms:
    /// when that node dies, another takes over once this has passed.
    pub outbox_lease_ms: u64,
    /// Where outbox messages go (`ANUMODAN_OUTBOX_WEBHOOK_URL`): each message is POSTed there
    /// as JSON for the operator's SMS and e-mail gateway to send, with its id as the
    /// `Idempotency-Key`. Must be `https` (plain `http` only to a loopback address), since the
    /// message holds the destination and the code in clear. Unset: messages are only logged
    /// (masked), for development. Never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox_webhook_url: Option<String>,
    /// The SMTP server e-mail goes through (`ANUMODAN_SMTP_URL`): `smtp://host[:port]` (port 25
    /// by default) upgrades to TLS with STARTTLS whenever the server offers it; add `?tls=starttls`
    /// to require it, or `?tls=none` never to use it. `smtps://host[:port]` (port 465 by
    /// default) speaks TLS from the first byte. `user:password@` before the host (both
    /// percent-encoded) authenticates; credentials are sent only over TLS, except to a loopback
    /// address, so with them `smtp://` to another host requires STARTTLS. Never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
    /// The `From` of every e-mail (`ANUMODAN_SMTP_FROM`), e.g.
    /// `"Anumodan <no-reply@example.gov.in>"`; its domain also ends every `Message-ID`.
    /// Required with `smtp_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_from: Option<String>,
    /// How long one e-mail's whole delivery may take (connecting, TLS, authentication and the
    /// transfer), in ms; past it the attempt fails and is retried later.
    pub smtp_timeout_ms: u64,
    /// A PEM file of extra root certificates that the SMTP server's certificate may chain to
    /// (`ANUMODAN_SMTP_CA_FILE`), for a private CA; the system's roots are trusted as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_ca_file: Option<PathBuf>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// How long a client may take to send a request's head once it starts one (and how long an
    /// idle keep-alive connection is kept), in ms: slow clients cannot hold connections.
    pub header_read_timeout_ms: u64,
    /// A request's whole body must arrive within this many milliseconds (else 408).
    pub body_read_timeout_ms: u64,
    /// Bytes per second a request body must keep up after its first five seconds (0: no minimum).
    pub min_body_rate: u64,
    /// Connections open at once; more are closed on arrival.
    pub max_connections: usize,
    /// Connections open at once from one client address (trusted proxies exempt).
    pub max_connections_per_ip: usize,
    /// Proxies (CIDRs, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` is believed: behind them, the
    /// client is the rightmost address in that header that is not itself a trusted proxy. The
    /// client address is what the ledger records and what the per-IP rate limit counts.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// PEM certificate chain: with `tls_key`, the server speaks TLS 1.3 only (`ANUMODAN_TLS_CERT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1) of `tls_cert` (`ANUMODAN_TLS_KEY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
    /// Requests per second allowed from one client IP address, sustained (0: no limit).
    pub rate_limit_per_ip: u32,
    /// Requests one client IP address may send at once above the sustained rate.
    pub rate_limit_per_ip_burst: u32,
    /// Authenticated `/v1` requests per second allowed per API key, sustained (0: no limit).
    pub rate_limit_per_key: u32,
    /// Requests one API key may send at once above the sustained rate.
    pub rate_limit_per_key_burst: u32,
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `anumodan=debug`.
    pub log: String,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Mark the staff session cookie `Secure`. Default: on, unless the server listens on a
    /// loopback address (a browser on the same machine over plain HTTP); always on when the
    /// process serves TLS itself. Turn it off only for plain HTTP on a private network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_cookies: Option<bool>,
    /// A staff session ends after this many minutes without a request.
    pub session_idle_minutes: u64,
    /// A staff session ends this many minutes after sign-in, however active.
    pub session_absolute_minutes: u64,
    /// Consecutive failed sign-in steps (password or second factor) that lock an account.
    pub signin_max_failures: u32,
    /// Sign-in requests (staff password and second factor, principal one-time codes) per minute
    /// from one client address, sustained (0: no limit); on top of `rate_limit_per_ip`.
    pub signin_rate_limit_per_minute: u32,
    /// Sign-in requests one address may send at once above that rate.
    pub signin_rate_limit_burst: u32,
    /// Password hashes (Argon2id, 19 MiB each) computed at once; 0: one less than the cores,
    /// at least one. Further sign-ins wait up to `password_hash_wait_ms`, then get 429.
    pub password_hash_concurrency: usize,
    pub password_hash_wait_ms: u64,
    /// How often the notification fan-out and the delivery of webhooks run, in ms.
    pub notify_interval_ms: u64,
    /// How often unconfirmed alerts are checked for escalation, and renewal reminders for
    /// being due, in ms.
    pub escalation_interval_ms: u64,
    /// How long the node running the notification fan-out and deliveries keeps them to itself
    /// after its last round, in ms: when that node dies, another takes over once this has
    /// passed (PostgreSQL clusters).
    pub notify_lease_ms: u64,
    /// How long one webhook or e-mail delivery may take, in ms.
    pub delivery_timeout_ms: u64,
    /// Waits between delivery attempts, in ms; after the last one a delivery is dead-lettered
    /// (default: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h, each with jitter).
    pub delivery_retry_schedule_ms: Vec<u64>,
    /// Allows webhook endpoints on loopback addresses (and plain http to them), for tests and
    /// local development. Off by default; it relaxes nothing else.
    pub allow_loopback_endpoints: bool,
    /// How often the retention engine plans, gives 48-hour notices and purges, in ms.
    pub retention_interval_ms: u64,
    /// The most of the single writer's time the retention engine's purges may take, in
    /// percent (1 to 100): after each purge the job waits until the purge's own time on the
    /// writer is this share of the time since it began (100: no wait; docs/retention.md).
    pub retention_purge_writer_percent: u8,
    /// The deployment acts as a Consent Manager (DPDP Act s.2(g)): consent records are kept at
    /// least seven years, and no policy may keep them less (docs/retention.md).
    pub retention_consent_manager: bool,
    /// The least an `audit_logs` retention policy may keep, in days (never under 366: DPDP
    /// Rules 2025, rule 6(1)(e)).
    pub retention_audit_log_days: u32,
    /// Directories of fonts for PDF documents, besides the system's (`/usr/share/fonts` and
    /// the like): a PDF needs a font for every script it shows (docs/web.md, "PDF").
    pub pdf_font_dirs: Vec<PathBuf>,
    /// The bearer token that `GET /metrics` asks for (Prometheus: `authorization` in the scrape
    /// config). Unset: there is no `/metrics` (docs/deployment.md, "Watching it").
    pub metrics_token: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            log_name: "anumodan.local/ledger".into(),
            ledger_signing_key: None,
            master_key_file: None,
            checkpoint_interval_ms: 1000,
            expiry_interval_ms: 1000,
            outbox_interval_ms: 250,
            outbox_lease_ms: 10_000,
            outbox_webhook_url: None,
            smtp_url: None,
            smtp_from: None,
            smtp_timeout_ms: 10_000,
            smtp_ca_file: None,
            max_body_bytes: 64 * 1024,
            header_read_timeout_ms: 10_000,
            body_read_timeout_ms: 30_000,
            min_body_rate: 1024,
            max_connections: 4096,
            max_connections_per_ip: 128,
            trusted_proxies: Vec::new(),
            tls_cert: None,
            tls_key: None,
            rate_limit_per_ip: 1000,
            rate_limit_per_ip_burst: 2000,
            rate_limit_per_key: 1000,
            rate_limit_per_key_burst: 2000,
            log: "info".into(),
            log_format: "text".into(),
            secure_cookies: None,
            session_idle_minutes: 15,
            session_absolute_minutes: 8 * 60,
            signin_max_failures: 5,
            signin_rate_limit_per_minute: 30,
            signin_rate_limit_burst: 10,
            password_hash_concurrency: 0,
            password_hash_wait_ms: 2_000,
            notify_interval_ms: 100,
            escalation_interval_ms: 60_000,
            notify_lease_ms: 20_000,
            delivery_timeout_ms: 10_000,
            delivery_retry_schedule_ms: anumodan_core::notify::route::RETRY_SCHEDULE_MS.to_vec(),
            allow_loopback_endpoints: false,
            retention_interval_ms: 60_000,
            retention_purge_writer_percent: 10,
            retention_consent_manager: false,
            retention_audit_log_days: anumodan_core::retention::AUDIT_LOG_DAYS,
            pdf_font_dirs: Vec::new(),
            metrics_token: None,
        }
    }
}

/// Values given on the command line (None: not given).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
}

impl Config {
    /// Loads the configuration: defaults < `file` (if given, it must exist) < environment <
    /// `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Config, Box<figment::Error>> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(f) = file {
            fig = fig.merge(Toml::file_exact(f));
        }
        // ANUMODAN_CONFIG names the file itself (read by the CLI), not a setting; nor is
        // ANUMODAN_ADMIN_PASSWORD (read by `admin create`).
        fig.merge(Env::prefixed("ANUMODAN_").ignore(&["config", "admin_password"]))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(Box::new)
    }
}
