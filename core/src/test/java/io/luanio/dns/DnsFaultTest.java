package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.luanio.Context;
import io.luanio.ErrorCode;
import io.luanio.Event;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import io.luanio.SocketType;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peer faults from the DNS side (issue 9): a server that answers garbage, answers with
 * wrong ids, answers another question, answers from another port, answers a truncated
 * record, or says nothing. Each makes a connect by name end with CONN_CNF result 1 and a
 * reason, and a lookup with LOOKUP_CNF result 1 and its status; the slot is freed by
 * destroy, no query socket is left open, and the same loop then resolves and connects
 * normally once the server behaves. (The resolver's own handling of each answer is in
 * ResolverTest; this is the view from a connect and from the slot table.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsFaultTest {

    /** A fault-injecting responder that behaves once {@code healthy} is set. */
    private static final class Switchable implements FakeDnsServer.Responder {
        final FakeDnsServer.Responder fault;
        volatile boolean healthy;

        Switchable(FakeDnsServer.Responder fault) {
            this.fault = fault;
        }

        @Override
        public void respond(FakeDnsServer server, FakeDnsServer.Query q) throws IOException {
            if (healthy) {
                server.send(FakeDnsServer.addresses(q, q.type() == DnsCodec.TYPE_A ? "127.0.0.1" : null, 0), q);
            } else {
                fault.respond(server, q);
            }
        }
    }

    @Test
    void garbage() throws Exception {
        SplittableRandom random = new SplittableRandom(9);
        fault("garbage", LookupResult.TIMEOUT, (s, q) -> {
            for (int i = 0; i < 20; i++) {
                byte[] junk = new byte[random.nextInt(0, 600)];
                for (int k = 0; k < junk.length; k++) {
                    junk[k] = (byte) random.nextInt(256);
                }
                if (junk.length >= 2 && i % 2 == 0) {
                    junk[0] = (byte) (q.id() >>> 8); // the right id on half of them
                    junk[1] = (byte) q.id();
                }
                s.send(junk, q);
            }
        });
    }

    @Test
    void wrongIds() throws Exception {
        fault("wrong ids", LookupResult.TIMEOUT, (s, q) -> {
            byte[] answer = FakeDnsServer.addresses(q, "127.0.0.1", 300);
            for (int delta = 1; delta <= 10; delta++) {
                byte[] lie = answer.clone();
                int id = (q.id() + delta * 7919) & 0xFFFF;
                lie[0] = (byte) (id >>> 8);
                lie[1] = (byte) id;
                s.send(lie, q);
            }
        });
    }

    @Test
    void anotherQuestion() throws Exception {
        fault("another question", LookupResult.TIMEOUT,
            (s, q) -> s.send(Wire.response(q.id(), 0, 1, 1, 0, 0).question("elsewhere.example", q.type())
                .a(12, 300, 127, 0, 0, 1).build(), q));
    }

    @Test
    void anotherSourcePort() throws Exception {
        try (DatagramSocket spoofer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            fault("another source port", LookupResult.TIMEOUT, (s, q) -> {
                byte[] lie = FakeDnsServer.addresses(q, "127.0.0.1", 300);
                spoofer.send(new DatagramPacket(lie, lie.length, q.from));
            });
        }
    }

    @Test
    void aTruncatedRecord() throws Exception {
        fault("a truncated record", LookupResult.MALFORMED, (s, q) -> {
            byte[] good = FakeDnsServer.addresses(q, "127.0.0.1", 300);
            s.send(java.util.Arrays.copyOf(good, good.length - 3), q);
        });
    }

    @Test
    void silence() throws Exception {
        fault("silence", LookupResult.TIMEOUT, (s, q) -> { });
    }

    private void fault(String what, int status, FakeDnsServer.Responder responder) throws Exception {
        Switchable switchable = new Switchable(responder);
        try (FakeDnsServer dns = new FakeDnsServer(switchable); EchoServer echo = new EchoServer()) {
            ResolverConfig config = new ResolverConfig().servers(dns.address()).timeoutMs(300).attempts(2)
                .reloadIntervalMs(0);
            EventLoop loop = EventLoop.start(new EventLoopConfig().resolver(config).threadName("dns-fault-loop"));
            try {
                Context ctx = loop.newContext();
                List<Event> seen = new ArrayList<>();
                // Round 0 warms up what the JDK opens once per process; round 1 must end where it began.
                int fdsBefore = -1;
                String sample = null;
                for (int round = 0; round < 2; round++) {
                    if (round == 1) {
                        fdsBefore = settledDescriptors();
                    }
                    sample = failingRound(what, status, ctx, seen, echo.port(), round);
                }
                final int before = fdsBefore;
                assertTrue(eventually(() -> openDescriptors() <= before),
                    what + ": query sockets left open: before=" + before + " after=" + openDescriptors());
                for (Event e : seen) {
                    fail("an event nobody asked for: " + e);
                }

                // The same loop, the same server behaving: a name connects and echoes.
                switchable.healthy = true;
                int id = ctx.connect(SocketType.TCP, "healthy.example", echo.port());
                assertEquals(0, await(ctx, seen, EventType.CONN_CNF, id).result(), ctx.reason(id));
                assertEquals(ErrorCode.ERR_OK, ctx.send(id, "ping".getBytes()));
                await(ctx, seen, EventType.RECV_IND, id);
                byte[] got = new byte[4];
                assertEquals(4, ctx.recv(id, got, 0, 4));
                assertArrayEquals("ping".getBytes(), got);
                ctx.close(id);
                await(ctx, seen, EventType.CLOSE_CNF, id);
                assertTrue(ctx.destroy(id));
                assertEquals(0, ctx.socketCount());
                System.out.printf("[reliability] DnsFaultTest: %s: 2 x (4 TCP + 1 UDP) connects by name CONN_CNF result 1,"
                    + " slots freed, descriptors back to %d; lookup %s: \"%s\"; %d queries seen; then the same loop"
                    + " connected by name%n", what, fdsBefore, LookupResult.statusName(status), sample, dns.queries.size());
            } finally {
                loop.close();
            }
            assertTrue(dns.errors.isEmpty(), String.valueOf(dns.errors));
        }
    }

    /** Five connects by name and a lookup, all failing; @return the lookup's message */
    private static String failingRound(String what, int status, Context ctx, List<Event> seen, int port, int round) {
        int[] ids = new int[5];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ctx.connect(i == 4 ? SocketType.UDP : SocketType.TCP, "victim" + i + "-" + round + ".example", port);
            assertTrue(ids[i] >= 0, ctx.lastError());
        }
        int lookup = ctx.lookup("looked-up-" + round + ".example", LookupResult.FAMILY_IPV4);
        for (int id : ids) {
            Event ev = await(ctx, seen, EventType.CONN_CNF, id);
            assertEquals(1, ev.result(), what + ": " + ctx.reason(id));
            String reason = ctx.reason(id);
            assertNotNull(reason);
            assertTrue(reason.contains("victim"), "the reason names the host: " + reason);
            assertEquals(ErrorCode.ERR_ENOTCONN, ctx.send(id, new byte[1]));
            assertTrue(ctx.destroy(id), what + ": the failed connect's slot is freed");
        }
        Event ev = await(ctx, seen, EventType.LOOKUP_CNF, lookup);
        assertEquals(1, ev.result());
        LookupResult r = ctx.lookupResult(lookup);
        assertEquals(status, r.status(), what + ": " + r);
        assertEquals(status, ev.value());
        assertEquals(0, ctx.socketCount(), "every slot freed");
        return r.message();
    }

    private static Event await(Context ctx, List<Event> seen, int type, int socket) {
        for (Event e : seen) {
            if (e.type() == type && e.socket() == socket) {
                seen.remove(e);
                return e;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (;;) {
            Event e = new Event();
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || !ctx.next(e, left)) {
                fail("no " + EventType.name(type) + " for " + socket + "; seen " + seen);
            }
            if (e.type() == type && e.socket() == socket) {
                return e;
            }
            if (e.type() != EventType.SEND_CNF) {
                seen.add(e);
            }
        }
    }

    static int openDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private static int settledDescriptors() throws InterruptedException {
        int last = openDescriptors();
        for (int stable = 0, i = 0; stable < 5 && i < 200; i++) {
            Thread.sleep(20);
            int now = openDescriptors();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    /** A java.net echo server on 127.0.0.1, one thread per connection. */
    private static final class EchoServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 16, InetAddress.getByName("127.0.0.1"));

        EchoServer() throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread c = new Thread(() -> {
                            try (Socket socket = s) {
                                InputStream in = socket.getInputStream();
                                OutputStream out = socket.getOutputStream();
                                byte[] buf = new byte[4096];
                                int n;
                                while ((n = in.read(buf)) > 0) {
                                    out.write(buf, 0, n);
                                }
                            } catch (IOException e) {
                                // the test closed
                            }
                        }, "dns-fault-echo");
                        c.setDaemon(true);
                        c.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "dns-fault-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
