//! The harness every area's tests run on.
//!
//! - [`TestServer`] (`server.rs`): a real server on a temporary data directory and a loopback
//!   port, with a manual clock; on PostgreSQL when `ANUMODAN_TEST_DATABASE_URL` is set
//!   (`pg.rs`), its data directory then a schema of its own (`db.rs` reads either directly).
//! - One typed client per audience (`clients/`): [`FiduciaryClient`] with an API key (a
//!   `TestServer` dereferences to its own fiduciary's), [`PrincipalClient`] with a principal
//!   token, [`StaffClient`] with a console session.
//! - The standard catalogues and request bodies (`catalog.rs`), reading answers
//!   (`answers.rs`), bounded polling (`wait.rs`).
//! - The ledger (`ledger.rs`): one set of helpers for its entries, checkpoints, proofs, key,
//!   principal index and the `audit` commands.
//! - The binary as a subprocess (`cli.rs`), the outbox (`outbox.rs`) and a webhook receiver
//!   (`receiver.rs`).
//! - A seeded generator for the model-based tests (`rng.rs`).
//! - A real SMTP server (`smtp.rs`): aiosmtpd in a process of its own, plain or with TLS.
//! - A real browser (`browser.rs`): Debian's Chromium through playwright-core, with axe-core.

mod answers;
mod browser;
mod catalog;
mod cli;
mod clients;
mod db;
mod ledger;
mod outbox;
mod pg;
mod receiver;
mod rng;
mod server;
mod smtp;
mod wait;

pub use answers::*;
pub use browser::*;
pub use catalog::*;
pub use cli::*;
pub use clients::*;
pub use db::*;
pub use ledger::*;
pub use outbox::*;
pub use pg::*;
pub use receiver::*;
pub use rng::*;
pub use server::*;
pub use smtp::*;
pub use wait::*;
