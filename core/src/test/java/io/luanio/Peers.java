package io.luanio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Real loopback peers for the tests: plain blocking java.net servers on their own threads. */
final class Peers {
    private Peers() {
    }

    /** A TCP server that runs one handler thread per accepted connection. */
    static final class TcpServer implements AutoCloseable {
        interface Handler {
            void handle(Socket socket) throws Exception;
        }

        final ServerSocket server;
        private final Thread acceptor;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        TcpServer(InetAddress bind, Handler handler) throws IOException {
            this(bind, handler, 0);
        }

        TcpServer(InetAddress bind, Handler handler, int port) throws IOException {
            this(bind, handler, port, 0);
        }

        /** @param receiveBuffer SO_RCVBUF for accepted sockets (0: the system's), set before bind so it applies */
        TcpServer(InetAddress bind, Handler handler, int port, int receiveBuffer) throws IOException {
            server = new ServerSocket();
            if (receiveBuffer > 0) {
                server.setReceiveBufferSize(receiveBuffer);
            }
            server.bind(new InetSocketAddress(bind, port), 64);
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        sockets.add(s);
                        Thread t = new Thread(() -> {
                            try {
                                handler.handle(s);
                            } catch (SocketException e) {
                                // peer went away: expected in fault tests
                            } catch (Throwable e) {
                                errors.add(e);
                            } finally {
                                closeQuietly(s);
                            }
                        }, "peer-conn");
                        t.setDaemon(true);
                        threads.add(t);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "peer-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static TcpServer echo() throws IOException {
            return new TcpServer(InetAddress.getLoopbackAddress(), Peers::echo);
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                closeQuietly(s);
            }
            try {
                acceptor.join(5000);
                for (Thread t : threads) {
                    t.join(5000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A listener that never accepts, its accept queue filled, so that further connects
     * hang in SYN_SENT (Linux drops SYNs for a full queue): the loopback way to time out.
     */
    static final class StalledListener implements AutoCloseable {
        final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();

        StalledListener() throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            for (int i = 0; i < 64; i++) {
                Socket s = new Socket();
                try {
                    s.connect(server.getLocalSocketAddress(), 200);
                    fillers.add(s);
                } catch (java.net.SocketTimeoutException e) {
                    s.close();
                    return;
                }
            }
            throw new IOException("could not fill the accept queue of a backlog-1 listener");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                closeQuietly(s);
            }
            server.close();
        }
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

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // ignore
        }
    }

    /**
     * The descriptor count once it stops moving (peers of earlier tests close their ends
     * asynchronously), or the last sample after a few seconds.
     */
    static int settledDescriptors() throws InterruptedException {
        int last = LifecycleTest.openFileDescriptors();
        for (int stable = 0, i = 0; stable < 5 && i < 200; i++) {
            Thread.sleep(20);
            int now = LifecycleTest.openFileDescriptors();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    /** Polls until the condition holds or the deadline passes. */
    static boolean eventually(long timeoutMs, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    /** Collects events from a context until a condition or timeout. */
    static final class Recorder implements EventHandler {
        final List<long[]> events = new ArrayList<>();

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            events.add(new long[] {type, socket, result, value});
        }

        long[] last() {
            return events.get(events.size() - 1);
        }
    }
}
