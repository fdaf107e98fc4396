import GatehouseCore
import Testing

/// Addresses and CIDR blocks, and the client address behind trusted proxies (issue 9, item 10).
@Suite struct ClientAddressTests {
    @Test func addressesAndRangesParseAndMatch() throws {
        #expect(IPAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress("::ffff:192.0.2.1") == IPAddress("192.0.2.1"), "an IPv4-mapped address is the IPv4 one")
        #expect(IPAddress("2001:db8::1")?.bytes.count == 16)
        #expect(IPAddress("::1")?.description == "::1")
        #expect(IPAddress("0.0.0.0")?.bytes == [0, 0, 0, 0] && IPAddress("255.10.100.9")?.bytes == [255, 10, 100, 9])
        #expect(
            IPAddress("2001:DB8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1",
            "RFC 5952 §4.2.3: the first of equal runs")
        #expect(
            IPAddress("2001:db8:0:1:1:1:1:1")?.description == "2001:db8:0:1:1:1:1:1",
            "RFC 5952 §4.2.2: one zero group stays")
        for bad in [
            "", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.0.0.1", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1", "127.evil",
            "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1.2.3.04", "1.2.3.1000", "1.2.3.00", "١.2.3.4",
            "1.2.3.4\u{0}", "::ffff:1.2.3", "::ffff:1.2.3.256",
        ] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
        let private10 = try #require(IPRange("10.0.0.0/8"))
        #expect(private10.contains(try #require(IPAddress("10.200.3.4"))))
        #expect(!private10.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(!private10.contains(try #require(IPAddress("::1"))))
        let v6 = try #require(IPRange("2001:db8::/32"))
        #expect(v6.contains(try #require(IPAddress("2001:db8:ffff::1"))))
        #expect(!v6.contains(try #require(IPAddress("2001:db9::1"))))
        #expect(try #require(IPRange("192.0.2.7")).contains(try #require(IPAddress("192.0.2.7"))))
        #expect(try #require(IPRange("172.16.0.0/12")).contains(try #require(IPAddress("172.31.255.255"))))
        for bad in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "::/129", "nope/8"] {
            #expect(IPRange(bad) == nil, "\(bad)")
        }
    }

    @Test func withoutTrustedProxiesForwardedHeadersAreIgnored() {
        let resolver = ClientAddressResolver()
        #expect(
            resolver.resolve(peer: "203.0.113.9", forwarded: ["for=1.2.3.4"], forwardedFor: ["5.6.7.8"])
                == "203.0.113.9")
    }

    @Test func behindTrustedProxiesTheNearestUntrustedAddressIsTheClient() throws {
        let resolver = try ClientAddressResolver.parse("10.0.0.0/8, 192.168.1.1").get()
        // The proxy's own peer is the client when the request came straight to it.
        #expect(resolver.resolve(peer: "10.0.0.5", forwarded: [], forwardedFor: ["198.51.100.7"]) == "198.51.100.7")
        // A client's forged entry sits left of the real one and is never reached.
        #expect(
            resolver.resolve(peer: "10.0.0.5", forwarded: [], forwardedFor: ["6.6.6.6, 198.51.100.7", "192.168.1.1"])
                == "198.51.100.7")
        let forwarded = [#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https"#]
        #expect(
            resolver.resolve(peer: "10.0.0.5", forwarded: forwarded, forwardedFor: ["9.9.9.9"]) == "9.9.9.9",
            "a client's Forwarded passed through by a proxy that writes X-Forwarded-For is ignored")
        #expect(
            resolver.resolve(peer: "10.0.0.5", forwarded: ["for=10.9.9.9"], forwardedFor: []) == "10.0.0.5",
            "nor does it name an address inside a range")
        let rfc7239 = ClientAddressResolver(trustedProxies: resolver.trustedProxies, header: .forwarded)
        #expect(
            rfc7239.resolve(peer: "10.0.0.5", forwarded: forwarded, forwardedFor: ["9.9.9.9"]) == "2001:db8:cafe::17",
            "behind proxies that write Forwarded, X-Forwarded-For is ignored")
        // An untrusted peer's headers are ignored; an unusable entry stops at the last proxy.
        #expect(resolver.resolve(peer: "203.0.113.9", forwarded: [], forwardedFor: ["1.1.1.1"]) == "203.0.113.9")
        #expect(rfc7239.resolve(peer: "10.0.0.5", forwarded: ["for=unknown"], forwardedFor: []) == "10.0.0.5")
        #expect(resolver.resolve(peer: "10.0.0.5", forwarded: [], forwardedFor: []) == "10.0.0.5")
        #expect(throws: ClientAddressResolver.ParseFailure.self) {
            try ClientAddressResolver.parse("10.0.0.0/8,bogus").get()
        }
    }
}

/// Ranges as config writes them: host bits cleared, canonical text, containment of one range in another.
@Suite struct IPRangeTextTests {
    @Test func rangesAreKeptAsTheirNetwork() throws {
        #expect(IPRange("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(IPRange("10.1.2.3/8") == IPRange("10.0.0.0/8"))
        #expect(IPRange("2001:db8:1::/32")?.description == "2001:db8::/32")
        #expect(IPRange("192.0.2.7/32")?.description == "192.0.2.7")
        #expect(IPRange("::/0")?.description == "::/0")
        #expect(IPRange("0.0.0.0/0")?.contains(try #require(IPAddress("203.0.113.1"))) == true)
        #expect(IPRange("10.0.0.0/12")?.description == "10.0.0.0/12")
        #expect(IPRange("10.31.0.0/12")?.description == "10.16.0.0/12")
        let wide = try #require(IPRange("10.0.0.0/8"))
        #expect(wide.contains(try #require(IPRange("10.2.0.0/16"))))
        #expect(!(try #require(IPRange("10.2.0.0/16"))).contains(wide))
        #expect(!wide.contains(try #require(IPRange("2001:db8::/32"))))
    }
}
