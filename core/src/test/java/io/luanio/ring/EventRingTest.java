package io.luanio.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.testing.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventRingTest {
    /** Only a guard against a hang; the stress test is bounded by its record count. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    /** One consumed record. */
    private record Rec(int type, int socket, int result, long value) {
    }

    /** Collects every record it is handed. */
    private static final class Collector implements EventRing.Handler {
        final List<Rec> records = new ArrayList<>();

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            records.add(new Rec(type, socket, result, value));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -2, 0, 1, 3, 6, 12, 1000, (1 << 28) + 1, 1 << 29, Integer.MAX_VALUE})
    void constructorRejectsCapacityThatIsNotAPowerOfTwoInRange(int capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EventRing(capacity));
        assertTrue(e.getMessage().contains("capacity=" + capacity), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 64, 1024})
    void constructorAcceptsPowersOfTwo(int capacity) {
        EventRing ring = new EventRing(capacity);
        assertEquals(capacity, ring.capacity());
        assertTrue(ring.isEmpty());
        assertEquals(0, ring.size());
        assertTrue(ring.hasRoom());
    }

    @Test
    void recordsComeOutInOrderWithEveryFieldIntact() {
        List<Rec> in = List.of(
            new Rec(0, 0, 0, 0L),
            new Rec(65535, -1, -32768, Long.MIN_VALUE),
            new Rec(1, Integer.MAX_VALUE, 32767, Long.MAX_VALUE),
            new Rec(32768, Integer.MIN_VALUE, -1, -1L),
            new Rec(0x8001, -1, 1, 0x8000_0000_0000_0001L),
            new Rec(12345, 0x7FFF_0000, -12345, 0xFFFF_FFFFL),
            new Rec(65534, 0x8000_0001, 0, 1L << 32),
            new Rec(7, 42, -32767, -2L));
        EventRing ring = new EventRing(8);
        for (Rec r : in) {
            assertTrue(ring.offer(r.type(), r.socket(), r.result(), r.value()));
        }
        assertEquals(8, ring.size());
        Collector out = new Collector();
        assertEquals(8, ring.drain(out, Integer.MAX_VALUE));
        assertEquals(in, out.records);
        assertTrue(ring.isEmpty());
    }

    @Test
    void everyTypeAndResultValueRoundTrips() {
        EventRing ring = new EventRing(1024);
        Collector out = new Collector();
        for (int type = 0; type <= 65535; type++) {
            int result = type - 32768; // covers -32768..32767 exactly once
            int socket = type * 65599 - 1;
            long value = (long) type * -0x1_0000_0001L;
            if (!ring.offer(type, socket, result, value)) {
                ring.drain(out, Integer.MAX_VALUE);
                assertTrue(ring.offer(type, socket, result, value));
            }
        }
        ring.drain(out, Integer.MAX_VALUE);
        assertEquals(65536, out.records.size());
        for (int type = 0; type <= 65535; type++) {
            assertEquals(new Rec(type, type * 65599 - 1, type - 32768, (long) type * -0x1_0000_0001L), out.records.get(type));
        }
    }

    @Test
    void fullRingRefusesOfferAndKeepsWhatItHolds() {
        EventRing ring = new EventRing(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(ring.hasRoom());
            assertTrue(ring.offer(i, i, i, i));
        }
        assertFalse(ring.hasRoom());
        assertFalse(ring.offer(99, 99, 99, 99));
        assertFalse(ring.offer(98, 98, 98, 98));
        assertEquals(4, ring.size());

        Collector out = new Collector();
        assertEquals(1, ring.drain(out, 1));
        assertTrue(ring.hasRoom());
        assertTrue(ring.offer(4, 4, 4, 4));
        assertFalse(ring.offer(97, 97, 97, 97));
        assertEquals(4, ring.drain(out, 100));
        assertEquals(List.of(new Rec(0, 0, 0, 0), new Rec(1, 1, 1, 1), new Rec(2, 2, 2, 2),
            new Rec(3, 3, 3, 3), new Rec(4, 4, 4, 4)), out.records);
    }

    @Test
    void drainConsumesAtMostTheLimit() {
        EventRing ring = new EventRing(16);
        Collector out = new Collector();
        assertEquals(0, ring.drain(out, 10));
        for (int i = 0; i < 10; i++) {
            assertTrue(ring.offer(1, i, 0, i));
        }
        assertEquals(3, ring.drain(out, 3));
        assertEquals(7, ring.size());
        assertEquals(0, ring.drain(out, 0));
        assertEquals(7, ring.size());
        assertEquals(1, ring.drain(out, 1));
        assertEquals(6, ring.drain(out, 100));
        assertEquals(0, ring.drain(out, 100));
        assertEquals(10, out.records.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, out.records.get(i).socket());
        }
        assertTrue(ring.isEmpty());
    }

    @Test
    void wrapsAroundManyTimesWithoutLosingOrder() {
        EventRing ring = new EventRing(4);
        long[] next = {0};
        long[] seen = {0};
        EventRing.Handler check = (type, socket, result, value) -> {
            long seq = seen[0]++;
            assertEquals(seq, value);
            assertEquals((int) (seq & 0xFFFF), type);
            assertEquals((int) seq, socket);
            assertEquals((short) seq, result);
        };
        for (int round = 0; round < 50_000; round++) {
            int batch = 1 + round % 4;
            for (int i = 0; i < batch; i++) {
                long seq = next[0]++;
                assertTrue(ring.offer((int) (seq & 0xFFFF), (int) seq, (short) seq, seq));
            }
            int limit = 1 + (round * 7) % 4;
            assertEquals(Math.min(batch, limit), ring.drain(check, limit));
            assertEquals(batch - Math.min(batch, limit), ring.size());
            assertEquals(batch - Math.min(batch, limit), ring.drain(check, Integer.MAX_VALUE));
            assertTrue(ring.isEmpty());
        }
        assertEquals(next[0], seen[0]);
        assertEquals(125_000, seen[0]); // about 31,000 times round a 4-slot ring
    }

    @Test
    void recordIsConsumedEvenWhenTheHandlerThrows() {
        EventRing ring = new EventRing(4);
        assertTrue(ring.offer(1, 10, 0, 100));
        assertTrue(ring.offer(2, 20, 0, 200));
        assertTrue(ring.offer(3, 30, 0, 300));
        RuntimeException boom = new RuntimeException("boom");
        List<Integer> seen = new ArrayList<>();
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> ring.drain((type, socket, result, value) -> {
            seen.add(type);
            if (type == 2) {
                throw boom;
            }
        }, 10));
        assertSame(boom, thrown);
        assertEquals(List.of(1, 2), seen);
        assertEquals(1, ring.size());
        Collector out = new Collector();
        assertEquals(1, ring.drain(out, 10));
        assertEquals(List.of(new Rec(3, 30, 0, 300)), out.records);
        // all four slots are free again
        for (int i = 0; i < 4; i++) {
            assertTrue(ring.offer(i, i, i, i));
        }
        assertFalse(ring.offer(5, 5, 5, 5));
    }

    @Test
    void flushKeepsRecordsAndRoom() {
        EventRing ring = new EventRing(2);
        ring.flush();
        assertTrue(ring.isEmpty());
        assertTrue(ring.offer(1, 2, 3, 4));
        ring.flush();
        assertEquals(1, ring.size());
        assertTrue(ring.hasRoom());
        Collector out = new Collector();
        assertEquals(1, ring.drain(out, 5));
        assertEquals(List.of(new Rec(1, 2, 3, 4)), out.records);
    }

    @Test
    void twoThreadsDeliverEveryRecordExactlyOnceInOrder() {
        final long count = 2_000_000;
        EventRing ring = new EventRing(64);
        long[] received = {0};
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("event-ring",
            () -> {
                for (long seq = 0; seq < count; seq++) {
                    int type = (int) (seq * 31 & 0xFFFF);
                    int socket = (int) (seq ^ 0x5555_5555L);
                    int result = (short) (seq >>> 3);
                    long value = seq * 0x9E37_79B9_7F4A_7C15L;
                    while (!ring.offer(type, socket, result, value)) {
                        Workers.idle();
                    }
                    if ((seq & 1023) == 0) {
                        ring.flush();
                    }
                }
            },
            () -> {
                EventRing.Handler check = (type, socket, result, value) -> {
                    long seq = received[0];
                    if (type != (int) (seq * 31 & 0xFFFF) || socket != (int) (seq ^ 0x5555_5555L)
                        || result != (short) (seq >>> 3) || value != seq * 0x9E37_79B9_7F4A_7C15L) {
                        throw new AssertionError("record " + seq + " arrived as type=" + type + " socket=" + socket
                            + " result=" + result + " value=" + value);
                    }
                    received[0] = seq + 1;
                };
                int limit = 1;
                while (received[0] < count) {
                    if (ring.drain(check, limit) == 0) {
                        Workers.idle();
                    }
                    limit = limit % 97 + 1; // vary the batch size
                }
            }));
        assertEquals(count, received[0]);
        assertTrue(ring.isEmpty());
        assertEquals(0, ring.drain(new Collector(), Integer.MAX_VALUE));
    }
}
