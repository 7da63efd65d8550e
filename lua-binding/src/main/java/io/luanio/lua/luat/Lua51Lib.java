package io.luanio.lua.luat;

import io.luanio.lua.LuaArgs;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The Lua 5.1 names LuaJ (a Lua 5.2) lacks, for LuaTask mode (SPEC.md section 6):
 * {@code module} and {@code package.seeall}, a 5.1 {@code require} (the loader gets the
 * module name only, as {@code module(...)} expects), {@code unpack}, {@code string.gfind},
 * {@code loadstring}, {@code table.getn}, {@code table.maxn}, {@code math.mod},
 * {@code math.log10}, {@code package.loaders}, {@code collectgarbage} accepting
 * {@code "setpause"}, {@code "setstepmul"}, {@code "stop"} and {@code "restart"}, and a
 * {@code string.format} with C's conversions ({@link StringFormat}; LuaJ's ignores width
 * and precision of floats and strings).
 *
 * <p>{@code module} returns the module table; {@link Lua51Source} turns the statement
 * {@code module(...)} into {@code local _ENV = module(...)}, which is how the calling chunk's
 * environment becomes the module table (LuaJ has no {@code setfenv}).
 */
final class Lua51Lib {
    /** Marks a module that is being loaded in {@code package.loaded} (cycles, failed loads). */
    private static final LuaValue LOADING = new LuaUserdata("loading");

    private Lua51Lib() {
    }

    static void install(Globals globals) {
        LuaValue pkg = globals.get("package");
        globals.set("module", new module(globals));
        globals.set("require", new require(globals));
        pkg.set("seeall", new seeall(globals));
        pkg.set("loaders", pkg.get("searchers"));

        LuaValue table = globals.get("table");
        globals.set("unpack", table.get("unpack"));
        table.set("getn", new getn());
        table.set("maxn", new maxn());
        LuaValue string = globals.get("string");
        string.set("gfind", string.get("gmatch"));
        string.set("format", new StringFormat(string.get("format")));
        LuaValue math = globals.get("math");
        math.set("mod", math.get("fmod"));
        math.set("log10", new log10());
        globals.set("loadstring", new loadstring(globals.get("load")));
        globals.set("collectgarbage", new collectgarbage(globals.get("collectgarbage")));
    }

    /** {@code module(name [, option...])}: the module table, registered as Lua 5.1 does. */
    static final class module extends VarArgFunction {
        private final Globals globals;

        module(Globals globals) {
            this.globals = globals;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString name = LuaArgs.checkString(args, 1, "module");
            LuaValue loaded = globals.get("package").get("loaded");
            LuaValue t = loaded.get(name);
            if (!t.istable()) {
                t = findTable(globals, name.tojstring());
                if (t == null) {
                    throw new LuaError("name conflict for module '" + name.tojstring() + "'");
                }
                loaded.set(name, t);
            }
            if (t.get("_NAME").isnil()) {
                t.set("_M", t);
                t.set("_NAME", name);
                String n = name.tojstring();
                t.set("_PACKAGE", n.substring(0, n.lastIndexOf('.') + 1));
            }
            for (int i = 2; i <= args.narg(); i++) {
                args.arg(i).call(t);
            }
            return t;
        }

        /** {@code _G.a.b.c} for "a.b.c", creating missing tables; null when a part is not a table. */
        private static LuaValue findTable(LuaValue root, String dotted) {
            LuaValue t = root;
            for (String part : dotted.split("\\.", -1)) {
                LuaValue v = t.rawget(part);
                if (v.isnil()) {
                    v = new LuaTable();
                    t.rawset(part, v);
                } else if (!v.istable()) {
                    return null;
                }
                t = v;
            }
            return t;
        }
    }

    /** {@code package.seeall(module)}: the module's {@code __index} becomes {@code _G}. */
    static final class seeall extends OneArgFunction {
        private final Globals globals;

        seeall(Globals globals) {
            this.globals = globals;
        }

        @Override
        public LuaValue call(LuaValue module) {
            LuaTable t = module.checktable();
            LuaValue mt = t.getmetatable();
            if (mt == null) {
                mt = new LuaTable();
                t.setmetatable(mt);
            }
            mt.set(INDEX, globals);
            return NONE;
        }
    }

    /**
     * {@code require(name)} as in Lua 5.1: {@code package.loaded}, then each of
     * {@code package.loaders} (the same table as {@code package.searchers}); the loader is
     * called with the name only.
     */
    static final class require extends OneArgFunction {
        private final Globals globals;

        require(Globals globals) {
            this.globals = globals;
        }

        @Override
        public LuaValue call(LuaValue arg) {
            LuaString name = arg.checkstring();
            LuaValue pkg = globals.get("package");
            LuaValue loaded = pkg.get("loaded");
            LuaValue value = loaded.get(name);
            if (value.toboolean()) {
                if (value == LOADING) {
                    throw new LuaError("loop or previous error loading module '" + name.tojstring() + "'");
                }
                return value;
            }
            LuaValue loaders = pkg.get("loaders");
            if (!loaders.istable()) {
                loaders = pkg.get("searchers");
            }
            if (!loaders.istable()) {
                throw new LuaError("'package.loaders' must be a table");
            }
            StringBuilder notFound = new StringBuilder();
            LuaValue loader = null;
            for (int i = 1; loader == null; i++) {
                LuaValue searcher = loaders.get(i);
                if (searcher.isnil()) {
                    throw new LuaError("module '" + name.tojstring() + "' not found:" + notFound);
                }
                Varargs found = searcher.invoke(name);
                if (found.isfunction(1)) {
                    loader = found.arg1();
                } else if (found.isstring(1)) {
                    notFound.append(found.tojstring(1));
                }
            }
            loaded.set(name, LOADING);
            LuaValue result = loader.call(name);
            if (!result.isnil()) {
                loaded.set(name, result);
            }
            value = loaded.get(name);
            if (value == LOADING) {
                loaded.set(name, TRUE);
                value = TRUE;
            }
            return value;
        }
    }

    /** {@code table.getn(t)}: the raw length. */
    static final class getn extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue t) {
            return valueOf(t.checktable().rawlen());
        }
    }

    /** {@code table.maxn(t)}: the largest positive numeric key, or 0. */
    static final class maxn extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue t) {
            LuaTable table = t.checktable();
            double max = 0;
            LuaValue k = NIL;
            while (true) {
                Varargs n = table.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                if (k.type() == TNUMBER && k.todouble() > max) {
                    max = k.todouble();
                }
            }
            return valueOf(max);
        }
    }

    /** {@code math.log10(x)}. */
    static final class log10 extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue x) {
            return valueOf(Math.log10(x.checkdouble()));
        }
    }

    /** {@code loadstring(s [, chunkname])}: {@code load} of a string, named after it by default. */
    static final class loadstring extends VarArgFunction {
        private final LuaValue load;

        loadstring(LuaValue load) {
            this.load = load;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = LuaArgs.checkString(args, 1, "loadstring");
            return load.invoke(s, args.arg(2).isnil() ? s : args.arg(2));
        }
    }

    /**
     * {@code collectgarbage([opt [, arg]])}: LuaJ's for {@code "collect"}, {@code "count"}
     * and {@code "step"}; Lua 5.1's tuning options are accepted and remembered (the JVM's
     * collector is not tuned from Lua).
     */
    static final class collectgarbage extends VarArgFunction {
        private final LuaValue luaj;
        private int pause = 200;
        private int stepmul = 200;

        collectgarbage(LuaValue luaj) {
            this.luaj = luaj;
        }

        @Override
        public Varargs invoke(Varargs args) {
            String opt = args.optjstring(1, "collect");
            int previous;
            switch (opt) {
                case "setpause":
                    previous = pause;
                    pause = args.optint(2, 0);
                    return valueOf(previous);
                case "setstepmul":
                    previous = stepmul;
                    stepmul = args.optint(2, 0);
                    return valueOf(previous);
                case "stop":
                case "restart":
                    return ZERO;
                default:
                    return luaj.invoke(args);
            }
        }
    }
}
