package io.luanio.lua;

import io.luanio.EventLoop;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs Lua scripts, each on its own thread with its own {@link Globals} and
 * {@link ScriptHost}, all on one shared {@link EventLoop}.
 */
public final class ScriptRunner {
    private final EventLoop loop;
    private final PrintStream out;
    private final PrintStream err;
    private final ChunkCache chunks = new ChunkCache();

    /** The outcome of one script. */
    public static final class Result {
        /** The exit status: 0 normal end, the {@code os.exit} status, or 1 for an error. */
        public final int status;
        /** The error (with its Lua traceback) or exit reason, or null. */
        public final String message;
        /** Sockets the script opened (connected, listening or accepted). */
        public final long socketsOpened;
        /** Bytes the network took from the script's sockets. */
        public final long bytesSent;
        /** Bytes the script received. */
        public final long bytesReceived;

        Result(int status, String message) {
            this(status, message, null);
        }

        Result(int status, String message, ScriptHost host) {
            this.status = status;
            this.message = message;
            this.socketsOpened = host == null ? 0 : host.socketsOpened();
            this.bytesSent = host == null ? 0 : host.bytesSent();
            this.bytesReceived = host == null ? 0 : host.bytesReceived();
        }

        @Override
        public String toString() {
            return "Result{status=" + status + ", message=" + message + "}";
        }
    }

    /** A script started by {@link #start}. */
    public final class Running {
        private final Thread thread;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile Result result;
        final String name;

        Running(String name, Runnable body) {
            this.name = name;
            this.thread = new Thread(() -> {
                try {
                    body.run();
                } finally {
                    done.countDown();
                }
            }, "luanio-script-" + name);
            this.thread.setDaemon(true);
        }

        /**
         * Waits for the script to end.
         *
         * @return its result
         * @throws InterruptedException when interrupted
         */
        public Result await() throws InterruptedException {
            done.await();
            return result;
        }

        /** @return true once the script has ended */
        public boolean isDone() {
            return done.getCount() == 0;
        }

        /** @return the result once done, else null */
        public Result result() {
            return result;
        }
    }

    /**
     * Creates a runner.
     *
     * @param loop the loop every script shares
     * @param out where {@code print} writes
     * @param err where errors are reported
     */
    public ScriptRunner(EventLoop loop, PrintStream out, PrintStream err) {
        this.loop = loop;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts a script file on its own thread.
     *
     * @param file the script's path
     * @param args its arguments ({@code arg[1..n]} and {@code ...})
     * @param options its options
     * @return the running script
     */
    public Running start(String file, List<String> args, ScriptOptions options) {
        return start(file, args, options, out, err);
    }

    private Running start(String file, List<String> args, ScriptOptions options, PrintStream out, PrintStream err) {
        Running[] holder = new Running[1];
        Running running = new Running(new File(file).getName(), () -> holder[0].result = run(file, args, options, out, err));
        holder[0] = running;
        running.thread.start();
        return running;
    }

    /**
     * Runs a script file on the calling thread.
     *
     * @param file the script's path
     * @param args its arguments
     * @param options its options
     * @return its result
     */
    public Result run(String file, List<String> args, ScriptOptions options) {
        return run(file, args, options, out, err);
    }

    private Result run(String file, List<String> args, ScriptOptions options, PrintStream out, PrintStream err) {
        Globals globals = JsePlatform.debugGlobals();
        globals.STDOUT = out;
        globals.STDERR = err;
        ScriptOptions o = options.name(file).copy();
        o.chunkCache = chunks;
        if (o.luat) {
            // the application's own modules sit next to its main.lua, as in /lua/ on the module
            String dir = new File(file).getAbsoluteFile().getParent();
            o.libraryDirs.add(0, dir == null ? "." : dir);
        }
        ScriptHost host;
        try {
            host = Luanio.install(globals, loop, o);
        } catch (RuntimeException e) {
            return new Result(1, "luanio: cannot start " + file + ": " + e.getMessage());
        }
        Result result = execute(file, args, globals, host);
        return new Result(result.status, result.message, host);
    }

    private static Result execute(String file, List<String> args, Globals globals, ScriptHost host) {
        try {
            LuaTable arg = new LuaTable();
            arg.set(0, file);
            LuaValue[] values = new LuaValue[args.size()];
            for (int i = 0; i < args.size(); i++) {
                values[i] = LuaValue.valueOf(args.get(i));
                arg.set(i + 1, values[i]);
            }
            globals.set("arg", arg);
            LuaValue chunk = globals.loadfile(file);
            if (!chunk.isfunction()) {
                return new Result(1, "luanio: cannot load " + file + ": " + chunk.tojstring());
            }
            Varargs varargs = LuaValue.varargsOf(values);
            chunk.invoke(varargs);
            ScriptExit exit = host.requestedExit();
            return exit == null ? new Result(0, null) : new Result(exit.status(), exit.getMessage());
        } catch (ScriptExit e) {
            return new Result(e.status(), e.getMessage());
        } catch (LuaError e) {
            ScriptExit exit = host.requestedExit();
            if (exit != null) {
                return new Result(exit.status(), exit.getMessage()); // an exit raised inside a coroutine
            }
            return new Result(1, LuaErrors.report(e));
        } catch (StackOverflowError e) {
            return new Result(1, "stack overflow in " + file);
        } catch (RuntimeException e) {
            return new Result(1, "luanio: internal error running " + file + ": " + e);
        } finally {
            host.close();
        }
    }

    /**
     * Runs a main script and its companions ({@code --also}) on the loop; the companions
     * are stopped when the main script ends.
     *
     * @param main the main script's path
     * @param args its arguments
     * @param also companion scripts
     * @param options options for every script
     * @return the exit status: the main script's, or 1 if a companion failed first
     * @throws InterruptedException when interrupted
     */
    public int runAll(String main, List<String> args, List<String> also, ScriptOptions options) throws InterruptedException {
        List<Running> companions = new ArrayList<>();
        for (String file : also) {
            companions.add(start(file, new ArrayList<>(), companion(options)));
        }
        Result result = run(main, args, copy(options));
        int status = result.status;
        report(result);
        for (Running c : companions) {
            if (c.isDone()) {
                report(c.result());
                if (c.result().status != 0 && status == 0) {
                    status = 1;
                }
            }
        }
        return status;
    }

    /**
     * Runs {@code instances} copies of a script at once on the loop (the runner's
     * {@code --instances}), each with its own globals, queue, timers and sockets, and its
     * output lines prefixed with its number ({@code "[17] "}); companions ({@code --also})
     * run once beside them. Ends with a summary on the error stream.
     *
     * @param main the script's path
     * @param args the arguments every instance gets
     * @param instances how many copies, at least 1
     * @param also companion scripts
     * @param options options for every script (each instance gets its number)
     * @return 0 when every instance ended with status 0, else 1
     * @throws InterruptedException when interrupted
     */
    public int runFleet(String main, List<String> args, int instances, List<String> also, ScriptOptions options)
            throws InterruptedException {
        FleetOutput fleetOut = new FleetOutput(out, instances, "[?] ");
        FleetOutput fleetErr = new FleetOutput(err, instances, "[?] ");
        FleetOutput companionOut = new FleetOutput(out, 0, "");
        FleetOutput companionErr = new FleetOutput(err, 0, "");
        List<Running> companions = new ArrayList<>();
        for (String file : also) {
            companions.add(start(file, new ArrayList<>(), companion(options), companionOut.printStream(), companionErr.printStream()));
        }
        long startNanos = System.nanoTime();
        Running[] fleet = new Running[instances];
        for (int i = 0; i < instances; i++) {
            int n = i + 1;
            ScriptOptions o = options.copy();
            o.instance = n;
            Running[] holder = new Running[1];
            holder[0] = new Running(new File(main).getName() + "#" + n, () -> {
                FleetOutput.INSTANCE.set(n); // this thread's and its coroutines' output lines get "[n] "
                holder[0].result = run(main, args, o, fleetOut.printStream(), fleetErr.printStream());
            });
            fleet[i] = holder[0];
        }
        for (Running r : fleet) {
            r.thread.start();
        }
        int failed = 0;
        long sockets = 0;
        long sent = 0;
        long received = 0;
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < instances; i++) {
            int n = i + 1;
            Result r = fleet[i].await();
            if (r == null) {
                r = new Result(1, "luanio: the instance's thread ended abnormally (see the JVM's error output)");
            }
            fleetOut.finish(n);
            if (r.status != 0) {
                failed++;
                if (failed <= 10) {
                    failures.append(failed == 1 ? "" : ", ").append('[').append(n).append("] status ").append(r.status);
                }
                if (r.message != null) {
                    fleetErr.println(n, "luanio: " + r.message);
                }
            }
            fleetErr.finish(n);
            sockets += r.socketsOpened;
            sent += r.bytesSent;
            received += r.bytesReceived;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.flush();
        err.println(String.format(Locale.ROOT, "luanio: %d instances of %s: %d finished, %d failed%s in %.1f s",
            instances, new File(main).getName(), instances - failed, failed,
            failed == 0 ? "" : " (" + failures + (failed > 10 ? ", ..." : "") + ")", seconds));
        int peak = peakThreads();
        err.println(String.format(Locale.ROOT, "luanio: sockets opened %d, bytes sent %d, bytes received %d%s",
            sockets, sent, received, peak < 0 ? "" : ", peak threads " + peak));
        for (Running c : companions) {
            if (c.isDone()) {
                report(c.result());
                if (c.result().status != 0) {
                    failed++;
                }
            }
        }
        err.flush();
        return failed == 0 ? 0 : 1;
    }

    /**
     * The JVM's peak live thread count, or -1 where {@code java.lang.management} is missing
     * (looked up reflectively: the binding needs only {@code java.base}).
     */
    static int peakThreads() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (Integer) Class.forName("java.lang.management.ThreadMXBean").getMethod("getPeakThreadCount").invoke(bean);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private void report(Result result) {
        if (result.message != null && result.status != 0) {
            out.flush();
            err.println("luanio: " + result.message);
            err.flush();
        }
    }

    private static ScriptOptions copy(ScriptOptions o) {
        return o.copy();
    }

    /**
     * A companion ({@code --also}) is a plain script beside the application: LuaTask mode
     * and {@code -L} describe the application, and a helper such as a POC echo server must
     * not get LuaTask's {@code socket.lua} from the application's library folder.
     */
    private static ScriptOptions companion(ScriptOptions o) {
        ScriptOptions c = o.copy();
        c.luat = false;
        c.libraryDirs.clear();
        return c;
    }
}
