package io.luanio;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Shared measuring for the reliability tests (issue 9): the loop thread's CPU time, the
 * settled heap, thread and descriptor counts, and one report line per figure that surefire
 * keeps in {@code target/surefire-reports/*-output.txt} (grep for {@code [reliability]}).
 */
final class Reliability {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Reliability() {
    }

    /** Prints one report line: {@code [reliability] Test: text}. */
    static void report(String test, String format, Object... args) {
        System.out.println("[reliability] " + test + ": " + String.format(Locale.ROOT, format, args));
    }

    /** The live thread of this name (the loop's, see {@link EventLoopConfig#threadName}), or null. */
    static Thread thread(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && t.isAlive()) {
                return t;
            }
        }
        return null;
    }

    /** CPU time of the named live thread in nanoseconds, or -1 when unknown. */
    static long cpuNanos(String threadName) {
        Thread t = thread(threadName);
        if (t == null || !THREADS.isThreadCpuTimeSupported()) {
            return -1;
        }
        return THREADS.getThreadCpuTime(t.getId());
    }

    /** Live threads of the whole JVM. */
    static int threadCount() {
        return THREADS.getThreadCount();
    }

    /** Waits until the live thread count stops at or below {@code target} (peers' threads end asynchronously). */
    static int settledThreads(int target) throws InterruptedException {
        Peers.eventually(5000, () -> threadCount() <= target);
        return threadCount();
    }

    /** The smallest heap use seen over a few collections. */
    static long settledHeap() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
