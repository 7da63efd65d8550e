package io.luanio.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.testing.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MpmcArrayQueueTest {
    /** Only a guard against a hang; the stress tests are bounded by their element counts. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    @ParameterizedTest
    @CsvSource({"1,2", "2,2", "3,4", "4,4", "5,8", "1000,1024", "1024,1024"})
    void capacityIsRoundedUpToAPowerOfTwoOfAtLeastTwo(int requested, int expected) {
        assertEquals(expected, new MpmcArrayQueue<String>(requested).capacity());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, (1 << 30) + 1, Integer.MAX_VALUE})
    void constructorRejectsCapacityOutOfRange(int capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MpmcArrayQueue<String>(capacity));
        assertTrue(e.getMessage().contains("capacity=" + capacity), e.getMessage());
    }

    @Test
    void nullIsRejectedAndNothingIsQueued() {
        MpmcArrayQueue<String> q = new MpmcArrayQueue<>(2);
        assertThrows(NullPointerException.class, () -> q.offer(null));
        assertEquals(0, q.size());
        assertNull(q.poll());
        assertTrue(q.offer("a"));
        assertTrue(q.offer("b"));
        assertFalse(q.offer("c"));
    }

    @Test
    void emptyQueuePollsNull() {
        MpmcArrayQueue<String> q = new MpmcArrayQueue<>(4);
        assertNull(q.poll());
        assertEquals(0, q.size());
        assertTrue(q.offer("x"));
        assertEquals(1, q.size());
        assertEquals("x", q.poll());
        assertNull(q.poll());
        assertEquals(0, q.size());
    }

    @Test
    void pollReturnsTheSameElementsInOfferOrder() {
        MpmcArrayQueue<Object> q = new MpmcArrayQueue<>(8);
        List<Object> in = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Object o = new Object();
            in.add(o);
            assertTrue(q.offer(o));
            assertEquals(i + 1, q.size());
        }
        for (Object o : in) {
            assertSame(o, q.poll());
        }
        assertNull(q.poll());
    }

    @Test
    void fullQueueRefusesOfferAndKeepsItsElements() {
        MpmcArrayQueue<Integer> q = new MpmcArrayQueue<>(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(100));
        assertEquals(4, q.size());
        assertEquals(0, q.poll());
        assertTrue(q.offer(4));
        assertFalse(q.offer(101));
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
    }

    @Test
    void wrapsAroundManyTimes() {
        MpmcArrayQueue<Long> q = new MpmcArrayQueue<>(4);
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 100_000; round++) {
            int batch = 1 + round % 4;
            for (int i = 0; i < batch; i++) {
                assertTrue(q.offer(next++));
            }
            for (int i = 0; i < batch; i++) {
                assertEquals(expected++, q.poll());
            }
            assertNull(q.poll());
        }
        assertEquals(250_000, expected);
    }

    @Test
    void manyProducersManyConsumersDeliverEveryElementExactlyOnce() {
        final int producers = 3;
        final int consumers = 2;
        final int perProducer = 200_000;
        final int total = producers * perProducer;
        MpmcArrayQueue<Integer> q = new MpmcArrayQueue<>(64);
        AtomicLong taken = new AtomicLong();
        int[][] got = new int[consumers][];
        int[] gotCount = new int[consumers];
        Workers.Task[] tasks = new Workers.Task[producers + consumers];
        for (int p = 0; p < producers; p++) {
            int producer = p;
            tasks[p] = () -> {
                for (int seq = 0; seq < perProducer; seq++) {
                    Integer e = producer * perProducer + seq;
                    while (!q.offer(e)) {
                        Workers.idle();
                    }
                }
            };
        }
        for (int c = 0; c < consumers; c++) {
            int consumer = c;
            got[c] = new int[total];
            tasks[producers + c] = () -> {
                int[] mine = got[consumer];
                int n = 0;
                while (taken.get() < total) {
                    Integer e = q.poll();
                    if (e == null) {
                        Workers.idle();
                        continue;
                    }
                    mine[n++] = e;
                    taken.incrementAndGet();
                }
                gotCount[consumer] = n;
            };
        }
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("mpmc", tasks));

        boolean[] seen = new boolean[total];
        int sum = 0;
        for (int c = 0; c < consumers; c++) {
            int[] last = new int[producers];
            java.util.Arrays.fill(last, -1);
            for (int i = 0; i < gotCount[c]; i++) {
                int e = got[c][i];
                assertFalse(seen[e], "element " + e + " delivered twice");
                seen[e] = true;
                // one producer's elements reach any one consumer in the order they were offered
                int producer = e / perProducer;
                assertTrue(e > last[producer], "consumer " + c + " saw " + e + " after " + last[producer]);
                last[producer] = e;
            }
            sum += gotCount[c];
        }
        assertEquals(total, sum);
        assertNull(q.poll());
        assertEquals(0, q.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 16})
    void tokensCirculatingThroughAQueueOfTheirNumberAreNeverRefusedOrHeldTwice(int tokens) {
        // The pool pattern: every thread takes a token, uses it alone, and gives it back.
        // The queue can never be full when a token comes back, so offer must not refuse it.
        final int threads = 4;
        final int rounds = 100_000;
        MpmcArrayQueue<Integer> q = new MpmcArrayQueue<>(tokens);
        for (int t = 0; t < tokens; t++) {
            assertTrue(q.offer(t));
        }
        AtomicIntegerArray holder = new AtomicIntegerArray(tokens); // 0 = in the queue, else thread + 1
        Workers.Task[] tasks = new Workers.Task[threads];
        for (int t = 0; t < threads; t++) {
            int me = t + 1;
            tasks[t] = () -> {
                for (int i = 0; i < rounds; i++) {
                    Integer token = q.poll();
                    while (token == null) {
                        Workers.idle();
                        token = q.poll();
                    }
                    if (!holder.compareAndSet(token, 0, me)) {
                        throw new AssertionError("token " + token + " taken while thread " + holder.get(token) + " holds it");
                    }
                    if (!holder.compareAndSet(token, me, 0)) {
                        throw new AssertionError("token " + token + " changed hands while held");
                    }
                    if (!q.offer(token)) {
                        throw new AssertionError("queue of " + tokens + " tokens refused one back");
                    }
                }
            };
        }
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("mpmc-pool", tasks));
        boolean[] back = new boolean[tokens];
        for (int t = 0; t < tokens; t++) {
            Integer token = q.poll();
            assertTrue(token != null && !back[token], "token " + token);
            back[token] = true;
        }
        assertNull(q.poll());
    }
}
