package io.luanio.jmh;

import io.luanio.ConnectOptions;
import io.luanio.Context;
import io.luanio.ContextConfig;
import io.luanio.ErrorCode;
import io.luanio.EventHandler;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Echo clients that live on the loop thread ({@link ContextConfig#handlerOnLoop}): N
 * connections of one context, each with one message in flight, every send and receive
 * made by the handler the loop calls. Nothing crosses threads per message; the benchmark
 * thread only waits for batches of {@link #BATCH} completed echoes (JMH's
 * {@code @OperationsPerInvocation}), so one operation is still one echo.
 *
 * <p>Each message carries a per-connection sequence stamp in its first 8 bytes (when it
 * has 8), checked when the echo is complete; a wrong stamp, an unexpected event or a
 * batch that does not complete within the timeout fails the run.
 */
public final class OnLoopEchoClients implements EventHandler, AutoCloseable {
    /** Echoes per benchmark invocation. */
    public static final int BATCH = 128;

    private final EventLoop loop;
    private final Context ctx;
    private final int size;
    private final byte[] request;
    private final byte[] sink = new byte[64 * 1024];
    private final CountDownLatch connected;
    // Loop-thread state, by the id's slot index (ids are small here).
    private int[] offset;      // bytes of the current echo received
    private long[] stamp;      // the current message's stamp
    private long[] echoedStamp;
    private long completed;
    // Shared with the benchmark thread.
    private volatile long target;
    private volatile long published;
    private volatile Thread waiter;
    private volatile String failure;

    private OnLoopEchoClients(int connections, int size) {
        this.size = size;
        this.request = new byte[size];
        this.connected = new CountDownLatch(connections);
        this.loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop"));
        this.ctx = loop.newContext(new ContextConfig().eventRingCapacity(8192).handlerOnLoop(this));
    }

    /**
     * Starts a loop, connects N sockets from a loop task, and starts one echo on each.
     *
     * @param type the socket type ({@code SocketType.TCP} or {@code SSL})
     * @param port the echo server's port on 127.0.0.1
     * @param options connect options (TLS settings), or null
     * @param connections how many connections
     * @param size bytes per message
     * @param timeoutMs how long the connects (and later each batch) may take
     * @return the running clients
     */
    public static OnLoopEchoClients start(int type, int port, ConnectOptions options, int connections, int size,
                                          long timeoutMs) {
        OnLoopEchoClients c = new OnLoopEchoClients(connections, size);
        c.loop.execute(() -> c.connectAll(type, port, options, connections));
        try {
            if (!c.connected.await(timeoutMs, TimeUnit.MILLISECONDS) || c.failure != null) {
                String why = c.failure;
                c.close();
                throw new IllegalStateException("connects did not complete: " + (why != null ? why : "timed out"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new IllegalStateException("interrupted while connecting", e);
        }
        return c;
    }

    private void connectAll(int type, int port, ConnectOptions options, int connections) {
        int[] opened = new int[connections];
        int maxSlot = 0;
        for (int i = 0; i < connections; i++) {
            opened[i] = ctx.connect(type, "127.0.0.1", port, options);
            if (opened[i] < 0) {
                fail("connect failed: " + ctx.lastError());
                return;
            }
            maxSlot = Math.max(maxSlot, opened[i] & 0xFFFF);
        }
        offset = new int[maxSlot + 1];
        stamp = new long[maxSlot + 1];
        echoedStamp = new long[maxSlot + 1];
    }

    /**
     * Waits until {@link #BATCH} more echoes have completed (benchmark thread).
     *
     * @param timeoutMs how long to wait for progress
     * @return echoes completed so far
     */
    public long awaitBatch(long timeoutMs) {
        long want = target + BATCH;
        target = want;
        waiter = Thread.currentThread();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (published < want) {
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("echoes stalled: completed=" + published + ", want=" + want);
            }
            LockSupport.parkNanos(this, left);
        }
        return want;
    }

    @Override
    public void onEvent(int type, int socket, int result, long value) {
        switch (type) {
            case EventType.CONN_CNF:
                if (result != 0) {
                    fail("connect failed: " + ctx.reason(socket));
                    return;
                }
                send(socket);
                connected.countDown();
                break;
            case EventType.SEND_CNF:
                if (result != 0) {
                    fail("send failed: " + ctx.reason(socket));
                }
                break;
            case EventType.RECV_IND:
                receive(socket);
                break;
            default:
                fail("unexpected " + EventType.name(type) + " result=" + result + ", reason=" + ctx.reason(socket));
        }
    }

    private void receive(int id) {
        int slot = id & 0xFFFF;
        int n;
        while ((n = ctx.recv(id, sink, 0, sink.length)) > 0) {
            int at = offset[slot];
            for (int i = 0; i < n && at + i < 8; i++) {
                echoedStamp[slot] = (echoedStamp[slot] << 8) | (sink[i] & 0xFF);
            }
            at += n;
            while (at >= size) { // one message in flight: at most one completes here
                at -= size;
                if (size >= 8 && echoedStamp[slot] != stamp[slot]) {
                    fail("wrong echo on " + id + ": stamp " + stamp[slot] + ", echoed " + echoedStamp[slot]);
                    return;
                }
                completed();
                send(id);
            }
            offset[slot] = at;
        }
    }

    private void completed() {
        long done = ++completed;
        if (done >= target) {
            published = done;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    private void send(int id) {
        int slot = id & 0xFFFF;
        long s = ++stamp[slot];
        echoedStamp[slot] = 0;
        for (int i = 0; i < 8 && i < size; i++) {
            request[i] = (byte) (s >>> (56 - 8 * i));
        }
        int rc = ctx.send(id, request, 0, size);
        if (rc != ErrorCode.ERR_OK) {
            fail("send failed: rc=" + rc + ", reason=" + ctx.reason(id));
        }
    }

    private void fail(String why) {
        if (failure == null) {
            failure = why;
        }
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        while (connected.getCount() > 0) {
            connected.countDown(); // let start() see it
        }
    }

    /** Closes the loop and every connection. */
    @Override
    public void close() {
        loop.close();
    }
}
