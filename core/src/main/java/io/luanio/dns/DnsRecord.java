package io.luanio.dns;

/**
 * One decoded resource record, of the kinds the resolver uses: A and AAAA (the address
 * bytes), CNAME (the target), SOA (its TTL fields, for negative caching). Other types keep
 * only their owner name, type and TTL.
 */
final class DnsRecord {
    final String name;
    final int type;
    final int rclass;
    final long ttl;
    /** A: 4 bytes, AAAA: 16 bytes, else null. */
    final byte[] address;
    /** CNAME: the target name, else null. */
    final String target;
    /** SOA: the MINIMUM field (RFC 2308: the negative-caching TTL), else -1. */
    final long soaMinimum;

    DnsRecord(String name, int type, int rclass, long ttl, byte[] address, String target, long soaMinimum) {
        this.name = name;
        this.type = type;
        this.rclass = rclass;
        this.ttl = ttl;
        this.address = address;
        this.target = target;
        this.soaMinimum = soaMinimum;
    }

    @Override
    public String toString() {
        return name + " " + ttl + " " + DnsCodec.typeName(type)
            + (target != null ? " " + target : "") + (soaMinimum >= 0 ? " minimum=" + soaMinimum : "");
    }
}
