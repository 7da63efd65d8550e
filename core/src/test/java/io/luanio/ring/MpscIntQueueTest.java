package io.luanio.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.testing.Workers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MpscIntQueueTest {
    /** Only a guard against a hang; the stress test is bounded by its element count. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    @ParameterizedTest
    @CsvSource({"1,2", "2,2", "3,4", "4,4", "5,8", "1000,1024", "1024,1024"})
    void capacityIsRoundedUpToAPowerOfTwoOfAtLeastTwo(int requested, int expected) {
        assertEquals(expected, new MpscIntQueue(requested).capacity());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, (1 << 30) + 1, Integer.MAX_VALUE})
    void constructorRejectsCapacityOutOfRange(int capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MpscIntQueue(capacity));
        assertTrue(e.getMessage().contains("capacity=" + capacity), e.getMessage());
    }

    @Test
    void emptyQueuePollsEmpty() {
        MpscIntQueue q = new MpscIntQueue(4);
        assertTrue(q.isEmpty());
        assertEquals(MpscIntQueue.EMPTY, q.poll());
        assertEquals(MpscIntQueue.EMPTY, q.poll());
        assertTrue(q.offer(7));
        assertFalse(q.isEmpty());
        assertEquals(7, q.poll());
        assertTrue(q.isEmpty());
        assertEquals(MpscIntQueue.EMPTY, q.poll());
    }

    @Test
    void pollReturnsValuesInOfferOrder() {
        MpscIntQueue q = new MpscIntQueue(8);
        int[] values = {0, Integer.MAX_VALUE, 1, 65536, 3, 3, 0, 42};
        for (int v : values) {
            assertTrue(q.offer(v));
        }
        for (int v : values) {
            assertEquals(v, q.poll());
        }
        assertEquals(MpscIntQueue.EMPTY, q.poll());
    }

    @Test
    void fullQueueRefusesOfferAndKeepsItsElements() {
        MpscIntQueue q = new MpscIntQueue(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(100));
        assertFalse(q.offer(101));
        assertEquals(0, q.poll());
        assertTrue(q.offer(4));
        assertFalse(q.offer(102));
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, q.poll());
        }
        assertEquals(MpscIntQueue.EMPTY, q.poll());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, -2, Integer.MIN_VALUE})
    void negativeValuesAreRejectedAndNothingIsQueued(int value) {
        MpscIntQueue q = new MpscIntQueue(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.offer(value));
        assertTrue(e.getMessage().contains("value=" + value), e.getMessage());
        assertTrue(q.isEmpty());
        assertEquals(MpscIntQueue.EMPTY, q.poll());
        assertTrue(q.offer(1));
        assertTrue(q.offer(2));
        assertFalse(q.offer(3));
    }

    @Test
    void wrapsAroundManyTimes() {
        MpscIntQueue q = new MpscIntQueue(4);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 100_000; round++) {
            int batch = 1 + round % 4;
            for (int i = 0; i < batch; i++) {
                assertTrue(q.offer(next++));
            }
            for (int i = 0; i < batch; i++) {
                assertEquals(expected++, q.poll());
            }
            assertEquals(MpscIntQueue.EMPTY, q.poll());
        }
        assertEquals(250_000, expected);
    }

    @Test
    void fourProducersOneConsumerDeliverEveryValueOnceInPerProducerOrder() {
        final int producers = 4;
        final int perProducer = 250_000; // fits in the low 24 bits
        MpscIntQueue q = new MpscIntQueue(64);
        int[] nextSeq = new int[producers];
        Workers.Task[] tasks = new Workers.Task[producers + 1];
        for (int p = 0; p < producers; p++) {
            int producer = p;
            tasks[p] = () -> {
                for (int seq = 0; seq < perProducer; seq++) {
                    while (!q.offer(producer << 24 | seq)) {
                        Workers.idle();
                    }
                }
            };
        }
        tasks[producers] = () -> {
            long total = (long) producers * perProducer;
            for (long got = 0; got < total; ) {
                int v = q.poll();
                if (v == MpscIntQueue.EMPTY) {
                    Workers.idle();
                    continue;
                }
                int producer = v >>> 24;
                int seq = v & 0xFF_FFFF;
                if (producer >= producers || seq != nextSeq[producer]) {
                    throw new AssertionError("value " + v + ": producer " + producer + " sequence " + seq
                        + " arrived, expected sequence " + (producer < producers ? nextSeq[producer] : -1));
                }
                nextSeq[producer]++;
                got++;
            }
        };
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("mpsc", tasks));
        for (int p = 0; p < producers; p++) {
            assertEquals(perProducer, nextSeq[p], "producer " + p);
        }
        assertEquals(MpscIntQueue.EMPTY, q.poll());
        assertTrue(q.isEmpty());
    }
}
