package io.luanio;

/**
 * A reusable holder for one event, filled by {@link Context#next(Event, long)}.
 *
 * <p>Keep one per thread and reuse it: filling it allocates nothing.
 */
public final class Event {
    int type;
    int socket;
    int result;
    long value;

    /** Creates an empty holder. */
    public Event() {
    }

    /** @return the {@link EventType} */
    public int type() {
        return type;
    }

    /** @return the socket id; -1 for a timer; the lookup id for a {@link EventType#LOOKUP_CNF} */
    public int socket() {
        return socket;
    }

    /** @return 0 for success, 1 for failure */
    public int result() {
        return result;
    }

    /**
     * @return the value word: a length, a timer id, an accepted socket's id, or for a
     *     {@code LOOKUP_CNF} the number of addresses (result 0) or the failure status (result 1)
     */
    public long value() {
        return value;
    }

    void set(int type, int socket, int result, long value) {
        this.type = type;
        this.socket = socket;
        this.result = result;
        this.value = value;
    }

    @Override
    public String toString() {
        return EventType.name(type) + "{socket=" + socket + ", result=" + result + ", value=" + value + "}";
    }
}
