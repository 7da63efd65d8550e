package io.luanio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * A plain java.nio echo server in its own JVM, for tests that measure the client side alone
 * (and need more descriptors than one process may hold for both ends). One thread, one
 * selector, a 4 KiB buffer per connection that has bytes in flight. Prints its port on the
 * first line, then serves until its standard input closes.
 */
public final class EchoServerMain {
    private EchoServerMain() {
    }

    /**
     * Runs the server.
     *
     * @param args unused
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        System.out.println(((InetSocketAddress) server.getLocalAddress()).getPort());
        System.out.flush();
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent holds our stdin open while it needs us
                }
            } catch (IOException e) {
                // parent gone
            }
            System.exit(0);
        });
        watcher.setDaemon(true);
        watcher.start();
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        for (;;) {
            selector.select();
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                try {
                    if (key.isAcceptable()) {
                        SocketChannel c;
                        while ((c = server.accept()) != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        SocketChannel c = (SocketChannel) key.channel();
                        buffer.clear();
                        int n = c.read(buffer);
                        if (n < 0) {
                            key.cancel();
                            c.close();
                            continue;
                        }
                        buffer.flip();
                        while (buffer.hasRemaining()) {
                            c.write(buffer); // small echoes: the kernel takes them at once
                        }
                    }
                } catch (IOException e) {
                    key.cancel();
                    key.channel().close();
                }
            }
        }
    }
}
