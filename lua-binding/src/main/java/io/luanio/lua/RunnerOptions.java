package io.luanio.lua;

import java.util.ArrayList;
import java.util.List;

/** The runner's command line (SPEC.md section 5), parsed. */
final class RunnerOptions {
    static final String USAGE = String.join("\n",
        "usage: java -jar luanio.jar [options] script.lua [args...]",
        "",
        "Runs a Lua script with socketcore, rtos and socket installed, on one event loop.",
        "",
        "options:",
        "  --help                 show this help and exit",
        "  --verify-tls           verify chain and host name on every TLS socket, whatever the script says",
        "  --nameserver HOST[:PORT]",
        "                         a DNS server to use instead of /etc/resolv.conf (repeatable)",
        "  --max-sockets N        sockets one script may hold at once (default: unlimited)",
        "  --send-queue BYTES     the per-socket send queue bound (default 1048576)",
        "  --also FILE            run FILE at the same time, on the same loop, as its own plain script",
        "                         (repeatable; --luat and -L describe the main script only)",
        "  --luat                 LuaTask mode: run a Luat application and its LuaTask library files unchanged",
        "                         (Lua 5.1 names, implicit arg, module(), stand-ins for uart/pmd/pio/link/net/ril/sim)",
        "  -L DIR                 put DIR/?.lua in front of package.path (repeatable; the script's own folder",
        "                         comes first in --luat mode); module files win over built-in modules in --luat mode",
        "  --instances N          run N independent copies of the script on the loop, output lines prefixed",
        "                         with [n], and print a summary at the end (a device fleet)",
        "  --coroutine-stack BYTES",
        "                         stack reserved for each coroutine thread (default 262144)",
        "  --demo                 run the built-in Java echo demo instead of a script",
        "",
        "exit status: 0 when the script ends normally (or os.exit(0)); the os.exit status;",
        "1 with the Lua error and traceback on stderr (rtos.restart too); 2 for a usage error.",
        "With --instances: 0 when every instance ends with status 0, else 1.");

    boolean help;
    boolean demo;
    boolean verifyTls;
    final List<String> nameservers = new ArrayList<>();
    int maxSockets = Integer.MAX_VALUE;
    int sendQueueBytes = 1024 * 1024;
    final List<String> also = new ArrayList<>();
    boolean luat;
    final List<String> libraryDirs = new ArrayList<>();
    int instances;
    long coroutineStackBytes = ScriptOptions.DEFAULT_COROUTINE_STACK_BYTES;
    String script;
    final List<String> scriptArgs = new ArrayList<>();

    /** A command line the runner cannot use; its message is shown with the usage. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static RunnerOptions parse(String[] argv) throws UsageException {
        RunnerOptions o = new RunnerOptions();
        int i = 0;
        while (i < argv.length) {
            String a = argv[i];
            if (!a.startsWith("-") || "-".equals(a)) {
                break;
            }
            i++;
            switch (a) {
                case "--help":
                case "-h":
                    o.help = true;
                    return o;
                case "--demo":
                    o.demo = true;
                    break;
                case "--verify-tls":
                    o.verifyTls = true;
                    break;
                case "--nameserver":
                    o.nameservers.add(value(argv, i++, a));
                    break;
                case "--max-sockets":
                    o.maxSockets = positive(value(argv, i++, a), a);
                    break;
                case "--send-queue":
                    o.sendQueueBytes = positive(value(argv, i++, a), a);
                    break;
                case "--also":
                    o.also.add(value(argv, i++, a));
                    break;
                case "--luat":
                    o.luat = true;
                    break;
                case "-L":
                    o.libraryDirs.add(value(argv, i++, a));
                    break;
                case "--instances":
                    o.instances = positive(value(argv, i++, a), a);
                    break;
                case "--coroutine-stack":
                    o.coroutineStackBytes = positive(value(argv, i++, a), a);
                    if (o.coroutineStackBytes < 65536) {
                        throw new UsageException(a + " needs at least 65536: " + o.coroutineStackBytes);
                    }
                    break;
                case "--":
                    if (i < argv.length) {
                        o.script = argv[i++];
                    }
                    while (i < argv.length) {
                        o.scriptArgs.add(argv[i++]);
                    }
                    return o.check();
                default:
                    throw new UsageException("unknown option: " + a);
            }
        }
        if (i < argv.length) {
            o.script = argv[i++];
            while (i < argv.length) {
                o.scriptArgs.add(argv[i++]);
            }
        }
        return o.check();
    }

    private RunnerOptions check() throws UsageException {
        if (!help && !demo && script == null) {
            throw new UsageException("no script given");
        }
        return this;
    }

    private static String value(String[] argv, int i, String option) throws UsageException {
        if (i >= argv.length) {
            throw new UsageException(option + " needs a value");
        }
        return argv[i];
    }

    private static int positive(String text, String option) throws UsageException {
        try {
            int n = Integer.parseInt(text);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a positive integer: " + text);
        }
    }
}
