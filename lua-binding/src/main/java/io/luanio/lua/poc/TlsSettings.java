package io.luanio.lua.poc;

import io.luanio.ConnectOptions;
import io.luanio.tls.TlsOptions;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The TLS options of {@code socket.new} and their mapping onto the core. The POC module
 * does not verify by default (scanners reach self-signed hosts): {@code verify = true}, or
 * the runner's {@code --verify-tls}, turns on chain and host-name checks.
 */
final class TlsSettings {
    boolean verify;
    String ca;
    String cert;
    String key;
    String[] alpn;

    static TlsSettings from(LuaTable options) {
        TlsSettings s = new TlsSettings();
        LuaValue v = options.get("verify");
        s.verify = !v.isnil() && v.toboolean();
        s.ca = optString(options, "ca");
        s.cert = optString(options, "cert");
        s.key = optString(options, "key");
        LuaValue alpn = options.get("alpn");
        if (alpn.istable()) {
            int n = alpn.length();
            s.alpn = new String[n];
            for (int i = 0; i < n; i++) {
                s.alpn[i] = alpn.get(i + 1).checkjstring();
            }
        } else if (!alpn.isnil()) {
            s.alpn = new String[] {alpn.checkjstring()};
        }
        return s;
    }

    private static String optString(LuaTable t, String key) {
        LuaValue v = t.get(key);
        return v.isnil() ? null : v.checkjstring();
    }

    /**
     * Applies a socket's TLS settings to a connect.
     *
     * @return null, or the error string for a setting the core refuses
     */
    static String apply(PocSocket socket, String address, ConnectOptions options) {
        TlsSettings s = socket.tlsSettings != null ? socket.tlsSettings : new TlsSettings();
        try {
            TlsOptions tls = new TlsOptions()
                .verify(s.verify || socket.host.options().verifyTls())
                .serverName(socket.serverName != null ? socket.serverName : address)
                .handshakeTimeoutMs(Math.max(1, (long) Math.ceil(socket.timeoutSeconds * 1000)));
            if (s.ca != null) {
                tls.trustPem(s.ca);
            }
            if (s.cert != null || s.key != null) {
                if (s.cert == null || s.key == null) {
                    return "tls: cert and key go together";
                }
                tls.clientCertificate(s.cert, s.key);
            }
            if (s.alpn != null && s.alpn.length > 0) {
                tls.alpn(s.alpn);
            }
            options.tls(tls);
            return null;
        } catch (IllegalArgumentException e) {
            return "tls: " + e.getMessage();
        }
    }
}
