package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.tls.TlsOptions;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop with {@code openssl s_server} (OpenSSL 3): TLS 1.2-only and 1.3-only servers, SNI
 * virtual hosts, client certificates the server requires, ALPN, verification failures, and
 * OpenSSL's close. The server runs in {@code -rev} mode (each line comes back reversed) and
 * serves one connection at a time, so each test closes a connection before the next.
 * Skipped without openssl, except under {@code CI=true}, where a missing openssl fails.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsInteropTest {
    private static final String CA = pem("ca.pem");

    private static ConnectOptions tls(TlsOptions options) {
        return new ConnectOptions().tls(options);
    }

    /** Sends a line and checks it comes back reversed. */
    private static void reverse(Harness h, int id, String line) {
        assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, (line + "\n").getBytes(StandardCharsets.US_ASCII)));
        String back = new StringBuilder(line).reverse() + "\n";
        assertArrayEquals(back.getBytes(StandardCharsets.US_ASCII), h.read(id, back.length()));
        assertEquals(0, h.await(EventType.SEND_CNF, id).result());
    }

    private static int connect(Harness h, int port, TlsOptions options) {
        int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", port, tls(options));
        assertTrue(id >= 0, h.ctx.lastError());
        return id;
    }

    /**
     * Waits for a socket's CONN_CNF and checks its result. Events of earlier sockets may still
     * be waiting (a RECV_IND whose bytes a recv took before the event was polled): skip them.
     */
    private static void connected(Harness h, int id, int result) {
        Event ev = h.await(EventType.CONN_CNF, id);
        assertEquals(result, ev.result(), "CONN_CNF of " + id + ": " + h.ctx.reason(id));
    }

    private static String peerName(Harness h, int id) throws Exception {
        return ((X509Certificate) h.ctx.tlsSession(id).getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    @Test
    void tls12OnlyAndTls13OnlyOpenSslServersWork() throws Exception {
        for (String[] version : new String[][] {{"-tls1_2", "TLSv1.2"}, {"-tls1_3", "TLSv1.3"}}) {
            try (TlsPeers.OpenSslServer server = new TlsPeers.OpenSslServer("-cert", "server-chain.pem", "-key",
                    "server-int.key", "-cert_chain", "int.pem", "-rev", version[0]); Harness h = new Harness()) {
                int id = connect(h, server.port, new TlsOptions().trustPem(CA));
                connected(h, id, 0);
                assertEquals(version[1], h.ctx.tlsSession(id).getProtocol());
                reverse(h, id, "hello " + version[1]);
                reverse(h, id, "x".repeat(10_000));
                h.closeAndDestroy(id);
            }
        }
    }

    @Test
    void sniPicksTheVirtualHostAndTheNameIsVerified() throws Exception {
        try (TlsPeers.OpenSslServer server = new TlsPeers.OpenSslServer("-cert", "server.pem", "-key", "server.key",
                "-servername", "sni.test", "-cert2", "sni.pem", "-key2", "sni.key", "-rev"); Harness h = new Harness()) {
            // Without SNI the server shows its default certificate, which does not name sni.test.
            // (First: later connects to sni.test may resume the session of a verified one.)
            int noSni = connect(h, server.port, new TlsOptions().trustPem(CA).serverName("sni.test").sni(false));
            connected(h, noSni, 1);
            assertTrue(h.ctx.reason(noSni).startsWith("tls: host name mismatch"), h.ctx.reason(noSni));
            int unverified = connect(h, server.port, new TlsOptions().verify(false).serverName("sni.test").sni(false));
            connected(h, unverified, 0);
            assertEquals("CN=localhost", peerName(h, unverified));
            h.closeAndDestroy(unverified); // s_server serves one connection at a time

            // With SNI: the virtual host's certificate, verified against the name.
            int named = connect(h, server.port, new TlsOptions().trustPem(CA).serverName("sni.test"));
            connected(h, named, 0);
            assertEquals("CN=sni.test", peerName(h, named));
            reverse(h, named, "virtual host");
            h.closeAndDestroy(named);

            // An IP literal is never sent as SNI: the default certificate, which names 127.0.0.1.
            int ip = connect(h, server.port, new TlsOptions().trustPem(CA));
            connected(h, ip, 0);
            assertEquals("CN=localhost", peerName(h, ip));
        }
    }

    @Test
    void anOpenSslServerRequiringAClientCertificateAcceptsOursAndRejectsAMissingOne() throws Exception {
        for (String version : new String[] {"-tls1_2", "-tls1_3"}) {
            try (TlsPeers.OpenSslServer server = new TlsPeers.OpenSslServer("-cert", "server.pem", "-key", "server.key",
                    "-Verify", "2", "-CAfile", "ca.pem", "-verify_return_error", "-rev", version); Harness h = new Harness()) {
                for (String[] identity : new String[][] {{"client.pem", "client.key"}, {"client-ec.pem", "client-ec.key"}}) {
                    int id = connect(h, server.port, new TlsOptions().trustPem(CA).clientCertificate(pem(identity[0]), pem(identity[1])));
                    connected(h, id, 0);
                    reverse(h, id, "mutual " + identity[1]);
                    h.closeAndDestroy(id);
                }
                assertTrue(server.printed("luanio test EC client", 5000), "the server saw our EC certificate: " + server.output);

                int missing = connect(h, server.port, new TlsOptions().trustPem(CA));
                connected(h, missing, 1);
                assertEquals(ErrorCode.ERR_SSL_EHANDESHAK, h.ctx.tlsError(missing));
                assertTrue(h.ctx.reason(missing).startsWith("tls: "), h.ctx.reason(missing));

                // A certificate from a CA the server does not trust is rejected too.
                int foreign = connect(h, server.port, new TlsOptions().trustPem(CA)
                    .clientCertificate(pem("unknown-ca.pem"), pem("unknown-ca.key")));
                connected(h, foreign, 1);
            }
        }
    }

    @Test
    void aTls13ServerThatSendsNoTicketIsConfirmedAfterTheGrace() throws Exception {
        // TLS 1.3 and a client certificate: the client's handshake ends before the server's
        // verdict. This server sends no session ticket, so nothing arrives after the
        // handshake: CONN_CNF comes when the grace runs out, and the connection works.
        try (TlsPeers.OpenSslServer server = new TlsPeers.OpenSslServer("-cert", "server.pem", "-key", "server.key",
                "-Verify", "1", "-CAfile", "ca.pem", "-verify_return_error", "-num_tickets", "0", "-tls1_3", "-rev");
             Harness h = new Harness()) {
            long start = System.nanoTime();
            int id = connect(h, server.port, new TlsOptions().trustPem(CA).clientCertificate(pem("client.pem"), pem("client.key")));
            connected(h, id, 0);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= TlsIo.CONFIRM_GRACE_MS - 50 && ms < TlsIo.CONFIRM_GRACE_MS + 2000, "confirmed after " + ms + " ms");
            reverse(h, id, "no ticket");
            h.closeAndDestroy(id);
            // Its verdict on a missing certificate (an alert) still fails the connect at once.
            long start2 = System.nanoTime();
            int missing = connect(h, server.port, new TlsOptions().trustPem(CA));
            connected(h, missing, 1);
            assertTrue(System.nanoTime() - start2 < TimeUnit.MILLISECONDS.toNanos(TlsIo.CONFIRM_GRACE_MS));
        }
    }

    @Test
    void alpnWithOpenSsl() throws Exception {
        try (TlsPeers.OpenSslServer server = new TlsPeers.OpenSslServer("-cert", "server.pem", "-key", "server.key",
                "-alpn", "h2,http/1.1", "-rev"); Harness h = new Harness()) {
            int id = connect(h, server.port, new TlsOptions().trustPem(CA).alpn("h2", "http/1.1"));
            connected(h, id, 0);
            assertEquals("h2", h.ctx.applicationProtocol(id));
            reverse(h, id, "alpn");
        }
    }

    @Test
    void openSslServersWithBadCertificatesFailWhenVerifyingAndConnectWhenNot() throws Exception {
        String[][] cases = {
            {"expired.pem", "expired.key", "tls: certificate expired"},
            {"wrong-host.pem", "wrong-host.key", "tls: host name mismatch"},
            {"unknown-ca.pem", "unknown-ca.key", "tls: certificate not trusted: unknown CA"},
        };
        for (String[] c : cases) {
            try (TlsPeers.OpenSslServer server = new TlsPeers.OpenSslServer("-cert", c[0], "-key", c[1], "-rev");
                 Harness h = new Harness()) {
                int verified = connect(h, server.port, new TlsOptions().trustPem(CA));
                connected(h, verified, 1);
                assertTrue(h.ctx.reason(verified).startsWith(c[2]), h.ctx.reason(verified));
                int open = connect(h, server.port, new TlsOptions().verify(false));
                connected(h, open, 0);
                reverse(h, open, "unverified " + c[0]);
                h.closeAndDestroy(open);
            }
        }
    }

    @Test
    void openSslClosingTheConnectionIsSeen() throws Exception {
        try (TlsPeers.OpenSslServer server = new TlsPeers.OpenSslServer("-cert", "server.pem", "-key", "server.key", "-rev");
             Harness h = new Harness()) {
            int id = connect(h, server.port, new TlsOptions().trustPem(CA));
            connected(h, id, 0);
            reverse(h, id, "before close");
            // "CLOSE" makes s_server shut the connection down (SSL_shutdown: close_notify).
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, "CLOSE\n".getBytes(StandardCharsets.US_ASCII)));
            Event ev = h.await(EventType.CLOSE_IND, id);
            assertEquals(0, ev.result(), h.ctx.reason(id));
            assertEquals("closed by peer (close_notify)", h.ctx.reason(id));
            h.closeAndDestroy(id);
        }
    }
}
