package io.luanio.ring;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AtomicLong} followed by a cache line of padding, so that two indexes written
 * by different threads do not share a line.
 */
final class PaddedAtomicLong extends AtomicLong {
    private static final long serialVersionUID = 1L;

    // Padding only: never read. 7 longs after the value fill a 64-byte line.
    long p1, p2, p3, p4, p5, p6, p7;

    /** Returns the padding sum so the fields are not dead code for tools that look. */
    long padding() {
        return p1 + p2 + p3 + p4 + p5 + p6 + p7;
    }
}
