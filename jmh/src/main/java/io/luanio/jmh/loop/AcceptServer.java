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
public final class AcceptServer implements AutoCloseable {
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final ByteBuffer sink = ByteBuffer.allocateDirect(4096);
    private final Consumer<SelectionKey> onKey = this::onKey;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long accepted;
    private volatile long closed;

    private AcceptServer() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "accept-server");
        thread.setDaemon(true);
    }

    /**
     * Binds an ephemeral port on 127.0.0.1 (backlog 1024) and starts serving.
     *
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static AcceptServer start() throws IOException {
        AcceptServer s = new AcceptServer();
        s.thread.start();
        return s;
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
        while (closed < connections && System.nanoTime() - deadline < 0 && failure == null) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (closed != connections || accepted != connections) {
            throw new IllegalStateException("connections lost or invented: client=" + connections + ", accepted="
                + accepted + ", closed=" + closed + ", failure=" + failure);
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
                failure = e;
            }
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
