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
    /// Master keys that wrap the per-principal data keys (see [`crate::vault`]).
    pub(crate) masters: std::sync::RwLock<crate::vault::MasterKeys>,
}

/// Length of a principal pseudonym in bytes (128 bits of HMAC-SHA-256).
pub const PSEUDONYM_LEN: usize = 16;

impl Keys {
    pub fn new(signer: NoteSigner, pseudonym_key: [u8; 32], master_key: [u8; 32]) -> Keys {
        Keys {
            signer,
            pseudonym_key,
            masters: std::sync::RwLock::new(crate::vault::MasterKeys::single(master_key, None)),
        }
    }

    /// Loads the keys from `dir/keys/`, creating any that are missing. A signing key given as
    /// `signing_key_file` is used instead of the one in the directory (and is never created).
    pub fn load_or_create(
        dir: &Path,
        log_name: &str,
        signing_key_file: Option<&Path>,
        master_key_file: Option<&Path>,
    ) -> std::io::Result<Keys> {
        let kdir = dir.join("keys");
        fs::create_dir_all(&kdir)?;
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
        let pk_path = kdir.join("pseudonym.key");
        let pseudonym_key = if pk_path.exists() {
            let bytes = fs::read(&pk_path)?;
            bytes
                .try_into()
                .map_err(|_| std::io::Error::other("pseudonym.key must hold 32 bytes"))?
        } else {
            let mut k = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut k);
            write_secret(&pk_path, &k)?;
            k
        };
        let masters = crate::vault::MasterKeys::load_or_create(&kdir, master_key_file)?;
        Ok(Keys {
            signer,
            pseudonym_key,
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
