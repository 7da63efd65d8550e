package io.luanio.jmh.dns;

import io.luanio.Context;
import io.luanio.EventHandler;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import io.luanio.dns.LookupResult;
import io.luanio.dns.ResolverConfig;
import io.luanio.jmh.BenchmarkBase;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How many cached lookups per second does a caller get through {@code Context.lookup},
 * next to the JDK's own address cache and a plain map?
 *
 * <ul>
 * <li>{@code luanio}: {@value #BATCH} lookups of a name already in the resolver's cache
 *     (both families), then {@code poll} until their {@value #BATCH} {@code LOOKUP_CNF}
 *     events arrived and {@code lookupResult} took each result. Every lookup crosses to the
 *     loop thread (command queue) and back (event ring): this is the cost a caller pays,
 *     not just the cache's.</li>
 * <li>{@code jdk}: {@code InetAddress.getAllByName("localhost")} on the benchmark thread,
 *     answered by the JDK's own cache after the first call (its positive TTL is 30 s by
 *     default, so an occasional operation re-resolves through the platform).</li>
 * <li>{@code map}: {@code HashMap.get} of the same name: the floor of any cache lookup,
 *     with no thread crossing and no expiry check.</li>
 * </ul>
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar CachedLookupBenchmark -prof gc
 * </pre>
 */
public class CachedLookupBenchmark extends BenchmarkBase {
    /** Lookups per luanio invocation (they are pipelined, as a busy caller's would be). */
    static final int BATCH = 64;
    private static final String NAME = "cached.bench.example";
    private static final int TIMEOUT_MS = 10_000;

    /** Creates the benchmark (JMH does). */
    public CachedLookupBenchmark() {
    }

    /**
     * luanio: a batch of cached lookups through the Java API.
     *
     * @param client the loop and context
     * @return addresses seen (against dead-code elimination)
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int luanio(LuanioClient client) {
        return client.batch();
    }

    /**
     * The JDK's cache.
     *
     * @return addresses
     * @throws UnknownHostException never (localhost)
     */
    @Benchmark
    public int jdk() throws UnknownHostException {
        return InetAddress.getAllByName("localhost").length;
    }

    /**
     * A plain map.
     *
     * @param map the map
     * @return addresses
     */
    @Benchmark
    public int map(MapCache map) {
        return map.cache.get(map.name).length;
    }

    /** A map holding the name, and the key as a fresh string per trial. */
    @State(Scope.Thread)
    public static class MapCache {
        final Map<String, InetAddress[]> cache = new HashMap<>();
        String name;

        /** Creates the state (JMH does). */
        public MapCache() {
        }

        /**
         * Fills the map.
         *
         * @throws UnknownHostException never
         */
        @Setup(Level.Trial)
        public void fill() throws UnknownHostException {
            cache.put(NAME, new InetAddress[] {InetAddress.getByName("192.0.2.1"), InetAddress.getByName("2001:db8::1")});
            name = new String(NAME.toCharArray());
        }
    }

    /** One loop whose resolver asks a {@link TinyDnsServer}; the name is cached in setup. */
    @State(Scope.Thread)
    public static class LuanioClient {
        private final int[] ids = new int[BATCH];
        private final EventHandler onEvent = this::onEvent;
        private TinyDnsServer server;
        private EventLoop loop;
        private Context ctx;
        private int answered;
        private int addresses;
        private int unexpected = -1;
        private LookupResult last;

        /** Creates the state (JMH does). */
        public LuanioClient() {
        }

        /**
         * Starts the server and the loop, and caches the name with one lookup.
         *
         * @throws Exception when the setup fails
         */
        @Setup(Level.Trial)
        public void start() throws Exception {
            server = new TinyDnsServer();
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop")
                .resolver(new ResolverConfig().servers("127.0.0.1:" + server.port()).reloadIntervalMs(0)));
            ctx = loop.newContext();
            LookupResult first = lookupOnce();
            if (first == null || first.addresses().size() != 2) {
                throw new IllegalStateException("setup lookup failed: " + first);
            }
            LookupResult second = lookupOnce();
            if (second == null || !second.fromCache()) {
                throw new IllegalStateException("the second lookup did not come from the cache: " + second);
            }
        }

        private LookupResult lookupOnce() {
            int id = ctx.lookup(NAME);
            answered = 0;
            last = null;
            while (answered < 1) {
                if (ctx.poll(onEvent, 1, TIMEOUT_MS) <= 0) {
                    throw new IllegalStateException("no answer from the tiny DNS server: id=" + id);
                }
            }
            return last;
        }

        /**
         * Stops the loop and the server.
         *
         * @throws InterruptedException when interrupted
         */
        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            loop.close();
            server.close();
        }

        int batch() {
            for (int i = 0; i < BATCH; i++) {
                ids[i] = ctx.lookup(NAME);
            }
            answered = 0;
            addresses = 0;
            while (answered < BATCH) {
                int n = ctx.poll(onEvent, BATCH, TIMEOUT_MS);
                if (n <= 0 || unexpected >= 0) {
                    throw new IllegalStateException("lookups stuck: answered=" + answered + ", unexpected=" + unexpected
                        + ", lastError=" + ctx.lastError());
                }
            }
            return addresses;
        }

        private void onEvent(int type, int socket, int result, long value) {
            if (type == EventType.LOOKUP_CNF && result == 0) {
                LookupResult r = ctx.lookupResult(socket);
                addresses += r.addresses().size();
                last = r;
                answered++;
            } else if (unexpected < 0) {
                unexpected = type;
            }
        }
    }
}
