package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A consumer that stops draining its ring: the loop holds its events aside, in order,
 * stops reading its sockets, and loses nothing; other contexts are served meanwhile.
 */
class OverflowTest {

    @Test
    void aFullRingLosesNoEventAndPausesOnlyItsOwnSockets() throws Exception {
        int clients = 60;
        try (Harness slow = new Harness(new EventLoopConfig(), new ContextConfig().eventRingCapacity(16));
             Peers.TcpServer echo = Peers.TcpServer.echo()) {
            int listener = slow.ctx.listen("127.0.0.1", 0, 128);
            slow.expect(EventType.CONN_CNF, listener, 0);
            int port = slow.ctx.localPort(listener);
            List<Socket> peers = new ArrayList<>();
            try {
                // 60 peers connect and each sends 1000 bytes and closes its side, while the
                // owner does not drain: 60 ACCEPT_INDs alone are far more than 16 slots.
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                    OutputStream out = s.getOutputStream();
                    byte[] data = new byte[1000];
                    java.util.Arrays.fill(data, (byte) i);
                    out.write(data);
                    s.shutdownOutput();
                    peers.add(s);
                }
                // Meanwhile another context on the same loop is served normally.
                Context other = slow.loop.newContext();
                Harness fast = new Harness(slow.loop, other);
                int id = fast.connect(SocketType.TCP, "127.0.0.1", echo.port());
                for (int round = 0; round < 20; round++) {
                    assertEquals(ErrorCode.ERR_OK, other.send(id, new byte[] {(byte) round}));
                    assertArrayEquals(new byte[] {(byte) round}, fast.read(id, 1));
                }
                fast.closeAndDestroy(id);
                Thread.sleep(300); // let the slow context's backlog build up

                // Now drain: every accept, every byte, every close, per socket in order.
                Map<Integer, Integer> bytesPerSocket = new HashMap<>();
                Map<Integer, Integer> markerPerSocket = new HashMap<>();
                Map<Integer, Boolean> closed = new HashMap<>();
                int accepts = 0;
                byte[] buf = new byte[4096];
                while (closed.size() < clients) {
                    Event ev = slow.next(10_000);
                    if (ev == null) {
                        throw new AssertionError("stalled: accepts=" + accepts + " closed=" + closed.size());
                    }
                    switch (ev.type()) {
                        case EventType.ACCEPT_IND:
                            accepts++;
                            bytesPerSocket.put((int) ev.value(), 0);
                            break;
                        case EventType.RECV_IND: {
                            int socket = ev.socket();
                            assertTrue(bytesPerSocket.containsKey(socket), "RECV_IND before ACCEPT_IND");
                            assertTrue(!closed.containsKey(socket), "RECV_IND after CLOSE_IND");
                            int n = slow.ctx.recv(socket, buf, 0, buf.length);
                            for (int i = 0; i < n; i++) {
                                Integer marker = markerPerSocket.putIfAbsent(socket, (int) buf[i]);
                                assertEquals(marker == null ? buf[i] : marker.intValue(), buf[i]);
                            }
                            bytesPerSocket.merge(socket, n, Integer::sum);
                            break;
                        }
                        case EventType.CLOSE_IND:
                            assertEquals(0, ev.result());
                            closed.put(ev.socket(), true);
                            break;
                        default:
                            throw new AssertionError("unexpected " + ev);
                    }
                }
                assertEquals(clients, accepts);
                for (Map.Entry<Integer, Integer> e : bytesPerSocket.entrySet()) {
                    int socket = e.getKey();
                    int n = e.getValue() + slow.ctx.recv(socket, buf, 0, buf.length);
                    assertEquals(1000, n, "socket " + socket + " lost bytes");
                    slow.closeAndDestroy(socket);
                }
                assertEquals(clients, markerPerSocket.values().stream().distinct().count(), "each socket got its own peer's bytes");
            } finally {
                for (Socket s : peers) {
                    s.close();
                }
            }
            slow.closeAndDestroy(listener);
        }
    }
}
