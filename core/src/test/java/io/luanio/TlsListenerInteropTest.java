package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.tls.TlsServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our TLS listener against {@code openssl s_client} (OpenSSL 3): SNI virtual hosts with the
 * client verifying chain and name, a client that rejects our certificate, required client
 * certificates, TLS 1.2, and session resumption only under the name the session was made
 * for. Skipped without openssl, except under {@code CI=true}, where a missing openssl fails.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsListenerInteropTest {

    /** An {@code openssl s_client} run: its arguments after {@code -connect}, its input, its output. */
    static final class Client {
        final Process process;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private final Thread reader;

        Client(int port, String input, String... args) throws IOException {
            TlsPeers.requireOpenSsl();
            List<String> command = new ArrayList<>(Arrays.asList("openssl", "s_client", "-connect", "127.0.0.1:" + port));
            command.addAll(Arrays.asList(args));
            process = new ProcessBuilder(command).directory(TlsPeers.dir().toFile()).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (output) {
                            output.write(buf, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "s_client-output");
            reader.setDaemon(true);
            reader.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.US_ASCII));
            }
        }

        /** Waits for the client to end; @return its exit status */
        int exit() throws InterruptedException {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("openssl s_client did not end: " + output());
            }
            reader.join(5_000);
            return process.exitValue();
        }

        String output() {
            synchronized (output) {
                return new String(output.toByteArray(), StandardCharsets.UTF_8);
            }
        }
    }

    private static TlsServerOptions virtualHosts() {
        return TlsListenerTest.localhost().virtualHost("sni.test", pem("sni.pem"), pem("sni.key"));
    }

    /** Serves one connection: reads a line, answers with the name the client asked for, closes. */
    private static int serveOne(Harness h, int listener) {
        int id = TlsListenerTest.accepted(h, listener);
        StringBuilder line = new StringBuilder();
        while (line.indexOf("\n") < 0) {
            line.append((char) h.read(id, 1)[0]);
        }
        List<SNIServerName> names = ((ExtendedSSLSession) h.ctx.tlsSession(id)).getRequestedServerNames();
        String asked = names.isEmpty() ? "no name" : ((SNIHostName) names.get(0)).getAsciiName();
        String subject = ((X509Certificate) h.ctx.tlsSession(id).getLocalCertificates()[0]).getSubjectX500Principal().getName();
        String reply = "you asked for " + asked + ", got " + subject + ", said " + line.toString().trim() + "\n";
        assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, reply.getBytes(StandardCharsets.US_ASCII)));
        h.ctx.close(id); // close_notify after the reply
        h.await(EventType.CLOSE_CNF, id);
        assertTrue(h.ctx.destroy(id));
        return id;
    }

    @Test
    void openSslClientVerifiesEachVirtualHostByItsName() throws Exception {
        try (Harness h = new Harness()) {
            int listener = TlsListenerTest.listen(h, virtualHosts());
            int port = h.ctx.localPort(listener);
            String[][] cases = {
                {"sni.test", "you asked for sni.test, got CN=sni.test, said hello"},
                {"localhost", "you asked for localhost, got CN=localhost, said hello"},
            };
            for (String[] c : cases) {
                Client client = new Client(port, "hello\n", "-quiet", "-CAfile", "ca.pem", "-verify_return_error",
                    "-servername", c[0], "-verify_hostname", c[0]);
                serveOne(h, listener);
                assertEquals(0, client.exit(), client.output());
                assertTrue(client.output().contains(c[1]), client.output());
            }
            // No SNI at all (an IP address): the default certificate, which names 127.0.0.1.
            Client bare = new Client(port, "hello\n", "-quiet", "-CAfile", "ca.pem", "-verify_return_error",
                "-noservername", "-verify_ip", "127.0.0.1");
            serveOne(h, listener);
            assertEquals(0, bare.exit(), bare.output());
            assertTrue(bare.output().contains("you asked for no name, got CN=localhost, said hello"), bare.output());
            // A name we have no virtual host for: the default certificate, which the client rejects.
            Client strict = new Client(port, "hello\n", "-quiet", "-CAfile", "ca.pem", "-verify_return_error",
                "-servername", "other.test", "-verify_hostname", "other.test");
            assertNotEquals(0, strict.exit(), strict.output());
            TlsListenerTest.noAcceptFor(h, listener, 300);
            assertTrue(h.ctx.reason(listener).startsWith("dropped a TLS connection from 127.0.0.1:"), h.ctx.reason(listener));
            assertEquals(1, h.ctx.socketCount(), "the rejected connection left nothing behind");
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void openSslClientCertificatesAreRequired() throws Exception {
        TlsServerOptions tls = TlsListenerTest.localhost().clientAuth(TlsServerOptions.ClientAuth.REQUIRE, pem("ca.pem"));
        try (Harness h = new Harness()) {
            int listener = TlsListenerTest.listen(h, tls);
            int port = h.ctx.localPort(listener);
            for (String[] pair : new String[][] {{"client.pem", "client.key"}, {"client-ec.pem", "client-ec.key"}}) {
                Client client = new Client(port, "hello\n", "-quiet", "-CAfile", "ca.pem", "-cert", pair[0], "-key", pair[1]);
                int id = TlsListenerTest.accepted(h, listener);
                X509Certificate peer = (X509Certificate) h.ctx.tlsSession(id).getPeerCertificates()[0];
                assertTrue(peer.getSubjectX500Principal().getName().contains("luanio test"), peer.toString());
                assertEquals("hello\n", new String(h.read(id, 6), StandardCharsets.US_ASCII));
                h.closeAndDestroy(id);
                assertEquals(0, client.exit(), client.output());
            }
            Client anonymous = new Client(port, "hello\n", "-ign_eof", "-CAfile", "ca.pem");
            anonymous.exit();
            // The JDK's server answers a missing certificate with bad_certificate (42).
            assertTrue(anonymous.output().contains("alert bad certificate") || anonymous.output().contains("certificate required"),
                anonymous.output());
            TlsListenerTest.noAcceptFor(h, listener, 300);
            assertTrue(h.ctx.reason(listener).contains("tls:"), h.ctx.reason(listener));
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void openSslTls12ClientIsServed() throws Exception {
        try (Harness h = new Harness()) {
            int listener = TlsListenerTest.listen(h, virtualHosts());
            Client client = new Client(h.ctx.localPort(listener), "hello\n", "-quiet", "-tls1_2", "-CAfile", "ca.pem",
                "-verify_return_error", "-servername", "sni.test");
            int id = TlsListenerTest.accepted(h, listener);
            assertEquals("TLSv1.2", h.ctx.tlsSession(id).getProtocol());
            assertEquals("hello\n", new String(h.read(id, 6), StandardCharsets.US_ASCII));
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, "bye\n".getBytes(StandardCharsets.US_ASCII)));
            h.closeAndDestroy(id);
            assertEquals(0, client.exit(), client.output());
            assertTrue(client.output().contains("bye"), client.output());
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void aSessionIsResumedOnlyUnderTheNameItWasMadeFor() throws Exception {
        Path session = Files.createTempFile("luanio-session", ".pem");
        try (Harness h = new Harness()) {
            int listener = TlsListenerTest.listen(h, virtualHosts());
            int port = h.ctx.localPort(listener);
            String[] common = {"-ign_eof", "-CAfile", "ca.pem", "-verify_return_error"};
            Client first = new Client(port, "hello\n", concat(common, "-servername", "sni.test", "-sess_out", session.toString()));
            serveOne(h, listener);
            assertEquals(0, first.exit(), first.output());
            assertTrue(first.output().contains("New, TLSv1.3"), first.output());

            Client again = new Client(port, "hello\n", concat(common, "-servername", "sni.test", "-sess_in", session.toString()));
            serveOne(h, listener);
            assertEquals(0, again.exit(), again.output());
            assertTrue(again.output().contains("Reused, TLSv1.3"), "same name: resumed\n" + again.output());

            Client other = new Client(port, "hello\n", concat(common, "-servername", "localhost", "-sess_in", session.toString()));
            serveOne(h, listener);
            assertEquals(0, other.exit(), other.output());
            assertTrue(other.output().contains("New, TLSv1.3"), "another name: a full handshake\n" + other.output());
            assertTrue(other.output().contains("got CN=localhost"), other.output());
            h.closeAndDestroy(listener);
        } finally {
            Files.deleteIfExists(session);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
