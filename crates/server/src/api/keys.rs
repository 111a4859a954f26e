//! A fiduciary's API keys: several, named, scoped, shown once, rotatable and revocable at once.

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Caller, Json, Path};
use anumodan_core::authz::Permission;
use anumodan_core::keys::{self, ApiKeyInfo};
use anumodan_core::usecases::Actor;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
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

impl From<keys::NewApiKey> for NewKey {
    fn from(k: keys::NewApiKey) -> Self {
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
    let (actor, scopes) = (c.actor(), c.scopes);
    Ok(axum::Json(
        s.store
            .transact(move |tx| keys::list_keys(tx, manager(&actor, &scopes)))
            .await?,
    ))
}

fn manager<'a>(actor: &'a Actor, scopes: &'a BTreeSet<Permission>) -> keys::Manager<'a> {
    keys::Manager { actor, scopes }
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
    let (actor, scopes) = (c.actor(), c.scopes);
    let key = s
        .store
        .transact(move |tx| {
            keys::create_key(
                tx,
                manager(&actor, &scopes),
                &body.name,
                body.scopes.as_deref(),
            )
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(key.into())))
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
    let (actor, scopes) = (c.actor(), c.scopes);
    let key = s
        .store
        .transact(move |tx| keys::rotate_key(tx, manager(&actor, &scopes), id))
        .await?;
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
    let (actor, scopes) = (c.actor(), c.scopes);
    s.store
        .transact(move |tx| keys::revoke_key(tx, manager(&actor, &scopes), id))
        .await?;
    s.auth_cache.clear();
    Ok(StatusCode::NO_CONTENT)
}
