package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Security defaults (issue 9): DNS query ids and source ports are random, measured over
 * 1,000 queries to a recording server. Ids should look like 1,000 draws from 65,536 values,
 * ports like draws from the dynamic range 49152-65535 (RFC 6056; the kernel picks after
 * three taken ports). The bounds are far in the tails (p below 1e-5 for a fair generator),
 * so the test does not flake, but a counter, a fixed port or a weak generator fails it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueryRandomnessTest {
    private static final int QUERIES = 1000;
    /** Chi-square, 15 degrees of freedom: P(X > 60) is 2.5e-7. */
    private static final double CHI_SQUARE_LIMIT = 60;

    @Test
    void aThousandQueriesHaveRandomIdsAndSourcePorts() throws Exception {
        ResolverConfig config;
        try (FakeDnsServer dns = FakeDnsServer.answering("192.0.2.1", null)) {
            config = new ResolverConfig().servers(dns.address()).timeoutMs(3000).attempts(1).reloadIntervalMs(0);
            try (Lookups l = new Lookups(config)) {
                for (int batch = 0; batch < QUERIES; batch += 50) {
                    List<Integer> ids = new ArrayList<>();
                    for (int i = batch; i < batch + 50; i++) {
                        ids.add(l.start("q" + i + ".random.example", LookupResult.FAMILY_IPV4));
                    }
                    for (int id : ids) {
                        assertTrue(l.await(id).ok());
                    }
                }
            }
            assertEquals(QUERIES, dns.queries.size(), "one query per distinct name");
            int[] ids = dns.queries.stream().mapToInt(FakeDnsServer.Query::id).toArray();
            int[] ports = dns.queries.stream().mapToInt(FakeDnsServer.Query::port).toArray();

            int distinctIds = distinct(ids);
            int distinctPorts = distinct(ports);
            // Expected repeats: n^2/2N = 7.6 for ids, 30.5 for 16,384 ports.
            assertTrue(distinctIds >= 975, "ids repeat too often: " + distinctIds + " distinct of " + QUERIES);
            assertTrue(distinctPorts >= 930, "ports repeat too often: " + distinctPorts + " distinct of " + QUERIES);

            double idChi = chiSquare(ids, 0, 65536);
            int inRange = 0;
            for (int p : ports) {
                if (p >= 49152 && p <= 65535) {
                    inRange++;
                }
            }
            assertTrue(inRange >= QUERIES * 99 / 100, "source ports outside 49152-65535: " + (QUERIES - inRange));
            double portChi = chiSquare(ports, 49152, 16384);
            assertTrue(idChi < CHI_SQUARE_LIMIT, "ids are not spread evenly: chi-square " + idChi);
            assertTrue(portChi < CHI_SQUARE_LIMIT, "ports are not spread evenly: chi-square " + portChi);

            int[] bitCounts = new int[16];
            for (int id : ids) {
                for (int b = 0; b < 16; b++) {
                    bitCounts[b] += (id >>> b) & 1;
                }
            }
            int worstBit = 0;
            for (int c : bitCounts) {
                worstBit = Math.max(worstBit, Math.abs(c - QUERIES / 2));
            }
            assertTrue(worstBit < 95, "an id bit is stuck: off by " + worstBit + " of 500 (6 sigma is 95)");

            int nearSuccessors = 0;
            for (int i = 1; i < ids.length; i++) {
                if (Math.abs(ids[i] - ids[i - 1]) <= 16 || Math.abs(ports[i] - ports[i - 1]) <= 16) {
                    nearSuccessors++; // a counter or a stride puts most pairs here; chance: about 2.5
                }
            }
            assertTrue(nearSuccessors < 15, "ids or ports follow each other: " + nearSuccessors + " near pairs");
            double idCorrelation = serialCorrelation(ids);
            double portCorrelation = serialCorrelation(ports);
            assertTrue(Math.abs(idCorrelation) < 0.15 && Math.abs(portCorrelation) < 0.15,
                "serial correlation: ids " + idCorrelation + ", ports " + portCorrelation);

            System.out.println(String.format(Locale.ROOT, "[reliability] QueryRandomnessTest: %d queries: %d distinct ids"
                    + " (fair: ~992), %d distinct source ports (fair: ~970), %d ports in 49152-65535; chi-square over 16"
                    + " buckets: ids %.1f, ports %.1f (df 15, mean 15, limit %.0f); worst id bit %d off 500; near successors %d;"
                    + " serial correlation ids %.3f, ports %.3f; port range seen %d-%d",
                QUERIES, distinctIds, distinctPorts, inRange, idChi, portChi, CHI_SQUARE_LIMIT, worstBit, nearSuccessors,
                idCorrelation, portCorrelation, min(ports), max(ports)));
        }
    }

    private static int distinct(int[] values) {
        HashSet<Integer> set = new HashSet<>();
        for (int v : values) {
            set.add(v);
        }
        return set.size();
    }

    /** Pearson's chi-square of the values over 16 equal buckets of [base, base + span). */
    private static double chiSquare(int[] values, int base, int span) {
        int[] buckets = new int[16];
        int counted = 0;
        for (int v : values) {
            int at = v - base;
            if (at >= 0 && at < span) {
                buckets[at / (span / 16)]++;
                counted++;
            }
        }
        double expected = counted / 16.0;
        double chi = 0;
        for (int b : buckets) {
            chi += (b - expected) * (b - expected) / expected;
        }
        return chi;
    }

    private static double serialCorrelation(int[] v) {
        double mean = 0;
        for (int x : v) {
            mean += x;
        }
        mean /= v.length;
        double num = 0;
        double den = 0;
        for (int i = 0; i < v.length; i++) {
            den += (v[i] - mean) * (v[i] - mean);
            if (i > 0) {
                num += (v[i] - mean) * (v[i - 1] - mean);
            }
        }
        return num / den;
    }

    private static int min(int[] v) {
        int m = Integer.MAX_VALUE;
        for (int x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static int max(int[] v) {
        int m = Integer.MIN_VALUE;
        for (int x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
