package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Load (issue 9): 1,000 TCP connections on one loop, each echoing a sustained stream for a
 * bounded time (3 s by default, 20 s in the long profile), every byte checked in order per
 * connection against what that connection sent. The echo side runs on a second loop (its
 * own thread and context, driven like any application: read what fits the send queue, send
 * it back), so the measured loop serves the 1,000 client sockets only; both loops' CPU
 * times are reported. 2,000 sockets in one JVM.
 */
class LoadTest {
    private static final int CONNECTIONS = 1000;
    private static final int POOL = 1 << 20;
    /** Bytes a connection may have sent and not yet seen back. */
    private static final int WINDOW = 32 * 1024;
    private static final int MAX_WRITE = 8 * 1024;

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aThousandConnectionsForThreeSeconds() throws Throwable {
        run(3, 31);
    }

    @Tag("long")
    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aThousandConnectionsForTwentySeconds() throws Throwable {
        run(20, System.nanoTime());
    }

    /** A connection's stream offsets; the byte at offset k is pool[(base + k) % POOL]. */
    private static final class Conn {
        final int id;
        final int base;
        long sent;
        long received;
        long confirmed;
        int sends;
        int confirms;

        Conn(int id, int base) {
            this.id = id;
            this.base = base;
        }
    }

    private void run(int seconds, long seed) throws Throwable {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pool = new byte[POOL];
        for (int i = 0; i < POOL; i++) {
            pool[i] = (byte) random.nextInt(256);
        }
        String clientThread = "rel-load-clients";
        String serverThread = "rel-load-echo";
        EventLoop serverLoop = EventLoop.start(new EventLoopConfig().threadName(serverThread));
        AtomicReference<Throwable> serverFailure = new AtomicReference<>();
        EchoThread echo = new EchoThread(serverLoop.newContext(new ContextConfig().eventRingCapacity(4096)), serverFailure);
        try (Harness h = new Harness(new EventLoopConfig().threadName(clientThread),
                new ContextConfig().eventRingCapacity(4096))) {
            int fdsBefore = Peers.settledDescriptors();
            echo.start();
            int port = echo.port();
            Conn[] bySlot = new Conn[65536];
            List<Conn> conns = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", port);
                assertTrue(id >= 0, h.ctx.lastError());
                Conn c = new Conn(id, random.nextInt(POOL));
                bySlot[id & 0xFFFF] = c;
                conns.add(c);
            }
            int connected = 0;
            Event ev = new Event();
            while (connected < CONNECTIONS) {
                assertTrue(h.ctx.next(ev, 20_000), "connects stalled at " + connected);
                assertEquals(EventType.CONN_CNF, ev.type(), ev.toString());
                assertEquals(0, ev.result(), h.ctx.reason(ev.socket()));
                connected++;
            }
            int fdsLoaded = LifecycleTest.openFileDescriptors();

            long cpuClients = Reliability.cpuNanos(clientThread);
            long cpuServer = Reliability.cpuNanos(serverThread);
            long start = System.nanoTime();
            long stopSendingAt = start + TimeUnit.SECONDS.toNanos(seconds);
            long deadline = stopSendingAt + TimeUnit.SECONDS.toNanos(60);
            for (Conn c : conns) {
                fill(h.ctx, c, pool, random);
            }
            byte[] in = new byte[WINDOW];
            long[] counts = new long[3]; // events, recv calls, verified bytes
            boolean sending = true;
            for (;;) {
                long now = System.nanoTime();
                assertTrue(now - deadline < 0, "load stalled");
                if (sending && now - stopSendingAt >= 0) {
                    sending = false;
                }
                if (!sending && allEchoed(conns)) {
                    break;
                }
                if (serverFailure.get() != null) {
                    throw serverFailure.get();
                }
                boolean keepSending = sending;
                h.ctx.poll((type, socket, result, value) -> {
                    counts[0]++;
                    Conn c = bySlot[socket & 0xFFFF];
                    if (c == null || c.id != socket) {
                        fail("event for a socket that is not ours: " + EventType.name(type) + " " + socket);
                    }
                    if (type == EventType.RECV_IND) {
                        int n;
                        while ((n = h.ctx.recv(socket, in, 0, in.length)) > 0) {
                            counts[1]++;
                            verify(pool, c, in, n);
                            c.received += n;
                            counts[2] += n;
                        }
                        if (keepSending) {
                            fill(h.ctx, c, pool, random);
                        }
                    } else if (type == EventType.SEND_CNF) {
                        assertEquals(0, result, "SEND_CNF failed on " + socket);
                        c.confirmed += value;
                        c.confirms++;
                    } else {
                        fail("unexpected " + EventType.name(type) + " on " + socket + " result " + result);
                    }
                }, 512, 100);
            }
            long nanos = System.nanoTime() - start;
            long clientCpu = Reliability.cpuNanos(clientThread) - cpuClients;
            long serverCpu = Reliability.cpuNanos(serverThread) - cpuServer;

            long total = 0;
            long least = Long.MAX_VALUE;
            long most = 0;
            long sends = 0;
            for (Conn c : conns) {
                total += c.received;
                least = Math.min(least, c.received);
                most = Math.max(most, c.received);
                sends += c.sends;
            }
            // SEND_CNFs may trail the echo of their bytes: collect them before the checks.
            long confirmDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (conns.stream().anyMatch(c -> c.confirms < c.sends)) {
                assertTrue(System.nanoTime() < confirmDeadline, "SEND_CNFs missing");
                h.ctx.poll((type, socket, result, value) -> {
                    assertEquals(EventType.SEND_CNF, type);
                    assertEquals(0, result);
                    Conn c = bySlot[socket & 0xFFFF];
                    c.confirmed += value;
                    c.confirms++;
                }, 512, 100);
            }
            for (Conn c : conns) {
                assertEquals(c.sent, c.received, "every byte came back");
                assertEquals(c.sent, c.confirmed, "every byte was confirmed");
            }
            assertTrue(least > 0, "a connection starved");
            for (Conn c : conns) {
                h.ctx.close(c.id);
            }
            int closed = 0;
            while (closed < CONNECTIONS) {
                assertTrue(h.ctx.next(ev, 20_000), "closes stalled at " + closed);
                if (ev.type() == EventType.CLOSE_CNF) {
                    assertTrue(h.ctx.destroy(ev.socket()));
                    closed++;
                } else {
                    assertTrue(ev.type() == EventType.CLOSE_IND || ev.type() == EventType.RECV_IND && h.ctx.available(ev.socket()) == 0,
                        "after the last byte only closes: " + ev);
                }
            }
            assertEquals(0, h.ctx.socketCount());
            assertTrue(Peers.eventually(10_000, () -> echo.open() == 0), "the echo side closed every socket: " + echo.open());
            echo.stop();
            assertTrue(serverFailure.get() == null, String.valueOf(serverFailure.get()));
            assertTrue(Peers.eventually(10_000, () -> LifecycleTest.openFileDescriptors() <= fdsBefore + 3),
                "descriptors: before=" + fdsBefore + " after=" + LifecycleTest.openFileDescriptors());
            Reliability.report("LoadTest", "%d connections (%d descriptors open), %d s of sustained echo: %s each way (%.1f MiB/s),"
                    + " %d sends, every byte checked in order; per connection %s .. %s; %d events, %d recv calls;"
                    + " client loop CPU %s (%.0f %% of one core), echo loop CPU %s; 0 lost, 0 reordered",
                CONNECTIONS, fdsLoaded - fdsBefore, seconds, Reliability.mib(total), total / 1048576.0 / (nanos / 1e9),
                sends, Reliability.mib(least), Reliability.mib(most), counts[0], counts[1], Reliability.seconds(clientCpu),
                100.0 * clientCpu / nanos, Reliability.seconds(serverCpu));
        } finally {
            echo.stop();
            serverLoop.close();
        }
    }

    private static boolean allEchoed(List<Conn> conns) {
        for (Conn c : conns) {
            if (c.received != c.sent) {
                return false;
            }
        }
        return true;
    }

    /** Sends random-sized pieces of this connection's stream until its window is full. */
    private static void fill(Context ctx, Conn c, byte[] pool, SplittableRandom random) {
        while (c.sent - c.received < WINDOW - MAX_WRITE) {
            int at = (int) ((c.base + c.sent) % POOL);
            int len = Math.min(1 + random.nextInt(MAX_WRITE), POOL - at);
            int rc = ctx.send(c.id, pool, at, len);
            assertEquals(ErrorCode.ERR_OK, rc, "the window keeps the 1 MiB queue far from full");
            c.sent += len;
            c.sends++;
        }
    }

    /** The n bytes just read must be the connection's stream at its received offset. */
    private static void verify(byte[] pool, Conn c, byte[] got, int n) {
        int at = (int) ((c.base + c.received) % POOL);
        int first = Math.min(n, POOL - at);
        int bad = java.util.Arrays.mismatch(got, 0, first, pool, at, at + first);
        if (bad < 0 && first < n) {
            bad = java.util.Arrays.mismatch(got, first, n, pool, 0, n - first);
            bad = bad < 0 ? -1 : first + bad;
        }
        if (bad >= 0) {
            fail("connection " + c.id + ": byte " + (c.received + bad) + " of its stream is wrong (lost or reordered)");
        }
    }

    /** The echo side: a listener and a thread that sends back what it reads, as much as the send queue takes. */
    private static final class EchoThread {
        private final Context ctx;
        private final AtomicReference<Throwable> failure;
        private final Thread thread;
        private final byte[] buf = new byte[64 * 1024];
        private volatile boolean running = true;
        private volatile int open;
        private int listener;
        private int port;

        EchoThread(Context ctx, AtomicReference<Throwable> failure) {
            this.ctx = ctx;
            this.failure = failure;
            this.thread = new Thread(this::serve, "rel-load-echo-app");
            thread.setDaemon(true);
        }

        void start() throws InterruptedException {
            listener = ctx.listen("127.0.0.1", 0, 1024);
            Event ev = new Event();
            if (!ctx.next(ev, 10_000) || ev.type() != EventType.CONN_CNF || ev.result() != 0) {
                throw new AssertionError("listen failed: " + ev + " " + ctx.reason(listener));
            }
            port = ctx.localPort(listener);
            thread.start();
        }

        int port() {
            return port;
        }

        int open() {
            return open;
        }

        private void serve() {
            try {
                int[] count = {0};
                while (running) {
                    ctx.poll((type, socket, result, value) -> {
                        switch (type) {
                            case EventType.ACCEPT_IND:
                                count[0]++;
                                break;
                            case EventType.RECV_IND:
                            case EventType.SEND_CNF:
                                echo(socket);
                                break;
                            case EventType.CLOSE_IND:
                                ctx.close(socket);
                                break;
                            case EventType.CLOSE_CNF:
                                if (ctx.destroy(socket)) {
                                    count[0]--;
                                }
                                break;
                            default:
                                throw new AssertionError("echo side: unexpected " + EventType.name(type));
                        }
                        open = count[0];
                    }, 512, 100);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        /** Reads what the send queue can take and sends it back; a later SEND_CNF resumes a full queue. */
        private void echo(int socket) {
            for (;;) {
                int n = Math.min(Math.min(ctx.available(socket), ctx.sendQueueFree(socket)), buf.length);
                if (n <= 0) {
                    return;
                }
                int got = ctx.recv(socket, buf, 0, n);
                if (got <= 0) {
                    return;
                }
                int rc = ctx.send(socket, buf, 0, got);
                if (rc != ErrorCode.ERR_OK) {
                    throw new AssertionError("echo send failed with " + rc + " on " + socket);
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
            ctx.close();
        }
    }
}
