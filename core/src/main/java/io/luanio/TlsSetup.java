package io.luanio;

import io.luanio.tls.TlsConfigException;
import io.luanio.tls.TlsOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Turns {@link TlsOptions} into a configured client {@link SSLEngine}, on the caller's
 * thread (never the loop's): the {@link SSLContext} for the options' trust and client
 * material is built once and cached (bounded, least recently used first out), the
 * per-connection settings (server name, SNI, endpoint identification, protocols, ALPN)
 * go on each engine.
 *
 * <p>ALPN is set and read reflectively: {@code SSLParameters.setApplicationProtocols} and
 * {@code SSLEngine.getApplicationProtocol} exist from Java 9 (and 8u251), and core compiles
 * against Java 8.
 */
final class TlsSetup {
    /** Session value our key manager sets when the server asked for a client certificate. */
    static final String CLIENT_AUTH_REQUESTED = "io.luanio.clientAuthRequested";

    private static final int CACHE_SIZE = 32;
    private static final Map<Material, SSLContext> CACHE = new LinkedHashMap<Material, SSLContext>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Material, SSLContext> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    static final Method SET_APPLICATION_PROTOCOLS = method(SSLParameters.class, "setApplicationProtocols", String[].class);
    private static final Method GET_APPLICATION_PROTOCOL = method(SSLEngine.class, "getApplicationProtocol");

    private TlsSetup() {
    }

    /**
     * A client engine for one connection.
     *
     * @param options the connection's options
     * @param host the connect host (the server name when {@code options} names none)
     * @param port the port (with the name, the key of the TLS session cache)
     * @return a configured engine in client mode, handshake not begun
     * @throws TlsConfigException when the material or settings cannot be used
     */
    static SSLEngine newEngine(TlsOptions options, String host, int port) throws TlsConfigException {
        SSLContext context = context(options);
        String peer = options.serverName() != null ? options.serverName() : host;
        SSLEngine engine = context.createSSLEngine(peer, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols(options, engine));
        if (options.verify() && options.verifyHostName()) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        List<SNIServerName> names = Collections.emptyList();
        if (options.sni() && InetLiterals.parse(peer) == null) {
            try {
                names = Collections.<SNIServerName>singletonList(new SNIHostName(peer));
            } catch (IllegalArgumentException e) {
                throw new TlsConfigException("serverName is not a valid SNI host name: serverName=" + peer
                    + " (" + e.getMessage() + "); turn SNI off with sni(false)");
            }
        }
        params.setServerNames(names);
        if (!options.alpnProtocols().isEmpty()) {
            if (SET_APPLICATION_PROTOCOLS == null) {
                throw new TlsConfigException("alpn: this JVM has no ALPN support (needs Java 9+ or 8u251+)");
            }
            invoke(SET_APPLICATION_PROTOCOLS, params, (Object) options.alpnProtocols().toArray(new String[0]));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /** @return the protocol ALPN settled on, or null (none, or no ALPN in this JVM) */
    static String applicationProtocol(SSLEngine engine) {
        if (GET_APPLICATION_PROTOCOL == null) {
            return null;
        }
        try {
            String p = (String) GET_APPLICATION_PROTOCOL.invoke(engine);
            return p == null || p.isEmpty() ? null : p;
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            return null;
        }
    }

    private static String[] protocols(TlsOptions options, SSLEngine engine) throws TlsConfigException {
        return protocols(options.enabledProtocols(), engine);
    }

    /** The wanted versions this JVM's engine supports; at least one. */
    static String[] protocols(List<String> wanted, SSLEngine engine) throws TlsConfigException {
        List<String> supported = Arrays.asList(engine.getSupportedProtocols());
        List<String> enabled = new ArrayList<>();
        for (String p : wanted) {
            if (supported.contains(p)) {
                enabled.add(p);
            }
        }
        if (enabled.isEmpty()) {
            throw new TlsConfigException("protocols: none of " + wanted + " is supported by this JVM (it has "
                + supported + ")");
        }
        return enabled.toArray(new String[0]);
    }

    // ---------------------------------------------------------------- SSLContext cache

    /**
     * What an SSLContext depends on. Host-name checking is part of it although the context
     * does not use it: the context's session cache then never lets a connect that checks
     * names resume a session made by one that did not (the JDK refuses that too).
     */
    private static final class Material {
        final boolean verify;
        final boolean verifyHostName;
        final String trustPem;
        final String certificatePem;
        final String keyPem;

        Material(TlsOptions o) {
            this.verify = o.verify();
            this.verifyHostName = o.verify() && o.verifyHostName();
            this.trustPem = o.verify() ? o.trustPem() : null;
            this.certificatePem = o.clientCertificatePem();
            this.keyPem = o.clientKeyPem();
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Material)) {
                return false;
            }
            Material m = (Material) other;
            return verify == m.verify && verifyHostName == m.verifyHostName && Objects.equals(trustPem, m.trustPem)
                && Objects.equals(certificatePem, m.certificatePem) && Objects.equals(keyPem, m.keyPem);
        }

        @Override
        public int hashCode() {
            return Objects.hash(verify, verifyHostName, trustPem, certificatePem, keyPem);
        }
    }

    static SSLContext context(TlsOptions options) throws TlsConfigException {
        Material material = new Material(options);
        synchronized (CACHE) {
            SSLContext cached = CACHE.get(material);
            if (cached != null) {
                return cached;
            }
        }
        // Built outside the lock: two threads may race to build the same one; both work.
        SSLContext built = build(options);
        synchronized (CACHE) {
            SSLContext raced = CACHE.get(material);
            if (raced != null) {
                return raced;
            }
            CACHE.put(material, built);
        }
        return built;
    }

    private static SSLContext build(TlsOptions options) throws TlsConfigException {
        ClientIdentity identity = null;
        if (options.clientCertificatePem() != null) {
            options.validate();
            identity = new ClientIdentity(options.clientCertificateChain(), options.clientKey());
        }
        TrustManager trust;
        if (!options.verify()) {
            trust = new TrustEverything();
        } else {
            trust = pkixTrust(options.trustPem() == null ? null : options.trustCertificates());
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {identity == null ? new ClientIdentity(null, null) : identity},
                new TrustManager[] {trust}, null);
            boundSessions(context.getClientSessionContext());
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Sessions a context keeps for resumption. */
    static final int SESSION_CACHE_SIZE = 1024;
    /** How long a cached session may be resumed, in seconds. */
    static final int SESSION_TIMEOUT_SECONDS = 3600;

    /**
     * Bounds a context's session cache. The JDK keeps 20,480 sessions for 24 hours by
     * default, and JDK 17 keeps every TLS 1.3 session resumed from a cached one reachable
     * from it (about 420 B each): a long-running program that reconnects often would grow
     * by that much per connection for a day. An hour and 1,024 sessions keep resumption for
     * everything that reconnects within the hour and bound the memory.
     */
    static void boundSessions(javax.net.ssl.SSLSessionContext sessions) {
        if (sessions != null) {
            sessions.setSessionCacheSize(SESSION_CACHE_SIZE);
            sessions.setSessionTimeout(SESSION_TIMEOUT_SECONDS);
        }
    }

    static TrustManager pkixTrust(List<X509Certificate> anchors) throws TlsConfigException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (anchors == null) {
                factory.init((KeyStore) null); // the JDK's default trust store
            } else {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    store.setCertificateEntry("ca-" + i, anchors.get(i));
                }
                factory.init(store);
            }
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager) {
                    return tm;
                }
            }
            throw new TlsConfigException("the JVM's trust manager factory has no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsConfigException("trustPem: cannot build a trust store: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- managers

    /**
     * {@code verify(false)}: accepts every server certificate. It extends
     * {@link X509ExtendedTrustManager} on purpose: the JDK wraps a plain X509TrustManager in
     * a wrapper that would still check the host name.
     */
    static final class TrustEverything extends X509ExtendedTrustManager {
        private static final X509Certificate[] NONE = new X509Certificate[0];

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return NONE;
        }
    }

    /**
     * The client side of mutual TLS: one certificate chain and key (or none), offered when the
     * server asks and the key type is among those it accepts. It also notes in the handshake
     * session that a certificate was asked for (see {@code TlsIo}'s TLS 1.3 confirmation).
     */
    static final class ClientIdentity extends X509ExtendedKeyManager {
        private static final String ALIAS = "client";
        private final X509Certificate[] chain;
        private final PrivateKey key;

        ClientIdentity(List<X509Certificate> chain, PrivateKey key) {
            this.chain = chain == null ? null : chain.toArray(new X509Certificate[0]);
            this.key = key;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            if (engine != null) {
                SSLSession handshake = engine.getHandshakeSession();
                if (handshake != null) {
                    handshake.putValue(CLIENT_AUTH_REQUESTED, Boolean.TRUE);
                }
            }
            return chooseClientAlias(keyTypes, issuers, null);
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            if (key == null || keyTypes == null) {
                return null;
            }
            for (String type : keyTypes) {
                if (fits(type)) {
                    return ALIAS;
                }
            }
            return null;
        }

        private boolean fits(String keyType) {
            String algorithm = key.getAlgorithm();
            if (keyType.equalsIgnoreCase(algorithm)) {
                return true;
            }
            boolean edKey = algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
            return edKey && (keyType.equals("EdDSA") || keyType.equals("Ed25519") || keyType.equals("Ed448"));
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return key != null && fits(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) && chain != null ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }

    // ---------------------------------------------------------------- reflection

    private static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException | SecurityException e) {
            return null;
        }
    }

    static void invoke(Method method, Object target, Object... args) throws TlsConfigException {
        try {
            method.invoke(target, args);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new TlsConfigException(method.getName() + " failed: " + cause, cause);
        }
    }
}
