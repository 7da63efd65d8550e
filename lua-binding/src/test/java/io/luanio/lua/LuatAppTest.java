package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The LuaTask-shaped example application (lua-binding/examples/luatask: its own sys-style
 * scheduler and socket library, Lua 5.1) through the runner with {@code --luat}: 1 MiB echoed
 * over TCP (and over TLS once the core has it), alone and as {@code --instances 100}.
 */
class LuatAppTest {
    static final String APP = "examples/luatask/main.lua";
    static final String LIB = "examples/luatask/lib";
    static final int MIB = 1024 * 1024;

    /** Runs the command line; returns {status, stdout, stderr}. */
    static Object[] runner(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Object[] {status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    static String[] command(List<String> options, String... appArgs) {
        List<String> all = new ArrayList<>(Arrays.asList("--luat", "-L", LIB));
        all.addAll(options);
        all.add(APP);
        all.addAll(Arrays.asList(appArgs));
        return all.toArray(new String[0]);
    }

    @Test
    void theExampleIsWhereTheReadmeSays() {
        assertTrue(new File(APP).isFile() && new File(LIB, "sys.lua").isFile() && new File(LIB, "socket.lua").isFile());
    }

    @Test
    void aLuaTaskShapedApplicationEchoesOneMebibyteAndExitsCleanly() throws Exception {
        try (TestPeers.Server echo = TestPeers.echo(); LuaHarness lua = new LuaHarness()) {
            // watch the application from outside: timer ids, destroys, how it ends
            String watcher = lua.file("watch.lua", String.join("\n",
                "local taskTimers, callbackTimers, destroyed, closeCnf = 0, 0, 0, 0",
                "local timerStart, destroy = rtos.timer_start, socketcore.sock_destroy",
                "rtos.timer_start = function(id, ms)",
                "  if id >= 0x20000000 then callbackTimers = callbackTimers + 1 else taskTimers = taskTimers + 1 end",
                "  return timerStart(id, ms)",
                "end",
                "socketcore.sock_destroy = function(id) local r = destroy(id); destroyed = destroyed + r; return r end",
                "local receive = rtos.receive",
                "rtos.receive = function(t)",
                "  local m, p = receive(t)",
                "  if type(m) == 'table' and m.id == rtos.MSG_SOCK_CLOSE_CNF then closeCnf = closeCnf + 1 end",
                "  return m, p",
                "end",
                "local exit = os.exit",
                "os.exit = function(code)",
                "  print(('watch: task timers %d, callback timers %d, CLOSE_CNF %d, destroyed %d'):format(",
                "    taskTimers, callbackTimers, closeCnf, destroyed))",
                "  exit(code)",
                "end",
                "loadfile(arg[1])(select(2, ...))"));
            Object[] r = runner("--luat", "-L", LIB, watcher, APP, "127.0.0.1", String.valueOf(echo.port()), String.valueOf(MIB));
            String out = (String) r[1];
            assertEquals(0, r[0], "status; stderr:\n" + r[2] + "\nstdout:\n" + out);
            assertTrue(out.contains("connection 1: 1048576 bytes echoed, ok\n"), out);
            assertTrue(out.contains("done: 1 connection(s) of 1048576 bytes each way in "), out);
            assertTrue(out.contains(", IMSI 460000000000001\n"), out);
            // callback timers (socket timeouts, the watchdog) above 0x20000000; one CLOSE_CNF, one destroy
            assertTrue(out.matches("(?s).*watch: task timers \\d+, callback timers [1-9]\\d*, CLOSE_CNF 1, destroyed 1\n.*"), out);
            assertTrue(echo.errors.isEmpty(), echo.errors.toString());
        }
    }

    @Test
    void aFleetOfAHundredInstancesOnOneLoop() throws Exception {
        try (TestPeers.Server echo = TestPeers.echo()) {
            Object[] r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> runner(
                command(Arrays.asList("--instances", "100"), "127.0.0.1", String.valueOf(echo.port()), String.valueOf(MIB))));
            String out = (String) r[1];
            String err = (String) r[2];
            assertEquals(0, r[0], "status; stderr:\n" + err);
            for (int i = 1; i <= 100; i++) {
                assertTrue(out.contains("[" + i + "] connection 1: 1048576 bytes echoed, ok\n"), "instance " + i);
                assertTrue(out.contains(String.format("[%d] done: 1 connection(s) of 1048576 bytes each way in ", i)), "instance " + i);
                assertTrue(out.contains(String.format(", IMSI 46000%010d\n", i)), "instance " + i + " has its own IMSI");
            }
            for (String line : out.split("\n")) {
                assertTrue(line.matches("\\[\\d+\\] .*"), "every line is prefixed: " + line);
            }
            assertTrue(err.contains("luanio: 100 instances of main.lua: 100 finished, 0 failed in "), err);
            assertTrue(err.contains("luanio: sockets opened 100, bytes sent 104857600, bytes received 104857600, peak threads "), err);
        }
    }

    @Test
    void aFailingInstanceIsReportedWithItsNumber() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            String app = lua.file("flaky.lua", String.join("\n",
                "require 'sim'",
                "local n = tonumber(sim.getImsi():sub(-3))",
                "print('instance', n)",
                "if n == 2 then error('instance two fails') end"));
            Object[] r = runner("--luat", "--instances", "3", app);
            String out = (String) r[1];
            String err = (String) r[2];
            assertEquals(1, r[0]);
            assertTrue(out.contains("[1] instance\t1\n") && out.contains("[2] instance\t2\n") && out.contains("[3] instance\t3\n"), out);
            assertTrue(err.contains("[2] luanio: " + app + ":4: instance two fails"), err);
            assertTrue(err.contains("luanio: 3 instances of flaky.lua: 2 finished, 1 failed ([2] status 1) in "), err);
        }
    }

    @Test
    void linesOfInstancesAndCompanionsNeverMix() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            String companion = lua.file("companion.lua", "for i = 1, 2000 do print('comp', i, 'x', 'y') end");
            String app = lua.file("chatty.lua", "for i = 1, 200 do print('inst', i, 'a', 'b') end io.write('no newline at the end')");
            Object[] r = runner("--instances", "20", "--also", companion, app);
            assertEquals(0, r[0], (String) r[2]);
            String out = (String) r[1];
            int instanceLines = 0;
            for (String line : out.split("\n")) {
                if (line.matches("\\[\\d+\\] (inst\t\\d+\ta\tb|no newline at the end)")) {
                    instanceLines++;
                } else {
                    assertTrue(line.matches("comp\t\\d+\tx\ty"), "a mixed line: " + line);
                }
            }
            assertEquals(20 * 201, instanceLines);
        }
    }

    @Test
    void theSameOverTlsAloneAndAsAHundredInstances() throws Exception {
        try (TlsEchoServer echo = TlsEchoServer.start()) {
            Object[] one = runner(command(new ArrayList<>(), "127.0.0.1", String.valueOf(echo.port()), String.valueOf(MIB), "1", "tls"));
            assertEquals(0, one[0], "stderr:\n" + one[2] + "\nstdout:\n" + one[1]);
            assertTrue(((String) one[1]).contains("done: 1 connection(s) of 1048576 bytes each way over TLS in "), (String) one[1]);
            Object[] fleet = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> runner(command(Arrays.asList("--instances", "100"),
                "127.0.0.1", String.valueOf(echo.port()), String.valueOf(MIB), "1", "tls")));
            assertEquals(0, fleet[0], "stderr:\n" + fleet[2]);
            assertTrue(((String) fleet[2]).contains("100 finished, 0 failed"), (String) fleet[2]);
            assertTrue(((String) fleet[2]).contains("bytes sent 104857600, bytes received 104857600"), (String) fleet[2]);
        }
    }
}
