package io.luanio.lua;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The output of a fleet's instances to one shared stream: whole lines, each written with its
 * instance's prefix ({@code "[17] "}) in one piece, so the lines of a hundred instances
 * interleave but never mix.
 *
 * <p>Every instance prints through the same {@link #printStream()}: the bytes are routed to
 * the line buffer of the instance whose thread writes them ({@link #INSTANCE}, inherited by
 * the coroutine threads a script starts). One print stream for the whole fleet instead of
 * one per instance saves the 24 KiB of buffers each {@link PrintStream} allocates. The
 * companion scripts of a fleet print through one without a prefix, so their lines stay
 * whole too.
 */
final class FleetOutput extends OutputStream {
    /** The instance number of the current thread (set on each instance's script thread). */
    static final InheritableThreadLocal<Integer> INSTANCE = new InheritableThreadLocal<>();

    private final PrintStream target;
    private final byte[][] prefixes;
    private final ByteArrayOutputStream[] lines;
    private final PrintStream printStream = new PrintStream(this, false);

    /**
     * @param target the shared stream
     * @param instances the number of instances
     * @param unnumbered the prefix of lines from threads of no instance (a companion script)
     */
    FleetOutput(PrintStream target, int instances, String unnumbered) {
        this.target = target;
        this.prefixes = new byte[instances + 1][];
        this.lines = new ByteArrayOutputStream[instances + 1];
        prefixes[0] = unnumbered.getBytes(StandardCharsets.UTF_8);
        for (int i = 1; i <= instances; i++) {
            prefixes[i] = ("[" + i + "] ").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** @return the print stream every instance uses */
    PrintStream printStream() {
        return printStream;
    }

    @Override
    public synchronized void write(int b) {
        int n = current();
        line(n).write(b);
        if (b == '\n') {
            emit(n);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int n = current();
        ByteArrayOutputStream line = line(n);
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i + 1 - start);
                emit(n);
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
    }

    /**
     * Writes one line for an instance, from any thread (the runner's own messages).
     *
     * @param instance the instance number
     * @param text the line, without its newline
     */
    synchronized void println(int instance, String text) {
        line(instance).write(text.getBytes(StandardCharsets.UTF_8), 0, text.getBytes(StandardCharsets.UTF_8).length);
        line(instance).write('\n');
        emit(instance);
    }

    /**
     * Writes an instance's unfinished last line, ended with a newline, and frees its buffer.
     *
     * @param instance the instance number
     */
    synchronized void finish(int instance) {
        ByteArrayOutputStream line = lines[instance];
        if (line != null && line.size() > 0) {
            line.write('\n');
            emit(instance);
        }
        lines[instance] = null;
        target.flush();
    }

    private int current() {
        Integer n = INSTANCE.get();
        return n == null || n < 1 || n >= lines.length ? 0 : n;
    }

    private ByteArrayOutputStream line(int n) {
        ByteArrayOutputStream line = lines[n];
        if (line == null) {
            line = lines[n] = new ByteArrayOutputStream(128);
        }
        return line;
    }

    private void emit(int n) {
        ByteArrayOutputStream line = lines[n];
        synchronized (target) {
            target.write(prefixes[n], 0, prefixes[n].length);
            target.write(line.toByteArray(), 0, line.size());
        }
        line.reset();
    }
}
