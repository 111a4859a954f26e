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

/// A fiduciary authenticated by its API key (`Authorization: Bearer <key>`), within the key's
/// rate limit (429 `rate_limited` otherwise).
#[derive(Clone, Debug)]
pub struct Caller {
    pub fiduciary_id: Uuid,
    pub key_id: Uuid,
    /// What the key may do (its scopes).
    pub scopes: std::collections::BTreeSet<anumodan_core::authz::Permission>,
    pub source_ip: Option<String>,
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
            initiator: format!("fiduciary:{}", self.key_id),
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

fn source_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// A data principal, by a token their fiduciary requested for them (`Authorization: Bearer
/// anp_...`). Sees and changes only their own consents.
#[derive(Clone, Debug)]
pub struct PrincipalCaller {
    pub fiduciary_id: Uuid,
    pub pseudonym: [u8; anumodan_store::keys::PSEUDONYM_LEN],
    pub source_ip: Option<String>,
}

impl PrincipalCaller {
    pub fn actor(&self) -> anumodan_core::usecases::Actor {
        anumodan_core::usecases::Actor {
            fiduciary_id: self.fiduciary_id,
            initiator: "principal".into(),
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
        })
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
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
            scopes: auth.scopes,
            source_ip,
        })
    }
}
