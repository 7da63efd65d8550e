package io.luanio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLException;

/**
 * The server side of TLS: connections a TLS listener accepted, from the TCP accept to their
 * {@code ACCEPT_IND}. Loop thread only; one instance per loop (in {@link TlsIo}).
 *
 * <pre>
 *  TCP accepted --&gt; slot (CONNECTING, id unknown to the owner) --server handshake--&gt; ACCEPT_IND, OPEN
 *                                     |
 *                                     +-- failure, timeout, listener closed --&gt; closed and freed, no event
 * </pre>
 *
 * <p>The contract: the owner hears of an accepted TLS connection only once its handshake
 * is complete, through the listener's {@code ACCEPT_IND}; from then on it is an SSL socket
 * like a connected one (sends allowed at once, {@code tlsSession} set, the peer's
 * certificate there when one was asked for). Until then the connection holds a slot (it
 * counts against the context's socket quota) but has no event: a handshake that fails
 * (a client speaking something else, a refused client certificate, a timeout, the client
 * leaving) closes it and frees the slot quietly, and the listener's {@code reason} says why
 * the last one failed. Closing the listener drops the handshakes still running.
 *
 * <p>The handshake itself is {@link TlsHandshake}'s, shared with the client side; the
 * engine is in server mode and a handshake failure comes back here through
 * {@link #drop} instead of a {@code CONN_CNF}. A listener with virtual hosts first reads
 * the client's ClientHello ({@link ClientHelloSni}) to take the engine from the context
 * of the name it asks for; the engine then unwraps those same bytes.
 */
final class TlsAccept {
    private final Loop loop;
    private final TlsIo io;

    TlsAccept(Loop loop, TlsIo io) {
        this.loop = loop;
        this.io = io;
    }

    /**
     * Takes over a connection a TLS listener accepted and starts the server handshake. Never
     * throws: a connection that cannot be set up is dropped.
     *
     * @param listener the listener's slot
     * @param slot a fresh TLS slot of the listener's owner (state CONNECTING)
     * @param channel the accepted channel
     */
    void accept(Slot listener, Slot slot, SocketChannel channel) {
        slot.channel = channel;
        slot.phase = Slot.PHASE_CONNECTING;
        TlsState tls;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            slot.remote = (InetSocketAddress) channel.getRemoteAddress();
            slot.localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            tls = TlsState.accepted(listener.tlsListener, listener, slot);
            slot.tls = tls;
            slot.key = channel.register(loop.selector, 0, slot);
        } catch (IOException | RuntimeException e) {
            listener.reason = "tls: could not take a connection: " + Loop.describe(e);
            quietClose(slot);
            return;
        }
        if (tls.engine != null) {
            io.onTcpConnected(slot); // the handshake timer, then beginHandshake and the first steps
            return;
        }
        // Virtual hosts: the engine comes from the context of the name the ClientHello asks for.
        tls.stage = TlsState.STAGE_CLIENT_HELLO;
        tls.handshakeDeadlineNs = loop.nowNs + tls.handshakeTimeoutNs;
        loop.scheduleSlotTimer(slot, Loop.TIMER_HANDSHAKE, tls.handshakeTimeoutNs);
        io.updateInterest(slot); // OP_READ
        readClientHello(slot, tls);
    }

    /**
     * Reads until the ClientHello is complete, then creates the engine of the virtual host it
     * names (or the default) and begins the handshake with the bytes read so far.
     */
    void readClientHello(Slot slot, TlsState tls) {
        if (tls.netIn == null) {
            tls.netIn = loop.netBuffers.acquire();
        }
        int n;
        try {
            n = ((SocketChannel) slot.channel).read(tls.netIn);
        } catch (IOException e) {
            drop(slot, tls, "tls: " + Loop.describe(e), true);
            return;
        }
        if (n > 0) {
            loop.noteIo(slot);
        }
        if (n < 0) {
            slot.tlsError = ErrorCode.ERR_SSL_EHANDESHAK;
            drop(slot, tls, "tls: the client closed the connection before its ClientHello", true);
            return;
        }
        String name = ClientHelloSni.serverName(tls.netIn);
        if (ClientHelloSni.NEED_MORE.equals(name) && tls.netIn.hasRemaining()) {
            tls.releaseNetInIfEmpty(loop.netBuffers);
            return; // OP_READ brings the rest
        }
        // A complete ClientHello, or bytes that are none (the engine refuses them with an alert).
        try {
            tls.engine = tls.acceptedBy.newEngine(name);
            tls.stage = TlsState.STAGE_HANDSHAKE;
            tls.engine.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            drop(slot, tls, "tls: " + Loop.describe(e), true);
            return;
        }
        io.handshakes.step(slot, tls);
    }

    /** The server handshake is complete: the owner hears of the connection now. */
    void established(Slot slot, TlsState tls) {
        loop.cancelTimer(slot);
        tls.leavePending();
        Slot listener = tls.listener;
        if (listener.id != tls.listenerId || listener.phase != Slot.PHASE_OPEN) {
            drop(slot, tls, "the listener closed during the handshake", false);
            return;
        }
        tls.stage = TlsState.STAGE_OPEN;
        tls.packetBytes = tls.engine.getSession().getPacketBufferSize();
        slot.tlsSession = tls.engine.getSession();
        slot.applicationProtocol = TlsSetup.applicationProtocol(tls.engine);
        if (!slot.casState(Slot.CONNECTING, Slot.CONNECTED)) {
            drop(slot, tls, "closed before its handshake completed", false);
            return;
        }
        slot.phase = Slot.PHASE_OPEN;
        io.updateInterest(slot);
        loop.post(slot.owner, EventType.ACCEPT_IND, tls.listenerId, 0, slot.id);
        io.announce(slot); // plaintext that came with the client's last handshake flight
        if (tls.hasNetIn() || tls.pendingUnwrap) {
            io.read(slot);
        }
    }

    /**
     * Ends a connection whose handshake did not complete, without an event: its owner never
     * heard of it.
     *
     * @param note true to record the reason on the listener (a handshake failure, not our own close)
     */
    void drop(Slot slot, TlsState tls, String reason, boolean note) {
        Slot listener = tls.listener;
        if (note && listener.id == tls.listenerId) {
            InetSocketAddress remote = slot.remote;
            listener.reason = "dropped a TLS connection" + (remote != null ? " from " + remote.getAddress().getHostAddress() + ":" + remote.getPort() : "") + ": " + reason;
        }
        slot.reason = reason;
        if (slot.state == Slot.CLOSING && !slot.loopClosing) {
            // The owner closed this id without having been told of it (a guessed id): answer
            // as for a connect it closed, so its CLOSE_CNF is not lost.
            loop.failConnect(slot, reason);
            return;
        }
        quietClose(slot);
    }

    /** Closes the channel, frees the slot, posts nothing. */
    private void quietClose(Slot slot) {
        loop.cancelTimer(slot);
        loop.closeChannel(slot); // disposes the TLS state: it leaves the pending set
        loop.removeFromTrimList(slot);
        slot.phase = Slot.PHASE_DONE;
        slot.state = Slot.CLOSED;
        if (slot.casState(Slot.CLOSED, Slot.FREE)) {
            loop.release(slot);
        }
    }

    /** The listener is closing: the handshakes it started end here, quietly. */
    void dropPending(Slot listener) {
        TlsListener server = listener.tlsListener;
        if (server == null) {
            return;
        }
        listener.tlsListener = null;
        for (TlsState tls : server.pending.toArray(new TlsState[0])) {
            Slot slot = tls.slot;
            if (slot.tls == tls && slot.phase == Slot.PHASE_CONNECTING) {
                drop(slot, tls, "the listener closed during the handshake", false);
            } else {
                tls.leavePending();
            }
        }
    }
}
