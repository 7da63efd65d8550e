package io.luanio.ring;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Bounded, lock-free, multi-producer/multi-consumer queue of references (Vyukov).
 *
 * <p>Used as the free list of buffer pools: any thread returns a page, any thread takes
 * one. Neither operation allocates. {@link #poll()} may report empty while another thread
 * is between claiming and publishing a cell; callers treat that as a miss, which is what
 * a pool wants anyway.
 *
 * @param <E> element type
 */
public final class MpmcArrayQueue<E> {
    private final int mask;
    private final AtomicLongArray sequences;
    private final AtomicReferenceArray<E> elements;
    private final AtomicLong producerIndex = new PaddedAtomicLong();
    private final AtomicLong consumerIndex = new PaddedAtomicLong();

    /**
     * Creates a queue.
     *
     * @param capacity the maximum number of elements; rounded up to a power of two, at least 2
     */
    public MpmcArrayQueue(int capacity) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("capacity must be in 1..2^30: capacity=" + capacity);
        }
        int cap = Capacity.roundToPowerOfTwo(Math.max(2, capacity));
        this.mask = cap - 1;
        this.sequences = new AtomicLongArray(cap);
        this.elements = new AtomicReferenceArray<>(cap);
        for (int i = 0; i < cap; i++) {
            sequences.lazySet(i, i);
        }
    }

    /** @return the capacity (a power of two) */
    public int capacity() {
        return mask + 1;
    }

    /**
     * Adds an element at the tail.
     *
     * @param e the element, not null
     * @return false when the queue is full (never while a consumer is merely between
     *     taking an element and freeing its cell)
     */
    public boolean offer(E e) {
        if (e == null) {
            throw new NullPointerException("element");
        }
        long pos = producerIndex.get();
        for (;;) {
            int cell = (int) pos & mask;
            long dif = sequences.get(cell) - pos;
            if (dif == 0) {
                if (producerIndex.compareAndSet(pos, pos + 1)) {
                    elements.lazySet(cell, e);
                    sequences.lazySet(cell, pos + 1);
                    return true;
                }
                pos = producerIndex.get();
            } else if (dif < 0) {
                // The cell still holds the element of the previous lap. The queue is full
                // only if no consumer has claimed that element yet; otherwise a consumer is
                // between claiming and releasing the cell, and it is free in a moment.
                if (pos - consumerIndex.get() > mask) {
                    return false;
                }
                pos = producerIndex.get();
            } else {
                pos = producerIndex.get();
            }
        }
    }

    /** @return the head element, removed, or null when the queue is (or looks) empty */
    public E poll() {
        long pos = consumerIndex.get();
        for (;;) {
            int cell = (int) pos & mask;
            long dif = sequences.get(cell) - (pos + 1);
            if (dif == 0) {
                if (consumerIndex.compareAndSet(pos, pos + 1)) {
                    E e = elements.get(cell);
                    elements.lazySet(cell, null);
                    sequences.lazySet(cell, pos + mask + 1);
                    return e;
                }
                pos = consumerIndex.get();
            } else if (dif < 0) {
                return null;
            } else {
                pos = consumerIndex.get();
            }
        }
    }

    /** @return an estimate of the number of elements */
    public int size() {
        long size = producerIndex.get() - consumerIndex.get();
        return (int) Math.max(0, Math.min(size, mask + 1L));
    }
}
