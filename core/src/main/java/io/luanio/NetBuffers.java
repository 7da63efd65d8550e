package io.luanio;

import java.nio.ByteBuffer;

/**
 * The loop's pool of TLS network buffers (ciphertext in and out). A TLS socket takes one
 * only while it has ciphertext to hold (a partial record received, records not yet
 * written) and gives it back as soon as the buffer is empty, so an idle TLS socket holds
 * none. Loop thread only; a plain stack, no synchronisation.
 *
 * <p>A buffer holds four records of the largest size a peer may send (2^14 bytes of data
 * plus 2048 bytes of TLS 1.2 expansion), so one write or read moves up to 64 KiB of data.
 */
final class NetBuffers {
    /** Capacity of a pooled buffer. */
    static final int BUFFER_BYTES = 4 * (16384 + 2048 + 5);

    private final ByteBuffer[] free;
    private int count;
    private long allocated;

    /**
     * @param maxRetainedBytes how many bytes of returned buffers to keep for reuse
     */
    NetBuffers(long maxRetainedBytes) {
        this.free = new ByteBuffer[(int) Math.max(1, Math.min(256, maxRetainedBytes / 4 / BUFFER_BYTES))];
    }

    /** @return an empty buffer (position 0, limit = capacity) */
    ByteBuffer acquire() {
        if (count > 0) {
            ByteBuffer b = free[--count];
            free[count] = null;
            b.clear();
            return b;
        }
        allocated++;
        return ByteBuffer.allocateDirect(BUFFER_BYTES);
    }

    /** Takes a buffer back; one beyond the retained bound, or of another size, is left to the GC. */
    void release(ByteBuffer buffer) {
        if (buffer.capacity() == BUFFER_BYTES && count < free.length) {
            free[count++] = buffer;
        }
    }

    /** @return buffers ever allocated (tests, metrics) */
    long allocated() {
        return allocated;
    }

    /** @return buffers waiting in the pool */
    int pooled() {
        return count;
    }
}
