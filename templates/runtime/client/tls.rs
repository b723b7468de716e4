//! rustls configuration: roots from the kubeconfig's CA (else the system's), a client identity,
//! and the verifier for `insecure-skip-tls-verify`. The ring provider is named explicitly, so
//! another rustls provider elsewhere in the build never changes or breaks it.

use super::error::Error;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;

/// A client certificate chain and its private key, parsed.
pub(crate) struct Identity {
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Identity {
    /// Parses PEM: the first input holds the certificate chain, the second the key (PKCS#8,
    /// PKCS#1 or SEC1). The messages name the kubeconfig field, never the data.
    pub(crate) fn from_pem(certificate: &[u8], key: &[u8]) -> Result<Identity, Error> {
        let certs = parse_certificates(certificate, "client-certificate")?;
        let key = PrivateKeyDer::from_pem_slice(key)
            .map_err(|_| Error::config("client-key: no PEM private key found (or it is malformed)"))?;
        Ok(Identity { certs, key })
    }
}

/// Every certificate in a PEM bundle; at least one.
pub(crate) fn parse_certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::config(format!("{what}: malformed PEM ({e})")))?;
    if certs.is_empty() {
        return Err(Error::config(format!("{what}: no PEM certificate found")));
    }
    Ok(certs)
}

/// What the TLS layer needs from [`super::Config`].
#[derive(Clone)]
pub(crate) struct TlsSettings {
    pub(crate) certificate_authority: Option<Vec<u8>>,
    pub(crate) insecure_skip_tls_verify: bool,
}

pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the rustls client configuration for one identity (or none).
pub(crate) fn client_config(settings: &TlsSettings, identity: Option<&Identity>) -> Result<ClientConfig, Error> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS provider: {e}")))?;
    let builder = if settings.insecure_skip_tls_verify {
        builder.dangerous().with_custom_certificate_verifier(Arc::new(AcceptAnyServerCert(provider)))
    } else {
        builder.with_root_certificates(roots(settings.certificate_authority.as_deref())?)
    };
    let config = match identity {
        Some(identity) => builder
            .with_client_auth_cert(identity.certs.clone(), identity.key.clone_key())
            .map_err(|e| Error::config(format!("client certificate and key do not form a usable pair: {e}")))?,
        None => builder.with_no_client_auth(),
    };
    Ok(config)
}

/// The configured CA bundle only (as kubectl does), else the system's roots.
fn roots(certificate_authority: Option<&[u8]>) -> Result<RootCertStore, Error> {
    let mut store = RootCertStore::empty();
    match certificate_authority {
        Some(pem) => {
            for cert in parse_certificates(pem, "certificate-authority")? {
                store
                    .add(cert)
                    .map_err(|e| Error::config(format!("certificate-authority: unusable certificate ({e})")))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(Error::config(
                    "no certificate-authority is configured and no system root certificates were found",
                ));
            }
        }
    }
    Ok(store)
}

/// The server name for SNI and verification, from `tls-server-name`.
pub(crate) fn server_name(name: &str) -> Result<ServerName<'static>, Error> {
    let bare = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    ServerName::try_from(bare.to_string())
        .map_err(|_| Error::config(format!("tls-server-name {name:?} is not a valid name")))
}

/// `insecure-skip-tls-verify: true`: any server certificate is accepted. Handshake signatures
/// are still checked, so the connection is at least bound to the key the server presented.
#[derive(Debug)]
struct AcceptAnyServerCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
