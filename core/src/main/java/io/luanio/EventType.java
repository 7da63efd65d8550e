package io.luanio;

/**
 * Event types a {@link Context} receives. The values are the Luat message ids of
 * {@code rtos} (SPEC.md section 2-3), so the Lua binding passes them through unchanged;
 * types the module does not have are numbered from 64 up.
 *
 * <p>Every event has four fields: {@code type}, {@code socket} (the socket id, -1 for a
 * timer, the lookup id for {@link #LOOKUP_CNF}),
 * {@code result} (0 success, 1 failure) and {@code value}. Per socket the order is: the
 * connect confirmation ({@link #CONN_CNF}, or {@link #ACCEPT_IND} on the listener for an
 * accepted socket) first; then {@link #RECV_IND}s and {@link #SEND_CNF}s; then
 * {@link #CLOSE_IND} and/or {@link #CLOSE_CNF} last.
 */
public final class EventType {
    private EventType() {
    }

    /** A timer fired: {@code value} is the timer id given to {@link Context#startTimer}. */
    public static final int TIMER = 5;

    /**
     * Bytes are readable: {@code value} is how many (TCP: all unread bytes at the time; UDP:
     * the size of one datagram). TCP has at most one outstanding: the next comes after the
     * owner has called {@code recv} and bytes are waiting.
     */
    public static final int RECV_IND = 31;

    /** Every byte of one {@code send} was written (UDP: the datagram was sent); {@code value} is its length; result 1 when the connection failed first. */
    public static final int SEND_CNF = 32;

    /** The answer to {@link Context#close(int)}; always posted, even for an unknown id. */
    public static final int CLOSE_CNF = 33;

    /** Connected (TCP), handshake done (TLS), address known (UDP) or listening (listener): result 0; or the attempt failed: result 1, see {@link Context#reason(int)}. */
    public static final int CONN_CNF = 34;

    /** The peer closed (result 0) or the connection broke (result 1); comes after every byte that arrived was announced. */
    public static final int CLOSE_IND = 36;

    /**
     * A listener accepted a connection: {@code socket} is the listener, {@code value} the new
     * socket's id (already connected, owned by the listener's context). For a TLS listener it
     * comes only once the server handshake is complete, so the new socket may send at once;
     * a connection whose handshake fails gets no event at all (see
     * {@link Context#listen(String, int, int, ListenOptions)}).
     */
    public static final int ACCEPT_IND = 64;

    /**
     * A lookup finished ({@link Context#lookup(String, int)}): {@code socket} is the lookup
     * id; result 0 with {@code value} the number of addresses, or result 1 with
     * {@code value} the failure status ({@code io.luanio.dns.LookupResult.NXDOMAIN},
     * {@code TIMEOUT}, ...). {@link Context#lookupResult(int)} gives the addresses or the
     * reason.
     */
    public static final int LOOKUP_CNF = 65;

    /**
     * A short name for an event type, for logs and {@link Event#toString()}.
     *
     * @param type an event type
     * @return its name, or {@code "EVENT_<n>"}
     */
    public static String name(int type) {
        switch (type) {
            case TIMER: return "TIMER";
            case RECV_IND: return "RECV_IND";
            case SEND_CNF: return "SEND_CNF";
            case CLOSE_CNF: return "CLOSE_CNF";
            case CONN_CNF: return "CONN_CNF";
            case CLOSE_IND: return "CLOSE_IND";
            case ACCEPT_IND: return "ACCEPT_IND";
            case LOOKUP_CNF: return "LOOKUP_CNF";
            default: return "EVENT_" + type;
        }
    }
}
