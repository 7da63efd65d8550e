package io.luanio;

import io.luanio.tls.TlsConfigException;
import io.luanio.tls.TlsOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/**
 * One TLS socket's engine and ciphertext buffers. Created by {@code Context.connect} on the
 * owner's thread (building the engine there, off the loop) and handed to the loop with the
 * connect command; from then on the loop thread alone touches it. Dropped (buffers back to
 * the pool) when the socket's channel is closed.
 *
 * <pre>
 *  stage:  TCP --tcp connected--&gt; HANDSHAKE --engine done--&gt; OPEN
 *                                      |                    ^
 *                                      +--TLS 1.3 and the---+-- CONFIRM (the server's first
 *                                         server asked for     record after the handshake,
 *                                         a client cert        or a short grace, confirms)
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

    /** The engine, or null when the options could not be used ({@link #setupFailure}). */
    final SSLEngine engine;
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
