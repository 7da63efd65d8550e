package io.luanio.jmh;

import io.luanio.ConnectOptions;
import io.luanio.Context;
import io.luanio.ContextConfig;
import io.luanio.ErrorCode;
import io.luanio.EventHandler;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import java.io.IOException;

/**
 * Echo clients driven by the benchmark thread through {@code send}, {@code poll} and
 * {@code recv}: N connections of one context to an echo server, each with one message in
 * flight (send a request, wait for its whole echo, send the next). One {@link #next} is one
 * completed round trip on any connection. The counterpart of {@link OnLoopEchoClients},
 * whose handler runs on the loop thread instead.
 *
 * <p>A failed send or an event other than {@code SEND_CNF} (result 0) or {@code RECV_IND}
 * fails the run.
 */
public final class PollEchoClients implements AutoCloseable {
    private final EventHandler onEvent = this::onEvent;
    private final SelectorServer echo;
    private final int size;
    private final byte[] request;
    private final byte[] sink;
    private final EventLoop loop;
    private final Context ctx;
    private int[] received; // by the id's slot index (ids are small here)
    private long ready;     // round trips completed and not yet handed to JMH
    private long completed;

    private PollEchoClients(SelectorServer echo, int size) {
        this.echo = echo;
        this.size = size;
        this.request = new byte[size];
        this.sink = new byte[Math.max(size, 64 * 1024)];
        this.loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop"));
        this.ctx = loop.newContext(new ContextConfig().eventRingCapacity(8192));
    }

    /**
     * Starts a loop, connects N sockets, waits for every {@code CONN_CNF} and sends the
     * first request on each.
     *
     * @param type the socket type ({@code SocketType.TCP} or {@code SSL})
     * @param echo the echo server (its port; its failure goes into error messages)
     * @param options connect options (TLS settings), or null
     * @param connections how many connections
     * @param size bytes per message
     * @param timeoutMs how long to wait for progress before failing the run
     * @return the connected clients
     * @throws IOException when the server's port is unknown
     */
    public static PollEchoClients start(int type, SelectorServer echo, ConnectOptions options, int connections,
                                        int size, long timeoutMs) throws IOException {
        PollEchoClients c = new PollEchoClients(echo, size);
        try {
            c.connectAll(type, options, connections, timeoutMs);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void connectAll(int type, ConnectOptions options, int connections, long timeoutMs) throws IOException {
        int[] ids = new int[connections];
        int maxSlot = 0;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ctx.connect(type, "127.0.0.1", echo.port(), options);
            if (ids[i] < 0) {
                throw new IllegalStateException("connect failed: " + ctx.lastError());
            }
            maxSlot = Math.max(maxSlot, ids[i] & 0xFFFF);
        }
        received = new int[maxSlot + 1];
        int[] connected = new int[1];
        EventHandler onConnect = (t, socket, result, value) -> {
            if (t == EventType.CONN_CNF) {
                if (result != 0) {
                    throw new IllegalStateException("connect failed: " + ctx.reason(socket));
                }
                connected[0]++;
            }
        };
        while (connected[0] < ids.length) {
            if (ctx.poll(onConnect, 1024, timeoutMs) <= 0) {
                throw new IllegalStateException("connects stalled at " + connected[0] + ", echoFailure=" + echo.failure());
            }
        }
        for (int id : ids) {
            send(id);
        }
    }

    /**
     * Polls until a round trip has completed (benchmark thread).
     *
     * @param timeoutMs how long to wait for progress
     * @return round trips completed so far
     */
    public long next(long timeoutMs) {
        while (ready == 0) {
            if (ctx.poll(onEvent, 1024, timeoutMs) <= 0) {
                throw new IllegalStateException("round trips stalled after " + completed + ", echoFailure=" + echo.failure());
            }
        }
        ready--;
        return ++completed;
    }

    private void send(int id) {
        int rc = ctx.send(id, request, 0, size);
        if (rc != ErrorCode.ERR_OK) {
            throw new IllegalStateException("send failed: rc=" + rc + ", reason=" + ctx.reason(id));
        }
    }

    private void onEvent(int type, int socket, int result, long value) {
        if (type == EventType.SEND_CNF && result == 0) {
            return;
        }
        if (type != EventType.RECV_IND) {
            throw new IllegalStateException("unexpected " + EventType.name(type) + " result=" + result
                + ", reason=" + ctx.reason(socket));
        }
        int slot = socket & 0xFFFF;
        int n;
        while ((n = ctx.recv(socket, sink, 0, sink.length)) > 0) {
            received[slot] += n;
        }
        while (received[slot] >= size) {
            received[slot] -= size;
            ready++;
            send(socket);
        }
    }

    /** Closes the loop and every connection. */
    @Override
    public void close() {
        loop.close();
    }
}
