package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void echoOnce() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); EventLoop loop = EventLoop.start()) {
            Context ctx = loop.newContext();
            int id = ctx.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertTrue(id >= 0, ctx.lastError());
            Event ev = new Event();
            assertTrue(ctx.next(ev, 5000));
            assertEquals(EventType.CONN_CNF, ev.type(), ev.toString());
            assertEquals(0, ev.result(), ctx.reason(id));
            assertEquals(ErrorCode.ERR_OK, ctx.send(id, "hello".getBytes(StandardCharsets.US_ASCII)));
            StringBuilder got = new StringBuilder();
            boolean confirmed = false;
            while (got.length() < 5 || !confirmed) {
                assertTrue(ctx.next(ev, 5000), "timed out; got " + got);
                if (ev.type() == EventType.SEND_CNF) {
                    assertEquals(5, ev.value());
                    confirmed = true;
                } else if (ev.type() == EventType.RECV_IND) {
                    byte[] b = new byte[(int) ev.value()];
                    assertEquals(b.length, ctx.recv(id, b, 0, b.length));
                    got.append(new String(b, StandardCharsets.US_ASCII));
                }
            }
            assertEquals("hello", got.toString());
            ctx.close(id);
            assertTrue(ctx.next(ev, 5000));
            assertEquals(EventType.CLOSE_CNF, ev.type(), ev.toString());
            assertTrue(ctx.destroy(id));
        }
    }
}
