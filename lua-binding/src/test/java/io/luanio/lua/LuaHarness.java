package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.luanio.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Runs Lua source through the real runner code on a shared loop, capturing what it prints. */
final class LuaHarness implements AutoCloseable {
    final EventLoop loop = EventLoop.start();
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true);
    final PrintStream err = new PrintStream(errBytes, true);
    final ScriptRunner runner = new ScriptRunner(loop, out, err);
    private final Path dir;

    LuaHarness() {
        try {
            dir = Files.createTempDirectory("luanio-lua-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code source} to a file named {@code name} in the temp dir; returns its path. */
    String file(String name, String source) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.write(p, source.getBytes(StandardCharsets.UTF_8));
            return p.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ScriptRunner.Result run(String source, Object... args) {
        return run(new ScriptOptions(), source, args);
    }

    ScriptRunner.Result run(ScriptOptions options, String source, Object... args) {
        String path = file("script" + System.nanoTime() + ".lua", source);
        return runner.run(path, strings(args), options);
    }

    /** Runs and asserts a normal end; returns what the script printed. */
    String ok(String source, Object... args) {
        return ok(new ScriptOptions(), source, args);
    }

    String ok(ScriptOptions options, String source, Object... args) {
        int mark = outBytes.size();
        ScriptRunner.Result r = run(options, source, args);
        assertEquals(0, r.status, "script failed: " + r.message + "\nprinted:\n" + printed(mark));
        return printed(mark);
    }

    String printed(int from) {
        byte[] all = outBytes.toByteArray();
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    static List<String> strings(Object... args) {
        return Arrays.asList(Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
    }

    @Override
    public void close() {
        loop.close();
    }
}
