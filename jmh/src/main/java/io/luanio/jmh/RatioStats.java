package io.luanio.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure arithmetic of {@link RatioRunner}, kept apart from JMH so it can be tested
 * without running a benchmark: the order of the methods in a round, the parameter
 * combinations, and the median, minimum and maximum of the per-round ratios.
 */
final class RatioStats {
    private RatioStats() {
    }

    /**
     * The order in which one round runs its methods: as given in odd rounds, reversed in
     * even rounds, so over two rounds each method runs once in the earlier and once in the
     * later time window, and a slow drift of the machine does not always favour one side.
     *
     * @param methods the numerator first, then the baselines
     * @param round the round, from 1
     * @return a new list, the methods in the order to run them
     */
    static List<String> roundOrder(List<String> methods, int round) {
        if (round < 1) {
            throw new IllegalArgumentException("round " + round + " < 1");
        }
        List<String> order = new ArrayList<>(methods);
        if (round % 2 == 0) {
            Collections.reverse(order);
        }
        return order;
    }

    /**
     * Every combination of parameter values, the first parameter varying slowest (the
     * order JMH lists them in).
     *
     * @param values each parameter's values, in order; every list non-empty
     * @return one map per combination, each in the parameters' order; one empty map if
     *     there are no parameters
     */
    static List<Map<String, String>> combinations(Map<String, List<String>> values) {
        List<Map<String, String>> result = new ArrayList<>();
        result.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("no values for " + e.getKey());
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : result) {
                for (String v : e.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            }
            result = next;
        }
        return result;
    }

    /**
     * The median: the middle value, or the mean of the two middle values of an even count.
     *
     * @param values at least one value
     * @return the median
     */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of nothing");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * Each round's ratio {@code numerator[i] / denominator[i]}: scores are paired by
     * round, never across rounds, since each pair shares a time window.
     *
     * @param numerator the numerator's score in each round
     * @param denominator the denominator's score in each round, as many
     * @return the ratios, one per round
     */
    static double[] ratios(double[] numerator, double[] denominator) {
        if (numerator.length != denominator.length) {
            throw new IllegalArgumentException(numerator.length + " numerators, " + denominator.length + " denominators");
        }
        double[] r = new double[numerator.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = numerator[i] / denominator[i];
        }
        return r;
    }

    /**
     * Summarizes one numerator against one denominator over all rounds.
     *
     * @param numerator the numerator's score in each round
     * @param denominator the denominator's score in each round, as many, at least one
     * @return the median, minimum and maximum of the per-round ratios and each side's
     *     median score
     */
    static Summary summarize(double[] numerator, double[] denominator) {
        double[] r = ratios(numerator, denominator);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : r) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return new Summary(median(r), min, max, median(numerator), median(denominator));
    }

    /**
     * One numerator against one denominator over all rounds.
     *
     * @param medianRatio the median of the per-round ratios (not the ratio of the medians)
     * @param minRatio the smallest per-round ratio
     * @param maxRatio the largest per-round ratio
     * @param medianNumerator the numerator's median score
     * @param medianDenominator the denominator's median score
     */
    record Summary(double medianRatio, double minRatio, double maxRatio, double medianNumerator,
                   double medianDenominator) {
    }
}
