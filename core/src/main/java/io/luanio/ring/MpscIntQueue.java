package io.luanio.ring;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Bounded, lock-free, multi-producer/single-consumer queue of non-negative ints (Vyukov).
 *
 * <p>The event loop uses it for socket "attention" signals: a thread that queued bytes
 * or read some posts the socket's slot number, and each slot is in the queue at most once
 * at a time (the caller deduplicates with a flag), so a capacity of at least the number of
 * slots means {@link #offer(int)} never fails in that use. Neither operation allocates.
 */
public final class MpscIntQueue {
    /** What {@link #poll()} returns when no element is available. */
    public static final int EMPTY = -1;

    private final int mask;
    private final AtomicLongArray sequences;
    private final AtomicIntegerArray elements;
    private final AtomicLong producerIndex = new PaddedAtomicLong();
    private long consumerIndex;

    /**
     * Creates a queue.
     *
     * @param capacity the maximum number of elements; rounded up to a power of two, at least 2
     */
    public MpscIntQueue(int capacity) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("capacity must be in 1..2^30: capacity=" + capacity);
        }
        int cap = Capacity.roundToPowerOfTwo(Math.max(2, capacity));
        this.mask = cap - 1;
        this.sequences = new AtomicLongArray(cap);
        this.elements = new AtomicIntegerArray(cap);
        for (int i = 0; i < cap; i++) {
            sequences.lazySet(i, i);
        }
    }

    /** @return the capacity (a power of two) */
    public int capacity() {
        return mask + 1;
    }

    /**
     * Adds an element; any thread may call it.
     *
     * @param value a non-negative int
     * @return false when the queue is full
     */
    public boolean offer(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value must be >= 0: value=" + value);
        }
        long pos = producerIndex.get();
        for (;;) {
            int cell = (int) pos & mask;
            long dif = sequences.get(cell) - pos;
            if (dif == 0) {
                if (producerIndex.compareAndSet(pos, pos + 1)) {
                    elements.lazySet(cell, value);
                    sequences.lazySet(cell, pos + 1);
                    return true;
                }
                pos = producerIndex.get();
            } else if (dif < 0) {
                return false;
            } else {
                pos = producerIndex.get();
            }
        }
    }

    /**
     * Removes the head element; only the single consumer thread may call it.
     *
     * @return the element, or {@link #EMPTY} when none is published yet
     */
    public int poll() {
        long pos = consumerIndex;
        int cell = (int) pos & mask;
        if (sequences.get(cell) != pos + 1) {
            return EMPTY;
        }
        int value = elements.get(cell);
        sequences.lazySet(cell, pos + mask + 1);
        consumerIndex = pos + 1;
        return value;
    }

    /**
     * Tells whether no element is waiting; only the consumer thread may call it (it decides
     * whether to sleep on the answer).
     *
     * @return true when nothing is waiting
     */
    public boolean isEmpty() {
        return producerIndex.get() == consumerIndex;
    }
}
