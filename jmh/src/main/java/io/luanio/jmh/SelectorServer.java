package io.luanio.jmh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.function.Consumer;

/**
 * What the benchmarks' one-thread servers share: a non-blocking listener on an ephemeral
 * 127.0.0.1 port, one selector, one daemon thread handing every ready key to
 * {@link #onKey(SelectionKey)} through {@code Selector.select(Consumer)} (nothing allocated
 * per key), and a {@link #close()} that stops the thread and closes every channel. A
 * subclass decides what a connection does.
 *
 * <p>A subclass's static factory constructs it, then calls {@link #startThread()}: the
 * thread must not start before the subclass's own fields are set.
 */
public abstract class SelectorServer implements AutoCloseable {
    /** The server's selector; the listener is registered for {@code OP_ACCEPT}. */
    protected final Selector selector;
    /** The listening channel. */
    protected final ServerSocketChannel server;
    private final Thread thread;
    private final Consumer<SelectionKey> onKey = this::onKey;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /**
     * Binds the listener and makes (does not start) the thread.
     *
     * @param threadName the server thread's name
     * @param backlog the listen backlog, 0 for the platform's default
     * @throws IOException when the port cannot be bound
     */
    protected SelectorServer(String threadName, int backlog) throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /** Starts serving; called once by the subclass's factory after construction. */
    protected final void startThread() {
        thread.start();
    }

    /**
     * @return the port the server listens on
     * @throws IOException when the channel is closed
     */
    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** @return what stopped the server thread or failed a connection, or null */
    public Throwable failure() {
        return failure;
    }

    /**
     * Records a failure for {@link #failure()}.
     *
     * @param e what failed
     */
    protected final void fail(Throwable e) {
        failure = e;
    }

    /** @return false once {@link #close()} has begun */
    protected final boolean running() {
        return running;
    }

    /**
     * Handles one ready key, on the server thread.
     *
     * @param key the listener's key or a connection's
     */
    protected abstract void onKey(SelectionKey key);

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

    /**
     * Cancels a key and closes its channel, ignoring what closing throws.
     *
     * @param key the key
     */
    protected static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
