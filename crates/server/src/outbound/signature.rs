//! Standard Webhooks signatures (<https://www.standardwebhooks.com>), symmetric scheme `v1`.
//!
//! Each endpoint has a secret of random bytes, shown to the fiduciary as `whsec_` followed by
//! the key in standard base64. A message is signed as HMAC-SHA256 over
//! `"{msg_id}.{timestamp}.{body}"` with the raw key, and sent with three headers:
//! `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,<base64 signature>`, several separated by spaces). While a secret is being rotated the
//! message is signed with the current and the previous secret, so a receiver that knows either
//! one accepts it.

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::{DecodePaddingMode, general_purpose};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

/// The prefix of a serialised secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// Bytes in a secret made by [`WebhookSecret::generate`].
pub const GENERATED_SECRET_LEN: usize = 32;
/// The specification asks for at least 24 bytes (192 bits) ...
pub const MIN_SECRET_LEN: usize = 24;
/// ... and at most 64 (512 bits).
pub const MAX_SECRET_LEN: usize = 64;

/// The header names, in the order [`headers`] returns them.
pub const HEADER_ID: &str = "webhook-id";
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// Decoding accepts the key with or without its `=` padding (the reference libraries do too);
/// encoding always pads, which every library decodes.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An endpoint's signing key. Its bytes are wiped when it is dropped, and `Debug` never shows
/// them.
#[derive(Clone)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

/// Why a string is not a secret. The text never repeats the string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret starts with `whsec_`")]
    MissingPrefix,
    #[error("a webhook secret is `whsec_` followed by standard base64")]
    NotBase64,
    #[error("a webhook secret holds 24 to 64 bytes, this one {0}")]
    Length(usize),
}

impl WebhookSecret {
    /// A new secret of [`GENERATED_SECRET_LEN`] bytes from the operating system's generator.
    pub fn generate() -> WebhookSecret {
        use rand::RngCore;
        let mut key = vec![0u8; GENERATED_SECRET_LEN];
        rand::rngs::OsRng.fill_bytes(&mut key);
        WebhookSecret { key }
    }

    /// Reads the `whsec_<base64>` form ([`WebhookSecret::to_whsec`]).
    pub fn parse(s: &str) -> Result<WebhookSecret, SecretError> {
        let encoded = s
            .trim()
            .strip_prefix(SECRET_PREFIX)
            .ok_or(SecretError::MissingPrefix)?;
        let key = LENIENT
            .decode(encoded)
            .map_err(|_| SecretError::NotBase64)?;
        WebhookSecret::from_bytes(key)
    }

    /// A secret from its raw bytes (24 to 64 of them). The vector becomes the secret's own.
    pub fn from_bytes(key: Vec<u8>) -> Result<WebhookSecret, SecretError> {
        let secret = WebhookSecret { key };
        if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&secret.key.len()) {
            // Dropping `secret` wipes the refused bytes too.
            return Err(SecretError::Length(secret.key.len()));
        }
        Ok(secret)
    }

    /// The form shown to the fiduciary and stored: `whsec_` and the key in padded standard
    /// base64. The string is the secret: keep it out of logs.
    pub fn to_whsec(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.key))
    }

    /// The raw key.
    pub fn as_bytes(&self) -> &[u8] {
        &self.key
    }

    /// `v1,<base64 HMAC-SHA256>` of one message under this secret.
    fn sign_one(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes keys of any size");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        let tag = mac.finalize().into_bytes();
        format!("v1,{}", general_purpose::STANDARD.encode(tag))
    }
}

impl WebhookSecret {
    /// Overwrites the key with zeros (its whole allocation, spare capacity included).
    fn wipe(&mut self) {
        self.key.zeroize();
    }
}

impl Drop for WebhookSecret {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "WebhookSecret(whsec_[redacted, {} bytes])",
            self.key.len()
        )
    }
}

/// Whether `msg_id` may be signed: not empty, at most 256 characters, and only visible ASCII
/// without `.` — the specification forbids the full stop (it separates the signed parts) and
/// the value travels in a header.
pub fn is_valid_msg_id(msg_id: &str) -> bool {
    !msg_id.is_empty()
        && msg_id.len() <= 256
        && msg_id.bytes().all(|b| b.is_ascii_graphic() && b != b'.')
}

/// The `webhook-signature` value: one `v1,<signature>` per secret, in the order given,
/// separated by single spaces. Pass the endpoint's current secret first and, during a
/// rotation, its previous one. `msg_id` is ours, never the fiduciary's, and must pass
/// [`is_valid_msg_id`]; `body` is signed byte for byte and must be sent exactly as given.
pub fn sign(secrets: &[&WebhookSecret], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    debug_assert!(
        !secrets.is_empty(),
        "a webhook is signed with at least one secret"
    );
    debug_assert!(
        is_valid_msg_id(msg_id),
        "message ids are visible ASCII without '.'"
    );
    secrets
        .iter()
        .map(|s| s.sign_one(msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The three Standard Webhooks headers for one delivery attempt: `webhook-id`,
/// `webhook-timestamp` (the attempt's time in Unix seconds: receivers refuse one more than a
/// few minutes away from their clock) and `webhook-signature` ([`sign`]).
pub fn headers(
    secrets: &[&WebhookSecret],
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> [(&'static str, String); 3] {
    [
        (HEADER_ID, msg_id.to_owned()),
        (HEADER_TIMESTAMP, timestamp.to_string()),
        (HEADER_SIGNATURE, sign(secrets, msg_id, timestamp, body)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    // The vector the reference libraries' tests share (standard-webhooks, libraries/*/tests).
    const VECTOR_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const VECTOR_TIMESTAMP: i64 = 1614265330;
    const VECTOR_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const VECTOR_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn reference_vector() {
        let secret = WebhookSecret::parse(VECTOR_SECRET).unwrap();
        assert_eq!(secret.as_bytes().len(), 24);
        assert_eq!(
            sign(&[&secret], VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY),
            VECTOR_SIGNATURE
        );
        // One changed byte anywhere changes the signature.
        assert_ne!(
            sign(
                &[&secret],
                VECTOR_ID,
                VECTOR_TIMESTAMP,
                br#"{"test": 2432232315}"#
            ),
            VECTOR_SIGNATURE
        );
        assert_ne!(
            sign(&[&secret], VECTOR_ID, VECTOR_TIMESTAMP + 1, VECTOR_BODY),
            VECTOR_SIGNATURE
        );
        assert_ne!(
            sign(
                &[&secret],
                "msg_p5jXN8AQM9LWM0D4loKWxJeK",
                VECTOR_TIMESTAMP,
                VECTOR_BODY
            ),
            VECTOR_SIGNATURE
        );
    }

    #[test]
    fn signed_content_is_id_dot_timestamp_dot_body() {
        // Computed independently of `sign`: HMAC over the concatenation, by hand.
        let secret = WebhookSecret::generate();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(b"msg_1.1700000000.{\"a\":1}");
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        assert_eq!(
            sign(&[&secret], "msg_1", 1700000000, b"{\"a\":1}"),
            expected
        );
    }

    #[test]
    fn several_secrets_give_space_separated_signatures_in_order() {
        let current = WebhookSecret::generate();
        let previous = WebhookSecret::generate();
        let both = sign(&[&current, &previous], "msg_2", 1700000000, b"{}");
        let parts: Vec<&str> = both.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], sign(&[&current], "msg_2", 1700000000, b"{}"));
        assert_eq!(parts[1], sign(&[&previous], "msg_2", 1700000000, b"{}"));
        assert_ne!(parts[0], parts[1]);
        assert!(
            parts
                .iter()
                .all(|p| p.starts_with("v1,") && p.len() == 3 + 44)
        );
    }

    #[test]
    fn headers_carry_id_timestamp_and_signature() {
        let secret = WebhookSecret::parse(VECTOR_SECRET).unwrap();
        let h = headers(&[&secret], VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY);
        assert_eq!(h[0], ("webhook-id", VECTOR_ID.to_owned()));
        assert_eq!(h[1], ("webhook-timestamp", "1614265330".to_owned()));
        assert_eq!(h[2], ("webhook-signature", VECTOR_SIGNATURE.to_owned()));
    }

    #[test]
    fn generated_secrets_are_random_and_round_trip() {
        let a = WebhookSecret::generate();
        let b = WebhookSecret::generate();
        assert_eq!(a.as_bytes().len(), GENERATED_SECRET_LEN);
        assert_ne!(a.as_bytes(), b.as_bytes());
        let text = a.to_whsec();
        assert!(text.starts_with("whsec_"));
        // 32 bytes: 44 characters of padded base64.
        assert_eq!(text.len(), 6 + 44);
        assert!(text.ends_with('='));
        assert_eq!(
            WebhookSecret::parse(&text).unwrap().as_bytes(),
            a.as_bytes()
        );
        // Without its padding it reads the same.
        let unpadded = text.trim_end_matches('=');
        assert_eq!(
            WebhookSecret::parse(unpadded).unwrap().as_bytes(),
            a.as_bytes()
        );
    }

    #[test]
    fn parse_refuses_what_is_not_a_secret() {
        assert_eq!(
            WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err(),
            SecretError::MissingPrefix
        );
        assert_eq!(
            WebhookSecret::parse("whsec_not base64!").unwrap_err(),
            SecretError::NotBase64
        );
        // 16 bytes: too short for the specification.
        let short = format!("whsec_{}", STANDARD.encode([7u8; 16]));
        assert_eq!(
            WebhookSecret::parse(&short).unwrap_err(),
            SecretError::Length(16)
        );
        let long = format!("whsec_{}", STANDARD.encode([7u8; 65]));
        assert_eq!(
            WebhookSecret::parse(&long).unwrap_err(),
            SecretError::Length(65)
        );
        assert_eq!(
            WebhookSecret::parse("whsec_").unwrap_err(),
            SecretError::Length(0)
        );
        let edge = format!("whsec_{}", STANDARD.encode([7u8; 64]));
        assert_eq!(WebhookSecret::parse(&edge).unwrap().as_bytes(), &[7u8; 64]);
    }

    #[test]
    fn debug_and_errors_never_show_the_key() {
        let secret = WebhookSecret::parse(VECTOR_SECRET).unwrap();
        let shown = format!("{secret:?}");
        assert!(
            !shown.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            "{shown}"
        );
        assert!(shown.contains("redacted"), "{shown}");
        let err = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjU!!").unwrap_err();
        assert!(!err.to_string().contains("MfKQ9r8G"));
    }

    #[test]
    fn wiping_zeroes_the_whole_buffer() {
        // `Drop` calls `wipe`; here the buffer is observed while it is still allocated.
        let mut secret = WebhookSecret::parse(VECTOR_SECRET).unwrap();
        let cap = secret.key.capacity();
        assert!(secret.as_bytes().iter().any(|&b| b != 0));
        secret.wipe();
        assert!(secret.as_bytes().is_empty());
        assert_eq!(secret.key.capacity(), cap);
        // SAFETY: the allocation still holds `cap` bytes, every one of them written by
        // `zeroize` (which clears the spare capacity too).
        let buffer = unsafe { std::slice::from_raw_parts(secret.key.as_ptr(), cap) };
        assert!(buffer.iter().all(|&b| b == 0));
    }

    /// Runs scripts/verify_webhook.py (the reference Python library) on one delivery.
    fn reference_library_accepts(
        secret: &WebhookSecret,
        headers: &[(&'static str, String); 3],
        body: &[u8],
    ) -> bool {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scripts/verify_webhook.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--id", &headers[0].1])
            .args(["--timestamp", &headers[1].1])
            .args(["--signature", &headers[2].1])
            // The secret goes through the environment, not argv.
            .env("WEBHOOK_SECRET", secret.to_whsec())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs scripts/verify_webhook.py");
        child.stdin.take().unwrap().write_all(body).unwrap();
        let out = child.wait_with_output().unwrap();
        match out.status.code() {
            Some(0) => true,
            Some(1) => false,
            _ => panic!(
                "scripts/verify_webhook.py failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    #[test]
    fn the_reference_library_verifies_our_signatures() {
        let probe = std::process::Command::new("python3")
            .args(["-c", "import standardwebhooks"])
            .output();
        if !probe.is_ok_and(|o| o.status.success()) {
            panic!(
                "the Standard Webhooks reference library is not installed for python3: \
                 run `python3 -m pip install standardwebhooks==1.3.0` (as .ci/run does)"
            );
        }
        // The library refuses timestamps more than five minutes from its clock: sign now.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let body = br#"{"type":"consent.withdrawn","data":{"artefact_id":"a1","purposes":["p"]}}"#;

        // One secret.
        let only = WebhookSecret::generate();
        let h = headers(&[&only], "msg_01J9ZC2WQ4", now, body);
        assert!(reference_library_accepts(&only, &h, body));

        // Rotation: signed with the new and the old secret; a receiver that knows either one
        // accepts, one that knows neither refuses.
        let new = WebhookSecret::generate();
        let old = WebhookSecret::generate();
        let h = headers(&[&new, &old], "msg_01J9ZC2WQ5", now, body);
        assert_eq!(h[2].1.split(' ').count(), 2);
        assert!(
            reference_library_accepts(&new, &h, body),
            "knows the new secret"
        );
        assert!(
            reference_library_accepts(&old, &h, body),
            "knows the old secret"
        );
        assert!(!reference_library_accepts(&only, &h, body), "knows neither");

        // A tampered body, id or timestamp is refused.
        let h = headers(&[&only], "msg_01J9ZC2WQ6", now, body);
        let mut tampered = body.to_vec();
        tampered[body.len() - 4] = b'q';
        assert!(!reference_library_accepts(&only, &h, &tampered));
        let mut other_id = h.clone();
        other_id[0].1 = "msg_01J9ZC2WQ7".to_owned();
        assert!(!reference_library_accepts(&only, &other_id, body));
        let mut other_time = h.clone();
        other_time[1].1 = (now + 1).to_string();
        assert!(!reference_library_accepts(&only, &other_time, body));
        // And the untouched delivery still verifies (the refusals above were not flukes).
        assert!(reference_library_accepts(&only, &h, body));

        // Bodies are signed as bytes, not text: non-UTF-8 bytes verify too.
        let binary = [0xffu8, 0x00, 0x80, b'{'];
        let h = headers(&[&only], "msg_01J9ZC2WQ8", now, &binary);
        assert!(reference_library_accepts(&only, &h, &binary));
    }

    #[test]
    fn message_ids() {
        assert!(is_valid_msg_id("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
        assert!(is_valid_msg_id("01890a5d-ac96-774b-bcce-b302099a8057"));
        assert!(!is_valid_msg_id(""));
        assert!(!is_valid_msg_id("msg.1"));
        assert!(!is_valid_msg_id("msg 1"));
        assert!(!is_valid_msg_id("msg\r\n1"));
        assert!(!is_valid_msg_id(&"a".repeat(257)));
    }
}
