package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 100,000 connect / exchange / close / destroy cycles end with the descriptor count,
 * the thread count and (after GC) the heap they began with, and every pooled page back.
 */
@Tag("long")
class LeakTest {
    private static final int WARMUP = 2_000;
    private static final int CYCLES = 100_000;

    @Test
    void hundredThousandCyclesLeaveNothingBehind() throws Exception {
        try (Harness h = new Harness(new EventLoopConfig().trimIntervalMs(50), new ContextConfig())) {
            int listener = h.ctx.listen("127.0.0.1", 0, 1024);
            h.expect(EventType.CONN_CNF, listener, 0);
            int port = h.ctx.localPort(listener);
            Cycle cycle = new Cycle(h, listener, port);
            for (int i = 0; i < WARMUP; i++) {
                cycle.run();
            }
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            int fdsBefore = Peers.settledDescriptors();
            int threadsBefore = Thread.activeCount();
            long heapBefore = settledHeap(memory);
            long start = System.nanoTime();
            for (int i = 0; i < CYCLES; i++) {
                cycle.run();
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(1, h.ctx.socketCount(), "only the listener is left");
            assertTrue(Peers.eventually(5000, () -> LifecycleTest.openFileDescriptors() == fdsBefore),
                "descriptors: before=" + fdsBefore + ", after=" + LifecycleTest.openFileDescriptors());
            assertEquals(threadsBefore, Thread.activeCount(), "threads");
            long heapAfter = settledHeap(memory);
            assertTrue(heapAfter - heapBefore < 4L * 1024 * 1024,
                "heap grew by " + (heapAfter - heapBefore) + " bytes over " + CYCLES + " cycles");
            assertTrue(Peers.eventually(5000, () -> h.loop.internals().pool.outstandingPages() == 0),
                "pages still out of the pool: " + h.loop.internals().pool.outstandingPages());
            System.out.printf("LeakTest: %d cycles in %d s; fds %d -> %d, threads %d -> %d, heap %d -> %d KiB%n",
                CYCLES, seconds, fdsBefore, LifecycleTest.openFileDescriptors(), threadsBefore, Thread.activeCount(),
                heapBefore / 1024, heapAfter / 1024);
        }
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /** One client and one accepted socket: connect, 16 bytes there and back, close both, destroy both. */
    static final class Cycle {
        private final Harness h;
        private final int listener;
        private final int port;
        private final byte[] message = new byte[16];
        private final byte[] buffer = new byte[64];

        Cycle(Harness h, int listener, int port) {
            this.h = h;
            this.listener = listener;
            this.port = port;
        }

        void run() {
            int client = h.ctx.connect(SocketType.TCP, "127.0.0.1", port);
            int server = -1;
            boolean connected = false;
            int serverGot = 0;
            int clientGot = 0;
            boolean clientClosed = false;
            boolean serverClosed = false;
            boolean clientClosing = false;
            Event ev = new Event();
            while (!clientClosed || !serverClosed) {
                if (!h.ctx.next(ev, 10_000)) {
                    throw new AssertionError("cycle stalled: client=" + client + " server=" + server);
                }
                int s = ev.socket();
                switch (ev.type()) {
                    case EventType.ACCEPT_IND:
                        server = (int) ev.value();
                        break;
                    case EventType.CONN_CNF:
                        assertEquals(0, ev.result(), h.ctx.reason(client));
                        connected = true;
                        assertEquals(ErrorCode.ERR_OK, h.ctx.send(client, message));
                        break;
                    case EventType.RECV_IND:
                        int n = h.ctx.recv(s, buffer, 0, buffer.length);
                        if (s == server) {
                            serverGot += n;
                            h.ctx.send(server, buffer, 0, n);
                        } else {
                            clientGot += n;
                            if (clientGot == message.length && !clientClosing) {
                                clientClosing = true;
                                h.ctx.close(client);
                            }
                        }
                        break;
                    case EventType.CLOSE_IND:
                        h.ctx.close(s);
                        break;
                    case EventType.CLOSE_CNF:
                        assertTrue(h.ctx.destroy(s), "destroy " + s);
                        if (s == client) {
                            clientClosed = true;
                        } else {
                            serverClosed = true;
                        }
                        break;
                    case EventType.SEND_CNF:
                        break;
                    default:
                        throw new AssertionError("unexpected " + ev);
                }
            }
            assertTrue(connected && serverGot == message.length && clientGot == message.length);
            assertTrue(listener >= 0);
        }
    }
}
