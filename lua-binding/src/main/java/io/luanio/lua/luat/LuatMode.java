package io.luanio.lua.luat;

import io.luanio.lua.ScriptHost;
import java.io.IOException;
import java.io.InputStream;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * LuaTask mode (SPEC.md section 6): what a script needs beyond {@code socketcore} and
 * {@code rtos} to run a real Luat application and its LuaTask library files unchanged.
 *
 * <ul>
 *   <li>the Lua 5.1 names ({@link Lua51Lib}); the source rewrites ({@link Lua51Source})
 *       are applied by the script's compiler;</li>
 *   <li>stand-ins for the module's hardware: {@code uart}, {@code pmd}, {@code pio}
 *       (globals, as the module's C libraries are), and {@code link}, {@code net},
 *       {@code ril}, {@code sim} (Lua, in {@code package.preload}, so they win over the
 *       LuaTask files of those names, which talk AT commands to a modem);</li>
 *   <li>the search order: {@code package.preload}, then module files on
 *       {@code package.path}, then the binding's non-global modules such as the POC
 *       {@code socket} (so LuaTask's own {@code socket.lua} replaces it), then Java
 *       classes.</li>
 * </ul>
 * A stand-in is not installed when a module of its name is already there (an embedder's
 * {@link io.luanio.lua.LuaModule} wins).
 */
public final class LuatMode {
    /** The Lua stand-ins, in {@code package.preload}. */
    static final String[] LUA_STAND_INS = {"link", "net", "ril", "sim"};

    private LuatMode() {
    }

    /**
     * Installs LuaTask mode into a script's globals.
     *
     * @param globals the script's globals, with the binding's modules installed
     * @param host the script's host
     * @param builtins the binding's non-global modules (name to loader), searched after
     *     module files
     */
    public static void install(Globals globals, ScriptHost host, LuaTable builtins) {
        Lua51Lib.install(globals);
        LuaValue loaded = globals.get("package").get("loaded");
        standIn(globals, loaded, "uart", HardwareStandIns.uart());
        standIn(globals, loaded, "pmd", HardwareStandIns.pmd());
        standIn(globals, loaded, "pio", HardwareStandIns.pio());
        LuaValue rtos = globals.get("rtos");
        if (rtos.istable() && rtos.get("set_trace").isnil()) {
            rtos.set("set_trace", new HardwareStandIns.returnsArg(0)); // log.openTrace
        }
        LuaValue preload = globals.get("package").get("preload");
        int instance = Math.max(1, host.options().instance());
        for (String name : LUA_STAND_INS) {
            if (preload.get(name).isnil() && loaded.get(name).isnil()) {
                preload.set(name, new StandInLoader(globals, name, instance));
            }
        }
        LuaValue searchers = globals.get("package").get("searchers");
        if (searchers.istable()) {
            LuaTable list = (LuaTable) searchers;
            list.insert(3, new builtinSearcher(builtins)); // after preload and files, before Java classes
        }
    }

    private static void standIn(Globals globals, LuaValue loaded, String name, LuaTable table) {
        if (globals.get(name).isnil() && loaded.get(name).isnil()) {
            globals.set(name, table);
            loaded.set(name, table);
        }
    }

    /** Loads a stand-in from the binding's resources: {@code chunk(name, instance)}. */
    static final class StandInLoader extends OneArgFunction {
        private final Globals globals;
        private final String name;
        private final int instance;

        StandInLoader(Globals globals, String name, int instance) {
            this.globals = globals;
            this.name = name;
            this.instance = instance;
        }

        @Override
        public LuaValue call(LuaValue arg) {
            String resource = "standins/" + name + ".lua";
            try (InputStream in = LuatMode.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new LuaError("luanio: missing stand-in " + resource);
                }
                LuaValue chunk = globals.load(in, "@luanio/" + name + ".lua", "t", globals);
                return chunk.call(LuaValue.valueOf(name), LuaValue.valueOf(instance));
            } catch (IOException e) {
                throw new LuaError("luanio: cannot read stand-in " + resource + ": " + e.getMessage());
            }
        }
    }

    /** {@code package.searchers} entry for the binding's non-global modules. */
    static final class builtinSearcher extends VarArgFunction {
        private final LuaTable builtins;

        builtinSearcher(LuaTable builtins) {
            this.builtins = builtins;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue name = args.checkstring(1);
            LuaValue loader = builtins.get(name);
            if (loader.isnil()) {
                return valueOf("\n\tno built-in module '" + name.tojstring() + "'");
            }
            return varargsOf(loader, valueOf(":luanio:" + name.tojstring()));
        }
    }
}
