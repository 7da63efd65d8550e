package io.luanio.lua.poc;

import io.luanio.Context;
import io.luanio.dns.LookupResult;
import io.luanio.lua.ScriptHost;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code socket.lookup(domain)}: the loop's resolver, waited for by this script only.
 * Returns the first IPv4 address, else the first IPv6 address, as text.
 */
final class Resolve {
    /** A bound on the wait; the resolver answers (or times out) well before it. */
    private static final long MAX_WAIT_NS = TimeUnit.MINUTES.toNanos(2);

    private Resolve() {
    }

    static Varargs lookup(ScriptHost host, String name) {
        Context ctx = host.context();
        int id = ctx.lookup(name);
        if (id < 0) {
            String why = ctx.lastError();
            return fail(why != null && why.startsWith("name must be") ? Errors.NO_SUCH_HOST : why);
        }
        boolean[] done = new boolean[1];
        host.claimLookup(id, (type, socket, result, value) -> done[0] = true);
        try {
            if (!host.pumpUntil(() -> done[0], System.nanoTime() + MAX_WAIT_NS)) {
                ctx.cancelLookup(id);
                return fail(Errors.TIMEOUT);
            }
        } finally {
            host.releaseLookup(id);
        }
        LookupResult result = ctx.lookupResult(id);
        if (result == null) {
            return fail(Errors.NO_SUCH_HOST);
        }
        if (!result.ok()) {
            return fail(error(result));
        }
        InetAddress first = result.first();
        return LuaValue.varargsOf(LuaValue.valueOf(text(first)), LuaValue.NIL);
    }

    /** IPv4 dotted quad, IPv6 in RFC 5952 form ({@code ::1}, not Java's {@code 0:0:0:0:0:0:0:1}). */
    static String text(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed
        for (int i = 0; i < 8;) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    static String error(LookupResult result) {
        switch (result.status()) {
            case LookupResult.NXDOMAIN:
            case LookupResult.NODATA:
            case LookupResult.INVALID_NAME:
                return Errors.NO_SUCH_HOST;
            case LookupResult.TIMEOUT:
                return Errors.TIMEOUT;
            default:
                return result.message();
        }
    }

    private static Varargs fail(String error) {
        return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(error));
    }
}
