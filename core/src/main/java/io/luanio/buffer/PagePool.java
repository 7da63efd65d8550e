package io.luanio.buffer;

import io.luanio.ring.MpmcArrayQueue;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe pool of equal-size direct pages.
 *
 * <p>Pages are cut from slabs of direct memory (so a pool of many small pages costs few
 * native allocations) and, once returned, are kept for reuse up to {@code maxRetainedBytes};
 * past that, returned pages are left to the garbage collector. Taking and returning a page
 * are lock-free and allocation-free while the pool has pages to give.
 */
public final class PagePool {
    private final int pageSize;
    private final int pageShift;
    private final int pagesPerSlab;
    private final MpmcArrayQueue<Page> free;
    private final AtomicLong allocatedPages = new AtomicLong();
    private final AtomicLong outstandingPages = new AtomicLong();

    /**
     * Creates a pool.
     *
     * @param pageSize the page size, a power of two in 256..1 MiB
     * @param maxRetainedBytes how many bytes of returned pages to keep for reuse (1 to 2^24 pages)
     */
    public PagePool(int pageSize, long maxRetainedBytes) {
        if (pageSize < 256 || pageSize > (1 << 20) || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("pageSize must be a power of 2 in 256..1048576: pageSize=" + pageSize);
        }
        if (maxRetainedBytes < pageSize || maxRetainedBytes / pageSize > (1 << 24)) {
            throw new IllegalArgumentException("maxRetainedBytes must be 1 to 2^24 pages: maxRetainedBytes="
                + maxRetainedBytes + ", pageSize=" + pageSize);
        }
        this.pageSize = pageSize;
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.pagesPerSlab = Math.max(1, (256 * 1024) / pageSize);
        // The free list is allocated up front, hence the bound on maxRetainedBytes.
        this.free = new MpmcArrayQueue<>((int) (maxRetainedBytes / pageSize));
    }

    /** @return the page size in bytes (a power of two) */
    public int pageSize() {
        return pageSize;
    }

    /** @return log2 of the page size */
    public int pageShift() {
        return pageShift;
    }

    /**
     * Takes a page; any thread.
     *
     * @return a page whose contents are undefined
     */
    public Page acquire() {
        Page page = free.poll();
        if (page == null) {
            page = allocateSlab();
        }
        outstandingPages.incrementAndGet();
        return page;
    }

    /**
     * Returns a page taken from this pool; any thread. The caller must not use it afterwards.
     *
     * @param page the page
     */
    public void release(Page page) {
        outstandingPages.decrementAndGet();
        free.offer(page); // when full, the page is dropped for the garbage collector
    }

    /** @return pages currently taken and not returned (for tests and metrics) */
    public long outstandingPages() {
        return outstandingPages.get();
    }

    /** @return pages ever created by this pool (for tests and metrics) */
    public long allocatedPages() {
        return allocatedPages.get();
    }

    private Page allocateSlab() {
        ByteBuffer slab = ByteBuffer.allocateDirect(pagesPerSlab * pageSize);
        allocatedPages.addAndGet(pagesPerSlab);
        Page first = null;
        for (int i = 0; i < pagesPerSlab; i++) {
            slab.limit((i + 1) * pageSize).position(i * pageSize);
            Page page = new Page(slab.slice());
            if (first == null) {
                first = page;
            } else if (!free.offer(page)) {
                break; // pool full: the rest of the slab goes unused and is collected with it
            }
        }
        return first;
    }
}
