package io.luanio;

import io.luanio.dns.IpLiterals;
import java.net.InetAddress;

/** IP literals for the socket code; the parser lives in {@link IpLiterals} (the resolver needs it too). */
final class InetLiterals {
    private InetLiterals() {
    }

    /** @return the address, or null when {@code text} is not an IP literal */
    static InetAddress parse(String text) {
        return IpLiterals.parse(text);
    }

    /** @return true when {@code text} is an IP literal */
    static boolean isLiteral(String text) {
        return IpLiterals.isLiteral(text);
    }
}
