//! Pure classification of IP addresses for the URL fetcher's SSRF guard.
//!
//! [`classify`] sorts an address into an [`AddressClass`]; everything but
//! [`AddressClass::Public`] is refused unless the policy sets `allow_private_networks`.
//!
//! Refused IPv4 ranges:
//! * `0.0.0.0/8` "this network" (`0.0.0.0` itself is [`AddressClass::Unspecified`]; Linux
//!   connects it to the local host)
//! * `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16` private (RFC 1918)
//! * `100.64.0.0/10` shared / carrier-grade NAT (RFC 6598; also Alibaba's metadata 100.100.100.200)
//! * `127.0.0.0/8` loopback
//! * `169.254.0.0/16` link-local, including the cloud metadata address `169.254.169.254`
//! * `192.0.0.0/24` IETF protocol assignments
//! * `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24` documentation (TEST-NET-1/2/3)
//! * `198.18.0.0/15` benchmarking
//! * `224.0.0.0/4` multicast, `240.0.0.0/4` reserved, `255.255.255.255` broadcast
//!
//! Refused IPv6 ranges:
//! * `::` unspecified, `::1` loopback
//! * `fc00::/7` unique local (includes AWS's IPv6 metadata `fd00:ec2::254`),
//!   `fe80::/10` link-local, `fec0::/10` deprecated site-local, `ff00::/8` multicast
//! * `2001:db8::/32` documentation, `100::/64` discard-only, `64:ff9b:1::/48` local-use NAT64
//! * addresses that embed an IPv4 address are classified by that address:
//!   `::ffff:a.b.c.d` (mapped), `::a.b.c.d` (deprecated compatible),
//!   `64:ff9b::a.b.c.d` (well-known NAT64 prefix) and `2002:AABB:CCDD::/48` (6to4).
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of network an address belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressClass {
    /// A globally routable address: the only class fetched by default.
    Public,
    Loopback,
    /// RFC 1918 IPv4 or IPv6 unique-local / site-local.
    Private,
    /// Link-local; includes the cloud metadata endpoint 169.254.169.254.
    LinkLocal,
    /// 100.64.0.0/10 carrier-grade NAT.
    SharedCgnat,
    Unspecified,
    /// 0.0.0.0/8 (other than 0.0.0.0).
    ThisNetwork,
    Broadcast,
    Multicast,
    /// Documentation, benchmarking, discard-only or IETF-reserved space.
    Reserved,
}

impl AddressClass {
    /// A short description for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            AddressClass::Public => "a public address",
            AddressClass::Loopback => "a loopback address",
            AddressClass::Private => "a private-network address",
            AddressClass::LinkLocal => {
                "a link-local address (this includes cloud metadata endpoints)"
            }
            AddressClass::SharedCgnat => "a carrier-grade NAT (100.64.0.0/10) address",
            AddressClass::Unspecified => "the unspecified address",
            AddressClass::ThisNetwork => "a 0.0.0.0/8 address",
            AddressClass::Broadcast => "the broadcast address",
            AddressClass::Multicast => "a multicast address",
            AddressClass::Reserved => "a reserved (documentation/benchmark/IETF) address",
        }
    }
}

/// Classify an address; see the module docs for the ranges.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// True when the address is anything but [`AddressClass::Public`].
pub fn is_forbidden(ip: IpAddr) -> bool {
    classify(ip) != AddressClass::Public
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    (u32::from(ip) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    use AddressClass::*;
    if ip == Ipv4Addr::UNSPECIFIED {
        return Unspecified;
    }
    if ip == Ipv4Addr::BROADCAST {
        return Broadcast;
    }
    let table: &[([u8; 4], u32, AddressClass)] = &[
        ([0, 0, 0, 0], 8, ThisNetwork),
        ([10, 0, 0, 0], 8, Private),
        ([100, 64, 0, 0], 10, SharedCgnat),
        ([127, 0, 0, 0], 8, Loopback),
        ([169, 254, 0, 0], 16, LinkLocal),
        ([172, 16, 0, 0], 12, Private),
        ([192, 0, 0, 0], 24, Reserved),
        ([192, 0, 2, 0], 24, Reserved),
        ([192, 168, 0, 0], 16, Private),
        ([198, 18, 0, 0], 15, Reserved),
        ([198, 51, 100, 0], 24, Reserved),
        ([203, 0, 113, 0], 24, Reserved),
        ([224, 0, 0, 0], 4, Multicast),
        ([240, 0, 0, 0], 4, Reserved),
    ];
    table
        .iter()
        .find(|(net, prefix, _)| in_v4(ip, *net, *prefix))
        .map_or(Public, |&(_, _, class)| class)
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    use AddressClass::*;
    let seg = ip.segments();
    if ip == Ipv6Addr::UNSPECIFIED {
        return Unspecified;
    }
    if ip == Ipv6Addr::LOCALHOST {
        return Loopback;
    }
    let [a, b, c, d, e, f, g, h] = seg;
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from(((hi as u32) << 16) | lo as u32);
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible).
    if a == 0 && b == 0 && c == 0 && d == 0 && e == 0 && (f == 0xffff || f == 0) {
        return classify_v4(embedded(g, h));
    }
    // 64:ff9b::a.b.c.d, the well-known NAT64 prefix: reaches the embedded IPv4 address.
    if a == 0x64 && b == 0xff9b && c == 0 && d == 0 && e == 0 && f == 0 {
        return classify_v4(embedded(g, h));
    }
    // 6to4 2002:AABB:CCDD::/48 embeds AA.BB.CC.DD.
    if a == 0x2002 {
        return classify_v4(embedded(b, c));
    }
    if a == 0x64 && b == 0xff9b && c == 1 {
        return Private; // 64:ff9b:1::/48 local-use NAT64
    }
    if a & 0xfe00 == 0xfc00 {
        return Private; // fc00::/7 unique local
    }
    if a & 0xffc0 == 0xfe80 {
        return LinkLocal; // fe80::/10
    }
    if a & 0xffc0 == 0xfec0 {
        return Private; // fec0::/10 deprecated site-local
    }
    if a & 0xff00 == 0xff00 {
        return Multicast;
    }
    if a == 0x2001 && b == 0x0db8 {
        return Reserved; // documentation
    }
    if a == 0x0100 && b == 0 && c == 0 && d == 0 {
        return Reserved; // 100::/64 discard-only
    }
    Public
}

#[cfg(test)]
mod tests {
    use super::AddressClass::*;
    use super::*;

    fn c(s: &str) -> AddressClass {
        classify(s.parse().unwrap())
    }

    #[test]
    fn public_addresses() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.169.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "11.0.0.0",
            "9.255.255.255",
            "223.255.255.255",
            "198.17.255.255",
            "198.20.0.0",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert_eq!(c(s), Public, "{s}");
            assert!(!is_forbidden(s.parse().unwrap()), "{s}");
        }
    }

    #[test]
    fn ipv4_special_ranges() {
        let cases = [
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", ThisNetwork),
            ("0.255.255.255", ThisNetwork),
            ("10.0.0.0", Private),
            ("10.255.255.255", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.0.1", Private),
            ("192.168.255.255", Private),
            ("100.64.0.1", SharedCgnat),
            ("100.100.100.200", SharedCgnat),
            ("100.127.255.255", SharedCgnat),
            ("127.0.0.1", Loopback),
            ("127.255.255.254", Loopback),
            ("169.254.0.1", LinkLocal),
            ("169.254.169.254", LinkLocal),
            ("192.0.0.170", Reserved),
            ("192.0.2.1", Reserved),
            ("198.51.100.7", Reserved),
            ("203.0.113.9", Reserved),
            ("198.18.0.1", Reserved),
            ("198.19.255.255", Reserved),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("240.0.0.1", Reserved),
            ("255.255.255.254", Reserved),
            ("255.255.255.255", Broadcast),
        ];
        for (s, want) in cases {
            assert_eq!(c(s), want, "{s}");
            assert!(is_forbidden(s.parse().unwrap()), "{s}");
        }
    }

    #[test]
    fn ipv6_special_ranges() {
        let cases = [
            ("::", Unspecified),
            ("::1", Loopback),
            ("fc00::1", Private),
            ("fd12:3456::1", Private),
            ("fd00:ec2::254", Private),
            ("fe80::1", LinkLocal),
            ("febf:ffff::1", LinkLocal),
            ("fec0::1", Private),
            ("ff02::1", Multicast),
            ("ff05::2", Multicast),
            ("2001:db8::1", Reserved),
            ("100::1", Reserved),
            ("64:ff9b:1::a", Private),
        ];
        for (s, want) in cases {
            assert_eq!(c(s), want, "{s}");
            assert!(is_forbidden(s.parse().unwrap()), "{s}");
        }
    }

    #[test]
    fn ipv6_embedding_ipv4_uses_the_ipv4_class() {
        let cases = [
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:7f00:1", Loopback),
            ("::ffff:169.254.169.254", LinkLocal),
            ("::ffff:10.1.2.3", Private),
            ("::ffff:192.168.1.1", Private),
            ("::ffff:0.0.0.0", Unspecified),
            ("::ffff:100.64.0.1", SharedCgnat),
            ("::127.0.0.1", Loopback),
            ("::169.254.169.254", LinkLocal),
            ("::10.0.0.1", Private),
            ("64:ff9b::169.254.169.254", LinkLocal),
            ("64:ff9b::7f00:1", Loopback),
            ("64:ff9b::192.168.0.1", Private),
            ("2002:a9fe:a9fe::1", LinkLocal),
            ("2002:7f00:0001::", Loopback),
            ("2002:0a00:0001::1", Private),
        ];
        for (s, want) in cases {
            assert_eq!(c(s), want, "{s}");
        }
    }

    #[test]
    fn every_class_has_a_description() {
        assert!(LinkLocal.describe().contains("metadata"));
        assert!(Loopback.describe().contains("loopback"));
    }
}
