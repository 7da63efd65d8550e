package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The blocking POC {@code socket} module (SPEC.md section 4) against real loopback peers. */
class PocSocketTest {

    @Test
    void theSeedDocumentsExamplesRun() throws Exception {
        try (LuaHarness lua = new LuaHarness(); TestPeers.Server echo = TestPeers.echo()) {
            // The seed's examples, with the address pointed at a local echo server.
            String printed = lua.ok(String.join("\n",
                "local port = ...",
                "local socket = require(\"socket\")",
                "local ip, err = socket.lookup(\"127.0.0.1\")",
                "if err ~= nil then error(err) end",
                "print(ip)",
                "local sock = socket.new({ tls = false })",
                "sock:timeout(1)",
                "sock:servername(\"www.example.com\")",
                "local status, err = sock:connect(\"tcp\", \"127.0.0.1\", port)",
                "if err ~= nil then error(err) end",
                "print(status)",
                "local status = sock:send(\"hello\")",
                "print(status)",
                "local msg, length, err = sock:recv(1024)",
                "if err ~= nil then error(err) end",
                "print(msg, length)",
                "sock:close()"), echo.port());
            assertEquals("127.0.0.1\ntrue\ntrue\nhello\t5\n", printed);
        }
    }

    @Test
    void recvReturnsPartialDataEofAndTimeout() throws Exception {
        try (LuaHarness lua = new LuaHarness();
             TestPeers.Server server = new TestPeers.Server(s -> {
                 s.getOutputStream().write("abcdefghij".getBytes());
                 s.getOutputStream().flush();
                 Thread.sleep(700);
                 s.getOutputStream().write("k".getBytes());
                 s.shutdownOutput();
                 s.getInputStream().read();
             })) {
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local s = socket.new()",
                "s:timeout(0.3)",
                "assert(s:connect('tcp', '127.0.0.1', tostring(...)))  -- port as a string",
                "local d, n, e = s:recv(4)",
                "assert(d == 'abcd' and n == 4 and e == nil, 'at most size bytes')",
                "d, n, e = s:recv(100)",
                "assert(d == 'efghij' and n == 6 and e == nil, 'whatever is available')",
                "d, n, e = s:recv(100)",
                "assert(d == '' and n == 0 and e == 'timeout', 'timeout: ' .. tostring(e))",
                "s:timeout(5)",
                "d, n, e = s:recv(100)",
                "assert(d == 'k' and n == 1 and e == nil)",
                "d, n, e = s:recv(100)",
                "assert(d == '' and n == 0 and e == 'EOF', 'EOF: ' .. tostring(e))",
                "s:close()",
                "s:close()  -- idempotent",
                "d, n, e = s:recv(1)",
                "assert(e == 'closed')",
                "assert(select(2, s:send('x')) == 'closed')"), server.port());
        }
    }

    @Test
    void connectFailuresAreValues() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (LuaHarness lua = new LuaHarness()) {
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local s = socket:new{timeout = 2}   -- the colon form of the docs",
                "local ok, err = s:connect('tcp', '127.0.0.1', ...)",
                "assert(ok == nil and err == 'connection refused', tostring(err))",
                "ok, err = socket.new():connect('tcp', 'no-such-host.invalid', 80)",
                "assert(ok == nil and err == 'no such host', tostring(err))",
                "ok, err = socket.new():connect('sctp', '127.0.0.1', 80)",
                "assert(ok == nil and err:find('unsupported type'), tostring(err))",
                "ok, err = socket.new({tls = true}):connect('udp', '127.0.0.1', 80)",
                "assert(ok == nil and err:find('^tls:'), tostring(err))",
                "ok, err = socket.new():connect('tcp', '127.0.0.1', 70000)",
                "assert(ok == nil and err:find('port'), tostring(err))",
                "local s2 = socket.new()",
                "assert(select(2, s2:send('x')) == 'not connected')",
                "assert(select(3, s2:recv(1)) == 'not connected')",
                "local ip, e = socket.lookup('no-such-host.invalid')",
                "assert(ip == nil and e == 'no such host')"), closed);
        }
    }

    @Test
    void namesResolveThroughTheLoopsResolver() throws Exception {
        try (LuaHarness lua = new LuaHarness(); TestPeers.Server echo = TestPeers.echo()) {
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local ip, err = socket.lookup('localhost')",
                "assert(ip == '127.0.0.1' and err == nil, tostring(ip) .. ' ' .. tostring(err))",
                "ip, err = socket.lookup('::1')",
                "assert(ip == '::1', tostring(ip))",
                "assert(socket.lookup('2001:db8:0:0:1:0:0:1') == '2001:db8::1:0:0:1')",
                "assert(socket.lookup('fe80:0:0:0:0:0:0:0') == 'fe80::')",
                "local s = socket.new({timeout = 5})",
                "assert(s:connect('tcp', 'localhost', ...))",
                "assert(s:send('by name'))",
                "assert(s:recv(100) == 'by name')",
                "s:close()",
                "-- socketcore connects by name too",
                "local id = socketcore.sock_conn(0, 'localhost', ...)",
                "local m = rtos.receive(5000)",
                "assert(m.id == rtos.MSG_SOCK_CONN_CNF and m.result == 0 and m.socket_index == id)",
                "socketcore.sock_close(id)"), echo.port());
        }
    }

    @Test
    void badArgumentTypesRaiseErrorsNamingTheFunction() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local s = socket.new()",
                "local function fails(pattern, f, ...)",
                "  local ok, err = pcall(f, ...)",
                "  assert(not ok, 'expected an error matching ' .. pattern)",
                "  assert(err:find(pattern), err)",
                "end",
                "fails(\"bad argument #2 to 'connect' %(string expected, got nil%)\", s.connect, s, nil, '1.2.3.4', 80)",
                "fails(\"bad argument #4 to 'connect' %(number expected, got table%)\", s.connect, s, 'tcp', '1.2.3.4', {})",
                "fails(\"bad argument #4 to 'connect' %(number expected, got string%)\", s.connect, s, 'tcp', '1.2.3.4', 'http')",
                "fails(\"bad argument #2 to 'timeout' %(number expected, got string%)\", s.timeout, s, 'soon')",
                "fails(\"bad argument #1 to 'send' %(socket expected, got string%)\", s.send, 'x', 'y')",
                "fails(\"bad argument #2 to 'recv' %(number expected, got no value%)\", s.recv, s)",
                "fails(\"bad argument #2 to 'recv' %(size must be at least 1%)\", s.recv, s, 0)",
                "fails(\"bad argument #1 to 'new' %(table expected, got number%)\", socket.new, 5)",
                "fails(\"bad argument #1 to 'lookup' %(string expected, got nil%)\", socket.lookup, nil)",
                "fails(\"bad argument #2 to 'listen' %(number expected, got no value%)\", socket.listen, '127.0.0.1')"));
        }
    }

    @Test
    void udpExchange() throws Exception {
        try (LuaHarness lua = new LuaHarness();
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread responder = new Thread(() -> {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[1000], 1000);
                    peer.receive(p);
                    byte[] reply = ("pong:" + new String(p.getData(), 0, p.getLength())).getBytes();
                    peer.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            responder.start();
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local u = socket.new({timeout = 5})",
                "assert(u:connect('udp', '127.0.0.1', ...))",
                "assert(u:send('ping'))",
                "local d, n, e = u:recv(1000)",
                "assert(d == 'pong:ping' and n == 9 and e == nil, tostring(e))",
                "u:timeout(0.2)",
                "d, n, e = u:recv(1000)",
                "assert(e == 'timeout')",
                "u:close()"), peer.getLocalPort());
            responder.join(5000);
        }
    }

    @Test
    void aScriptServesItselfThroughListenAndAccept() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local server = assert(socket.listen('127.0.0.1', 0, 16))",
                "assert(server:port() > 0)",
                "server:timeout(0.2)",
                "local none, e = server:accept()",
                "assert(none == nil and e == 'timeout')",
                "local c = socket.new()",
                "assert(c:connect('tcp', '127.0.0.1', server:port()))",
                "server:timeout(5)",
                "local s = assert(server:accept())",
                "assert(c:send(string.rep('q', 100000)))",
                "local got = 0",
                "while got < 100000 do local d, n, err = s:recv(65536); assert(not err, err); got = got + n end",
                "c:close()",
                "assert(select(3, s:recv(1)) == 'EOF')",
                "s:close()",
                "server:close()",
                "assert(select(2, server:accept()) == 'closed')",
                "local taken, err = socket.listen('127.0.0.1', 70000)",
                "assert(taken == nil and err:find('port'))"));
        }
    }

    @Test
    void forgottenSocketsAreClosedWhenTheScriptEnds() throws Exception {
        CountDownLatch sawEnd = new CountDownLatch(1);
        try (LuaHarness lua = new LuaHarness();
             TestPeers.Server server = new TestPeers.Server(s -> {
                 if (s.getInputStream().read() < 0) {
                     sawEnd.countDown();
                 }
             })) {
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local s = socket.new()",
                "assert(s:connect('tcp', '127.0.0.1', ...))",
                "-- never closed"), server.port());
            assertTrue(sawEnd.await(5, TimeUnit.SECONDS), "the peer saw the connection end");
        }
    }

    @Test
    void hundredScriptsBlockedInRecvDoNotStopAnother() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LuaHarness lua = new LuaHarness();
             TestPeers.Server silent = new TestPeers.Server(s -> {
                 release.await();
                 s.getOutputStream().write('!');
                 s.getInputStream().read();
             });
             TestPeers.Server echo = TestPeers.echo()) {
            String blocked = lua.file("blocked.lua", String.join("\n",
                "local socket = require('socket')",
                "local s = socket.new({timeout = 60})",
                "assert(s:connect('tcp', '127.0.0.1', ...))",
                "print('blocked')",
                "local d, n, e = s:recv(1)",
                "assert(d == '!', tostring(e))",
                "s:close()"));
            List<ScriptRunner.Running> waiting = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                waiting.add(lua.runner.start(blocked, LuaHarness.strings(silent.port()), new ScriptOptions()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lua.printed(0).split("blocked", -1).length - 1 < 100) {
                assertTrue(System.nanoTime() < deadline, "the 100 scripts did not all connect");
                Thread.sleep(20);
            }
            // All 100 wait in recv: another script on the same loop does its whole exchange.
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local s = socket.new({timeout = 5})",
                "assert(s:connect('tcp', '127.0.0.1', ...))",
                "for i = 1, 50 do",
                "  assert(s:send('round ' .. i))",
                "  local want = #('round ' .. i)",
                "  local got = ''",
                "  while #got < want do local d, n, e = s:recv(want - #got); assert(not e, e); got = got .. d end",
                "  assert(got == 'round ' .. i)",
                "end",
                "s:close()"), echo.port());
            for (ScriptRunner.Running r : waiting) {
                assertTrue(!r.isDone(), "still blocked");
            }
            release.countDown();
            for (ScriptRunner.Running r : waiting) {
                ScriptRunner.Result result = r.await();
                assertEquals(0, result.status, result.message);
            }
        }
    }
}
