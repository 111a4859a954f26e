//! The outermost layer of every request: per-IP rate limit, URI length limit and the security
//! headers of every response (errors and 404s included).

use crate::error::ApiError;
use crate::ratelimit::RateLimits;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// The Content-Security-Policy of every response. The API only serves JSON, so nothing may be
/// loaded or framed; HTML pages, when there are some, need their own policy, set here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Sent only when the server terminates TLS itself: two years, subdomains included.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";

/// Longest accepted path and query, in bytes (longer: 414 `uri_too_long`).
pub const MAX_URI_BYTES: usize = 8 * 1024;

#[derive(Clone)]
pub struct Protect {
    pub limits: Arc<RateLimits>,
    pub hsts: bool,
    /// Cookies of a refusal page (its CSRF token) are `Secure` (`session::StaffSettings`).
    pub secure_cookies: bool,
    /// Requests refused here are counted (`metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// `max_body_bytes`: a declared `Content-Length` above it is refused before the body is read.
    pub max_body: usize,
}

/// The dashboard's sign-in forms (`/me/{fiduciary}/sign-in` and `.../sign-in/verify`), limited
/// like the API's sign-in routes.
fn is_page_signin(path: &str) -> bool {
    path.strip_prefix("/me/")
        .is_some_and(|rest| rest.ends_with("/sign-in") || rest.ends_with("/sign-in/verify"))
}

pub async fn layer(State(p): State<Protect>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_v1 = path == "/v1" || path.starts_with("/v1/");
    // The probes are exempt from the per-address limit: they touch nothing (`/readyz` reads
    // the store at most once a second), and a load balancer's probe must not fail because a
    // client behind the same address is throttled.
    let is_health = path == "/healthz" || path == "/readyz";
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());

    // /healthz is exempt from the per-IP limit: it touches nothing, and a load balancer's probe
    // must not fail because a client behind the same address is throttled.
    let is_signin = req.method() == axum::http::Method::POST
        && (matches!(
            path,
            "/v1/session"
                | "/v1/session/mfa"
                | "/v1/principal-signin/start"
                | "/v1/principal-signin/verify"
                | "/me/hand-off"
        ) || is_page_signin(path));
    let early = match ip {
        Some(ip) if !is_health => p
            .limits
            .check_ip(ip)
            .and_then(|()| {
                if is_signin {
                    p.limits.check_signin(ip)
                } else {
                    Ok(())
                }
            })
            .err(),
        _ => None,
    }
    .or_else(|| {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        // A case's attachment (`POST .../attachments`) has its own, larger limit; the handler
        // enforces it again while reading a body sent without a length.
        let attachment = req.method() == axum::http::Method::POST
            && (path.starts_with("/v1/me/cases/") || path.starts_with("/v1/cases/"))
            && path.ends_with("/attachments");
        let (limit, code) = if attachment {
            (
                anumodan_core::cases::usecases::ATTACHMENT_MAX_BYTES,
                "attachment_too_large",
            )
        } else {
            (p.max_body, "body_too_large")
        };
        declared.filter(|n| *n > limit as u64).map(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                code,
                format!("the request body is larger than {limit} bytes"),
            )
        })
    })
    .or_else(|| {
        (uri_len > MAX_URI_BYTES).then(|| {
            ApiError::new(
                StatusCode::URI_TOO_LONG,
                "uri_too_long",
                format!("the path and query are longer than {MAX_URI_BYTES} bytes"),
            )
        })
    });
    // A page (not the API, not the banner's script) is refused with a page.
    let is_page = !is_v1 && !is_health && !path.starts_with("/widget/");
    if let Some(e) = &early {
        p.metrics.refused_early(req.method(), e.status.as_u16());
    }
    let mut res = match early {
        Some(e) if is_page => {
            crate::web::refusal_page(req.headers(), req.uri(), e, p.secure_cookies)
        }
        Some(e) => e.into_response(),
        None => next.run(req).await,
    };

    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    // A page sets its own policy (a nonce for its scripts, `frame-ancestors` per fiduciary:
    // `web::security::page_csp`); everything else gets the API's, which allows nothing.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
        set(h, header::X_FRAME_OPTIONS, "DENY");
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    if p.hsts {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            STRICT_TRANSPORT_SECURITY,
        );
    }
    // /v1 answers hold personal data: no cache may keep them.
    if is_v1 {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}
