package io.luanio.dns;

import java.util.Collections;
import java.util.List;

/**
 * A decoded DNS message (RFC 1035 section 4): the header fields, the question, and the
 * answer and authority records. Immutable; built by {@link DnsCodec#decode}.
 */
final class DnsMessage {
    final int id;
    final int flags;
    final String questionName;
    final int questionType;
    final int questionClass;
    final int questionCount;
    final List<DnsRecord> answers;
    final List<DnsRecord> authority;
    /** The EDNS UDP payload size the sender advertised (OPT record), or 0 without EDNS. */
    final int ednsUdpSize;

    DnsMessage(int id, int flags, int questionCount, String questionName, int questionType, int questionClass,
               List<DnsRecord> answers, List<DnsRecord> authority, int ednsUdpSize) {
        this.id = id;
        this.flags = flags;
        this.questionCount = questionCount;
        this.questionName = questionName;
        this.questionType = questionType;
        this.questionClass = questionClass;
        this.answers = Collections.unmodifiableList(answers);
        this.authority = Collections.unmodifiableList(authority);
        this.ednsUdpSize = ednsUdpSize;
    }

    boolean isResponse() {
        return (flags & DnsCodec.FLAG_QR) != 0;
    }

    boolean truncated() {
        return (flags & DnsCodec.FLAG_TC) != 0;
    }

    int opcode() {
        return (flags >>> 11) & 0xF;
    }

    int rcode() {
        return flags & 0xF;
    }

    @Override
    public String toString() {
        return "DnsMessage{id=" + id + ", flags=0x" + Integer.toHexString(flags) + ", rcode=" + DnsCodec.rcodeName(rcode())
            + ", question=" + questionName + "/" + DnsCodec.typeName(questionType)
            + ", answers=" + answers + ", authority=" + authority + "}";
    }
}
