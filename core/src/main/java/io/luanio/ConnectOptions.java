package io.luanio;

import io.luanio.tls.TlsOptions;

/**
 * Optional settings of one {@link Context#connect}. Setters return {@code this}; a
 * value left unset takes the context's default.
 *
 * <pre>{@code
 * int id = ctx.connect(SocketType.TCP, "127.0.0.1", 8080,
 *         new ConnectOptions().localPort(40000).timeoutMs(2_000));
 * int tls = ctx.connect(SocketType.SSL, "127.0.0.1", 8883,
 *         new ConnectOptions().tls(new TlsOptions().trustPem(caPem).serverName("broker.local")));
 * }</pre>
 */
public final class ConnectOptions {
    int localPort;
    long timeoutMs = -1;
    int receiveBufferBytes = -1;
    int sendQueueBytes = -1;
    TlsOptions tls;

    /** Creates options with every value unset. */
    public ConnectOptions() {
    }

    /**
     * Binds the local port before connecting (TCP and UDP).
     *
     * @param port 1..65535, or 0 for any
     * @return this
     */
    public ConnectOptions localPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("localPort must be in 0..65535: localPort=" + port);
        }
        this.localPort = port;
        return this;
    }

    /**
     * Fails the connect with {@code CONN_CNF} result 1 when it has not completed in time.
     *
     * @param timeoutMs milliseconds, at least 1
     * @return this
     */
    public ConnectOptions timeoutMs(long timeoutMs) {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("timeoutMs must be >= 1: timeoutMs=" + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
        return this;
    }

    /**
     * Bounds the bytes received and not yet read; when it is full the loop stops reading
     * the socket, so TCP flow control pushes back on the peer.
     *
     * @param bytes at least 1 (UDP adds room for its largest datagram plus 4 bytes; SSL
     *     holds at least 18 KiB, one whole TLS record)
     * @return this
     */
    public ConnectOptions receiveBufferBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("receiveBufferBytes must be >= 1: receiveBufferBytes=" + bytes);
        }
        this.receiveBufferBytes = bytes;
        return this;
    }

    /**
     * Bounds the bytes queued by {@code send} and not yet written; a send that does not
     * fit fails at once with {@link ErrorCode#ERR_ENOBUFS}.
     *
     * @param bytes at least 1
     * @return this
     */
    public ConnectOptions sendQueueBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("sendQueueBytes must be >= 1: sendQueueBytes=" + bytes);
        }
        this.sendQueueBytes = bytes;
        return this;
    }

    /**
     * TLS settings of an {@link SocketType#SSL} socket (ignored for other types).
     *
     * @param options the settings, or null for the defaults (verified against the JDK's trust store)
     * @return this
     */
    public ConnectOptions tls(TlsOptions options) {
        this.tls = options;
        return this;
    }

    /** @return the TLS settings, or null for the defaults */
    public TlsOptions tls() {
        return tls;
    }
}
