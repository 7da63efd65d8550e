package io.luanio.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scriptable DNS server on 127.0.0.1 for the resolver tests: a UDP socket and a thread
 * that records every query and hands it to a {@link Responder}, which may answer, lie,
 * send garbage, or stay silent.
 */
final class FakeDnsServer implements AutoCloseable {
    /** Decides what to send back for one query. */
    interface Responder {
        void respond(FakeDnsServer server, Query query) throws IOException;
    }

    /** One query as received. */
    static final class Query {
        final byte[] bytes;
        final SocketAddress from;
        final DnsMessage message;

        Query(byte[] bytes, SocketAddress from, DnsMessage message) {
            this.bytes = bytes;
            this.from = from;
            this.message = message;
        }

        int id() {
            return message.id;
        }

        String name() {
            return message.questionName;
        }

        int type() {
            return message.questionType;
        }

        int port() {
            return ((InetSocketAddress) from).getPort();
        }

        /** A response skeleton for this query: header, question; the caller adds records. */
        Wire reply(int rcode, int an, int ns) {
            return Wire.response(id(), rcode, 1, an, ns, 0).question(name(), type());
        }
    }

    final DatagramSocket socket;
    final List<Query> queries = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile Responder responder;

    FakeDnsServer(Responder responder) throws SocketException {
        this(responder, InetAddress.getLoopbackAddress());
    }

    FakeDnsServer(Responder responder, InetAddress bind) throws SocketException {
        this.responder = responder;
        this.socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        this.thread = new Thread(this::serve, "fake-dns-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** A server that never answers (but records what it gets). */
    static FakeDnsServer silent() throws SocketException {
        return new FakeDnsServer((server, query) -> { });
    }

    /** Answers A and AAAA questions for every name with the given addresses (TTL 300), NODATA when none. */
    static FakeDnsServer answering(String v4, String v6) throws SocketException {
        return new FakeDnsServer((server, q) -> server.send(addresses(q, q.type() == 1 ? v4 : v6, 300), q));
    }

    static byte[] addresses(Query q, String address, long ttl) throws IOException {
        if (address == null) {
            return q.reply(0, 0, 0).build();
        }
        byte[] bytes = InetAddress.getByName(address).getAddress();
        Wire w = q.reply(0, 1, 0);
        return (bytes.length == 4 ? w.a(12, ttl, bytes[0] & 255, bytes[1] & 255, bytes[2] & 255, bytes[3] & 255)
            : w.aaaa(12, ttl, bytes)).build();
    }

    void responder(Responder responder) {
        this.responder = responder;
    }

    String address() {
        InetAddress a = socket.getLocalAddress();
        return (a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress()) + ":" + socket.getLocalPort();
    }

    void send(byte[] bytes, Query to) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, to.from));
    }

    long count(String name) {
        return queries.stream().filter(q -> DnsCodec.sameName(q.name(), name)).count();
    }

    private void serve() {
        byte[] buffer = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            byte[] bytes = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
            try {
                Query query = new Query(bytes, packet.getSocketAddress(), DnsCodec.decode(bytes, 0, bytes.length));
                queries.add(query);
                responder.respond(this, query);
            } catch (Throwable t) {
                errors.add(t);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
