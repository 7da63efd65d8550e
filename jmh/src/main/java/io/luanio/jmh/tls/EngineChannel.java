package io.luanio.jmh.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * One non-blocking TLS connection driven by hand: a {@link SocketChannel} on a caller's
 * {@link Selector} and an {@link SSLEngine}, with three direct buffers allocated once. The
 * hand-written side of {@link TlsRequestResponseBenchmark} (its baseline client and its
 * echo server) is built from it, so both sides of the baseline do the least a careful
 * programmer would: one read per readiness event, unwrap straight into the plaintext
 * buffer, wrap up to four records per write.
 *
 * <p>Interest follows the usual rule: {@code OP_WRITE} (and nothing else) while ciphertext
 * waits for the kernel, {@code OP_READ} otherwise; so a peer that stops reading stops this
 * side reading too, and nothing grows.
 */
final class EngineChannel {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SocketChannel channel;
    final SSLEngine engine;
    final SelectionKey key;
    /** Ciphertext read and not yet unwrapped (write mode). */
    final ByteBuffer netIn;
    /** Ciphertext wrapped and not yet written (write mode). */
    final ByteBuffer netOut;
    /** Plaintext unwrapped and not yet taken by the owner (write mode). */
    final ByteBuffer appIn;
    /** Plaintext bytes the owner counted and has not yet matched to a message (the owner's own field). */
    long received;
    private final int packetBytes;
    private int interest = SelectionKey.OP_READ;
    private boolean closed;

    /**
     * Registers the channel (already non-blocking) for {@code OP_READ}, with this as the
     * key's attachment.
     */
    EngineChannel(SocketChannel channel, SSLEngine engine, Selector selector) throws IOException {
        this.channel = channel;
        this.engine = engine;
        this.packetBytes = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocateDirect(Math.max(64 * 1024, 2 * packetBytes));
        this.netOut = ByteBuffer.allocateDirect(4 * packetBytes);
        this.appIn = ByteBuffer.allocateDirect(64 * 1024 + 2 * engine.getSession().getApplicationBufferSize());
        this.key = channel.register(selector, SelectionKey.OP_READ, this);
    }

    /** @return true once the handshake is over (post-handshake messages are handled in {@link #pump()}) */
    boolean handshakeDone() {
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        return hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || hs == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** @return true once the peer's close_notify or end of stream was seen */
    boolean closed() {
        return closed;
    }

    /**
     * Reads what the kernel has, then {@link #pump()}s.
     *
     * @return true when the plaintext buffer filled up: take from it and pump again
     * @throws IOException when the connection or the engine fails
     */
    boolean read() throws IOException {
        int n = channel.read(netIn);
        if (n < 0) {
            closed = true;
            return false;
        }
        return pump();
    }

    /**
     * Moves the engine on as far as the buffers allow: runs its tasks, wraps what it must
     * send (the handshake, session tickets), unwraps every whole record into
     * {@link #appIn}.
     *
     * @return true when it stopped because {@link #appIn} is full
     * @throws IOException when the engine fails or a write fails
     */
    boolean pump() throws IOException {
        for (;;) {
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                continue;
            }
            if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                if (netOut.remaining() < packetBytes && !flush()) {
                    return false; // OP_WRITE brings us back
                }
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                if (r.getStatus() != SSLEngineResult.Status.OK
                    || (r.bytesProduced() == 0 && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP)) {
                    throw new IOException("wrap made no progress: " + r); // never spin
                }
                flush();
                continue;
            }
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (r.getStatus()) {
                case BUFFER_UNDERFLOW:
                    return false;
                case BUFFER_OVERFLOW:
                    return true;
                case CLOSED:
                    closed = true;
                    return false;
                default:
                    break;
            }
            hs = r.getHandshakeStatus();
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                && hs != SSLEngineResult.HandshakeStatus.NEED_WRAP && hs != SSLEngineResult.HandshakeStatus.NEED_TASK) {
                return false;
            }
        }
    }

    /**
     * Wraps plaintext from {@code src} (as much as netOut has room for) and writes.
     *
     * @return true when every byte of {@code src} was wrapped
     * @throws IOException when the engine or the write fails
     */
    boolean send(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (netOut.remaining() < packetBytes && !flush()) {
                return false;
            }
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new IOException("wrap: " + r);
            }
        }
        flush();
        return true;
    }

    /**
     * Writes the waiting ciphertext; waits for {@code OP_WRITE} while some is left.
     *
     * @return true when nothing is left
     * @throws IOException when the write fails
     */
    boolean flush() throws IOException {
        if (netOut.position() > 0) {
            netOut.flip();
            channel.write(netOut);
            netOut.compact();
        }
        boolean empty = netOut.position() == 0;
        int wanted = empty ? SelectionKey.OP_READ : SelectionKey.OP_WRITE;
        if (wanted != interest) {
            interest = wanted;
            key.interestOps(wanted);
        }
        return empty;
    }

    /** @return true while ciphertext waits for the kernel */
    boolean writePending() {
        return netOut.position() > 0;
    }

    /** Closes the channel (no close_notify: the benchmark is over). */
    void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
