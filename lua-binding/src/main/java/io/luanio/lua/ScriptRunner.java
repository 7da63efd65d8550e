package io.luanio.lua;

import io.luanio.EventLoop;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
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

    /** The outcome of one script. */
    public static final class Result {
        /** The exit status: 0 normal end, the {@code os.exit} status, or 1 for an error. */
        public final int status;
        /** The error (with its Lua traceback) or exit reason, or null. */
        public final String message;

        Result(int status, String message) {
            this.status = status;
            this.message = message;
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
        Running[] holder = new Running[1];
        Running running = new Running(new File(file).getName(), () -> holder[0].result = run(file, args, options));
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
        Globals globals = JsePlatform.debugGlobals();
        globals.STDOUT = out;
        globals.STDERR = err;
        ScriptHost host;
        try {
            host = Luanio.install(globals, loop, options.name(file));
        } catch (RuntimeException e) {
            return new Result(1, "luanio: cannot start " + file + ": " + e.getMessage());
        }
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
            companions.add(start(file, new ArrayList<>(), copy(options)));
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

    private void report(Result result) {
        if (result.message != null && result.status != 0) {
            out.flush();
            err.println("luanio: " + result.message);
            err.flush();
        }
    }

    private static ScriptOptions copy(ScriptOptions o) {
        ScriptOptions c = new ScriptOptions().verifyTls(o.verifyTls).sendQueueBytes(o.sendQueueBytes);
        if (o.maxSockets != Integer.MAX_VALUE) {
            c.maxSockets(o.maxSockets);
        }
        return c;
    }
}
