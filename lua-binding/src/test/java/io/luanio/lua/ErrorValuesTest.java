package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code error(msg, 0)} stays bare, as in C Lua (LuaJ 3.0.1 positions it anyway). */
class ErrorValuesTest {
    @Test
    void levelZeroErrorsHaveNoPosition() {
        try (LuaHarness lua = new LuaHarness()) {
            String out = lua.ok(String.join("\n",
                "print(pcall(function() error('bare', 0) end))",
                "local ok, e = pcall(function() error('placed') end)",
                "print(ok, (e:gsub('^.-:(%d+):', 'line %1:')))",
                "local co = coroutine.create(function() error('rethrown', 0) end)",
                "print(coroutine.resume(co))"));
            assertEquals("false\tbare\nfalse\tline 2: placed\nfalse\trethrown\n", out);
            ScriptRunner.Result r = lua.run("error('the end', 0)");
            assertEquals(1, r.status);
            assertTrue(r.message.startsWith("the end"), r.message);
        }
    }
}
