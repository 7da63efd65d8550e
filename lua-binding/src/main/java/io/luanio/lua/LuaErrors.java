package io.luanio.lua;

import java.lang.reflect.Field;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * C Lua's error messages on LuaJ 3.0.1.
 *
 * <p>LuaJ 3.0.1 formats a positioned error as {@code "@file.lua:3 boom"} (the chunk name's
 * {@code @} kept, no colon), and once the debug library is loaded its {@code pcall}
 * returns the whole traceback as the error value. Scripts written for C Lua compare and
 * match messages of the form {@code "file.lua:3: boom"}, so the binding's {@code pcall}
 * and the runner's error report use that form; the traceback stays available to the
 * runner. LuaJ also positions {@code error(msg, 0)}, which C Lua leaves bare; the value
 * here is bare again. LuaJ keeps the parts in protected fields, read here reflectively (LuaJ is on the
 * class path, not a named module).
 */
public final class LuaErrors {
    private static final Field FILELINE = field("fileline");
    private static final Field TRACEBACK = field("traceback");
    private static final Field LEVEL = field("level");

    private LuaErrors() {
    }

    /**
     * The error value a C Lua {@code pcall} would return.
     *
     * @param e the error
     * @return the value: the object given to {@code error()} for non-strings, else the
     *     positioned message {@code "file:line: message"}
     */
    public static LuaValue value(LuaError e) {
        String traceback = (String) get(TRACEBACK, e);
        if (traceback == null) {
            LuaValue object = e.getMessageObject();
            if (object != null && !object.isstring()) {
                return object;
            }
            return object == null ? LuaValue.NIL : LuaValue.valueOf(clean(e));
        }
        set(TRACEBACK, e, null);
        try {
            LuaValue object = e.getMessageObject();
            if (object != null && !object.isstring()) {
                return object;
            }
            return object == null ? LuaValue.NIL : LuaValue.valueOf(clean(e));
        } finally {
            set(TRACEBACK, e, traceback);
        }
    }

    /**
     * The message as C Lua prints it, then the traceback when there is one.
     *
     * @param e the error
     * @return text for an error report
     */
    public static String report(LuaError e) {
        String traceback = (String) get(TRACEBACK, e);
        String message = value(e).tojstring();
        if (traceback == null) {
            return message;
        }
        int at = traceback.indexOf("\nstack traceback:");
        return at < 0 ? message : message + traceback.substring(at);
    }

    private static String clean(LuaError e) {
        String message = e.getMessage();
        String fileline = (String) get(FILELINE, e);
        if (message == null) {
            return "nil";
        }
        if (fileline != null && message.startsWith(fileline + " ")) {
            Object level = get(LEVEL, e);
            if (level instanceof Integer && (Integer) level == 0) {
                return message.substring(fileline.length() + 1); // error(msg, 0): LuaJ adds the position anyway
            }
            String position = fileline.startsWith("@") || fileline.startsWith("=") ? fileline.substring(1) : fileline;
            return position + ": " + message.substring(fileline.length() + 1);
        }
        return message;
    }

    /**
     * A {@code pcall} that returns C Lua's error values (see the class comment). Errors
     * that are not {@link LuaError} ({@link ScriptExit}, a JVM {@code Error}) pass through.
     *
     * @param globals the script's globals
     * @return the function to install as {@code pcall}
     */
    public static LuaValue pcall(Globals globals) {
        return new Pcall(globals);
    }

    /** {@code pcall(f, ...)}. */
    private static final class Pcall extends VarArgFunction {
        private final Globals globals;

        Pcall(Globals globals) {
            this.globals = globals;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue function = args.checkvalue(1);
            DebugLib debug = globals.debuglib;
            if (debug != null) {
                debug.onCall(this);
            }
            try {
                return LuaValue.varargsOf(LuaValue.TRUE, function.invoke(args.subargs(2)));
            } catch (LuaError e) {
                return LuaValue.varargsOf(LuaValue.FALSE, value(e));
            } catch (StackOverflowError e) {
                return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("stack overflow"));
            } catch (RuntimeException e) {
                String message = e.getMessage();
                return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(message != null ? message : e.toString()));
            } finally {
                if (debug != null) {
                    debug.onReturn();
                }
            }
        }
    }

    private static Field field(String name) {
        try {
            Field f = LuaError.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another LuaJ: fall back to its own messages
        }
    }

    private static Object get(Field f, LuaError e) {
        try {
            return f == null ? null : f.get(e);
        } catch (IllegalAccessException ex) {
            return null;
        }
    }

    private static void set(Field f, LuaError e, Object value) {
        try {
            if (f != null) {
                f.set(e, value);
            }
        } catch (IllegalAccessException ex) {
            // leave LuaJ's own message
        }
    }
}
