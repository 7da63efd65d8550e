package io.luanio;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One selector thread that runs every socket of its {@link Context}s.
 *
 * <pre>{@code
 * try (EventLoop loop = EventLoop.start()) {
 *     Context ctx = loop.newContext();
 *     int id = ctx.connect(SocketType.TCP, "127.0.0.1", 7);
 *     ...
 * }
 * }</pre>
 *
 * <h2>Thread contract</h2>
 * <ul>
 * <li>{@link #start}, {@link #newContext}, {@link #close()} and {@link #isClosed()} may be
 *     called from any thread.</li>
 * <li>Each {@link Context} belongs to one thread at a time (see its contract); many
 *     contexts on many threads share one loop.</li>
 * <li>The loop thread alone touches channels, the selector and the timers. It never
 *     blocks except in {@code select}, and is woken only when it sleeps.</li>
 * </ul>
 *
 * <p>{@link #close()} closes every socket (without events), wakes every context blocked
 * in {@code poll} (which then returns {@link Context#CLOSED}) and joins the thread.
 */
public final class EventLoop implements AutoCloseable {
    private final Loop loop;
    private final Thread thread;
    private final ContextConfig contextDefaults;

    private EventLoop(EventLoopConfig config) throws IOException {
        this.loop = new Loop(this, config);
        this.contextDefaults = new ContextConfig(config.contextDefaults());
        this.thread = new Thread(loop, config.threadName);
        this.thread.setDaemon(true);
    }

    /**
     * Starts a loop with the default configuration.
     *
     * @return the running loop
     * @throws UncheckedIOException when no selector can be opened
     */
    public static EventLoop start() {
        return start(new EventLoopConfig());
    }

    /**
     * Starts a loop.
     *
     * @param config its configuration (validated here; later changes do not affect the loop)
     * @return the running loop
     * @throws IllegalArgumentException when the configuration is invalid
     * @throws UncheckedIOException when no selector can be opened
     */
    public static EventLoop start(EventLoopConfig config) {
        config.validate();
        EventLoop eventLoop;
        try {
            eventLoop = new EventLoop(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        eventLoop.thread.start();
        return eventLoop;
    }

    /**
     * Creates a context with the loop's default context settings.
     *
     * @return a new context
     * @throws IllegalStateException when the loop is closed
     */
    public Context newContext() {
        return newContext(contextDefaults);
    }

    /**
     * Creates a context.
     *
     * @param config its settings (validated here, copied)
     * @return a new context
     * @throws IllegalStateException when the loop is closed
     */
    public Context newContext(ContextConfig config) {
        ContextConfig copy = new ContextConfig(config).validate();
        if (isClosed()) {
            throw new IllegalStateException("event loop is closed");
        }
        return loop.registerContext(copy);
    }

    /** @return true once {@link #close()} was called or the loop thread ended */
    public boolean isClosed() {
        return loop.isTerminated() || !thread.isAlive() && thread.getState() != Thread.State.NEW;
    }

    /** @return the name of the loop thread */
    public String threadName() {
        return thread.getName();
    }

    /** The implementation, for tests in this package. */
    Loop internals() {
        return loop;
    }

    /**
     * Runs a task on the loop thread, after every command queued before it (a context's
     * connect, listen, timer start and so on). This is how a context whose events go to
     * a {@link ContextConfig#handlerOnLoop handler on the loop thread} is started: open its
     * first sockets from a task. The task must not block; whatever it throws (but a
     * {@link VirtualMachineError}) goes to the loop's
     * {@link EventLoopConfig#errorHandler error handler}.
     *
     * @param task what to run
     * @return true when queued; false when the loop is closing or closed (the task will
     *     not run)
     */
    public boolean execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        return loop.submit(new Command.Execute(task));
    }

    /** @return true when called on this loop's thread */
    public boolean inLoopThread() {
        return loop.inLoopThread();
    }

    /**
     * Closes every socket, wakes every blocked poller and joins the loop thread (unless
     * called on it). Idempotent.
     */
    @Override
    public void close() {
        loop.requestShutdown();
        if (Thread.currentThread() == thread) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
