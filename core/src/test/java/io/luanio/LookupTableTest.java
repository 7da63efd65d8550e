package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The owner-side table of unclaimed lookups, against a HashMap under random puts and removes. */
class LookupTableTest {
    @Test
    void agreesWithAHashMap() {
        SplittableRandom random = new SplittableRandom(7);
        LookupTable table = new LookupTable();
        Map<Integer, Command.Lookup> reference = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            int key = random.nextInt(random.nextBoolean() ? 64 : 5000); // dense and sparse keys, long probe runs
            if (random.nextInt(3) == 0) {
                assertSame(reference.remove(key), table.remove(key), "remove " + key);
            } else {
                Command.Lookup value = new Command.Lookup(null, key, "n", 0);
                reference.put(key, value);
                table.put(key, value);
            }
            assertEquals(reference.size(), table.size());
            int probe = random.nextInt(5000);
            assertSame(reference.get(probe), table.get(probe), "get " + probe);
        }
        for (Map.Entry<Integer, Command.Lookup> e : reference.entrySet()) {
            assertSame(e.getValue(), table.get(e.getKey()));
        }
    }
}
