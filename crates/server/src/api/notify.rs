//! Notifications and alerts over HTTP (issue 20): processors and their keys, webhook endpoints
//! with rotatable secrets, alerts and their confirmation, the event stream, notification
//! settings and templates, deliveries and the dead-letter list, and the principal's inbox.
//! Rules are in `anumodan_core::notify`; handlers check endpoints' addresses (I/O) and map.

use crate::AppState;
use crate::api::Page;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, Json, Path, PrincipalCaller, Query};
use crate::outbound;
use anumodan_core::lang::Lang;
use anumodan_core::notify::model::*;
use anumodan_core::notify::templates::{self, TemplateSource};
use anumodan_core::notify::{route, usecases};
use anumodan_core::ports::NotifyPort;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Checks an endpoint URL from a fiduciary: https, resolving only to allowed addresses
/// (422 `endpoint_refused` otherwise).
async fn checked_url(s: &AppState, url: &str) -> ApiResult<String> {
    outbound::check_endpoint(s.outbound, url)
        .await
        .map(|u| u.to_string())
        .map_err(|e| {
            ApiError::unprocessable("endpoint_refused", format!("{} ({})", e.message, e.code()))
        })
}

fn new_secret() -> String {
    outbound::WebhookSecret::generate().to_whsec()
}

// ---------- processors ----------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProcessorRequest {
    /// The processor's name, 1-200 characters.
    #[schema(value_type = anumodan_core::schema::Line<1, 200>)]
    pub name: String,
    /// Codes of the fiduciary's purposes it processes (1-200).
    #[schema(value_type = anumodan_core::schema::CodeList)]
    pub purposes: Vec<String>,
    /// Its webhook endpoint (https), where alerts are sent, signed per Standard Webhooks.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 2048)]
    pub webhook_url: Option<String>,
}

/// A webhook endpoint with its signing secret, shown this once.
#[derive(Serialize, ToSchema)]
pub struct EndpointWithSecret {
    pub endpoint: Endpoint,
    /// `whsec_...`: give it to the receiver's Standard Webhooks library. Only shown now.
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct RegisteredProcessor {
    pub processor: Processor,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<EndpointWithSecret>,
}

#[utoipa::path(post, path = "/v1/processors", tag = "notifications", request_body = NewProcessorRequest,
    responses((status = 201, body = RegisteredProcessor), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `endpoint_refused`, `unknown_purpose`, `invalid_purposes`, `already_exists`", body = Problem)),
    security(("api_key" = [])))]
pub async fn create_processor(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<NewProcessorRequest>,
) -> ApiResult<(StatusCode, axum::Json<RegisteredProcessor>)> {
    let webhook = match &body.webhook_url {
        Some(u) => Some((checked_url(&s, u).await?, new_secret())),
        None => None,
    };
    let secret = webhook.as_ref().map(|(_, s)| s.clone());
    let actor = c.actor();
    let (p, ep) = s
        .store
        .transact(move |tx| {
            usecases::register_processor(
                tx,
                &actor,
                usecases::NewProcessor {
                    name: body.name,
                    purposes: body.purposes,
                    webhook,
                },
            )
        })
        .await?;
    let webhook = ep
        .zip(secret)
        .map(|(endpoint, secret)| EndpointWithSecret { endpoint, secret });
    Ok((
        StatusCode::CREATED,
        axum::Json(RegisteredProcessor {
            processor: p,
            webhook,
        }),
    ))
}

#[utoipa::path(get, path = "/v1/processors", tag = "notifications",
    responses((status = 200, body = Vec<Processor>), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn list_processors(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<Vec<Processor>>> {
    let fid = c.fiduciary_id;
    Ok(axum::Json(
        s.store
            .read_conn(move |conn| anumodan_store::notify::processors_of(conn, fid))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProcessorRequest {
    /// The purposes it processes from now on.
    #[serde(default)]
    #[schema(value_type = Option<anumodan_core::schema::CodeList>)]
    pub purposes: Option<Vec<String>>,
    /// True: it gets no new alerts.
    #[serde(default)]
    pub disabled: Option<bool>,
}

#[utoipa::path(patch, path = "/v1/processors/{id}", tag = "notifications", params(("id" = Uuid, Path)),
    request_body = UpdateProcessorRequest,
    responses((status = 200, body = Processor), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `invalid_purposes`, `invalid_body`", body = Problem)),
    security(("api_key" = [])))]
pub async fn update_processor(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<axum::Json<Processor>> {
    // A JSON object: serde would read an array into the struct's fields.
    if !body.is_object() {
        return Err(ApiError::unprocessable(
            "invalid_body",
            "the body must be a JSON object",
        ));
    }
    let body: UpdateProcessorRequest = serde_json::from_value(body)
        .map_err(|e| ApiError::unprocessable("invalid_body", e.to_string()))?;
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| {
                usecases::update_processor(tx, &actor, id, body.purposes, body.disabled)
            })
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessorKeyRequest {
    /// A name to recognise the key by (1-100 characters).
    #[schema(value_type = anumodan_core::schema::Line<1, 100>)]
    pub name: String,
}

#[utoipa::path(post, path = "/v1/processors/{id}/keys", tag = "notifications", params(("id" = Uuid, Path)),
    request_body = ProcessorKeyRequest,
    responses((status = 201, description = "A key for the processor, with only `alerts.read`, `alerts.acknowledge` and `events.read`; shown once", body = crate::api::keys::NewKey), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `processor_disabled`", body = Problem)),
    security(("api_key" = [])))]
pub async fn create_processor_key(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    Json(body): Json<ProcessorKeyRequest>,
) -> ApiResult<(StatusCode, axum::Json<crate::api::keys::NewKey>)> {
    let name = anumodan_core::keys::check_key_name(&body.name)?;
    let (fid, initiator) = (c.fiduciary_id, c.initiator.clone());
    let key = s
        .store
        .transact(move |tx| {
            let p = tx.processor(fid, id)?.ok_or_else(|| {
                anumodan_core::DomainError::not_found("processor_not_found", "no such processor")
            })?;
            if p.disabled_at.is_some() {
                return Err(anumodan_core::DomainError::invalid(
                    "processor_disabled",
                    "the processor is disabled",
                )
                .into());
            }
            Ok(anumodan_store::notify::create_processor_key(
                tx, fid, id, &name, &initiator,
            )?)
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(key.into())))
}

// ---------- webhook endpoints ----------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEndpointRequest {
    /// https URL of the receiver.
    #[schema(value_type = String, max_length = 2048)]
    pub url: String,
    /// Event types to receive (`consent.withdrawn`, ...); empty or absent for all.
    #[serde(default)]
    pub event_types: Vec<String>,
}

#[utoipa::path(post, path = "/v1/webhooks", tag = "notifications", request_body = NewEndpointRequest,
    responses((status = 201, body = EndpointWithSecret), (status = 403, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `endpoint_refused`, `invalid_event_types`, `too_many_endpoints`", body = Problem)),
    security(("api_key" = [])))]
pub async fn create_endpoint(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<NewEndpointRequest>,
) -> ApiResult<(StatusCode, axum::Json<EndpointWithSecret>)> {
    usecases::check_event_types(&body.event_types)?;
    let url = checked_url(&s, &body.url).await?;
    let secret = new_secret();
    let (actor, sec) = (c.actor(), secret.clone());
    let endpoint = s
        .store
        .transact(move |tx| usecases::register_endpoint(tx, &actor, url, body.event_types, &sec))
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(EndpointWithSecret { endpoint, secret }),
    ))
}

#[utoipa::path(get, path = "/v1/webhooks", tag = "notifications",
    responses((status = 200, description = "The fiduciary's endpoints and its processors', without secrets", body = Vec<Endpoint>), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn list_endpoints(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<Vec<Endpoint>>> {
    let fid = c.fiduciary_id;
    Ok(axum::Json(
        s.store
            .read_conn(move |conn| anumodan_store::notify::endpoints_of(conn, fid))
            .await?,
    ))
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateRequest {
    /// How long the previous secret keeps signing beside the new one, 0-168 hours (default 24).
    #[serde(default)]
    #[schema(maximum = 168)]
    pub overlap_hours: Option<u32>,
}

#[utoipa::path(post, path = "/v1/webhooks/{id}/rotate", tag = "notifications", params(("id" = Uuid, Path)),
    request_body(content = Option<RotateRequest>),
    responses((status = 200, description = "The endpoint and its new secret, shown once; messages are signed with both secrets during the overlap", body = EndpointWithSecret), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn rotate_endpoint(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    req: axum::extract::Request,
) -> ApiResult<axum::Json<EndpointWithSecret>> {
    let body: RotateRequest = crate::api::consents::optional_json(req).await?;
    let overlap = body.overlap_hours.unwrap_or(24);
    let secret = new_secret();
    let (actor, sec) = (c.actor(), secret.clone());
    let endpoint = s
        .store
        .transact(move |tx| usecases::rotate_endpoint(tx, &actor, id, &sec, overlap))
        .await?;
    Ok(axum::Json(EndpointWithSecret { endpoint, secret }))
}

#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "notifications", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Removed; its pending deliveries are dead-lettered"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn delete_endpoint(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let actor = c.actor();
    s.store
        .transact(move |tx| usecases::delete_endpoint(tx, &actor, id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- alerts ----------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// `open` (not confirmed), `overdue` (not confirmed and escalated) or `acknowledged`.
    #[param(pattern = "^(open|overdue|acknowledged)$")]
    pub state: Option<String>,
    /// Only the alerts of this artefact (who confirmed a withdrawal, and when).
    pub artefact_id: Option<Uuid>,
    /// Only this processor's (a processor's own key sees only its own anyway).
    pub processor_id: Option<Uuid>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
    /// 1-500 (default 100).
    #[param(maximum = 18446744073709551615u64)]
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/v1/alerts", tag = "notifications", params(AlertQuery),
    responses((status = 200, description = "Alerts to processors, newest first", body = Page<Alert>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn list_alerts(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<AlertQuery>,
) -> ApiResult<axum::Json<Page<Alert>>> {
    if let Some(st) = &q.state
        && !matches!(st.as_str(), "open" | "overdue" | "acknowledged")
    {
        return Err(ApiError::unprocessable(
            "invalid_query",
            "state must be open, overdue or acknowledged",
        ));
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let filter = anumodan_store::notify::AlertFilter {
        // A processor's key: its own alerts, whatever it asks.
        processor: c.processor.or(q.processor_id),
        artefact: q.artefact_id,
        state: q.state,
        before: q.cursor,
        limit,
    };
    let fid = c.fiduciary_id;
    let items = s
        .store
        .read_conn(move |conn| anumodan_store::notify::alerts(conn, fid, &filter))
        .await?;
    let next_cursor = (items.len() == limit)
        .then(|| items.last().map(|a| a.id.to_string()))
        .flatten();
    Ok(axum::Json(Page { items, next_cursor }))
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// What the processor did (at most 1000 characters), e.g. "removed from the mailing list".
    #[serde(default)]
    #[schema(value_type = Option<anumodan_core::schema::Text<1000>>)]
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/v1/alerts/{id}/acknowledge", tag = "notifications", params(("id" = Uuid, Path)),
    request_body(content = Option<AcknowledgeRequest>),
    responses((status = 200, description = "Confirmed (the first confirmation stands); recorded in the ledger as `alert.acknowledged`", body = Alert), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn acknowledge_alert(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<Uuid>,
    req: axum::extract::Request,
) -> ApiResult<axum::Json<Alert>> {
    // Only a processor's key confirms; to anyone else no alert is theirs to confirm.
    let processor = c.processor.ok_or_else(|| {
        ApiError::not_found("alert_not_found", "no such alert for this processor")
    })?;
    let note = crate::api::consents::optional_json::<AcknowledgeRequest>(req)
        .await?
        .note;
    let actor = c.actor();
    let before = s.clock.now();
    let alert = s
        .store
        .transact(move |tx| usecases::acknowledge_alert(tx, &actor, processor, id, note.as_deref()))
        .await?;
    // Acknowledged by this call (a repeated confirmation keeps the first one's time).
    if let Some(at) = alert.acknowledged_at.filter(|at| *at >= before) {
        s.metrics
            .alert_acknowledged((at - alert.created_at).unsigned_abs());
    }
    Ok(axum::Json(alert))
}

// ---------- the event stream ----------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// Events after this id (0 or absent: from the first).
    #[param(maximum = 9223372036854775807i64)]
    pub after: Option<i64>,
    /// 1-1000 (default 100).
    #[param(maximum = 18446744073709551615u64)]
    pub limit: Option<usize>,
}

/// One event, as its webhook carries it.
#[derive(Serialize, ToSchema)]
pub struct EventItem {
    /// Increasing: pass the last one seen as `after`.
    pub id: i64,
    /// `consent.withdrawn`, ...
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: time::OffsetDateTime,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventItem>,
    /// Pass as `after` for the next page (the position reached, even when the page is empty
    /// of events for this caller).
    pub next_after: i64,
}

#[utoipa::path(get, path = "/v1/events", tag = "notifications", params(EventQuery),
    responses((status = 200, description = "The fiduciary's events in order, each once; a processor's key sees those that alert it", body = EventPage), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn list_events(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<EventQuery>,
) -> ApiResult<axum::Json<EventPage>> {
    let after = q.after.unwrap_or(0).max(0);
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let (fid, processor) = (c.fiduciary_id, c.processor);
    // A read: processors poll it, so it stays off the single writer.
    let store = s.store.clone();
    let (events, reached, processes) = s
        .store
        .read_conn(move |conn| {
            let processes: Option<std::collections::BTreeSet<String>> = match processor {
                Some(p) => Some(
                    anumodan_store::notify::processors_of(conn, fid)?
                        .into_iter()
                        .find(|x| x.id == p)
                        .map(|x| x.purposes.into_iter().collect())
                        .unwrap_or_default(),
                ),
                None => None,
            };
            let (events, reached) =
                anumodan_store::notify::events_of(conn, store.keys(), fid, after, limit)?;
            Ok((events, reached, processes))
        })
        .await?;
    let items = events
        .into_iter()
        .filter(|(e, _)| {
            processes
                .as_ref()
                .is_none_or(|p| route::alert_for(&e.event, p).is_some())
        })
        .map(|(e, principal)| EventItem {
            id: e.id,
            kind: route::webhook_type(&e.event).to_string(),
            timestamp: e.at,
            data: route::event_data(&e, principal.as_deref()),
        })
        .collect();
    let page = EventPage {
        items,
        next_after: reached.max(after),
    };
    Ok(axum::Json(page))
}

// ---------- settings and templates ----------

#[utoipa::path(get, path = "/v1/notification-settings", tag = "notifications",
    responses((status = 200, body = NotifySettings), (status = 403, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_settings(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<NotifySettings>> {
    let fid = c.fiduciary_id;
    Ok(axum::Json(
        s.store
            .read_conn(move |conn| anumodan_store::notify::settings_of(conn, fid))
            .await?,
    ))
}

#[utoipa::path(put, path = "/v1/notification-settings", tag = "notifications", request_body = NotifySettings,
    responses((status = 200, body = NotifySettings), (status = 403, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `invalid_settings`", body = Problem)),
    security(("api_key" = [])))]
pub async fn put_settings(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<NotifySettings>,
) -> ApiResult<axum::Json<NotifySettings>> {
    let actor = c.actor();
    Ok(axum::Json(
        s.store
            .transact(move |tx| usecases::save_settings(tx, &actor, body))
            .await?,
    ))
}

/// A template as it stands for one event and language.
#[derive(Serialize, ToSchema)]
pub struct TemplateView {
    pub event: String,
    pub language: Lang,
    /// True when the fiduciary's own; false for the built-in one.
    pub custom: bool,
    pub template: TemplateSource,
    /// The variables it may use.
    pub variables: Vec<String>,
}

fn template_path(event: &str, lang: &str) -> ApiResult<Lang> {
    if !templates::EVENTS.contains(&event) {
        return Err(ApiError::not_found(
            "template_not_found",
            "no notification event has this name",
        ));
    }
    Lang::parse(lang).ok_or_else(|| {
        ApiError::not_found(
            "template_not_found",
            "no such language (use a BCP 47 code such as hi)",
        )
    })
}

#[utoipa::path(get, path = "/v1/notification-templates/{event}/{language}", tag = "notifications",
    params(("event" = String, Path), ("language" = String, Path)),
    responses((status = 200, body = TemplateView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_template(
    State(s): State<AppState>,
    c: Caller,
    Path((event, lang)): Path<(String, String)>,
) -> ApiResult<axum::Json<TemplateView>> {
    let language = template_path(&event, &lang)?;
    let (fid, ev, l) = (c.fiduciary_id, event.clone(), language.clone());
    let custom = s
        .store
        .read_conn(move |conn| anumodan_store::notify::custom_template_of(conn, fid, &ev, &l))
        .await?;
    let (is_custom, template) = match custom {
        Some(t) => (true, t),
        None => (
            false,
            templates::builtin(&event, &language)
                .cloned()
                .ok_or_else(|| ApiError::not_found("template_not_found", "no such template"))?,
        ),
    };
    Ok(axum::Json(TemplateView {
        variables: templates::variables(&event)
            .unwrap_or_default()
            .iter()
            .map(|v| v.to_string())
            .collect(),
        event,
        language,
        custom: is_custom,
        template,
    }))
}

#[utoipa::path(put, path = "/v1/notification-templates/{event}/{language}", tag = "notifications",
    params(("event" = String, Path), ("language" = String, Path)), request_body = TemplateSource,
    responses((status = 204, description = "Saved: used from the next message on"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `invalid_template`", body = Problem)),
    security(("api_key" = [])))]
pub async fn put_template(
    State(s): State<AppState>,
    c: Caller,
    Path((event, lang)): Path<(String, String)>,
    Json(body): Json<TemplateSource>,
) -> ApiResult<StatusCode> {
    let language = template_path(&event, &lang)?;
    let actor = c.actor();
    s.store
        .transact(move |tx| usecases::save_template(tx, &actor, &event, &language, Some(&body)))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v1/notification-templates/{event}/{language}", tag = "notifications",
    params(("event" = String, Path), ("language" = String, Path)),
    responses((status = 204, description = "The built-in template is used again"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn delete_template(
    State(s): State<AppState>,
    c: Caller,
    Path((event, lang)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let language = template_path(&event, &lang)?;
    let actor = c.actor();
    s.store
        .transact(move |tx| usecases::save_template(tx, &actor, &event, &language, None))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- deliveries ----------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// `pending`, `sent` or `dead` (the dead-letter list).
    #[param(pattern = "^(pending|sent|dead)$")]
    pub status: Option<String>,
    /// `endpoints` (default): webhooks and e-mails to staff; `principals`: the e-mails and SMS
    /// that tell principals of consent changes.
    #[param(pattern = "^(endpoints|principals)$")]
    pub to: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 64)]
    pub cursor: Option<String>,
    /// 1-500 (default 100).
    #[param(maximum = 18446744073709551615u64)]
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/v1/deliveries", tag = "notifications", params(DeliveryQuery),
    responses((status = 200, description = "Deliveries, newest first, with attempts and the last error (no bodies, no addresses)", body = Page<DeliveryInfo>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn list_deliveries(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<DeliveryQuery>,
) -> ApiResult<axum::Json<Page<DeliveryInfo>>> {
    let status = match q.status.as_deref() {
        None => None,
        Some(v) => Some(DeliveryStatus::parse(v).ok_or_else(|| {
            ApiError::unprocessable("invalid_query", "status must be pending, sent or dead")
        })?),
    };
    let to_principals = match q.to.as_deref() {
        None | Some("endpoints") => false,
        Some("principals") => true,
        Some(_) => {
            return Err(ApiError::unprocessable(
                "invalid_query",
                "to must be endpoints or principals",
            ));
        }
    };
    if q.cursor.as_ref().is_some_and(|c| c.len() > 64) {
        return Err(ApiError::unprocessable(
            "invalid_query",
            "cursor is at most 64 characters",
        ));
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let fid = c.fiduciary_id;
    let cursor = q.cursor;
    let items = s
        .store
        .read_conn(move |conn| {
            anumodan_store::notify::deliveries(
                conn,
                fid,
                to_principals,
                status,
                cursor.as_deref(),
                limit,
            )
        })
        .await?;
    let next_cursor = (items.len() == limit)
        .then(|| items.last().map(|d| d.id.clone()))
        .flatten();
    Ok(axum::Json(Page { items, next_cursor }))
}

#[utoipa::path(post, path = "/v1/deliveries/{id}/replay", tag = "notifications",
    params(("id" = String, Path, max_length = 64)),
    responses((status = 202, description = "Queued again for a new round of attempts"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn replay_delivery(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let actor = c.actor();
    s.store
        .transact(move |tx| usecases::replay_delivery(tx, &actor, &id))
        .await?;
    Ok(StatusCode::ACCEPTED)
}

// ---------- the principal's inbox ----------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
    /// Only messages not yet acknowledged.
    #[serde(default)]
    pub unread: Option<bool>,
    /// 1-100 (default 20).
    #[param(maximum = 18446744073709551615u64)]
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/v1/me/notifications", tag = "principals", params(InboxQuery),
    responses((status = 200, description = "The principal's notifications, newest first, in their language", body = Page<InboxItem>), (status = 401, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_notifications(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Query(q): Query<InboxQuery>,
) -> ApiResult<axum::Json<Page<InboxItem>>> {
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let (fid, pseudonym) = (p.fiduciary_id, p.pseudonym);
    let keys_store = s.store.clone();
    let items = s
        .store
        .read_conn(move |conn| {
            anumodan_store::notify::inbox(
                conn,
                keys_store.keys(),
                fid,
                &pseudonym,
                q.cursor,
                q.unread.unwrap_or(false),
                limit,
            )
        })
        .await?;
    let next_cursor = (items.len() == limit)
        .then(|| items.last().map(|i| i.id.to_string()))
        .flatten();
    Ok(axum::Json(Page { items, next_cursor }))
}

#[utoipa::path(post, path = "/v1/me/notifications/{id}/acknowledge", tag = "principals", params(("id" = Uuid, Path)),
    responses((status = 200, description = "Acknowledged; recorded in the ledger as `notification.acknowledged`", body = InboxItem), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("principal_token" = [])))]
pub async fn acknowledge_notification(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<InboxItem>> {
    let (fid, pseudonym) = (p.fiduciary_id, p.pseudonym);
    Ok(axum::Json(
        s.store
            .transact(move |tx| usecases::acknowledge_inbox(tx, fid, &pseudonym, id))
            .await?,
    ))
}

/// The principal's preferences for messages.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// The language of their messages; absent: the one they consented in.
    #[serde(default)]
    pub language: Option<Lang>,
}

#[utoipa::path(get, path = "/v1/me/preferences", tag = "principals",
    responses((status = 200, body = Preferences), (status = 401, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_preferences(
    State(s): State<AppState>,
    p: PrincipalCaller,
) -> ApiResult<axum::Json<Preferences>> {
    let (fid, pseudonym) = (p.fiduciary_id, p.pseudonym);
    let language = s
        .store
        .read_conn(move |conn| anumodan_store::notify::preferred_language_of(conn, fid, &pseudonym))
        .await?;
    Ok(axum::Json(Preferences { language }))
}

#[utoipa::path(put, path = "/v1/me/preferences", tag = "principals", request_body = Preferences,
    responses((status = 200, body = Preferences), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("principal_token" = [])))]
pub async fn set_my_preferences(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Json(body): Json<Preferences>,
) -> ApiResult<axum::Json<Preferences>> {
    let (fid, pseudonym) = (p.fiduciary_id, p.pseudonym);
    let lang = body.language.clone();
    s.store
        .transact(move |tx| Ok(tx.set_preferred_language(fid, &pseudonym, lang.as_ref())?))
        .await?;
    Ok(axum::Json(body))
}
