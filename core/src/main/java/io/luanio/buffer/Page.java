package io.luanio.buffer;

import java.nio.ByteBuffer;

/**
 * One fixed-size page of direct memory with two independent views.
 *
 * <p>A page belongs to at most one queue at a time; that queue's producer thread uses
 * {@link #producerView()} and its consumer thread {@link #consumerView()}, so neither
 * thread ever changes a position or limit that the other one reads.
 */
public final class Page {
    private final ByteBuffer producerView;
    private final ByteBuffer consumerView;

    Page(ByteBuffer memory) {
        this.producerView = memory.duplicate();
        this.consumerView = memory.duplicate();
    }

    /** @return the view the producer writes through (its position and limit are the producer's) */
    public ByteBuffer producerView() {
        return producerView;
    }

    /** @return the view the consumer reads through (its position and limit are the consumer's) */
    public ByteBuffer consumerView() {
        return consumerView;
    }

    /** @return the page size in bytes */
    public int size() {
        return producerView.capacity();
    }
}
