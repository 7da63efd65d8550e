package io.luanio.lua.luat;

import io.luanio.lua.LuaArgs;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code string.format} with C's {@code printf} conversions, as Lua 5.1 has them, for
 * LuaTask mode. LuaJ 3.0.1's ignores width and precision for {@code %e}, {@code %f},
 * {@code %g} and {@code %s} ({@code ("%.2f"):format(1/3)} gives {@code 0.3333333333333333})
 * and prints {@code %e} as a plain number; applications format sensor values, coordinates
 * and tables of text with exactly these.
 *
 * <p>Supported: flags {@code -+ #0}, width and precision of at most two digits each, and
 * {@code d i u c o x X e E f F g G s q %} (numbers are truncated to integers for the integer
 * conversions, as Lua 5.1 does). Floating-point conversions round the exact binary value
 * half to even, as glibc does. {@code %q} is LuaJ's.
 */
final class StringFormat extends VarArgFunction {
    private final LuaValue luajFormat;

    StringFormat(LuaValue luajFormat) {
        this.luajFormat = luajFormat;
    }

    @Override
    public Varargs invoke(Varargs args) {
        LuaString fmt = LuaArgs.checkString(args, 1, "format");
        ByteArrayOutputStream out = new ByteArrayOutputStream(fmt.m_length + 16);
        byte[] f = fmt.m_bytes;
        int end = fmt.m_offset + fmt.m_length;
        int arg = 1;
        for (int i = fmt.m_offset; i < end; i++) {
            byte c = f[i];
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (++i >= end) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            if (f[i] == '%') {
                out.write('%');
                continue;
            }
            Spec spec = new Spec();
            i = spec.parse(f, i, end);
            arg++;
            spec.format(this, args, arg, out);
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    /** One conversion specification. */
    private static final class Spec {
        boolean left;
        boolean plus;
        boolean space;
        boolean alt;
        boolean zero;
        int width = -1;
        int precision = -1;
        char conversion;

        /** Parses from f[i] (after '%'); returns the index of the conversion character. */
        int parse(byte[] f, int i, int end) {
            int flagsStart = i;
            while (i < end && "-+ #0".indexOf(f[i]) >= 0) {
                switch (f[i]) {
                    case '-':
                        left = true;
                        break;
                    case '+':
                        plus = true;
                        break;
                    case ' ':
                        space = true;
                        break;
                    case '#':
                        alt = true;
                        break;
                    default:
                        zero = true;
                        break;
                }
                i++;
            }
            if (i - flagsStart > 5) {
                throw new LuaError("invalid format (repeated flags)");
            }
            int digits = 0;
            while (i < end && isDigit(f[i])) {
                width = (width < 0 ? 0 : width) * 10 + (f[i++] - '0');
                digits++;
            }
            if (i < end && f[i] == '.') {
                i++;
                precision = 0;
                int pdigits = 0;
                while (i < end && isDigit(f[i])) {
                    precision = precision * 10 + (f[i++] - '0');
                    pdigits++;
                }
                digits = Math.max(digits, pdigits);
            }
            if (digits > 2) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= end) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            conversion = (char) (f[i] & 0xFF);
            return i;
        }

        void format(StringFormat owner, Varargs args, int arg, ByteArrayOutputStream out) {
            switch (conversion) {
                case 'd':
                case 'i':
                case 'u':
                case 'o':
                case 'x':
                case 'X':
                    ascii(out, integer((long) LuaArgs.checkNumber(args, arg, "format")));
                    break;
                case 'c':
                    pad(out, new byte[] {(byte) (long) LuaArgs.checkNumber(args, arg, "format")});
                    break;
                case 'e':
                case 'E':
                case 'f':
                case 'F':
                case 'g':
                case 'G':
                    ascii(out, floating(LuaArgs.checkNumber(args, arg, "format")));
                    break;
                case 's':
                    string(args, arg, out);
                    break;
                case 'q':
                    LuaString q = owner.luajFormat.call(LuaValue.valueOf("%q"), args.arg(arg)).checkstring();
                    out.write(q.m_bytes, q.m_offset, q.m_length);
                    break;
                default:
                    throw new LuaError("invalid option '%" + conversion + "' to 'format'");
            }
        }

        private void string(Varargs args, int arg, ByteArrayOutputStream out) {
            if (arg > args.narg()) {
                throw LuaArgs.argError(arg, "format", "string expected, got no value");
            }
            LuaValue v = args.arg(arg);
            if (!v.isstring()) { // Lua 5.1 takes strings and numbers only
                throw LuaArgs.argError(arg, "format", "string expected, got " + v.typename());
            }
            LuaString str = v.checkstring();
            int len = precision >= 0 ? Math.min(precision, str.m_length) : str.m_length;
            byte[] b = new byte[len];
            System.arraycopy(str.m_bytes, str.m_offset, b, 0, len);
            pad(out, b);
        }

        private String integer(long v) {
            String digits;
            String prefix = "";
            switch (conversion) {
                case 'o':
                    digits = Long.toOctalString(v);
                    break;
                case 'x':
                    digits = Long.toHexString(v);
                    break;
                case 'X':
                    digits = Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
                    break;
                case 'u':
                    digits = Long.toUnsignedString(v);
                    break;
                default:
                    digits = v < 0 ? Long.toString(v).substring(1) : Long.toString(v);
                    prefix = v < 0 ? "-" : plus ? "+" : space ? " " : "";
                    break;
            }
            if (precision >= 0) {
                if (precision == 0 && v == 0) {
                    digits = "";
                }
                digits = zeros(precision - digits.length()) + digits;
            }
            if (alt && conversion == 'o' && !digits.startsWith("0")) {
                digits = "0" + digits;
            } else if (alt && v != 0 && (conversion == 'x' || conversion == 'X')) {
                prefix = conversion == 'x' ? "0x" : "0X";
            }
            return justify(prefix, digits, zero && precision < 0);
        }

        private String floating(double d) {
            boolean upper = Character.isUpperCase(conversion);
            String sign = (d < 0 || (d == 0 && 1 / d < 0)) ? "-" : plus ? "+" : space ? " " : "";
            String body;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                body = Double.isNaN(d) ? "nan" : "inf";
                return justify(Double.isNaN(d) ? (plus ? "+" : space ? " " : "") : sign,
                    upper ? body.toUpperCase(java.util.Locale.ROOT) : body, false);
            }
            BigDecimal abs = new BigDecimal(Math.abs(d));
            int p = precision < 0 ? 6 : precision;
            switch (Character.toLowerCase(conversion)) {
                case 'f':
                    body = fixed(abs, p, alt);
                    break;
                case 'e':
                    body = scientific(abs, p, alt, upper);
                    break;
                default:
                    body = general(abs, p == 0 ? 1 : p, alt, upper);
                    break;
            }
            return justify(sign, body, zero);
        }

        private static String fixed(BigDecimal abs, int p, boolean alt) {
            String s = abs.setScale(p, RoundingMode.HALF_EVEN).toPlainString();
            return alt && p == 0 ? s + "." : s;
        }

        private static String scientific(BigDecimal abs, int p, boolean alt, boolean upper) {
            int exponent;
            String digits;
            if (abs.signum() == 0) {
                exponent = 0;
                digits = zeros(p + 1);
            } else {
                BigDecimal r = abs.round(new MathContext(p + 1, RoundingMode.HALF_EVEN));
                exponent = r.precision() - r.scale() - 1;
                digits = r.unscaledValue().toString();
                digits = digits.length() > p + 1 ? digits.substring(0, p + 1) : digits + zeros(p + 1 - digits.length());
            }
            StringBuilder sb = new StringBuilder().append(digits.charAt(0));
            if (p > 0 || alt) {
                sb.append('.');
            }
            sb.append(digits, 1, digits.length()).append(upper ? 'E' : 'e').append(exponent < 0 ? '-' : '+');
            int e = Math.abs(exponent);
            return sb.append(e < 10 ? "0" : "").append(e).toString();
        }

        private static String general(BigDecimal abs, int p, boolean alt, boolean upper) {
            int exponent = 0;
            if (abs.signum() != 0) {
                BigDecimal r = abs.round(new MathContext(p, RoundingMode.HALF_EVEN));
                exponent = r.precision() - r.scale() - 1;
            }
            String s = (exponent < -4 || exponent >= p) ? scientific(abs, p - 1, alt, upper) : fixed(abs, p - 1 - exponent, alt);
            if (alt) {
                return s;
            }
            int e = s.indexOf(upper ? 'E' : 'e');
            String mantissa = e < 0 ? s : s.substring(0, e);
            String rest = e < 0 ? "" : s.substring(e);
            if (mantissa.indexOf('.') >= 0) {
                int n = mantissa.length();
                while (mantissa.charAt(n - 1) == '0') {
                    n--;
                }
                if (mantissa.charAt(n - 1) == '.') {
                    n--;
                }
                mantissa = mantissa.substring(0, n);
            }
            return mantissa + rest;
        }

        /** Sign or prefix, then the digits, padded to the width. */
        private String justify(String prefix, String body, boolean zeroPad) {
            int fill = width - prefix.length() - body.length();
            if (fill <= 0) {
                return prefix + body;
            }
            if (left) {
                return prefix + body + spaces(fill);
            }
            return zeroPad ? prefix + zeros(fill) + body : spaces(fill) + prefix + body;
        }

        private void pad(ByteArrayOutputStream out, byte[] b) {
            int fill = width - b.length;
            if (fill > 0 && !left) {
                ascii(out, spaces(fill));
            }
            out.write(b, 0, b.length);
            if (fill > 0 && left) {
                ascii(out, spaces(fill));
            }
        }

        private static void ascii(ByteArrayOutputStream out, String s) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            out.write(b, 0, b.length);
        }

        private static String zeros(int n) {
            return repeat('0', n);
        }

        private static String spaces(int n) {
            return repeat(' ', n);
        }

        private static String repeat(char c, int n) {
            StringBuilder sb = new StringBuilder(Math.max(0, n));
            for (int i = 0; i < n; i++) {
                sb.append(c);
            }
            return sb.toString();
        }

        private static boolean isDigit(byte b) {
            return b >= '0' && b <= '9';
        }
    }
}
