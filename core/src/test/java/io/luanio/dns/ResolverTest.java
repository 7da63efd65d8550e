package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.Event;
import io.luanio.EventType;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolver against scriptable fake servers on 127.0.0.1: what it sends, what it
 * accepts, how it fails over, what it caches.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolverTest {
    private static final int A = DnsCodec.TYPE_A;

    private static ResolverConfig config(FakeDnsServer... servers) {
        String[] addresses = Arrays.stream(servers).map(FakeDnsServer::address).toArray(String[]::new);
        return new ResolverConfig().servers(addresses).timeoutMs(400).attempts(1).reloadIntervalMs(0);
    }

    private static InetAddress ip(String literal) {
        return IpLiterals.parse(literal);
    }

    // ------------------------------------------------------------------ what goes out

    @Test
    void resolvesBothFamiliesFromOneServer() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.answering("192.0.2.1", "2001:db8::1"); Lookups l = new Lookups(config(dns))) {
            LookupResult r = l.lookup("Host.Example");
            assertTrue(r.ok(), r.toString());
            assertEquals(Arrays.asList(ip("192.0.2.1"), ip("2001:db8::1")), r.addresses());
            assertEquals(LookupResult.SOURCE_DNS, r.source());
            assertEquals("host.example", r.name());
            assertEquals(ip("192.0.2.1"), l.lookup("host.example", LookupResult.FAMILY_IPV4).first());
            assertEquals(ip("2001:db8::1"), l.lookup("host.example", LookupResult.FAMILY_IPV6).first());
            assertEquals(1, dns.queries.stream().filter(q -> q.type() == A).count(), "IPv4 answered from the cache");
        }
    }

    @Test
    void aServerOnIpv6Loopback() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> s.send(FakeDnsServer.addresses(q, "192.0.2.2", 300), q),
                InetAddress.getByName("::1"));
             Lookups l = new Lookups(config(dns))) {
            assertTrue(dns.address().startsWith("[0:0:0:0:0:0:0:1]:") || dns.address().startsWith("[::1]:"), dns.address());
            assertEquals(ip("192.0.2.2"), l.lookup("v6server.example", LookupResult.FAMILY_IPV4).first());
        }
    }

    @Test
    void everyQueryHasItsOwnRandomIdAndSourcePort() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.answering("192.0.2.1", null); Lookups l = new Lookups(config(dns))) {
            for (int i = 0; i < 40; i++) {
                assertTrue(l.lookup("n" + i + ".example", LookupResult.FAMILY_IPV4).ok());
            }
            Set<Integer> ids = dns.queries.stream().map(FakeDnsServer.Query::id).collect(Collectors.toSet());
            Set<Integer> ports = dns.queries.stream().map(FakeDnsServer.Query::port).collect(Collectors.toSet());
            assertEquals(40, dns.queries.size());
            assertTrue(ids.size() >= 38, "ids repeat: " + ids);
            assertTrue(ports.size() >= 38, "source ports repeat: " + ports);
            List<Integer> sorted = dns.queries.stream().map(FakeDnsServer.Query::id).collect(Collectors.toList());
            long increasing = 0;
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i) == sorted.get(i - 1) + 1) {
                    increasing++;
                }
            }
            assertTrue(increasing < 3, "ids look sequential: " + sorted);
            assertTrue(dns.queries.get(0).message.ednsUdpSize == ResolverConfig.DEFAULT_EDNS_UDP_SIZE, "EDNS by default");
        }
    }

    @Test
    void identicalConcurrentLookupsShareOneQuery() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> {
            sleep(200);
            s.send(FakeDnsServer.addresses(q, "192.0.2.7", 60), q);
        }); Lookups l = new Lookups(config(dns).timeoutMs(2000))) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(l.start("same.example", LookupResult.FAMILY_IPV4));
            }
            for (int id : ids) {
                assertEquals(ip("192.0.2.7"), l.await(id).first());
            }
            assertEquals(1, dns.queries.size());
        }
    }

    @Test
    void internationalNamesAreSentAsPunycode() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.answering("192.0.2.8", null); Lookups l = new Lookups(config(dns))) {
            assertTrue(l.lookup("b\u00fccher.example", LookupResult.FAMILY_IPV4).ok());
            assertEquals("xn--bcher-kva.example", dns.queries.get(0).name());
        }
    }

    // ------------------------------------------------------------------ what comes back

    @Test
    void spoofedGarbledAndMismatchedAnswersAreIgnored() throws Exception {
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             FakeDnsServer dns = new FakeDnsServer((s, q) -> {
                 byte[] lie = FakeDnsServer.addresses(q, "203.0.113.66", 300);
                 other.send(new DatagramPacket(lie, lie.length, q.from)); // right id and question, wrong port
                 s.send(new byte[] {1, 2, 3}, q);                              // garbage
                 s.send(Wire.response(q.id() ^ 1, 0, 1, 1, 0, 0).question(q.name(), A).a(12, 300, 203, 0, 113, 1).build(), q);
                 s.send(Wire.response(q.id(), 0, 1, 1, 0, 0).question("other.example", A).a(12, 300, 203, 0, 113, 2).build(), q);
                 s.send(Wire.response(q.id(), 0, 1, 0, 0, 0).question(q.name(), 28).build(), q);            // wrong type
                 s.send(Wire.header(q.id(), 0x0100, 1, 0, 0, 0).question(q.name(), A).build(), q);          // not a response
                 s.send(FakeDnsServer.addresses(q, "192.0.2.9", 300), q);                                   // the answer
             }); Lookups l = new Lookups(config(dns).timeoutMs(3000))) {
            LookupResult r = l.lookup("victim.example", LookupResult.FAMILY_IPV4);
            assertEquals(Arrays.asList(ip("192.0.2.9")), r.addresses());
        }
    }

    @Test
    void aServerThatOnlySendsGarbageTimesOut() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> {
            for (int i = 0; i < 50; i++) {
                byte[] junk = new byte[i * 7];
                for (int k = 0; k < junk.length; k++) {
                    junk[k] = (byte) (k * 31 + i);
                }
                s.send(junk, q);
            }
        }); Lookups l = new Lookups(config(dns))) {
            LookupResult r = l.lookup("x.example", LookupResult.FAMILY_IPV4);
            assertEquals(LookupResult.TIMEOUT, r.status(), r.toString());
            assertTrue(r.message().startsWith("DNS timed out for x.example (no answer from " + dns.address()), r.message());
        }
    }

    @Test
    void aSilentServerTimesOutThenTheNextServerAnswers() throws Exception {
        try (FakeDnsServer silent = FakeDnsServer.silent(); FakeDnsServer dns = FakeDnsServer.answering("192.0.2.10", null);
             Lookups l = new Lookups(config(silent, dns).timeoutMs(300))) {
            long start = System.nanoTime();
            LookupResult r = l.lookup("x.example", LookupResult.FAMILY_IPV4);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(r.ok(), r.toString());
            assertTrue(ms >= 280 && ms < 3000, "took " + ms + " ms");
            assertEquals(1, silent.queries.size());
            assertEquals(1, dns.queries.size());
        }
    }

    @Test
    void everyServerSilentForEveryAttemptIsATimeout() throws Exception {
        try (FakeDnsServer a = FakeDnsServer.silent(); FakeDnsServer b = FakeDnsServer.silent();
             Lookups l = new Lookups(config(a, b).timeoutMs(200).attempts(2))) {
            long start = System.nanoTime();
            LookupResult r = l.lookup("x.example", LookupResult.FAMILY_IPV4);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(LookupResult.TIMEOUT, r.status());
            assertTrue(r.message().contains(a.address()) && r.message().contains(b.address()) && r.message().contains("4 tries"),
                r.message());
            assertTrue(ms >= 780, "4 tries of 200 ms took " + ms + " ms");
            assertEquals(2, a.queries.size());
            assertEquals(2, b.queries.size());
        }
    }

    @Test
    void servfailMovesOnAndRefusedEverywhereIsRefused() throws Exception {
        try (FakeDnsServer failing = new FakeDnsServer((s, q) -> s.send(q.reply(2, 0, 0).build(), q));
             FakeDnsServer dns = FakeDnsServer.answering("192.0.2.11", null);
             FakeDnsServer refusing = new FakeDnsServer((s, q) -> s.send(q.reply(5, 0, 0).build(), q))) {
            try (Lookups l = new Lookups(config(failing, dns))) {
                assertTrue(l.lookup("x.example", LookupResult.FAMILY_IPV4).ok());
            }
            try (Lookups l = new Lookups(config(refusing, failing).attempts(2))) {
                LookupResult r = l.lookup("x.example", LookupResult.FAMILY_IPV4);
                assertTrue(r.status() == LookupResult.REFUSED || r.status() == LookupResult.SERVFAIL, r.toString());
                assertTrue(r.message().startsWith("DNS"), r.message());
                assertEquals(2, refusing.queries.size());
            }
            try (Lookups l = new Lookups(config(failing))) {
                LookupResult r = l.lookup("x.example", LookupResult.FAMILY_IPV4);
                assertEquals(LookupResult.SERVFAIL, r.status());
                assertEquals("DNS server failure for x.example (SERVFAIL from " + failing.address() + ")", r.message());
            }
        }
    }

    @Test
    void aMalformedAnswerToOurQuestionFailsThatServer() throws Exception {
        try (FakeDnsServer broken = new FakeDnsServer((s, q) -> {
            byte[] good = FakeDnsServer.addresses(q, "192.0.2.12", 300);
            s.send(Arrays.copyOf(good, good.length - 3), q); // the A record cut short
        }); FakeDnsServer dns = FakeDnsServer.answering("192.0.2.13", null)) {
            try (Lookups l = new Lookups(config(broken))) {
                LookupResult r = l.lookup("x.example", LookupResult.FAMILY_IPV4);
                assertEquals(LookupResult.MALFORMED, r.status(), r.toString());
            }
            try (Lookups l = new Lookups(config(broken, dns))) {
                assertEquals(ip("192.0.2.13"), l.lookup("x.example", LookupResult.FAMILY_IPV4).first());
            }
        }
    }

    @Test
    void formerrToEdnsIsRetriedWithoutEdns() throws Exception {
        try (FakeDnsServer old = new FakeDnsServer((s, q) -> {
            if (q.message.ednsUdpSize > 0) {
                s.send(q.reply(1, 0, 0).build(), q);
            } else {
                s.send(FakeDnsServer.addresses(q, "192.0.2.14", 300), q);
            }
        }); Lookups l = new Lookups(config(old))) {
            assertTrue(l.lookup("x.example", LookupResult.FAMILY_IPV4).ok());
            assertEquals(2, old.queries.size());
            assertEquals(0, old.queries.get(1).message.ednsUdpSize);
        }
    }

    @Test
    void aClosedPortFailsFastAsANetworkError() throws Exception {
        int closedPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closedPort = probe.getLocalPort();
        }
        try (Lookups l = new Lookups(new ResolverConfig().servers("127.0.0.1:" + closedPort).timeoutMs(5000).attempts(1))) {
            long start = System.nanoTime();
            LookupResult r = l.lookup("x.example", LookupResult.FAMILY_IPV4);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(LookupResult.NETWORK_ERROR, r.status(), r.toString());
            assertTrue(ms < 4000, "an ICMP port unreachable should not wait for the timeout: " + ms + " ms");
        }
    }

    // ------------------------------------------------------------------ names

    @Test
    void literalsLocalhostAndInvalidNamesNeverReachTheServer() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.answering("192.0.2.1", null); Lookups l = new Lookups(config(dns))) {
            LookupResult literal = l.lookup("192.0.2.200");
            assertEquals(LookupResult.SOURCE_LITERAL, literal.source());
            assertEquals(ip("192.0.2.200"), literal.first());
            assertEquals(LookupResult.NODATA, l.lookup("::1", LookupResult.FAMILY_IPV4).status());
            assertEquals(Arrays.asList(ip("127.0.0.1"), ip("::1")), l.lookup("localhost").addresses());
            assertEquals(Arrays.asList(ip("::1")), l.lookup("api.LOCALHOST.", LookupResult.FAMILY_IPV6).addresses());
            LookupResult invalid = l.lookup("example.invalid");
            assertEquals(LookupResult.NXDOMAIN, invalid.status());
            assertEquals("no such host: example.invalid", invalid.message());
            assertEquals(LookupResult.INVALID_NAME, l.lookup("a..b").status());
            assertEquals(LookupResult.INVALID_NAME, l.lookup("bad name.example").status());
            assertEquals(LookupResult.INVALID_NAME, l.lookup("x".repeat(64) + ".example").status());
            assertEquals(LookupResult.INVALID_NAME, l.lookup(".").status());
            assertEquals(-1, l.ctx.lookup("x".repeat(256)));
            assertEquals(-1, l.ctx.lookup(""));
            assertEquals(-1, l.ctx.lookup("x.example", 5));
            assertTrue(dns.queries.isEmpty(), "queries: " + dns.queries.size());
        }
    }

    @Test
    void theSearchListAndNdotsDecideTheOrder() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> {
            if (q.name().equals("host.lab.example") || q.name().equals("a.b")) {
                s.send(FakeDnsServer.addresses(q, "192.0.2.20", 300), q);
            } else {
                s.send(q.reply(3, 0, 0).build(), q);
            }
        }); Lookups l = new Lookups(config(dns).search("corp.example", "lab.example").ndots(1))) {
            LookupResult r = l.lookup("host", LookupResult.FAMILY_IPV4);
            assertTrue(r.ok(), r.toString());
            assertEquals("host.lab.example", r.name());
            assertEquals(Arrays.asList("host.corp.example", "host.lab.example"), names(dns));
            dns.queries.clear();
            assertTrue(l.lookup("a.b", LookupResult.FAMILY_IPV4).ok(), "one dot >= ndots: as is first");
            assertEquals(Arrays.asList("a.b"), names(dns));
            dns.queries.clear();
            LookupResult nx = l.lookup("nohost", LookupResult.FAMILY_IPV4);
            assertEquals("no such host: nohost", nx.message());
            assertEquals(Arrays.asList("nohost.corp.example", "nohost.lab.example", "nohost"), names(dns));
            dns.queries.clear();
            assertEquals(LookupResult.NXDOMAIN, l.lookup("single.", LookupResult.FAMILY_IPV4).status());
            assertEquals(Arrays.asList("single"), names(dns), "a trailing dot: no search");
        }
    }

    @Test
    void aSearchStopsAtATimeout() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> {
            if (!q.name().startsWith("h.slow")) {
                s.send(FakeDnsServer.addresses(q, "192.0.2.21", 300), q);
            }
        }); Lookups l = new Lookups(config(dns).search("slow.example", "fast.example").timeoutMs(200))) {
            LookupResult r = l.lookup("h", LookupResult.FAMILY_IPV4);
            assertEquals(LookupResult.TIMEOUT, r.status(), "glibc: a timeout ends the search");
            assertEquals("DNS timed out for h (no answer from " + dns.address() + " after 1 try)", r.message());
        }
    }

    @Test
    void anUnfinishedCnameChainIsFollowedAndCachedUnderTheAlias() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> {
            switch (q.name()) {
                case "alias.example":
                    s.send(q.reply(0, 1, 0).cname(12, 100, "mid.example").build(), q);
                    break;
                case "mid.example":
                    s.send(q.reply(0, 1, 0).cname(12, 100, "real.example").build(), q);
                    break;
                default:
                    s.send(FakeDnsServer.addresses(q, "192.0.2.30", 50), q);
            }
        }); Lookups l = new Lookups(config(dns))) {
            LookupResult r = l.lookup("alias.example", LookupResult.FAMILY_IPV4);
            assertEquals(ip("192.0.2.30"), r.first());
            assertEquals("alias.example", r.name());
            assertEquals("real.example", r.canonicalName());
            assertEquals(3, dns.queries.size());
            LookupResult again = l.lookup("alias.example", LookupResult.FAMILY_IPV4);
            assertTrue(again.fromCache());
            assertEquals("real.example", again.canonicalName());
            assertEquals(3, dns.queries.size());
        }
    }

    @Test
    void aCnameChainThatNeverEndsFails() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> s.send(q.reply(0, 1, 0).cname(12, 100, "x" + q.name()).build(), q));
             Lookups l = new Lookups(config(dns))) {
            LookupResult r = l.lookup("loop.example", LookupResult.FAMILY_IPV4);
            assertEquals(LookupResult.MALFORMED, r.status(), r.toString());
            assertTrue(dns.queries.size() <= NameLookup.MAX_FOLLOWS + 1);
        }
    }

    // ------------------------------------------------------------------ the cache

    @Test
    void nxdomainWithSoaIsCachedAndWithoutSoaIsNot() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> {
            if (q.name().startsWith("soa")) {
                s.send(q.reply(3, 0, 1).soa(12, 600, 60).build(), q);
            } else {
                s.send(q.reply(3, 0, 0).build(), q);
            }
        }); Lookups l = new Lookups(config(dns))) {
            assertEquals(LookupResult.NXDOMAIN, l.lookup("soa.example", LookupResult.FAMILY_IPV4).status());
            LookupResult cached = l.lookup("soa.example", LookupResult.FAMILY_IPV4);
            assertEquals(LookupResult.NXDOMAIN, cached.status());
            assertTrue(cached.fromCache());
            assertEquals(1, dns.count("soa.example"));
            l.lookup("bare.example", LookupResult.FAMILY_IPV4);
            l.lookup("bare.example", LookupResult.FAMILY_IPV4);
            assertEquals(2, dns.count("bare.example"), "RFC 2308 section 5: no SOA, no negative caching");
        }
    }

    @Test
    void answersExpireWithTheirTtl() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> s.send(FakeDnsServer.addresses(q, "192.0.2.40", 1), q));
             Lookups l = new Lookups(config(dns))) {
            assertTrue(l.lookup("short.example", LookupResult.FAMILY_IPV4).ok());
            LookupResult hit = l.lookup("short.example", LookupResult.FAMILY_IPV4);
            assertTrue(hit.fromCache());
            assertSame(hit, l.lookup("short.example", LookupResult.FAMILY_IPV4), "a cached result is shared");
            Thread.sleep(1200);
            assertFalse(l.lookup("short.example", LookupResult.FAMILY_IPV4).fromCache());
            assertEquals(2, dns.queries.size());
        }
    }

    @Test
    void aZeroTtlIsNotCached() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> s.send(FakeDnsServer.addresses(q, "192.0.2.41", 0), q));
             Lookups l = new Lookups(config(dns))) {
            l.lookup("zero.example", LookupResult.FAMILY_IPV4);
            l.lookup("zero.example", LookupResult.FAMILY_IPV4);
            assertEquals(2, dns.queries.size());
        }
    }

    // ------------------------------------------------------------------ limits and lifecycle

    @Test
    void thePendingBoundFailsFastBeyondIt() throws Exception {
        try (FakeDnsServer silent = FakeDnsServer.silent(); Lookups l = new Lookups(config(silent).timeoutMs(5000).maxPendingQueries(5))) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(l.start("p" + i + ".example", LookupResult.FAMILY_IPV4));
            }
            LookupResult sixth = l.await(ids.get(5));
            assertEquals(LookupResult.OVERLOADED, sixth.status());
            assertTrue(sixth.message().contains("maxPendingQueries=5"), sixth.message());
        }
    }

    @Test
    void closingTheLoopFailsEveryPendingLookup() throws Exception {
        try (FakeDnsServer silent = FakeDnsServer.silent()) {
            Lookups l = new Lookups(config(silent).timeoutMs(30_000));
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(l.start("c" + i + ".example", LookupResult.FAMILY_ANY));
            }
            assertTrue(waitFor(() -> silent.queries.size() == 40), "queries sent: " + silent.queries.size());
            l.loop.close();
            Set<Integer> failed = new HashSet<>();
            Event ev = new Event();
            while (l.ctx.next(ev, 1000)) {
                if (ev.type() == EventType.LOOKUP_CNF) {
                    assertEquals(1, ev.result());
                    assertEquals(LookupResult.CLOSED, ev.value());
                    assertEquals(LookupResult.CLOSED, l.ctx.lookupResult(ev.socket()).status());
                    failed.add(ev.socket());
                }
            }
            assertEquals(new HashSet<>(ids), failed);
            assertEquals(-1, l.ctx.lookup("after.example"));
        }
    }

    @Test
    void unclaimedResultsAreBounded() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.answering("192.0.2.1", null);
             io.luanio.EventLoop loop = io.luanio.EventLoop.start(new io.luanio.EventLoopConfig().resolver(config(dns))
                 .contextDefaults(new io.luanio.ContextConfig().maxLookups(3)))) {
            io.luanio.Context ctx = loop.newContext();
            int a = ctx.lookup("localhost");
            ctx.lookup("localhost");
            ctx.lookup("localhost");
            assertEquals(-1, ctx.lookup("localhost"));
            assertTrue(ctx.lastError().contains("maxLookups=3"), ctx.lastError());
            ctx.cancelLookup(a);
            assertTrue(ctx.lookup("localhost") >= 0);
        }
    }

    // ------------------------------------------------------------------ files and the platform

    @Test
    void theHostsFileWinsAndIsReReadWhenItChanges(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.write(hosts, "10.1.1.1 box.example\n".getBytes(StandardCharsets.US_ASCII));
        try (FakeDnsServer dns = FakeDnsServer.answering("192.0.2.50", "2001:db8::50");
             Lookups l = new Lookups(config(dns).hostsFile(hosts.toString()).reloadIntervalMs(50))) {
            LookupResult r = l.lookup("BOX.example");
            assertEquals(Arrays.asList(ip("10.1.1.1")), r.addresses());
            assertEquals(LookupResult.SOURCE_HOSTS, r.source());
            assertEquals(LookupResult.NODATA, l.lookup("box.example", LookupResult.FAMILY_IPV6).status(),
                "a name the file lists never goes to DNS");
            Files.write(hosts, "10.2.2.2 box.example\n10.3.3.3 new.example\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(waitFor(() -> l.lookup("new.example").ok() && l.lookup("new.example").source() == LookupResult.SOURCE_HOSTS),
                "the new hosts file was not read");
            assertEquals(ip("10.2.2.2"), l.lookup("box.example").first());
            assertTrue(dns.queries.stream().noneMatch(q -> q.name().contains("box")));
        }
    }

    @Test
    void aChangedResolvConfIsReRead(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("resolv.conf");
        Files.write(conf, "nameserver 127.0.0.1\nsearch one.example\n".getBytes(StandardCharsets.US_ASCII));
        try (FakeDnsServer dns = new FakeDnsServer((s, q) -> s.send(FakeDnsServer.addresses(q, "192.0.2.60", 300), q));
             Lookups l = new Lookups(ResolverConfig.fromFiles(conf.toString(), null).servers(dns.address())
                 .timeoutMs(500).reloadIntervalMs(50))) {
            assertEquals("h.one.example", l.lookup("h", LookupResult.FAMILY_IPV4).name());
            Files.write(conf, "nameserver 127.0.0.1\nsearch two.example other.example\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(waitFor(() -> l.lookup("h", LookupResult.FAMILY_IPV4).name().equals("h.two.example")),
                "the new search list was not read");
        }
    }

    @Test
    void thePlatformFallbackResolvesOffTheLoop() throws Exception {
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        PlatformLookup.Call original = PlatformLookup.call;
        PlatformLookup.call = name -> {
            threads.add(Thread.currentThread().getName());
            if (name.equals("missing.example")) {
                throw new java.net.UnknownHostException(name + ": Name or service not known");
            }
            return new InetAddress[] {ip("192.0.2.90"), ip("2001:db8::90")};
        };
        try (Lookups l = new Lookups(ResolverConfig.platform())) {
            LookupResult r = l.lookup("platform.example");
            assertEquals(Arrays.asList(ip("192.0.2.90"), ip("2001:db8::90")), r.addresses());
            assertEquals(LookupResult.SOURCE_PLATFORM, r.source());
            assertEquals(Arrays.asList(ip("2001:db8::90")), l.lookup("platform.example", LookupResult.FAMILY_IPV6).addresses());
            LookupResult missing = l.lookup("missing.example");
            assertEquals(LookupResult.NXDOMAIN, missing.status());
            assertTrue(missing.message().startsWith("no such host: missing.example"), missing.message());
            assertEquals(LookupResult.SOURCE_HOSTS, l.lookup("localhost").source(), "RFC 6761 names stay on the loop");
            assertEquals(3, threads.size());
            for (String t : threads) {
                assertTrue(t.startsWith("dns-test-loop-dns-"), "resolved on " + t + ", not a pool thread");
            }
        } finally {
            PlatformLookup.call = original;
        }
    }

    @Test
    void thePlatformFallbackIsBoundedInTime() throws Exception {
        PlatformLookup.Call original = PlatformLookup.call;
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        PlatformLookup.call = name -> {
            try {
                release.await(10, TimeUnit.SECONDS); // a platform resolver that hangs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {ip("192.0.2.91")};
        };
        try (Lookups l = new Lookups(ResolverConfig.platform().timeoutMs(150).attempts(2))) {
            long start = System.nanoTime();
            LookupResult r = l.lookup("hangs.example");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(LookupResult.TIMEOUT, r.status(), r.toString());
            assertTrue(ms >= 280 && ms < 5000, "bounded by timeoutMs * attempts: " + ms + " ms");
            release.countDown();
            Thread.sleep(100); // the late answer is dropped, not delivered twice (Lookups checks)
            assertTrue(l.lookup("localhost").ok());
        } finally {
            release.countDown();
            PlatformLookup.call = original;
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> names(FakeDnsServer dns) {
        return dns.queries.stream().map(FakeDnsServer.Query::name).collect(Collectors.toList());
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
