//! Rendering a page: the templates (`web/templates/*.html`, compiled into the binary, HTML
//! autoescaped), the visitor's language and direction, this response's CSP nonce and the CSRF
//! token, and the headers every page carries.

use super::i18n::{self, ENDONYMS};
use super::security::{self, CSRF_COOKIE, LANG_COOKIE};
use crate::AppState;
use anumodan_core::lang::Lang;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State};
use serde::Serialize;
use std::sync::OnceLock;

/// The templates, by name.
static TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../web/templates/base.html")),
    ("home.html", include_str!("../../web/templates/home.html")),
    ("error.html", include_str!("../../web/templates/error.html")),
    (
        "consent.html",
        include_str!("../../web/templates/consent.html"),
    ),
    (
        "dash-base.html",
        include_str!("../../web/templates/dash-base.html"),
    ),
    (
        "dash-sign-in.html",
        include_str!("../../web/templates/dash-sign-in.html"),
    ),
    (
        "dash-code.html",
        include_str!("../../web/templates/dash-code.html"),
    ),
    (
        "dash-hand-off.html",
        include_str!("../../web/templates/dash-hand-off.html"),
    ),
    (
        "dash-signed-out.html",
        include_str!("../../web/templates/dash-signed-out.html"),
    ),
    (
        "dash-consents.html",
        include_str!("../../web/templates/dash-consents.html"),
    ),
    (
        "dash-consent.html",
        include_str!("../../web/templates/dash-consent.html"),
    ),
    (
        "dash-inbox.html",
        include_str!("../../web/templates/dash-inbox.html"),
    ),
    (
        "dash-cases.html",
        include_str!("../../web/templates/dash-cases.html"),
    ),
    (
        "dash-case.html",
        include_str!("../../web/templates/dash-case.html"),
    ),
    (
        "widget-demo.html",
        include_str!("../../web/templates/widget-demo.html"),
    ),
];

/// The template environment, built once. `t("key", name=value, ...)` is a message in the
/// page's language (`lang` in the context).
pub fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, src) in TEMPLATES {
            env.add_template(name, src)
                .unwrap_or_else(|e| panic!("template {name}: {e}"));
        }
        env.add_function("t", translate);
        env
    })
}

fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "en".into());
    let mut args: Vec<(String, fluent_bundle::FluentValue<'static>)> = vec![];
    for k in kwargs.args() {
        let v: Value = kwargs.get(k)?;
        let fv = if let Some(n) = v.as_i64() {
            fluent_bundle::FluentValue::from(n)
        } else {
            fluent_bundle::FluentValue::from(v.to_string())
        };
        args.push((k.to_string(), fv));
    }
    let borrowed: Vec<(&str, fluent_bundle::FluentValue<'_>)> =
        args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    Ok(i18n::catalog().text(&lang, key, &borrowed))
}

/// What every page knows about its request: the language, a fresh CSP nonce and the CSRF
/// token (from the visitor's cookie, or a new one that the response sets).
#[derive(Clone, Debug)]
pub struct PageCtx {
    pub lang: Lang,
    pub nonce: String,
    pub csrf: String,
    /// The CSRF cookie must be set by this response (the visitor had none).
    pub new_csrf: bool,
    /// The visitor chose the language with `?lang=`: remember it in a cookie.
    pub chose_lang: bool,
    /// Cookies get `Secure` (served over TLS, or so configured).
    pub secure: bool,
    /// The request's path (for the language switcher's links).
    pub path: String,
}

impl PageCtx {
    /// The language from `?lang=`, else the `anm_lang` cookie, else the first of
    /// `Accept-Language` we have, else English.
    pub fn from_headers(
        headers: &HeaderMap,
        query: Option<&str>,
        path: &str,
        secure: bool,
    ) -> PageCtx {
        let from_query = query.and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Lang::parse(&v))
        });
        let chose_lang = from_query.is_some();
        let lang = from_query
            .or_else(|| {
                crate::session::cookie_value(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v))
            })
            .or_else(|| accept_language(headers))
            .unwrap_or_else(|| Lang::parse("en").expect("en"));
        let existing = crate::session::cookie_value(headers, CSRF_COOKIE).filter(|v| {
            v.len() == 43
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        let new_csrf = existing.is_none();
        PageCtx {
            lang,
            nonce: security::random_token(16),
            csrf: existing.unwrap_or_else(|| security::random_token(32)),
            new_csrf,
            chose_lang,
            secure,
            path: path.to_string(),
        }
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::catalog().text(self.lang.as_str(), key, &[])
    }
}

/// The first language of `Accept-Language` that we have (by primary subtag; quality values are
/// read in order of appearance, as browsers send them sorted).
fn accept_language(headers: &HeaderMap) -> Option<Lang> {
    let v = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    v.split(',')
        .filter_map(|part| {
            let tag = part.split(';').next()?.trim();
            let primary = tag.split('-').next()?;
            Lang::parse(primary)
        })
        .next()
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageCtx::from_headers(
            &parts.headers,
            parts.uri.query(),
            parts.uri.path(),
            state.staff.secure_cookies,
        ))
    }
}

/// A rendered page, with its status and its policy's extra allowances.
pub struct Page {
    pub status: StatusCode,
    pub html: String,
    pub ctx: PageCtx,
    /// Origins forms may be redirected to (CSP `form-action`).
    pub form_targets: Vec<String>,
    /// Origins that may frame the page (CSP `frame-ancestors`; none by default).
    pub frame_ancestors: Vec<String>,
    /// Extra `Set-Cookie` values.
    pub cookies: Vec<String>,
}

#[derive(Serialize)]
struct LangLink {
    code: &'static str,
    name: &'static str,
    current: bool,
}

/// Renders `template` with the common context (`lang`, `dir`, `nonce`, `csrf`, `languages`,
/// `path`) and `data` merged in.
pub fn render(ctx: &PageCtx, template: &str, data: Value) -> Page {
    render_status(ctx, StatusCode::OK, template, data)
}

pub fn render_status(ctx: &PageCtx, status: StatusCode, template: &str, data: Value) -> Page {
    let languages: Vec<LangLink> = ENDONYMS
        .iter()
        .map(|(code, name)| LangLink {
            code,
            name,
            current: *code == ctx.lang.as_str(),
        })
        .collect();
    let common = minijinja::context! {
        lang => ctx.lang.as_str(),
        dir => if ctx.lang.is_rtl() { "rtl" } else { "ltr" },
        nonce => &ctx.nonce,
        csrf => &ctx.csrf,
        languages => Value::from(minijinja::value::Serde(&languages)),
        path => &ctx.path,
        css_version => css_version(),
    };
    let merged = minijinja::context! { ..data, ..common };
    let html = env()
        .get_template(template)
        .and_then(|t| t.render(merged))
        .unwrap_or_else(|e| {
            tracing::error!(template, error = %e, "a page did not render");
            format!(
                "<!doctype html><title>Error</title><p>{}</p>",
                ctx.t("error-generic")
            )
        });
    Page {
        status,
        html,
        ctx: ctx.clone(),
        form_targets: vec![],
        frame_ancestors: vec![],
        cookies: vec![],
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut res = (self.status, self.html).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        let csp = security::page_csp(&self.ctx.nonce, &self.form_targets, &self.frame_ancestors);
        if let Ok(v) = HeaderValue::from_str(&csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        // Pages may show personal data: no cache keeps them.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(
            header::VARY,
            HeaderValue::from_static("Cookie, Accept-Language"),
        );
        let mut cookies = self.cookies;
        if self.ctx.new_csrf {
            cookies.push(security::cookie(
                CSRF_COOKIE,
                &self.ctx.csrf,
                "Strict",
                self.ctx.secure,
                None,
            ));
        }
        if self.ctx.chose_lang {
            cookies.push(security::cookie(
                LANG_COOKIE,
                self.ctx.lang.as_str(),
                "Lax",
                self.ctx.secure,
                Some(365 * 86_400),
            ));
        }
        for c in cookies {
            if let Ok(v) = HeaderValue::from_str(&c) {
                h.append(header::SET_COOKIE, v);
            }
        }
        res
    }
}

/// The stylesheet, compiled in.
pub const APP_CSS: &str = include_str!("../../web/static/app.css");

/// A short hash of the stylesheet, in its URL so a new release is fetched at once while the
/// browser may cache it for a year.
pub fn css_version() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| {
        use sha2::Digest;
        hex_prefix(&sha2::Sha256::digest(APP_CSS.as_bytes()))
    })
}

fn hex_prefix(d: &[u8]) -> String {
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every template compiles and the home page renders in every language.
    #[test]
    fn every_template_compiles_and_renders() {
        let env = env();
        for (name, _) in TEMPLATES {
            env.get_template(name).unwrap();
        }
        for code in anumodan_core::lang::LANGUAGES {
            let ctx =
                PageCtx::from_headers(&HeaderMap::new(), Some(&format!("lang={code}")), "/", false);
            let page = render(&ctx, "home.html", minijinja::context! {});
            assert!(
                page.html.contains(&format!("<html lang=\"{code}\"")),
                "{code}"
            );
            assert!(!page.html.contains("home-title"), "{code}: a key was shown");
        }
    }
}
