package io.luanio.dns;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answers the resolver keeps: per name (lower case, no trailing dot) its IPv4 and its
 * IPv6 result, positive or negative, each valid until its own deadline (the TTL, capped).
 * Bounded by a number of names; beyond it the least recently used name goes. A hit
 * allocates nothing: the result object is shared (results are immutable), and the
 * two-family result is built once per pair of answers. Loop thread only.
 */
final class DnsCache {
    private final int maxEntries;
    private final Lru map;

    /** One name's answers. */
    private static final class Names {
        LookupResult v4;
        LookupResult v6;
        LookupResult any;
    }

    /** Access-ordered map that drops its eldest entry beyond the bound. */
    private static final class Lru extends LinkedHashMap<String, Names> {
        private static final long serialVersionUID = 1L;
        private final int maxEntries;

        Lru(int maxEntries) {
            super(16, 0.75f, true);
            this.maxEntries = maxEntries;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Names> eldest) {
            return size() > maxEntries;
        }
    }

    DnsCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.map = new Lru(Math.max(1, maxEntries));
    }

    /**
     * A live answer.
     *
     * @param key the name, lower case, no trailing dot
     * @param family {@link LookupResult#FAMILY_IPV4}, {@link LookupResult#FAMILY_IPV6} or
     *     {@link LookupResult#FAMILY_ANY} (which needs both)
     * @param nowNs the clock
     * @return the result, or null when nothing live is cached
     */
    LookupResult get(String key, int family, long nowNs) {
        if (maxEntries == 0) {
            return null;
        }
        Names e = map.get(key);
        if (e == null) {
            return null;
        }
        LookupResult v4 = live(e.v4, nowNs);
        LookupResult v6 = live(e.v6, nowNs);
        if (v4 == null && v6 == null) {
            map.remove(key);
            return null;
        }
        if (family == LookupResult.FAMILY_IPV4) {
            return v4;
        }
        if (family == LookupResult.FAMILY_IPV6) {
            return v6;
        }
        if (v4 == null || v6 == null) {
            return null;
        }
        LookupResult any = e.any;
        if (any == null) {
            any = LookupResult.combine(key, v4, v6);
            e.any = any;
        }
        return any;
    }

    private static LookupResult live(LookupResult r, long nowNs) {
        return r != null && r.expiresNs - nowNs > 0 ? r : null;
    }

    /**
     * Stores an answer for one family.
     *
     * @param key the name, lower case, no trailing dot
     * @param family {@link LookupResult#FAMILY_IPV4} or {@link LookupResult#FAMILY_IPV6}
     * @param result a result whose source is the cache and whose deadline is set
     */
    void put(String key, int family, LookupResult result) {
        if (maxEntries == 0) {
            return;
        }
        Names e = map.get(key);
        if (e == null) {
            e = new Names();
            map.put(key, e);
        }
        if (family == LookupResult.FAMILY_IPV4) {
            e.v4 = result;
        } else {
            e.v6 = result;
        }
        e.any = null;
    }

    /** @return the number of names held (live or not yet noticed to be stale) */
    int size() {
        return map.size();
    }

    void clear() {
        map.clear();
    }
}
