package io.luanio.lua;

import io.luanio.Context;
import io.luanio.EventHandler;
import io.luanio.EventLoop;
import io.luanio.EventType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.luaj.vm2.LuaError;

/**
 * One script's place on the shared loop: its {@link Context}, its options, and the
 * routing of its events between the modules that consume them.
 *
 * <p>The Luat API reads events through {@code rtos.receive}; the blocking {@code socket}
 * module waits for the events of its own sockets. Both share the script's one context, so
 * events are routed: a socket that a blocking module {@link #claim claimed} has its events
 * delivered to that module's sink, every other event waits in a queue for
 * {@link #nextEvent}. Nothing is dropped either way.
 *
 * <p>Like the context, a host belongs to its script's thread (LuaJ runs coroutines on other
 * Java threads, but only one of them runs at a time, handing over with happens-before).
 */
public final class ScriptHost implements AutoCloseable {
    /** Receives the events of a claimed socket. */
    public interface EventSink {
        /**
         * One event of a claimed socket.
         *
         * @param type the event type
         * @param socket the socket id
         * @param result the result
         * @param value the value
         */
        void onEvent(int type, int socket, int result, long value);
    }

    private final EventLoop loop;
    private final Context context;
    private final ScriptOptions options;
    private final long startNanos = System.nanoTime();
    private final ArrayDeque<ScriptEvent> queued = new ArrayDeque<>();
    private final Map<Integer, EventSink> claims = new HashMap<>();
    private final Map<Integer, EventSink> lookupClaims = new HashMap<>();
    private final List<AutoCloseable> cleanups = new ArrayList<>();
    private final Router router = new Router();
    private volatile ScriptExit exit;
    private boolean closed;
    // written by the script's thread (one at a time), read by the runner's summary
    private volatile long socketsOpened;
    private volatile long bytesSent;
    private volatile long bytesReceived;

    /**
     * Creates a host with a new context on {@code loop}.
     *
     * @param loop the shared loop
     * @param options the script's options
     */
    public ScriptHost(EventLoop loop, ScriptOptions options) {
        this.loop = loop;
        this.options = options;
        this.context = loop.newContext(options.contextConfig());
    }

    /** @return the script's context */
    public Context context() {
        return context;
    }

    /** @return the loop the script runs on */
    public EventLoop loop() {
        return loop;
    }

    /** @return the script's options */
    public ScriptOptions options() {
        return options;
    }

    /** @return {@link System#nanoTime()} when the script started */
    public long startNanos() {
        return startNanos;
    }

    /**
     * Routes a socket's events to a sink instead of the queue.
     *
     * @param socket the socket id
     * @param sink where its events go
     */
    public void claim(int socket, EventSink sink) {
        claims.put(socket, sink);
    }

    /**
     * Stops routing a socket's events to its sink.
     *
     * @param socket the socket id
     */
    public void release(int socket) {
        claims.remove(socket);
    }

    /**
     * Routes a lookup's {@code LOOKUP_CNF} to a sink instead of the queue (lookup ids and
     * socket ids are separate spaces).
     *
     * @param lookupId the lookup id
     * @param sink where its event goes
     */
    public void claimLookup(int lookupId, EventSink sink) {
        lookupClaims.put(lookupId, sink);
    }

    /**
     * Stops routing a lookup's event to its sink.
     *
     * @param lookupId the lookup id
     */
    public void releaseLookup(int lookupId) {
        lookupClaims.remove(lookupId);
    }

    /**
     * The next event that no sink claimed, waiting up to {@code timeoutMs}.
     *
     * @param timeoutMs milliseconds; negative waits forever
     * @return the event, or null on timeout
     * @throws LuaError when the loop was closed under the script
     */
    public ScriptEvent nextEvent(long timeoutMs) {
        checkExit();
        ScriptEvent ev = queued.poll();
        if (ev != null) {
            return ev;
        }
        long deadline = timeoutMs < 0 ? -1 : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        pumpUntil(() -> !queued.isEmpty(), deadline);
        return queued.poll();
    }

    /**
     * Delivers events (to sinks and the queue) until {@code done} holds or the deadline
     * passes. Blocks only the calling script.
     *
     * @param done checked after each batch of events
     * @param deadlineNanos a {@link System#nanoTime()} deadline, or negative for none
     * @return the final value of {@code done}
     * @throws LuaError when the loop was closed under the script
     */
    public boolean pumpUntil(BooleanSupplier done, long deadlineNanos) {
        while (!done.getAsBoolean()) {
            checkExit();
            long waitMs;
            if (deadlineNanos < 0) {
                waitMs = -1;
            } else {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return done.getAsBoolean();
                }
                waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
            }
            int n = context.poll(router, 64, waitMs);
            if (n == Context.CLOSED) {
                throw new LuaError("luanio: the event loop was closed");
            }
            if (n == 0 && Thread.currentThread().isInterrupted()) {
                throw new LuaError("luanio: the script was interrupted");
            }
        }
        return true;
    }

    /**
     * Ends the script: raises {@link ScriptExit} now and again at the next wait, so a
     * {@code pcall} or a coroutine boundary cannot swallow it.
     *
     * @param status exit status
     * @param message why, or null
     * @return never returns normally
     */
    public ScriptExit requestExit(int status, String message) {
        ScriptExit e = new ScriptExit(status, message);
        exit = e;
        throw e;
    }

    /** Throws the requested exit, if any. */
    public void checkExit() {
        ScriptExit e = exit;
        if (e != null) {
            throw e;
        }
    }

    /** @return the requested exit, or null */
    public ScriptExit requestedExit() {
        return exit;
    }

    /**
     * Registers something to close when the script ends (a socket the script forgot).
     *
     * @param resource the resource
     */
    public void onClose(AutoCloseable resource) {
        cleanups.add(resource);
    }

    /**
     * Forgets a resource registered with {@link #onClose}.
     *
     * @param resource the resource
     */
    public void forget(AutoCloseable resource) {
        cleanups.remove(resource);
    }

    /**
     * Counts bytes a module handed to the script ({@code sock_recv}, {@code sock:recv}).
     *
     * @param n bytes received
     */
    public void countReceived(long n) {
        bytesReceived += n;
    }

    /** @return sockets this script opened: connected, listening or accepted */
    public long socketsOpened() {
        return socketsOpened;
    }

    /** @return bytes the network took from this script's sockets (confirmed sends) */
    public long bytesSent() {
        return bytesSent;
    }

    /** @return bytes this script received ({@link #countReceived}) */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Closes what the script left open, then its context. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).close();
            } catch (Exception e) {
                // the script is over: a failing cleanup must not hide the others
            }
        }
        cleanups.clear();
        context.close();
    }

    /** Sends claimed sockets' events to their sinks, queues the rest. */
    private final class Router implements EventHandler {
        @Override
        public void onEvent(int type, int socket, int result, long value) {
            if ((type == EventType.CONN_CNF && result == 0) || type == EventType.ACCEPT_IND) {
                socketsOpened++;
            } else if (type == EventType.SEND_CNF && result == 0) {
                bytesSent += value;
            }
            Map<Integer, EventSink> routes = type == EventType.LOOKUP_CNF ? lookupClaims : claims;
            EventSink sink = socket >= 0 ? routes.get(socket) : null;
            if (sink != null) {
                sink.onEvent(type, socket, result, value);
                return;
            }
            queued.add(new ScriptEvent(type, socket, result, value));
        }
    }
}
