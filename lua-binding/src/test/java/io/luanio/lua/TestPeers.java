package io.luanio.lua;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Real loopback peers for the binding tests: blocking java.net servers on daemon threads. */
final class TestPeers {
    private TestPeers() {
    }

    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    static final class Server implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        Server(Handler handler) throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        sockets.add(s);
                        Thread t = new Thread(() -> {
                            try {
                                handler.handle(s);
                            } catch (SocketException e) {
                                // the script closed or reset: fine for these peers
                            } catch (Throwable e) {
                                errors.add(e);
                            } finally {
                                try {
                                    s.close();
                                } catch (IOException e) {
                                    // ignore
                                }
                            }
                        }, "lua-test-peer");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "lua-test-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    static Server echo() throws IOException {
        return new Server(TestPeers::echo);
    }

    static void echo(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        s.shutdownOutput();
    }
}
