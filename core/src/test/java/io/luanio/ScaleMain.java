package io.luanio;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The scale run, in its own JVM (started by {@link ScaleTest} with a 256 MiB heap): opens N
 * connections on one loop to an echo server, exchanges one 64-byte message on each, lets
 * them go idle, and reports the heap they take and what an idle connection holds.
 * Prints one line {@code SCALE key=value ...}; exits 0 on success.
 */
public final class ScaleMain {
    private ScaleMain() {
    }

    /**
     * Runs the scale check.
     *
     * @param args port, connections
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long start = System.nanoTime();
        int maxSockets = n + 1024;
        try (EventLoop loop = EventLoop.start(new EventLoopConfig().maxSockets(maxSockets).trimIntervalMs(100))) {
            Context ctx = loop.newContext(new ContextConfig().eventRingCapacity(1 << 16));
            int[] ids = new int[n];
            byte[] message = new byte[64];
            for (int i = 0; i < 64; i++) {
                message[i] = (byte) i;
            }
            // The slot is the id's low bits (see SocketTable): enough of them for maxSockets.
            int slotMask = Integer.highestOneBit(maxSockets - 1) * 2 - 1;
            Counter counter = new Counter(ctx, message, slotMask);
            long heapEmpty = settledHeap(memory); // the test's own arrays are counted before
            // Connect in waves of 1,000 so the server's accept queue is never the limit.
            for (int i = 0; i < n; i++) {
                ids[i] = ctx.connect(SocketType.TCP, "127.0.0.1", port);
                if (ids[i] < 0) {
                    throw new IllegalStateException("connect " + i + " refused: " + ctx.lastError());
                }
                if (i % 1000 == 999) {
                    counter.awaitConnected(i + 1);
                }
            }
            counter.awaitConnected(n);
            counter.awaitEchoed(n);
            long connectedSeconds = (System.nanoTime() - start) / 1_000_000_000L;
            Thread.sleep(600); // several trim intervals: idle sockets give their pages back
            long heapIdle = settledHeap(memory);
            long pages = loop.internals().pool.outstandingPages();
            long perIdle = (heapIdle - heapEmpty) / n;
            System.out.printf("SCALE connections=%d seconds=%d heapEmptyKiB=%d heapIdleKiB=%d perIdleConnectionB=%d "
                    + "outstandingPages=%d maxHeapMiB=%d%n", n, connectedSeconds, heapEmpty / 1024, heapIdle / 1024, perIdle,
                pages, Runtime.getRuntime().maxMemory() >> 20);
            for (int id : ids) {
                ctx.close(id);
            }
        }
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /** Counts connects and echoes; sends the message on each connected socket and checks it comes back. */
    static final class Counter implements EventHandler {
        private final Context ctx;
        private final byte[] message;
        private final byte[] buffer = new byte[4096];
        private final int[] received;
        private final int slotMask;
        int connected;
        int echoed;

        Counter(Context ctx, byte[] message, int slotMask) {
            this.ctx = ctx;
            this.message = message;
            this.slotMask = slotMask;
            this.received = new int[slotMask + 1];
        }

        void awaitConnected(int count) {
            while (connected < count) {
                if (ctx.poll(this, 4096, 30_000) <= 0) {
                    throw new IllegalStateException("connects stalled at " + connected);
                }
            }
        }

        void awaitEchoed(int count) {
            while (echoed < count) {
                if (ctx.poll(this, 4096, 30_000) <= 0) {
                    throw new IllegalStateException("echoes stalled at " + echoed);
                }
            }
        }

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            if (type == EventType.CONN_CNF) {
                if (result != 0) {
                    throw new IllegalStateException("connect failed: " + ctx.reason(socket));
                }
                connected++;
                if (ctx.send(socket, message) != ErrorCode.ERR_OK) {
                    throw new IllegalStateException("send failed");
                }
            } else if (type == EventType.RECV_IND) {
                int slot = socket & slotMask;
                int got;
                while ((got = ctx.recv(socket, buffer, 0, buffer.length)) > 0) {
                    for (int i = 0; i < got; i++) {
                        if (buffer[i] != message[(received[slot] + i) % 64]) {
                            throw new IllegalStateException("wrong byte on socket " + socket);
                        }
                    }
                    received[slot] += got;
                }
                if (received[slot] == 64) {
                    echoed++;
                    received[slot]++; // count once
                }
            }
        }
    }
}
