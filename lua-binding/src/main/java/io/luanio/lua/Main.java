package io.luanio.lua;

import io.luanio.Context;
import io.luanio.ErrorCode;
import io.luanio.Event;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import io.luanio.SocketType;
import io.luanio.dns.ResolverConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code luanio} command: runs Lua scripts on one event loop (SPEC.md section 5), or
 * the built-in Java echo demo with {@code --demo}.
 */
public final class Main {
    private Main() {
    }

    /**
     * Entry point: {@code java -jar luanio.jar [options] script.lua [args...]}.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs the command line and returns the exit status (what {@link #main} exits with).
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        RunnerOptions options;
        try {
            options = RunnerOptions.parse(args);
        } catch (RunnerOptions.UsageException e) {
            err.println("luanio: " + e.getMessage());
            err.println(RunnerOptions.USAGE);
            return 2;
        }
        if (options.help) {
            out.println(RunnerOptions.USAGE);
            return 0;
        }
        if (options.demo) {
            return demo(out);
        }
        ScriptOptions scriptOptions = new ScriptOptions()
            .verifyTls(options.verifyTls)
            .sendQueueBytes(options.sendQueueBytes)
            .luat(options.luat)
            .coroutineStackBytes(options.coroutineStackBytes);
        if (options.maxSockets != Integer.MAX_VALUE) {
            scriptOptions.maxSockets(options.maxSockets);
        }
        for (String dir : options.libraryDirs) {
            scriptOptions.libraryDir(dir);
        }
        EventLoopConfig loopConfig = new EventLoopConfig();
        if (!options.nameservers.isEmpty()) {
            try {
                loopConfig.resolver(ResolverConfig.system().servers(options.nameservers.toArray(new String[0])));
            } catch (IllegalArgumentException e) {
                err.println("luanio: --nameserver: " + e.getMessage());
                return 2;
            }
        }
        try (EventLoop loop = EventLoop.start(loopConfig)) {
            ScriptRunner runner = new ScriptRunner(loop, out, err);
            if (options.instances > 0) {
                return runner.runFleet(options.script, options.scriptArgs, options.instances, options.also, scriptOptions);
            }
            return runner.runAll(options.script, options.scriptArgs, options.also, scriptOptions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Runs the echo demo; returns the exit status. */
    static int demo(PrintStream out) {
        try (EventLoop loop = EventLoop.start()) {
            Context ctx = loop.newContext();
            int listener = ctx.listen("127.0.0.1", 0, 0);
            Event ev = new Event();
            int client = -1;
            int server = -1;
            int echoed = 0;
            byte[] buf = new byte[4096];
            String[] lines = {"hello", "from", "one", "selector", "thread"};
            while (ctx.next(ev, 5000)) {
                switch (ev.type()) {
                    case EventType.CONN_CNF:
                        if (ev.socket() == listener) {
                            out.println("listening on 127.0.0.1:" + ctx.localPort(listener));
                            client = ctx.connect(SocketType.TCP, "127.0.0.1", ctx.localPort(listener));
                        } else if (ev.socket() == client) {
                            out.println("client connected: socket " + client);
                            for (String line : lines) {
                                ctx.send(client, (line + "\n").getBytes(StandardCharsets.UTF_8));
                            }
                        }
                        break;
                    case EventType.ACCEPT_IND:
                        server = (int) ev.value();
                        out.println("server accepted: socket " + server);
                        break;
                    case EventType.RECV_IND: {
                        int n = ctx.recv(ev.socket(), buf, 0, buf.length);
                        if (ev.socket() == server) {
                            if (ctx.send(server, java.util.Arrays.copyOf(buf, n)) != ErrorCode.ERR_OK) {
                                return 1;
                            }
                        } else {
                            String text = new String(buf, 0, n, StandardCharsets.UTF_8);
                            out.print("client got back: " + text.replace("\n", " | "));
                            out.println();
                            echoed += n;
                            if (echoed == "hello\nfrom\none\nselector\nthread\n".length()) {
                                ctx.close(client);
                            }
                        }
                        break;
                    }
                    case EventType.CLOSE_IND:
                        ctx.close(ev.socket());
                        break;
                    case EventType.CLOSE_CNF:
                        ctx.destroy(ev.socket());
                        if (ev.socket() == server) {
                            ctx.close(listener);
                        } else if (ev.socket() == listener) {
                            out.println("done: " + echoed + " bytes echoed");
                            return 0;
                        }
                        break;
                    default:
                        break;
                }
            }
            out.println("demo timed out");
            return 1;
        }
    }
}
