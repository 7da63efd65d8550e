package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connecting: success over IPv4 and IPv6, refusal, timeout, names (more in DnsConnectTest), bad arguments, local port. */
class TcpConnectTest {

    @Test
    void connectsOverIpv4AndReportsPorts() throws Exception {
        BlockingQueue<Socket> accepted = new ArrayBlockingQueue<>(1);
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getByName("127.0.0.1"), s -> {
            accepted.add(s);
            s.getInputStream().read();
        }); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertTrue(id >= 0);
            Event ev = h.expect(EventType.CONN_CNF, id, 0);
            assertEquals(0, ev.value());
            Socket peer = accepted.poll(5, TimeUnit.SECONDS);
            assertNotNull(peer);
            assertEquals(peer.getPort(), h.ctx.localPort(id));
            assertEquals(new InetSocketAddress("127.0.0.1", server.port()), h.ctx.remoteAddress(id));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void connectsOverIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (Peers.TcpServer server = new Peers.TcpServer(v6, Peers::echo); Harness h = new Harness()) {
            int id = h.connect(SocketType.TCP, "::1", server.port());
            assertEquals(0, h.ctx.send(id, new byte[] {1, 2, 3}));
            assertTrue(Arrays.equals(new byte[] {1, 2, 3}, h.read(id, 3)));
            int bracketed = h.connect(SocketType.TCP, "[::1]", server.port());
            h.closeAndDestroy(bracketed);
            h.closeAndDestroy(id);
        }
    }

    @Test
    void refusedConnectGivesConnCnfFailureAndAClosedSlot() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", port);
            h.expect(EventType.CONN_CNF, id, 1);
            assertTrue(h.ctx.reason(id).toLowerCase().contains("refused"), h.ctx.reason(id));
            assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(id, new byte[1]));
            assertTrue(h.ctx.destroy(id), "a failed connect leaves a closed slot that destroy frees");
            assertEquals(0, h.ctx.socketCount());
            h.expectQuiet(100);
        }
    }

    @Test
    void connectTimesOutAgainstAFullBacklog() throws Exception {
        try (Peers.StalledListener stalled = new Peers.StalledListener(); Harness h = new Harness()) {
            long start = System.nanoTime();
            int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", stalled.port(), new ConnectOptions().timeoutMs(300));
            h.expect(EventType.CONN_CNF, id, 1);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("connect timed out", h.ctx.reason(id));
            assertTrue(tookMs >= 250, "timed out after only " + tookMs + " ms");
            assertTrue(h.ctx.destroy(id));
        }
    }

    @Test
    void aHostNameThatDoesNotExistFailsWithConnCnf() {
        try (Harness h = new Harness()) {
            long start = System.nanoTime();
            int id = h.ctx.connect(SocketType.TCP, "example.invalid", 80); // RFC 6761: never exists
            assertTrue(id >= 0, "a host name is accepted synchronously");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "connect must not block");
            h.expect(EventType.CONN_CNF, id, 1);
            assertEquals("no such host: example.invalid", h.ctx.reason(id));
            assertTrue(h.ctx.destroy(id));
        }
    }

    @Test
    void badArgumentsOpenNoSocket() {
        try (Harness h = new Harness()) {
            assertEquals(-1, h.ctx.connect(3, "127.0.0.1", 80));
            assertEquals(-1, h.ctx.connect(-1, "127.0.0.1", 80));
            assertEquals(-1, h.ctx.connect(SocketType.TCP, "127.0.0.1", 65536));
            assertEquals(-1, h.ctx.connect(SocketType.TCP, "127.0.0.1", -1));
            assertEquals(-1, h.ctx.connect(SocketType.TCP, "", 80));
            assertEquals(-1, h.ctx.connect(SocketType.TCP, null, 80));
            char[] longName = new char[256];
            Arrays.fill(longName, 'a');
            assertEquals(-1, h.ctx.connect(SocketType.TCP, new String(longName), 80));
            assertTrue(h.ctx.lastError().contains("255"), h.ctx.lastError());
            assertEquals(0, h.ctx.socketCount());
            h.expectQuiet(100);
        }
    }

    @Test
    void bindsTheRequestedLocalPort() throws Exception {
        int local;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            local = probe.getLocalPort();
        }
        BlockingQueue<Integer> peerPorts = new ArrayBlockingQueue<>(1);
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getLoopbackAddress(), s -> {
            peerPorts.add(s.getPort());
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // hold the connection
            }
        }); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", server.port(), new ConnectOptions().localPort(local));
            h.expect(EventType.CONN_CNF, id, 0);
            assertEquals(local, h.ctx.localPort(id));
            assertEquals(local, peerPorts.poll(5, TimeUnit.SECONDS));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void closeWhileConnectingEndsTheAttemptThenConfirmsTheClose() throws Exception {
        try (Peers.StalledListener stalled = new Peers.StalledListener(); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", stalled.port());
            h.expectQuiet(100); // the connect hangs
            assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(id, new byte[1]));
            assertFalse(h.ctx.destroy(id), "a connecting socket is not closed");
            h.ctx.close(id);
            h.expect(EventType.CONN_CNF, id, 1);
            h.expect(EventType.CLOSE_CNF, id, 0);
            assertTrue(h.ctx.reason(id).contains("closed by its owner"), h.ctx.reason(id));
            assertTrue(h.ctx.destroy(id));
        }
    }

    @Test
    void aSecondCloseRightAfterConnectIsAnsweredAfterTheConnCnf() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); Harness h = new Harness()) {
            for (int i = 0; i < 50; i++) {
                int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", server.port());
                h.ctx.close(id);
                h.ctx.close(id);
                Event first = h.next(Harness.WAIT_MS);
                assertNotNull(first);
                assertEquals(EventType.CONN_CNF + "/" + id, first.type() + "/" + first.socket(), first.toString());
                h.expect(EventType.CLOSE_CNF, id, 0);
                h.expect(EventType.CLOSE_CNF, id, 0);
                assertTrue(h.ctx.destroy(id));
            }
            h.expectQuiet(50);
        }
    }

    @Test
    void closeBeforeTheLoopRanTheConnectAlsoAnswersBoth() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); Harness h = new Harness()) {
            for (int i = 0; i < 50; i++) {
                int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", server.port());
                h.ctx.close(id);
                Event first = h.next(Harness.WAIT_MS);
                assertNotNull(first);
                assertEquals(EventType.CONN_CNF + "/" + id, first.type() + "/" + first.socket(), first.toString());
                // Whether the connect won the race or not, the close is confirmed after it.
                h.expect(EventType.CLOSE_CNF, id, 0);
                assertTrue(h.ctx.destroy(id));
            }
            h.expectQuiet(50);
        }
    }
}
