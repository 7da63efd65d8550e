package io.luanio.jmh.tls;

import io.luanio.ConnectOptions;
import io.luanio.Context;
import io.luanio.ErrorCode;
import io.luanio.Event;
import io.luanio.EventHandler;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import io.luanio.SocketType;
import io.luanio.jmh.BenchmarkBase;
import io.luanio.jmh.OnLoopEchoClients;
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
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast does one TLS 1.3 connection echo messages over 127.0.0.1 through luanio, next to
 * a hand-written {@link SSLEngine} + java.nio client doing the same work on the benchmark
 * thread?
 *
 * <pre>
 *  luanio:    bench thread --send--&gt; loop thread (SSLEngine wrap, write) --&gt; +-----------------+
 *             bench thread &lt;-poll--- loop thread (read, SSLEngine unwrap) &lt;-- | TLS echo server |
 *                                                                          | (JDK SSLSocket, |
 *  baseline:  bench thread: SSLEngine wrap, write / select, read, unwrap --&gt;  |  own thread)    |
 *                                                                          +-----------------+
 * </pre>
 *
 * <p>{@code luanioOnLoop} is the luanio client with its handler on the loop thread
 * ({@code ContextConfig.handlerOnLoop}, {@link OnLoopEchoClients}): no hand-off between
 * the caller and the loop per message, the loop thread doing what the baseline's does.
 *
 * <p>{@code messageBytes} 64 is request/response; 65536 is bulk (each operation sends 64 KiB
 * and waits for all of it to come back, so MiB/s each way = ops/s / 16). Each operation
 * stamps a sequence number into the first 8 bytes and checks it in the echo. Both clients
 * trust the same CA, negotiate the same protocol and cipher suite (the JDK's first choice),
 * wrap up to four records per write, and read up to 64 KiB of ciphertext per read.
 * {@code gc.alloc.rate.norm} ({@code -prof gc}) counts the whole JVM, the echo server's
 * blocking SSLSocket threads included.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -jar jmh/target/benchmarks.jar TlsBenchmark -prof gc
 * </pre>
 *
 * <p>Warm-up is five iterations, not three: the JDK's AES-GCM path keeps speeding up for
 * about six seconds of traffic before the JIT has settled.
 */
@Warmup(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class TlsBenchmark extends BenchmarkBase {
    static final int TIMEOUT_MS = 10_000;

    /** Creates the benchmark (JMH does). */
    public TlsBenchmark() {
    }

    /**
     * luanio: {@code ctx.send}, then {@code ctx.poll} until the send is confirmed and the
     * whole message was {@code recv}'d.
     *
     * @param client the connected client
     * @return the echoed stamp
     */
    @Benchmark
    public long luanio(LuanioClient client) {
        return client.roundTrip();
    }

    /**
     * Hand-written SSLEngine over a non-blocking SocketChannel and its own Selector.
     *
     * @param client the connected client
     * @return the echoed stamp
     * @throws IOException when the connection fails
     */
    @Benchmark
    public long baseline(EngineClient client) throws IOException {
        return client.roundTrip();
    }

    /**
     * The same echoes with the client on the loop thread ({@code ContextConfig.handlerOnLoop}):
     * the loop wraps, writes, reads, unwraps and sends the next message itself, as the
     * baseline's thread does; the benchmark thread waits for batches.
     *
     * @param clients the loop-thread client
     * @return echoes completed so far
     */
    @Benchmark
    @OperationsPerInvocation(OnLoopEchoClients.BATCH)
    public long luanioOnLoop(OnLoop clients) {
        return clients.clients.awaitBatch(TIMEOUT_MS);
    }

    /** One SSL socket of a context whose handler runs on the loop thread. */
    @State(Scope.Thread)
    public static class OnLoop {
        OnLoopEchoClients clients;

        /** Creates the state (JMH does). */
        public OnLoop() {
        }

        /**
         * Connects over TLS (verified against the test CA) and starts the first echo.
         *
         * @param server the echo server
         */
        @Setup(Level.Trial)
        public void connect(Server server) {
            ConnectOptions options = new ConnectOptions().tls(new TlsOptions().trustPem(TlsEchoServer.pem("ca.pem")));
            clients = OnLoopEchoClients.start(SocketType.SSL, server.echo.port(), options, 1, server.messageBytes, TIMEOUT_MS);
        }

        /** Closes the loop, and with it the connection. */
        @TearDown(Level.Trial)
        public void close() {
            clients.close();
        }
    }

    /** The echo server and the message size; one per trial. */
    @State(Scope.Benchmark)
    public static class Server {
        /** Bytes per message (request and echo). */
        @Param({"64", "65536"})
        public int messageBytes;
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
            echo = TlsEchoServer.start();
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

    /** One event loop, one context, one SSL socket to the echo server. */
    @State(Scope.Thread)
    public static class LuanioClient {
        private final EventHandler onEvent = this::onEvent;
        private byte[] request;
        private byte[] response;
        private ByteBuffer requestView;
        private ByteBuffer responseView;
        private int size;
        private EventLoop loop;
        private Context ctx;
        private TlsEchoServer echo;
        private int id;
        private long sequence;
        private int received;
        private boolean confirmed;
        private int unexpectedType = -1;

        /** Creates the state (JMH does). */
        public LuanioClient() {
        }

        /**
         * Starts a loop and connects over TLS (verified against the test CA).
         *
         * @param server the echo server
         */
        @Setup(Level.Trial)
        public void connect(Server server) {
            echo = server.echo;
            size = server.messageBytes;
            request = new byte[size];
            response = new byte[size];
            requestView = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
            responseView = ByteBuffer.wrap(response).order(ByteOrder.LITTLE_ENDIAN);
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop"));
            ctx = loop.newContext();
            TlsOptions tls = new TlsOptions().trustPem(TlsEchoServer.pem("ca.pem"));
            id = ctx.connect(SocketType.SSL, "127.0.0.1", echo.port(), new ConnectOptions().tls(tls));
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
            int rc = ctx.send(id, request, 0, size);
            if (rc != ErrorCode.ERR_OK) {
                throw new IllegalStateException("send failed: rc=" + rc + ", reason=" + ctx.reason(id));
            }
            received = 0;
            confirmed = false;
            while (received < size || !confirmed) {
                int n = ctx.poll(onEvent, 16, TIMEOUT_MS);
                if (n <= 0 || unexpectedType >= 0) {
                    throw new IllegalStateException("round trip stuck: poll=" + n + ", received=" + received
                        + ", confirmed=" + confirmed + ", unexpected=" + unexpectedType + ", reason=" + ctx.reason(id)
                        + ", echoFailure=" + echo.failure());
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
                while (received < size && (n = ctx.recv(id, response, received, size - received)) > 0) {
                    received += n;
                }
            } else if (type == EventType.SEND_CNF && socket == id && result == 0 && value == size && !confirmed) {
                confirmed = true;
            } else if (unexpectedType < 0) {
                unexpectedType = type;
            }
        }
    }

    /**
     * The baseline: an SSLEngine in client mode over a non-blocking {@link SocketChannel}
     * on its own {@link Selector}, driven by the benchmark thread; direct buffers allocated
     * once (network out holds four records, network in 64 KiB and more).
     */
    @State(Scope.Thread)
    public static class EngineClient {
        private static final Consumer<SelectionKey> IGNORE_KEY = key -> { };
        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

        private ByteBuffer request;
        private ByteBuffer response;
        private ByteBuffer netOut;
        private ByteBuffer netIn;
        private int size;
        private int packetBytes;
        private SSLEngine engine;
        private Selector selector;
        private SocketChannel channel;
        private SelectionKey key;
        private TlsEchoServer echo;
        private long sequence;

        /** Creates the state (JMH does). */
        public EngineClient() {
        }

        /**
         * Connects and completes the handshake.
         *
         * @param server the echo server
         * @throws Exception when the connection or handshake fails
         */
        @Setup(Level.Trial)
        public void connect(Server server) throws Exception {
            echo = server.echo;
            size = server.messageBytes;
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", Pem.certificates(TlsEchoServer.pem("ca.pem")).get(0));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            engine = context.createSSLEngine("127.0.0.1", echo.port());
            engine.setUseClientMode(true);
            packetBytes = engine.getSession().getPacketBufferSize();
            request = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
            response = ByteBuffer.allocateDirect(size + 2 * packetBytes).order(ByteOrder.LITTLE_ENDIAN);
            netOut = ByteBuffer.allocateDirect(4 * packetBytes);
            netIn = ByteBuffer.allocateDirect(Math.max(64 * 1024, 2 * packetBytes));
            selector = Selector.open();
            channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.port()));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ);
            handshake();
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

        private void handshake() throws IOException {
            engine.beginHandshake();
            for (;;) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK:
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                        break;
                    case NEED_WRAP:
                        netOut.clear();
                        engine.wrap(EMPTY, netOut);
                        netOut.flip();
                        writeAll();
                        break;
                    case NEED_UNWRAP:
                        response.clear();
                        if (unwrap() < 0) {
                            readSome();
                        }
                        break;
                    default:
                        return;
                }
            }
        }

        long roundTrip() throws IOException {
            long stamp = ++sequence;
            request.clear();
            request.putLong(0, stamp);
            while (request.hasRemaining()) {
                netOut.clear();
                while (request.hasRemaining() && netOut.remaining() >= packetBytes) {
                    engine.wrap(request, netOut);
                }
                netOut.flip();
                writeAll();
            }
            response.clear();
            while (response.position() < size) {
                if (unwrap() < 0) {
                    readSome();
                }
            }
            long echoed = response.getLong(0);
            if (echoed != stamp) {
                throw new IllegalStateException("wrong bytes: stamp=" + stamp + ", echoed=" + echoed);
            }
            return echoed;
        }

        /** Unwraps what netIn holds; @return -1 when it needs more ciphertext, else records unwrapped. */
        private int unwrap() throws IOException {
            netIn.flip();
            int records = 0;
            try {
                while (netIn.hasRemaining()) {
                    SSLEngineResult r = engine.unwrap(netIn, response);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        return -1;
                    }
                    if (r.getStatus() != SSLEngineResult.Status.OK) {
                        throw new IOException("unwrap: " + r);
                    }
                    records++;
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                    if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        return records; // the handshake (or a key update) speaks next
                    }
                }
                return records == 0 ? -1 : records;
            } finally {
                netIn.compact();
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
                    throw new IOException("echo server closed the connection: echoFailure=" + echo.failure());
                }
                await();
            }
        }

        private void await() throws IOException {
            long start = System.nanoTime();
            while (selector.select(IGNORE_KEY, TIMEOUT_MS) == 0) {
                if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS)) {
                    throw new IllegalStateException("baseline stuck: echoFailure=" + echo.failure());
                }
            }
        }
    }
}
