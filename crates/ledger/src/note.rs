//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 keys, compatible with
//! `golang.org/x/mod/sumdb/note`.
//!
//! A signed note is a text ending in a newline, a blank line, and signature lines
//! `— <key name> base64(4-byte big-endian key id || signature)` (the dash is U+2014).
//!
//! Key encodings:
//! - signer (secret): `PRIVATE+KEY+<name>+<key id as 8 hex digits>+base64(0x01 || 32-byte seed)`;
//! - verifier (public): `<name>+<key id as 8 hex digits>+base64(0x01 || 32-byte public key)`;
//!
//! where the key id is the first 4 bytes, big-endian, of `SHA-256(name || 0x0A || 0x01 || public key)`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signature type identifier of Ed25519 in the signed-note specification.
const ED25519_TYPE: u8 = 0x01;

/// Start of every signature line: an em dash (U+2014) and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// The most signature lines a note may carry (the specification requires at least 16).
pub const MAX_SIGNATURES: usize = 100;

/// Error of key parsing, signing and verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// Key names must be non-empty, without spaces, control characters or `+`.
    #[error("invalid key name {0:?}")]
    InvalidName(String),
    /// A key string does not have the expected form.
    #[error("malformed key: {0}")]
    MalformedKey(&'static str),
    /// A key is not an Ed25519 key.
    #[error("unsupported signature type {0:#04x}")]
    UnsupportedKeyType(u8),
    /// The key id in a key string is not the one derived from its name and public key.
    #[error("key id {claimed:08x} does not match the key (expected {actual:08x})")]
    KeyIdMismatch {
        /// The id written in the key string.
        claimed: u32,
        /// The id derived from the name and public key.
        actual: u32,
    },
    /// A text to sign is not valid note text.
    #[error("invalid note text: {0}")]
    InvalidText(&'static str),
    /// A note does not have the signed-note form.
    #[error("malformed note: {0}")]
    MalformedNote(&'static str),
    /// No signature line of the note is by the verifier's key.
    #[error("note is not signed by key {name}+{key_id:08x}")]
    NotSigned {
        /// The verifier's key name.
        name: String,
        /// The verifier's key id.
        key_id: u32,
    },
    /// A signature line by the verifier's key does not verify.
    #[error("invalid signature by key {name}+{key_id:08x}")]
    BadSignature {
        /// The verifier's key name.
        name: String,
        /// The verifier's key id.
        key_id: u32,
    },
}

/// Whether `name` is a valid key name: non-empty, without Unicode spaces, control characters or `+`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '+')
}

fn check_name(name: &str) -> Result<(), NoteError> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(NoteError::InvalidName(name.to_owned()))
    }
}

/// The key id of an Ed25519 key: `SHA-256(name || 0x0A || 0x01 || public key)[..4]`, big-endian.
fn key_id(name: &str, public_key: &VerifyingKey) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', ED25519_TYPE]);
    hasher.update(public_key.as_bytes());
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Parses the 8 hex digits of a key id.
fn parse_key_id(hex: &str) -> Result<u32, NoteError> {
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(NoteError::MalformedKey("key id must be 8 hex digits"));
    }
    u32::from_str_radix(hex, 16).map_err(|_| NoteError::MalformedKey("key id must be 8 hex digits"))
}

/// Decodes `base64(0x01 || 32 bytes)`.
fn decode_key_material(b64: &str) -> Result<[u8; 32], NoteError> {
    let bytes = BASE64
        .decode(b64)
        .map_err(|_| NoteError::MalformedKey("key is not base64"))?;
    match bytes.split_first() {
        Some((&ED25519_TYPE, key)) => key
            .try_into()
            .map_err(|_| NoteError::MalformedKey("Ed25519 key must be 32 bytes")),
        Some((&other, _)) => Err(NoteError::UnsupportedKeyType(other)),
        None => Err(NoteError::MalformedKey("empty key")),
    }
}

/// Encodes `base64(0x01 || key)`.
fn encode_key_material(key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(33);
    bytes.push(ED25519_TYPE);
    bytes.extend_from_slice(key);
    BASE64.encode(bytes)
}

/// Checks the rules for note text: ends in a newline, no control characters other than newline.
fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::InvalidText("text must end in a newline"));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::InvalidText(
            "text must not contain control characters",
        ));
    }
    Ok(())
}

/// An Ed25519 note signing key with its name. `Debug` does not show the secret key.
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl NoteSigner {
    /// Generates a new random key (from the operating system's generator) with this name.
    pub fn generate(name: &str) -> Result<Self, NoteError> {
        check_name(name)?;
        Ok(Self::from_signing_key(
            name,
            SigningKey::generate(&mut rand::rngs::OsRng),
        ))
    }

    fn from_signing_key(name: &str, key: SigningKey) -> Self {
        let key_id = key_id(name, &key.verifying_key());
        Self {
            name: name.to_owned(),
            key_id,
            key,
        }
    }

    /// Parses `PRIVATE+KEY+<name>+<key id hex>+base64(0x01 || seed)`, checking the key id.
    /// The string must not carry surrounding whitespace (trim a line read from a file first).
    pub fn from_private_key(encoded: &str) -> Result<Self, NoteError> {
        // The base64 key (last) may itself contain '+'.
        let parts: Vec<&str> = encoded.splitn(5, '+').collect();
        let [private, key_word, name, id_hex, b64] = parts.as_slice() else {
            return Err(NoteError::MalformedKey(
                "expected PRIVATE+KEY+<name>+<id>+<key>",
            ));
        };
        if *private != "PRIVATE" || *key_word != "KEY" {
            return Err(NoteError::MalformedKey(
                "expected PRIVATE+KEY+<name>+<id>+<key>",
            ));
        }
        check_name(name)?;
        let claimed = parse_key_id(id_hex)?;
        let signer =
            Self::from_signing_key(name, SigningKey::from_bytes(&decode_key_material(b64)?));
        if signer.key_id != claimed {
            return Err(NoteError::KeyIdMismatch {
                claimed,
                actual: signer.key_id,
            });
        }
        Ok(signer)
    }

    /// The secret key string `PRIVATE+KEY+<name>+<key id hex>+base64(0x01 || seed)`.
    pub fn to_private_key(&self) -> String {
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_key_material(self.key.as_bytes())
        )
    }

    /// The public verifier key string `<name>+<key id hex>+base64(0x01 || public key)`.
    pub fn verifier_key(&self) -> String {
        self.verifier().to_verifier_key()
    }

    /// The verifier of this key's signatures.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Signs `text` (which must end in a newline and hold no control characters other than
    /// newlines) and returns the signed note: the text, a blank line, and one signature line.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        check_text(text)?;
        let signature = self.key.sign(text.as_bytes());
        let mut payload = Vec::with_capacity(4 + Signature::BYTE_SIZE);
        payload.extend_from_slice(&self.key_id.to_be_bytes());
        payload.extend_from_slice(&signature.to_bytes());
        Ok(format!(
            "{text}\n{SIGNATURE_PREFIX}{} {}\n",
            self.name,
            BASE64.encode(payload)
        ))
    }
}

/// An Ed25519 note verifier key with its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl NoteVerifier {
    /// Parses `<name>+<key id hex>+base64(0x01 || public key)`, checking the key id.
    /// The string must not carry surrounding whitespace (trim a line read from a file first).
    pub fn from_verifier_key(encoded: &str) -> Result<Self, NoteError> {
        // The base64 key (last) may itself contain '+'.
        let parts: Vec<&str> = encoded.splitn(3, '+').collect();
        let [name, id_hex, b64] = parts.as_slice() else {
            return Err(NoteError::MalformedKey("expected <name>+<id>+<key>"));
        };
        check_name(name)?;
        let claimed = parse_key_id(id_hex)?;
        let key = VerifyingKey::from_bytes(&decode_key_material(b64)?)
            .map_err(|_| NoteError::MalformedKey("not an Ed25519 public key"))?;
        let actual = key_id(name, &key);
        if actual != claimed {
            return Err(NoteError::KeyIdMismatch { claimed, actual });
        }
        Ok(Self {
            name: (*name).to_owned(),
            key_id: actual,
            key,
        })
    }

    /// The verifier key string `<name>+<key id hex>+base64(0x01 || public key)`.
    pub fn to_verifier_key(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_key_material(self.key.as_bytes())
        )
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Verifies a signed note and returns its text (including the final newline).
    ///
    /// Signature lines by other keys (a different name or key id) are ignored; at least one
    /// line must be by this key, and every line by this key must verify. Malformed notes are
    /// rejected.
    pub fn verify(&self, note: &str) -> Result<String, NoteError> {
        let (text, signatures) = split_note(note)?;
        let mut signed = false;
        for line in signatures
            .iter()
            .filter(|s| s.name == self.name && s.key_id == self.key_id)
        {
            let valid = Signature::from_slice(&line.signature)
                .is_ok_and(|sig| self.key.verify_strict(text.as_bytes(), &sig).is_ok());
            if !valid {
                return Err(NoteError::BadSignature {
                    name: self.name.clone(),
                    key_id: self.key_id,
                });
            }
            signed = true;
        }
        if !signed {
            return Err(NoteError::NotSigned {
                name: self.name.clone(),
                key_id: self.key_id,
            });
        }
        Ok(text.to_owned())
    }
}

/// One parsed signature line.
struct SignatureLine<'a> {
    name: &'a str,
    key_id: u32,
    signature: Vec<u8>,
}

/// The text of a signed note, without checking any signature. Only for reporting what an
/// unverified note claims; never act on it.
pub(crate) fn unverified_text(note: &str) -> Option<&str> {
    split_note(note).ok().map(|(text, _)| text)
}

/// Splits a note into its text and its signature lines, checking the note's form.
fn split_note(note: &str) -> Result<(&str, Vec<SignatureLine<'_>>), NoteError> {
    if note.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::MalformedNote("control character"));
    }
    // The text is separated from the signatures by the last blank line.
    let Some(split) = note.rfind("\n\n") else {
        return Err(NoteError::MalformedNote(
            "no blank line before the signatures",
        ));
    };
    let (text, signature_block) = (&note[..split + 1], &note[split + 2..]);
    let Some(signature_block) = signature_block.strip_suffix('\n') else {
        return Err(NoteError::MalformedNote(
            "missing signature lines or final newline",
        ));
    };
    let mut lines = Vec::new();
    for line in signature_block.split('\n') {
        if lines.len() == MAX_SIGNATURES {
            return Err(NoteError::MalformedNote("too many signatures"));
        }
        lines.push(parse_signature_line(line)?);
    }
    Ok((text, lines))
}

fn parse_signature_line(line: &str) -> Result<SignatureLine<'_>, NoteError> {
    let malformed = NoteError::MalformedNote("malformed signature line");
    let (name, b64) = line
        .strip_prefix(SIGNATURE_PREFIX)
        .and_then(|rest| rest.split_once(' '))
        .ok_or(malformed.clone())?;
    if !is_valid_name(name) {
        return Err(malformed);
    }
    let bytes = BASE64.decode(b64).map_err(|_| malformed.clone())?;
    match bytes.split_first_chunk::<4>() {
        Some((id, signature)) if !signature.is_empty() => Ok(SignatureLine {
            name,
            key_id: u32::from_be_bytes(*id),
            signature: signature.to_vec(),
        }),
        _ => Err(malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_round_trips() {
        // Base64 keys often contain '+': parse many.
        for _ in 0..64 {
            let signer = NoteSigner::generate("example.com/log").expect("valid name");
            let again = NoteSigner::from_private_key(&signer.to_private_key()).expect("parses");
            let verifier = NoteVerifier::from_verifier_key(&signer.verifier_key()).expect("parses");
            assert_eq!(again.verifier(), verifier);
        }
        let signer = NoteSigner::generate("example.com/log").expect("valid name");
        let again = NoteSigner::from_private_key(&signer.to_private_key()).expect("parses");
        assert_eq!(again.verifier_key(), signer.verifier_key());
        let verifier = NoteVerifier::from_verifier_key(&signer.verifier_key()).expect("parses");
        assert_eq!(verifier, signer.verifier());
        let note = signer.sign("hello\n\nworld\n").expect("valid text");
        assert_eq!(verifier.verify(&note).as_deref(), Ok("hello\n\nworld\n"));
    }

    #[test]
    fn rejects_bad_names_and_text() {
        for name in ["", "a b", "a+b", "a\u{a0}b", "a\tb", "a\u{1}b"] {
            assert!(NoteSigner::generate(name).is_err(), "{name:?}");
        }
        let signer = NoteSigner::generate("n").expect("valid name");
        assert!(signer.sign("no newline").is_err());
        assert!(signer.sign("tab\there\n").is_err());
    }

    #[test]
    fn ignores_other_keys_and_rejects_forgeries() {
        let ours = NoteSigner::generate("log").expect("valid name");
        let other = NoteSigner::generate("witness").expect("valid name");
        let text = "body\n";
        let note = ours.sign(text).expect("signs");
        let other_line = other.sign(text).expect("signs");
        let other_line = other_line.strip_prefix("body\n\n").expect("prefix");
        // Other keys' signatures are ignored, before or after ours.
        let both = format!("{note}{other_line}");
        assert!(ours.verifier().verify(&both).is_ok());
        let both = format!("body\n\n{other_line}{}", &note["body\n\n".len()..]);
        assert!(ours.verifier().verify(&both).is_ok());
        // Only another key's signature: not signed.
        assert!(matches!(
            ours.verifier().verify(&format!("body\n\n{other_line}")),
            Err(NoteError::NotSigned { .. })
        ));
        // A same-name, same-id line with a wrong signature is rejected.
        let mut forged = note.into_bytes();
        let inside_signature = forged.len() - 20;
        forged[inside_signature] = if forged[inside_signature] == b'A' {
            b'B'
        } else {
            b'A'
        };
        let forged = String::from_utf8(forged).expect("ascii change");
        assert!(matches!(
            ours.verifier().verify(&forged),
            Err(NoteError::BadSignature { .. })
        ));
    }

    #[test]
    fn rejects_malformed_notes() {
        let signer = NoteSigner::generate("log").expect("valid name");
        let verifier = signer.verifier();
        let note = signer.sign("body\n").expect("signs");
        let line = &note["body\n\n".len()..];
        let cases = [
            String::new(),
            "body\n".to_owned(),
            "body\n\n".to_owned(),
            format!("body\n\n{}", line.trim_end()),
            format!("body\n{line}"),
            format!("body\n\n{line}\n"),
            format!("body\r\n\n{line}"),
            format!("body\n\n-{}", &line[3..]),
            format!("body\n\n{}", line.replacen(' ', "  ", 1)),
            format!("body\n\n{line}\u{2014} log\n"),
            format!("body\n\n{line}\u{2014} log AAAA\n"),
        ];
        for case in cases {
            assert!(verifier.verify(&case).is_err(), "{case:?}");
        }
    }

    #[test]
    fn rejects_bad_keys() {
        let signer = NoteSigner::generate("log").expect("valid name");
        let private = signer.to_private_key();
        let public = signer.verifier_key();
        assert!(NoteSigner::from_private_key(&private.replacen("PRIVATE", "SECRET", 1)).is_err());
        assert!(NoteSigner::from_private_key(&format!("{private}\n")).is_err());
        assert!(NoteSigner::from_private_key(&public).is_err());
        assert!(NoteVerifier::from_verifier_key(&private).is_err());
        assert!(NoteVerifier::from_verifier_key(&public.replacen("log", "log2", 1)).is_err());
        assert!(NoteVerifier::from_verifier_key("log+0000000+AQ==").is_err());
        assert!(NoteVerifier::from_verifier_key("").is_err());
    }
}
