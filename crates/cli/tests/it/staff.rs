//! Staff accounts over real HTTP: sign-in with a password and TOTP, sessions (cookie, CSRF,
//! idle and absolute timeouts), lock-out, roles with immediate effect, tenant isolation, the
//! route table against the permission matrix, the access report, staff on the API routes, and
//! logs without secrets. (The console client and sign-in steps are in the harness.)

use uuid::Uuid;

mod accounts;
mod api;
mod matrix;
mod roles;
mod sessions;
mod sign_in;

fn fid(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap()
}
