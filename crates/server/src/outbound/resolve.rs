//! Name resolution that checks every address before a connection is made to it.
//!
//! [`CheckingResolver`] is reqwest's resolver for the outbound client: it looks the name up,
//! judges every address with the policy and hands reqwest only addresses it accepted, so the
//! connection goes to an address that was checked — there is no second lookup an attacker's
//! DNS server could answer differently (DNS rebinding).
//!
//! **A host is refused if any of its addresses is refused**, not only if all are: a name that
//! answers with one public and one internal address could otherwise be reached at the
//! internal one (reqwest tries the addresses in turn), and a fiduciary has no reason to
//! publish a webhook host with an internal address.
//!
//! Names `localhost` and `*.localhost` are not looked up: they are loopback (RFC 6761,
//! section 6.3) and answer 127.0.0.1 and ::1, refused unless the policy allows loopback.

use super::OutboundPolicy;
use super::address::AddressClass;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

/// What a [`Lookup`] returns.
pub type LookupFuture<'a> = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send + 'a>>;

/// Turns a host name into addresses. [`SystemLookup`] in production; tests inject answers.
pub trait Lookup: Send + Sync + 'static {
    fn lookup<'a>(&'a self, host: &'a str) -> LookupFuture<'a>;
}

/// The operating system's resolver (`getaddrinfo`, through tokio).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup<'a>(&'a self, host: &'a str) -> LookupFuture<'a> {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host, 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// Why a host name gives no address to connect to. The text names neither the host nor the
/// addresses (a fiduciary must not learn what our internal names resolve to).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The lookup failed or answered nothing.
    #[error("the host name could not be resolved")]
    Unresolvable,
    /// At least one address is of a class the policy refuses (the first one found is named).
    #[error("the host resolves to {}, which webhooks may not reach", .0.describe())]
    Refused(AddressClass),
}

/// Whether `host` is `localhost` or a name under it (case and a final dot ignored).
pub fn is_localhost_name(host: &str) -> bool {
    let h = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    h == "localhost" || h.ends_with(".localhost")
}

/// Resolves `host` and checks every address against `policy`: all of them, or an error.
pub async fn resolve_checked(
    policy: OutboundPolicy,
    host: &str,
    lookup: &dyn Lookup,
) -> Result<Vec<IpAddr>, ResolveError> {
    let addrs = if is_localhost_name(host) {
        vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]
    } else if let Ok(ip) = host.parse::<IpAddr>() {
        vec![ip]
    } else {
        lookup
            .lookup(host)
            .await
            .map_err(|_| ResolveError::Unresolvable)?
    };
    if addrs.is_empty() {
        return Err(ResolveError::Unresolvable);
    }
    for ip in &addrs {
        policy.check_address(*ip).map_err(ResolveError::Refused)?;
    }
    Ok(addrs)
}

/// reqwest's resolver: [`resolve_checked`] with the client's policy. IP-literal URLs never
/// reach a resolver (hyper connects to them directly), so the client checks those itself.
#[derive(Clone)]
pub struct CheckingResolver {
    policy: OutboundPolicy,
    lookup: Arc<dyn Lookup>,
}

impl CheckingResolver {
    pub fn new(policy: OutboundPolicy, lookup: Arc<dyn Lookup>) -> CheckingResolver {
        CheckingResolver { policy, lookup }
    }
}

impl reqwest::dns::Resolve for CheckingResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let lookup = self.lookup.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolve_checked(policy, &host, lookup.as_ref()).await?;
            // Port 0: reqwest puts the URL's port (or the scheme's) in its place.
            let addrs: reqwest::dns::Addrs =
                Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers from a table; a name not in it fails like NXDOMAIN. Counts the lookups.
    #[derive(Default)]
    pub(crate) struct FakeLookup {
        pub answers: HashMap<String, Vec<IpAddr>>,
        pub calls: AtomicUsize,
    }

    impl FakeLookup {
        pub(crate) fn with(answers: &[(&str, &[&str])]) -> FakeLookup {
            FakeLookup {
                answers: answers
                    .iter()
                    .map(|(name, ips)| {
                        (
                            name.to_string(),
                            ips.iter().map(|s| s.parse().unwrap()).collect(),
                        )
                    })
                    .collect(),
                calls: AtomicUsize::new(0),
            }
        }
    }

    impl Lookup for FakeLookup {
        fn lookup<'a>(&'a self, host: &'a str) -> LookupFuture<'a> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let answer = self.answers.get(host).cloned().ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, "no such name (fake lookup)")
            });
            Box::pin(std::future::ready(answer))
        }
    }

    fn fake() -> FakeLookup {
        FakeLookup::with(&[
            ("public.test", &["93.184.216.34", "2606:2800:220:1::1"]),
            ("private.test", &["10.0.0.7"]),
            ("metadata.test", &["169.254.169.254"]),
            ("mixed.test", &["93.184.216.34", "192.168.1.10"]),
            ("mapped.test", &["::ffff:172.16.5.4"]),
            ("nat64.test", &["64:ff9b::7f00:1"]),
            ("loop.test", &["127.0.0.1"]),
            ("empty.test", &[]),
        ])
    }

    const STRICT: OutboundPolicy = OutboundPolicy {
        allow_loopback: false,
    };
    const LOOPBACK: OutboundPolicy = OutboundPolicy {
        allow_loopback: true,
    };

    #[tokio::test]
    async fn public_names_resolve_to_all_their_addresses() {
        let l = fake();
        let got = resolve_checked(STRICT, "public.test", &l).await.unwrap();
        assert_eq!(
            got,
            vec![
                "93.184.216.34".parse::<IpAddr>().unwrap(),
                "2606:2800:220:1::1".parse().unwrap()
            ]
        );
    }

    #[tokio::test]
    async fn a_name_with_any_refused_address_is_refused() {
        let l = fake();
        for (name, class) in [
            ("private.test", AddressClass::Private),
            ("metadata.test", AddressClass::CloudMetadata),
            ("mixed.test", AddressClass::Private),
            ("mapped.test", AddressClass::Private),
            ("nat64.test", AddressClass::Loopback),
            ("loop.test", AddressClass::Loopback),
        ] {
            assert_eq!(
                resolve_checked(STRICT, name, &l).await,
                Err(ResolveError::Refused(class)),
                "{name}"
            );
        }
        // Allowing loopback relaxes loopback only.
        assert!(resolve_checked(LOOPBACK, "loop.test", &l).await.is_ok());
        assert!(resolve_checked(LOOPBACK, "nat64.test", &l).await.is_ok());
        assert_eq!(
            resolve_checked(LOOPBACK, "private.test", &l).await,
            Err(ResolveError::Refused(AddressClass::Private))
        );
        assert_eq!(
            resolve_checked(LOOPBACK, "mixed.test", &l).await,
            Err(ResolveError::Refused(AddressClass::Private))
        );
    }

    #[tokio::test]
    async fn failed_or_empty_lookups_are_unresolvable() {
        let l = fake();
        assert_eq!(
            resolve_checked(STRICT, "nowhere.test", &l).await,
            Err(ResolveError::Unresolvable)
        );
        assert_eq!(
            resolve_checked(STRICT, "empty.test", &l).await,
            Err(ResolveError::Unresolvable)
        );
    }

    #[tokio::test]
    async fn localhost_is_loopback_without_a_lookup() {
        let l = fake();
        for name in ["localhost", "LocalHost.", "hooks.localhost"] {
            assert_eq!(
                resolve_checked(STRICT, name, &l).await,
                Err(ResolveError::Refused(AddressClass::Loopback)),
                "{name}"
            );
            assert_eq!(
                resolve_checked(LOOPBACK, name, &l).await.unwrap(),
                vec![
                    IpAddr::V4(Ipv4Addr::LOCALHOST),
                    IpAddr::V6(Ipv6Addr::LOCALHOST)
                ]
            );
        }
        assert_eq!(l.calls.load(Ordering::SeqCst), 0);
        assert!(!is_localhost_name("localhost.example.com"));
        assert!(!is_localhost_name("notlocalhost"));
    }

    #[tokio::test]
    async fn the_reqwest_resolver_hands_over_only_checked_addresses() {
        use reqwest::dns::Resolve;
        let r = CheckingResolver::new(STRICT, Arc::new(fake()));
        let addrs: Vec<SocketAddr> = r
            .resolve("public.test".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert_eq!(addrs.len(), 2);
        assert!(addrs.iter().all(|a| a.port() == 0));
        let err = match r.resolve("metadata.test".parse().unwrap()).await {
            Ok(_) => panic!("a metadata address was handed to reqwest"),
            Err(e) => e,
        };
        assert_eq!(
            err.downcast_ref::<ResolveError>(),
            Some(&ResolveError::Refused(AddressClass::CloudMetadata))
        );
        assert!(!err.to_string().contains("169.254"), "{err}");
    }
}
