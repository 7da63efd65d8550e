package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Connected UDP: CONN_CNF at once, one RECV_IND and one receive per datagram, SEND_CNF per send. */
class UdpTest {

    @Test
    void exchangesDatagramsOneAtATime() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Harness h = new Harness()) {
            peer.setSoTimeout(5000);
            int id = h.ctx.connect(SocketType.UDP, "127.0.0.1", peer.getLocalPort());
            h.expect(EventType.CONN_CNF, id, 0);
            assertTrue(h.ctx.localPort(id) > 0);

            // Our sends: one datagram each, each confirmed with its length.
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, "one".getBytes()));
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, "second".getBytes()));
            assertEquals(ErrorCode.ERR_EARG, h.ctx.send(id, new byte[0]), "java.nio cannot send an empty datagram");
            assertEquals(3, h.expect(EventType.SEND_CNF, id, 0).value());
            assertEquals(6, h.expect(EventType.SEND_CNF, id, 0).value());
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            peer.receive(p);
            assertEquals("one", new String(p.getData(), 0, p.getLength()));
            p.setLength(100);
            peer.receive(p);
            assertEquals("second", new String(p.getData(), 0, p.getLength()));
            InetSocketAddress us = (InetSocketAddress) p.getSocketAddress();
            assertEquals(h.ctx.localPort(id), us.getPort());

            // The peer's datagrams: one RECV_IND each with its size; a receive returns one.
            peer.send(new DatagramPacket("alpha".getBytes(), 5, us));
            peer.send(new DatagramPacket("be".getBytes(), 2, us));
            peer.send(new DatagramPacket(new byte[0], 0, us));
            peer.send(new DatagramPacket("gamma-long".getBytes(), 10, us));
            assertEquals(5, h.expect(EventType.RECV_IND, id, 0).value());
            assertEquals(2, h.expect(EventType.RECV_IND, id, 0).value());
            assertEquals(0, h.expect(EventType.RECV_IND, id, 0).value());
            assertEquals(10, h.expect(EventType.RECV_IND, id, 0).value());
            byte[] buf = new byte[100];
            assertEquals(5, h.ctx.available(id));
            assertEquals(5, h.ctx.recv(id, buf, 0, 100));
            assertEquals("alpha", new String(buf, 0, 5));
            assertEquals(2, h.ctx.recv(id, buf, 0, 100), "one datagram per receive, never two joined");
            assertEquals("be", new String(buf, 0, 2));
            assertEquals(0, h.ctx.recv(id, buf, 0, 100), "the empty datagram");
            assertEquals(4, h.ctx.recv(id, buf, 0, 4), "a short buffer truncates the datagram");
            assertEquals("gamm", new String(buf, 0, 4));
            assertEquals(0, h.ctx.available(id), "the rest of a truncated datagram is discarded");
            assertEquals(0, h.ctx.recv(id, buf, 0, 100));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void largestDatagramRoundTripsAndLargerIsRefused() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Harness h = new Harness()) {
            peer.setSoTimeout(5000);
            peer.setReceiveBufferSize(1 << 20);
            int id = h.connect(SocketType.UDP, "127.0.0.1", peer.getLocalPort());
            byte[] big = TcpDataTest.bytes(3, 65507);
            assertEquals(ErrorCode.ERR_EARG, h.ctx.send(id, new byte[65508]));
            assertEquals(ErrorCode.ERR_OK, h.ctx.send(id, big));
            assertEquals(65507, h.expect(EventType.SEND_CNF, id, 0).value());
            DatagramPacket p = new DatagramPacket(new byte[70000], 70000);
            peer.receive(p);
            assertArrayEquals(big, Arrays.copyOf(p.getData(), p.getLength()));
            peer.send(new DatagramPacket(big, big.length, p.getSocketAddress()));
            assertEquals(65507, h.expect(EventType.RECV_IND, id, 0).value());
            byte[] back = new byte[70000];
            assertEquals(65507, h.ctx.recv(id, back, 0, back.length));
            assertArrayEquals(big, Arrays.copyOf(back, 65507));
            h.closeAndDestroy(id);
        }
    }

    @Test
    void anUnreadQueuePausesReadingWithoutLosingQueuedDatagrams() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Harness h = new Harness(new EventLoopConfig(), new ContextConfig().receiveBufferBytes(4096))) {
            int id = h.connect(SocketType.UDP, "127.0.0.1", peer.getLocalPort());
            h.ctx.send(id, new byte[] {1});
            h.expect(EventType.SEND_CNF, id, 0);
            DatagramPacket hello = new DatagramPacket(new byte[10], 10);
            peer.receive(hello);
            // Each datagram: 1000 bytes. The queue holds 4096 + one largest datagram.
            int sent = 200;
            for (int i = 0; i < sent; i++) {
                byte[] d = new byte[1000];
                Arrays.fill(d, (byte) i);
                peer.send(new DatagramPacket(d, d.length, hello.getSocketAddress()));
                Thread.sleep(0, 100_000);
            }
            // Whatever the kernel kept is delivered in order, each byte-exact; none duplicated.
            int received = 0;
            int lastMarker = -1;
            byte[] buf = new byte[2000];
            for (;;) {
                Event ev = h.next(500);
                if (ev == null) {
                    break;
                }
                assertEquals(EventType.RECV_IND, ev.type());
                assertEquals(1000, ev.value());
                assertEquals(1000, h.ctx.recv(id, buf, 0, buf.length));
                int marker = buf[0] & 0xFF;
                assertTrue(marker > lastMarker, "in order, no duplicates");
                for (int i = 0; i < 1000; i++) {
                    assertEquals(buf[0], buf[i]);
                }
                lastMarker = marker;
                received++;
            }
            assertTrue(received >= 5, "received " + received);
            h.closeAndDestroy(id);
        }
    }
}
