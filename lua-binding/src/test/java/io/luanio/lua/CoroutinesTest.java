package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The binding's coroutine library: LuaJ's semantics, threads the binding owns. */
class CoroutinesTest {
    static long coroutineThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("luanio-co-")).count();
    }

    @Test
    void resumeYieldStatusAndWrapBehaveAsInLua() {
        try (LuaHarness lua = new LuaHarness()) {
            String out = lua.ok(String.join("\n",
                "local co",
                "co = coroutine.create(function(a, b)",
                "  print('in', a, b, coroutine.status(co))",
                "  local c = coroutine.yield(a + b)",
                "  local inner = coroutine.create(function() print('outer is', coroutine.status(co)) end)",
                "  assert(coroutine.resume(inner))",
                "  return c * 2",
                "end)",
                "print(coroutine.status(co))",
                "print(coroutine.resume(co, 1, 2))",
                "print(coroutine.status(co))",
                "print(coroutine.resume(co, 10))",
                "print(coroutine.status(co), coroutine.resume(co))",
                "local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)",
                "print(gen(), gen(), gen())",
                "local main, ismain = coroutine.running()",
                "print(type(main), ismain)",
                "coroutine.wrap(function() local c, m = coroutine.running() print(type(c), m) end)()",
                "print(pcall(coroutine.yield, 1))"));
            assertEquals(String.join("\n",
                "suspended",
                "in\t1\t2\trunning",
                "true\t3",
                "suspended",
                "outer is\tnormal",
                "true\t20",
                "dead\tfalse\tcannot resume dead coroutine",
                "1\t2\t3",
                "thread\ttrue",
                "thread\tfalse",
                "false\tattempt to yield from outside a coroutine",
                ""), out);
        }
    }

    @Test
    void errorsComeBackAsCLuaErrorValues() {
        try (LuaHarness lua = new LuaHarness()) {
            String out = lua.ok(String.join("\n",
                "local ok, e = coroutine.resume(coroutine.create(function() error('boom') end))",
                "print(ok, (e:gsub('^.-:(%d+):', 'line %1:')))",
                "local obj = {}",
                "local ok2, e2 = coroutine.resume(coroutine.create(function() error(obj) end))",
                "print(ok2, e2 == obj)",
                "local ok3, e3 = pcall(coroutine.wrap(function() error('wrapped', 0) end))",
                "print(ok3, (e3:gsub('^.-:(%d+):', 'line %1:')))",
                "local co = coroutine.create(function() local x = nil; coroutine.yield(); return x.y end)",
                "coroutine.resume(co)",
                "print(debug.traceback(co):match('stack traceback') ~= nil)"));
            assertEquals("false\tline 1: boom\nfalse\ttrue\nfalse\twrapped\ntrue\n", out);
        }
    }

    @Test
    void osExitInsideACoroutineEndsTheScript() {
        try (LuaHarness lua = new LuaHarness()) {
            ScriptRunner.Result r = lua.run(String.join("\n",
                "local co = coroutine.create(function() pcall(os.exit, 7) print('not here') end)",
                "print(coroutine.resume(co))",
                "print('nor here')"));
            assertEquals(7, r.status, r.message);
            assertEquals("", lua.printed(0));
        }
    }

    @Test
    void deepRecursionInACoroutineIsAStackOverflowErrorNotACrash() {
        try (LuaHarness lua = new LuaHarness()) {
            String out = lua.ok(new ScriptOptions().coroutineStackBytes(128 * 1024), String.join("\n",
                "local function r(n) return 1 + r(n + 1) end",
                "print(coroutine.resume(coroutine.create(function() return r(1) end)))"));
            assertEquals("false\tstack overflow\n", out);
        }
    }

    @Test
    void suspendedCoroutinesEndWithTheScript() throws Exception {
        long before = coroutineThreads();
        try (LuaHarness lua = new LuaHarness()) {
            String out = lua.ok(new ScriptOptions().name("gen"), String.join("\n",
                "local cos = {}",
                "for i = 1, 20 do",
                "  cos[i] = coroutine.create(function() coroutine.yield(i) end)",
                "  assert(coroutine.resume(cos[i]))",
                "end",
                "print('suspended', #cos)"));
            assertEquals("suspended\t20\n", out);
        }
        assertEquals(before, coroutineThreads(), "threads left: " + Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName).filter(n -> n.startsWith("luanio-co-")).collect(Collectors.toList()));
    }
}
