package io.luanio.jmh.dns;

import io.luanio.dns.CodecAccess;
import io.luanio.jmh.BenchmarkBase;
import java.io.IOException;
import java.net.InetAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * How fast is luanio's DNS codec, next to dnsjava (the reference Java DNS library) doing
 * the same work?
 *
 * <ul>
 * <li>{@code encode*}: write one A query for {@code www.example.com} from its text name
 *     (luanio with an EDNS OPT record, as the resolver sends it; dnsjava without).</li>
 * <li>{@code decode*}: take one response ({@code www.example.com} CNAME
 *     {@code edge.example.net}, then {@code addresses} A records, names compressed, built
 *     by dnsjava) and find its addresses: luanio checks id and question, decodes, follows
 *     the chain; dnsjava parses the message and walks the answer section.</li>
 * </ul>
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar CodecBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
public class CodecBenchmark extends BenchmarkBase {
    private static final String NAME = "www.example.com";
    private static final int ID = 0x4242;

    /** A records in the response. */
    @Param({"2", "40"})
    public int addresses;

    private final byte[] queryBuffer = new byte[CodecAccess.MAX_QUERY_BYTES];
    private byte[] response;

    /** Creates the benchmark (JMH does). */
    public CodecBenchmark() {
    }

    /**
     * Builds the response with dnsjava.
     *
     * @throws Exception never
     */
    @Setup
    public void buildResponse() throws Exception {
        Name qname = Name.fromString(NAME + ".");
        Name target = Name.fromString("edge.example.net.");
        Message m = new Message(ID);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.RD);
        m.getHeader().setFlag(Flags.RA);
        m.addRecord(Record.newRecord(qname, Type.A, DClass.IN), Section.QUESTION);
        m.addRecord(new CNAMERecord(qname, DClass.IN, 300, target), Section.ANSWER);
        for (int i = 0; i < addresses; i++) {
            m.addRecord(new ARecord(target, DClass.IN, 60, InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i})),
                Section.ANSWER);
        }
        response = m.toWire(65535);
        if (luanioDecode() != addresses || dnsjavaDecode() != addresses) {
            throw new IllegalStateException("the decoders disagree with the response");
        }
    }

    /**
     * luanio: a query into a reused buffer.
     *
     * @return its length
     */
    @Benchmark
    public int luanioEncode() {
        return CodecAccess.encodeQuery(queryBuffer, ID, NAME, CodecAccess.TYPE_A, 1232);
    }

    /**
     * dnsjava: {@code Message.newQuery(...).toWire()}.
     *
     * @return its length
     * @throws IOException never
     */
    @Benchmark
    public int dnsjavaEncode() throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString(NAME + "."), Type.A, DClass.IN)).toWire().length;
    }

    /**
     * luanio: check, decode, follow the chain.
     *
     * @return the addresses found
     * @throws Exception when malformed (never)
     */
    @Benchmark
    public int luanioDecode() throws Exception {
        return CodecAccess.decodeAnswer(response, response.length, ID, NAME, CodecAccess.TYPE_A);
    }

    /**
     * dnsjava: parse, then count the A records of the answer section.
     *
     * @return the addresses found
     * @throws IOException when malformed (never)
     */
    @Benchmark
    public int dnsjavaDecode() throws IOException {
        Message m = new Message(response);
        int found = 0;
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof ARecord) {
                found++;
            }
        }
        return found;
    }
}
