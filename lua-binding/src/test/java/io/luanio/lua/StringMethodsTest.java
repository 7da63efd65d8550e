package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code s:method()} resolves in the calling script's own {@code string} table, coroutines included. */
class StringMethodsTest {
    @Test
    void eachScriptSeesItsOwnStringMethods() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            List<ScriptRunner.Running> running = new ArrayList<>();
            for (String name : new String[] {"A", "B", "C", "D"}) {
                String file = lua.file("who" + name + ".lua", String.join("\n",
                    "function string.who() return '" + name + "' end",
                    "for i = 1, 2000 do assert(('x'):who() == '" + name + "', 'main thread') end",
                    "rtos.sleep(30)",
                    "coroutine.wrap(function() for i = 1, 200 do assert(('x'):who() == '" + name + "', 'coroutine') end end)()",
                    "print(('%s ok'):format(('x'):who()))"));
                running.add(lua.runner.start(file, new ArrayList<>(), new ScriptOptions()));
            }
            for (ScriptRunner.Running r : running) {
                assertEquals(0, r.await().status, r.result().message);
            }
            String out = lua.printed(0);
            for (String name : new String[] {"A", "B", "C", "D"}) {
                assertEquals(true, out.contains(name + " ok\n"), out);
            }
        }
    }
}
