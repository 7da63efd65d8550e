package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.tls.TlsOptions;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TLS connect of SPEC.md sections 1-2 against the JDK's own TLS server on loopback:
 * CONN_CNF only after the handshake, verification on by default and off on request, the
 * insist rule, client certificates, versions, ALPN, the handshake timeout, and every way a
 * handshake can fail (result 1, a "tls: " reason, an ERR_SSL_* code).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsConnectTest {
    private static final String CA = pem("ca.pem");

    private static ConnectOptions tls(TlsOptions options) {
        return new ConnectOptions().tls(options);
    }

    private static TlsOptions trusting() {
        return new TlsOptions().trustPem(CA);
    }

    /** Connects and returns the CONN_CNF result. */
    private static int connect(Harness h, String host, int port, TlsOptions options) {
        int id = h.ctx.connect(SocketType.SSL, host, port, options == null ? null : tls(options));
        assertTrue(id >= 0, h.ctx.lastError());
        return connResult(h, id);
    }

    private static int connResult(Harness h, int id) {
        Event ev = h.await(EventType.CONN_CNF, id);
        return ev.result() == 0 ? id : -1 - ev.socket();
    }

    private static void echoOnce(Harness h, int id) {
        byte[] msg = ("ping over tls " + id).getBytes(StandardCharsets.US_ASCII);
        assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, msg));
        assertArrayEquals(msg, h.read(id, msg.length));
        assertEquals(msg.length, h.await(EventType.SEND_CNF, id).value());
    }

    private static TlsPeers.JdkServer server(String cert, String key) throws Exception {
        return new TlsPeers.JdkServer(TlsPeers.serverContext(cert, key, null), null, TlsPeers::echo);
    }

    // ---------------------------------------------------------------- success

    @Test
    void aGoodChainConnectsAfterTheHandshakeAndExposesTheSession() throws Exception {
        try (TlsPeers.JdkServer server = server("server-chain.pem", "server-int.key"); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), tls(trusting()));
            assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(id, new byte[1]), "no sends before CONN_CNF");
            assertNull(h.ctx.tlsSession(id));
            h.expect(EventType.CONN_CNF, id, 0);
            SSLSession session = h.ctx.tlsSession(id);
            assertNotNull(session);
            assertEquals("TLSv1.3", session.getProtocol());
            X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
            assertEquals("CN=localhost", leaf.getSubjectX500Principal().getName());
            assertEquals(2, session.getPeerCertificates().length, "leaf and intermediate");
            assertEquals(ErrorCode.ERR_OK, h.ctx.tlsError(id));
            assertNull(h.ctx.applicationProtocol(id));
            echoOnce(h, id);
            h.closeAndDestroy(id);
        }
    }

    @Test
    void aHostNameIsResolvedThenVerifiedAgainstTheCertificate() throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo(); Harness h = new Harness()) {
            // "localhost" goes through the resolver (Happy Eyeballs over ::1 and 127.0.0.1)
            // and then the handshake; the certificate names localhost.
            int id = h.ctx.connect(SocketType.SSL, "localhost", server.port(), tls(trusting()));
            h.expect(EventType.CONN_CNF, id, 0);
            assertNotNull(h.ctx.tlsSession(id), "the handshake ran before CONN_CNF");
            assertEquals(0, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_KEEPALIVE, 1), "TCP options apply to TLS");
            assertEquals(0, h.ctx.setOption(id, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_NODELAY, 1));
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, "named".getBytes()));
            assertEquals("named", new String(h.read(id, 5)));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void ipv6AndAServerNameForAnIpAddressAreVerified() throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo(); Harness h = new Harness()) {
            // The certificate names localhost, 127.0.0.1 and ::1.
            echoOnce(h, connect(h, "127.0.0.1", server.port(), trusting().serverName("localhost")));
            assertTrue(connect(h, "127.0.0.1", server.port(), trusting().serverName("wrong.example")) < 0);
            assertTrue(h.ctx.reason(h.history.get(h.history.size() - 1).socket()).contains("host name mismatch"));
        }
        java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
        try (javax.net.ssl.SSLServerSocket s6 = (javax.net.ssl.SSLServerSocket) TlsPeers.serverContext("server.pem", "server.key", null)
                .getServerSocketFactory().createServerSocket(0, 4, v6); Harness h = new Harness()) {
            Thread t = new Thread(() -> {
                try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) s6.accept()) {
                    TlsPeers.echo(s);
                } catch (Exception e) {
                    // closed at the end of the test
                }
            });
            t.setDaemon(true);
            t.start();
            int id = connect(h, "::1", s6.getLocalPort(), trusting());
            assertTrue(id >= 0, "IPv6 with the ::1 entry of the certificate: " + h.history);
            echoOnce(h, id);
            h.closeAndDestroy(id);
        }
    }

    // ---------------------------------------------------------------- verification

    @Test
    void wrongHostExpiredAndUnknownCaFailWhenVerifyingAndConnectWhenNot() throws Exception {
        String[][] cases = {
            {"wrong-host.pem", "wrong-host.key", "host name mismatch"},
            {"expired.pem", "expired.key", "certificate expired"},
            {"unknown-ca.pem", "unknown-ca.key", "certificate not trusted: unknown CA"},
        };
        try (Harness h = new Harness()) {
            for (String[] c : cases) {
                try (TlsPeers.JdkServer server = server(c[0], c[1])) {
                    int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), tls(trusting()));
                    Event ev = h.await(EventType.CONN_CNF, id);
                    assertEquals(1, ev.result(), c[0] + " must fail when verifying");
                    String reason = h.ctx.reason(id);
                    assertTrue(reason.startsWith("tls: " + c[2]), c[0] + ": " + reason);
                    assertEquals(ErrorCode.ERR_SSL_EHANDESHAK, h.ctx.tlsError(id));
                    assertTrue(h.ctx.destroy(id), "a failed connect is closed");

                    int open = connect(h, "127.0.0.1", server.port(), new TlsOptions().verify(false));
                    assertTrue(open >= 0, c[0] + " must connect without verification: " + h.history);
                    echoOnce(h, open);
                    h.closeAndDestroy(open);
                }
            }
        }
    }

    @Test
    void verificationIsOnByDefaultAgainstTheJdkTrustStore() throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo(); Harness h = new Harness()) {
            // Our test CA is not in the JDK's store: the default options must refuse it.
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port());
            assertEquals(1, h.await(EventType.CONN_CNF, id).result());
            assertTrue(h.ctx.reason(id).startsWith("tls: certificate not trusted: unknown CA"), h.ctx.reason(id));
            int id2 = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), new ConnectOptions().tls(null));
            assertEquals(1, h.await(EventType.CONN_CNF, id2).result());
        }
    }

    @Test
    void hostNameCheckCanBeTurnedOffAloneKeepingTheChainCheck() throws Exception {
        try (TlsPeers.JdkServer wrongHost = server("wrong-host.pem", "wrong-host.key");
             TlsPeers.JdkServer unknownCa = server("unknown-ca.pem", "unknown-ca.key"); Harness h = new Harness()) {
            assertTrue(connect(h, "127.0.0.1", wrongHost.port(), trusting().verifyHostName(false)) >= 0);
            assertTrue(connect(h, "127.0.0.1", unknownCa.port(), trusting().verifyHostName(false)) < 0);
        }
    }

    @Test
    void insistAndCaCertFollowTheSocketcoreRule() throws Exception {
        try (TlsPeers.JdkServer good = TlsPeers.JdkServer.echo();
             TlsPeers.JdkServer unknownCa = server("unknown-ca.pem", "unknown-ca.key"); Harness h = new Harness()) {
            // caCert given: enforced with insist 0 and when insist is absent...
            assertTrue(connect(h, "127.0.0.1", unknownCa.port(), TlsOptions.socketcore("127.0.0.1", CA, null, null, 0, 1)) < 0);
            assertTrue(connect(h, "127.0.0.1", unknownCa.port(), TlsOptions.socketcore("127.0.0.1", CA, null, null, -1, 1)) < 0);
            // ...the host name too (hostName is what the certificate must name)...
            assertTrue(connect(h, "127.0.0.1", good.port(), TlsOptions.socketcore("wrong.example", CA, null, null, 0, 1)) < 0);
            assertTrue(connect(h, "127.0.0.1", good.port(), TlsOptions.socketcore("localhost", CA, null, null, 0, 1)) >= 0);
            // ...but insist 1 keeps the connection when verification would fail.
            int kept = connect(h, "127.0.0.1", unknownCa.port(), TlsOptions.socketcore("127.0.0.1", CA, null, null, 1, 1));
            assertTrue(kept >= 0);
            echoOnce(h, kept);
            // No caCert: the module does not verify.
            assertTrue(connect(h, "127.0.0.1", unknownCa.port(), TlsOptions.socketcore("127.0.0.1", null, null, null, 0, 1)) >= 0);
            // The runner's "verify everything" switch on top of the rule.
            assertTrue(connect(h, "127.0.0.1", unknownCa.port(),
                TlsOptions.socketcore("127.0.0.1", null, null, null, 1, 1).verify(true)) < 0);
        }
    }

    // ---------------------------------------------------------------- client certificates

    @Test
    void aServerRequiringAClientCertificateAcceptsOursAndRejectsAMissingOne() throws Exception {
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            BlockingQueue<String> peers = new ArrayBlockingQueue<>(8);
            SSLContext context = TlsPeers.serverContext("server.pem", "server.key", "ca.pem");
            try (TlsPeers.JdkServer server = new TlsPeers.JdkServer(context, s -> {
                s.setNeedClientAuth(true);
                s.setEnabledProtocols(new String[] {protocol});
            }, s -> {
                peers.add(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
                TlsPeers.echo(s);
            }); Harness h = new Harness()) {
                String[][] identities = {
                    {"client.pem", "client.key", "CN=luanio test client"},
                    {"client.pem", "client.pkcs1.key", "CN=luanio test client"},
                    {"client-ec.pem", "client-ec.key", "CN=luanio test EC client"},
                };
                for (String[] identity : identities) {
                    int id = connect(h, "127.0.0.1", server.port(),
                        trusting().clientCertificate(pem(identity[0]), pem(identity[1])));
                    assertTrue(id >= 0, protocol + " " + identity[1] + ": " + h.history + " server: " + server.handshakeFailures);
                    assertEquals(protocol, h.ctx.tlsSession(id).getProtocol());
                    assertTrue(peers.poll(5, TimeUnit.SECONDS).startsWith(identity[2].substring(0, 20)));
                    echoOnce(h, id);
                    h.closeAndDestroy(id);
                }
                long start = System.nanoTime();
                int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), tls(trusting()));
                Event ev = h.await(EventType.CONN_CNF, id);
                assertEquals(1, ev.result(), protocol + ": a missing client certificate must fail the connect");
                assertEquals(ErrorCode.ERR_SSL_EHANDESHAK, h.ctx.tlsError(id));
                assertTrue(h.ctx.reason(id).startsWith("tls: "), h.ctx.reason(id));
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(TlsIo.CONFIRM_GRACE_MS),
                    "the server's verdict decided, not the grace timer");
            }
        }
    }

    // ---------------------------------------------------------------- versions, ALPN

    @Test
    void tls12OnlyAndTls13OnlyServersBothWork() throws Exception {
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            try (TlsPeers.JdkServer server = new TlsPeers.JdkServer(TlsPeers.serverContext("server.pem", "server.key", null),
                    s -> s.setEnabledProtocols(new String[] {protocol}), TlsPeers::echo); Harness h = new Harness()) {
                int id = connect(h, "127.0.0.1", server.port(), trusting());
                assertTrue(id >= 0, protocol + ": " + h.history);
                assertEquals(protocol, h.ctx.tlsSession(id).getProtocol());
                echoOnce(h, id);
                h.closeAndDestroy(id);
                String other = protocol.equals("TLSv1.2") ? "TLSv1.3" : "TLSv1.2";
                int refused = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), tls(trusting().protocols(other)));
                assertEquals(1, h.await(EventType.CONN_CNF, refused).result(), "no common version");
                assertEquals(ErrorCode.ERR_SSL_EHANDESHAK, h.ctx.tlsError(refused));
            }
        }
    }

    @Test
    void alpnSettlesOnAProtocolBothSidesSpeak() throws Exception {
        try (TlsPeers.JdkServer server = new TlsPeers.JdkServer(TlsPeers.serverContext("server.pem", "server.key", null), s -> {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            s.setSSLParameters(p);
        }, TlsPeers::echo); Harness h = new Harness()) {
            int id = connect(h, "127.0.0.1", server.port(), trusting().alpn("spdy/1", "http/1.1"));
            assertEquals("http/1.1", h.ctx.applicationProtocol(id));
            int none = connect(h, "127.0.0.1", server.port(), trusting());
            assertNull(h.ctx.applicationProtocol(none));
        }
    }

    // ---------------------------------------------------------------- failures

    @Test
    void aServerThatNeverAnswersTimesTheHandshakeOut() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = TlsPeers.silentServer(accepted); Harness h = new Harness()) {
            long start = System.nanoTime();
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", silent.getLocalPort(),
                tls(trusting().handshakeTimeoutMs(300)));
            h.expect(EventType.CONN_CNF, id, 1);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 290 && ms < 3000, "timed out after " + ms + " ms");
            assertEquals("tls: handshake timed out after 300 ms", h.ctx.reason(id));
            assertEquals(ErrorCode.ERR_ETIMEOUT, h.ctx.tlsError(id));
            // The connect's own timeout is the handshake's default.
            int id2 = h.ctx.connect(SocketType.SSL, "127.0.0.1", silent.getLocalPort(),
                new ConnectOptions().timeoutMs(200).tls(trusting()));
            h.expect(EventType.CONN_CNF, id2, 1);
            assertEquals("tls: handshake timed out after 200 ms", h.ctx.reason(id2));
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aPeerThatClosesOrSpeaksPlaintextFailsTheHandshake() throws Exception {
        try (Peers.TcpServer closer = new Peers.TcpServer(java.net.InetAddress.getLoopbackAddress(), s -> {
            s.getInputStream().read(new byte[100]); // part of the ClientHello, then close
        });
             Peers.TcpServer http = new Peers.TcpServer(java.net.InetAddress.getLoopbackAddress(), s -> {
                 InputStream in = s.getInputStream();
                 in.read(new byte[1000]);
                 s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                 in.read();
             }); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", closer.port(), tls(trusting()));
            h.expect(EventType.CONN_CNF, id, 1);
            assertTrue(h.ctx.reason(id).startsWith("tls: "), h.ctx.reason(id));
            assertEquals(ErrorCode.ERR_SSL_EHANDESHAK, h.ctx.tlsError(id));
            int id2 = h.ctx.connect(SocketType.SSL, "127.0.0.1", http.port(), tls(trusting()));
            h.expect(EventType.CONN_CNF, id2, 1);
            assertTrue(h.ctx.reason(id2).startsWith("tls: "), h.ctx.reason(id2));
            assertEquals(ErrorCode.ERR_SSL_EHANDESHAK, h.ctx.tlsError(id2));
        }
    }

    @Test
    void unusableMaterialFailsTheConnectWithErrSslEinit() throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo(); Harness h = new Harness()) {
            Object[][] cases = {
                {trusting().clientCertificate(pem("client.pem"), pem("encrypted.pkcs8.key")),
                    "tls: clientKey: encrypted private keys are not supported"},
                {trusting().clientCertificate(pem("client.pem"), "not a key"), "tls: clientKey: no PEM block found"},
                {trusting().clientCertificate(pem("client.pem"), pem("server.key")), "tls: clientKey does not belong"},
                {new TlsOptions().trustPem("-----BEGIN CERTIFICATE-----\nAAAA\n"), "tls: trustPem: CERTIFICATE block at line 1 has no"},
                {trusting().serverName("bad_name!"), "tls: serverName is not a valid SNI host name"},
            };
            for (Object[] c : cases) {
                int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), tls((TlsOptions) c[0]));
                assertTrue(id >= 0, "bad TLS material still opens a socket; CONN_CNF reports it");
                h.expect(EventType.CONN_CNF, id, 1);
                assertTrue(h.ctx.reason(id).startsWith((String) c[1]), h.ctx.reason(id));
                assertEquals(ErrorCode.ERR_SSL_EINIT, h.ctx.tlsError(id));
                assertTrue(h.ctx.destroy(id));
            }
        }
    }

    @Test
    void closingDuringTheHandshakeEndsTheConnect() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = TlsPeers.silentServer(accepted); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", silent.getLocalPort(), tls(trusting()));
            assertTrue(Peers.eventually(5000, () -> !accepted.isEmpty()));
            Thread.sleep(50); // the ClientHello is out; the handshake waits for the server
            h.ctx.close(id);
            h.expect(EventType.CONN_CNF, id, 1);
            h.expect(EventType.CLOSE_CNF, id, 0);
            assertTrue(h.ctx.destroy(id));
            byte[] hello = new byte[5];
            assertEquals(5, accepted.get(0).getInputStream().readNBytes(hello, 0, 5));
            assertEquals(0x16, hello[0], "a TLS handshake record was sent");
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
