package io.luanio.jmh.tls;

import io.luanio.ConnectOptions;
import io.luanio.Context;
import io.luanio.ErrorCode;
import io.luanio.EventHandler;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import io.luanio.SocketType;
import io.luanio.jmh.BenchmarkBase;
import io.luanio.tls.Pem;
import io.luanio.tls.TlsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many TLS 1.3 connections per second can a caller set up over 127.0.0.1, one after
 * another, through luanio next to a hand-written {@link SSLEngine} + java.nio client? One
 * operation is one whole connection: TCP connect, TLS handshake (chain and host name
 * verified against the test CA), one 64-byte echo, {@code close_notify} and close.
 *
 * <ul>
 * <li>{@code luanio}: {@code ctx.connect(SSL, "127.0.0.1", port, tls)}, {@code poll} until
 *     {@code CONN_CNF} (result 0), {@code send} 64 bytes and {@code recv} their echo,
 *     {@code close}, {@code CLOSE_CNF}, {@code destroy}. luanio builds the
 *     {@code SSLContext} once per trust material and reuses it, as its Javadoc says.</li>
 * <li>{@code baseline}: one {@code SSLContext} built in setup (the same trust, TLS 1.3 and
 *     1.2 enabled, {@code HTTPS} endpoint identification, as luanio sets them); per
 *     operation a new engine ({@code createSSLEngine("127.0.0.1", port)}, so the JDK's
 *     client session cache applies), a non-blocking {@link SocketChannel} on the benchmark
 *     thread's own {@link Selector} for connect, handshake, echo and close.</li>
 * </ul>
 *
 * <p>The 64-byte echo proves the session carries data, and it makes the client read the
 * server's {@code NewSessionTicket} (which a TLS 1.3 server sends after the handshake) so
 * that resumption, when the server allows it, happens on every following connection and
 * not by the luck of timing. {@code resumption} picks the server:
 * <ul>
 * <li>{@code false}: the server sends no session tickets ({@link TlsEchoServer#start(boolean)}),
 *     so every handshake is full: ECDHE, the server's certificate and signature, and the
 *     client's chain and host-name checks.</li>
 * <li>{@code true}: the JDK server's defaults: each connection resumes the previous one's
 *     ticket (PSK with ECDHE: no certificate, no signature, no chain check).</li>
 * </ul>
 * At the end of a trial the server must have counted exactly one handshake per completed
 * operation, every one full ({@code false}) or all but the first resumed ({@code true});
 * an operation that waits {@value #TIMEOUT_MS} ms fails the run. The server is the JDK's
 * {@code SSLServerSocket} with a pooled thread per connection, the same for both clients,
 * so its cost (and its allocation, in {@code gc.alloc.rate.norm}) is in both numbers.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar TlsHandshakeBenchmark -prof gc
 * </pre>
 */
@Warmup(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class TlsHandshakeBenchmark extends BenchmarkBase {
    static final int TIMEOUT_MS = 10_000;
    static final int MESSAGE_BYTES = 64;

    /** Creates the benchmark (JMH does). */
    public TlsHandshakeBenchmark() {
    }

    /**
     * luanio: one SSL connection set up, used once and closed.
     *
     * @param client the loop and context
     * @return connections completed so far
     */
    @Benchmark
    public long luanio(LuanioConnector client) {
        return client.connectAndClose();
    }

    /**
     * Hand-written SSLEngine over a non-blocking SocketChannel: the same work.
     *
     * @param client the SSLContext and selector
     * @return connections completed so far
     * @throws IOException when a connection fails
     */
    @Benchmark
    public long baseline(EngineConnector client) throws IOException {
        return client.connectAndClose();
    }

    /** The TLS echo server; one per trial. */
    @State(Scope.Benchmark)
    public static class Server {
        /** Whether the server sends session tickets, so that handshakes resume. */
        @Param({"false", "true"})
        public boolean resumption;
        TlsEchoServer echo;

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
            echo = TlsEchoServer.start(resumption);
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

        /** Checks the server's handshake counts against the client's completed operations. */
        void check(long completed) {
            long full = echo.fullHandshakes();
            long resumed = echo.resumedHandshakes();
            boolean ok = full + resumed == completed && (resumption ? full <= 1 : resumed == 0);
            if (!ok || echo.failure() != null) {
                throw new IllegalStateException("handshakes not as configured: resumption=" + resumption
                    + ", completed=" + completed + ", full=" + full + ", resumed=" + resumed
                    + ", echoFailure=" + echo.failure());
            }
        }
    }

    /** One event loop and one context; each operation opens and closes one SSL socket. */
    @State(Scope.Thread)
    public static class LuanioConnector {
        private final EventHandler onEvent = this::onEvent;
        private final byte[] request = new byte[MESSAGE_BYTES];
        private final byte[] response = new byte[MESSAGE_BYTES];
        private final ByteBuffer requestView = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer responseView = ByteBuffer.wrap(response).order(ByteOrder.LITTLE_ENDIAN);
        private Server server;
        private EventLoop loop;
        private Context ctx;
        private ConnectOptions options;
        private int port;
        private int id;
        private int connResult;
        private int received;
        private boolean sendConfirmed;
        private boolean closeConfirmed;
        private long completed;
        private int unexpectedType = -1;

        /** Creates the state (JMH does). */
        public LuanioConnector() {
        }

        /**
         * Starts a loop; the TLS options trust the test CA.
         *
         * @param server the echo server
         */
        @Setup(Level.Trial)
        public void setUp(Server server) {
            this.server = server;
            port = server.echo.port();
            options = new ConnectOptions().tls(new TlsOptions().trustPem(TlsEchoServer.pem("ca.pem")));
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop"));
            ctx = loop.newContext();
        }

        /** Checks the server's handshake counts, then closes the loop. */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                server.check(completed);
            } finally {
                loop.close();
            }
        }

        long connectAndClose() {
            id = ctx.connect(SocketType.SSL, "127.0.0.1", port, options);
            if (id < 0) {
                throw new IllegalStateException("connect failed: " + ctx.lastError());
            }
            connResult = -1;
            received = 0;
            sendConfirmed = false;
            closeConfirmed = false;
            while (connResult < 0) {
                pollOnce();
            }
            if (connResult != 0) {
                throw new IllegalStateException("CONN_CNF result=" + connResult + ": reason=" + ctx.reason(id));
            }
            long stamp = completed + 1;
            requestView.putLong(0, stamp);
            int rc = ctx.send(id, request, 0, MESSAGE_BYTES);
            if (rc != ErrorCode.ERR_OK) {
                throw new IllegalStateException("send failed: rc=" + rc + ", reason=" + ctx.reason(id));
            }
            while (received < MESSAGE_BYTES || !sendConfirmed) {
                pollOnce();
            }
            if (responseView.getLong(0) != stamp) {
                throw new IllegalStateException("wrong bytes: stamp=" + stamp + ", echoed=" + responseView.getLong(0));
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
                    + ", connResult=" + connResult + ", received=" + received + ", sendConfirmed=" + sendConfirmed
                    + ", closeConfirmed=" + closeConfirmed + ", unexpected="
                    + (unexpectedType < 0 ? "none" : EventType.name(unexpectedType)) + ", reason=" + ctx.reason(id)
                    + ", echoFailure=" + server.echo.failure());
            }
        }

        private void onEvent(int type, int socket, int result, long value) {
            if (socket != id) {
                unexpectedType = unexpectedType < 0 ? type : unexpectedType;
            } else if (type == EventType.CONN_CNF && connResult < 0) {
                connResult = result;
            } else if (type == EventType.RECV_IND) {
                int n;
                while (received < MESSAGE_BYTES && (n = ctx.recv(id, response, received, MESSAGE_BYTES - received)) > 0) {
                    received += n;
                }
            } else if (type == EventType.SEND_CNF && result == 0 && value == MESSAGE_BYTES && !sendConfirmed) {
                sendConfirmed = true;
            } else if (type == EventType.CLOSE_CNF && connResult == 0) {
                closeConfirmed = true;
            } else if (unexpectedType < 0) {
                unexpectedType = type; // fail the op, after the handler returns
            }
        }
    }

    /**
     * The baseline: one {@link SSLContext} and one {@link Selector} for the trial, a new
     * {@link SSLEngine} and {@link SocketChannel} per operation; direct buffers allocated
     * once.
     */
    @State(Scope.Thread)
    public static class EngineConnector {
        private static final Consumer<SelectionKey> IGNORE_KEY = key -> { };
        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

        private Server server;
        private SSLContext context;
        private SSLParameters parameters;
        private Selector selector;
        private InetSocketAddress address;
        private ByteBuffer request;
        private ByteBuffer appIn;
        private ByteBuffer netOut;
        private ByteBuffer netIn;
        private SSLEngine engine;
        private SocketChannel channel;
        private SelectionKey key;
        private long completed;

        /** Creates the state (JMH does). */
        public EngineConnector() {
        }

        /**
         * Builds the SSLContext (trusting the test CA) and opens the selector.
         *
         * @param server the echo server
         * @throws Exception when the TLS set-up fails
         */
        @Setup(Level.Trial)
        public void setUp(Server server) throws Exception {
            this.server = server;
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", Pem.certificates(TlsEchoServer.pem("ca.pem")).get(0));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            parameters = context.getDefaultSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            int packetBytes = context.createSSLEngine().getSession().getPacketBufferSize();
            request = ByteBuffer.allocateDirect(MESSAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            appIn = ByteBuffer.allocateDirect(MESSAGE_BYTES + 2 * packetBytes).order(ByteOrder.LITTLE_ENDIAN);
            netOut = ByteBuffer.allocateDirect(2 * packetBytes);
            netIn = ByteBuffer.allocateDirect(Math.max(64 * 1024, 2 * packetBytes));
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.echo.port());
            selector = Selector.open();
        }

        /**
         * Checks the server's handshake counts, then closes the selector.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try {
                server.check(completed);
            } finally {
                selector.close();
            }
        }

        long connectAndClose() throws IOException {
            engine = context.createSSLEngine("127.0.0.1", address.getPort());
            engine.setUseClientMode(true);
            engine.setSSLParameters(parameters);
            channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                key = channel.register(selector, SelectionKey.OP_CONNECT);
                if (!channel.connect(address)) {
                    await();
                    if (!channel.finishConnect()) {
                        throw new IllegalStateException("OP_CONNECT without a connection");
                    }
                }
                key.interestOps(SelectionKey.OP_READ);
                netIn.clear();
                appIn.clear();
                handshake();
                echo(completed + 1);
                engine.closeOutbound();
                netOut.clear();
                engine.wrap(EMPTY, netOut); // close_notify
                netOut.flip();
                writeAll();
            } finally {
                channel.close();
            }
            return ++completed;
        }

        private void handshake() throws IOException {
            engine.beginHandshake();
            for (;;) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK:
                        runTasks();
                        break;
                    case NEED_WRAP:
                        netOut.clear();
                        engine.wrap(EMPTY, netOut);
                        netOut.flip();
                        writeAll();
                        break;
                    case NEED_UNWRAP:
                        if (unwrap() < 0) {
                            readSome();
                        }
                        break;
                    default:
                        return; // FINISHED or NOT_HANDSHAKING
                }
            }
        }

        private void echo(long stamp) throws IOException {
            request.clear();
            request.putLong(0, stamp);
            netOut.clear();
            engine.wrap(request, netOut);
            netOut.flip();
            writeAll();
            while (appIn.position() < MESSAGE_BYTES) {
                if (unwrap() < 0) {
                    readSome();
                }
            }
            long echoed = appIn.getLong(0);
            if (appIn.position() != MESSAGE_BYTES || echoed != stamp) {
                throw new IllegalStateException("wrong bytes: stamp=" + stamp + ", echoed=" + echoed
                    + ", bytes=" + appIn.position());
            }
        }

        /** Unwraps what netIn holds; @return -1 when it needs more ciphertext, else records unwrapped. */
        private int unwrap() throws IOException {
            netIn.flip();
            int records = 0;
            try {
                while (netIn.hasRemaining()) {
                    SSLEngineResult r = engine.unwrap(netIn, appIn);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        return records == 0 ? -1 : records;
                    }
                    if (r.getStatus() != SSLEngineResult.Status.OK) {
                        throw new IOException("unwrap: " + r);
                    }
                    records++;
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        return records; // the handshake speaks next
                    }
                }
                return records == 0 ? -1 : records;
            } finally {
                netIn.compact();
            }
        }

        private void runTasks() {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        }

        private void writeAll() throws IOException {
            while (netOut.hasRemaining()) {
                if (channel.write(netOut) == 0) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    await();
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
        }

        private void readSome() throws IOException {
            for (;;) {
                int n = channel.read(netIn);
                if (n > 0) {
                    return;
                }
                if (n < 0) {
                    throw new IOException("echo server closed the connection: echoFailure=" + server.echo.failure());
                }
                await();
            }
        }

        private void await() throws IOException {
            long start = System.nanoTime();
            while (selector.select(IGNORE_KEY, TIMEOUT_MS) == 0) {
                if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS)) {
                    throw new IllegalStateException("baseline stuck: completed=" + completed
                        + ", handshake=" + engine.getHandshakeStatus() + ", echoFailure=" + server.echo.failure());
                }
            }
        }
    }
}
