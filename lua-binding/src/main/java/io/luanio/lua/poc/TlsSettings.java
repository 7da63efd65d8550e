package io.luanio.lua.poc;

import io.luanio.ConnectOptions;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The TLS options of {@code socket.new} ({@code verify}, {@code ca}, {@code cert},
 * {@code key}, {@code alpn}) and their mapping onto the core.
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
        }
        return s;
    }

    private static String optString(LuaTable t, String key) {
        LuaValue v = t.get(key);
        return v.isnil() ? null : v.checkjstring();
    }

    /**
     * Applies TLS settings to a connect; returns an error string, or null.
     */
    static String apply(PocSocket socket, String address, ConnectOptions options) {
        // TLS arrives with the TLS issue; until then a TLS connect fails clearly.
        return "tls: not available in this build";
    }
}
