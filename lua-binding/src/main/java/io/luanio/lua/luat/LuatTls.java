package io.luanio.lua.luat;

import io.luanio.ConnectOptions;
import io.luanio.SocketType;
import io.luanio.lua.ScriptHost;
import org.luaj.vm2.LuaTable;

/**
 * Maps {@code sock_conn}'s SSL arguments (the {@code cert} table, {@code insist},
 * {@code hostNameFlag}) onto the core's TLS options, by SPEC.md section 1's rules.
 */
final class LuatTls {
    private LuatTls() {
    }

    static int connect(ScriptHost host, String address, int port, LuaTable cert, long insist, long hostNameFlag,
                       ConnectOptions options) {
        // TLS arrives with the TLS issue; until then an SSL socket cannot be opened.
        return host.context().connect(SocketType.SSL, address, port, options);
    }
}
