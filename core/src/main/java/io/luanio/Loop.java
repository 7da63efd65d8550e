package io.luanio;

import io.luanio.buffer.PagePool;
import io.luanio.buffer.PagedByteQueue;
import io.luanio.dns.Resolver;
import io.luanio.dns.ResolverConfig;
import io.luanio.ring.MpscIntQueue;
import io.luanio.timer.TimerHeap;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The loop thread: one selector, one timer heap, the command and signal queues.
 *
 * <p>Each turn is a duty cycle (Aeron's {@code doWork}): run queued commands and socket
 * signals, select (blocking only when there is nothing to do, until the nearest timer),
 * handle ready keys as {@code select} reports them, fire due timers, then make the turn's
 * events visible to their contexts and wake the owners that sleep in {@code poll}.
 *
 * <p>Only this thread touches channels, keys, the selector, the timer heap and the
 * loop-only fields of {@link Slot} and {@link Context}. Other threads reach it through
 * {@link #submit} (commands) and {@link #signal} (per-socket bits), then
 * {@link #wakeup()}, which calls {@code selector.wakeup()} only when the loop is (about
 * to be) asleep: a CAS on {@code wakeState} makes it one wakeup per sleep.
 *
 * <p>Selector defences from Netty's {@code NioEventLoop}: a selector that keeps returning
 * early with nothing ready (the old epoll spin bug), or that throws, is replaced by a new
 * one holding the same registrations; a failure while handling one socket fails that
 * socket only; any other exception is reported and the loop goes on; an {@link Error}
 * ends the loop (after closing everything).
 */
final class Loop implements Runnable {
    static final int TIMER_CONNECT = 1;
    static final int TIMER_CONTEXT = 2;
    static final int TIMER_TRIM = 3;
    static final int TIMER_CLOSE = 4;
    static final int TIMER_ACCEPT_RESUME = 5;
    /** A resolver deadline: target and payload belong to the {@link Resolver}. */
    static final int TIMER_DNS = 6;
    /** A connect-by-name step (Happy Eyeballs): target is the slot, payload its id, tag the step. */
    static final int TIMER_NAME_CONNECT = 7;
    static final int TIMER_HANDSHAKE = 8;
    static final int TIMER_TLS_CONFIRM = 9;

    /** How long a graceful close may wait for the peer to take the queued bytes. */
    static final long CLOSE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;
    private static final int COMMANDS_PER_TURN = 4096;
    private static final int SIGNALS_PER_TURN = 65536;
    private static final int TIMERS_PER_TURN = 65536;
    private static final int EMPTY_SELECTS_BEFORE_REBUILD = 512;

    final EventLoop facade;
    final EventLoopConfig config;
    final SocketTable table;
    final PagePool pool;
    final TimerHeap timers = new TimerHeap(256);
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final MpscIntQueue signalQueue;
    private final AtomicInteger wakeState = new AtomicInteger(AWAKE);
    private volatile boolean shutdownRequested;
    private volatile boolean terminated;
    volatile Thread thread;
    Selector selector;

    final TcpIo tcpIo;
    final UdpIo udpIo;
    final ListenerIo listenerIo;
    final Resolver resolver;
    /** Happy Eyeballs settings (RFC 8305), from the resolver configuration. */
    final boolean preferIpv6;
    final long connectionAttemptDelayNs;
    final long resolutionDelayNs;
    final TlsIo tlsIo;

    // Loop-thread state.
    long nowNs;
    final ByteBuffer[] views = new ByteBuffer[64];
    final ByteBuffer datagramBuffer = ByteBuffer.allocateDirect(65536);
    final NetBuffers netBuffers;
    private final Consumer<SelectionKey> onKey = this::onSelected;
    private final TimerHeap.Expiry onTimer = this::onTimer;
    private Context[] touched = new Context[16];
    private int touchedCount;
    private Slot trimHead;
    private long trimTimer = TimerHeap.NO_TIMER;
    private final long trimIntervalNs;
    private int emptySelects;

    // Context registry: written under the lock by owner threads, read by the loop.
    private final Object contextLock = new Object();
    private volatile Context[] contexts = new Context[0];

    Loop(EventLoop facade, EventLoopConfig config) throws IOException {
        this.facade = facade;
        this.config = config;
        this.table = new SocketTable(config.maxSockets);
        this.pool = new PagePool(config.pageSize, config.maxPooledBytes);
        this.signalQueue = new MpscIntQueue(config.maxSockets);
        this.trimIntervalNs = TimeUnit.MILLISECONDS.toNanos(config.trimIntervalMs);
        this.selector = Selector.open();
        this.tcpIo = new TcpIo(this);
        this.udpIo = new UdpIo(this);
        this.listenerIo = new ListenerIo(this);
        ResolverConfig resolverConfig = config.resolver != null ? config.resolver : ResolverConfig.system();
        this.preferIpv6 = resolverConfig.preferIpv6();
        this.connectionAttemptDelayNs = TimeUnit.MILLISECONDS.toNanos(resolverConfig.connectionAttemptDelayMs());
        this.resolutionDelayNs = TimeUnit.MILLISECONDS.toNanos(resolverConfig.resolutionDelayMs());
        this.resolver = new Resolver(resolverConfig, new ResolverHost());
        this.tlsIo = new TlsIo(this);
        this.netBuffers = new NetBuffers(config.maxPooledBytes);
    }

    /** What the resolver uses of the loop: selector, clock, timers, command queue. */
    private final class ResolverHost implements Resolver.Host {
        @Override
        public Selector selector() {
            return selector;
        }

        @Override
        public long nowNs() {
            return nowNs;
        }

        @Override
        public long schedule(long deadlineNs, int target, long payload) {
            return timers.schedule(deadlineNs, TIMER_DNS, target, payload, 0);
        }

        @Override
        public void cancel(long handle) {
            timers.cancel(handle);
        }

        @Override
        public boolean execute(Runnable task) {
            return submit(new Command.Task(task));
        }

        @Override
        public void report(Throwable error) {
            Loop.this.report(error);
        }

        @Override
        public String threadName() {
            return config.threadName;
        }
    }

    // ================================================================ any thread

    /**
     * Queues a command for the loop.
     *
     * @return false when the loop has shut down (the command will never run)
     */
    boolean submit(Command command) {
        if (shutdownRequested) {
            return false;
        }
        commands.offer(command);
        wakeup();
        return true;
    }

    /** Raises a signal bit on a socket and queues it for the loop if it was not queued. */
    void signal(Slot slot, int bit) {
        if (slot.raiseSignal(bit)) {
            while (!signalQueue.offer(slot.index)) {
                Thread.yield(); // cannot happen: capacity >= slots and a slot is queued at most once
            }
            wakeup();
        }
    }

    /** Wakes the selector if the loop sleeps in it (or is about to). */
    void wakeup() {
        if (wakeState.get() == SLEEPING && wakeState.compareAndSet(SLEEPING, AWAKE)) {
            selector.wakeup();
        }
    }

    boolean inLoopThread() {
        return Thread.currentThread() == thread;
    }

    boolean isTerminated() {
        return terminated;
    }

    void requestShutdown() {
        shutdownRequested = true;
        wakeState.set(SLEEPING); // force the wakeup below through
        wakeup();
    }

    /** Allocates and initialises a slot for an owner; any thread. */
    Slot openSlot(Context owner, int kind, ConnectOptions options) {
        Slot slot = table.allocate();
        if (slot == null) {
            return null;
        }
        ContextConfig cc = owner.config;
        slot.kind = kind;
        slot.owner = owner;
        slot.reason = null;
        slot.localPort = 0;
        slot.remote = null;
        slot.tlsError = ErrorCode.ERR_OK;
        slot.tlsSession = null;
        slot.applicationProtocol = null;
        slot.recvAnnounce = Slot.IDLE;
        slot.ackWanted = false;
        slot.resetLoopState();
        if (kind != Slot.KIND_LISTENER) {
            int recvBytes = options != null && options.receiveBufferBytes > 0 ? options.receiveBufferBytes : cc.receiveBufferBytes;
            int sendBytes = options != null && options.sendQueueBytes > 0 ? options.sendQueueBytes : cc.sendQueueBytes;
            if (kind == Slot.KIND_UDP) {
                // Room for the bound plus one largest datagram and its frame header.
                recvBytes = (int) Math.min(Integer.MAX_VALUE - 16, (long) recvBytes + UdpIo.MIN_ROOM);
            } else if (kind == Slot.KIND_TLS) {
                recvBytes = Math.max(recvBytes, TlsIo.MIN_RECEIVE_BYTES); // room for one whole record
            }
            slot.recv = reuse(slot.recv, recvBytes, false);
            slot.send = reuse(slot.send, sendBytes, true);
            slot.sendLengths = reuse(slot.sendLengths, 4 * ContextConfig.MAX_QUEUED_SENDS, true);
        }
        slot.state = Slot.CONNECTING;
        slot.id = table.idOf(slot); // publishes everything above
        return slot;
    }

    private PagedByteQueue reuse(PagedByteQueue queue, int capacity, boolean consumerTrims) {
        if (queue == null) {
            return new PagedByteQueue(pool, capacity, consumerTrims);
        }
        queue.reset(capacity);
        return queue;
    }

    /**
     * Frees a CLOSED (now FREE) slot: its bytes go back to the pool and the slot to the
     * table. Called by the owner's destroy, or by the loop for a context that is gone.
     */
    void release(Slot slot) {
        if (slot.recv != null) {
            slot.recv.clear();
            slot.send.clear();
            slot.sendLengths.clear();
        }
        Context owner = slot.owner;
        slot.id = -1;
        slot.owner = null;
        table.free(slot);
        if (owner != null) {
            owner.socketCount.decrementAndGet();
        }
    }

    Context registerContext(ContextConfig config) {
        synchronized (contextLock) {
            Context[] current = contexts;
            int index = 0;
            while (index < current.length && current[index] != null) {
                index++;
            }
            Context context = new Context(this, config, index);
            Context[] next = Arrays.copyOf(current, Math.max(current.length, index + 1));
            next[index] = context;
            contexts = next;
            return context;
        }
    }

    private void unregisterContext(Context context) {
        synchronized (contextLock) {
            Context[] next = contexts.clone();
            if (context.index < next.length && next[context.index] == context) {
                next[context.index] = null;
            }
            contexts = next;
        }
    }

    // ================================================================ the loop

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (!shutdownRequested) {
                try {
                    runOnce();
                } catch (Error e) {
                    throw e;
                } catch (Throwable t) {
                    report(t);
                }
            }
        } finally {
            closeEverything();
            terminated = true;
        }
    }

    private void runOnce() throws IOException {
        nowNs = System.nanoTime();
        int work = runCommands() + runSignals();
        long timeoutMs = work > 0 ? -1 : selectTimeoutMs();
        int ready;
        if (timeoutMs < 0) {
            ready = Selection.selectNow(selector, onKey);
        } else {
            wakeState.set(SLEEPING);
            // Re-check after announcing sleep: a producer that queued before seeing
            // SLEEPING will not wake us (Dekker with submit/signal + wakeup).
            if (!commands.isEmpty() || !signalQueue.isEmpty() || shutdownRequested) {
                wakeState.set(AWAKE);
                ready = Selection.selectNow(selector, onKey);
            } else {
                long before = System.nanoTime();
                ready = selectBlocking(timeoutMs);
                wakeState.set(AWAKE);
                checkPrematureWakeup(ready, timeoutMs, before);
            }
        }
        nowNs = System.nanoTime();
        timers.expire(nowNs, onTimer, TIMERS_PER_TURN);
        wakeTouchedContexts();
    }

    /** @return -1 to poll without blocking, 0 to block without timeout, else milliseconds */
    private long selectTimeoutMs() {
        if (timers.isEmpty()) {
            return 0;
        }
        long delayNs = timers.earliestDeadline() - nowNs;
        if (delayNs <= 0) {
            return -1;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNs + 999_999));
    }

    private int selectBlocking(long timeoutMs) throws IOException {
        try {
            return Selection.select(selector, onKey, timeoutMs);
        } catch (IOException e) {
            report(e);
            rebuildSelector();
            return 0;
        }
    }

    private void checkPrematureWakeup(int ready, long timeoutMs, long beforeNs) throws IOException {
        boolean early = System.nanoTime() - beforeNs < TimeUnit.MILLISECONDS.toNanos(timeoutMs == 0 ? 1000 : timeoutMs) / 2;
        if (ready == 0 && early && commands.isEmpty() && signalQueue.isEmpty()) {
            if (++emptySelects >= EMPTY_SELECTS_BEFORE_REBUILD) {
                rebuildSelector();
                emptySelects = 0;
            }
        } else {
            emptySelects = 0;
        }
    }

    /**
     * Moves every registration to a fresh selector (Netty's epoll-spin and broken-selector
     * defence). Keys of the resolver's queries and of connect-by-name attempts move too;
     * their owners find them again with {@code keyFor}, and one that fails to move is
     * ended by its own deadline.
     */
    private void rebuildSelector() throws IOException {
        Selector fresh = Selector.open();
        Selector old = selector;
        for (SelectionKey key : old.keys()) {
            if (!key.isValid()) {
                continue;
            }
            Object attachment = key.attachment();
            try {
                int ops = key.interestOps();
                key.cancel();
                SelectionKey newKey = key.channel().register(fresh, ops, attachment);
                if (attachment instanceof Slot) {
                    ((Slot) attachment).key = newKey;
                }
            } catch (ClosedChannelException | RuntimeException e) {
                if (attachment instanceof Slot) {
                    Slot slot = (Slot) attachment;
                    slotFailed(slot, "selector rebuild failed: " + e);
                }
            }
        }
        selector = fresh;
        try {
            old.close();
        } catch (IOException e) {
            report(e);
        }
    }

    private int runCommands() {
        int n = 0;
        Command command;
        while (n < COMMANDS_PER_TURN && (command = commands.poll()) != null) {
            n++;
            try {
                command.run(this);
            } catch (Error e) {
                throw e;
            } catch (Throwable t) {
                report(t);
            }
        }
        return n;
    }

    private int runSignals() {
        int n = 0;
        int index;
        while (n < SIGNALS_PER_TURN && (index = signalQueue.poll()) != MpscIntQueue.EMPTY) {
            n++;
            Slot slot = table.slotAt(index);
            int bits = slot.takeSignals();
            int state = slot.state;
            // phase 0: the socket's open command has not run yet; it checks for a close
            // request itself. FREE/CLOSED: the loop is done with the slot (stale bits).
            if (state == Slot.FREE || state == Slot.CLOSED || slot.phase == 0 || slot.phase == Slot.PHASE_DONE) {
                continue;
            }
            try {
                ioFor(slot).onSignals(slot, bits);
            } catch (RuntimeException e) {
                report(e);
                slotFailed(slot, "internal error: " + e);
            }
        }
        return n;
    }

    private void onSelected(SelectionKey key) {
        Object attachment = key.attachment();
        if (!(attachment instanceof Slot)) {
            onSelectedOther(key, attachment);
            return;
        }
        Slot slot = (Slot) attachment;
        try {
            if (!key.isValid()) {
                return;
            }
            int ready = key.readyOps();
            ioFor(slot).onReady(slot, ready == 0 ? SelectionKey.OP_READ : ready);
        } catch (java.nio.channels.CancelledKeyException e) {
            // closed meanwhile
        } catch (RuntimeException e) {
            report(e);
            slotFailed(slot, "internal error: " + e);
        }
    }

    /** Keys that are not a socket's: a connect-by-name attempt, or the resolver's queries. */
    private void onSelectedOther(SelectionKey key, Object attachment) {
        try {
            if (attachment instanceof NameConnect.Attempt) {
                ((NameConnect.Attempt) attachment).onReady(key);
            } else if (attachment != null) {
                resolver.onSelected(key);
            }
        } catch (java.nio.channels.CancelledKeyException e) {
            // closed meanwhile
        } catch (RuntimeException e) {
            report(e);
        }
    }

    private void onTimer(long handle, int kind, int target, long payload, int tag) {
        switch (kind) {
            case TIMER_DNS:
                resolver.onTimer(handle, target, payload);
                break;
            case TIMER_NAME_CONNECT: {
                Slot slot = table.slotAt(target);
                if (slot != null && slot.id == (int) payload && slot.connector != null) {
                    try {
                        slot.connector.onTimer(handle, tag);
                    } catch (RuntimeException e) {
                        report(e);
                        slotFailed(slot, "internal error: " + e);
                    }
                }
                break;
            }
            case TIMER_CONTEXT: {
                Context[] all = contexts;
                Context context = target < all.length ? all[target] : null;
                if (context != null && context.loopTimers.get(payload) == handle) {
                    context.loopTimers.remove(payload);
                    // The socket field carries the start's generation (see Context.Dispatch).
                    post(context, EventType.TIMER, tag, 0, payload);
                }
                break;
            }
            case TIMER_TRIM:
                trimTimer = TimerHeap.NO_TIMER;
                trimIdleSockets();
                break;
            default: {
                Slot slot = table.slotAt(target);
                if (slot != null && slot.id == (int) payload && slot.timer == handle) {
                    slot.timer = TimerHeap.NO_TIMER;
                    try {
                        ioFor(slot).onTimer(slot, kind);
                    } catch (RuntimeException e) {
                        report(e);
                        slotFailed(slot, "internal error: " + e);
                    }
                }
                break;
            }
        }
    }

    SocketIo ioFor(Slot slot) {
        switch (slot.kind) {
            case Slot.KIND_TCP: return tcpIo;
            case Slot.KIND_UDP: return udpIo;
            case Slot.KIND_TLS: return tlsIo;
            default: return listenerIo;
        }
    }

    // ================================================================ commands

    void connect(Command.Connect command) {
        Slot slot = command.slot;
        if (slot.id != command.id) {
            return;
        }
        ioFor(slot).open(slot, command);
    }

    /**
     * A TCP or UDP socket whose host is not an IP literal: resolve it, then connect to its
     * addresses ({@link NameConnect}); the connect timeout covers both.
     */
    void connectByName(Slot slot, Command.Connect command) {
        ConnectOptions options = command.options;
        long timeoutMs = options != null && options.timeoutMs > 0 ? options.timeoutMs : slot.owner.config.connectTimeoutMs;
        scheduleSlotTimer(slot, TIMER_CONNECT, TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        NameConnect connector = new NameConnect(this, slot, command);
        slot.connector = connector;
        connector.start();
    }

    /** Stops a connect-by-name that is still resolving or racing its addresses. */
    private void abortConnector(Slot slot) {
        NameConnect connector = slot.connector;
        if (connector != null) {
            slot.connector = null;
            connector.abort();
        }
    }

    void postCloseCnf(Context context, int id) {
        Slot slot = table.lookup(id);
        // A close of a socket that is closing is answered when its close completes (also
        // when its open command has not run yet: phase 0), so CLOSE_CNF never overtakes it.
        if (slot != null && slot.owner == context && slot.state == Slot.CLOSING) {
            slot.deferredCloseCnf++;
            ioFor(slot).onOwnerCloseWhileClosing(slot);
            return;
        }
        post(context, EventType.CLOSE_CNF, id, 0, 0);
    }

    void setOption(Slot slot, int id, int level, int name, int value) {
        if (slot.id != id || slot.state == Slot.CLOSED || slot.state == Slot.FREE) {
            return;
        }
        if (slot.channel == null) {
            if (slot.pendingOptions == null || slot.pendingOptions.length < (slot.pendingOptionCount + 1) * 3) {
                slot.pendingOptions = Arrays.copyOf(slot.pendingOptions == null ? new int[0] : slot.pendingOptions,
                    (slot.pendingOptionCount + 4) * 3);
            }
            int at = slot.pendingOptionCount++ * 3;
            slot.pendingOptions[at] = level;
            slot.pendingOptions[at + 1] = name;
            slot.pendingOptions[at + 2] = value;
            return;
        }
        applyOption(slot, level, name, value);
    }

    /** Applies options set before the channel existed; call right after creating it. */
    void applyPendingOptions(Slot slot) {
        for (int i = 0; i < slot.pendingOptionCount; i++) {
            applyOption(slot, slot.pendingOptions[i * 3], slot.pendingOptions[i * 3 + 1], slot.pendingOptions[i * 3 + 2]);
        }
        slot.pendingOptionCount = 0;
    }

    private void applyOption(Slot slot, int level, int name, int value) {
        try {
            SocketOptionSupport.apply((NetworkChannel) slot.channel, slot.kind, level, name, value);
        } catch (IOException | RuntimeException e) {
            slot.reason = "setOption(level=" + level + ", name=" + name + ", value=" + value + ") failed: " + describe(e);
        }
    }

    void startTimer(Context context, long timerId, long delayNs, int generation) {
        if (context.isClosed()) {
            return;
        }
        long old = context.loopTimers.remove(timerId);
        if (old != 0L) {
            timers.cancel(old);
        }
        long handle = timers.schedule(nowNs + delayNs, TIMER_CONTEXT, context.index, timerId, generation);
        context.loopTimers.put(timerId, handle);
    }

    void stopTimer(Context context, long timerId) {
        long old = context.loopTimers.remove(timerId);
        if (old != 0L) {
            timers.cancel(old);
        }
    }

    void closeContext(Context context) {
        int high = table.highWater();
        for (int i = 0; i < high; i++) {
            Slot slot = table.slotAt(i);
            if (slot == null || slot.owner != context) {
                continue;
            }
            int state = slot.state;
            if (state != Slot.FREE) {
                abandon(slot);
                if (slot.casState(Slot.CLOSED, Slot.FREE)) {
                    release(slot);
                }
            }
        }
        context.loopTimers.forEach((timerId, handle) -> timers.cancel(handle));
        context.loopTimers.clear();
        context.overflowCount = 0;
        context.pausedHead = null;
        unregisterContext(context);
        context.wakeWaiter();
    }

    /** Closes a socket at once, posting nothing (its owner is gone or the loop is stopping). */
    private void abandon(Slot slot) {
        if (slot.state == Slot.CLOSED || slot.state == Slot.FREE) {
            return;
        }
        cancelTimer(slot);
        abortConnector(slot);
        closeChannel(slot);
        removeFromTrimList(slot);
        slot.phase = Slot.PHASE_DONE;
        slot.state = Slot.CLOSED;
    }

    // ================================================================ socket lifecycle helpers

    /** Schedules the slot's one timer (connect, close or accept pause). */
    void scheduleSlotTimer(Slot slot, int kind, long delayNs) {
        cancelTimer(slot);
        slot.timer = timers.schedule(nowNs + delayNs, kind, slot.index, slot.id, 0);
    }

    void cancelTimer(Slot slot) {
        if (slot.timer != TimerHeap.NO_TIMER) {
            timers.cancel(slot.timer);
            slot.timer = TimerHeap.NO_TIMER;
        }
    }

    void closeChannel(Slot slot) {
        TlsState tls = slot.tls;
        if (tls != null) {
            slot.tls = null;
            tls.dispose(netBuffers);
        }
        SelectionKey key = slot.key;
        if (key != null) {
            key.cancel();
            slot.key = null;
        }
        SelectableChannel channel = slot.channel;
        if (channel != null) {
            slot.channel = null;
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to do: the descriptor is released either way
            }
        }
    }

    /** Sets a key's interest set, skipping the call when nothing changes. */
    void interest(Slot slot, int ops) {
        SelectionKey key = slot.key;
        if (key != null && key.isValid() && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** The loop moves an open socket to CLOSING (a failure or a peer close), unless its owner already did. */
    void beginLoopClose(Slot slot) {
        for (;;) {
            int state = slot.state;
            if (state == Slot.CLOSING || state == Slot.CLOSED || state == Slot.FREE) {
                return;
            }
            if (slot.casState(state, Slot.CLOSING)) {
                slot.loopClosing = true;
                return;
            }
        }
    }

    /** Fails a connect or listen: CONN_CNF result 1, then the socket is closed for good. */
    void failConnect(Slot slot, String reason) {
        NameConnect connector = slot.connector;
        slot.reason = connector != null ? connector.explain(reason) : reason;
        abortConnector(slot);
        closeChannel(slot);
        beginLoopClose(slot);
        post(slot.owner, EventType.CONN_CNF, slot.id, 1, 0);
        if (slot.send != null && !drainSendsAsFailed(slot)) {
            slot.phase = Slot.PHASE_DEAD; // finished when the owner leaves send
            return;
        }
        finish(slot);
    }

    /**
     * Fails every send still queued (SEND_CNF result 1 each); needs the owner out of
     * {@code send} (the state was already moved off CONNECTED, then the gate is read).
     *
     * @return false when the owner is inside {@code send}; its signal will bring us back
     */
    boolean drainSendsAsFailed(Slot slot) {
        if (slot.sendGate != 0) {
            return false;
        }
        PagedByteQueue lengths = slot.sendLengths;
        slot.send.commitRead(slot.send.readable());
        while (lengths.readable() >= 4) {
            int len = lengths.pollInt();
            post(slot.owner, EventType.SEND_CNF, slot.id, 1, len);
        }
        return true;
    }

    /** Confirms every send whose last byte has been written: SEND_CNF result 0 each. */
    void confirmSends(Slot slot) {
        PagedByteQueue lengths = slot.sendLengths;
        long written = slot.send.consumerPosition();
        while (lengths.readable() >= 4) {
            int len = lengths.peekInt();
            if (slot.confirmedUpTo + len > written) {
                return;
            }
            lengths.commitRead(4);
            slot.confirmedUpTo += len;
            post(slot.owner, EventType.SEND_CNF, slot.id, 0, len);
        }
    }

    /**
     * The loop's last touch of a socket: posts its closing events (a pending CLOSE_IND,
     * then a CLOSE_CNF for each close its owner asked for) and marks it CLOSED.
     */
    void finish(Slot slot) {
        cancelTimer(slot);
        abortConnector(slot);
        closeChannel(slot);
        removeFromTrimList(slot);
        slot.phase = Slot.PHASE_DONE;
        Context owner = slot.owner;
        boolean ownerClosed = slot.state == Slot.CLOSING && !slot.loopClosing;
        if (slot.closeIndPending) {
            slot.closeIndPending = false;
            post(owner, EventType.CLOSE_IND, slot.id, slot.closeIndResult, 0);
        }
        int closeCnfs = slot.deferredCloseCnf + (ownerClosed ? 1 : 0);
        slot.deferredCloseCnf = 0;
        for (int i = 0; i < closeCnfs; i++) {
            post(owner, EventType.CLOSE_CNF, slot.id, 0, 0);
        }
        slot.state = Slot.CLOSED;
        if (owner.isClosed() && slot.casState(Slot.CLOSED, Slot.FREE)) {
            release(slot);
        }
    }

    /** A socket failed for a reason outside its protocol handler (internal error, selector). */
    void slotFailed(Slot slot, String reason) {
        if (slot.phase == Slot.PHASE_DONE || slot.state == Slot.CLOSED || slot.state == Slot.FREE) {
            return;
        }
        ioFor(slot).fail(slot, reason);
    }

    // ================================================================ idle trimming

    /** Notes I/O on a socket: its queues hold pages, so it joins the trim list. */
    void noteIo(Slot slot) {
        slot.lastIoNs = nowNs;
        if (!slot.inTrimList) {
            slot.inTrimList = true;
            slot.trimPrev = null;
            slot.trimNext = trimHead;
            if (trimHead != null) {
                trimHead.trimPrev = slot;
            }
            trimHead = slot;
            if (trimTimer == TimerHeap.NO_TIMER) {
                trimTimer = timers.schedule(nowNs + trimIntervalNs, TIMER_TRIM, 0, 0, 0);
            }
        }
    }

    void removeFromTrimList(Slot slot) {
        if (!slot.inTrimList) {
            return;
        }
        if (slot.trimPrev != null) {
            slot.trimPrev.trimNext = slot.trimNext;
        } else {
            trimHead = slot.trimNext;
        }
        if (slot.trimNext != null) {
            slot.trimNext.trimPrev = slot.trimPrev;
        }
        slot.trimPrev = null;
        slot.trimNext = null;
        slot.inTrimList = false;
    }

    /** Gives the pages of idle sockets' empty queues back to the pool. */
    private void trimIdleSockets() {
        Slot slot = trimHead;
        while (slot != null) {
            Slot next = slot.trimNext;
            if (nowNs - slot.lastIoNs >= trimIntervalNs) {
                boolean empty = slot.recv.trimAsProducer();
                empty &= slot.send.trimAsConsumer();
                empty &= slot.sendLengths.trimAsConsumer();
                if (empty) {
                    removeFromTrimList(slot);
                }
            }
            slot = next;
        }
        if (trimHead != null) {
            trimTimer = timers.schedule(nowNs + trimIntervalNs, TIMER_TRIM, 0, 0, 0);
        }
    }

    // ================================================================ events

    /**
     * Publishes one event to a context. When its ring is full the event is held aside, in
     * order, with every later one; the context's sockets stop reading until it drains.
     */
    void post(Context context, int type, int socket, int result, long value) {
        if (context.isClosed()) {
            return; // nobody will read it
        }
        if (context.overflowCount == 0 && context.ring.offer(type, socket, result, value)) {
            touch(context);
            return;
        }
        holdAside(context, type, socket, result, value);
        if (!context.overflowing) {
            context.overflowing = true;
            // Volatile store, then a volatile load of the ring's head (in hasRoom): pairs
            // with the owner's "drain, then read overflowing" (Context.drainInternal).
            if (context.ring.hasRoom()) {
                flushOverflow(context);
            }
        }
        touch(context);
    }

    private void holdAside(Context context, int type, int socket, int result, long value) {
        long[] buffer = context.overflow;
        int capacity = buffer.length / 2;
        if (context.overflowCount == capacity) {
            int newCapacity = Math.max(16, capacity * 2);
            long[] grown = new long[newCapacity * 2];
            for (int i = 0; i < context.overflowCount; i++) {
                int from = ((context.overflowHead + i) % capacity) * 2;
                grown[i * 2] = buffer[from];
                grown[i * 2 + 1] = buffer[from + 1];
            }
            context.overflow = grown;
            context.overflowHead = 0;
            buffer = grown;
            capacity = newCapacity;
        }
        int at = ((context.overflowHead + context.overflowCount) % capacity) * 2;
        buffer[at] = ((long) (type & 0xFFFF) << 48) | ((long) (result & 0xFFFF) << 32) | (socket & 0xFFFFFFFFL);
        buffer[at + 1] = value;
        context.overflowCount++;
    }

    /** Moves held-aside events into the ring; once none is left, resumes paused sockets. */
    void flushOverflow(Context context) {
        long[] buffer = context.overflow;
        int capacity = buffer.length / 2;
        while (context.overflowCount > 0) {
            int at = context.overflowHead * 2;
            long word = buffer[at];
            if (!context.ring.offer((int) (word >>> 48), (int) word, (short) (word >>> 32), buffer[at + 1])) {
                break;
            }
            context.overflowHead = (context.overflowHead + 1) % capacity;
            context.overflowCount--;
            touch(context);
        }
        if (context.overflowCount == 0 && context.overflowing) {
            context.overflowHead = 0;
            context.overflowing = false;
            resumePaused(context);
        }
    }

    /** Stops reading (or accepting on) a socket because its context's ring is full. */
    void pauseForRing(Slot slot) {
        if (slot.readPausedForRing) {
            return;
        }
        slot.readPausedForRing = true;
        Context context = slot.owner;
        slot.nextPaused = context.pausedHead;
        context.pausedHead = slot;
        ioFor(slot).updateInterest(slot);
    }

    private void resumePaused(Context context) {
        Slot slot = context.pausedHead;
        context.pausedHead = null;
        while (slot != null) {
            Slot next = slot.nextPaused;
            slot.nextPaused = null;
            if (slot.readPausedForRing) {
                slot.readPausedForRing = false;
                if (slot.owner == context && slot.phase != Slot.PHASE_DONE && slot.key != null) {
                    ioFor(slot).updateInterest(slot);
                }
            }
            slot = next;
        }
    }

    private void touch(Context context) {
        if (!context.touched) {
            context.touched = true;
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = context;
        }
    }

    /** End of turn: make the turn's events visible with a full fence, then wake sleepers. */
    private void wakeTouchedContexts() {
        for (int i = 0; i < touchedCount; i++) {
            Context context = touched[i];
            touched[i] = null;
            context.touched = false;
            if (context.overflowCount > 0) {
                flushOverflow(context);
            }
            // Volatile store of the ring's tail, then the volatile load of the owner's
            // waiter field: pairs with Context.poll's "waiter = me, then check the ring".
            context.ring.flush();
            if (context.deliversOnLoop()) {
                if (!context.isClosed()) {
                    context.deliverOnLoop(); // its handler runs here; its calls queue work for the next turn
                }
            } else {
                context.wakeWaiter();
            }
        }
        touchedCount = 0;
    }

    // ================================================================ shutdown

    private void closeEverything() {
        int high = table.highWater();
        for (int i = 0; i < high; i++) {
            Slot slot = table.slotAt(i);
            if (slot != null && slot.state != Slot.FREE) {
                try {
                    abandon(slot);
                } catch (RuntimeException e) {
                    report(e);
                }
            }
        }
        try {
            resolver.close(); // fails every pending lookup (LOOKUP_CNF result 1, CLOSED)
        } catch (RuntimeException e) {
            report(e);
        }
        wakeTouchedContexts(); // make those last events visible before the contexts close
        for (Context context : contexts) {
            if (context != null) {
                context.markClosedByLoop();
            }
        }
        Command command;
        while ((command = commands.poll()) != null) {
            if (command instanceof Command.CloseContext) {
                ((Command.CloseContext) command).done.countDown();
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            report(e);
        }
    }

    // ================================================================ errors

    void report(Throwable t) {
        try {
            config.errorHandler.accept(t);
        } catch (Throwable ignored) {
            // the handler must not throw; if it does, there is nowhere left to report
        }
    }

    /** A short reason for a socket failure. */
    static String describe(Throwable e) {
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        String message = e.getMessage();
        if (message == null || message.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        return message;
    }
}
