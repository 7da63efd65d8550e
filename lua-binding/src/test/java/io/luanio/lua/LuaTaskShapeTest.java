package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scripts of the LuaTask shape: one main loop over {@code rtos.receive(rtos.INF_TIMEOUT)}
 * dispatching {@code msg.id}, a coroutine per connection, 11200-byte sends each waiting
 * for its SEND_CNF, {@code sock_destroy} after every CLOSE_CNF. And many scripts at once.
 */
class LuaTaskShapeTest {
    static final int TOTAL = 8 * 1024 * 1024;

    /** A LuaTask-style application in miniature (our own code, in the library's shape). */
    static final String APP = String.join("\n",
        "local port, total = ...",
        "port, total = tonumber(port), tonumber(total)",
        "local SENDSIZE = 11200",
        "local sockets = {}          -- socket id -> connection object",
        "local timers = {}           -- timer id -> callback",
        "local nextTimer = 0x20000000",
        "local function timerStart(cb, ms)",
        "  nextTimer = nextTimer + 1",
        "  timers[nextTimer] = cb",
        "  assert(rtos.timer_start(nextTimer, ms) == 1)",
        "  return nextTimer",
        "end",
        "local function timerStop(id) timers[id] = nil; rtos.timer_stop(id) end",
        "local conn = {}",
        "conn.__index = conn",
        "local function tcp() return setmetatable({co = coroutine.running(), input = {}, inlen = 0}, conn) end",
        "function conn:connect(host, port)",
        "  self.id = socketcore.sock_conn(0, host, port, 0)",
        "  if not self.id then return false end",
        "  sockets[self.id] = self",
        "  self.wait = 'CONNECT'",
        "  local guard = timerStart(function() coroutine.resume(self.co, false, 'TIMEOUT') end, 20000)",
        "  local ok, why = coroutine.yield()",
        "  timerStop(guard)",
        "  return ok",
        "end",
        "function conn:send(data)",
        "  for i = 1, #data, SENDSIZE do",
        "    self.wait = 'SEND'",
        "    local r = socketcore.sock_send(self.id, data:sub(i, i + SENDSIZE - 1))",
        "    if r ~= 1 then return false end",
        "    local ok = coroutine.yield()",
        "    if not ok then return false end",
        "  end",
        "  return true",
        "end",
        "function conn:recv()",
        "  if #self.input == 0 then self.wait = 'RECV'; local ok = coroutine.yield(); if not ok then return nil end end",
        "  local s = table.concat(self.input)",
        "  self.input = {}",
        "  return s",
        "end",
        "function conn:close()",
        "  socketcore.sock_close(self.id)",
        "  self.wait = 'CLOSE'",
        "  coroutine.yield()",
        "  sockets[self.id] = nil",
        "end",
        "local handlers = {}",
        "local function resume(msg, ...)",
        "  local c = sockets[msg.socket_index]",
        "  if c then local ok, err = coroutine.resume(c.co, ...); assert(ok, err) end",
        "end",
        "handlers[rtos.MSG_SOCK_CONN_CNF] = function(msg)",
        "  if msg.result ~= 0 then socketcore.sock_destroy(msg.socket_index) end",
        "  resume(msg, msg.result == 0)",
        "end",
        "handlers[rtos.MSG_SOCK_SEND_CNF] = function(msg) resume(msg, msg.result == 0) end",
        "handlers[rtos.MSG_SOCK_CLOSE_CNF] = function(msg)",
        "  socketcore.sock_destroy(msg.socket_index)",
        "  resume(msg, true)",
        "end",
        "handlers[rtos.MSG_SOCK_RECV_IND] = function(msg)",
        "  local c = sockets[msg.socket_index]",
        "  local s = socketcore.sock_recv(msg.socket_index, msg.recv_len)",
        "  table.insert(c.input, s)",
        "  if c.wait == 'RECV' then c.wait = nil; resume(msg, true) end",
        "end",
        "handlers[rtos.MSG_SOCK_CLOSE_IND] = function(msg)",
        "  local c = sockets[msg.socket_index]",
        "  c.closed = true",
        "  if c.wait == 'RECV' then c.wait = nil; resume(msg, false) end",
        "end",
        "-- the task: send `total` bytes, then receive `total` bytes, hashing both",
        "local done = false",
        "local task = coroutine.create(function()",
        "  local c = tcp()",
        "  assert(c:connect('127.0.0.1', port), 'connect failed')",
        "  local sent = testkit.sha256()",
        "  local block = {}",
        "  for i = 1, 4096 do block[i] = string.char((i * 7) % 256) end",
        "  block = table.concat(block)",
        "  local left, n = total, 0",
        "  while left > 0 do",
        "    n = n + 1",
        "    local piece = (block:sub(n % 97 + 1) .. block):sub(1, math.min(left, 65536))",
        "    sent:update(piece)",
        "    assert(c:send(piece), 'send failed')",
        "    left = left - #piece",
        "  end",
        "  print('SENT ' .. sent:hex())",
        "  local got, received = 0, testkit.sha256()",
        "  while got < total do",
        "    local s = c:recv()",
        "    assert(s, 'connection ended early at ' .. got)",
        "    received:update(s)",
        "    got = got + #s",
        "  end",
        "  print('RECEIVED ' .. received:hex() .. ' ' .. got)",
        "  c:close()",
        "  done = true",
        "end)",
        "assert(coroutine.resume(task))",
        "while not done do",
        "  local msg, param = rtos.receive(rtos.INF_TIMEOUT)",
        "  if msg == rtos.MSG_TIMER then",
        "    local cb = timers[param]; timers[param] = nil; if cb then cb() end",
        "  elseif type(msg) == 'table' then",
        "    local h = handlers[msg.id]",
        "    if h then h(msg) end",
        "  end",
        "end",
        "print('DONE')");

    @Test
    void aLuaTaskShapedScriptMovesEightMebibytesBothWays() throws Exception {
        BlockingQueue<String> serverSaw = new ArrayBlockingQueue<>(1);
        BlockingQueue<String> serverSent = new ArrayBlockingQueue<>(1);
        try (LuaHarness lua = new LuaHarness();
             TestPeers.Server server = new TestPeers.Server(s -> {
                 DataInputStream in = new DataInputStream(s.getInputStream());
                 byte[] all = new byte[TOTAL];
                 in.readFully(all);
                 serverSaw.add(TestKitModule.hex(MessageDigest.getInstance("SHA-256").digest(all)));
                 byte[] reply = new byte[TOTAL];
                 new Random(5).nextBytes(reply);
                 serverSent.add(TestKitModule.hex(MessageDigest.getInstance("SHA-256").digest(reply)));
                 OutputStream out = s.getOutputStream();
                 for (int off = 0; off < TOTAL; off += 100_000) {
                     out.write(reply, off, Math.min(100_000, TOTAL - off));
                 }
                 in.read();
             })) {
            String printed = lua.ok(APP, server.port(), TOTAL);
            String saw = serverSaw.poll(30, TimeUnit.SECONDS);
            String sent = serverSent.poll(30, TimeUnit.SECONDS);
            assertTrue(printed.contains("SENT " + saw + "\n"), "what the server got has the script's SHA-256:\n" + printed);
            assertTrue(printed.contains("RECEIVED " + sent + " " + TOTAL + "\n"), "what the script got has the server's SHA-256:\n" + printed);
            assertTrue(printed.endsWith("DONE\n"), printed);
        }
    }

    @Test
    void twoHundredScriptsOnOneLoopEachCompleteAnEcho() throws Exception {
        try (LuaHarness lua = new LuaHarness(); TestPeers.Server echo = TestPeers.echo()) {
            String file = lua.file("echo200.lua", LuaPrelude.SOURCE + String.join("\n",
                "local port, n = ...",
                "local id = connect(0, '127.0.0.1', tonumber(port))",
                "local text = ('script %s says hello'):format(n)",
                "assert(socketcore.sock_send(id, text) == 1)",
                "assert(read_exactly(id, #text) == text)",
                "close_destroy(id)"));
            List<ScriptRunner.Running> running = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                running.add(lua.runner.start(file, LuaHarness.strings(echo.port(), i), new ScriptOptions()));
            }
            int ok = 0;
            for (ScriptRunner.Running r : running) {
                ScriptRunner.Result result = r.await();
                assertEquals(0, result.status, result.message);
                ok++;
            }
            assertEquals(200, ok);
        }
    }
}
