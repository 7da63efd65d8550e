package io.luanio.jmh.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A minimal DNS server on 127.0.0.1 for the cached-lookup benchmark: any A question gets
 * 192.0.2.1, any AAAA question 2001:db8::1, with a one-day TTL. It answers a handful of
 * queries per trial (the benchmark measures the cache).
 */
final class TinyDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;

    TinyDnsServer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "tiny-dns");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] in = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(in, in.length);
            try {
                socket.receive(packet);
                byte[] out = answer(in, packet.getLength());
                if (out != null) {
                    socket.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Echoes the header and question, adds one address record owned by the question's name. */
    private static byte[] answer(byte[] q, int length) {
        int p = 12;
        while (p < length && q[p] != 0) {
            p += (q[p] & 0xFF) + 1;
        }
        int questionEnd = p + 5;
        if (questionEnd > length) {
            return null;
        }
        int type = ((q[p + 1] & 0xFF) << 8) | (q[p + 2] & 0xFF);
        byte[] address = type == 28
            ? new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
            : new byte[] {(byte) 192, 0, 2, 1};
        byte[] out = new byte[questionEnd + 12 + address.length];
        System.arraycopy(q, 0, out, 0, questionEnd);
        out[2] = (byte) 0x81;
        out[3] = (byte) 0x80;
        out[6] = 0;
        out[7] = 1;              // one answer
        out[10] = 0;
        out[11] = 0;             // no additional records (the query's OPT is dropped)
        int a = questionEnd;
        out[a] = (byte) 0xC0;
        out[a + 1] = 12;         // owner: the question's name
        out[a + 2] = 0;
        out[a + 3] = (byte) type;
        out[a + 4] = 0;
        out[a + 5] = 1;          // IN
        out[a + 6] = 0;
        out[a + 7] = 1;
        out[a + 8] = 0x51;
        out[a + 9] = (byte) 0x80; // TTL 86400
        out[a + 10] = 0;
        out[a + 11] = (byte) address.length;
        System.arraycopy(address, 0, out, a + 12, address.length);
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
