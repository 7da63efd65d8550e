package io.luanio;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The socket-id table: one {@link Slot} per socket, allocated lowest-free, lock-free.
 *
 * <pre>
 *   id = generation &lt;&lt; slotBits | slot        (always &gt;= 0)
 * </pre>
 *
 * <p>A slot's generation moves on each time it is allocated, so an id kept after
 * {@code destroy} names nothing, even once the slot serves another socket. Allocation and
 * freeing are CAS operations on a bitmap, so owner threads (connect, destroy) and the loop
 * (accept) share the table without a lock. Slot objects are created on first use and
 * reused; their queues keep their page tables, never their pages.
 */
final class SocketTable {
    private final int slotBits;
    private final int slotMask;
    private final int generationMask;
    private final int maxSockets;
    private final AtomicLongArray used;
    private final AtomicReferenceArray<Slot> slots;
    private volatile int highWater; // 1 + the highest slot index ever allocated

    SocketTable(int maxSockets) {
        this.maxSockets = maxSockets;
        this.slotBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(maxSockets - 1));
        this.slotMask = (1 << slotBits) - 1;
        this.generationMask = (int) ((1L << (31 - slotBits)) - 1);
        this.used = new AtomicLongArray((maxSockets + 63) >>> 6);
        this.slots = new AtomicReferenceArray<>(maxSockets);
    }

    int maxSockets() {
        return maxSockets;
    }

    /** @return 1 + the highest slot index ever used: slots at or above it were never allocated */
    int highWater() {
        return highWater;
    }

    /**
     * Claims the lowest free slot.
     *
     * @return the slot, or null when the table is full
     */
    Slot allocate() {
        for (int w = 0; w < used.length(); w++) {
            for (;;) {
                long word = used.get(w);
                if (word == -1L) {
                    break;
                }
                int bit = Long.numberOfTrailingZeros(~word);
                int index = (w << 6) + bit;
                if (index >= maxSockets) {
                    return null;
                }
                if (used.compareAndSet(w, word, word | (1L << bit))) {
                    raiseHighWater(index + 1);
                    Slot slot = slots.get(index);
                    if (slot == null) {
                        slot = new Slot(index);
                        slots.set(index, slot);
                    }
                    return slot;
                }
            }
        }
        return null;
    }

    /** Makes a slot allocatable again, under a new generation; its owner must have released it. */
    void free(Slot slot) {
        slot.generation = (slot.generation + 1) & generationMask;
        int w = slot.index >>> 6;
        long bit = 1L << (slot.index & 63);
        for (;;) {
            long word = used.get(w);
            if ((word & bit) == 0) {
                throw new IllegalStateException("slot is not allocated: slot=" + slot.index);
            }
            if (used.compareAndSet(w, word, word & ~bit)) {
                return;
            }
        }
    }

    /** @return the id of the slot's current generation */
    int idOf(Slot slot) {
        return (slot.generation << slotBits) | slot.index;
    }

    /** @return the slot at {@code index}, or null if it was never used */
    Slot slotAt(int index) {
        return index >= 0 && index < maxSockets ? slots.get(index) : null;
    }

    /**
     * Finds the live socket an id names.
     *
     * @param id a socket id
     * @return its slot, or null when the id is negative, stale or free
     */
    Slot lookup(int id) {
        if (id < 0) {
            return null;
        }
        Slot slot = slotAt(id & slotMask);
        return slot != null && slot.id == id ? slot : null;
    }

    private void raiseHighWater(int value) {
        int seen;
        while ((seen = highWater) < value) {
            if (HIGH_WATER.compareAndSet(this, seen, value)) {
                return;
            }
        }
    }

    private static final AtomicIntegerFieldUpdater<SocketTable> HIGH_WATER =
        AtomicIntegerFieldUpdater.newUpdater(SocketTable.class, "highWater");
}
