package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.luanio.Context;
import io.luanio.Event;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A loop with one context, and blocking lookups through the public API (Context.lookup + LOOKUP_CNF). */
final class Lookups implements AutoCloseable {
    static final long WAIT_MS = 20_000;

    final EventLoop loop;
    final Context ctx;
    /** LOOKUP_CNF events seen but not yet awaited, by lookup id. */
    private final Map<Integer, Event> done = new HashMap<>();
    final List<Event> others = new ArrayList<>();

    Lookups(ResolverConfig config) {
        this.loop = EventLoop.start(new EventLoopConfig().resolver(config).threadName("dns-test-loop"));
        this.ctx = loop.newContext();
    }

    int start(String name, int family) {
        int id = ctx.lookup(name, family);
        assertTrue(id >= 0, "lookup refused: " + ctx.lastError());
        return id;
    }

    /** Waits for the lookup's LOOKUP_CNF and takes its result, checking that the event agrees with it. */
    LookupResult await(int id) {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!done.containsKey(id)) {
            long left = deadline - System.currentTimeMillis();
            Event ev = new Event();
            if (left <= 0 || !ctx.next(ev, left)) {
                fail("no LOOKUP_CNF for lookup " + id + " within " + WAIT_MS + " ms");
            }
            if (ev.type() == EventType.LOOKUP_CNF) {
                assertTrue(done.put(ev.socket(), ev) == null, "two LOOKUP_CNF for lookup " + ev.socket());
            } else {
                others.add(ev);
            }
        }
        Event ev = done.remove(id);
        LookupResult result = ctx.lookupResult(id);
        assertNotNull(result, "LOOKUP_CNF without a result");
        assertEquals(result.ok() ? 0 : 1, ev.result(), result.toString());
        assertEquals(result.ok() ? result.addresses().size() : result.status(), ev.value(), result.toString());
        assertEquals(null, ctx.lookupResult(id), "a result is taken once");
        return result;
    }

    LookupResult lookup(String name, int family) {
        return await(start(name, family));
    }

    LookupResult lookup(String name) {
        return lookup(name, LookupResult.FAMILY_ANY);
    }

    @Override
    public void close() {
        loop.close();
    }
}
