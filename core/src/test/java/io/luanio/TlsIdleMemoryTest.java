package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.tls.TlsOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an idle TLS connection costs the client: its engine and session on the heap, and no
 * buffer at all (no ciphertext buffer, no queue page). The server runs in another JVM so
 * only the client side is measured; the bytes per connection are printed for the record.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsIdleMemoryTest {
    private static final int CONNECTIONS = 300;

    @Test
    void anIdleTlsConnectionHoldsItsEngineAndNoBuffers() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TlsEchoServerMain.class.getName())
            .redirectErrorStream(true).start();
        try (Harness h = new Harness(new EventLoopConfig().trimIntervalMs(20), new ContextConfig())) {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
            int port = Integer.parseInt(out.readLine().trim());
            ConnectOptions options = new ConnectOptions().tls(new TlsOptions().trustPem(TlsPeers.pem("ca.pem")));
            // One connection first: the SSLContext, its trust store and the JIT are not per connection.
            int first = h.ctx.connect(SocketType.SSL, "127.0.0.1", port, options);
            h.expect(EventType.CONN_CNF, first, 0);
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long before = settledHeap(memory);
            long pagesBefore = h.ctx.loop.pool.outstandingPages();
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                ids.add(h.ctx.connect(SocketType.SSL, "127.0.0.1", port, options));
            }
            for (int id : ids) {
                assertEquals(0, h.await(EventType.CONN_CNF, id).result(), h.ctx.reason(id));
            }
            for (int id : ids) { // one byte each way, then idle
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, new byte[] {42}));
            }
            for (int id : ids) {
                h.read(id, 1);
            }
            assertTrue(Peers.eventually(5000, () -> h.ctx.loop.pool.outstandingPages() == pagesBefore),
                "idle TLS sockets hold no queue page: " + h.ctx.loop.pool.outstandingPages());
            for (int id : ids) {
                Slot slot = h.ctx.loop.table.lookup(id);
                assertTrue(Peers.eventually(5000, () -> slot.tls.netIn == null && slot.tls.netOut == null), "no ciphertext buffer");
            }
            long after = settledHeap(memory);
            long perConnection = (after - before) / CONNECTIONS;
            System.out.printf("idle TLS connection (client side, TLS 1.3): %d bytes of heap, 0 buffers%n", perConnection);
            assertTrue(perConnection < 64 * 1024, "an idle TLS connection holds " + perConnection + " bytes");
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
