//! Staff sessions: the `anm_session` cookie, CSRF protection, idle and absolute timeouts, and
//! the permission check every console route makes (`Session::require`).
//!
//! The session, the account and its role grants are read from the database on every request,
//! so disabling an account or revoking a role applies to the very next request.

use crate::AppState;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use anumodan_core::authz::{Permission, Scope, needs_mfa};
use anumodan_store::staff::{self, Grant, Lockout, SessionCheck, SessionPolicy, StaffRow};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use std::collections::BTreeSet;
use std::sync::Arc;
use subtle::ConstantTimeEq;
use uuid::Uuid;

/// Name of the session cookie.
pub const COOKIE: &str = "anm_session";
/// Header carrying the session's CSRF token on every state-changing request.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Session and sign-in settings, from the configuration.
#[derive(Clone, Debug)]
pub struct StaffSettings {
    /// Mark the cookie `Secure` (serve over TLS).
    pub secure_cookies: bool,
    pub idle: time::Duration,
    pub absolute: time::Duration,
    pub lockout: Lockout,
    /// Password hashes computed at once (each holds 19 MiB and a core for a fraction of a
    /// second): the bound that keeps a flood of sign-ins from exhausting memory or starving the
    /// blocking threads that serve database reads.
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// How long a sign-in waits for its turn before it is told to retry (429).
    pub hash_wait: std::time::Duration,
}

/// One less than the cores (at least one), unless configured.
fn hash_concurrency(cfg: &Config) -> usize {
    if cfg.password_hash_concurrency > 0 {
        return cfg.password_hash_concurrency;
    }
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_unless_served_on_loopback_or_turned_off() {
        let on = |listen: &str, secure: Option<bool>, tls: bool| {
            let cfg = Config {
                listen: listen.parse().unwrap(),
                secure_cookies: secure,
                tls_cert: tls.then(|| "cert.pem".into()),
                ..Config::default()
            };
            StaffSettings::from_config(&cfg).secure_cookies
        };
        assert!(on("0.0.0.0:8080", None, false));
        assert!(on("10.1.2.3:8080", None, false));
        assert!(!on("127.0.0.1:8080", None, false));
        assert!(!on("[::1]:8080", None, false));
        assert!(!on("0.0.0.0:8080", Some(false), false));
        assert!(on("127.0.0.1:8080", Some(true), false));
        assert!(on("127.0.0.1:8443", Some(false), true), "always with TLS");
    }

    #[test]
    fn a_session_prints_without_its_token_hash_or_the_password_hash() {
        let s = Session {
            token_hash: [0xAB; 32],
            staff: StaffRow {
                rowid: 1,
                id: Uuid::nil(),
                username: "root".into(),
                fiduciary: None,
                password_hash: "$argon2id$SECRETHASH".into(),
                totp_secret: Some(b"SECRETSEED".to_vec()),
                totp_confirmed: true,
                totp_last_step: None,
                created_at: time::OffsetDateTime::UNIX_EPOCH,
                disabled: false,
                must_change_password: false,
            },
            mfa_done: true,
            grants: vec![],
            source_ip: None,
        };
        let printed = format!("{s:?}");
        assert!(!printed.contains("SECRET"), "{printed}");
        assert!(!printed.contains("171"), "{printed}");
        assert!(printed.contains(staff::REDACTED), "{printed}");
    }
}

impl Default for StaffSettings {
    fn default() -> Self {
        StaffSettings::from_config(&Config::default())
    }
}

impl StaffSettings {
    pub fn from_config(cfg: &Config) -> StaffSettings {
        StaffSettings {
            // Always Secure when this process terminates TLS itself.
            secure_cookies: cfg.secure_cookies.unwrap_or(!cfg.listen.ip().is_loopback())
                || cfg.tls_cert.is_some(),
            idle: time::Duration::minutes(cfg.session_idle_minutes.max(1) as i64),
            absolute: time::Duration::minutes(cfg.session_absolute_minutes.max(1) as i64),
            lockout: Lockout {
                max_failures: cfg.signin_max_failures.max(1),
                ..Lockout::default()
            },
            hashing: Arc::new(tokio::sync::Semaphore::new(hash_concurrency(cfg))),
            hash_wait: std::time::Duration::from_millis(cfg.password_hash_wait_ms),
        }
    }

    /// Runs a password hash or check on a blocking thread, at most `hashing` at once. A caller
    /// that cannot get a turn within `hash_wait` gets 429 `rate_limited` with `Retry-After`.
    pub async fn hash_bounded<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = tokio::time::timeout(self.hash_wait, self.hashing.clone().acquire_owned())
            .await
            .map_err(|_| {
                let mut e = ApiError::new(
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "too many sign-ins at once; try again in a moment",
                );
                e.retry_after = Some(1);
                e
            })?
            .map_err(|_| ApiError::unavailable("password hashing is shut down"))?;
        tokio::task::spawn_blocking(move || {
            let _turn = permit;
            f()
        })
        .await
        .map_err(|_| ApiError::unavailable("password hashing failed"))
    }

    /// [`StaffSettings::hash_bounded`] for work that can fail: a failure of the work comes
    /// back as the same one error as no turn or a stopped pool, so a handler takes it with one
    /// `?`.
    pub async fn try_hash_bounded<T, E>(
        &self,
        f: impl FnOnce() -> Result<T, E> + Send + 'static,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        self.hash_bounded(f).await?.map_err(Into::into)
    }

    /// Hashes a new password, bounded like [`StaffSettings::hash_bounded`]; one error.
    pub async fn hash_password_bounded(&self, password: String) -> Result<String, ApiError> {
        self.try_hash_bounded(move || staff::hash_password(&password))
            .await
    }

    /// The sessions' lifetime (`anumodan_core::staff::check_session` applies it).
    pub fn policy(&self) -> SessionPolicy {
        SessionPolicy {
            idle: self.idle,
            absolute: self.absolute,
        }
    }

    /// `Set-Cookie` value for a new session.
    pub fn cookie(&self, token: &str) -> String {
        format!(
            "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
            self.absolute.whole_seconds(),
            if self.secure_cookies { "; Secure" } else { "" }
        )
    }

    /// `Set-Cookie` value that removes the cookie.
    pub fn clear_cookie(&self) -> String {
        format!(
            "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
            if self.secure_cookies { "; Secure" } else { "" }
        )
    }
}

/// The value of a cookie in the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

fn unauthenticated() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "sign in first: POST /v1/session",
    )
}

pub fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        "your roles do not allow this",
    )
}

/// A staff member's session (whatever its second-factor state: see [`Session::require`]).
#[derive(Clone)]
pub struct Session {
    pub token_hash: [u8; 32],
    pub staff: StaffRow,
    /// The second factor was given in this session (TOTP, recovery code or enrolment).
    pub mfa_done: bool,
    pub grants: Vec<Grant>,
    pub source_ip: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token_hash", &staff::REDACTED)
            .field("staff", &self.staff)
            .field("mfa_done", &self.mfa_done)
            .field("grants", &self.grants)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// `staff:<uuid>`, the initiator in audit entries.
    pub fn initiator(&self) -> String {
        self.staff.initiator()
    }

    pub fn all_permissions(&self) -> BTreeSet<Permission> {
        self.grants
            .iter()
            .flat_map(|g| g.permissions.iter().copied())
            .collect()
    }

    /// Whether this session may use its roles: the second factor was given, or the account has
    /// none and holds nothing that needs one (reading personal data or the audit log).
    pub fn mfa_satisfied(&self) -> bool {
        self.mfa_done || (!self.staff.totp_confirmed && !needs_mfa(&self.all_permissions()))
    }

    /// Whether anything of `scope` is visible to this staff member at all: its own home, or
    /// any scope a grant covers. What is not visible answers 404, never 403.
    pub fn sees(&self, scope: Scope) -> bool {
        match scope {
            Scope::Platform => self.staff.fiduciary.is_none(),
            Scope::Fiduciary(f) => {
                self.staff.fiduciary == Some(f) || self.grants.iter().any(|g| g.scope.covers(f))
            }
        }
    }

    /// Whether a grant gives `p` in `scope` (a platform grant covers every fiduciary).
    pub fn holds(&self, p: Permission, scope: Scope) -> bool {
        self.grants.iter().any(|g| {
            g.permissions.contains(&p)
                && match scope {
                    Scope::Platform => g.scope == Scope::Platform,
                    Scope::Fiduciary(f) => g.scope.covers(f),
                }
        })
    }

    /// The check each console route makes: 403 `mfa_required` until the second factor is given,
    /// 403 `password_change_required` while the one-time initial password is in use, 404 `not_found_code` if the scope is not visible (another tenant), 403 `forbidden`
    /// without the permission there.
    pub fn require(&self, p: Permission, scope: Scope, not_found_code: &str) -> ApiResult<()> {
        self.fully_signed_in()?;
        if !self.sees(scope) {
            return Err(ApiError::not_found(not_found_code, "not found"));
        }
        if !self.holds(p, scope) {
            return Err(forbidden());
        }
        Ok(())
    }
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = cookie_value(&parts.headers, COOKIE)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(unauthenticated)?;
        let th = staff::sha256(&token);
        let found = state
            .store
            .read_conn(move |c| match staff::session(c, &th)? {
                Some(s) => {
                    let g = staff::grants(c, s.staff.rowid)?;
                    Ok(Some((s, g)))
                }
                None => Ok(None),
            })
            .await?;
        let (sess, grants) = found.ok_or_else(unauthenticated)?;
        let now = state.clock.now();
        let touch = match staff::check_session(&sess, now, &state.staff.policy()) {
            SessionCheck::Unknown => return Err(unauthenticated()),
            SessionCheck::Expired => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "session_expired",
                    "the session has expired; sign in again",
                ));
            }
            SessionCheck::Live { touch } => touch,
        };
        if !is_safe(&parts.method) {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(staff::sha256);
            let ok = given.is_some_and(|g| bool::from(g.ct_eq(sess.csrf_hash.as_slice())));
            if !ok {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    format!("state-changing requests need the session's {CSRF_HEADER} header"),
                ));
            }
        }
        if touch {
            state
                .store
                .transact(move |tx| Ok(staff::touch_session(tx, &th)?))
                .await?;
        }
        let session = Session {
            token_hash: th,
            staff: sess.staff,
            mfa_done: sess.mfa_done,
            grants,
            source_ip: crate::extract::source_ip(parts),
        };
        // The route's permission, checked before its body is read or anything is looked up:
        // a half-signed-in session (or one without the permission anywhere) learns nothing
        // from a route's answer. The handler still checks the permission in its scope.
        if let Some(crate::extract::Needs(p)) = parts.extensions.get().copied() {
            session.require_before_body(p)?;
        }
        Ok(session)
    }
}

impl Session {
    /// 403 `mfa_required` until the second factor is given, 403 `password_change_required`
    /// while the one-time initial password is in use.
    fn fully_signed_in(&self) -> ApiResult<()> {
        if !self.mfa_satisfied() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "mfa_required",
                "complete the second factor first (POST /v1/session/mfa, or enrol one)",
            ));
        }
        if self.staff.must_change_password {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "set your own password first (POST /v1/staff/me/password)",
            ));
        }
        Ok(())
    }

    /// The checks a route can make before it knows the scope: the second factor, the
    /// one-time password, and the permission held in some scope.
    pub fn require_before_body(&self, p: Permission) -> ApiResult<()> {
        self.fully_signed_in()?;
        if !self.grants.iter().any(|g| g.permissions.contains(&p)) {
            return Err(forbidden());
        }
        Ok(())
    }
}

/// Parses an optional fiduciary id into a scope (absent: the platform).
pub fn scope_of(fiduciary_id: Option<Uuid>) -> Scope {
    fiduciary_id.map_or(Scope::Platform, Scope::Fiduciary)
}
