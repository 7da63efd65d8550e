package io.luanio;

/** Socket types for {@link Context#connect}; the values are {@code socketcore}'s. */
public final class SocketType {
    private SocketType() {
    }

    /** A TCP stream. */
    public static final int TCP = 0;
    /** A connected UDP socket: one datagram per send and per receive. */
    public static final int UDP = 1;
    /** TLS over TCP. */
    public static final int SSL = 2;

    /**
     * A short name for a socket type.
     *
     * @param type a socket type
     * @return its name
     */
    public static String name(int type) {
        switch (type) {
            case TCP: return "TCP";
            case UDP: return "UDP";
            case SSL: return "SSL";
            default: return "TYPE_" + type;
        }
    }
}
