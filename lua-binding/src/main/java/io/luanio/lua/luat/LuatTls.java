package io.luanio.lua.luat;

import io.luanio.ConnectOptions;
import io.luanio.SocketType;
import io.luanio.lua.LuaArgs;
import io.luanio.lua.ScriptHost;
import io.luanio.tls.TlsOptions;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Maps {@code sock_conn}'s SSL arguments (the {@code cert} table, {@code insist},
 * {@code hostNameFlag}) onto the core's TLS options by SPEC.md section 1's rules
 * ({@link TlsOptions#socketcore}): with {@code caCert} the chain and host name are
 * verified unless {@code insist} is 1; without it nothing is verified; the runner's
 * {@code --verify-tls} verifies every socket (against the JDK's trust store when the
 * script gives no CA).
 */
final class LuatTls {
    private LuatTls() {
    }

    static int connect(ScriptHost host, String address, int port, LuaTable cert, long insist, long hostNameFlag,
                       ConnectOptions options) {
        String hostName = field(cert, "hostName");
        String clientCert = field(cert, "clientCert");
        String clientKey = field(cert, "clientKey");
        if ((clientCert == null) != (clientKey == null)) {
            return -1; // a client certificate needs its key (and a key its certificate)
        }
        TlsOptions tls;
        try {
            tls = TlsOptions.socketcore(hostName != null ? hostName : address, field(cert, "caCert"),
                clientCert, clientKey,
                insist < 0 ? -1 : (int) Math.min(insist, 1), (int) Math.max(0, Math.min(hostNameFlag, 1)));
        } catch (IllegalArgumentException e) {
            return -1; // e.g. a clientCert without its clientKey: no socket can be opened
        }
        if (host.options().verifyTls()) {
            tls.verify(true);
        }
        options.tls(tls);
        return host.context().connect(SocketType.SSL, address, port, options);
    }

    /** A string field of the cert table (PEM contents), or null. */
    private static String field(LuaTable cert, String key) {
        if (cert == null) {
            return null;
        }
        LuaValue v = cert.get(key);
        if (v.isnil()) {
            return null;
        }
        if (!v.isstring()) {
            throw LuaArgs.argError(4, "sock_conn", "cert." + key + " must be a string, got " + v.typename());
        }
        return LuaArgs.latin1(v.checkstring());
    }
}
