package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Steady-state send and receive through the Java API allocate nothing, on the owner's
 * thread and on the loop thread (HotSpot's per-thread allocation counters).
 */
class AllocationTest {
    private static final int WARMUP = 30_000;
    private static final int MEASURED = 50_000;

    @Test
    void requestResponseAllocatesNothingOnEitherThread() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        String name = "luanio-alloc-test";
        try (Harness h = new Harness(new EventLoopConfig().threadName(name), new ContextConfig())) {
            // Both ends on the loop: a listener whose accepted socket echoes, and a client.
            int listener = h.ctx.listen("127.0.0.1", 0, 0);
            h.expect(EventType.CONN_CNF, listener, 0);
            int client = h.ctx.connect(SocketType.TCP, "127.0.0.1", h.ctx.localPort(listener));
            int server = (int) h.await(EventType.ACCEPT_IND, listener).value();
            h.await(EventType.CONN_CNF, client);
            Thread loopThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name)).findFirst().orElseThrow(AssertionError::new);

            PingPong pingPong = new PingPong(h.ctx, client, server);
            pingPong.run(WARMUP);
            long ownerBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            long loopBefore = threads.getThreadAllocatedBytes(loopThread.getId());
            pingPong.run(MEASURED);
            long ownerBytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - ownerBefore;
            long loopBytes = threads.getThreadAllocatedBytes(loopThread.getId()) - loopBefore;
            // The counters themselves and a stray JIT deoptimisation may account for a few
            // hundred bytes in total; one allocation per round trip would be >= 800 KB here.
            assertTrue(ownerBytes < 8 * 1024, "owner thread allocated " + ownerBytes + " B over " + MEASURED + " round trips");
            assertTrue(loopBytes < 8 * 1024, "loop thread allocated " + loopBytes + " B over " + MEASURED + " round trips");
            assertEquals(MEASURED + WARMUP, pingPong.completed);
        }
    }

    /** 64-byte request/response between two sockets of one context, allocation-free. */
    static final class PingPong implements EventHandler {
        private final Context ctx;
        private final int client;
        private final int server;
        private final byte[] request = new byte[64];
        private final byte[] buffer = new byte[4096];
        private int clientGot;
        private int serverGot;
        int completed;

        PingPong(Context ctx, int client, int server) {
            this.ctx = ctx;
            this.client = client;
            this.server = server;
        }

        void run(int roundTrips) {
            for (int i = 0; i < roundTrips; i++) {
                clientGot = 0;
                if (ctx.send(client, request, 0, request.length) != ErrorCode.ERR_OK) {
                    throw new AssertionError("send failed");
                }
                while (clientGot < request.length) {
                    if (ctx.poll(this, 16, 5000) <= 0) {
                        throw new AssertionError("stalled at round trip " + i);
                    }
                }
                completed++;
            }
        }

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            if (type != EventType.RECV_IND) {
                return; // SEND_CNFs
            }
            int n = ctx.recv(socket, buffer, 0, buffer.length);
            if (socket == server) {
                serverGot += n;
                ctx.send(server, buffer, 0, n); // echo
            } else if (socket == client) {
                clientGot += n;
            }
        }
    }
}
