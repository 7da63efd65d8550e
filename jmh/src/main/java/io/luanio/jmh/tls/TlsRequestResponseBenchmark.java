package io.luanio.jmh.tls;

import io.luanio.ConnectOptions;
import io.luanio.SocketType;
import io.luanio.jmh.BenchmarkBase;
import io.luanio.jmh.OnLoopEchoClients;
import io.luanio.jmh.PollEchoClients;
import io.luanio.tls.Pem;
import io.luanio.tls.TlsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
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
 * TLS 1.3 request/response with many connections at once: N connections to a one-thread
 * TLS echo server ({@link TlsLoopEchoServer}), each with one 64-byte request in flight;
 * one operation is one echo received in full. The TLS counterpart of
 * {@code RequestResponseBenchmark}: where {@link TlsBenchmark} measures one connection in
 * lockstep (the hand-off between the caller and the loop thread on every message), this
 * measures the loop doing the TLS work of many sockets, which is what it is for.
 *
 * <pre>
 *  luanio:    bench thread --send / poll--&gt; loop thread (N SSLEngines, one selector) &lt;--&gt; +------------------+
 *                                                                                     | TLS echo server  |
 *  baseline:  bench thread: N SSLEngines on its own selector, wrap/write, read/unwrap &lt;--&gt; | (one thread,     |
 *                                                                                     |  N SSLEngines)   |
 *                                                                                     +------------------+
 * </pre>
 *
 * <p>{@code luanioOnLoop}: the luanio clients with their handler on the loop thread
 * ({@code ContextConfig.handlerOnLoop}, {@link OnLoopEchoClients}).
 *
 * <p>Both clients trust the same CA, verify the host name (luanio's default; the baseline's
 * engine is created for 127.0.0.1 with the JDK's PKIX trust manager), negotiate the same
 * protocol and cipher suite, and use one read and one unwrap pass per readiness event.
 * Both count echoed bytes per connection; a connection whose echo never comes fails the
 * run after {@value #TIMEOUT_MS} ms.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar TlsRequestResponseBenchmark -prof gc
 * </pre>
 */
@Warmup(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class TlsRequestResponseBenchmark extends BenchmarkBase {
    static final long TIMEOUT_MS = 10_000;
    static final int SIZE = 64;

    /** Creates the benchmark (JMH does). */
    public TlsRequestResponseBenchmark() {
    }

    /**
     * luanio: N SSL sockets of one context on the loop thread.
     *
     * @param clients the connected clients
     * @return round trips so far
     */
    @Benchmark
    public long luanio(LuanioClients clients) {
        return clients.clients.next(TIMEOUT_MS);
    }

    /**
     * Hand-written: N SSLEngines over non-blocking channels on one selector, on the
     * benchmark thread.
     *
     * @param clients the connected clients
     * @return round trips so far
     * @throws IOException when a connection fails
     */
    @Benchmark
    public long baseline(EngineClients clients) throws IOException {
        return clients.next();
    }

    /**
     * The same, with the clients' handler on the loop thread ({@code ContextConfig.handlerOnLoop}).
     *
     * @param clients the loop-thread clients
     * @return round trips so far
     */
    @Benchmark
    @OperationsPerInvocation(OnLoopEchoClients.BATCH)
    public long luanioOnLoop(OnLoop clients) {
        return clients.clients.awaitBatch(TIMEOUT_MS);
    }

    /** N SSL sockets of a context whose handler runs on the loop thread. */
    @State(Scope.Thread)
    public static class OnLoop {
        OnLoopEchoClients clients;

        /** Creates the state (JMH does). */
        public OnLoop() {
        }

        /**
         * Connects N SSL sockets and starts one echo on each.
         *
         * @param s the setting
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void setUp(Setting s) throws IOException {
            ConnectOptions options = new ConnectOptions().tls(new TlsOptions().trustPem(TlsEchoServer.pem("ca.pem")));
            clients = OnLoopEchoClients.start(SocketType.SSL, s.echo.port(), options, s.connections, SIZE, TIMEOUT_MS);
        }

        /** Closes the loop and every connection. */
        @TearDown(Level.Trial)
        public void tearDown() {
            clients.close();
        }
    }

    /** The echo server and the number of connections; one per trial. */
    @State(Scope.Benchmark)
    public static class Setting {
        /** Connections, each with one request in flight. */
        @Param({"64"})
        public int connections;
        TlsLoopEchoServer echo;

        /** Creates the state (JMH does). */
        public Setting() {
        }

        /**
         * Starts the server.
         *
         * @throws IOException when it cannot bind
         */
        @Setup(Level.Trial)
        public void start() throws IOException {
            echo = TlsLoopEchoServer.start();
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

    /** N SSL sockets of one context, every one with a request in flight, driven by the benchmark thread. */
    @State(Scope.Thread)
    public static class LuanioClients {
        PollEchoClients clients;

        /** Creates the state (JMH does). */
        public LuanioClients() {
        }

        /**
         * Connects N SSL sockets (handshakes on the loop, verified against the test CA), then
         * sends the first request on each.
         *
         * @param s the setting
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void setUp(Setting s) throws IOException {
            ConnectOptions options = new ConnectOptions().tls(new TlsOptions().trustPem(TlsEchoServer.pem("ca.pem")));
            clients = PollEchoClients.start(SocketType.SSL, s.echo, options, s.connections, SIZE, TIMEOUT_MS);
        }

        /** Closes the loop and every connection. */
        @TearDown(Level.Trial)
        public void tearDown() {
            clients.close();
        }
    }

    /** N hand-driven SSLEngines on one selector, every one with a request in flight. */
    @State(Scope.Thread)
    public static class EngineClients {
        private final Consumer<SelectionKey> onKey = this::onKey;
        private final ByteBuffer request = ByteBuffer.allocateDirect(SIZE);
        private Selector selector;
        private EngineChannel[] channels;
        private TlsLoopEchoServer echo;
        private long ready;
        private long completed;
        private IOException failure;

        /** Creates the state (JMH does). */
        public EngineClients() {
        }

        /**
         * Connects N channels, completes every handshake, then sends the first request on each.
         *
         * @param s the setting
         * @throws Exception when a connection or handshake fails
         */
        @Setup(Level.Trial)
        public void setUp(Setting s) throws Exception {
            echo = s.echo;
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", Pem.certificates(TlsEchoServer.pem("ca.pem")).get(0));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            selector = Selector.open();
            channels = new EngineChannel[s.connections];
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", echo.port());
            for (int i = 0; i < channels.length; i++) {
                SocketChannel c = SocketChannel.open(server);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.configureBlocking(false);
                SSLEngine engine = context.createSSLEngine("127.0.0.1", server.getPort());
                engine.setUseClientMode(true);
                SSLParameters params = engine.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // host-name check, as luanio does
                engine.setSSLParameters(params);
                engine.beginHandshake();
                channels[i] = new EngineChannel(c, engine, selector);
                channels[i].pump(); // the ClientHello
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while (!allHandshakesDone()) {
                selector.select(onKey, TIMEOUT_MS);
                if (failure != null) {
                    throw failure;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("handshakes stalled, echoFailure=" + echo.failure());
                }
            }
            for (EngineChannel c : channels) {
                sendRequest(c);
            }
        }

        private boolean allHandshakesDone() {
            for (EngineChannel c : channels) {
                if (!c.handshakeDone()) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Closes everything.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            for (EngineChannel c : channels) {
                c.close();
            }
            selector.close();
        }

        long next() throws IOException {
            while (ready == 0) {
                if (selector.select(onKey, TIMEOUT_MS) == 0 && ready == 0) {
                    throw new IllegalStateException("round trips stalled after " + completed + ", echoFailure=" + echo.failure());
                }
                if (failure != null) {
                    throw failure;
                }
            }
            ready--;
            return ++completed;
        }

        private void onKey(SelectionKey key) {
            EngineChannel c = (EngineChannel) key.attachment();
            try {
                if (key.isWritable()) {
                    if (c.flush()) {
                        c.pump();
                    }
                    return;
                }
                boolean full;
                do {
                    full = c.read();
                    take(c);
                } while (full);
                if (c.closed()) {
                    throw new IOException("the echo server closed a connection: echoFailure=" + echo.failure());
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        /** Counts the echoed plaintext; every whole echo completes a round trip and sends the next request. */
        private void take(EngineChannel c) throws IOException {
            ByteBuffer plain = c.appIn;
            if (!c.handshakeDone() || plain.position() == 0) {
                return; // before the handshake ends there is no echo to count
            }
            c.received += plain.position();
            plain.clear();
            while (c.received >= SIZE) {
                c.received -= SIZE;
                ready++;
                sendRequest(c);
            }
        }

        private void sendRequest(EngineChannel c) throws IOException {
            request.clear();
            if (!c.send(request)) {
                throw new IOException("a 64-byte request did not fit the network buffer");
            }
        }
    }
}
