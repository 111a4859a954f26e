//! End-to-end tests over real HTTP against a real server on a temporary data directory.
//! One test binary (it links once); each module covers one area.

mod attacks;
mod cluster;
mod common;
mod consent_model;
mod errors;
mod events;
mod faults;
mod keys;
mod ledger;
mod lifecycle;
mod openapi;
mod principals;
mod privacy;
mod process;
mod staff;
mod support;
mod transport;
mod upgrade;
