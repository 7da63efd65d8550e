package io.luanio;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Runs {@code select} and hands each ready key to the loop without allocating.
 *
 * <p>{@code Selector.select(Consumer, long)} (JDK 11+) calls back per ready key and never
 * touches the selected-key set, whose {@code HashSet} allocates a node per ready key.
 * Core compiles for Java 8, so the method is looked up once through a
 * {@link MethodHandle}; on Java 8 the plain selected-key set is used.
 */
final class Selection {
    private static final MethodHandle SELECT_TIMEOUT = lookup("select",
        MethodType.methodType(int.class, Consumer.class, long.class));
    private static final MethodHandle SELECT_NOW = lookup("selectNow",
        MethodType.methodType(int.class, Consumer.class));

    private Selection() {
    }

    /** @return true when the allocation-free JDK 11+ path is in use */
    static boolean consumerSelectAvailable() {
        return SELECT_TIMEOUT != null && SELECT_NOW != null;
    }

    /**
     * Blocks until a key is ready, the selector is woken, or {@code timeoutMs} passes
     * (0: no timeout), then passes each ready key to {@code action}.
     */
    static int select(Selector selector, Consumer<SelectionKey> action, long timeoutMs) throws IOException {
        if (SELECT_TIMEOUT != null) {
            try {
                return (int) SELECT_TIMEOUT.invokeExact(selector, action, timeoutMs);
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException(t);
            }
        }
        int n = selector.select(timeoutMs);
        drainSelectedKeys(selector, action);
        return n;
    }

    /** Passes each key that is ready now to {@code action}, without blocking. */
    static int selectNow(Selector selector, Consumer<SelectionKey> action) throws IOException {
        if (SELECT_NOW != null) {
            try {
                return (int) SELECT_NOW.invokeExact(selector, action);
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException(t);
            }
        }
        int n = selector.selectNow();
        drainSelectedKeys(selector, action);
        return n;
    }

    private static void drainSelectedKeys(Selector selector, Consumer<SelectionKey> action) {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            action.accept(key);
        }
    }

    private static MethodHandle lookup(String name, MethodType type) {
        try {
            return MethodHandles.publicLookup().findVirtual(Selector.class, name, type);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // Java 8
        }
    }
}
