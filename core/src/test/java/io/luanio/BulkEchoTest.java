package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 64 MiB through an echo peer while the consumer stops reading for seconds at a time:
 * the receive queue fills, reading pauses, TCP pushes back on the peer, our sends back up
 * to ENOBUFS; when the consumer returns everything flows again and nothing is lost.
 */
class BulkEchoTest {
    private static final long TOTAL = 64L * 1024 * 1024;

    @Test
    void sixtyFourMebibytesThroughAPausingConsumerArriveIntact() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); Harness h = new Harness()) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            MessageDigest sentDigest = MessageDigest.getInstance("SHA-256");
            MessageDigest receivedDigest = MessageDigest.getInstance("SHA-256");
            Random random = new Random(42);
            byte[] chunk = new byte[100_000];
            byte[] in = new byte[256 * 1024];
            long sent = 0;
            long received = 0;
            long confirmed = 0;
            int refusals = 0;
            int pauses = 0;
            long nextPauseAt = TOTAL / 3;
            Event ev = new Event();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (received < TOTAL || confirmed < TOTAL) {
                assertTrue(System.nanoTime() < deadline, "stalled: sent=" + sent + " received=" + received);
                while (sent < TOTAL) {
                    int len = (int) Math.min(1 + random.nextInt(chunk.length), TOTAL - sent);
                    random.nextBytes(chunk);
                    int result = h.ctx.send(id, chunk, 0, len);
                    if (result == ErrorCode.ERR_ENOBUFS) {
                        refusals++; // nothing was queued: the digest covers queued bytes only
                        break;
                    }
                    assertEquals(ErrorCode.ERR_OK, result);
                    sentDigest.update(chunk, 0, len);
                    sent += len;
                }
                if (received >= nextPauseAt && pauses < 2) {
                    pauses++;
                    nextPauseAt += TOTAL / 3;
                    Thread.sleep(1500); // the consumer stops reading; the loop must cope
                }
                if (!h.ctx.next(ev, 1000)) {
                    continue;
                }
                if (ev.type() == EventType.RECV_IND) {
                    int n;
                    while ((n = h.ctx.recv(id, in, 0, in.length)) > 0) {
                        receivedDigest.update(in, 0, n);
                        received += n;
                    }
                } else if (ev.type() == EventType.SEND_CNF) {
                    assertEquals(0, ev.result());
                    confirmed += ev.value();
                } else {
                    throw new AssertionError("unexpected " + ev);
                }
            }
            assertEquals(TOTAL, received);
            assertEquals(TOTAL, confirmed);
            assertEquals(2, pauses);
            assertTrue(refusals > 0, "the pauses backed the send queue up to ENOBUFS");
            assertArrayEquals(sentDigest.digest(), receivedDigest.digest(), "SHA-256 of what came back equals what was sent");
            h.closeAndDestroy(id);
        }
    }
}
