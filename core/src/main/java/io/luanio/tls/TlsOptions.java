package io.luanio.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * How one TLS connection ({@code SocketType.SSL}) is set up: trust, host-name
 * verification, SNI, client certificate, ALPN, protocol versions and the handshake
 * timeout. Setters validate their argument and return {@code this}.
 *
 * <pre>{@code
 * // Verified against the JDK's trust store (the default), SNI and host name = the connect host:
 * ctx.connect(SocketType.SSL, "example.com", 443);
 *
 * // A private CA, a client certificate, ALPN, an IP address reached under a name:
 * TlsOptions tls = new TlsOptions()
 *         .trustPem(caPem)
 *         .clientCertificate(chainPem, keyPem)
 *         .serverName("device.example")
 *         .alpn("mqtt");
 * ctx.connect(SocketType.SSL, "10.0.0.7", 8883, new ConnectOptions().tls(tls));
 *
 * // No verification at all (self-signed hosts, scanners): one explicit call.
 * new TlsOptions().verify(false);
 * }</pre>
 *
 * <h2>Defaults</h2>
 * <ul>
 * <li>{@link #verify(boolean) verify} on: the server's chain must lead to a trusted CA
 *     (the JDK's default trust store, or {@link #trustPem(String)}), be within its validity
 *     dates, and name the host ({@link #serverName(String)}, else the connect host; an IP
 *     address is matched against the certificate's IP entries).</li>
 * <li>SNI on: the server name is sent when it is a host name (never for an IP literal,
 *     RFC 6066).</li>
 * <li>TLS 1.3 and TLS 1.2, where the JVM has them; no ALPN; no client certificate.</li>
 * <li>The handshake may take as long as the connect timeout
 *     ({@code ConnectOptions.timeoutMs}, else the context's), counted from the moment TCP
 *     connected.</li>
 * </ul>
 *
 * <h2>Threads and reuse</h2>
 * Options are read when {@code connect} is called (on the caller's thread); changing them
 * afterwards affects later connects only. The {@code SSLContext} built from the trust and
 * client-certificate material is cached per distinct material and shared by every
 * connection and thread, so repeated connects with the same PEM strings parse nothing and
 * reuse TLS sessions.
 */
public final class TlsOptions {
    /** The protocol versions that may be enabled. */
    public static final List<String> SUPPORTED_PROTOCOLS =
        Collections.unmodifiableList(Arrays.asList("TLSv1.3", "TLSv1.2"));

    private String serverName;
    private boolean sni = true;
    private boolean verify = true;
    private boolean verifyHostName = true;
    private String trustPem;
    private String clientCertificatePem;
    private String clientKeyPem;
    private List<String> alpn = Collections.emptyList();
    private List<String> protocols = SUPPORTED_PROTOCOLS;
    private long handshakeTimeoutMs = -1;

    /** Creates options with every default: verified against the JDK's trust store. */
    public TlsOptions() {
    }

    /**
     * Copies other options.
     *
     * @param other the options to copy
     */
    public TlsOptions(TlsOptions other) {
        this.serverName = other.serverName;
        this.sni = other.sni;
        this.verify = other.verify;
        this.verifyHostName = other.verifyHostName;
        this.trustPem = other.trustPem;
        this.clientCertificatePem = other.clientCertificatePem;
        this.clientKeyPem = other.clientKeyPem;
        this.alpn = other.alpn;
        this.protocols = other.protocols;
        this.handshakeTimeoutMs = other.handshakeTimeoutMs;
    }

    /**
     * Maps the arguments of Luat's {@code socketcore.sock_conn} for type 2 onto options,
     * exactly as SPEC.md section 1 states, so every binding applies the same rule:
     * <ul>
     * <li>with {@code caCert}: the chain is verified against it and the host name against
     *     {@code hostName} (or the connect address), and a failure ends the connect, unless
     *     {@code insist} is 1 (keep the connection: nothing is verified); {@code insist}
     *     absent enforces the CA, as older modules did;</li>
     * <li>without {@code caCert}: nothing is verified;</li>
     * <li>{@code hostNameFlag} 1 sends {@code hostName} as SNI; otherwise no SNI;</li>
     * <li>{@code clientCert} and {@code clientKey} together enable client authentication.</li>
     * </ul>
     * A runner switch that verifies every socket can call {@code verify(true)} on the result
     * (the JDK's trust store is used when there is no {@code caCert}).
     *
     * @param hostName the server name, or null
     * @param caCert PEM CA certificates, or null / empty for none
     * @param clientCert PEM client certificate chain, or null
     * @param clientKey PEM client private key, or null
     * @param insist 1, 0, or -1 when the argument is absent
     * @param hostNameFlag 1 to send SNI
     * @return the options
     * @throws IllegalArgumentException when only one of clientCert and clientKey is given
     */
    public static TlsOptions socketcore(String hostName, String caCert, String clientCert, String clientKey,
                                        int insist, int hostNameFlag) {
        TlsOptions o = new TlsOptions();
        boolean hasCa = caCert != null && !caCert.trim().isEmpty();
        if (hasCa && insist != 1) {
            o.verify(true).trustPem(caCert);
        } else {
            o.verify(false);
        }
        if (hostName != null && !hostName.isEmpty()) {
            o.serverName(hostName);
        }
        o.sni(hostNameFlag == 1);
        boolean hasCert = clientCert != null && !clientCert.isEmpty();
        boolean hasKey = clientKey != null && !clientKey.isEmpty();
        if (hasCert || hasKey) {
            o.clientCertificate(clientCert, clientKey);
        }
        return o;
    }

    /**
     * The server name: sent as SNI (see {@link #sni(boolean)}) and, when verifying, the name
     * the certificate must carry. Lets an IP address be reached as a named host.
     *
     * @param name a host name (or IP literal), or null for the connect host
     * @return this
     */
    public TlsOptions serverName(String name) {
        if (name != null && (name.isEmpty() || name.length() > 255)) {
            throw new IllegalArgumentException("serverName must be 1..255 characters: serverName=" + name);
        }
        this.serverName = name;
        return this;
    }

    /**
     * Whether to send the server name (SNI). An IP literal is never sent.
     *
     * @param enabled true to send it (the default)
     * @return this
     */
    public TlsOptions sni(boolean enabled) {
        this.sni = enabled;
        return this;
    }

    /**
     * Whether to verify the server: its chain against the trust anchors and its name.
     * {@code verify(false)} accepts any certificate, expired, self-signed or for another
     * host; the connection is still encrypted, but not authenticated.
     *
     * @param enabled true to verify (the default)
     * @return this
     */
    public TlsOptions verify(boolean enabled) {
        this.verify = enabled;
        return this;
    }

    /**
     * When verifying, whether the certificate must also name the server (HTTPS rules,
     * RFC 2818/6125). Off checks the chain only.
     *
     * @param enabled true to check the name (the default)
     * @return this
     */
    public TlsOptions verifyHostName(boolean enabled) {
        this.verifyHostName = enabled;
        return this;
    }

    /**
     * Trusts exactly these CA certificates instead of the JDK's trust store.
     *
     * @param caPem PEM text with one or more certificates, or null for the JDK's store
     * @return this
     */
    public TlsOptions trustPem(String caPem) {
        if (caPem != null && caPem.trim().isEmpty()) {
            throw new IllegalArgumentException("trustPem must not be empty (null means the JDK's trust store)");
        }
        this.trustPem = caPem;
        return this;
    }

    /**
     * A client certificate for servers that ask for one (mutual TLS). It is offered
     * whenever the server asks and the key type fits, whichever CAs the server names.
     *
     * @param chainPem PEM certificate chain, leaf first
     * @param keyPem PEM private key of the leaf (PKCS#8, PKCS#1 RSA or SEC1 EC), unencrypted
     * @return this
     */
    public TlsOptions clientCertificate(String chainPem, String keyPem) {
        if (chainPem == null || chainPem.isEmpty() || keyPem == null || keyPem.isEmpty()) {
            throw new IllegalArgumentException("clientCertificate needs both a certificate and a key: certificate="
                + (chainPem == null || chainPem.isEmpty() ? "missing" : "given") + ", key="
                + (keyPem == null || keyPem.isEmpty() ? "missing" : "given"));
        }
        this.clientCertificatePem = chainPem;
        this.clientKeyPem = keyPem;
        return this;
    }

    /**
     * Offers these application protocols (ALPN, RFC 7301), in preference order. Needs Java
     * 9+ or 8u251+; on an older JVM the connect fails with {@code ERR_SSL_EINIT}.
     *
     * @param protocols e.g. {@code "h2", "http/1.1"}; none to turn ALPN off
     * @return this
     */
    public TlsOptions alpn(String... protocols) {
        List<String> list = new ArrayList<>();
        for (String p : protocols) {
            if (p == null || p.isEmpty() || p.length() > 255) {
                throw new IllegalArgumentException("alpn protocol names must be 1..255 characters: alpn=" + Arrays.toString(protocols));
            }
            list.add(p);
        }
        this.alpn = Collections.unmodifiableList(list);
        return this;
    }

    /**
     * The protocol versions to enable.
     *
     * @param versions some of {@code "TLSv1.3"}, {@code "TLSv1.2"}
     * @return this
     */
    public TlsOptions protocols(String... versions) {
        if (versions.length == 0) {
            throw new IllegalArgumentException("protocols must name at least one of " + SUPPORTED_PROTOCOLS);
        }
        List<String> list = new ArrayList<>();
        for (String v : versions) {
            if (!SUPPORTED_PROTOCOLS.contains(v)) {
                throw new IllegalArgumentException("protocols must be among " + SUPPORTED_PROTOCOLS + ": protocol=" + v);
            }
            if (!list.contains(v)) {
                list.add(v);
            }
        }
        this.protocols = Collections.unmodifiableList(list);
        return this;
    }

    /**
     * How long the handshake may take, from the moment TCP connected to the moment the
     * connection is confirmed; when it runs out the connect fails with {@code CONN_CNF}
     * result 1 ({@code ERR_ETIMEOUT}).
     *
     * @param timeoutMs milliseconds, at least 1
     * @return this
     */
    public TlsOptions handshakeTimeoutMs(long timeoutMs) {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("handshakeTimeoutMs must be >= 1: handshakeTimeoutMs=" + timeoutMs);
        }
        this.handshakeTimeoutMs = timeoutMs;
        return this;
    }

    /** @return the server name, or null for the connect host */
    public String serverName() {
        return serverName;
    }

    /** @return whether SNI is sent */
    public boolean sni() {
        return sni;
    }

    /** @return whether the server is verified */
    public boolean verify() {
        return verify;
    }

    /** @return whether, when verifying, the host name is checked too */
    public boolean verifyHostName() {
        return verifyHostName;
    }

    /** @return the trusted CA certificates as PEM, or null for the JDK's trust store */
    public String trustPem() {
        return trustPem;
    }

    /** @return the client certificate chain as PEM, or null */
    public String clientCertificatePem() {
        return clientCertificatePem;
    }

    /** @return the client private key as PEM, or null */
    public String clientKeyPem() {
        return clientKeyPem;
    }

    /** @return the ALPN protocols offered (empty: none) */
    public List<String> alpnProtocols() {
        return alpn;
    }

    /** @return the protocol versions to enable */
    public List<String> enabledProtocols() {
        return protocols;
    }

    /** @return the handshake timeout in milliseconds, or -1 for the connect timeout */
    public long handshakeTimeoutMs() {
        return handshakeTimeoutMs;
    }

    /**
     * Parses every PEM given and checks that the client key belongs to the client
     * certificate, so bad material is found before a connect. {@code connect} does the same
     * checks (once per distinct material) and reports a failure as {@code CONN_CNF} result 1.
     *
     * @return this
     * @throws TlsConfigException naming the first bad value
     */
    public TlsOptions validate() throws TlsConfigException {
        if (trustPem != null) {
            trustCertificates();
        }
        if (clientCertificatePem != null) {
            List<X509Certificate> chain = clientCertificateChain();
            PrivateKey key = clientKey();
            KeyMatch.check(chain.get(0), key);
        }
        return this;
    }

    /**
     * Parses {@link #trustPem()}.
     *
     * @return the trusted certificates
     * @throws TlsConfigException when it does not parse
     */
    public List<X509Certificate> trustCertificates() throws TlsConfigException {
        try {
            return Pem.certificates(trustPem);
        } catch (TlsConfigException e) {
            throw new TlsConfigException("trustPem: " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@link #clientCertificatePem()}.
     *
     * @return the client chain, leaf first
     * @throws TlsConfigException when it does not parse
     */
    public List<X509Certificate> clientCertificateChain() throws TlsConfigException {
        try {
            return Pem.certificates(clientCertificatePem);
        } catch (TlsConfigException e) {
            throw new TlsConfigException("clientCertificate: " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@link #clientKeyPem()}.
     *
     * @return the client key
     * @throws TlsConfigException when it does not parse
     */
    public PrivateKey clientKey() throws TlsConfigException {
        try {
            return Pem.privateKey(clientKeyPem);
        } catch (TlsConfigException e) {
            throw new TlsConfigException("clientKey: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TlsOptions)) {
            return false;
        }
        TlsOptions t = (TlsOptions) o;
        return sni == t.sni && verify == t.verify && verifyHostName == t.verifyHostName
            && handshakeTimeoutMs == t.handshakeTimeoutMs && Objects.equals(serverName, t.serverName)
            && Objects.equals(trustPem, t.trustPem) && Objects.equals(clientCertificatePem, t.clientCertificatePem)
            && Objects.equals(clientKeyPem, t.clientKeyPem) && alpn.equals(t.alpn) && protocols.equals(t.protocols);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serverName, sni, verify, verifyHostName, trustPem, clientCertificatePem, clientKeyPem,
            alpn, protocols, handshakeTimeoutMs);
    }

    /** Says what is set; never prints key material. */
    @Override
    public String toString() {
        return "TlsOptions{verify=" + verify + ", verifyHostName=" + verifyHostName + ", serverName=" + serverName
            + ", sni=" + sni + ", trust=" + (trustPem == null ? "JDK default" : "PEM") + ", clientCertificate="
            + (clientCertificatePem != null) + ", alpn=" + alpn + ", protocols=" + protocols
            + ", handshakeTimeoutMs=" + handshakeTimeoutMs + "}";
    }
}
