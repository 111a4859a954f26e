//! RFC 9457 problem details. Every error the API returns has this shape and a stable `code`.

use anumodan_core::usecases;
use anumodan_core::{DomainError, ErrorKind};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem details object (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:anumodan:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    /// Human-readable explanation of this occurrence (never contains personal data).
    pub detail: String,
    /// Stable machine-readable code, e.g. `missing_decision`.
    pub code: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub detail: String,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_string(),
            detail: detail.into(),
            retry_after: None,
        }
    }
    pub fn bad_request(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }
    pub fn unprocessable(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }
    pub fn not_found(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, detail)
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid API key is required: Authorization: Bearer <key>",
        )
    }
    pub fn unavailable(detail: impl Into<String>) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            detail,
        );
        e.retry_after = Some(1);
        e
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let status = match e.kind {
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        };
        ApiError::new(status, e.code, e.message)
    }
}

impl From<usecases::Error> for ApiError {
    fn from(e: usecases::Error) -> Self {
        match e {
            usecases::Error::Domain(d) => d.into(),
            usecases::Error::Store(s) => s.into(),
        }
    }
}

/// The one mapping of storage failures to answers (docs/architecture.md, decision 29). The
/// error's message goes to the log only: it may name tables or values, never a client.
///
/// | kind        | status | code                  | Retry-After |
/// |-------------|--------|-----------------------|-------------|
/// | Unavailable | 503    | `storage_unavailable` | 1           |
/// | Conflict    | 503    | `storage_unavailable` | 1           |
/// | NotFound    | 404    | `not_found`           |             |
/// | Corrupt     | 500    | `internal_error`      |             |
/// | Internal    | 500    | `internal_error`      |             |
///
/// A conflict is a concurrent change that won a race the use case could not see (a unique key
/// taken meanwhile, a serialisation failure): nothing was committed and the same request
/// retried meets the new state, so it is answered like an outage, to retry.
impl From<anumodan_core::ports::StoreError> for ApiError {
    fn from(s: anumodan_core::ports::StoreError) -> Self {
        use anumodan_core::ports::StoreErrorKind as K;
        match s.kind {
            K::Unavailable | K::Conflict => {
                tracing::error!(error = %s, "storage error");
                ApiError::unavailable(
                    "the store could not complete the request; nothing was changed, try again",
                )
            }
            K::NotFound => {
                tracing::warn!(error = %s, "storage: a row the request needs is missing");
                ApiError::not_found("not_found", "not found")
            }
            K::Corrupt | K::Internal => {
                tracing::error!(error = %s, "storage error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the request could not be completed; nothing was changed",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let title = self
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string();
        let body = Problem {
            type_: format!("urn:anumodan:problem:{}", self.code),
            title,
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code,
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use anumodan_core::ports::StoreError;

    #[test]
    fn each_storage_kind_has_one_answer() {
        let answer = |e: StoreError| {
            let a = ApiError::from(e);
            (a.status.as_u16(), a.code, a.retry_after)
        };
        let retry = (503, "storage_unavailable".to_string(), Some(1));
        assert_eq!(answer(StoreError::unavailable("down")), retry);
        assert_eq!(answer(StoreError::conflict("raced")), retry);
        assert_eq!(
            answer(StoreError::not_found("fiduciary x")),
            (404, "not_found".into(), None)
        );
        for e in [StoreError::corrupt("bad json"), StoreError::internal("bug")] {
            assert_eq!(answer(e), (500, "internal_error".into(), None));
        }
        // Through the use-case error too, and the message never reaches the client.
        let a = ApiError::from(usecases::Error::Store(StoreError::corrupt(
            "secret-ish detail",
        )));
        assert!(!a.detail.contains("secret"));
    }
}
