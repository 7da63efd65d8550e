package io.luanio.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bad input from the network side of TLS set-up (issue 9): the PEM parser (and the DER
 * reader and key rewrapping under it) fed random text and mutated valid PEM: bits flipped
 * in the base64, base64 characters swapped (valid base64, broken DER), truncations, lost and
 * duplicated lines, RFC 1421 headers, wrong and mismatched labels, huge and short DER
 * lengths, nested and repeated blocks, control and non-ASCII characters. Every case either
 * parses or throws {@link TlsConfigException} with a one-line message that carries no
 * run of the key's base64; nothing else escapes, nothing hangs (a preemptive timeout
 * guards the whole run).
 */
class PemFuzzTest {
    private static final String[] FILES = {"ca.pem", "server.pem", "server-chain.pem", "client.pem", "client-ec.pem",
        "server.key", "client.key", "client.pkcs1.key", "client-ec.key", "client-ec.pkcs8.key", "client-ec-params.key",
        "ec384.sec1.key", "ec384.pkcs8.key", "ed25519.key", "encrypted.pkcs1.key", "encrypted.pkcs8.key"};
    private static final String[] LABELS = {"CERTIFICATE", "X509 CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY",
        "EC PRIVATE KEY", "EC PARAMETERS", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY", "DSA PRIVATE KEY", "", " ",
        "CERTIFICATE REQUEST", "PUBLIC KEY"};

    @Test
    void twentyThousandCases() {
        fuzz(20_000, 20260601L, Duration.ofSeconds(90));
    }

    @Tag("long")
    @Test
    void fiveHundredThousandCases() {
        fuzz(500_000, System.nanoTime(), Duration.ofSeconds(600));
    }

    @Test
    void aDamagedLineInAKeyIsNeverEchoed() {
        String key = resource("client.key");
        String[] lines = key.split("\n");
        String secretLine = lines[3];
        lines[3] = "-----" + secretLine; // dashes glued to a line of the key: it reads as a marker
        String damaged = String.join("\n", lines);
        for (Call call : new Call[] {() -> Pem.privateKey(damaged), () -> Pem.certificates(damaged)}) {
            TlsConfigException e = assertThrows(TlsConfigException.class, call::run);
            assertFalse(leaks(e.getMessage(), secretLine), "the message carries key material: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("PRIVATE KEY block at line 1 "), e.getMessage());
        }
        // A real marker that does not match is still quoted, to help the user.
        String wrongEnd = key.replace("-----END PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----");
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> Pem.privateKey(wrongEnd));
        assertTrue(e.getMessage().contains("\"-----END RSA PRIVATE KEY-----\""), e.getMessage());
    }

    @Test
    void aKeyWhoseLineBreaksWereLostIsNeverEchoed() {
        String key = resource("client.key");
        String oneLine = key.replace("\n", ""); // e.g. pasted into an environment variable
        String glued = resource("ca.pem") + key.replace("-----\nMII", "-----MII"); // the BEGIN line runs into the key
        for (String text : new String[] {oneLine, glued}) {
            for (Call call : new Call[] {() -> Pem.privateKey(text), () -> Pem.certificates(text)}) {
                try {
                    call.run();
                } catch (TlsConfigException e) {
                    assertFalse(leaks(e.getMessage(), body(key)), "the message carries key material: " + e.getMessage());
                }
            }
        }
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> Pem.privateKey(oneLine));
        assertTrue(e.getMessage().contains("line break"), "the message says what is wrong: " + e.getMessage());
    }

    @Test
    void aCertificateNameWithAControlCharacterStaysOnOneLine() throws Exception {
        // The CA certificate with a carriage return in its subject's CN ("l\ranio test CA"): same
        // length, so the DER still parses (nobody checks the signature of a client's own chain).
        String ca = resource("ca.pem");
        byte[] der = Base64.getMimeDecoder().decode(ca.substring(ca.indexOf("-----\n") + 6, ca.indexOf("\n-----END")));
        byte[] name = "luanio test CA".getBytes(StandardCharsets.US_ASCII);
        int subject = -1;
        for (int i = 0; i + name.length <= der.length; i++) {
            if (java.util.Arrays.equals(der, i, i + name.length, name, 0, name.length)) {
                subject = i; // the last match: the subject follows the issuer
            }
        }
        assertTrue(subject > 0);
        der[subject + 1] = '\r';
        String damaged = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END CERTIFICATE-----\n";
        assertTrue(Pem.certificates(damaged).get(0).getSubjectX500Principal().getName().indexOf('\r') > 0);
        TlsConfigException e = assertThrows(TlsConfigException.class,
            () -> new TlsOptions().clientCertificate(damaged, resource("client.key")).validate());
        assertTrue(e.getMessage().startsWith("clientKey does not belong to the client certificate"), e.getMessage());
        assertFalse(e.getMessage().indexOf('\r') >= 0 || e.getMessage().indexOf('\n') >= 0, "one line: " + e.getMessage());
    }

    private static final class Tally {
        int parsed;
        int refused;
        final List<String> violations = new ArrayList<>();
    }

    private void fuzz(int cases, long seed, Duration guard) {
        List<String> valid = new ArrayList<>();
        for (String f : FILES) {
            valid.add(resource(f));
        }
        String certificate = resource("client.pem");
        String key = resource("client.key");
        Tally tally = new Tally();
        long start = System.nanoTime();
        assertTimeoutPreemptively(guard, () -> {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < cases && tally.violations.size() < 5; i++) {
                String base = valid.get(random.nextInt(valid.size()));
                String text = random.nextInt(10) == 0 ? randomText(random) : mutate(base, random, valid);
                String secret = base.contains("PRIVATE KEY") ? body(base) : "";
                check(tally, "case " + i + " (seed " + seed + ") certificates", text, secret, () -> Pem.certificates(text));
                check(tally, "case " + i + " (seed " + seed + ") privateKey", text, secret, () -> Pem.privateKey(text));
                if (i % 8 == 0 && !text.trim().isEmpty()) { // the setters refuse empty text (IllegalArgumentException)
                    boolean keySide = base.contains("PRIVATE KEY");
                    TlsOptions options = keySide ? new TlsOptions().clientCertificate(certificate, text)
                        : new TlsOptions().trustPem(text).clientCertificate(text, key);
                    check(tally, "case " + i + " (seed " + seed + ") validate", text, secret, options::validate);
                }
            }
        });
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tally.violations.isEmpty(), String.join("\n", tally.violations));
        assertTrue(tally.refused > cases, "most mutations are refused: " + tally.refused);
        assertTrue(tally.parsed > 0, "some mutations still parse (comments, swapped text): " + tally.parsed);
        System.out.printf("[reliability] PemFuzzTest: %d cases (%d parser calls) in %d ms: %d parsed, %d refused with"
            + " TlsConfigException (one line, no key material), 0 other exceptions, no hang%n", cases,
            tally.parsed + tally.refused, ms, tally.parsed, tally.refused);
    }

    private interface Call {
        Object run() throws TlsConfigException;
    }

    private static void check(Tally tally, String what, String text, String secret, Call call) {
        try {
            call.run();
            tally.parsed++;
        } catch (TlsConfigException e) {
            tally.refused++;
            String m = e.getMessage();
            if (m == null || m.trim().isEmpty() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
                tally.violations.add(what + ": not a one-line message: " + m + "\ninput: " + text);
            } else if (m.length() > 400) {
                tally.violations.add(what + ": a message of " + m.length() + " chars: " + m);
            } else if (leaks(m, secret)) {
                tally.violations.add(what + ": the message carries key material: " + m);
            }
        } catch (Throwable t) {
            tally.violations.add(what + ": threw " + t + "\ninput: " + text);
        }
    }

    /** Whether the message holds 24 characters in a row of the key's base64. */
    private static boolean leaks(String message, String secret) {
        for (int i = 0; i + 24 <= secret.length(); i += 8) {
            if (message.contains(secret.substring(i, i + 24))) {
                return true;
            }
        }
        return false;
    }

    private static String body(String pem) {
        StringBuilder sb = new StringBuilder();
        for (String line : pem.split("\n")) {
            if (!line.startsWith("-----") && line.indexOf(':') < 0) {
                sb.append(line.trim());
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- inputs

    private static String randomText(SplittableRandom random) {
        byte[] b = new byte[random.nextInt(0, 2000)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        if (random.nextBoolean()) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        String s = new String(b, StandardCharsets.UTF_8);
        return random.nextBoolean() ? "-----BEGIN CERTIFICATE-----\n" + s + "\n-----END CERTIFICATE-----\n" : s;
    }

    private static String mutate(String pem, SplittableRandom random, List<String> valid) {
        String s = pem;
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            switch (random.nextInt(12)) {
                case 0: s = flipBit(s, random); break;
                case 1: s = swapBase64(s, random); break;
                case 2: s = s.substring(0, random.nextInt(s.length() + 1)); break;
                case 3: s = dropOrDuplicateLine(s, random); break;
                case 4: s = addHeaders(s, random); break;
                case 5: s = relabel(s, random); break;
                case 6: s = mutateDer(s, random, true); break;
                case 7: s = mutateDer(s, random, false); break;
                case 8: s = s + valid.get(random.nextInt(valid.size())); break;
                case 9: s = nest(s, valid.get(random.nextInt(valid.size())), random); break;
                case 10: s = insertOdd(s, random); break;
                default: s = s.replace("\n", random.nextBoolean() ? "\r\n" : "\r"); break;
            }
        }
        return s;
    }

    private static String flipBit(String s, SplittableRandom random) {
        if (s.isEmpty()) {
            return s;
        }
        char[] c = s.toCharArray();
        int at = random.nextInt(c.length);
        c[at] = (char) (c[at] ^ (1 << random.nextInt(7)));
        return new String(c);
    }

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** Replaces base64 characters with other base64 characters: still base64, different DER. */
    private static String swapBase64(String s, SplittableRandom random) {
        char[] c = s.toCharArray();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int at = random.nextInt(Math.max(1, c.length));
            if (at < c.length && ALPHABET.indexOf(c[at]) >= 0 && !inMarker(s, at)) {
                c[at] = ALPHABET.charAt(random.nextInt(64));
            }
        }
        return new String(c);
    }

    private static boolean inMarker(String s, int at) {
        int lineStart = s.lastIndexOf('\n', at) + 1;
        return s.startsWith("-----", lineStart) || s.indexOf(':', lineStart) >= 0 && s.indexOf(':', lineStart) < s.indexOf('\n', at);
    }

    private static String dropOrDuplicateLine(String s, SplittableRandom random) {
        List<String> lines = new ArrayList<>(java.util.Arrays.asList(s.split("\n", -1)));
        if (lines.isEmpty()) {
            return s;
        }
        int at = random.nextInt(lines.size());
        if (random.nextBoolean()) {
            lines.remove(at);
        } else {
            lines.add(at, lines.get(at));
        }
        return String.join("\n", lines);
    }

    private static String addHeaders(String s, SplittableRandom random) {
        String[] headers = {"Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF", "Comment: x",
            "Proc-Type: 4,ENCRYPTED\nProc-Type: 4,ENCRYPTED", ": empty name", "X:", "Bag Attributes: localKeyID 01"};
        int end = s.indexOf("-----\n");
        if (end < 0) {
            return s;
        }
        StringBuilder h = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            h.append(headers[random.nextInt(headers.length)]).append('\n');
        }
        return s.substring(0, end + 6) + h + s.substring(end + 6);
    }

    private static String relabel(String s, SplittableRandom random) {
        String label = LABELS[random.nextInt(LABELS.length)];
        if (random.nextBoolean()) {
            return s.replaceFirst("-----BEGIN [^-]*-----", "-----BEGIN " + label + "-----"); // BEGIN and END now differ
        }
        return s.replaceAll("-----(BEGIN|END) [^-]*-----", "-----$1 " + label + "-----");
    }

    /** Decodes the first block's DER, damages it, re-encodes it as valid base64. */
    private static String mutateDer(String s, SplittableRandom random, boolean lengths) {
        int begin = s.indexOf("-----\n");
        int end = s.indexOf("\n-----END");
        if (begin < 0 || end < begin + 6) {
            return s;
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(s.substring(begin + 6, end));
        } catch (IllegalArgumentException e) {
            return s;
        }
        if (der.length < 4) {
            return s;
        }
        int at = random.nextInt(der.length);
        if (lengths) {
            // A length byte (or what is there) becomes a long form: huge, zero, short or over 4 bytes.
            byte[][] forms = {{(byte) 0x84, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                {(byte) 0x84, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, {(byte) 0x80}, {(byte) 0x85, 1, 0, 0, 0, 0},
                {(byte) 0x81, 0}, {(byte) 0x82, (byte) 0xFF, (byte) 0xFF}, {0x7F}, {0}};
            byte[] form = forms[random.nextInt(forms.length)];
            int pos = Math.min(at, der.length - 1);
            if (random.nextBoolean()) {
                pos = 1; // the outer SEQUENCE's own length
            }
            byte[] out = new byte[der.length - 1 + form.length];
            System.arraycopy(der, 0, out, 0, pos);
            System.arraycopy(form, 0, out, pos, form.length);
            System.arraycopy(der, pos + 1, out, pos + form.length, der.length - pos - 1);
            der = out;
        } else {
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                der[random.nextInt(der.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                der = java.util.Arrays.copyOf(der, random.nextInt(der.length));
            }
        }
        String encoded = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return s.substring(0, begin + 6) + encoded + s.substring(end);
    }

    private static String nest(String s, String other, SplittableRandom random) {
        int at = s.indexOf('\n', random.nextInt(Math.max(1, s.length())));
        return at < 0 ? s + other : s.substring(0, at + 1) + other + s.substring(at + 1);
    }

    private static String insertOdd(String s, SplittableRandom random) {
        String[] odd = {"\u0000", "\u2028", "\u0085", "\u00ff", "\uFEFF", "=", "==", "\t", " ", "\u00e9", "\uD83D\uDE00", "-----"};
        int at = random.nextInt(s.length() + 1);
        return s.substring(0, at) + odd[random.nextInt(odd.length)] + s.substring(at);
    }

    private static String resource(String name) {
        try (InputStream in = PemFuzzTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
