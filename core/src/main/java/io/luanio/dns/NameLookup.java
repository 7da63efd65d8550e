package io.luanio.dns;

/**
 * One lookup that needs DNS: walks the candidate names (the search list, RFC 1535
 * {@code ndots} order) and, for each, the asked families (A and/or AAAA), from the cache
 * or through {@link Exchange}s; follows CNAME chains that a server left unfinished;
 * answers its callback exactly once.
 *
 * <p>Search rules (glibc's {@code res_search}): a candidate that does not exist
 * (NXDOMAIN) or has no address (NODATA) moves on to the next; SERVFAIL and REFUSED move on
 * too but are remembered; any other failure (timeout, network error, overload, close)
 * ends the search at once. With no address anywhere the lookup fails with the first
 * remembered failure, else NODATA when the name as given exists, else NXDOMAIN; the
 * failure carries the name as the caller gave it. Loop thread only.
 */
final class NameLookup implements Exchange.Waiter {
    /** New queries one lookup may make to follow unfinished CNAME chains. */
    static final int MAX_FOLLOWS = 8;

    private final Resolver resolver;
    private final String asked;
    private final String key;
    private final int family;
    private final Resolver.Callback callback;
    private final String[] candidates;
    private int candidate;
    // Per slot (0: IPv4/A, 1: IPv6/AAAA).
    private final LookupResult[] got = new LookupResult[2];
    private final int[] follows = new int[2];
    private final long[] chainTtlSeconds = new long[2];
    private int waiting;
    private boolean starting;
    private boolean done;
    private LookupResult remembered;
    private boolean asIsNodata;

    NameLookup(Resolver resolver, String asked, String key, int family, String[] candidates, Resolver.Callback callback) {
        this.resolver = resolver;
        this.asked = asked;
        this.key = key;
        this.family = family;
        this.candidates = candidates;
        this.callback = callback;
    }

    void start() {
        startCandidate();
    }

    private void startCandidate() {
        String name = candidates[candidate];
        got[0] = null;
        got[1] = null;
        starting = true;
        waiting = family == LookupResult.FAMILY_ANY ? 2 : 1;
        if (family != LookupResult.FAMILY_IPV6) {
            ask(0, name);
        }
        if (family != LookupResult.FAMILY_IPV4) {
            ask(1, name);
        }
        starting = false;
        if (waiting == 0) {
            candidateDone();
        }
    }

    private void ask(int slot, String name) {
        follows[slot] = 0;
        chainTtlSeconds[slot] = Long.MAX_VALUE;
        LookupResult cached = resolver.cache.get(name, familyOf(slot), resolver.host.nowNs());
        if (cached != null) {
            settle(slot, cached);
            return;
        }
        resolver.ask(name, qtypeOf(slot), this);
    }

    @Override
    public void onAnswer(int qtype, LookupResult result, DnsAnswer answer) {
        int slot = qtype == DnsCodec.TYPE_A ? 0 : 1;
        if (done || got[slot] != null) {
            return;
        }
        String name = candidates[candidate];
        if (result == null) {
            // An unfinished CNAME chain: ask for its end (RFC 1034 section 5.3.3).
            if (++follows[slot] > MAX_FOLLOWS) {
                settle(slot, LookupResult.failure(name, familyOf(slot), LookupResult.MALFORMED,
                    "CNAME chain needs more than " + MAX_FOLLOWS + " queries"));
                return;
            }
            chainTtlSeconds[slot] = Math.min(chainTtlSeconds[slot], answer.ttlSeconds);
            String target = HostsFile.key(answer.name);
            if (DnsCodec.checkName(target) != null) {
                settle(slot, LookupResult.failure(name, familyOf(slot), LookupResult.MALFORMED, "bad CNAME target"));
                return;
            }
            LookupResult cached = resolver.cache.get(target, familyOf(slot), resolver.host.nowNs());
            if (cached != null) {
                onAnswer(qtype, cached, null);
            } else {
                resolver.ask(target, qtype, this);
            }
            return;
        }
        if (follows[slot] > 0) {
            result = resolver.aliasResult(name, familyOf(slot), result, chainTtlSeconds[slot]);
        }
        settle(slot, result);
    }

    private void settle(int slot, LookupResult result) {
        got[slot] = result;
        if (--waiting == 0 && !starting) {
            candidateDone();
        }
    }

    private void candidateDone() {
        LookupResult result;
        if (family == LookupResult.FAMILY_ANY) {
            result = LookupResult.combine(candidates[candidate], got[0], got[1]);
        } else {
            result = got[family == LookupResult.FAMILY_IPV4 ? 0 : 1];
        }
        if (result.ok()) {
            deliver(result);
            return;
        }
        int status = result.status();
        if (status == LookupResult.NODATA && candidates[candidate].equals(key)) {
            asIsNodata = true;
        }
        if (status != LookupResult.NXDOMAIN && status != LookupResult.NODATA) {
            if (remembered == null) {
                remembered = result;
            }
            if (status != LookupResult.SERVFAIL && status != LookupResult.REFUSED) {
                fail();
                return;
            }
        }
        if (++candidate < candidates.length) {
            startCandidate();
            return;
        }
        fail();
    }

    private void fail() {
        int status = remembered != null ? remembered.status()
            : asIsNodata ? LookupResult.NODATA : LookupResult.NXDOMAIN;
        String detail = remembered != null ? remembered.detail() : null;
        deliver(LookupResult.failure(asked, family, status, detail));
    }

    private void deliver(LookupResult result) {
        done = true;
        resolver.deliver(callback, result);
    }

    static int familyOf(int slot) {
        return slot == 0 ? LookupResult.FAMILY_IPV4 : LookupResult.FAMILY_IPV6;
    }

    static int qtypeOf(int slot) {
        return slot == 0 ? DnsCodec.TYPE_A : DnsCodec.TYPE_AAAA;
    }
}
