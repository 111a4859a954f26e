//! The pages people look at: server-rendered HTML that works without JavaScript, in English and
//! the 22 Eighth Schedule languages (docs/web.md).
//!
//! - `i18n`: the messages, one Fluent file per language and part (`web/locales/`).
//! - `page`: the templates (`web/templates/`), the request's language, CSP nonce and CSRF
//!   token, and the headers every page carries.
//! - `security`: the page CSP, the CSRF check, cookie attributes.
//!
//! Pages call the same `core` use cases as the JSON API; a handler here reads a form, calls
//! one, and renders. Nothing here writes SQL.

pub mod consent;
pub mod dashboard;
pub mod i18n;
pub mod page;
pub mod security;
pub mod widget;

use crate::AppState;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use page::{PageCtx, render, render_status};

/// The pages' routes (merged beside the API's).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(app_css))
        .route(
            "/consent/{id}/{token}",
            get(consent::show).post(consent::submit),
        )
        .merge(dashboard::routes())
        .merge(widget::routes())
}

async fn home(ctx: PageCtx) -> page::Page {
    render(&ctx, "home.html", minijinja::context! {})
}

/// The stylesheet: cached for a year (its URL carries its hash, see `page::css_version`).
async fn app_css() -> Response {
    let mut res = page::APP_CSS.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}

/// An error page in the visitor's language: `message` is a message key.
pub fn error_page(ctx: &PageCtx, status: StatusCode, message: &str) -> page::Page {
    render_status(
        ctx,
        status,
        "error.html",
        minijinja::context! { status => status.as_u16(), message => ctx.t(message) },
    )
}

/// A refusal made before a page's handler ran (the per-address and sign-in rate limits, a
/// body or address too long: `protect::layer`), as an error page in the visitor's language
/// rather than the API's JSON, with the same status and `Retry-After`.
pub fn refusal_page(
    headers: &axum::http::HeaderMap,
    uri: &axum::http::Uri,
    e: crate::error::ApiError,
    secure: bool,
) -> Response {
    let ctx = PageCtx::from_headers(headers, uri.query(), uri.path(), secure);
    let key = match e.status.as_u16() {
        429 => "dash-error-too-many",
        400 | 413 | 414 => "dash-error-input",
        _ => "error-generic",
    };
    let mut res = error_page(&ctx, e.status, key).into_response();
    if let Some(v) = e
        .retry_after
        .and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// A form POST's fields, read only after its CSRF token was checked (see `security`). A field
/// may repeat (checkboxes): [`FormBody::all`] reads every value.
pub struct FormBody {
    pub pairs: Vec<(String, String)>,
}

impl FormBody {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl FormBody {
    /// Reads a form POST's fields without checking a CSRF cookie, for a page whose form is
    /// protected otherwise (the hosted consent page, which works in a cross-site frame where
    /// browsers withhold `SameSite` cookies: see `consent`). A POST the browser marks as sent
    /// cross-site is refused all the same.
    pub async fn read(req: Request, state: &AppState) -> Result<(PageCtx, FormBody), Response> {
        let ctx = PageCtx::from_headers(
            req.headers(),
            req.uri().query(),
            req.uri().path(),
            state.staff.secure_cookies,
        );
        let headers = req.headers();
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(
                error_page(&ctx, StatusCode::UNSUPPORTED_MEDIA_TYPE, "error-form").into_response(),
            );
        }
        if security::cross_site(headers) {
            return Err(error_page(&ctx, StatusCode::FORBIDDEN, "error-csrf").into_response());
        }
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| {
                error_page(&ctx, StatusCode::PAYLOAD_TOO_LARGE, "error-form").into_response()
            })?;
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Ok((ctx, FormBody { pairs }))
    }
}

impl FromRequest<AppState> for FormBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let (ctx, body) = FormBody::read(req, state).await?;
        if !security::csrf_ok(&headers, body.get("csrf").unwrap_or("")) {
            return Err(error_page(&ctx, StatusCode::FORBIDDEN, "error-csrf").into_response());
        }
        Ok(body)
    }
}
