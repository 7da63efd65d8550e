package io.luanio.ring;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Bounded single-producer/single-consumer ring of fixed-size event records.
 *
 * <pre>
 *   buffer: long[2 * capacity]; record n lives at index 2 * (n &amp; mask)
 *   word 0: type (bits 48..63, unsigned) | result (bits 32..47, signed) | socket (bits 0..31)
 *   word 1: value (a length, a timer id, an accepted socket id, ...)
 *
 *   tail: records published by the producer  (ordered store, own cache line)
 *   head: records consumed by the consumer   (ordered store, own cache line)
 *   headCache: the producer's last look at head, so it touches the consumer's line only
 *              when the ring looks full
 * </pre>
 *
 * <p>Exactly one thread may call {@link #offer} and exactly one (other) thread may call
 * {@link #drain}, {@link #isEmpty()} from the consumer side. Neither allocates. A full ring
 * makes {@code offer} return false; what to do then (hold the record in order, stop
 * producing) is the producer's decision.
 */
public final class EventRing extends EventRingHead {
    /** Receives one record; the arguments are the four fields of the record. */
    public interface Handler {
        /**
         * Called once per consumed record, on the consumer thread.
         *
         * @param type the record type
         * @param socket the socket id (or -1)
         * @param result the result code
         * @param value the value word
         */
        void onEvent(int type, int socket, int result, long value);
    }

    private final long[] buffer;
    private final int mask;
    private long headCache;

    /**
     * Creates a ring.
     *
     * @param capacity the number of records; a power of two, at least 2
     */
    public EventRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1 || capacity > (1 << 28)) {
            throw new IllegalArgumentException("capacity must be a power of 2 in 2..2^28: capacity=" + capacity);
        }
        this.buffer = new long[capacity * 2];
        this.mask = capacity - 1;
    }

    /** @return the number of records the ring holds */
    public int capacity() {
        return mask + 1;
    }

    /**
     * Publishes one record; producer thread only.
     *
     * @param type record type, 0..65535
     * @param socket socket id
     * @param result result code, -32768..32767
     * @param value value word
     * @return false when the ring is full (nothing was written)
     */
    public boolean offer(int type, int socket, int result, long value) {
        long tail = this.tail;
        if (tail - headCache > mask) {
            headCache = this.head;
            if (tail - headCache > mask) {
                return false;
            }
        }
        int index = ((int) tail & mask) << 1;
        buffer[index] = ((long) (type & 0xFFFF) << 48) | ((long) (result & 0xFFFF) << 32) | (socket & 0xFFFFFFFFL);
        buffer[index + 1] = value;
        TAIL.lazySet(this, tail + 1);
        return true;
    }

    /**
     * Tells whether the producer could publish one more record right now; producer thread only.
     *
     * @return true when at least one slot is free
     */
    public boolean hasRoom() {
        long tail = this.tail;
        if (tail - headCache > mask) {
            headCache = this.head;
        }
        return tail - headCache <= mask;
    }

    /**
     * Consumes up to {@code limit} records in order; consumer thread only.
     *
     * @param handler receives each record
     * @param limit the most records to consume
     * @return the number consumed
     */
    public int drain(Handler handler, int limit) {
        long head = this.head;
        long available = this.tail - head;
        int count = (int) Math.min(available, Math.max(0, limit));
        for (int i = 0; i < count; i++) {
            int index = ((int) (head + i) & mask) << 1;
            long word = buffer[index];
            long value = buffer[index + 1];
            // Release the slot before the callback: the handler may block or throw, and the
            // record's fields are already in locals.
            HEAD.lazySet(this, head + i + 1);
            handler.onEvent((int) (word >>> 48), (int) word, (short) (word >>> 32), value);
        }
        if (count > 0) {
            // A full fence after consuming: a producer that holds records aside when the
            // ring is full sets a flag and then reads head; the consumer reads that flag
            // after this store, so one of the two always sees the other.
            HEAD.set(this, head + count);
        }
        return count;
    }

    /**
     * Producer side: stores the tail again with a full fence, for producers that go on to
     * read a flag the consumer sets before it sleeps (Dekker): either the consumer sees
     * the records, or the producer sees the flag.
     */
    public void flush() {
        TAIL.set(this, this.tail);
    }

    /** @return true when no record is waiting (a snapshot; exact on the consumer thread) */
    public boolean isEmpty() {
        return this.tail == this.head;
    }

    /** @return the number of records waiting (a snapshot) */
    public int size() {
        long size = this.tail - this.head;
        return (int) Math.max(0, Math.min(size, mask + 1L));
    }

    private static final AtomicLongFieldUpdater<EventRingTail> TAIL =
        AtomicLongFieldUpdater.newUpdater(EventRingTail.class, "tail");
    private static final AtomicLongFieldUpdater<EventRingHead> HEAD =
        AtomicLongFieldUpdater.newUpdater(EventRingHead.class, "head");
}

// Field layout by inheritance (the JVM keeps superclass fields first), so that head and
// tail sit on different cache lines: pad | tail | pad | head | pad | final fields.

abstract class EventRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class EventRingTail extends EventRingPad0 {
    volatile long tail;
}

abstract class EventRingPad1 extends EventRingTail {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class EventRingHead extends EventRingPad1 {
    volatile long head;
    long p20, p21, p22, p23, p24, p25, p26, p27;
}
