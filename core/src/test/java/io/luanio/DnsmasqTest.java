package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.dns.LookupResult;
import io.luanio.dns.ResolverConfig;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolver against a real dnsmasq on 127.0.0.1: authoritative for the zone
 * {@code test} (so negative answers carry an SOA, RFC 2308), with host records, a CNAME
 * chain, and a name with 40 addresses whose answer does not fit 512 bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsmasqTest {
    @TempDir
    static Path dir;
    static Dnsmasq dnsmasq;

    @BeforeAll
    static void startDnsmasq() throws Exception {
        StringBuilder hosts = new StringBuilder("192.0.2.77 hosted.test\n");
        for (int i = 1; i <= 40; i++) {
            hosts.append("10.0.0.").append(i).append(" big.test\n");
        }
        dnsmasq = Dnsmasq.start(dir, hosts.toString(),
            "--auth-zone=test", "--auth-server=ns.test,127.0.0.1", "--auth-ttl=60",
            "--auth-soa=1,hostmaster.test,1200,120,1209600",
            "--host-record=www.test,192.0.2.10",
            "--host-record=v6.test,2001:db8::6",
            "--host-record=both.test,192.0.2.5,2001:db8::5",
            "--host-record=svc.test,127.0.0.1,::1",
            "--cname=alias.test,alias2.test", "--cname=alias2.test,www.test");
    }

    @AfterAll
    static void stopDnsmasq() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    private static ResolverConfig config() {
        return new ResolverConfig().servers(dnsmasq.address()).timeoutMs(2000).attempts(1).reloadIntervalMs(0);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** A loop and a context; {@link #lookup} waits for the LOOKUP_CNF and takes the result. */
    private static final class Client implements AutoCloseable {
        final Harness h;

        Client(ResolverConfig config) {
            h = new Harness(new EventLoopConfig().resolver(config), new ContextConfig());
        }

        LookupResult lookup(String name, int family) {
            int id = h.ctx.lookup(name, family);
            assertTrue(id >= 0, h.ctx.lastError());
            Event ev = h.await(EventType.LOOKUP_CNF, id, 20_000);
            LookupResult r = h.ctx.lookupResult(id);
            assertNotNull(r);
            assertEquals(r.ok() ? 0 : 1, ev.result(), r.toString());
            return r;
        }

        @Override
        public void close() {
            h.close();
        }
    }

    @Test
    void resolvesAAndAaaaRecords() throws Exception {
        try (Client c = new Client(config())) {
            assertEquals(Arrays.asList(ip("192.0.2.10")), c.lookup("www.test", LookupResult.FAMILY_IPV4).addresses());
            assertEquals(Arrays.asList(ip("2001:db8::6")), c.lookup("v6.test", LookupResult.FAMILY_IPV6).addresses());
            LookupResult both = c.lookup("both.test", LookupResult.FAMILY_ANY);
            assertEquals(Arrays.asList(ip("192.0.2.5"), ip("2001:db8::5")), both.addresses());
            assertEquals(LookupResult.SOURCE_DNS, both.source());
            LookupResult v6only = c.lookup("v6.test", LookupResult.FAMILY_IPV4);
            assertEquals(LookupResult.NODATA, v6only.status());
            assertEquals("no such host: v6.test (it has no IPv4 address)", v6only.message());
            assertEquals(ip("192.0.2.77"), c.lookup("hosted.test", LookupResult.FAMILY_IPV4).first(), "dnsmasq's hosts file");
        }
    }

    @Test
    void followsACnameChain() throws Exception {
        try (Client c = new Client(config())) {
            LookupResult r = c.lookup("alias.test", LookupResult.FAMILY_IPV4);
            assertEquals(Arrays.asList(ip("192.0.2.10")), r.addresses());
            assertEquals("alias.test", r.name());
            assertEquals("www.test", r.canonicalName());
            assertTrue(c.lookup("alias.test", LookupResult.FAMILY_IPV4).fromCache());
        }
    }

    @Test
    void ourHostsFileAnswersBeforeDns() throws Exception {
        Path hosts = dir.resolve("client.hosts");
        Files.write(hosts, "10.9.8.7 mine.test\n::1 mine.test\n".getBytes(StandardCharsets.US_ASCII));
        try (Client c = new Client(config().hostsFile(hosts.toString()))) {
            LookupResult r = c.lookup("mine.test", LookupResult.FAMILY_ANY);
            assertEquals(Arrays.asList(ip("10.9.8.7"), ip("::1")), r.addresses());
            assertEquals(LookupResult.SOURCE_HOSTS, r.source());
            assertEquals(0, dnsmasq.queries("A", "mine.test") + dnsmasq.queries("AAAA", "mine.test"));
        }
    }

    @Test
    void nxdomainIsCachedNegatively() throws Exception {
        try (Client c = new Client(config())) {
            LookupResult first = c.lookup("nx.test", LookupResult.FAMILY_IPV4);
            assertEquals(LookupResult.NXDOMAIN, first.status());
            assertEquals("no such host: nx.test", first.message());
            assertFalse(first.fromCache());
            LookupResult second = c.lookup("nx.test", LookupResult.FAMILY_IPV4);
            assertEquals(LookupResult.NXDOMAIN, second.status());
            assertTrue(second.fromCache(), "the SOA's TTL makes it cacheable (RFC 2308)");
            assertEquals(1, dnsmasq.queries("A", "nx.test"));
        }
    }

    @Test
    void aTruncatedAnswerIsRetriedOverTcp() throws Exception {
        try (Client c = new Client(config().ednsUdpSize(0))) {
            int before = dnsmasq.queries("A", "big.test");
            LookupResult r = c.lookup("big.test", LookupResult.FAMILY_IPV4);
            assertEquals(40, r.addresses().size(), r.toString());
            Set<InetAddress> distinct = new HashSet<>(r.addresses());
            assertEquals(40, distinct.size());
            assertTrue(distinct.contains(ip("10.0.0.40")));
            assertEquals(2, dnsmasq.queries("A", "big.test") - before, "UDP (truncated), then TCP");
        }
        try (Client c = new Client(config())) {
            int before = dnsmasq.queries("A", "big.test");
            assertEquals(40, c.lookup("big.test", LookupResult.FAMILY_IPV4).addresses().size());
            assertEquals(1, dnsmasq.queries("A", "big.test") - before, "with EDNS (1232 bytes) it fits one datagram");
        }
    }

    @Test
    void aSilentServerTimesOutThenDnsmasqAnswers() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Client c = new Client(config().servers("127.0.0.1:" + silent.getLocalPort(), dnsmasq.address()).timeoutMs(300))) {
            long start = System.nanoTime();
            LookupResult r = c.lookup("www.test", LookupResult.FAMILY_IPV4);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(ip("192.0.2.10"), r.first());
            assertTrue(ms >= 280, "answered after " + ms + " ms: the silent server was not asked first?");
        }
    }

    @Test
    void theSearchListCompletesShortNames() throws Exception {
        try (Client c = new Client(config().search("nowhere.test", "test"))) {
            LookupResult r = c.lookup("www", LookupResult.FAMILY_IPV4);
            assertEquals("www.test", r.name());
            assertEquals(ip("192.0.2.10"), r.first());
        }
    }

    @Test
    void connectsToANameWithBothFamilies() throws Exception {
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getByName("127.0.0.1"), Peers::echo);
             Client c = new Client(config())) {
            // svc.test is 127.0.0.1 and ::1; only IPv4 listens: Happy Eyeballs tries ::1
            // first (refused at once), then 127.0.0.1.
            int id = c.h.connect(SocketType.TCP, "svc.test", server.port());
            assertEquals(new InetSocketAddress("127.0.0.1", server.port()), c.h.ctx.remoteAddress(id));
            assertEquals(0, c.h.ctx.send(id, "over dns".getBytes(StandardCharsets.US_ASCII)));
            assertArrayEquals("over dns".getBytes(StandardCharsets.US_ASCII), c.h.read(id, 8));
            c.h.closeAndDestroy(id);
            int nx = c.h.ctx.connect(SocketType.TCP, "nx.test", server.port());
            assertEquals(1, c.h.await(EventType.CONN_CNF, nx).result());
            assertEquals("no such host: nx.test", c.h.ctx.reason(nx));
            assertTrue(c.h.ctx.destroy(nx));
        }
    }

    @Test
    void udpConnectsToAName() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
             Client c = new Client(config().preferIpv6(false))) {
            int id = c.h.connect(SocketType.UDP, "svc.test", peer.getLocalPort());
            assertEquals(new InetSocketAddress("127.0.0.1", peer.getLocalPort()), c.h.ctx.remoteAddress(id));
            c.h.closeAndDestroy(id);
        }
    }
}
