package io.luanio.jmh.tls;

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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * A TLS echo server on 127.0.0.1 with one thread for every connection: one selector,
 * non-blocking channels, an {@link SSLEngine} per connection ({@link EngineChannel}), every
 * plaintext byte wrapped and written back in order. Unlike {@link TlsEchoServer} (a thread
 * per connection), it does not spend a thread per socket, so with 64 connections the
 * server is not what limits the clients more on one side than the other.
 *
 * <p>Same certificate and SSLContext settings as {@link TlsEchoServer} (session tickets on).
 */
final class TlsLoopEchoServer implements AutoCloseable {
    private final Selector selector;
    private final ServerSocketChannel server;
    private final SSLContext context;
    private final Thread thread;
    private final Consumer<SelectionKey> onKey = this::onKey;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private TlsLoopEchoServer() throws IOException {
        context = TlsEchoServer.serverContext();
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "tls-loop-echo");
        thread.setDaemon(true);
    }

    /** @return a running server on an ephemeral port */
    static TlsLoopEchoServer start() throws IOException {
        TlsLoopEchoServer echo = new TlsLoopEchoServer();
        echo.thread.start();
        return echo;
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** @return what failed a connection or stopped the thread, or null */
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
                if (key.attachment() instanceof EngineChannel) {
                    ((EngineChannel) key.attachment()).close();
                }
            }
        }
    }

    private void onKey(SelectionKey key) {
        if (key.isAcceptable()) {
            accept();
            return;
        }
        EngineChannel c = (EngineChannel) key.attachment();
        try {
            if (key.isWritable()) {
                if (c.flush()) {
                    c.pump(); // the engine, and plaintext, may wait behind the ciphertext just written
                    echo(c);
                }
            } else if (key.isReadable()) {
                boolean full;
                do {
                    full = c.read();
                    echo(c);
                } while (full && !c.writePending());
                if (c.closed()) {
                    c.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure = e;
            }
            c.close(); // that connection only
        }
    }

    private void accept() {
        try {
            SocketChannel channel = server.accept();
            if (channel == null) {
                return;
            }
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            engine.beginHandshake();
            new EngineChannel(channel, engine, selector);
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Wraps and writes back the plaintext received so far (what netOut has room for). */
    private static void echo(EngineChannel c) throws IOException {
        ByteBuffer plain = c.appIn;
        if (plain.position() == 0) {
            return;
        }
        plain.flip();
        try {
            c.send(plain);
        } finally {
            plain.compact();
        }
    }

    /** Stops the thread, closes every connection and waits for the thread to end. */
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
}
