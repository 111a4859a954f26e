//! Extractors that turn every malformed request into a problem response (never axum's plain
//! text), and the API key authentication.

use crate::AppState;
use crate::error::ApiError;
use anumodan_store::admin::key_hash;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use uuid::Uuid;

/// A JSON body. Syntax errors are 400 `invalid_json`; well-formed JSON that does not fit the
/// schema (unknown fields, wrong types, unsupported languages) is 422 `invalid_body`; a body over
/// the limit is 413 `body_too_large`; a missing JSON content type is 415.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(r) => Err(match r {
                JsonRejection::JsonDataError(e) => {
                    ApiError::unprocessable("invalid_body", e.body_text())
                }
                JsonRejection::JsonSyntaxError(e) => {
                    ApiError::bad_request("invalid_json", e.body_text())
                }
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "the body must be JSON with Content-Type: application/json",
                ),
                JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "body_too_large",
                        "the request body is larger than the limit",
                    )
                }
                other => ApiError::bad_request("invalid_body", other.body_text()),
            }),
        }
    }
}

/// A path parameter.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|r: PathRejection| {
                ApiError::bad_request(
                    "invalid_path",
                    format!("malformed path parameter: {}", r.body_text()),
                )
            })
    }
}

/// A query string.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|r: QueryRejection| ApiError::bad_request("invalid_query", r.body_text()))
    }
}

/// Who acts for a fiduciary on a `/v1` route: a program with one of its API keys
/// (`Authorization: Bearer <key>`, within the key's rate limit: 429 `rate_limited` otherwise),
/// or a signed-in staff member (session cookie, with `X-Anumodan-Fiduciary: <id>` to pick the
/// fiduciary when they may act for several), holding what their roles give in that fiduciary.
#[derive(Clone, Debug)]
pub struct Caller {
    pub fiduciary_id: Uuid,
    /// The API key's id, or the staff member's id.
    pub key_id: Uuid,
    /// `fiduciary:<key id>` or `staff:<staff id>`, the initiator in audit entries.
    pub initiator: String,
    /// What the caller may do (the key's scopes, or the staff member's permissions there).
    pub scopes: std::collections::BTreeSet<anumodan_core::authz::Permission>,
    pub source_ip: Option<String>,
    /// The processor a processor's key belongs to (it acts only for that processor).
    pub processor: Option<Uuid>,
}

impl Caller {
    /// Refuses the request (403 `forbidden`) unless the key carries `p`.
    pub fn require(&self, p: anumodan_core::authz::Permission) -> Result<(), ApiError> {
        if self.scopes.contains(&p) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this API key lacks the scope {p} needed here"
            )))
        }
    }

    pub fn actor(&self) -> anumodan_core::usecases::Actor {
        anumodan_core::usecases::Actor {
            fiduciary_id: self.fiduciary_id,
            initiator: self.initiator.clone(),
            source_ip: self.source_ip.clone(),
        }
    }
}

/// The credential of `Authorization: Bearer <credential>`.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let header = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(ApiError::unauthorized)?;
    // The scheme is case-insensitive (RFC 9110 11.1).
    header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, k)| k.trim())
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(ApiError::unauthorized)
}

/// The client's address (the TCP peer, or the one a trusted proxy forwarded; see
/// `transport::client_addr`), for audit entries.
pub fn source_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The `Idempotency-Key` header of a write (see `anumodan_core::idempotency`): 422
/// `invalid_idempotency_key` when it is not 1 to 255 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let key = v.to_str().unwrap_or_default().to_string();
        anumodan_core::idempotency::check_key(&key).map_err(ApiError::from)?;
        Ok(IdempotencyKey(Some(key)))
    }
}

impl IdempotencyKey {
    /// The retry-safe form of a `POST` to `path` with `body` (as parsed: the same JSON in
    /// another layout or key order is the same request) by `caller`; None without a key.
    pub fn request(
        self,
        caller: &str,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Option<anumodan_core::idempotency::Idempotency> {
        use sha2::{Digest, Sha256};
        let key = self.0?;
        let mut h = Sha256::new();
        h.update(b"POST ");
        h.update(path.as_bytes());
        h.update([0]);
        h.update(serde_json::to_vec(body).unwrap_or_default());
        Some(anumodan_core::idempotency::Idempotency {
            key,
            caller: caller.to_string(),
            fingerprint: h.finalize().into(),
        })
    }
}

/// The permission a route needs, put on the route (`api::needs`) so that the credential
/// extractors ([`Caller`], `session::Session`) refuse a caller without it before the body is
/// read: 403, never a 422 about a body the caller may not send.
#[derive(Clone, Copy, Debug)]
pub struct Needs(pub anumodan_core::authz::Permission);

/// [`source_ip`] as an extractor, for routes that take no credential.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(source_ip(parts)))
    }
}

/// A data principal, by a token their fiduciary requested for them (`Authorization: Bearer
/// anp_...`). Sees and changes only their own consents.
#[derive(Clone, Debug)]
pub struct PrincipalCaller {
    pub fiduciary_id: Uuid,
    pub pseudonym: [u8; anumodan_store::keys::PSEUDONYM_LEN],
    pub source_ip: Option<String>,
    /// The nomination under which a nominee acts for the principal (DPDP Act s.14), when the
    /// token is a nominee's: their actions are recorded with initiator `nominee`.
    pub nominee: Option<Uuid>,
}

impl PrincipalCaller {
    pub fn actor(&self) -> anumodan_core::usecases::Actor {
        anumodan_core::usecases::Actor {
            fiduciary_id: self.fiduciary_id,
            initiator: if self.nominee.is_some() {
                "nominee"
            } else {
                "principal"
            }
            .into(),
            source_ip: self.source_ip.clone(),
        }
    }
}

impl FromRequestParts<AppState> for PrincipalCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let claim = state
            .store
            .keys()
            .open_principal_token(token, state.clock.now().unix_timestamp())
            .ok_or_else(ApiError::unauthorized)?;
        Ok(PrincipalCaller {
            fiduciary_id: claim.fiduciary_id,
            pseudonym: claim.pseudonym,
            source_ip: source_ip(parts),
            nominee: claim.nominee,
        })
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Self::authenticate(parts, state).await?;
        // The route's permission, before the body is read (see [`Needs`]).
        if let Some(Needs(p)) = parts.extensions.get().copied() {
            caller.require(p)?;
        }
        Ok(caller)
    }
}

impl Caller {
    async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .is_none()
            && crate::session::cookie_value(&parts.headers, crate::session::COOKIE).is_some()
        {
            return staff_caller(parts, state).await;
        }
        let key = bearer(parts)?;
        let hash = key_hash(key);
        let auth = match state.auth_cache.get(&hash) {
            Some(a) => a,
            None => {
                let a = state
                    .store
                    .read(move |r| r.api_key(&hash))
                    .await?
                    .ok_or_else(ApiError::unauthorized)?;
                state.auth_cache.put(hash, a.clone());
                a
            }
        };
        // Counted before the handler reads the body: a throttled request changes nothing.
        state.limits.check_key(auth.key_id)?;
        let source_ip = source_ip(parts);
        Ok(Caller {
            fiduciary_id: auth.fiduciary_id,
            key_id: auth.key_id,
            initiator: match auth.processor {
                Some(p) => format!("processor:{p}"),
                None => format!("fiduciary:{}", auth.key_id),
            },
            scopes: auth.scopes,
            source_ip,
            processor: auth.processor,
        })
    }
}

/// Header naming the fiduciary a staff member acts for on the `/v1` API routes.
pub const FIDUCIARY_HEADER: &str = "x-anumodan-fiduciary";

/// A staff session as a [`Caller`]: the fiduciary from [`FIDUCIARY_HEADER`] or the staff
/// member's own; the permissions their grants give there. The session's own checks apply
/// (expiry, CSRF on state-changing requests, second factor, one-time password).
async fn staff_caller(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
    use anumodan_core::authz::{Permission, Scope};
    let session = crate::session::Session::from_request_parts(parts, state).await?;
    let fiduciary = match parts.headers.get(FIDUCIARY_HEADER) {
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| Uuid::parse_str(s.trim()).ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_fiduciary",
                        format!("{FIDUCIARY_HEADER} must be a fiduciary id"),
                    )
                })?,
        ),
        None => session.staff.fiduciary,
    }
    .ok_or_else(|| {
        ApiError::bad_request(
            "fiduciary_required",
            format!("platform staff name the fiduciary they act for in {FIDUCIARY_HEADER}"),
        )
    })?;
    // A staff member counts against the per-key limit like a key.
    state.limits.check_key(session.staff.id)?;
    let scope = Scope::Fiduciary(fiduciary);
    // The second-factor and password checks, and 404 for a fiduciary not visible to them.
    session
        .require(Permission::CatalogRead, scope, "fiduciary_not_found")
        .or_else(|e| {
            if e.code == "forbidden" {
                Ok(())
            } else {
                Err(e)
            }
        })?;
    // A platform staff member may name any fiduciary: one that does not exist is 404, before
    // any handler runs (nothing is written for it, and no client retries a 503 for ever).
    if session.staff.fiduciary.is_none() {
        let exists = state
            .store
            .read(move |r| r.fiduciary(fiduciary))
            .await?
            .is_some();
        if !exists {
            return Err(ApiError::not_found(
                "fiduciary_not_found",
                "no such fiduciary",
            ));
        }
    }
    let scopes = Permission::ALL
        .iter()
        .copied()
        .filter(|p| session.holds(*p, scope))
        .collect();
    Ok(Caller {
        fiduciary_id: fiduciary,
        key_id: session.staff.id,
        initiator: session.initiator(),
        scopes,
        source_ip: session.source_ip.clone(),
        processor: None,
    })
}
