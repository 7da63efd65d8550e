package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closing contexts and loops: sockets released, pollers woken, no thread or descriptor left. */
class LifecycleTest {

    static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    static long loopThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).count();
    }

    @Test
    void closingTheLoopLeavesNoThreadAndNoDescriptor() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo();
             DatagramSocket udpPeer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // Warm up the JDK's own lazily opened descriptors (selector providers, etc.).
            try (Harness warm = new Harness()) {
                warm.closeAndDestroy(warm.connect(SocketType.TCP, "127.0.0.1", server.port()));
            }
            assertTrue(Peers.eventually(5000, () -> loopThreads("luanio-lifecycle") == 0));
            int fdsBefore = Peers.settledDescriptors();
            assertTrue(fdsBefore > 0, "this test needs /proc/self/fd");

            EventLoop loop = EventLoop.start(new EventLoopConfig().threadName("luanio-lifecycle"));
            assertEquals(1, loopThreads("luanio-lifecycle"));
            Context a = loop.newContext();
            Context b = loop.newContext();
            Harness ha = new Harness(loop, a);
            Harness hb = new Harness(loop, b);
            for (int i = 0; i < 20; i++) {
                ha.connect(SocketType.TCP, "127.0.0.1", server.port());
                hb.connect(SocketType.UDP, "127.0.0.1", udpPeer.getLocalPort());
            }
            int listener = a.listen("127.0.0.1", 0, 0);
            ha.await(EventType.CONN_CNF, listener);
            int connecting = b.connect(SocketType.TCP, "127.0.0.1", server.port()); // maybe still connecting
            assertTrue(connecting >= 0);
            assertTrue(openFileDescriptors() >= fdsBefore + 41);

            // A thread blocked in poll is woken by the close.
            BlockingQueue<Integer> pollResult = new ArrayBlockingQueue<>(1);
            Context c = loop.newContext();
            Thread poller = new Thread(() -> pollResult.add(c.poll((t, s, r, v) -> { }, 1, -1)));
            poller.start();
            Thread.sleep(100);

            loop.close();
            assertEquals(Context.CLOSED, pollResult.poll(5, TimeUnit.SECONDS));
            poller.join(5000);
            assertTrue(loop.isClosed());
            assertEquals(0, loopThreads("luanio-lifecycle"), "the loop thread is gone");
            // The echo peer (same process) closes its ends when it sees ours close: let it.
            assertTrue(Peers.eventually(5000, () -> openFileDescriptors() == fdsBefore),
                "every channel and the selector are closed: before=" + fdsBefore + ", after=" + openFileDescriptors());
            assertTrue(a.isClosed() && b.isClosed());
            assertEquals(-1, a.connect(SocketType.TCP, "127.0.0.1", server.port()));
            assertEquals(Context.CLOSED, a.poll((t, s, r, v) -> { }, 1, 1000));
            assertThrows(IllegalStateException.class, loop::newContext);
            loop.close(); // idempotent
        }
    }

    @Test
    void closingAContextClosesItsSocketsAndFreesItsSlots() throws Exception {
        BlockingQueue<Integer> peerSaw = new ArrayBlockingQueue<>(4);
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getLoopbackAddress(), s -> {
            InputStream in = s.getInputStream();
            peerSaw.add(in.read());
        }); Harness h = new Harness()) {
            Context doomed = h.loop.newContext();
            Harness d = new Harness(h.loop, doomed);
            int id = d.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertTrue(doomed.startTimer(1, 100));
            doomed.close();
            assertEquals(-1, peerSaw.poll(5, TimeUnit.SECONDS), "the peer sees the connection end");
            assertTrue(doomed.isClosed());
            assertEquals(0, doomed.socketCount());
            assertEquals(Context.CLOSED, doomed.poll((t, s, r, v) -> { }, 1, 200), "its timer never fires");
            // The slot is free again: the next socket reuses it under a new id.
            int next = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertEquals(id & 0xFFFF, next & 0xFFFF);
            assertFalse(id == next);
            h.closeAndDestroy(next);
        }
    }

    @Test
    void aContextsQuotaAndTheTableLimitRefuseConnects() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo();
             Harness h = new Harness(new EventLoopConfig().maxSockets(4), new ContextConfig().maxSockets(3))) {
            for (int i = 0; i < 3; i++) {
                assertTrue(h.ctx.connect(SocketType.TCP, "127.0.0.1", server.port()) >= 0);
            }
            assertEquals(-1, h.ctx.connect(SocketType.TCP, "127.0.0.1", server.port()));
            assertTrue(h.ctx.lastError().contains("maxSockets=3"), h.ctx.lastError());
            Context other = h.loop.newContext();
            assertTrue(other.connect(SocketType.TCP, "127.0.0.1", server.port()) >= 0);
            assertEquals(-1, other.connect(SocketType.TCP, "127.0.0.1", server.port()), "the table holds 4");
            assertTrue(other.lastError().contains("table is full"), other.lastError());
            other.close();
            assertTrue(Peers.eventually(5000, () -> {
                int id = other.socketCount();
                return id == 0;
            }));
        }
    }

    @Test
    void loopErrorsReachTheErrorHandlerNotTheCaller() {
        AtomicInteger errors = new AtomicInteger();
        try (EventLoop loop = EventLoop.start(new EventLoopConfig().errorHandler(t -> errors.incrementAndGet()))) {
            Context ctx = loop.newContext();
            Harness h = new Harness(loop, ctx);
            assertTrue(ctx.startTimer(1, 1));
            h.expect(EventType.TIMER, -1, 0);
        }
        assertEquals(0, errors.get());
    }

    @Test
    void invalidConfigurationsAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> EventLoop.start(new EventLoopConfig().pageSize(3000)));
        assertTrue(e.getMessage().contains("pageSize=3000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ContextConfig().eventRingCapacity(100).validate());
        assertTrue(e.getMessage().contains("eventRingCapacity=100"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConnectOptions().localPort(65536));
        assertThrows(IllegalArgumentException.class, () -> new ConnectOptions().timeoutMs(0));
    }

    @Test
    void socketsFromThePeerSideSeeOurClose() throws Exception {
        try (Harness h = new Harness()) {
            int listener = h.ctx.listen("127.0.0.1", 0, 0);
            h.expect(EventType.CONN_CNF, listener, 0);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), h.ctx.localPort(listener))) {
                int conn = (int) h.await(EventType.ACCEPT_IND, listener).value();
                h.ctx.send(conn, new byte[] {42});
                h.closeAndDestroy(conn);
                InputStream in = client.getInputStream();
                assertEquals(42, in.read(), "queued bytes are flushed before the close");
                assertEquals(-1, in.read());
            }
        }
    }
}
