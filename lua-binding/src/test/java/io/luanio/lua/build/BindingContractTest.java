package io.luanio.lua.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Paths;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/** The binding, like core, runs on small JVMs: java.base only (LuaJ and core aside). */
class BindingContractTest {
    @Test
    void theBindingNeedsOnlyJavaBase() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps missing"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "--ignore-missing-deps",
            "--print-module-deps", Paths.get("target", "classes").toString());
        assertEquals(0, status, err.toString());
        assertEquals("java.base", out.toString().trim());
    }
}
