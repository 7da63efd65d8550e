package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** socketcore from Lua, row by row of SPEC.md section 1 and 2, against real loopback peers. */
class SocketCoreTest {
    private static final String P = LuaPrelude.SOURCE;

    @Test
    void sockConnReturnsIdsOrNilByTheArgumentRules() throws Exception {
        try (LuaHarness lua = new LuaHarness(); TestPeers.Server echo = TestPeers.echo()) {
            lua.ok(P + String.join("\n",
                "local port = tonumber(...)",
                "-- numeric string port, 4th argument as the receive buffer length (LuaTask's TCP/UDP form)",
                "local a = socketcore.sock_conn(0, '127.0.0.1', tostring(port), 0)",
                "assert(math.type == nil or true)",
                "assert(type(a) == 'number' and a >= 0, 'id expected')",
                "expect(rtos.MSG_SOCK_CONN_CNF, a, 0)",
                "local b = socketcore.sock_conn(0, '127.0.0.1', port, 4096, nil, nil, nil, nil)",
                "expect(rtos.MSG_SOCK_CONN_CNF, b, 0)",
                "assert(a ~= b)",
                "-- nil for bad values, never an error",
                "assert(socketcore.sock_conn(3, '127.0.0.1', port) == nil, 'SMS')",
                "assert(socketcore.sock_conn(4, '127.0.0.1', port) == nil, 'RAW')",
                "assert(socketcore.sock_conn(-1, '127.0.0.1', port) == nil)",
                "assert(socketcore.sock_conn(0, '127.0.0.1', 65536) == nil)",
                "assert(socketcore.sock_conn(0, '127.0.0.1', -1) == nil)",
                "assert(socketcore.sock_conn(0, '', port) == nil)",
                "assert(socketcore.sock_conn(0, string.rep('a', 256), port) == nil)",
                "assert(socketcore.sock_conn_ext(0, '', port) == -1, 'sock_conn_ext gives -1')",
                "assert(socketcore.sock_conn_ext(9, '127.0.0.1', port) == -1)",
                "-- bad argument types are Lua errors naming the function",
                "local ok, err = pcall(socketcore.sock_conn, 0, nil, port)",
                "assert(not ok and err:find(\"bad argument #2 to 'sock_conn' %(string expected, got nil%)\"), err)",
                "ok, err = pcall(socketcore.sock_conn, 0, '127.0.0.1', 'http')",
                "assert(not ok and err:find(\"bad argument #3 to 'sock_conn' %(number expected, got string%)\"), err)",
                "ok, err = pcall(socketcore.sock_conn)",
                "assert(not ok and err:find(\"bad argument #1 to 'sock_conn' %(number expected, got no value%)\"), err)",
                "ok, err = pcall(socketcore.sock_conn, 0, '127.0.0.1', port, 'x')",
                "assert(not ok and err:find(\"bad argument #4 to 'sock_conn'\"), err)",
                "close_destroy(a)",
                "close_destroy(b)",
                "print('ok')"), echo.port());
        }
    }

    @Test
    void hostNamesFailWithConnCnfNotWithNil() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            lua.ok(P + String.join("\n",
                "local id = socketcore.sock_conn(0, 'no-such-host.invalid', 80)",
                "assert(id, 'a host name opens a socket')",
                "expect(rtos.MSG_SOCK_CONN_CNF, id, 1)",
                "assert(socketcore.sock_destroy(id) == 1, 'a failed connect is destroyed')"));
        }
    }

    @Test
    void sendRecvCloseDestroyReturnValues() throws Exception {
        try (LuaHarness lua = new LuaHarness(); TestPeers.Server echo = TestPeers.echo()) {
            lua.ok(P + String.join("\n",
                "local port = tonumber(...)",
                "local id = socketcore.sock_conn(0, '127.0.0.1', port)",
                "local r, e = socketcore.sock_send(id, 'x')",
                "-- not connected yet (the CONN_CNF has not been received): refused with ENOTCONN",
                "if r == 0 then assert(e == socketcore.ERR_ENOTCONN, 'err ' .. tostring(e)) end",
                "if r == 1 then await(rtos.MSG_SOCK_SEND_CNF, id) end",
                "await(rtos.MSG_SOCK_CONN_CNF, id)",
                "if r == 1 then read_exactly(id, 1) end",
                "r, e = socketcore.sock_send(id, 'hello')",
                "assert(r == 1 and e == 0, 'queued: 1, 0')",
                "local cnf = await(rtos.MSG_SOCK_SEND_CNF, id)",
                "assert(cnf.result == 0 and cnf.send_len == 5 and cnf.socket_index == id)",
                "assert(read_exactly(id, 5) == 'hello')",
                "-- recv: '' for len 0, unknown ids; error for negative length",
                "assert(socketcore.sock_recv(id, 0) == '')",
                "assert(socketcore.sock_recv(12345, 10) == '')",
                "local ok, err = pcall(socketcore.sock_recv, id, -1)",
                "assert(not ok and err:find(\"bad argument #2 to 'sock_recv'\"), err)",
                "ok, err = pcall(socketcore.sock_send, id)",
                "assert(not ok and err:find(\"bad argument #2 to 'sock_send' %(string expected, got no value%)\"), err)",
                "ok, err = pcall(socketcore.sock_send, id, nil)",
                "assert(not ok and err:find(\"bad argument #2 to 'sock_send' %(string expected, got nil%)\"), err)",
                "-- send to unknown id",
                "r, e = socketcore.sock_send(99999, 'x')",
                "assert(r == 0 and e == socketcore.ERR_EARG)",
                "-- remain buffer and options",
                "assert(socketcore.sock_getremainbuf(id) == 1048576, 'free send queue: ' .. socketcore.sock_getremainbuf(id))",
                "assert(socketcore.sock_setopt(id, socketcore.SOL_SOCKET, socketcore.SO_KEEPALIVE, 1) == 0)",
                "assert(socketcore.sock_setopt(id, socketcore.IPPROTO_TCP, socketcore.TCP_KEEPIDLE, 30) == 0)",
                "assert(socketcore.sock_setopt(id, socketcore.SOL_SOCKET, 12345, 1) == -1)",
                "assert(socketcore.sock_setopt(99999, socketcore.SOL_SOCKET, socketcore.SO_KEEPALIVE, 1) == -1)",
                "-- destroy refuses an open socket; close answers always",
                "assert(socketcore.sock_destroy(id) == 0)",
                "assert(socketcore.sock_close(id) == 1)",
                "expect(rtos.MSG_SOCK_CLOSE_CNF, id, 0)",
                "assert(socketcore.sock_destroy(id) == 1)",
                "assert(socketcore.sock_destroy(id) == 0, 'destroyed once')",
                "assert(socketcore.sock_close(id) == 1)",
                "expect(rtos.MSG_SOCK_CLOSE_CNF, id, 0)",
                "-- constants",
                "assert(socketcore.ERR_OK == 0 and socketcore.ERR_ENOBUFS == 2 and socketcore.ERR_UNKOWN == -1)",
                "assert(socketcore.SOL_SOCKET == 0xfff and socketcore.IPPROTO_TCP == 6 and socketcore.SO_REUSEADDR == 4)",
                "assert(rtos.MSG_SOCK_RECV_IND == 31 and rtos.MSG_SOCK_CLOSE_IND == 36 and rtos.MSG_TIMER == 5)"),
                echo.port());
        }
    }

    @Test
    void aFullSendQueueGivesEnobufs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LuaHarness lua = new LuaHarness();
             TestPeers.Server sink = new TestPeers.Server(s -> release.await())) {
            ScriptOptions small = new ScriptOptions().sendQueueBytes(64 * 1024);
            String printed = lua.ok(small, P + String.join("\n",
                "local id = connect(0, '127.0.0.1', tonumber(...))",
                "socketcore.sock_setopt(id, 0xfff, 0x1001, 4096)",
                "local chunk = string.rep('z', 11200)",
                "local queued, refused = 0, nil",
                "local free_before",
                "for i = 1, 2000 do",
                "  free_before = socketcore.sock_getremainbuf(id)",
                "  local r, e = socketcore.sock_send(id, chunk)",
                "  if r == 0 then refused = e break end",
                "  queued = queued + 1",
                "end",
                "assert(refused == socketcore.ERR_ENOBUFS, 'refused with ' .. tostring(refused))",
                "assert(free_before < 11200, 'refused although ' .. free_before .. ' bytes were free')",
                "print('queued', queued)"), sink.port());
            assertTrue(printed.startsWith("queued\t"), printed);
            release.countDown();
        }
    }

    @Test
    void receiveIndicationsArePacedAndPartialReadsReannounced() throws Exception {
        BlockingQueue<OutputStream> peer = new ArrayBlockingQueue<>(1);
        CountDownLatch done = new CountDownLatch(1);
        try (LuaHarness lua = new LuaHarness();
             TestPeers.Server server = new TestPeers.Server(s -> {
                 OutputStream out = s.getOutputStream();
                 out.write("0123456789".getBytes());
                 peer.add(out);
                 done.await();
             })) {
            Thread feeder = new Thread(() -> {
                try {
                    OutputStream out = peer.poll(10, TimeUnit.SECONDS);
                    Thread.sleep(300);
                    out.write("abcde".getBytes()); // arrives while the first indication is outstanding
                    out.flush();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            feeder.start();
            lua.ok(P + String.join("\n",
                "local id = connect(0, '127.0.0.1', tonumber(...))",
                "local m = expect(rtos.MSG_SOCK_RECV_IND, id, 0)",
                "assert(m.recv_len == 10, 'recv_len ' .. m.recv_len)",
                "-- wait for the second burst without reading: no new RECV_IND may come",
                "rtos.sleep(800)",
                "local t = rtos.receive(100)",
                "assert(t == rtos.WAIT_MSG_TIMEOUT, 'one indication outstanding at a time')",
                "assert(socketcore.sock_recv(id, 4) == '0123', 'partial read')",
                "m = expect(rtos.MSG_SOCK_RECV_IND, id, 0)",
                "assert(m.recv_len == 11, 'what is left (announced and not) is announced again: ' .. m.recv_len)",
                "assert(socketcore.sock_recv(id, 100) == '456789abcde')",
                "assert(rtos.receive(200) == rtos.WAIT_MSG_TIMEOUT)",
                "close_destroy(id)"), server.port());
            done.countDown();
            feeder.join(5000);
        }
    }

    @Test
    void peerCloseComesAfterTheDataWhichStaysReadable() throws Exception {
        try (LuaHarness lua = new LuaHarness();
             TestPeers.Server server = new TestPeers.Server(s -> {
                 s.getOutputStream().write("last words".getBytes());
                 s.shutdownOutput();
                 s.getInputStream().read();
             })) {
            lua.ok(P + String.join("\n",
                "local id = connect(0, '127.0.0.1', tonumber(...))",
                "local m = expect(rtos.MSG_SOCK_RECV_IND, id, 0)",
                "assert(m.recv_len == 10)",
                "expect(rtos.MSG_SOCK_CLOSE_IND, id, 0)",
                "assert(socketcore.sock_recv(id, m.recv_len) == 'last words', 'readable after CLOSE_IND')",
                "assert(socketcore.sock_close(id) == 1)",
                "expect(rtos.MSG_SOCK_CLOSE_CNF, id, 0)",
                "assert(socketcore.sock_destroy(id) == 1)"), server.port());
        }
    }

    @Test
    void refusedConnectAndDestroyAndIdReuse() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (LuaHarness lua = new LuaHarness(); TestPeers.Server echo = TestPeers.echo()) {
            lua.ok(P + String.join("\n",
                "local closed, open = ...",
                "closed, open = tonumber(closed), tonumber(open)",
                "local a = socketcore.sock_conn(0, '127.0.0.1', closed)",
                "expect(rtos.MSG_SOCK_CONN_CNF, a, 1)",
                "assert(socketcore.sock_destroy(a) == 1)",
                "local b = connect(0, '127.0.0.1', open)",
                "assert(b ~= a, 'a reused slot has a new id')",
                "local r, e = socketcore.sock_send(a, 'stale')",
                "assert(r == 0, 'a destroyed id is unknown')",
                "close_destroy(b)"), closedPort, echo.port());
        }
    }

    @Test
    void timersAndReceiveShapes() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            lua.ok(P + String.join("\n",
                "assert(rtos.timer_start(0x20000001, 30) == 1)",
                "local msg, id = rtos.receive(rtos.INF_TIMEOUT)",
                "assert(msg == rtos.MSG_TIMER and id == 0x20000001, 'MSG_TIMER, id')",
                "assert(select('#', rtos.receive(50)) == 1, 'timeout: one value')",
                "assert(rtos.receive(50) == rtos.WAIT_MSG_TIMEOUT)",
                "-- restart moves the deadline, stop cancels, unknown stop does nothing",
                "rtos.timer_start(7, 5000)",
                "rtos.timer_start(7, 20)",
                "msg, id = rtos.receive(-1)",
                "assert(msg == rtos.MSG_TIMER and id == 7)",
                "assert(rtos.receive(300) == rtos.WAIT_MSG_TIMEOUT, 'fired once')",
                "rtos.timer_start(8, 20)",
                "assert(rtos.timer_stop(8) == 1)",
                "assert(rtos.timer_stop(424242) == 1)",
                "assert(rtos.receive(200) == rtos.WAIT_MSG_TIMEOUT, 'stopped')",
                "assert(rtos.timer_start('x', 10) == 0, 'bad arguments: 0')",
                "assert(rtos.timer_start(9, -5) == 0)",
                "-- receive with no argument waits forever",
                "rtos.timer_start(10, 10)",
                "msg, id = rtos.receive()",
                "assert(msg == rtos.MSG_TIMER and id == 10)",
                "-- tick: 16384 per second, monotonic",
                "local t0 = rtos.tick()",
                "rtos.sleep(100)",
                "local dt = rtos.tick() - t0",
                "assert(dt >= 1500 and dt < 16384, 'ticks in 100 ms: ' .. dt)",
                "assert(rtos.get_version():find('luanio'))",
                "assert(rtos.poweron_reason() == rtos.POWERON_KEY)",
                "rtos.poweron(1)",
                "rtos.custom = 'writable'",
                "assert(rtos.custom == 'writable')",
                "assert(rtos.INF_TIMEOUT == 4294967295)"));
        }
    }

    @Test
    void restartEndsTheScriptWithTheReasonEvenUnderPcall() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            ScriptRunner.Result r = lua.run("pcall(rtos.restart, 'watchdog')\nprint('not reached')");
            assertEquals(1, r.status);
            assertEquals("restart: watchdog", r.message);
            assertEquals("", lua.printed(0));
            r = lua.run("local co = coroutine.create(function() rtos.restart('in a task') end)\n"
                + "coroutine.resume(co)\nrtos.receive(10)\nprint('not reached')");
            assertEquals(1, r.status);
            assertEquals("restart: in a task", r.message);
            r = lua.run("os.exit(7)");
            assertEquals(7, r.status);
        }
    }

    @Test
    void udpOneDatagramPerMessage() throws Exception {
        try (LuaHarness lua = new LuaHarness();
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peer.setSoTimeout(10_000);
            Thread responder = new Thread(() -> {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
                    for (int i = 0; i < 2; i++) {
                        p.setLength(2000);
                        peer.receive(p);
                        byte[] reply = ("re:" + new String(p.getData(), 0, p.getLength())).getBytes();
                        peer.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            responder.start();
            lua.ok(P + String.join("\n",
                "local id = socketcore.sock_conn(1, '127.0.0.1', tonumber(...))",
                "expect(rtos.MSG_SOCK_CONN_CNF, id, 0)",
                "assert(socketcore.sock_send(id, 'one') == 1)",
                "assert(await(rtos.MSG_SOCK_SEND_CNF, id).send_len == 3)",
                "assert(socketcore.sock_send(id, 'second') == 1)",
                "local a = await(rtos.MSG_SOCK_RECV_IND, id)",
                "local b = await(rtos.MSG_SOCK_RECV_IND, id)",
                "assert(a.recv_len == 6 and b.recv_len == 9, 'one RECV_IND per datagram, with its size')",
                "assert(socketcore.sock_recv(id, 100) == 're:one', 'one datagram per recv')",
                "assert(socketcore.sock_recv(id, 4) == 're:s', 'truncated to len')",
                "assert(socketcore.sock_recv(id, 100) == '', 'the rest of the datagram is gone')",
                "close_destroy(id)"), peer.getLocalPort());
            responder.join(5000);
        }
    }

    @Test
    void anotherScriptsIdsAreUnknownIds() throws Exception {
        try (LuaHarness lua = new LuaHarness(); TestPeers.Server echo = TestPeers.echo()) {
            // Script A connects and publishes its id through a Java queue; script B tries to use it.
            BlockingQueue<String> ids = new ArrayBlockingQueue<>(1);
            CountDownLatch bDone = new CountDownLatch(1);
            String a = lua.file("a.lua", P + String.join("\n",
                "local id = connect(0, '127.0.0.1', tonumber(...))",
                "print('ID ' .. id)",
                "io.stdout:flush()",
                "rtos.timer_start(1, 1500)",
                "await(rtos.MSG_TIMER)",
                "assert(socketcore.sock_send(id, 'still mine') == 1)",
                "assert(read_exactly(id, 10) == 'still mine', 'untouched by the other script')",
                "close_destroy(id)"));
            ScriptRunner.Running ra = lua.runner.start(a, LuaHarness.strings(echo.port()), new ScriptOptions());
            String id = null;
            for (int i = 0; i < 200 && id == null; i++) {
                Thread.sleep(10);
                for (String line : lua.printed(0).split("\n")) {
                    if (line.startsWith("ID ")) {
                        id = line.substring(3);
                    }
                }
            }
            assertTrue(id != null, "script A did not report its id");
            lua.ok(P + String.join("\n",
                "local foreign = tonumber(...)",
                "local r, e = socketcore.sock_send(foreign, 'x')",
                "assert(r == 0 and e == socketcore.ERR_EARG, 'send refused')",
                "assert(socketcore.sock_recv(foreign, 10) == '', 'recv refused')",
                "assert(socketcore.sock_destroy(foreign) == 0, 'destroy refused')",
                "assert(socketcore.sock_setopt(foreign, 0xfff, 8, 1) == -1)",
                "assert(socketcore.sock_close(foreign) == 1)",
                "expect(rtos.MSG_SOCK_CLOSE_CNF, foreign, 0)"), id);
            ScriptRunner.Result result = ra.await();
            assertEquals(0, result.status, "script A: " + result.message);
        }
    }
}
