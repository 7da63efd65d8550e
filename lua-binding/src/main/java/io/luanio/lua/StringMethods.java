package io.luanio.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * Per-script string methods ({@code s:format(...)}, {@code s:split(",")}).
 *
 * <p>LuaJ keeps the string metatable in one static field, {@link LuaString#s_metatable},
 * which its {@code StringLib} sets only when it is still empty: every {@code Globals} in the
 * JVM resolves {@code s:method()} in the {@code string} table of the first {@code Globals}
 * ever created. With many scripts in one JVM (a fleet) that is another script's table: what
 * LuaTask's {@code utils.lua} adds to its own {@code string} (or LuaTask mode's
 * {@code string.format}) would be looked up in someone else's. Here the static metatable's
 * {@code __index} is a function that looks in the {@code string} table of the script the
 * calling thread runs ({@link #bind}, inherited by the coroutine threads a script starts);
 * other threads get the table LuaJ would have used.
 */
final class StringMethods {
    private static final InheritableThreadLocal<LuaValue> CURRENT = new InheritableThreadLocal<>();
    private static final LuaTable METATABLE = new LuaTable();
    private static LuaValue fallback = LuaValue.NIL; // guarded by StringMethods.class

    static {
        METATABLE.set(LuaValue.INDEX, new index());
    }

    private StringMethods() {
    }

    /**
     * Makes the calling thread (and the coroutine threads it starts) resolve string methods
     * in {@code globals}' own {@code string} table.
     *
     * @param globals the script's globals, as its libraries left them
     * @return what to call when the script ends
     */
    static Runnable bind(Globals globals) {
        LuaValue strings = globals.get("string");
        synchronized (StringMethods.class) {
            LuaValue current = LuaString.s_metatable;
            if (current != METATABLE) {
                // what LuaJ would use: the first string table it installed, else this one
                fallback = current != null && current.istable() ? current.get(LuaValue.INDEX) : strings;
                LuaString.s_metatable = METATABLE;
            }
        }
        CURRENT.set(strings);
        return () -> {
            if (CURRENT.get() == strings) {
                CURRENT.remove();
            }
        };
    }

    private static synchronized LuaValue fallback() {
        return fallback;
    }

    /** {@code __index} of strings: the calling script's {@code string} table. */
    static final class index extends TwoArgFunction {
        @Override
        public LuaValue call(LuaValue s, LuaValue key) {
            LuaValue strings = CURRENT.get();
            return (strings != null ? strings : fallback()).get(key);
        }
    }
}
