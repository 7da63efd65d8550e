package io.luanio.lua;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.OrphanedThread;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code coroutine} library, replacing LuaJ's for one script.
 *
 * <p>LuaJ 3.0.1 runs every coroutine on a Java thread it creates itself
 * ({@code new Thread(state, "Coroutine-N")} in {@code LuaThread.State.lua_resume}): no
 * stack size, no name, no hook to supply the thread, and a coroutine left suspended keeps
 * its thread until the garbage collector clears it and a 5-second check notices. A LuaTask
 * application runs a coroutine per task, so a fleet of them is mostly coroutine threads.
 * This library keeps LuaJ's model (a coroutine is a {@link LuaThread}, one Java thread each,
 * exactly one of a script's threads runs at a time) and changes what LuaJ cannot be told:
 * <ul>
 *   <li>threads are created with {@link ScriptOptions#coroutineStackBytes} of stack
 *       (256 KiB unless set; the JVM default is 1 MiB) and named after the script;</li>
 *   <li>when the script ends, every coroutine still suspended is unwound and its thread
 *       ends ({@link #close}); a suspended coroutine that Lua can no longer reach is
 *       unwound within {@link #ORPHAN_CHECK_MS} of being collected, as in LuaJ;</li>
 *   <li>{@code resume} returns C Lua's error values ({@link LuaErrors#value}) instead of
 *       LuaJ's message-with-traceback, and an exit requested inside a coroutine
 *       ({@code os.exit}, {@code rtos.restart}) propagates through {@code resume} to the
 *       script.</li>
 * </ul>
 * {@code globals.running} is kept as LuaJ keeps it, so the debug library (tracebacks,
 * hooks) sees each coroutine's own call stack.
 */
final class Coroutines {
    /** How often a suspended coroutine checks whether Lua can still reach it. */
    static final long ORPHAN_CHECK_MS = 10_000;

    static final int INITIAL = 0;
    static final int SUSPENDED = 1;
    static final int RUNNING = 2;
    static final int NORMAL = 3;
    static final int DEAD = 4;
    private static final String[] STATUS = {"suspended", "suspended", "running", "normal", "dead"};

    private final Globals globals;
    private final long stackBytes;
    private final String threadName;
    private final boolean lua51;
    private final Set<Carrier> live = ConcurrentHashMap.newKeySet();
    private int created;
    private volatile boolean closed;

    private Coroutines(Globals globals, ScriptOptions options) {
        this.globals = globals;
        this.stackBytes = options.coroutineStackBytes();
        this.threadName = "luanio-co-" + options.name() + (options.instance() > 0 ? "#" + options.instance() : "") + "-";
        this.lua51 = options.luat();
    }

    /**
     * Installs {@code coroutine} (global and {@code package.loaded}) for a script; the host
     * unwinds what is left when it closes.
     *
     * @param globals the script's globals
     * @param host the script's host
     */
    static void install(Globals globals, ScriptHost host) {
        Coroutines c = new Coroutines(globals, host.options());
        LuaTable t = new LuaTable();
        t.set("create", c.new create());
        t.set("resume", c.new resume());
        t.set("yield", c.new yield_());
        t.set("status", new status());
        t.set("running", c.new running());
        t.set("wrap", c.new wrap());
        globals.set("coroutine", t);
        LuaValue loaded = globals.get("package").get("loaded");
        if (loaded.istable()) {
            loaded.set("coroutine", t);
        }
        host.onClose(c::close);
    }

    /** @return the number of coroutines whose thread is alive (started, not yet ended) */
    int liveThreads() {
        return live.size();
    }

    /** Unwinds every suspended coroutine and waits briefly for their threads to end. */
    void close() {
        closed = true;
        List<Thread> threads = new ArrayList<>();
        for (Carrier c : live) {
            Thread t = c.kill();
            if (t != null) {
                threads.add(t);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private Thread newThread(Carrier carrier) {
        Thread t = new Thread(null, carrier, threadName + (++created), stackBytes);
        t.setDaemon(true);
        return t;
    }

    private static Carrier carrierOf(LuaThread thread) {
        return thread instanceof Coroutine ? ((Coroutine) thread).carrier : null;
    }

    private static void markStatus(LuaThread thread, int status) {
        Carrier c = carrierOf(thread);
        if (c != null) {
            c.setStatus(status);
        } else if (thread != null) {
            thread.state.status = status == NORMAL ? LuaThread.STATUS_NORMAL : LuaThread.STATUS_RUNNING;
        }
    }

    /** A coroutine: a {@link LuaThread} whose Java thread this library runs. */
    static final class Coroutine extends LuaThread {
        final Carrier carrier;

        Coroutine(Coroutines owner, LuaValue function) {
            super(owner.globals, function);
            carrier = new Carrier(owner, this, function);
        }

        @Override
        public String getStatus() {
            return carrier.statusName();
        }

        @Override
        public Varargs resume(Varargs args) {
            return carrier.resume(this, args);
        }
    }

    /**
     * The Java side of one coroutine: its thread, and the hand-over between the thread that
     * resumes and the coroutine's own (one runs while the other waits on this monitor).
     */
    static final class Carrier implements Runnable {
        private final Coroutines owner;
        private final WeakReference<Coroutine> coroutine;
        private final LuaValue function;
        // guarded by this
        private int status = INITIAL;
        private boolean coroutineTurn;
        private boolean killed;
        private Varargs transfer = LuaValue.NONE;
        private Throwable failure;
        private Thread thread;

        Carrier(Coroutines owner, Coroutine coroutine, LuaValue function) {
            this.owner = owner;
            this.coroutine = new WeakReference<>(coroutine);
            this.function = function;
        }

        synchronized String statusName() {
            return STATUS[status];
        }

        synchronized void setStatus(int status) {
            if (this.status != DEAD) {
                this.status = status;
            }
        }

        /** Runs the coroutine until it yields or ends; on the resuming thread. */
        Varargs resume(Coroutine self, Varargs args) {
            Globals g = owner.globals;
            synchronized (this) {
                if (status == DEAD) {
                    return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("cannot resume dead coroutine"));
                }
                if (status != INITIAL && status != SUSPENDED) {
                    return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("cannot resume non-suspended coroutine"));
                }
                if (owner.closed) {
                    return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("cannot resume coroutine: the script has ended"));
                }
            }
            LuaThread previous = g.running;
            markStatus(previous, NORMAL);
            g.running = self;
            Varargs result;
            Throwable failed;
            try {
                synchronized (this) {
                    transfer = args;
                    failure = null;
                    status = RUNNING;
                    coroutineTurn = true;
                    if (thread == null) {
                        if (!start()) {
                            return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("cannot start coroutine: no thread available"));
                        }
                    } else {
                        notifyAll();
                    }
                    awaitTurnBack();
                    result = transfer;
                    failed = failure;
                    transfer = LuaValue.NONE;
                    failure = null;
                }
            } finally {
                g.running = previous;
                markStatus(previous, RUNNING);
            }
            if (failed == null) {
                return LuaValue.varargsOf(LuaValue.TRUE, result);
            }
            return LuaValue.varargsOf(LuaValue.FALSE, errorValue(failed));
        }

        /** Starts the thread; false (coroutine dead) when the JVM has none to give. */
        private boolean start() {
            Thread t = owner.newThread(this);
            try {
                t.start();
            } catch (OutOfMemoryError e) {
                status = DEAD;
                coroutineTurn = false;
                return false;
            }
            thread = t;
            owner.live.add(this);
            return true;
        }

        /** Waits (holding this monitor) until the coroutine yields or ends; not interruptible. */
        private void awaitTurnBack() {
            boolean interrupted = false;
            while (coroutineTurn) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the coroutine is running Lua: it cannot be abandoned midway
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** The coroutine's thread. */
        @Override
        public void run() {
            Varargs args;
            synchronized (this) {
                args = transfer;
                transfer = LuaValue.NONE;
            }
            Varargs result = LuaValue.NONE;
            Throwable failed = null;
            try {
                result = function.invoke(args);
            } catch (OrphanedThread e) {
                failed = null; // unwound by close() or collection: nobody waits for a result
            } catch (Throwable e) {
                failed = e;
            } finally {
                synchronized (this) {
                    status = DEAD;
                    transfer = result;
                    failure = failed;
                    coroutineTurn = false;
                    notifyAll();
                }
                owner.live.remove(this);
            }
        }

        /** Suspends the running coroutine; on its own thread. */
        synchronized Varargs yield(Varargs values) {
            transfer = values;
            status = SUSPENDED;
            coroutineTurn = false;
            notifyAll();
            try {
                while (!coroutineTurn) {
                    if (killed) {
                        throw new OrphanedThread();
                    }
                    wait(ORPHAN_CHECK_MS);
                    if (!coroutineTurn && coroutine.get() == null) {
                        killed = true; // Lua can never resume it: end the thread
                    }
                }
            } catch (InterruptedException e) {
                killed = true;
                throw new OrphanedThread();
            }
            Varargs args = transfer;
            transfer = LuaValue.NONE;
            return args;
        }

        /** Marks the coroutine for unwinding; returns its thread when it has one. */
        synchronized Thread kill() {
            if (status == SUSPENDED) {
                killed = true;
                notifyAll();
            }
            return thread;
        }
    }

    /** What {@code resume} returns for a coroutine that failed; rethrows what must end the script. */
    private static LuaValue errorValue(Throwable failed) {
        if (failed instanceof LuaError) {
            return LuaErrors.value((LuaError) failed);
        }
        if (failed instanceof StackOverflowError) {
            return LuaValue.valueOf("stack overflow");
        }
        if (failed instanceof Error) {
            throw (Error) failed; // ScriptExit (os.exit, rtos.restart) and real JVM errors
        }
        String message = failed.getMessage();
        return LuaValue.valueOf(message != null ? message : failed.toString());
    }

    /** {@code coroutine.create(f)}. */
    final class create extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return new Coroutine(Coroutines.this, args.checkfunction(1));
        }
    }

    /** {@code coroutine.resume(co, ...)}. */
    final class resume extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return args.checkthread(1).resume(args.subargs(2));
        }
    }

    /** {@code coroutine.yield(...)} ({@code yield} is a restricted name since Java 14). */
    final class yield_ extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            Carrier c = carrierOf(globals.running);
            if (c == null || c.owner != Coroutines.this) {
                throw new LuaError("attempt to yield from outside a coroutine");
            }
            return c.yield(args);
        }
    }

    /** {@code coroutine.status(co)}. */
    static final class status extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return LuaValue.valueOf(args.checkthread(1).getStatus());
        }
    }

    /** {@code coroutine.running()}: Lua 5.2's {@code co, ismain}; with {@code --luat}, 5.1's {@code co} or nil. */
    final class running extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaThread r = globals.running;
            boolean main = r == null || r.isMainThread();
            if (lua51) {
                return main ? LuaValue.NIL : r;
            }
            return LuaValue.varargsOf(r == null ? LuaValue.NIL : r, LuaValue.valueOf(main));
        }
    }

    /**
     * The error a wrapped coroutine raises again: Lua 5.2 puts the caller's position in
     * front of a string (LuaJ's level 1), Lua 5.1 passes the value on as it is.
     */
    static final class WrappedError extends LuaError {
        private static final long serialVersionUID = 1L;

        WrappedError(LuaValue value, boolean lua51) {
            super(value);
            if (lua51) {
                level = 0;
            }
        }
    }

    /** {@code coroutine.wrap(f)}: a function that resumes, raising the coroutine's errors. */
    final class wrap extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            final Coroutine co = new Coroutine(Coroutines.this, args.checkfunction(1));
            return new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs a) {
                    Varargs r = co.resume(a);
                    if (r.arg1().toboolean()) {
                        return r.subargs(2);
                    }
                    throw new WrappedError(r.arg(2), lua51);
                }
            };
        }
    }
}
