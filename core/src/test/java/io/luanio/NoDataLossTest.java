package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.luanio.tls.TlsOptions;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No data loss (issue 9): bytes through several echo connections at once, over TCP and over
 * TLS, with random write sizes (1 byte to 256 KiB, from random offsets of a random pool),
 * random partial reads, random consumer pauses and a 16-entry event ring that the events of
 * 32 busy sockets overflow during every pause. Per connection: SHA-256 of what came back equals SHA-256
 * of what was queued, every queued send got exactly one SEND_CNF with its length in send
 * order, every refusal was ERR_ENOBUFS, and every slot is freed at the end.
 *
 * <p>64 MiB each in the default suite, 1 GiB each in the long profile. The peers are
 * independent implementations: java.net's blocking sockets and the JDK's SSLSocket.
 */
class NoDataLossTest {
    private static final long DEFAULT_BYTES = 64L * 1024 * 1024;
    private static final long LONG_BYTES = 1024L * 1024 * 1024;
    private static final int CONNECTIONS = 32;
    private static final int POOL_BYTES = 4 * 1024 * 1024;
    private static final int MAX_WRITE = 256 * 1024;

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tcpSixtyFourMebibytes() throws Exception {
        run("tcp-64MiB", SocketType.TCP, DEFAULT_BYTES, 6, 901);
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tlsSixtyFourMebibytes() throws Exception {
        run("tls-64MiB", SocketType.SSL, DEFAULT_BYTES, 6, 902);
    }

    @Tag("long")
    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tcpOneGibibyte() throws Exception {
        run("tcp-1GiB", SocketType.TCP, LONG_BYTES, 16, System.nanoTime());
    }

    @Tag("long")
    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tlsOneGibibyte() throws Exception {
        run("tls-1GiB", SocketType.SSL, LONG_BYTES, 16, System.nanoTime());
    }

    /** One echo connection's books. */
    private static final class Conn {
        final int id;
        final long quota;
        final MessageDigest sentDigest = sha256();
        final MessageDigest receivedDigest = sha256();
        final ArrayDeque<Integer> unconfirmed = new ArrayDeque<>();
        long sent;
        long received;
        long confirmed;
        int sends;
        boolean full;
        boolean finished;

        Conn(int id, long quota) {
            this.id = id;
            this.quota = quota;
        }

        boolean done() {
            return received == quota && confirmed == quota;
        }

        @Override
        public String toString() {
            return "conn " + id + ": sent=" + sent + " confirmed=" + confirmed + " received=" + received + " of " + quota;
        }
    }

    private void run(String name, int type, long total, int pauses, long seed) throws Exception {
        String thread = "rel-noloss-" + name;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pool = new byte[POOL_BYTES];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = (byte) random.nextInt(256);
        }
        AutoCloseable server = type == SocketType.SSL ? TlsPeers.JdkServer.echo() : Peers.TcpServer.echo();
        int port = type == SocketType.SSL ? ((TlsPeers.JdkServer) server).port() : ((Peers.TcpServer) server).port();
        ContextConfig contextConfig = new ContextConfig().eventRingCapacity(16).sendQueueBytes(MAX_WRITE);
        try (AutoCloseable closeServer = server;
             Harness h = new Harness(new EventLoopConfig().threadName(thread).trimIntervalMs(50), contextConfig)) {
            Map<Integer, Conn> conns = new HashMap<>();
            List<Conn> order = new ArrayList<>();
            ConnectOptions options = new ConnectOptions().tls(new TlsOptions().trustPem(pem("ca.pem")));
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = h.ctx.connect(type, "127.0.0.1", port, options);
                assertTrue(id >= 0, h.ctx.lastError());
                assertEquals(0, h.await(EventType.CONN_CNF, id).result(), h.ctx.reason(id));
                Conn c = new Conn(id, total / CONNECTIONS);
                conns.put(id, c);
                order.add(c);
            }
            assertTrue(h.backlog.isEmpty(), "nothing but CONN_CNFs yet: " + h.backlog);

            long cpuStart = Reliability.cpuNanos(thread);
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(total > DEFAULT_BYTES ? 540 : 150);
            long pauseStep = total / (pauses + 1);
            long nextPause = pauseStep;
            long receivedTotal = 0;
            long pausedMs = 0;
            int pausesDone = 0;
            int refusals = 0;
            int overflowsSeen = 0;
            int partialReads = 0;
            int indications = 0;
            int staleIndications = 0;
            byte[] in = new byte[MAX_WRITE];
            Event ev = new Event();
            int doneCount = 0;
            while (doneCount < CONNECTIONS) {
                if (System.nanoTime() - deadline > 0) {
                    fail("stalled: " + order);
                }
                for (Conn c : order) {
                    for (int k = 0; k < 4 && !c.full && c.sent < c.quota; k++) {
                        int len = (int) Math.min(writeSize(random), c.quota - c.sent);
                        int off = random.nextInt(POOL_BYTES - len + 1);
                        int free = h.ctx.sendQueueFree(c.id); // only grows while we send: the loop drains
                        int rc = h.ctx.send(c.id, pool, off, len);
                        if (rc == ErrorCode.ERR_ENOBUFS) {
                            assertTrue(free < len, "refused with " + free + " bytes free for " + len);
                            c.full = true; // nothing was queued; try again after a SEND_CNF
                            refusals++;
                            break;
                        }
                        assertEquals(ErrorCode.ERR_OK, rc, c.toString());
                        c.sentDigest.update(pool, off, len);
                        c.sent += len;
                        c.sends++;
                        c.unconfirmed.add(len);
                    }
                }
                if (receivedTotal >= nextPause && pausesDone < pauses) {
                    long ms = 100 + random.nextInt(300);
                    Thread.sleep(ms); // the consumer goes away; echoes and SEND_CNFs pile up
                    pausedMs += ms;
                    pausesDone++;
                    nextPause += pauseStep;
                    if (h.ctx.overflowing) {
                        overflowsSeen++; // the ring was full: the loop holds events aside
                    }
                }
                long wait = 1000;
                for (int n = 0; n < 64 && h.ctx.next(ev, wait); n++) {
                    wait = 0;
                    Conn c = conns.get(ev.socket());
                    assertNotNull(c, "event for an unknown socket: " + ev);
                    if (ev.type() == EventType.RECV_IND) {
                        indications++;
                        int n2;
                        if (h.ctx.available(c.id) == 0) {
                            // A drain loop below took these bytes after the loop announced them.
                            staleIndications++;
                        } else if (random.nextInt(4) == 0) {
                            // a partial read: the rest must be announced again
                            int want = 1 + random.nextInt(Math.max(1, (int) Math.min(ev.value(), in.length)));
                            n2 = h.ctx.recv(c.id, in, 0, want);
                            assertTrue(n2 > 0, "an announced byte is readable");
                            c.receivedDigest.update(in, 0, n2);
                            c.received += n2;
                            receivedTotal += n2;
                            partialReads++;
                        } else {
                            int len = 1 + random.nextInt(in.length);
                            while ((n2 = h.ctx.recv(c.id, in, 0, len)) > 0) {
                                c.receivedDigest.update(in, 0, n2);
                                c.received += n2;
                                receivedTotal += n2;
                            }
                        }
                        assertTrue(c.received <= c.sent, "more came back than was sent: " + c);
                    } else if (ev.type() == EventType.SEND_CNF) {
                        assertEquals(0, ev.result(), c + " " + h.ctx.reason(c.id));
                        Integer expected = c.unconfirmed.poll();
                        assertNotNull(expected, "a SEND_CNF without a send: " + c);
                        assertEquals(expected.longValue(), ev.value(), "SEND_CNFs in send order with each send's length");
                        c.confirmed += ev.value();
                        c.full = false;
                    } else {
                        fail("unexpected " + ev + " reason=" + h.ctx.reason(c.id));
                    }
                    if (!c.finished && c.done()) {
                        c.finished = true;
                        doneCount++;
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            long cpu = Reliability.cpuNanos(thread) - cpuStart;
            for (Conn c : order) {
                assertEquals(c.quota, c.received, c.toString());
                assertArrayEquals(c.sentDigest.digest(), c.receivedDigest.digest(), "SHA-256 end to end, " + c);
                assertTrue(c.unconfirmed.isEmpty());
                h.ctx.close(c.id);
            }
            int closed = 0;
            while (closed < CONNECTIONS) {
                Event e = h.next(Harness.WAIT_MS);
                assertNotNull(e, "CLOSE_CNFs missing");
                if (e.type() == EventType.CLOSE_CNF) {
                    assertTrue(h.ctx.destroy(e.socket()), "destroy after CLOSE_CNF");
                    closed++;
                } else {
                    assertEquals(EventType.CLOSE_IND, e.type(), "only closes after the last byte: " + e);
                }
            }
            assertEquals(0, h.ctx.socketCount(), "every slot freed");
            assertTrue(Peers.eventually(5000, () -> h.loop.internals().pool.outstandingPages() == 0),
                "pages still out of the pool: " + h.loop.internals().pool.outstandingPages());
            assertTrue(refusals > 0, "the send queues filled up to ERR_ENOBUFS");
            assertTrue(overflowsSeen > 0, "the 16-entry ring overflowed during a pause");
            long sends = order.stream().mapToLong(c -> c.sends).sum();
            Reliability.report("NoDataLossTest", "%s: %d connections, %s each way, SHA-256 equal on all; %d sends"
                    + " (1 B..256 KiB), %d SEND_CNFs in order, %d RECV_INDs (%d partial reads, %d already drained), %d ENOBUFS refusals,"
                    + " %d pauses (%d ms), ring overflow seen after %d of them; %s wall, loop thread CPU %s, %.0f MiB/s each way",
                name, CONNECTIONS, Reliability.mib(total), sends, sends, indications, partialReads, staleIndications, refusals, pausesDone,
                pausedMs, overflowsSeen, Reliability.seconds(nanos), Reliability.seconds(cpu),
                total / (1024.0 * 1024.0) / (nanos / 1e9));
        }
    }

    /** 1 B to 256 KiB: a quarter each of tiny, small, medium and large writes. */
    private static int writeSize(SplittableRandom random) {
        switch (random.nextInt(4)) {
            case 0: return 1 + random.nextInt(64);
            case 1: return 64 + random.nextInt(4096 - 64);
            case 2: return 4096 + random.nextInt(65536 - 4096);
            default: return 65536 + random.nextInt(MAX_WRITE - 65536 + 1);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
