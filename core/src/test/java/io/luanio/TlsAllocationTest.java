package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.tls.TlsOptions;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Steady-state TLS request/response: the owner's thread allocates nothing (the TCP
 * contract), and the loop thread allocates only what the JDK's SSLEngine allocates per
 * record (its {@code SSLEngineResult}s and cipher bookkeeping): luanio's own TLS path
 * (buffers, views, queues) allocates nothing per operation. The measured bytes per round
 * trip are printed for the record.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsAllocationTest {
    private static final int WARMUP = 20_000;
    private static final int MEASURED = 20_000;
    /**
     * A bound on what the JDK's engine allocates for one wrap plus one unwrap of a small
     * record. JDK 17 measures about 3.1 KB: AES-GCM re-initialised for every record (its
     * GCM state, key copy, nonce, counter blocks), two SSLEngineResults, buffer slices, a
     * one-element source array in {@code unwrap}. A JFR allocation profile of this test
     * shows no allocation site in luanio's code. A per-operation buffer of ours (a pooled
     * buffer is 73 KB) would blow this bound.
     */
    private static final long ENGINE_BYTES_PER_ROUND_TRIP = 8192;

    @Test
    void requestResponseAllocatesNothingOnTheOwnerAndOnlyTheEnginesBytesOnTheLoop() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        String name = "luanio-tls-alloc-test";
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo();
             Harness h = new Harness(new EventLoopConfig().threadName(name), new ContextConfig())) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(),
                new ConnectOptions().tls(new TlsOptions().trustPem(TlsPeers.pem("ca.pem"))));
            h.expect(EventType.CONN_CNF, id, 0);
            Thread loopThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name)).findFirst().orElseThrow(AssertionError::new);
            RoundTrips trips = new RoundTrips(h.ctx, id);
            trips.run(WARMUP);
            long ownerBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            long loopBefore = threads.getThreadAllocatedBytes(loopThread.getId());
            trips.run(MEASURED);
            long ownerBytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - ownerBefore;
            long loopBytes = threads.getThreadAllocatedBytes(loopThread.getId()) - loopBefore;
            System.out.printf("TLS round trip: owner %.1f B/op, loop %.1f B/op%n",
                (double) ownerBytes / MEASURED, (double) loopBytes / MEASURED);
            assertTrue(ownerBytes < 8 * 1024, "owner thread allocated " + ownerBytes + " B over " + MEASURED + " round trips");
            assertTrue(loopBytes < ENGINE_BYTES_PER_ROUND_TRIP * MEASURED,
                "loop thread allocated " + loopBytes / MEASURED + " B per round trip");
            assertEquals(WARMUP + MEASURED, trips.completed);
            h.closeAndDestroy(id);
        }
    }

    /** 64-byte request/response through one TLS socket, allocation-free on this side. */
    static final class RoundTrips implements EventHandler {
        private final Context ctx;
        private final int id;
        private final byte[] request = new byte[64];
        private final byte[] buffer = new byte[4096];
        private int got;
        int completed;

        RoundTrips(Context ctx, int id) {
            this.ctx = ctx;
            this.id = id;
        }

        void run(int n) {
            for (int i = 0; i < n; i++) {
                got = 0;
                if (ctx.send(id, request, 0, request.length) != ErrorCode.ERR_OK) {
                    throw new AssertionError("send failed");
                }
                while (got < request.length) {
                    if (ctx.poll(this, 16, 5000) <= 0) {
                        throw new AssertionError("stalled at round trip " + i + ": " + ctx.reason(id));
                    }
                }
                completed++;
            }
        }

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            if (type == EventType.RECV_IND) {
                got += ctx.recv(id, buffer, 0, buffer.length);
            }
        }
    }
}
