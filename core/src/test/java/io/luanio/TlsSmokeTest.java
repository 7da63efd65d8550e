package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.luanio.tls.TlsOptions;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TlsSmokeTest {
    @Test
    void echo() throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo(); Harness h = new Harness()) {
            TlsOptions tls = new TlsOptions().trustPem(TlsPeers.pem("ca.pem"));
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), new ConnectOptions().tls(tls));
            Event ev = h.await(EventType.CONN_CNF, id);
            assertEquals(0, ev.result(), h.ctx.reason(id));
            byte[] msg = "hello tls".getBytes(StandardCharsets.US_ASCII);
            assertEquals(0, h.ctx.send(id, msg));
            assertArrayEquals(msg, h.read(id, msg.length));
            h.closeAndDestroy(id);
        }
    }
}
