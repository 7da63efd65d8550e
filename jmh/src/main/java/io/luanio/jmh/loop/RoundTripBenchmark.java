package io.luanio.jmh.loop;

import io.luanio.Context;
import io.luanio.ErrorCode;
import io.luanio.Event;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * How fast does one connection do 64-byte request/response round trips over 127.0.0.1,
 * through luanio's Java API, next to a hand-written java.nio client doing the same work?
 *
 * <pre>
 *  luanio:    bench thread --send--&gt; loop thread --write--&gt; +-------------+
 *             bench thread &lt;-poll--- loop thread &lt;--read--- | echo server |
 *                                                           | (own thread,|
 *  baseline:  bench thread (own Selector) --write--------&gt;  |  selector)  |
 *             bench thread &lt;-----------select, read--------  +-------------+
 * </pre>
 *
 * <p>Both variants talk to the same kind of server ({@link EchoServer}, one per trial) over
 * one TCP connection with {@code TCP_NODELAY}; only the client differs. Each operation
 * stamps a sequence number into the first 8 bytes of the request, sends the 64 bytes,
 * waits until all 64 came back, and checks the stamp, so lost, stale or reordered bytes
 * fail the run instead of flattering it. Neither client allocates in an operation; with
 * {@code -prof gc}, {@code gc.alloc.rate.norm} shows what the whole JVM (loop and echo
 * threads included) allocated per round trip.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -jar jmh/target/benchmarks.jar RoundTripBenchmark -prof gc
 * </pre>
 */
public class RoundTripBenchmark extends BenchmarkBase {
    /** Bytes in a request and in its response. */
    static final int MESSAGE_BYTES = 64;
    /** How long an operation waits for the network before it fails the run as a hang. */
    static final int TIMEOUT_MS = 10_000;

    /** Creates the benchmark (JMH does). */
    public RoundTripBenchmark() {
    }

    /**
     * luanio: {@code ctx.send}, then {@code ctx.poll} until the send is confirmed and 64
     * bytes were {@code recv}'d.
     *
     * @param client the connected client
     * @return the echoed stamp
     */
    @Benchmark
    public long luanio(LuanioClient client) {
        return client.roundTrip();
    }

    /**
     * Hand-written java.nio: write, then select and read until 64 bytes are back.
     *
     * @param client the connected client
     * @return the echoed stamp
     * @throws IOException when the connection fails
     */
    @Benchmark
    public long baseline(NioClient client) throws IOException {
        return client.roundTrip();
    }

    /** The echo server both clients talk to; one per trial. */
    @State(Scope.Benchmark)
    public static class Server {
        EchoServer echo;

        /** Creates the state (JMH does). */
        public Server() {
        }

        /**
         * Starts the server.
         *
         * @throws IOException when it cannot bind
         */
        @Setup(Level.Trial)
        public void start() throws IOException {
            echo = EchoServer.start();
        }

        /**
         * Stops the server.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            echo.close();
        }
    }

    /**
     * One event loop, one context, one TCP connection to the echo server. The op state
     * (bytes received, send confirmed) lives in fields the preallocated handler updates.
     */
    @State(Scope.Thread)
    public static class LuanioClient {
        private final byte[] request = new byte[MESSAGE_BYTES];
        private final byte[] response = new byte[MESSAGE_BYTES];
        private final ByteBuffer requestView = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer responseView = ByteBuffer.wrap(response).order(ByteOrder.LITTLE_ENDIAN);
        private final EventHandler onEvent = this::onEvent;
        private EventLoop loop;
        private Context ctx;
        private EchoServer echo;
        private int id;
        private long sequence;
        private int received;
        private boolean confirmed;
        private int unexpectedType = -1;

        /** Creates the state (JMH does). */
        public LuanioClient() {
        }

        /**
         * Starts a loop and connects to the echo server.
         *
         * @param server the echo server
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void connect(Server server) throws IOException {
            echo = server.echo;
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop"));
            ctx = loop.newContext();
            id = ctx.connect(SocketType.TCP, "127.0.0.1", echo.port());
            if (id < 0) {
                throw new IllegalStateException("connect failed: " + ctx.lastError());
            }
            Event ev = new Event();
            if (!ctx.next(ev, TIMEOUT_MS) || ev.type() != EventType.CONN_CNF || ev.result() != 0) {
                throw new IllegalStateException("no connection: event=" + ev + ", reason=" + ctx.reason(id));
            }
        }

        /** Closes the loop, and with it the connection. */
        @TearDown(Level.Trial)
        public void close() {
            loop.close();
        }

        long roundTrip() {
            long stamp = ++sequence;
            requestView.putLong(0, stamp);
            int rc = ctx.send(id, request, 0, MESSAGE_BYTES);
            if (rc != ErrorCode.ERR_OK) {
                throw new IllegalStateException("send failed: rc=" + rc + ", reason=" + ctx.reason(id));
            }
            received = 0;
            confirmed = false;
            while (received < MESSAGE_BYTES || !confirmed) {
                int n = ctx.poll(onEvent, 16, TIMEOUT_MS);
                if (n <= 0 || unexpectedType >= 0) {
                    throw failure(n);
                }
            }
            long echoed = responseView.getLong(0);
            if (echoed != stamp) {
                throw new IllegalStateException("wrong bytes: stamp=" + stamp + ", echoed=" + echoed);
            }
            return echoed;
        }

        private void onEvent(int type, int socket, int result, long value) {
            if (type == EventType.RECV_IND && socket == id) {
                int n;
                while (received < MESSAGE_BYTES && (n = ctx.recv(id, response, received, MESSAGE_BYTES - received)) > 0) {
                    received += n;
                }
            } else if (type == EventType.SEND_CNF && socket == id && result == 0 && value == MESSAGE_BYTES && !confirmed) {
                confirmed = true;
            } else if (unexpectedType < 0) {
                unexpectedType = type; // fail the op, after the handler returns
            }
        }

        private IllegalStateException failure(int polled) {
            return new IllegalStateException("round trip stuck: poll=" + polled
                + ", received=" + received + ", confirmed=" + confirmed
                + ", unexpected=" + (unexpectedType < 0 ? "none" : EventType.name(unexpectedType))
                + ", reason=" + ctx.reason(id) + ", echoFailure=" + echo.failure());
        }
    }

    /**
     * A non-blocking {@link SocketChannel} on its own {@link Selector}, driven by the
     * benchmark thread. Keys come through {@code select(Consumer)} (whose action is
     * created once), so no selected-key set fills up and nothing is allocated per select.
     */
    @State(Scope.Thread)
    public static class NioClient {
        private static final Consumer<SelectionKey> IGNORE_KEY = key -> { };

        private final ByteBuffer request = ByteBuffer.allocateDirect(MESSAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer response = ByteBuffer.allocateDirect(MESSAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private Selector selector;
        private SocketChannel channel;
        private SelectionKey key;
        private EchoServer echo;
        private long sequence;

        /** Creates the state (JMH does). */
        public NioClient() {
        }

        /**
         * Connects to the echo server (blocking), then switches to non-blocking mode.
         *
         * @param server the echo server
         * @throws IOException when it cannot connect
         */
        @Setup(Level.Trial)
        public void connect(Server server) throws IOException {
            echo = server.echo;
            selector = Selector.open();
            channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.port()));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ);
        }

        /**
         * Closes the connection and the selector.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
            selector.close();
        }

        long roundTrip() throws IOException {
            long stamp = ++sequence;
            request.clear();
            request.putLong(0, stamp);
            while (request.hasRemaining()) {
                if (channel.write(request) == 0) {
                    awaitWritable(); // kernel send buffer full: never on an idle loopback, but handled
                }
            }
            response.clear();
            long idleSinceNs = 0;
            while (response.hasRemaining()) {
                if (selector.select(IGNORE_KEY, TIMEOUT_MS) == 0) {
                    idleSinceNs = checkNotStuck(idleSinceNs); // select may return 0 early (EINTR)
                    continue;
                }
                idleSinceNs = 0;
                if (channel.read(response) < 0) {
                    throw new IOException("echo server closed the connection: echoFailure=" + echo.failure());
                }
            }
            long echoed = response.getLong(0);
            if (echoed != stamp) {
                throw new IllegalStateException("wrong bytes: stamp=" + stamp + ", echoed=" + echoed);
            }
            return echoed;
        }

        private void awaitWritable() throws IOException {
            key.interestOps(SelectionKey.OP_WRITE);
            long idleSinceNs = 0;
            while (selector.select(IGNORE_KEY, TIMEOUT_MS) == 0) {
                idleSinceNs = checkNotStuck(idleSinceNs);
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        /** @return when the idle spell began; throws once it lasted {@link #TIMEOUT_MS} */
        private long checkNotStuck(long idleSinceNs) {
            long now = System.nanoTime();
            if (idleSinceNs == 0) {
                return now;
            }
            if (now - idleSinceNs >= TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS)) {
                throw stuck();
            }
            return idleSinceNs;
        }

        private IllegalStateException stuck() {
            return new IllegalStateException("round trip stuck: read=" + response.position()
                + ", written=" + request.position() + ", echoFailure=" + echo.failure());
        }
    }
}
