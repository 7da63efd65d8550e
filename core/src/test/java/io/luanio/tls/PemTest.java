package io.luanio.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PEM certificates and keys in every form the issue names, and every way they can be wrong. */
class PemTest {
    static String pem(String name) throws IOException {
        try (InputStream in = PemTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END " + label + "-----\n";
    }

    private static String message(String pemText, boolean key) {
        TlsConfigException e = assertThrows(TlsConfigException.class,
            () -> {
                if (key) {
                    Pem.privateKey(pemText);
                } else {
                    Pem.certificates(pemText);
                }
            });
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    // ---------------------------------------------------------------- certificates

    @Test
    void aChainParsesInOrderLeafFirst() throws Exception {
        List<X509Certificate> chain = Pem.certificates(pem("server-chain.pem"));
        assertEquals(2, chain.size());
        assertEquals("CN=localhost", chain.get(0).getSubjectX500Principal().getName());
        assertEquals(chain.get(1).getSubjectX500Principal(), chain.get(0).getIssuerX500Principal(),
            "the leaf is issued by the second certificate");
        assertTrue(chain.get(1).getSubjectX500Principal().getName().contains("intermediate"));
    }

    @Test
    void textAroundBlocksOtherBlocksAndCrlfAreTolerated() throws Exception {
        String text = "Bag Attributes\n    friendlyName: test\nsubject=CN = localhost\n" + pem("server.key")
            + pem("server.pem").replace("\n", "\r\n") + "trailing words\n";
        List<X509Certificate> certs = Pem.certificates(text);
        assertEquals(1, certs.size());
        PrivateKey key = Pem.privateKey(text);
        assertEquals("RSA", key.getAlgorithm());
    }

    @Test
    void badCertificatesGetClearMessages() {
        assertTrue(message("", false).contains("no PEM text (empty)"));
        assertTrue(message("/etc/ssl/ca.pem", false).contains("no PEM block found"), "a file name instead of PEM text");
        assertTrue(message("-----BEGIN CERTIFICATE-----\nMIIB*&^%\n-----END CERTIFICATE-----\n", false)
            .contains("not valid base64"));
        assertTrue(message("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n", false).contains("has no \"-----END CERTIFICATE-----\" line"));
        assertTrue(message(block("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x05}), false)
            .contains("certificate 1 (line 1) is not a valid X.509 certificate"));
        assertTrue(message("-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n", false)
            .contains("instead of"));
        assertThrows(TlsConfigException.class, () -> Pem.certificates(null));
    }

    // ---------------------------------------------------------------- keys: every form

    @Test
    void rsaKeyInPkcs1AndPkcs8IsTheSameKey() throws Exception {
        PrivateKey pkcs8 = Pem.privateKey(pem("client.key"));
        PrivateKey pkcs1 = Pem.privateKey(pem("client.pkcs1.key"));
        assertTrue(pem("client.key").contains("BEGIN PRIVATE KEY"));
        assertTrue(pem("client.pkcs1.key").contains("BEGIN RSA PRIVATE KEY"));
        assertEquals("RSA", pkcs1.getAlgorithm());
        assertEquals(((RSAPrivateCrtKey) pkcs8).getModulus(), ((RSAPrivateCrtKey) pkcs1).getModulus());
        assertEquals(((RSAPrivateCrtKey) pkcs8).getPrivateExponent(), ((RSAPrivateCrtKey) pkcs1).getPrivateExponent());
        assertArrayEquals(pkcs8.getEncoded(), pkcs1.getEncoded(), "our PKCS#1 wrapping equals openssl's PKCS#8");
    }

    @Test
    void ecKeyInSec1AndPkcs8IsTheSameKey() throws Exception {
        assertTrue(pem("client-ec.key").contains("BEGIN EC PRIVATE KEY"));
        ECPrivateKey pkcs8 = (ECPrivateKey) Pem.privateKey(pem("client-ec.pkcs8.key"));
        for (String form : new String[] {"client-ec.key", "client-ec-params.key"}) {
            ECPrivateKey sec1 = (ECPrivateKey) Pem.privateKey(pem(form));
            assertEquals(pkcs8.getS(), sec1.getS(), form);
            assertEquals(pkcs8.getParams().getCurve(), sec1.getParams().getCurve(), form);
        }
        ECPrivateKey p384 = (ECPrivateKey) Pem.privateKey(pem("ec384.sec1.key"));
        assertEquals(((ECPrivateKey) Pem.privateKey(pem("ec384.pkcs8.key"))).getS(), p384.getS());
        assertEquals(384, p384.getParams().getCurve().getField().getFieldSize());
    }

    @Test
    void sec1WithoutCurveTakesItFromAnEcParametersBlockOrSaysItHasNone() throws Exception {
        ECPrivateKey reference = (ECPrivateKey) Pem.privateKey(pem("client-ec.key"));
        byte[] s = reference.getS().toByteArray();
        byte[] value = new byte[32];
        System.arraycopy(s, Math.max(0, s.length - 32), value, Math.max(0, 32 - s.length), Math.min(32, s.length));
        byte[] bare = Der.sequence(Der.smallInteger(1), Der.octetString(value));
        assertTrue(message(block("EC PRIVATE KEY", bare), true).contains("names no curve"));
        String params = pem("client-ec-params.key");
        String withParams = params.substring(0, params.indexOf("-----BEGIN EC PRIVATE KEY")) + block("EC PRIVATE KEY", bare);
        assertEquals(reference.getS(), ((ECPrivateKey) Pem.privateKey(withParams)).getS());
        byte[] explicit = Der.sequence(Der.smallInteger(1), Der.octetString(value),
            Der.element(Der.CONTEXT_0, Der.sequence(Der.smallInteger(1))));
        assertTrue(message(block("EC PRIVATE KEY", explicit), true).contains("explicit curve parameters are not supported"));
    }

    @Test
    void ed25519Pkcs8Parses() throws Exception {
        PrivateKey key = Pem.privateKey(pem("ed25519.key"));
        assertTrue(key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519"), key.getAlgorithm());
    }

    // ---------------------------------------------------------------- keys: refusals

    @Test
    void encryptedKeysAreRefusedWithAClearMessage() throws Exception {
        for (String name : new String[] {"encrypted.pkcs8.key", "encrypted.pkcs1.key"}) {
            String m = message(pem(name), true);
            assertTrue(m.startsWith("encrypted private keys are not supported"), name + ": " + m);
            assertTrue(m.contains("openssl pkcs8 -topk8 -nocrypt"), m);
        }
    }

    @Test
    void malformedKeysGetClearMessagesWithoutKeyMaterial() throws Exception {
        assertTrue(message("garbage", true).contains("no PEM block found: expected a \"-----BEGIN PRIVATE KEY-----\" line"));
        assertTrue(message(pem("server.pem"), true).contains("no PEM block found"), "a certificate is not a key");
        assertTrue(message(pem("client.key") + pem("server.key"), true).contains("more than one private key"));
        assertTrue(message("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----", true)
            .contains("OpenSSH private keys are not supported"));
        assertTrue(message("-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----", true)
            .contains("unsupported key type: DSA PRIVATE KEY"));
        assertTrue(message(block("PRIVATE KEY", new byte[] {0x30, 0x7F, 0x02}), true).contains("is not valid DER"));
        assertTrue(message(block("RSA PRIVATE KEY", new byte[] {0x04, 0x01, 0x00}), true).contains("is not valid DER"));
        // A truncated real key: the DER runs past its end.
        String key = pem("client.key");
        String body = key.substring(key.indexOf('\n') + 1, key.indexOf("-----END")).replace("\n", "");
        String truncated = block("PRIVATE KEY", java.util.Arrays.copyOf(Base64.getDecoder().decode(body), 300));
        String m = message(truncated, true);
        assertTrue(m.contains("is not valid DER") || m.contains("is not a valid RSA key"), m);
        assertFalse(m.contains(body.substring(40, 80)), "no key material in messages");
        // An RSA key whose numbers are nonsense.
        byte[] fake = Pem.pkcs1ToPkcs8(Der.sequence(Der.smallInteger(0), Der.smallInteger(5), Der.smallInteger(3)));
        assertTrue(message(block("PRIVATE KEY", fake), true).contains("is not a valid RSA key"));
    }

    // ---------------------------------------------------------------- options

    @Test
    void validateChecksThatTheKeyBelongsToTheCertificate() throws Exception {
        new TlsOptions().clientCertificate(pem("client.pem"), pem("client.pkcs1.key")).validate();
        new TlsOptions().clientCertificate(pem("client-ec.pem"), pem("client-ec.key")).validate();
        TlsConfigException rsa = assertThrows(TlsConfigException.class,
            () -> new TlsOptions().clientCertificate(pem("client.pem"), pem("server.key")).validate());
        assertTrue(rsa.getMessage().startsWith("clientKey does not belong to the client certificate (CN=luanio test client"),
            rsa.getMessage());
        TlsConfigException type = assertThrows(TlsConfigException.class,
            () -> new TlsOptions().clientCertificate(pem("client.pem"), pem("client-ec.key")).validate());
        assertTrue(type.getMessage().contains("is a EC key but the client certificate"), type.getMessage());
        TlsConfigException ec = assertThrows(TlsConfigException.class,
            () -> new TlsOptions().clientCertificate(pem("client-ec.pem"), pem("ec384.sec1.key")).validate());
        assertTrue(ec.getMessage().contains("clientKey"), ec.getMessage());
        TlsConfigException trust = assertThrows(TlsConfigException.class, () -> new TlsOptions().trustPem("nope").validate());
        assertTrue(trust.getMessage().startsWith("trustPem: no PEM block found"), trust.getMessage());
        TlsConfigException key = assertThrows(TlsConfigException.class,
            () -> new TlsOptions().clientCertificate(pem("client.pem"), pem("encrypted.pkcs8.key")).validate());
        assertTrue(key.getMessage().startsWith("clientKey: encrypted private keys are not supported"), key.getMessage());
    }

    @Test
    void settersRefuseBadValuesNamingThem() {
        assertEquals("protocols must be among [TLSv1.3, TLSv1.2]: protocol=SSLv3",
            assertThrows(IllegalArgumentException.class, () -> new TlsOptions().protocols("SSLv3")).getMessage());
        assertEquals("handshakeTimeoutMs must be >= 1: handshakeTimeoutMs=0",
            assertThrows(IllegalArgumentException.class, () -> new TlsOptions().handshakeTimeoutMs(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TlsOptions().protocols());
        assertThrows(IllegalArgumentException.class, () -> new TlsOptions().alpn("h2", ""));
        assertThrows(IllegalArgumentException.class, () -> new TlsOptions().serverName(""));
        assertThrows(IllegalArgumentException.class, () -> new TlsOptions().trustPem("  "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TlsOptions().clientCertificate("x", null))
            .getMessage().contains("certificate=given, key=missing"));
    }

    @Test
    void defaultsVerifyWithTheJdkTrustStore() {
        TlsOptions o = new TlsOptions();
        assertTrue(o.verify());
        assertTrue(o.verifyHostName());
        assertTrue(o.sni());
        assertEquals(null, o.trustPem());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), o.enabledProtocols());
        assertEquals(List.of(), o.alpnProtocols());
        assertEquals(List.of(), new TlsOptions().alpn("h2").alpn().alpnProtocols(), "alpn() turns ALPN off");
        assertEquals(-1, o.handshakeTimeoutMs());
        assertFalse(new TlsOptions().clientCertificate("a", "b").toString().contains("b}"), "toString hides PEM");
    }

    @Test
    void socketcoreMapsInsistAndCaCertAsTheSpecSays() {
        // With caCert: enforced when insist is 0 or absent, not when insist is 1.
        assertTrue(TlsOptions.socketcore("h", "CA", null, null, 0, 1).verify());
        assertTrue(TlsOptions.socketcore("h", "CA", null, null, -1, 1).verify());
        assertEquals("CA", TlsOptions.socketcore("h", "CA", null, null, -1, 1).trustPem());
        assertFalse(TlsOptions.socketcore("h", "CA", null, null, 1, 1).verify());
        // Without caCert: nothing is verified, whatever insist says.
        assertFalse(TlsOptions.socketcore("h", null, null, null, 0, 1).verify());
        assertFalse(TlsOptions.socketcore("h", "", null, null, -1, 1).verify());
        // hostName is the server name; SNI only with hostNameFlag 1.
        TlsOptions o = TlsOptions.socketcore("device.example", null, "C", "K", -1, 0);
        assertEquals("device.example", o.serverName());
        assertFalse(o.sni());
        assertTrue(TlsOptions.socketcore("device.example", null, null, null, -1, 1).sni());
        assertEquals("C", o.clientCertificatePem());
        assertEquals("K", o.clientKeyPem());
        assertThrows(IllegalArgumentException.class, () -> TlsOptions.socketcore("h", null, "C", null, -1, 1));
    }
}
