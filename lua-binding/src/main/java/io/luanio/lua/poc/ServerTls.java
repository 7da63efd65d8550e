package io.luanio.lua.poc;

import io.luanio.tls.TlsServerOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The TLS keys of {@code socket.listen}'s options table, mapped onto the core's
 * {@link TlsServerOptions}:
 *
 * <pre>
 *  tls = true                      accepted connections speak TLS as the server
 *  cert = pem, key = pem           the default certificate chain and its key
 *  hosts = { ["a.test"] = { cert = pem, key = pem }, ["*.b.test"] = {...} }
 *                                  virtual hosts chosen by the name the client asks for (SNI);
 *                                  without cert/key, the first name in sorted order is the default
 *  ca = pem, verify = true         require a client certificate that chains to ca
 *            verify = "optional"   ask for one; a client without one (or with an unverified one) is accepted
 *  alpn = { "h2", "http/1.1" }     application protocols, in preference order
 * </pre>
 *
 * A key of the wrong type is a Lua error (as for {@code socket.new}); a combination the
 * module cannot use ({@code cert} without {@code key}, TLS keys without {@code tls = true},
 * {@code verify} without {@code ca}) is an {@code nil, err} from {@code listen}.
 */
final class ServerTls {
    /** The core's options, or null for a plain TCP listener. */
    TlsServerOptions options;
    /** Why the settings cannot be used (returned as {@code nil, err}), or null. */
    String error;

    private ServerTls() {
    }

    /**
     * Reads the TLS keys of a listen options table.
     *
     * @throws LuaError for a value of the wrong type
     */
    static ServerTls from(LuaTable t) {
        ServerTls r = new ServerTls();
        boolean tls = t.get("tls").toboolean();
        String cert = optString(t, "cert");
        String key = optString(t, "key");
        String ca = optString(t, "ca");
        LuaValue hosts = t.get("hosts");
        if (!hosts.isnil() && !hosts.istable()) {
            throw new LuaError("hosts must be a table of { cert =, key = } by server name, got " + hosts.typename());
        }
        TlsServerOptions.ClientAuth verify = verify(t.get("verify"));
        String[] alpn = alpn(t.get("alpn"));
        if (!tls) {
            if (cert != null || key != null || !hosts.isnil() || ca != null || verify != TlsServerOptions.ClientAuth.NONE
                || alpn != null) {
                r.error = "tls: cert, key, hosts, ca, verify and alpn need tls = true";
            }
            return r;
        }
        TlsServerOptions o = new TlsServerOptions();
        try {
            if (cert != null || key != null) {
                if (cert == null || key == null) {
                    r.error = "tls: cert and key go together";
                    return r;
                }
                o.certificate(cert, key);
            }
            if (hosts.istable()) {
                for (String name : sortedNames(hosts.checktable())) {
                    LuaValue entry = hosts.get(name);
                    if (!entry.istable()) {
                        throw new LuaError("hosts[\"" + name + "\"] must be a table { cert =, key = }, got " + entry.typename());
                    }
                    String hostCert = optString(entry.checktable(), "cert");
                    String hostKey = optString(entry.checktable(), "key");
                    if (hostCert == null || hostKey == null) {
                        r.error = "tls: hosts[\"" + name + "\"] needs cert and key";
                        return r;
                    }
                    o.virtualHost(name, hostCert, hostKey);
                }
            }
            if (o.defaultCertificate() == null && o.virtualHosts().isEmpty()) {
                r.error = "tls: a TLS listener needs cert and key (or hosts)";
                return r;
            }
            if (verify != TlsServerOptions.ClientAuth.NONE) {
                if (ca == null) {
                    r.error = "tls: verify needs ca (the CA certificates that vouch for clients)";
                    return r;
                }
                o.clientAuth(verify, ca);
            }
            if (alpn != null && alpn.length > 0) {
                o.alpn(alpn);
            }
        } catch (IllegalArgumentException e) {
            r.error = "tls: " + e.getMessage();
            return r;
        }
        r.options = o;
        return r;
    }

    private static TlsServerOptions.ClientAuth verify(LuaValue v) {
        if (v.isnil() || (v.isboolean() && !v.toboolean())) {
            return TlsServerOptions.ClientAuth.NONE;
        }
        if ((v.isboolean() && v.toboolean()) || (v.isstring() && "required".equals(v.tojstring()))) {
            return TlsServerOptions.ClientAuth.REQUIRE;
        }
        if (v.isstring() && "optional".equals(v.tojstring())) {
            return TlsServerOptions.ClientAuth.REQUEST;
        }
        throw new LuaError("verify must be true, false, \"required\" or \"optional\", got " + v.tojstring());
    }

    private static String[] alpn(LuaValue v) {
        if (v.isnil()) {
            return null;
        }
        if (v.istable()) {
            int n = v.length();
            String[] list = new String[n];
            for (int i = 0; i < n; i++) {
                list[i] = v.get(i + 1).checkjstring();
            }
            return list;
        }
        return new String[] {v.checkjstring()};
    }

    private static List<String> sortedNames(LuaTable hosts) {
        List<String> names = new ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = hosts.next(k);
            k = next.arg1();
            if (k.isnil()) {
                break;
            }
            if (!k.isstring() || k.isnumber()) {
                throw new LuaError("hosts keys must be server names, got " + k.typename() + " " + k.tojstring());
            }
            names.add(k.tojstring());
        }
        Collections.sort(names);
        return names;
    }

    private static String optString(LuaTable t, String key) {
        LuaValue v = t.get(key);
        if (v.isnil()) {
            return null;
        }
        if (!v.isstring() || v.isnumber()) {
            throw new LuaError(key + " must be a string, got " + v.typename());
        }
        return v.tojstring();
    }
}
