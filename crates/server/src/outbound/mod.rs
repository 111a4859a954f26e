//! Outbound calls to endpoints that fiduciaries give us (webhooks).

pub mod signature;

pub use signature::{WebhookSecret, headers, sign};
