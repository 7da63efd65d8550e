package io.luanio;

import io.luanio.ring.EventRing;

/**
 * Receives events from {@link Context#poll} and {@link Context#drain}, on the context's
 * own thread, as four primitives: nothing is allocated per event.
 *
 * <p>See {@link EventType} for what each field means per type.
 */
@FunctionalInterface
public interface EventHandler extends EventRing.Handler {
}
