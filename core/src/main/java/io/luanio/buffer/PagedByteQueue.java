package io.luanio.buffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A bounded single-producer/single-consumer byte stream over pooled pages.
 *
 * <pre>
 *  positions are monotonic longs; page k holds positions [k*P, (k+1)*P), P = page size
 *
 *   table (ring of page references, index = k &amp; tableMask)
 *   +------+------+------+------+
 *   | pg 7 | pg 8 | null | pg 6 |     readPos ........ writePos
 *   +------+------+------+------+       consumer reads   producer writes
 * </pre>
 *
 * <ul>
 * <li>The producer takes a page when it first writes into it and stores it in the table
 *     before publishing {@code writePos} (ordered store); the consumer reads the table only
 *     for positions below the {@code writePos} it loaded, so it always finds the page.</li>
 * <li>The consumer returns a page to the pool once it has read past the page's end (the
 *     producer never touches a finished page again), clearing its table entry before it
 *     publishes {@code readPos}.</li>
 * <li>The table has room for {@code capacity / P + 1} pages, the most that
 *     {@code capacity} unread bytes can span, so a table entry is never needed by two
 *     live pages.</li>
 * <li>An empty queue may still hold the page the producer was filling. {@link #trimAsProducer()}
 *     and {@link #trimAsConsumer()} give it back; the consumer-side trim needs a tiny
 *     guard against a producer that is mid-write ({@code consumerTrims} mode), which the
 *     producer waits out (the consumer holds it for a few instructions and never blocks).</li>
 * </ul>
 *
 * <p>Queues may carry framed records (a 4-byte big-endian length, then the bytes):
 * {@link #offerFrame(ByteBuffer)}, {@link #peekInt()}, {@link #pollFrame(byte[], int, int)}.
 *
 * <p>Thread contract: one producer thread and one consumer thread at a time; the methods
 * are marked as producer-side or consumer-side. {@link #reset(int)} and {@link #clear()}
 * need both sides quiet (the owner of the queue guarantees that with its own state machine).
 */
public final class PagedByteQueue {
    private static final int GUARD_FREE = 0;
    private static final int GUARD_PRODUCER = 1;
    private static final int GUARD_TRIM = 2;

    private final PagePool pool;
    private final int pageShift;
    private final int pageMask;
    private final boolean consumerTrims;
    private Page[] table;
    private int tableMask;
    private int capacity;

    // Producer-owned.
    private long producerPosition;
    private long readPositionCache;
    // Consumer-owned.
    private long consumerPosition;

    private volatile long writePosition;
    private volatile long readPosition;
    private volatile int guard;

    /**
     * Creates an empty queue; it holds no page until something is written.
     *
     * @param pool where pages come from and go back to
     * @param capacity the most unread bytes (frame headers included) the queue may hold
     * @param consumerTrims true when the consumer side will call {@link #trimAsConsumer()}
     */
    public PagedByteQueue(PagePool pool, int capacity, boolean consumerTrims) {
        this.pool = pool;
        this.pageShift = pool.pageShift();
        this.pageMask = pool.pageSize() - 1;
        this.consumerTrims = consumerTrims;
        reset(capacity);
    }

    /**
     * Changes the capacity of an empty queue whose two sides are both quiet.
     *
     * @param capacity the new capacity, at least 1
     */
    public void reset(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: capacity=" + capacity);
        }
        clear();
        int pagesNeeded = (int) ((capacity + (long) pageMask) >>> pageShift) + 1;
        int tableSize = Integer.highestOneBit(pagesNeeded - 1) << 1;
        if (table == null || table.length < tableSize || table.length > tableSize * 4) {
            table = new Page[tableSize];
            tableMask = tableSize - 1;
        }
        this.capacity = capacity;
    }

    /**
     * Returns every page and rewinds the queue; both sides must be quiet.
     */
    public void clear() {
        if (table != null) {
            for (int i = 0; i < table.length; i++) {
                if (table[i] != null) {
                    pool.release(table[i]);
                    table[i] = null;
                }
            }
        }
        producerPosition = 0;
        readPositionCache = 0;
        consumerPosition = 0;
        WRITE.lazySet(this, 0);
        READ.lazySet(this, 0);
        guard = GUARD_FREE;
    }

    /** @return the most unread bytes the queue holds */
    public int capacity() {
        return capacity;
    }

    /** @return unread bytes right now (a snapshot from any thread) */
    public long size() {
        return Math.max(0, writePosition - readPosition);
    }

    /** @return true when the queue holds at least one page (a snapshot; for trimming decisions and tests) */
    public boolean holdsPages() {
        for (Page page : table) {
            if (page != null) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- producer side

    /**
     * Producer side: total bytes ever written (the producer's position).
     *
     * @return the producer position
     */
    public long producerPosition() {
        return producerPosition;
    }

    /**
     * Producer side: bytes that can be written now.
     *
     * @return free space in bytes
     */
    public int writable() {
        readPositionCache = readPosition;
        return (int) (capacity - (producerPosition - readPositionCache));
    }

    /** Producer side: room for {@code len} more bytes? Reads the consumer's position only when the cache says no. */
    private boolean hasRoom(long len) {
        if (capacity - (producerPosition - readPositionCache) >= len) {
            return true;
        }
        return writable() >= len;
    }

    /**
     * Producer side: appends all of {@code src[off, off+len)}, or nothing.
     *
     * @param src source bytes
     * @param off offset in {@code src}
     * @param len number of bytes
     * @return false (and nothing written) when there is not room for all of them
     */
    public boolean offer(byte[] src, int off, int len) {
        if (!hasRoom(len)) {
            return false;
        }
        enterProducer();
        try {
            long pos = producerPosition;
            int done = 0;
            while (done < len) {
                ByteBuffer view = producerViewAt(pos);
                int n = Math.min(len - done, view.remaining());
                view.put(src, off + done, n);
                done += n;
                pos += n;
            }
            publish(pos);
        } finally {
            exitProducer();
        }
        return true;
    }

    /**
     * Producer side: appends all remaining bytes of {@code src}, or nothing; on success
     * {@code src} is consumed.
     *
     * @param src the bytes
     * @return false (and nothing written) when there is not room
     */
    public boolean offer(ByteBuffer src) {
        if (!hasRoom(src.remaining())) {
            return false;
        }
        enterProducer();
        try {
            publish(copyIn(producerPosition, src));
        } finally {
            exitProducer();
        }
        return true;
    }

    /**
     * Producer side: appends a 4-byte big-endian int.
     *
     * @param value the value
     * @return false when there is not room
     */
    public boolean offerInt(int value) {
        if (!hasRoom(4)) {
            return false;
        }
        enterProducer();
        try {
            publish(putInt(producerPosition, value));
        } finally {
            exitProducer();
        }
        return true;
    }

    /**
     * Producer side: appends one frame, its length then its bytes, published together.
     *
     * @param payload the frame's bytes; consumed on success
     * @return false when there is not room for {@code 4 + payload.remaining()} bytes
     */
    public boolean offerFrame(ByteBuffer payload) {
        if (!hasRoom(4L + payload.remaining())) {
            return false;
        }
        enterProducer();
        try {
            long pos = putInt(producerPosition, payload.remaining());
            publish(copyIn(pos, payload));
        } finally {
            exitProducer();
        }
        return true;
    }

    /**
     * Producer side: prepares views over the free space for a scattering read straight into
     * the queue (pages are taken as needed). Follow with {@link #commitWrite(int)}. Not for
     * queues in {@code consumerTrims} mode.
     *
     * @param views receives the views, starting at index 0
     * @param maxBytes the most bytes to expose
     * @return the number of views set up (0 when the queue is full)
     */
    public int writeViews(ByteBuffer[] views, int maxBytes) {
        return writeViews(views, maxBytes, views.length);
    }

    /**
     * Producer side: as {@link #writeViews(ByteBuffer[], int)}, over at most
     * {@code maxViews} pages. Pages are taken only for the views set up, so a small cap keeps
     * a busy socket from holding pages it will not fill (one read of a small message needs
     * one page, not the whole free space's worth).
     *
     * @param views receives the views, starting at index 0
     * @param maxBytes the most bytes to expose
     * @param maxViews the most views (pages) to set up
     * @return the number of views set up (0 when the queue is full)
     */
    public int writeViews(ByteBuffer[] views, int maxBytes, int maxViews) {
        int want = Math.min(maxBytes, writable());
        long pos = producerPosition;
        int count = 0;
        int limit = Math.min(maxViews, views.length);
        while (want > 0 && count < limit) {
            ByteBuffer view = producerViewAt(pos);
            int n = Math.min(want, view.remaining());
            view.limit(view.position() + n);
            views[count++] = view;
            want -= n;
            pos += n;
        }
        return count;
    }

    /**
     * Producer side: publishes {@code n} bytes written through {@link #writeViews}.
     *
     * @param n bytes written
     */
    public void commitWrite(int n) {
        if (n > 0) {
            publish(producerPosition + n);
        }
    }

    /**
     * Producer side: when the queue is empty, returns every page it holds. Only for queues
     * whose consumer does not trim.
     *
     * @return true when the queue now holds no page
     */
    public boolean trimAsProducer() {
        if (readPosition != producerPosition) {
            return false;
        }
        releaseAll();
        return true;
    }

    private void enterProducer() {
        if (consumerTrims) {
            while (!GUARD.compareAndSet(this, GUARD_FREE, GUARD_PRODUCER)) {
                Thread.yield(); // the consumer is trimming: a few instructions, never blocked
            }
        }
    }

    private void exitProducer() {
        if (consumerTrims) {
            GUARD.lazySet(this, GUARD_FREE);
        }
    }

    private void publish(long position) {
        producerPosition = position;
        WRITE.lazySet(this, position);
    }

    /** A producer view of the page holding {@code pos}, positioned there, limit at page end. */
    private ByteBuffer producerViewAt(long pos) {
        int index = (int) (pos >>> pageShift) & tableMask;
        Page page = table[index];
        if (page == null) {
            page = pool.acquire();
            table[index] = page;
        }
        ByteBuffer view = page.producerView();
        view.clear();
        view.position((int) pos & pageMask);
        return view;
    }

    private long copyIn(long pos, ByteBuffer src) {
        int srcLimit = src.limit();
        try {
            while (src.hasRemaining()) {
                ByteBuffer view = producerViewAt(pos);
                int n = Math.min(src.remaining(), view.remaining());
                src.limit(src.position() + n);
                view.put(src);
                src.limit(srcLimit);
                pos += n;
            }
        } finally {
            src.limit(srcLimit);
        }
        return pos;
    }

    private long putInt(long pos, int value) {
        int offset = (int) pos & pageMask;
        if (offset <= pageMask - 3) {
            // Within one page: one absolute store (big-endian, the buffer's default order).
            ByteBuffer view = producerViewAt(pos);
            view.putInt(offset, value);
            return pos + 4;
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            ByteBuffer view = producerViewAt(pos);
            view.put((byte) (value >>> shift));
            pos++;
        }
        return pos;
    }

    // ---------------------------------------------------------------- consumer side

    /**
     * Consumer side: total bytes ever consumed (the consumer's position).
     *
     * @return the consumer position
     */
    public long consumerPosition() {
        return consumerPosition;
    }

    /**
     * Any thread: the consumer's last published position.
     *
     * @return total bytes consumed, as published
     */
    public long publishedReadPosition() {
        return readPosition;
    }

    /**
     * Consumer side: unread bytes.
     *
     * @return bytes that can be read now
     */
    public long readable() {
        return writePosition - consumerPosition;
    }

    /**
     * Consumer side: reads up to {@code len} bytes.
     *
     * @param dst destination
     * @param off offset in {@code dst}
     * @param len the most bytes to read
     * @return bytes read, 0 when the queue is empty
     */
    public int poll(byte[] dst, int off, int len) {
        int n = (int) Math.min(len, readable());
        if (n > 0) {
            copyOut(consumerPosition, dst, off, n);
            commitRead(n);
        }
        return n;
    }

    /**
     * Consumer side: reads up to {@code dst.remaining()} bytes.
     *
     * @param dst destination buffer
     * @return bytes read
     */
    public int poll(ByteBuffer dst) {
        int n = (int) Math.min(dst.remaining(), readable());
        long pos = consumerPosition;
        int left = n;
        while (left > 0) {
            ByteBuffer view = consumerViewAt(pos);
            int k = Math.min(left, view.remaining());
            view.limit(view.position() + k);
            dst.put(view);
            left -= k;
            pos += k;
        }
        if (n > 0) {
            commitRead(n);
        }
        return n;
    }

    /**
     * Consumer side: reads a 4-byte big-endian int without consuming it.
     *
     * @return the int
     * @throws IllegalStateException when fewer than 4 bytes are readable
     */
    public int peekInt() {
        if (readable() < 4) {
            throw new IllegalStateException("fewer than 4 bytes readable: readable=" + readable());
        }
        long pos = consumerPosition;
        int offset = (int) pos & pageMask;
        if (offset <= pageMask - 3) {
            return consumerViewAt(pos).getInt(offset); // within one page: one absolute load
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (consumerViewAt(pos + i).get() & 0xFF);
        }
        return value;
    }

    /**
     * Consumer side: reads and consumes a 4-byte big-endian int.
     *
     * @return the int
     * @throws IllegalStateException when fewer than 4 bytes are readable
     */
    public int pollInt() {
        int value = peekInt();
        commitRead(4);
        return value;
    }

    /**
     * Consumer side: consumes one frame, copying at most {@code len} of its bytes and
     * discarding the rest (datagram semantics).
     *
     * @param dst destination
     * @param off offset in {@code dst}
     * @param len the most bytes to copy
     * @return bytes copied, or -1 when no whole frame is readable
     */
    public int pollFrame(byte[] dst, int off, int len) {
        if (readable() < 4) {
            return -1;
        }
        int frame = peekInt();
        if (readable() < 4L + frame) {
            return -1;
        }
        int n = Math.min(frame, len);
        if (n > 0) {
            copyOut(consumerPosition + 4, dst, off, n);
        }
        commitRead(4L + frame);
        return n;
    }

    /**
     * Consumer side: consumes one frame into {@code dst}, copying at most
     * {@code dst.remaining()} of its bytes and discarding the rest.
     *
     * @param dst destination buffer
     * @return bytes copied, or -1 when no whole frame is readable
     */
    public int pollFrame(ByteBuffer dst) {
        if (readable() < 4) {
            return -1;
        }
        int frame = peekInt();
        if (readable() < 4L + frame) {
            return -1;
        }
        int n = Math.min(frame, dst.remaining());
        long pos = consumerPosition + 4;
        int left = n;
        while (left > 0) {
            ByteBuffer view = consumerViewAt(pos);
            int k = Math.min(left, view.remaining());
            view.limit(view.position() + k);
            dst.put(view);
            left -= k;
            pos += k;
        }
        commitRead(4L + frame);
        return n;
    }

    /**
     * Consumer side: prepares views over unread bytes for a gathering write straight from
     * the queue. Follow with {@link #commitRead(long)} for the bytes actually written.
     *
     * @param views receives the views
     * @param offset first index of {@code views} to fill
     * @param maxBytes the most bytes to expose
     * @return the number of views set up
     */
    public int readViews(ByteBuffer[] views, int offset, long maxBytes) {
        long want = Math.min(maxBytes, readable());
        long pos = consumerPosition;
        int count = 0;
        while (want > 0 && offset + count < views.length) {
            ByteBuffer view = consumerViewAt(pos);
            int n = (int) Math.min(want, view.remaining());
            view.limit(view.position() + n);
            views[offset + count++] = view;
            want -= n;
            pos += n;
        }
        return count;
    }

    /**
     * Consumer side: consumes {@code n} bytes (read through views, or skipped), returning
     * every page it leaves behind.
     *
     * @param n bytes to consume, at most {@link #readable()}
     */
    public void commitRead(long n) {
        long from = consumerPosition;
        long to = from + n;
        for (long page = from >>> pageShift, end = to >>> pageShift; page < end; page++) {
            int index = (int) page & tableMask;
            Page done = table[index];
            if (done != null) {
                table[index] = null;
                pool.release(done);
            }
        }
        consumerPosition = to;
        READ.lazySet(this, to);
    }

    /**
     * Consumer side: when the queue is empty, returns every page it holds. Only for
     * queues created with {@code consumerTrims}.
     *
     * @return true when the queue now holds no page; false when it is not empty or the
     *     producer is writing at this moment (try later)
     */
    public boolean trimAsConsumer() {
        if (!consumerTrims) {
            throw new IllegalStateException("queue was not created for consumer-side trimming");
        }
        if (writePosition != consumerPosition || !GUARD.compareAndSet(this, GUARD_FREE, GUARD_TRIM)) {
            return false;
        }
        try {
            if (writePosition != consumerPosition) {
                return false;
            }
            releaseAll();
            return true;
        } finally {
            GUARD.lazySet(this, GUARD_FREE);
        }
    }

    private ByteBuffer consumerViewAt(long pos) {
        ByteBuffer view = table[(int) (pos >>> pageShift) & tableMask].consumerView();
        view.clear();
        view.position((int) pos & pageMask);
        return view;
    }

    private void copyOut(long pos, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            ByteBuffer view = consumerViewAt(pos);
            int n = Math.min(len - done, view.remaining());
            view.get(dst, off + done, n);
            done += n;
            pos += n;
        }
    }

    private void releaseAll() {
        for (int i = 0; i < table.length; i++) {
            Page page = table[i];
            if (page != null) {
                table[i] = null;
                pool.release(page);
            }
        }
    }

    private static final AtomicLongFieldUpdater<PagedByteQueue> WRITE =
        AtomicLongFieldUpdater.newUpdater(PagedByteQueue.class, "writePosition");
    private static final AtomicLongFieldUpdater<PagedByteQueue> READ =
        AtomicLongFieldUpdater.newUpdater(PagedByteQueue.class, "readPosition");
    private static final AtomicIntegerFieldUpdater<PagedByteQueue> GUARD =
        AtomicIntegerFieldUpdater.newUpdater(PagedByteQueue.class, "guard");
}
