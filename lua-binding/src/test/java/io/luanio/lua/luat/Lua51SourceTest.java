package io.luanio.lua.luat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The Lua 5.1 source rewrites: implicit {@code arg}, {@code module}; nothing else moves. */
class Lua51SourceTest {
    static final String CAPTURE = Lua51Source.CAPTURE;
    static final String ARG = Lua51Source.ARG;
    static final String MODULE = Lua51Source.MODULE;

    private static String t(String source) {
        return Lua51Source.translate(source);
    }

    @Test
    void aVarargFunctionThatNeverUsesDotsGetsArgRightAfterItsParameterList() {
        assertEquals(CAPTURE + "function f(a, ...)" + ARG + " return arg.n end", t("function f(a, ...) return arg.n end"));
    }

    @Test
    void aFunctionThatUsesDotsIsLeftAlone() {
        String src = "local f = function(...) return ... end\nfunction g(...) local t = {...} end";
        assertSame(src, t(src));
    }

    @Test
    void methodsDottedNamesLocalAndAnonymousFunctions() {
        assertEquals(CAPTURE + "function a:b(...)" + ARG + " end", t("function a:b(...) end"));
        assertEquals(CAPTURE + "function a.b.c(x, ...)" + ARG + " end", t("function a.b.c(x, ...) end"));
        assertEquals(CAPTURE + "local function f(...)" + ARG + " end", t("local function f(...) end"));
        assertEquals(CAPTURE + "x = function(...)" + ARG + " end", t("x = function(...) end"));
        assertSame("function f(a, b) return a end", t("function f(a, b) return a end"));
    }

    @Test
    void onlyTheFunctionsOwnBodyCounts() {
        // the outer never uses '...' itself (the inner's parameter list and body are the inner's)
        String src = "function outer(...)\n  local inner = function(...) return ... end\n  return arg[1]\nend";
        String expected = CAPTURE + "function outer(...)" + ARG + "\n  local inner = function(...) return ... end\n  return arg[1]\nend";
        assertEquals(expected, t(src));
        // the inner never uses '...', the outer does
        String src2 = "function outer(...)\n  local inner = function(...) return arg end\n  return ...\nend";
        String expected2 = CAPTURE + "function outer(...)\n  local inner = function(...)" + ARG + " return arg end\n  return ...\nend";
        assertEquals(expected2, t(src2));
    }

    @Test
    void blocksInsideAFunctionDoNotEndIt() {
        String src = "function f(...)\n if a then for i = 1, 2 do while x do end end elseif b then else end\n repeat do end until y\n return arg\nend\nfunction g(...) return ... end";
        String out = t(src);
        assertTrue(out.startsWith(CAPTURE + "function f(...)" + ARG + "\n"), out);
        assertTrue(out.endsWith("function g(...) return ... end"), out);
    }

    @Test
    void theMainChunksDotsNeedNothing() {
        String src = "local a, b = ...\nprint(...)";
        assertSame(src, t(src));
    }

    @Test
    void stringsAndCommentsAreNotCode() {
        String src = String.join("\n",
            "local s = \"function(...) end ... module(\"",
            "local q = 'it''s \\' ... end'",
            "local l = [[ function f(...) ]]",
            "local m = [==[ ]] end ... ]=] ]==]",
            "-- module(...) function(...)",
            "--[[ function f(...)",
            "end ]]",
            "--[=[ ]] end ]=]",
            "local e = \"esc \\\" end ... \\\\\"",
            "local c = a .. b .. 1e-5 .. 0x1p4",
            "function f(...) return ... end");
        assertSame(src, t(src));
    }

    @Test
    void moduleAsATopLevelStatementBecomesTheEnvironment() {
        assertEquals(MODULE + "module(..., package.seeall)\nx = 1", t("module(..., package.seeall)\nx = 1"));
        assertEquals("require \"log\"\n" + MODULE + "module \"a.b\"", t("require \"log\"\nmodule \"a.b\""));
        assertEquals("local x = 1; " + MODULE + "module(...)", t("local x = 1; module(...)"));
    }

    @Test
    void moduleAnywhereElseIsLeftAlone() {
        for (String src : new String[] {
            "local m = module(...)",
            "return module(...)",
            "foo.module(...)",
            "a:module(...)",
            "f(module(...))",
            "function f() module(...) end",
            "if x then module(...) end",
            "do module(...) end",
            "local module = 1",
        }) {
            assertSame(src, t(src), src);
        }
    }

    @Test
    void lineNumbersAndTheShebangLineStay() {
        String src = "#!/usr/bin/lua\nmodule(..., package.seeall)\nfunction f(...)\n  return arg.n\nend\nerror('boom')";
        String out = t(src);
        assertEquals(src.split("\n", -1).length, out.split("\n", -1).length);
        assertTrue(out.startsWith("#!/usr/bin/lua\n" + CAPTURE + MODULE + "module(..., package.seeall)\nfunction f(...)" + ARG + "\n"), out);
    }

    @Test
    void sourceItCannotFollowIsReturnedUnchanged() {
        for (String src : new String[] {"function f(...) ", "end function f(...) end", "x = \"unfinished", "--[[ never closed", "function (...) end end"}) {
            assertSame(src, t(src), src);
        }
    }

    @Test
    void theRewrittenSourceRunsWithLua51Meaning() {
        Globals g = JsePlatform.standardGlobals();
        String src = String.join("\n",
            "local function count(...) return arg.n, arg[1], arg[3] end",
            "local t = {}",
            "function t:m(...) return self == t, arg.n end",
            "local n, a, c = count('x', nil, 'z', nil)",
            "local same, m = t:m(1, 2)",
            "return n, a, c, same, m");
        Varargs r = g.load(t(src), "=test").invoke();
        assertEquals(4, r.toint(1));
        assertEquals("x", r.tojstring(2));
        assertEquals("z", r.tojstring(3));
        assertEquals(LuaValue.TRUE, r.arg(4));
        assertEquals(2, r.toint(5));
    }

    @Test
    void argWorksInsideAModuleWithoutSeeall() {
        Globals g = JsePlatform.standardGlobals();
        g.set("module", new LuaValue() {
            @Override
            public int type() {
                return TFUNCTION;
            }

            @Override
            public String typename() {
                return "function";
            }

            @Override
            public LuaValue call(LuaValue name) {
                return new org.luaj.vm2.LuaTable();
            }
        });
        // no seeall: the function body sees no globals, yet 'arg' still works
        String src = "module('m')\nfunction f(...) return arg.n end\nreturn f";
        LuaValue f = g.load(t(src), "=m").call();
        assertEquals(3, f.call(LuaValue.ONE, LuaValue.NIL, LuaValue.NIL).toint());
    }
}
