package io.luanio.dns;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One question ({@code name}, A or AAAA) on the wire, with every lookup that waits for it.
 *
 * <pre>
 *   try 0..(attempts x servers - 1), server = servers[(first + try) % n]
 *
 *   UDP: fresh DatagramChannel, random source port, connected to the server, random id
 *     --answer (id, question, server match)--&gt; done (NOERROR / NXDOMAIN)
 *     --TC=1----------------------------------&gt; TCP to the same server, same try
 *     --FORMERR while sending EDNS------------&gt; again without EDNS, same server
 *     --SERVFAIL / REFUSED / malformed--------&gt; next try
 *     --deadline (loop timer) / port unreachable--&gt; next try
 *   TCP: connect, write length + query, read length + answer, deadline as above
 * </pre>
 *
 * <p>A datagram that is not the answer (another source, another id, another question,
 * not a response) is counted and ignored; the try goes on. Loop thread only.
 */
final class Exchange extends Timed {
    /** A lookup waiting for this question. */
    interface Waiter {
        /**
         * The question is answered.
         *
         * @param qtype the question type
         * @param result the result for this name (null when the answer is a CNAME chain to follow)
         * @param answer what the response said (its target when following)
         */
        void onAnswer(int qtype, LookupResult result, DnsAnswer answer);
    }

    private static final int DATAGRAMS_PER_EVENT = 16;
    private static final int PHASE_UDP = 1;
    private static final int PHASE_TCP_CONNECT = 2;
    private static final int PHASE_TCP_WRITE = 3;
    private static final int PHASE_TCP_READ = 4;

    final Resolver resolver;
    final String name;
    final int qtype;
    final List<Waiter> waiters = new ArrayList<>(2);
    private final InetSocketAddress[] servers;
    private final int first;
    private final int maxTries;
    private int tryIndex;
    private InetSocketAddress server;
    private int id;
    private boolean edns;
    private final byte[] query = new byte[DnsCodec.MAX_QUERY_BYTES];
    private int queryLength;
    private int phase;
    private DatagramChannel udp;
    private SocketChannel tcp;
    private ByteBuffer tcpOut;
    private final ByteBuffer tcpLength = ByteBuffer.allocate(2);
    private ByteBuffer tcpIn;
    // What went wrong so far, for the final failure.
    private int failure = LookupResult.TIMEOUT;
    private String failureDetail;
    private final StringBuilder silent = new StringBuilder();

    Exchange(Resolver resolver, String name, int qtype, InetSocketAddress[] servers, int first, int attempts, boolean edns) {
        this.resolver = resolver;
        this.name = name;
        this.qtype = qtype;
        this.servers = servers;
        this.first = first;
        this.maxTries = attempts * servers.length;
        this.edns = edns;
    }

    int family() {
        return qtype == DnsCodec.TYPE_A ? LookupResult.FAMILY_IPV4 : LookupResult.FAMILY_IPV6;
    }

    void start() {
        startTry();
    }

    // ------------------------------------------------------------------ UDP

    private void startTry() {
        server = servers[(first + tryIndex) % servers.length];
        id = resolver.randomId();
        queryLength = DnsCodec.encodeQuery(query, id, name, qtype, edns ? resolver.ednsUdpSize : 0);
        phase = PHASE_UDP;
        resolver.schedule(this, resolver.timeoutNs);
        try {
            InetAddress address = server.getAddress();
            DatagramChannel channel = DatagramChannel.open(
                address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            udp = channel;
            channel.configureBlocking(false);
            resolver.bindRandomPort(channel, address instanceof Inet6Address);
            channel.connect(server);
            channel.register(resolver.host.selector(), SelectionKey.OP_READ, this);
            if (channel.write(ByteBuffer.wrap(query, 0, queryLength)) == 0) {
                interest(channel.keyFor(resolver.host.selector()), SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } catch (PortUnreachableException e) {
            failTry(LookupResult.NETWORK_ERROR, "port unreachable at " + text(server));
        } catch (IOException | RuntimeException e) {
            failTry(LookupResult.NETWORK_ERROR, Resolver.describe(e) + " (" + text(server) + ")");
        }
    }

    void onSelected(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        int ready = key.readyOps();
        if (key.channel() == udp) {
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                resendUdp(key);
            }
            if ((ready & SelectionKey.OP_READ) != 0 || ready == 0) {
                readUdp();
            }
        } else if (key.channel() == tcp) {
            onTcpReady(key, ready);
        }
    }

    private void resendUdp(SelectionKey key) {
        try {
            if (udp.write(ByteBuffer.wrap(query, 0, queryLength)) > 0) {
                interest(key, SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            failTry(LookupResult.NETWORK_ERROR, Resolver.describe(e) + " (" + text(server) + ")");
        }
    }

    private void readUdp() {
        ByteBuffer rx = resolver.rx;
        for (int i = 0; i < DATAGRAMS_PER_EVENT && phase == PHASE_UDP && udp != null; i++) {
            rx.clear();
            SocketAddress from;
            try {
                from = udp.receive(rx);
            } catch (PortUnreachableException e) {
                failTry(LookupResult.NETWORK_ERROR, "port unreachable at " + text(server));
                return;
            } catch (IOException e) {
                failTry(LookupResult.NETWORK_ERROR, Resolver.describe(e) + " (" + text(server) + ")");
                return;
            }
            if (from == null) {
                return;
            }
            int length = rx.position();
            if (!server.equals(from) || !DnsCodec.answersQuery(resolver.rxBytes, 0, length, id, name, qtype)) {
                resolver.ignoredResponses++;
                continue;
            }
            onResponse(resolver.rxBytes, length, false);
            return;
        }
    }

    // ------------------------------------------------------------------ TCP

    private void startTcp() {
        closeChannels();
        id = resolver.randomId();
        queryLength = DnsCodec.encodeQuery(query, id, name, qtype, edns ? resolver.ednsUdpSize : 0);
        tcpOut = ByteBuffer.allocate(2 + queryLength);
        tcpOut.putShort((short) queryLength).put(query, 0, queryLength).flip();
        tcpLength.clear();
        tcpIn = null;
        resolver.schedule(this, resolver.timeoutNs);
        try {
            SocketChannel channel = SocketChannel.open();
            tcp = channel;
            channel.configureBlocking(false);
            channel.register(resolver.host.selector(), 0, this);
            if (channel.connect(server)) {
                phase = PHASE_TCP_WRITE;
                writeTcp(channel.keyFor(resolver.host.selector()));
            } else {
                phase = PHASE_TCP_CONNECT;
                interest(channel.keyFor(resolver.host.selector()), SelectionKey.OP_CONNECT);
            }
        } catch (IOException | RuntimeException e) {
            failTry(LookupResult.NETWORK_ERROR, "TCP: " + Resolver.describe(e) + " (" + text(server) + ")");
        }
    }

    private void onTcpReady(SelectionKey key, int ready) {
        try {
            if (phase == PHASE_TCP_CONNECT && (ready & SelectionKey.OP_CONNECT) != 0) {
                if (!tcp.finishConnect()) {
                    return;
                }
                phase = PHASE_TCP_WRITE;
            }
            if (phase == PHASE_TCP_WRITE) {
                writeTcp(key);
            } else if (phase == PHASE_TCP_READ) {
                readTcp();
            }
        } catch (IOException | RuntimeException e) {
            failTry(LookupResult.NETWORK_ERROR, "TCP: " + Resolver.describe(e) + " (" + text(server) + ")");
        }
    }

    private void writeTcp(SelectionKey key) throws IOException {
        tcp.write(tcpOut);
        if (tcpOut.hasRemaining()) {
            interest(key, SelectionKey.OP_WRITE);
            return;
        }
        phase = PHASE_TCP_READ;
        interest(key, SelectionKey.OP_READ);
    }

    private void readTcp() throws IOException {
        if (tcpIn == null) {
            if (tcp.read(tcpLength) < 0) {
                failTry(LookupResult.NETWORK_ERROR, "TCP: closed by " + text(server) + " before the answer");
                return;
            }
            if (tcpLength.hasRemaining()) {
                return;
            }
            int length = tcpLength.getShort(0) & 0xFFFF;
            if (length < DnsCodec.HEADER_BYTES) {
                failTry(LookupResult.MALFORMED, "TCP answer of " + length + " bytes from " + text(server));
                return;
            }
            tcpIn = ByteBuffer.allocate(length);
        }
        if (tcp.read(tcpIn) < 0) {
            failTry(LookupResult.NETWORK_ERROR, "TCP: closed by " + text(server) + " in the middle of the answer");
            return;
        }
        if (tcpIn.hasRemaining()) {
            return;
        }
        byte[] bytes = tcpIn.array();
        if (!DnsCodec.answersQuery(bytes, 0, bytes.length, id, name, qtype)) {
            // On our own connection a wrong id or question is the server's error, not a spoof.
            failTry(LookupResult.MALFORMED, "TCP answer from " + text(server) + " does not match the question");
            return;
        }
        onResponse(bytes, bytes.length, true);
    }

    // ------------------------------------------------------------------ answers

    private void onResponse(byte[] bytes, int length, boolean overTcp) {
        int flags = DnsCodec.u16(bytes, 2);
        if (!overTcp && (flags & DnsCodec.FLAG_TC) != 0) {
            startTcp(); // truncated: the same server, over TCP (RFC 7766)
            return;
        }
        if ((flags & 0xF) == DnsCodec.RCODE_FORMERR && edns) {
            edns = false; // an old server that does not know EDNS (RFC 6891 section 7)
            closeChannels();
            resolver.cancel(this);
            startTry();
            return;
        }
        DnsMessage message;
        try {
            message = DnsCodec.decode(bytes, 0, length);
        } catch (DnsFormatException e) {
            failTry(LookupResult.MALFORMED, e.getMessage() + " (from " + text(server) + ")");
            return;
        }
        DnsAnswer answer = DnsAnswer.of(message, name, qtype);
        if (answer.status == LookupResult.SERVFAIL || answer.status == LookupResult.REFUSED
            || answer.status == LookupResult.MALFORMED) {
            failTry(answer.status, answer.detail + " from " + text(server));
            return;
        }
        finish(answer);
    }

    @Override
    void onTimeout() {
        String where = text(server);
        if (silent.indexOf(where) < 0) {
            silent.append(silent.length() > 0 ? ", " : "").append(where);
        }
        failTry(LookupResult.TIMEOUT, null);
    }

    /** This try failed: remember why, then the next server (or the end). */
    private void failTry(int status, String detail) {
        if (status != LookupResult.TIMEOUT
            && (failure == LookupResult.TIMEOUT || failure == LookupResult.NETWORK_ERROR || status != LookupResult.NETWORK_ERROR)) {
            failure = status; // an answer (SERVFAIL, REFUSED, MALFORMED) says more than silence
            failureDetail = detail;
        }
        closeChannels();
        resolver.cancel(this);
        if (++tryIndex < maxTries) {
            startTry();
            return;
        }
        String detailText = failureDetail;
        if (failure == LookupResult.TIMEOUT) {
            detailText = "no answer from " + silent + " after " + maxTries + (maxTries == 1 ? " try" : " tries");
        }
        finish(DnsAnswer.failure(failure, detailText));
    }

    private void finish(DnsAnswer answer) {
        closeChannels();
        resolver.cancel(this);
        resolver.exchangeDone(this, answer);
    }

    @Override
    void abort() {
        closeChannels();
        resolver.cancel(this);
        resolver.exchangeDone(this, DnsAnswer.failure(LookupResult.CLOSED, null));
    }

    private void closeChannels() {
        if (udp != null) {
            Resolver.closeQuietly(udp);
            udp = null;
        }
        if (tcp != null) {
            Resolver.closeQuietly(tcp);
            tcp = null;
        }
        phase = 0;
    }

    private static void interest(SelectionKey key, int ops) {
        if (key != null && key.isValid()) {
            key.interestOps(ops);
        }
    }

    static String text(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        String host = a == null ? address.getHostString() : a.getHostAddress();
        return (a instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
