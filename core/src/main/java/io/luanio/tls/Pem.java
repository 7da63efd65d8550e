package io.luanio.tls;

import java.io.ByteArrayInputStream;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys from strings, with {@code java.base} alone.
 *
 * <pre>{@code
 * List<X509Certificate> chain = Pem.certificates(clientCertPem);
 * PrivateKey key = Pem.privateKey(clientKeyPem);
 * }</pre>
 *
 * <h2>What is accepted</h2>
 * <ul>
 * <li>{@code CERTIFICATE} blocks, in order (a chain: leaf first). Text around the blocks
 *     ({@code openssl x509 -text} output, "Bag Attributes") and blocks of other kinds are
 *     skipped, so a combined key + certificate file works for both calls.</li>
 * <li>Private keys in PKCS#8 ({@code PRIVATE KEY}: RSA, RSASSA-PSS, EC, Ed25519/Ed448 and
 *     DSA where the JVM has the algorithm), PKCS#1 RSA ({@code RSA PRIVATE KEY}) and SEC1
 *     EC ({@code EC PRIVATE KEY}, named curves; when the key itself omits its curve, an
 *     {@code EC PARAMETERS} block in the same text supplies it). PKCS#1 and SEC1 are
 *     rewrapped as PKCS#8 with a tiny DER encoder before {@link KeyFactory} sees them.</li>
 * </ul>
 *
 * <h2>What is refused, with a one-line reason</h2>
 * Encrypted keys ({@code ENCRYPTED PRIVATE KEY}, or a {@code Proc-Type: 4,ENCRYPTED}
 * header): there is no password to give, store the key unencrypted. OpenSSH keys, explicit
 * (unnamed) EC curves, text without a PEM block, unterminated blocks, bad base64, DER that
 * does not parse, more than one private key. Every failure is a {@link TlsConfigException}
 * whose message never carries key material.
 */
public final class Pem {
    private static final String OID_RSA = "1.2.840.113549.1.1.1";
    private static final String OID_RSA_PSS = "1.2.840.113549.1.1.10";
    private static final String OID_EC = "1.2.840.10045.2.1";
    private static final String OID_DSA = "1.2.840.10040.4.1";
    private static final String OID_ED25519 = "1.3.101.112";
    private static final String OID_ED448 = "1.3.101.113";
    /** DER of the rsaEncryption OID. */
    private static final byte[] RSA_OID_DER = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    /** DER of the id-ecPublicKey OID. */
    private static final byte[] EC_OID_DER = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    /** A BEGIN or END line that may be quoted in a message (a label, nothing of a key). */
    private static final Pattern MARKER = Pattern.compile("-----(BEGIN|END) [A-Z0-9 ]{0,40}-----");

    private Pem() {
    }

    /** One {@code -----BEGIN label-----} ... {@code -----END label-----} block. */
    static final class Block {
        final String label;
        final List<String> headers;
        final String base64;
        /** 1-based line of the BEGIN line, for messages. */
        final int line;

        Block(String label, List<String> headers, String base64, int line) {
            this.label = label;
            this.headers = headers;
            this.base64 = base64;
            this.line = line;
        }

        boolean encryptedHeader() {
            for (String h : headers) {
                String compact = h.replace(" ", "").toUpperCase(java.util.Locale.ROOT);
                if (compact.startsWith("PROC-TYPE:") && compact.endsWith(",ENCRYPTED")) {
                    return true;
                }
            }
            return false;
        }

        byte[] decode() throws TlsConfigException {
            try {
                return Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new TlsConfigException(label + " block at line " + line + " is not valid base64: " + e.getMessage());
            }
        }
    }

    /**
     * Parses the certificates of a PEM text, in order.
     *
     * @param pem PEM text holding one or more {@code CERTIFICATE} blocks
     * @return the certificates, at least one
     * @throws TlsConfigException when there is none, or one does not parse
     */
    public static List<X509Certificate> certificates(String pem) throws TlsConfigException {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new TlsConfigException("X.509 certificates are not supported by this JVM", e);
        }
        for (Block block : blocks(pem)) {
            if (!block.label.equals("CERTIFICATE") && !block.label.equals("X509 CERTIFICATE")) {
                continue;
            }
            byte[] der = block.decode();
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | RuntimeException e) {
                throw new TlsConfigException("certificate " + (out.size() + 1) + " (line " + block.line
                    + ") is not a valid X.509 certificate: " + oneLine(e), e);
            }
        }
        if (out.isEmpty()) {
            throw new TlsConfigException(nothingFound(pem, "-----BEGIN CERTIFICATE-----"));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Parses the private key of a PEM text.
     *
     * @param pem PEM text holding one {@code PRIVATE KEY}, {@code RSA PRIVATE KEY} or
     *     {@code EC PRIVATE KEY} block (other blocks are skipped)
     * @return the key
     * @throws TlsConfigException when there is none or more than one, it is encrypted, or it
     *     does not parse
     */
    public static PrivateKey privateKey(String pem) throws TlsConfigException {
        List<Block> blocks = blocks(pem);
        Block key = null;
        Block ecParameters = null;
        for (Block block : blocks) {
            switch (block.label) {
                case "ENCRYPTED PRIVATE KEY":
                    throw encrypted();
                case "OPENSSH PRIVATE KEY":
                    throw new TlsConfigException("OpenSSH private keys are not supported: convert it to PEM"
                        + " (ssh-keygen -p -m PEM -f key, or openssl pkey -in key)");
                case "EC PARAMETERS":
                    ecParameters = block;
                    break;
                case "PRIVATE KEY":
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    if (key != null) {
                        throw new TlsConfigException("more than one private key found (lines " + key.line + " and "
                            + block.line + "): give exactly one");
                    }
                    key = block;
                    break;
                default:
                    if (block.label.endsWith("PRIVATE KEY")) {
                        throw new TlsConfigException("unsupported key type: " + block.label
                            + " (use PKCS#8 \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\")");
                    }
                    break; // certificates and other blocks are not ours to read
            }
        }
        if (key == null) {
            throw new TlsConfigException(nothingFound(pem, "-----BEGIN PRIVATE KEY-----"));
        }
        if (key.encryptedHeader()) {
            throw encrypted();
        }
        byte[] der = key.decode();
        try {
            switch (key.label) {
                case "RSA PRIVATE KEY":
                    return pkcs8(pkcs1ToPkcs8(der), "RSA PRIVATE KEY");
                case "EC PRIVATE KEY":
                    return pkcs8(sec1ToPkcs8(der, ecParameters), "EC PRIVATE KEY");
                default:
                    return pkcs8(der, "PRIVATE KEY");
            }
        } catch (Der.DerException e) {
            throw new TlsConfigException(key.label + " (line " + key.line + ") is not valid DER: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- key formats

    private static PrivateKey pkcs8(byte[] der, String label) throws TlsConfigException, Der.DerException {
        String algorithm = pkcs8Algorithm(der);
        KeyFactory factory;
        try {
            factory = KeyFactory.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new TlsConfigException("keys of type " + algorithm + " are not supported by this JVM");
        }
        try {
            return factory.generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException | RuntimeException e) {
            throw new TlsConfigException(label + " is not a valid " + algorithm + " key: " + oneLine(e), e);
        }
    }

    /** The KeyFactory algorithm named by a PKCS#8 PrivateKeyInfo's AlgorithmIdentifier. */
    private static String pkcs8Algorithm(byte[] der) throws TlsConfigException, Der.DerException {
        Der.Reader info = new Der.Reader(der).next(Der.SEQUENCE, "PrivateKeyInfo").contents();
        info.next(Der.INTEGER, "PrivateKeyInfo version");
        Der.Reader algorithm = info.next(Der.SEQUENCE, "AlgorithmIdentifier").contents();
        String oid = Der.oidToString(algorithm.next(Der.OID, "algorithm"));
        switch (oid) {
            case OID_RSA: return "RSA";
            case OID_RSA_PSS: return "RSASSA-PSS";
            case OID_EC: return "EC";
            case OID_DSA: return "DSA";
            case OID_ED25519: return "Ed25519";
            case OID_ED448: return "Ed448";
            default:
                throw new TlsConfigException("unsupported private key algorithm: OID " + oid);
        }
    }

    /** PKCS#1 RSAPrivateKey to PKCS#8: {@code SEQUENCE { 0, { rsaEncryption, NULL }, OCTET STRING { key } }}. */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) throws Der.DerException {
        Der.Reader rsa = new Der.Reader(pkcs1).next(Der.SEQUENCE, "RSAPrivateKey").contents();
        rsa.next(Der.INTEGER, "RSAPrivateKey version");
        rsa.next(Der.INTEGER, "RSAPrivateKey modulus");
        return Der.sequence(Der.smallInteger(0), Der.sequence(RSA_OID_DER, Der.nul()), Der.octetString(pkcs1));
    }

    /**
     * SEC1 ECPrivateKey to PKCS#8: the curve moves from the key's {@code [0]} parameters (or
     * an {@code EC PARAMETERS} block) into the AlgorithmIdentifier, and the key keeps its
     * version, private value and {@code [1]} public key, as {@code openssl pkcs8 -topk8} does.
     */
    static byte[] sec1ToPkcs8(byte[] sec1, Block parametersBlock) throws TlsConfigException, Der.DerException {
        Der.Reader ec = new Der.Reader(sec1).next(Der.SEQUENCE, "ECPrivateKey").contents();
        Der.Element version = ec.next(Der.INTEGER, "ECPrivateKey version");
        if (version.intValue() != 1) {
            throw new TlsConfigException("EC PRIVATE KEY has version " + version.intValue() + ", expected 1");
        }
        Der.Element privateValue = ec.next(Der.OCTET_STRING, "ECPrivateKey privateKey");
        byte[] curve = null;
        byte[] publicKey = null;
        while (ec.hasMore()) {
            Der.Element e = ec.next();
            if (e.tag == Der.CONTEXT_0) {
                curve = namedCurve(e.contents().next());
            } else if (e.tag == Der.CONTEXT_1) {
                publicKey = e.encoded();
            }
        }
        if (curve == null && parametersBlock != null) {
            curve = namedCurve(new Der.Reader(parametersBlock.decode()).next());
        }
        if (curve == null) {
            throw new TlsConfigException("EC PRIVATE KEY names no curve (no [0] parameters and no EC PARAMETERS block)");
        }
        byte[] inner = publicKey == null
            ? Der.sequence(version.encoded(), privateValue.encoded())
            : Der.sequence(version.encoded(), privateValue.encoded(), publicKey);
        return Der.sequence(Der.smallInteger(0), Der.sequence(EC_OID_DER, curve), Der.octetString(inner));
    }

    /** @return the DER of a named curve's OID; refuses explicit and implicit curves */
    private static byte[] namedCurve(Der.Element parameters) throws TlsConfigException {
        if (parameters.tag != Der.OID) {
            throw new TlsConfigException("EC keys with explicit curve parameters are not supported: use a named curve"
                + " (openssl ec -param_enc named_curve)");
        }
        return parameters.encoded();
    }

    // ---------------------------------------------------------------- PEM text

    /** Splits a PEM text into its blocks; text outside blocks is ignored. */
    static List<Block> blocks(String pem) throws TlsConfigException {
        if (pem == null) {
            throw new TlsConfigException("no PEM text (null)");
        }
        List<Block> out = new ArrayList<>();
        String[] lines = pem.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (!line.startsWith("-----BEGIN ") || !line.endsWith("-----") || line.length() < 16) {
                continue;
            }
            String label = line.substring(11, line.length() - 5).trim();
            if (label.contains("-----") || label.length() > 64) {
                // Not a label: the line runs on past its marker, and may carry a key (never quoted).
                throw new TlsConfigException("line " + (i + 1) + " holds more than a \"-----BEGIN ...-----\" marker:"
                    + " each marker needs a line of its own (were the PEM text's line breaks lost?)");
            }
            String end = "-----END " + label + "-----";
            int begin = i;
            List<String> headers = new ArrayList<>();
            StringBuilder base64 = new StringBuilder();
            boolean closed = false;
            for (i++; i < lines.length; i++) {
                String body = lines[i].trim();
                if (body.equals(end)) {
                    closed = true;
                    break;
                }
                if (body.startsWith("-----")) {
                    throw new TlsConfigException(label + " block at line " + (begin + 1) + " ends with "
                        + quoteMarker(body, i + 1) + " instead of \"" + end + "\"");
                }
                if (body.indexOf(':') > 0 && base64.length() == 0) {
                    headers.add(body); // RFC 1421 headers (Proc-Type, DEK-Info)
                } else {
                    base64.append(body.replace(" ", "").replace("\t", ""));
                }
            }
            if (!closed) {
                throw new TlsConfigException(label + " block at line " + (begin + 1) + " has no \"" + end + "\" line");
            }
            out.add(new Block(label, headers, base64.toString(), begin + 1));
        }
        return out;
    }

    /**
     * A line that ended a block early, for a message: quoted when it is a BEGIN or END
     * marker, otherwise only its number (it may be a damaged line of a key).
     */
    private static String quoteMarker(String line, int number) {
        if (MARKER.matcher(line).matches()) {
            return "\"" + line + "\"";
        }
        return "a line starting with \"-----\" (line " + number + ")";
    }

    private static String nothingFound(String pem, String expected) {
        if (pem.trim().isEmpty()) {
            return "no PEM text (empty)";
        }
        return "no PEM block found: expected a \"" + expected + "\" line (the PEM text itself, not a file name)";
    }

    private static TlsConfigException encrypted() {
        return new TlsConfigException("encrypted private keys are not supported: store the key unencrypted"
            + " (openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem)");
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isEmpty()) {
            m = e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
