package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** TTLs, negative entries, the bound, and shared results. */
class DnsCacheTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = Long.MAX_VALUE - 5 * S; // deadlines wrap past Long.MAX_VALUE

    private static LookupResult positive(String name, int family, String address, long expiresNs) throws Exception {
        return LookupResult.success(name, family, LookupResult.SOURCE_CACHE,
            new InetAddress[] {InetAddress.getByName(address)}, name, expiresNs);
    }

    @Test
    void answersUntilTheDeadlineAcrossClockWrap() throws Exception {
        DnsCache cache = new DnsCache(16);
        cache.put("a.example", LookupResult.FAMILY_IPV4, positive("a.example", 4, "10.0.0.1", T0 + 10 * S));
        assertNotNull(cache.get("a.example", LookupResult.FAMILY_IPV4, T0));
        assertNotNull(cache.get("a.example", LookupResult.FAMILY_IPV4, T0 + 9 * S));
        assertNull(cache.get("a.example", LookupResult.FAMILY_IPV4, T0 + 10 * S));
        assertEquals(0, cache.size(), "an entry found dead is dropped");
    }

    @Test
    void keepsNegativeAnswers() {
        DnsCache cache = new DnsCache(16);
        cache.put("nx.example", LookupResult.FAMILY_IPV4,
            LookupResult.negative("nx.example", 4, LookupResult.NXDOMAIN, LookupResult.SOURCE_CACHE, null, T0 + S));
        LookupResult r = cache.get("nx.example", LookupResult.FAMILY_IPV4, T0);
        assertEquals(LookupResult.NXDOMAIN, r.status());
        assertEquals("no such host: nx.example", r.message());
        assertNull(cache.get("nx.example", LookupResult.FAMILY_IPV6, T0), "the other family was never asked");
    }

    @Test
    void bothFamiliesMakeOneSharedAnswer() throws Exception {
        DnsCache cache = new DnsCache(16);
        cache.put("d.example", LookupResult.FAMILY_IPV6, positive("d.example", 6, "2001:db8::1", T0 + 5 * S));
        assertNull(cache.get("d.example", LookupResult.FAMILY_ANY, T0), "IPv4 still unknown");
        cache.put("d.example", LookupResult.FAMILY_IPV4, positive("d.example", 4, "10.0.0.1", T0 + 9 * S));
        LookupResult any = cache.get("d.example", LookupResult.FAMILY_ANY, T0);
        assertEquals(2, any.addresses().size());
        assertEquals(InetAddress.getByName("10.0.0.1"), any.first(), "IPv4 first");
        assertSame(any, cache.get("d.example", LookupResult.FAMILY_ANY, T0), "built once, then shared");
        assertNull(cache.get("d.example", LookupResult.FAMILY_ANY, T0 + 6 * S), "one half expired");
        assertNotNull(cache.get("d.example", LookupResult.FAMILY_IPV4, T0 + 6 * S));
    }

    @Test
    void theLeastRecentlyUsedNameGoesFirst() throws Exception {
        DnsCache cache = new DnsCache(3);
        for (String n : new String[] {"a", "b", "c"}) {
            cache.put(n, 4, positive(n, 4, "10.0.0.1", T0 + S));
        }
        assertNotNull(cache.get("a", 4, T0)); // a is now the most recent
        cache.put("d", 4, positive("d", 4, "10.0.0.1", T0 + S));
        assertEquals(3, cache.size());
        assertNull(cache.get("b", 4, T0));
        assertNotNull(cache.get("a", 4, T0));
        assertNotNull(cache.get("c", 4, T0));
        assertNotNull(cache.get("d", 4, T0));
    }

    @Test
    void sizeZeroCachesNothing() throws Exception {
        DnsCache cache = new DnsCache(0);
        cache.put("a", 4, positive("a", 4, "10.0.0.1", T0 + S));
        assertNull(cache.get("a", 4, T0));
        assertEquals(0, cache.size());
    }
}
