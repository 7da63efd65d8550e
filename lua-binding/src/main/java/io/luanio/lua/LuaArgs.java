package io.luanio.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Argument checks with the C Lua library's messages:
 * {@code bad argument #2 to 'sock_send' (string expected, got nil)}. An argument that was
 * not passed at all is "no value", as in Lua 5.1.
 */
public final class LuaArgs {
    private LuaArgs() {
    }

    /**
     * A Lua error for a bad argument.
     *
     * @param index 1-based argument index
     * @param function the function's name
     * @param message what is wrong
     * @return the error, to throw
     */
    public static LuaError argError(int index, String function, String message) {
        return new LuaError("bad argument #" + index + " to '" + function + "' (" + message + ")");
    }

    /**
     * The Lua type name of an argument, "no value" when it was not passed.
     *
     * @param args the arguments
     * @param index 1-based index
     * @return the type name
     */
    public static String typeName(Varargs args, int index) {
        return index > args.narg() ? "no value" : args.arg(index).typename();
    }

    private static LuaError typeError(Varargs args, int index, String function, String expected) {
        return argError(index, function, expected + " expected, got " + typeName(args, index));
    }

    /**
     * A number argument (numeric strings are converted, as {@code luaL_checknumber} does).
     *
     * @param args the arguments
     * @param index 1-based index
     * @param function the function's name
     * @return the number
     */
    public static double checkNumber(Varargs args, int index, String function) {
        LuaValue v = args.arg(index);
        if (!v.isnumber()) {
            throw typeError(args, index, function, "number");
        }
        return v.todouble();
    }

    /**
     * An integer argument; fractions are truncated, as in Lua 5.1.
     *
     * @param args the arguments
     * @param index 1-based index
     * @param function the function's name
     * @return the integer, saturated to the long range
     */
    public static long checkInteger(Varargs args, int index, String function) {
        double d = checkNumber(args, index, function);
        if (Double.isNaN(d)) {
            throw argError(index, function, "number has no integer representation");
        }
        return (long) d;
    }

    /**
     * An int argument.
     *
     * @param args the arguments
     * @param index 1-based index
     * @param function the function's name
     * @return the value, saturated to the int range
     */
    public static int checkInt(Varargs args, int index, String function) {
        long v = checkInteger(args, index, function);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    /**
     * An optional integer argument: nil or absent gives {@code def}.
     *
     * @param args the arguments
     * @param index 1-based index
     * @param function the function's name
     * @param def the default
     * @return the value
     */
    public static long optInteger(Varargs args, int index, String function, long def) {
        return args.arg(index).isnil() ? def : checkInteger(args, index, function);
    }

    /**
     * A string argument (numbers are converted, as {@code luaL_checklstring} does).
     *
     * @param args the arguments
     * @param index 1-based index
     * @param function the function's name
     * @return the string
     */
    public static LuaString checkString(Varargs args, int index, String function) {
        LuaValue v = args.arg(index);
        if (!v.isstring()) {
            throw typeError(args, index, function, "string");
        }
        return v.checkstring();
    }

    /**
     * An optional string argument.
     *
     * @param args the arguments
     * @param index 1-based index
     * @param function the function's name
     * @return the string, or null when nil or absent
     */
    public static LuaString optString(Varargs args, int index, String function) {
        return args.arg(index).isnil() ? null : checkString(args, index, function);
    }

    /**
     * A table argument.
     *
     * @param args the arguments
     * @param index 1-based index
     * @param function the function's name
     * @return the table
     */
    public static LuaTable checkTable(Varargs args, int index, String function) {
        LuaValue v = args.arg(index);
        if (!v.istable()) {
            throw typeError(args, index, function, "table");
        }
        return v.checktable();
    }

    /**
     * Copies a Lua string's bytes (Lua strings are byte strings; no charset involved).
     *
     * @param s the string
     * @return a new array
     */
    public static byte[] bytes(LuaString s) {
        byte[] out = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, out, 0, s.m_length);
        return out;
    }

    /**
     * A Java string from a Lua byte string, one char per byte (ISO-8859-1), so no byte is
     * ever replaced; for host names and similar ASCII text.
     *
     * @param s the string
     * @return the text
     */
    public static String latin1(LuaString s) {
        return new String(s.m_bytes, s.m_offset, s.m_length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
