package io.luanio;

import io.luanio.buffer.PagedByteQueue;
import io.luanio.timer.TimerHeap;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import javax.net.ssl.SSLSession;

/**
 * One entry of the {@link SocketTable}: a socket's state, shared between its owner's
 * thread and the loop thread, plus the loop's private bookkeeping.
 *
 * <h2>Who writes what</h2>
 * <ul>
 * <li>{@code id}, {@code owner}, {@code kind}: the thread that allocates the slot, before
 *     {@code id} is published (volatile); cleared by whoever frees it.</li>
 * <li>{@code state}: both sides, by CAS. The owner moves an open socket to
 *     {@link #CLOSING} (close requested) and a {@link #CLOSED} one to {@link #FREE}
 *     (destroy); the loop does every other transition, and sets {@code CLOSED} only after
 *     its last touch of the slot, so a destroy never races the loop.</li>
 * <li>{@code recv}: the loop produces, the owner consumes. {@code send} and
 *     {@code sendLengths} (one int per send, for {@code SEND_CNF}): the owner produces,
 *     the loop consumes.</li>
 * <li>{@code signals}: bits the owner sets to get the loop's attention; the first bit set
 *     also puts the slot on the loop's signal queue, the loop clears them all at once.</li>
 * <li>{@code sendGate}: non-zero while the owner is inside {@code send}; the loop waits
 *     for zero before it fails what is left in a dead socket's send queue (a Dekker pair
 *     with {@code state}).</li>
 * <li>{@code recvAnnounce}: {@link #OUTSTANDING} while a TCP {@code RECV_IND} is waiting
 *     for the owner's {@code recv}; the loop sets it by CAS before announcing, the owner
 *     resets it after every {@code recv} and then reads {@code ackWanted}: when the loop
 *     waits for that read (queue full, close pending) it sets {@code ackWanted} first and
 *     reads {@code recvAnnounce} after, so one of the two always sees the other.</li>
 * <li>{@code tlsError}, {@code tlsSession}, {@code applicationProtocol}: written by the
 *     loop (before the event that makes them interesting is posted), read by the owner.</li>
 * <li>{@code tls}: set by the owner in {@code connect} before the connect command is
 *     queued (the queue hands it over), then touched by the loop alone; for a connection a
 *     TLS listener accepted, set by the loop. {@code tlsListener} (a TLS listener's server
 *     side): set by the owner in {@code listen} the same way.</li>
 * <li>Everything under "loop only" is touched by the loop thread alone.</li>
 * </ul>
 */
final class Slot {
    // Shared states.
    static final int FREE = 0;
    static final int CONNECTING = 1;
    static final int CONNECTED = 2;
    static final int LISTENING = 3;
    static final int CLOSING = 4;
    static final int CLOSED = 5;

    // Kinds.
    static final int KIND_TCP = 0;
    static final int KIND_UDP = 1;
    static final int KIND_TLS = 2;
    static final int KIND_LISTENER = 3;

    // Signal bits.
    static final int SIGNAL_SEND = 1;
    static final int SIGNAL_RECV = 2;
    static final int SIGNAL_CLOSE = 4;

    // recvAnnounce values.
    static final int IDLE = 0;
    static final int OUTSTANDING = 1;

    // Loop phases.
    static final int PHASE_CONNECTING = 1;
    static final int PHASE_OPEN = 2;
    static final int PHASE_DRAINING = 3;
    static final int PHASE_DEAD = 4;
    static final int PHASE_DONE = 5;

    final int index;
    int generation;

    // ------------------------------------------------------------ shared
    volatile int id = -1;
    volatile Context owner;
    volatile int state;
    int kind;
    volatile String reason;
    volatile int localPort;
    volatile InetSocketAddress remote;
    volatile int tlsError;
    volatile SSLSession tlsSession;
    volatile String applicationProtocol;

    PagedByteQueue recv;
    PagedByteQueue send;
    PagedByteQueue sendLengths;

    volatile int signals;
    volatile int sendGate;
    volatile int recvAnnounce;
    volatile boolean ackWanted;

    // ------------------------------------------------------------ loop only
    /** TLS sockets: the engine and ciphertext buffers; null once the channel is closed. */
    TlsState tls;
    /** TLS listeners: the server's SSLContext and its running handshakes; null once closed. */
    TlsListener tlsListener;
    SelectableChannel channel;
    SelectionKey key;
    long timer = TimerHeap.NO_TIMER;
    int phase;
    /** The loop (not the owner) moved the state to CLOSING: a failure or a peer close. */
    boolean loopClosing;
    boolean readFull;
    boolean readPausedForRing;
    boolean inputDone;
    boolean writePending;
    boolean acceptPaused;
    boolean closeIndPending;
    boolean closeIndPosted;
    int closeIndResult;
    long announcedUpTo;
    long confirmedUpTo;
    int deferredCloseCnf;
    Slot trimPrev;
    Slot trimNext;
    boolean inTrimList;
    long lastIoNs;
    Slot nextPaused;
    int[] pendingOptions;
    int pendingOptionCount;
    /** A connect to a host name that is still resolving or racing its addresses. */
    NameConnect connector;

    Slot(int index) {
        this.index = index;
    }

    boolean casState(int expect, int update) {
        return STATE.compareAndSet(this, expect, update);
    }

    boolean casAnnounce(int expect, int update) {
        return ANNOUNCE.compareAndSet(this, expect, update);
    }

    int takeSignals() {
        return SIGNALS.getAndSet(this, 0);
    }

    /** Sets a signal bit; @return true when it was the first bit (the caller queues the slot). */
    boolean raiseSignal(int bit) {
        for (;;) {
            int old = signals;
            if ((old & bit) != 0) {
                return false;
            }
            if (SIGNALS.compareAndSet(this, old, old | bit)) {
                return old == 0;
            }
        }
    }

    void enterSendGate() {
        GATE.incrementAndGet(this);
    }

    void exitSendGate() {
        GATE.decrementAndGet(this);
    }

    /** Resets the loop-only fields for a new socket in this slot. */
    void resetLoopState() {
        tls = null;
        tlsListener = null;
        channel = null;
        key = null;
        timer = TimerHeap.NO_TIMER;
        phase = 0;
        loopClosing = false;
        readFull = false;
        readPausedForRing = false;
        inputDone = false;
        writePending = false;
        acceptPaused = false;
        closeIndPending = false;
        closeIndPosted = false;
        closeIndResult = 0;
        announcedUpTo = 0;
        confirmedUpTo = 0;
        deferredCloseCnf = 0;
        lastIoNs = 0;
        nextPaused = null;
        pendingOptionCount = 0;
        connector = null;
    }

    @Override
    public String toString() {
        return "Slot{index=" + index + ", id=" + id + ", kind=" + kind + ", state=" + state + ", phase=" + phase + "}";
    }

    private static final AtomicIntegerFieldUpdater<Slot> STATE =
        AtomicIntegerFieldUpdater.newUpdater(Slot.class, "state");
    private static final AtomicIntegerFieldUpdater<Slot> ANNOUNCE =
        AtomicIntegerFieldUpdater.newUpdater(Slot.class, "recvAnnounce");
    private static final AtomicIntegerFieldUpdater<Slot> SIGNALS =
        AtomicIntegerFieldUpdater.newUpdater(Slot.class, "signals");
    private static final AtomicIntegerFieldUpdater<Slot> GATE =
        AtomicIntegerFieldUpdater.newUpdater(Slot.class, "sendGate");
}
