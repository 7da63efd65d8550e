package io.luanio.collections;

import java.util.Arrays;

/**
 * An open-addressing map from {@code long} to {@code long} with linear probing and
 * backward-shift deletion: no boxing, no entry objects, no tombstones.
 *
 * <p>One value, chosen at construction, stands for "absent" and cannot be stored. Not
 * thread-safe.
 */
public final class LongLongHashMap {
    private final long missingValue;
    private long[] keys;
    private long[] values;
    private boolean[] used;
    private int size;
    private int mask;
    private int resizeAt;

    /**
     * Creates a map.
     *
     * @param initialCapacity expected entries
     * @param missingValue what {@link #get(long)} returns for an absent key
     */
    public LongLongHashMap(int initialCapacity, long missingValue) {
        this.missingValue = missingValue;
        int cap = Integer.highestOneBit(Math.max(8, initialCapacity * 2 - 1)) << 1;
        allocate(cap);
    }

    /** @return the number of entries */
    public int size() {
        return size;
    }

    /** @return the value that stands for "absent" */
    public long missingValue() {
        return missingValue;
    }

    /**
     * Looks a key up.
     *
     * @param key the key
     * @return its value, or the missing value
     */
    public long get(long key) {
        int i = slot(key);
        while (used[i]) {
            if (keys[i] == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return missingValue;
    }

    /**
     * Tells whether a key is present.
     *
     * @param key the key
     * @return true when present
     */
    public boolean containsKey(long key) {
        return get(key) != missingValue;
    }

    /**
     * Associates a value with a key.
     *
     * @param key the key
     * @param value the value; not the missing value
     * @return the previous value, or the missing value
     */
    public long put(long key, long value) {
        if (value == missingValue) {
            throw new IllegalArgumentException("cannot store the missing value: value=" + value);
        }
        int i = slot(key);
        while (used[i]) {
            if (keys[i] == key) {
                long old = values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        if (++size > resizeAt) {
            rehash(keys.length * 2);
        }
        return missingValue;
    }

    /**
     * Removes a key.
     *
     * @param key the key
     * @return its value, or the missing value when it was absent
     */
    public long remove(long key) {
        int i = slot(key);
        while (used[i]) {
            if (keys[i] == key) {
                long old = values[i];
                deleteAt(i);
                size--;
                return old;
            }
            i = (i + 1) & mask;
        }
        return missingValue;
    }

    /** Removes every entry. */
    public void clear() {
        Arrays.fill(used, false);
        size = 0;
    }

    /** Receives the entries of {@link #forEach}. */
    public interface EntryConsumer {
        /**
         * Called once per entry.
         *
         * @param key the key
         * @param value the value
         */
        void accept(long key, long value);
    }

    /**
     * Visits every entry; the map must not change during the visit.
     *
     * @param consumer receives each entry
     */
    public void forEach(EntryConsumer consumer) {
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                consumer.accept(keys[i], values[i]);
            }
        }
    }

    private void deleteAt(int i) {
        // Backward-shift: pull later entries of the probe run into the hole.
        int hole = i;
        int j = i;
        for (;;) {
            j = (j + 1) & mask;
            if (!used[j]) {
                break;
            }
            int home = slot(keys[j]);
            boolean between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!between) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        used[hole] = false;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void allocate(int cap) {
        keys = new long[cap];
        values = new long[cap];
        used = new boolean[cap];
        mask = cap - 1;
        resizeAt = (cap * 2) / 3;
    }

    private void rehash(int cap) {
        long[] oldKeys = keys;
        long[] oldValues = values;
        boolean[] oldUsed = used;
        allocate(cap);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldUsed[i]) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
