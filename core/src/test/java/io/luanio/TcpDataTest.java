package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SPEC.md section 2 from Java: sends, receive indications, closes, destroy, ids, options. */
class TcpDataTest {

    @Test
    void everySendGetsOneSendCnfWithItsLengthInOrder() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); Harness h = new Harness()) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            int[] sizes = {1, 0, 7, 16384, 16385, 100_000, 3};
            int total = 0;
            for (int size : sizes) {
                assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, new byte[size]));
                total += size;
            }
            for (int size : sizes) {
                Event ev = h.await(EventType.SEND_CNF, id);
                assertEquals(0, ev.result());
                assertEquals(size, ev.value(), "SEND_CNFs come in send order with each send's length");
            }
            assertEquals(total, h.read(id, total).length);
            h.closeAndDestroy(id);
            // No extra SEND_CNF appeared along the way.
            assertEquals(sizes.length, h.history.stream().filter(e -> e.type() == EventType.SEND_CNF).count());
        }
    }

    @Test
    void oneReceiveIndicationOutstandingAndPartialReadsAreAnnouncedAgain() throws Exception {
        BlockingQueue<OutputStream> peer = new ArrayBlockingQueue<>(1);
        CountDownLatch done = new CountDownLatch(1);
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getLoopbackAddress(), s -> {
            peer.add(s.getOutputStream());
            done.await();
        }); Harness h = new Harness()) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            OutputStream out = peer.poll(5, TimeUnit.SECONDS);
            byte[] stream = bytes(0, 160);
            out.write(stream, 0, 100);
            out.flush();
            Event first = h.expect(EventType.RECV_IND, id, 0);
            assertEquals(100, first.value());
            // More bytes arrive while the first indication is outstanding: no new RECV_IND.
            out.write(stream, 100, 50);
            out.flush();
            assertTrue(Peers.eventually(5000, () -> h.ctx.available(id) == 150));
            h.expectQuiet(200);
            // A partial read: the rest (announced or not) is announced again, all of it.
            byte[] part = new byte[30];
            assertEquals(30, h.ctx.recv(id, part, 0, 30));
            assertArrayEquals(java.util.Arrays.copyOfRange(stream, 0, 30), part);
            Event second = h.expect(EventType.RECV_IND, id, 0);
            assertEquals(120, second.value());
            byte[] rest = new byte[500];
            assertEquals(120, h.ctx.recv(id, rest, 0, 500));
            assertArrayEquals(java.util.Arrays.copyOfRange(stream, 30, 150), java.util.Arrays.copyOf(rest, 120));
            h.expectQuiet(100); // everything was read: nothing to announce
            out.write(stream, 150, 10);
            out.flush();
            assertEquals(10, h.expect(EventType.RECV_IND, id, 0).value());
            assertEquals(0, h.ctx.recv(id, new byte[0], 0, 0), "a zero-length recv reads nothing");
            assertEquals(10, h.expect(EventType.RECV_IND, id, 0).value(), "and still re-announces the unread bytes");
            assertArrayEquals(java.util.Arrays.copyOfRange(stream, 150, 160), h.read(id, 10));
            done.countDown();
            h.closeAndDestroy(id);
        }
    }

    @Test
    void peerCloseWithUnreadDataLosesNothing() throws Exception {
        byte[] payload = bytes(7, 300_000);
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getLoopbackAddress(), s -> {
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            s.getInputStream().read(); // wait for our close
        }); Harness h = new Harness(new EventLoopConfig(), new ContextConfig().receiveBufferBytes(1 << 20))) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            // A slow reader: one byte per indication. The CLOSE_IND must wait until every
            // received byte was announced, and the bytes must stay readable after it.
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            long lastAnnounced = -1;
            long readBeforeLastAnnouncement = 0;
            for (;;) {
                Event ev = h.next(Harness.WAIT_MS);
                assertNotNull(ev, "no CLOSE_IND");
                if (ev.type() == EventType.CLOSE_IND) {
                    assertEquals(0, ev.result());
                    break;
                }
                assertEquals(EventType.RECV_IND, ev.type(), ev.toString());
                lastAnnounced = ev.value();
                readBeforeLastAnnouncement = read.size();
                byte[] one = new byte[1];
                assertEquals(1, h.ctx.recv(id, one, 0, 1));
                read.write(one[0]);
            }
            assertEquals(payload.length, readBeforeLastAnnouncement + lastAnnounced,
                "the last RECV_IND before CLOSE_IND announced every byte not yet read");
            byte[] rest = new byte[payload.length];
            int n = h.ctx.recv(id, rest, 0, rest.length);
            assertEquals(payload.length - read.size(), n, "data stays readable after CLOSE_IND");
            read.write(rest, 0, n);
            assertArrayEquals(payload, read.toByteArray());
            assertFalse(h.ctx.destroy(id), "a peer close leaves our half open: close it first");
            h.closeAndDestroy(id);
        }
    }

    @Test
    void resetGivesCloseIndFailureAndFailsQueuedSends() throws Exception {
        CountDownLatch reset = new CountDownLatch(1);
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getLoopbackAddress(), s -> {
            s.getOutputStream().write(bytes(0, 10));
            reset.await(); // never reads: our sends pile up in the kernel, then in our queue
            s.setSoLinger(true, 0);
            s.close();
        }); Harness h = new Harness(new EventLoopConfig(), new ContextConfig().sendQueueBytes(300_000))) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertEquals(0, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUF, 4096));
            assertEquals(10, h.expect(EventType.RECV_IND, id, 0).value());
            // Send until our queue is full: the kernel buffers are full too, so bytes wait in the queue.
            int sends = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                int result = h.ctx.send(id, new byte[100_000]);
                if (result == ErrorCode.ERR_ENOBUFS) {
                    break;
                }
                assertEquals(ErrorCode.ERR_OK, result);
                sends++;
            }
            assertTrue(h.ctx.sendQueueFree(id) < 100_000, "the queue filled up");
            reset.countDown();
            Event closeInd = h.await(EventType.CLOSE_IND, id);
            assertEquals(1, closeInd.result(), "a reset is a failure");
            assertNotNull(h.ctx.reason(id));
            int confirmed = 0;
            int failed = 0;
            for (Event ev : h.history) {
                if (ev.type() == EventType.SEND_CNF) {
                    assertEquals(100_000, ev.value());
                    if (ev.result() == 0) {
                        assertEquals(0, failed, "successes come before failures");
                        confirmed++;
                    } else {
                        failed++;
                    }
                }
            }
            assertEquals(sends, confirmed + failed, "every send was answered before CLOSE_IND");
            assertTrue(failed > 0, "the queued sends failed");
            assertArrayEquals(bytes(0, 10), h.read(id, 10), "bytes received before the reset stay readable");
            assertEquals(ErrorCode.ERR_ENOTCONN, h.ctx.send(id, new byte[1]));
            assertTrue(h.ctx.destroy(id), "a broken connection is closed: destroy frees it");
        }
    }

    @Test
    void closeAfterPeerCloseStillGivesCloseCnf() throws Exception {
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getLoopbackAddress(), Socket::close);
             Harness h = new Harness()) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            h.expect(EventType.CLOSE_IND, id, 0);
            h.ctx.close(id);
            h.expect(EventType.CLOSE_CNF, id, 0);
            h.ctx.close(id); // closing again: still answered
            h.expect(EventType.CLOSE_CNF, id, 0);
            assertTrue(h.ctx.destroy(id));
            h.ctx.close(id); // and for an id that no longer exists
            h.expect(EventType.CLOSE_CNF, id, 0);
            h.ctx.close(123456);
            h.expect(EventType.CLOSE_CNF, 123456, 0);
        }
    }

    @Test
    void halfClosedPeerStillReceivesOurReply() throws Exception {
        BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(1);
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getLoopbackAddress(), s -> {
            s.getOutputStream().write("request".getBytes());
            s.shutdownOutput();
            received.add(new DataInputStream(s.getInputStream()).readNBytes(5));
        }); Harness h = new Harness()) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertArrayEquals("request".getBytes(), h.read(id, 7));
            h.await(EventType.CLOSE_IND, id);
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, "reply".getBytes()));
            assertEquals(0, h.await(EventType.SEND_CNF, id).result());
            assertArrayEquals("reply".getBytes(), received.poll(5, TimeUnit.SECONDS));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void destroyFreesOnlyClosedSlotsAndIdsAreReusedWithANewGeneration() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); Harness h = new Harness()) {
            int first = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertFalse(h.ctx.destroy(first), "an open socket is not destroyed");
            assertFalse(h.ctx.destroy(-1));
            assertFalse(h.ctx.destroy(first + 1));
            h.ctx.close(first);
            h.expect(EventType.CLOSE_CNF, first, 0);
            assertTrue(h.ctx.destroy(first));
            assertFalse(h.ctx.destroy(first), "destroyed once");
            int second = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertNotEquals(first, second, "a reused slot carries a new generation");
            assertEquals(first & 0xFFFF, second & 0xFFFF, "the lowest free slot is reused");
            // The stale id names nothing, even though its slot is in use again.
            assertEquals(ErrorCode.ERR_EARG, h.ctx.send(first, new byte[1]));
            assertEquals(0, h.ctx.recv(first, new byte[1], 0, 1));
            assertFalse(h.ctx.destroy(first));
            assertEquals(-1, h.ctx.setOption(first, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_NODELAY, 1));
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(second, new byte[] {9}));
            assertArrayEquals(new byte[] {9}, h.read(second, 1));
            h.closeAndDestroy(second);
        }
    }

    @Test
    void anotherContextsIdIsAnUnknownId() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); Harness h = new Harness()) {
            Context other = h.loop.newContext();
            Harness o = new Harness(h.loop, other);
            int mine = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertEquals(ErrorCode.ERR_EARG, other.send(mine, new byte[1]));
            assertEquals(0, other.recv(mine, new byte[8], 0, 8));
            assertEquals(0, other.available(mine));
            assertFalse(other.destroy(mine));
            assertEquals(-1, other.setOption(mine, SocketOptions.SOL_SOCKET, SocketOptions.SO_KEEPALIVE, 1));
            assertNull(other.reason(mine));
            other.close(mine);
            o.expect(EventType.CLOSE_CNF, mine, 0); // answered, as for any unknown id
            h.expectQuiet(100);                       // and our socket is untouched:
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(mine, new byte[] {5}));
            assertArrayEquals(new byte[] {5}, h.read(mine, 1));
            h.closeAndDestroy(mine);
            other.close();
        }
    }

    @Test
    void socketOptionsReportWhatIsSupported() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); Harness h = new Harness()) {
            int id = h.ctx.connect(SocketType.TCP, "127.0.0.1", server.port());
            // Allowed while connecting: applied once the channel exists.
            assertEquals(0, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_KEEPALIVE, 1));
            h.expect(EventType.CONN_CNF, id, 0);
            assertEquals(0, h.ctx.setOption(id, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_NODELAY, 0));
            assertEquals(0, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_REUSEADDR, 1));
            boolean extended = jdkNetKeepAliveOptions();
            int expected = extended ? 0 : -1;
            assertEquals(expected, h.ctx.setOption(id, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_KEEPIDLE, 60));
            assertEquals(expected, h.ctx.setOption(id, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_KEEPINTVL, 10));
            assertEquals(expected, h.ctx.setOption(id, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_KEEPCNT, 5));
            // Out of range, unknown, wrong level.
            assertEquals(-1, h.ctx.setOption(id, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_KEEPIDLE, 0));
            assertEquals(-1, h.ctx.setOption(id, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_KEEPCNT, 1000));
            assertEquals(-1, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, 0x7777, 1));
            assertEquals(-1, h.ctx.setOption(id, 99, SocketOptions.SO_KEEPALIVE, 1));
            assertEquals(-1, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_KEEPALIVE, -1));
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, new byte[] {1}));
            assertArrayEquals(new byte[] {1}, h.read(id, 1));
            assertNull(h.ctx.reason(id), "every accepted option applied without error");
            h.closeAndDestroy(id);
            assertEquals(-1, h.ctx.setOption(id, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_NODELAY, 1));
        }
    }

    private static boolean jdkNetKeepAliveOptions() {
        try {
            Class.forName("jdk.net.ExtendedSocketOptions").getField("TCP_KEEPIDLE");
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    @Test
    void aFullSendQueueRefusesWithEnobufsAndLosesNothing() throws Exception {
        CountDownLatch startReading = new CountDownLatch(1);
        BlockingQueue<byte[]> got = new ArrayBlockingQueue<>(1);
        int queueBytes = 256 * 1024;
        // A small receive window on the peer, so the kernel buffers fill quickly and surely.
        try (Peers.TcpServer server = new Peers.TcpServer(InetAddress.getLoopbackAddress(), s -> {
            startReading.await();
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                all.write(buf, 0, n);
            }
            got.add(all.toByteArray());
        }, 0, 8192); Harness h = new Harness(new EventLoopConfig(), new ContextConfig().sendQueueBytes(queueBytes))) {
            int id = h.connect(SocketType.TCP, "127.0.0.1", server.port());
            assertEquals(0, h.ctx.setOption(id, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUF, 4096));
            java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
            int chunk = 10_000;
            int accepted = 0;
            int refused = 0;
            Random random = new Random(1);
            // The peer does not read: the kernel buffers fill, then our queue, then sends fail.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (refused == 0 && System.nanoTime() < deadline) {
                byte[] data = new byte[chunk];
                random.nextBytes(data);
                int free = h.ctx.sendQueueFree(id);
                int result = h.ctx.send(id, data);
                if (result == ErrorCode.ERR_OK) {
                    sent.write(data);
                    accepted++;
                } else {
                    assertEquals(ErrorCode.ERR_ENOBUFS, result);
                    assertTrue(free < chunk, "refused although " + free + " bytes were free");
                    refused++;
                }
            }
            assertEquals(1, refused);
            assertTrue(h.ctx.sendQueueFree(id) < chunk);
            startReading.countDown();
            for (int i = 0; i < accepted; i++) {
                Event ev = h.await(EventType.SEND_CNF, id);
                assertEquals(0, ev.result());
                assertEquals(chunk, ev.value());
            }
            assertEquals(queueBytes, h.ctx.sendQueueFree(id), "an empty queue has all its room again");
            h.closeAndDestroy(id);
            assertArrayEquals(sent.toByteArray(), got.poll(10, TimeUnit.SECONDS), "the peer got every accepted byte, in order");
        }
    }

    static byte[] bytes(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i * 31 + (i >>> 8));
        }
        return b;
    }
}
