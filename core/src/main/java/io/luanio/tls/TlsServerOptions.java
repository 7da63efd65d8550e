package io.luanio.tls;

import java.net.IDN;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How a TLS listener's accepted connections speak TLS as the server: the certificate (or
 * several, chosen by the name the client asks for with SNI), client certificates, ALPN,
 * protocol versions and the handshake timeout. Passed with
 * {@code ListenOptions.tls(...)}; setters validate their argument and return {@code this}.
 *
 * <pre>{@code
 * TlsServerOptions tls = new TlsServerOptions()
 *         .certificate(chainPem, keyPem)                      // the default certificate
 *         .virtualHost("a.example", aChainPem, aKeyPem)       // SNI "a.example" gets this one
 *         .virtualHost("*.b.example", bChainPem, bKeyPem)     // one label under b.example
 *         .clientAuth(TlsServerOptions.ClientAuth.REQUIRE, caPem);
 * int listener = ctx.listen("0.0.0.0", 8443, 128, new ListenOptions().tls(tls));
 * }</pre>
 *
 * <h2>Certificate selection (SNI)</h2>
 * The name a client sends (SNI) picks a {@link #virtualHost virtual host}: an exact name
 * first (case-insensitive), then a wildcard {@code *.suffix} matching exactly one label.
 * A client that sends no name, or a name no entry matches, gets the
 * {@link #certificate default certificate}; without one, the first virtual host is the
 * default. A certificate is presented only when its key type suits the handshake (an RSA
 * key for RSA signature schemes, EC for ECDSA, ...): give an RSA certificate for the widest
 * reach.
 *
 * <h2>Threads</h2>
 * Options are read when {@code listen} is called; the PEM text is parsed and the
 * {@code SSLContext} built then, on the caller's thread, and kept by the listener for
 * every connection it accepts. Changing the options afterwards affects later listeners only.
 */
public final class TlsServerOptions {
    /** Whether the server asks its clients for a certificate. */
    public enum ClientAuth {
        /** No client certificate is asked for (the default). */
        NONE,
        /**
         * A certificate is asked for but optional: a client that sends none, or one the
         * trusted CAs do not vouch for, is accepted without a client identity (its session
         * has no peer certificates; this is the JDK's rule). Only a verified certificate is
         * ever shown as the peer's.
         */
        REQUEST,
        /** A certificate is required and must chain to the trusted CAs. */
        REQUIRE
    }

    private Identity defaultIdentity;
    private final List<Identity> virtualHosts = new ArrayList<>();
    private ClientAuth clientAuth = ClientAuth.NONE;
    private String clientTrustPem;
    private List<String> alpn = Collections.emptyList();
    private List<String> protocols = TlsOptions.SUPPORTED_PROTOCOLS;
    private long handshakeTimeoutMs = -1;

    /** Creates options without a certificate (give one before listening). */
    public TlsServerOptions() {
    }

    /**
     * The default certificate: presented when the client names no virtual host.
     *
     * @param chainPem PEM certificate chain, leaf first
     * @param keyPem PEM private key of the leaf (PKCS#8, PKCS#1 RSA or SEC1 EC), unencrypted
     * @return this
     */
    public TlsServerOptions certificate(String chainPem, String keyPem) {
        this.defaultIdentity = new Identity(null, chainPem, keyPem);
        return this;
    }

    /**
     * A virtual host: the certificate presented to clients that ask for {@code serverName}
     * with SNI. Giving a name again replaces its entry.
     *
     * @param serverName a host name, or {@code *.suffix} for any one label under suffix
     * @param chainPem PEM certificate chain, leaf first
     * @param keyPem PEM private key of the leaf, unencrypted
     * @return this
     */
    public TlsServerOptions virtualHost(String serverName, String chainPem, String keyPem) {
        Identity identity = new Identity(normalize(serverName), chainPem, keyPem);
        for (int i = 0; i < virtualHosts.size(); i++) {
            if (virtualHosts.get(i).serverName.equals(identity.serverName)) {
                virtualHosts.set(i, identity);
                return this;
            }
        }
        virtualHosts.add(identity);
        return this;
    }

    /**
     * Asks clients for a certificate that chains to {@code trustPem}.
     *
     * @param mode {@link ClientAuth#NONE}, {@link ClientAuth#REQUEST} or {@link ClientAuth#REQUIRE}
     * @param trustPem PEM CA certificates that vouch for clients; required unless the mode is NONE
     * @return this
     */
    public TlsServerOptions clientAuth(ClientAuth mode, String trustPem) {
        if (mode == null) {
            throw new IllegalArgumentException("clientAuth mode must not be null (NONE turns it off)");
        }
        if (mode != ClientAuth.NONE && (trustPem == null || trustPem.trim().isEmpty())) {
            throw new IllegalArgumentException("clientAuth " + mode + " needs the PEM CA certificates that vouch for clients");
        }
        this.clientAuth = mode;
        this.clientTrustPem = mode == ClientAuth.NONE ? null : trustPem;
        return this;
    }

    /**
     * The application protocols (ALPN, RFC 7301) this server speaks, in preference order:
     * the first one the client also offers is chosen. A client that offers ALPN but none of
     * these is refused ({@code no_application_protocol}); one that offers no ALPN is served.
     * Needs Java 9+ or 8u251+; on an older JVM the listen fails with {@code ERR_SSL_EINIT}.
     *
     * @param protocols e.g. {@code "h2", "http/1.1"}; none to turn ALPN off
     * @return this
     */
    public TlsServerOptions alpn(String... protocols) {
        this.alpn = new TlsOptions().alpn(protocols).alpnProtocols();
        return this;
    }

    /**
     * The protocol versions to enable.
     *
     * @param versions some of {@code "TLSv1.3"}, {@code "TLSv1.2"}
     * @return this
     */
    public TlsServerOptions protocols(String... versions) {
        this.protocols = new TlsOptions().protocols(versions).enabledProtocols();
        return this;
    }

    /**
     * How long a client may take over the handshake, from the moment its connection was
     * accepted; a client that is slower is dropped (default: the context's connect timeout).
     *
     * @param timeoutMs milliseconds, at least 1
     * @return this
     */
    public TlsServerOptions handshakeTimeoutMs(long timeoutMs) {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("handshakeTimeoutMs must be >= 1: handshakeTimeoutMs=" + timeoutMs);
        }
        this.handshakeTimeoutMs = timeoutMs;
        return this;
    }

    /** @return the default certificate, or null when none was given */
    public Identity defaultCertificate() {
        return defaultIdentity;
    }

    /** @return the virtual hosts, in the order given */
    public List<Identity> virtualHosts() {
        return Collections.unmodifiableList(new ArrayList<>(virtualHosts));
    }

    /** @return whether client certificates are asked for */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** @return the PEM CA certificates that vouch for clients, or null */
    public String clientTrustPem() {
        return clientTrustPem;
    }

    /** @return the ALPN protocols (empty: none) */
    public List<String> alpnProtocols() {
        return alpn;
    }

    /** @return the protocol versions to enable */
    public List<String> enabledProtocols() {
        return protocols;
    }

    /** @return the handshake timeout in milliseconds, or -1 for the context's connect timeout */
    public long handshakeTimeoutMs() {
        return handshakeTimeoutMs;
    }

    /**
     * Parses every PEM given and checks each key against its certificate, so bad material
     * is found before listening ({@code listen} does the same and reports a failure as
     * {@code CONN_CNF} result 1).
     *
     * @return this
     * @throws TlsConfigException naming the first bad value (or saying that no certificate was given)
     */
    public TlsServerOptions validate() throws TlsConfigException {
        if (defaultIdentity == null && virtualHosts.isEmpty()) {
            throw new TlsConfigException("a TLS listener needs a certificate: call certificate(chainPem, keyPem)"
                + " or virtualHost(name, chainPem, keyPem)");
        }
        if (defaultIdentity != null) {
            defaultIdentity.check();
        }
        for (Identity identity : virtualHosts) {
            identity.check();
        }
        if (clientTrustPem != null) {
            clientTrustCertificates();
        }
        return this;
    }

    /**
     * Parses {@link #clientTrustPem()}.
     *
     * @return the CA certificates that vouch for clients
     * @throws TlsConfigException when it does not parse
     */
    public List<X509Certificate> clientTrustCertificates() throws TlsConfigException {
        try {
            return Pem.certificates(clientTrustPem);
        } catch (TlsConfigException e) {
            throw new TlsConfigException("clientAuth trust: " + e.getMessage(), e);
        }
    }

    /** Says what is set; never prints key material. */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Identity identity : virtualHosts) {
            names.add(identity.serverName);
        }
        return "TlsServerOptions{default=" + (defaultIdentity != null) + ", virtualHosts=" + names + ", clientAuth="
            + clientAuth + ", alpn=" + alpn + ", protocols=" + protocols + ", handshakeTimeoutMs=" + handshakeTimeoutMs + "}";
    }

    /** Lower case, ASCII (IDNA), no trailing dot; a wildcard only as the whole first label. */
    private static String normalize(String name) {
        if (name == null || name.isEmpty() || name.length() > 255) {
            throw new IllegalArgumentException("virtualHost name must be 1..255 characters: serverName=" + name);
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        boolean wildcard = n.startsWith("*.");
        String rest = wildcard ? n.substring(2) : n;
        try {
            rest = IDN.toASCII(rest, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("virtualHost name is not a host name: serverName=" + name + " ("
                + e.getMessage() + ")", e);
        }
        if (rest.isEmpty() || rest.contains("*") || Arrays.asList(rest.split("\\.", -1)).contains("")) {
            throw new IllegalArgumentException("virtualHost name is not a host name (a wildcard may only be the whole first"
                + " label, as in *.example.com): serverName=" + name);
        }
        return wildcard ? "*." + rest : rest;
    }

    /** One certificate chain and its key, for a server name (null: the default). */
    public static final class Identity {
        private final String serverName;
        private final String chainPem;
        private final String keyPem;

        Identity(String serverName, String chainPem, String keyPem) {
            if (chainPem == null || chainPem.trim().isEmpty() || keyPem == null || keyPem.trim().isEmpty()) {
                throw new IllegalArgumentException("a server certificate needs both a certificate chain and a key: "
                    + (serverName == null ? "certificate" : "virtualHost " + serverName) + ", certificate="
                    + (chainPem == null || chainPem.trim().isEmpty() ? "missing" : "given") + ", key="
                    + (keyPem == null || keyPem.trim().isEmpty() ? "missing" : "given"));
            }
            this.serverName = serverName;
            this.chainPem = chainPem;
            this.keyPem = keyPem;
        }

        /** @return the server name (lower case, ASCII; {@code *.suffix} for a wildcard), or null for the default */
        public String serverName() {
            return serverName;
        }

        /** @return the PEM certificate chain */
        public String certificatePem() {
            return chainPem;
        }

        /** @return the PEM private key */
        public String keyPem() {
            return keyPem;
        }

        /**
         * Parses the chain.
         *
         * @return the certificates, leaf first
         * @throws TlsConfigException when it does not parse
         */
        public List<X509Certificate> chain() throws TlsConfigException {
            try {
                return Pem.certificates(chainPem);
            } catch (TlsConfigException e) {
                throw new TlsConfigException(what() + " certificate: " + e.getMessage(), e);
            }
        }

        /**
         * Parses the key.
         *
         * @return the private key
         * @throws TlsConfigException when it does not parse
         */
        public PrivateKey key() throws TlsConfigException {
            try {
                return Pem.privateKey(keyPem);
            } catch (TlsConfigException e) {
                throw new TlsConfigException(what() + " key: " + e.getMessage(), e);
            }
        }

        void check() throws TlsConfigException {
            KeyMatch.check(chain().get(0), key(), what() + " key", what() + " certificate");
        }

        private String what() {
            return serverName == null ? "server" : "virtualHost " + serverName;
        }
    }
}
