package io.luanio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.tls.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Contexts whose events go to a handler on the loop thread
 * ({@link ContextConfig#handlerOnLoop}): the same events in the same order as through
 * {@code poll}, every call made from the loop thread, nothing lost when the ring
 * overflows, a throwing handler costs one report and nothing else.
 */
class HandlerOnLoopTest {
    private static final long WAIT_S = 10;

    /** A client that lives entirely in loop-thread callbacks: connect, N echoes, close. */
    private static final class EchoClient implements EventHandler {
        final CompletableFuture<String> done = new CompletableFuture<>();
        final List<String> foreignThreads = new ArrayList<>();
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        final ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        final Random random = new Random(42);
        final byte[] sink = new byte[70_000];
        final int rounds;
        final Thread loopThread;
        Context ctx;
        int id = -1;
        int sendCnfs;
        long confirmedBytes;
        int round;
        int expected; // bytes of the current round still to come back

        EchoClient(int rounds, Thread loopThread) {
            this.rounds = rounds;
            this.loopThread = loopThread;
        }

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            try {
                handle(type, socket, result, value);
            } catch (Throwable t) { // an assertion failure ends the test here, not the loop
                done.completeExceptionally(t);
            }
        }

        private void handle(int type, int socket, int result, long value) {
            if (Thread.currentThread() != loopThread) {
                foreignThreads.add(Thread.currentThread().getName());
            }
            switch (type) {
                case EventType.CONN_CNF:
                    if (result != 0) {
                        done.completeExceptionally(new AssertionError("connect failed: " + ctx.reason(socket)));
                        return;
                    }
                    sendNext();
                    break;
                case EventType.SEND_CNF:
                    assertEquals(0, result);
                    sendCnfs++;
                    confirmedBytes += value;
                    break;
                case EventType.RECV_IND:
                    int n;
                    while ((n = ctx.recv(socket, sink, 0, sink.length)) > 0) {
                        echoed.write(sink, 0, n);
                        expected -= n;
                    }
                    if (expected == 0) {
                        if (++round == rounds) {
                            ctx.close(id);
                        } else {
                            sendNext();
                        }
                    }
                    break;
                case EventType.CLOSE_CNF:
                    assertTrue(ctx.destroy(socket));
                    done.complete("closed");
                    break;
                default:
                    done.completeExceptionally(new AssertionError("unexpected " + EventType.name(type) + " result=" + result));
            }
        }

        private void sendNext() {
            // Sizes from 1 byte to 64 KiB, so some rounds cross pages and come back in pieces.
            int size = 1 + random.nextInt(round % 10 == 0 ? 65536 : 512);
            byte[] message = new byte[size];
            random.nextBytes(message);
            sent.write(message, 0, size);
            expected = size;
            assertEquals(ErrorCode.ERR_OK, ctx.send(id, message));
        }
    }

    @Test
    void aClientLivesInLoopThreadCallbacksAndGetsEveryByteBackInOrder() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); EventLoop loop = EventLoop.start()) {
            Thread loopThread = loopThread(loop);
            EchoClient client = new EchoClient(500, loopThread);
            Context ctx = loop.newContext(new ContextConfig().handlerOnLoop(client));
            client.ctx = ctx;
            assertTrue(loop.execute(() -> client.id = ctx.connect(SocketType.TCP, "127.0.0.1", server.port())));

            assertEquals("closed", client.done.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(List.of(), client.foreignThreads, "every event is delivered on the loop thread");
            assertArrayEquals(client.sent.toByteArray(), client.echoed.toByteArray(), "every byte, in order");
            assertEquals(500, client.sendCnfs, "one SEND_CNF per send");
            assertEquals(client.sent.size(), client.confirmedBytes);
        }
    }

    @Test
    void aTlsClientOnTheLoopThreadVerifiesTheServerAndGetsEveryByteBack() throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo(); EventLoop loop = EventLoop.start()) {
            Thread loopThread = loopThread(loop);
            EchoClient client = new EchoClient(200, loopThread);
            Context ctx = loop.newContext(new ContextConfig().handlerOnLoop(client));
            client.ctx = ctx;
            ConnectOptions options = new ConnectOptions().tls(new TlsOptions().trustPem(TlsPeers.pem("ca.pem")));
            assertTrue(loop.execute(() -> client.id = ctx.connect(SocketType.SSL, "127.0.0.1", server.port(), options)));

            assertEquals("closed", client.done.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(List.of(), client.foreignThreads);
            assertArrayEquals(client.sent.toByteArray(), client.echoed.toByteArray(), "every byte, in order, through TLS");
            assertEquals(200, client.sendCnfs);
        }
    }

    @Test
    void pollDrainAndNextAreRefused() {
        try (EventLoop loop = EventLoop.start()) {
            Context ctx = loop.newContext(new ContextConfig().handlerOnLoop((type, socket, result, value) -> { }));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.poll((t, s, r, v) -> { }, 1, 0));
            assertTrue(e.getMessage().contains("handlerOnLoop"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> ctx.drain((t, s, r, v) -> { }, 1));
            assertThrows(IllegalStateException.class, () -> ctx.next(new Event(), 0));
        }
    }

    @Test
    void moreEventsInOneTurnThanTheRingHoldsAreAllDeliveredInOrder() throws Exception {
        int timers = 2_000; // against a 16-record ring: the loop holds most of them aside
        List<Long> fired = new ArrayList<>();
        CompletableFuture<Void> all = new CompletableFuture<>();
        try (EventLoop loop = EventLoop.start()) {
            Context ctx = loop.newContext(new ContextConfig().eventRingCapacity(16).handlerOnLoop((type, socket, result, value) -> {
                if (type == EventType.TIMER) {
                    fired.add(value);
                    if (fired.size() == timers) {
                        all.complete(null);
                    }
                }
            }));
            // One task starts them all with the same delay: they come due together.
            assertTrue(loop.execute(() -> {
                for (long t = 1; t <= timers; t++) {
                    assertTrue(ctx.startTimer(t, 50));
                }
            }));
            all.get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(timers, fired.size());
            assertEquals(timers, new HashSet<>(fired).size(), "each timer fired once");
            Long[] sorted = fired.toArray(new Long[0]);
            Arrays.sort(sorted);
            assertEquals(1L, sorted[0]);
            assertEquals((long) timers, sorted[timers - 1]);
        }
    }

    @Test
    void aThrowingHandlerIsReportedAndTheNextEventStillComes() throws Exception {
        ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        try (EventLoop loop = EventLoop.start(new EventLoopConfig().errorHandler(reported::add))) {
            Context ctx = loop.newContext(new ContextConfig().handlerOnLoop((type, socket, result, value) -> {
                if (type == EventType.TIMER && value == 1) {
                    throw new IllegalStateException("handler bug");
                }
                if (type == EventType.TIMER && value == 2) {
                    throw new AssertionError("handler assertion"); // an Error, still one event's failure
                }
                if (type == EventType.TIMER && value == 3) {
                    second.complete(value);
                }
            }));
            assertTrue(loop.execute(() -> {
                ctx.startTimer(1, 1);
                ctx.startTimer(2, 20);
                ctx.startTimer(3, 40);
            }));
            assertEquals(3L, second.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(2, reported.size());
            assertEquals("handler bug", reported.poll().getMessage());
            assertEquals("handler assertion", reported.poll().getMessage());
        }
    }

    @Test
    void executeRunsTasksInOrderOnTheLoopThreadAndReportsTheirFailures() throws Exception {
        ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
        List<Integer> order = new ArrayList<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CompletableFuture<Void> last = new CompletableFuture<>();
        EventLoop loop = EventLoop.start(new EventLoopConfig().errorHandler(reported::add));
        try {
            for (int i = 0; i < 100; i++) {
                int n = i;
                assertTrue(loop.execute(() -> {
                    ranOn.set(Thread.currentThread());
                    order.add(n);
                    if (n == 50) {
                        throw new IllegalArgumentException("task 50");
                    }
                    if (n == 60) {
                        throw new AssertionError("task 60");
                    }
                }));
            }
            assertTrue(loop.execute(() -> last.complete(null)));
            last.get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(loop.threadName(), ranOn.get().getName());
            assertEquals(100, order.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(i, order.get(i));
            }
            assertEquals(2, reported.size(), "both failing tasks reported, the loop still running");
            assertEquals("task 50", reported.poll().getMessage());
            assertEquals("task 60", reported.poll().getMessage());
            assertThrows(NullPointerException.class, () -> loop.execute(null));
        } finally {
            loop.close();
        }
        assertFalse(loop.execute(() -> { }), "a closed loop takes no task");
    }

    @Test
    void closingAContextFromItsOwnHandlerClosesItsSockets() throws Exception {
        try (Peers.TcpServer server = Peers.TcpServer.echo(); EventLoop loop = EventLoop.start()) {
            CompletableFuture<Void> connected = new CompletableFuture<>();
            Context[] box = new Context[1];
            Context ctx = loop.newContext(new ContextConfig().handlerOnLoop((type, socket, result, value) -> {
                if (type == EventType.CONN_CNF && result == 0) {
                    box[0].close(); // on the loop thread: must not wait for itself
                    connected.complete(null);
                }
            }));
            box[0] = ctx;
            assertTrue(loop.execute(() -> ctx.connect(SocketType.TCP, "127.0.0.1", server.port())));
            connected.get(WAIT_S, TimeUnit.SECONDS);
            assertTrue(Peers.eventually(5_000, ctx::isClosed));
            assertTrue(Peers.eventually(5_000, () -> ctx.socketCount.get() == 0), "the context's socket was released");
        }
    }

    private static Thread loopThread(EventLoop loop) throws Exception {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        assertTrue(loop.execute(() -> thread.complete(Thread.currentThread())));
        return thread.get(WAIT_S, TimeUnit.SECONDS);
    }
}
