package io.luanio.jmh.loop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
public final class DiscardServer implements AutoCloseable {
    private static final int BUFFER_BYTES = 256 * 1024;

    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final ByteBuffer sink = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final Consumer<SelectionKey> onKey = this::onKey;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long received;
    private volatile int closedConnections;

    private DiscardServer() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "discard-server");
        thread.setDaemon(true);
    }

    /**
     * Binds an ephemeral port on 127.0.0.1 and starts serving.
     *
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static DiscardServer start() throws IOException {
        DiscardServer discard = new DiscardServer();
        discard.thread.start();
        return discard;
    }

    /**
     * @return the port the server listens on
     * @throws IOException when the channel is closed
     */
    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** @return what stopped the server thread, or null while it runs or stopped cleanly */
    public Throwable failure() {
        return failure;
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
            if (System.nanoTime() - deadline > 0 || failure != null) {
                throw new IllegalStateException("discard server saw " + closedConnections + " of " + connections
                    + " closes: received=" + received + ", expected=" + expectedBytes + ", failure=" + failure);
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

    private void run() {
        try {
            while (running) {
                selector.select(onKey);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
        }
    }

    private void onKey(SelectionKey key) {
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

    /** Stops the thread, closes every channel and waits for the thread to end. */
    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        selector.close();
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
