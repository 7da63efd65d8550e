package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {
    // ---------------------------------------------------------------- IPv4

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, 0, 0, 0, 0",
        "255.255.255.255, 255, 255, 255, 255",
        "127.0.0.1, 127, 0, 0, 1",
        "1.2.3.4, 1, 2, 3, 4",
        "10.200.30.255, 10, 200, 30, 255",
        "192.168.100.10, 192, 168, 100, 10",
        "0.10.100.249, 0, 10, 100, 249",
    })
    void parsesDottedQuads(String text, int a, int b, int c, int d) {
        InetAddress address = IpLiterals.parse(text);
        assertInstanceOf(Inet4Address.class, address);
        assertArrayEquals(bytes(a, b, c, d), address.getAddress());
        assertTrue(IpLiterals.isLiteral(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "256.0.0.0", "1.2.3.256", "999.1.1.1", "1000.1.1.1", "1.2.3.1000",
        "01.2.3.4", "1.02.3.4", "1.2.3.04", "00.0.0.0", "0177.0.0.1", "1.2.3.00",
        "1.2.3", "1.2", "1", "1.2.3.4.5", "1.2.3.4.", ".1.2.3.4", "1.2.3.", "1..3.4", "...", "1.2..4",
        " 1.2.3.4", "1.2.3.4 ", "1. 2.3.4", "1.2.3.4\n", "1.2.3.-4", "+1.2.3.4", "1.2.3.4/24", "1,2,3,4",
        "0x1.2.3.4", "1.2.3.4:80", "127.1", "2130706433", "1.2.3.a", "1.2.3.4%1", "\u0661.2.3.4",
    })
    void rejectsMalformedDottedQuads(String text) {
        assertNull(IpLiterals.parse(text), text);
        assertFalse(IpLiterals.isLiteral(text));
    }

    // ---------------------------------------------------------------- IPv6

    static Stream<Arguments> ipv6Literals() {
        return Stream.of(
            Arguments.of("::", groups(0, 0, 0, 0, 0, 0, 0, 0)),
            Arguments.of("::1", groups(0, 0, 0, 0, 0, 0, 0, 1)),
            Arguments.of("1::", groups(1, 0, 0, 0, 0, 0, 0, 0)),
            Arguments.of("1:2:3:4:5:6:7:8", groups(1, 2, 3, 4, 5, 6, 7, 8)),
            Arguments.of("0:0:0:0:0:0:0:0", groups(0, 0, 0, 0, 0, 0, 0, 0)),
            Arguments.of("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                groups(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff)),
            Arguments.of("2001:0db8:0000:0000:0000:ff00:0042:8329", groups(0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329)),
            Arguments.of("2001:db8:0:0:1:0:0:1", groups(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1)),
            Arguments.of("2001:db8::1:0:0:1", groups(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1)),
            Arguments.of("2001:db8:0:0:1::1", groups(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1)),
            Arguments.of("2001:DB8::ABCD:EF01", groups(0x2001, 0xdb8, 0, 0, 0, 0, 0xabcd, 0xef01)),
            Arguments.of("2001:Db8::aBcD:eF01", groups(0x2001, 0xdb8, 0, 0, 0, 0, 0xabcd, 0xef01)),
            Arguments.of("fe80::", groups(0xfe80, 0, 0, 0, 0, 0, 0, 0)),
            Arguments.of("fe80::1:2", groups(0xfe80, 0, 0, 0, 0, 0, 1, 2)),
            Arguments.of("1::8", groups(1, 0, 0, 0, 0, 0, 0, 8)),
            Arguments.of("1::2:3:4:5:6:7", groups(1, 0, 2, 3, 4, 5, 6, 7)),      // "::" for one group
            Arguments.of("1:2:3:4:5:6:7::", groups(1, 2, 3, 4, 5, 6, 7, 0)),
            Arguments.of("::2:3:4:5:6:7:8", groups(0, 2, 3, 4, 5, 6, 7, 8)),
            Arguments.of("1:2:3::6:7:8", groups(1, 2, 3, 0, 0, 6, 7, 8)),
            Arguments.of("a:b:c:d:e:f:0:1", groups(0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0, 1)),
            Arguments.of("::ffff:1.2.3.4", groups(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304)),
            Arguments.of("::FFFF:255.255.255.255", groups(0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff)),
            Arguments.of("64:ff9b::1.2.3.4", groups(0x64, 0xff9b, 0, 0, 0, 0, 0x0102, 0x0304)),
            Arguments.of("64:ff9b::192.0.2.33", groups(0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221)),
            Arguments.of("::1.2.3.4", groups(0, 0, 0, 0, 0, 0, 0x0102, 0x0304)),
            Arguments.of("::0.0.0.0", groups(0, 0, 0, 0, 0, 0, 0, 0)),
            Arguments.of("1:2:3:4:5:6:1.2.3.4", groups(1, 2, 3, 4, 5, 6, 0x0102, 0x0304)),
            Arguments.of("1:2:3:4:5::1.2.3.4", groups(1, 2, 3, 4, 5, 0, 0x0102, 0x0304)),
            Arguments.of("0001:0002::0003", groups(1, 2, 0, 0, 0, 0, 0, 3)));
    }

    @ParameterizedTest
    @MethodSource("ipv6Literals")
    void parsesIpv6TextForms(String text, byte[] expected) throws Exception {
        assertArrayEquals(expected, IpLiterals.parseIpv6(text));
        InetAddress address = IpLiterals.parse(text);
        assertNotNull(address, text);
        // InetAddress turns an IPv4-mapped address (::ffff:a.b.c.d) into an Inet4Address
        assertEquals(InetAddress.getByAddress(expected), address);
        assertArrayEquals(InetAddress.getByAddress(expected).getAddress(), address.getAddress());
        // the JDK's own literal parser agrees (it does not resolve literals either)
        assertEquals(InetAddress.getByName(text), address);
    }

    @ParameterizedTest
    @MethodSource("ipv6Literals")
    void parsesIpv6TextFormsInBrackets(String text, byte[] expected) throws Exception {
        InetAddress address = IpLiterals.parse("[" + text + "]");
        assertNotNull(address, text);
        assertEquals(InetAddress.getByAddress(expected), address);
    }

    @Test
    void ipv4MappedAddressComesBackAsIpv4LikeTheJdkDoes() {
        InetAddress address = IpLiterals.parse("::ffff:10.1.2.3");
        assertInstanceOf(Inet4Address.class, address);
        assertArrayEquals(bytes(10, 1, 2, 3), address.getAddress());
    }

    @Test
    void nonMappedEmbeddedIpv4StaysIpv6() {
        InetAddress address = IpLiterals.parse("64:ff9b::1.2.3.4");
        assertInstanceOf(Inet6Address.class, address);
        assertArrayEquals(groups(0x64, 0xff9b, 0, 0, 0, 0, 0x0102, 0x0304), address.getAddress());
    }

    @ParameterizedTest
    @CsvSource({"fe80::1%1, 1", "[fe80::1%2], 2", "::1%0, 0", "fe80::abcd%123456789, 123456789"})
    void numericZoneBecomesTheScopeId(String text, int scope) {
        InetAddress address = IpLiterals.parse(text);
        Inet6Address v6 = assertInstanceOf(Inet6Address.class, address);
        assertEquals(scope, v6.getScopeId());
        int end = text.indexOf('%');
        int start = text.startsWith("[") ? 1 : 0;
        assertArrayEquals(IpLiterals.parseIpv6(text.substring(start, end)), v6.getAddress());
    }

    @Test
    void interfaceNameZoneNamesThatInterface() throws Exception {
        NetworkInterface withLinkLocal = null;
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet6Address && a.isLinkLocalAddress()) {
                    withLinkLocal = nif;
                }
            }
        }
        assumeTrue(withLinkLocal != null, "no interface with a link-local IPv6 address here");
        Inet6Address v6 = assertInstanceOf(Inet6Address.class, IpLiterals.parse("fe80::1%" + withLinkLocal.getName()));
        assertEquals(withLinkLocal, v6.getScopedInterface());
        assertArrayEquals(groups(0xfe80, 0, 0, 0, 0, 0, 0, 1), v6.getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1::2::3", "::1::", "::1::2", "1::2::",                           // two "::"
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9:10",                       // too many groups
        "1:2:3:4:5:6:7", "1:2",                                          // too few groups, no "::"
        "12345::", "::12345", "1:2:3:4:5:6:7:10000", "00000::1",          // five hex digits
        ":::", "1:::2", "::::", "1::::",                                 // ":::"
        "1:", "1:2:3:4:5:6:7:", "1::2:",                                 // trailing single ':'
        ":1", ":1:2:3:4:5:6:7:8", ":", ":1::",                            // leading single ':'
        "1:2:3:4::5:6:7:8", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::",      // "::" for zero groups
        "1:2:3:4:5:6::1.2.3.4",                                          // "::" for zero groups, with IPv4
        "::ffff:1.2.3", "::ffff:1.2.3.256", "::ffff:01.2.3.4", "::ffff:1.2.3.4.5", "::ffff:1.2.3.",
        "::1.2.3.4:1", "::1.2.3.4::", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3.4%", "::a.2.3.4",
        "::ffff:.1.2.3", "::ffff:1..2.3",                                // bad embedded IPv4
        "g::1", "::g", "1:2:3:4:5:6:7:x", "::-1", "::+1", "::1/128",
        " ::1", "::1 ", ":: 1", "::1\t",
        "::1%", "[::1]%1", "[::1", "::1]", "[]", "[", "]", "[::1]]", "[[::1]]", "[1.2.3.4]",
        "fe80::1%no-such-interface-42",
        "::\u0661", "\u0661::", "::\uFF11", "\uFF11::", "::\uFF21", "fe80::\u0e51",        // non-ASCII digits
    })
    void rejectsMalformedIpv6(String text) {
        assertNull(IpLiterals.parse(text), text);
    }

    // ---------------------------------------------------------------- not literals

    @ParameterizedTest
    @ValueSource(strings = {
        "localhost", "example.com", "a", "1.2.3", "1.2.3.4.5", "www.example.org.", "host-1", "1e100.net",
        "xn--bcher-kva.example", "cafe", "beef.", "dead.beef.cafe.babe", "abc:def", "example.invalid",
    })
    void hostNamesAreNotLiterals(String text) {
        assertNull(IpLiterals.parse(text), text);
        assertFalse(IpLiterals.isLiteral(text));
    }

    @Test
    void nullEmptyAndOverlongTextAreNotLiterals() {
        assertNull(IpLiterals.parse(null));
        assertNull(IpLiterals.parse(""));
        assertNull(IpLiterals.parse("1" + "0".repeat(300)));
        assertNull(IpLiterals.parse("::" + "0:".repeat(100) + "1"));
        assertFalse(IpLiterals.isLiteral(null));
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** Eight 16-bit groups as 16 network-order bytes. */
    private static byte[] groups(int... groups) {
        assertEquals(8, groups.length);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (groups[i] >>> 8);
            out[2 * i + 1] = (byte) groups[i];
        }
        return out;
    }
}
