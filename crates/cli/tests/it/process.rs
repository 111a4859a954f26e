//! The `anumodan` binary as a subprocess: help and version, offline administration,
//! configuration precedence, durability of acknowledged changes under SIGKILL, the data
//! directory lock, the demo, the benchmark, logs without personal data, and a node killed while
//! sending the outbox, webhooks or e-mail. (The process helpers are in the harness: `Proc`,
//! `serve`, ...)

mod commands;
mod demo;
mod durability;
mod logs;
mod notifications;
mod outbox;
