package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.tls.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Data over TLS keeps the TCP contract of SPEC.md section 2 (one SEND_CNF per send, the
 * RECV_IND rule, nothing lost under back-pressure), and closes say what happened: the
 * peer's close_notify is CLOSE_IND result 0 after all data; a TCP end without it, half a
 * record, or a corrupted record is CLOSE_IND result 1; our close sends close_notify after
 * every queued byte.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsDataTest {
    private static final long TOTAL = 64L * 1024 * 1024;

    private static ConnectOptions trusting() {
        return new ConnectOptions().tls(new TlsOptions().trustPem(pem("ca.pem")));
    }

    private static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A plain server socket whose connections the test drives with a server SSLEngine. */
    private static final class EngineServer implements AutoCloseable {
        final ServerSocket server;
        final BlockingQueue<TlsPeers.EnginePeer> peers = new ArrayBlockingQueue<>(4);
        final BlockingQueue<Throwable> errors = new ArrayBlockingQueue<>(4);

        EngineServer(String protocol) throws Exception {
            SSLContext context = TlsPeers.serverContext("server.pem", "server.key", null);
            server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        TlsPeers.EnginePeer peer = new TlsPeers.EnginePeer(s, context);
                        if (protocol != null) {
                            peer.engine.setEnabledProtocols(new String[] {protocol});
                        }
                        peer.handshake();
                        peers.add(peer);
                    } catch (Exception e) {
                        if (!server.isClosed()) {
                            errors.add(e);
                        }
                    }
                }
            }, "engine-server");
            t.setDaemon(true);
            t.start();
        }

        TlsPeers.EnginePeer next() throws InterruptedException {
            TlsPeers.EnginePeer p = peers.poll(10, TimeUnit.SECONDS);
            assertNotNull(p, "no handshake on the server side: " + errors);
            return p;
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (TlsPeers.EnginePeer p : peers) {
                p.close();
            }
        }
    }

    // ---------------------------------------------------------------- bulk

    @Test
    void sixtyFourMebibytesEchoWithEqualSha256ThroughAPausingConsumer() throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo(); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            MessageDigest sentDigest = MessageDigest.getInstance("SHA-256");
            MessageDigest receivedDigest = MessageDigest.getInstance("SHA-256");
            Random random = new Random(7);
            byte[] chunk = new byte[100_000];
            byte[] in = new byte[256 * 1024];
            long sent = 0;
            long received = 0;
            long confirmed = 0;
            int refusals = 0;
            boolean paused = false;
            Event ev = new Event();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (received < TOTAL || confirmed < TOTAL) {
                assertTrue(System.nanoTime() < deadline, "stalled: sent=" + sent + " received=" + received + " confirmed=" + confirmed);
                while (sent < TOTAL) {
                    int len = (int) Math.min(1 + random.nextInt(chunk.length), TOTAL - sent);
                    random.nextBytes(chunk);
                    int result = h.ctx.send(id, chunk, 0, len);
                    if (result == ErrorCode.ERR_ENOBUFS) {
                        refusals++;
                        break;
                    }
                    assertEquals(ErrorCode.ERR_OK, result);
                    sentDigest.update(chunk, 0, len);
                    sent += len;
                }
                if (!paused && received > TOTAL / 2) {
                    paused = true;
                    Thread.sleep(1000); // the consumer stops reading: queues fill, TCP pushes back
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
                    throw new AssertionError("unexpected " + ev + " reason=" + h.ctx.reason(id));
                }
            }
            assertEquals(TOTAL, received);
            assertEquals(TOTAL, confirmed);
            assertTrue(refusals > 0, "the send queue backed up to ENOBUFS");
            assertArrayEquals(sentDigest.digest(), receivedDigest.digest(), "SHA-256 of what came back equals what was sent");
            h.closeAndDestroy(id);
        }
    }

    @Test
    void aTinyReceiveBufferStillPassesWholeRecordsAndPausesReading() throws Exception {
        int total = 4 * 1024 * 1024;
        byte[] payload = bytes(3, total);
        try (TlsPeers.JdkServer server = new TlsPeers.JdkServer(TlsPeers.serverContext("server.pem", "server.key", null), null,
                s -> {
                    s.getOutputStream().write(payload);
                    s.getInputStream().read();
                }); Harness h = new Harness()) {
            // 100 bytes asked: a TLS socket holds at least one whole record (18 KiB).
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting().receiveBufferBytes(100));
            h.expect(EventType.CONN_CNF, id, 0);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[7000]; // smaller than a record: many partial reads
            long maxAnnounced = 0;
            while (got.size() < total) {
                Event ev = h.await(EventType.RECV_IND, id);
                maxAnnounced = Math.max(maxAnnounced, ev.value());
                int n = h.ctx.recv(id, buf, 0, buf.length);
                got.write(buf, 0, n);
            }
            assertTrue(maxAnnounced <= TlsIo.MIN_RECEIVE_BYTES, "the queue never held more than its bound: " + maxAnnounced);
            assertArrayEquals(payload, got.toByteArray());
        }
    }

    // ---------------------------------------------------------------- the TCP contract over TLS

    @Test
    void everySendGetsOneSendCnfInOrderAndTheReceiveRuleHolds() throws Exception {
        try (EngineServer server = new EngineServer(null); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            TlsPeers.EnginePeer peer = server.next();
            int[] sizes = {1, 0, 7, 16384, 16385, 100_000, 3};
            int total = 0;
            for (int size : sizes) {
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, bytes(size, size)));
                total += size;
            }
            for (int size : sizes) {
                Event ev = h.await(EventType.SEND_CNF, id);
                assertEquals(0, ev.result());
                assertEquals(size, ev.value(), "SEND_CNFs in send order with each send's length");
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int size : sizes) {
                expected.write(bytes(size, size));
            }
            assertArrayEquals(expected.toByteArray(), peer.receive(total));

            // One RECV_IND outstanding; a partial read is announced again, all of it.
            byte[] stream = bytes(9, 150);
            peer.send(Arrays.copyOfRange(stream, 0, 100));
            assertEquals(100, h.expect(EventType.RECV_IND, id, 0).value());
            peer.send(Arrays.copyOfRange(stream, 100, 150));
            assertTrue(Peers.eventually(5000, () -> h.ctx.available(id) == 150));
            h.expectQuiet(200);
            byte[] part = new byte[30];
            assertEquals(30, h.ctx.recv(id, part, 0, 30));
            assertEquals(120, h.expect(EventType.RECV_IND, id, 0).value());
            assertArrayEquals(Arrays.copyOfRange(stream, 30, 150), h.read(id, 120));
            h.expectQuiet(100);
            peer.close();
        }
    }

    // ---------------------------------------------------------------- closes

    @Test
    void aCleanCloseNotifyIsCloseIndResultZeroAfterAllData() throws Exception {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            byte[] payload = bytes(11, 300_000);
            try (EngineServer server = new EngineServer(protocol); Harness h = new Harness()) {
                int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
                h.expect(EventType.CONN_CNF, id, 0);
                TlsPeers.EnginePeer peer = server.next();
                peer.send(payload);
                peer.sendCloseNotify(); // TCP stays up: close_notify alone ends the stream
                // A slow reader: CLOSE_IND waits until every byte was announced.
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[10_000];
                for (;;) {
                    Event ev = h.next(Harness.WAIT_MS);
                    assertNotNull(ev, protocol + ": no CLOSE_IND; got " + got.size() + ", available " + h.ctx.available(id));
                    if (ev.type() == EventType.CLOSE_IND) {
                        assertEquals(0, ev.result(), protocol + ": " + h.ctx.reason(id));
                        break;
                    }
                    assertEquals(EventType.RECV_IND, ev.type(), ev.toString());
                    got.write(buf, 0, h.ctx.recv(id, buf, 0, buf.length));
                }
                int n;
                while ((n = h.ctx.recv(id, buf, 0, buf.length)) > 0) {
                    got.write(buf, 0, n); // still readable after CLOSE_IND
                }
                assertArrayEquals(payload, got.toByteArray(), protocol);
                assertEquals("closed by peer (close_notify)", h.ctx.reason(id));
                assertEquals(ErrorCode.ERR_OK, h.ctx.tlsError(id));
                if (protocol.equals("TLSv1.2")) {
                    // TLS 1.2 closes both directions: the engine answered, nothing more can go out.
                    assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, new byte[10]));
                    Event cnf = h.await(EventType.SEND_CNF, id);
                    assertEquals(1, cnf.result(), "a send after the peer's TLS 1.2 close fails");
                    assertTrue(peer.awaitCloseNotify(), "our close_notify answered the peer's");
                } else {
                    // TLS 1.3 closes one direction: we may still send, then close.
                    assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, new byte[] {1, 2, 3}));
                    h.await(EventType.SEND_CNF, id);
                    assertArrayEquals(new byte[] {1, 2, 3}, peer.receive(3));
                }
                h.closeAndDestroy(id);
                peer.close();
            }
        }
    }

    @Test
    void theJdkServerClosingCleanlyGivesCloseIndZero() throws Exception {
        byte[] payload = bytes(5, 50_000);
        try (TlsPeers.JdkServer server = new TlsPeers.JdkServer(TlsPeers.serverContext("server.pem", "server.key", null), null,
                s -> {
                    s.getOutputStream().write(payload);
                    s.close(); // SSLSocket.close sends close_notify
                }); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            assertArrayEquals(payload, h.read(id, payload.length));
            assertEquals(0, h.await(EventType.CLOSE_IND, id).result(), h.ctx.reason(id));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void tcpEndWithoutCloseNotifyIsAFailureAfterTheIntactData() throws Exception {
        try (EngineServer server = new EngineServer(null); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            TlsPeers.EnginePeer peer = server.next();
            byte[] data = bytes(1, 5000);
            peer.send(data);
            peer.socket.shutdownOutput(); // FIN, no close_notify
            assertArrayEquals(data, h.read(id, data.length));
            Event ev = h.await(EventType.CLOSE_IND, id);
            assertEquals(1, ev.result());
            assertEquals("tls: the connection closed without close_notify (possible truncation)", h.ctx.reason(id));
            assertEquals(ErrorCode.ERR_SSL_EINVALID, h.ctx.tlsError(id));
            assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(id, new byte[1]));
            h.ctx.close(id);
            h.await(EventType.CLOSE_CNF, id);
            assertTrue(h.ctx.destroy(id));
            peer.close();
        }
    }

    @Test
    void aPeerClosingMidRecordGivesCloseIndResultOne() throws Exception {
        try (EngineServer server = new EngineServer(null); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            TlsPeers.EnginePeer peer = server.next();
            byte[] whole = bytes(2, 3000);
            peer.send(whole);
            byte[] record = peer.records(bytes(3, 1000));
            peer.sendRaw(record, 0, record.length / 2); // half a record...
            peer.close(); // ...then the TCP connection ends
            assertArrayEquals(whole, h.read(id, whole.length), "the whole record before it is delivered");
            Event ev = h.await(EventType.CLOSE_IND, id);
            assertEquals(1, ev.result());
            assertEquals("tls: the connection closed in the middle of a record (truncated)", h.ctx.reason(id));
            assertEquals(ErrorCode.ERR_SSL_EINVALID, h.ctx.tlsError(id));
            assertEquals(0, h.ctx.available(id), "nothing of the torn record is delivered");
            h.ctx.close(id);
            h.await(EventType.CLOSE_CNF, id);
            assertTrue(h.ctx.destroy(id));
        }
    }

    @Test
    void aCorruptedRecordIsAFailure() throws Exception {
        try (EngineServer server = new EngineServer(null); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            TlsPeers.EnginePeer peer = server.next();
            byte[] record = peer.records(bytes(4, 500));
            record[record.length - 3] ^= 0x5A; // the authentication tag no longer matches
            peer.sendRaw(record, 0, record.length);
            Event ev = h.await(EventType.CLOSE_IND, id);
            assertEquals(1, ev.result());
            assertTrue(h.ctx.reason(id).startsWith("tls: "), h.ctx.reason(id));
            assertEquals(ErrorCode.ERR_SSL_EINVALID, h.ctx.tlsError(id));
            assertEquals(0, h.ctx.available(id));
            peer.close();
        }
    }

    @Test
    void ourCloseSendsCloseNotifyAfterEveryQueuedByte() throws Exception {
        try (EngineServer server = new EngineServer(null); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting().sendQueueBytes(4 << 20));
            h.expect(EventType.CONN_CNF, id, 0);
            TlsPeers.EnginePeer peer = server.next();
            byte[] data = bytes(6, 2 * 1024 * 1024);
            for (int off = 0; off < data.length; off += 256 * 1024) {
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, data, off, 256 * 1024));
            }
            h.ctx.close(id); // at once: the queue is still full
            CountDownLatch read = new CountDownLatch(1);
            byte[][] got = new byte[1][];
            boolean[] closeNotify = new boolean[1];
            Thread reader = new Thread(() -> {
                try {
                    got[0] = peer.receive(data.length);
                    closeNotify[0] = peer.awaitCloseNotify();
                } catch (Exception e) {
                    got[0] = null;
                } finally {
                    read.countDown();
                }
            });
            reader.start();
            for (int i = 0; i < 8; i++) {
                Event ev = h.await(EventType.SEND_CNF, id);
                assertEquals(0, ev.result());
            }
            h.expect(EventType.CLOSE_CNF, id, 0);
            assertTrue(read.await(10, TimeUnit.SECONDS));
            assertArrayEquals(data, got[0]);
            assertTrue(closeNotify[0], "close_notify followed the data");
            assertTrue(h.ctx.destroy(id));
            peer.close();
        }
    }

    @Test
    void anIdleTlsSocketHoldsNoBuffers() throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo();
             Harness h = new Harness(new EventLoopConfig().trimIntervalMs(50), new ContextConfig())) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            byte[] data = bytes(8, 200_000);
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, data));
            assertArrayEquals(data, h.read(id, data.length));
            Slot slot = h.ctx.loop.table.lookup(id);
            // Loop-owned fields read from the test thread once the socket has gone quiet.
            assertTrue(Peers.eventually(5000, () -> slot.tls != null && slot.tls.netIn == null && slot.tls.netOut == null),
                "ciphertext buffers went back to the pool");
            assertTrue(Peers.eventually(5000, () -> !slot.recv.holdsPages() && !slot.send.holdsPages()),
                "plaintext pages were trimmed");
            assertNull(slot.tls.netIn);
            assertFalse(slot.tls.pendingUnwrap);
            h.closeAndDestroy(id);
        }
    }

    @Test
    void aTls12RenegotiationByTheServerKeepsTheStreamIntact() throws Exception {
        byte[] first = bytes(21, 5000);
        byte[] second = bytes(22, 200_000);
        try (TlsPeers.JdkServer server = new TlsPeers.JdkServer(TlsPeers.serverContext("server.pem", "server.key", null),
                s -> s.setEnabledProtocols(new String[] {"TLSv1.2"}), s -> {
                    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                    byte[] a = new byte[first.length];
                    in.readFully(a);
                    s.getOutputStream().write(a);
                    s.startHandshake(); // TLS 1.2: the server asks for a new handshake (HelloRequest)
                    byte[] b = new byte[second.length];
                    in.readFully(b);
                    s.getOutputStream().write(b);
                    in.read();
                }); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, first));
            assertArrayEquals(first, h.read(id, first.length));
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, second));
            assertArrayEquals(second, h.read(id, second.length));
            assertTrue(server.errors.isEmpty(), String.valueOf(server.errors));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void theOwnerStopsReadingAndNothingIsLost() throws Exception {
        byte[] payload = bytes(12, 3 * 1024 * 1024);
        CountDownLatch written = new CountDownLatch(1);
        try (TlsPeers.JdkServer server = new TlsPeers.JdkServer(TlsPeers.serverContext("server.pem", "server.key", null), null,
                s -> {
                    OutputStream out = s.getOutputStream();
                    out.write(payload);
                    out.flush();
                    written.countDown();
                    s.close();
                }); Harness h = new Harness(new EventLoopConfig(), new ContextConfig().eventRingCapacity(16))) {
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), trusting());
            h.expect(EventType.CONN_CNF, id, 0);
            Thread.sleep(500); // nobody reads: the receive queue fills, netIn keeps whole records
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[5000];
            for (;;) {
                Event ev = h.next(Harness.WAIT_MS);
                assertNotNull(ev, "stalled at " + got.size());
                if (ev.type() == EventType.CLOSE_IND) {
                    assertEquals(0, ev.result(), h.ctx.reason(id));
                    break;
                }
                int n;
                while ((n = h.ctx.recv(id, buf, 0, buf.length)) > 0) {
                    got.write(buf, 0, n);
                }
            }
            assertTrue(written.await(5, TimeUnit.SECONDS));
            assertArrayEquals(payload, got.toByteArray());
        }
    }
}
