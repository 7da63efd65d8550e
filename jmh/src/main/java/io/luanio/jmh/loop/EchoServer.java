package io.luanio.jmh.loop;

import io.luanio.jmh.SelectorServer;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

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
public final class EchoServer extends SelectorServer {
    private static final int BUFFER_BYTES = 16 * 1024;

    private EchoServer() throws IOException {
        super("echo-server", 0);
    }

    /**
     * Binds an ephemeral port on 127.0.0.1 and starts serving.
     *
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static EchoServer start() throws IOException {
        EchoServer echo = new EchoServer();
        echo.startThread();
        return echo;
    }

    @Override
    protected void onKey(SelectionKey key) {
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
}
