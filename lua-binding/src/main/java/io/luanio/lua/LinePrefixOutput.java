package io.luanio.lua;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * One fleet instance's view of a shared output: whole lines, each written to the target
 * with the instance's prefix ({@code "[17] "}) in one piece, so the lines of a hundred
 * instances interleave but never mix. Bytes after the last newline wait until
 * {@link #finish}.
 */
final class LinePrefixOutput extends OutputStream {
    private final PrintStream target;
    private final byte[] prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

    LinePrefixOutput(PrintStream target, String prefix) {
        this.target = target;
        this.prefix = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @return a print stream over this output (what the instance's {@code print} uses) */
    PrintStream printStream() {
        return new PrintStream(this, false);
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
    }

    /** Writes a last unfinished line, ended with a newline. */
    synchronized void finish() {
        if (line.size() > 0) {
            line.write('\n');
            emit();
        }
        target.flush();
    }

    private void emit() {
        synchronized (target) {
            target.write(prefix, 0, prefix.length);
            target.write(line.toByteArray(), 0, line.size());
        }
        line.reset();
    }
}
