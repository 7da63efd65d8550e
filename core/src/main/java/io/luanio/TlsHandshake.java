package io.luanio;

import io.luanio.buffer.PagedByteQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * The handshake half of {@link TlsIo}: from TCP connected to {@code CONN_CNF}. Loop thread
 * only; one instance per loop, the per-socket state is in {@link TlsState}.
 *
 * <pre>
 *   NEED_WRAP   -&gt; wrap into netOut, write it (OP_WRITE while the kernel will not take it)
 *   NEED_UNWRAP -&gt; read into netIn, unwrap (OP_READ while nothing has come)
 *   NEED_TASK   -&gt; run the delegated tasks inline: CPU work (signatures, certificate
 *                  checks), never I/O, so the loop does not block
 *   FINISHED / NOT_HANDSHAKING -&gt; done (TLS 1.3 with a client certificate asked for:
 *                  CONFIRM first), CONN_CNF result 0
 * </pre>
 *
 * <p>Any {@link SSLException}, the peer closing, or the handshake timer ends the connect
 * with {@code CONN_CNF} result 1, a reason starting with {@code "tls: "} and
 * {@link Context#tlsError(int)} set. When the engine holds an alert for the peer, one
 * non-blocking attempt is made to send it first; when our write fails because the server
 * already hung up, its alert (if it came) is read to say why. The same steps drive a
 * server engine (a connection a TLS listener accepted): there success is the listener's
 * {@code ACCEPT_IND} and a failure closes the connection without an event
 * ({@link TlsAccept}).
 *
 * <p>TLS 1.3 detail: a client considers the handshake done before the server has checked
 * the client's certificate (the server's verdict, an alert or its session ticket, comes
 * after). When the server asked for a certificate, {@code CONN_CNF} therefore waits for
 * the server's first record after the handshake, at most {@link TlsIo#CONFIRM_GRACE_MS}: a
 * rejected (or missing) client certificate fails the connect as it does in TLS 1.2.
 */
final class TlsHandshake {
    private final Loop loop;
    private final TlsIo io;

    TlsHandshake(Loop loop, TlsIo io) {
        this.loop = loop;
        this.io = io;
    }

    /** Drives the handshake as far as the network allows. */
    void step(Slot slot, TlsState tls) {
        SSLEngine engine = tls.engine;
        try {
            for (int step = 0; step < TlsIo.HANDSHAKE_STEPS; step++) {
                if (tls.netOut != null) {
                    int written = io.writeNetOut(slot, tls);
                    if (written != TlsIo.WRITTEN) {
                        if (written == TlsIo.BLOCKED) {
                            io.updateInterest(slot); // OP_WRITE until it is out
                        }
                        return;
                    }
                    io.updateInterest(slot);
                }
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK:
                        TlsIo.runTasks(tls);
                        break;
                    case NEED_WRAP:
                        wrapHandshake(slot, tls);
                        break;
                    case NOT_HANDSHAKING:
                    case FINISHED:
                        finished(slot, tls);
                        return;
                    default: // NEED_UNWRAP (NEED_UNWRAP_AGAIN is DTLS only)
                        if (!unwrapHandshake(slot, tls)) {
                            return;
                        }
                        break;
                }
                noteClientAuth(tls);
            }
            fail(slot, tls, ErrorCode.ERR_SSL_EHANDESHAK, "the handshake makes no progress");
        } catch (SSLException | RuntimeException e) {
            failed(slot, tls, e);
        }
    }

    private void wrapHandshake(Slot slot, TlsState tls) throws SSLException {
        ByteBuffer out = loop.netBuffers.acquire();
        SSLEngineResult result = tls.engine.wrap(io.nothing, out);
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            loop.netBuffers.release(out);
            out = ByteBuffer.allocateDirect(tls.engine.getSession().getPacketBufferSize());
            result = tls.engine.wrap(io.nothing, out);
        }
        out.flip();
        if (out.hasRemaining()) {
            tls.netOut = out;
        } else {
            loop.netBuffers.release(out);
        }
        if (result.getStatus() == SSLEngineResult.Status.CLOSED && tls.netOut == null) {
            throw new SSLException("the engine closed during the handshake");
        }
    }

    /** @return true when the handshake can go on now; false to wait for the network (or after a failure) */
    private boolean unwrapHandshake(Slot slot, TlsState tls) throws SSLException {
        if (!tls.hasNetIn()) {
            return readDuringHandshake(slot, tls);
        }
        ByteBuffer in = tls.netIn;
        PagedByteQueue queue = slot.recv;
        ByteBuffer[] views = loop.views;
        int count = queue.writeViews(views, TlsIo.UNWRAP_ROOM);
        SSLEngineResult result;
        in.flip();
        try {
            result = tls.engine.unwrap(in, views, 0, count);
        } finally {
            in.compact();
        }
        queue.commitWrite(result.bytesProduced());
        tls.releaseNetInIfEmpty(loop.netBuffers);
        switch (result.getStatus()) {
            case BUFFER_UNDERFLOW:
                io.growNetInIfFull(tls);
                return readDuringHandshake(slot, tls);
            case BUFFER_OVERFLOW:
                tls.pendingUnwrap = true; // only application data needs room: it waits for OPEN
                return false;
            case CLOSED:
                fail(slot, tls, ErrorCode.ERR_SSL_EHANDESHAK, "the " + peer(tls) + " closed the connection during the handshake");
                return false;
            default:
                return true;
        }
    }

    private boolean readDuringHandshake(Slot slot, TlsState tls) {
        int n = io.readNet(slot, tls);
        if (n < 0) {
            if (n == -1) {
                fail(slot, tls, ErrorCode.ERR_SSL_EHANDESHAK, "the " + peer(tls) + " closed the connection during the handshake");
            }
            return false;
        }
        return n > 0;
    }

    private void noteClientAuth(TlsState tls) {
        if (!tls.clientAuthRequested) {
            SSLSession session = tls.engine.getHandshakeSession();
            if (session != null && session.getValue(TlsSetup.CLIENT_AUTH_REQUESTED) != null) {
                tls.clientAuthRequested = true;
            }
        }
    }

    private void finished(Slot slot, TlsState tls) {
        SSLSession session = tls.engine.getSession();
        tls.packetBytes = session.getPacketBufferSize();
        if (session.getValue(TlsSetup.CLIENT_AUTH_REQUESTED) != null) {
            tls.clientAuthRequested = true;
        }
        if (tls.clientAuthRequested && "TLSv1.3".equals(session.getProtocol())) {
            tls.stage = TlsState.STAGE_CONFIRM;
            tls.recordsIn = 0;
            long left = tls.handshakeDeadlineNs - loop.nowNs;
            long grace = Math.max(0, Math.min(left, TimeUnit.MILLISECONDS.toNanos(TlsIo.CONFIRM_GRACE_MS)));
            loop.scheduleSlotTimer(slot, Loop.TIMER_TLS_CONFIRM, grace);
            io.updateInterest(slot);
            if (tls.hasNetIn()) {
                confirmRead(slot, tls);
            }
            return;
        }
        confirm(slot, tls);
    }

    /** TLS 1.3 with a client certificate asked for: the server's next record decides. */
    void confirmRead(Slot slot, TlsState tls) {
        try {
            if (tls.netOut != null) {
                int written = io.writeNetOut(slot, tls);
                if (written == TlsIo.FAILED) {
                    return;
                }
                io.updateInterest(slot);
            }
            for (int i = 0; i < TlsIo.READS_PER_EVENT; i++) {
                long before = tls.recordsIn;
                int outcome = io.unwrapAll(slot, tls);
                if (tls.recordsIn != before || outcome == TlsIo.CLOSED) {
                    confirm(slot, tls);
                    if (outcome == TlsIo.CLOSED && slot.tls == tls && slot.phase == Slot.PHASE_OPEN) {
                        io.onCloseNotify(slot, tls);
                    }
                    return;
                }
                if (outcome == TlsIo.FULL) {
                    return;
                }
                int n = io.readNet(slot, tls);
                if (n == 0 || n == -2) {
                    return;
                }
                if (n == -1) {
                    fail(slot, tls, ErrorCode.ERR_SSL_EHANDESHAK,
                        "the server closed the connection after the handshake (client certificate rejected?)");
                    return;
                }
            }
        } catch (SSLException | RuntimeException e) {
            failed(slot, tls, e);
        }
    }

    /** The handshake is complete (and confirmed): CONN_CNF, then whatever already arrived. */
    void confirm(Slot slot, TlsState tls) {
        if (tls.isServer()) {
            io.accepts.established(slot, tls); // ACCEPT_IND instead of CONN_CNF
            return;
        }
        loop.cancelTimer(slot);
        tls.stage = TlsState.STAGE_OPEN;
        if (tls.packetBytes == 0) {
            tls.packetBytes = tls.engine.getSession().getPacketBufferSize();
        }
        slot.tlsSession = tls.engine.getSession();
        slot.applicationProtocol = TlsSetup.applicationProtocol(tls.engine);
        if (!slot.casState(Slot.CONNECTING, Slot.CONNECTED)) {
            loop.failConnect(slot, "closed by its owner before it connected");
            return;
        }
        slot.phase = Slot.PHASE_OPEN;
        io.updateInterest(slot);
        loop.post(slot.owner, EventType.CONN_CNF, slot.id, 0, 0);
        io.announce(slot); // plaintext that came with the last handshake flight
        if (tls.hasNetIn() || tls.pendingUnwrap) {
            io.read(slot);
        }
    }

    /**
     * A server that rejects a handshake sends an alert and closes; a write of ours can hit the
     * closed connection first ("broken pipe"). The alert, if it arrived, says more: one
     * non-blocking read and unwrap to find it.
     *
     * @return the alert's description, or null
     */
    String salvageAlert(Slot slot, TlsState tls) {
        try {
            if (tls.netIn == null) {
                tls.netIn = loop.netBuffers.acquire();
            }
            ((SocketChannel) slot.channel).read(tls.netIn);
            ByteBuffer in = tls.netIn;
            in.flip();
            try {
                for (int i = 0; i < 8 && in.hasRemaining(); i++) {
                    SSLEngineResult r = tls.engine.unwrap(in, io.nothing);
                    if (r.getStatus() != SSLEngineResult.Status.OK) {
                        break;
                    }
                }
            } finally {
                in.compact();
            }
        } catch (SSLException e) {
            return TlsFailures.describe(e);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The engine refused the handshake (verification, alert, protocol): CONN_CNF result 1. */
    void failed(Slot slot, TlsState tls, Exception e) {
        if (slot.tls != tls || slot.phase != Slot.PHASE_CONNECTING) {
            return;
        }
        io.sendAlertQuietly(slot, tls);
        fail(slot, tls, ErrorCode.ERR_SSL_EHANDESHAK,
            e instanceof SSLException ? TlsFailures.describe((SSLException) e) : "internal error: " + e);
    }

    void fail(Slot slot, TlsState tls, int code, String reason) {
        if (slot.tls != tls || slot.phase != Slot.PHASE_CONNECTING) {
            return;
        }
        slot.tlsError = code;
        if (tls.isServer()) {
            io.accepts.drop(slot, tls, "tls: " + reason, true); // no event: the owner never saw it
            return;
        }
        loop.failConnect(slot, "tls: " + reason);
    }

    /** "server" for a client's handshake, "client" for a server's: who closed, in reasons. */
    private static String peer(TlsState tls) {
        return tls.isServer() ? "client" : "server";
    }
}
