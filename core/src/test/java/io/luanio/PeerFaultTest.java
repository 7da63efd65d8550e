package io.luanio;

import static io.luanio.TlsPeers.pem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.luanio.tls.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peer faults (issue 9), each against a real loopback peer, each ending with the documented
 * event or error and its slot freed ({@code destroy} true, {@code socketCount} back), while
 * another connection of the same context keeps echoing: a reset in the middle of a stream,
 * a half-close followed by a large reply, a peer that never reads (ERR_ENOBUFS), refused
 * connects, connects to a listener whose backlog is full, TLS fatal alerts (encrypted and
 * in the clear) and a reset in the middle of a TLS stream. DNS faults at connect time are in
 * {@code dns/DnsFaultTest}.
 *
 * <p>Covered elsewhere and not repeated here: a single refused connect and a single
 * full-backlog timeout ({@code TcpConnectTest}), a peer FIN with unread data and a short
 * reply after a half-close ({@code TcpDataTest}), TLS truncation, a torn record and a
 * corrupted record ({@code TlsDataTest}), TLS alerts during the handshake
 * ({@code TlsConnectTest}).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PeerFaultTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static byte[] stream(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ConnectOptions trusting() {
        return new ConnectOptions().tls(new TlsOptions().trustPem(pem("ca.pem")));
    }

    /** One round trip on a healthy connection: the loop still serves the context. */
    private static void echoRound(Harness h, int id, int round) {
        byte[] message = ("still serving, round " + round).getBytes();
        assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, message));
        assertArrayEquals(message, h.read(id, message.length));
        h.await(EventType.SEND_CNF, id);
    }

    private static byte[] drain(Harness h, int id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = h.ctx.recv(id, buf, 0, buf.length)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- TCP

    @Test
    void aResetMidStreamFailsTheQueuedSendsKeepsTheBytesBeforeItAndFreesTheSlot() throws Exception {
        int echoed = 1 << 20;
        try (Peers.TcpServer resetter = new Peers.TcpServer(LOOPBACK, s -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[16384];
            int total = 0;
            while (total < echoed) {
                int n = in.read(buf, 0, Math.min(buf.length, echoed - total));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                total += n;
            }
            s.setSoLinger(true, 0);
            s.close(); // RST while our bytes keep coming
        }, 0, 8192); Peers.TcpServer echo = Peers.TcpServer.echo();
             Harness h = new Harness(new EventLoopConfig(), new ContextConfig().sendQueueBytes(1 << 20))) {
            int other = h.connect(SocketType.TCP, "127.0.0.1", echo.port());
            int id = h.connect(SocketType.TCP, "127.0.0.1", resetter.port());
            assertEquals(0, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUF, 4096));
            byte[] data = stream(1, 32 << 20);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            int off = 0;
            int sends = 0;
            int confirmed = 0;
            int failed = 0;
            Event closeInd = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (closeInd == null) {
                assertTrue(System.nanoTime() < deadline, "no CLOSE_IND: sent " + off + ", received " + received.size());
                while (off < data.length) {
                    int rc = h.ctx.send(id, data, off, 65536);
                    if (rc != ErrorCode.ERR_OK) {
                        // ERR_ENOBUFS while the queue is full; ERR_ENOTCONN once the reset was seen
                        assertTrue(rc == ErrorCode.ERR_ENOBUFS || rc == ErrorCode.ERR_ENOTCONN, "send: " + rc);
                        break;
                    }
                    off += 65536;
                    sends++;
                }
                Event ev = h.next(1000);
                if (ev == null) {
                    continue;
                }
                assertEquals(id, ev.socket(), "the other connection is quiet: " + ev);
                switch (ev.type()) {
                    case EventType.RECV_IND:
                        received.write(drain(h, id));
                        break;
                    case EventType.SEND_CNF:
                        assertEquals(65536, ev.value());
                        if (ev.result() == 0) {
                            assertEquals(0, failed, "successes come before failures");
                            confirmed++;
                        } else {
                            failed++;
                        }
                        break;
                    case EventType.CLOSE_IND:
                        closeInd = ev;
                        break;
                    default:
                        fail("unexpected " + ev);
                }
            }
            assertEquals(1, closeInd.result(), "a reset is a failure: " + h.ctx.reason(id));
            assertNotNull(h.ctx.reason(id));
            assertEquals(sends, confirmed + failed, "every send was answered once, before CLOSE_IND");
            assertTrue(failed > 0, "the queued sends failed");
            received.write(drain(h, id));
            byte[] got = received.toByteArray();
            assertTrue(got.length <= echoed, "no more than the peer echoed: " + got.length);
            assertArrayEquals(Arrays.copyOf(data, got.length), got, "what arrived is an intact prefix");
            String reason = h.ctx.reason(id);
            assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(id, new byte[1]));
            assertTrue(h.ctx.destroy(id), "a reset socket is closed: destroy frees it");
            assertEquals(1, h.ctx.socketCount());
            echoRound(h, other, 1);
            h.closeAndDestroy(other);
            assertEquals(0, h.ctx.socketCount());
            Reliability.report("PeerFaultTest", "reset mid-stream: %d of %d sends confirmed, %d failed with SEND_CNF result 1,"
                + " %d bytes received intact before the reset, reason \"%s\"", confirmed, sends, failed, got.length,
                reason);
        }
    }

    @Test
    void aHalfClosedPeerGetsAWholeMebibyteBackAfterItsFin() throws Exception {
        byte[] request = stream(2, 1 << 20);
        byte[] reply = stream(3, 1 << 20);
        BlockingQueue<byte[]> peerGot = new ArrayBlockingQueue<>(1);
        try (Peers.TcpServer server = new Peers.TcpServer(LOOPBACK, s -> {
            s.getOutputStream().write(request);
            s.shutdownOutput(); // FIN: the peer will not send again, but reads on
            byte[] all = new DataInputStream(s.getInputStream()).readAllBytes();
            peerGot.add(all);
        }); Harness h = new Harness()) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (;;) {
                Event ev = h.next(Harness.WAIT_MS);
                assertNotNull(ev, "no CLOSE_IND after " + got.size() + " bytes");
                if (ev.type() == EventType.CLOSE_IND) {
                    assertEquals(0, ev.result(), "a FIN is a clean end: " + h.ctx.reason(id));
                    break;
                }
                assertEquals(EventType.RECV_IND, ev.type(), ev.toString());
                got.write(drain(h, id));
            }
            got.write(drain(h, id));
            assertArrayEquals(request, got.toByteArray(), "every byte before the FIN");
            for (int off = 0; off < reply.length; off += 100_000) {
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, reply, off, Math.min(100_000, reply.length - off)));
            }
            for (int off = 0; off < reply.length; off += 100_000) {
                assertEquals(0, h.await(EventType.SEND_CNF, id).result(), "our half stays open");
            }
            h.closeAndDestroy(id);
            assertArrayEquals(reply, peerGot.poll(10, TimeUnit.SECONDS), "the peer read our whole reply, then our FIN");
            assertEquals(0, h.ctx.socketCount());
        }
    }

    @Test
    void aPeerThatNeverReadsFillsOnlyItsOwnSendQueue() throws Exception {
        CountDownLatch startReading = new CountDownLatch(1);
        BlockingQueue<byte[]> sinkDigest = new ArrayBlockingQueue<>(1);
        int queueBytes = 256 * 1024;
        int chunk = 10_000;
        try (Peers.TcpServer sink = new Peers.TcpServer(LOOPBACK, s -> {
            startReading.await();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            sinkDigest.add(digest.digest());
        }, 0, 8192); Peers.TcpServer echo = Peers.TcpServer.echo();
             Harness h = new Harness(new EventLoopConfig(), new ContextConfig().sendQueueBytes(queueBytes))) {
            int other = h.connect(SocketType.TCP, "127.0.0.1", echo.port());
            int id = h.connect(SocketType.TCP, "127.0.0.1", sink.port());
            assertEquals(0, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUF, 4096));
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            Random random = new Random(4);
            int accepted = 0;
            int refusals = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            byte[] data = new byte[chunk];
            while (refusals == 0) {
                assertTrue(System.nanoTime() < deadline, "the send queue never filled");
                random.nextBytes(data);
                int freeBefore = h.ctx.sendQueueFree(id); // only grows meanwhile: the loop drains
                int rc = h.ctx.send(id, data);
                if (rc == ErrorCode.ERR_OK) {
                    sent.update(data);
                    accepted++;
                } else {
                    assertEquals(ErrorCode.ERR_ENOBUFS, rc, "a full queue refuses with ERR_ENOBUFS");
                    assertTrue(freeBefore < chunk, "refused with " + freeBefore + " bytes free");
                    refusals++;
                }
            }
            int free = h.ctx.sendQueueFree(id);
            // Nothing else breaks: the same context's other connection, another context, and
            // the stuck socket itself (refusing again, no stray event) all behave.
            for (int round = 0; round < 50; round++) {
                echoRound(h, other, round);
                random.nextBytes(data);
                int rc = h.ctx.send(id, data); // the kernel may take a few more KiB meanwhile
                if (rc == ErrorCode.ERR_OK) {
                    sent.update(data);
                    accepted++;
                } else {
                    assertEquals(ErrorCode.ERR_ENOBUFS, rc);
                    refusals++;
                }
            }
            Harness second = new Harness(h.loop, h.loop.newContext()); // shares the loop: close its context only
            int secondId = second.connect(SocketType.TCP, "127.0.0.1", echo.port());
            for (int round = 0; round < 20; round++) {
                echoRound(second, secondId, round);
            }
            second.closeAndDestroy(secondId);
            second.ctx.close();
            for (Event ev : h.backlog) {
                assertFalse(ev.socket() == id && ev.type() != EventType.SEND_CNF, "a stray event on the stuck socket: " + ev);
            }
            startReading.countDown();
            for (int i = 0; i < accepted; i++) {
                Event ev = h.await(EventType.SEND_CNF, id);
                assertEquals(0, ev.result());
                assertEquals(chunk, ev.value());
            }
            h.closeAndDestroy(id);
            assertArrayEquals(sent.digest(), sinkDigest.poll(10, TimeUnit.SECONDS), "the peer got every accepted byte");
            h.closeAndDestroy(other);
            assertEquals(0, h.ctx.socketCount());
            Reliability.report("PeerFaultTest", "peer that never reads: %d sends of %d B queued, then %d refusals, all"
                + " ERR_ENOBUFS (%d B free); 70 echo rounds on other sockets meanwhile; every queued byte delivered once the"
                + " peer read", accepted, chunk, refusals, free);
        }
    }

    @Test
    void refusedConnectsFailOneByOneAndFreeEverySlotAndDescriptor() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = s.getLocalPort();
        }
        try (Peers.TcpServer echo = Peers.TcpServer.echo(); Harness h = new Harness()) {
            int other = h.connect(SocketType.TCP, "127.0.0.1", echo.port());
            int fdsBefore = Peers.settledDescriptors();
            int count = 300;
            int[] ids = new int[count];
            for (int i = 0; i < count; i++) {
                ids[i] = h.ctx.connect(i % 10 == 0 ? SocketType.SSL : SocketType.TCP, "127.0.0.1", closedPort, trusting());
                assertTrue(ids[i] >= 0, h.ctx.lastError());
            }
            for (int i = 0; i < count; i++) {
                Event ev = h.await(EventType.CONN_CNF, ids[i]);
                assertEquals(1, ev.result());
                assertTrue(h.ctx.reason(ids[i]).contains("refused"), h.ctx.reason(ids[i]));
                assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(ids[i], new byte[1]));
                assertTrue(h.ctx.destroy(ids[i]), "a refused connect leaves a closed slot");
                if (i % 50 == 0) {
                    echoRound(h, other, i);
                }
            }
            assertEquals(1, h.ctx.socketCount());
            for (Event ev : h.backlog) {
                assertEquals(other, ev.socket(), "no second event for a refused connect: " + ev);
            }
            assertTrue(Peers.eventually(5000, () -> LifecycleTest.openFileDescriptors() <= fdsBefore),
                "descriptors before=" + fdsBefore + " after=" + LifecycleTest.openFileDescriptors());
            h.closeAndDestroy(other);
            Reliability.report("PeerFaultTest", "%d refused connects (every 10th TLS): CONN_CNF result 1 \"%s\" each,"
                + " slots and descriptors back (%d)", count, "connection refused", fdsBefore);
        }
    }

    @Test
    void connectsToAFullBacklogTimeOutAndFreeTheirSlots() throws Exception {
        try (Peers.StalledListener stalled = new Peers.StalledListener(); Peers.TcpServer echo = Peers.TcpServer.echo();
             Harness h = new Harness()) {
            int other = h.connect(SocketType.TCP, "127.0.0.1", echo.port());
            int count = 24;
            int[] ids = new int[count];
            for (int i = 0; i < count; i++) {
                ConnectOptions options = (i % 4 == 0 ? trusting() : new ConnectOptions()).timeoutMs(400);
                ids[i] = h.ctx.connect(i % 4 == 0 ? SocketType.SSL : SocketType.TCP, "127.0.0.1", stalled.port(), options);
                assertTrue(ids[i] >= 0, h.ctx.lastError());
            }
            echoRound(h, other, 0); // the loop serves others while the connects hang
            for (int id : ids) {
                Event ev = h.await(EventType.CONN_CNF, id);
                assertEquals(1, ev.result(), "connect to a full backlog: " + h.ctx.reason(id));
                assertEquals("connect timed out", h.ctx.reason(id));
                assertTrue(h.ctx.destroy(id));
            }
            assertEquals(1, h.ctx.socketCount());
            echoRound(h, other, 1);
            h.closeAndDestroy(other);
            Reliability.report("PeerFaultTest", "%d connects to a listener with a full backlog (every 4th TLS):"
                + " CONN_CNF result 1 \"connect timed out\" after the 400 ms timeout, slots freed", count);
        }
    }

    // ---------------------------------------------------------------- TLS

    /** A plain listener whose connections the test drives with a server SSLEngine (TlsPeers.EnginePeer). */
    private static final class EngineServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 4, LOOPBACK);
        final BlockingQueue<TlsPeers.EnginePeer> peers = new ArrayBlockingQueue<>(4);

        EngineServer(String protocol) throws Exception {
            SSLContext context = TlsPeers.serverContext("server.pem", "server.key", null);
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        TlsPeers.EnginePeer peer = new TlsPeers.EnginePeer(server.accept(), context);
                        peer.engine.setEnabledProtocols(new String[] {protocol});
                        peer.handshake();
                        peers.add(peer);
                    } catch (Exception e) {
                        // closed, or a handshake the test does not care about
                    }
                }
            }, "fault-engine-server");
            t.setDaemon(true);
            t.start();
        }

        TlsPeers.EnginePeer next() throws InterruptedException {
            TlsPeers.EnginePeer p = peers.poll(10, TimeUnit.SECONDS);
            assertNotNull(p, "no server handshake");
            return p;
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (TlsPeers.EnginePeer p : peers) {
                p.close();
            }
        }
    }

    /** The server engine's own fatal alert: it fails to unwrap a forged record and wraps the alert it owes. */
    private static byte[] fatalAlertFrom(TlsPeers.EnginePeer peer) throws Exception {
        byte[] forged = new byte[5 + 64];
        forged[0] = 23; // application_data
        forged[1] = 3;
        forged[2] = 3;
        forged[4] = 64;
        for (int i = 5; i < forged.length; i++) {
            forged[i] = (byte) (i * 37);
        }
        try {
            peer.engine.unwrap(ByteBuffer.wrap(forged), ByteBuffer.allocate(1 << 17));
            fail("the server engine accepted a forged record");
        } catch (SSLException expected) {
            // bad_record_mac: the engine now owes the client a fatal alert
        }
        ByteBuffer net = ByteBuffer.allocate(1 << 17);
        peer.engine.wrap(ByteBuffer.allocate(0), net);
        net.flip();
        byte[] alert = new byte[net.remaining()];
        net.get(alert);
        assertTrue(alert.length > 0, "the engine wrapped its alert");
        return alert;
    }

    /** Data, then a fault from the peer: the data arrives intact, then CLOSE_IND result 1; the slot is freed. */
    private interface Fault {
        void inject(TlsPeers.EnginePeer peer) throws Exception;
    }

    /** @return the reason and the ERR_* code of the failure, read before the slot was freed */
    private String[] tlsFault(String protocol, Fault fault) throws Exception {
        try (EngineServer server = new EngineServer(protocol); Peers.TcpServer echo = Peers.TcpServer.echo();
             Harness h = new Harness()) {
            int other = h.connect(SocketType.TCP, "127.0.0.1", echo.port());
            int id = h.ctx.connect(SocketType.SSL, "127.0.0.1", server.server.getLocalPort(), trusting());
            assertEquals(0, h.await(EventType.CONN_CNF, id).result(), h.ctx.reason(id));
            TlsPeers.EnginePeer peer = server.next();
            byte[] before = stream(6, 70_000);
            peer.send(before);
            assertArrayEquals(before, h.read(id, before.length), "the bytes before the fault");
            for (int i = 0; i < 8; i++) {
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, stream(i, 50_000))); // some may still be queued
            }
            fault.inject(peer);
            Event closeInd = h.await(EventType.CLOSE_IND, id);
            assertEquals(1, closeInd.result(), protocol + ": " + h.ctx.reason(id));
            String reason = h.ctx.reason(id);
            assertNotNull(reason);
            int tlsError = h.ctx.tlsError(id);
            long cnfs = h.history.stream().filter(e -> e.socket() == id && e.type() == EventType.SEND_CNF).count();
            assertEquals(8, cnfs, "every send answered before CLOSE_IND");
            assertEquals(0, h.ctx.available(id), "nothing after the fault is delivered");
            assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(id, new byte[1]));
            h.ctx.close(id);
            h.await(EventType.CLOSE_CNF, id);
            assertTrue(h.ctx.destroy(id));
            assertEquals(1, h.ctx.socketCount());
            echoRound(h, other, 0);
            h.closeAndDestroy(other);
            peer.close();
            return new String[] {reason, String.valueOf(tlsError)};
        }
    }

    @Test
    void aFatalAlertMidStreamIsCloseIndFailureWithTheAlertNamed() throws Exception {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            String[] r = tlsFault(protocol, peer -> {
                byte[] alert = fatalAlertFrom(peer);
                peer.sendRaw(alert, 0, alert.length);
            });
            assertTrue(r[0].startsWith("tls: ") && r[0].contains("alert"), protocol + ": " + r[0]);
            assertEquals(String.valueOf(ErrorCode.ERR_SSL_EINVALID), r[1], "a failure after the handshake");
            Reliability.report("PeerFaultTest", "%s fatal alert mid-stream: CLOSE_IND result 1, ERR_SSL_EINVALID, \"%s\"",
                protocol, r[0]);
        }
    }

    @Test
    void aPlaintextAlertRecordMidStreamIsCloseIndFailure() throws Exception {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            byte[] alert = {21, 3, 3, 0, 2, 2, 40}; // fatal handshake_failure, unencrypted
            String[] r = tlsFault(protocol, peer -> peer.sendRaw(alert, 0, alert.length));
            assertTrue(r[0].startsWith("tls: "), protocol + ": " + r[0]);
            assertEquals(String.valueOf(ErrorCode.ERR_SSL_EINVALID), r[1], "a failure after the handshake");
            Reliability.report("PeerFaultTest", "%s plaintext alert record mid-stream: CLOSE_IND result 1, ERR_SSL_EINVALID,"
                + " \"%s\"", protocol, r[0]);
        }
    }

    @Test
    void aResetMidTlsStreamIsCloseIndFailure() throws Exception {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            String[] r = tlsFault(protocol, peer -> {
                peer.socket.setSoLinger(true, 0);
                peer.socket.close(); // RST, no close_notify
            });
            Reliability.report("PeerFaultTest", "%s reset mid-stream: CLOSE_IND result 1, tlsError %s, \"%s\"", protocol, r[1],
                r[0]);
        }
    }
}
