package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.junit.jupiter.api.Test;

/**
 * LuaTask mode (SPEC.md section 6) through the runner: Lua 5.1 modules and names, the
 * stand-in hardware, the name-clash rules, and none of it without {@code --luat}.
 */
class LuatModeTest {
    static ScriptOptions luat() {
        return new ScriptOptions().luat(true);
    }

    @Test
    void moduleWithSeeallExposesGlobalsAndRegistersPackageLoaded() {
        try (LuaHarness lua = new LuaHarness()) {
            lua.file("greeter.lua", String.join("\n",
                "-- a Lua 5.1 module, as LuaTask writes them",
                "require \"helper\"",
                "module(..., package.seeall)",
                "VERSION = \"1.2\"",
                "local count = 0",
                "function greet(...)",
                "  count = count + 1",
                "  return string.format('hello %s (%d args, call %d)', tostring(arg[1]), arg.n, count)",
                "end",
                "function helperSeen() return helper.ok end"));
            lua.file("helper.lua", "module(..., package.seeall)\nok = true");
            lua.file("config.lua", "module(...)\nport = 8080\nname = 'cfg'");
            lua.file("a_b.lua", "module('a.b.c', package.seeall)\nfunction where() return _NAME, _PACKAGE end");
            String out = lua.ok(luat(), String.join("\n",
                "require 'greeter'",
                "assert(package.loaded.greeter == greeter, 'package.loaded')",
                "assert(greeter._M == greeter and greeter._NAME == 'greeter' and greeter._PACKAGE == '')",
                "print(greeter.greet('you', nil, 3))",
                "print(greeter.VERSION, greeter.helperSeen(), greeter.print == print)",
                "print(rawget(_G, 'VERSION'), rawget(_G, 'greet'))",
                "require 'config'",
                "print(config.port, config.name, config.print)",
                "require 'a_b'",
                "print(a.b.c.where())",
                "print(package.loaded['a.b.c'] == a.b.c)"));
            assertEquals(String.join("\n",
                "hello you (3 args, call 1)",
                "1.2\ttrue\ttrue",
                "nil\tnil",
                "8080\tcfg\tnil",
                "a.b.c\ta.b.",
                "true",
                ""), out);
        }
    }

    @Test
    void lua51NamesWork() {
        try (LuaHarness lua = new LuaHarness()) {
            String out = lua.ok(luat(), String.join("\n",
                "print(unpack({1, 2, 3}))",
                "local words = {}",
                "for w in string.gfind('one two three', '%a+') do words[#words + 1] = w end",
                "print(table.concat(words, ','), table.getn(words), table.maxn({[1] = 1, [7] = 2}))",
                "print(collectgarbage('setpause', 80), collectgarbage('setpause', 100), collectgarbage('setstepmul', 300))",
                "print(collectgarbage('stop'), collectgarbage('restart'), type(collectgarbage('count')), collectgarbage())",
                "print(math.mod(7, 3), math.log10(1000), package.loaders == package.searchers)",
                "local f = loadstring('function twice(...) return arg.n * 2 end return twice')()",
                "print(f(1, nil, 3))",
                "print(string.format('%.2f|%5s|%-4d|', 1/3, 'ab', 7), ('%.1e'):format(12345))"));
            assertEquals(String.join("\n",
                "1\t2\t3",
                "one,two,three\t3\t7",
                "200\t80\t200",
                "0\t0\tnumber\t0",
                "1\t3\ttrue",
                "6",
                "0.33|   ab|7   |\t1.2e+04",
                ""), out);
        }
    }

    /** A module's loader gets its name only, as in Lua 5.1 (LuaJ's require also passes the file). */
    @Test
    void aModuleChunkGetsItsNameOnly() {
        try (LuaHarness lua = new LuaHarness()) {
            lua.file("counter.lua", "return select('#', ...)");
            assertEquals("1\n", lua.ok(luat(), "print(require('counter'))"));
        }
    }

    @Test
    void coroutineRunningIsNilOnTheMainThreadAndTheCoroutineInsideOne() {
        try (LuaHarness lua = new LuaHarness()) {
            String out = lua.ok(luat(), String.join("\n",
                "print(coroutine.running(), select('#', coroutine.running()))",
                "local co",
                "co = coroutine.create(function() print(coroutine.running() == co, select('#', coroutine.running())) end)",
                "assert(coroutine.resume(co))"));
            assertEquals("nil\t1\ntrue\t1\n", out);
        }
    }

    @Test
    void standInsForTheHardware() {
        try (LuaHarness lua = new LuaHarness()) {
            String out = lua.ok(luat(), String.join("\n",
                "print(uart.setup(uart.ATC, 115200, 8, uart.PAR_NONE, uart.STOP_1), uart.read(1, '*l', 0))",
                "uart.on = function() end -- LuaTask's clib.lua does this",
                "pmd.sleep(1); pmd.ldoset(2, pmd.LDO_VLCD)",
                "pio.pin.setdir(pio.OUTPUT, pio.P0_1); pio.pin.setval(1, pio.P0_1)",
                "print(require('pio') == pio, require('uart') == uart, pio.pin.getval(pio.P1_3), pio.P1_3)",
                "require 'link'",
                "print(link.isReady(), net.getState(), net.getNetMode() == net.NetMode_LTE, sim.getStatus())",
                "print(sim.getImsi(), sim.getIccid(), #sim.getIccid(), ril.request('AT+CSQ'))"));
            assertEquals(String.join("\n",
                "115200\t",
                "true\ttrue\t0\t35",
                "true\tREGISTERED\ttrue\ttrue",
                "460000000000001\t89860000000000000001\t20",
                ""), out);
        }
    }

    @Test
    void linkPublishesIpReadyThroughSysOnceTheMainLoopRuns() {
        try (LuaHarness lua = new LuaHarness()) {
            lua.file("sys.lua", String.join("\n",
                "-- a minimal sys in LuaTask's shape",
                "module(..., package.seeall)",
                "local timers, subs, queue, n = {}, {}, {}, 0x20000000",
                "function timerStart(fn, ms, ...) n = n + 1; timers[n] = {fn, arg}; rtos.timer_start(n, ms); return n end",
                "function subscribe(id, cb) subs[id] = cb end",
                "function publish(...) queue[#queue + 1] = arg end",
                "function run()",
                "  while true do",
                "    while #queue > 0 do local m = table.remove(queue, 1); if subs[m[1]] then subs[m[1]](unpack(m, 2, m.n)) end end",
                "    local msg, p = rtos.receive(rtos.INF_TIMEOUT)",
                "    if msg == rtos.MSG_TIMER and timers[p] then local t = timers[p]; timers[p] = nil; t[1](unpack(t[2], 1, t[2].n)) end",
                "  end",
                "end"));
            String out = lua.ok(luat(), String.join("\n",
                "require 'sys'",
                "require 'link'",
                "local seen = {}",
                "for _, id in ipairs({'SIM_IND', 'IMSI_READY', 'NET_STATE_REGISTERED', 'IP_READY_IND'}) do",
                "  sys.subscribe(id, function(...) seen[#seen + 1] = table.concat({id, ...}, ' ')",
                "    if id == 'IP_READY_IND' then print(table.concat(seen, ', ')) os.exit(0) end end)",
                "end",
                "print('ready before the loop:', link.isReady())",
                "sys.run()"));
            assertEquals("ready before the loop:\ttrue\nSIM_IND RDY, IMSI_READY, NET_STATE_REGISTERED, IP_READY_IND\n", out);
        }
    }

    @Test
    void moduleFilesWinOverBuiltInsExceptTheStandIns() {
        try (LuaHarness lua = new LuaHarness()) {
            String lib = new File(lua.file("lib/socket.lua", "module(..., package.seeall)\nfrom = 'file'")).getParent();
            lua.file("lib/link.lua", "module(..., package.seeall)\nfrom = 'file'");
            lua.file("lib/mine.lua", "module(..., package.seeall)\nfrom = 'lib'");
            String out = lua.ok(luat().libraryDir(lib), String.join("\n",
                "local socket = require 'socket'",
                "print(socket.from, socket.tcp, socket.new)",
                "require 'link'",
                "print(link.from, link.isReady())",
                "print(require('mine').from)",
                "print(require('socketcore') == socketcore, require('rtos') == rtos)"));
            assertEquals("file\tnil\tnil\nnil\ttrue\nlib\ntrue\ttrue\n", out);
            // without a file of its name, require('socket') still finds the POC module
            assertEquals("function\n", lua.ok(luat(), "print(type(require('socket').new))"));
        }
    }

    @Test
    void withoutLuatNoneOfIt() {
        try (LuaHarness lua = new LuaHarness()) {
            String lib = new File(lua.file("plainlib/socket.lua", "return {from = 'file'}")).getParent();
            String out = lua.ok(new ScriptOptions().libraryDir(lib), String.join("\n",
                "print(module, unpack, string.gfind, loadstring, uart, pmd, pio, package.seeall)",
                "print(select('#', coroutine.running()), type(require('socket').new))",
                "print(pcall(require, 'link'))",
                "local function f(...) return arg end",
                "print(f(1, 2))",
                "print(pcall(collectgarbage, 'setpause', 80))"));
            assertTrue(out.startsWith(String.join("\n",
                "nil\tnil\tnil\tnil\tnil\tnil\tnil\tnil",
                "2\tfunction",
                "false\t")), out);
            assertTrue(out.contains("module 'link' not found"), out);
            String[] lines = out.split("\n");
            assertTrue(lines[lines.length - 2].startsWith("table: "), "f's arg is the global arg table: " + out);
            assertTrue(lines[lines.length - 1].startsWith("false\t"), "no setpause: " + out);
        }
    }

    @Test
    void restartWithoutAReasonEndsTheScript() {
        try (LuaHarness lua = new LuaHarness()) {
            ScriptRunner.Result r = lua.run(luat(), "print('before') rtos.restart() print('after')");
            assertEquals(1, r.status);
            assertEquals("restart", r.message);
            assertEquals("before\n", lua.printed(0));
        }
    }

    @Test
    void errorsKeepTheirLineNumbersAfterTheRewrites() {
        try (LuaHarness lua = new LuaHarness()) {
            lua.file("broken.lua", "module(..., package.seeall)\nfunction f(...)\n\n  error('line 4')\nend");
            ScriptRunner.Result r = lua.run(luat(), "require 'broken'\nbroken.f(1)");
            assertEquals(1, r.status);
            assertTrue(r.message.startsWith(lua.file("broken.lua", "module(..., package.seeall)\nfunction f(...)\n\n  error('line 4')\nend") + ":4: line 4"), r.message);
        }
    }
}
