package io.luanio.dns;

/**
 * Benchmark-only bridge into luanio's package-private DNS codec: it lives in the same
 * package, in the benchmark jar, so {@code io.luanio.jmh.dns.CodecBenchmark} can measure
 * the codec without the codec becoming public API. Not part of luanio.
 */
public final class CodecAccess {
    /** The A record type. */
    public static final int TYPE_A = DnsCodec.TYPE_A;
    /** The largest query the codec writes. */
    public static final int MAX_QUERY_BYTES = DnsCodec.MAX_QUERY_BYTES;

    private CodecAccess() {
    }

    /**
     * Writes a query, as the resolver does for each try.
     *
     * @param out the buffer, at least {@link #MAX_QUERY_BYTES}
     * @param id the query id
     * @param name the name
     * @param qtype the type
     * @param ednsUdpSize 0 or the EDNS payload size
     * @return the length
     */
    public static int encodeQuery(byte[] out, int id, String name, int qtype, int ednsUdpSize) {
        return DnsCodec.encodeQuery(out, id, name, qtype, ednsUdpSize);
    }

    /**
     * What the resolver does with a datagram that arrives: check it answers the query,
     * decode it, extract the addresses at the end of the CNAME chain.
     *
     * @param b the bytes
     * @param length their length
     * @param id the query id
     * @param name the question name
     * @param qtype the question type
     * @return the number of addresses
     * @throws Exception when the message is malformed
     */
    public static int decodeAnswer(byte[] b, int length, int id, String name, int qtype) throws Exception {
        if (!DnsCodec.answersQuery(b, 0, length, id, name, qtype)) {
            throw new IllegalStateException("not the answer");
        }
        DnsAnswer answer = DnsAnswer.of(DnsCodec.decode(b, 0, length), name, qtype);
        return answer.addresses.length;
    }
}
