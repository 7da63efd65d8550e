package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listening and accepting: port 0, ACCEPT_IND with the new id, a script as both ends. */
class ListenerTest {

    @Test
    void acceptsJavaClientsAndServesThem() throws Exception {
        try (Harness h = new Harness()) {
            int listener = h.ctx.listen("127.0.0.1", 0, 16);
            h.expect(EventType.CONN_CNF, listener, 0);
            int port = h.ctx.localPort(listener);
            assertTrue(port > 0);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Event accept = h.expect(EventType.ACCEPT_IND, listener, 0);
                int conn = (int) accept.value();
                assertNotEquals(listener, conn);
                assertEquals(client.getLocalPort(), h.ctx.remoteAddress(conn).getPort());
                assertEquals(port, h.ctx.localPort(conn));
                OutputStream out = client.getOutputStream();
                out.write("ping".getBytes());
                assertArrayEquals("ping".getBytes(), h.read(conn, 4));
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(conn, "pong".getBytes()));
                assertArrayEquals("pong".getBytes(), new DataInputStream(client.getInputStream()).readNBytes(4));
                client.shutdownOutput();
                h.await(EventType.CLOSE_IND, conn);
                h.closeAndDestroy(conn);
                assertEquals(-1, client.getInputStream().read(), "our close reached the client");
            }
            assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(listener, new byte[1]), "a listener does not send");
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void oneContextIsBothEnds() throws Exception {
        try (Harness h = new Harness()) {
            int listener = h.ctx.listen("::1", 0, 0);
            h.expect(EventType.CONN_CNF, listener, 0);
            int client = h.ctx.connect(SocketType.TCP, "::1", h.ctx.localPort(listener));
            Event accept = h.await(EventType.ACCEPT_IND, listener);
            h.await(EventType.CONN_CNF, client);
            int server = (int) accept.value();
            byte[] request = TcpDataTest.bytes(1, 200_000);
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(client, request));
            assertArrayEquals(request, h.read(server, request.length));
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(server, request));
            assertArrayEquals(request, h.read(client, request.length));
            h.closeAndDestroy(client);
            h.await(EventType.CLOSE_IND, server);
            h.closeAndDestroy(server);
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void manyConnectionsAreAcceptedInTurn() throws Exception {
        try (Harness h = new Harness()) {
            int listener = h.ctx.listen(null, 0, 128);
            h.expect(EventType.CONN_CNF, listener, 0);
            int port = h.ctx.localPort(listener);
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), port));
                }
                List<Integer> accepted = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    accepted.add((int) h.await(EventType.ACCEPT_IND, listener).value());
                }
                assertEquals(50, accepted.stream().distinct().count());
                assertEquals(51, h.ctx.socketCount());
                for (int i = 0; i < 50; i++) {
                    clients.get(i).getOutputStream().write(i);
                }
                for (int id : accepted) {
                    byte[] one = h.read(id, 1);
                    InetSocketAddress remote = h.ctx.remoteAddress(id);
                    int index = -1;
                    for (int i = 0; i < clients.size(); i++) {
                        if (clients.get(i).getLocalPort() == remote.getPort()) {
                            index = i;
                        }
                    }
                    assertEquals(index, one[0], "each accepted id reads its own client's byte");
                }
                for (int id : accepted) {
                    h.closeAndDestroy(id);
                }
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            h.closeAndDestroy(listener);
        }
    }

    @Test
    void aTakenPortFailsTheListen() throws Exception {
        try (Harness h = new Harness()) {
            int first = h.ctx.listen("127.0.0.1", 0, 0);
            h.expect(EventType.CONN_CNF, first, 0);
            int second = h.ctx.listen("127.0.0.1", h.ctx.localPort(first), 0);
            h.expect(EventType.CONN_CNF, second, 1);
            assertTrue(h.ctx.reason(second).toLowerCase().contains("in use"), h.ctx.reason(second));
            assertTrue(h.ctx.destroy(second));
            assertEquals(-1, h.ctx.listen("localhost.invalid", 0, 0));
            assertEquals(-1, h.ctx.listen("127.0.0.1", 70000, 0));
            h.closeAndDestroy(first);
        }
    }

    @Test
    void acceptedConnectionsBeyondTheContextQuotaAreRefused() throws Exception {
        try (Harness h = new Harness(new EventLoopConfig(), new ContextConfig().maxSockets(2))) {
            int listener = h.ctx.listen("127.0.0.1", 0, 0);
            h.expect(EventType.CONN_CNF, listener, 0);
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), h.ctx.localPort(listener));
                 Socket b = new Socket(InetAddress.getLoopbackAddress(), h.ctx.localPort(listener))) {
                int conn = (int) h.expect(EventType.ACCEPT_IND, listener, 0).value();
                InputStream refused = b.getInputStream();
                b.setSoTimeout(5000);
                assertEquals(-1, refused.read(), "the second connection was closed: the quota is 2 sockets");
                assertEquals(2, h.ctx.socketCount());
                assertEquals(-1, h.ctx.connect(SocketType.TCP, "127.0.0.1", 1), "connect is refused at the quota too");
                h.closeAndDestroy(conn);
            }
            h.closeAndDestroy(listener);
        }
    }
}
