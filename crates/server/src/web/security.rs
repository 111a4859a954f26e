//! What keeps the pages safe: a Content-Security-Policy with a fresh nonce per response and no
//! inline script, a CSRF token on every form, and the cookies' attributes.
//!
//! CSRF: the double-submit pattern with an `HttpOnly`, `SameSite=Strict` cookie
//! (`anm_csrf`, 32 random bytes) whose value every form carries in a hidden `csrf` field; a
//! POST whose field does not match the cookie (compared in constant time), or that the browser
//! marks as cross-site (`Sec-Fetch-Site: cross-site`), is refused with 403 before anything is
//! read or written. The cookie is set by the first page that shows a form.

use axum::http::HeaderMap;
use base64::Engine;
use rand::RngCore;
use subtle::ConstantTimeEq;

/// The CSRF cookie's name.
pub const CSRF_COOKIE: &str = "anm_csrf";
/// The language cookie's name (set when the visitor picks a language).
pub const LANG_COOKIE: &str = "anm_lang";

/// `n` random bytes, base64url without padding.
pub fn random_token(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Whether a form POST carries the CSRF token of its cookie and was not sent cross-site.
pub fn csrf_ok(headers: &HeaderMap, form_token: &str) -> bool {
    if cross_site(headers) {
        return false;
    }
    let Some(cookie) = crate::session::cookie_value(headers, CSRF_COOKIE) else {
        return false;
    };
    !form_token.is_empty()
        && cookie.len() == form_token.len()
        && bool::from(cookie.as_bytes().ct_eq(form_token.as_bytes()))
}

/// Whether the browser marks the request as sent from another site (`Sec-Fetch-Site`).
pub fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
}

/// A `Set-Cookie` value: `HttpOnly`, `Path=/`, the given `SameSite`, `Secure` when served over
/// TLS (or configured so), and a lifetime (`None`: a session cookie; `Some(0)`: delete it).
pub fn cookie(
    name: &str,
    value: &str,
    same_site: &str,
    secure: bool,
    max_age: Option<i64>,
) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// The Content-Security-Policy of a page: nothing but our own styles and images, scripts only
/// with this response's nonce, forms posting only to us (and to `form_targets`, the origins a
/// form may be redirected to, such as a fiduciary's allow-listed return address), and framing
/// only by `frame_ancestors` (`'none'` unless a fiduciary allows embedding).
pub fn page_csp(nonce: &str, form_targets: &[String], frame_ancestors: &[String]) -> String {
    let mut form_action = String::from("'self'");
    for t in form_targets {
        form_action.push(' ');
        form_action.push_str(t);
    }
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_string()
    } else {
        frame_ancestors.join(" ")
    };
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action {form_action}; base-uri 'none'; \
         frame-ancestors {ancestors}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(cookie: &str, site: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("cookie", HeaderValue::from_str(cookie).unwrap());
        if let Some(s) = site {
            h.insert("sec-fetch-site", HeaderValue::from_str(s).unwrap());
        }
        h
    }

    #[test]
    fn csrf_needs_the_cookie_s_value_and_a_same_site_request() {
        let h = headers("a=b; anm_csrf=tok123", Some("same-origin"));
        assert!(csrf_ok(&h, "tok123"));
        assert!(!csrf_ok(&h, "tok124"));
        assert!(!csrf_ok(&h, ""));
        assert!(!csrf_ok(
            &headers("anm_csrf=tok123", Some("cross-site")),
            "tok123"
        ));
        assert!(!csrf_ok(&headers("other=tok123", None), "tok123"));
        assert!(csrf_ok(&headers("anm_csrf=tok123", None), "tok123"));
    }

    #[test]
    fn the_policy_allows_no_inline_script_and_no_framing_by_default() {
        let p = page_csp("abc", &[], &[]);
        assert!(p.contains("script-src 'nonce-abc'"));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("frame-ancestors 'none'"));
        let p = page_csp(
            "abc",
            &["https://shop.example".into()],
            &["https://shop.example".into()],
        );
        assert!(p.contains("form-action 'self' https://shop.example"));
        assert!(p.contains("frame-ancestors https://shop.example"));
    }
}
