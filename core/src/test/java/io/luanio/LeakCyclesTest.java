package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.dns.ResolverConfig;
import io.luanio.tls.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSessionContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leaks (issue 9), beside {@link LeakTest}'s 100,000 TCP cycles (long profile): TLS cycles
 * (connect, handshake, exchange, close_notify, destroy) and connect-by-name cycles (a real
 * DNS query over UDP for every connect: TTL 0 is never cached), plus a short TCP run for the
 * default suite. Each ends with the descriptor count, the thread count, the heap after GC
 * and the page pool where it began, and the context holding no socket.
 */
class LeakCyclesTest {

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fiveThousandTcpCycles() throws Exception {
        tcp(200, 5_000);
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void threeHundredTlsCycles() throws Exception {
        tls(50, 300);
    }

    @Tag("long")
    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fiveThousandTlsCycles() throws Exception {
        tls(200, 5_000);
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void oneThousandNameCycles() throws Exception {
        names(100, 1_000);
    }

    @Tag("long")
    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void twentyThousandNameCycles() throws Exception {
        names(500, 20_000);
    }

    // ---------------------------------------------------------------- the three kinds

    private void tcp(int warmup, int cycles) throws Exception {
        String thread = "rel-leak-tcp";
        try (Harness h = new Harness(new EventLoopConfig().trimIntervalMs(50).threadName(thread), new ContextConfig())) {
            int listener = h.ctx.listen("127.0.0.1", 0, 1024);
            h.expect(EventType.CONN_CNF, listener, 0);
            LeakTest.Cycle cycle = new LeakTest.Cycle(h, listener, h.ctx.localPort(listener));
            measure("TCP (both ends on the loop)", h, thread, 1, warmup, cycles, cycle::run);
        }
    }

    private void tls(int warmup, int cycles) throws Exception {
        String thread = "rel-leak-tls";
        try (Echo server = new Echo(true);
             Harness h = new Harness(new EventLoopConfig().trimIntervalMs(50).threadName(thread), new ContextConfig())) {
            TlsOptions tls = new TlsOptions().trustPem(pem("ca.pem"));
            ConnectOptions options = new ConnectOptions().tls(tls);
            // JDK 17 keeps each TLS 1.3 session a client resumes from reachable from the first session of
            // the chain, which stays in the SSLContext's cache for the session timeout (24 h by default): one
            // SSLSessionImpl per connection to the same server (about 420 B; 1,000 / 2,196 / 3,002 instances
            // after 1,000 / 2,000 / 3,000 cycles in a separate run). That is the JDK's session cache, not
            // luanio's memory: a cache of one lets each chain go, so the heap below measures luanio alone.
            SSLSessionContext sessions = TlsSetup.context(tls).getClientSessionContext(); // the one every connect uses
            int jdkDefault = sessions.getSessionCacheSize();
            sessions.setSessionCacheSize(1);
            byte[] message = "sixteen bytes!!!".getBytes();
            measure("TLS (JDK SSLServerSocket peer)", h, thread, 0, warmup, cycles, () -> {
                int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), options);
                assertEquals(0, h.await(EventType.CONN_CNF, id).result(), h.ctx.reason(id));
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, message));
                assertArrayEquals(message, h.read(id, message.length));
                h.ctx.close(id);
                drainUntilClosed(h, id);
            });
            assertTrue(server.errors.get() == 0, "the TLS peer failed " + server.errors.get() + " times");
            int held = Collections.list(sessions.getIds()).size();
            sessions.setSessionCacheSize(jdkDefault);
            Reliability.report("LeakCyclesTest", "TLS: JDK client session cache set to 1 entry for the test (default %d,"
                + " 24 h), %d held at the end", jdkDefault, held);
        }
    }

    private void names(int warmup, int cycles) throws Exception {
        String thread = "rel-leak-names";
        try (TinyDns dns = new TinyDns(); Echo echo = new Echo(false)) {
            ResolverConfig resolver = new ResolverConfig().servers("127.0.0.1:" + dns.port()).timeoutMs(2000).attempts(2)
                .reloadIntervalMs(0);
            try (Harness h = new Harness(new EventLoopConfig().resolver(resolver).trimIntervalMs(50).threadName(thread),
                    new ContextConfig())) {
                byte[] message = "by name".getBytes();
                AtomicInteger n = new AtomicInteger();
                int queriesBefore = dns.queries.get();
                measure("connect by name (a UDP query per connect)", h, thread, 0, warmup, cycles, () -> {
                    int id = h.ctx.connect(SocketType.TCP, "cycle" + (n.getAndIncrement() % 100) + ".leak.example",
                        echo.port());
                    assertEquals(0, h.await(EventType.CONN_CNF, id).result(), h.ctx.reason(id));
                    assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, message));
                    assertArrayEquals(message, h.read(id, message.length));
                    h.ctx.close(id);
                    drainUntilClosed(h, id);
                });
                assertTrue(echo.errors.get() == 0, "the echo peer failed " + echo.errors.get() + " times");
                int queries = dns.queries.get() - queriesBefore;
                assertTrue(queries >= 2 * (warmup + cycles), "every connect asked the server (A and AAAA): " + queries);
            }
        }
    }

    /** Takes this socket's events up to its CLOSE_CNF (a CLOSE_IND and stale RECV_INDs may come first), then destroys it. */
    private static void drainUntilClosed(Harness h, int id) {
        h.await(EventType.CLOSE_CNF, id);
        h.backlog.removeIf(e -> e.socket() == id);
        assertTrue(h.ctx.destroy(id), "destroy after CLOSE_CNF");
        h.history.clear();
    }

    private interface Cycle {
        void run() throws Exception;
    }

    private static void measure(String what, Harness h, String thread, int keep, int warmup, int cycles, Cycle cycle)
            throws Exception {
        for (int i = 0; i < warmup; i++) {
            cycle.run();
        }
        int fdsBefore = Peers.settledDescriptors();
        int threadsBefore = settledThreads();
        long heapBefore = Reliability.settledHeap();
        long cpuBefore = Reliability.cpuNanos(thread);
        long start = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            cycle.run();
        }
        long nanos = System.nanoTime() - start;
        long cpu = Reliability.cpuNanos(thread) - cpuBefore;
        assertEquals(keep, h.ctx.socketCount(), "no socket left but the listener");
        assertTrue(h.backlog.isEmpty(), "no event left over: " + h.backlog);
        assertTrue(Peers.eventually(5000, () -> LifecycleTest.openFileDescriptors() <= fdsBefore),
            "descriptors: before=" + fdsBefore + ", after=" + LifecycleTest.openFileDescriptors());
        int fdsAfter = LifecycleTest.openFileDescriptors();
        assertTrue(Peers.eventually(5000, () -> Reliability.threadCount() <= threadsBefore),
            "threads: before=" + threadsBefore + ", after=" + Reliability.threadCount());
        int threadsAfter = Reliability.threadCount();
        long heapAfter = Reliability.settledHeap();
        assertTrue(heapAfter - heapBefore < 4L * 1024 * 1024,
            "heap grew by " + (heapAfter - heapBefore) + " bytes over " + cycles + " cycles");
        assertTrue(Peers.eventually(5000, () -> h.loop.internals().pool.outstandingPages() == 0),
            "pages still out of the pool: " + h.loop.internals().pool.outstandingPages());
        Reliability.report("LeakCyclesTest", "%s: %d connect/exchange/close/destroy cycles in %s (loop CPU %s); fds %d -> %d,"
                + " threads %d -> %d, heap %d -> %d KiB, pooled pages out 0, sockets left %d", what, cycles,
            Reliability.seconds(nanos), Reliability.seconds(cpu), fdsBefore, fdsAfter, threadsBefore, threadsAfter,
            heapBefore / 1024, heapAfter / 1024, keep);
    }

    /** The thread count once it stops moving (peer threads of earlier cycles end asynchronously). */
    private static int settledThreads() throws InterruptedException {
        int last = Reliability.threadCount();
        for (int stable = 0, i = 0; stable < 5 && i < 200; i++) {
            Thread.sleep(20);
            int now = Reliability.threadCount();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    // ---------------------------------------------------------------- peers

    /**
     * An echo server (TLS or plain) that keeps nothing per connection once it ends (unlike
     * {@link Peers.TcpServer} and {@link TlsPeers.JdkServer}, which remember every socket
     * for the tests that close them, and would grow the heap this test measures).
     */
    private static final class Echo implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger errors = new AtomicInteger();

        Echo(boolean tls) throws IOException {
            if (tls) {
                SSLContext context = TlsPeers.serverContext("server.pem", "server.key", null);
                context.getServerSessionContext().setSessionCacheSize(16);
                server = context.getServerSocketFactory().createServerSocket(0, 128, InetAddress.getByName("127.0.0.1"));
            } else {
                server = new ServerSocket(0, 128, InetAddress.getByName("127.0.0.1"));
            }
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    Thread t = new Thread(() -> {
                        try (Socket socket = s) {
                            socket.setTcpNoDelay(true); // no Nagle wait between the handshake's last flight and the ticket
                            InputStream in = socket.getInputStream();
                            OutputStream out = socket.getOutputStream();
                            byte[] buf = new byte[4096];
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                out.write(buf, 0, n);
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                    }, "leak-echo-peer");
                    t.setDaemon(true);
                    t.start();
                }
            }, "leak-echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * The smallest DNS server that will do, written without the codec under test: every A
     * question gets 127.0.0.1 with TTL 0 (so nothing is cached and every connect queries),
     * every other question an empty answer.
     */
    private static final class TinyDns implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        final AtomicInteger queries = new AtomicInteger();

        TinyDns() throws IOException {
            Thread t = new Thread(this::serve, "leak-dns");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            byte[] buf = new byte[1500];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    queries.incrementAndGet();
                    int end = 12;
                    while (buf[end] != 0) {
                        end += (buf[end] & 0xFF) + 1; // question labels, no compression in a query
                    }
                    int qtype = ((buf[end + 1] & 0xFF) << 8) | (buf[end + 2] & 0xFF);
                    end += 5;
                    boolean a = qtype == 1;
                    byte[] out = Arrays.copyOf(buf, end + (a ? 16 : 0));
                    out[2] = (byte) 0x81; // QR, RD
                    out[3] = (byte) 0x80; // RA, NOERROR
                    out[4] = 0;
                    out[5] = 1;
                    out[6] = 0;
                    out[7] = (byte) (a ? 1 : 0);
                    out[8] = out[9] = out[10] = out[11] = 0; // no authority, no additional (drops the OPT)
                    if (a) {
                        byte[] answer = {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 127, 0, 0, 1};
                        System.arraycopy(answer, 0, out, end, answer.length);
                    }
                    socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (IOException | ArrayIndexOutOfBoundsException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
