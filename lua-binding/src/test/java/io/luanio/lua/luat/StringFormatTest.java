package io.luanio.lua.luat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** string.format against glibc's printf (the expected strings were printed by a C program). */
class StringFormatTest {
    /** format, the number (as printed with %.17g), what printf printed. */
    static final String[][] CASES = {
        {"%.2f", "3.1415899999999999", "3.14"},
        {"%8.3f", "2.5", "   2.500"},
        {"%-8.1f|", "1.25", "1.2     |"},
        {"%e", "12345.678", "1.234568e+04"},
        {"%.3e", "12345.678", "1.235e+04"},
        {"%g", "0.0001", "0.0001"},
        {"%.3g", "3.1415899999999999", "3.14"},
        {"%5.1f", "-0.050000000000000003", " -0.1"},
        {"%f", "0.33333333333333331", "0.333333"},
        {"%+.1f", "2.25", "+2.2"},
        {"% f", "2", " 2.000000"},
        {"%010.3f", "-3.1415899999999999", "-00003.142"},
        {"%-10.2e|", "0.00012345600000000001", "1.23e-04  |"},
        {"%#.0f", "2.5", "2."},
        {"%.0f", "0.5", "0"},
        {"%G", "1.0000000000000001e-05", "1E-05"},
        {"%.10g", "0.33333333333333331", "0.3333333333"},
        {"%#g", "1", "1.00000"},
        {"%E", "123456789", "1.234568E+08"},
        {"%.1f", "0.050000000000000003", "0.1"},
        {"%.2e", "9.9949999999999992", "9.99e+00"},
        {"%g", "100000", "100000"},
        {"%g", "1000000", "1e+06"},
        {"%g", "0.0001", "0.0001"},
        {"%.15g", "0.10000000000000001", "0.1"},
        {"%5d", "42", "   42"},
        {"%-5d|", "42", "42   |"},
        {"%05d", "42", "00042"},
        {"%x", "255", "ff"},
        {"%X", "255", "FF"},
        {"%o", "8", "10"},
        {"%+d", "42", "+42"},
        {"% d", "42", " 42"},
        {"%.3d", "7", "007"},
        {"%#x", "255", "0xff"},
        {"%#o", "8", "010"},
        {"%#X", "0", "0"},
        {"%.0d|", "0", "|"},
        {"%8.4x", "255", "    00ff"},
        {"%-+6d|", "17", "+17   |"},
        {"%d", "-123", "-123"},
        {"%x", "-1", "ffffffffffffffff"},
        {"%u", "3000000000", "3000000000"},
    };

    static final Globals G = JsePlatform.standardGlobals();
    static final StringFormat FORMAT = new StringFormat(G.get("string").get("format"));

    static String format(String fmt, LuaValue... args) {
        LuaValue[] all = new LuaValue[args.length + 1];
        all[0] = LuaValue.valueOf(fmt);
        System.arraycopy(args, 0, all, 1, args.length);
        return FORMAT.invoke(LuaValue.varargsOf(all)).tojstring(1);
    }

    @Test
    void numbersAsPrintfPrintsThem() {
        for (String[] c : CASES) {
            assertEquals(c[2], format(c[0], LuaValue.valueOf(Double.parseDouble(c[1]))), c[0] + " of " + c[1]);
        }
    }

    @Test
    void stringsCharactersAndTheRest() {
        assertEquals("[     right] [left      ] [abc] [  ab] [A] [100%] [x]",
            format("[%10s] [%-10s] [%.3s] [%4.2s] [%c] [%d%%] [%s]", LuaValue.valueOf("right"), LuaValue.valueOf("left"),
                LuaValue.valueOf("abcdef"), LuaValue.valueOf("abc"), LuaValue.valueOf(65), LuaValue.valueOf(100), LuaValue.valueOf("x")));
        assertEquals("\"a\\\nb\"", format("%q", LuaValue.valueOf("a\nb")));
        assertEquals("3 7", format("%d %s", LuaValue.valueOf(3.9), LuaValue.valueOf(7)));
        assertEquals("inf -inf nan", format("%f %.1f %g", LuaValue.valueOf(Double.POSITIVE_INFINITY),
            LuaValue.valueOf(Double.NEGATIVE_INFINITY), LuaValue.valueOf(Double.NaN)));
        org.luaj.vm2.LuaString bytes = FORMAT.invoke(LuaValue.varargsOf(LuaValue.valueOf("<%s>"),
            LuaValue.valueOf(new byte[] {(byte) 0xff, 0}))).checkstring(1);
        assertEquals("[60, -1, 0, 62]", java.util.Arrays.toString(java.util.Arrays.copyOfRange(bytes.m_bytes,
            bytes.m_offset, bytes.m_offset + bytes.m_length)));
    }

    @Test
    void badFormatsAndArgumentsAreLuaErrors() {
        assertEquals("bad argument #2 to 'format' (number expected, got no value)",
            assertThrows(LuaError.class, () -> format("%d")).getMessage());
        assertEquals("bad argument #2 to 'format' (string expected, got table)",
            assertThrows(LuaError.class, () -> format("%s", new org.luaj.vm2.LuaTable())).getMessage());
        assertEquals("invalid option '%y' to 'format'", assertThrows(LuaError.class, () -> format("%y", LuaValue.ONE)).getMessage());
        assertEquals("invalid format (width or precision too long)",
            assertThrows(LuaError.class, () -> format("%123d", LuaValue.ONE)).getMessage());
    }
}
