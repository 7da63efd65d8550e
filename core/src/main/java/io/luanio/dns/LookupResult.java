package io.luanio.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcome of one name lookup: the addresses, or why there are none. Immutable and
 * safe to share between threads; results answered from the cache are shared between
 * lookups.
 *
 * <p>Failures are values, never exceptions: {@link #status()} is one of the constants
 * below and {@link #message()} says it in words ({@code "no such host: example.com"}).
 * A lookup's {@code LOOKUP_CNF} event carries the same status in its {@code value} field
 * when its {@code result} is 1.
 *
 * <table>
 * <caption>statuses</caption>
 * <tr><th>status</th><th>meaning</th></tr>
 * <tr><td>{@link #OK}</td><td>at least one address</td></tr>
 * <tr><td>{@link #NXDOMAIN}</td><td>the name does not exist</td></tr>
 * <tr><td>{@link #NODATA}</td><td>the name exists but has no address of the asked family</td></tr>
 * <tr><td>{@link #SERVFAIL}</td><td>the servers failed (SERVFAIL, NOTIMP, FORMERR, other rcodes)</td></tr>
 * <tr><td>{@link #REFUSED}</td><td>the servers refused the query</td></tr>
 * <tr><td>{@link #TIMEOUT}</td><td>no server answered in time, after every try</td></tr>
 * <tr><td>{@link #MALFORMED}</td><td>the answer could not be decoded (or its CNAME chain loops)</td></tr>
 * <tr><td>{@link #NETWORK_ERROR}</td><td>the servers could not be reached (port unreachable, no route)</td></tr>
 * <tr><td>{@link #OVERLOADED}</td><td>too many queries pending on this loop</td></tr>
 * <tr><td>{@link #INVALID_NAME}</td><td>not a valid host name</td></tr>
 * <tr><td>{@link #CLOSED}</td><td>the resolver's loop closed first</td></tr>
 * </table>
 */
public final class LookupResult {
    /** Both address families (IPv4 and IPv6). */
    public static final int FAMILY_ANY = 0;
    /** IPv4 only (A records). */
    public static final int FAMILY_IPV4 = 4;
    /** IPv6 only (AAAA records). */
    public static final int FAMILY_IPV6 = 6;

    /** At least one address. */
    public static final int OK = 0;
    /** The name does not exist (NXDOMAIN). */
    public static final int NXDOMAIN = 1;
    /** The name exists but has no address of the asked family. */
    public static final int NODATA = 2;
    /** The servers failed to answer (SERVFAIL, or another failure rcode). */
    public static final int SERVFAIL = 3;
    /** The servers refused the query (REFUSED). */
    public static final int REFUSED = 4;
    /** No server answered in time. */
    public static final int TIMEOUT = 5;
    /** A response could not be decoded, or its CNAME chain loops. */
    public static final int MALFORMED = 6;
    /** The servers could not be reached. */
    public static final int NETWORK_ERROR = 7;
    /** Too many queries are pending on this loop. */
    public static final int OVERLOADED = 8;
    /** Not a valid host name. */
    public static final int INVALID_NAME = 9;
    /** The resolver closed before the lookup finished. */
    public static final int CLOSED = 10;

    /** Where the answer came from: an IP literal, parsed. */
    public static final int SOURCE_LITERAL = 1;
    /** The hosts file, or the built-in {@code localhost} names (RFC 6761). */
    public static final int SOURCE_HOSTS = 2;
    /** A DNS server, just now. */
    public static final int SOURCE_DNS = 3;
    /** The resolver's cache (an earlier DNS answer, positive or negative). */
    public static final int SOURCE_CACHE = 4;
    /** The platform resolver ({@code InetAddress.getAllByName}, off the loop). */
    public static final int SOURCE_PLATFORM = 5;
    /** No source: the lookup failed before or without an answer. */
    public static final int SOURCE_NONE = 0;

    private static final InetAddress[] NONE = new InetAddress[0];

    private final String name;
    private final int family;
    private final int status;
    private final int source;
    private final String canonicalName;
    private final String detail;
    private final List<InetAddress> addresses;
    private final List<InetAddress> ipv4;
    private final List<InetAddress> ipv6;
    /** When a DNS-derived result stops being valid ({@link System#nanoTime()}); 0 when not cacheable. */
    final long expiresNs;

    LookupResult(String name, int family, int status, int source, InetAddress[] addresses, String canonicalName,
                 String detail, long expiresNs) {
        this.name = name;
        this.family = family;
        this.status = status;
        this.source = source;
        this.canonicalName = canonicalName != null ? canonicalName : name;
        this.detail = detail;
        this.expiresNs = expiresNs;
        List<InetAddress> v4 = new ArrayList<>(addresses.length);
        List<InetAddress> v6 = new ArrayList<>(addresses.length);
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address) {
                v4.add(a);
            } else if (a instanceof Inet6Address) {
                v6.add(a);
            }
        }
        List<InetAddress> all = new ArrayList<>(v4);
        all.addAll(v6);
        this.addresses = Collections.unmodifiableList(all);
        this.ipv4 = Collections.unmodifiableList(v4);
        this.ipv6 = Collections.unmodifiableList(v6);
    }

    static LookupResult success(String name, int family, int source, InetAddress[] addresses, String canonicalName,
                                long expiresNs) {
        return new LookupResult(name, family, OK, source, addresses, canonicalName, null, expiresNs);
    }

    static LookupResult failure(String name, int family, int status, String detail) {
        return new LookupResult(name, family, status, SOURCE_NONE, NONE, null, detail, 0);
    }

    static LookupResult negative(String name, int family, int status, int source, String detail, long expiresNs) {
        return new LookupResult(name, family, status, source, NONE, null, detail, expiresNs);
    }

    /** The same answer under another source (and expiry): what the cache hands out. */
    LookupResult withSource(int newSource, long newExpiresNs) {
        return new LookupResult(name, family, status, newSource, addresses.toArray(NONE), canonicalName, detail,
            newExpiresNs);
    }

    /** The same answer for another name (an alias whose chain led here, or the name as asked). */
    LookupResult renamed(String newName, long newExpiresNs) {
        return new LookupResult(newName, family, status, source, addresses.toArray(NONE), canonicalName, detail,
            newExpiresNs);
    }

    /**
     * Merges the IPv4 and the IPv6 answer for one name: any addresses make it a success;
     * else NXDOMAIN wins (the name does not exist at all); else two NODATA stay NODATA;
     * else the first real failure.
     */
    static LookupResult combine(String name, LookupResult v4, LookupResult v6) {
        if (v4.ok() || v6.ok()) {
            InetAddress[] all = new InetAddress[v4.addresses.size() + v6.addresses.size()];
            int i = 0;
            for (InetAddress a : v4.addresses) {
                all[i++] = a;
            }
            for (InetAddress a : v6.addresses) {
                all[i++] = a;
            }
            int source = v4.source == v6.source || !v6.ok() ? v4.source : !v4.ok() ? v6.source : SOURCE_DNS;
            String canonical = v4.ok() ? v4.canonicalName : v6.canonicalName;
            return new LookupResult(name, FAMILY_ANY, OK, source, all, canonical, null, Math.min(v4.expiresNs, v6.expiresNs));
        }
        if (v4.status == NXDOMAIN || v6.status == NXDOMAIN) {
            LookupResult nx = v4.status == NXDOMAIN ? v4 : v6;
            return new LookupResult(name, FAMILY_ANY, NXDOMAIN, nx.source, NONE, null, nx.detail,
                Math.min(v4.expiresNs, v6.expiresNs));
        }
        if (v4.status == NODATA && v6.status == NODATA) {
            return new LookupResult(name, FAMILY_ANY, NODATA, v4.source, NONE, null, v4.detail,
                Math.min(v4.expiresNs, v6.expiresNs));
        }
        LookupResult failed = v4.status != NODATA ? v4 : v6;
        return new LookupResult(name, FAMILY_ANY, failed.status, SOURCE_NONE, NONE, null, failed.detail, 0);
    }

    /** @return the name looked up (for DNS answers: the name that was answered, in lower case, without a trailing dot) */
    public String name() {
        return name;
    }

    /** @return the family asked for: {@link #FAMILY_ANY}, {@link #FAMILY_IPV4} or {@link #FAMILY_IPV6} */
    public int family() {
        return family;
    }

    /** @return {@link #OK} or one of the failure statuses */
    public int status() {
        return status;
    }

    /** @return true when there is at least one address */
    public boolean ok() {
        return status == OK;
    }

    /** @return where the answer came from: one of the {@code SOURCE_} constants */
    public int source() {
        return source;
    }

    /** @return true when the answer (positive or negative) came from the resolver's cache */
    public boolean fromCache() {
        return source == SOURCE_CACHE;
    }

    /** @return every address, IPv4 first, each family in the order the source gave; empty on failure */
    public List<InetAddress> addresses() {
        return addresses;
    }

    /** @return the IPv4 addresses */
    public List<InetAddress> ipv4() {
        return ipv4;
    }

    /** @return the IPv6 addresses */
    public List<InetAddress> ipv6() {
        return ipv6;
    }

    /** @return the first IPv4 address, else the first IPv6 address, else null */
    public InetAddress first() {
        return addresses.isEmpty() ? null : addresses.get(0);
    }

    /** @return the name at the end of the CNAME chain (the name itself when there was none) */
    public String canonicalName() {
        return canonicalName;
    }

    /**
     * The outcome in words, for logs and for a socket's failure reason: for example
     * {@code "no such host: example.com"} or {@code "DNS timed out for example.com (no
     * answer from 10.0.0.1:53 after 2 tries)"}.
     *
     * @return the message; for a success, the name and its addresses
     */
    public String message() {
        switch (status) {
            case OK: return name + " is " + addresses;
            case NXDOMAIN: return "no such host: " + name;
            case NODATA: return "no such host: " + name + " (it has no " + familyWords() + " address)";
            case SERVFAIL: return "DNS server failure for " + name + suffix();
            case REFUSED: return "DNS query refused for " + name + suffix();
            case TIMEOUT: return "DNS timed out for " + name + suffix();
            case MALFORMED: return "malformed DNS response for " + name + suffix();
            case NETWORK_ERROR: return "DNS network error for " + name + suffix();
            case OVERLOADED: return "too many DNS queries pending for " + name + suffix();
            case INVALID_NAME: return "invalid host name: " + name + suffix();
            case CLOSED: return "resolver closed before " + name + " was resolved";
            default: return statusName(status) + " for " + name + suffix();
        }
    }

    /** @return the failure detail (rcode, servers), or null */
    String detail() {
        return detail;
    }

    private String suffix() {
        return detail == null ? "" : " (" + detail + ")";
    }

    private String familyWords() {
        return family == FAMILY_IPV4 ? "IPv4" : family == FAMILY_IPV6 ? "IPv6" : "IP";
    }

    /**
     * A status's name, for logs.
     *
     * @param status a status
     * @return its name, e.g. {@code "NXDOMAIN"}
     */
    public static String statusName(int status) {
        switch (status) {
            case OK: return "OK";
            case NXDOMAIN: return "NXDOMAIN";
            case NODATA: return "NODATA";
            case SERVFAIL: return "SERVFAIL";
            case REFUSED: return "REFUSED";
            case TIMEOUT: return "TIMEOUT";
            case MALFORMED: return "MALFORMED";
            case NETWORK_ERROR: return "NETWORK_ERROR";
            case OVERLOADED: return "OVERLOADED";
            case INVALID_NAME: return "INVALID_NAME";
            case CLOSED: return "CLOSED";
            default: return "STATUS_" + status;
        }
    }

    @Override
    public String toString() {
        return "LookupResult{" + name + ", " + statusName(status) + (ok() ? ", " + addresses : "")
            + (detail != null ? ", " + detail : "") + ", source=" + source + "}";
    }

    static InetAddress[] toArray(List<InetAddress> list) {
        return list.toArray(NONE);
    }
}
