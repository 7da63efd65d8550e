package io.luanio.lua;

import io.luanio.EventType;

/** One event waiting for the script (see {@link io.luanio.EventType} for the fields). */
public final class ScriptEvent {
    /** The event type. */
    public final int type;
    /** The socket id, or -1. */
    public final int socket;
    /** 0 success, 1 failure. */
    public final int result;
    /** A length, a timer id, an accepted socket id. */
    public final long value;

    /**
     * Creates an event record.
     *
     * @param type the type
     * @param socket the socket id
     * @param result the result
     * @param value the value
     */
    public ScriptEvent(int type, int socket, int result, long value) {
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
