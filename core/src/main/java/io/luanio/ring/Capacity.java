package io.luanio.ring;

/** Power-of-two helpers shared by the queues. */
public final class Capacity {
    private Capacity() {
    }

    /**
     * Rounds up to the next power of two.
     *
     * @param value a value in 1..2^30
     * @return the smallest power of two that is at least {@code value}
     */
    public static int roundToPowerOfTwo(int value) {
        if (value < 1 || value > (1 << 30)) {
            throw new IllegalArgumentException("value must be in 1..2^30: value=" + value);
        }
        return value == 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
    }
}
