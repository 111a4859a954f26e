//! The console API: staff sign-in with a second factor, sessions, staff accounts, roles and
//! grants, the access report, and the audit ledger for signed-in staff.
//!
//! Every route but `POST /v1/session` takes a [`Session`]; each checks its permission with
//! [`Session::require`] in the scope it acts on (`fiduciary_id` absent: the platform). What a
//! session cannot see at all (another fiduciary's staff, roles or entries) answers 404.

use crate::AppState;
use crate::api::Page;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ClientIp, Json, Path, Query};
use crate::session::{Session, forbidden, scope_of};
use anumodan_core::audit::AuditEntry;
use anumodan_core::authz::{BuiltinRole, Permission, Scope};
use anumodan_core::totp;
use anumodan_store::staff::{
    self, Attempt, CustomRole, Grant, RoleChange, RoleRef, SecondFactor, StaffRow, StaffView,
};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The console's routes, added to the registry (see [`super::registry`]).
pub fn register(r: super::Registry) -> super::Registry {
    use super::Access::*;
    use Permission::*;
    use utoipa_axum::routes;
    r.add(routes!(sign_in), Public)
        .add(routes!(whoami), Session)
        .add(routes!(sign_out), Session)
        .add(routes!(mfa), Session)
        .add(routes!(enrol), Session)
        .add(routes!(confirm), Session)
        .add(routes!(change_password), Session)
        .add(routes!(list_staff), Needs(StaffManage))
        .add(routes!(create_staff), Needs(StaffManage))
        .add(routes!(get_staff), Needs(StaffManage))
        .add(routes!(disable_staff), Needs(StaffManage))
        .add(routes!(grant_role), Needs(RolesManage))
        .add(routes!(revoke_role), Needs(RolesManage))
        .add(routes!(list_roles), Needs(RolesManage))
        .add(routes!(create_role), Needs(RolesManage))
        .add(routes!(access_report), Needs(AuditRead))
        .add(routes!(audit_entries), Needs(AuditRead))
        .add(routes!(rotate_master_key), Needs(FiduciaryManage))
}

/// The outcome of a master key rotation.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MasterKeyRotation {
    /// The new current master key's id.
    pub master_key: String,
    /// Principals' data keys re-wrapped under it.
    pub rewrapped: u64,
}

/// Rotates the master key without downtime: a new key wraps new data keys at once, and every
/// existing data key is re-wrapped in small transactions beside live traffic. Platform admins
/// only (`fiduciary.manage` at platform scope); audited.
#[utoipa::path(post, path = "/v1/platform/master-key/rotate", tag = "staff",
    responses((status = 200, body = MasterKeyRotation), (status = 403, body = Problem), (status = 409, description = "The master key is given by configuration", body = Problem)),
    security(("session" = [])))]
pub async fn rotate_master_key(
    State(s): State<AppState>,
    sess: Session,
) -> ApiResult<axum::Json<MasterKeyRotation>> {
    // The platform is not another tenant: a fiduciary's staff are refused, not told 404.
    sess.require(
        Permission::FiduciaryManage,
        Scope::Platform,
        "route_not_found",
    )
    .map_err(|e| {
        if e.code == "route_not_found" {
            forbidden()
        } else {
            e
        }
    })?;
    let (id, rewrapped) = s
        .store
        .rotate_master_key_recorded(sess.initiator(), sess.source_ip.clone())
        .await?
        .map_err(|reason| {
            ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "master_key_configured",
                reason,
            )
        })?;
    Ok(axum::Json(MasterKeyRotation {
        master_key: id,
        rewrapped,
    }))
}

fn locked_out(secs: u64) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "locked_out",
        "too many failed attempts; try again later",
    );
    e.retry_after = Some(secs);
    e
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
        "the username or password is wrong",
    )
}

// ---------- signing in ----------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

/// The state of a session's second factor.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    /// `required`: give a TOTP or recovery code (`POST /v1/session/mfa`); `enrol`: no factor
    /// yet, enrol one (`POST /v1/staff/me/mfa/enrol`); `done`.
    pub mfa: &'static str,
    /// Send as `X-CSRF-Token` with every state-changing request of this session (shown once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    #[schema(value_type = Object)]
    pub staff: StaffView,
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<Grant>,
}

fn mfa_state(mfa_done: bool, s: &StaffRow) -> &'static str {
    if mfa_done {
        "done"
    } else if s.totp_confirmed {
        "required"
    } else {
        "enrol"
    }
}

/// Signs in with a password. Sets the `anm_session` cookie; the session still needs the second
/// factor (`mfa`). An unknown user and a wrong password get the same answer.
#[utoipa::path(post, path = "/v1/session", tag = "staff", request_body = SignInRequest,
    responses((status = 200, body = SessionView, description = "Signed in; Set-Cookie: anm_session"),
        (status = 401, body = Problem, description = "bad_credentials"),
        (status = 429, body = Problem, description = "locked_out, with Retry-After")))]
pub async fn sign_in(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(req): Json<SignInRequest>,
) -> ApiResult<Response> {
    let username = req.username.trim().to_ascii_lowercase();
    let lookup = username.clone();
    let from = ip.clone();
    let now = s.clock.now();
    // A locked name or address is refused before any password is hashed.
    let (row, lock) = s
        .store
        .read_conn(move |c| {
            let lock =
                staff::password_locked(&mut staff::StaffReader(c), &lookup, from.as_deref(), now)?;
            let row = if lookup.len() <= 64 && lock.is_none() {
                staff::staff_by_username(c, &lookup)?
            } else {
                None
            };
            Ok((row, lock))
        })
        .await?;
    if let Some(secs) = lock {
        return Err(locked_out(secs));
    }
    let password = req.password;
    let id = row.as_ref().map(|r| r.id);
    // Argon2 off the async workers and off the store's writer, a bounded number at once; an
    // unknown name is checked against a dummy hash so it takes as long.
    let ok = s
        .staff
        .hash_bounded(move || {
            let dummy = staff::dummy_hash();
            match &row {
                Some(r) if password.len() <= staff::MAX_PASSWORD_LEN => {
                    staff::verify_password(&r.password_hash, &password)
                }
                _ => {
                    let _ = staff::verify_password(dummy, &password);
                    false
                }
            }
        })
        .await?;
    let cfg = s.staff.clone();
    let attempt = s
        .store
        .transact(move |tx| {
            Ok(staff::sign_in(
                tx,
                &username,
                id,
                ok,
                &cfg.lockout,
                cfg.absolute,
                ip.as_deref(),
            )?)
        })
        .await?;
    match attempt {
        Attempt::Ok(n) => {
            let body = SessionView {
                mfa: mfa_state(false, &n.staff),
                csrf_token: Some(n.csrf_token),
                staff: StaffView::from(&n.staff),
                grants: vec![],
            };
            let mut res = axum::Json(body).into_response();
            let cookie = HeaderValue::from_str(&s.staff.cookie(&n.token))
                .map_err(|_| ApiError::unavailable("cookie"))?;
            res.headers_mut().insert(header::SET_COOKIE, cookie);
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(res)
        }
        Attempt::Failed => Err(bad_credentials()),
        Attempt::Locked(secs) => {
            tracing::warn!(retry_after = secs, "staff sign-in refused: locked out");
            Err(locked_out(secs))
        }
    }
}

/// The signed-in staff member, the session's second-factor state and the roles held.
#[utoipa::path(get, path = "/v1/session", tag = "staff",
    responses((status = 200, body = SessionView), (status = 401, body = Problem)),
    security(("session" = [])))]
pub async fn whoami(sess: Session) -> ApiResult<axum::Json<SessionView>> {
    // Until the second factor is given, the session does not learn what it would hold.
    let grants = if sess.mfa_satisfied() {
        sess.grants.clone()
    } else {
        vec![]
    };
    Ok(axum::Json(SessionView {
        mfa: mfa_state(sess.mfa_done, &sess.staff),
        csrf_token: None,
        staff: StaffView::from(&sess.staff),
        grants,
    }))
}

/// Signs out: the session ends and the cookie is cleared.
#[utoipa::path(delete, path = "/v1/session", tag = "staff",
    responses((status = 204, description = "Signed out"), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("session" = [])))]
pub async fn sign_out(State(s): State<AppState>, sess: Session) -> ApiResult<Response> {
    let th = sess.token_hash;
    let ip = sess.source_ip.clone();
    let row = sess.staff.clone();
    s.store
        .transact(move |tx| {
            Ok(staff::end_session(
                tx,
                &th,
                Some((&row, "ok", ip.as_deref())),
            )?)
        })
        .await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&s.staff.clear_cookie()) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MfaRequest {
    /// The 6-digit code of the authenticator app.
    pub code: Option<String>,
    /// One of the recovery codes given at enrolment (each works once).
    pub recovery_code: Option<String>,
}

/// The second sign-in step: a TOTP code (each accepted once) or a recovery code.
#[utoipa::path(post, path = "/v1/session/mfa", tag = "staff", request_body = MfaRequest,
    responses((status = 200, body = SessionView), (status = 401, body = Problem, description = "invalid_mfa_code"),
        (status = 409, body = Problem), (status = 429, body = Problem, description = "locked_out")),
    security(("session" = [])))]
pub async fn mfa(
    State(s): State<AppState>,
    sess: Session,
    Json(req): Json<MfaRequest>,
) -> ApiResult<axum::Json<SessionView>> {
    let factor = match (req.code, req.recovery_code) {
        (Some(c), None) => SecondFactor::Totp(c),
        (None, Some(r)) => SecondFactor::RecoveryCode(r),
        _ => {
            return Err(ApiError::unprocessable(
                "invalid_body",
                "give exactly one of code and recovery_code",
            ));
        }
    };
    if sess.mfa_done {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "mfa_already_done",
            "this session has already given its second factor",
        ));
    }
    if !sess.staff.totp_confirmed {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "mfa_not_enrolled",
            "no second factor is enrolled: POST /v1/staff/me/mfa/enrol",
        ));
    }
    let th = sess.token_hash;
    let ip = sess.source_ip.clone();
    let cfg = s.staff.clone();
    match s
        .store
        .transact(move |tx| {
            Ok(staff::second_factor(
                tx,
                &th,
                &factor,
                &cfg.lockout,
                ip.as_deref(),
            )?)
        })
        .await?
    {
        Attempt::Ok(()) => Ok(axum::Json(SessionView {
            mfa: "done",
            csrf_token: None,
            staff: StaffView::from(&sess.staff),
            grants: sess.grants,
        })),
        Attempt::Failed => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_mfa_code",
            "the code is wrong, expired or already used",
        )),
        Attempt::Locked(secs) => {
            tracing::warn!(staff = %sess.staff.id, retry_after = secs, "staff second factor refused: locked out");
            Err(locked_out(secs))
        }
    }
}

/// A new TOTP secret to enrol in an authenticator app.
#[derive(Serialize, ToSchema)]
pub struct Enrolment {
    /// The secret, base32 (shown once; type it in if the URI cannot be scanned).
    pub secret: String,
    /// `otpauth://totp/...`: show it as a QR code.
    pub otpauth_uri: String,
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Starts TOTP enrolment (SHA-1, 6 digits, 30 s). Refused once a factor is enrolled.
#[utoipa::path(post, path = "/v1/staff/me/mfa/enrol", tag = "staff",
    responses((status = 200, body = Enrolment), (status = 409, body = Problem, description = "mfa_already_enrolled")),
    security(("session" = [])))]
pub async fn enrol(State(s): State<AppState>, sess: Session) -> ApiResult<Response> {
    let id = sess.staff.id;
    let secret = s
        .store
        .transact(move |tx| staff::start_enrolment(tx, id))
        .await?;
    let b32 = totp::base32_encode(&secret);
    let uri = format!(
        "otpauth://totp/Anumodan:{}?secret={b32}&issuer=Anumodan&algorithm=SHA1&digits={}&period={}",
        pct(&sess.staff.username),
        totp::DIGITS,
        totp::STEP_SECONDS
    );
    let mut res = axum::Json(Enrolment {
        secret: b32,
        otpauth_uri: uri,
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// One-time codes for when the authenticator is lost (shown once; stored hashed).
    pub recovery_codes: Vec<String>,
}

/// Confirms enrolment with a current code; returns the recovery codes. The session counts as
/// having given its second factor.
#[utoipa::path(post, path = "/v1/staff/me/mfa/confirm", tag = "staff", request_body = ConfirmRequest,
    responses((status = 200, body = RecoveryCodes), (status = 422, body = Problem, description = "invalid_mfa_code"), (status = 409, body = Problem)),
    security(("session" = [])))]
pub async fn confirm(
    State(s): State<AppState>,
    sess: Session,
    Json(req): Json<ConfirmRequest>,
) -> ApiResult<Response> {
    let th = sess.token_hash;
    let ip = sess.source_ip.clone();
    let codes = s
        .store
        .transact(move |tx| staff::confirm_enrolment(tx, &th, &req.code, ip.as_deref()))
        .await?;
    let mut res = axum::Json(RecoveryCodes {
        recovery_codes: codes,
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    pub current_password: String,
    /// 12 to 1024 characters.
    pub new_password: String,
}

/// Sets one's own password (required after the one-time initial password). Needs the second
/// factor when one is enrolled; the account's other sessions end.
#[utoipa::path(post, path = "/v1/staff/me/password", tag = "staff", request_body = PasswordRequest,
    responses((status = 204, description = "Changed"), (status = 403, body = Problem, description = "mfa_required"),
        (status = 422, body = Problem, description = "wrong_password, weak_password")),
    security(("session" = [])))]
pub async fn change_password(
    State(s): State<AppState>,
    sess: Session,
    Json(req): Json<PasswordRequest>,
) -> ApiResult<StatusCode> {
    if !sess.mfa_satisfied() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "mfa_required",
            "complete the second factor first (POST /v1/session/mfa)",
        ));
    }
    staff::check_password(&req.new_password)?;
    let current = sess.staff.password_hash.clone();
    let (ok, hash) = s
        .staff
        .try_hash_bounded(move || {
            if req.current_password.len() > staff::MAX_PASSWORD_LEN
                || !staff::verify_password(&current, &req.current_password)
            {
                return Ok((false, String::new()));
            }
            staff::hash_password(&req.new_password).map(|h| (true, h))
        })
        .await?;
    if !ok {
        // A wrong current password ends the session (audited), so guessing it means signing in
        // again each time, through the lock-out.
        let th = sess.token_hash;
        let ip = sess.source_ip.clone();
        let row = sess.staff.clone();
        s.store
            .transact(move |tx| {
                Ok(staff::end_session(
                    tx,
                    &th,
                    Some((&row, "wrong_password", ip.as_deref())),
                )?)
            })
            .await?;
        return Err(ApiError::unprocessable(
            "wrong_password",
            "the current password is wrong; you have been signed out",
        ));
    }
    let th = sess.token_hash;
    let ip = sess.source_ip.clone();
    s.store
        .transact(move |tx| staff::change_password(tx, &th, &hash, ip.as_deref()))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- staff accounts ----------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScopeQuery {
    /// The fiduciary; absent: the platform.
    pub fiduciary_id: Option<Uuid>,
}

/// Staff accounts whose home is the scope (`fiduciary_id`, or platform staff).
#[utoipa::path(get, path = "/v1/staff", tag = "staff", params(ScopeQuery),
    responses((status = 200, body = Vec<Object>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = [])))]
pub async fn list_staff(
    State(s): State<AppState>,
    sess: Session,
    Query(q): Query<ScopeQuery>,
) -> ApiResult<axum::Json<Vec<StaffView>>> {
    sess.require(
        Permission::StaffManage,
        scope_of(q.fiduciary_id),
        "fiduciary_not_found",
    )?;
    let all = s.store.read_conn(staff::all_staff).await?;
    Ok(axum::Json(
        all.iter()
            .filter(|r| r.fiduciary == q.fiduciary_id)
            .map(StaffView::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStaffRequest {
    /// 3-64 characters from `a-z 0-9 . _ - @` (kept lower case).
    pub username: String,
    /// The fiduciary the account belongs to; absent: platform staff.
    pub fiduciary_id: Option<Uuid>,
}

/// A new account and its one-time initial password.
#[derive(Serialize, ToSchema)]
pub struct NewStaff {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub staff: StaffView,
    /// Shown once; give it to the person by a separate channel.
    pub initial_password: String,
}

fn initial_password() -> String {
    use rand::RngCore;
    let mut b = [0u8; 15];
    rand::thread_rng().fill_bytes(&mut b);
    totp::base32_encode(&b).to_ascii_lowercase()
}

/// Creates a staff account with a random initial password (shown once). It holds no role until
/// one is granted.
#[utoipa::path(post, path = "/v1/staff", tag = "staff", request_body = CreateStaffRequest,
    responses((status = 201, body = NewStaff), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("session" = [])))]
pub async fn create_staff(
    State(s): State<AppState>,
    sess: Session,
    Json(req): Json<CreateStaffRequest>,
) -> ApiResult<Response> {
    let scope = scope_of(req.fiduciary_id);
    sess.require(Permission::StaffManage, scope, "fiduciary_not_found")?;
    staff::normalize_username(&req.username)?;
    let password = initial_password();
    let hash = s.staff.hash_password_bounded(password.clone()).await?;
    let initiator = sess.initiator();
    let v = s
        .store
        .transact(move |tx| {
            staff::create_staff(tx, &req.username, req.fiduciary_id, &hash, true, &initiator)
        })
        .await?;
    let location = format!("/v1/staff/{}", v.id);
    let mut res = (
        StatusCode::CREATED,
        axum::Json(NewStaff {
            staff: v,
            initial_password: password,
        }),
    )
        .into_response();
    if let Ok(l) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, l);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The account, checked against the session: 404 unless visible, then `p` in its home scope.
async fn target(s: &AppState, sess: &Session, id: Uuid, p: Permission) -> ApiResult<StaffRow> {
    let row = s
        .store
        .read_conn(move |c| staff::staff_by_id(c, id))
        .await?
        .filter(|r| sess.sees(r.home_scope()) || !sess.mfa_satisfied())
        .ok_or_else(|| ApiError::not_found("staff_not_found", "no such staff member"))?;
    sess.require(p, row.home_scope(), "staff_not_found")?;
    Ok(row)
}

/// A staff account with the roles it holds.
#[derive(Serialize, ToSchema)]
pub struct StaffDetail {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub staff: StaffView,
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<Grant>,
}

#[utoipa::path(get, path = "/v1/staff/{id}", tag = "staff", params(("id" = Uuid, Path)),
    responses((status = 200, body = StaffDetail), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = [])))]
pub async fn get_staff(
    State(s): State<AppState>,
    sess: Session,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<StaffDetail>> {
    let row = target(&s, &sess, id, Permission::StaffManage).await?;
    let rowid = row.rowid;
    let grants = s.store.read_conn(move |c| staff::grants(c, rowid)).await?;
    Ok(axum::Json(StaffDetail {
        staff: StaffView::from(&row),
        grants,
    }))
}

/// Disables an account: its sessions end and it cannot sign in. Not one's own.
#[utoipa::path(post, path = "/v1/staff/{id}/disable", tag = "staff", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("session" = [])))]
pub async fn disable_staff(
    State(s): State<AppState>,
    sess: Session,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<StaffView>> {
    let row = target(&s, &sess, id, Permission::StaffManage).await?;
    if row.id == sess.staff.id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "cannot_change_self",
            "you cannot disable your own account",
        ));
    }
    let initiator = sess.initiator();
    let ip = sess.source_ip.clone();
    let v = s
        .store
        .transact(move |tx| staff::disable_staff(tx, id, &initiator, ip.as_deref()))
        .await?;
    Ok(axum::Json(v))
}

// ---------- roles ----------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// `admin`, `dpo`, `auditor`, `operator` or a custom role's id.
    pub role: String,
    /// The scope of the grant; absent: the platform (platform staff only).
    pub fiduciary_id: Option<Uuid>,
}

async fn check_grant(
    s: &AppState,
    sess: &Session,
    id: Uuid,
    req: &GrantRequest,
    granting: bool,
) -> ApiResult<(RoleRef, Scope)> {
    let scope = scope_of(req.fiduciary_id);
    sess.require(Permission::RolesManage, scope, "fiduciary_not_found")?;
    let row = target(s, sess, id, Permission::RolesManage).await?;
    if row.id == sess.staff.id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "cannot_change_self",
            "you cannot change your own roles",
        ));
    }
    // A fiduciary's staff hold roles in that fiduciary only; platform staff anywhere.
    if let Some(home) = row.fiduciary
        && scope != Scope::Fiduciary(home)
    {
        return Err(ApiError::unprocessable(
            "invalid_scope",
            "a fiduciary's staff member can hold roles only in that fiduciary",
        ));
    }
    let role = RoleRef::parse(&req.role)
        .ok_or_else(|| ApiError::not_found("role_not_found", "no such role"))?;
    if let RoleRef::Custom(rid) = role {
        let custom = s
            .store
            .read_conn(move |c| staff::custom_role(c, rid))
            .await?
            .filter(|c| sess.sees(c.scope))
            .ok_or_else(|| ApiError::not_found("role_not_found", "no such role"))?;
        let fits = match custom.scope {
            Scope::Platform => true,
            other => other == scope,
        };
        if !fits {
            return Err(ApiError::unprocessable(
                "invalid_scope",
                "a fiduciary's custom role can be granted only in that fiduciary",
            ));
        }
        // No escalation through custom roles: grant only what you hold there yourself.
        if granting
            && !staff::role_permissions(role, scope, Some(&custom))
                .iter()
                .all(|p| sess.holds(*p, scope))
        {
            return Err(forbidden());
        }
    }
    // Separation of duties: a role that sees or destroys personal data in clear (DPO) is granted
    // only by someone who holds those powers there, or by a platform admin, never by a
    // fiduciary's Admin (who could otherwise create an account and promote it).
    if let RoleRef::Builtin(b) = role
        && granting
        && b.permissions(scope).iter().any(|p| {
            matches!(p, Permission::PiiUnmask | Permission::PrincipalErase)
                && !sess.holds(*p, scope)
        })
        && !sess.holds(Permission::RolesManage, Scope::Platform)
    {
        return Err(forbidden());
    }
    Ok((role, scope))
}

/// Grants a role in a scope; applies to the staff member's very next request. Audited as
/// `role.changed`.
#[utoipa::path(post, path = "/v1/staff/{id}/roles", tag = "staff", params(("id" = Uuid, Path)), request_body = GrantRequest,
    responses((status = 204, description = "Granted"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = [])))]
pub async fn grant_role(
    State(s): State<AppState>,
    sess: Session,
    Path(id): Path<Uuid>,
    Json(req): Json<GrantRequest>,
) -> ApiResult<StatusCode> {
    change(&s, &sess, id, &req, true).await
}

/// Revokes a role held in a scope; applies to the staff member's very next request.
#[utoipa::path(post, path = "/v1/staff/{id}/roles/revoke", tag = "staff", params(("id" = Uuid, Path)), request_body = GrantRequest,
    responses((status = 204, description = "Revoked"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = [])))]
pub async fn revoke_role(
    State(s): State<AppState>,
    sess: Session,
    Path(id): Path<Uuid>,
    Json(req): Json<GrantRequest>,
) -> ApiResult<StatusCode> {
    change(&s, &sess, id, &req, false).await
}

async fn change(
    s: &AppState,
    sess: &Session,
    id: Uuid,
    req: &GrantRequest,
    grant: bool,
) -> ApiResult<StatusCode> {
    let (role, scope) = check_grant(s, sess, id, req, grant).await?;
    let initiator = sess.initiator();
    let ip = sess.source_ip.clone();
    s.store
        .transact(move |tx| {
            staff::change_role(tx, id, role, scope, grant, &initiator, ip.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A role as listed: builtin or custom, with what it gives in the listed scope.
#[derive(Serialize, ToSchema)]
pub struct RoleView {
    /// What to pass as `role` when granting: the builtin name or the custom role's id.
    pub role: String,
    pub name: String,
    pub builtin: bool,
    /// Where a custom role is defined (builtin roles: everywhere).
    #[schema(value_type = Object)]
    pub scope: Option<Scope>,
    #[schema(value_type = Vec<String>)]
    pub permissions: BTreeSet<Permission>,
}

/// The roles that can be granted in the scope: the four builtin ones and the custom ones.
#[utoipa::path(get, path = "/v1/roles", tag = "staff", params(ScopeQuery),
    responses((status = 200, body = Vec<RoleView>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = [])))]
pub async fn list_roles(
    State(s): State<AppState>,
    sess: Session,
    Query(q): Query<ScopeQuery>,
) -> ApiResult<axum::Json<Vec<RoleView>>> {
    let scope = scope_of(q.fiduciary_id);
    sess.require(Permission::RolesManage, scope, "fiduciary_not_found")?;
    let mut out: Vec<RoleView> = BuiltinRole::ALL
        .iter()
        .map(|b| RoleView {
            role: b.as_str().into(),
            name: b.as_str().into(),
            builtin: true,
            scope: None,
            permissions: b.permissions(scope),
        })
        .collect();
    let customs = s.store.read_conn(staff::custom_roles).await?;
    out.extend(
        customs
            .into_iter()
            .filter(|c| c.scope == Scope::Platform || c.scope == scope)
            .map(|c| RoleView {
                role: c.id.to_string(),
                permissions: staff::role_permissions(RoleRef::Custom(c.id), scope, Some(&c)),
                name: c.name,
                builtin: false,
                scope: Some(c.scope),
            }),
    );
    Ok(axum::Json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoleRequest {
    pub name: String,
    /// Where the role is defined; absent: the platform.
    pub fiduciary_id: Option<Uuid>,
    /// Permission names (see docs/security.md), each held by you in that scope.
    pub permissions: Vec<String>,
}

/// Defines a custom role. Unknown permissions, `fiduciary.manage` outside the platform and
/// permissions the caller does not hold in the scope are refused.
#[utoipa::path(post, path = "/v1/roles", tag = "staff", request_body = CreateRoleRequest,
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = [])))]
pub async fn create_role(
    State(s): State<AppState>,
    sess: Session,
    Json(req): Json<CreateRoleRequest>,
) -> ApiResult<Response> {
    let scope = scope_of(req.fiduciary_id);
    sess.require(Permission::RolesManage, scope, "fiduciary_not_found")?;
    let mut perms = BTreeSet::new();
    for p in &req.permissions {
        perms.insert(p.parse::<Permission>().map_err(|_| {
            ApiError::unprocessable("unknown_permission", "unknown permission name")
        })?);
    }
    if perms.is_empty() {
        return Err(ApiError::unprocessable(
            "invalid_permissions",
            "a role needs at least one permission",
        ));
    }
    if scope != Scope::Platform && perms.contains(&Permission::FiduciaryManage) {
        return Err(ApiError::unprocessable(
            "invalid_permissions",
            "fiduciary.manage exists only at platform scope",
        ));
    }
    if !perms.iter().all(|p| sess.holds(*p, scope)) {
        return Err(forbidden());
    }
    let initiator = sess.initiator();
    let ip = sess.source_ip.clone();
    let role: CustomRole = s
        .store
        .transact(move |tx| {
            staff::create_role(tx, &req.name, scope, &perms, &initiator, ip.as_deref())
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(role)).into_response())
}

// ---------- reports ----------

/// Who holds which permission where.
#[derive(Serialize, ToSchema)]
pub struct Holding {
    pub staff_id: Uuid,
    /// Absent for platform staff in a fiduciary's report: a fiduciary's auditors see who holds
    /// platform roles by id and role only (a known username is half a guess at a password).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[schema(value_type = String)]
    pub permission: Permission,
    #[schema(value_type = Object)]
    pub scope: Scope,
    /// The role that gives it.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct AccessReport {
    #[schema(value_type = Object)]
    pub scope: Scope,
    /// Every permission held in the scope (grants at platform scope included: they cover it).
    pub holdings: Vec<Holding>,
    /// Every grant and revocation in the scope (and at platform scope), oldest first.
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<RoleChange>,
}

/// The access report: who holds which permission in the scope, and every change.
#[utoipa::path(get, path = "/v1/access/report", tag = "staff", params(ScopeQuery),
    responses((status = 200, body = AccessReport), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = [])))]
pub async fn access_report(
    State(s): State<AppState>,
    sess: Session,
    Query(q): Query<ScopeQuery>,
) -> ApiResult<axum::Json<AccessReport>> {
    let scope = scope_of(q.fiduciary_id);
    sess.require(Permission::AuditRead, scope, "fiduciary_not_found")?;
    let relevant = move |g: Scope| match scope {
        Scope::Platform => true,
        Scope::Fiduciary(_) => g == scope || g == Scope::Platform,
    };
    let (holdings, changes) = s
        .store
        .read_conn(move |c| {
            let mut holdings = Vec::new();
            let everyone = staff::all_staff(c)?;
            // In a fiduciary's report, platform staff are named by id and role only.
            let hidden: std::collections::HashSet<Uuid> = everyone
                .iter()
                .filter(|st| matches!(scope, Scope::Fiduciary(_)) && st.fiduciary.is_none())
                .map(|st| st.id)
                .collect();
            for st in everyone {
                if st.disabled {
                    continue;
                }
                for g in staff::grants(c, st.rowid)? {
                    if !relevant(g.scope) {
                        continue;
                    }
                    for p in &g.permissions {
                        holdings.push(Holding {
                            staff_id: st.id,
                            username: (!hidden.contains(&st.id)).then(|| st.username.clone()),
                            permission: *p,
                            scope: g.scope,
                            role: g.role.clone(),
                        });
                    }
                }
            }
            let changes: Vec<RoleChange> = staff::role_changes(c)?
                .into_iter()
                .filter(|ch| relevant(ch.scope))
                .map(|mut ch| {
                    if hidden.contains(&ch.staff_id) {
                        ch.username = None;
                    }
                    ch
                })
                .collect();
            Ok((holdings, changes))
        })
        .await?;
    Ok(axum::Json(AccessReport {
        scope,
        holdings,
        changes,
    }))
}

/// The fiduciary's audit entries for a signed-in staff member with `audit.read` there. The nil
/// id `00000000-0000-0000-0000-000000000000` names the platform's own entries (staff sign-ins,
/// platform role changes), readable with `audit.read` at platform scope.
#[utoipa::path(get, path = "/v1/fiduciaries/{fiduciary_id}/audit/entries", tag = "staff",
    params(("fiduciary_id" = Uuid, Path), crate::api::audit::EntryQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = [])))]
pub async fn audit_entries(
    State(s): State<AppState>,
    sess: Session,
    Path(fid): Path<Uuid>,
    Query(q): Query<crate::api::audit::EntryQuery>,
) -> ApiResult<axum::Json<Page<AuditEntry>>> {
    let scope = if fid.is_nil() {
        Scope::Platform
    } else {
        Scope::Fiduciary(fid)
    };
    sess.require(Permission::AuditRead, scope, "fiduciary_not_found")?;
    Ok(axum::Json(
        crate::api::audit::entries_page(&s, fid, q).await?,
    ))
}
