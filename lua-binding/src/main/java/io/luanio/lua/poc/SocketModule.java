package io.luanio.lua.poc;

import io.luanio.ListenOptions;
import io.luanio.lua.LuaArgs;
import io.luanio.lua.LuaModule;
import io.luanio.lua.ScriptHost;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code require("socket")}: the POC engine's blocking socket module.
 *
 * <p>Sockets and servers are userdata sharing one {@code __index} table per kind. Every
 * failure is a return value ({@code nil, err} / {@code false, err} /
 * {@code "", 0, err}); only bad argument types raise Lua errors naming the function.
 * Sockets a script forgets are closed when it ends.
 */
public final class SocketModule implements LuaModule {
    /** Creates the module (found through {@link java.util.ServiceLoader}). */
    public SocketModule() {
    }

    @Override
    public String name() {
        return "socket";
    }

    @Override
    public boolean global() {
        return false; // scripts say local socket = require("socket")
    }

    @Override
    public LuaValue load(ScriptHost host) {
        LuaTable module = new LuaTable();
        LuaTable socketMeta = new LuaTable();
        LuaTable socketMethods = new LuaTable();
        socketMeta.set("__index", socketMethods);
        socketMeta.set("__name", "socket");
        socketMeta.set("__tostring", new ToString("socket"));
        LuaTable serverMeta = new LuaTable();
        LuaTable serverMethods = new LuaTable();
        serverMeta.set("__index", serverMethods);
        serverMeta.set("__name", "server");
        serverMeta.set("__tostring", new ToString("server"));

        module.set("new", new New(host, module, socketMeta));
        module.set("lookup", new Lookup(host));
        module.set("listen", new Listen(host, serverMeta));

        socketMethods.set("timeout", new SocketMethod("timeout") {
            @Override
            Varargs call(PocSocket s, Varargs args) {
                s.timeoutSeconds = seconds(args, 2, "timeout");
                return LuaValue.NONE;
            }
        });
        socketMethods.set("servername", new SocketMethod("servername") {
            @Override
            Varargs call(PocSocket s, Varargs args) {
                if (args.arg(2).isnil()) {
                    return s.serverName(); // the getter form
                }
                s.serverName = LuaArgs.latin1(LuaArgs.checkString(args, 2, "servername"));
                return LuaValue.NONE;
            }
        });
        socketMethods.set("port", new SocketMethod("port") {
            @Override
            Varargs call(PocSocket s, Varargs args) {
                return s.port();
            }
        });
        socketMethods.set("connect", new SocketMethod("connect") {
            @Override
            Varargs call(PocSocket s, Varargs args) {
                String type = LuaArgs.latin1(LuaArgs.checkString(args, 2, "connect"));
                String address = LuaArgs.latin1(LuaArgs.checkString(args, 3, "connect"));
                long port = LuaArgs.checkInteger(args, 4, "connect");
                return s.connect(type, address, (int) Math.max(-1, Math.min(port, 65536)));
            }
        });
        socketMethods.set("send", new SocketMethod("send") {
            @Override
            Varargs call(PocSocket s, Varargs args) {
                return s.send(LuaArgs.checkString(args, 2, "send"));
            }
        });
        socketMethods.set("recv", new SocketMethod("recv") {
            @Override
            Varargs call(PocSocket s, Varargs args) {
                long size = LuaArgs.checkInteger(args, 2, "recv");
                if (size < 1) {
                    throw LuaArgs.argError(2, "recv", "size must be at least 1");
                }
                return s.recv((int) Math.min(size, 16 * 1024 * 1024));
            }
        });
        socketMethods.set("close", new SocketMethod("close") {
            @Override
            Varargs call(PocSocket s, Varargs args) {
                s.close();
                return LuaValue.NONE;
            }
        });

        serverMethods.set("accept", new ServerMethod("accept") {
            @Override
            Varargs call(PocServer server, Varargs args) {
                if (server.isClosed()) {
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(Errors.CLOSED));
                }
                PocSocket s = server.accept();
                if (s == null) {
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(server.isClosed() ? Errors.CLOSED : Errors.TIMEOUT));
                }
                return new LuaUserdata(s, socketMeta);
            }
        });
        serverMethods.set("port", new ServerMethod("port") {
            @Override
            Varargs call(PocServer server, Varargs args) {
                return LuaValue.valueOf(server.port());
            }
        });
        serverMethods.set("timeout", new ServerMethod("timeout") {
            @Override
            Varargs call(PocServer server, Varargs args) {
                server.timeoutSeconds = seconds(args, 2, "timeout");
                return LuaValue.NONE;
            }
        });
        serverMethods.set("close", new ServerMethod("close") {
            @Override
            Varargs call(PocServer server, Varargs args) {
                server.closeAndWait(); // the port is free when close returns
                return LuaValue.NONE;
            }
        });
        return module;
    }

    static double seconds(Varargs args, int index, String function) {
        double s = LuaArgs.checkNumber(args, index, function);
        if (Double.isNaN(s) || s < 0) {
            throw LuaArgs.argError(index, function, "timeout must be a number of seconds >= 0");
        }
        return Math.min(s, 1e9);
    }

    /** {@code socket.new([options])}, also {@code socket:new([options])}. */
    static final class New extends VarArgFunction {
        private final ScriptHost host;
        private final LuaTable module;
        private final LuaTable meta;

        New(ScriptHost host, LuaTable module, LuaTable meta) {
            this.host = host;
            this.module = module;
            this.meta = meta;
        }

        @Override
        public Varargs invoke(Varargs args) {
            int first = args.arg1() == module ? 2 : 1; // the colon form passes the module first
            LuaValue options = args.arg(first);
            PocSocket s = new PocSocket(host);
            if (!options.isnil()) {
                if (!options.istable()) {
                    throw LuaArgs.argError(first, "new", "table expected, got " + LuaArgs.typeName(args, first));
                }
                try {
                    s.configure(options.checktable());
                } catch (org.luaj.vm2.LuaError e) {
                    throw LuaArgs.argError(first, "new", "bad option: " + e.getMessage());
                }
            }
            return new LuaUserdata(s, meta);
        }
    }

    /** {@code socket.lookup(domain)}: {@code ip, nil} or {@code nil, err}. */
    static final class Lookup extends VarArgFunction {
        private final ScriptHost host;

        Lookup(ScriptHost host) {
            this.host = host;
        }

        @Override
        public Varargs invoke(Varargs args) {
            String name = LuaArgs.latin1(LuaArgs.checkString(args, 1, "lookup"));
            return Resolve.lookup(host, name);
        }
    }

    /**
     * {@code socket.listen(host, port [, backlog] [, options])}: a server, or
     * {@code nil, err}. The options table may come third (no backlog) or fourth; its
     * {@code tls} keys are {@link ServerTls}'s, {@code timeout} is the accept timeout.
     */
    static final class Listen extends VarArgFunction {
        private final ScriptHost host;
        private final LuaTable meta;

        Listen(ScriptHost host, LuaTable meta) {
            this.host = host;
            this.meta = meta;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString address = LuaArgs.optString(args, 1, "listen");
            long port = LuaArgs.checkInteger(args, 2, "listen");
            int optionsAt = args.arg(3).istable() ? 3 : 4;
            long backlog = optionsAt == 3 ? 0 : LuaArgs.optInteger(args, 3, "listen", 0);
            LuaValue options = args.arg(optionsAt);
            if (!options.isnil() && !options.istable()) {
                throw LuaArgs.argError(optionsAt, "listen", "table expected, got " + LuaArgs.typeName(args, optionsAt));
            }
            if (port < 0 || port > 65535) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("port out of range: " + port));
            }
            PocServer server = new PocServer(host);
            ListenOptions listenOptions = null;
            if (options.istable()) {
                ServerTls tls;
                try {
                    LuaValue timeout = options.get("timeout");
                    if (!timeout.isnil()) {
                        server.timeoutSeconds = Math.min(Math.max(0, timeout.checkdouble()), 1e9);
                    }
                    tls = ServerTls.from(options.checktable());
                } catch (org.luaj.vm2.LuaError e) {
                    throw LuaArgs.argError(optionsAt, "listen", "bad option: " + e.getMessage());
                }
                if (tls.error != null) {
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(tls.error));
                }
                if (tls.options != null) {
                    listenOptions = new ListenOptions().tls(tls.options);
                }
            }
            String error = server.listen(address == null ? null : LuaArgs.latin1(address), (int) port,
                (int) Math.max(0, Math.min(backlog, 65535)), listenOptions);
            if (error != null) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(error));
            }
            return new LuaUserdata(server, meta);
        }
    }

    /** A method of socket objects: checks {@code self}. */
    abstract static class SocketMethod extends VarArgFunction {
        private final String fname;

        SocketMethod(String fname) {
            this.fname = fname;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Object self = args.arg1().isuserdata() ? args.arg1().touserdata() : null;
            if (!(self instanceof PocSocket)) {
                throw LuaArgs.argError(1, fname, "socket expected, got " + LuaArgs.typeName(args, 1));
            }
            return call((PocSocket) self, args);
        }

        abstract Varargs call(PocSocket socket, Varargs args);
    }

    /** A method of server objects: checks {@code self}. */
    abstract static class ServerMethod extends VarArgFunction {
        private final String fname;

        ServerMethod(String fname) {
            this.fname = fname;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Object self = args.arg1().isuserdata() ? args.arg1().touserdata() : null;
            if (!(self instanceof PocServer)) {
                throw LuaArgs.argError(1, fname, "server expected, got " + LuaArgs.typeName(args, 1));
            }
            return call((PocServer) self, args);
        }

        abstract Varargs call(PocServer server, Varargs args);
    }

    /** {@code __tostring}. */
    static final class ToString extends VarArgFunction {
        private final String kind;

        ToString(String kind) {
            this.kind = kind;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Object o = args.arg1().touserdata();
            int id = o instanceof PocSocket ? ((PocSocket) o).id : o instanceof PocServer ? ((PocServer) o).id : -1;
            return LuaValue.valueOf(kind + " (" + (id >= 0 ? "id " + id : "unconnected") + ")");
        }
    }
}
