//! A data principal's own consents, for a dashboard the fiduciary embeds in its app: the
//! fiduciary's backend asks for a short-lived token for one of its users, and the user's
//! browser or app calls these routes with it. A principal sees and withdraws only their own
//! consents; withdrawing is as easy as giving (one call, effective at once).

use crate::AppState;
use crate::api::Page;
use crate::api::consents::{ConsentWithHistory, WithdrawalView, current, optional_body};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, ClientIp, Json, Path, PrincipalCaller};
use anumodan_core::audit::{Action, AuditRecord};
use anumodan_core::authz::Permission;
use anumodan_core::mask::mask_artefact;
use anumodan_core::model::Artefact;
use anumodan_core::ports::Tx;
use anumodan_core::usecases::{self, check_principal_id};
use anumodan_core::{DomainError, usecases::Actor};
use anumodan_store::keys::PrincipalClaim;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The fiduciary's id for the principal (the user signed in to the fiduciary's app).
    pub principal_id: String,
    /// Lifetime in seconds, 60 to 3600 (default 900).
    #[serde(default)]
    pub ttl_seconds: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct PrincipalToken {
    /// `anp_...`: give it to the principal's browser or app as a bearer token for `/v1/me/*`.
    /// It names the principal only by pseudonym.
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

#[utoipa::path(post, path = "/v1/principal-tokens", tag = "principals", request_body = TokenRequest,
    responses((status = 201, body = PrincipalToken), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn issue_token(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<TokenRequest>,
) -> ApiResult<(axum::http::StatusCode, axum::Json<PrincipalToken>)> {
    c.require(Permission::PrincipalToken)?;
    check_principal_id(&body.principal_id).map_err(ApiError::from)?;
    let ttl = body.ttl_seconds.unwrap_or(900);
    if !(60..=3600).contains(&ttl) {
        return Err(ApiError::unprocessable(
            "invalid_ttl",
            "ttl_seconds must be between 60 and 3600",
        ));
    }
    let actor = c.actor();
    let store = s.store.clone();
    let (token, expires_at) = s
        .store
        .write_raw(move |tx| {
            let now = tx.now();
            let expires_at = now + time::Duration::seconds(i64::from(ttl));
            let claim = PrincipalClaim {
                fiduciary_id: actor.fiduciary_id,
                pseudonym: store
                    .keys()
                    .pseudonym(actor.fiduciary_id, &body.principal_id),
                expires: expires_at.unix_timestamp(),
            };
            tx.append_audit(&AuditRecord {
                principal_id: Some(body.principal_id.clone()),
                outcome: format!("ttl={ttl}"),
                ..actor.record(Action::PrincipalTokenIssued)
            })?;
            Ok((store.keys().sign_principal_token(&claim), expires_at))
        })
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(PrincipalToken { token, expires_at }),
    ))
}

fn not_found() -> ApiError {
    ApiError::not_found("consent_not_found", "no such consent artefact")
}

/// Whether `a` is the calling principal's (an erased principal's artefacts are no one's).
fn owns(s: &AppState, p: &PrincipalCaller, a: &Artefact) -> bool {
    s.store.keys().pseudonym(p.fiduciary_id, &a.principal_id) == p.pseudonym
}

#[utoipa::path(get, path = "/v1/me/consents", tag = "principals",
    responses((status = 200, description = "The principal's consents, newest first, personal data masked", body = Page<Artefact>), (status = 401, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_consents(
    State(s): State<AppState>,
    p: PrincipalCaller,
) -> ApiResult<axum::Json<Page<Artefact>>> {
    let (fid, pseudonym) = (p.fiduciary_id, p.pseudonym);
    let all = s
        .store
        .read(move |r| r.artefacts_of_pseudonym(fid, &pseudonym))
        .await?;
    let now = s.clock.now();
    Ok(axum::Json(Page {
        items: all.into_iter().map(|a| current(a, now)).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(get, path = "/v1/me/consents/{id}", tag = "principals", params(("id" = Uuid, Path)),
    responses((status = 200, body = ConsentWithHistory), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_consent(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ConsentWithHistory>> {
    let fid = p.fiduciary_id;
    let history = s.store.read(move |r| r.artefact_history(fid, id)).await?;
    let latest = history.last().cloned().ok_or_else(not_found)?;
    if !owns(&s, &p, &latest) {
        return Err(not_found());
    }
    Ok(axum::Json(ConsentWithHistory {
        consent: current(latest, s.clock.now()),
        history: history.into_iter().map(mask_artefact).collect(),
    }))
}

/// Checks, inside the write transaction, that artefact `id` is the calling principal's; a
/// consent of anyone else (or an erased one) is not found.
fn check_mine(
    tx: &mut dyn Tx,
    store: &anumodan_store::Store,
    p: &PrincipalCaller,
    id: Uuid,
) -> usecases::Result<()> {
    let mine = tx
        .artefact(p.fiduciary_id, id)?
        .is_some_and(|a| store.keys().pseudonym(p.fiduciary_id, &a.principal_id) == p.pseudonym);
    if mine {
        Ok(())
    } else {
        Err(DomainError::not_found("consent_not_found", "no such consent artefact").into())
    }
}

/// Runs a use case as the calling principal on their own artefact `id` (checked in the same
/// write transaction).
async fn as_owner<T: Send + 'static>(
    s: &AppState,
    p: PrincipalCaller,
    id: Uuid,
    f: impl FnOnce(&mut dyn Tx, &Actor) -> usecases::Result<T> + Send + 'static,
) -> ApiResult<T> {
    let actor = p.actor();
    let store = s.store.clone();
    Ok(s.store
        .write(move |tx| {
            check_mine(tx, &store, &p, id)?;
            f(tx, &actor)
        })
        .await?)
}

#[utoipa::path(post, path = "/v1/me/consents/{id}/withdraw", tag = "principals", params(("id" = Uuid, Path)),
    request_body(content = crate::api::consents::LifecycleRequest, description = "Optional: purposes, method, session_id"),
    responses((status = 200, body = WithdrawalView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("principal_token" = [])))]
pub async fn withdraw_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(id): Path<Uuid>,
    req: axum::extract::Request,
) -> ApiResult<axum::Json<WithdrawalView>> {
    let (purposes, how) = optional_body(req).await?.for_withdrawal()?;
    let w = as_owner(&s, p, id, move |tx, actor| {
        usecases::withdraw(tx, actor, id, purposes.as_deref(), &how)
    })
    .await?;
    Ok(axum::Json(WithdrawalView {
        consent: mask_artefact(w.artefact),
        legal_exceptions: w.legal_exceptions,
    }))
}

#[utoipa::path(post, path = "/v1/me/consents/{id}/update", tag = "principals", params(("id" = Uuid, Path)),
    request_body(content = crate::api::consents::LifecycleRequest, description = "decisions; optional method, session_id, notice_version, language"),
    responses((status = 200, description = "The new version, initiator principal", body = Artefact), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("principal_token" = [])))]
pub async fn update_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(id): Path<Uuid>,
    Json(body): Json<crate::api::consents::LifecycleRequest>,
) -> ApiResult<axum::Json<Artefact>> {
    let (decisions, how) = body.for_update()?;
    let a = as_owner(&s, p, id, move |tx, actor| {
        usecases::update(tx, actor, id, &decisions, &how)
    })
    .await?;
    Ok(axum::Json(mask_artefact(a)))
}

#[utoipa::path(post, path = "/v1/me/consents/{id}/renew", tag = "principals", params(("id" = Uuid, Path)),
    request_body(content = crate::api::consents::LifecycleRequest, description = "Optional: purposes, method, session_id, notice_version, language"),
    responses((status = 200, description = "The new version, initiator principal", body = Artefact), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("principal_token" = [])))]
pub async fn renew_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(id): Path<Uuid>,
    req: axum::extract::Request,
) -> ApiResult<axum::Json<Artefact>> {
    let (purposes, how) = optional_body(req).await?.for_renewal()?;
    let a = as_owner(&s, p, id, move |tx, actor| {
        usecases::renew(tx, actor, id, purposes.as_deref(), &how)
    })
    .await?;
    Ok(axum::Json(mask_artefact(a)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    pub principal_id: String,
    /// A mobile number (10 digits for India, or `+` and the country code) or an e-mail address
    /// that the fiduciary has verified belongs to the principal.
    pub contact: String,
}

fn invalid_contact() -> ApiError {
    ApiError::unprocessable(
        "invalid_contact",
        "contact must be a mobile number (10 digits, or + and country code) or an e-mail address",
    )
}

#[utoipa::path(post, path = "/v1/principals/contacts", tag = "principals", request_body = ContactRequest,
    responses((status = 204, description = "Recorded (encrypted; found only by a keyed blind index)"), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn set_contact(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<ContactRequest>,
) -> ApiResult<axum::http::StatusCode> {
    c.require(Permission::PrincipalToken)?;
    check_principal_id(&body.principal_id).map_err(ApiError::from)?;
    if anumodan_store::principal::normalise(&body.contact).is_none() {
        return Err(invalid_contact());
    }
    let actor = c.actor();
    s.store
        .write_raw(move |tx| {
            anumodan_store::principal::set_contact(tx, &actor, &body.principal_id, &body.contact)
        })
        .await?
        .ok_or_else(invalid_contact)?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInStart {
    pub fiduciary_id: Uuid,
    pub contact: String,
}

#[derive(Serialize, ToSchema)]
pub struct SignInStarted {
    /// Always `sent_if_known`: whether the contact is known is not revealed.
    pub status: &'static str,
    pub expires_in_seconds: i64,
}

#[utoipa::path(post, path = "/v1/principal-signin/start", tag = "principals", request_body = SignInStart,
    responses((status = 202, description = "A code is on its way if the contact is known", body = SignInStarted), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn sign_in_start(
    State(s): State<AppState>,
    Json(body): Json<SignInStart>,
) -> ApiResult<(axum::http::StatusCode, axum::Json<SignInStarted>)> {
    if anumodan_store::principal::normalise(&body.contact).is_none() {
        return Err(invalid_contact());
    }
    s.store
        .write_raw(move |tx| {
            anumodan_store::principal::start_sign_in(tx, body.fiduciary_id, &body.contact)
        })
        .await?;
    Ok((
        axum::http::StatusCode::ACCEPTED,
        axum::Json(SignInStarted {
            status: "sent_if_known",
            expires_in_seconds: anumodan_store::principal::CODE_TTL.whole_seconds(),
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInVerify {
    pub fiduciary_id: Uuid,
    pub contact: String,
    /// The six-digit code received.
    pub code: String,
}

#[utoipa::path(post, path = "/v1/principal-signin/verify", tag = "principals", request_body = SignInVerify,
    responses((status = 201, description = "Signed in: a principal token for /v1/me", body = PrincipalToken), (status = 401, description = "Wrong, expired or used code (5 tries per code)", body = Problem)))]
pub async fn sign_in_verify(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<SignInVerify>,
) -> ApiResult<(axum::http::StatusCode, axum::Json<PrincipalToken>)> {
    let store = s.store.clone();
    let fid = body.fiduciary_id;
    let result = s
        .store
        .write_raw(move |tx| {
            let r =
                anumodan_store::principal::verify_sign_in(tx, fid, &body.contact, &body.code, ip)?;
            let now = tx.now();
            Ok(r.map(|p| {
                let expires_at = now + time::Duration::seconds(900);
                let claim = PrincipalClaim {
                    fiduciary_id: fid,
                    pseudonym: p,
                    expires: expires_at.unix_timestamp(),
                };
                (store.keys().sign_principal_token(&claim), expires_at)
            }))
        })
        .await?;
    match result {
        Ok((token, expires_at)) => Ok((
            axum::http::StatusCode::CREATED,
            axum::Json(PrincipalToken { token, expires_at }),
        )),
        Err(_) => Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "invalid_code",
            "the code is wrong, expired or used up; ask for a new one",
        )),
    }
}
