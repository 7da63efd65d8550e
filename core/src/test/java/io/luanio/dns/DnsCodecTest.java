package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The wire codec on hand-built and hostile bytes: no socket anywhere. */
class DnsCodecTest {
    private static final int Q = 12; // offset of the question name in every message here

    /** www.example.com A: 192.0.2.1 and 192.0.2.2, names compressed to the question. */
    static byte[] twoAddresses(int id) {
        return Wire.response(id, 0, 1, 2, 0, 0).question("www.example.com", 1)
            .a(Q, 300, 192, 0, 2, 1).a(Q, 60, 192, 0, 2, 2).build();
    }

    private static DnsMessage decode(byte[] b) throws DnsFormatException {
        return DnsCodec.decode(b, 0, b.length);
    }

    private static DnsFormatException rejects(byte[] b) {
        return assertThrows(DnsFormatException.class, () -> decode(b));
    }

    // ------------------------------------------------------------------ encoding

    @Test
    void encodesAPlainQuery() {
        byte[] out = new byte[DnsCodec.MAX_QUERY_BYTES];
        int n = DnsCodec.encodeQuery(out, 0xBEEF, "www.example.com", DnsCodec.TYPE_A, 0);
        byte[] expected = Wire.header(0xBEEF, 0x0100, 1, 0, 0, 0).question("www.example.com", 1).build();
        assertArrayEquals(expected, Arrays.copyOf(out, n));
    }

    @Test
    void encodesAnEdnsQueryWithItsOptRecord() {
        byte[] out = new byte[DnsCodec.MAX_QUERY_BYTES];
        int n = DnsCodec.encodeQuery(out, 7, "example.org", DnsCodec.TYPE_AAAA, 1232);
        byte[] expected = Wire.header(7, 0x0100, 1, 0, 0, 1).question("example.org", 28).opt(1232).build();
        assertArrayEquals(expected, Arrays.copyOf(out, n));
    }

    @Test
    void theLongestNameFitsTheQueryBuffer() {
        String label = "a".repeat(63);
        String name = label + "." + label + "." + label + "." + "b".repeat(61); // 253 characters
        assertNull(DnsCodec.checkName(name));
        byte[] out = new byte[DnsCodec.MAX_QUERY_BYTES];
        int n = DnsCodec.encodeQuery(out, 1, name, DnsCodec.TYPE_A, 65535);
        assertEquals(DnsCodec.MAX_QUERY_BYTES, n);
    }

    @Test
    void aQueryDecodesToItsQuestion() throws Exception {
        byte[] out = new byte[DnsCodec.MAX_QUERY_BYTES];
        int n = DnsCodec.encodeQuery(out, 4242, "Mixed.Case.Example", DnsCodec.TYPE_AAAA, 512);
        DnsMessage m = DnsCodec.decode(out, 0, n);
        assertEquals(4242, m.id);
        assertFalse(m.isResponse());
        assertEquals("Mixed.Case.Example", m.questionName);
        assertEquals(DnsCodec.TYPE_AAAA, m.questionType);
        assertEquals(512, m.ednsUdpSize);
    }

    @Test
    void checkNameRefusesWhatCannotBeSent() {
        assertNull(DnsCodec.checkName("a"));
        assertNull(DnsCodec.checkName("_sip._udp.example.com"));
        assertNotNull(DnsCodec.checkName(""));
        assertNotNull(DnsCodec.checkName("a..b"));
        assertNotNull(DnsCodec.checkName(".a"));
        assertNotNull(DnsCodec.checkName("a".repeat(64) + ".com"));
        assertNotNull(DnsCodec.checkName("a b.com"));
        assertNotNull(DnsCodec.checkName("a\\.b"));
        assertNotNull(DnsCodec.checkName("ex\u00e4mple.com"));
        assertNotNull(DnsCodec.checkName("a.".repeat(127) + "a")); // 255 characters
    }

    @Test
    void namesCompareCaseInsensitivelyIgnoringTheTrailingDot() {
        assertTrue(DnsCodec.sameName("WWW.Example.COM", "www.example.com."));
        assertTrue(DnsCodec.sameName("", "."));
        assertFalse(DnsCodec.sameName("www.example.com", "www.example.co"));
        assertFalse(DnsCodec.sameName("a-b", "a\u00c0b"));
    }

    // ------------------------------------------------------------------ decoding

    @Test
    void decodesCompressedAnswers() throws Exception {
        DnsMessage m = decode(twoAddresses(0x1234));
        assertEquals(0x1234, m.id);
        assertTrue(m.isResponse());
        assertEquals("www.example.com", m.questionName);
        assertEquals(2, m.answers.size());
        assertEquals("www.example.com", m.answers.get(0).name);
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, m.answers.get(0).address);
        assertEquals(60, m.answers.get(1).ttl);
    }

    @Test
    void followsAChainOfBackwardPointers() throws Exception {
        // Question "example.com"; answer owner "www" + pointer to it; CNAME target
        // "edge" + pointer to the answer owner (two hops back).
        Wire w = Wire.response(1, 0, 1, 1, 0, 0).question("example.com", 1);
        int owner = w.position();
        w.labels("www").pointer(Q).u16(5).u16(1).u32(60).u16(7).labels("edge").pointer(owner);
        DnsMessage m = decode(w.build());
        assertEquals("www.example.com", m.answers.get(0).name);
        assertEquals("edge.www.example.com", m.answers.get(0).target);
    }

    @Test
    void aPointerToItselfIsALoop() {
        byte[] b = Wire.response(1, 0, 1, 0, 0, 0).pointer(Q).u16(1).u16(1).build();
        assertTrue(rejects(b).getMessage().contains("loop"));
    }

    @Test
    void twoNamesPointingAtEachOtherAreALoop() {
        // offset 12: label "a" then a pointer to 17; offset 17: label "b" then a pointer to 12.
        byte[] b = Wire.response(1, 0, 1, 0, 0, 0).labels("a").pointer(17).labels("b").pointer(Q).u16(1).u16(1).build();
        rejects(b);
        // The same loop reached from an answer's owner name.
        byte[] c = Wire.response(1, 0, 1, 1, 0, 0).question("x", 1).labels("a").pointer(Q + 7 + 4)
            .labels("b").pointer(Q + 7).build();
        rejects(c);
    }

    @Test
    void aLoopThatSkipsOverItsOwnPointerIsCaught() {
        // offset 12: a 10-byte label that covers offset 13..22, then at 23 a pointer back
        // to 12: reading from 12 again would jump past 23 forever.
        Wire w = Wire.response(1, 0, 1, 0, 0, 0).u8(10).bytes("abcdefghij".getBytes()).pointer(Q);
        assertTrue(rejects(w.build()).getMessage().contains("loop"));
    }

    @Test
    void forwardAndOutOfRangePointersAreRefused() {
        assertTrue(rejects(Wire.response(1, 0, 1, 0, 0, 0).pointer(Q + 6).u16(1).u16(1).u8(0).build())
            .getMessage().contains("backwards"));
        rejects(Wire.response(1, 0, 1, 0, 0, 0).pointer(0x3FFF).u16(1).u16(1).build());
        rejects(Wire.response(1, 0, 1, 0, 0, 0).u8(0xC0).build()); // cut in half
    }

    @Test
    void reservedLabelTypesAndOversizedLabelsAreRefused() {
        // 0x40 (64): "extended label", and any length 64..191 is not a plain label.
        byte[] b64 = Wire.response(1, 0, 1, 0, 0, 0).u8(64).bytes(new byte[64]).u8(0).u16(1).u16(1).build();
        assertTrue(rejects(b64).getMessage().contains("reserved"));
        rejects(Wire.response(1, 0, 1, 0, 0, 0).u8(0x80).u8(0).u16(1).u16(1).build());
        // 63 is the longest label and is fine.
        Wire ok = Wire.response(1, 0, 1, 0, 0, 0).u8(63);
        for (int i = 0; i < 63; i++) {
            ok.u8('x');
        }
        ok.u8(0).u16(1).u16(1);
        try {
            assertEquals(63, decode(ok.build()).questionName.length());
        } catch (DnsFormatException e) {
            fail(e);
        }
    }

    @Test
    void namesOver255BytesAreRefused() {
        Wire w = Wire.response(1, 0, 1, 0, 0, 0);
        for (int i = 0; i < 5; i++) {
            w.u8(63).bytes(new byte[63]); // 5 * 64 = 320 bytes
        }
        w.u8(0).u16(1).u16(1);
        assertTrue(rejects(w.build()).getMessage().contains("255"));
        // The same length reached through pointers: each name adds a label to the previous.
        Wire p = Wire.response(1, 0, 1, 5, 0, 0).question("a".repeat(60), 1);
        int prev = Q;
        for (int i = 0; i < 5; i++) {
            int at = p.position();
            p.u8(60).bytes(new byte[60]).pointer(prev).u16(1).u16(1).u32(1).u16(4).u32(0);
            prev = at;
        }
        rejects(p.build());
    }

    @Test
    void everyTruncationOfAResponseIsRefused() {
        byte[] full = Wire.response(9, 0, 1, 3, 1, 1).question("alias.example.com", 1)
            .cname(Q, 30, "real.example.com").a(Q, 30, 10, 0, 0, 1).a(Q, 30, 10, 0, 0, 2)
            .soa(Q, 60, 30).opt(1232).build();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            decode(full);
            for (int n = 0; n < full.length; n++) {
                byte[] cut = Wire.prefix(full, n);
                rejects(cut);
            }
        });
    }

    @Test
    void recordDataMustMatchItsType() {
        rejects(Wire.response(1, 0, 1, 1, 0, 0).question("x", 1)
            .pointer(Q).u16(1).u16(1).u32(1).u16(5).bytes(new byte[5]).build()); // A with 5 bytes
        rejects(Wire.response(1, 0, 1, 1, 0, 0).question("x", 28)
            .pointer(Q).u16(28).u16(1).u32(1).u16(4).bytes(new byte[4]).build()); // AAAA with 4
        rejects(Wire.response(1, 0, 1, 1, 0, 0).question("x", 1)
            .pointer(Q).u16(5).u16(1).u32(1).u16(7).name("y").u32(0).build()); // CNAME longer than its name
        rejects(Wire.response(1, 0, 1, 1, 0, 0).question("x", 1)
            .pointer(Q).u16(1).u16(1).u32(1).u16(400).bytes(new byte[4]).build()); // rdlength past the end
    }

    @Test
    void oddBytesInLabelsAreEscapedAndNeverMatchAPlainName() throws Exception {
        byte[] b = Wire.response(1, 0, 1, 0, 0, 0).u8(3).bytes(new byte[] {'a', '.', 'b'}).u8(2).bytes(new byte[] {0, '\\'})
            .u8(0).u16(1).u16(1).build();
        DnsMessage m = decode(b);
        assertEquals("a\\.b.\\000\\\\", m.questionName);
        assertFalse(DnsCodec.sameName(m.questionName, "a.b"));
    }

    @Test
    void ttlsWithTheTopBitSetCountAsZero() throws Exception {
        byte[] b = Wire.response(1, 0, 1, 1, 0, 0).question("x", 1).a(Q, 0x80000000L, 1, 2, 3, 4).build();
        assertEquals(0, decode(b).answers.get(0).ttl);
    }

    @Test
    void unknownRecordTypesAreSkipped() throws Exception {
        byte[] b = Wire.response(1, 0, 1, 2, 0, 0).question("x", 1)
            .pointer(Q).u16(16).u16(1).u32(5).u16(3).bytes(new byte[] {2, 'h', 'i'}) // TXT
            .a(Q, 5, 1, 2, 3, 4).build();
        DnsMessage m = decode(b);
        assertEquals(2, m.answers.size());
        assertNull(m.answers.get(0).address);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, m.answers.get(1).address);
    }

    // ------------------------------------------------------------------ matching a response to the query

    @Test
    void onlyTheAnswerToOurQuestionIsAccepted() {
        byte[] good = twoAddresses(77);
        assertTrue(DnsCodec.answersQuery(good, 0, good.length, 77, "www.example.com", DnsCodec.TYPE_A));
        assertTrue(DnsCodec.answersQuery(good, 0, good.length, 77, "WWW.EXAMPLE.COM", DnsCodec.TYPE_A));
        assertFalse(DnsCodec.answersQuery(good, 0, good.length, 78, "www.example.com", DnsCodec.TYPE_A), "wrong id");
        assertFalse(DnsCodec.answersQuery(good, 0, good.length, 77, "www.example.org", DnsCodec.TYPE_A), "wrong name");
        assertFalse(DnsCodec.answersQuery(good, 0, good.length, 77, "www.example.com", DnsCodec.TYPE_AAAA), "wrong type");
        byte[] query = Wire.header(77, 0x0100, 1, 0, 0, 0).question("www.example.com", 1).build();
        assertFalse(DnsCodec.answersQuery(query, 0, query.length, 77, "www.example.com", DnsCodec.TYPE_A), "not a response");
        byte[] notify = Wire.header(77, 0x8000 | (4 << 11), 1, 0, 0, 0).question("www.example.com", 1).build();
        assertFalse(DnsCodec.answersQuery(notify, 0, notify.length, 77, "www.example.com", DnsCodec.TYPE_A), "opcode");
        byte[] two = Wire.response(77, 0, 2, 0, 0, 0).question("www.example.com", 1).question("x", 1).build();
        assertFalse(DnsCodec.answersQuery(two, 0, two.length, 77, "www.example.com", DnsCodec.TYPE_A), "two questions");
        byte[] chaos = Wire.response(77, 0, 1, 0, 0, 0).name("www.example.com").u16(1).u16(3).build();
        assertFalse(DnsCodec.answersQuery(chaos, 0, chaos.length, 77, "www.example.com", DnsCodec.TYPE_A), "class CH");
        assertFalse(DnsCodec.answersQuery(good, 0, 11, 77, "www.example.com", DnsCodec.TYPE_A), "short");
        assertFalse(DnsCodec.answersQuery(good, 0, 20, 77, "www.example.com", DnsCodec.TYPE_A), "cut question");
        byte[] dotted = Wire.response(77, 0, 1, 0, 0, 0).u8(3).bytes(new byte[] {'a', '.', 'b'}).u8(0).u16(1).u16(1).build();
        assertFalse(DnsCodec.answersQuery(dotted, 0, dotted.length, 77, "a.b", DnsCodec.TYPE_A), "a dot inside a label");
        byte[] longer = Wire.response(77, 0, 1, 0, 0, 0).question("www.example.com.evil", 1).build();
        assertFalse(DnsCodec.answersQuery(longer, 0, longer.length, 77, "www.example.com", DnsCodec.TYPE_A), "a longer name");
        byte[] shorter = Wire.response(77, 0, 1, 0, 0, 0).question("www.example", 1).build();
        assertFalse(DnsCodec.answersQuery(shorter, 0, shorter.length, 77, "www.example.com", DnsCodec.TYPE_A), "a shorter name");
        byte[] root = Wire.response(77, 0, 1, 0, 0, 0).question("", 1).build();
        assertTrue(DnsCodec.answersQuery(root, 0, root.length, 77, "", DnsCodec.TYPE_A), "the root");
        byte[] looped = Wire.response(77, 0, 1, 0, 0, 0).pointer(12).u16(1).u16(1).build();
        assertFalse(DnsCodec.answersQuery(looped, 0, looped.length, 77, "www.example.com", DnsCodec.TYPE_A), "a pointer loop");
    }

    // ------------------------------------------------------------------ fuzzing

    @Test
    void randomGarbageNeverEscapesAsAnythingButAFormatError() {
        SplittableRandom random = new SplittableRandom(20240601);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int decoded = 0;
            for (int i = 0; i < 200_000; i++) {
                byte[] b = new byte[random.nextInt(0, 600)];
                for (int k = 0; k < b.length; k++) {
                    b[k] = (byte) random.nextInt(256);
                }
                if (b.length >= 6 && random.nextBoolean()) {
                    b[4] = 0; // small counts make deeper parsing likely
                    b[5] = (byte) random.nextInt(3);
                    if (b.length >= 12) {
                        b[6] = 0;
                        b[7] = (byte) random.nextInt(4);
                        b[8] = 0;
                        b[9] = (byte) random.nextInt(2);
                        b[10] = 0;
                        b[11] = (byte) random.nextInt(2);
                    }
                }
                decoded += tryDecode(b);
                DnsCodec.answersQuery(b, 0, b.length, 1, "www.example.com", DnsCodec.TYPE_A);
            }
            assertTrue(decoded > 0, "some random messages should decode");
        });
    }

    @Test
    void mutatedResponsesNeverEscapeAsAnythingButAFormatError() {
        byte[] base = Wire.response(9, 0, 1, 3, 1, 1).question("alias.example.com", 1)
            .cname(Q, 30, "real.example.com").a(Q, 30, 10, 0, 0, 1).a(Q, 30, 10, 0, 0, 2)
            .soa(Q, 60, 30).opt(1232).build();
        SplittableRandom random = new SplittableRandom(42);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 200_000; i++) {
                byte[] b = base.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                tryDecode(b);
                DnsCodec.answersQuery(b, 0, b.length, 9, "alias.example.com", DnsCodec.TYPE_A);
            }
        });
    }

    private static int tryDecode(byte[] b) {
        try {
            DnsMessage m = DnsCodec.decode(b, 0, b.length);
            if (m.questionName != null) {
                DnsAnswer.of(m, m.questionName, DnsCodec.TYPE_A);
            }
            return 1;
        } catch (DnsFormatException e) {
            return 0;
        }
    }
}
