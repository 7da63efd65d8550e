package io.luanio.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Settings every benchmark shares: throughput in operations per second, one fork, three
 * warm-up and five measured iterations of two seconds each (about 20 s per benchmark
 * method). The JMH annotations are inherited; a subclass or the command line
 * ({@code -f}, {@code -wi}, {@code -i}, {@code -w}, {@code -r}) overrides them.
 *
 * <p>The defaults are modest on purpose: the numbers are compared side by side within
 * one run, on a shared machine, not published as absolutes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public abstract class BenchmarkBase {
    /** For subclasses. */
    protected BenchmarkBase() {
    }
}
