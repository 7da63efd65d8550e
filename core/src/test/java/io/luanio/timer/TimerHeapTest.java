package io.luanio.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimerHeapTest {
    /** One expired timer as the callback saw it. */
    private record Fired(long handle, int kind, int target, long payload, int tag) {
    }

    /** Records every expiry. */
    private static final class Recorder implements TimerHeap.Expiry {
        final List<Fired> fired = new ArrayList<>();

        @Override
        public void onExpiry(long handle, int kind, int target, long payload, int tag) {
            fired.add(new Fired(handle, kind, target, payload, tag));
        }
    }

    @Test
    void emptyHeapHasNoEarliestDeadlineAndFiresNothing() {
        TimerHeap heap = new TimerHeap(0);
        assertTrue(heap.isEmpty());
        assertEquals(0, heap.size());
        assertThrows(IllegalStateException.class, heap::earliestDeadline);
        Recorder r = new Recorder();
        assertEquals(0, heap.expire(Long.MAX_VALUE, r, Integer.MAX_VALUE));
        assertTrue(r.fired.isEmpty());
    }

    @Test
    void expiryPassesBackEveryFieldGivenAtScheduling() {
        TimerHeap heap = new TimerHeap(4);
        long h1 = heap.schedule(10, Integer.MIN_VALUE, -1, Long.MIN_VALUE, Integer.MAX_VALUE);
        long h2 = heap.schedule(20, 7, 123456, -42L, -7);
        Recorder r = new Recorder();
        assertEquals(2, heap.expire(20, r, 10));
        assertEquals(List.of(new Fired(h1, Integer.MIN_VALUE, -1, Long.MIN_VALUE, Integer.MAX_VALUE),
            new Fired(h2, 7, 123456, -42L, -7)), r.fired);
        assertTrue(heap.isEmpty());
    }

    @Test
    void handlesAreNeverNoTimerAndNeverRepeatWhileScheduled() {
        TimerHeap heap = new TimerHeap(4);
        Set<Long> handles = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long h = heap.schedule(i, 0, 0, 0, 0);
            assertNotEquals(TimerHeap.NO_TIMER, h);
            assertTrue(handles.add(h), "duplicate handle " + h);
            assertTrue(heap.isScheduled(h));
        }
        assertEquals(1000, heap.size());
    }

    @Test
    void timersFireAtOrAfterTheirDeadlineOnly() {
        TimerHeap heap = new TimerHeap(4);
        heap.schedule(100, 1, 0, 0, 0);
        heap.schedule(101, 2, 0, 0, 0);
        Recorder r = new Recorder();
        assertEquals(0, heap.expire(99, r, 10));
        assertEquals(1, heap.expire(100, r, 10));
        assertEquals(1, r.fired.get(0).kind());
        assertEquals(101, heap.earliestDeadline());
        assertEquals(0, heap.expire(100, r, 10));
        assertEquals(1, heap.expire(1000, r, 10));
        assertEquals(2, r.fired.get(1).kind());
    }

    @Test
    void randomDeadlinesExpireEarliestFirst() {
        Random rnd = new Random(0x7133_0001L);
        TimerHeap heap = new TimerHeap(16);
        int n = 20_000;
        long[] deadlineOf = new long[n];
        Map<Long, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < n; i++) {
            deadlineOf[i] = rnd.nextInt(1_000_000) - 500_000L;
            indexOf.put(heap.schedule(deadlineOf[i], i, -i, i * 3L, i ^ 0x55), i);
        }
        assertEquals(n, heap.size());
        boolean[] fired = new boolean[n];
        long[] last = {Long.MIN_VALUE};
        long[] now = {-600_000};
        int total = 0;
        while (!heap.isEmpty()) {
            long earliest = heap.earliestDeadline();
            now[0] += 1 + rnd.nextInt(5000);
            long from = total;
            total += heap.expire(now[0], (handle, kind, target, payload, tag) -> {
                Integer i = indexOf.get(handle);
                assertEquals(kind, i);
                assertEquals(-kind, target);
                assertEquals(kind * 3L, payload);
                assertEquals(kind ^ 0x55, tag);
                assertFalse(fired[kind], "fired twice: " + kind);
                fired[kind] = true;
                assertTrue(deadlineOf[kind] <= now[0], "fired early");
                assertTrue(deadlineOf[kind] >= last[0], "out of order");
                last[0] = deadlineOf[kind];
            }, Integer.MAX_VALUE);
            if (earliest <= now[0]) {
                assertTrue(total > from, "a due timer did not fire");
            }
            if (!heap.isEmpty()) {
                assertTrue(heap.earliestDeadline() > now[0], "a due timer was left behind");
            }
        }
        assertEquals(n, total);
        for (boolean f : fired) {
            assertTrue(f);
        }
    }

    @Test
    void equalDeadlinesAllFire() {
        TimerHeap heap = new TimerHeap(4);
        Set<Integer> kinds = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            heap.schedule(5, i, 0, 0, 0);
            heap.schedule(i % 2 == 0 ? 4 : 6, 1000 + i, 0, 0, 0);
        }
        Recorder r = new Recorder();
        assertEquals(150, heap.expire(5, r, Integer.MAX_VALUE));
        for (int i = 0; i < 50; i++) {
            assertTrue(r.fired.get(i).kind() >= 1000, "deadline 4 fires before deadline 5");
        }
        for (Fired f : r.fired.subList(50, 150)) {
            assertTrue(kinds.add(f.kind()));
            assertTrue(f.kind() < 100);
        }
        assertEquals(50, heap.size());
        assertEquals(6, heap.earliestDeadline());
    }

    @Test
    void expireFiresAtMostTheLimitEarliestFirst() {
        TimerHeap heap = new TimerHeap(4);
        for (int i = 9; i >= 0; i--) {
            heap.schedule(i, i, 0, 0, 0);
        }
        Recorder r = new Recorder();
        assertEquals(3, heap.expire(100, r, 3));
        assertEquals(7, heap.size());
        assertEquals(0, heap.expire(100, r, 0));
        assertEquals(7, heap.expire(100, r, 100));
        for (int i = 0; i < 10; i++) {
            assertEquals(i, r.fired.get(i).kind());
        }
    }

    @Test
    void cancelledTimerNeverFires() {
        TimerHeap heap = new TimerHeap(4);
        long a = heap.schedule(1, 1, 0, 0, 0);
        long b = heap.schedule(2, 2, 0, 0, 0);
        long c = heap.schedule(3, 3, 0, 0, 0);
        assertTrue(heap.cancel(b));
        assertFalse(heap.isScheduled(b));
        assertFalse(heap.cancel(b));
        assertEquals(2, heap.size());
        assertTrue(heap.cancel(a));
        assertEquals(3, heap.earliestDeadline());
        Recorder r = new Recorder();
        assertEquals(1, heap.expire(10, r, 10));
        assertEquals(List.of(new Fired(c, 3, 0, 0, 0)), r.fired);
    }

    @Test
    void cancellingRandomTimersKeepsTheRestInOrder() {
        Random rnd = new Random(0x7133_0002L);
        TimerHeap heap = new TimerHeap(4);
        int n = 5000;
        long[] handles = new long[n];
        long[] deadlines = new long[n];
        for (int i = 0; i < n; i++) {
            deadlines[i] = rnd.nextInt(10_000);
            handles[i] = heap.schedule(deadlines[i], i, 0, 0, 0);
        }
        boolean[] cancelled = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (rnd.nextBoolean()) {
                assertTrue(heap.cancel(handles[i]));
                cancelled[i] = true;
            }
        }
        List<Integer> order = new ArrayList<>();
        heap.expire(Long.MAX_VALUE, (handle, kind, target, payload, tag) -> order.add(kind), Integer.MAX_VALUE);
        int expected = 0;
        for (boolean c : cancelled) {
            expected += c ? 0 : 1;
        }
        assertEquals(expected, order.size());
        for (int i = 0; i < order.size(); i++) {
            assertFalse(cancelled[order.get(i)]);
            if (i > 0) {
                assertTrue(deadlines[order.get(i - 1)] <= deadlines[order.get(i)]);
            }
        }
    }

    @Test
    void rescheduleMovesATimerEarlierOrLaterAndKeepsItsHandle() {
        TimerHeap heap = new TimerHeap(4);
        long a = heap.schedule(10, 1, 0, 0, 0);
        long b = heap.schedule(20, 2, 0, 0, 0);
        long c = heap.schedule(30, 3, 0, 0, 0);
        long d = heap.schedule(40, 4, 0, 0, 0);
        assertTrue(heap.reschedule(d, 5));   // earlier: now first
        assertTrue(heap.reschedule(a, 35));  // later: now after c
        assertEquals(5, heap.earliestDeadline());
        assertTrue(heap.isScheduled(d));
        assertEquals(4, heap.size());
        Recorder r = new Recorder();
        assertEquals(4, heap.expire(100, r, 10));
        assertEquals(List.of(new Fired(d, 4, 0, 0, 0), new Fired(b, 2, 0, 0, 0), new Fired(c, 3, 0, 0, 0),
            new Fired(a, 1, 0, 0, 0)), r.fired);
    }

    @Test
    void rescheduleToTheSameDeadlineKeepsTheTimer() {
        TimerHeap heap = new TimerHeap(4);
        long a = heap.schedule(10, 1, 0, 0, 0);
        assertTrue(heap.reschedule(a, 10));
        Recorder r = new Recorder();
        assertEquals(1, heap.expire(10, r, 10));
        assertEquals(a, r.fired.get(0).handle());
    }

    @Test
    void handleOfAFiredTimerIsStale() {
        TimerHeap heap = new TimerHeap(4);
        long a = heap.schedule(1, 1, 0, 0, 0);
        long b = heap.schedule(100, 2, 0, 0, 0);
        heap.expire(1, new Recorder(), 10);
        assertFalse(heap.isScheduled(a));
        assertFalse(heap.cancel(a));
        assertFalse(heap.reschedule(a, 200));
        assertEquals(1, heap.size());
        assertTrue(heap.isScheduled(b));
        assertEquals(100, heap.earliestDeadline());
    }

    @Test
    void handleIsAlreadyInvalidInsideTheCallback() {
        TimerHeap heap = new TimerHeap(4);
        long a = heap.schedule(1, 1, 0, 0, 0);
        boolean[] checked = {false};
        heap.expire(1, (handle, kind, target, payload, tag) -> {
            assertEquals(a, handle);
            assertFalse(heap.isScheduled(handle));
            assertFalse(heap.cancel(handle));
            checked[0] = true;
        }, 10);
        assertTrue(checked[0]);
    }

    @Test
    void staleHandleNeverReachesTheTimerThatReusesItsEntry() {
        TimerHeap heap = new TimerHeap(4);
        long old = heap.schedule(50, 1, 0, 0, 0);
        assertTrue(heap.cancel(old));
        long reused = heap.schedule(60, 2, 0, 0, 0);
        assertNotEquals(old, reused);
        assertEquals((int) old, (int) reused, "the entry is reused (low bits of the handle)");
        assertFalse(heap.isScheduled(old));
        assertFalse(heap.cancel(old));
        assertFalse(heap.reschedule(old, 1));
        assertTrue(heap.isScheduled(reused));
        assertEquals(60, heap.earliestDeadline());

        // and again after the reusing timer fires and the entry is taken a third time
        heap.expire(60, new Recorder(), 10);
        long third = heap.schedule(70, 3, 0, 0, 0);
        assertFalse(heap.cancel(old));
        assertFalse(heap.cancel(reused));
        assertTrue(heap.isScheduled(third));
        assertEquals(1, heap.size());
    }

    @Test
    void noTimerAndMadeUpHandlesAreIgnored() {
        TimerHeap heap = new TimerHeap(4);
        long a = heap.schedule(5, 1, 0, 0, 0);
        long[] bogus = {TimerHeap.NO_TIMER, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L, (1L << 32) | 1000,
            (2L << 32) | (a & 0xFFFF_FFFFL), 0xFFFF_FFFFL, (1L << 32) | 0x8000_0000L};
        for (long h : bogus) {
            if (h == a) {
                continue;
            }
            assertFalse(heap.isScheduled(h), "handle " + h);
            assertFalse(heap.cancel(h), "handle " + h);
            assertFalse(heap.reschedule(h, 0), "handle " + h);
        }
        assertEquals(1, heap.size());
        assertEquals(5, heap.earliestDeadline());
        assertTrue(heap.isScheduled(a));
    }

    @Test
    void growsPastItsInitialCapacity() {
        TimerHeap heap = new TimerHeap(1);
        int n = 10_000;
        long[] handles = new long[n];
        for (int i = 0; i < n; i++) {
            handles[i] = heap.schedule(n - i, i, i, i, i);
        }
        assertEquals(n, heap.size());
        for (long h : handles) {
            assertTrue(heap.isScheduled(h));
        }
        assertEquals(1, heap.earliestDeadline());
        Recorder r = new Recorder();
        assertEquals(n, heap.expire(n, r, Integer.MAX_VALUE));
        for (int i = 0; i < n; i++) {
            Fired f = r.fired.get(i);
            assertEquals(n - 1 - i, f.kind());
            assertEquals(handles[n - 1 - i], f.handle());
        }
    }

    @Test
    void deadlinesCompareCorrectlyAcrossLongOverflow() {
        TimerHeap heap = new TimerHeap(4);
        long base = Long.MAX_VALUE - 500;
        List<Integer> expected = new ArrayList<>();
        // scheduled in scrambled order; deadline i lies i*10 ns after base, wrapping past Long.MAX_VALUE
        for (int k = 0; k < 101; k++) {
            int i = (k * 37) % 101;
            heap.schedule(base + i * 10L, i, 0, 0, 0);
        }
        for (int i = 0; i < 101; i++) {
            expected.add(i);
        }
        assertEquals(base, heap.earliestDeadline());
        List<Integer> order = new ArrayList<>();
        TimerHeap.Expiry collect = (handle, kind, target, payload, tag) -> order.add(kind);
        // "now" just before the wrap: only deadlines up to Long.MAX_VALUE are due
        assertEquals(51, heap.expire(Long.MAX_VALUE, collect, Integer.MAX_VALUE));
        assertEquals(Long.MIN_VALUE + 9, heap.earliestDeadline());
        // "now" after the wrap: the rest
        assertEquals(50, heap.expire(base + 2000, collect, Integer.MAX_VALUE));
        assertEquals(expected, order);
    }

    @Test
    void rescheduleAcrossLongOverflow() {
        TimerHeap heap = new TimerHeap(4);
        long a = heap.schedule(Long.MAX_VALUE - 1, 1, 0, 0, 0);
        long b = heap.schedule(Long.MAX_VALUE, 2, 0, 0, 0);
        assertTrue(heap.reschedule(a, Long.MIN_VALUE + 1)); // later, past the wrap
        assertEquals(Long.MAX_VALUE, heap.earliestDeadline());
        assertTrue(heap.reschedule(a, Long.MAX_VALUE - 2)); // earlier again
        assertEquals(Long.MAX_VALUE - 2, heap.earliestDeadline());
        Recorder r = new Recorder();
        assertEquals(2, heap.expire(Long.MIN_VALUE, r, 10));
        assertEquals(List.of(a, b), List.of(r.fired.get(0).handle(), r.fired.get(1).handle()));
    }

    @Test
    void callbackMayScheduleNewTimers() {
        TimerHeap heap = new TimerHeap(4);
        heap.schedule(10, 1, 0, 0, 0);
        heap.schedule(20, 2, 0, 0, 0);
        List<Integer> order = new ArrayList<>();
        TimerHeap.Expiry expiry = new TimerHeap.Expiry() {
            @Override
            public void onExpiry(long handle, int kind, int target, long payload, int tag) {
                order.add(kind);
                if (kind == 1) {
                    // enough new timers to make the heap grow while it is being expired
                    for (int i = 0; i < 50; i++) {
                        heap.schedule(1000 + i, 100 + i, 0, 0, 0);
                    }
                }
            }
        };
        assertEquals(2, heap.expire(500, expiry, Integer.MAX_VALUE));
        assertEquals(List.of(1, 2), order);
        assertEquals(50, heap.size());
        assertEquals(1000, heap.earliestDeadline());
        assertEquals(50, heap.expire(2000, expiry, Integer.MAX_VALUE));
        for (int i = 0; i < 50; i++) {
            assertEquals(100 + i, order.get(2 + i));
        }
        assertTrue(heap.isEmpty());
    }

    @Test
    void callbackMayCancelATimerThatIsAlsoDue() {
        TimerHeap heap = new TimerHeap(4);
        long[] second = new long[1];
        heap.schedule(1, 1, 0, 0, 0);
        second[0] = heap.schedule(2, 2, 0, 0, 0);
        heap.schedule(3, 3, 0, 0, 0);
        List<Integer> order = new ArrayList<>();
        assertEquals(2, heap.expire(10, (handle, kind, target, payload, tag) -> {
            order.add(kind);
            if (kind == 1) {
                assertTrue(heap.cancel(second[0]));
            }
        }, 10));
        assertEquals(List.of(1, 3), order);
        assertTrue(heap.isEmpty());
    }

    @Test
    void limitBoundsATimerThatKeepsReschedulingItselfAsDue() {
        TimerHeap heap = new TimerHeap(4);
        heap.schedule(0, 1, 0, 0, 0);
        int[] calls = {0};
        TimerHeap.Expiry again = (handle, kind, target, payload, tag) -> {
            calls[0]++;
            heap.schedule(0, 1, 0, 0, 0);
        };
        assertEquals(16, heap.expire(0, again, 16));
        assertEquals(16, calls[0]);
        assertEquals(1, heap.size());
    }

    @Test
    void randomOperationsAgreeWithASimpleModel() {
        Random rnd = new Random(0x7133_0003L);
        TimerHeap heap = new TimerHeap(2);
        Map<Long, Long> live = new HashMap<>(); // handle -> deadline
        Map<Long, Long> serialOf = new HashMap<>(); // handle -> payload given at scheduling
        List<Long> dead = new ArrayList<>();
        long now = 0;
        for (int op = 0; op < 200_000; op++) {
            int choice = rnd.nextInt(10);
            if (choice < 4 || live.isEmpty()) {
                long deadline = now + rnd.nextInt(2000) - 100;
                long h = heap.schedule(deadline, 0, 0, op, 0);
                assertTrue(live.put(h, deadline) == null, "handle reused while live");
                serialOf.put(h, (long) op);
            } else if (choice < 6) {
                long h = pick(live, rnd);
                assertTrue(heap.cancel(h));
                live.remove(h);
                serialOf.remove(h);
                dead.add(h);
            } else if (choice < 8) {
                long h = pick(live, rnd);
                long deadline = now + rnd.nextInt(2000) - 100;
                assertTrue(heap.reschedule(h, deadline));
                live.put(h, deadline);
            } else if (choice < 9 && !dead.isEmpty()) {
                long h = dead.get(rnd.nextInt(dead.size()));
                assertFalse(heap.isScheduled(h));
                assertFalse(heap.cancel(h));
                assertFalse(heap.reschedule(h, now));
            } else {
                now += rnd.nextInt(300);
                long t = now;
                long[] last = {Long.MIN_VALUE};
                int limit = 1 + rnd.nextInt(20);
                int fired = heap.expire(now, (handle, kind, target, payload, tag) -> {
                    Long deadline = live.remove(handle);
                    assertTrue(deadline != null, "fired a handle that is not live");
                    assertEquals(serialOf.remove(handle).longValue(), payload);
                    assertTrue(deadline <= t);
                    assertTrue(deadline >= last[0]);
                    last[0] = deadline;
                    dead.add(handle);
                }, limit);
                long due = live.values().stream().filter(d -> d <= t).count();
                assertTrue(fired == limit || due == 0, "due timers left behind under the limit");
                if (fired > 0) {
                    for (long d : live.values()) {
                        assertTrue(d >= last[0], "a remaining timer is earlier than one that fired");
                    }
                }
            }
            assertEquals(live.size(), heap.size());
            if (!live.isEmpty()) {
                assertEquals(live.values().stream().mapToLong(Long::longValue).min().getAsLong(), heap.earliestDeadline());
            }
            if (dead.size() > 10_000) {
                dead.subList(0, 5_000).clear();
            }
        }
    }

    private static long pick(Map<Long, Long> live, Random rnd) {
        int skip = rnd.nextInt(Math.min(live.size(), 8));
        for (long h : live.keySet()) {
            if (skip-- == 0) {
                return h;
            }
        }
        throw new AssertionError();
    }
}
