package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** The ClientHello server-name reader, on real ClientHellos from a JDK client engine: whole, in pieces, in two records, and on bytes that are no ClientHello. */
class ClientHelloSniTest {

    /** The first flight of a JDK client engine: one record holding its ClientHello. */
    static byte[] clientHello(String sni) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("peer", 443);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setServerNames(sni == null ? Collections.<SNIServerName>emptyList() : Collections.<SNIServerName>singletonList(new SNIHostName(sni)));
        engine.setSSLParameters(p);
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** A buffer in write mode holding {@code bytes[0, n)}, as the loop keeps netIn. */
    static ByteBuffer received(byte[] bytes, int n) {
        ByteBuffer b = ByteBuffer.allocate(bytes.length + 100);
        b.put(bytes, 0, n);
        return b;
    }

    @Test
    void readsTheNameOnceTheWholeClientHelloArrived() throws Exception {
        byte[] hello = clientHello("Virtual.Example");
        assertEquals("virtual.example", ClientHelloSni.serverName(received(hello, hello.length)));
        for (int n : new int[] {0, 1, 4, 5, 40, hello.length - 1}) {
            assertEquals(ClientHelloSni.NEED_MORE, ClientHelloSni.serverName(received(hello, n)), "after " + n + " bytes");
        }
        ByteBuffer buffer = received(hello, hello.length);
        int before = buffer.position();
        ClientHelloSni.serverName(buffer);
        assertEquals(before, buffer.position(), "the bytes stay for the engine");
    }

    @Test
    void aClientHelloSplitOverTwoRecordsIsReassembled() throws Exception {
        byte[] hello = clientHello("split.example");
        int body = hello.length - 5;
        int first = body / 3;
        ByteBuffer two = ByteBuffer.allocate(hello.length + 5);
        two.put(hello, 0, 3).putShort((short) first).put(hello, 5, first);
        two.put(hello, 0, 3).putShort((short) (body - first)).put(hello, 5 + first, body - first);
        byte[] bytes = new byte[two.position()];
        two.flip();
        two.get(bytes);
        assertEquals(ClientHelloSni.NEED_MORE, ClientHelloSni.serverName(received(bytes, 5 + first)));
        assertEquals("split.example", ClientHelloSni.serverName(received(bytes, bytes.length)));
    }

    @Test
    void noNameOrNoClientHelloGivesNull() throws Exception {
        byte[] hello = clientHello(null);
        assertNull(ClientHelloSni.serverName(received(hello, hello.length)), "no server_name extension");
        byte[] http = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertNull(ClientHelloSni.serverName(received(http, http.length)), "not TLS");
        byte[] alert = {21, 3, 3, 0, 2, 2, 40};
        assertNull(ClientHelloSni.serverName(received(alert, alert.length)), "a record that is not a handshake");
        byte[] garbage = {22, 3, 3, 0, 6, 1, 0, 0, 2, 3, 3};
        assertNull(ClientHelloSni.serverName(received(garbage, garbage.length)), "a ClientHello cut short inside");
        byte[] huge = {22, 3, 3, 0, 4, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertNull(ClientHelloSni.serverName(received(huge, huge.length)), "a ClientHello longer than any real one");
    }
}
