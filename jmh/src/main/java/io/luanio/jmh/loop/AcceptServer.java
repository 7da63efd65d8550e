package io.luanio.jmh.loop;

import io.luanio.jmh.SelectorServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A minimal java.nio listener on 127.0.0.1 for connection-setup benchmarks: one thread,
 * one selector; it accepts every connection, keeps it, and closes it when the client
 * closes (end of stream), so the client side closes first and the TIME_WAIT state stays
 * with the client's ephemeral ports (Linux reuses those on loopback with
 * {@code net.ipv4.tcp_tw_reuse} 1 or 2), never with the listener's port.
 *
 * <p>Bytes a client sends are read and dropped into one shared buffer. Keys are handed
 * over by {@code Selector.select(Consumer)}; what an accept allocates (the channel and its
 * key) is the JDK's and the same for every client.
 */
public final class AcceptServer extends SelectorServer {
    private final ByteBuffer sink = ByteBuffer.allocateDirect(4096);
    private volatile long accepted;
    private volatile long closed;

    private AcceptServer() throws IOException {
        super("accept-server", 1024);
    }

    /**
     * Binds an ephemeral port on 127.0.0.1 (backlog 1024) and starts serving.
     *
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static AcceptServer start() throws IOException {
        AcceptServer s = new AcceptServer();
        s.startThread();
        return s;
    }

    /** @return connections accepted so far */
    public long accepted() {
        return accepted;
    }

    /** @return connections closed by their client (end of stream read) so far */
    public long closed() {
        return closed;
    }

    /**
     * Waits until exactly {@code connections} connections were accepted and closed by their
     * client.
     *
     * @param connections the connections the client completed
     * @param timeoutMs how long to wait for the last closes
     * @throws IllegalStateException when they do not come, or more came
     */
    public void awaitClosed(long connections, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (closed < connections && System.nanoTime() - deadline < 0 && failure() == null) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (closed != connections || accepted != connections) {
            throw new IllegalStateException("connections lost or invented: client=" + connections + ", accepted="
                + accepted + ", closed=" + closed + ", failure=" + failure());
        }
    }

    @Override
    protected void onKey(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                SocketChannel channel;
                while ((channel = server.accept()) != null) {
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ);
                    accepted++; // only this thread writes it
                }
            } else if (key.isReadable()) {
                int n = ((SocketChannel) key.channel()).read(sink.clear());
                if (n < 0) {
                    closeQuietly(key);
                    closed++; // only this thread writes it
                }
            }
        } catch (IOException e) {
            if (key.channel() != server) {
                closeQuietly(key); // that connection only: a reset counts as a close
                closed++;
            } else {
                fail(e);
            }
        }
    }
}
