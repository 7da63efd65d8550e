package io.luanio;

import io.luanio.tls.TlsConfigException;
import io.luanio.tls.TlsServerOptions;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server side of a TLS listener: one {@code SSLContext} per certificate (the default
 * and each virtual host) and the engine settings, built by {@code Context.listen} on the
 * caller's thread from {@link TlsServerOptions} (never on the loop), then handed to the
 * loop with the listen command; from then on the loop alone touches it. Each accepted
 * connection gets a fresh server engine ({@link #newEngine}) and waits in {@link #pending}
 * until its handshake ends (see {@link TlsAccept}).
 *
 * <p>SNI: with virtual hosts, the loop reads the server name out of the client's
 * ClientHello ({@link ClientHelloSni}) before it creates the engine, and takes the engine
 * from that virtual host's own context. One context per certificate keeps each virtual
 * host's session cache and ticket keys apart: a client can never resume, under one name, a
 * session made with another name's certificate. (The JDK's TLS 1.3 server resumes a
 * pre-shared key whatever name the client asks for, so choosing the certificate inside
 * one context's key manager is not enough.)
 */
final class TlsListener {
    /** Index of the entry for names no virtual host matches (and for clients without SNI). */
    private static final int FALLBACK = 0;

    /** Why the options could not be used (the listen then fails with ERR_SSL_EINIT), or null. */
    final String setupFailure;
    final long handshakeTimeoutNs;
    /** The server name of each entry (null for the default), then its context. */
    private final String[] names;
    private final SSLContext[] contexts;
    private final SSLParameters parameters;
    /** Accepted connections whose handshake is running (loop thread only). */
    final Set<TlsState> pending = new HashSet<>();

    private TlsListener(String[] names, SSLContext[] contexts, SSLParameters parameters, String setupFailure,
                        long handshakeTimeoutNs) {
        this.names = names;
        this.contexts = contexts;
        this.parameters = parameters;
        this.setupFailure = setupFailure;
        this.handshakeTimeoutNs = handshakeTimeoutNs;
    }

    /**
     * Builds a listener's TLS side on the caller's thread; never throws for bad options.
     *
     * @param options the server's settings
     * @param defaultTimeoutMs the handshake timeout when the options set none
     */
    static TlsListener prepare(TlsServerOptions options, long defaultTimeoutMs) {
        long timeoutMs = options.handshakeTimeoutMs() > 0 ? options.handshakeTimeoutMs() : defaultTimeoutMs;
        long timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            options.validate();
            List<TlsServerOptions.Identity> identities = new ArrayList<>();
            if (options.defaultCertificate() != null) {
                identities.add(options.defaultCertificate()); // else the first virtual host is the default
            }
            identities.addAll(options.virtualHosts());
            TrustManager[] trust = null;
            if (options.clientAuth() != TlsServerOptions.ClientAuth.NONE) {
                trust = new TrustManager[] {TlsSetup.pkixTrust(options.clientTrustCertificates())};
            }
            String[] names = new String[identities.size()];
            SSLContext[] contexts = new SSLContext[identities.size()];
            for (int i = 0; i < identities.size(); i++) {
                names[i] = identities.get(i).serverName();
                contexts[i] = SSLContext.getInstance("TLS");
                contexts[i].init(new KeyManager[] {new ServerIdentity(identities.get(i))}, trust, null);
                TlsSetup.boundSessions(contexts[i].getServerSessionContext());
            }
            SSLEngine template = contexts[0].createSSLEngine();
            template.setUseClientMode(false);
            SSLParameters params = template.getSSLParameters();
            params.setProtocols(TlsSetup.protocols(options.enabledProtocols(), template));
            if (options.clientAuth() == TlsServerOptions.ClientAuth.REQUIRE) {
                params.setNeedClientAuth(true);
            } else if (options.clientAuth() == TlsServerOptions.ClientAuth.REQUEST) {
                params.setWantClientAuth(true);
            }
            if (!options.alpnProtocols().isEmpty()) {
                if (TlsSetup.SET_APPLICATION_PROTOCOLS == null) {
                    throw new TlsConfigException("alpn: this JVM has no ALPN support (needs Java 9+ or 8u251+)");
                }
                TlsSetup.invoke(TlsSetup.SET_APPLICATION_PROTOCOLS, params, (Object) options.alpnProtocols().toArray(new String[0]));
            }
            template.setSSLParameters(params); // fails here, on the caller's thread, if the JVM refuses them
            return new TlsListener(names, contexts, params, null, timeoutNs);
        } catch (TlsConfigException e) {
            return new TlsListener(null, null, null, e.getMessage(), timeoutNs);
        } catch (GeneralSecurityException | RuntimeException e) {
            return new TlsListener(null, null, null, "cannot set up TLS: " + e, timeoutNs);
        }
    }

    /** True when the certificate depends on the client's SNI: read the ClientHello first. */
    boolean hasVirtualHosts() {
        return contexts.length > 1;
    }

    /**
     * A server engine for one accepted connection (loop thread; no I/O, no key loading).
     *
     * @param serverName the name the client asked for (SNI), or null
     */
    SSLEngine newEngine(String serverName) {
        SSLEngine engine = contexts[select(serverName)].createSSLEngine();
        engine.setUseClientMode(false); // before the parameters: it resets the default versions
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** The entry for a requested name: exact, then a one-label wildcard, then the default. */
    int select(String requested) {
        if (requested == null || requested.isEmpty()) {
            return FALLBACK;
        }
        String name = requested.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (int i = 0; i < names.length; i++) {
            if (name.equals(names[i])) {
                return i;
            }
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            String wildcard = "*" + name.substring(dot);
            for (int i = 0; i < names.length; i++) {
                if (wildcard.equals(names[i])) {
                    return i;
                }
            }
        }
        return FALLBACK;
    }

    /**
     * One server certificate chain and key, the only identity of its context: offered when
     * its key type suits the signature the handshake needs (an RSA key for RSA schemes, EC
     * for ECDSA, ...).
     */
    static final class ServerIdentity extends X509ExtendedKeyManager {
        private static final String ALIAS = "server";
        private final X509Certificate[] chain;
        private final PrivateKey key;

        ServerIdentity(TlsServerOptions.Identity identity) throws TlsConfigException {
            this.chain = identity.chain().toArray(new X509Certificate[0]);
            this.key = identity.key();
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return fits(key, keyType) ? ALIAS : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return fits(key, keyType) ? ALIAS : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return fits(key, keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return null;
        }

        /**
         * Whether a key can sign for the JDK's key type: {@code RSA}, {@code EC},
         * {@code EdDSA}, ... (legacy TLS 1.2 forms such as {@code EC_RSA} name the key
         * first).
         */
        static boolean fits(PrivateKey key, String keyType) {
            if (keyType == null) {
                return false;
            }
            int underscore = keyType.indexOf('_');
            String type = underscore > 0 ? keyType.substring(0, underscore) : keyType;
            String algorithm = key.getAlgorithm();
            if (type.equalsIgnoreCase(algorithm)) {
                return true;
            }
            boolean edKey = algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
            return edKey && (type.equals("EdDSA") || type.equals("Ed25519") || type.equals("Ed448"));
        }
    }
}
