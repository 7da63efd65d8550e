package io.luanio.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LongLongHashMapTest {
    private static final long MISSING = -1L;

    @Test
    void emptyMapReturnsTheMissingValue() {
        LongLongHashMap map = new LongLongHashMap(4, MISSING);
        assertEquals(0, map.size());
        assertEquals(MISSING, map.missingValue());
        assertEquals(MISSING, map.get(0));
        assertEquals(MISSING, map.get(Long.MIN_VALUE));
        assertFalse(map.containsKey(0));
        assertEquals(MISSING, map.remove(0));
        assertEquals(0, map.size());
    }

    @Test
    void putGetRemoveRoundTrip() {
        LongLongHashMap map = new LongLongHashMap(4, MISSING);
        assertEquals(MISSING, map.put(7, 70));
        assertEquals(70, map.get(7));
        assertTrue(map.containsKey(7));
        assertEquals(1, map.size());
        assertEquals(70, map.put(7, 71));
        assertEquals(71, map.get(7));
        assertEquals(1, map.size());
        assertEquals(71, map.remove(7));
        assertEquals(MISSING, map.get(7));
        assertFalse(map.containsKey(7));
        assertEquals(MISSING, map.remove(7));
        assertEquals(0, map.size());
    }

    @Test
    void extremeKeysAndValuesAreStored() {
        LongLongHashMap map = new LongLongHashMap(4, Long.MIN_VALUE);
        long[] keys = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000_0000L, -0x8000_0000L, 1L << 32};
        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], i % 2 == 0 ? Long.MAX_VALUE - i : -i);
        }
        assertEquals(keys.length, map.size());
        for (int i = 0; i < keys.length; i++) {
            assertEquals(i % 2 == 0 ? Long.MAX_VALUE - i : -i, map.get(keys[i]), "key " + keys[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {-1L, 0L, Long.MIN_VALUE, Long.MAX_VALUE, 42L})
    void theMissingValueCannotBeStoredAndTheMapIsUnchanged(long missing) {
        LongLongHashMap map = new LongLongHashMap(4, missing);
        long other = missing == 42L ? 43L : 42L;
        map.put(1, other);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map.put(1, missing));
        assertTrue(e.getMessage().contains("value=" + missing), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> map.put(2, missing));
        assertEquals(1, map.size());
        assertEquals(other, map.get(1));
        assertEquals(missing, map.get(2));
        assertFalse(map.containsKey(2));
    }

    @Test
    void valuesOtherThanTheMissingValueMayBeZeroOrNegative() {
        LongLongHashMap map = new LongLongHashMap(4, Long.MIN_VALUE);
        map.put(1, 0);
        map.put(2, -1);
        assertTrue(map.containsKey(1));
        assertTrue(map.containsKey(2));
        assertEquals(0, map.get(1));
        assertEquals(-1, map.get(2));
        assertEquals(0, map.remove(1));
        assertEquals(-1, map.remove(2));
    }

    @Test
    void clearRemovesEveryEntryAndTheMapStaysUsable() {
        LongLongHashMap map = new LongLongHashMap(4, MISSING);
        for (long k = 0; k < 1000; k++) {
            map.put(k, k * 2);
        }
        map.clear();
        assertEquals(0, map.size());
        for (long k = 0; k < 1000; k++) {
            assertEquals(MISSING, map.get(k));
        }
        int[] visits = {0};
        map.forEach((k, v) -> visits[0]++);
        assertEquals(0, visits[0]);
        map.put(5, 50);
        assertEquals(1, map.size());
        assertEquals(50, map.get(5));
    }

    @Test
    void forEachVisitsEveryEntryOnce() {
        LongLongHashMap map = new LongLongHashMap(2, MISSING);
        Map<Long, Long> expected = new HashMap<>();
        Random rnd = new Random(0xC011_0001L);
        for (int i = 0; i < 5000; i++) {
            long k = rnd.nextLong();
            long v = rnd.nextInt(1 << 30);
            map.put(k, v);
            expected.put(k, v);
        }
        for (int i = 0; i < 1000; i++) {
            long k = expected.keySet().iterator().next();
            map.remove(k);
            expected.remove(k);
        }
        Map<Long, Long> seen = new HashMap<>();
        map.forEach((k, v) -> assertTrue(seen.put(k, v) == null, "key visited twice: " + k));
        assertEquals(expected, seen);
    }

    @Test
    void growsFromATinyInitialCapacity() {
        LongLongHashMap map = new LongLongHashMap(1, MISSING);
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            assertEquals(MISSING, map.put(i * 7919L, i));
            assertEquals(i + 1, map.size());
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, map.get(i * 7919L));
        }
        for (int i = 0; i < n; i += 2) {
            assertEquals(i, map.remove(i * 7919L));
        }
        assertEquals(n / 2, map.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i % 2 == 0 ? MISSING : i, map.get(i * 7919L));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-5, 0, 1, 3, 1000})
    void anyInitialCapacityWorks(int initialCapacity) {
        LongLongHashMap map = new LongLongHashMap(initialCapacity, MISSING);
        for (long k = 0; k < 100; k++) {
            map.put(k, k);
        }
        assertEquals(100, map.size());
        for (long k = 0; k < 100; k++) {
            assertEquals(k, map.get(k));
        }
    }

    /**
     * A million random operations checked against {@link HashMap}; keys come from a small
     * range so probe runs are long and removals shift entries inside them.
     */
    @ParameterizedTest
    @CsvSource({"12, 8", "100, 8", "3000, 64", "0, 16"})
    void randomOperationsAgreeWithHashMap(int keyRange, int initialCapacity) {
        Random rnd = new Random(0xC011_0002L + keyRange);
        LongLongHashMap map = new LongLongHashMap(initialCapacity, MISSING);
        Map<Long, Long> oracle = new HashMap<>();
        for (int op = 0; op < 1_000_000; op++) {
            long key = keyRange == 0 ? wideKey(rnd) : rnd.nextInt(keyRange) * 0x1_0000_0001L - keyRange / 2;
            int choice = rnd.nextInt(100);
            if (choice < 45) {
                long value = rnd.nextLong();
                if (value == MISSING) {
                    value = 0;
                }
                Long old = oracle.put(key, value);
                assertEquals(old == null ? MISSING : old, map.put(key, value), "put op " + op);
            } else if (choice < 80) {
                Long old = oracle.remove(key);
                assertEquals(old == null ? MISSING : old, map.remove(key), "remove op " + op);
            } else if (choice < 90) {
                Long v = oracle.get(key);
                assertEquals(v == null ? MISSING : v, map.get(key), "get op " + op);
            } else if (choice < 99) {
                assertEquals(oracle.containsKey(key), map.containsKey(key), "containsKey op " + op);
            } else if (rnd.nextInt(1000) == 0) {
                oracle.clear();
                map.clear();
            }
            assertEquals(oracle.size(), map.size(), "size after op " + op);
            if (op % 100_000 == 0) {
                Map<Long, Long> content = new HashMap<>();
                map.forEach((k, v) -> assertTrue(content.put(k, v) == null, "key visited twice: " + k));
                assertEquals(oracle, content, "content after op " + op);
            }
        }
        for (Map.Entry<Long, Long> e : oracle.entrySet()) {
            assertEquals(e.getValue().longValue(), map.get(e.getKey()));
        }
    }

    /** Keys from all over the range, with some extremes, and some repeats so there are hits. */
    private static long wideKey(Random rnd) {
        switch (rnd.nextInt(8)) {
            case 0:
                return Long.MIN_VALUE + rnd.nextInt(4);
            case 1:
                return Long.MAX_VALUE - rnd.nextInt(4);
            case 2:
            case 3:
                return rnd.nextLong();
            default:
                return (long) rnd.nextInt(5000) << 20;
        }
    }
}
