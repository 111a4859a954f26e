//! Data items, purposes and notices: what a fiduciary defines before collecting consent.

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, Json, Path, Query};
use anumodan_core::Lang;
use anumodan_core::authz::Permission;
use anumodan_core::model::{DataItem, Notice, NoticeVersion, Purpose, RenderedNotice};
use anumodan_core::usecases::{self, NewDataItem, NewPurpose, NoticeDraft};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[utoipa::path(post, path = "/v1/data-items", tag = "catalog", request_body = NewDataItem,
    responses((status = 201, body = DataItem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn create_data_item(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<NewDataItem>,
) -> ApiResult<(StatusCode, axum::Json<DataItem>)> {
    c.require(Permission::CatalogWrite)?;
    let actor = c.actor();
    let item = s
        .store
        .write(move |tx| usecases::create_data_item(tx, &actor, body))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(item)))
}

#[utoipa::path(get, path = "/v1/data-items", tag = "catalog", responses((status = 200, body = Vec<DataItem>)), security(("api_key" = [])))]
pub async fn list_data_items(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<Vec<DataItem>>> {
    c.require(Permission::CatalogRead)?;
    Ok(axum::Json(
        s.store.read(move |r| r.data_items(c.fiduciary_id)).await?,
    ))
}

#[utoipa::path(get, path = "/v1/data-items/{code}", tag = "catalog", params(("code" = String, Path)),
    responses((status = 200, body = DataItem), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn get_data_item(
    State(s): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<DataItem>> {
    c.require(Permission::CatalogRead)?;
    s.store
        .read(move |r| r.data_item(c.fiduciary_id, &code))
        .await?
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found("data_item_not_found", "no such data item"))
}

#[utoipa::path(post, path = "/v1/purposes", tag = "catalog", request_body = NewPurpose,
    responses((status = 201, body = Purpose), (status = 409, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_data_item`, `missing_translation`, `legal_reference_required`, `invalid_renewal_notice`", body = Problem)),
    security(("api_key" = [])))]
pub async fn create_purpose(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<NewPurpose>,
) -> ApiResult<(StatusCode, axum::Json<Purpose>)> {
    c.require(Permission::CatalogWrite)?;
    let actor = c.actor();
    let p = s
        .store
        .write(move |tx| usecases::create_purpose(tx, &actor, body))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(p)))
}

#[utoipa::path(get, path = "/v1/purposes", tag = "catalog", responses((status = 200, body = Vec<Purpose>)), security(("api_key" = [])))]
pub async fn list_purposes(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<Vec<Purpose>>> {
    c.require(Permission::CatalogRead)?;
    Ok(axum::Json(
        s.store.read(move |r| r.purposes(c.fiduciary_id)).await?,
    ))
}

#[utoipa::path(get, path = "/v1/purposes/{code}", tag = "catalog", params(("code" = String, Path)),
    responses((status = 200, body = Purpose), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn get_purpose(
    State(s): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<Purpose>> {
    c.require(Permission::CatalogRead)?;
    s.store
        .read(move |r| r.purpose(c.fiduciary_id, &code))
        .await?
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found("purpose_not_found", "no such purpose"))
}

#[utoipa::path(post, path = "/v1/notices", tag = "catalog", request_body = NoticeDraft,
    responses((status = 201, description = "A draft notice", body = Notice), (status = 409, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `missing_translation`", body = Problem)),
    security(("api_key" = [])))]
pub async fn create_notice(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<NoticeDraft>,
) -> ApiResult<(StatusCode, axum::Json<Notice>)> {
    c.require(Permission::CatalogWrite)?;
    let actor = c.actor();
    let n = s
        .store
        .write(move |tx| usecases::create_notice(tx, &actor, body))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(n)))
}

#[utoipa::path(put, path = "/v1/notices/{id}", tag = "catalog", request_body = NoticeDraft, params(("id" = Uuid, Path)),
    responses((status = 200, description = "The updated draft", body = Notice), (status = 404, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `missing_translation`, `code_immutable`", body = Problem)),
    security(("api_key" = [])))]
pub async fn update_notice(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    Json(body): Json<NoticeDraft>,
) -> ApiResult<axum::Json<Notice>> {
    c.require(Permission::CatalogWrite)?;
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .write(move |tx| usecases::update_notice(tx, &actor, id, body))
            .await?,
    ))
}

#[utoipa::path(get, path = "/v1/notices", tag = "catalog", responses((status = 200, body = Vec<Notice>)), security(("api_key" = [])))]
pub async fn list_notices(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<Vec<Notice>>> {
    c.require(Permission::CatalogRead)?;
    Ok(axum::Json(
        s.store.read(move |r| r.notices(c.fiduciary_id)).await?,
    ))
}

#[utoipa::path(get, path = "/v1/notices/{id}", tag = "catalog", params(("id" = Uuid, Path)),
    responses((status = 200, body = Notice), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn get_notice(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Notice>> {
    c.require(Permission::CatalogRead)?;
    s.store
        .read(move |r| r.notice(c.fiduciary_id, id))
        .await?
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found("notice_not_found", "no such notice"))
}

/// Answer of publishing: the new version.
#[derive(Serialize, ToSchema)]
pub struct Published {
    pub id: Uuid,
    pub version: u32,
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub text_hashes: std::collections::BTreeMap<Lang, String>,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: time::OffsetDateTime,
    pub requires_reconsent: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reconsent_deadline: Option<time::OffsetDateTime>,
}

#[utoipa::path(post, path = "/v1/notices/{id}/publish", tag = "catalog", params(("id" = Uuid, Path)),
    request_body(content = Option<usecases::PublishOptions>, description = "Optional: require re-consent from those who consented under earlier versions"),
    responses((status = 201, body = Published), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `invalid_reconsent`", body = Problem)),
    security(("api_key" = [])))]
pub async fn publish_notice(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, axum::Json<Published>)> {
    c.require(Permission::CatalogWrite)?;
    let opts: usecases::PublishOptions = crate::api::consents::optional_json(req).await?;
    let actor = c.actor();
    let v = s
        .store
        .write(move |tx| usecases::publish_notice(tx, &actor, id, &opts))
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Published {
            id: v.notice_id,
            version: v.version,
            text_hashes: v.text_hashes,
            published_at: v.published_at,
            requires_reconsent: v.requires_reconsent,
            reconsent_deadline: v.reconsent_deadline,
        }),
    ))
}

/// One consent whose re-consent is pending.
#[derive(Serialize, ToSchema)]
pub struct PendingItem {
    pub consent_id: Uuid,
    /// Masked.
    pub principal_id: String,
    /// The purposes held under an earlier version, and the version each is held under.
    pub purposes: Vec<HeldPurpose>,
}

#[derive(Serialize, ToSchema)]
pub struct HeldPurpose {
    pub purpose: String,
    pub notice_version: u32,
}

/// Who still has to consent again to a notice (`requirement` null: nobody has to).
#[derive(Serialize, ToSchema)]
pub struct ReconsentPending {
    pub notice_id: Uuid,
    pub requirement: Option<anumodan_core::model::Reconsent>,
    pub items: Vec<PendingItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PendingQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<Uuid>,
}

#[utoipa::path(get, path = "/v1/notices/{id}/reconsent", tag = "catalog", params(("id" = Uuid, Path), PendingQuery),
    responses((status = 200, description = "Consents held under a version before the one that required re-consent, still active", body = ReconsentPending), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn reconsent_pending(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    crate::extract::Query(q): crate::extract::Query<PendingQuery>,
) -> ApiResult<axum::Json<ReconsentPending>> {
    c.require(Permission::ConsentRead)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "limit must be between 1 and 200",
        ));
    }
    let fid = c.fiduciary_id;
    let now = s.clock.now();
    let (requirement, rows) = s
        .store
        .read(move |r| {
            if r.notice(fid, id)?.is_none() {
                return Ok(None);
            }
            let Some(req) = r.reconsent(fid, id)? else {
                return Ok(Some((None, vec![])));
            };
            let rows = r.reconsent_pending(fid, id, req.from_version, now, q.cursor, limit + 1)?;
            Ok(Some((Some(req), rows)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("notice_not_found", "no such notice"))?;
    let mut items: Vec<PendingItem> = rows
        .into_iter()
        .map(|p| PendingItem {
            consent_id: p.artefact.id,
            principal_id: anumodan_core::mask::mask_artefact(p.artefact).principal_id,
            purposes: p
                .purposes
                .into_iter()
                .map(|(purpose, notice_version)| HeldPurpose {
                    purpose,
                    notice_version,
                })
                .collect(),
        })
        .collect();
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        items[limit - 1].consent_id.to_string()
    });
    Ok(axum::Json(ReconsentPending {
        notice_id: id,
        requirement,
        items,
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/v1/notices/{id}/versions", tag = "catalog", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<NoticeVersion>), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn list_notice_versions(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<NoticeVersion>>> {
    c.require(Permission::CatalogRead)?;
    let fid = c.fiduciary_id;
    let (exists, versions) = s
        .store
        .read(move |r| Ok((r.notice(fid, id)?.is_some(), r.notice_versions(fid, id)?)))
        .await?;
    if !exists {
        return Err(ApiError::not_found("notice_not_found", "no such notice"));
    }
    Ok(axum::Json(versions))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// Render the version in this language: the answer is then exactly what the principal is
    /// shown, with its hash.
    pub language: Option<Lang>,
}

/// A version, or its rendering in one language with the hash that artefacts record.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum VersionView {
    Version(NoticeVersion),
    Rendered {
        rendered: RenderedNotice,
        text_hash: String,
    },
}

#[utoipa::path(get, path = "/v1/notices/{id}/versions/{version}", tag = "catalog", params(("id" = Uuid, Path), ("version" = u32, Path), VersionQuery),
    responses((status = 200, body = VersionView), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn get_notice_version(
    State(s): State<AppState>,
    c: Caller,
    Path((id, version)): Path<(Uuid, u32)>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<axum::Json<VersionView>> {
    c.require(Permission::CatalogRead)?;
    let v = s
        .store
        .read(move |r| r.notice_version(c.fiduciary_id, id, version))
        .await?
        .ok_or_else(|| ApiError::not_found("notice_version_not_found", "no such notice version"))?;
    Ok(axum::Json(match q.language {
        None => VersionView::Version(v),
        Some(lang) => {
            let rendered = v.render(&lang).ok_or_else(|| {
                ApiError::not_found(
                    "language_not_in_notice",
                    format!("this notice version has no text in {lang}"),
                )
            })?;
            let text_hash = rendered.hash();
            VersionView::Rendered {
                rendered,
                text_hash,
            }
        }
    }))
}
