package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Peer faults as a script sees them (issue 9), through socketcore and the POC socket: a peer
 * that never reads (sock_send fails with ERR_ENOBUFS and nothing else breaks: another
 * socket echoes, timers fire, and every queued byte arrives once the peer reads), and a
 * reset in the middle of a stream (CLOSE_IND result 1, sock_send ERR_ENOTCONN, close and
 * destroy free the slot; the POC socket says "connection reset"). After each script the
 * context holds no socket.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScriptPeerFaultTest {

    /** Runs {@code source} on this thread with every module installed; returns what it printed. */
    private static String run(EventLoop loop, String source, Object... args) {
        return run(loop, new ScriptOptions(), source, args);
    }

    private static String run(EventLoop loop, ScriptOptions options, String source, Object... args) {
        Globals globals = JsePlatform.standardGlobals();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        globals.STDOUT = new PrintStream(out, true);
        ScriptHost host = Luanio.install(globals, loop, options);
        try {
            LuaValue[] values = new LuaValue[args.length];
            for (int i = 0; i < args.length; i++) {
                values[i] = LuaValue.valueOf(String.valueOf(args[i]));
            }
            globals.load(LuaPrelude.SOURCE + source, "fault.lua").invoke(LuaValue.varargsOf(values));
            assertEquals(0, host.context().socketCount(), "every slot freed by the script itself");
        } finally {
            host.close();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPeerThatNeverReadsGivesEnobufsAndNothingElseBreaks() throws Exception {
        TestKitModule.FLAGS.put("release", false);
        BlockingQueue<String> peerSha = new ArrayBlockingQueue<>(1);
        EventLoop loop = EventLoop.start();
        try (TestPeers.Server echo = TestPeers.echo(); TestPeers.Server sink = new TestPeers.Server(s -> {
            s.setReceiveBufferSize(8192);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!TestKitModule.FLAGS.getOrDefault("release", false) && System.nanoTime() < deadline) {
                Thread.sleep(10); // a peer that does not read
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            peerSha.add(TestKitModule.hex(digest.digest()));
        })) {
            // A 128 KiB send queue (--send-queue): the peer's small window then drains it in well under a second.
            String printed = run(loop, new ScriptOptions().sendQueueBytes(128 * 1024), String.join("\n",
                "local sinkPort, echoPort = ...",
                "local sink = connect(0, '127.0.0.1', tonumber(sinkPort))",
                "local echo = connect(0, '127.0.0.1', tonumber(echoPort))",
                "socketcore.sock_setopt(sink, socketcore.SOL_SOCKET, 0x1001, 4096) -- SO_SNDBUF",
                "local sha, queued, refusals, n = testkit.sha256(), 0, 0, 0",
                "local function try_send()",
                "  n = n + 1",
                "  local chunk = string.rep(string.char(n % 256), 11200)",
                "  local r, e = socketcore.sock_send(sink, chunk)",
                "  if r == 1 then sha:update(chunk); queued = queued + 1; return true end",
                "  assert(r == 0 and e == socketcore.ERR_ENOBUFS, 'refused with ' .. tostring(e))",
                "  refusals = refusals + 1",
                "  return false",
                "end",
                "while try_send() do assert(queued < 5000, 'the queue never filled') end",
                "-- nothing else breaks: the other socket echoes, timers fire, the stuck one still refuses",
                "for round = 1, 30 do",
                "  local text = ('round %d'):format(round)",
                "  assert(socketcore.sock_send(echo, text) == 1, 'the other socket refused')",
                "  assert(read_exactly(echo, #text) == text)",
                "  try_send()",
                "end",
                "assert(rtos.timer_start(7, 5) == 1)",
                "await(rtos.MSG_TIMER)",
                "testkit.set('release', true)",
                "for i = 1, queued do",
                "  local m = await(rtos.MSG_SOCK_SEND_CNF, sink)",
                "  assert(m.result == 0 and m.send_len == 11200, 'a queued send failed')",
                "end",
                "close_destroy(sink)",
                "close_destroy(echo)",
                "print('QUEUED ' .. queued .. ' REFUSED ' .. refusals .. ' SHA ' .. sha:hex())"),
                sink.port(), echo.port());
            String[] words = printed.trim().split(" ");
            assertEquals("SHA", words[4], printed);
            assertEquals(words[5], peerSha.poll(10, TimeUnit.SECONDS), "the peer got every queued byte, in order");
            assertTrue(Integer.parseInt(words[3]) >= 1, printed);
            System.out.printf("[reliability] ScriptPeerFaultTest: socketcore, a peer that never reads: %s sends of 11200 B"
                + " queued, %s refused with ERR_ENOBUFS, 30 echo rounds and a timer meanwhile, SHA-256 equal once the peer"
                + " read, slots freed%n", words[1], words[3]);
        } finally {
            loop.close();
        }
    }

    @Test
    void aResetMidStreamIsCloseIndFailureThenCloseAndDestroyFreeTheSlot() throws Exception {
        EventLoop loop = EventLoop.start();
        try (TestPeers.Server resetter = new TestPeers.Server(s -> {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16384];
            int total = 0;
            int n;
            while (total < 100_000 && (n = in.read(buf)) > 0) {
                total += n;
            }
            s.setSoLinger(true, 0);
            s.close();
        })) {
            String printed = run(loop, String.join("\n",
                "local id = connect(0, '127.0.0.1', tonumber(...))",
                "local chunk = string.rep('r', 11200)",
                "local confirmed, failed, close_ind = 0, 0, nil",
                "for i = 1, 5000 do -- LuaTask's shape: one chunk, then wait for its SEND_CNF",
                "  local r, e = socketcore.sock_send(id, chunk)",
                "  if r == 0 then assert(e == socketcore.ERR_ENOTCONN, 'send after the reset: ' .. tostring(e)) break end",
                "  local m = next_msg()",
                "  assert(m.socket_index == id)",
                "  if m.id == rtos.MSG_SOCK_CLOSE_IND then close_ind = m break end",
                "  assert(m.id == rtos.MSG_SOCK_SEND_CNF, 'unexpected ' .. describe(m))",
                "  if m.result == 0 then confirmed = confirmed + 1 else failed = failed + 1 end",
                "end",
                "close_ind = close_ind or await(rtos.MSG_SOCK_CLOSE_IND, id)",
                "assert(close_ind.result == 1, 'a reset is a failure')",
                "local r, e = socketcore.sock_send(id, 'late')",
                "assert(r == 0 and e == socketcore.ERR_ENOTCONN, 'ENOTCONN after the reset')",
                "assert(socketcore.sock_recv(id, 100) == '', 'nothing to read')",
                "assert(socketcore.sock_close(id) == 1)",
                "await(rtos.MSG_SOCK_CLOSE_CNF, id)",
                "assert(socketcore.sock_destroy(id) == 1, 'destroy frees the slot')",
                "assert(socketcore.sock_destroy(id) == 0, 'once')",
                "print('CONFIRMED ' .. confirmed .. ' FAILED ' .. failed)"), resetter.port());
            System.out.printf("[reliability] ScriptPeerFaultTest: socketcore, a reset mid-stream: %s; then CLOSE_IND result 1,"
                + " sock_send ERR_ENOTCONN, CLOSE_CNF, sock_destroy 1%n", printed.trim());
        } finally {
            loop.close();
        }
    }

    @Test
    void thePocSocketSaysConnectionResetAndClosesCleanly() throws Exception {
        EventLoop loop = EventLoop.start();
        try (TestPeers.Server resetter = new TestPeers.Server(s -> {
            OutputStream out = s.getOutputStream();
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.getInputStream().read();
            s.setSoLinger(true, 0);
            s.close();
        })) {
            String printed = run(loop, String.join("\n",
                "local socket = require('socket')",
                "local s = socket.new({timeout = 5})",
                "assert(s:connect('tcp', '127.0.0.1', ...))",
                "local data = s:recv(5)",
                "assert(data == 'hello', tostring(data))",
                "assert(s:send('x'))",
                "local d, n, err = s:recv(10)",
                "assert(d == '' and n == 0 and err == 'connection reset', tostring(err))",
                "local ok, serr = s:send('y')",
                "assert(ok == false and serr == 'connection reset', tostring(serr))",
                "s:close()",
                "s:close() -- idempotent",
                "local d2, n2, err2 = s:recv(1)",
                "assert(err2 == 'closed', tostring(err2))",
                "-- the slot is freed when the CLOSE_CNF arrives: pump until then",
                "for i = 1, 100 do if rtos.receive(10) == rtos.WAIT_MSG_TIMEOUT then break end end",
                "print('POC ' .. err .. ' / ' .. serr .. ' / ' .. err2)"), resetter.port());
            System.out.printf("[reliability] ScriptPeerFaultTest: POC socket, a reset: recv and send return %s; close"
                + " idempotent, slot freed%n", printed.trim().substring(4));
        } finally {
            loop.close();
        }
    }
}
