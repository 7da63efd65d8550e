package io.luanio.jmh.loop;

import io.luanio.Context;
import io.luanio.EventHandler;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import io.luanio.SocketType;
import io.luanio.jmh.BenchmarkBase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How many TCP connections per second can a caller open and close over 127.0.0.1,
 * one after another, through luanio next to a hand-written java.nio client? One operation
 * is one whole connection: open, connected, closed, resources freed.
 *
 * <ul>
 * <li>{@code luanio}: {@code ctx.connect(TCP, "127.0.0.1", port)}, {@code poll} until its
 *     {@code CONN_CNF} (result 0), {@code ctx.close}, {@code poll} until its
 *     {@code CLOSE_CNF}, {@code ctx.destroy} (must free the slot).</li>
 * <li>{@code baseline}: {@code SocketChannel.open()}, non-blocking, {@code TCP_NODELAY} (as
 *     luanio sets it), {@code connect}; unless that completed at once, register for
 *     {@code OP_CONNECT} on the benchmark thread's own {@link Selector}, {@code select},
 *     {@code finishConnect}; then {@code close}.</li>
 * </ul>
 *
 * <p>Both connect to the same kind of listener ({@link AcceptServer}, one per trial),
 * which accepts, keeps the connection and closes it when the client has closed, so the
 * client closes first and TIME_WAIT stays on the client's ephemeral ports. At a few
 * thousand connections per second a 20-second run leaves more TIME_WAIT sockets than
 * there are ephemeral ports (28,232 by default); Linux reuses them for new outgoing
 * loopback connections when {@code net.ipv4.tcp_tw_reuse} is 1 or 2 (2, loopback only,
 * is the default), so keep iterations at the base class's 2 s and check that setting on a
 * machine where connects start failing with "Cannot assign requested address". At the end
 * of a trial the listener must have accepted and seen closed exactly as many connections
 * as the client completed; an operation that waits {@value #TIMEOUT_MS} ms fails the run.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar ConnectBenchmark -prof gc
 * </pre>
 */
public class ConnectBenchmark extends BenchmarkBase {
    /** How long an operation waits for the network before it fails the run as a hang. */
    static final int TIMEOUT_MS = 10_000;

    /** Creates the benchmark (JMH does). */
    public ConnectBenchmark() {
    }

    /**
     * luanio: connect, CONN_CNF, close, CLOSE_CNF, destroy.
     *
     * @param client the loop and context
     * @return connections completed so far
     */
    @Benchmark
    public long luanio(LuanioConnector client) {
        return client.connectAndClose();
    }

    /**
     * Hand-written java.nio: non-blocking connect, select, finishConnect, close.
     *
     * @param client the selector
     * @return connections completed so far
     * @throws IOException when a connect fails
     */
    @Benchmark
    public long baseline(NioConnector client) throws IOException {
        return client.connectAndClose();
    }

    /** The listener; one per trial. */
    @State(Scope.Benchmark)
    public static class Server {
        AcceptServer listener;

        /** Creates the state (JMH does). */
        public Server() {
        }

        /**
         * Starts the listener.
         *
         * @throws IOException when it cannot bind
         */
        @Setup(Level.Trial)
        public void start() throws IOException {
            listener = AcceptServer.start();
        }

        /**
         * Stops it.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            listener.close();
        }
    }

    /** One event loop and one context; each operation opens and closes one socket. */
    @State(Scope.Thread)
    public static class LuanioConnector {
        private final EventHandler onEvent = this::onEvent;
        private EventLoop loop;
        private Context ctx;
        private AcceptServer listener;
        private int port;
        private int id;
        private int connResult;
        private boolean closeConfirmed;
        private long completed;
        private int unexpectedType = -1;

        /** Creates the state (JMH does). */
        public LuanioConnector() {
        }

        /**
         * Starts a loop.
         *
         * @param server the listener
         * @throws IOException when the listener's port is unknown
         */
        @Setup(Level.Trial)
        public void setUp(Server server) throws IOException {
            listener = server.listener;
            port = listener.port();
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop"));
            ctx = loop.newContext();
        }

        /** Checks the listener saw every connection closed, then closes the loop. */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                listener.awaitClosed(completed, TIMEOUT_MS);
            } finally {
                loop.close();
            }
        }

        long connectAndClose() {
            id = ctx.connect(SocketType.TCP, "127.0.0.1", port);
            if (id < 0) {
                throw new IllegalStateException("connect failed: " + ctx.lastError());
            }
            connResult = -1;
            closeConfirmed = false;
            while (connResult < 0) {
                pollOnce();
            }
            if (connResult != 0) {
                throw new IllegalStateException("CONN_CNF result=" + connResult + ": reason=" + ctx.reason(id));
            }
            ctx.close(id);
            while (!closeConfirmed) {
                pollOnce();
            }
            if (!ctx.destroy(id)) {
                throw new IllegalStateException("destroy after CLOSE_CNF refused: id=" + id);
            }
            return ++completed;
        }

        private void pollOnce() {
            int n = ctx.poll(onEvent, 16, TIMEOUT_MS);
            if (n <= 0 || unexpectedType >= 0) {
                throw new IllegalStateException("connection stuck: poll=" + n + ", completed=" + completed
                    + ", connResult=" + connResult + ", closeConfirmed=" + closeConfirmed + ", unexpected="
                    + (unexpectedType < 0 ? "none" : EventType.name(unexpectedType)) + ", reason=" + ctx.reason(id)
                    + ", listenerFailure=" + listener.failure());
            }
        }

        private void onEvent(int type, int socket, int result, long value) {
            if (socket == id && type == EventType.CONN_CNF && connResult < 0) {
                connResult = result;
            } else if (socket == id && type == EventType.CLOSE_CNF && connResult == 0) {
                closeConfirmed = true;
            } else if (unexpectedType < 0) {
                unexpectedType = type; // fail the op, after the handler returns
            }
        }
    }

    /**
     * The benchmark thread's own {@link Selector}; each operation registers one new
     * channel for {@code OP_CONNECT} (when the connect did not complete at once) and closes
     * it, which cancels the key (deregistered at the next select).
     */
    @State(Scope.Thread)
    public static class NioConnector {
        private static final Consumer<SelectionKey> IGNORE_KEY = key -> { };

        private Selector selector;
        private InetSocketAddress address;
        private AcceptServer listener;
        private long completed;

        /** Creates the state (JMH does). */
        public NioConnector() {
        }

        /**
         * Opens the selector.
         *
         * @param server the listener
         * @throws IOException when the selector cannot be opened
         */
        @Setup(Level.Trial)
        public void setUp(Server server) throws IOException {
            listener = server.listener;
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port());
            selector = Selector.open();
        }

        /**
         * Checks the listener saw every connection closed, then closes the selector.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try {
                listener.awaitClosed(completed, TIMEOUT_MS);
            } finally {
                selector.close();
            }
        }

        long connectAndClose() throws IOException {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (!channel.connect(address)) {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    long start = System.nanoTime();
                    while (selector.select(IGNORE_KEY, TIMEOUT_MS) == 0) {
                        if (System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS)) {
                            throw new IllegalStateException("connect stuck: completed=" + completed
                                + ", listenerFailure=" + listener.failure());
                        }
                    }
                    if (!channel.finishConnect()) {
                        throw new IllegalStateException("OP_CONNECT without a connection: completed=" + completed);
                    }
                }
            } finally {
                channel.close();
            }
            return ++completed;
        }
    }
}
