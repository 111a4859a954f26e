//! Principals signing in by one-time code, and the tokens that let them see their consents.
//! The rules live here as use cases over [`crate::ports::PrincipalPort`]; the store holds only
//! the SQL (and the keys: blind indexes, sealing, token signatures).
//!
//! - [`policy`]: when a code may be made, how many tries it has, who is locked out and for how
//!   long (pure functions over counts and times).
//! - [`contact`]: what a contact is (a mobile number or an e-mail address) and its normal form.
//! - [`signin`]: declaring a contact, starting and completing a sign-in, and issuing a token.

pub mod contact;
pub mod policy;
pub mod signin;
#[cfg(test)]
mod tests;

pub use contact::*;
pub use policy::*;
pub use signin::*;

/// Bytes of a principal's pseudonym (a keyed hash of the fiduciary and the principal's id).
pub const PSEUDONYM_LEN: usize = 16;

/// How the store, the ledger and tokens name a principal: never by their id.
pub type Pseudonym = [u8; PSEUDONYM_LEN];
