package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.dns.LookupResult;
import io.luanio.tls.TlsOptions;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Security defaults (issue 9): a context cannot close, read, write, destroy, configure or
 * inspect another context's socket, whatever its kind (TCP, TLS, UDP, listener, accepted,
 * still connecting), nor take or cancel another context's lookup, nor stop its timer. Every
 * such call behaves as for an unknown id ({@code TcpDataTest.anotherContextsIdIsAnUnknownId}
 * checks one TCP socket; this covers every kind and every call, then sweeps 512 ids), and
 * afterwards the owner's sockets all still work and the owner saw no event it did not cause.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContextIsolationTest {

    @Test
    void noCallFromAnotherContextReachesASocketLookupOrTimer() throws Exception {
        try (Peers.TcpServer echo = Peers.TcpServer.echo(); TlsPeers.JdkServer tlsEcho = TlsPeers.JdkServer.echo();
             DatagramSocket udpEcho = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Peers.StalledListener stalled = new Peers.StalledListener(); Harness a = new Harness()) {
            Thread udp = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!udpEcho.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        udpEcho.receive(p);
                        udpEcho.send(p);
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "isolation-udp-echo");
            udp.setDaemon(true);
            udp.start();

            // The owner: one socket of every kind, a lookup waiting to be taken, a timer.
            int tcp = a.connect(SocketType.TCP, "127.0.0.1", echo.port());
            int tls = a.ctx.connect(SocketType.SSL, "127.0.0.1", tlsEcho.port(),
                new ConnectOptions().tls(new TlsOptions().trustPem(pem("ca.pem"))));
            assertEquals(0, a.await(EventType.CONN_CNF, tls).result(), a.ctx.reason(tls));
            int dgram = a.connect(SocketType.UDP, "127.0.0.1", udpEcho.getLocalPort());
            int listener = a.ctx.listen("127.0.0.1", 0, 16);
            a.expect(EventType.CONN_CNF, listener, 0);
            Socket client = new Socket(InetAddress.getLoopbackAddress(), a.ctx.localPort(listener));
            int accepted = (int) a.await(EventType.ACCEPT_IND, listener).value();
            int connecting = a.ctx.connect(SocketType.TCP, "127.0.0.1", stalled.port(), new ConnectOptions().timeoutMs(30_000));
            int lookup = a.ctx.lookup("localhost", LookupResult.FAMILY_IPV4);
            a.await(EventType.LOOKUP_CNF, lookup);
            assertTrue(a.ctx.startTimer(77, 300));
            int[] owned = {tcp, tls, dgram, listener, accepted, connecting};
            int historyBefore = a.history.size();

            Context b = a.loop.newContext();
            Harness intruder = new Harness(a.loop, b);
            int calls = 0;
            for (int id : owned) {
                calls += intrude(intruder, id);
            }
            assertNull(b.lookupResult(lookup), "another context's lookup is not ours to take");
            b.cancelLookup(lookup);
            b.stopTimer(77);
            calls += 3;
            // A sweep over the low slots and generations: nothing answers but CLOSE_CNF to the caller.
            int swept = 0;
            for (int generation = 0; generation < 8; generation++) {
                for (int slot = 0; slot < 64; slot++) {
                    calls += intrude(intruder, (generation << 16) | slot);
                    swept++;
                }
            }
            assertEquals(0, b.socketCount());

            // The owner: nothing happened to it, everything still works.
            assertEquals(owned.length, a.ctx.socketCount());
            Event timer = a.next(Harness.WAIT_MS); // the first event since: its own timer, still running
            assertNotNull(timer, "the owner's timer was stopped");
            assertEquals(EventType.TIMER + "/77", timer.type() + "/" + timer.value(), "the owner saw an event it did not cause");
            assertEquals(historyBefore + 1, a.history.size());
            LookupResult result = a.ctx.lookupResult(lookup);
            assertNotNull(result, "the owner still takes its lookup");
            assertTrue(result.ok());
            echo(a, tcp, "tcp");
            echo(a, tls, "tls");
            echo(a, dgram, "udp");
            byte[] hello = "accepted".getBytes();
            client.getOutputStream().write(hello);
            assertArrayEquals(hello, a.read(accepted, hello.length));
            Socket second = new Socket(InetAddress.getLoopbackAddress(), a.ctx.localPort(listener));
            int acceptedAgain = (int) a.await(EventType.ACCEPT_IND, listener).value();
            for (int id : new int[] {tcp, tls, dgram, listener, accepted, connecting, acceptedAgain}) {
                a.closeAndDestroy(id);
            }
            assertEquals(0, a.ctx.socketCount());
            client.close();
            second.close();
            b.close();
            Reliability.report("ContextIsolationTest", "%d calls from another context on 6 sockets (TCP, TLS, UDP, listener,"
                + " accepted, connecting), a lookup, a timer and a sweep of %d ids: all answered as unknown ids; the owner"
                + " saw no event and every socket still worked", calls, swept);
        }
    }

    /** Every call of the API on an id that is not the caller's. @return calls made */
    private static int intrude(Harness intruder, int id) {
        Context b = intruder.ctx;
        byte[] buf = new byte[64];
        assertEquals(ErrorCode.ERR_EARG, b.send(id, new byte[] {1}), "send " + id);
        assertEquals(ErrorCode.ERR_EARG, b.send(id, ByteBuffer.wrap(new byte[] {1})), "send(ByteBuffer) " + id);
        assertEquals(0, b.recv(id, buf, 0, buf.length), "recv " + id);
        assertEquals(0, b.recv(id, ByteBuffer.allocate(64)), "recv(ByteBuffer) " + id);
        assertEquals(0, b.available(id));
        assertEquals(0, b.sendQueueFree(id));
        assertFalse(b.destroy(id), "destroy " + id);
        assertEquals(-1, b.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_KEEPALIVE, 1));
        assertNull(b.reason(id));
        assertEquals(ErrorCode.ERR_OK, b.tlsError(id));
        assertNull(b.tlsSession(id));
        assertNull(b.applicationProtocol(id));
        assertEquals(0, b.localPort(id));
        assertNull(b.remoteAddress(id));
        b.close(id);
        intruder.expect(EventType.CLOSE_CNF, id, 0); // answered to the caller, as for any unknown id
        return 15;
    }

    private static void echo(Harness h, int id, String what) {
        byte[] message = ("still mine: " + what).getBytes();
        assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, message), what);
        assertArrayEquals(message, h.read(id, message.length), what);
        h.await(EventType.SEND_CNF, id);
    }
}
