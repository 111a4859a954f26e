//! TLS termination: TLS 1.3 only, with the certificate chain and key of the configuration.

use crate::config::Config;
use anyhow::{Context, anyhow, bail};
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// The TLS acceptor for `tls_cert` and `tls_key`, `None` when neither is set, an error naming the
/// problem when only one is set or the files are unusable.
pub fn acceptor(cfg: &Config) -> anyhow::Result<Option<TlsAcceptor>> {
    let (cert_file, key_file) = match (&cfg.tls_cert, &cfg.tls_key) {
        (None, None) => return Ok(None),
        (Some(c), Some(k)) => (c, k),
        (Some(_), None) => bail!("TLS: tls_cert is set but tls_key is not; give both or neither"),
        (None, Some(_)) => bail!("TLS: tls_key is set but tls_cert is not; give both or neither"),
    };
    let certs = CertificateDer::pem_file_iter(cert_file)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("TLS certificate {}", cert_file.display()))?;
    if certs.is_empty() {
        bail!(
            "TLS certificate {}: no PEM certificate in the file",
            cert_file.display()
        );
    }
    let key = PrivateKeyDer::from_pem_file(key_file)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("TLS key {}", key_file.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .context("TLS 1.3")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| {
            format!(
                "TLS key {} does not fit certificate {}",
                key_file.display(),
                cert_file.display()
            )
        })?;
    // The server speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(TlsAcceptor::from(Arc::new(config))))
}
