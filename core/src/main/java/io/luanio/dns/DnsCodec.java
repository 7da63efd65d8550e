package io.luanio.dns;

import java.util.ArrayList;
import java.util.List;

/**
 * The DNS wire format (RFC 1035 section 4, EDNS(0) from RFC 6891): pure functions from
 * bytes to messages and back, no sockets, no state.
 *
 * <p>Decoding trusts nothing. Every read is bounds-checked against the message length;
 * a compression pointer must point strictly before every position the name has been read
 * from so far (so a chain of pointers can only move backwards and always ends), with at
 * most {@link #MAX_POINTERS} jumps; labels over 63 bytes and the reserved label types
 * {@code 01} and {@code 10} are refused; a name over 255 bytes in wire form is refused;
 * A and AAAA data must be exactly 4 and 16 bytes, a CNAME or SOA must fill its data
 * exactly. Any violation is a {@link DnsFormatException}; no other exception leaves
 * {@link #decode} for any input.
 *
 * <p>Names in text form have no trailing dot (the root is {@code ""}); label bytes that
 * are not printable ASCII, and {@code .} or {@code \} inside a label, are written as
 * {@code \DDD} / {@code \.} / {@code \\} (the master-file escapes), so a decoded name
 * never equals a query name that was not built from the same bytes.
 */
final class DnsCodec {
    static final int HEADER_BYTES = 12;
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_LABEL_BYTES = 63;
    /** The longest name in text form without a trailing dot (255 wire bytes). */
    static final int MAX_TEXT_NAME = 253;
    static final int MAX_POINTERS = 64;
    /** A query never needs more: header, a 255-byte name, type, class and an OPT record. */
    static final int MAX_QUERY_BYTES = HEADER_BYTES + MAX_NAME_BYTES + 4 + 11;

    static final int TYPE_A = 1;
    static final int TYPE_NS = 2;
    static final int TYPE_CNAME = 5;
    static final int TYPE_SOA = 6;
    static final int TYPE_AAAA = 28;
    static final int TYPE_OPT = 41;
    static final int CLASS_IN = 1;

    static final int FLAG_QR = 0x8000;
    static final int FLAG_AA = 0x0400;
    static final int FLAG_TC = 0x0200;
    static final int FLAG_RD = 0x0100;
    static final int FLAG_RA = 0x0080;

    static final int RCODE_NOERROR = 0;
    static final int RCODE_FORMERR = 1;
    static final int RCODE_SERVFAIL = 2;
    static final int RCODE_NXDOMAIN = 3;
    static final int RCODE_NOTIMP = 4;
    static final int RCODE_REFUSED = 5;

    private DnsCodec() {
    }

    // ------------------------------------------------------------------ names

    /**
     * Checks a host name in text form (no trailing dot) for use in a query: 1..253
     * characters, labels of 1..63 printable ASCII characters other than {@code \}.
     *
     * @return null when the name is usable, else why not
     */
    static String checkName(String name) {
        int n = name.length();
        if (n == 0) {
            return "empty name";
        }
        if (n > MAX_TEXT_NAME) {
            return "longer than 253 characters";
        }
        int labelStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i == n ? '.' : name.charAt(i);
            if (c == '.') {
                int label = i - labelStart;
                if (label == 0) {
                    return "empty label at offset " + i;
                }
                if (label > MAX_LABEL_BYTES) {
                    return "label longer than 63 characters at offset " + labelStart;
                }
                labelStart = i + 1;
            } else if (c <= 0x20 || c >= 0x7F || c == '\\') {
                return "character 0x" + Integer.toHexString(c) + " at offset " + i;
            }
        }
        return null;
    }

    /**
     * Compares two names in text form: ASCII case-insensitive (RFC 4343), a trailing dot
     * ignored.
     */
    static boolean sameName(String a, String b) {
        int na = a.length();
        int nb = b.length();
        if (na > 0 && a.charAt(na - 1) == '.') {
            na--;
        }
        if (nb > 0 && b.charAt(nb - 1) == '.') {
            nb--;
        }
        if (na != nb) {
            return false;
        }
        for (int i = 0; i < na; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    // ------------------------------------------------------------------ encoding

    /**
     * Writes a recursive query (RD set) for one question.
     *
     * @param out at least {@link #MAX_QUERY_BYTES} bytes
     * @param id the query id, 0..65535
     * @param name a name that passed {@link #checkName}
     * @param qtype the question type
     * @param ednsUdpSize 0 for a plain RFC 1035 query; else the UDP payload size to
     *     advertise in an OPT record (RFC 6891)
     * @return the message length
     */
    static int encodeQuery(byte[] out, int id, String name, int qtype, int ednsUdpSize) {
        int p = 0;
        p = put16(out, p, id);
        p = put16(out, p, FLAG_RD);
        p = put16(out, p, 1);
        p = put16(out, p, 0);
        p = put16(out, p, 0);
        p = put16(out, p, ednsUdpSize > 0 ? 1 : 0);
        int labelStart = 0;
        int n = name.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || name.charAt(i) == '.') {
                out[p++] = (byte) (i - labelStart);
                for (int k = labelStart; k < i; k++) {
                    out[p++] = (byte) name.charAt(k);
                }
                labelStart = i + 1;
            }
        }
        out[p++] = 0;
        p = put16(out, p, qtype);
        p = put16(out, p, CLASS_IN);
        if (ednsUdpSize > 0) {
            out[p++] = 0;                    // owner: the root
            p = put16(out, p, TYPE_OPT);
            p = put16(out, p, ednsUdpSize);  // class: the payload size
            p = put16(out, p, 0);            // ttl: extended rcode, version 0
            p = put16(out, p, 0);            //      flags (DO clear)
            p = put16(out, p, 0);            // no options
        }
        return p;
    }

    private static int put16(byte[] out, int p, int v) {
        out[p] = (byte) (v >>> 8);
        out[p + 1] = (byte) v;
        return p + 2;
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Reads only the header and the question, for deciding whether a datagram answers our
     * query before decoding the rest.
     *
     * @return true when the bytes are a response (QR set, opcode QUERY) with this id and
     *     exactly one question that equals ours (name case-insensitively, type, class IN)
     */
    static boolean answersQuery(byte[] b, int off, int len, int id, String name, int qtype) {
        if (len < HEADER_BYTES || u16(b, off) != id) {
            return false;
        }
        int flags = u16(b, off + 2);
        if ((flags & FLAG_QR) == 0 || ((flags >>> 11) & 0xF) != 0 || u16(b, off + 4) != 1) {
            return false;
        }
        int end = off + len;
        int after = matchName(b, off, end, off + HEADER_BYTES, name);
        return after >= 0 && after <= end - 4 && u16(b, after) == qtype && u16(b, after + 2) == CLASS_IN;
    }

    /**
     * Compares the wire name at {@code pos} with a text name without building a string
     * (same case and escape rules as {@link #sameName}, same pointer rules as decoding).
     *
     * @return the offset after the name's in-place bytes, or -1 when it differs or is malformed
     */
    private static int matchName(byte[] b, int base, int end, int pos, String name) {
        int n = name.length();
        if (n > 0 && name.charAt(n - 1) == '.') {
            n--;
        }
        int t = 0;
        int p = pos;
        int lowest = pos;
        int hops = 0;
        int wire = 0;
        int after = -1;
        for (;;) {
            if (p >= end) {
                return -1;
            }
            int len = b[p] & 0xFF;
            if (len == 0) {
                return t == n ? (after < 0 ? p + 1 : after) : -1;
            }
            if ((len & 0xC0) == 0xC0) {
                if (p + 1 >= end) {
                    return -1;
                }
                int target = base + (((len & 0x3F) << 8) | (b[p + 1] & 0xFF));
                if (target >= lowest || ++hops > MAX_POINTERS) {
                    return -1;
                }
                if (after < 0) {
                    after = p + 2;
                }
                lowest = target;
                p = target;
                continue;
            }
            wire += 1 + len;
            if ((len & 0xC0) != 0 || wire + 1 > MAX_NAME_BYTES || p + 1 + len > end) {
                return -1;
            }
            if (t > 0) {
                if (t >= n || name.charAt(t) != '.') {
                    return -1;
                }
                t++;
            }
            for (int i = p + 1; i <= p + len; i++) {
                int c = b[i] & 0xFF;
                if (t >= n || c <= 0x20 || c >= 0x7F || c == '.' || c == '\\' || lower((char) c) != lower(name.charAt(t))) {
                    return -1;
                }
                t++;
            }
            p += 1 + len;
        }
    }

    /**
     * Decodes a whole message.
     *
     * @param b the bytes
     * @param off where the message starts (compression offsets are relative to it)
     * @param len its length
     * @return the message
     * @throws DnsFormatException when the bytes are not a well-formed message
     */
    static DnsMessage decode(byte[] b, int off, int len) throws DnsFormatException {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IllegalArgumentException("off=" + off + ", len=" + len + ", length=" + b.length);
        }
        if (len < HEADER_BYTES) {
            throw new DnsFormatException("shorter than a header: length=" + len);
        }
        Reader r = new Reader(b, off, off + len);
        int id = r.u16();
        int flags = r.u16();
        int qd = r.u16();
        int an = r.u16();
        int ns = r.u16();
        int ar = r.u16();
        String qname = null;
        int qtype = 0;
        int qclass = 0;
        for (int i = 0; i < qd; i++) {
            String name = r.name();
            int type = r.u16();
            int cls = r.u16();
            if (i == 0) {
                qname = name;
                qtype = type;
                qclass = cls;
            }
        }
        List<DnsRecord> answers = new ArrayList<>(Math.min(an, 64));
        for (int i = 0; i < an; i++) {
            answers.add(r.record());
        }
        List<DnsRecord> authority = new ArrayList<>(Math.min(ns, 8));
        for (int i = 0; i < ns; i++) {
            authority.add(r.record());
        }
        int edns = 0;
        for (int i = 0; i < ar; i++) {
            DnsRecord record = r.record();
            if (record.type == TYPE_OPT) {
                edns = Math.max(512, record.rclass);
            }
        }
        return new DnsMessage(id, flags, qd, qname, qtype, qclass, answers, authority, edns);
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    /** A bounds-checked cursor over one message. */
    private static final class Reader {
        private final byte[] b;
        private final int base;
        private final int end;
        int pos;
        private final StringBuilder text = new StringBuilder(64);
        // Names already decoded, by the offset they start at: most answer names are a
        // pointer to the question's name.
        private final int[] memoAt = new int[4];
        private final String[] memo = new String[4];
        private int memoCount;

        Reader(byte[] b, int base, int end) {
            this.b = b;
            this.base = base;
            this.end = end;
            this.pos = base;
        }

        int u16() throws DnsFormatException {
            need(2);
            int v = DnsCodec.u16(b, pos);
            pos += 2;
            return v;
        }

        long u32() throws DnsFormatException {
            need(4);
            long v = ((long) DnsCodec.u16(b, pos) << 16) | DnsCodec.u16(b, pos + 2);
            pos += 4;
            return v;
        }

        private void need(int n) throws DnsFormatException {
            if (pos > end - n) {
                throw new DnsFormatException("truncated at offset " + (pos - base) + ": need " + n + " more bytes");
            }
        }

        /** Reads the name at {@code pos}, following compression pointers; moves past its in-place bytes. */
        String name() throws DnsFormatException {
            int start = pos;
            if (start < end - 1 && (b[start] & 0xC0) == 0xC0) {
                int target = base + (((b[start] & 0x3F) << 8) | (b[start + 1] & 0xFF));
                for (int i = 0; i < memoCount; i++) {
                    if (memoAt[i] == target && target < start) {
                        pos = start + 2;
                        return memo[i];
                    }
                }
            }
            text.setLength(0);
            int p = start;
            int lowest = start;   // every pointer must point below every place read so far
            int hops = 0;
            int wire = 0;
            boolean jumped = false;
            for (;;) {
                if (p >= end) {
                    throw new DnsFormatException("name runs past the end at offset " + (p - base));
                }
                int len = b[p] & 0xFF;
                if (len == 0) {
                    if (!jumped) {
                        pos = p + 1;
                    }
                    break;
                }
                int kind = len & 0xC0;
                if (kind == 0xC0) {
                    if (p + 1 >= end) {
                        throw new DnsFormatException("compression pointer cut off at offset " + (p - base));
                    }
                    int target = base + (((len & 0x3F) << 8) | (b[p + 1] & 0xFF));
                    if (target >= lowest) {
                        throw new DnsFormatException("compression pointer at offset " + (p - base)
                            + " does not point backwards (loop): target=" + (target - base));
                    }
                    if (++hops > MAX_POINTERS) {
                        throw new DnsFormatException("more than " + MAX_POINTERS + " compression pointers in one name");
                    }
                    if (!jumped) {
                        pos = p + 2;
                        jumped = true;
                    }
                    lowest = target;
                    p = target;
                    continue;
                }
                if (kind != 0) {
                    throw new DnsFormatException("reserved label type 0x" + Integer.toHexString(kind) + " at offset " + (p - base));
                }
                wire += 1 + len;
                if (wire + 1 > MAX_NAME_BYTES) {
                    throw new DnsFormatException("name longer than 255 bytes at offset " + (start - base));
                }
                if (p + 1 + len > end) {
                    throw new DnsFormatException("label runs past the end at offset " + (p - base));
                }
                if (text.length() > 0) {
                    text.append('.');
                }
                appendLabel(p + 1, len);
                p += 1 + len;
            }
            String name = text.toString();
            if (memoCount < memoAt.length) {
                memoAt[memoCount] = start;
                memo[memoCount++] = name;
            }
            return name;
        }

        private void appendLabel(int from, int len) {
            for (int i = from; i < from + len; i++) {
                int c = b[i] & 0xFF;
                if (c == '.' || c == '\\') {
                    text.append('\\').append((char) c);
                } else if (c <= 0x20 || c >= 0x7F) {
                    text.append('\\').append((char) ('0' + c / 100)).append((char) ('0' + c / 10 % 10)).append((char) ('0' + c % 10));
                } else {
                    text.append((char) c);
                }
            }
        }

        DnsRecord record() throws DnsFormatException {
            String name = name();
            int type = u16();
            int cls = u16();
            long ttl = u32();
            if (ttl > Integer.MAX_VALUE) {
                ttl = 0; // RFC 2181 section 8: a TTL with the top bit set counts as zero
            }
            int rdlength = u16();
            need(rdlength);
            int rdEnd = pos + rdlength;
            byte[] address = null;
            String target = null;
            long soaMinimum = -1;
            if ((type == TYPE_A || type == TYPE_AAAA) && cls == CLASS_IN) {
                int want = type == TYPE_A ? 4 : 16;
                if (rdlength != want) {
                    throw new DnsFormatException(typeName(type) + " record with " + rdlength + " data bytes at offset "
                        + (pos - base));
                }
                address = new byte[want];
                System.arraycopy(b, pos, address, 0, want);
                pos = rdEnd;
            } else if (type == TYPE_CNAME) {
                target = name();
                expectEnd(rdEnd, type);
            } else if (type == TYPE_SOA) {
                name(); // MNAME
                name(); // RNAME
                u32();  // SERIAL
                u32();  // REFRESH
                u32();  // RETRY
                u32();  // EXPIRE
                soaMinimum = u32();
                if (soaMinimum > Integer.MAX_VALUE) {
                    soaMinimum = 0;
                }
                expectEnd(rdEnd, type);
            } else {
                pos = rdEnd;
            }
            return new DnsRecord(name, type, cls, ttl, address, target, soaMinimum);
        }

        private void expectEnd(int rdEnd, int type) throws DnsFormatException {
            if (pos != rdEnd) {
                throw new DnsFormatException(typeName(type) + " data does not match its length at offset " + (rdEnd - base));
            }
        }
    }

    // ------------------------------------------------------------------ names of numbers

    static String typeName(int type) {
        switch (type) {
            case TYPE_A: return "A";
            case TYPE_NS: return "NS";
            case TYPE_CNAME: return "CNAME";
            case TYPE_SOA: return "SOA";
            case TYPE_AAAA: return "AAAA";
            case TYPE_OPT: return "OPT";
            default: return "TYPE" + type;
        }
    }

    static String rcodeName(int rcode) {
        switch (rcode) {
            case RCODE_NOERROR: return "NOERROR";
            case RCODE_FORMERR: return "FORMERR";
            case RCODE_SERVFAIL: return "SERVFAIL";
            case RCODE_NXDOMAIN: return "NXDOMAIN";
            case RCODE_NOTIMP: return "NOTIMP";
            case RCODE_REFUSED: return "REFUSED";
            default: return "RCODE" + rcode;
        }
    }
}
