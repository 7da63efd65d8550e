package io.luanio.jmh.tls;

import io.luanio.tls.Pem;
import io.luanio.tls.TlsConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A TLS echo server on 127.0.0.1: the JDK's {@link SSLServerSocket}, one pooled thread per
 * connection (threads are reused, so a benchmark that opens a connection per operation
 * does not time thread start-up), {@code TCP_NODELAY}, every byte written back as it is
 * read. The certificate is the tests' localhost certificate (copied here by core's
 * {@code tls/generate.sh}).
 *
 * <h2>Session resumption</h2>
 * {@link #start()} leaves the JDK's defaults: after each handshake the server sends a TLS
 * 1.3 session ticket ({@code NewSessionTicket}), and a client that offers it back resumes
 * (PSK with a fresh ECDHE exchange: no certificate, no signature). {@link #start(boolean)
 * start(false)} sends no tickets, so every handshake is a full one: it sets the server
 * session context's timeout past the 7-day ticket lifetime cap of RFC 8446 (section
 * 4.6.1), and the JDK (17, which this was written against) then skips the ticket ("Session timeout is too
 * long. No ticket sent."). The server counts both kinds ({@link #fullHandshakes()},
 * {@link #resumedHandshakes()}) by watching its key manager: only a full handshake picks a
 * certificate.
 */
final class TlsEchoServer implements AutoCloseable {
    /** One second past RFC 8446's 7-day cap on a ticket's lifetime: the JDK sends no ticket. */
    private static final int NO_TICKET_SESSION_TIMEOUT_S = 7 * 24 * 3600 + 1;
    /** Set on the handshaking thread when the key manager picked a certificate. */
    private static final ThreadLocal<boolean[]> CERTIFICATE_CHOSEN = ThreadLocal.withInitial(() -> new boolean[1]);

    private final SSLServerSocket server;
    private final Thread acceptor;
    private final ExecutorService connections;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong fullHandshakes = new AtomicLong();
    private final AtomicLong resumedHandshakes = new AtomicLong();
    private volatile Throwable failure;

    private TlsEchoServer(boolean sessionTickets) throws IOException {
        SSLContext context = serverContext();
        if (!sessionTickets) {
            context.getServerSessionContext().setSessionTimeout(NO_TICKET_SESSION_TIMEOUT_S);
        }
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        acceptor = new Thread(this::accept, "tls-echo-accept");
        acceptor.setDaemon(true);
        connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tls-echo");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return a running server with the JDK's defaults (session tickets on) */
    static TlsEchoServer start() throws IOException {
        return start(true);
    }

    /**
     * @param sessionTickets false: send no session tickets, so no handshake can resume
     * @return a running server
     */
    static TlsEchoServer start(boolean sessionTickets) throws IOException {
        TlsEchoServer echo = new TlsEchoServer(sessionTickets);
        echo.acceptor.start();
        return echo;
    }

    /** @return handshakes in which the server sent its certificate (full handshakes) */
    long fullHandshakes() {
        return fullHandshakes.get();
    }

    /** @return handshakes that resumed a session (no certificate sent) */
    long resumedHandshakes() {
        return resumedHandshakes.get();
    }

    /** @return PEM text of a file in this package's resources */
    static String pem(String name) {
        try (InputStream in = TlsEchoServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " (run core/src/test/resources/tls/generate.sh)");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the server SSLContext: the localhost certificate, its key manager watched */
    static SSLContext serverContext() {
        try {
            List<X509Certificate> chain = Pem.certificates(pem("server.pem"));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", Pem.privateKey(pem("server.key")), new char[0], chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new WatchedKeyManager((X509ExtendedKeyManager) kmf.getKeyManagers()[0])}, null, null);
            return context;
        } catch (TlsConfigException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up the echo server's TLS", e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    Throwable failure() {
        return failure;
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
                s.setTcpNoDelay(true);
            } catch (IOException e) {
                return;
            }
            sockets.add(s);
            connections.execute(() -> echo(s));
        }
    }

    private void echo(Socket s) {
        byte[] buffer = new byte[64 * 1024];
        try (Socket socket = s) {
            boolean[] certificateChosen = CERTIFICATE_CHOSEN.get();
            certificateChosen[0] = false;
            ((SSLSocket) socket).startHandshake();
            (certificateChosen[0] ? fullHandshakes : resumedHandshakes).incrementAndGet();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (!server.isClosed()) {
                failure = e;
            }
        } finally {
            sockets.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        connections.shutdown();
        try {
            connections.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server's key manager, noting on the handshaking thread that it picked a certificate. */
    private static final class WatchedKeyManager extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;

        WatchedKeyManager(X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            CERTIFICATE_CHOSEN.get()[0] = true;
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            CERTIFICATE_CHOSEN.get()[0] = true;
            return delegate.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }
}
