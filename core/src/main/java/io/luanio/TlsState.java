package io.luanio;

import io.luanio.tls.TlsConfigException;
import io.luanio.tls.TlsOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/**
 * One TLS socket's engine and ciphertext buffers. A client's is created by
 * {@code Context.connect} on the owner's thread (building the engine there, off the loop)
 * and handed to the loop with the connect command; from then on the loop thread alone
 * touches it. A server's (a TLS listener accepted the connection) is created on the loop
 * with an engine of the listener's {@code SSLContext} ({@link #accepted}). Dropped (buffers
 * back to the pool) when the socket's channel is closed.
 *
 * <pre>
 *  stage:  TCP --tcp connected--&gt; HANDSHAKE --engine done--&gt; OPEN
 *                                      |                    ^
 *                                      +--TLS 1.3 and the---+-- CONFIRM (the server's first
 *                                         server asked for     record after the handshake,
 *                                         a client cert        or a short grace, confirms)
 *
 *  server: accepted --(virtual hosts)--&gt; CLIENT_HELLO --server name read--&gt; HANDSHAKE --&gt; OPEN
 *                   --(one certificate)----------------------------------&gt; HANDSHAKE --&gt; OPEN
 * </pre>
 *
 * <p>Buffer modes: {@code netIn} is kept in write mode (its position is the end of the
 * ciphertext waiting to be unwrapped); {@code netOut} in read mode (position..limit is
 * ciphertext waiting to be written). Either is null whenever it would be empty.
 */
final class TlsState {
    static final int STAGE_TCP = 0;
    static final int STAGE_HANDSHAKE = 1;
    static final int STAGE_CONFIRM = 2;
    static final int STAGE_OPEN = 3;
    /** Server side with virtual hosts: reading the ClientHello's server name, no engine yet. */
    static final int STAGE_CLIENT_HELLO = 4;

    /**
     * The engine, or null when the options could not be used ({@link #setupFailure}); for a
     * server with virtual hosts, null until the ClientHello named the host (set once, by
     * the loop, before the handshake begins).
     */
    SSLEngine engine;
    /** Why the engine could not be built (reported as CONN_CNF result 1, ERR_SSL_EINIT). */
    final String setupFailure;
    final long handshakeTimeoutNs;

    int stage = STAGE_TCP;
    long handshakeDeadlineNs;
    ByteBuffer netIn;
    ByteBuffer netOut;
    /** The packet size the engine asks of a wrap destination. */
    int packetBytes;
    /** netIn holds whole records that wait for room in the receive queue (or for the ring). */
    boolean pendingUnwrap;
    /** The server asked for a client certificate during the handshake. */
    boolean clientAuthRequested;
    /** Records unwrapped since the handshake finished (the TLS 1.3 confirmation counts them). */
    long recordsIn;

    // Server side only (null / -1 for a client).
    /** The listener that accepted this connection, while its handshake runs; null once it ended. */
    TlsListener acceptedBy;
    /** The listener's slot and id, for the ACCEPT_IND. */
    Slot listener;
    int listenerId = -1;
    /** This connection's slot (the listener's pending set holds states, not slots). */
    Slot slot;

    private TlsState(SSLEngine engine, String setupFailure, long handshakeTimeoutNs) {
        this.engine = engine;
        this.setupFailure = setupFailure;
        this.handshakeTimeoutNs = handshakeTimeoutNs;
    }

    /**
     * Builds a socket's TLS state on the owner's thread; never throws for bad options.
     *
     * @param options the TLS options (null: the defaults, verified against the JDK's trust store)
     * @param host the connect host
     * @param port the port
     * @param connectTimeoutMs the connect's timeout, the handshake's default
     */
    static TlsState prepare(TlsOptions options, String host, int port, long connectTimeoutMs) {
        TlsOptions o = options != null ? options : new TlsOptions();
        long timeoutMs = o.handshakeTimeoutMs() > 0 ? o.handshakeTimeoutMs() : connectTimeoutMs;
        long timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            return new TlsState(TlsSetup.newEngine(o, host, port), null, timeoutNs);
        } catch (TlsConfigException e) {
            return new TlsState(null, e.getMessage(), timeoutNs);
        } catch (RuntimeException e) {
            return new TlsState(null, "cannot set up TLS: " + e, timeoutNs);
        }
    }

    /**
     * The TLS state of a connection a TLS listener accepted (loop thread), entered in the
     * listener's pending set until its handshake ends.
     */
    static TlsState accepted(TlsListener server, Slot listener, Slot slot) {
        SSLEngine engine = server.hasVirtualHosts() ? null : server.newEngine(null);
        TlsState tls = new TlsState(engine, null, server.handshakeTimeoutNs);
        tls.acceptedBy = server;
        tls.listener = listener;
        tls.listenerId = listener.id;
        tls.slot = slot;
        server.pending.add(tls);
        return tls;
    }

    /** True for the server side of a connection a listener accepted. */
    boolean isServer() {
        return listener != null;
    }

    /** Leaves the listener's pending set (the handshake ended, one way or the other). */
    void leavePending() {
        if (acceptedBy != null) {
            acceptedBy.pending.remove(this);
            acceptedBy = null;
        }
    }

    boolean hasNetIn() {
        return netIn != null && netIn.position() > 0;
    }

    /** Gives an empty netIn back to the pool. */
    void releaseNetInIfEmpty(NetBuffers pool) {
        if (netIn != null && netIn.position() == 0) {
            pool.release(netIn);
            netIn = null;
        }
    }

    /** Returns both buffers, whatever they hold: the connection is over. */
    void dispose(NetBuffers pool) {
        leavePending();
        if (netIn != null) {
            pool.release(netIn);
            netIn = null;
        }
        if (netOut != null) {
            pool.release(netOut);
            netOut = null;
        }
        pendingUnwrap = false;
    }
}
