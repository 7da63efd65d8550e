package io.luanio.lua;

import io.luanio.EventLoop;
import io.luanio.lua.luat.LuatMode;
import java.io.File;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Installs luanio's Lua modules into a LuaJ {@link Globals}: one call per script.
 *
 * <pre>{@code
 * EventLoop loop = EventLoop.start();                      // shared by every script
 * Globals g = JsePlatform.debugGlobals();
 * ScriptHost host = Luanio.install(g, loop, new ScriptOptions());
 * try {
 *     g.loadfile("main.lua").call();
 * } finally {
 *     host.close();                                         // closes what the script left open
 * }
 * }</pre>
 *
 * <p>Each {@code Globals} gets its own {@link io.luanio.Context} on the shared loop, so a
 * socket id of one script is an unknown id to another. {@code os.exit} is replaced so that
 * it ends the script ({@link ScriptExit}), never the JVM, {@code pcall} returns C Lua's
 * error values ({@link LuaErrors}), and {@code coroutine} runs coroutines on threads the
 * binding owns ({@link ScriptOptions#coroutineStackBytes}), unwound when the script ends.
 * String methods ({@code s:format()}) resolve in this script's {@code string} table when
 * called from the thread that installed it (or a coroutine it started), not in the first
 * {@code Globals}' (LuaJ's static string metatable).
 * With {@link ScriptOptions#luat(boolean)} LuaTask mode is installed too ({@link LuatMode}).
 */
public final class Luanio {
    private Luanio() {
    }

    /**
     * The modules on the class path, by name; of several with one name, the highest
     * {@link LuaModule#priority()} wins.
     *
     * @return modules by name, in discovery order
     */
    public static Map<String, LuaModule> discoverModules() {
        Map<String, LuaModule> byName = new LinkedHashMap<>();
        for (LuaModule module : ServiceLoader.load(LuaModule.class, Luanio.class.getClassLoader())) {
            LuaModule seen = byName.get(module.name());
            if (seen == null || module.priority() > seen.priority()) {
                byName.put(module.name(), module);
            }
        }
        return byName;
    }

    /**
     * Installs every discovered module, then {@code extra} ones (which replace discovered
     * modules of the same name).
     *
     * @param globals the script's globals
     * @param loop the shared loop
     * @param options the script's options
     * @param extra modules to add or replace
     * @return the script's host; close it when the script ends
     */
    public static ScriptHost install(Globals globals, EventLoop loop, ScriptOptions options, LuaModule... extra) {
        Map<String, LuaModule> modules = discoverModules();
        for (LuaModule module : extra) {
            modules.put(module.name(), module);
        }
        ScriptHost host = new ScriptHost(loop, options);
        install(globals, host, modules.values());
        return host;
    }

    /**
     * Installs the given modules for an existing host.
     *
     * @param globals the script's globals
     * @param host the script's host
     * @param modules the modules
     */
    public static void install(Globals globals, ScriptHost host, Collection<LuaModule> modules) {
        ScriptOptions options = host.options();
        LuaValue packageTable = globals.get("package");
        LuaTable loaded = packageTable.get("loaded").checktable();
        LuaTable preload = packageTable.get("preload").checktable();
        // LuaTask mode searches non-global modules after module files (SPEC.md section 6)
        LuaTable builtins = options.luat() ? new LuaTable() : preload;
        for (LuaModule module : modules) {
            if (module.global()) {
                LuaValue value = module.load(host);
                globals.set(module.name(), value);
                loaded.set(module.name(), value);
            } else {
                builtins.set(module.name(), new Loader(module, host));
            }
        }
        LuaValue os = globals.get("os");
        if (os.istable()) {
            os.set("exit", new Exit(host));
        }
        globals.set("pcall", LuaErrors.pcall(globals));
        Runnable unbind = StringMethods.bind(globals);
        host.onClose(unbind::run);
        Coroutines.install(globals, host);
        if (options.luat() || options.chunkCache != null) {
            globals.compiler = new ScriptCompiler(options.luat(), options.chunkCache);
        }
        prependPath(packageTable, options.libraryDirs());
        if (options.luat()) {
            LuatMode.install(globals, host, builtins);
        }
    }

    /** Puts {@code DIR/?.lua} for each folder in front of {@code package.path}, in order. */
    private static void prependPath(LuaValue packageTable, List<String> dirs) {
        if (dirs.isEmpty()) {
            return;
        }
        StringBuilder path = new StringBuilder();
        for (String dir : dirs) {
            path.append(dir.endsWith("/") || dir.endsWith(File.separator) ? dir : dir + "/").append("?.lua;");
        }
        LuaValue old = packageTable.get("path");
        packageTable.set("path", path.append(old.isstring() ? old.tojstring() : "?.lua").toString());
    }

    /** {@code package.preload} entry: builds a module on first {@code require}. */
    private static final class Loader extends OneArgFunction {
        private final LuaModule module;
        private final ScriptHost host;

        Loader(LuaModule module, ScriptHost host) {
            this.module = module;
            this.host = host;
        }

        @Override
        public LuaValue call(LuaValue name) {
            return module.load(host);
        }
    }

    /** {@code os.exit([code])}: ends this script with the status, not the JVM. */
    private static final class Exit extends VarArgFunction {
        private final ScriptHost host;

        Exit(ScriptHost host) {
            this.host = host;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue code = args.arg1();
            int status;
            if (code.isnil() || (code.isboolean() && code.toboolean())) {
                status = 0;
            } else if (code.isboolean()) {
                status = 1;
            } else {
                status = LuaArgs.checkInt(args, 1, "exit");
            }
            throw host.requestExit(status, null);
        }
    }
}
