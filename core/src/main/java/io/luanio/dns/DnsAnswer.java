package io.luanio.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one response says about one question (name, A or AAAA): its addresses at the end
 * of the CNAME chain, a negative answer (RFC 2308), a chain that ends without data (to be
 * followed with a new query), or a failure rcode. Pure: built from a decoded
 * {@link DnsMessage}.
 */
final class DnsAnswer {
    /** The chain ends in a name this response has no data for: ask again for {@link #name}. */
    static final int FOLLOW = -1;

    /** A {@link LookupResult} status, or {@link #FOLLOW}. */
    final int status;
    /** OK: the addresses; else empty. */
    final InetAddress[] addresses;
    /** OK: the owner of the addresses (the canonical name); FOLLOW: the name to ask next. */
    final String name;
    /**
     * OK and FOLLOW: the smallest TTL along the chain (and of the address set), in
     * seconds. NXDOMAIN and NODATA: the negative TTL, {@code min(SOA TTL, SOA MINIMUM)}, or
     * -1 when the response carries no SOA (then it is not cached, RFC 2308 section 5).
     */
    final long ttlSeconds;
    /** For failures: a short detail (rcode, why malformed). */
    final String detail;

    private DnsAnswer(int status, InetAddress[] addresses, String name, long ttlSeconds, String detail) {
        this.status = status;
        this.addresses = addresses;
        this.name = name;
        this.ttlSeconds = ttlSeconds;
        this.detail = detail;
    }

    static DnsAnswer failure(int status, String detail) {
        return new DnsAnswer(status, NONE, null, -1, detail);
    }

    private static final InetAddress[] NONE = new InetAddress[0];
    /** CNAME hops one response may take before the chain counts as a loop. */
    static final int MAX_CHAIN = 16;

    /**
     * Reads the answer to {@code (qname, qtype)} from a response whose question was
     * already checked.
     */
    static DnsAnswer of(DnsMessage m, String qname, int qtype) {
        int rcode = m.rcode();
        if (rcode != DnsCodec.RCODE_NOERROR && rcode != DnsCodec.RCODE_NXDOMAIN) {
            int status = rcode == DnsCodec.RCODE_REFUSED ? LookupResult.REFUSED : LookupResult.SERVFAIL;
            return failure(status, DnsCodec.rcodeName(rcode));
        }
        String current = qname;
        long ttl = Long.MAX_VALUE;
        int hops = 0;
        List<InetAddress> found = new ArrayList<>();
        for (;;) {
            long setTtl = Long.MAX_VALUE;
            DnsRecord cname = null;
            for (DnsRecord r : m.answers) {
                if (!DnsCodec.sameName(r.name, current)) {
                    continue;
                }
                if (r.type == qtype && r.address != null) {
                    try {
                        found.add(InetAddress.getByAddress(r.address)); // never resolves: bytes only
                    } catch (UnknownHostException e) {
                        return failure(LookupResult.MALFORMED, "bad address length");
                    }
                    setTtl = Math.min(setTtl, r.ttl);
                } else if (r.type == DnsCodec.TYPE_CNAME && cname == null && r.rclass == DnsCodec.CLASS_IN) {
                    cname = r;
                }
            }
            if (!found.isEmpty()) {
                return new DnsAnswer(LookupResult.OK, found.toArray(NONE), current, Math.min(ttl, setTtl), null);
            }
            if (cname == null) {
                break;
            }
            if (++hops > MAX_CHAIN) {
                return failure(LookupResult.MALFORMED, "CNAME chain longer than " + MAX_CHAIN + " (a loop?) at " + qname);
            }
            ttl = Math.min(ttl, cname.ttl);
            current = cname.target;
        }
        long negativeTtl = negativeTtl(m);
        if (rcode == DnsCodec.RCODE_NXDOMAIN) {
            return new DnsAnswer(LookupResult.NXDOMAIN, NONE, current, negativeTtl, "NXDOMAIN");
        }
        if (hops > 0 && negativeTtl < 0) {
            // A chain that stops without data and without an SOA: the server did not
            // chase it (an authoritative server for the first zone only); ask for the end.
            return new DnsAnswer(FOLLOW, NONE, current, ttl, null);
        }
        return new DnsAnswer(LookupResult.NODATA, NONE, current, negativeTtl, "NODATA");
    }

    /** RFC 2308 section 5: the TTL of a negative answer is min(SOA TTL, SOA MINIMUM). */
    private static long negativeTtl(DnsMessage m) {
        for (DnsRecord r : m.authority) {
            if (r.type == DnsCodec.TYPE_SOA && r.soaMinimum >= 0) {
                return Math.min(r.ttl, r.soaMinimum);
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "DnsAnswer{status=" + (status == FOLLOW ? "FOLLOW" : LookupResult.statusName(status)) + ", name=" + name
            + ", addresses=" + addresses.length + ", ttl=" + ttlSeconds + (detail != null ? ", " + detail : "") + "}";
    }
}
