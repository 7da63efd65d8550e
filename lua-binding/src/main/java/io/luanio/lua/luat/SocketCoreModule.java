package io.luanio.lua.luat;

import io.luanio.ConnectOptions;
import io.luanio.Context;
import io.luanio.ErrorCode;
import io.luanio.SocketType;
import io.luanio.lua.LuaArgs;
import io.luanio.lua.LuaModule;
import io.luanio.lua.ScriptHost;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code socketcore}: the Luat module's asynchronous socket API (SPEC.md section 1). Every
 * call returns at once; outcomes arrive as messages through {@code rtos.receive}.
 *
 * <p>One nested class per Lua function, named as in Lua. Runtime failures are return
 * values; only bad argument types raise Lua errors naming the function.
 */
public final class SocketCoreModule implements LuaModule {
    /** Creates the module (found through {@link java.util.ServiceLoader}). */
    public SocketCoreModule() {
    }

    @Override
    public String name() {
        return "socketcore";
    }

    @Override
    public LuaValue load(ScriptHost host) {
        LuaTable t = new LuaTable();
        Context ctx = host.context();
        t.set("sock_conn", new sock_conn(host, false));
        t.set("sock_conn_ext", new sock_conn(host, true));
        t.set("sock_send", new sock_send(ctx));
        t.set("sock_recv", new sock_recv(host));
        t.set("sock_close", new sock_close(ctx));
        t.set("sock_destroy", new sock_destroy(ctx));
        t.set("sock_setopt", new sock_setopt(ctx));
        t.set("sock_getremainbuf", new sock_getremainbuf(ctx));

        t.set("SOL_SOCKET", 0xfff);
        t.set("IPPROTO_TCP", 6);
        t.set("SO_REUSEADDR", 4);
        t.set("SO_KEEPALIVE", 8);
        t.set("TCP_KEEPIDLE", 3);
        t.set("TCP_KEEPINTVL", 4);
        t.set("TCP_KEEPCNT", 5);

        t.set("ERR_OK", ErrorCode.ERR_OK);
        t.set("ERR_ENOMEM", ErrorCode.ERR_ENOMEM);
        t.set("ERR_ENOBUFS", ErrorCode.ERR_ENOBUFS);
        t.set("ERR_ETIMEOUT", ErrorCode.ERR_ETIMEOUT);
        t.set("ERR_ERTE", ErrorCode.ERR_ERTE);
        t.set("ERR_EINPROGRESS", ErrorCode.ERR_EINPROGRESS);
        t.set("ERR_EWOULDBLOCK", ErrorCode.ERR_EWOULDBLOCK);
        t.set("ERR_EADDRINUSE", ErrorCode.ERR_EADDRINUSE);
        t.set("ERR_EALREADY", ErrorCode.ERR_EALREADY);
        t.set("ERR_EISCONN", ErrorCode.ERR_EISCONN);
        t.set("ERR_ENOTCONN", ErrorCode.ERR_ENOTCONN);
        t.set("ERR_EIF", ErrorCode.ERR_EIF);
        t.set("ERR_EABORT", ErrorCode.ERR_EABORT);
        t.set("ERR_ERST", ErrorCode.ERR_ERST);
        t.set("ERR_ECLSD", ErrorCode.ERR_ECLSD);
        t.set("ERR_EARG", ErrorCode.ERR_EARG);
        t.set("ERR_EIO", ErrorCode.ERR_EIO);
        t.set("ERR_SSL_EHANDESHAK", ErrorCode.ERR_SSL_EHANDESHAK);
        t.set("ERR_SSL_EINIT", ErrorCode.ERR_SSL_EINIT);
        t.set("ERR_SSL_EINVALID", ErrorCode.ERR_SSL_EINVALID);
        t.set("ERR_UNKOWN", ErrorCode.ERR_UNKOWN);
        return t;
    }

    /**
     * {@code sock_conn(type, addr, port [, cert_or_buflen] [, recvBufferLen] [, insist]
     * [, local_port] [, hostNameFlag])}: a socket id, or nil ({@code sock_conn_ext}: -1).
     */
    static final class sock_conn extends VarArgFunction {
        private final ScriptHost host;
        private final boolean ext;
        private final String fname;

        sock_conn(ScriptHost host, boolean ext) {
            this.host = host;
            this.ext = ext;
            this.fname = ext ? "sock_conn_ext" : "sock_conn";
        }

        @Override
        public Varargs invoke(Varargs args) {
            long type = LuaArgs.checkInteger(args, 1, fname);
            LuaString addr = LuaArgs.checkString(args, 2, fname);
            long port = LuaArgs.checkInteger(args, 3, fname);
            LuaValue fourth = args.arg(4);
            LuaTable cert = null;
            long recvBufferLen;
            if (fourth.istable()) {
                cert = fourth.checktable();
                recvBufferLen = LuaArgs.optInteger(args, 5, fname, 0);
            } else if (fourth.isnil() || fourth.isnumber()) {
                // LuaTask passes the receive buffer size as argument 4 for TCP and UDP.
                recvBufferLen = fourth.isnil() ? LuaArgs.optInteger(args, 5, fname, 0) : LuaArgs.checkInteger(args, 4, fname);
            } else {
                throw LuaArgs.argError(4, fname, "table or number expected, got " + LuaArgs.typeName(args, 4));
            }
            long insist = LuaArgs.optInteger(args, 6, fname, -1);
            long localPort = LuaArgs.optInteger(args, 7, fname, 0);
            long hostNameFlag = LuaArgs.optInteger(args, 8, fname, 0);

            int id = open(type, addr, port, cert, recvBufferLen, insist, localPort, hostNameFlag);
            if (id >= 0) {
                return LuaValue.valueOf(id);
            }
            return ext ? LuaValue.valueOf(-1) : LuaValue.NIL;
        }

        private int open(long type, LuaString addr, long port, LuaTable cert, long recvBufferLen, long insist,
                         long localPort, long hostNameFlag) {
            if (type < SocketType.TCP || type > SocketType.SSL) {
                return -1; // 3 (SMS) and 4 (RAW) do not exist here
            }
            if (addr.m_length == 0 || addr.m_length > 255 || port < 0 || port > 65535) {
                return -1;
            }
            ConnectOptions options = new ConnectOptions();
            if (recvBufferLen > 0) {
                options.receiveBufferBytes((int) Math.min(recvBufferLen, 64L * 1024 * 1024));
            }
            if (localPort > 0 && localPort <= 65535 && type != SocketType.SSL) {
                options.localPort((int) localPort);
            }
            String address = LuaArgs.latin1(addr);
            if (type == SocketType.SSL) {
                return LuatTls.connect(host, address, (int) port, cert, insist, hostNameFlag, options);
            }
            return host.context().connect((int) type, address, (int) port, options);
        }
    }

    /** {@code sock_send(id, data)}: {@code 1, 0} when queued; {@code 0, err} otherwise. */
    static final class sock_send extends VarArgFunction {
        private final Context ctx;

        sock_send(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Varargs invoke(Varargs args) {
            int id = LuaArgs.checkInt(args, 1, "sock_send");
            LuaString data = LuaArgs.checkString(args, 2, "sock_send");
            int result = ctx.send(id, data.m_bytes, data.m_offset, data.m_length);
            return result == ErrorCode.ERR_OK
                ? LuaValue.varargsOf(LuaValue.ONE, LuaValue.ZERO)
                : LuaValue.varargsOf(LuaValue.ZERO, LuaValue.valueOf(result));
        }
    }

    /** {@code sock_recv(id, len)}: at most {@code len} bytes (UDP: one datagram), never nil. */
    static final class sock_recv extends VarArgFunction {
        private static final byte[] NONE = new byte[0];
        private final ScriptHost host;
        private final Context ctx;

        sock_recv(ScriptHost host) {
            this.host = host;
            this.ctx = host.context();
        }

        @Override
        public Varargs invoke(Varargs args) {
            int id = LuaArgs.checkInt(args, 1, "sock_recv");
            long len = LuaArgs.checkInteger(args, 2, "sock_recv");
            if (len < 0) {
                throw LuaArgs.argError(2, "sock_recv", "length must not be negative");
            }
            int want = (int) Math.min(len, ctx.available(id));
            if (want <= 0) {
                ctx.recv(id, NONE, 0, 0); // still acknowledges: the rest is announced again
                return LuaValue.EMPTYSTRING;
            }
            byte[] buf = new byte[want];
            int n = ctx.recv(id, buf, 0, want);
            host.countReceived(n);
            return LuaString.valueUsing(buf, 0, n);
        }
    }

    /** {@code sock_close(id)}: 1; {@code CLOSE_CNF} follows, for any id. */
    static final class sock_close extends VarArgFunction {
        private final Context ctx;

        sock_close(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Varargs invoke(Varargs args) {
            ctx.close(LuaArgs.checkInt(args, 1, "sock_close"));
            return LuaValue.ONE;
        }
    }

    /** {@code sock_destroy(id)}: 1 when the closed slot is now free, 0 otherwise. */
    static final class sock_destroy extends VarArgFunction {
        private final Context ctx;

        sock_destroy(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Varargs invoke(Varargs args) {
            return ctx.destroy(LuaArgs.checkInt(args, 1, "sock_destroy")) ? LuaValue.ONE : LuaValue.ZERO;
        }
    }

    /** {@code sock_setopt(id, level, optname, optval)}: 0 ok, -1 failure or not supported. */
    static final class sock_setopt extends VarArgFunction {
        private final Context ctx;

        sock_setopt(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Varargs invoke(Varargs args) {
            int id = LuaArgs.checkInt(args, 1, "sock_setopt");
            int level = LuaArgs.checkInt(args, 2, "sock_setopt");
            int name = LuaArgs.checkInt(args, 3, "sock_setopt");
            int value = LuaArgs.checkInt(args, 4, "sock_setopt");
            return LuaValue.valueOf(ctx.setOption(id, level, name, value));
        }
    }

    /** {@code sock_getremainbuf(id)}: free bytes in the send queue. */
    static final class sock_getremainbuf extends VarArgFunction {
        private final Context ctx;

        sock_getremainbuf(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Varargs invoke(Varargs args) {
            return LuaValue.valueOf(ctx.sendQueueFree(LuaArgs.checkInt(args, 1, "sock_getremainbuf")));
        }
    }
}
