//! Which addresses an outbound call may reach: public unicast only, and loopback when the
//! operator allows it (a local test receiver).
//!
//! The classifier looks through the IPv6 forms that carry an IPv4 address (mapped,
//! compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) and judges the IPv4 address inside, so
//! `::ffff:10.0.0.1` is as private as `10.0.0.1`. Outside those forms an IPv6 address must be
//! global unicast (`2000::/3`) and not in one of its special blocks.

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What an address is, as far as outbound calls care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressClass {
    /// Reachable on the public Internet: allowed.
    Public,
    /// 127.0.0.0/8, ::1 (allowed only with `allow_loopback`).
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, fc00::/7.
    Private,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// A cloud provider's instance metadata service (169.254.169.254, fd00:ec2::254,
    /// 100.100.100.200).
    CloudMetadata,
    /// 0.0.0.0, ::.
    Unspecified,
    /// 224/4, ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 100.64/10, carrier-grade NAT.
    SharedCgnat,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// Teredo, 2001::/32: the tunnel hides which IPv4 host is reached.
    Teredo,
    /// Everything else set aside for special use: 0/8, 192.0.0/24, 192.88.99/24, 198.18/15,
    /// 240/4, and IPv6 outside 2000::/3 or in 2001::/23 or 64:ff9b:1::/48.
    Reserved,
}

impl AddressClass {
    /// A stable name for logs and tests.
    pub fn code(self) -> &'static str {
        match self {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::LinkLocal => "link_local",
            AddressClass::CloudMetadata => "cloud_metadata",
            AddressClass::Unspecified => "unspecified",
            AddressClass::Multicast => "multicast",
            AddressClass::Broadcast => "broadcast",
            AddressClass::SharedCgnat => "shared_cgnat",
            AddressClass::Documentation => "documentation",
            AddressClass::Teredo => "teredo",
            AddressClass::Reserved => "reserved",
        }
    }

    /// Words for a message: "the host resolves to {describe}".
    pub fn describe(self) -> &'static str {
        match self {
            AddressClass::Public => "a public address",
            AddressClass::Loopback => "a loopback address",
            AddressClass::Private => "a private network address",
            AddressClass::LinkLocal => "a link-local address",
            AddressClass::CloudMetadata => "a cloud metadata service address",
            AddressClass::Unspecified => "the unspecified address",
            AddressClass::Multicast => "a multicast address",
            AddressClass::Broadcast => "the broadcast address",
            AddressClass::SharedCgnat => "a carrier-grade NAT (shared) address",
            AddressClass::Documentation => "an address reserved for documentation",
            AddressClass::Teredo => "a Teredo tunnel address",
            AddressClass::Reserved => "an address reserved for special use",
        }
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len)
}

#[allow(clippy::too_many_arguments)]
const fn v6(a: u16, b: u16, c: u16, d: u16, e: u16, f: u16, g: u16, h: u16, len: u8) -> Ipv6Net {
    Ipv6Net::new_assert(Ipv6Addr::new(a, b, c, d, e, f, g, h), len)
}

/// IPv4 blocks other than public unicast (IANA special-purpose registry), first match wins.
const V4_BLOCKS: &[(Ipv4Net, AddressClass)] = &[
    (v4(0, 0, 0, 0, 8), AddressClass::Reserved),
    (v4(10, 0, 0, 0, 8), AddressClass::Private),
    (v4(100, 64, 0, 0, 10), AddressClass::SharedCgnat),
    (v4(127, 0, 0, 0, 8), AddressClass::Loopback),
    (v4(169, 254, 0, 0, 16), AddressClass::LinkLocal),
    (v4(172, 16, 0, 0, 12), AddressClass::Private),
    (v4(192, 0, 0, 0, 24), AddressClass::Reserved),
    (v4(192, 0, 2, 0, 24), AddressClass::Documentation),
    (v4(192, 88, 99, 0, 24), AddressClass::Reserved),
    (v4(192, 168, 0, 0, 16), AddressClass::Private),
    (v4(198, 18, 0, 0, 15), AddressClass::Reserved),
    (v4(198, 51, 100, 0, 24), AddressClass::Documentation),
    (v4(203, 0, 113, 0, 24), AddressClass::Documentation),
    (v4(224, 0, 0, 0, 4), AddressClass::Multicast),
    (v4(240, 0, 0, 0, 4), AddressClass::Reserved),
];

/// IPv6 blocks judged before the global-unicast rule, first match wins. (The forms that embed
/// an IPv4 address are handled before this table.)
const V6_BLOCKS: &[(Ipv6Net, AddressClass)] = &[
    (
        v6(0x64, 0xff9b, 1, 0, 0, 0, 0, 0, 48),
        AddressClass::Reserved,
    ),
    (v6(0x2001, 0, 0, 0, 0, 0, 0, 0, 32), AddressClass::Teredo),
    (
        v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0, 32),
        AddressClass::Documentation,
    ),
    (v6(0x2001, 0, 0, 0, 0, 0, 0, 0, 23), AddressClass::Reserved),
    (
        v6(0x3fff, 0, 0, 0, 0, 0, 0, 0, 20),
        AddressClass::Documentation,
    ),
    (v6(0xfc00, 0, 0, 0, 0, 0, 0, 0, 7), AddressClass::Private),
    (v6(0xfe80, 0, 0, 0, 0, 0, 0, 0, 10), AddressClass::LinkLocal),
    (v6(0xff00, 0, 0, 0, 0, 0, 0, 0, 8), AddressClass::Multicast),
];

const GLOBAL_UNICAST: Ipv6Net = v6(0x2000, 0, 0, 0, 0, 0, 0, 0, 3);
const NAT64: Ipv6Net = v6(0x64, 0xff9b, 0, 0, 0, 0, 0, 0, 96);
const SIX_TO_FOUR: Ipv6Net = v6(0x2002, 0, 0, 0, 0, 0, 0, 0, 16);
/// `::/96`, the deprecated IPv4-compatible form (:: and ::1 are judged before it).
const V4_COMPATIBLE: Ipv6Net = v6(0, 0, 0, 0, 0, 0, 0, 0, 96);

const V4_METADATA: &[Ipv4Addr] = &[
    Ipv4Addr::new(169, 254, 169, 254), // AWS, GCP, Azure, OCI, DigitalOcean, ...
    Ipv4Addr::new(100, 100, 100, 200), // Alibaba Cloud
];
const V6_METADATA: &[Ipv6Addr] = &[
    Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254), // AWS (Nitro)
];

/// The class of an address; see [`AddressClass`].
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(a) => classify_v4(a),
        IpAddr::V6(a) => classify_v6(a),
    }
}

fn classify_v4(a: Ipv4Addr) -> AddressClass {
    if V4_METADATA.contains(&a) {
        return AddressClass::CloudMetadata;
    }
    if a.is_unspecified() {
        return AddressClass::Unspecified;
    }
    if a.is_broadcast() {
        return AddressClass::Broadcast;
    }
    V4_BLOCKS
        .iter()
        .find(|(net, _)| net.contains(&a))
        .map_or(AddressClass::Public, |&(_, class)| class)
}

/// The IPv4 address in the low 32 bits.
fn low_v4(a: Ipv6Addr) -> Ipv4Addr {
    let o = a.octets();
    Ipv4Addr::new(o[12], o[13], o[14], o[15])
}

fn classify_v6(a: Ipv6Addr) -> AddressClass {
    if a.is_unspecified() {
        return AddressClass::Unspecified;
    }
    if a.is_loopback() {
        return AddressClass::Loopback;
    }
    if V6_METADATA.contains(&a) {
        return AddressClass::CloudMetadata;
    }
    // Forms that reach an IPv4 host: judge that host.
    if let Some(inner) = a.to_ipv4_mapped() {
        return classify_v4(inner);
    }
    if V4_COMPATIBLE.contains(&a) || NAT64.contains(&a) {
        return classify_v4(low_v4(a));
    }
    if SIX_TO_FOUR.contains(&a) {
        let o = a.octets();
        let inner = Ipv4Addr::new(o[2], o[3], o[4], o[5]);
        return classify_v4(inner);
    }
    if let Some(&(_, class)) = V6_BLOCKS.iter().find(|(net, _)| net.contains(&a)) {
        return class;
    }
    if GLOBAL_UNICAST.contains(&a) {
        AddressClass::Public
    } else {
        AddressClass::Reserved
    }
}

#[cfg(test)]
mod tests {
    use super::AddressClass::*;
    use super::*;

    fn class(s: &str) -> AddressClass {
        classify(s.parse().unwrap_or_else(|_| panic!("{s} is an address")))
    }

    #[test]
    fn ipv4() {
        for (addr, want) in [
            ("93.184.216.34", Public),
            ("8.8.8.8", Public),
            ("1.1.1.1", Public),
            ("172.15.255.255", Public),
            ("172.32.0.0", Public),
            ("100.63.255.255", Public),
            ("100.128.0.0", Public),
            ("192.169.0.1", Public),
            ("198.20.0.1", Public),
            ("223.255.255.255", Public),
            ("127.0.0.1", Loopback),
            ("127.255.255.254", Loopback),
            ("10.0.0.1", Private),
            ("10.255.255.255", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("169.254.0.1", LinkLocal),
            ("169.254.170.2", LinkLocal),
            ("169.254.169.254", CloudMetadata),
            ("100.100.100.200", CloudMetadata),
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Reserved),
            ("255.255.255.255", Broadcast),
            ("240.0.0.1", Reserved),
            ("255.255.255.254", Reserved),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("100.64.0.1", SharedCgnat),
            ("100.127.255.255", SharedCgnat),
            ("192.0.0.1", Reserved),
            ("192.0.0.170", Reserved),
            ("192.88.99.1", Reserved),
            ("198.18.0.1", Reserved),
            ("198.19.255.255", Reserved),
            ("192.0.2.1", Documentation),
            ("198.51.100.7", Documentation),
            ("203.0.113.200", Documentation),
        ] {
            assert_eq!(class(addr), want, "{addr}");
        }
    }

    #[test]
    fn ipv6() {
        for (addr, want) in [
            ("2606:4700:4700::1111", Public),
            ("2a00:1450:4001:80b::200e", Public),
            ("2400:cb00::1", Public),
            ("::", Unspecified),
            ("::1", Loopback),
            ("fc00::1", Private),
            ("fd12:3456:789a::1", Private),
            ("fd00:ec2::254", CloudMetadata),
            ("fd00:ec2::253", Private),
            ("fe80::1", LinkLocal),
            ("febf::1", LinkLocal),
            ("fec0::1", Reserved),
            ("ff02::1", Multicast),
            ("ff0e::1", Multicast),
            ("2001:db8::1", Documentation),
            ("3fff::1", Documentation),
            ("2001::1", Teredo),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Teredo),
            ("2001:2::1", Reserved),
            ("2001:10::1", Reserved),
            ("100::1", Reserved),
            ("64:ff9b:1::a00:1", Reserved),
            ("4000::1", Reserved),
            ("5f00::1", Reserved),
            ("::ffff:0:a00:1", Reserved),
        ] {
            assert_eq!(class(addr), want, "{addr}");
        }
    }

    #[test]
    fn ipv6_forms_of_ipv4_are_judged_by_the_ipv4_inside() {
        for (addr, want) in [
            // IPv4-mapped.
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:10.1.2.3", Private),
            ("::ffff:192.168.0.1", Private),
            ("::ffff:169.254.169.254", CloudMetadata),
            ("::ffff:100.100.100.200", CloudMetadata),
            ("::ffff:0.0.0.0", Unspecified),
            ("::ffff:255.255.255.255", Broadcast),
            ("::ffff:100.64.1.1", SharedCgnat),
            ("::ffff:8.8.8.8", Public),
            // IPv4-compatible (deprecated).
            ("::127.0.0.1", Loopback),
            ("::10.0.0.1", Private),
            ("::169.254.169.254", CloudMetadata),
            ("::2", Reserved),
            ("::8.8.8.8", Public),
            // NAT64.
            ("64:ff9b::127.0.0.1", Loopback),
            ("64:ff9b::10.0.0.1", Private),
            ("64:ff9b::a9fe:a9fe", CloudMetadata),
            ("64:ff9b::8.8.8.8", Public),
            // 6to4: the IPv4 address is in bits 16 to 48.
            ("2002:7f00:1::", Loopback),
            ("2002:a00:1::1", Private),
            ("2002:c0a8:101::1", Private),
            ("2002:a9fe:a9fe::", CloudMetadata),
            ("2002:0:0::1", Unspecified),
            ("2002:808:808::1", Public),
        ] {
            assert_eq!(class(addr), want, "{addr}");
        }
    }

    #[test]
    fn codes_and_words() {
        assert_eq!(Private.code(), "private");
        assert_eq!(CloudMetadata.describe(), "a cloud metadata service address");
    }
}
