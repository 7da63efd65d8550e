package io.luanio;

import io.luanio.dns.ResolverConfig;
import java.util.function.Consumer;

/**
 * Settings of one {@link EventLoop}, checked by {@link #validate()} before the loop starts.
 * Setters return {@code this}.
 *
 * <pre>{@code
 * EventLoop loop = EventLoop.start(new EventLoopConfig().maxSockets(20_000).threadName("net"));
 * }</pre>
 */
public final class EventLoopConfig {
    /** Default {@link #maxSockets(int)}. */
    public static final int DEFAULT_MAX_SOCKETS = 65536;
    /** Default {@link #pageSize(int)}: 16 KiB. */
    public static final int DEFAULT_PAGE_SIZE = 16 * 1024;
    /** Default {@link #maxPooledBytes(long)}: 64 MiB. */
    public static final long DEFAULT_MAX_POOLED_BYTES = 64L * 1024 * 1024;
    /** Default {@link #trimIntervalMs(long)}. */
    public static final long DEFAULT_TRIM_INTERVAL_MS = 1000;

    int maxSockets = DEFAULT_MAX_SOCKETS;
    int pageSize = DEFAULT_PAGE_SIZE;
    long maxPooledBytes = DEFAULT_MAX_POOLED_BYTES;
    long trimIntervalMs = DEFAULT_TRIM_INTERVAL_MS;
    String threadName = "luanio-loop";
    Consumer<Throwable> errorHandler = EventLoopConfig::printError;
    ContextConfig contextDefaults = new ContextConfig();
    ResolverConfig resolver;

    /** Creates a configuration with every default. */
    public EventLoopConfig() {
    }

    /**
     * The size of the socket-id table: the most sockets open at once on this loop.
     *
     * @param maxSockets 1..2^24
     * @return this
     */
    public EventLoopConfig maxSockets(int maxSockets) {
        this.maxSockets = maxSockets;
        return this;
    }

    /**
     * The size of the pooled pages that hold queued bytes.
     *
     * @param pageSize a power of two in 1 KiB..1 MiB
     * @return this
     */
    public EventLoopConfig pageSize(int pageSize) {
        this.pageSize = pageSize;
        return this;
    }

    /**
     * How many bytes of free pages the pool keeps for reuse; pages beyond are collected.
     *
     * @param bytes one page to 2^20 pages (the pool's free list is sized for it up front)
     * @return this
     */
    public EventLoopConfig maxPooledBytes(long bytes) {
        this.maxPooledBytes = bytes;
        return this;
    }

    /**
     * How long a socket's empty queues may keep their last page after the last I/O
     * before the loop gives it back to the pool (so idle sockets hold no buffer).
     *
     * @param ms at least 1
     * @return this
     */
    public EventLoopConfig trimIntervalMs(long ms) {
        this.trimIntervalMs = ms;
        return this;
    }

    /**
     * The loop thread's name.
     *
     * @param name a non-empty name
     * @return this
     */
    public EventLoopConfig threadName(String name) {
        this.threadName = name;
        return this;
    }

    /**
     * Receives unexpected failures inside the loop (bugs, not socket errors: those become
     * events). It must not throw. The default prints to {@code System.err}.
     *
     * @param handler the handler
     * @return this
     */
    public EventLoopConfig errorHandler(Consumer<Throwable> handler) {
        this.errorHandler = handler;
        return this;
    }

    /**
     * The settings {@link EventLoop#newContext()} uses.
     *
     * @param defaults per-context defaults
     * @return this
     */
    public EventLoopConfig contextDefaults(ContextConfig defaults) {
        this.contextDefaults = defaults;
        return this;
    }

    /**
     * The resolver's settings (DNS servers, search list, timeouts, cache, Happy Eyeballs).
     * Unset, the loop reads {@link ResolverConfig#system()} when it starts: resolv.conf and
     * the hosts file, or the platform resolver off the loop where there is no resolv.conf.
     *
     * @param resolver the settings (copied when the loop starts), or null for the system's
     * @return this
     */
    public EventLoopConfig resolver(ResolverConfig resolver) {
        this.resolver = resolver;
        return this;
    }

    /** @return the resolver settings, or null for the system's */
    public ResolverConfig resolver() {
        return resolver;
    }

    /** @return the per-context defaults */
    public ContextConfig contextDefaults() {
        return contextDefaults;
    }

    /**
     * Checks every value.
     *
     * @return this
     * @throws IllegalArgumentException naming the first bad value
     */
    public EventLoopConfig validate() {
        if (maxSockets < 1 || maxSockets > (1 << 24)) {
            throw new IllegalArgumentException("maxSockets must be in 1..16777216: maxSockets=" + maxSockets);
        }
        if (pageSize < 1024 || pageSize > (1 << 20) || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("pageSize must be a power of 2 in 1024..1048576: pageSize=" + pageSize);
        }
        if (maxPooledBytes < pageSize || maxPooledBytes / pageSize > (1 << 20)) {
            throw new IllegalArgumentException("maxPooledBytes must be 1 to 2^20 pages: maxPooledBytes=" + maxPooledBytes
                + ", pageSize=" + pageSize);
        }
        if (trimIntervalMs < 1) {
            throw new IllegalArgumentException("trimIntervalMs must be >= 1: trimIntervalMs=" + trimIntervalMs);
        }
        if (threadName == null || threadName.isEmpty()) {
            throw new IllegalArgumentException("threadName must not be empty: threadName=" + threadName);
        }
        if (errorHandler == null) {
            throw new IllegalArgumentException("errorHandler must not be null");
        }
        if (contextDefaults == null) {
            throw new IllegalArgumentException("contextDefaults must not be null");
        }
        contextDefaults.validate();
        if (resolver != null) {
            resolver.validate();
        }
        return this;
    }

    private static void printError(Throwable t) {
        System.err.println("luanio: unexpected error in the event loop (please report it): " + t);
        t.printStackTrace();
    }
}
