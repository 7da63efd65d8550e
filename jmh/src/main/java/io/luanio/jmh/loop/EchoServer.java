package io.luanio.jmh.loop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * A minimal java.nio echo server on 127.0.0.1: one thread, one selector, non-blocking
 * channels; every byte a connection sends is written back to it, in order.
 *
 * <p>Each connection has one direct buffer, allocated when it is accepted. A turn reads
 * what arrived and writes it straight back; bytes the kernel does not take yet stay in
 * the buffer and the connection waits for {@code OP_WRITE} (and reads nothing) until
 * they are out. Keys are handed over by {@code Selector.select(Consumer)}, so a round
 * trip allocates nothing here either: the server adds no garbage to what a benchmark
 * measures with {@code -prof gc}.
 */
public final class EchoServer implements AutoCloseable {
    private static final int BUFFER_BYTES = 16 * 1024;

    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final Consumer<SelectionKey> onKey = this::onKey;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private EchoServer() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "echo-server");
        thread.setDaemon(true);
    }

    /**
     * Binds an ephemeral port on 127.0.0.1 and starts serving.
     *
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static EchoServer start() throws IOException {
        EchoServer echo = new EchoServer();
        echo.thread.start();
        return echo;
    }

    /** @return the port the server listens on */
    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** @return what stopped the server thread, or null while it runs or stopped cleanly */
    Throwable failure() {
        return failure;
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
                accept();
            } else if (key.isWritable()) {
                flush(key, (ByteBuffer) key.attachment());
            } else if (key.isReadable()) {
                echo(key, (ByteBuffer) key.attachment());
            }
        } catch (IOException e) {
            closeQuietly(key); // that connection only
        }
    }

    private void accept() throws IOException {
        SocketChannel channel = server.accept();
        if (channel == null) {
            return;
        }
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(BUFFER_BYTES));
    }

    /** Reads what arrived, then writes it back. */
    private void echo(SelectionKey key, ByteBuffer buffer) throws IOException {
        int n = ((SocketChannel) key.channel()).read(buffer);
        if (n < 0) {
            closeQuietly(key);
            return;
        }
        flush(key, buffer);
    }

    /** Writes the buffer's bytes; waits for OP_WRITE while some are left, else for OP_READ. */
    private void flush(SelectionKey key, ByteBuffer buffer) throws IOException {
        buffer.flip();
        ((SocketChannel) key.channel()).write(buffer);
        buffer.compact();
        key.interestOps(buffer.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
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
