package io.luanio.tls;

import java.io.ByteArrayOutputStream;

/**
 * The little DER that key parsing needs: walk the elements of a definite-length encoding,
 * and write SEQUENCE / INTEGER / OCTET STRING / OID elements back. Lengths up to 2^31-1;
 * no indefinite lengths (DER has none), no multi-byte tags (keys do not use them).
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** Context-specific, constructed, tag number 0 / 1: {@code [0]}, {@code [1]}. */
    static final int CONTEXT_0 = 0xA0;
    static final int CONTEXT_1 = 0xA1;

    private Der() {
    }

    /** A malformed encoding; the message says where. */
    static final class DerException extends Exception {
        private static final long serialVersionUID = 1L;

        DerException(String message) {
            super(message);
        }
    }

    /** One element: its tag and where its contents lie in the input. */
    static final class Element {
        final byte[] in;
        final int tag;
        /** Offset of the element's first byte (its tag). */
        final int start;
        /** Offset of its contents. */
        final int offset;
        final int length;

        Element(byte[] in, int tag, int start, int offset, int length) {
            this.in = in;
            this.tag = tag;
            this.start = start;
            this.offset = offset;
            this.length = length;
        }

        /** @return the contents of this element as a reader of nested elements */
        Reader contents() {
            return new Reader(in, offset, offset + length);
        }

        /** @return a copy of the contents */
        byte[] value() {
            byte[] out = new byte[length];
            System.arraycopy(in, offset, out, 0, length);
            return out;
        }

        /** @return a copy of the whole element (tag, length and contents) */
        byte[] encoded() {
            int end = offset + length;
            byte[] out = new byte[end - start];
            System.arraycopy(in, start, out, 0, out.length);
            return out;
        }

        /** @return the contents read as a small non-negative INTEGER, or -1 when too big */
        int intValue() {
            if (length == 0 || length > 4) {
                return -1;
            }
            int v = 0;
            for (int i = 0; i < length; i++) {
                v = (v << 8) | (in[offset + i] & 0xFF);
            }
            return v;
        }
    }

    /** Reads the elements of one level in order. */
    static final class Reader {
        private final byte[] in;
        private int pos;
        private final int end;

        Reader(byte[] in) {
            this(in, 0, in.length);
        }

        Reader(byte[] in, int from, int to) {
            this.in = in;
            this.pos = from;
            this.end = to;
        }

        boolean hasMore() {
            return pos < end;
        }

        /** @return the next element's tag without consuming it, or -1 at the end */
        int peekTag() {
            return pos < end ? in[pos] & 0xFF : -1;
        }

        Element next() throws DerException {
            if (pos + 2 > end) {
                throw new DerException("truncated DER at byte " + pos);
            }
            int start = pos;
            int tag = in[pos++] & 0xFF;
            if ((tag & 0x1F) == 0x1F) {
                throw new DerException("multi-byte DER tag at byte " + start);
            }
            int first = in[pos++] & 0xFF;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int count = first & 0x7F;
                if (count == 0 || count > 4 || pos + count > end) {
                    throw new DerException("bad DER length at byte " + (pos - 1));
                }
                long l = 0;
                for (int i = 0; i < count; i++) {
                    l = (l << 8) | (in[pos++] & 0xFF);
                }
                if (l > Integer.MAX_VALUE) {
                    throw new DerException("DER length too large at byte " + start);
                }
                length = (int) l;
            }
            if (length > end - pos) {
                throw new DerException("DER element at byte " + start + " runs past its end: length=" + length);
            }
            Element e = new Element(in, tag, start, pos, length);
            pos += length;
            return e;
        }

        /** Reads the next element, which must have this tag. */
        Element next(int expectedTag, String what) throws DerException {
            Element e = next();
            if (e.tag != expectedTag) {
                throw new DerException(what + ": expected DER tag 0x" + Integer.toHexString(expectedTag)
                    + ", found 0x" + Integer.toHexString(e.tag));
            }
            return e;
        }
    }

    // ---------------------------------------------------------------- writing

    /** Encodes one element. */
    static byte[] element(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xFFFFFF ? 4 : length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return element(SEQUENCE, parts);
    }

    static byte[] smallInteger(int value) {
        return element(INTEGER, new byte[] {(byte) value});
    }

    static byte[] octetString(byte[] value) {
        return element(OCTET_STRING, value);
    }

    static byte[] nul() {
        return new byte[] {NULL, 0};
    }

    /** The dotted form of an OID's contents, e.g. {@code "1.2.840.10045.3.1.7"}. */
    static String oidToString(Element oid) {
        StringBuilder sb = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = 0; i < oid.length; i++) {
            int b = oid.in[oid.offset + i] & 0xFF;
            value = (value << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                if (first) {
                    int top = value < 40 ? 0 : value < 80 ? 1 : 2;
                    sb.append(top).append('.').append(value - 40L * top);
                    first = false;
                } else {
                    sb.append('.').append(value);
                }
                value = 0;
            }
        }
        return sb.toString();
    }
}
