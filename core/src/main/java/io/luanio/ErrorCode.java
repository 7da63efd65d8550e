package io.luanio;

/**
 * Result codes of the synchronous calls; the values are {@code socketcore}'s {@code ERR_*}
 * constants (SPEC.md section 1), so the Lua binding passes them through unchanged.
 */
public final class ErrorCode {
    private ErrorCode() {
    }

    /** Success. */
    public static final int ERR_OK = 0;
    /** Out of memory. */
    public static final int ERR_ENOMEM = 1;
    /** The send queue has no room for the data. */
    public static final int ERR_ENOBUFS = 2;
    /** Timed out. */
    public static final int ERR_ETIMEOUT = 3;
    /** Routing problem. */
    public static final int ERR_ERTE = 4;
    /** Operation in progress. */
    public static final int ERR_EINPROGRESS = 5;
    /** Operation would block. */
    public static final int ERR_EWOULDBLOCK = 7;
    /** Address in use. */
    public static final int ERR_EADDRINUSE = 8;
    /** Already connecting. */
    public static final int ERR_EALREADY = 9;
    /** Already connected. */
    public static final int ERR_EISCONN = 10;
    /** Not connected (still connecting, closing or closed). */
    public static final int ERR_ENOTCONN = 11;
    /** Low-level network interface error. */
    public static final int ERR_EIF = 12;
    /** Connection aborted. */
    public static final int ERR_EABORT = 13;
    /** Connection reset. */
    public static final int ERR_ERST = 14;
    /** Connection closed. */
    public static final int ERR_ECLSD = 15;
    /** Illegal argument, including an id that is not one of this context's sockets. */
    public static final int ERR_EARG = 16;
    /** Input/output error. */
    public static final int ERR_EIO = 17;
    /** TLS handshake failed. */
    public static final int ERR_SSL_EHANDESHAK = 18;
    /** TLS could not be initialised (bad certificate or key). */
    public static final int ERR_SSL_EINIT = 19;
    /** TLS: invalid state or peer. */
    public static final int ERR_SSL_EINVALID = 20;
    /** Unknown error (the module's spelling). */
    public static final int ERR_UNKOWN = -1;
}
