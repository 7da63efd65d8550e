package io.luanio.jmh.tls;

import io.luanio.jmh.SelectorServer;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
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
final class TlsLoopEchoServer extends SelectorServer {
    private final SSLContext context;

    private TlsLoopEchoServer() throws IOException {
        super("tls-loop-echo", 1024);
        context = TlsEchoServer.serverContext();
    }

    /** @return a running server on an ephemeral port */
    static TlsLoopEchoServer start() throws IOException {
        TlsLoopEchoServer echo = new TlsLoopEchoServer();
        echo.startThread();
        return echo;
    }

    @Override
    protected void onKey(SelectionKey key) {
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
            if (running()) {
                fail(e);
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
            fail(e);
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
}
