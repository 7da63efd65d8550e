package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** What a decoded response means for one question: chains, negative TTLs, failures. */
class DnsAnswerTest {
    private static final int Q = 12;

    private static DnsAnswer answer(Wire w, String qname, int qtype) throws Exception {
        byte[] b = w.build();
        return DnsAnswer.of(DnsCodec.decode(b, 0, b.length), qname, qtype);
    }

    @Test
    void addressesOfTheQuestionWithTheSmallestTtl() throws Exception {
        DnsAnswer a = answer(Wire.response(1, 0, 1, 2, 0, 0).question("h.example", 1)
            .a(Q, 300, 192, 0, 2, 1).a(Q, 60, 192, 0, 2, 2), "h.example", DnsCodec.TYPE_A);
        assertEquals(LookupResult.OK, a.status);
        assertEquals(2, a.addresses.length);
        assertEquals(InetAddress.getByName("192.0.2.1"), a.addresses[0]);
        assertEquals(60, a.ttlSeconds);
        assertEquals("h.example", a.name);
    }

    @Test
    void followsACnameChainInAnyOrderWithTheChainsSmallestTtl() throws Exception {
        // Records: b -> c (ttl 20), c A (ttl 100), alias -> b (ttl 50); question "alias".
        Wire w = Wire.response(1, 0, 1, 3, 0, 0).question("alias.example", 1);
        w.name("b.example").u16(5).u16(1).u32(20).u16(11).name("c.example");
        w.name("c.example").u16(1).u16(1).u32(100).u16(4).u32(0x0A000001L);
        w.pointer(Q).u16(5).u16(1).u32(50).u16(11).name("b.example");
        DnsAnswer a = answer(w, "alias.example", DnsCodec.TYPE_A);
        assertEquals(LookupResult.OK, a.status);
        assertEquals("c.example", a.name);
        assertEquals(20, a.ttlSeconds);
        assertEquals(InetAddress.getByName("10.0.0.1"), a.addresses[0]);
    }

    @Test
    void aCnameLoopIsMalformed() throws Exception {
        Wire w = Wire.response(1, 0, 1, 2, 0, 0).question("a.example", 1);
        w.pointer(Q).u16(5).u16(1).u32(5).u16(11).name("b.example");
        w.name("b.example").u16(5).u16(1).u32(5).u16(11).name("a.example");
        assertEquals(LookupResult.MALFORMED, answer(w, "a.example", DnsCodec.TYPE_A).status);
    }

    @Test
    void aChainThatStopsWithoutDataOrSoaIsFollowed() throws Exception {
        Wire w = Wire.response(1, 0, 1, 1, 0, 0).question("alias.example", 1).cname(Q, 40, "target.example");
        DnsAnswer a = answer(w, "alias.example", DnsCodec.TYPE_A);
        assertEquals(DnsAnswer.FOLLOW, a.status);
        assertEquals("target.example", a.name);
        assertEquals(40, a.ttlSeconds);
    }

    @Test
    void nxdomainTakesItsTtlFromTheSoa() throws Exception {
        DnsAnswer a = answer(Wire.response(1, 3, 1, 0, 1, 0).question("nx.example", 1).soa(Q, 3600, 45),
            "nx.example", DnsCodec.TYPE_A);
        assertEquals(LookupResult.NXDOMAIN, a.status);
        assertEquals(45, a.ttlSeconds, "RFC 2308: min(SOA TTL, SOA MINIMUM)");
        DnsAnswer b = answer(Wire.response(1, 3, 1, 0, 1, 0).question("nx.example", 1).soa(Q, 10, 45),
            "nx.example", DnsCodec.TYPE_A);
        assertEquals(10, b.ttlSeconds);
    }

    @Test
    void noDataWithoutSoaIsNotCacheable() throws Exception {
        DnsAnswer a = answer(Wire.response(1, 0, 1, 0, 0, 0).question("v4only.example", 28), "v4only.example",
            DnsCodec.TYPE_AAAA);
        assertEquals(LookupResult.NODATA, a.status);
        assertEquals(-1, a.ttlSeconds);
    }

    @Test
    void addressesOfTheOtherTypeOrNameDoNotCount() throws Exception {
        Wire w = Wire.response(1, 0, 1, 2, 0, 0).question("h.example", 28).a(Q, 5, 1, 2, 3, 4);
        w.name("other.example").u16(28).u16(1).u32(5).u16(16).bytes(new byte[16]);
        assertEquals(LookupResult.NODATA, answer(w, "h.example", DnsCodec.TYPE_AAAA).status);
    }

    @Test
    void failureRcodesMapToStatuses() throws Exception {
        assertEquals(LookupResult.SERVFAIL, answer(Wire.response(1, 2, 1, 0, 0, 0).question("x", 1), "x", 1).status);
        assertEquals(LookupResult.REFUSED, answer(Wire.response(1, 5, 1, 0, 0, 0).question("x", 1), "x", 1).status);
        assertEquals(LookupResult.SERVFAIL, answer(Wire.response(1, 4, 1, 0, 0, 0).question("x", 1), "x", 1).status);
        assertEquals("NOTIMP", answer(Wire.response(1, 4, 1, 0, 0, 0).question("x", 1), "x", 1).detail);
    }
}
