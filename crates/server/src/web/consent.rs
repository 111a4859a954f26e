//! The hosted consent page (`/consent/{id}/{token}`, docs/web.md): a fiduciary's consent
//! request shown to its principal, whose form records the decision through
//! `anumodan_core::consent_page::submit` and returns to the fiduciary.
//!
//! The page has no credential but its token; its form's CSRF field is bound to that token
//! (`consent_page::form_token`) instead of the `anm_csrf` cookie, so it also works in a
//! cross-site frame (where browsers withhold `SameSite` cookies). Its CSP lets the form go to
//! the request's return origin and lets the fiduciary's `frame_ancestors` frame it.

use super::i18n::ENDONYMS;
use super::page::{Page, PageCtx, render, render_status};
use super::{FormBody, error_page};
use crate::AppState;
use anumodan_core::consent_page::{self, Choices, Opened};
use anumodan_core::error::DomainError;
use anumodan_core::lang::Lang;
use anumodan_core::model::Decision;
use anumodan_core::usecases;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// At most this many fields in a submission beyond one per purpose.
const EXTRA_FIELDS: usize = 8;

#[derive(Serialize)]
struct LangLink {
    code: &'static str,
    name: &'static str,
    current: bool,
}

/// The id and token of the path, if they could be a request's (else the page is unknown).
fn parse_path(id: &str, token: &str) -> Option<Uuid> {
    if token.len() != consent_page::TOKEN_LEN
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    Uuid::parse_str(id).ok()
}

/// The page's error for a use case's refusal: 404 unknown, 410 used, expired or no longer
/// answerable; a storage failure is a 503.
fn refusal(ctx: &PageCtx, e: &usecases::Error) -> Page {
    match e {
        usecases::Error::Domain(d) => match d.code {
            "consent_request_used" => error_page(ctx, StatusCode::GONE, "consent-error-used"),
            "consent_request_expired" => error_page(ctx, StatusCode::GONE, "consent-error-expired"),
            "consent_request_not_found" => {
                error_page(ctx, StatusCode::NOT_FOUND, "consent-error-unknown")
            }
            _ => error_page(ctx, StatusCode::GONE, "consent-error-unavailable"),
        },
        usecases::Error::Store(_) => {
            error_page(ctx, StatusCode::SERVICE_UNAVAILABLE, "error-generic")
        }
    }
}

/// The language to show: `?lang=` when the visitor chose one, else the request's, else the
/// visitor's; always one the notice version has (English, else its first, otherwise).
fn pick_language(ctx: &PageCtx, opened: &Opened) -> Lang {
    let has = |l: &Lang| opened.notice.texts.contains_key(l);
    let wanted = if ctx.chose_lang {
        Some(ctx.lang.clone())
    } else {
        opened.request.language.clone().or(Some(ctx.lang.clone()))
    };
    wanted
        .filter(has)
        .or_else(|| opened.request.language.clone().filter(has))
        .or_else(|| Lang::parse("en").filter(has))
        .or_else(|| opened.notice.texts.keys().next().cloned())
        .unwrap_or_else(|| ctx.lang.clone())
}

/// Renders the page for an opened request in `lang`, with the choices already made and
/// whether to say that some purpose is undecided.
fn page(
    ctx: &PageCtx,
    opened: &Opened,
    token: &str,
    status: StatusCode,
    chosen: &BTreeMap<String, Decision>,
) -> Page {
    let lang = pick_language(ctx, opened);
    let mut ctx = ctx.clone();
    ctx.lang = lang.clone();
    let Some(notice) = opened.notice.render(&lang) else {
        return error_page(&ctx, StatusCode::GONE, "consent-error-unavailable");
    };
    let languages: Vec<LangLink> = ENDONYMS
        .iter()
        .filter(|(code, _)| Lang::parse(code).is_some_and(|l| opened.notice.texts.contains_key(&l)))
        .map(|(code, name)| LangLink {
            code,
            name,
            current: *code == lang.as_str(),
        })
        .collect();
    let chosen: BTreeMap<&str, &str> = chosen
        .iter()
        .map(|(k, d)| {
            let v = match d {
                Decision::Granted => "granted",
                Decision::Denied => "denied",
            };
            (k.as_str(), v)
        })
        .collect();
    let data = minijinja::context! {
        notice => minijinja::Value::from(minijinja::value::Serde(&notice)),
        text_hash => opened.notice.text_hashes.get(&lang).cloned().unwrap_or_default(),
        guardian => opened.request.requires_guardian,
        form_csrf => consent_page::form_token(token),
        chosen => chosen,
        error => status == StatusCode::UNPROCESSABLE_ENTITY,
        // Only the languages of this notice version (this overrides the common list).
        languages => minijinja::Value::from(minijinja::value::Serde(&languages)),
    };
    let mut p = if status == StatusCode::OK {
        render(&ctx, "consent.html", data)
    } else {
        render_status(&ctx, status, "consent.html", data)
    };
    p.form_targets = vec![opened.return_origin.clone()];
    p.frame_ancestors = opened.frame_ancestors.clone();
    p
}

/// `GET /consent/{id}/{token}`: the notice and the form.
pub async fn show(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path((id, token)): Path<(String, String)>,
) -> Page {
    let Some(id) = parse_path(&id, &token) else {
        return error_page(&ctx, StatusCode::NOT_FOUND, "consent-error-unknown");
    };
    let loopback = s.outbound.allow_loopback;
    let t = token.clone();
    match s
        .store
        .transact(move |tx| consent_page::open_request(tx, id, &t, loopback))
        .await
    {
        Ok(opened) => page(&ctx, &opened, &token, StatusCode::OK, &BTreeMap::new()),
        Err(e) => refusal(&ctx, &e),
    }
}

/// `POST /consent/{id}/{token}`: records the decision and returns to the fiduciary (303), or
/// shows the form again (422) when a purpose was left undecided.
pub async fn submit(
    State(s): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (ctx, form) = match FormBody::read(req, &s).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let Some(id) = parse_path(&id, &token) else {
        return error_page(&ctx, StatusCode::NOT_FOUND, "consent-error-unknown").into_response();
    };
    if !consent_page::form_token_ok(&token, form.get("csrf").unwrap_or("")) {
        return error_page(&ctx, StatusCode::FORBIDDEN, "error-csrf").into_response();
    }
    let mut each = BTreeMap::new();
    for (k, v) in &form.pairs {
        if let Some(code) = k.strip_prefix("purpose-") {
            let d = match v.as_str() {
                "granted" => Decision::Granted,
                "denied" => Decision::Denied,
                _ => continue,
            };
            each.insert(code.to_string(), d);
        }
    }
    let choices = match form.get("all") {
        Some("granted") => Choices::All(Decision::Granted),
        Some("denied") => Choices::All(Decision::Denied),
        _ => Choices::Each(each.clone()),
    };
    let lang = form
        .get("lang")
        .and_then(Lang::parse)
        .unwrap_or_else(|| ctx.lang.clone());
    let loopback = s.outbound.allow_loopback;
    let t = token.clone();
    let fields = form.pairs.len();
    let result = s
        .store
        .transact(move |tx| {
            // Bound what a visitor without credentials can send: one field per purpose and a
            // few more.
            let opened = consent_page::open_request(tx, id, &t, loopback)?;
            if fields > opened.notice.purposes.len() + EXTRA_FIELDS {
                return Err(DomainError::invalid("too_many_fields", "too many fields").into());
            }
            consent_page::submit(tx, id, &t, lang, choices, loopback)
        })
        .await;
    match result {
        Ok(done) => {
            let to = consent_page::return_address(&done);
            let mut res = StatusCode::SEE_OTHER.into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&to) {
                h.insert(header::LOCATION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
            res
        }
        Err(usecases::Error::Domain(d)) if d.code == "too_many_fields" => {
            error_page(&ctx, StatusCode::PAYLOAD_TOO_LARGE, "error-form").into_response()
        }
        Err(usecases::Error::Domain(d))
            if matches!(
                d.code,
                "missing_decision" | "unknown_purpose" | "language_not_in_notice"
            ) =>
        {
            // Show the form again, with what was chosen, saying what is missing.
            let t = token.clone();
            match s
                .store
                .transact(move |tx| consent_page::open_request(tx, id, &t, loopback))
                .await
            {
                Ok(opened) => page(
                    &ctx,
                    &opened,
                    &token,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &each,
                )
                .into_response(),
                Err(e) => refusal(&ctx, &e).into_response(),
            }
        }
        Err(e) => refusal(&ctx, &e).into_response(),
    }
}
