//! End-to-end tests over real HTTP against a real server on a temporary data directory (or a
//! schema of a PostgreSQL database, with `ANUMODAN_TEST_DATABASE_URL`), and against the
//! `anumodan` binary as a subprocess. One test binary (it links once).
//!
//! Layout: the tests mirror the code.
//!
//! - `harness`: what every area runs on. `TestServer` (a server with a manual clock), one typed
//!   client per audience: `FiduciaryClient` (an API key; a `TestServer` dereferences to its
//!   own fiduciary's, so `s.validate(..)` calls with `s.key`), `PrincipalClient` (a principal
//!   token, on `/v1/me/...`) and `StaffClient` (a console session: cookie and CSRF token);
//!   the standard catalogues; one set of ledger helpers (entries, checkpoints, proofs, the
//!   ledger key, the principal index, `anumodan audit ...`); the binary as a subprocess; the
//!   outbox; a real SMTP server (aiosmtpd); PostgreSQL mode and direct access to a data
//!   directory's store.
//! - One module per area, named as `.ci/run` expects them (each must pass a test whose name
//!   starts with `<area>::`). A large area is a file (`lifecycle.rs`: what the area covers, and
//!   the helpers its files share) and a folder of small files by sub-topic
//!   (`lifecycle/withdraw.rs`, ...), so a test's name reads `lifecycle::withdraw::...`.

mod harness;

mod attacks;
mod cases;
mod cluster;
mod consent_model;
mod errors;
mod events;
mod faults;
mod keys;
mod ledger;
mod lifecycle;
mod notifications;
mod openapi;
mod ops;
mod principals;
mod privacy;
mod process;
mod retention;
mod staff;
mod transport;
mod upgrade;
mod web;
mod widget;
