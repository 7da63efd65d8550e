package io.luanio.lua.poc;

import io.luanio.lua.ScriptHost;
import java.net.Inet4Address;
import java.net.InetAddress;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** {@code socket.lookup}: until the resolver lands, IP literals only. */
final class Resolve {
    private Resolve() {
    }

    static Varargs lookup(ScriptHost host, String name) {
        if (name.isEmpty()) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(Errors.NO_SUCH_HOST));
        }
        boolean literal = name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (literal) {
            try {
                InetAddress a = InetAddress.getByName(name); // a literal: no DNS query is made
                String text = a instanceof Inet4Address ? a.getHostAddress() : a.getHostAddress();
                return LuaValue.varargsOf(LuaValue.valueOf(text), LuaValue.NIL);
            } catch (java.net.UnknownHostException e) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(Errors.NO_SUCH_HOST));
            }
        }
        return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(Errors.NO_SUCH_HOST));
    }
}
