package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A loop and one context, with helpers that wait for events and keep every event seen, so
 * tests can assert exact sequences.
 */
final class Harness implements AutoCloseable {
    static final long WAIT_MS = 10_000;

    final EventLoop loop;
    final Context ctx;
    /** Events received but not yet taken by {@link #await}. */
    final List<Event> backlog = new ArrayList<>();
    /** Every event received, in order. */
    final List<Event> history = new ArrayList<>();

    Harness() {
        this(new EventLoopConfig(), new ContextConfig());
    }

    Harness(EventLoopConfig loopConfig, ContextConfig contextConfig) {
        this.loop = EventLoop.start(loopConfig);
        this.ctx = loop.newContext(contextConfig);
    }

    Harness(EventLoop loop, Context ctx) {
        this.loop = loop;
        this.ctx = ctx;
    }

    /** Takes the next event (backlog first), or null on timeout. */
    Event next(long timeoutMs) {
        if (!backlog.isEmpty()) {
            return backlog.remove(0);
        }
        return receive(timeoutMs);
    }

    private Event receive(long timeoutMs) {
        Event ev = new Event();
        if (!ctx.next(ev, timeoutMs)) {
            return null;
        }
        history.add(ev);
        return ev;
    }

    /** Waits for the first event of this type and socket, leaving others in the backlog. */
    Event await(int type, int socket) {
        return await(type, socket, WAIT_MS);
    }

    Event await(int type, int socket, long timeoutMs) {
        for (Iterator<Event> it = backlog.iterator(); it.hasNext();) {
            Event ev = it.next();
            if (ev.type() == type && ev.socket() == socket) {
                it.remove();
                return ev;
            }
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (;;) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                fail("no " + EventType.name(type) + " for socket " + socket + " within " + timeoutMs + " ms; backlog="
                    + backlog + ", reason=" + ctx.reason(socket));
            }
            Event ev = receive(left);
            if (ev == null) {
                continue;
            }
            if (ev.type() == type && ev.socket() == socket) {
                return ev;
            }
            backlog.add(ev);
        }
    }

    /** Asserts that the next event is exactly this one. */
    Event expect(int type, int socket, int result) {
        Event ev = next(WAIT_MS);
        assertNotNull(ev, "expected " + EventType.name(type) + " for " + socket + ", got nothing");
        assertEquals(EventType.name(type) + "/" + socket + "/" + result,
            EventType.name(ev.type()) + "/" + ev.socket() + "/" + ev.result(), "event " + ev + " reason=" + ctx.reason(socket));
        return ev;
    }

    /** Asserts that no event arrives within {@code ms}. */
    void expectQuiet(long ms) {
        Event ev = next(ms);
        if (ev != null) {
            fail("expected no event, got " + ev);
        }
    }

    /** Connects and waits for a successful CONN_CNF. */
    int connect(int type, String host, int port) {
        int id = ctx.connect(type, host, port);
        if (id < 0) {
            fail("connect refused synchronously: " + ctx.lastError());
        }
        Event ev = await(EventType.CONN_CNF, id);
        assertEquals(0, ev.result(), "connect failed: " + ctx.reason(id));
        return id;
    }

    /** Reads exactly {@code n} bytes, consuming RECV_INDs of this socket as needed. */
    byte[] read(int id, int n) {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            got += ctx.recv(id, out, got, n - got);
            if (got < n) {
                await(EventType.RECV_IND, id);
            }
        }
        return out;
    }

    /** Closes, waits for CLOSE_CNF, destroys. */
    void closeAndDestroy(int id) {
        ctx.close(id);
        await(EventType.CLOSE_CNF, id);
        if (!ctx.destroy(id)) {
            fail("destroy after CLOSE_CNF failed for " + id);
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
