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
import org.openjdk.jmh.annotations.Timeout;

/**
 * How fast does one TCP connection push bytes one way over 127.0.0.1, in 64 KiB writes,
 * through luanio next to a hand-written java.nio client? One operation is one 64 KiB
 * write confirmed, so MiB/s = ops/s / 16.
 *
 * <pre>
 *  luanio:    bench thread --send (copy into the send queue)--&gt; loop thread --write--&gt; +----------------+
 *             bench thread &lt;--------------- SEND_CNF ----------- loop thread            | discard server |
 *  baseline:  bench thread: blocking write  -------------------------------------------&gt; | (own thread,   |
 *  selectorBaseline: bench thread: write, select(OP_WRITE) when the kernel is full ----&gt; |  selector)     |
 *                                                                                       +----------------+
 * </pre>
 *
 * <ul>
 * <li>{@code luanio}: {@code ctx.send} of 64 KiB {@code byte[]} chunks keeps the socket's
 *     send queue full (the default 1 MiB: 16 chunks in flight); an operation ends when one
 *     more {@code SEND_CNF} (result 0, 65536 bytes) has been taken from {@code poll}.</li>
 * <li>{@code baseline}: a blocking {@code SocketChannel.write} loop of one 64 KiB direct
 *     buffer per operation, on the benchmark thread: the fewest system calls the JDK
 *     offers for one writer and, in our (noisy) runs, the faster of the two hand-written
 *     writers.</li>
 * <li>{@code selectorBaseline}: a non-blocking {@link SocketChannel} writes the same buffer;
 *     when the kernel takes nothing, it waits on its own {@link Selector} for
 *     {@code OP_WRITE}. The model luanio's loop uses, without the thread hop.</li>
 * </ul>
 *
 * <p>All three talk to the same kind of server ({@link DiscardServer}, one per trial) with
 * default socket buffers and {@code TCP_NODELAY} on the client, as luanio sets it. At the
 * end of a trial each client closes and checks that the server read exactly the bytes it
 * wrote; an operation that sees no progress for {@value #TIMEOUT_MS} ms fails the run (the
 * blocking variant has only JMH's iteration timeout, set to one minute here).
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar BulkBenchmark -prof gc
 * </pre>
 */
@Timeout(time = 1, timeUnit = TimeUnit.MINUTES)
public class BulkBenchmark extends BenchmarkBase {
    /** Bytes per write, and per operation. */
    static final int CHUNK_BYTES = 64 * 1024;
    /** How long an operation waits for progress before it fails the run as a hang. */
    static final int TIMEOUT_MS = 10_000;

    /** Creates the benchmark (JMH does). */
    public BulkBenchmark() {
    }

    /**
     * luanio: keep the send queue full, take one 64 KiB {@code SEND_CNF}.
     *
     * @param writer the connected writer
     * @return chunks confirmed so far
     */
    @Benchmark
    public long luanio(LuanioWriter writer) {
        return writer.next();
    }

    /**
     * Hand-written blocking java.nio: {@code write} until the 64 KiB are in the kernel.
     *
     * @param writer the connected writer
     * @return chunks written so far
     * @throws IOException when the connection fails
     */
    @Benchmark
    public long baseline(BlockingWriter writer) throws IOException {
        return writer.next();
    }

    /**
     * Hand-written non-blocking java.nio: write 64 KiB, waiting for {@code OP_WRITE}
     * whenever the kernel buffer is full.
     *
     * @param writer the connected writer
     * @return chunks written so far
     * @throws IOException when the connection fails
     */
    @Benchmark
    public long selectorBaseline(NioWriter writer) throws IOException {
        return writer.next();
    }

    /** The discard server; one per trial. */
    @State(Scope.Benchmark)
    public static class Server {
        DiscardServer discard;

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
            discard = DiscardServer.start();
        }

        /**
         * Stops the server.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            discard.close();
        }
    }

    /** One event loop, one context, one TCP connection with its send queue kept full. */
    @State(Scope.Thread)
    public static class LuanioWriter {
        private final byte[] chunk = new byte[CHUNK_BYTES];
        private final EventHandler onEvent = this::onEvent;
        private EventLoop loop;
        private Context ctx;
        private DiscardServer discard;
        private int id;
        private long queued;      // chunks handed to ctx.send
        private long confirmed;   // SEND_CNFs taken from the ring
        private long handedOut;   // operations returned to JMH
        private int unexpectedType = -1;
        private int unexpectedResult;
        private long unexpectedValue;

        /** Creates the state (JMH does). */
        public LuanioWriter() {
        }

        /**
         * Starts a loop and connects to the discard server.
         *
         * @param server the discard server
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void connect(Server server) throws IOException {
            discard = server.discard;
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) i;
            }
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop"));
            ctx = loop.newContext();
            id = ctx.connect(SocketType.TCP, "127.0.0.1", discard.port());
            if (id < 0) {
                throw new IllegalStateException("connect failed: " + ctx.lastError());
            }
            Event ev = new Event();
            if (!ctx.next(ev, TIMEOUT_MS) || ev.type() != EventType.CONN_CNF || ev.result() != 0) {
                throw new IllegalStateException("no connection: event=" + ev + ", reason=" + ctx.reason(id));
            }
        }

        /**
         * Closes gracefully (the queued chunks are written first), then checks that the
         * server read every byte sent.
         */
        @TearDown(Level.Trial)
        public void close() {
            try {
                ctx.close(id);
                boolean[] closed = new boolean[1];
                EventHandler onClose = (type, socket, result, value) -> {
                    if (type == EventType.CLOSE_CNF && socket == id) {
                        closed[0] = true;
                    } else if (type != EventType.SEND_CNF || result != 0) {
                        throw new IllegalStateException("while closing: " + EventType.name(type) + " result=" + result);
                    }
                };
                while (!closed[0]) {
                    if (ctx.poll(onClose, 64, TIMEOUT_MS) <= 0) {
                        throw new IllegalStateException("no CLOSE_CNF: reason=" + ctx.reason(id));
                    }
                }
                discard.awaitClosed(1, queued * CHUNK_BYTES, TIMEOUT_MS);
            } finally {
                loop.close();
            }
        }

        long next() {
            topUp();
            while (confirmed == handedOut) {
                int n = ctx.poll(onEvent, 64, TIMEOUT_MS);
                if (n <= 0 || unexpectedType >= 0) {
                    throw stuck(n);
                }
                topUp(); // refill at once: the loop must never find the queue empty
            }
            return ++handedOut;
        }

        /** Queues chunks while the send queue has room for a whole one. */
        private void topUp() {
            while (ctx.sendQueueFree(id) >= CHUNK_BYTES) {
                int rc = ctx.send(id, chunk, 0, CHUNK_BYTES);
                if (rc == ErrorCode.ERR_ENOBUFS) {
                    return;
                }
                if (rc != ErrorCode.ERR_OK) {
                    throw new IllegalStateException("send failed: rc=" + rc + ", reason=" + ctx.reason(id));
                }
                queued++;
            }
        }

        private void onEvent(int type, int socket, int result, long value) {
            if (type == EventType.SEND_CNF && socket == id && result == 0 && value == CHUNK_BYTES) {
                confirmed++;
            } else if (unexpectedType < 0) {
                unexpectedType = type; // fail the op, after the handler returns
                unexpectedResult = result;
                unexpectedValue = value;
            }
        }

        private IllegalStateException stuck(int polled) {
            return new IllegalStateException("bulk send stuck: poll=" + polled + ", queued=" + queued
                + ", confirmed=" + confirmed + ", unexpected="
                + (unexpectedType < 0 ? "none" : EventType.name(unexpectedType) + " result=" + unexpectedResult
                    + " value=" + unexpectedValue)
                + ", reason=" + ctx.reason(id) + ", discardFailure=" + discard.failure());
        }
    }

    /**
     * A non-blocking {@link SocketChannel} registered for {@code OP_WRITE} on its own
     * {@link Selector}; the selector is consulted only when a write took nothing, through
     * {@code select(Consumer)} (its action created once), so nothing is allocated.
     */
    @State(Scope.Thread)
    public static class NioWriter {
        private static final Consumer<SelectionKey> IGNORE_KEY = key -> { };

        private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
        private Selector selector;
        private SocketChannel channel;
        private DiscardServer discard;
        private long written;

        /** Creates the state (JMH does). */
        public NioWriter() {
        }

        /**
         * Connects (blocking), then switches to non-blocking mode.
         *
         * @param server the discard server
         * @throws IOException when it cannot connect
         */
        @Setup(Level.Trial)
        public void connect(Server server) throws IOException {
            discard = server.discard;
            for (int i = 0; i < CHUNK_BYTES; i++) {
                chunk.put(i, (byte) i);
            }
            selector = Selector.open();
            channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), discard.port()));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_WRITE);
        }

        /**
         * Closes, then checks that the server read every byte written.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
            selector.close();
            discard.awaitClosed(1, written * CHUNK_BYTES, TIMEOUT_MS);
        }

        long next() throws IOException {
            chunk.clear();
            while (chunk.hasRemaining()) {
                if (channel.write(chunk) == 0) {
                    awaitWritable();
                }
            }
            return ++written;
        }

        private void awaitWritable() throws IOException {
            long start = System.nanoTime();
            while (selector.select(IGNORE_KEY, TIMEOUT_MS) == 0) {
                if (System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS)) {
                    throw new IllegalStateException("bulk write stuck: written=" + written + " chunks + "
                        + chunk.position() + " bytes, discardFailure=" + discard.failure());
                }
            }
        }
    }

    /** A blocking {@link SocketChannel}: each write returns once the kernel took bytes. */
    @State(Scope.Thread)
    public static class BlockingWriter {
        private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
        private SocketChannel channel;
        private DiscardServer discard;
        private long written;

        /** Creates the state (JMH does). */
        public BlockingWriter() {
        }

        /**
         * Connects.
         *
         * @param server the discard server
         * @throws IOException when it cannot connect
         */
        @Setup(Level.Trial)
        public void connect(Server server) throws IOException {
            discard = server.discard;
            for (int i = 0; i < CHUNK_BYTES; i++) {
                chunk.put(i, (byte) i);
            }
            channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), discard.port()));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }

        /**
         * Closes, then checks that the server read every byte written.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
            discard.awaitClosed(1, written * CHUNK_BYTES, TIMEOUT_MS);
        }

        long next() throws IOException {
            chunk.clear();
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
            return ++written;
        }
    }
}
