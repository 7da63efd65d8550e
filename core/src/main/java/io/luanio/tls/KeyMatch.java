package io.luanio.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;

/**
 * Checks that a private key belongs to a certificate, so a mismatched pair fails with a
 * clear message instead of an opaque handshake failure at the server. RSA compares the
 * moduli; other key types sign a short text and verify it with the certificate's key.
 */
final class KeyMatch {
    private KeyMatch() {
    }

    static void check(X509Certificate leaf, PrivateKey key) throws TlsConfigException {
        check(leaf, key, "clientKey", "client certificate");
    }

    /**
     * @param keyName what the key is called in messages ({@code clientKey})
     * @param certificateName what the certificate is called ({@code client certificate})
     */
    static void check(X509Certificate leaf, PrivateKey key, String keyName, String certificateName) throws TlsConfigException {
        PublicKey pub = leaf.getPublicKey();
        if (key instanceof RSAKey && pub instanceof RSAKey) {
            if (!((RSAKey) key).getModulus().equals(((RSAKey) pub).getModulus())) {
                throw mismatch(leaf, keyName, certificateName);
            }
            return;
        }
        String algorithm = signatureFor(key.getAlgorithm());
        if (algorithm == null) {
            return; // an algorithm we cannot sign with here: the handshake will tell
        }
        if (!sameFamily(key.getAlgorithm(), pub.getAlgorithm())) {
            throw new TlsConfigException(keyName + " is a " + key.getAlgorithm() + " key but the " + certificateName + " ("
                + subject(leaf) + ") holds a " + pub.getAlgorithm() + " key");
        }
        try {
            byte[] probe = "luanio key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw mismatch(leaf, keyName, certificateName);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsConfigException(keyName + " could not be checked against the " + certificateName + ": "
                + printable(String.valueOf(e)), e);
        }
    }

    private static boolean sameFamily(String a, String b) {
        return a.equals(b) || (isEdDsa(a) && isEdDsa(b));
    }

    private static boolean isEdDsa(String algorithm) {
        return algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
    }

    private static String signatureFor(String keyAlgorithm) {
        switch (keyAlgorithm) {
            case "EC": return "SHA256withECDSA";
            case "DSA": return "SHA256withDSA";
            case "EdDSA":
            case "Ed25519":
            case "Ed448":
                return "EdDSA";
            default: return null;
        }
    }

    private static TlsConfigException mismatch(X509Certificate leaf, String keyName, String certificateName) {
        return new TlsConfigException(keyName + " does not belong to the " + certificateName + " (" + subject(leaf) + ")");
    }

    /** The certificate's subject for a one-line message. */
    private static String subject(X509Certificate leaf) {
        return printable(leaf.getSubjectX500Principal().getName());
    }

    /**
     * Control characters and line separators become {@code '?'}: a certificate's names are
     * whatever its maker wrote (RFC 2253 escaping leaves a CR or LF in place), and a message
     * must stay on one line.
     */
    static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                if (sb == null) {
                    sb = new StringBuilder(s);
                }
                sb.setCharAt(i, '?');
            }
        }
        return sb == null ? s : sb.toString();
    }
}
