package io.luanio;

import io.luanio.buffer.PagedByteQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * TLS sockets on the loop: TCP as {@link TcpIo} does it, then an explicit state machine over
 * each socket's {@link SSLEngine} (STYLE.md habit 13). The owner sees exactly the TCP
 * contract: the plaintext receive queue, send queue, {@code RECV_IND} rule and
 * {@code SEND_CNF}s are the same; only what moves between the queues and the channel
 * differs.
 *
 * <pre>
 *  receive:  channel --read--&gt; netIn (ciphertext, pooled) --unwrap--&gt; receive-queue pages
 *  send:     send-queue pages --wrap (gathering)--&gt; netOut (ciphertext, pooled) --write--&gt; channel
 * </pre>
 *
 * <h2>Handshake</h2>
 * After TCP connects, {@code CONN_CNF} waits for the handshake, which {@link TlsHandshake}
 * drives (its notes are there): any TLS failure is {@code CONN_CNF} result 1 with a
 * {@code "tls: "} reason and {@link Context#tlsError(int)} set. A connection a TLS
 * listener accepted runs the same handshake with a server engine and is announced by the
 * listener's {@code ACCEPT_IND} once it completes; a failure drops it without an event
 * ({@link TlsAccept}). After the handshake both sides are the same.
 *
 * <h2>Data</h2>
 * Unwrap writes plaintext straight into the receive queue's pages (scattering); it needs
 * room for a whole record ({@link #MIN_RECORD_ROOM}), so a TLS receive queue holds at least
 * that much and reading pauses while less is free. Wrap reads plaintext straight from the
 * send queue's pages (gathering), up to four records per buffer. A send's {@code SEND_CNF}
 * comes when all its plaintext was wrapped and every resulting record written: sends are
 * confirmed whenever netOut is empty. TLS 1.3 post-handshake messages (session tickets,
 * key updates) and a TLS 1.2 renegotiation the server asks for are handled on the way;
 * delegated tasks run inline on the loop thread.
 *
 * <h2>Close</h2>
 * <ul>
 * <li>Owner close: queued data is wrapped and written, then {@code close_notify}, then
 *     the channel is closed and {@code CLOSE_CNF} posted (not waiting for the peer's
 *     reply).</li>
 * <li>The peer's {@code close_notify} is its end of stream: {@code CLOSE_IND} result 0
 *     after every byte was announced. Under TLS 1.2 the engine answers with its own
 *     {@code close_notify} and can send nothing more: later sends fail with
 *     {@code SEND_CNF} result 1.</li>
 * <li>A TCP end of stream without {@code close_notify} (whole records or half a record),
 *     or any {@link SSLException} after the handshake, is a failure: {@code CLOSE_IND}
 *     result 1 after what was received intact is announced.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * An idle TLS socket holds its engine and session (about 10 KB of heap on JDK 17, see
 * {@code TlsIdleMemoryTest}) and no buffer: netIn and netOut come from {@link NetBuffers}
 * only while they hold ciphertext (a partial record received, records not yet written),
 * and its queues are trimmed like a TCP socket's.
 */
final class TlsIo extends TcpIo {
    /** The most plaintext one record can carry by the engine's reckoning, with margin. */
    static final int MIN_RECORD_ROOM = 16384 + 2048;
    /**
     * Plaintext room one unwrap is offered: enough for any record, and no more. Offering the
     * queue's whole free space took a page from the pool for every 16 KiB of it on every
     * unwrap (a 64-byte record held ~16 pages) and made the engine walk as many buffers.
     */
    static final int UNWRAP_ROOM = MIN_RECORD_ROOM;
    /** A TLS socket's receive queue holds at least this much. */
    static final int MIN_RECEIVE_BYTES = MIN_RECORD_ROOM;
    /** How long CONN_CNF waits for the server's verdict on a TLS 1.3 client certificate. */
    static final long CONFIRM_GRACE_MS = 1000;

    static final int READS_PER_EVENT = 4;
    private static final int WRAPS_PER_FLUSH = 16;
    static final int HANDSHAKE_STEPS = 256;
    private static final long WRAP_CHUNK = 16384;

    static final int WRITTEN = 0;
    static final int BLOCKED = 1;
    static final int FAILED = 2;

    static final int NEED_DATA = 0;
    static final int FULL = 1;
    static final int CLOSED = 2;
    static final int STALLED_UNWRAP = 3;

    private static final int WRAPPED = 0;
    private static final int NOTHING = 1;
    private static final int STALLED = 2;

    /** The empty source of wraps that carry only the engine's own messages. */
    final ByteBuffer[] nothing = {ByteBuffer.allocate(0)};

    final TlsHandshake handshakes;
    /** The server side: connections TLS listeners accepted, until their handshake ends. */
    final TlsAccept accepts;

    TlsIo(Loop loop) {
        super(loop);
        this.accepts = new TlsAccept(loop, this);
        this.handshakes = new TlsHandshake(loop, this);
    }

    // ================================================================ connect and handshake

    @Override
    void open(Slot slot, Command.Connect command) {
        TlsState tls = slot.tls;
        if (tls == null || tls.engine == null) {
            slot.phase = Slot.PHASE_CONNECTING;
            slot.tlsError = ErrorCode.ERR_SSL_EINIT;
            loop.failConnect(slot, "tls: " + (tls == null ? "no TLS state" : tls.setupFailure));
            return;
        }
        super.open(slot, command);
    }

    /** TCP is up: start the handshake instead of confirming the connect. */
    @Override
    void onTcpConnected(Slot slot) {
        TlsState tls = slot.tls;
        tls.stage = TlsState.STAGE_HANDSHAKE;
        tls.handshakeDeadlineNs = loop.nowNs + tls.handshakeTimeoutNs;
        loop.scheduleSlotTimer(slot, Loop.TIMER_HANDSHAKE, tls.handshakeTimeoutNs);
        updateInterest(slot);
        try {
            tls.engine.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            handshakes.failed(slot, tls, e);
            return;
        }
        handshakes.step(slot, tls);
    }

    @Override
    void onReady(Slot slot, int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            super.onReady(slot, readyOps); // TCP's finishConnect, then onTcpConnected
            return;
        }
        TlsState tls = slot.tls;
        if (tls == null) {
            return;
        }
        if (slot.phase == Slot.PHASE_CONNECTING) {
            if (tls.stage == TlsState.STAGE_HANDSHAKE) {
                handshakes.step(slot, tls);
            } else if (tls.stage == TlsState.STAGE_CONFIRM) {
                handshakes.confirmRead(slot, tls);
            } else if (tls.stage == TlsState.STAGE_CLIENT_HELLO) {
                accepts.readClientHello(slot, tls);
            }
            return;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flush(slot);
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && slot.phase == Slot.PHASE_OPEN && slot.tls == tls) {
            read(slot);
        }
    }

    // ================================================================ receive

    @Override
    void read(Slot slot) {
        TlsState tls = slot.tls;
        if (tls == null) {
            return;
        }
        if (slot.owner.overflowing) {
            loop.pauseForRing(slot);
            tls.pendingUnwrap = tls.hasNetIn();
            return;
        }
        try {
            if (!afterUnwrap(slot, tls, unwrapAll(slot, tls))) {
                return;
            }
            for (int i = 0; i < READS_PER_EVENT; i++) {
                int room = tls.netIn == null ? NetBuffers.BUFFER_BYTES : tls.netIn.remaining();
                int n = readNet(slot, tls);
                if (n == 0 || n == -2) {
                    tls.releaseNetInIfEmpty(loop.netBuffers);
                    return;
                }
                if (n == -1) {
                    onTcpEndOfStream(slot, tls);
                    return;
                }
                if (!afterUnwrap(slot, tls, unwrapAll(slot, tls)) || n < room) {
                    return; // n < room: the kernel had no more
                }
            }
        } catch (SSLException | RuntimeException e) {
            failOpen(slot, tls, e);
        }
    }

    /** @return true to read more from the network */
    private boolean afterUnwrap(Slot slot, TlsState tls, int outcome) {
        if (slot.tls != tls) {
            return false; // failed meanwhile
        }
        if (outcome == FULL) {
            pauseFull(slot);
            return !slot.readFull && slot.tls == tls && afterUnwrapRetry(slot, tls);
        }
        if (outcome == CLOSED) {
            onCloseNotify(slot, tls);
            return false;
        }
        return true;
    }

    /** The room appeared while pausing (the owner read meanwhile): unwrap again. */
    private boolean afterUnwrapRetry(Slot slot, TlsState tls) {
        try {
            return afterUnwrap(slot, tls, unwrapAll(slot, tls));
        } catch (SSLException | RuntimeException e) {
            failOpen(slot, tls, e);
            return false;
        }
    }

    /**
     * Unwraps every whole record in netIn into the receive queue.
     *
     * @return NEED_DATA (netIn empty or holding part of a record), FULL (the next record
     *     needs more room than the queue has), CLOSED (close_notify received), or
     *     STALLED_UNWRAP (the engine takes no record until it has spoken; read on)
     */
    int unwrapAll(Slot slot, TlsState tls) throws SSLException {
        if (!tls.hasNetIn()) {
            tls.pendingUnwrap = false;
            return NEED_DATA;
        }
        SSLEngine engine = tls.engine;
        PagedByteQueue queue = slot.recv;
        ByteBuffer[] views = loop.views;
        ByteBuffer in = tls.netIn;
        int outcome = NEED_DATA;
        long produced = 0;
        boolean needWrap = false;
        int stalls = 0;
        in.flip();
        try {
            while (in.hasRemaining()) {
                int count = queue.writeViews(views, UNWRAP_ROOM);
                if (count == 0) {
                    outcome = FULL;
                    break;
                }
                SSLEngineResult result = engine.unwrap(in, views, 0, count);
                int n = result.bytesProduced();
                if (n > 0) {
                    queue.commitWrite(n);
                    produced += n;
                }
                if (result.bytesConsumed() > 0) {
                    tls.recordsIn++;
                }
                SSLEngineResult.Status status = result.getStatus();
                if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    break;
                }
                if (status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    outcome = FULL;
                    break;
                }
                if (status == SSLEngineResult.Status.CLOSED) {
                    outcome = CLOSED;
                    break;
                }
                SSLEngineResult.HandshakeStatus hs = result.getHandshakeStatus();
                if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks(tls);
                    hs = engine.getHandshakeStatus();
                }
                needWrap |= hs == SSLEngineResult.HandshakeStatus.NEED_WRAP;
                if (result.bytesConsumed() == 0 && n == 0) {
                    // The engine must speak before it reads on (a TLS 1.2 renegotiation):
                    // let it, then carry on; never spin on a record it will not take.
                    if (!needWrap || slot.phase != Slot.PHASE_OPEN || ++stalls > 2) {
                        outcome = STALLED_UNWRAP; // records wait for the engine; more input retries
                        break;
                    }
                    flush(slot);
                    needWrap = false;
                    if (slot.tls != tls) {
                        return NEED_DATA; // the flush failed the socket
                    }
                }
            }
        } finally {
            in.compact();
        }
        if (outcome == NEED_DATA) {
            growNetInIfFull(tls);
        }
        tls.pendingUnwrap = outcome == FULL || outcome == STALLED_UNWRAP;
        tls.releaseNetInIfEmpty(loop.netBuffers);
        if (produced > 0 && slot.phase == Slot.PHASE_OPEN) {
            loop.noteIo(slot);
            announce(slot);
        }
        if (needWrap && slot.phase == Slot.PHASE_OPEN) {
            flush(slot); // a post-handshake reply (key update)
        }
        return outcome;
    }

    /** A record bigger than netIn (only with non-standard engines): move it to a bigger buffer. */
    void growNetInIfFull(TlsState tls) {
        ByteBuffer in = tls.netIn;
        if (in != null && !in.hasRemaining()) {
            int size = Math.max(in.capacity() * 2, tls.engine.getSession().getPacketBufferSize());
            ByteBuffer bigger = ByteBuffer.allocateDirect(size);
            in.flip();
            bigger.put(in);
            loop.netBuffers.release(in);
            tls.netIn = bigger;
        }
    }

    /**
     * Reads ciphertext into netIn.
     *
     * @return bytes read; -1 at end of stream; -2 when the socket failed (already handled)
     */
    int readNet(Slot slot, TlsState tls) {
        if (tls.netIn == null) {
            tls.netIn = loop.netBuffers.acquire();
        }
        int n;
        try {
            n = ((SocketChannel) slot.channel).read(tls.netIn);
        } catch (IOException e) {
            ioFailed(slot, tls, e);
            return -2;
        }
        if (n > 0) {
            loop.noteIo(slot);
        }
        return n;
    }

    /** The peer's close_notify: its end of stream, as TCP's end of stream is for TCP. */
    void onCloseNotify(Slot slot, TlsState tls) {
        if (tls.netIn != null) {
            loop.netBuffers.release(tls.netIn); // anything after close_notify is ignored
            tls.netIn = null;
        }
        tls.pendingUnwrap = false;
        if (slot.reason == null) {
            slot.reason = "closed by peer (close_notify)";
        }
        onEndOfStream(slot);
        if (slot.tls == tls) {
            flush(slot); // TLS 1.2: the engine's own close_notify in reply
        }
    }

    /** TCP ended without close_notify: a truncation, reported as a failure after the intact data. */
    private void onTcpEndOfStream(Slot slot, TlsState tls) {
        slot.tlsError = ErrorCode.ERR_SSL_EINVALID;
        fail(slot, tls.hasNetIn()
            ? "tls: the connection closed in the middle of a record (truncated)"
            : "tls: the connection closed without close_notify (possible truncation)");
    }

    @Override
    int minReadRoom() {
        return MIN_RECORD_ROOM;
    }

    @Override
    void onRecvAck(Slot slot) {
        super.onRecvAck(slot);
        TlsState tls = slot.tls;
        if (tls != null && tls.pendingUnwrap && readingAllowed(slot)) {
            read(slot); // records wait in netIn: no readiness event will bring them
        }
    }

    private static boolean readingAllowed(Slot slot) {
        return slot.phase == Slot.PHASE_OPEN && !slot.inputDone && !slot.readFull && !slot.readPausedForRing;
    }

    // ================================================================ send

    @Override
    void flush(Slot slot) {
        TlsState tls = slot.tls;
        if ((slot.phase != Slot.PHASE_OPEN && slot.phase != Slot.PHASE_DRAINING) || tls == null) {
            return;
        }
        boolean blocked = false;
        boolean stalled = false;
        try {
            for (int i = 0; i < WRAPS_PER_FLUSH; i++) {
                if (tls.netOut != null) {
                    int written = writeNetOut(slot, tls);
                    if (written == FAILED) {
                        return;
                    }
                    if (written == BLOCKED) {
                        blocked = true;
                        break;
                    }
                }
                loop.confirmSends(slot); // netOut is empty: everything wrapped so far is on the wire
                int wrapped = wrap(slot, tls);
                if (slot.tls != tls) {
                    return; // failed while wrapping
                }
                if (wrapped != WRAPPED) {
                    stalled = wrapped == STALLED;
                    break;
                }
            }
            if (!blocked && tls.netOut == null && slot.phase == Slot.PHASE_DRAINING && slot.send.readable() == 0
                && !tls.engine.isOutboundDone()) {
                tls.engine.closeOutbound();
                blocked = wrapCloseNotify(slot, tls);
                if (slot.tls != tls) {
                    return;
                }
            }
        } catch (SSLException | RuntimeException e) {
            failOpen(slot, tls, e);
            return;
        }
        boolean pending = blocked || tls.netOut != null || (!stalled && slot.send.readable() > 0);
        if (slot.writePending != pending) {
            slot.writePending = pending;
            updateInterest(slot);
        }
        if (!pending && slot.phase == Slot.PHASE_DRAINING) {
            completeDrain(slot);
        }
    }

    /**
     * Wraps queued plaintext (and what the engine itself must send) into a fresh netOut.
     *
     * @return WRAPPED (netOut holds records), NOTHING (nothing to wrap) or STALLED (the
     *     engine waits for the peer before it can wrap data)
     */
    private int wrap(Slot slot, TlsState tls) throws SSLException {
        SSLEngine engine = tls.engine;
        PagedByteQueue queue = slot.send;
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks(tls);
            hs = engine.getHandshakeStatus();
        }
        long readable = queue.readable();
        boolean engineWants = hs == SSLEngineResult.HandshakeStatus.NEED_WRAP;
        if (!engineWants && readable == 0) {
            return NOTHING;
        }
        if (hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
            return STALLED; // e.g. a TLS 1.2 renegotiation: the peer speaks first
        }
        if (engine.isOutboundDone()) {
            if (readable > 0) {
                cannotSend(slot, tls);
            }
            return NOTHING;
        }
        ByteBuffer out = loop.netBuffers.acquire();
        ByteBuffer[] views = loop.views;
        for (;;) {
            SSLEngineResult result;
            if (readable > 0) {
                int count = queue.readViews(views, 0, Math.min(readable, WRAP_CHUNK));
                result = engine.wrap(views, 0, count, out);
            } else {
                result = engine.wrap(nothing, out);
            }
            int consumed = result.bytesConsumed();
            if (consumed > 0) {
                queue.commitRead(consumed);
                readable -= consumed;
            }
            SSLEngineResult.Status status = result.getStatus();
            if (status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (out.position() == 0) { // a packet bigger than a pooled buffer
                    loop.netBuffers.release(out);
                    out = ByteBuffer.allocateDirect(engine.getSession().getPacketBufferSize());
                    continue;
                }
                break;
            }
            if (status == SSLEngineResult.Status.CLOSED) {
                break;
            }
            hs = result.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks(tls);
                hs = engine.getHandshakeStatus();
            }
            boolean more = readable > 0 || hs == SSLEngineResult.HandshakeStatus.NEED_WRAP;
            if (!more || out.remaining() < tls.packetBytes || hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                || (consumed == 0 && result.bytesProduced() == 0)) {
                break;
            }
        }
        out.flip();
        if (!out.hasRemaining()) {
            loop.netBuffers.release(out);
            if (engine.isOutboundDone() && queue.readable() > 0) {
                cannotSend(slot, tls);
            }
            return NOTHING;
        }
        tls.netOut = out;
        return WRAPPED;
    }

    /** @return true when the close_notify could not be written at once (OP_WRITE) */
    private boolean wrapCloseNotify(Slot slot, TlsState tls) throws SSLException {
        ByteBuffer out = loop.netBuffers.acquire();
        for (int i = 0; i < 4 && !tls.engine.isOutboundDone(); i++) {
            tls.engine.wrap(nothing, out);
        }
        out.flip();
        if (!out.hasRemaining()) {
            loop.netBuffers.release(out);
            return false;
        }
        tls.netOut = out;
        return writeNetOut(slot, tls) == BLOCKED;
    }

    /** @return WRITTEN (netOut empty and released), BLOCKED, or FAILED (handled) */
    int writeNetOut(Slot slot, TlsState tls) {
        ByteBuffer out = tls.netOut;
        try {
            if (((SocketChannel) slot.channel).write(out) > 0) {
                loop.noteIo(slot);
            }
        } catch (IOException e) {
            ioFailed(slot, tls, e);
            return FAILED;
        }
        if (out.hasRemaining()) {
            return BLOCKED;
        }
        tls.netOut = null;
        loop.netBuffers.release(out);
        return WRITTEN;
    }

    /**
     * The engine can send nothing more (the peer closed the TLS session, TLS 1.2) but sends
     * are queued: they fail. The CLOSE_IND (result 0, the peer's close) stays as it was.
     */
    private void cannotSend(Slot slot, TlsState tls) {
        slot.reason = "tls: cannot send: the peer closed the TLS session (close_notify)";
        loop.cancelTimer(slot);
        loop.closeChannel(slot);
        slot.phase = Slot.PHASE_DEAD;
        loop.beginLoopClose(slot);
        tryFinishDead(slot);
    }

    // ================================================================ interest, timers, failures

    @Override
    void updateInterest(Slot slot) {
        TlsState tls = slot.tls;
        if (slot.phase == Slot.PHASE_CONNECTING && tls != null && tls.stage != TlsState.STAGE_TCP) {
            loop.interest(slot, SelectionKey.OP_READ | (tls.netOut != null ? SelectionKey.OP_WRITE : 0));
            return;
        }
        super.updateInterest(slot);
        if (tls != null && tls.pendingUnwrap && readingAllowed(slot)) {
            // Reading resumed (e.g. the ring drained) while whole records wait in netIn:
            // no readiness event will come for them, so come back through a signal.
            loop.signal(slot, Slot.SIGNAL_RECV);
        }
    }

    @Override
    void onTimer(Slot slot, int kind) {
        TlsState tls = slot.tls;
        if (kind == Loop.TIMER_HANDSHAKE && tls != null) {
            handshakes.fail(slot, tls, ErrorCode.ERR_ETIMEOUT, "handshake timed out after "
                + TimeUnit.NANOSECONDS.toMillis(tls.handshakeTimeoutNs) + " ms");
        } else if (kind == Loop.TIMER_TLS_CONFIRM && tls != null) {
            handshakes.confirm(slot, tls); // no verdict from the server: it accepted
        } else {
            super.onTimer(slot, kind);
        }
    }

    /** A failure before an accepted connection's handshake completed ends it quietly (TlsAccept). */
    @Override
    void fail(Slot slot, String reason) {
        TlsState tls = slot.tls;
        if (tls != null && tls.isServer() && slot.phase == Slot.PHASE_CONNECTING) {
            accepts.drop(slot, tls, reason, true);
            return;
        }
        super.fail(slot, reason);
    }

    static void runTasks(TlsState tls) {
        Runnable task;
        while ((task = tls.engine.getDelegatedTask()) != null) {
            task.run(); // on the loop thread: CPU work (signatures, certificate checks), no I/O
        }
    }

    /** An I/O error on the channel: a TLS failure while connecting, a TCP failure after. */
    void ioFailed(Slot slot, TlsState tls, IOException e) {
        if (slot.phase == Slot.PHASE_CONNECTING) {
            String alert = handshakes.salvageAlert(slot, tls);
            handshakes.fail(slot, tls, ErrorCode.ERR_SSL_EHANDESHAK, alert != null ? alert : Loop.describe(e));
        } else {
            fail(slot, Loop.describe(e));
        }
    }

    /** An SSLException after the handshake: the session is dead, CLOSE_IND result 1. */
    private void failOpen(Slot slot, TlsState tls, Exception e) {
        if (slot.tls != tls) {
            return;
        }
        if (slot.phase == Slot.PHASE_CONNECTING) {
            handshakes.failed(slot, tls, e);
            return;
        }
        sendAlertQuietly(slot, tls);
        slot.tlsError = ErrorCode.ERR_SSL_EINVALID;
        fail(slot, "tls: " + (e instanceof SSLException ? TlsFailures.describe((SSLException) e) : "internal error: " + e));
    }

    /** One non-blocking attempt to send the alert an engine holds after a failure. */
    void sendAlertQuietly(Slot slot, TlsState tls) {
        if (tls.netOut != null || !(slot.channel instanceof SocketChannel)) {
            return; // records are queued ahead of it: the alert cannot jump them
        }
        ByteBuffer out = loop.netBuffers.acquire();
        try {
            for (int i = 0; i < 4 && tls.engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP; i++) {
                tls.engine.wrap(nothing, out);
            }
            out.flip();
            if (out.hasRemaining()) {
                ((SocketChannel) slot.channel).write(out);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the connection is being failed anyway
        } finally {
            loop.netBuffers.release(out);
        }
    }
}
