package io.luanio.jmh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic behind {@link RatioRunner}'s tables. */
class RatioStatsTest {

    @Test
    void oddRoundsKeepTheOrderEvenRoundsReverseIt() {
        List<String> methods = List.of("luanio", "baseline", "selectorBaseline");
        assertEquals(methods, RatioStats.roundOrder(methods, 1));
        assertEquals(List.of("selectorBaseline", "baseline", "luanio"), RatioStats.roundOrder(methods, 2));
        assertEquals(methods, RatioStats.roundOrder(methods, 3));
        assertEquals(List.of("baseline", "luanio"), RatioStats.roundOrder(List.of("luanio", "baseline"), 4));
        assertThrows(IllegalArgumentException.class, () -> RatioStats.roundOrder(methods, 0));
    }

    @Test
    void roundOrderLeavesItsArgumentAlone() {
        List<String> methods = new java.util.ArrayList<>(List.of("a", "b"));
        RatioStats.roundOrder(methods, 2);
        assertEquals(List.of("a", "b"), methods);
    }

    @Test
    void medianOfOddAndEvenCountsAndUnsortedInput() {
        assertEquals(3.0, RatioStats.median(new double[] {5, 1, 3}));
        assertEquals(2.5, RatioStats.median(new double[] {4, 1, 3, 2}));
        assertEquals(7.0, RatioStats.median(new double[] {7}));
        double[] values = {3, 1, 2};
        RatioStats.median(values);
        assertArrayEquals(new double[] {3, 1, 2}, values, "sorts a copy");
        assertThrows(IllegalArgumentException.class, () -> RatioStats.median(new double[0]));
    }

    @Test
    void ratiosPairScoresByRound() {
        assertArrayEquals(new double[] {2.0, 0.5}, RatioStats.ratios(new double[] {10, 5}, new double[] {5, 10}));
        assertThrows(IllegalArgumentException.class, () -> RatioStats.ratios(new double[] {1}, new double[] {1, 2}));
    }

    @Test
    void summaryIsTheMedianOfPerRoundRatiosNotTheRatioOfMedians() {
        // Rounds drift: 100/50, 300/200, 200/200 -> ratios 2.0, 1.5, 1.0.
        RatioStats.Summary s = RatioStats.summarize(new double[] {100, 300, 200}, new double[] {50, 200, 200});
        assertEquals(1.5, s.medianRatio());
        assertEquals(1.0, s.minRatio());
        assertEquals(2.0, s.maxRatio());
        assertEquals(200.0, s.medianNumerator());
        assertEquals(200.0, s.medianDenominator()); // whose ratio, 1.0, is not the median ratio
    }

    @Test
    void combinationsVaryTheLastParamFastest() {
        Map<String, List<String>> values = new LinkedHashMap<>();
        values.put("connections", List.of("1", "64"));
        values.put("size", List.of("64", "4096"));
        List<Map<String, String>> c = RatioStats.combinations(values);
        assertEquals(List.of(
            Map.of("connections", "1", "size", "64"),
            Map.of("connections", "1", "size", "4096"),
            Map.of("connections", "64", "size", "64"),
            Map.of("connections", "64", "size", "4096")), c);
        assertEquals(List.of("connections", "size"), List.copyOf(c.get(0).keySet()));
    }

    @Test
    void noParamsIsOneEmptyCombination() {
        assertEquals(List.of(Map.of()), RatioStats.combinations(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> RatioStats.combinations(Map.of("size", List.of())));
    }
}
