package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.dns.ResolverConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Bad input from scripts: random argument types, values, ids (another script's included)
 * and call orders against socketcore, rtos and socket. Only the documented Lua errors
 * ({@code bad argument #n to 'f' (...)}) may reach the script; the loop keeps serving
 * another script's echo throughout, and that script's sockets are never touched.
 */
class ScriptFuzzTest {
    private static final Pattern BAD_ARGUMENT = Pattern.compile("^bad argument #\\d+ to '\\w+' \\(.+\\)$");

    @Test
    void fiveThousandRandomCalls() throws Exception {
        fuzz(5_000, 20260101L);
    }

    @Tag("long")
    @Test
    void hundredThousandRandomCalls() throws Exception {
        fuzz(100_000, System.nanoTime());
    }

    private void fuzz(int calls, long seed) throws Exception {
        List<Throwable> loopErrors = new CopyOnWriteArrayList<>();
        try (DatagramSocket silentDns = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TestPeers.Server echo = TestPeers.echo()) {
            // Names go to a loopback server that never answers: nothing leaves the machine.
            ResolverConfig dns = new ResolverConfig().servers("127.0.0.1:" + silentDns.getLocalPort())
                .timeoutMs(10).attempts(1); // a lookup waits its timeout: keep it short
            EventLoop loop = EventLoop.start(new EventLoopConfig().resolver(dns).errorHandler(loopErrors::add));
            try {
                ByteArrayOutputStream victimOut = new ByteArrayOutputStream();
                ScriptRunner runner = new ScriptRunner(loop, new PrintStream(victimOut, true), new PrintStream(victimOut, true));
                TestKitModule.FLAGS.put("stop", false);
                String victimFile = java.nio.file.Files.createTempFile("victim", ".lua").toString();
                java.nio.file.Files.write(java.nio.file.Paths.get(victimFile), VICTIM.getBytes());
                ScriptRunner.Running victim = runner.start(victimFile, LuaHarness.strings(echo.port()), new ScriptOptions());
                List<Integer> victimIds = waitForIds(victimOut);

                Globals globals = JsePlatform.standardGlobals();
                ScriptHost host = Luanio.install(globals, loop, new ScriptOptions().maxSockets(64));
                Fuzzer fuzzer = new Fuzzer(globals, host, new Random(seed), echo.port(), victimIds);
                List<String> violations = new ArrayList<>();
                for (int i = 0; i < calls && violations.size() < 5; i++) {
                    String failure = fuzzer.oneCall();
                    if (failure != null) {
                        violations.add("call " + i + " (seed " + seed + "): " + failure);
                    }
                }
                host.close();
                System.out.printf("ScriptFuzzTest: %d calls, %d returned values, %d bad-argument errors, %d objects%n",
                    calls, fuzzer.returned, fuzzer.badArguments, fuzzer.objects.size());
                TestKitModule.FLAGS.put("stop", true);
                ScriptRunner.Result result = victim.await();
                assertTrue(violations.isEmpty(), String.join("\n", violations));
                assertEquals(0, result.status, "the other script: " + result.message + "\n" + victimOut);
                String out = victimOut.toString();
                int rounds = Integer.parseInt(out.substring(out.lastIndexOf("ROUNDS ") + 7).trim());
                assertTrue(rounds > 0, "the other script's echo kept going: " + rounds + " rounds");
                System.out.printf("ScriptFuzzTest: the other script did %d echo rounds meanwhile%n", rounds);
                assertTrue(loopErrors.isEmpty(), "the loop reported: " + loopErrors);
            } finally {
                loop.close();
            }
        }
    }

    private static List<Integer> waitForIds(ByteArrayOutputStream out) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            String s = out.toString();
            int at = s.indexOf("IDS ");
            if (at >= 0 && s.indexOf('\n', at) > 0) {
                List<Integer> ids = new ArrayList<>();
                for (String part : s.substring(at + 4, s.indexOf('\n', at)).trim().split(" ")) {
                    ids.add(Integer.parseInt(part));
                }
                return ids;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the other script did not start: " + out);
    }

    /** Another script: three sockets, echo rounds until told to stop, every byte checked. */
    static final String VICTIM = LuaPrelude.SOURCE + String.join("\n",
        "local port = tonumber(...)",
        "local ids = {}",
        "for i = 1, 3 do ids[i] = connect(0, '127.0.0.1', port) end",
        "print('IDS ' .. table.concat(ids, ' '))",
        "local rounds = 0",
        "while not testkit.flag('stop') do",
        "  for i, id in ipairs(ids) do",
        "    local text = ('round %d on %d'):format(rounds, id)",
        "    local r, e = socketcore.sock_send(id, text)",
        "    assert(r == 1, 'send refused on my own socket: ' .. tostring(e))",
        "    assert(read_exactly(id, #text) == text, 'my bytes came back changed')",
        "  end",
        "  rounds = rounds + 1",
        "end",
        "for _, id in ipairs(ids) do close_destroy(id) end",
        "print('ROUNDS ' .. rounds)");

    /** Picks a function and random arguments, calls it, judges what came out. */
    static final class Fuzzer {
        private final Random random;
        private final List<LuaValue> values = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<LuaValue> functions = new ArrayList<>();
        private final List<LuaValue> objects = new ArrayList<>();
        private final LuaTable socketModule;
        private final LuaTable options = new LuaTable();
        int returned;
        int badArguments;

        Fuzzer(Globals globals, ScriptHost host, Random random, int echoPort, List<Integer> foreignIds) {
            this.random = random;
            LuaValue socketcore = globals.get("socketcore");
            LuaValue rtos = globals.get("rtos");
            socketModule = globals.get("require").call("socket").checktable();
            for (String f : new String[] {"sock_conn", "sock_conn_ext", "sock_send", "sock_recv", "sock_close",
                "sock_destroy", "sock_setopt", "sock_getremainbuf"}) {
                add("socketcore." + f, socketcore.get(f));
            }
            for (String f : new String[] {"receive", "recv", "timer_start", "timer_stop", "tick", "sleep", "get_version",
                "poweron_reason", "poweron"}) {
                add("rtos." + f, rtos.get(f));
            }
            for (String f : new String[] {"new", "lookup", "listen"}) {
                add("socket." + f, socketModule.get(f));
            }
            LuaValue probe = socketModule.get("new").call();
            LuaTable methods = probe.getmetatable().get("__index").checktable();
            for (String f : new String[] {"timeout", "servername", "connect", "send", "recv", "close"}) {
                add("sock:" + f, methods.get(f));
            }
            objects.add(probe);
            double[] numbers = {0, 1, -1, 2, 3, 4, 5, 0.5, -0.5, 31, 34, 65535, 65536, 1e10, -1e10, Double.NaN,
                Double.POSITIVE_INFINITY, 0x7fffffff, 0x20000001, 4294967295.0, echoPort, 0xfff, 6, 8};
            for (double n : numbers) {
                values.add(LuaValue.valueOf(n));
            }
            for (int id : foreignIds) {
                values.add(LuaValue.valueOf(id)); // another script's sockets
                values.add(LuaValue.valueOf(id));
            }
            for (String s : new String[] {"", "0", "80", String.valueOf(echoPort), "abc", "127.0.0.1", "::1", "localhost",
                "no.such.name.test", "tcp", "udp", "TCP", "x\u0000y", "1.2.3.4.5", "[::1]"}) {
                values.add(LuaValue.valueOf(s));
            }
            values.add(LuaValue.valueOf(new String(new char[300]).replace('\0', 'a')));
            values.add(LuaValue.valueOf(new byte[] {0, 1, (byte) 255}));
            values.add(LuaValue.NIL);
            values.add(LuaValue.TRUE);
            values.add(LuaValue.FALSE);
            values.add(new LuaTable());
            LuaTable cert = new LuaTable();
            cert.set("hostName", "x");
            cert.set("caCert", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
            values.add(cert);
            options.set("timeout", 0.01);
            options.set("tls", LuaValue.TRUE);
            options.set("alpn", new LuaTable());
            values.add(options);
            values.add(socketcore.get("sock_send")); // a function
            values.add(socketModule);
        }

        private void add(String name, LuaValue f) {
            names.add(name);
            functions.add(f);
        }

        /** @return a violation, or null */
        String oneCall() {
            int which = random.nextInt(functions.size());
            String name = names.get(which);
            LuaValue f = functions.get(which);
            int n = random.nextInt(7);
            LuaValue[] args = new LuaValue[n + 1];
            for (int i = 0; i < args.length; i++) {
                args[i] = pick();
            }
            if (name.startsWith("sock:") && random.nextInt(4) > 0) {
                args[0] = objects.get(random.nextInt(objects.size())); // mostly a real self
            }
            if (name.equals("socket.new") && random.nextBoolean()) {
                args[0] = random.nextBoolean() ? LuaValue.NIL : options; // often valid options
            }
            bound(name, args);
            Varargs result;
            try {
                result = f.invoke(LuaValue.varargsOf(args));
            } catch (LuaError e) {
                String message = LuaErrors.value(e).tojstring();
                if (BAD_ARGUMENT.matcher(message).matches()) {
                    badArguments++;
                    return null;
                }
                return name + describe(args) + " raised " + message;
            } catch (Throwable t) {
                return name + describe(args) + " threw " + t;
            }
            returned++;
            remember(result);
            return null;
        }

        /** Keeps waits short: only timeouts are bounded, the types stay random. */
        private void bound(String name, LuaValue[] args) {
            int timeoutArg = name.equals("rtos.receive") || name.equals("rtos.recv") || name.equals("rtos.sleep") ? 0
                : name.equals("sock:timeout") ? 1 : -1;
            if (timeoutArg >= 0 && args.length > timeoutArg && args[timeoutArg].isnumber()) {
                double v = args[timeoutArg].todouble();
                if (!(v >= 0 && v <= 20)) {
                    args[timeoutArg] = LuaValue.valueOf(random.nextInt(20) / (name.startsWith("sock") ? 1000.0 : 1.0));
                }
            }
            if ((name.equals("rtos.receive") || name.equals("rtos.recv")) && (args.length == 0 || args[0].isnil())) {
                args = args.length == 0 ? new LuaValue[] {LuaValue.ZERO} : args;
                args[0] = LuaValue.ZERO; // no argument waits forever: not here
            }
            if (name.equals("sock:connect") || name.equals("sock:recv") || name.equals("sock:send")) {
                LuaValue self = args[0];
                Object o = self.isuserdata() ? self.touserdata() : null;
                if (o != null) {
                    socketModule.get("new"); // keep the reference alive
                    self.get("timeout").call(self, LuaValue.valueOf(0.02));
                }
            }
        }

        private LuaValue pick() {
            if (random.nextInt(5) == 0 && !objects.isEmpty()) {
                return objects.get(random.nextInt(objects.size()));
            }
            if (random.nextInt(6) == 0) {
                return LuaValue.valueOf(random.nextInt(200) - 20);
            }
            return values.get(random.nextInt(values.size()));
        }

        private void remember(Varargs result) {
            LuaValue first = result.arg1();
            if (first.isuserdata() && objects.size() < 64) {
                objects.add(first);
            } else if (first.isinttype() && values.size() < 400) {
                values.add(first); // ids our own calls returned
            }
        }

        private static String describe(LuaValue[] args) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < args.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(args[i].isstring() ? "'" + args[i].tojstring() + "'" : args[i].tojstring());
            }
            return sb.append(")").toString();
        }
    }

}
