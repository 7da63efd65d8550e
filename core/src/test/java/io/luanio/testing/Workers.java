package io.luanio.testing;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the threads of a concurrency stress test and reports the first failure.
 *
 * <p>Stress tests are bounded by a count of operations, not by time; the caller wraps
 * {@link #runAll} in {@code assertTimeoutPreemptively} only as a guard against a hang.
 * Worker loops that wait for the other side call {@link #idle()}, which gives the core
 * away and stops the worker once the test is being abandoned (another worker failed, or
 * the hang guard fired).
 */
public final class Workers {
    /** One worker's body. */
    @FunctionalInterface
    public interface Task {
        /**
         * Runs the worker to completion.
         *
         * @throws Exception any failure, reported by {@link #runAll}
         */
        void run() throws Exception;
    }

    private Workers() {
    }

    /**
     * Runs every task on its own daemon thread and waits for all of them; when one fails,
     * the others are interrupted and the first failure is rethrown.
     *
     * @param name thread name prefix
     * @param tasks the workers
     * @throws Throwable the first failure of any worker
     */
    public static void runAll(String name, Task... tasks) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[tasks.length];
        for (int i = 0; i < tasks.length; i++) {
            Task task = tasks[i];
            threads[i] = new Thread(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    if (failure.compareAndSet(null, t)) {
                        for (Thread other : threads) {
                            if (other != Thread.currentThread()) {
                                other.interrupt();
                            }
                        }
                    }
                }
            }, name + "-" + i);
            threads[i].setDaemon(true);
        }
        for (Thread thread : threads) {
            thread.start();
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            for (Thread thread : threads) {
                thread.interrupt();
            }
            throw e;
        }
        Throwable first = failure.get();
        if (first != null) {
            throw first;
        }
    }

    /**
     * Called by a worker that has to wait for another one: yields the core, and ends the
     * worker with an exception once the test is abandoned.
     */
    public static void idle() {
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("worker abandoned: another worker failed or the test timed out");
        }
        Thread.yield();
    }
}
