package io.luanio;

import java.util.Arrays;

/**
 * A context's lookups whose result its owner has not taken yet, by lookup id: an
 * open-addressing map from int to {@link Command.Lookup} (linear probing, backward-shift
 * deletion), so a lookup boxes nothing. Owner thread only.
 */
final class LookupTable {
    private int[] keys = new int[16];
    private Command.Lookup[] values = new Command.Lookup[16];
    private int size;

    int size() {
        return size;
    }

    Command.Lookup get(int key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
        }
        return null;
    }

    void put(int key, Command.Lookup value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (values[i] != null) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    Command.Lookup remove(int key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (values[i] != null && keys[i] != key) {
            i = (i + 1) & mask;
        }
        Command.Lookup removed = values[i];
        if (removed == null) {
            return null;
        }
        values[i] = null;
        size--;
        // Backward shift: move later entries of the probe run into the gap.
        int gap = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = mix(keys[j]) & mask;
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                keys[gap] = keys[j];
                values[gap] = values[j];
                values[j] = null;
                gap = j;
            }
        }
        return removed;
    }

    private void grow() {
        int[] oldKeys = keys;
        Command.Lookup[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Command.Lookup[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
        Arrays.fill(oldValues, null);
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
