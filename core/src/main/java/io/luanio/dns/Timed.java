package io.luanio.dns;

import io.luanio.timer.TimerHeap;

/**
 * Something in flight in the resolver that has a deadline on the loop's timers: its slot
 * in the resolver's table ({@code index}) and a serial, which the timer carries back so a
 * stale timer never reaches a later occupant of the slot.
 */
abstract class Timed {
    int index = -1;
    int serial;
    long timer = TimerHeap.NO_TIMER;

    /** The deadline passed. */
    abstract void onTimeout();

    /** The resolver closes: fail at once, releasing every resource. */
    abstract void abort();
}
