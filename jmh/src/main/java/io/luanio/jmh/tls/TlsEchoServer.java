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
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A TLS echo server on 127.0.0.1: the JDK's {@link SSLServerSocket}, one thread per
 * connection, {@code TCP_NODELAY}, every byte written back as it is read. The certificate
 * is the tests' localhost certificate (copied here by core's {@code tls/generate.sh}).
 */
final class TlsEchoServer implements AutoCloseable {
    private final SSLServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Throwable failure;

    private TlsEchoServer() throws IOException {
        server = (SSLServerSocket) serverContext().getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        acceptor = new Thread(this::accept, "tls-echo-accept");
        acceptor.setDaemon(true);
    }

    static TlsEchoServer start() throws IOException {
        TlsEchoServer echo = new TlsEchoServer();
        echo.acceptor.start();
        return echo;
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

    private static SSLContext serverContext() {
        try {
            List<X509Certificate> chain = Pem.certificates(pem("server.pem"));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", Pem.privateKey(pem("server.key")), new char[0], chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
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
            Thread t = new Thread(() -> echo(s), "tls-echo");
            t.setDaemon(true);
            t.start();
        }
    }

    private void echo(Socket s) {
        byte[] buffer = new byte[64 * 1024];
        try (Socket socket = s) {
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
    }
}
