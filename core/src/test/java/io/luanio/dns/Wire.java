package io.luanio.dns;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Builds DNS messages byte by byte for the codec tests, independently of the codec: plain
 * labels, raw compression pointers, arbitrary lengths.
 */
final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Wire header(int id, int flags, int qd, int an, int ns, int ar) {
        return new Wire().u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }

    /** A standard response header: QR, RD, RA and the rcode. */
    static Wire response(int id, int rcode, int qd, int an, int ns, int ar) {
        return header(id, 0x8180 | rcode, qd, an, ns, ar);
    }

    Wire u8(int v) {
        out.write(v);
        return this;
    }

    Wire u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    Wire u32(long v) {
        return u16((int) (v >>> 16)).u16((int) v);
    }

    Wire bytes(byte... b) {
        out.write(b, 0, b.length);
        return this;
    }

    /** Labels of a dotted name, then the root (no compression). */
    Wire name(String dotted) {
        labels(dotted);
        return u8(0);
    }

    /** Labels of a dotted name without the terminating root (to end in a pointer). */
    Wire labels(String dotted) {
        if (!dotted.isEmpty()) {
            for (String label : dotted.split("\\.")) {
                u8(label.length());
                for (char c : label.toCharArray()) {
                    u8(c);
                }
            }
        }
        return this;
    }

    Wire pointer(int offset) {
        return u16(0xC000 | offset);
    }

    Wire question(String name, int type) {
        return name(name).u16(type).u16(1);
    }

    /** An A record owned by the name at {@code ownerOffset}. */
    Wire a(int ownerOffset, long ttl, int a, int b, int c, int d) {
        return pointer(ownerOffset).u16(1).u16(1).u32(ttl).u16(4).u8(a).u8(b).u8(c).u8(d);
    }

    Wire aaaa(int ownerOffset, long ttl, byte[] address) {
        return pointer(ownerOffset).u16(28).u16(1).u32(ttl).u16(16).bytes(address);
    }

    /** A CNAME record owned by the name at {@code ownerOffset}, target written in full. */
    Wire cname(int ownerOffset, long ttl, String target) {
        int length = target.isEmpty() ? 1 : target.length() + 2;
        return pointer(ownerOffset).u16(5).u16(1).u32(ttl).u16(length).name(target);
    }

    /** An SOA in the authority section, owned by the name at {@code ownerOffset}. */
    Wire soa(int ownerOffset, long ttl, long minimum) {
        int length = 2 + 2 + 20;
        return pointer(ownerOffset).u16(6).u16(1).u32(ttl).u16(length)
            .pointer(ownerOffset).pointer(ownerOffset).u32(1).u32(7200).u32(900).u32(1209600).u32(minimum);
    }

    Wire opt(int udpSize) {
        return u8(0).u16(41).u16(udpSize).u32(0).u16(0);
    }

    int position() {
        return out.size();
    }

    byte[] build() {
        return out.toByteArray();
    }

    static byte[] prefix(byte[] b, int n) {
        return Arrays.copyOf(b, n);
    }
}
