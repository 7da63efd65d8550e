package io.luanio.jmh.lua;

import io.luanio.Context;
import io.luanio.ErrorCode;
import io.luanio.Event;
import io.luanio.EventHandler;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import io.luanio.EventType;
import io.luanio.SocketType;
import io.luanio.jmh.BenchmarkBase;
import io.luanio.jmh.loop.EchoServer;
import io.luanio.lua.Luanio;
import io.luanio.lua.ScriptHost;
import io.luanio.lua.ScriptOptions;
import java.io.IOException;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A Lua-level request/response loop over one loopback TCP connection, 64 bytes each way,
 * through both Lua socket APIs, against the same work done through the Java API:
 * <ul>
 * <li>{@code lua}: {@code socketcore} (Luat, asynchronous): {@code sock_send}, then
 *     {@code rtos.receive} for the SEND_CNF and the echo's RECV_IND, and
 *     {@code sock_recv}.</li>
 * <li>{@code poc}: the blocking POC {@code socket} module: {@code sock:send(request)}
 *     (returns once the bytes were written), then {@code sock:recv} until 64 bytes are
 *     back; the script checks they are the request's.</li>
 * <li>{@code javaApi}: {@code ctx.send}, {@code ctx.poll}, {@code ctx.recv}: the
 *     baseline, what the binding costs on top of.</li>
 * </ul>
 *
 * <p>The Lua functions run on the benchmark thread (the script's thread), each variant on
 * its own loop against the same {@link EchoServer}; the difference is the cost of the LuaJ
 * binding (argument checks, message tables, Lua strings, the blocking module's waits).
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar LuaRoundTripBenchmark -prof gc
 * </pre>
 */
public class LuaRoundTripBenchmark extends BenchmarkBase {
    static final int MESSAGE_BYTES = 64;
    static final long TIMEOUT_MS = 10_000;

    /** The Lua side: a function that does one round trip and returns the bytes it got. */
    static final String SCRIPT = String.join("\n",
        "local port = ...",
        "local id = socketcore.sock_conn(0, '127.0.0.1', port)",
        "local m = rtos.receive(10000)",
        "assert(type(m) == 'table' and m.id == rtos.MSG_SOCK_CONN_CNF and m.result == 0, 'connect failed')",
        "local request = string.rep('x', 64)",
        "function roundtrip()",
        "  assert(socketcore.sock_send(id, request) == 1)",
        "  local got, confirmed = 0, false",
        "  while got < 64 or not confirmed do",
        "    local msg = rtos.receive(10000)",
        "    if msg.id == rtos.MSG_SOCK_RECV_IND then",
        "      got = got + #socketcore.sock_recv(id, msg.recv_len)",
        "    elseif msg.id == rtos.MSG_SOCK_SEND_CNF then",
        "      confirmed = true",
        "    else",
        "      error('unexpected message ' .. tostring(msg.id))",
        "    end",
        "  end",
        "  return got",
        "end");

    /** The POC side: the same round trip with the blocking {@code socket} module. */
    static final String POC_SCRIPT = String.join("\n",
        "local port = ...",
        "local socket = require('socket')",
        "local sock = socket.new()",
        "sock:timeout(10)",
        "assert(sock:connect('tcp', '127.0.0.1', port))",
        "local request = string.rep('x', 64)",
        "function roundtrip()",
        "  local ok, err = sock:send(request)",
        "  if not ok then error('send: ' .. tostring(err)) end",
        "  local got, response = 0, nil",
        "  while got < 64 do",
        "    local data, n, rerr = sock:recv(64 - got)",
        "    if rerr then error('recv: ' .. rerr) end",
        "    got = got + n",
        "    response = response and response .. data or data",
        "  end",
        "  if response ~= request then error('wrong bytes: ' .. response) end",
        "  return got",
        "end");

    /** Creates the benchmark (JMH does). */
    public LuaRoundTripBenchmark() {
    }

    /**
     * The round trip written in Lua.
     *
     * @param lua the script
     * @return bytes echoed (64)
     */
    @Benchmark
    public int lua(LuaClient lua) {
        return lua.roundtrip.call().toint();
    }

    /**
     * The round trip written in Lua with the blocking POC {@code socket} module.
     *
     * @param poc the script
     * @return bytes echoed (64)
     */
    @Benchmark
    public int poc(PocClient poc) {
        return poc.roundtrip.call().toint();
    }

    /**
     * The same round trip through the Java API.
     *
     * @param java the client
     * @return bytes echoed (64)
     */
    @Benchmark
    public int javaApi(JavaClient java) {
        return java.roundTrip();
    }

    /** The shared echo server. */
    @State(Scope.Benchmark)
    public static class Server {
        EchoServer echo;

        /** Creates the state (JMH does). */
        public Server() {
        }

        /**
         * Starts the server.
         *
         * @throws IOException when it cannot bind
         */
        @Setup(Level.Trial)
        public void start() throws IOException {
            echo = EchoServer.start();
        }

        /**
         * Stops the server.
         *
         * @throws IOException when closing fails
         */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            echo.close();
        }
    }

    /** A loop and a LuaJ script with the binding installed, connected to the server. */
    @State(Scope.Thread)
    public static class LuaClient {
        EventLoop loop;
        ScriptHost host;
        LuaValue roundtrip;

        /** Creates the state (JMH does). */
        public LuaClient() {
        }

        /**
         * Loads the script, which connects.
         *
         * @param server the echo server
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void setUp(Server server) throws IOException {
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop-lua"));
            Globals globals = JsePlatform.standardGlobals();
            host = Luanio.install(globals, loop, new ScriptOptions());
            globals.load(SCRIPT, "roundtrip.lua").call(LuaValue.valueOf(server.echo.port()));
            roundtrip = globals.get("roundtrip");
        }

        /** Closes the script's sockets and the loop. */
        @TearDown(Level.Trial)
        public void tearDown() {
            host.close();
            loop.close();
        }
    }

    /** A loop and a LuaJ script using the POC {@code socket} module, connected to the server. */
    @State(Scope.Thread)
    public static class PocClient {
        EventLoop loop;
        ScriptHost host;
        LuaValue roundtrip;

        /** Creates the state (JMH does). */
        public PocClient() {
        }

        /**
         * Loads the script, which connects.
         *
         * @param server the echo server
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void setUp(Server server) throws IOException {
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop-poc"));
            Globals globals = JsePlatform.standardGlobals();
            host = Luanio.install(globals, loop, new ScriptOptions());
            globals.load(POC_SCRIPT, "poc-roundtrip.lua").call(LuaValue.valueOf(server.echo.port()));
            roundtrip = globals.get("roundtrip");
        }

        /** Closes the script's socket and the loop. */
        @TearDown(Level.Trial)
        public void tearDown() {
            host.close();
            loop.close();
        }
    }

    /** A loop and the Java API doing the same work. */
    @State(Scope.Thread)
    public static class JavaClient {
        private final byte[] request = new byte[MESSAGE_BYTES];
        private final byte[] response = new byte[MESSAGE_BYTES];
        private final EventHandler onEvent = this::onEvent;
        private EventLoop loop;
        private Context ctx;
        private int id;
        private int received;
        private boolean confirmed;

        /** Creates the state (JMH does). */
        public JavaClient() {
        }

        /**
         * Connects.
         *
         * @param server the echo server
         * @throws IOException when the server's port is unknown
         */
        @Setup(Level.Trial)
        public void setUp(Server server) throws IOException {
            loop = EventLoop.start(new EventLoopConfig().threadName("luanio-loop-java"));
            ctx = loop.newContext();
            id = ctx.connect(SocketType.TCP, "127.0.0.1", server.echo.port());
            Event ev = new Event();
            if (!ctx.next(ev, TIMEOUT_MS) || ev.type() != EventType.CONN_CNF || ev.result() != 0) {
                throw new IllegalStateException("no connection: " + ev);
            }
        }

        /** Closes the loop. */
        @TearDown(Level.Trial)
        public void tearDown() {
            loop.close();
        }

        int roundTrip() {
            if (ctx.send(id, request, 0, MESSAGE_BYTES) != ErrorCode.ERR_OK) {
                throw new IllegalStateException("send failed: " + ctx.reason(id));
            }
            received = 0;
            confirmed = false;
            while (received < MESSAGE_BYTES || !confirmed) {
                if (ctx.poll(onEvent, 16, TIMEOUT_MS) <= 0) {
                    throw new IllegalStateException("round trip stuck");
                }
            }
            return received;
        }

        private void onEvent(int type, int socket, int result, long value) {
            if (type == EventType.RECV_IND) {
                received += ctx.recv(id, response, received, MESSAGE_BYTES - received);
            } else if (type == EventType.SEND_CNF) {
                confirmed = true;
            }
        }
    }
}
