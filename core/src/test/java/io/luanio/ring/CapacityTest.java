package io.luanio.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CapacityTest {
    @ParameterizedTest
    @CsvSource({"1,1", "2,2", "3,4", "4,4", "5,8", "7,8", "8,8", "9,16", "1000,1024", "1024,1024", "1025,2048",
        "536870911,536870912", "536870912,536870912", "536870913,1073741824", "1073741824,1073741824"})
    void roundsUpToTheNextPowerOfTwo(int value, int expected) {
        assertEquals(expected, Capacity.roundToPowerOfTwo(value));
    }

    @Test
    void resultIsTheSmallestPowerOfTwoNotBelowTheValue() {
        for (int value = 1; value <= 70_000; value++) {
            int p = Capacity.roundToPowerOfTwo(value);
            assertEquals(1, Integer.bitCount(p), "value=" + value);
            assertTrue(p >= value && p / 2 < value, "value=" + value + " p=" + p);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, (1 << 30) + 1, Integer.MAX_VALUE})
    void rejectsValuesOutsideOneToTwoToTheThirty(int value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Capacity.roundToPowerOfTwo(value));
        assertTrue(e.getMessage().contains("value=" + value), e.getMessage());
    }
}
