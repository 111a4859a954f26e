//! A data principal's own consents, for a dashboard the fiduciary embeds in its app: the
//! fiduciary's backend asks for a short-lived token for one of its users, and the user's
//! browser or app calls these routes with it. A principal sees and withdraws only their own
//! consents; withdrawing is as easy as giving (one call, effective at once).

use crate::AppState;
use crate::api::Page;
use crate::api::consents::{
    Answer, ConsentWithHistory, WithdrawalView, artefact_owner, current, optional_body,
    withdrawal_owner, write_once,
};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, ClientIp, IdempotencyKey, Json, Path, PrincipalCaller};
use anumodan_core::authz::Permission;
use anumodan_core::mask::mask_artefact;
use anumodan_core::model::Artefact;
use anumodan_core::ports::Tx;
use anumodan_core::principal;
use anumodan_core::usecases;
use anumodan_core::{DomainError, usecases::Actor};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The fiduciary's id for the principal (the user signed in to the fiduciary's app).
    #[schema(value_type = anumodan_core::schema::PrincipalId)]
    pub principal_id: String,
    /// Lifetime in seconds, 60 to 3600 (default 900).
    #[serde(default)]
    #[schema(minimum = 60, maximum = 3600)]
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
    let actor = c.actor();
    let t = s
        .store
        .transact(move |tx| {
            principal::issue_token(tx, &actor, &body.principal_id, body.ttl_seconds)
        })
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(PrincipalToken {
            token: t.token,
            expires_at: t.expires_at,
        }),
    ))
}

fn not_found() -> ApiError {
    ApiError::not_found("consent_not_found", "no such consent artefact")
}

/// Whether `a` is the calling principal's (an erased principal's artefacts are no one's).
fn owns(s: &AppState, p: &PrincipalCaller, a: &Artefact) -> bool {
    s.store.keys().pseudonym(p.fiduciary_id, &a.principal_id) == p.pseudonym
}

/// One of the principal's consents, and whether they are asked to consent again.
#[derive(Serialize, ToSchema)]
pub struct MyConsent {
    #[serde(flatten)]
    pub consent: Artefact,
    /// Present when a newer version of the notice requires re-consent to purposes this
    /// artefact holds under an earlier version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconsent: Option<ReconsentDue>,
}

#[derive(Serialize, ToSchema)]
pub struct ReconsentDue {
    /// Consent again under this notice version (or a later one).
    pub notice_version: u32,
    /// Until when the consent held stays valid (absent: it already stopped).
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_by: Option<OffsetDateTime>,
    /// True once the consent held no longer counts.
    pub overdue: bool,
    pub purposes: Vec<String>,
}

#[utoipa::path(get, path = "/v1/me/consents", tag = "principals",
    responses((status = 200, description = "The principal's consents, newest first, personal data masked, with any re-consent due", body = Page<MyConsent>), (status = 401, body = Problem)),
    security(("principal_token" = [])))]
pub async fn my_consents(
    State(s): State<AppState>,
    p: PrincipalCaller,
) -> ApiResult<axum::Json<Page<MyConsent>>> {
    let (fid, pseudonym) = (p.fiduciary_id, p.pseudonym);
    let now = s.clock.now();
    let all = s
        .store
        .read(move |r| {
            let mut requirements = std::collections::BTreeMap::new();
            let mut out = Vec::new();
            for a in r.artefacts_of_pseudonym(fid, &pseudonym)? {
                let req = match requirements.get(&a.notice_id) {
                    Some(req) => *req,
                    None => {
                        let req = r.reconsent(fid, a.notice_id)?;
                        requirements.insert(a.notice_id, req);
                        req
                    }
                };
                out.push((a, req));
            }
            Ok(out)
        })
        .await?;
    let items = all
        .into_iter()
        .map(|(a, req)| {
            let reconsent = req.and_then(|r| {
                let purposes: Vec<String> = a
                    .purposes
                    .iter()
                    .filter(|s| {
                        s.status_at(now) == anumodan_core::model::Status::Active
                            && r.applies(s.held_version(a.notice_version))
                    })
                    .map(|s| s.purpose.clone())
                    .collect();
                (!purposes.is_empty()).then(|| ReconsentDue {
                    notice_version: r.from_version,
                    due_by: r.deadline,
                    overdue: r.overdue(now),
                    purposes,
                })
            });
            MyConsent {
                consent: current(a, now),
                reconsent,
            }
        })
        .collect();
    Ok(axum::Json(Page {
        items,
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

impl PrincipalCaller {
    /// The caller whose idempotency keys these are: the principal, by pseudonym.
    fn caller(&self) -> String {
        format!(
            "principal:{}",
            anumodan_core::model::hex_lower(&self.pseudonym)
        )
    }
}

/// Runs a use case as the calling principal on their own artefact `id` (checked in the same
/// write transaction), at most once per idempotency key and request.
pub(crate) async fn as_owner<T>(
    s: &AppState,
    p: PrincipalCaller,
    id: Uuid,
    idem: Option<anumodan_core::idempotency::Idempotency>,
    owner: fn(&T) -> String,
    f: impl FnOnce(&mut dyn Tx, &Actor) -> usecases::Result<T> + Send + 'static,
) -> ApiResult<Answer<T>>
where
    T: Serialize + serde::de::DeserializeOwned + Send + 'static,
{
    let actor = p.actor();
    let store = s.store.clone();
    let fid = p.fiduciary_id;
    let answer = write_once(s, fid, idem, owner, move |tx| {
        check_mine(tx, &store, &p, id)?;
        f(tx, &actor)
    })
    .await?;
    Ok(Answer::ok(answer))
}

#[utoipa::path(post, path = "/v1/me/consents", tag = "principals", request_body = usecases::SelfCollectRequest,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$", description = "Retry safely: the same key and body within 24 hours returns the first answer and writes nothing (1 to 255 visible ASCII characters)")),
    responses((status = 201, description = "A new artefact: the principal's own decisions under the current notice version, initiator principal", body = Artefact),
        (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, description = "Not the current notice version, or the principal is unknown", body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `notice_version_not_published`, `language_not_in_notice`, `unknown_purpose`, `missing_decision`, `child_tracking_prohibited`, `idempotency_key_reused`", body = Problem)),
    security(("principal_token" = [])))]
pub async fn collect_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    key: IdempotencyKey,
    Json(body): Json<usecases::SelfCollectRequest>,
) -> ApiResult<Answer<Artefact>> {
    let idem = key.request(&p.caller(), "/v1/me/consents", &body);
    let actor = p.actor();
    let pseudonym = p.pseudonym;
    let (a, replayed) = write_once(&s, p.fiduciary_id, idem, artefact_owner, move |tx| {
        usecases::collect_for_self(tx, &actor, &pseudonym, body)
    })
    .await?;
    Ok(Answer {
        status: axum::http::StatusCode::CREATED,
        location: Some(format!("/v1/me/consents/{}", a.id)),
        body: mask_artefact(a),
        replayed,
    })
}

#[utoipa::path(post, path = "/v1/me/consents/{id}/withdraw", tag = "principals", params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$", description = "Retry safely: the same key and body within 24 hours returns the first answer and writes nothing (1 to 255 visible ASCII characters)")),
    request_body(content = Option<crate::openapi::WithdrawBody>, description = "Optional: purposes, method, session_id"),
    responses((status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `idempotency_key_reused`", body = Problem), (status = 200, body = WithdrawalView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("principal_token" = [])))]
pub async fn withdraw_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
    req: axum::extract::Request,
) -> ApiResult<Answer<WithdrawalView>> {
    let body = optional_body(req).await?;
    let idem = key.request(
        &p.caller(),
        &format!("/v1/me/consents/{id}/withdraw"),
        &body,
    );
    let (purposes, how) = body.for_withdrawal()?;
    let w = as_owner(&s, p, id, idem, withdrawal_owner, move |tx, actor| {
        usecases::withdraw(tx, actor, id, purposes.as_deref(), &how)
    })
    .await?;
    Ok(w.map(WithdrawalView::from))
}

#[utoipa::path(post, path = "/v1/me/consents/{id}/update", tag = "principals", params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$", description = "Retry safely: the same key and body within 24 hours returns the first answer and writes nothing (1 to 255 visible ASCII characters)")),
    request_body(content = crate::openapi::UpdateBody, description = "decisions; optional method, session_id, notice_version, language"),
    responses((status = 200, description = "The new version, initiator principal", body = Artefact), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `child_tracking_prohibited`, `notice_version_not_published`, `language_not_in_notice`, `purpose_not_in_notice`, `principal_action_required`, `idempotency_key_reused`", body = Problem)),
    security(("principal_token" = [])))]
pub async fn update_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
    Json(body): Json<crate::api::consents::LifecycleRequest>,
) -> ApiResult<Answer<Artefact>> {
    let idem = key.request(&p.caller(), &format!("/v1/me/consents/{id}/update"), &body);
    let (decisions, how) = body.for_update()?;
    let a = as_owner(&s, p, id, idem, artefact_owner, move |tx, actor| {
        usecases::update(tx, actor, id, &decisions, &how)
    })
    .await?;
    Ok(a.map(mask_artefact))
}

#[utoipa::path(post, path = "/v1/me/consents/{id}/renew", tag = "principals", params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$", description = "Retry safely: the same key and body within 24 hours returns the first answer and writes nothing (1 to 255 visible ASCII characters)")),
    request_body(content = Option<crate::openapi::RenewBody>, description = "Optional: purposes, method, session_id, notice_version, language"),
    responses((status = 422, description = "The request does not fit the schemas (`invalid_body`, or the field's own code), or breaks a rule on other data, which the schemas cannot state: `unknown_purpose`, `notice_version_not_published`, `language_not_in_notice`, `purpose_not_in_notice`, `principal_action_required`, `idempotency_key_reused`", body = Problem), (status = 200, description = "The new version, initiator principal", body = Artefact), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("principal_token" = [])))]
pub async fn renew_mine(
    State(s): State<AppState>,
    p: PrincipalCaller,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
    req: axum::extract::Request,
) -> ApiResult<Answer<Artefact>> {
    let body = optional_body(req).await?;
    let idem = key.request(&p.caller(), &format!("/v1/me/consents/{id}/renew"), &body);
    let (purposes, how) = body.for_renewal()?;
    let a = as_owner(&s, p, id, idem, artefact_owner, move |tx, actor| {
        usecases::renew(tx, actor, id, purposes.as_deref(), &how)
    })
    .await?;
    Ok(a.map(mask_artefact))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    #[schema(value_type = anumodan_core::schema::PrincipalId)]
    pub principal_id: String,
    /// A mobile number (10 digits for India, or `+` and the country code) or an e-mail address
    /// that the fiduciary has verified belongs to the principal.
    #[schema(value_type = anumodan_core::schema::Contact)]
    pub contact: String,
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
    let actor = c.actor();
    s.store
        .transact(move |tx| principal::set_contact(tx, &actor, &body.principal_id, &body.contact))
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInStart {
    pub fiduciary_id: Uuid,
    #[schema(value_type = anumodan_core::schema::Contact)]
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
    ClientIp(ip): ClientIp,
    Json(body): Json<SignInStart>,
) -> ApiResult<(axum::http::StatusCode, axum::Json<SignInStarted>)> {
    // A contact of the wrong shape is refused (422) before anything is written.
    principal::normalise(&body.contact).ok_or_else(principal::invalid_contact)?;
    s.store
        .transact(move |tx| {
            principal::start_sign_in(tx, body.fiduciary_id, &body.contact, ip.as_deref())
        })
        .await?;
    Ok((
        axum::http::StatusCode::ACCEPTED,
        axum::Json(SignInStarted {
            status: "sent_if_known",
            expires_in_seconds: principal::CODE_TTL.whole_seconds(),
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
    let fid = body.fiduciary_id;
    let signed_in = s
        .store
        .transact(move |tx| {
            principal::verify_sign_in(tx, fid, &body.contact, &body.code, ip.as_deref())
        })
        .await?
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "invalid_code",
                "the code is wrong, expired or used up; ask for a new one",
            )
        })?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(PrincipalToken {
            token: signed_in.token,
            expires_at: signed_in.expires_at,
        }),
    ))
}
