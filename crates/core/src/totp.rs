//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA-1, 6 digits, 30 s
//! steps: what every authenticator app uses) and the RFC 4648 base32 that carries the secret in
//! an `otpauth://` URI. Pure functions: the caller passes the time.

use hmac::digest::core_api::BlockSizeUser;
use hmac::digest::{Digest, KeyInit};
use hmac::{Mac, SimpleHmac};
use subtle::ConstantTimeEq;

/// Length of a time step in seconds.
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;

/// RFC 4226 HOTP with HMAC-SHA-1, `digits` long.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    hotp_with::<sha1::Sha1>(secret, counter, digits)
}

fn hotp_with<D: Digest + BlockSizeUser>(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac =
        <SimpleHmac<D> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[h.len() - 1] & 0x0f) as usize;
    let bin = (u32::from(h[off]) & 0x7f) << 24
        | u32::from(h[off + 1]) << 16
        | u32::from(h[off + 2]) << 8
        | u32::from(h[off + 3]);
    bin % 10u32.pow(digits)
}

/// The time step of a Unix time (seconds).
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The 6-digit code of a time step, zero-padded.
pub fn code_for_step(secret: &[u8], step: i64) -> String {
    format!(
        "{:0width$}",
        hotp(secret, step.max(0) as u64, DIGITS),
        width = DIGITS as usize
    )
}

/// The code at a Unix time (what an authenticator app shows).
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    code_for_step(secret, step_at(unix_seconds))
}

/// Checks `code` against the steps `now - 1 ..= now + 1` (one step of clock drift either way)
/// and returns the step it matched. Only steps after `last_used` are accepted, so a code is
/// good once (replay guard). Comparison is constant-time.
pub fn verify(secret: &[u8], code: &str, unix_seconds: i64, last_used: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    let mut found = None;
    for step in [now - 1, now, now + 1] {
        let ok: bool = code_for_step(secret, step)
            .as_bytes()
            .ct_eq(code.as_bytes())
            .into();
        if ok && last_used.is_none_or(|l| step > l) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (the form authenticator apps take).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buf: u64 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        buf = (buf << 8) | u64::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(B32[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(B32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (case-insensitive, padding and spaces ignored); None if malformed.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let mut buf: u64 = 0;
    let mut bits = 0u32;
    for c in s.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = B32.iter().position(|x| *x == c.to_ascii_uppercase())? as u64;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits, seed "12345678901234567890").
    #[test]
    fn rfc6238_appendix_b_sha1() {
        let seed = b"12345678901234567890";
        for (t, want) in [
            (59i64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(seed, step_at(t) as u64, 8), want, "T={t}");
        }
    }

    /// The SHA-256 and SHA-512 rows too, with the seeds of the appendix, to show the truncation
    /// is generic (the service itself uses SHA-1, as authenticator apps do).
    #[test]
    fn rfc6238_appendix_b_sha256_sha512() {
        let s256 = b"12345678901234567890123456789012";
        let s512 = b"1234567890123456789012345678901234567890123456789012345678901234";
        for (t, w256, w512) in [
            (59i64, 46119246u32, 90693936u32),
            (1111111109, 68084774, 25091201),
            (1234567890, 91819424, 93441116),
            (20000000000, 77737706, 47863826),
        ] {
            let c = step_at(t) as u64;
            assert_eq!(hotp_with::<sha2::Sha256>(s256, c, 8), w256, "T={t}");
            assert_eq!(hotp_with::<sha2::Sha512>(s512, c, 8), w512, "T={t}");
        }
    }

    #[test]
    fn six_digit_codes_and_replay_guard() {
        let seed = b"12345678901234567890";
        assert_eq!(code_at(seed, 59), "287082");
        let step = verify(seed, "287082", 59, None).unwrap();
        assert_eq!(step, 1);
        assert_eq!(verify(seed, "287082", 59, Some(step)), None, "replayed");
        assert_eq!(
            verify(seed, "287082", 59 + 30, None),
            Some(1),
            "one step late is fine"
        );
        assert_eq!(verify(seed, "287082", 59 + 90, None), None, "too late");
        assert_eq!(verify(seed, "28708", 59, None), None);
        assert_eq!(verify(seed, "abcdef", 59, None), None);
    }

    #[test]
    fn base32_round_trips_rfc4648_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(raw.as_bytes()), enc);
            assert_eq!(base32_decode(enc).unwrap(), raw.as_bytes());
        }
        assert_eq!(base32_decode("mzxw6ytboi======").unwrap(), b"foobar");
        assert!(base32_decode("MZ1").is_none());
    }
}
