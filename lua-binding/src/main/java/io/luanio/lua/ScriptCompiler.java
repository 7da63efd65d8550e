package io.luanio.lua;

import io.luanio.lua.luat.Lua51Source;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;

/**
 * The {@link Globals#compiler} of a script: every chunk LuaJ compiles from text (the main
 * script, {@code require}, {@code dofile}, {@code loadfile}, {@code load}) passes here. In
 * LuaTask mode the source is first rewritten to Lua 5.1 meaning ({@link Lua51Source}); with
 * a {@link ChunkCache} the compiled chunk is shared with the runner's other scripts.
 */
final class ScriptCompiler implements Globals.Compiler {
    private final boolean lua51;
    private final ChunkCache cache;

    ScriptCompiler(boolean lua51, ChunkCache cache) {
        this.lua51 = lua51;
        this.cache = cache;
    }

    @Override
    public Prototype compile(InputStream stream, String chunkName) throws IOException {
        String source = new String(readAll(stream), StandardCharsets.ISO_8859_1);
        String text = lua51 ? Lua51Source.translate(source) : source;
        if (cache == null) {
            return compileText(text, chunkName);
        }
        return cache.get(chunkName, text, () -> compileText(text, chunkName));
    }

    private static Prototype compileText(String text, String chunkName) throws IOException {
        return LuaC.instance.compile(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), chunkName);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
