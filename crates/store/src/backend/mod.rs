//! What differs between the two databases. Everything else (the writer, the write
//! transaction, the repositories) is one SQL for both ([`crate::db`]).

pub mod pg;
pub mod sqlite;
