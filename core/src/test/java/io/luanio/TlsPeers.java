package io.luanio;

import static org.junit.jupiter.api.Assertions.fail;

import io.luanio.tls.Pem;
import io.luanio.tls.TlsConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * Real TLS peers on loopback for the tests: the JDK's own TLS server (SSLServerSocket, one
 * thread per connection), a hand-driven server SSLEngine over a plain socket (for the
 * faults a well-behaved server never commits), and {@code openssl s_server} as a process.
 * Certificates come from {@code src/test/resources/tls} (see its generate.sh).
 */
final class TlsPeers {
    private TlsPeers() {
    }

    /** The text of a file in the test resources' tls folder. */
    static String pem(String name) {
        try (InputStream in = TlsPeers.class.getResourceAsStream("/tls/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource tls/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test resources' tls folder on disk (for openssl). */
    static Path dir() {
        try {
            return Paths.get(TlsPeers.class.getResource("/tls/ca.pem").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A server SSLContext presenting {@code cert} (a chain file) with {@code key}, trusting
     * {@code clientCa} for client certificates (or nothing).
     */
    static SSLContext serverContext(String cert, String key, String clientCa) {
        try {
            List<X509Certificate> chain = Pem.certificates(pem(cert));
            PrivateKey privateKey = Pem.privateKey(pem(key));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", privateKey, new char[0], chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(keys, new char[0]);
            TrustManagerFactory tmf = null;
            if (clientCa != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", Pem.certificates(pem(clientCa)).get(0));
                tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(trust);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (TlsConfigException | java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ================================================================ the JDK's TLS server

    /** SSLServerSocket on 127.0.0.1, a handler thread per connection. */
    static final class JdkServer implements AutoCloseable {
        interface Handler {
            void handle(SSLSocket socket) throws Exception;
        }

        final SSLServerSocket server;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<String> handshakeFailures = new CopyOnWriteArrayList<>();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        JdkServer(SSLContext context, Consumer<SSLServerSocket> configure, Handler handler) throws IOException {
            server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            if (configure != null) {
                configure.accept(server);
            }
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    SSLSocket s;
                    try {
                        s = (SSLSocket) server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    sockets.add(s);
                    Thread t = new Thread(() -> {
                        try {
                            s.startHandshake();
                        } catch (IOException e) {
                            handshakeFailures.add(String.valueOf(e));
                            Peers.closeQuietly(s);
                            return;
                        }
                        try {
                            handler.handle(s);
                        } catch (java.net.SocketException | javax.net.ssl.SSLException e) {
                            // the client went away: expected in fault tests
                        } catch (Throwable e) {
                            errors.add(e);
                        } finally {
                            Peers.closeQuietly(s);
                        }
                    }, "tls-peer-conn");
                    t.setDaemon(true);
                    t.start();
                }
            }, "tls-peer-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** A TLS echo server with the good localhost certificate. */
        static JdkServer echo() throws IOException {
            return new JdkServer(serverContext("server.pem", "server.key", null), null, TlsPeers::echo);
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                Peers.closeQuietly(s);
            }
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void echo(SSLSocket s) throws IOException {
        InputStream in = s.getInputStream();
        java.io.OutputStream out = s.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
    }

    // ================================================================ a hand-driven server engine

    /**
     * A server-side SSLEngine driven by hand over a blocking plain socket: after the
     * handshake the test decides byte by byte what goes on the wire (whole records, half a
     * record, close_notify or not) and sees exactly what arrives.
     */
    static final class EnginePeer implements AutoCloseable {
        final Socket socket;
        final SSLEngine engine;
        private final InputStream in;
        private final java.io.OutputStream out;
        private ByteBuffer netIn = ByteBuffer.allocate(1 << 17);
        private ByteBuffer appIn = ByteBuffer.allocate(1 << 17);

        EnginePeer(Socket socket, SSLContext context) throws IOException {
            this.socket = socket;
            this.engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            socket.setSoTimeout(10_000);
        }

        void handshake() throws IOException {
            engine.beginHandshake();
            ByteBuffer empty = ByteBuffer.allocate(0);
            for (;;) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK:
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                        break;
                    case NEED_WRAP: {
                        ByteBuffer net = ByteBuffer.allocate(1 << 17);
                        engine.wrap(empty, net);
                        net.flip();
                        out.write(net.array(), 0, net.limit());
                        out.flush();
                        break;
                    }
                    case NEED_UNWRAP:
                        unwrapOnce();
                        break;
                    default:
                        return;
                }
            }
        }

        /** Unwraps one record (reading as needed); plaintext collects in appIn. */
        private SSLEngineResult unwrapOnce() throws IOException {
            for (;;) {
                netIn.flip();
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                netIn.compact();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() * 2);
                    appIn.flip();
                    bigger.put(appIn);
                    appIn = bigger;
                    continue;
                }
                if (r.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    return r;
                }
                int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
                if (n < 0) {
                    throw new java.io.EOFException("client closed");
                }
                netIn.position(netIn.position() + n);
            }
        }

        /** The TLS records for {@code data}, as bytes (not sent). */
        byte[] records(byte[] data) throws IOException {
            ByteBuffer src = ByteBuffer.wrap(data);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (src.hasRemaining()) {
                ByteBuffer net = ByteBuffer.allocate(1 << 17);
                engine.wrap(src, net);
                net.flip();
                all.write(net.array(), 0, net.limit());
            }
            return all.toByteArray();
        }

        void sendRaw(byte[] bytes, int off, int len) throws IOException {
            out.write(bytes, off, len);
            out.flush();
        }

        void send(byte[] data) throws IOException {
            byte[] r = records(data);
            sendRaw(r, 0, r.length);
        }

        /** Sends close_notify (then the TCP connection stays up until close()). */
        void sendCloseNotify() throws IOException {
            engine.closeOutbound();
            ByteBuffer net = ByteBuffer.allocate(1 << 17);
            for (int i = 0; i < 4; i++) {
                if (engine.wrap(ByteBuffer.allocate(0), net).bytesProduced() == 0) {
                    break;
                }
            }
            net.flip();
            sendRaw(net.array(), 0, net.limit());
        }

        /**
         * Reads plaintext until {@code n} bytes arrived or the client's close_notify (or the
         * end of TCP) came.
         *
         * @return the plaintext
         */
        byte[] receive(int n) throws IOException {
            while (appIn.position() < n && !engine.isInboundDone()) {
                try {
                    unwrapOnce();
                } catch (java.io.EOFException e) {
                    break;
                }
            }
            appIn.flip();
            byte[] got = new byte[Math.min(n, appIn.remaining())];
            appIn.get(got);
            appIn.compact();
            return got;
        }

        /** Reads until the client's close_notify; @return whether it came (false: TCP ended first) */
        boolean awaitCloseNotify() throws IOException {
            try {
                while (!engine.isInboundDone()) {
                    unwrapOnce();
                    appIn.clear();
                }
                return true;
            } catch (java.io.EOFException e) {
                return false;
            }
        }

        @Override
        public void close() {
            Peers.closeQuietly(socket);
        }
    }

    // ================================================================ openssl s_server

    /** Skips the calling test when openssl is missing, except under CI=true, where it fails. */
    static void requireOpenSsl() {
        boolean present;
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            present = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            present = false;
        }
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                fail("openssl is required for the TLS interop tests under CI=true (.ci/run installs it)");
            }
            Assumptions.assumeTrue(false, "openssl not installed: TLS interop test skipped");
        }
    }

    /** {@code openssl s_server} on 127.0.0.1, an ephemeral port, run from the tls folder. */
    static final class OpenSslServer implements AutoCloseable {
        private static final Pattern ACCEPT = Pattern.compile("ACCEPT\\s+(?:\\S*):(\\d+)");

        final Process process;
        final int port;
        final List<String> output = new CopyOnWriteArrayList<>();

        OpenSslServer(String... args) throws IOException, InterruptedException {
            requireOpenSsl();
            List<String> command = new ArrayList<>(Arrays.asList("openssl", "s_server", "-accept", "127.0.0.1:0"));
            command.addAll(Arrays.asList(args));
            process = new ProcessBuilder(command).directory(dir().toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close(); // nothing to send from stdin
            BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            int found = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String line;
            while (found < 0 && System.nanoTime() < deadline && (line = reader.readLine()) != null) {
                output.add(line);
                Matcher m = ACCEPT.matcher(line);
                if (m.find()) {
                    found = Integer.parseInt(m.group(1));
                }
            }
            if (found < 0) {
                process.destroyForcibly();
                throw new IOException("openssl s_server did not start: " + output);
            }
            port = found;
            Thread drain = new Thread(() -> {
                try {
                    String l;
                    while ((l = reader.readLine()) != null) {
                        output.add(l);
                    }
                } catch (IOException e) {
                    // process ended
                }
            }, "openssl-output");
            drain.setDaemon(true);
            drain.start();
        }

        /** Waits until a line containing {@code text} was printed. */
        boolean printed(String text, long timeoutMs) throws InterruptedException {
            return Peers.eventually(timeoutMs, () -> output.stream().anyMatch(l -> l.contains(text)));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** A plain TCP server that accepts, reads whatever comes and never answers. */
    static ServerSocket silentServer(List<Socket> accepted) throws IOException {
        ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    accepted.add(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-server");
        t.setDaemon(true);
        t.start();
        return server;
    }

    static byte[] readAll(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
