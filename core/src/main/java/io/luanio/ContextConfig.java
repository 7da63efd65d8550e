package io.luanio;

/**
 * Settings of one {@link Context}, checked by {@link #validate()}. Setters return {@code this}.
 */
public final class ContextConfig {
    /** Default {@link #eventRingCapacity(int)}. */
    public static final int DEFAULT_EVENT_RING_CAPACITY = 1024;
    /** Default {@link #receiveBufferBytes(int)}: 64 KiB. */
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 64 * 1024;
    /** Default {@link #sendQueueBytes(int)}: 1 MiB (SPEC.md). */
    public static final int DEFAULT_SEND_QUEUE_BYTES = 1024 * 1024;
    /** Default {@link #connectTimeoutMs(long)}: 30 s. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
    /** Default {@link #maxTimers(int)}. */
    public static final int DEFAULT_MAX_TIMERS = 65536;
    /** Default {@link #maxLookups(int)}. */
    public static final int DEFAULT_MAX_LOOKUPS = 4096;
    /** The most sends that may wait in one socket's send queue at once. */
    public static final int MAX_QUEUED_SENDS = 16384;

    int eventRingCapacity = DEFAULT_EVENT_RING_CAPACITY;
    int maxSockets = Integer.MAX_VALUE;
    int receiveBufferBytes = DEFAULT_RECEIVE_BUFFER_BYTES;
    int sendQueueBytes = DEFAULT_SEND_QUEUE_BYTES;
    long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    int maxTimers = DEFAULT_MAX_TIMERS;
    int maxLookups = DEFAULT_MAX_LOOKUPS;
    EventHandler handlerOnLoop;

    /** Creates a configuration with every default. */
    public ContextConfig() {
    }

    /**
     * Copies another configuration.
     *
     * @param other the configuration to copy
     */
    public ContextConfig(ContextConfig other) {
        this.eventRingCapacity = other.eventRingCapacity;
        this.maxSockets = other.maxSockets;
        this.receiveBufferBytes = other.receiveBufferBytes;
        this.sendQueueBytes = other.sendQueueBytes;
        this.connectTimeoutMs = other.connectTimeoutMs;
        this.maxTimers = other.maxTimers;
        this.maxLookups = other.maxLookups;
        this.handlerOnLoop = other.handlerOnLoop;
    }

    /**
     * Delivers the context's events to {@code handler} on the loop thread, at the end of
     * each loop turn, instead of through {@link Context#poll}. The loop thread is then the
     * context's owner: call its methods from the handler, or from tasks given to
     * {@link EventLoop#execute(Runnable)}, never from another thread; {@code poll},
     * {@code drain} and {@code next} throw {@link IllegalStateException}.
     *
     * <p>This is the fastest way to use luanio from Java: no thread hand-off per event, and
     * what the handler sends is written in the next turn without a wakeup. The price is the
     * loop's: the handler runs on the thread that serves every socket, so it must not block
     * and should not compute for long. Whatever it throws (but a
     * {@link VirtualMachineError}) goes to the loop's
     * {@link EventLoopConfig#errorHandler error handler}; the next event is delivered as
     * usual. Lua scripts never use this mode: each has its own thread.
     *
     * @param handler receives every event of the context on the loop thread; null (the
     *     default) delivers events through {@link Context#poll} instead
     * @return this
     */
    public ContextConfig handlerOnLoop(EventHandler handler) {
        this.handlerOnLoop = handler;
        return this;
    }

    /**
     * Events the context's ring holds before the loop starts holding them aside (none is
     * ever dropped) and stops reading this context's sockets until it drains.
     *
     * @param capacity a power of two in 16..2^24
     * @return this
     */
    public ContextConfig eventRingCapacity(int capacity) {
        this.eventRingCapacity = capacity;
        return this;
    }

    /**
     * The most sockets this context may hold at once (open or closed but not destroyed);
     * beyond it {@code connect} and {@code listen} return -1 and accepted connections are
     * refused.
     *
     * @param maxSockets at least 1
     * @return this
     */
    public ContextConfig maxSockets(int maxSockets) {
        this.maxSockets = maxSockets;
        return this;
    }

    /**
     * Default bound of a socket's unread received bytes.
     *
     * @param bytes at least 1
     * @return this
     */
    public ContextConfig receiveBufferBytes(int bytes) {
        this.receiveBufferBytes = bytes;
        return this;
    }

    /**
     * Default bound of a socket's queued, unwritten bytes.
     *
     * @param bytes at least 1
     * @return this
     */
    public ContextConfig sendQueueBytes(int bytes) {
        this.sendQueueBytes = bytes;
        return this;
    }

    /**
     * Default connect timeout.
     *
     * @param ms at least 1
     * @return this
     */
    public ContextConfig connectTimeoutMs(long ms) {
        this.connectTimeoutMs = ms;
        return this;
    }

    /**
     * The most timers this context may have running at once.
     *
     * @param maxTimers at least 1
     * @return this
     */
    public ContextConfig maxTimers(int maxTimers) {
        this.maxTimers = maxTimers;
        return this;
    }

    /**
     * The most lookups this context may have whose result it has not taken yet (pending,
     * or answered and not read with {@code lookupResult} or dropped with
     * {@code cancelLookup}); beyond it {@code lookup} returns -1.
     *
     * @param maxLookups at least 1
     * @return this
     */
    public ContextConfig maxLookups(int maxLookups) {
        this.maxLookups = maxLookups;
        return this;
    }

    /**
     * Checks every value.
     *
     * @return this
     * @throws IllegalArgumentException naming the first bad value
     */
    public ContextConfig validate() {
        if (eventRingCapacity < 16 || eventRingCapacity > (1 << 24) || Integer.bitCount(eventRingCapacity) != 1) {
            throw new IllegalArgumentException("eventRingCapacity must be a power of 2 in 16..16777216: eventRingCapacity="
                + eventRingCapacity);
        }
        if (maxSockets < 1) {
            throw new IllegalArgumentException("maxSockets must be >= 1: maxSockets=" + maxSockets);
        }
        if (receiveBufferBytes < 1) {
            throw new IllegalArgumentException("receiveBufferBytes must be >= 1: receiveBufferBytes=" + receiveBufferBytes);
        }
        if (sendQueueBytes < 1) {
            throw new IllegalArgumentException("sendQueueBytes must be >= 1: sendQueueBytes=" + sendQueueBytes);
        }
        if (connectTimeoutMs < 1) {
            throw new IllegalArgumentException("connectTimeoutMs must be >= 1: connectTimeoutMs=" + connectTimeoutMs);
        }
        if (maxTimers < 1) {
            throw new IllegalArgumentException("maxTimers must be >= 1: maxTimers=" + maxTimers);
        }
        if (maxLookups < 1) {
            throw new IllegalArgumentException("maxLookups must be >= 1: maxLookups=" + maxLookups);
        }
        return this;
    }
}
