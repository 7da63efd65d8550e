package io.luanio.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.testing.Workers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PagePoolTest {
    /** Only a guard against a hang; the stress test is bounded by its round count. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -256, 0, 1, 128, 255, 257, 1000, 3072, (1 << 20) + 1, 1 << 21, Integer.MAX_VALUE})
    void constructorRejectsPageSizeThatIsNotAPowerOfTwoIn256To1MiB(int pageSize) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PagePool(pageSize, 1L << 30));
        assertTrue(e.getMessage().contains("pageSize=" + pageSize), e.getMessage());
    }

    @Test
    void constructorRejectsRetainingLessThanOnePage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PagePool(4096, 4095));
        assertTrue(e.getMessage().contains("maxRetainedBytes=4095"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PagePool(256, 0));
        assertThrows(IllegalArgumentException.class, () -> new PagePool(256, -1));
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 4096, 16384, 1 << 20})
    void pagesAreDirectAndOfThePageSize(int pageSize) {
        PagePool pool = new PagePool(pageSize, pageSize);
        assertEquals(pageSize, pool.pageSize());
        assertEquals(Integer.numberOfTrailingZeros(pageSize), pool.pageShift());
        assertEquals(1 << pool.pageShift(), pageSize);
        Page page = pool.acquire();
        assertEquals(pageSize, page.size());
        for (ByteBuffer view : List.of(page.producerView(), page.consumerView())) {
            assertTrue(view.isDirect());
            assertEquals(pageSize, view.capacity());
            assertFalse(view.isReadOnly());
        }
        pool.release(page);
    }

    @Test
    void theTwoViewsShareMemoryButNotPositions() {
        PagePool pool = new PagePool(256, 1 << 20);
        Page page = pool.acquire();
        ByteBuffer p = page.producerView();
        ByteBuffer c = page.consumerView();
        assertNotSame(p, c);
        p.clear();
        c.clear();
        p.position(10);
        p.put((byte) 0x5A);
        assertEquals(0, c.position());
        assertEquals(0x5A, c.get(10));
        c.position(200).limit(220);
        assertEquals(11, p.position());
        assertEquals(256, p.limit());
        pool.release(page);
    }

    @Test
    void pagesHeldAtTheSameTimeNeverOverlap() {
        // Pages are slices of shared slabs: each must be its own memory.
        PagePool pool = new PagePool(256, 1 << 20);
        List<Page> pages = new ArrayList<>();
        for (int i = 0; i < 2500; i++) { // more than one slab's worth
            Page page = pool.acquire();
            ByteBuffer v = page.producerView();
            v.clear();
            while (v.hasRemaining()) {
                v.putInt(i);
            }
            pages.add(page);
        }
        Set<Page> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(pages);
        assertEquals(pages.size(), distinct.size());
        for (int i = 0; i < pages.size(); i++) {
            ByteBuffer v = pages.get(i).consumerView();
            v.clear();
            while (v.hasRemaining()) {
                assertEquals(i, v.getInt(), "page " + i + " was overwritten");
            }
        }
        pages.forEach(pool::release);
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void outstandingPagesCountsAcquiredMinusReleased() {
        PagePool pool = new PagePool(4096, 1 << 20);
        assertEquals(0, pool.outstandingPages());
        assertEquals(0, pool.allocatedPages());
        List<Page> held = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            held.add(pool.acquire());
            assertEquals(i, pool.outstandingPages());
        }
        assertTrue(pool.allocatedPages() >= 10);
        for (int i = 9; i >= 0; i--) {
            pool.release(held.remove(held.size() - 1));
            assertEquals(i, pool.outstandingPages());
        }
    }

    @Test
    void releasedPagesAreReusedSoSteadyStateAllocatesNothing() {
        PagePool pool = new PagePool(4096, 1 << 20);
        List<Page> held = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            held.add(pool.acquire());
        }
        held.forEach(pool::release);
        held.clear();
        long allocated = pool.allocatedPages();
        for (int round = 0; round < 10_000; round++) {
            int n = 1 + round % 32;
            for (int i = 0; i < n; i++) {
                Page page = pool.acquire();
                held.add(page);
            }
            assertEquals(n, pool.outstandingPages());
            held.forEach(pool::release);
            held.clear();
        }
        assertEquals(allocated, pool.allocatedPages());
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void theLastReleasedPageIsHandedOutAgainWhenNoOtherIsFree() {
        // 1 MiB pages: one page per slab, so the free list holds exactly what was released
        PagePool pool = new PagePool(1 << 20, 1 << 20);
        Page first = pool.acquire();
        pool.release(first);
        Page second = pool.acquire();
        assertTrue(first == second, "a released page is reused");
        assertEquals(1, pool.allocatedPages());
        pool.release(second);
    }

    @Test
    void poolKeepsWorkingWhenMoreIsReleasedThanItRetains() {
        PagePool pool = new PagePool(256, 256); // retains about one page
        List<Page> held = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            held.add(pool.acquire());
        }
        assertEquals(100, pool.outstandingPages());
        held.forEach(pool::release);
        held.clear();
        assertEquals(0, pool.outstandingPages());
        for (int i = 0; i < 100; i++) {
            Page page = pool.acquire();
            assertEquals(256, page.size());
            held.add(page);
        }
        assertEquals(100, pool.outstandingPages());
        held.forEach(pool::release);
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void threadsSharingThePoolNeverHoldTheSamePage() {
        final int threads = 4;
        final int rounds = 50_000;
        PagePool pool = new PagePool(256, 64 * 256);
        Workers.Task[] tasks = new Workers.Task[threads];
        for (int t = 0; t < threads; t++) {
            long me = t;
            tasks[t] = () -> {
                Page[] mine = new Page[3];
                for (int i = 0; i < rounds; i++) {
                    int n = 1 + i % 3;
                    for (int k = 0; k < n; k++) {
                        mine[k] = pool.acquire();
                        mine[k].producerView().putLong(0, me << 32 | i << 2 | k);
                    }
                    Thread.onSpinWait();
                    for (int k = 0; k < n; k++) {
                        long stamp = mine[k].consumerView().getLong(0);
                        if (stamp != (me << 32 | i << 2 | k)) {
                            throw new AssertionError("thread " + me + " round " + i + ": page stamped "
                                + Long.toHexString(stamp) + " by someone else while held");
                        }
                        pool.release(mine[k]);
                    }
                }
            };
        }
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("page-pool", tasks));
        assertEquals(0, pool.outstandingPages());
    }
}
