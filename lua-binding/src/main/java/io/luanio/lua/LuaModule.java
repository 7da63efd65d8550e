package io.luanio.lua;

import org.luaj.vm2.LuaValue;

/**
 * A pluggable Lua module: a name and a loader that builds its value for one script.
 *
 * <p>Modules are found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.luanio.lua.LuaModule}), so an embedder adds one by putting a
 * jar on the class path, and replaces a built-in one by giving it the same name and a
 * higher {@link #priority()} (or by passing it to {@link Luanio#install} explicitly).
 */
public interface LuaModule {
    /** @return the name scripts use: the global name and the {@code require} name */
    String name();

    /**
     * Builds the module's value (usually a table) for one script.
     *
     * @param host the script's host: its context on the shared loop, its options
     * @return the module value
     */
    LuaValue load(ScriptHost host);

    /**
     * Whether the module is also a global (like {@code socketcore} and {@code rtos} on the
     * Luat module) or only reachable through {@code require} (like the POC {@code socket}).
     *
     * @return true for a global
     */
    default boolean global() {
        return true;
    }

    /**
     * Precedence among modules of the same name: the highest wins. Built-in modules have 0.
     *
     * @return the priority
     */
    default int priority() {
        return 0;
    }
}
