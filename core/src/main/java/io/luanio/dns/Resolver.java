package io.luanio.dns;

import io.luanio.timer.TimerHeap;
import java.io.File;
import java.io.IOException;
import java.net.IDN;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The resolver that runs inside an event loop: every query, timer and cache access happens
 * on the loop thread, which it never blocks. Applications do not use this class: they
 * call {@code Context.lookup} or connect to a host name; the loop owns one resolver and
 * feeds it through {@link Host} (its selector, its timers, its command queue).
 *
 * <h2>A lookup, in order</h2>
 * <ol>
 * <li>An IP literal is its own answer.</li>
 * <li>The name is normalised: a trailing dot means "no search list"; case is folded;
 *     non-ASCII names go through IDNA ({@link IDN#toASCII(String)}); a name that is not a
 *     valid host name fails with {@link LookupResult#INVALID_NAME}.</li>
 * <li>The hosts file answers for every name it lists (NODATA when it has no address of
 *     the asked family: such a name never goes to DNS, as with glibc's {@code files dns}).</li>
 * <li>RFC 6761: {@code localhost} and {@code *.localhost}, when the hosts file does not
 *     list them, are loopback (127.0.0.1 and ::1) and never reach a DNS server;
 *     {@code *.invalid} does not exist (NXDOMAIN).</li>
 * <li>In the platform mode ({@link ResolverConfig#platform()}, or no resolv.conf) the
 *     name goes to {@link PlatformLookup}, off the loop.</li>
 * <li>Else the cache, then DNS ({@link NameLookup}, {@link Exchange}): A and AAAA over
 *     UDP, TCP when truncated, through the search list, following CNAME chains. Identical
 *     questions in flight at the same time share one exchange; at most
 *     {@link ResolverConfig#maxPendingQueries(int)} exchanges are in flight.</li>
 * </ol>
 *
 * <h2>Randomness</h2>
 * Query ids and source ports come from a {@link SecureRandom} created and seeded in the
 * constructor (on the thread that starts the loop, so seeding never blocks the loop) and
 * read in batches of 512 bytes; afterwards it is the platform's non-blocking source.
 *
 * <h2>Files</h2>
 * The loop never touches the file system: resolv.conf and the hosts file are read in the
 * constructor, and later re-read by a pool thread when a lookup notices that
 * {@link ResolverConfig#reloadIntervalMs(long)} has passed and a file's modification time
 * or size changed; the parsed result comes back through the command queue. A changed
 * resolv.conf also empties the cache.
 */
public final class Resolver {
    /** What the resolver needs from its loop. Every method is called on the loop thread unless noted. */
    public interface Host {
        /** @return the loop's current selector (it may be rebuilt; registrations are moved) */
        Selector selector();

        /** @return the loop's clock, {@link System#nanoTime()} read once per turn */
        long nowNs();

        /**
         * Schedules a timer that calls {@link Resolver#onTimer} with these values.
         *
         * @param deadlineNs when, in {@link System#nanoTime()} units
         * @param target passed back
         * @param payload passed back
         * @return the timer's handle
         */
        long schedule(long deadlineNs, int target, long payload);

        /**
         * Cancels a timer.
         *
         * @param handle its handle (stale ones are ignored)
         */
        void cancel(long handle);

        /**
         * Runs a task on the loop thread soon. Any thread may call it.
         *
         * @param task the task
         * @return false when the loop has stopped (the task will not run)
         */
        boolean execute(Runnable task);

        /**
         * Reports an unexpected failure (a bug).
         *
         * @param error what went wrong
         */
        void report(Throwable error);

        /** @return a name prefix for the resolver's pool threads */
        String threadName();
    }

    /** Receives the result of one lookup, on the loop thread, exactly once. */
    public interface Callback {
        /**
         * The lookup finished.
         *
         * @param result its result
         */
        void onLookup(LookupResult result);
    }

    private static final InetAddress ANY_V4 = address(new byte[4]);
    private static final InetAddress ANY_V6 = address(new byte[16]);
    private static final InetAddress LOOPBACK_V4 = address(new byte[] {127, 0, 0, 1});
    private static final InetAddress LOOPBACK_V6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    private static final int PORT_BASE = 49152;   // IANA dynamic ports: 49152..65535
    private static final int PORT_TRIES = 3;

    final Host host;
    final DnsCache cache;
    private ResolverConfig config;
    private InetSocketAddress[] servers;
    private String[] search;
    private int ndots;
    long timeoutNs;
    private int attempts;
    private boolean rotate;
    int ednsUdpSize;
    private long maxTtlSeconds;
    private long maxNegativeTtlSeconds;
    private boolean platform;
    long platformTimeoutMs;
    private final int maxPending;
    private final long reloadIntervalNs;
    private HostsFile hosts = HostsFile.EMPTY;

    private final Map<String, Exchange> inflightA = new HashMap<>();
    private final Map<String, Exchange> inflightAaaa = new HashMap<>();
    private Timed[] table = new Timed[64];
    private int[] freeIndexes = new int[64];
    private int freeCount;
    private int tableHigh;
    private int serials;
    private int pending;
    private int rotation;

    private final SecureRandom random;
    private final byte[] entropy = new byte[512];
    private int entropyPos;

    final byte[] rxBytes = new byte[65536];
    final ByteBuffer rx = ByteBuffer.wrap(rxBytes);
    long ignoredResponses;

    private ThreadPoolExecutor pool;
    private final AtomicInteger threadCount = new AtomicInteger();
    private long nextReloadNs;
    private boolean reloadRunning;
    // Written by the constructor, then by one reload task at a time (each handed over
    // through the pool's queue and the loop's command queue).
    private volatile long resolvStamp;
    private volatile long hostsStamp;
    private boolean closed;

    /**
     * Creates a resolver: reads the hosts file, seeds the random generator. Call it off the
     * loop thread (the loop's constructor does).
     *
     * @param config the settings (validated and copied)
     * @param host the loop
     */
    public Resolver(ResolverConfig config, Host host) {
        this.host = host;
        ResolverConfig copy = new ResolverConfig(config).validate();
        this.cache = new DnsCache(copy.cacheMaxEntries);
        this.maxPending = copy.maxPendingQueries;
        this.reloadIntervalNs = TimeUnit.MILLISECONDS.toNanos(copy.reloadIntervalMs);
        apply(copy);
        if (copy.resolvConf != null) {
            resolvStamp = stamp(copy.resolvConf);
        }
        if (copy.hostsFile != null) {
            hostsStamp = stamp(copy.hostsFile);
            String text = ResolverConfig.readFile(copy.hostsFile);
            hosts = text == null ? HostsFile.EMPTY : HostsFile.parse(text);
        }
        this.random = new SecureRandom();
        random.nextBytes(entropy); // seeds now, on this thread
        this.nextReloadNs = System.nanoTime() + reloadIntervalNs;
    }

    private void apply(ResolverConfig c) {
        this.config = c;
        this.servers = c.servers.toArray(new InetSocketAddress[0]);
        this.search = c.search.toArray(new String[0]);
        this.ndots = c.ndots;
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(c.timeoutMs);
        this.attempts = c.attempts;
        this.rotate = c.rotate;
        this.ednsUdpSize = c.ednsUdpSize;
        this.maxTtlSeconds = c.maxTtlSeconds;
        this.maxNegativeTtlSeconds = c.maxNegativeTtlSeconds;
        this.platform = c.platform;
        this.platformTimeoutMs = c.timeoutMs * c.attempts;
    }

    // ------------------------------------------------------------------ lookups

    /**
     * Resolves a name. The callback runs exactly once, on the loop thread: at once (literal,
     * hosts, cache, bad name) or later.
     *
     * @param name a host name or IP literal
     * @param family {@link LookupResult#FAMILY_ANY}, {@link LookupResult#FAMILY_IPV4} or
     *     {@link LookupResult#FAMILY_IPV6}
     * @param callback receives the result
     */
    public void lookup(String name, int family, Callback callback) {
        if (family != LookupResult.FAMILY_ANY && family != LookupResult.FAMILY_IPV4 && family != LookupResult.FAMILY_IPV6) {
            throw new IllegalArgumentException("family must be 0 (any), 4 or 6: family=" + family);
        }
        if (name == null || name.isEmpty()) {
            deliver(callback, LookupResult.failure(String.valueOf(name), family, LookupResult.INVALID_NAME, "empty name"));
            return;
        }
        if (closed) {
            deliver(callback, LookupResult.failure(name, family, LookupResult.CLOSED, null));
            return;
        }
        maybeReload();
        InetAddress literal = IpLiterals.parse(name);
        if (literal != null) {
            deliver(callback, literalResult(name, family, literal));
            return;
        }
        boolean absolute = name.charAt(name.length() - 1) == '.';
        String key = HostsFile.key(name);
        if (!isAscii(key)) {
            try {
                key = IDN.toASCII(key).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                deliver(callback, LookupResult.failure(name, family, LookupResult.INVALID_NAME, "IDNA: " + e.getMessage()));
                return;
            }
        }
        String why = DnsCodec.checkName(key);
        if (why != null) {
            deliver(callback, LookupResult.failure(name, family, LookupResult.INVALID_NAME, why));
            return;
        }
        HostsFile.Entry entry = hosts.get(key);
        if (entry != null) {
            // The hosts file speaks for its names (glibc's "files" before "dns"): a name it
            // lists never goes to DNS, also for a family it has no address of.
            LookupResult local = entry.result(family);
            deliver(callback, local != null ? local : LookupResult.negative(key, family, LookupResult.NODATA,
                LookupResult.SOURCE_HOSTS, "the hosts file lists it without such an address", 0));
            return;
        }
        LookupResult special = specialUse(key, family);
        if (special != null) {
            deliver(callback, special);
            return;
        }
        if (platform) {
            platformLookup(key, family, callback);
            return;
        }
        if (absolute || search.length == 0 || dots(key) >= ndots) {
            LookupResult cached = cache.get(key, family, host.nowNs());
            if (cached != null) {
                deliver(callback, cached);
                return;
            }
        }
        new NameLookup(this, name, key, family, candidates(key, absolute), callback).start();
    }

    private static LookupResult literalResult(String name, int family, InetAddress literal) {
        boolean v4 = literal instanceof Inet4Address;
        if (family == LookupResult.FAMILY_ANY || (family == LookupResult.FAMILY_IPV4) == v4) {
            return LookupResult.success(name, family, LookupResult.SOURCE_LITERAL, new InetAddress[] {literal}, name, 0);
        }
        return LookupResult.negative(name, family, LookupResult.NODATA, LookupResult.SOURCE_LITERAL,
            v4 ? "an IPv4 literal" : "an IPv6 literal", 0);
    }

    /** RFC 6761 section 6.3 and 6.4: localhost names are loopback, .invalid names do not exist. */
    private static LookupResult specialUse(String key, int family) {
        if (key.equals("localhost") || key.endsWith(".localhost")) {
            InetAddress[] loopback = family == LookupResult.FAMILY_IPV4 ? new InetAddress[] {LOOPBACK_V4}
                : family == LookupResult.FAMILY_IPV6 ? new InetAddress[] {LOOPBACK_V6}
                : new InetAddress[] {LOOPBACK_V4, LOOPBACK_V6};
            return LookupResult.success(key, family, LookupResult.SOURCE_HOSTS, loopback, key, 0);
        }
        if (key.equals("invalid") || key.endsWith(".invalid")) {
            return LookupResult.negative(key, family, LookupResult.NXDOMAIN, LookupResult.SOURCE_HOSTS,
                "a special-use name, RFC 6761", 0);
        }
        return null;
    }

    /** The names to try, in order (resolv.conf(5): ndots and search). */
    private String[] candidates(String key, boolean absolute) {
        if (absolute || search.length == 0) {
            return new String[] {key};
        }
        List<String> out = new ArrayList<>(search.length + 1);
        boolean asIsFirst = dots(key) >= ndots;
        if (asIsFirst) {
            out.add(key);
        }
        for (String domain : search) {
            String candidate = key + "." + domain;
            if (candidate.length() <= DnsCodec.MAX_TEXT_NAME) {
                out.add(candidate);
            }
        }
        if (!asIsFirst) {
            out.add(key);
        }
        return out.toArray(new String[0]);
    }

    private static int dots(String key) {
        int n = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '.') {
                n++;
            }
        }
        return n;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    void deliver(Callback callback, LookupResult result) {
        try {
            callback.onLookup(result);
        } catch (RuntimeException e) {
            host.report(e);
        }
    }

    // ------------------------------------------------------------------ exchanges

    /** Asks one question: joins an identical one in flight, or starts an exchange (the waiter may be answered at once). */
    void ask(String name, int qtype, Exchange.Waiter waiter) {
        Map<String, Exchange> inflight = qtype == DnsCodec.TYPE_A ? inflightA : inflightAaaa;
        Exchange exchange = inflight.get(name);
        if (exchange != null) {
            exchange.waiters.add(waiter);
            return;
        }
        int family = qtype == DnsCodec.TYPE_A ? LookupResult.FAMILY_IPV4 : LookupResult.FAMILY_IPV6;
        if (closed) {
            waiter.onAnswer(qtype, LookupResult.failure(name, family, LookupResult.CLOSED, null), null);
            return;
        }
        if (pending >= maxPending) {
            waiter.onAnswer(qtype, LookupResult.failure(name, family, LookupResult.OVERLOADED,
                "maxPendingQueries=" + maxPending), null);
            return;
        }
        int first = rotate ? (rotation++ & Integer.MAX_VALUE) % servers.length : 0;
        exchange = new Exchange(this, name, qtype, servers, first, attempts, ednsUdpSize > 0);
        register(exchange);
        inflight.put(name, exchange);
        exchange.waiters.add(waiter);
        exchange.start();
    }

    /** An exchange finished: cache what can be cached, then answer every waiter. */
    void exchangeDone(Exchange exchange, DnsAnswer answer) {
        if (exchange.index < 0) {
            return;
        }
        release(exchange);
        (exchange.qtype == DnsCodec.TYPE_A ? inflightA : inflightAaaa).remove(exchange.name);
        int family = exchange.family();
        long now = host.nowNs();
        LookupResult result;
        switch (answer.status) {
            case DnsAnswer.FOLLOW:
                result = null;
                break;
            case LookupResult.OK: {
                long ttl = Math.min(answer.ttlSeconds, maxTtlSeconds);
                long expires = now + TimeUnit.SECONDS.toNanos(ttl);
                result = LookupResult.success(exchange.name, family, LookupResult.SOURCE_DNS, answer.addresses, answer.name,
                    expires);
                if (ttl > 0) {
                    cache.put(exchange.name, family, result.withSource(LookupResult.SOURCE_CACHE, expires));
                }
                break;
            }
            case LookupResult.NXDOMAIN:
            case LookupResult.NODATA: {
                long ttl = Math.min(answer.ttlSeconds, maxNegativeTtlSeconds);
                long expires = now + TimeUnit.SECONDS.toNanos(Math.max(0, ttl));
                result = LookupResult.negative(exchange.name, family, answer.status, LookupResult.SOURCE_DNS, answer.detail,
                    expires);
                if (ttl > 0) {
                    cache.put(exchange.name, family, result.withSource(LookupResult.SOURCE_CACHE, expires));
                }
                break;
            }
            default:
                result = LookupResult.failure(exchange.name, family, answer.status, answer.detail);
                break;
        }
        List<Exchange.Waiter> waiters = exchange.waiters;
        for (int i = 0; i < waiters.size(); i++) {
            try {
                waiters.get(i).onAnswer(exchange.qtype, result, answer);
            } catch (RuntimeException e) {
                host.report(e);
            }
        }
    }

    /**
     * The result for an alias whose chain ended in {@code target}'s result: renamed, and
     * cached under the alias for the shorter of the chain's TTL and the target's.
     */
    LookupResult aliasResult(String alias, int family, LookupResult target, long chainTtlSeconds) {
        if (target.status() != LookupResult.OK && target.status() != LookupResult.NXDOMAIN
            && target.status() != LookupResult.NODATA) {
            return target.renamed(alias, 0);
        }
        long now = host.nowNs();
        long chainNs = TimeUnit.SECONDS.toNanos(Math.max(0, Math.min(chainTtlSeconds, maxTtlSeconds)));
        long expires = target.expiresNs - now < chainNs ? target.expiresNs : now + chainNs;
        LookupResult renamed = target.renamed(alias, expires);
        if (expires - now > 0 && chainNs > 0) {
            cache.put(alias, family, renamed.withSource(LookupResult.SOURCE_CACHE, expires));
        }
        return renamed;
    }

    // ------------------------------------------------------------------ loop hooks

    /**
     * A key registered by this resolver is ready (the loop hands over every key whose
     * attachment is not its own).
     *
     * @param key the key
     */
    public void onSelected(SelectionKey key) {
        Object attachment = key.attachment();
        if (!(attachment instanceof Exchange)) {
            return;
        }
        Exchange exchange = (Exchange) attachment;
        try {
            exchange.onSelected(key);
        } catch (java.nio.channels.CancelledKeyException e) {
            // closed meanwhile
        } catch (RuntimeException e) {
            host.report(e);
            if (exchange.index >= 0) {
                exchange.abort();
            }
        }
    }

    /**
     * A timer scheduled through {@link Host#schedule} fired.
     *
     * @param handle its handle
     * @param target the target it was scheduled with
     * @param payload the payload it was scheduled with
     */
    public void onTimer(long handle, int target, long payload) {
        Timed timed = target >= 0 && target < tableHigh ? table[target] : null;
        if (timed == null || timed.serial != (int) payload || timed.timer != handle) {
            return;
        }
        timed.timer = TimerHeap.NO_TIMER;
        try {
            timed.onTimeout();
        } catch (RuntimeException e) {
            host.report(e);
        }
    }

    /**
     * Fails everything in flight with {@link LookupResult#CLOSED} (callbacks run now),
     * closes every socket and stops the pool. Later lookups fail at once. Idempotent.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < tableHigh; i++) {
            Timed timed = table[i];
            if (timed != null) {
                try {
                    timed.abort();
                } catch (RuntimeException e) {
                    host.report(e);
                }
            }
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** @return queries in flight (DNS exchanges and platform lookups) */
    public int pendingQueries() {
        return pending;
    }

    /** @return names in the cache */
    public int cacheSize() {
        return cache.size();
    }

    /** @return datagrams received and ignored: wrong source, id or question, or not a response */
    public long ignoredResponses() {
        return ignoredResponses;
    }

    /** @return a copy of the settings in use (including what the last re-read changed) */
    public ResolverConfig config() {
        return new ResolverConfig(config);
    }

    // ------------------------------------------------------------------ timers and table

    void register(Timed timed) {
        int index;
        if (freeCount > 0) {
            index = freeIndexes[--freeCount];
        } else {
            if (tableHigh == table.length) {
                table = Arrays.copyOf(table, tableHigh * 2);
                freeIndexes = Arrays.copyOf(freeIndexes, tableHigh * 2);
            }
            index = tableHigh++;
        }
        table[index] = timed;
        timed.index = index;
        timed.serial = ++serials;
        pending++;
    }

    void release(Timed timed) {
        if (timed.index < 0) {
            return;
        }
        table[timed.index] = null;
        freeIndexes[freeCount++] = timed.index;
        timed.index = -1;
        pending--;
    }

    void schedule(Timed timed, long delayNs) {
        cancel(timed);
        timed.timer = host.schedule(host.nowNs() + delayNs, timed.index, timed.serial);
    }

    void cancel(Timed timed) {
        if (timed.timer != TimerHeap.NO_TIMER) {
            host.cancel(timed.timer);
            timed.timer = TimerHeap.NO_TIMER;
        }
    }

    // ------------------------------------------------------------------ randomness

    /** @return a random 16-bit query id */
    int randomId() {
        if (entropyPos > entropy.length - 2) {
            random.nextBytes(entropy);
            entropyPos = 0;
        }
        int id = DnsCodec.u16(entropy, entropyPos);
        entropyPos += 2;
        return id;
    }

    /** Binds a query socket to a random port of the dynamic range (RFC 6056), the kernel's choice after three collisions. */
    void bindRandomPort(DatagramChannel channel, boolean v6) throws IOException {
        InetAddress any = v6 ? ANY_V6 : ANY_V4;
        for (int i = 0; i < PORT_TRIES; i++) {
            int port = PORT_BASE + (randomId() & 0x3FFF);
            try {
                channel.bind(new InetSocketAddress(any, port));
                return;
            } catch (IOException e) {
                // taken: another port
            }
        }
        channel.bind(new InetSocketAddress(any, 0));
    }

    // ------------------------------------------------------------------ platform fallback

    private void platformLookup(String key, int family, Callback callback) {
        if (pending >= maxPending) {
            deliver(callback, LookupResult.failure(key, family, LookupResult.OVERLOADED, "maxPendingQueries=" + maxPending));
            return;
        }
        PlatformLookup lookup = new PlatformLookup(this, key, family, callback);
        register(lookup);
        schedule(lookup, TimeUnit.MILLISECONDS.toNanos(platformTimeoutMs));
        try {
            pool().execute(lookup);
        } catch (RejectedExecutionException e) {
            lookup.finish(LookupResult.failure(key, family, LookupResult.OVERLOADED, "the platform resolver's queue is full"));
        }
    }

    private ThreadPoolExecutor pool() {
        if (pool == null) {
            int threads = config.platformThreads;
            String prefix = host.threadName() + "-dns-";
            pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<Runnable>(maxPending + 16), r -> {
                    Thread t = new Thread(r, prefix + threadCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
            pool.allowCoreThreadTimeOut(true);
        }
        return pool;
    }

    // ------------------------------------------------------------------ re-reading the files

    private void maybeReload() {
        if (reloadIntervalNs <= 0 || reloadRunning || (config.resolvConf == null && config.hostsFile == null)) {
            return;
        }
        long now = host.nowNs();
        if (now - nextReloadNs < 0) {
            return;
        }
        nextReloadNs = now + reloadIntervalNs;
        reloadRunning = true;
        String resolvPath = config.resolvConf;
        String hostsPath = config.hostsFile;
        try {
            pool().execute(() -> reload(resolvPath, hostsPath));
        } catch (RejectedExecutionException e) {
            reloadRunning = false;
        }
    }

    /** Pool thread: stat both files, parse what changed, hand it to the loop. */
    private void reload(String resolvPath, String hostsPath) {
        ResolvConf resolv = null;
        HostsFile hostsFile = null;
        try {
            if (resolvPath != null) {
                long stamp = stamp(resolvPath);
                if (stamp != resolvStamp) {
                    resolvStamp = stamp;
                    String text = ResolverConfig.readFile(resolvPath);
                    resolv = text == null ? null : ResolvConf.parse(text);
                }
            }
            if (hostsPath != null) {
                long stamp = stamp(hostsPath);
                if (stamp != hostsStamp) {
                    hostsStamp = stamp;
                    String text = ResolverConfig.readFile(hostsPath);
                    hostsFile = text == null ? HostsFile.EMPTY : HostsFile.parse(text);
                }
            }
        } catch (RuntimeException e) {
            host.report(e);
        }
        ResolvConf r = resolv;
        HostsFile h = hostsFile;
        host.execute(() -> applyReload(r, h));
    }

    /** Loop thread: take the re-read files. */
    private void applyReload(ResolvConf resolv, HostsFile hostsFile) {
        reloadRunning = false;
        if (closed) {
            return;
        }
        if (hostsFile != null) {
            hosts = hostsFile;
        }
        if (resolv != null) {
            ResolverConfig next = new ResolverConfig(config);
            next.applyResolvConf(resolv);
            try {
                next.validate();
            } catch (IllegalArgumentException e) {
                return; // keep what works
            }
            apply(next);
            cache.clear();
        }
    }

    /** A cheap fingerprint of a file: modification time and size; a constant when it is missing. */
    static long stamp(String path) {
        try {
            File file = new File(path);
            if (!file.exists()) {
                return Long.MIN_VALUE;
            }
            return file.lastModified() * 1_000_003L + file.length();
        } catch (SecurityException e) {
            return Long.MIN_VALUE;
        }
    }

    // ------------------------------------------------------------------ helpers

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the descriptor is released either way
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
