package io.luanio;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the server name (SNI, RFC 6066) out of the first bytes a TLS client sends, before
 * any engine sees them, so a listener with virtual hosts can pick the virtual host's own
 * {@code SSLContext} for the connection (Netty's {@code SniHandler} does the same). Pure:
 * bytes in, a name out; no sockets.
 *
 * <pre>
 *  record:      type 22 (handshake) | version (2) | length (2) | fragment ...
 *  handshake:   type 1 (ClientHello) | length (3) | body (may span several records)
 *  ClientHello: version (2) | random (32) | session id (1+n) | cipher suites (2+n)
 *               | compression methods (1+n) | extensions (2+n): type (2) | length (2) | data
 *  server_name (type 0): list length (2) | name type 0 (host_name) | length (2) | ASCII name
 * </pre>
 */
final class ClientHelloSni {
    /** Not enough bytes yet: read more and ask again (never a host name). */
    static final String NEED_MORE = "";
    /** What {@link #serverName} returns when there is no name (or the bytes are not a ClientHello). */
    static final String NONE = null;

    private static final int RECORD_HEADER = 5;
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int MAX_HELLO = 1 << 16;

    private ClientHelloSni() {
    }

    /**
     * The server name a ClientHello asks for.
     *
     * @param in the bytes received so far, from index 0 to {@code in.position()} (a buffer
     *     in write mode); not modified
     * @return the host name (lower case), {@link #NONE} (null) when the client sent none or
     *     the bytes are not a TLS ClientHello (the engine will say why), or
     *     {@link #NEED_MORE} (the empty string) when the ClientHello is not complete yet
     */
    static String serverName(ByteBuffer in) {
        int available = in.position();
        byte[] hello = null;
        int helloLength = 0;
        int at = 0;
        while (true) {
            if (available - at < RECORD_HEADER) {
                return NEED_MORE;
            }
            if ((in.get(at) & 0xFF) != HANDSHAKE) {
                return NONE;
            }
            int length = u16(in, at + 3);
            if (available - at - RECORD_HEADER < length) {
                return NEED_MORE;
            }
            if (hello == null) {
                hello = new byte[Math.min(MAX_HELLO, length + 4)];
            }
            for (int i = 0; i < length; i++) {
                if (helloLength == hello.length) {
                    if (hello.length >= MAX_HELLO) {
                        return NONE; // no ClientHello is that big
                    }
                    hello = Arrays.copyOf(hello, Math.min(MAX_HELLO, hello.length * 2));
                }
                hello[helloLength++] = in.get(at + RECORD_HEADER + i);
            }
            at += RECORD_HEADER + length;
            if (helloLength >= 4) {
                if ((hello[0] & 0xFF) != CLIENT_HELLO) {
                    return NONE;
                }
                int bodyLength = ((hello[1] & 0xFF) << 16) | ((hello[2] & 0xFF) << 8) | (hello[3] & 0xFF);
                if (bodyLength > MAX_HELLO) {
                    return NONE;
                }
                if (helloLength >= 4 + bodyLength) {
                    return parse(ByteBuffer.wrap(hello, 4, bodyLength).slice());
                }
            }
        }
    }

    /** The server_name of a complete ClientHello body, or null. */
    private static String parse(ByteBuffer body) {
        try {
            body.position(body.position() + 2 + 32); // legacy_version, random
            skip(body, body.get() & 0xFF); // session id
            skip(body, body.getShort() & 0xFFFF); // cipher suites
            skip(body, body.get() & 0xFF); // compression methods
            if (body.remaining() < 2) {
                return NONE; // no extensions at all
            }
            int end = body.position() + 2 + (body.getShort() & 0xFFFF);
            while (body.position() + 4 <= end) {
                int type = body.getShort() & 0xFFFF;
                int length = body.getShort() & 0xFFFF;
                if (type != 0) {
                    skip(body, length);
                    continue;
                }
                int listEnd = body.position() + 2 + (body.getShort() & 0xFFFF);
                while (body.position() + 3 <= listEnd) {
                    int nameType = body.get() & 0xFF;
                    int nameLength = body.getShort() & 0xFFFF;
                    if (nameType == 0) {
                        byte[] name = new byte[nameLength];
                        body.get(name);
                        return nameLength == 0 ? NONE : new String(name, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                    }
                    skip(body, nameLength);
                }
                return NONE;
            }
            return NONE;
        } catch (RuntimeException e) {
            return NONE; // malformed: the engine will refuse it with its own alert
        }
    }

    private static void skip(ByteBuffer b, int n) {
        b.position(b.position() + n);
    }

    private static int u16(ByteBuffer b, int at) {
        return ((b.get(at) & 0xFF) << 8) | (b.get(at + 1) & 0xFF);
    }
}
