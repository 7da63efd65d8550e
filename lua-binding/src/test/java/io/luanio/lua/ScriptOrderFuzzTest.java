package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.ErrorCode;
import io.luanio.EventLoop;
import io.luanio.EventLoopConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Bad call orders from several scripts at once (issue 9), beside {@link ScriptFuzzTest}'s
 * random argument types: three (long profile: four) scripts on one loop, each on its own
 * thread, call socketcore in random orders on their own ids in every state (connecting,
 * open, closing, closed, destroyed: close then send, destroy then recv, close twice, destroy
 * twice, ...), on each other's ids and on the ids of a fourth script that echoes
 * throughout. A model of each socket's state says what every call must return (SPEC.md
 * section 1) and which messages may arrive in which order (section 2); any other result,
 * any message for a socket that is not the script's, a CONN_CNF that is not first or a
 * RECV_IND/SEND_CNF after CLOSE_CNF, a Java exception, or a broken echo fails the test.
 */
class ScriptOrderFuzzTest {

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void threeScriptsTenThousandCallsEach() throws Exception {
        fuzz(3, 10_000, 20260615L);
    }

    @Tag("long")
    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fourScriptsFiftyThousandCallsEach() throws Exception {
        fuzz(4, 50_000, System.nanoTime());
    }

    private void fuzz(int scripts, int calls, long seed) throws Exception {
        List<Throwable> loopErrors = new CopyOnWriteArrayList<>();
        EventLoop loop = EventLoop.start(new EventLoopConfig().errorHandler(loopErrors::add));
        try (TestPeers.Server echo = TestPeers.echo(); UdpEcho udp = new UdpEcho()) {
            ByteArrayOutputStream victimOut = new ByteArrayOutputStream();
            ScriptRunner runner = new ScriptRunner(loop, new PrintStream(victimOut, true), new PrintStream(victimOut, true));
            TestKitModule.FLAGS.put("stop", false);
            String victimFile = java.nio.file.Files.createTempFile("victim", ".lua").toString();
            java.nio.file.Files.write(java.nio.file.Paths.get(victimFile), ScriptFuzzTest.VICTIM.getBytes());
            ScriptRunner.Running victim = runner.start(victimFile, LuaHarness.strings(echo.port()), new ScriptOptions());
            List<Integer> published = new CopyOnWriteArrayList<>(victimIds(victimOut));

            List<OrderFuzzer> fuzzers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < scripts; i++) {
                OrderFuzzer f = new OrderFuzzer(loop, new SplittableRandom(seed + i), echo.port(), udp.port(), published, calls);
                fuzzers.add(f);
                Thread t = new Thread(f, "order-fuzzer-" + i);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(500));
            }
            TestKitModule.FLAGS.put("stop", true);
            ScriptRunner.Result result = victim.await();
            List<String> violations = new ArrayList<>();
            long[] totals = new long[OrderFuzzer.KINDS.length];
            int opened = 0;
            int earlySends = 0;
            int messages = 0;
            for (OrderFuzzer f : fuzzers) {
                for (String v : f.violations) {
                    violations.add(f.name + " (seed " + seed + "): " + v);
                }
                for (int k = 0; k < totals.length; k++) {
                    totals[k] += f.counts[k];
                }
                opened += f.mine.size();
                earlySends += f.earlySends;
                messages += f.messages;
            }
            assertTrue(violations.isEmpty(), String.join("\n", violations.subList(0, Math.min(10, violations.size()))));
            assertEquals(0, result.status, "the echoing script: " + result.message + "\n" + victimOut);
            String out = victimOut.toString();
            int rounds = Integer.parseInt(out.substring(out.lastIndexOf("ROUNDS ") + 7).trim());
            assertTrue(rounds > 0, "the echoing script kept going");
            assertTrue(loopErrors.isEmpty(), "the loop reported: " + loopErrors);
            StringBuilder kinds = new StringBuilder();
            for (int k = 0; k < totals.length; k++) {
                kinds.append(k == 0 ? "" : ", ").append(OrderFuzzer.KINDS[k]).append(' ').append(totals[k]);
            }
            System.out.printf("[reliability] ScriptOrderFuzzTest: %d scripts x %d calls (%s); %d sockets opened, %d messages"
                    + " checked against the model, %d sends accepted between connect and CONN_CNF; the echoing script did %d"
                    + " rounds meanwhile; 0 violations%n", scripts, calls, kinds, opened, messages, earlySends, rounds);
        } finally {
            loop.close();
        }
    }

    private static List<Integer> victimIds(ByteArrayOutputStream out) throws InterruptedException {
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
        throw new AssertionError("the echoing script did not start: " + out);
    }

    /** One script's view of one of its sockets. */
    private static final class Sock {
        static final int CONNECTING = 0;
        static final int OPEN = 1;
        static final int CLOSING = 2;
        static final int CLOSED = 3;
        static final int DESTROYED = 4;

        final int id;
        final boolean udp;
        int state = CONNECTING;
        boolean connCnf;
        boolean closeCnf;
        boolean failed;
        int sendsPending;
        int closeCnfsExpected;

        Sock(int id, boolean udp) {
            this.id = id;
            this.udp = udp;
        }
    }

    /** A script that calls socketcore in random orders and checks every answer against its model. */
    private static final class OrderFuzzer implements Runnable {
        static final String[] KINDS = {"open", "send", "recv", "close", "destroy", "remainbuf", "setopt", "receive",
            "foreign"};
        private static final int CONN_CNF = 34;
        private static final int RECV_IND = 31;
        private static final int SEND_CNF = 32;
        private static final int CLOSE_CNF = 33;
        private static final int CLOSE_IND = 36;

        final String name;
        final List<String> violations = new ArrayList<>();
        final Map<Integer, Sock> mine = new HashMap<>();
        final long[] counts = new long[KINDS.length];
        int earlySends;
        int messages;
        private final EventLoop loop;
        private final SplittableRandom random;
        private final int tcpPort;
        private final int udpPort;
        private final List<Integer> published;
        private final int calls;
        private final Map<Integer, Integer> foreignCloses = new HashMap<>();
        private LuaValue conn;
        private LuaValue send;
        private LuaValue recv;
        private LuaValue close;
        private LuaValue destroy;
        private LuaValue remain;
        private LuaValue setopt;
        private LuaValue receive;

        OrderFuzzer(EventLoop loop, SplittableRandom random, int tcpPort, int udpPort, List<Integer> published, int calls) {
            this.loop = loop;
            this.random = random;
            this.tcpPort = tcpPort;
            this.udpPort = udpPort;
            this.published = published;
            this.calls = calls;
            this.name = "script " + Integer.toHexString(random.nextInt() & 0xFFFF);
        }

        @Override
        public void run() {
            Globals globals = JsePlatform.standardGlobals();
            ScriptHost host = Luanio.install(globals, loop, new ScriptOptions());
            try {
                LuaValue sc = globals.get("socketcore");
                conn = sc.get("sock_conn");
                send = sc.get("sock_send");
                recv = sc.get("sock_recv");
                close = sc.get("sock_close");
                destroy = sc.get("sock_destroy");
                remain = sc.get("sock_getremainbuf");
                setopt = sc.get("sock_setopt");
                receive = globals.get("rtos").get("receive");
                for (int i = 0; i < calls && violations.size() < 10; i++) {
                    step();
                }
                finish();
                if (host.context().socketCount() != 0) {
                    violations.add("sockets left after every destroy: " + host.context().socketCount());
                }
            } catch (Throwable t) {
                StringBuilder sb = new StringBuilder("threw " + t);
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\n  at ").append(e);
                }
                violations.add(sb.toString());
            } finally {
                host.close();
            }
        }

        private void step() {
            long live = mine.values().stream().filter(s -> s.state != Sock.DESTROYED).count();
            int kind = live < 2 ? 0 : random.nextInt(live >= 8 ? 1 : 0, KINDS.length + 2);
            if (kind >= KINDS.length) {
                kind = 7; // receive more often: messages are what the model checks most
            }
            counts[kind]++;
            switch (kind) {
                case 0: open(); break;
                case 1: sendOn(pickMine()); break;
                case 2: recvOn(pickMine()); break;
                case 3: closeOn(pickMine()); break;
                case 4: destroyOn(pickMine()); break;
                case 5: remainOn(pickMine()); break;
                case 6: setoptOn(pickMine()); break;
                case 7: receiveOne(random.nextInt(3)); break;
                default: foreign(); break;
            }
        }

        private void open() {
            boolean udp = random.nextInt(4) == 0;
            Varargs r = conn.invoke(LuaValue.varargsOf(new LuaValue[] {LuaValue.valueOf(udp ? 1 : 0),
                LuaValue.valueOf("127.0.0.1"), LuaValue.valueOf(udp ? udpPort : tcpPort)}));
            if (!r.arg1().isinttype() || r.arg1().toint() < 0) {
                violations.add("sock_conn returned " + r);
                return;
            }
            int id = r.arg1().toint();
            if (mine.containsKey(id) || published.contains(id)) {
                violations.add("sock_conn returned an id already given out: " + id);
                return;
            }
            mine.put(id, new Sock(id, udp));
            published.add(id);
        }

        private Sock pickMine() {
            List<Sock> all = new ArrayList<>(mine.values());
            if (all.isEmpty()) {
                return null;
            }
            // Mostly live sockets; destroyed ones now and then (stale ids).
            for (int tries = 0; tries < 4; tries++) {
                Sock s = all.get(random.nextInt(all.size()));
                if (s.state != Sock.DESTROYED || tries == 3) {
                    return s;
                }
            }
            return all.get(0);
        }

        private LuaValue id(Sock s) {
            return LuaValue.valueOf(s.id);
        }

        private void sendOn(Sock s) {
            if (s == null) {
                return;
            }
            int len = s.udp ? random.nextInt(1, 1400) : random.nextInt(0, 3000);
            Varargs r = send.invoke(id(s), LuaValue.valueOf(new byte[len]));
            int code = r.arg1().toint();
            int err = r.arg(2).toint();
            switch (s.state) {
                case Sock.CONNECTING:
                    if (code == 1 && err == 0) {
                        earlySends++; // the loop connected before the script received CONN_CNF
                        s.sendsPending++;
                    } else {
                        expect("send while connecting", code == 0 && err == ErrorCode.ERR_ENOTCONN, r);
                    }
                    break;
                case Sock.OPEN:
                    if (s.failed) {
                        expect("send after a failure", code == 0 && err == ErrorCode.ERR_ENOTCONN, r);
                    } else if (code == 1) {
                        expect("send ok", err == 0, r);
                        s.sendsPending++;
                    } else {
                        expect("send refused only when full", err == ErrorCode.ERR_ENOBUFS, r);
                    }
                    break;
                case Sock.CLOSING:
                case Sock.CLOSED:
                    expect("send after close", code == 0 && err == ErrorCode.ERR_ENOTCONN, r);
                    break;
                default:
                    expect("send on a destroyed id", code == 0 && err == ErrorCode.ERR_EARG, r);
                    break;
            }
        }

        private void recvOn(Sock s) {
            if (s == null) {
                return;
            }
            Varargs r = recv.invoke(id(s), LuaValue.valueOf(random.nextInt(0, 5000)));
            expect("recv returns a string", r.arg1().isstring() && r.narg() == 1, r);
            if (s.state == Sock.DESTROYED) {
                expect("recv on a destroyed id", r.arg1().length() == 0, r);
            }
        }

        private void closeOn(Sock s) {
            if (s == null) {
                return;
            }
            Varargs r = close.invoke(id(s));
            expect("close returns 1", r.arg1().toint() == 1, r);
            s.closeCnfsExpected++;
            if (s.state != Sock.DESTROYED && s.state != Sock.CLOSED) {
                s.state = Sock.CLOSING;
            }
        }

        private void destroyOn(Sock s) {
            if (s == null) {
                return;
            }
            int r = destroy.invoke(id(s)).arg1().toint();
            switch (s.state) {
                case Sock.CLOSING:
                    if (r == 1) {
                        s.state = Sock.DESTROYED; // the loop had closed it; CLOSE_CNF is on its way
                    } else {
                        expect("destroy while closing", r == 0, r);
                    }
                    break;
                case Sock.CLOSED:
                    expect("destroy after CLOSE_CNF", r == 1, r);
                    s.state = Sock.DESTROYED;
                    break;
                case Sock.OPEN:
                    if (s.failed && r == 1) {
                        s.state = Sock.DESTROYED;
                    } else {
                        expect("destroy of an open socket", r == 0, r);
                    }
                    break;
                default:
                    expect("destroy of a connecting or destroyed socket", r == 0, r);
                    break;
            }
        }

        private void remainOn(Sock s) {
            if (s == null) {
                return;
            }
            Varargs r = remain.invoke(id(s));
            int free = r.arg1().toint();
            if (s.state == Sock.DESTROYED) {
                expect("remainbuf of a destroyed id", free == 0, r);
            } else {
                expect("remainbuf in range", free >= 0 && free <= 1 << 20, r);
            }
        }

        private void setoptOn(Sock s) {
            if (s == null) {
                return;
            }
            Varargs r = setopt.invoke(LuaValue.varargsOf(new LuaValue[] {id(s), LuaValue.valueOf(0xfff),
                LuaValue.valueOf(8), LuaValue.valueOf(1)}));
            int v = r.arg1().toint();
            if (s.state == Sock.DESTROYED) {
                expect("setopt on a destroyed id", v == -1, r);
            } else {
                expect("setopt returns 0 or -1", v == 0 || v == -1, r);
            }
        }

        /** Calls on ids of other scripts (or numbers nobody holds): all answered as unknown ids. */
        private void foreign() {
            int id;
            if (!published.isEmpty() && random.nextInt(4) > 0) {
                id = published.get(random.nextInt(published.size()));
            } else {
                // A generation no socket of this test reaches: never one of our own future ids.
                id = (random.nextInt(4096, 32768) << 16) | random.nextInt(256);
            }
            if (mine.containsKey(id)) {
                return;
            }
            LuaValue v = LuaValue.valueOf(id);
            Varargs r = send.invoke(v, LuaValue.valueOf("intruder"));
            expect("send on another script's id", r.arg1().toint() == 0 && r.arg(2).toint() == ErrorCode.ERR_EARG, r);
            expect("recv on another script's id", recv.invoke(v, LuaValue.valueOf(100)).arg1().length() == 0, id);
            expect("destroy of another script's id", destroy.invoke(v).arg1().toint() == 0, id);
            expect("remainbuf of another script's id", remain.invoke(v).arg1().toint() == 0, id);
            if (random.nextInt(3) == 0) {
                expect("close returns 1", close.invoke(v).arg1().toint() == 1, id);
                foreignCloses.merge(id, 1, Integer::sum); // its CLOSE_CNF comes to us, and only that
            }
        }

        /** Takes one message (waiting up to {@code ms}) and checks it against the model. */
        private boolean receiveOne(int ms) {
            Varargs r = receive.invoke(LuaValue.valueOf(ms));
            LuaValue m = r.arg1();
            if (m.isnumber()) {
                expect("receive: WAIT_MSG_TIMEOUT", m.toint() == 4 && r.narg() == 1, r);
                return false;
            }
            if (!m.istable()) {
                violations.add("receive returned " + r);
                return false;
            }
            messages++;
            LuaTable t = (LuaTable) m;
            int type = t.get("id").toint();
            int socket = t.get("socket_index").toint();
            int result = t.get("result").toint();
            Sock s = mine.get(socket);
            if (s == null) {
                Integer pending = foreignCloses.get(socket);
                if (type == CLOSE_CNF && pending != null) {
                    foreignCloses.put(socket, pending - 1);
                    if (pending == 1) {
                        foreignCloses.remove(socket);
                    }
                } else {
                    violations.add("a message for a socket that is not this script's: type " + type + " socket " + socket);
                }
                return true;
            }
            if (type != CONN_CNF && !s.connCnf) {
                violations.add("message " + type + " before CONN_CNF on " + socket);
            }
            switch (type) {
                case CONN_CNF:
                    expect("one CONN_CNF, first", !s.connCnf, socket);
                    s.connCnf = true;
                    if (result != 0) {
                        s.failed = true;
                        expect("a refused connect only when closed first", s.state == Sock.CLOSING
                            || s.state == Sock.DESTROYED, socket);
                    }
                    if (s.state == Sock.CONNECTING) {
                        s.state = Sock.OPEN;
                    }
                    break;
                case RECV_IND:
                    expect("no RECV_IND after CLOSE_CNF", !s.closeCnf, socket);
                    expect("recv_len > 0", t.get("recv_len").toint() > 0, socket);
                    if (random.nextBoolean()) {
                        recv.invoke(LuaValue.valueOf(socket), LuaValue.valueOf(random.nextInt(1, 70000)));
                    }
                    break;
                case SEND_CNF:
                    expect("no SEND_CNF after CLOSE_CNF", !s.closeCnf, socket);
                    expect("a SEND_CNF per accepted send", s.sendsPending > 0, socket);
                    expect("a graceful close still sends what was queued", result == 0, socket);
                    s.sendsPending--;
                    break;
                case CLOSE_IND:
                    if (result != 0) {
                        s.failed = true;
                    }
                    break;
                case CLOSE_CNF:
                    expect("a CLOSE_CNF per close", s.closeCnfsExpected > 0, socket);
                    s.closeCnfsExpected--;
                    s.closeCnf = true;
                    if (s.state == Sock.CLOSING) {
                        s.state = Sock.CLOSED;
                    }
                    break;
                default:
                    violations.add("an unknown message type " + type);
            }
            return true;
        }

        /** Closes and destroys everything, taking every message still owed. */
        private void finish() {
            for (Sock s : mine.values()) {
                if (s.state != Sock.DESTROYED) {
                    closeOn(s);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (owed() && System.nanoTime() < deadline) {
                receiveOne(50);
                for (Sock s : mine.values()) {
                    if (s.state == Sock.CLOSED) {
                        destroyOn(s);
                    }
                }
            }
            for (Sock s : mine.values()) {
                if (s.state == Sock.CLOSED) {
                    destroyOn(s);
                }
                if (s.state != Sock.DESTROYED || s.closeCnfsExpected != 0 || s.sendsPending != 0 || !s.connCnf) {
                    violations.add("socket " + s.id + " ended in state " + s.state + " with " + s.closeCnfsExpected
                        + " CLOSE_CNF and " + s.sendsPending + " SEND_CNF owed, CONN_CNF seen " + s.connCnf);
                }
            }
            if (!foreignCloses.isEmpty()) {
                violations.add("CLOSE_CNFs owed for other scripts' ids: " + foreignCloses);
            }
        }

        private boolean owed() {
            if (!foreignCloses.isEmpty()) {
                return true;
            }
            for (Sock s : mine.values()) {
                if (s.state != Sock.DESTROYED || s.closeCnfsExpected > 0 || s.sendsPending > 0 || !s.connCnf) {
                    return true;
                }
            }
            return false;
        }

        private void expect(String what, boolean ok, Object detail) {
            if (!ok) {
                violations.add(what + ": got " + detail);
            }
        }
    }

    /** Echoes datagrams on 127.0.0.1. */
    private static final class UdpEcho implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

        UdpEcho() throws IOException {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        socket.send(p);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "order-fuzz-udp-echo");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
