package io.luanio.jmh.loop;

import io.luanio.jmh.SelectorServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A minimal java.nio discard server on 127.0.0.1: one thread, one selector, non-blocking
 * channels; every byte a connection sends is read and dropped, and counted.
 *
 * <p>All connections read into one 256 KiB direct buffer (the bytes are dropped, so they
 * can share it); a readable connection is read until the kernel has nothing more or the
 * buffer came back less than full. Keys are handed over by
 * {@code Selector.select(Consumer)}, so reading allocates nothing here: the server adds
 * no garbage to what a benchmark measures with {@code -prof gc}.
 *
 * <p>{@link #received()} and {@link #closedConnections()} let a client check, after it
 * closed, that every byte it sent arrived.
 */
public final class DiscardServer extends SelectorServer {
    private static final int BUFFER_BYTES = 256 * 1024;

    private final ByteBuffer sink = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private volatile long received;
    private volatile int closedConnections;

    private DiscardServer() throws IOException {
        super("discard-server", 0);
    }

    /**
     * Binds an ephemeral port on 127.0.0.1 and starts serving.
     *
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static DiscardServer start() throws IOException {
        DiscardServer discard = new DiscardServer();
        discard.startThread();
        return discard;
    }

    /** @return bytes read and dropped so far, over every connection */
    public long received() {
        return received;
    }

    /** @return connections whose peer closed (end of stream read) */
    public int closedConnections() {
        return closedConnections;
    }

    /**
     * Waits until {@code connections} peers have closed, then tells whether exactly
     * {@code expectedBytes} arrived in all.
     *
     * @param connections how many connections must have been closed by their peer
     * @param expectedBytes the bytes the clients sent
     * @param timeoutMs how long to wait for the closes
     * @throws IllegalStateException when the closes do not come or the count differs
     */
    public void awaitClosed(int connections, long expectedBytes, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (closedConnections < connections) {
            if (System.nanoTime() - deadline > 0 || failure() != null) {
                throw new IllegalStateException("discard server saw " + closedConnections + " of " + connections
                    + " closes: received=" + received + ", expected=" + expectedBytes + ", failure=" + failure());
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (received != expectedBytes) {
            throw new IllegalStateException("bytes lost or invented: received=" + received + ", expected=" + expectedBytes);
        }
    }

    @Override
    protected void onKey(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                SocketChannel channel = server.accept();
                if (channel != null) {
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ);
                }
            } else if (key.isReadable()) {
                drain(key);
            }
        } catch (IOException e) {
            closeQuietly(key); // that connection only
        }
    }

    /** Reads until the kernel has nothing more (a short read says so). */
    private void drain(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        long total = received; // only this thread writes it
        int n;
        do {
            sink.clear();
            n = channel.read(sink);
            if (n > 0) {
                total += n;
            }
        } while (n == BUFFER_BYTES);
        received = total;
        if (n < 0) {
            closeQuietly(key);
            closedConnections++; // only this thread writes it
        }
    }
}
