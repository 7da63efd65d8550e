package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.dns.LookupResult;
import io.luanio.dns.ResolverConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connecting to host names (names come from a hosts file the test writes, so no DNS
 * server is needed): Happy Eyeballs over ::1 and 127.0.0.1, failures as CONN_CNF result 1
 * with a reason, the connect timeout over the lookup, and the loop staying responsive
 * while a thousand lookups wait on a silent server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsConnectTest {
    @TempDir
    Path dir;

    private DatagramSocket silent;

    @AfterEach
    void closeSilentServer() {
        if (silent != null) {
            silent.close();
        }
    }

    /** Names in a hosts file; the DNS server is a socket that never answers. */
    private ResolverConfig config(String hosts) throws IOException {
        Path file = dir.resolve("hosts");
        Files.write(file, hosts.getBytes(StandardCharsets.US_ASCII));
        if (silent == null) {
            silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        return new ResolverConfig().servers("127.0.0.1:" + silent.getLocalPort()).hostsFile(file.toString())
            .timeoutMs(5000).attempts(1).reloadIntervalMs(0);
    }

    private static Harness harness(ResolverConfig config) {
        return new Harness(new EventLoopConfig().resolver(config), new ContextConfig());
    }

    private static int closedPort(InetAddress on) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, on)) {
            return s.getLocalPort();
        }
    }

    @Test
    void connectsToAHostsFileName() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); Harness h = harness(config("127.0.0.1 echo.example\n"))) {
            int id = h.connect(SocketType.TCP, "ECHO.example.", server.port());
            assertEquals(new InetSocketAddress("127.0.0.1", server.port()), h.ctx.remoteAddress(id));
            assertEquals(0, h.ctx.send(id, new byte[] {4, 5, 6}));
            assertArrayEquals(new byte[] {4, 5, 6}, h.read(id, 3));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void localhostWorksWithoutAHostsFile() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo();
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Harness h = harness(new ResolverConfig().servers("127.0.0.1:" + s.getLocalPort()))) {
            int id = h.connect(SocketType.TCP, "localhost", server.port()); // RFC 6761: ::1 (refused), then 127.0.0.1
            assertEquals(InetAddress.getByName("127.0.0.1"), h.ctx.remoteAddress(id).getAddress());
            h.closeAndDestroy(id);
        }
    }

    @Test
    void aRefusedIpv6AddressFallsBackToIpv4AtOnce() throws Exception {
        // With a 3 s attempt delay, only "a failure starts the next attempt at once" can
        // make this fast.
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getByName("127.0.0.1"), Peers::echo);
             Harness h = harness(config("::1 dual.example\n127.0.0.1 dual.example\n").connectionAttemptDelayMs(3000))) {
            long start = System.nanoTime();
            int id = h.connect(SocketType.TCP, "dual.example", server.port());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(new InetSocketAddress("127.0.0.1", server.port()), h.ctx.remoteAddress(id));
            assertTrue(ms < 2000, "a refusal must start the next attempt at once (RFC 8305 section 5): " + ms + " ms");
            h.closeAndDestroy(id);
        }
    }

    @Test
    void aStalledFirstAttemptIsRacedAfterTheAttemptDelay() throws Exception {
        // [::1]:P never completes a handshake (its accept queue is full, SYNs are dropped);
        // 127.0.0.1:P is an echo server. IPv6 goes first; 250 ms later IPv4 starts and wins.
        try (StalledV6 stalled = new StalledV6();
             Peers.TcpServer v4 = bindV4(stalled.port());
             Harness h = harness(config("::1 race.example\n127.0.0.1 race.example\n"))) {
            long start = System.nanoTime();
            int id = h.connect(SocketType.TCP, "race.example", stalled.port());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(new InetSocketAddress("127.0.0.1", stalled.port()), h.ctx.remoteAddress(id));
            assertTrue(ms >= 200 && ms < 2000, "the IPv4 attempt should start after ~250 ms: " + ms + " ms");
            h.closeAndDestroy(id);
        }
    }

    @Test
    void preferIpv4TriesIpv4First() throws Exception {
        try (StalledV6 stalled = new StalledV6();
             Peers.TcpServer v4 = bindV4(stalled.port());
             Harness h = harness(config("::1 race.example\n127.0.0.1 race.example\n").preferIpv6(false)
                 .connectionAttemptDelayMs(3000))) {
            long start = System.nanoTime();
            int id = h.connect(SocketType.TCP, "race.example", stalled.port());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(new InetSocketAddress("127.0.0.1", stalled.port()), h.ctx.remoteAddress(id));
            assertTrue(ms < 2000, "IPv4 first needs no race (IPv6 first would wait 3 s): " + ms + " ms");
            h.closeAndDestroy(id);
        }
    }

    @Test
    void whenEveryAddressRefusesTheReasonSaysSo() throws Exception {
        int port = closedPort(InetAddress.getByName("127.0.0.1"));
        try (Harness h = harness(config("::1 nobody.example\n127.0.0.1 nobody.example\n"))) {
            int id = h.ctx.connect(SocketType.TCP, "nobody.example", port);
            h.expect(EventType.CONN_CNF, id, 1);
            String reason = h.ctx.reason(id);
            assertTrue(reason.toLowerCase().contains("refused") && reason.contains("2 addresses of nobody.example tried"), reason);
            assertTrue(h.ctx.destroy(id));
            h.expectQuiet(100);
        }
    }

    @Test
    void namesThatDoNotResolveFailWithTheirReason() throws Exception {
        try (Harness h = harness(config("10.20.30.40 v4only.example\n"))) {
            int nx = h.ctx.connect(SocketType.TCP, "nope.invalid", 80);
            h.expect(EventType.CONN_CNF, nx, 1);
            assertEquals("no such host: nope.invalid", h.ctx.reason(nx));
            assertTrue(h.ctx.destroy(nx));
            int bad = h.ctx.connect(SocketType.UDP, "bad..name", 80);
            h.expect(EventType.CONN_CNF, bad, 1);
            assertTrue(h.ctx.reason(bad).startsWith("invalid host name: bad..name"), h.ctx.reason(bad));
            assertTrue(h.ctx.destroy(bad));
        }
    }

    @Test
    void theConnectTimeoutCoversTheLookup() throws Exception {
        try (Harness h = harness(config(""))) {
            long start = System.nanoTime();
            int id = h.ctx.connect(SocketType.TCP, "slow.example", 80, new ConnectOptions().timeoutMs(300));
            h.expect(EventType.CONN_CNF, id, 1);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("connect timed out (resolving slow.example)", h.ctx.reason(id));
            assertTrue(ms >= 250 && ms < 3000, ms + " ms");
            assertTrue(h.ctx.destroy(id));
        }
    }

    @Test
    void closingWhileResolvingEndsTheConnectFirst() throws Exception {
        try (Harness h = harness(config(""))) {
            int id = h.ctx.connect(SocketType.TCP, "pending.example", 80);
            Thread.sleep(50);
            h.ctx.close(id);
            h.expect(EventType.CONN_CNF, id, 1);
            h.expect(EventType.CLOSE_CNF, id, 0);
            assertTrue(h.ctx.destroy(id));
            h.expectQuiet(200);
        }
    }

    @Test
    void udpConnectsToAName() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
             Harness h = harness(config("127.0.0.1 udp.example\n"))) {
            peer.setSoTimeout(5000);
            int id = h.connect(SocketType.UDP, "udp.example", peer.getLocalPort());
            assertEquals(0, h.ctx.send(id, "ping".getBytes(StandardCharsets.US_ASCII)));
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            peer.receive(p);
            assertEquals("ping", new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            peer.send(new DatagramPacket("pong".getBytes(StandardCharsets.US_ASCII), 4, p.getSocketAddress()));
            h.await(EventType.RECV_IND, id);
            byte[] b = new byte[4];
            assertEquals(4, h.ctx.recv(id, b, 0, 4));
            assertEquals("pong", new String(b, StandardCharsets.US_ASCII));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void noDescriptorLeaksAfterManyRaces() throws Exception {
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getByName("127.0.0.1"), Peers::echo)) {
            try (Harness warm = harness(config("::1 dual.example\n127.0.0.1 dual.example\n"))) {
                warm.closeAndDestroy(warm.connect(SocketType.TCP, "dual.example", server.port()));
            }
            int before = LifecycleTest.openFileDescriptors();
            try (Harness h = harness(config("::1 dual.example\n127.0.0.1 dual.example\n"))) {
                for (int i = 0; i < 50; i++) {
                    h.closeAndDestroy(h.connect(SocketType.TCP, "dual.example", server.port()));
                }
                int nx = h.ctx.connect(SocketType.TCP, "x.invalid", 1);
                h.expect(EventType.CONN_CNF, nx, 1);
            }
            assertTrue(Peers.eventually(5000, () -> LifecycleTest.openFileDescriptors() <= before + 2),
                "descriptors before=" + before + ", after=" + LifecycleTest.openFileDescriptors());
        }
    }

    @Test
    void anEchoCompletesWhileAThousandLookupsWaitOnASilentServer() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo();
             Harness h = harness(config("").timeoutMs(6000).maxPendingQueries(4096))) {
            List<Integer> lookups = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int id = h.ctx.lookup("n" + i + ".silent.example", LookupResult.FAMILY_IPV4);
                assertTrue(id >= 0, h.ctx.lastError());
                lookups.add(id);
            }
            long start = System.nanoTime();
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            byte[] message = "still responsive".getBytes(StandardCharsets.US_ASCII);
            assertEquals(0, h.ctx.send(id, message));
            assertArrayEquals(message, h.read(id, message.length));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 3000, "echo took " + ms + " ms behind 1000 pending lookups");
            for (Event ev : h.backlog) {
                assertTrue(ev.type() != EventType.LOOKUP_CNF, "a lookup finished early: " + ev);
            }
            h.closeAndDestroy(id);
            int timedOut = 0;
            for (int lookup : lookups) {
                Event ev = h.await(EventType.LOOKUP_CNF, lookup, 20_000);
                assertEquals(1, ev.result());
                assertEquals(LookupResult.TIMEOUT, ev.value());
                assertEquals(LookupResult.TIMEOUT, h.ctx.lookupResult(lookup).status());
                timedOut++;
            }
            assertEquals(1000, timedOut);
            assertNull(h.ctx.lookupResult(lookups.get(0)));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Peers.TcpServer bindV4(int port) throws IOException {
        return new Peers.TcpServer(InetAddress.getByName("127.0.0.1"), Peers::echo, port);
    }

    /** A listener on [::1] whose accept queue is full, so that connects to it hang. */
    private static final class StalledV6 implements AutoCloseable {
        final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();

        StalledV6() throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0), 1);
            for (int i = 0; i < 64; i++) {
                Socket s = new Socket();
                try {
                    s.connect(server.getLocalSocketAddress(), 200);
                    fillers.add(s);
                } catch (SocketTimeoutException e) {
                    s.close();
                    return;
                }
            }
            throw new IOException("could not fill the accept queue of a backlog-1 listener on ::1");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                Peers.closeQuietly(s);
            }
            server.close();
        }
    }
}
