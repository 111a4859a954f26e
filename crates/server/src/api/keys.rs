//! A fiduciary's API keys: several, named, scoped, shown once, rotatable and revocable at once.

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, Json, Path};
use anumodan_core::authz::Permission;
use anumodan_store::admin::{self, ApiKeyInfo};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyRequest {
    /// A name to recognise the key by (1-100 characters), e.g. `billing-validator`.
    #[schema(value_type = anumodan_core::schema::Line<1, 100>)]
    pub name: String,
    /// Permission names; default: everything an integration needs except `pii.unmask`,
    /// `principal.erase` and `keys.manage`. A key can only grant scopes it holds itself.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::KeyScopes>)]
    pub scopes: Option<Vec<String>>,
}

/// A new or rotated key. `api_key` is shown this once; only its hash is kept.
#[derive(Serialize, ToSchema)]
pub struct NewKey {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<String>,
    pub api_key: String,
}

impl From<admin::NewApiKey> for NewKey {
    fn from(k: admin::NewApiKey) -> Self {
        NewKey {
            id: k.id,
            name: k.name,
            scopes: k.scopes.iter().map(|p| p.to_string()).collect(),
            api_key: k.api_key,
        }
    }
}

#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    responses((status = 200, description = "Every key of the fiduciary, revoked ones included, without secrets", body = Vec<ApiKeyInfo>), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn list(State(s): State<AppState>, c: Caller) -> ApiResult<axum::Json<Vec<ApiKeyInfo>>> {
    c.require(Permission::KeysManage)?;
    Ok(axum::Json(
        s.store.read(move |r| r.api_keys(c.fiduciary_id)).await?,
    ))
}

#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = CreateKeyRequest,
    responses((status = 201, body = NewKey), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<CreateKeyRequest>,
) -> ApiResult<(StatusCode, axum::Json<NewKey>)> {
    c.require(Permission::KeysManage)?;
    let scopes = admin::check_scopes(body.scopes.as_deref())
        .map_err(|e| ApiError::unprocessable("invalid_scopes", e))?;
    if let Some(p) = scopes.iter().find(|p| !c.can_grant(**p)) {
        return Err(ApiError::forbidden(format!(
            "a key cannot grant {p}, which it does not hold itself"
        )));
    }
    let name = body.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 || anumodan_core::text::has_forbidden(&name) {
        return Err(ApiError::unprocessable(
            "invalid_name",
            "name must be 1-100 characters without control characters",
        ));
    }
    let (fid, initiator) = (c.fiduciary_id, c.actor().initiator);
    let key = s
        .store
        .write_raw(move |tx| admin::create_api_key(tx, fid, &name, &scopes, &initiator))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(key.into())))
}

fn no_key() -> ApiError {
    ApiError::not_found("key_not_found", "no such live API key")
}

/// A key may rotate or revoke only keys with no scope it lacks itself (else a narrow key could
/// take over, or lock out, a broader one). Another fiduciary's key, or none: 404.
async fn check_target(s: &AppState, c: &Caller, id: Uuid) -> ApiResult<()> {
    let fid = c.fiduciary_id;
    let keys = s.store.read(move |r| r.api_keys(fid)).await?;
    let target = keys
        .into_iter()
        .find(|k| k.id == id && k.revoked_at.is_none())
        .ok_or_else(no_key)?;
    if let Some(p) = target.scopes.iter().find(|p| !c.can_grant(**p)) {
        return Err(ApiError::forbidden(format!(
            "this key cannot manage a key holding {p}, which it does not hold itself"
        )));
    }
    Ok(())
}

#[utoipa::path(post, path = "/v1/keys/{id}/rotate", tag = "keys", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The same key with a new secret; the old secret stops working at once", body = NewKey), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn rotate(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<NewKey>> {
    c.require(Permission::KeysManage)?;
    check_target(&s, &c, id).await?;
    let (fid, initiator) = (c.fiduciary_id, c.actor().initiator);
    let key = s
        .store
        .write_raw(move |tx| admin::rotate_api_key(tx, fid, id, &initiator))
        .await?
        .ok_or_else(no_key)?;
    s.auth_cache.clear();
    Ok(axum::Json(key.into()))
}

#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Revoked: the key is refused from the next request on"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn revoke(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    c.require(Permission::KeysManage)?;
    check_target(&s, &c, id).await?;
    let (fid, initiator) = (c.fiduciary_id, c.actor().initiator);
    let done = s
        .store
        .write_raw(move |tx| admin::revoke_api_key(tx, fid, id, &initiator))
        .await?;
    if !done {
        return Err(no_key());
    }
    s.auth_cache.clear();
    Ok(StatusCode::NO_CONTENT)
}
