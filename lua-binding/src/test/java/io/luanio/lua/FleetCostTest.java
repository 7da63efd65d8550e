package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.EventLoop;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What one instance of a LuaTask application costs in a fleet: the example application
 * (examples/luatask) as 100 instances on one loop, measured while every instance is
 * connected and waiting for its echo (its main loop in {@code rtos.receive}, its connection
 * task suspended in a receive). Threads: {@link ThreadMXBean#getThreadCount()}; heap:
 * {@link MemoryMXBean} heap used after {@code System.gc()}, each against the same figures
 * taken before the fleet started (after one warm-up run). The payload is 1 KiB, so the heap
 * figure is the instance's own cost, not its data. The numbers go to the test's output
 * (target/surefire-reports/io.luanio.lua.FleetCostTest-output.txt) and into the README.
 */
class FleetCostTest {
    static final int INSTANCES = 100;
    static final int SIZE = 1024;

    @Test
    void threadsAndHeapPerInstanceAtAHundredInstances() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (EventLoop loop = EventLoop.start(); TestPeers.Server echo = TestPeers.echo(); GateServer gate = new GateServer()) {
            ScriptRunner runner = new ScriptRunner(loop, discard, discard);
            ScriptOptions options = new ScriptOptions().luat(true).libraryDir(LuatAppTest.LIB);
            // warm-up: class loading, the chunk cache, the JIT
            for (int i = 0; i < 3; i++) {
                ScriptRunner.Result warm = runner.run(LuatAppTest.APP, Arrays.asList("127.0.0.1", String.valueOf(echo.port()), String.valueOf(SIZE)), options);
                assertEquals(0, warm.status, warm.message);
            }
            settle();
            int threadsBefore = threads.getThreadCount();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();

            Future<Integer> fleet = background.submit(() -> runner.runFleet(LuatAppTest.APP,
                Arrays.asList("127.0.0.1", String.valueOf(gate.port()), String.valueOf(SIZE)), INSTANCES, Collections.emptyList(), options));
            assertTrue(gate.arrived.await(60, TimeUnit.SECONDS), "all instances connected and sent");
            Thread.sleep(300); // every instance back in its main loop
            settle();
            // the gate server's own threads (one per connection) live in this JVM too: not the fleet's
            int threadsDuring = threads.getThreadCount() - (int) named("lua-test-peer");
            long heapDuring = memory.getHeapMemoryUsage().getUsed();
            long scriptThreads = named("luanio-script-");
            long coroutineThreads = named("luanio-co-");
            gate.release.countDown();
            assertEquals(0, fleet.get(60, TimeUnit.SECONDS));
            settle();
            int threadsAfter = threads.getThreadCount();

            double threadsPerInstance = (threadsDuring - threadsBefore) / (double) INSTANCES;
            double heapKiBPerInstance = (heapDuring - heapBefore) / 1024.0 / INSTANCES;
            System.out.println(String.format(Locale.ROOT,
                "fleet cost at %d instances: threads %d -> %d (%.2f per instance: %d script threads, %d coroutine threads), "
                    + "heap used after GC %.1f -> %.1f MiB (%.1f KiB per instance); after the fleet: %d threads",
                INSTANCES, threadsBefore, threadsDuring, threadsPerInstance, scriptThreads, coroutineThreads,
                heapBefore / 1048576.0, heapDuring / 1048576.0, heapKiBPerInstance, threadsAfter));
            assertEquals(INSTANCES, scriptThreads, "one script thread per instance");
            assertEquals(INSTANCES, coroutineThreads, "one live coroutine (its connection task) per instance");
            assertTrue(threadsPerInstance <= 2.2, "threads per instance: " + threadsPerInstance);
            assertTrue(heapKiBPerInstance < 2048, "heap per instance: " + heapKiBPerInstance + " KiB");
            assertTrue(threadsAfter <= threadsBefore + 3, "threads end with the fleet: " + threadsBefore + " -> " + threadsAfter);
        } finally {
            background.shutdownNow();
        }
    }

    static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(150);
        }
    }

    static long named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    /** Takes SIZE bytes from each instance, then holds the echo until released. */
    static final class GateServer implements AutoCloseable {
        final CountDownLatch arrived = new CountDownLatch(INSTANCES);
        final CountDownLatch release = new CountDownLatch(1);
        private final TestPeers.Server server;

        GateServer() throws IOException {
            server = new TestPeers.Server(this::serve);
        }

        int port() {
            return server.port();
        }

        private void serve(Socket s) throws Exception {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] data = new byte[SIZE];
            in.readFully(data);
            arrived.countDown();
            release.await();
            s.getOutputStream().write(data);
            while (in.read() >= 0) {
                // until the instance closes
            }
        }

        @Override
        public void close() throws IOException {
            release.countDown();
            server.close();
        }
    }
}
