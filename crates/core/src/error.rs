//! Domain errors: each has a stable machine-readable `code` that the API returns as is.

use thiserror::Error;

/// What kind of failure, which the HTTP layer maps to a status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed or breaks a rule about its own content (422).
    Invalid,
    /// The thing named does not exist for this fiduciary (404).
    NotFound,
    /// The request is well formed but conflicts with the current state (409).
    Conflict,
    /// The caller may not do this (403 `forbidden`), e.g. give a key a scope it lacks itself.
    Forbidden,
    /// The content is larger than allowed (413), e.g. an attachment.
    TooLarge,
    /// The content's type is not accepted (415), e.g. an attachment's.
    UnsupportedMediaType,
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{message}")]
pub struct DomainError {
    pub kind: ErrorKind,
    /// Stable, machine-readable code (`snake_case`), part of the public API.
    pub code: &'static str,
    /// A human message; never contains personal data.
    pub message: String,
}

impl DomainError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        DomainError {
            kind: ErrorKind::Invalid,
            code,
            message: message.into(),
        }
    }
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        DomainError {
            kind: ErrorKind::NotFound,
            code,
            message: message.into(),
        }
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        DomainError {
            kind: ErrorKind::Conflict,
            code,
            message: message.into(),
        }
    }
    /// The code is always `forbidden`, as for a missing scope.
    pub fn forbidden(message: impl Into<String>) -> Self {
        DomainError {
            kind: ErrorKind::Forbidden,
            code: "forbidden",
            message: message.into(),
        }
    }
}

pub type DomainResult<T> = std::result::Result<T, DomainError>;

/// What every use case and every store operation fails with: a rule of the domain said no
/// (answered with the error's code), or storage failed (answered by its kind). Handlers take it
/// with one `?`: no `Result` inside a `Result`.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] crate::ports::StoreError),
}

pub type Result<T> = std::result::Result<T, Error>;
