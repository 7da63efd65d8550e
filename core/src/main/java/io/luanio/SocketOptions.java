package io.luanio;

/**
 * Socket option levels and names for {@link Context#setOption}. The values are the
 * module's (lwIP's), as {@code socketcore} exposes them, so scripts pass them through
 * unchanged.
 *
 * <p>{@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL} and {@code TCP_KEEPCNT} need
 * {@code jdk.net.ExtendedSocketOptions} (JDK 11+ on Linux and macOS); elsewhere setting
 * them fails with -1 ("not supported").
 */
public final class SocketOptions {
    private SocketOptions() {
    }

    /** Level: the socket itself. */
    public static final int SOL_SOCKET = 0xfff;
    /** Level: TCP. */
    public static final int IPPROTO_TCP = 6;

    /** {@code SOL_SOCKET}: allow binding a local address in TIME_WAIT (value: 0 or 1). */
    public static final int SO_REUSEADDR = 4;
    /** {@code SOL_SOCKET}: TCP keep-alive probes (value: 0 or 1). */
    public static final int SO_KEEPALIVE = 8;
    /** {@code SOL_SOCKET}: the kernel's receive buffer size in bytes. */
    public static final int SO_RCVBUF = 0x1002;
    /** {@code SOL_SOCKET}: the kernel's send buffer size in bytes. */
    public static final int SO_SNDBUF = 0x1001;

    /** {@code IPPROTO_TCP}: disable Nagle's algorithm (value: 0 or 1). */
    public static final int TCP_NODELAY = 1;
    /** {@code IPPROTO_TCP}: idle seconds before the first keep-alive probe (1..32767). */
    public static final int TCP_KEEPIDLE = 3;
    /** {@code IPPROTO_TCP}: seconds between keep-alive probes (1..32767). */
    public static final int TCP_KEEPINTVL = 4;
    /** {@code IPPROTO_TCP}: unanswered probes before the connection is dropped (1..127). */
    public static final int TCP_KEEPCNT = 5;
}
