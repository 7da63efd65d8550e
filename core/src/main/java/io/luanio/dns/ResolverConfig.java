package io.luanio.dns;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Settings of the resolver inside an event loop: where to ask (DNS servers, or the
 * platform resolver), how names are completed (search list, {@code ndots}), how long to
 * wait (timeout, attempts, rotation), what is cached, and how connect-by-name races its
 * addresses (RFC 8305). Setters return {@code this}; {@link #validate()} checks every
 * value and names the bad one.
 *
 * <pre>{@code
 * // the default: /etc/resolv.conf and /etc/hosts, re-read when they change
 * EventLoop.start(new EventLoopConfig().resolver(ResolverConfig.system()));
 * // a fixed server (what the runner's --nameserver does), keeping the system search list
 * ResolverConfig.system().servers("127.0.0.1:5353");
 * // fully programmatic, for tests and embedders
 * new ResolverConfig().servers("10.0.0.53", "[2001:db8::53]:53").search("corp.example").timeoutMs(1_000);
 * }</pre>
 *
 * <h2>Where the settings come from</h2>
 * <ul>
 * <li>{@link #system()} reads {@code /etc/resolv.conf} (nameservers, {@code search},
 *     {@code domain}, {@code options ndots: timeout: attempts: rotate}, as glibc reads
 *     them: at most 3 servers, port 53) and names {@code /etc/hosts}. The loop re-reads
 *     both, off the loop thread, at most every {@link #reloadIntervalMs(long)} when
 *     lookups happen and either file changed. A value set through a setter here is never
 *     overridden by a re-read.</li>
 * <li>When the resolv.conf file does not exist or cannot be read (Windows, Android, some
 *     containers), {@link #system()} falls back to the <b>platform resolver</b>:
 *     {@code InetAddress.getAllByName} on a small bounded pool of daemon threads
 *     ({@link #platformThreads(int)}), never on the loop thread; results come back to the
 *     loop through its command queue, bounded in time by {@code timeoutMs * attempts}.
 *     The platform's own cache applies (the JDK's {@code networkaddress.cache.ttl});
 *     answers are not cached again here. {@link #platform()} asks for that mode
 *     explicitly; setting {@link #servers(String...) servers} leaves it.</li>
 * <li>{@code new ResolverConfig()} starts empty: give it servers, and a hosts file if you
 *     want one.</li>
 * </ul>
 */
public final class ResolverConfig {
    /** The DNS port. */
    public static final int DEFAULT_PORT = 53;
    /** Default {@link #timeoutMs(long)}: 5 s, as resolv.conf. */
    public static final long DEFAULT_TIMEOUT_MS = 5_000;
    /** Default {@link #attempts(int)}: 2, as resolv.conf. */
    public static final int DEFAULT_ATTEMPTS = 2;
    /** Default {@link #ndots(int)}: 1, as resolv.conf. */
    public static final int DEFAULT_NDOTS = 1;
    /** Default {@link #cacheMaxEntries(int)}. */
    public static final int DEFAULT_CACHE_MAX_ENTRIES = 4096;
    /** Default {@link #maxPendingQueries(int)}. */
    public static final int DEFAULT_MAX_PENDING_QUERIES = 2048;
    /** Default {@link #ednsUdpSize(int)}: 1232 bytes (DNS flag day 2020). */
    public static final int DEFAULT_EDNS_UDP_SIZE = 1232;
    /** Default {@link #maxTtlSeconds(long)}: one day. */
    public static final long DEFAULT_MAX_TTL_SECONDS = 86_400;
    /** Default {@link #maxNegativeTtlSeconds(long)}: one hour. */
    public static final long DEFAULT_MAX_NEGATIVE_TTL_SECONDS = 3_600;
    /** Default {@link #reloadIntervalMs(long)}. */
    public static final long DEFAULT_RELOAD_INTERVAL_MS = 5_000;
    /** Default {@link #connectionAttemptDelayMs(long)}: 250 ms (RFC 8305 section 5). */
    public static final long DEFAULT_CONNECTION_ATTEMPT_DELAY_MS = 250;
    /** Default {@link #resolutionDelayMs(long)}: 50 ms (RFC 8305 section 3). */
    public static final long DEFAULT_RESOLUTION_DELAY_MS = 50;
    /** Default {@link #platformThreads(int)}. */
    public static final int DEFAULT_PLATFORM_THREADS = 2;
    /** Where {@link #system()} reads the DNS settings. */
    public static final String SYSTEM_RESOLV_CONF = "/etc/resolv.conf";
    /** Where {@link #system()} reads host names. */
    public static final String SYSTEM_HOSTS = "/etc/hosts";

    static final int EXPLICIT_SERVERS = 1;
    static final int EXPLICIT_SEARCH = 2;
    static final int EXPLICIT_NDOTS = 4;
    static final int EXPLICIT_TIMEOUT = 8;
    static final int EXPLICIT_ATTEMPTS = 16;
    static final int EXPLICIT_ROTATE = 32;
    private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    final List<InetSocketAddress> servers = new ArrayList<>();
    final List<String> search = new ArrayList<>();
    int ndots = DEFAULT_NDOTS;
    long timeoutMs = DEFAULT_TIMEOUT_MS;
    int attempts = DEFAULT_ATTEMPTS;
    boolean rotate;
    String hostsFile;
    String resolvConf;
    boolean platform;
    /** The platform mode was chosen because resolv.conf is missing (it ends if the file appears). */
    boolean platformFallback;
    long reloadIntervalMs = DEFAULT_RELOAD_INTERVAL_MS;
    int cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES;
    int maxPendingQueries = DEFAULT_MAX_PENDING_QUERIES;
    int ednsUdpSize = DEFAULT_EDNS_UDP_SIZE;
    long maxTtlSeconds = DEFAULT_MAX_TTL_SECONDS;
    long maxNegativeTtlSeconds = DEFAULT_MAX_NEGATIVE_TTL_SECONDS;
    boolean preferIpv6 = true;
    long connectionAttemptDelayMs = DEFAULT_CONNECTION_ATTEMPT_DELAY_MS;
    long resolutionDelayMs = DEFAULT_RESOLUTION_DELAY_MS;
    int platformThreads = DEFAULT_PLATFORM_THREADS;
    /** Bits of the values a setter chose: a re-read resolv.conf leaves them alone. */
    int explicit;

    /** Creates an empty configuration: no server, no search list, no hosts file, every other value its default. */
    public ResolverConfig() {
    }

    /**
     * Copies a configuration.
     *
     * @param other the configuration to copy
     */
    public ResolverConfig(ResolverConfig other) {
        this.servers.addAll(other.servers);
        this.search.addAll(other.search);
        this.ndots = other.ndots;
        this.timeoutMs = other.timeoutMs;
        this.attempts = other.attempts;
        this.rotate = other.rotate;
        this.hostsFile = other.hostsFile;
        this.resolvConf = other.resolvConf;
        this.platform = other.platform;
        this.platformFallback = other.platformFallback;
        this.reloadIntervalMs = other.reloadIntervalMs;
        this.cacheMaxEntries = other.cacheMaxEntries;
        this.maxPendingQueries = other.maxPendingQueries;
        this.ednsUdpSize = other.ednsUdpSize;
        this.maxTtlSeconds = other.maxTtlSeconds;
        this.maxNegativeTtlSeconds = other.maxNegativeTtlSeconds;
        this.preferIpv6 = other.preferIpv6;
        this.connectionAttemptDelayMs = other.connectionAttemptDelayMs;
        this.resolutionDelayMs = other.resolutionDelayMs;
        this.platformThreads = other.platformThreads;
        this.explicit = other.explicit;
    }

    // ------------------------------------------------------------------ factories

    /**
     * The system's settings: {@code /etc/resolv.conf} and {@code /etc/hosts}, watched for
     * changes; the platform resolver when resolv.conf is missing. Reads the files on the
     * calling thread.
     *
     * @return a new configuration
     */
    public static ResolverConfig system() {
        return fromFiles(SYSTEM_RESOLV_CONF, SYSTEM_HOSTS);
    }

    /**
     * Settings read from a resolv.conf and a hosts file of your choice, both watched for
     * changes like {@link #system()}'s. Reads the files on the calling thread.
     *
     * @param resolvConf path of a resolv.conf file; when it does not exist (yet) the
     *     platform resolver is used until it does
     * @param hostsFile path of a hosts file, or null for none
     * @return a new configuration
     */
    public static ResolverConfig fromFiles(String resolvConf, String hostsFile) {
        if (resolvConf == null) {
            throw new IllegalArgumentException("resolvConf must not be null");
        }
        ResolverConfig config = new ResolverConfig();
        config.resolvConf = resolvConf;
        config.hostsFile = hostsFile;
        String text = readFile(resolvConf);
        if (text == null) {
            config.platform = true;
            config.platformFallback = true;
        } else {
            config.applyResolvConf(ResolvConf.parse(text));
        }
        return config;
    }

    /**
     * Resolves every name with the platform resolver ({@code InetAddress.getAllByName}) on
     * a small pool of threads off the loop. IP literals and the {@code localhost} and
     * {@code .invalid} names (RFC 6761) are still answered on the loop.
     *
     * @return a new configuration
     */
    public static ResolverConfig platform() {
        ResolverConfig config = new ResolverConfig();
        config.platform = true;
        return config;
    }

    /** Takes the values a resolv.conf sets, except the ones a setter chose. */
    void applyResolvConf(ResolvConf file) {
        if ((explicit & EXPLICIT_SERVERS) == 0) {
            servers.clear();
            servers.addAll(file.servers);
            if (servers.isEmpty()) {
                // resolv.conf(5): without nameserver lines, the server on the local machine.
                servers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT));
            }
            if (platformFallback) {
                platform = false;
                platformFallback = false;
            }
        }
        if ((explicit & EXPLICIT_SEARCH) == 0) {
            search.clear();
            if (file.search != null) {
                search.addAll(file.search);
            }
        }
        if ((explicit & EXPLICIT_NDOTS) == 0) {
            ndots = file.ndots >= 0 ? file.ndots : DEFAULT_NDOTS;
        }
        if ((explicit & EXPLICIT_TIMEOUT) == 0) {
            timeoutMs = file.timeoutSeconds > 0 ? file.timeoutSeconds * 1000L : DEFAULT_TIMEOUT_MS;
        }
        if ((explicit & EXPLICIT_ATTEMPTS) == 0) {
            attempts = file.attempts > 0 ? file.attempts : DEFAULT_ATTEMPTS;
        }
        if ((explicit & EXPLICIT_ROTATE) == 0) {
            rotate = file.rotate > 0;
        }
    }

    /**
     * Reads a whole (small) file as ISO-8859-1 text.
     *
     * @return the text, or null when it does not exist, cannot be read, or exceeds 64 MiB
     */
    static String readFile(String path) {
        File file = new File(path);
        if (!file.isFile() || file.length() > MAX_FILE_BYTES) {
            return null;
        }
        try (InputStream in = new FileInputStream(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(256, file.length()));
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_FILE_BYTES) {
                    return null;
                }
            }
            return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ setters

    /**
     * Replaces the DNS servers (and leaves the platform-resolver mode).
     *
     * @param servers IP literals with an optional port: {@code "10.0.0.53"},
     *     {@code "10.0.0.53:5353"}, {@code "2001:db8::53"}, {@code "[2001:db8::53]:5353"}
     * @return this
     * @throws IllegalArgumentException for a server that is not such a literal
     */
    public ResolverConfig servers(String... servers) {
        List<InetSocketAddress> parsed = new ArrayList<>();
        for (String s : servers) {
            parsed.add(parseServer(s));
        }
        return servers(parsed);
    }

    /**
     * Replaces the DNS servers (and leaves the platform-resolver mode).
     *
     * @param servers resolved socket addresses
     * @return this
     */
    public ResolverConfig servers(List<InetSocketAddress> servers) {
        this.servers.clear();
        this.servers.addAll(servers);
        this.platform = false;
        this.platformFallback = false;
        this.explicit |= EXPLICIT_SERVERS;
        return this;
    }

    /**
     * Adds a DNS server after the others (and leaves the platform-resolver mode).
     *
     * @param server an IP literal with an optional port, as for {@link #servers(String...)}
     * @return this
     */
    public ResolverConfig addServer(String server) {
        List<InetSocketAddress> next = new ArrayList<>(servers);
        next.add(parseServer(server));
        return servers(next);
    }

    /**
     * Replaces the search list: domains appended to names with fewer than
     * {@link #ndots(int)} dots (resolv.conf's {@code search}).
     *
     * @param domains the domains, in order
     * @return this
     */
    public ResolverConfig search(String... domains) {
        this.search.clear();
        for (String d : domains) {
            this.search.add(d == null ? null : HostsFile.key(d));
        }
        this.explicit |= EXPLICIT_SEARCH;
        return this;
    }

    /**
     * Names with at least this many dots are tried as they are before the search list.
     *
     * @param ndots 0..15
     * @return this
     */
    public ResolverConfig ndots(int ndots) {
        this.ndots = ndots;
        this.explicit |= EXPLICIT_NDOTS;
        return this;
    }

    /**
     * How long one try waits for one server's answer (UDP, or TCP after a truncated
     * answer) before it moves on to the next server.
     *
     * @param timeoutMs 1..600000
     * @return this
     */
    public ResolverConfig timeoutMs(long timeoutMs) {
        this.timeoutMs = timeoutMs;
        this.explicit |= EXPLICIT_TIMEOUT;
        return this;
    }

    /**
     * How many rounds over the server list a query makes before it fails.
     *
     * @param attempts 1..16
     * @return this
     */
    public ResolverConfig attempts(int attempts) {
        this.attempts = attempts;
        this.explicit |= EXPLICIT_ATTEMPTS;
        return this;
    }

    /**
     * Spreads queries over the servers (each query starts with the next server) instead
     * of always starting with the first.
     *
     * @param rotate true to rotate
     * @return this
     */
    public ResolverConfig rotate(boolean rotate) {
        this.rotate = rotate;
        this.explicit |= EXPLICIT_ROTATE;
        return this;
    }

    /**
     * A hosts file consulted before DNS, re-read when it changes.
     *
     * @param path its path, or null for none
     * @return this
     */
    public ResolverConfig hostsFile(String path) {
        this.hostsFile = path;
        return this;
    }

    /**
     * How often, at most, the loop checks whether resolv.conf or the hosts file changed
     * (only while lookups happen; the check runs off the loop thread).
     *
     * @param ms 0 never re-reads; else at least 1
     * @return this
     */
    public ResolverConfig reloadIntervalMs(long ms) {
        this.reloadIntervalMs = ms;
        return this;
    }

    /**
     * Names the cache holds at most (each with its IPv4 and IPv6 answer, positive or
     * negative); beyond it the least recently used name is dropped.
     *
     * @param entries 0 (no cache) .. 16777216
     * @return this
     */
    public ResolverConfig cacheMaxEntries(int entries) {
        this.cacheMaxEntries = entries;
        return this;
    }

    /**
     * Queries that may be in flight on the loop at once (after identical concurrent
     * questions are merged); beyond it a lookup fails at once with
     * {@link LookupResult#OVERLOADED}. Each in-flight query holds one socket.
     *
     * @param max 1..1048576
     * @return this
     */
    public ResolverConfig maxPendingQueries(int max) {
        this.maxPendingQueries = max;
        return this;
    }

    /**
     * The UDP payload size advertised with EDNS(0) (RFC 6891); answers larger than it come
     * truncated and are asked again over TCP.
     *
     * @param bytes 0 for plain RFC 1035 queries (512-byte answers), else 512..65535
     * @return this
     */
    public ResolverConfig ednsUdpSize(int bytes) {
        this.ednsUdpSize = bytes;
        return this;
    }

    /**
     * The longest a positive answer stays cached, whatever its TTL says.
     *
     * @param seconds 0 (no positive caching) or more
     * @return this
     */
    public ResolverConfig maxTtlSeconds(long seconds) {
        this.maxTtlSeconds = seconds;
        return this;
    }

    /**
     * The longest a negative answer (NXDOMAIN, no data) stays cached. Its TTL comes from
     * the SOA record of the response (RFC 2308); a negative answer without an SOA is not
     * cached.
     *
     * @param seconds 0 (no negative caching) or more
     * @return this
     */
    public ResolverConfig maxNegativeTtlSeconds(long seconds) {
        this.maxNegativeTtlSeconds = seconds;
        return this;
    }

    /**
     * Which family connect-by-name tries first when a name has both (RFC 8305 prefers
     * IPv6).
     *
     * @param preferIpv6 true for IPv6 first, false for IPv4 first
     * @return this
     */
    public ResolverConfig preferIpv6(boolean preferIpv6) {
        this.preferIpv6 = preferIpv6;
        return this;
    }

    /**
     * Happy Eyeballs' connection attempt delay (RFC 8305 section 5): how long a TCP connect
     * to one address may run before the next address is tried in parallel.
     *
     * @param ms 1..60000
     * @return this
     */
    public ResolverConfig connectionAttemptDelayMs(long ms) {
        this.connectionAttemptDelayMs = ms;
        return this;
    }

    /**
     * Happy Eyeballs' resolution delay (RFC 8305 section 3): when the IPv4 answer comes
     * first, how long to wait for the IPv6 one before connecting.
     *
     * @param ms 0..60000
     * @return this
     */
    public ResolverConfig resolutionDelayMs(long ms) {
        this.resolutionDelayMs = ms;
        return this;
    }

    /**
     * Threads of the platform-resolver pool (used only in the platform mode, and for
     * re-reading the files).
     *
     * @param threads 1..64
     * @return this
     */
    public ResolverConfig platformThreads(int threads) {
        this.platformThreads = threads;
        return this;
    }

    // ------------------------------------------------------------------ getters

    /** @return the DNS servers, in order (empty in the platform mode) */
    public List<InetSocketAddress> servers() {
        return Collections.unmodifiableList(new ArrayList<>(servers));
    }

    /** @return the search list */
    public List<String> search() {
        return Collections.unmodifiableList(new ArrayList<>(search));
    }

    /** @return the ndots threshold */
    public int ndots() {
        return ndots;
    }

    /** @return the per-try timeout in milliseconds */
    public long timeoutMs() {
        return timeoutMs;
    }

    /** @return rounds over the server list */
    public int attempts() {
        return attempts;
    }

    /** @return whether queries rotate over the servers */
    public boolean rotate() {
        return rotate;
    }

    /** @return the hosts file path, or null */
    public String hostsFile() {
        return hostsFile;
    }

    /** @return the watched resolv.conf path, or null for a programmatic configuration */
    public String resolvConf() {
        return resolvConf;
    }

    /** @return true when names are resolved by the platform resolver off the loop */
    public boolean usesPlatformResolver() {
        return platform;
    }

    /** @return the file re-read interval in milliseconds (0: never) */
    public long reloadIntervalMs() {
        return reloadIntervalMs;
    }

    /** @return the cache bound in names */
    public int cacheMaxEntries() {
        return cacheMaxEntries;
    }

    /** @return the bound of queries in flight */
    public int maxPendingQueries() {
        return maxPendingQueries;
    }

    /** @return the advertised EDNS UDP size (0: no EDNS) */
    public int ednsUdpSize() {
        return ednsUdpSize;
    }

    /** @return the positive TTL cap in seconds */
    public long maxTtlSeconds() {
        return maxTtlSeconds;
    }

    /** @return the negative TTL cap in seconds */
    public long maxNegativeTtlSeconds() {
        return maxNegativeTtlSeconds;
    }

    /** @return whether connect-by-name tries IPv6 first */
    public boolean preferIpv6() {
        return preferIpv6;
    }

    /** @return the Happy Eyeballs connection attempt delay in milliseconds */
    public long connectionAttemptDelayMs() {
        return connectionAttemptDelayMs;
    }

    /** @return the Happy Eyeballs resolution delay in milliseconds */
    public long resolutionDelayMs() {
        return resolutionDelayMs;
    }

    /** @return the platform-resolver pool size */
    public int platformThreads() {
        return platformThreads;
    }

    // ------------------------------------------------------------------ validation

    /**
     * Checks every value.
     *
     * @return this
     * @throws IllegalArgumentException naming the first bad value
     */
    public ResolverConfig validate() {
        if (!platform && servers.isEmpty()) {
            throw new IllegalArgumentException("servers must not be empty (or use ResolverConfig.platform()): servers=[]");
        }
        for (InetSocketAddress s : servers) {
            if (s == null || s.isUnresolved() || s.getPort() < 1) {
                throw new IllegalArgumentException("each server must be a resolved address with a port in 1..65535: server=" + s);
            }
        }
        for (String d : search) {
            String why = d == null ? "null" : DnsCodec.checkName(d);
            if (why != null) {
                throw new IllegalArgumentException("search domain is not a valid name (" + why + "): search=" + d);
            }
        }
        check(ndots >= 0 && ndots <= 15, "ndots must be in 0..15: ndots=" + ndots);
        check(timeoutMs >= 1 && timeoutMs <= 600_000, "timeoutMs must be in 1..600000: timeoutMs=" + timeoutMs);
        check(attempts >= 1 && attempts <= 16, "attempts must be in 1..16: attempts=" + attempts);
        check(reloadIntervalMs >= 0, "reloadIntervalMs must be >= 0: reloadIntervalMs=" + reloadIntervalMs);
        check(cacheMaxEntries >= 0 && cacheMaxEntries <= (1 << 24),
            "cacheMaxEntries must be in 0..16777216: cacheMaxEntries=" + cacheMaxEntries);
        check(maxPendingQueries >= 1 && maxPendingQueries <= (1 << 20),
            "maxPendingQueries must be in 1..1048576: maxPendingQueries=" + maxPendingQueries);
        check(ednsUdpSize == 0 || (ednsUdpSize >= 512 && ednsUdpSize <= 65535),
            "ednsUdpSize must be 0 or in 512..65535: ednsUdpSize=" + ednsUdpSize);
        check(maxTtlSeconds >= 0, "maxTtlSeconds must be >= 0: maxTtlSeconds=" + maxTtlSeconds);
        check(maxNegativeTtlSeconds >= 0, "maxNegativeTtlSeconds must be >= 0: maxNegativeTtlSeconds=" + maxNegativeTtlSeconds);
        check(connectionAttemptDelayMs >= 1 && connectionAttemptDelayMs <= 60_000,
            "connectionAttemptDelayMs must be in 1..60000: connectionAttemptDelayMs=" + connectionAttemptDelayMs);
        check(resolutionDelayMs >= 0 && resolutionDelayMs <= 60_000,
            "resolutionDelayMs must be in 0..60000: resolutionDelayMs=" + resolutionDelayMs);
        check(platformThreads >= 1 && platformThreads <= 64, "platformThreads must be in 1..64: platformThreads=" + platformThreads);
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Parses {@code "a.b.c.d"}, {@code "a.b.c.d:port"}, an IPv6 literal (port 53), or
     * {@code "[v6]:port"}.
     */
    static InetSocketAddress parseServer(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("server must be an IP literal with an optional port: server=" + text);
        }
        String host = text;
        int port = DEFAULT_PORT;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close > 0 && close + 1 < text.length() && text.charAt(close + 1) == ':') {
                host = text.substring(0, close + 1);
                port = parsePort(text.substring(close + 2), text);
            }
        } else {
            int colon = text.indexOf(':');
            if (colon > 0 && colon == text.lastIndexOf(':')) {
                host = text.substring(0, colon);
                port = parsePort(text.substring(colon + 1), text);
            }
        }
        InetAddress address = IpLiterals.parse(host);
        if (address == null) {
            throw new IllegalArgumentException("server must be an IP literal with an optional port: server=" + text);
        }
        return new InetSocketAddress(address, port);
    }

    private static int parsePort(String digits, String text) {
        int port = -1;
        if (!digits.isEmpty() && digits.length() <= 5) {
            port = 0;
            for (int i = 0; i < digits.length(); i++) {
                char c = digits.charAt(i);
                if (c < '0' || c > '9') {
                    port = -1;
                    break;
                }
                port = port * 10 + (c - '0');
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server port must be in 1..65535: server=" + text);
        }
        return port;
    }

    @Override
    public String toString() {
        return "ResolverConfig{" + (platform ? "platform resolver" : "servers=" + servers) + ", search=" + search
            + ", ndots=" + ndots + ", timeoutMs=" + timeoutMs + ", attempts=" + attempts + ", rotate=" + rotate
            + ", hostsFile=" + hostsFile + ", resolvConf=" + resolvConf + ", cacheMaxEntries=" + cacheMaxEntries
            + ", maxPendingQueries=" + maxPendingQueries + ", ednsUdpSize=" + ednsUdpSize + "}";
    }
}
