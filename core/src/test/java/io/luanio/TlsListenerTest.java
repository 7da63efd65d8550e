package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.tls.TlsOptions;
import io.luanio.tls.TlsServerOptions;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS listeners (the server side of TLS) against the JDK's SSLSocket client and our own
 * SSL sockets: ACCEPT_IND only after the handshake, SNI certificate selection, client
 * certificates required or requested, clients that never complete a handshake dropped
 * without an event and without disturbing others, close_notify both ways, ALPN, TLS 1.2,
 * unusable server material, and closing a listener with handshakes running.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsListenerTest {
    private static final String CA = pem("ca.pem");

    static TlsServerOptions localhost() {
        return new TlsServerOptions().certificate(pem("server.pem"), pem("server.key"));
    }

    /** Listens on 127.0.0.1 with these TLS options and waits for the CONN_CNF. */
    static int listen(Harness h, TlsServerOptions tls) {
        int id = h.ctx.listen("127.0.0.1", 0, 64, new ListenOptions().tls(tls));
        assertTrue(id >= 0, h.ctx.lastError());
        Event ev = h.await(EventType.CONN_CNF, id);
        assertEquals(0, ev.result(), "listen failed: " + h.ctx.reason(id));
        return id;
    }

    /** A JDK client context trusting our CA, with a client certificate when one is named. */
    static SSLContext client(String cert, String key) throws Exception {
        if (cert != null) {
            return TlsPeers.serverContext(cert, key, "ca.pem"); // key manager + trust work for a client too
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", io.luanio.tls.Pem.certificates(CA).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        KeyStore none = KeyStore.getInstance("PKCS12");
        none.load(null, null);
        kmf.init(none, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    /** A JDK client socket to the listener, sending {@code sni} (null: none). */
    static SSLSocket connect(SSLContext context, int port, String sni, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(sni == null ? Collections.<SNIServerName>emptyList()
            : Collections.<SNIServerName>singletonList(new SNIHostName(sni)));
        if (protocols.length > 0) {
            p.setProtocols(protocols);
        }
        s.setSSLParameters(p);
        return s;
    }

    static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The accepted socket's id from the listener's next ACCEPT_IND. */
    static int accepted(Harness h, int listener) {
        Event ev = h.await(EventType.ACCEPT_IND, listener);
        assertEquals(0, ev.result());
        return (int) ev.value();
    }

    /** Fails when the listener announces a connection within {@code ms}; other (stale) events are ignored. */
    static void noAcceptFor(Harness h, int listener, long ms) {
        long deadline = System.currentTimeMillis() + ms;
        for (long left = ms; left > 0; left = deadline - System.currentTimeMillis()) {
            Event ev = h.next(left);
            if (ev != null && ev.type() == EventType.ACCEPT_IND && ev.socket() == listener) {
                throw new AssertionError("no ACCEPT_IND expected, got " + ev);
            }
        }
    }

    // ---------------------------------------------------------------- handshake and data

    @Test
    void acceptIndComesOnlyOnceTheHandshakeIsDoneAndTheSocketSendsAtOnce() throws Exception {
        try (Harness h = new Harness()) {
            int listener = listen(h, localhost());
            int port = h.ctx.localPort(listener);
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port)) {
                h.expectQuiet(300); // TCP accepted, no handshake yet: the owner hears nothing
                assertEquals(2, h.ctx.socketCount(), "the connection holds a socket while its handshake runs");
                SSLSocket s = (SSLSocket) client(null, null).getSocketFactory().createSocket(raw, "localhost", port, true);
                s.startHandshake();
                int id = accepted(h, listener);
                SSLSession session = h.ctx.tlsSession(id);
                assertNotNull(session, "the session is there with the ACCEPT_IND");
                assertEquals("TLSv1.3", session.getProtocol());
                assertEquals("CN=localhost", subject((X509Certificate) session.getLocalCertificates()[0]));
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, ascii("hello\n")), "no CONN_CNF to wait for");
                assertArrayEquals(ascii("hello\n"), new DataInputStream(s.getInputStream()).readNBytes(6));
                byte[] big = TcpDataTest.bytes(7, 300_000);
                Thread writer = new Thread(() -> {
                    try {
                        s.getOutputStream().write(big);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                writer.start();
                assertArrayEquals(big, h.read(id, big.length));
                writer.join(10_000);
                assertEquals(h.ctx.remoteAddress(id).getPort(), s.getLocalPort());
                assertEquals(port, h.ctx.localPort(id));
                h.closeAndDestroy(id);
            }
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void closeNotifyGoesBothWays() throws Exception {
        try (Harness h = new Harness()) {
            int listener = listen(h, localhost());
            SSLContext context = client(null, null);
            // Our close: queued data, then close_notify: the client reads the data, then -1.
            try (SSLSocket s = connect(context, h.ctx.localPort(listener), "localhost")) {
                s.startHandshake();
                int id = accepted(h, listener);
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, ascii("last words")));
                h.ctx.close(id);
                assertArrayEquals(ascii("last words"), new DataInputStream(s.getInputStream()).readNBytes(10));
                assertEquals(-1, s.getInputStream().read(), "close_notify reads as the end of the stream");
                h.await(EventType.CLOSE_CNF, id);
                assertTrue(h.ctx.destroy(id));
            }
            // The client's close: its data, then CLOSE_IND result 0 (close_notify, not a truncation).
            try (SSLSocket s = connect(context, h.ctx.localPort(listener), "localhost")) {
                s.startHandshake();
                int id = accepted(h, listener);
                s.getOutputStream().write(ascii("bye"));
                s.close();
                assertArrayEquals(ascii("bye"), h.read(id, 3));
                Event ind = h.await(EventType.CLOSE_IND, id);
                assertEquals(0, ind.result(), h.ctx.reason(id));
                assertEquals("closed by peer (close_notify)", h.ctx.reason(id));
                assertEquals(ErrorCode.ERR_OK, h.ctx.tlsError(id));
                h.closeAndDestroy(id);
            }
            h.closeAndDestroy(listener);
        }
    }

    // ---------------------------------------------------------------- SNI

    @Test
    void sniSelectsTheVirtualHostsCertificateAndTheDefaultOtherwise() throws Exception {
        TlsServerOptions tls = localhost()
            .virtualHost("sni.test", pem("sni.pem"), pem("sni.key"))
            .virtualHost("*.wild.test", pem("server-chain.pem"), pem("server-int.key"));
        try (Harness h = new Harness()) {
            int listener = listen(h, tls);
            int port = h.ctx.localPort(listener);
            String[][] cases = {
                {"sni.test", "CN=sni.test", "1"},
                {"SNI.Test", "CN=sni.test", "1"},          // names compare case-insensitively
                {"a.wild.test", "CN=localhost", "2"},      // the wildcard's chain has the intermediate
                {"a.b.wild.test", "CN=localhost", "1"},    // a wildcard covers one label only
                {"wild.test", "CN=localhost", "1"},
                {"other.test", "CN=localhost", "1"},       // no match: the default
                {null, "CN=localhost", "1"},               // no SNI: the default
            };
            for (String[] c : cases) {
                // A fresh client context each time: a JDK client resumes by address and then
                // sends the SNI of the session it resumes, not the one it was given.
                try (SSLSocket s = connect(client(null, null), port, c[0])) {
                    s.startHandshake();
                    X509Certificate[] chain = (X509Certificate[]) s.getSession().getPeerCertificates();
                    assertEquals(c[1], subject(chain[0]), "SNI " + c[0]);
                    assertEquals(Integer.parseInt(c[2]), chain.length, "chain length for SNI " + c[0]);
                    int id = accepted(h, listener);
                    List<SNIServerName> asked = ((ExtendedSSLSession) h.ctx.tlsSession(id)).getRequestedServerNames();
                    assertEquals(c[0] == null ? 0 : 1, asked.size(), "the server sees the name the client asked for");
                    if (c[0] != null) {
                        assertEquals(c[0].toLowerCase(), ((SNIHostName) asked.get(0)).getAsciiName().toLowerCase());
                    }
                    h.closeAndDestroy(id);
                }
            }
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void withoutADefaultTheFirstVirtualHostServesUnknownNames() throws Exception {
        TlsServerOptions tls = new TlsServerOptions()
            .virtualHost("sni.test", pem("sni.pem"), pem("sni.key"))
            .virtualHost("localhost", pem("server.pem"), pem("server.key"));
        try (Harness h = new Harness()) {
            int listener = listen(h, tls);
            for (String[] c : new String[][] {{"localhost", "CN=localhost"}, {"nobody.test", "CN=sni.test"}, {null, "CN=sni.test"}}) {
                try (SSLSocket s = connect(client(null, null), h.ctx.localPort(listener), c[0])) {
                    s.startHandshake();
                    assertEquals(c[1], subject((X509Certificate) s.getSession().getPeerCertificates()[0]), "SNI " + c[0]);
                    h.closeAndDestroy(accepted(h, listener));
                }
            }
            h.closeAndDestroy(listener);
        }
    }

    // ---------------------------------------------------------------- client certificates

    @Test
    void aRequiredClientCertificateIsCheckedAndShown() throws Exception {
        TlsServerOptions tls = localhost().clientAuth(TlsServerOptions.ClientAuth.REQUIRE, CA);
        try (Harness h = new Harness()) {
            int listener = listen(h, tls);
            int port = h.ctx.localPort(listener);
            for (String[] good : new String[][] {{"client.pem", "client.key"}, {"client-ec.pem", "client-ec.key"}}) {
                try (SSLSocket s = connect(client(good[0], good[1]), port, "localhost")) {
                    s.startHandshake();
                    int id = accepted(h, listener);
                    X509Certificate peer = (X509Certificate) h.ctx.tlsSession(id).getPeerCertificates()[0];
                    assertTrue(subject(peer).contains("luanio test"), subject(peer));
                    s.getOutputStream().write(ascii("ping"));
                    assertArrayEquals(ascii("ping"), h.read(id, 4));
                    h.closeAndDestroy(id);
                }
            }
            // No certificate, and one from a CA the server does not trust: refused, no event.
            String[][] bad = {{null, null}, {"unknown-ca.pem", "unknown-ca.key"}};
            for (String[] b : bad) {
                String before = h.ctx.reason(listener);
                try (SSLSocket s = connect(b[0] == null ? client(null, null) : clientWithOwnCa(b[0], b[1]), port, "localhost")) {
                    assertThrows(IOException.class, () -> {
                        s.startHandshake(); // TLS 1.3: the client may finish first; the alert comes on read
                        s.getInputStream().read();
                    });
                }
                assertTrue(Peers.eventually(5_000, () -> !String.valueOf(h.ctx.reason(listener)).equals(String.valueOf(before))),
                    "the listener notes why: " + h.ctx.reason(listener));
                assertTrue(h.ctx.reason(listener).startsWith("dropped a TLS connection from 127.0.0.1:"), h.ctx.reason(listener));
                noAcceptFor(h, listener, 200);
            }
            assertTrue(Peers.eventually(5_000, () -> h.ctx.socketCount() == 1), "dropped connections free their slots");
            h.closeAndDestroy(listener);
        }
    }

    /** A client presenting a certificate of another CA (it trusts our CA for the server). */
    private static SSLContext clientWithOwnCa(String cert, String key) throws Exception {
        return TlsPeers.serverContext(cert, key, "ca.pem");
    }

    @Test
    void aRequestedClientCertificateIsOptional() throws Exception {
        TlsServerOptions tls = localhost().clientAuth(TlsServerOptions.ClientAuth.REQUEST, CA);
        try (Harness h = new Harness()) {
            int listener = listen(h, tls);
            int port = h.ctx.localPort(listener);
            try (SSLSocket s = connect(client(null, null), port, "localhost")) {
                s.startHandshake();
                int id = accepted(h, listener);
                assertThrows(SSLPeerUnverifiedException.class, () -> h.ctx.tlsSession(id).getPeerCertificates());
                h.closeAndDestroy(id);
            }
            try (SSLSocket s = connect(client("client.pem", "client.key"), port, "localhost")) {
                s.startHandshake();
                int id = accepted(h, listener);
                assertEquals("CN=luanio test client,O=luanio tests",
                    subject((X509Certificate) h.ctx.tlsSession(id).getPeerCertificates()[0]));
                h.closeAndDestroy(id);
            }
            // One the CA does not vouch for: the JDK's server goes on without a client identity.
            try (SSLSocket s = connect(clientWithOwnCa("unknown-ca.pem", "unknown-ca.key"), port, "localhost")) {
                s.startHandshake();
                int id = accepted(h, listener);
                assertThrows(SSLPeerUnverifiedException.class, () -> h.ctx.tlsSession(id).getPeerCertificates(),
                    "an unverified certificate is never shown as the peer's");
                h.closeAndDestroy(id);
            }
            h.closeAndDestroy(listener);
        }
    }

    // ---------------------------------------------------------------- clients that do not speak TLS

    @Test
    void garbageAndSilentClientsAreDroppedWithoutDisturbingOthers() throws Exception {
        garbageAndSilentClients(localhost().handshakeTimeoutMs(500));
    }

    @Test
    void garbageAndSilentClientsAreDroppedBeforeAVirtualHostIsChosen() throws Exception {
        // With virtual hosts the ClientHello is read before any engine exists: same outcome.
        garbageAndSilentClients(localhost().virtualHost("sni.test", pem("sni.pem"), pem("sni.key")).handshakeTimeoutMs(500));
    }

    private static void garbageAndSilentClients(TlsServerOptions tls) throws Exception {
        try (Harness h = new Harness()) {
            int listener = listen(h, tls);
            int port = h.ctx.localPort(listener);
            try (SSLSocket good = connect(client(null, null), port, "localhost")) {
                good.startHandshake();
                int id = accepted(h, listener);
                good.getOutputStream().write(ascii("one"));
                assertArrayEquals(ascii("one"), h.read(id, 3));

                // Plain HTTP to a TLS port: the server engine refuses it; the connection is closed.
                try (Socket http = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    http.setSoTimeout(5_000);
                    http.getOutputStream().write(ascii("GET / HTTP/1.0\r\nHost: x\r\n\r\n"));
                    assertEquals(-1, drain(http.getInputStream()), "closed (after an alert, if any)");
                }
                assertTrue(Peers.eventually(5_000, () -> String.valueOf(h.ctx.reason(listener)).contains("tls:")),
                    "reason: " + h.ctx.reason(listener));

                // Random bytes that look like a handshake record header.
                try (Socket junk = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    junk.setSoTimeout(5_000);
                    byte[] noise = TcpDataTest.bytes(3, 4096);
                    noise[0] = 0x16;
                    noise[1] = 0x03;
                    noise[2] = 0x03;
                    junk.getOutputStream().write(noise);
                    assertEquals(-1, drain(junk.getInputStream()));
                }

                // A client that connects and says nothing: dropped at the handshake timeout.
                long start = System.nanoTime();
                try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    silent.setSoTimeout(10_000);
                    assertEquals(-1, drain(silent.getInputStream()));
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(ms >= 400 && ms < 5_000, "dropped after the 500 ms handshake timeout, took " + ms);
                assertTrue(h.ctx.reason(listener).contains("handshake timed out after 500 ms"), h.ctx.reason(listener));
                assertEquals(ErrorCode.ERR_OK, h.ctx.tlsError(listener));

                // The good connection carried on throughout, and nothing else was announced.
                good.getOutputStream().write(ascii("two"));
                assertArrayEquals(ascii("two"), h.read(id, 3));
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, ascii("three")));
                assertArrayEquals(ascii("three"), new DataInputStream(good.getInputStream()).readNBytes(5));
                for (Event ev : h.history) {
                    assertTrue(ev.type() != EventType.ACCEPT_IND || ev.value() == id, "only the good client was announced: " + ev);
                }
                assertTrue(Peers.eventually(5_000, () -> h.ctx.socketCount() == 2), "listener + the good connection");
                h.closeAndDestroy(id);
            }
            h.closeAndDestroy(listener);
        }
    }

    /** Reads until the end of the stream; @return -1 */
    private static int drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // an alert, maybe
            }
        } catch (java.net.SocketException e) {
            return -1; // reset: also a close
        }
        return -1;
    }

    @Test
    void closingTheListenerDropsHandshakesStillRunning() throws Exception {
        try (Harness h = new Harness()) {
            int listener = listen(h, localhost());
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), h.ctx.localPort(listener))) {
                raw.setSoTimeout(5_000);
                assertTrue(Peers.eventually(5_000, () -> h.ctx.socketCount() == 2));
                h.closeAndDestroy(listener);
                assertEquals(-1, drain(raw.getInputStream()), "the half-open connection was closed");
                assertEquals(0, h.ctx.socketCount());
                h.expectQuiet(200);
            }
        }
    }

    // ---------------------------------------------------------------- versions, ALPN, our own client

    @Test
    void tls12AndAlpnAreNegotiated() throws Exception {
        try (Harness h = new Harness()) {
            int listener = listen(h, localhost().alpn("http/1.1"));
            try (SSLSocket s = connect(client(null, null), h.ctx.localPort(listener), "localhost", "TLSv1.2")) {
                SSLParameters p = s.getSSLParameters();
                p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
                s.setSSLParameters(p);
                s.startHandshake();
                int id = accepted(h, listener);
                assertEquals("TLSv1.2", h.ctx.tlsSession(id).getProtocol());
                assertEquals("http/1.1", h.ctx.applicationProtocol(id));
                assertEquals("http/1.1", s.getApplicationProtocol());
                s.getOutputStream().write(ascii("x"));
                assertArrayEquals(ascii("x"), h.read(id, 1));
                h.closeAndDestroy(id);
            }
            try (SSLSocket s = connect(client(null, null), h.ctx.localPort(listener), "localhost")) {
                SSLParameters p = s.getSSLParameters();
                p.setApplicationProtocols(new String[] {"h2"});
                s.setSSLParameters(p);
                assertThrows(SSLException.class, s::startHandshake, "no common protocol: no_application_protocol");
            }
            noAcceptFor(h, listener, 200);
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void ourOwnClientReachesOurOwnListenerInOneContext() throws Exception {
        TlsServerOptions tls = localhost().virtualHost("sni.test", pem("sni.pem"), pem("sni.key"));
        try (Harness h = new Harness()) {
            int listener = listen(h, tls);
            int port = h.ctx.localPort(listener);
            for (String name : new String[] {null, "sni.test"}) {
                TlsOptions options = new TlsOptions().trustPem(CA);
                if (name != null) {
                    options.serverName(name);
                }
                int client = h.ctx.connect(SocketType.SSL, "127.0.0.1", port, new ConnectOptions().tls(options));
                int server = accepted(h, listener);
                Event cnf = h.await(EventType.CONN_CNF, client);
                assertEquals(0, cnf.result(), h.ctx.reason(client));
                assertEquals(name == null ? "CN=localhost" : "CN=sni.test",
                    subject((X509Certificate) h.ctx.tlsSession(client).getPeerCertificates()[0]));
                byte[] request = TcpDataTest.bytes(11, 200_000);
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(client, request));
                assertArrayEquals(request, h.read(server, request.length));
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(server, request));
                assertArrayEquals(request, h.read(client, request.length));
                h.closeAndDestroy(client);
                assertEquals(0, h.await(EventType.CLOSE_IND, server).result(), h.ctx.reason(server));
                h.closeAndDestroy(server);
            }
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void ourOwnClientCertificateIsRequiredByOurOwnListener() throws Exception {
        TlsServerOptions tls = localhost().clientAuth(TlsServerOptions.ClientAuth.REQUIRE, CA);
        try (Harness h = new Harness()) {
            int listener = listen(h, tls);
            int port = h.ctx.localPort(listener);
            TlsOptions withCert = new TlsOptions().trustPem(CA).clientCertificate(pem("client.pem"), pem("client.key"));
            int client = h.ctx.connect(SocketType.SSL, "127.0.0.1", port, new ConnectOptions().tls(withCert));
            int server = accepted(h, listener);
            assertEquals(0, h.await(EventType.CONN_CNF, client).result(), h.ctx.reason(client));
            assertEquals("CN=luanio test client,O=luanio tests",
                subject((X509Certificate) h.ctx.tlsSession(server).getPeerCertificates()[0]));
            h.closeAndDestroy(client);
            h.await(EventType.CLOSE_IND, server);
            h.closeAndDestroy(server);
            // Without one: the client's connect fails (the TLS 1.3 confirmation sees the alert), no ACCEPT_IND.
            int refused = h.ctx.connect(SocketType.SSL, "127.0.0.1", port, new ConnectOptions().tls(new TlsOptions().trustPem(CA)));
            Event cnf = h.await(EventType.CONN_CNF, refused);
            assertEquals(1, cnf.result());
            assertTrue(h.ctx.reason(refused).startsWith("tls: "), h.ctx.reason(refused));
            assertTrue(h.ctx.destroy(refused));
            noAcceptFor(h, listener, 300);
            assertTrue(h.ctx.reason(listener).contains("tls:"), h.ctx.reason(listener));
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void manyClientsHandshakeAtOnce() throws Exception {
        try (Harness h = new Harness()) {
            int listener = listen(h, localhost());
            int port = h.ctx.localPort(listener);
            SSLContext context = client(null, null);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> replies = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    replies.add(pool.submit(() -> {
                        try (SSLSocket s = connect(context, port, "localhost")) {
                            s.startHandshake();
                            byte[] line = new DataInputStream(s.getInputStream()).readNBytes(7);
                            return new String(line, StandardCharsets.US_ASCII);
                        }
                    }));
                }
                for (int i = 0; i < 32; i++) {
                    int id = accepted(h, listener);
                    assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, ascii("welcome")));
                    h.ctx.close(id);
                }
                for (Future<String> reply : replies) {
                    assertEquals("welcome", reply.get(30, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            h.closeAndDestroy(listener);
        }
    }

    // ---------------------------------------------------------------- unusable material

    @Test
    void unusableServerMaterialFailsTheListenWithErrSslEinit() {
        Object[][] cases = {
            {new TlsServerOptions(), "tls: a TLS listener needs a certificate"},
            {new TlsServerOptions().certificate("not a certificate", pem("server.key")), "tls: server certificate: "},
            {new TlsServerOptions().certificate(pem("server.pem"), pem("client.key")), "tls: server key does not belong to the server certificate"},
            {new TlsServerOptions().virtualHost("a.test", pem("sni.pem"), pem("encrypted.pkcs8.key")), "tls: virtualHost a.test key: "},
            {localhost().clientAuth(TlsServerOptions.ClientAuth.REQUIRE, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                "tls: clientAuth trust: "},
        };
        try (Harness h = new Harness()) {
            for (Object[] c : cases) {
                int id = h.ctx.listen("127.0.0.1", 0, 0, new ListenOptions().tls((TlsServerOptions) c[0]));
                assertTrue(id >= 0);
                Event ev = h.await(EventType.CONN_CNF, id);
                assertEquals(1, ev.result());
                assertTrue(h.ctx.reason(id).startsWith((String) c[1]), h.ctx.reason(id));
                assertEquals(ErrorCode.ERR_SSL_EINIT, h.ctx.tlsError(id));
                assertTrue(h.ctx.destroy(id));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new TlsServerOptions().virtualHost("a.*.test", "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> new TlsServerOptions().virtualHost("", "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> new TlsServerOptions().certificate("x", null));
        assertThrows(IllegalArgumentException.class, () -> localhost().clientAuth(TlsServerOptions.ClientAuth.REQUIRE, null));
    }
}
