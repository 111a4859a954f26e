//! Key material kept in the data directory: the ledger's Ed25519 signing key (a C2SP signed-note
//! private key), the pseudonym key that turns principal ids into keyed blind indexes, and
//! the master keys that wrap each principal's data key (see [`crate::vault`]).
//! All are generated on first start with mode 0600; the signing and master keys may be given by
//! configuration instead.

use anumodan_ledger::note::NoteSigner;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fs;
use std::io::Write;
use std::path::Path;
use uuid::Uuid;

pub struct Keys {
    pub signer: NoteSigner,
    pseudonym_key: [u8; 32],
    /// Signs the short-lived tokens with which a principal manages their own consents.
    token_key: [u8; 32],
    /// Master keys that wrap the per-principal data keys (see [`crate::vault`]).
    pub(crate) masters: std::sync::RwLock<crate::vault::MasterKeys>,
}

/// Length of a principal pseudonym in bytes (128 bits of HMAC-SHA-256).
pub const PSEUDONYM_LEN: usize = anumodan_core::principal::PSEUDONYM_LEN;

impl Keys {
    /// Loads the keys from `dir/keys/`, creating any that are missing. A signing key given as
    /// `signing_key_file` is used instead of the one in the directory (and is never created).
    pub fn load_or_create(
        dir: &Path,
        log_name: &str,
        signing_key_file: Option<&Path>,
        master_key_file: Option<&Path>,
    ) -> std::io::Result<Keys> {
        let kdir = dir.join("keys");
        // The data directory is the service's alone: tightened (with a log line) if found open.
        crate::perms::private_tree(dir)?;
        crate::perms::private_dir(&kdir)?;
        let signer_path =
            signing_key_file.map_or_else(|| kdir.join("ledger-signing.key"), Path::to_path_buf);
        let signer = if signer_path.exists() || signing_key_file.is_some() {
            let text = fs::read_to_string(&signer_path)?;
            let signer =
                NoteSigner::from_private_key(text.trim()).map_err(std::io::Error::other)?;
            if signer.name() != log_name {
                return Err(std::io::Error::other(format!(
                    "the ledger signing key is named {:?} but log_name is {log_name:?}",
                    signer.name()
                )));
            }
            signer
        } else {
            let s = NoteSigner::generate(log_name).map_err(std::io::Error::other)?;
            write_secret(&signer_path, format!("{}\n", s.to_private_key()).as_bytes())?;
            s
        };
        let pseudonym_key = secret_32(&kdir.join("pseudonym.key"))?;
        let token_key = secret_32(&kdir.join("principal-token.key"))?;
        let masters = crate::vault::MasterKeys::load_or_create(&kdir, master_key_file)?;
        Ok(Keys {
            signer,
            pseudonym_key,
            token_key,
            masters: std::sync::RwLock::new(masters),
        })
    }

    /// The keyed pseudonym of a principal of a fiduciary. Deterministic, so it serves as a
    /// lookup index; without the key it cannot be linked back to the id.
    pub fn pseudonym(&self, fiduciary: Uuid, principal_id: &str) -> [u8; PSEUDONYM_LEN] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.pseudonym_key)
            .expect("HMAC takes any key length");
        mac.update(fiduciary.as_bytes());
        mac.update(principal_id.as_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; PSEUDONYM_LEN];
        out.copy_from_slice(&full[..PSEUDONYM_LEN]);
        out
    }
}

/// A 32-byte secret kept in `path`, created on first use.
fn secret_32(path: &Path) -> std::io::Result<[u8; 32]> {
    if path.exists() {
        let bytes = fs::read(path)?;
        return bytes
            .try_into()
            .map_err(|_| std::io::Error::other(format!("{} must hold 32 bytes", path.display())));
    }
    let mut k = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut k);
    write_secret(path, &k)?;
    Ok(k)
}

/// Prefix of a principal token, so it is told apart from an API key (`anm_`).
pub const PRINCIPAL_TOKEN_PREFIX: &str = "anp_";

/// Who a valid principal token speaks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalClaim {
    pub fiduciary_id: Uuid,
    pub pseudonym: [u8; PSEUDONYM_LEN],
    /// Unix seconds after which the token is refused.
    pub expires: i64,
    /// The active nomination (DPDP Act s.14) under which a nominee acts for the principal;
    /// None when the principal acts themself.
    pub nominee: Option<Uuid>,
}

impl Keys {
    fn token_mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.token_key)
            .expect("HMAC takes any key length");
        mac.update(b"anumodan principal token v1\0");
        mac.update(payload);
        mac
    }

    /// A token for one principal of one fiduciary until `expires` (unix seconds). It holds the
    /// principal's pseudonym, never their id, and is signed with HMAC-SHA-256.
    pub fn sign_principal_token(&self, claim: &PrincipalClaim) -> String {
        use base64::Engine;
        let mut payload = Vec::with_capacity(48);
        payload.extend_from_slice(claim.fiduciary_id.as_bytes());
        payload.extend_from_slice(&claim.pseudonym);
        payload.extend_from_slice(&claim.expires.to_be_bytes());
        if let Some(n) = claim.nominee {
            payload.extend_from_slice(n.as_bytes());
        }
        let mut nonce = [0u8; 8];
        rand::thread_rng().fill_bytes(&mut nonce);
        payload.extend_from_slice(&nonce);
        let tag = self.token_mac(&payload).finalize().into_bytes();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{PRINCIPAL_TOKEN_PREFIX}{}.{}",
            b64.encode(&payload),
            b64.encode(tag)
        )
    }

    /// A keyed hash of `parts`, for lookups and one-time codes that must not be stored in clear.
    /// Under the pseudonym key (like every blind index), never the token key: rotating
    /// `principal-token.key` to revoke tokens must not orphan contacts or codes.
    pub fn keyed_hash(&self, domain: &str, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.pseudonym_key)
            .expect("HMAC takes any key length");
        mac.update(b"anumodan keyed hash\0");
        mac.update(domain.as_bytes());
        mac.update(b"\0");
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    /// What every node sharing one database must hold alike: the ledger's public key and a
    /// keyed hash under the pseudonym key (so the key itself is not revealed). Recorded by
    /// the first node on PostgreSQL; a node with other keys refuses to start.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let mut h = Sha256::new();
        h.update(self.signer.verifier_key().as_bytes());
        h.update(self.keyed_hash("deployment fingerprint", &[]));
        anumodan_core::model::hex_lower(&h.finalize())
    }

    /// The claim of a token signed by this deployment and not expired at `now` (unix seconds).
    pub fn open_principal_token(&self, token: &str, now: i64) -> Option<PrincipalClaim> {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (payload, tag) = token
            .strip_prefix(PRINCIPAL_TOKEN_PREFIX)?
            .split_once('.')?;
        let payload = b64.decode(payload).ok()?;
        let tag = b64.decode(tag).ok()?;
        // 48 bytes for the principal, 64 for a nominee (the nomination's id before the nonce).
        if payload.len() != 48 && payload.len() != 64 {
            return None;
        }
        // Constant-time comparison.
        self.token_mac(&payload).verify_slice(&tag).ok()?;
        let claim = PrincipalClaim {
            fiduciary_id: Uuid::from_slice(&payload[..16]).ok()?,
            pseudonym: payload[16..32].try_into().ok()?,
            expires: i64::from_be_bytes(payload[32..40].try_into().ok()?),
            nominee: if payload.len() == 64 {
                Some(Uuid::from_slice(&payload[40..56]).ok()?)
            } else {
                None
            },
        };
        (claim.expires > now).then_some(claim)
    }
}

pub(crate) fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
