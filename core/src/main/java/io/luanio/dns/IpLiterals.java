package io.luanio.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Parses IP address literals without ever asking a resolver.
 *
 * <p>{@code InetAddress.getByName} resolves anything that is not a literal, blocking the
 * calling thread on DNS; the loop must never do that, so it recognises literals here:
 * dotted-quad IPv4 (four decimal parts, no leading zeros), and IPv6 in any RFC 4291 text
 * form, optionally in brackets, with an embedded IPv4 tail and a zone ({@code %2} or
 * {@code %eth0}).
 */
public final class IpLiterals {
    private IpLiterals() {
    }

    /**
     * Parses a literal.
     *
     * @param text the text
     * @return the address, or null when {@code text} is not an IP literal
     */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 255) {
            return null;
        }
        char c0 = text.charAt(0);
        if ((c0 < '0' || c0 > '9') && text.indexOf(':') < 0) {
            return null; // a host name: answered without allocating
        }
        try {
            byte[] v4 = parseIpv4(text, 0, text.length());
            if (v4 != null) {
                return InetAddress.getByAddress(v4);
            }
            String body = text;
            if (body.charAt(0) == '[') {
                if (body.length() < 3 || body.charAt(body.length() - 1) != ']') {
                    return null;
                }
                body = body.substring(1, body.length() - 1);
            }
            int percent = body.indexOf('%');
            String zone = null;
            if (percent >= 0) {
                zone = body.substring(percent + 1);
                body = body.substring(0, percent);
                if (zone.isEmpty()) {
                    return null;
                }
            }
            byte[] v6 = parseIpv6(body);
            if (v6 == null) {
                return null;
            }
            if (zone == null) {
                return InetAddress.getByAddress(v6);
            }
            return withZone(v6, zone);
        } catch (UnknownHostException | SocketException e) {
            return null;
        }
    }

    /**
     * Tells whether a text is an IP literal.
     *
     * @param text the text
     * @return true when {@code text} is an IP literal
     */
    public static boolean isLiteral(String text) {
        return parse(text) != null;
    }

    private static InetAddress withZone(byte[] v6, String zone) throws UnknownHostException, SocketException {
        boolean numeric = true;
        for (int i = 0; i < zone.length(); i++) {
            char c = zone.charAt(i);
            if (c < '0' || c > '9') {
                numeric = false;
                break;
            }
        }
        if (numeric && zone.length() <= 9) {
            return Inet6Address.getByAddress(null, v6, Integer.parseInt(zone));
        }
        NetworkInterface nif = NetworkInterface.getByName(zone);
        return nif == null ? null : Inet6Address.getByAddress(null, v6, nif);
    }

    /** Dotted quad in {@code s[from, to)}, or null. */
    static byte[] parseIpv4(String s, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 4) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == to ? out : null;
    }

    /**
     * The value of an ASCII hex digit, or -1. Not {@code Character.digit}: that also takes
     * other scripts' digits and full-width letters, which no IP literal contains.
     */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** RFC 4291 text form (no zone, no brackets), or null. */
    static byte[] parseIpv6(String s) {
        int n = s.length();
        if (n < 2 || s.indexOf(':') < 0) {
            return null;
        }
        byte[] out = new byte[16];
        int groups = 0;        // 16-bit groups written so far
        int gap = -1;          // group index where "::" stands
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return out; // "::"
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (groups >= 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 5) {
                int d = hexDigit(s.charAt(i));
                if (d < 0) {
                    break;
                }
                value = (value << 4) | d;
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // Embedded IPv4 takes the last two groups.
                if (groups > 6) {
                    return null;
                }
                byte[] v4 = parseIpv4(s, start, n);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, groups * 2, 4);
                groups += 2;
                i = n;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return null;
            }
            out[groups * 2] = (byte) (value >>> 8);
            out[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null; // a second "::"
                }
                gap = groups;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null; // trailing single ':'
            }
        }
        if (gap < 0) {
            return groups == 8 ? out : null;
        }
        if (groups >= 8) {
            return null; // "::" must stand for at least one group
        }
        int tail = (groups - gap) * 2;
        int shift = (8 - groups) * 2;
        System.arraycopy(out, gap * 2, out, gap * 2 + shift, tail);
        for (int k = gap * 2; k < gap * 2 + shift; k++) {
            out[k] = 0;
        }
        return out;
    }
}
