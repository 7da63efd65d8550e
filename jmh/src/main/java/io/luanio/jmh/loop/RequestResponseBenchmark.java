package io.luanio.jmh.loop;

import io.luanio.SocketType;
import io.luanio.jmh.BenchmarkBase;
import io.luanio.jmh.OnLoopEchoClients;
import io.luanio.jmh.PollEchoClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Request/response over N concurrent loopback connections, each in lockstep (send a
 * request, wait for its echo, send the next): the shape of many clients or devices on one
 * loop. One operation is one completed round trip on any connection.
 *
 * <p>{@code luanio}: one {@link EventLoop}, one {@link Context} holding the N sockets,
 * driven by the benchmark thread through {@code send}/{@code poll}/{@code recv}.
 * {@code baseline}: a hand-written java.nio client, the N channels on one selector driven
 * by the benchmark thread. Both talk to the same {@link EchoServer}. *
 * <p>{@code luanioOnLoop}: the same luanio client with its handler on the loop thread
 * ({@code ContextConfig.handlerOnLoop}, {@link OnLoopEchoClients}): the loop thread does
 * what the baseline's thread does, with nothing handed between threads per message.
 */
public class RequestResponseBenchmark extends BenchmarkBase {
    static final long TIMEOUT_MS = 10_000;

    /** Creates the benchmark (JMH does). */
    public RequestResponseBenchmark() {
    }

    /**
     * One round trip through luanio.
     *
     * @param client the luanio client
     * @return completed round trips so far
     */
    @Benchmark
    public long luanio(LuanioClients client) {
        return client.clients.next(TIMEOUT_MS);
    }

    /**
     * The same round trips with the client on the loop thread: the context's handler
     * ({@code ContextConfig.handlerOnLoop}) sends and receives, no thread hand-off per
     * message; the benchmark thread waits for batches.
     *
     * @param clients the loop-thread clients
     * @return completed round trips so far
     */
    @Benchmark
    @OperationsPerInvocation(OnLoopEchoClients.BATCH)
    public long luanioOnLoop(OnLoop clients) {
        return clients.clients.awaitBatch(TIMEOUT_MS);
    }

    /** N sockets of one context whose handler runs on the loop thread. */
    @State(Scope.Thread)
    public static class OnLoop {
        OnLoopEchoClients clients;

        /** Creates the state (JMH does). */
        public OnLoop() {
        }

        /**
         * Connects N sockets and starts one echo on each.
         *
         * @param s the setting
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void setUp(Setting s) throws IOException {
            clients = OnLoopEchoClients.start(SocketType.TCP, s.echo.port(), null, s.connections, s.size, TIMEOUT_MS);
        }

        /** Closes the loop and every connection. */
        @TearDown(Level.Trial)
        public void tearDown() {
            clients.close();
        }
    }

    /**
     * One round trip through the hand-written NIO client.
     *
     * @param client the NIO client
     * @return completed round trips so far
     * @throws IOException when a connection fails
     */
    @Benchmark
    public long baseline(NioClients client) throws IOException {
        return client.next();
    }

    /** The shared server and the parameters. */
    @State(Scope.Benchmark)
    public static class Setting {
        /** Request and response size in bytes. */
        @Param({"64", "4096"})
        public int size;

        /** Concurrent connections. */
        @Param({"1", "64", "1000"})
        public int connections;

        EchoServer echo;

        /** Creates the state (JMH does). */
        public Setting() {
        }

        /**
         * Starts the echo server.
         *
         * @throws IOException when it cannot bind
         */
        @Setup(Level.Trial)
        public void start() throws IOException {
            echo = EchoServer.start();
        }

        /**
         * Stops it.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            echo.close();
        }
    }

    /** N sockets of one context, every one with a request in flight, driven by the benchmark thread. */
    @State(Scope.Thread)
    public static class LuanioClients {
        PollEchoClients clients;

        /** Creates the state (JMH does). */
        public LuanioClients() {
        }

        /**
         * Connects N sockets and sends the first request on each.
         *
         * @param s the setting
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void setUp(Setting s) throws IOException {
            clients = PollEchoClients.start(SocketType.TCP, s.echo, null, s.connections, s.size, TIMEOUT_MS);
        }

        /** Closes the loop and every connection. */
        @TearDown(Level.Trial)
        public void tearDown() {
            clients.close();
        }
    }

    /** N non-blocking channels on one selector, every one with a request in flight. */
    @State(Scope.Thread)
    public static class NioClients {
        private Selector selector;
        private SocketChannel[] channels;
        private int size;
        private ByteBuffer request;
        private ByteBuffer sink;
        private long ready;
        private long completed;
        private IOException failure;
        private final Consumer<SelectionKey> onKey = this::onKey;

        /** Creates the state (JMH does). */
        public NioClients() {
        }

        /**
         * Connects N channels and sends the first request on each.
         *
         * @param s the setting
         * @throws IOException when a connect fails
         */
        @Setup(Level.Trial)
        public void setUp(Setting s) throws IOException {
            size = s.size;
            request = ByteBuffer.allocateDirect(size);
            sink = ByteBuffer.allocateDirect(Math.max(size, 65536));
            selector = Selector.open();
            channels = new SocketChannel[s.connections];
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", s.echo.port());
            for (int i = 0; i < channels.length; i++) {
                SocketChannel c = SocketChannel.open(server);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.configureBlocking(false);
                channels[i] = c;
                c.register(selector, SelectionKey.OP_READ, new int[1]);
                sendRequest(c);
            }
        }

        /**
         * Closes everything.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            for (SocketChannel c : channels) {
                c.close();
            }
            selector.close();
        }

        long next() throws IOException {
            while (ready == 0) {
                if (selector.select(onKey, TIMEOUT_MS) == 0 && ready == 0) {
                    throw new IllegalStateException("round trips stalled after " + completed);
                }
                if (failure != null) {
                    throw failure;
                }
            }
            ready--;
            return ++completed;
        }

        private void onKey(SelectionKey key) {
            try {
                SocketChannel c = (SocketChannel) key.channel();
                int[] received = (int[]) key.attachment();
                int n;
                while ((n = c.read(sink.clear())) > 0) {
                    received[0] += n;
                }
                if (n < 0) {
                    throw new IOException("server closed the connection");
                }
                while (received[0] >= size) {
                    received[0] -= size;
                    ready++;
                    sendRequest(c);
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        private void sendRequest(SocketChannel c) throws IOException {
            request.clear();
            while (request.hasRemaining()) {
                if (c.write(request) == 0) {
                    Thread.onSpinWait(); // the kernel buffer is full: rare for one request in flight
                }
            }
        }
    }
}
