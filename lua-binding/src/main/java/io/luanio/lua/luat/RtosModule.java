package io.luanio.lua.luat;

import io.luanio.Context;
import io.luanio.EventType;
import io.luanio.lua.LuaArgs;
import io.luanio.lua.LuaModule;
import io.luanio.lua.ScriptEvent;
import io.luanio.lua.ScriptHost;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code rtos}: the Luat module's message queue, timers and start-up functions (SPEC.md
 * section 3). An ordinary writable table: LuaTask's {@code sys.lua} adds {@code rtos.on}.
 */
public final class RtosModule implements LuaModule {
    /** {@code rtos.INF_TIMEOUT}: wait forever. */
    public static final long INF_TIMEOUT = 4294967295L;
    /** The version string {@code get_version} returns. */
    public static final String VERSION = "luanio 0.1.0";

    static final int MSG_TIMER = 5;
    static final int WAIT_MSG_TIMEOUT = 4;

    /** Creates the module (found through {@link java.util.ServiceLoader}). */
    public RtosModule() {
    }

    @Override
    public String name() {
        return "rtos";
    }

    @Override
    public LuaValue load(ScriptHost host) {
        LuaTable t = new LuaTable();
        receive receive = new receive(host);
        t.set("receive", receive);
        t.set("recv", receive);
        t.set("timer_start", new timer_start(host.context()));
        t.set("timer_stop", new timer_stop(host.context()));
        t.set("tick", new tick(host));
        t.set("sleep", new sleep(host));
        t.set("get_version", new get_version());
        t.set("poweron_reason", new poweron_reason());
        t.set("poweron", new poweron());
        t.set("restart", new restart(host));

        t.set("MSG_TIMER", MSG_TIMER);
        t.set("WAIT_MSG_TIMEOUT", WAIT_MSG_TIMEOUT);
        t.set("INF_TIMEOUT", LuaValue.valueOf((double) INF_TIMEOUT));
        t.set("MSG_SOCK_RECV_IND", EventType.RECV_IND);
        t.set("MSG_SOCK_SEND_CNF", EventType.SEND_CNF);
        t.set("MSG_SOCK_CLOSE_CNF", EventType.CLOSE_CNF);
        t.set("MSG_SOCK_CONN_CNF", EventType.CONN_CNF);
        t.set("MSG_SOCK_SEND_IND", 35);
        t.set("MSG_SOCK_CLOSE_IND", EventType.CLOSE_IND);
        t.set("MSG_UART_RXDATA", 6);
        t.set("MSG_UART_TX_DONE", 7);
        t.set("MSG_PDP_ACT_CNF", 28);
        t.set("MSG_PDP_DEACT_CNF", 29);
        t.set("MSG_PDP_DEACT_IND", 30);
        String[] reasons = {"KEY", "CHARGER", "ALARM", "RESTART", "OTHER", "UNKNOWN", "EXCEPTION", "HOST", "WATCHDOG"};
        for (int i = 0; i < reasons.length; i++) {
            t.set("POWERON_" + reasons[i], i);
        }
        return t;
    }

    /**
     * {@code receive([timeout_ms])}: one message table; {@code MSG_TIMER, id}; or
     * {@code WAIT_MSG_TIMEOUT}. Never zero values.
     */
    static final class receive extends VarArgFunction {
        private final ScriptHost host;

        receive(ScriptHost host) {
            this.host = host;
        }

        @Override
        public Varargs invoke(Varargs args) {
            long timeoutMs = -1;
            if (!args.arg1().isnil()) {
                double t = LuaArgs.checkNumber(args, 1, "receive");
                timeoutMs = (t < 0 || t >= INF_TIMEOUT) ? -1 : (long) t;
            }
            ScriptEvent ev = host.nextEvent(timeoutMs);
            if (ev == null) {
                return LuaValue.valueOf(WAIT_MSG_TIMEOUT);
            }
            if (ev.type == EventType.TIMER) {
                return LuaValue.varargsOf(LuaValue.valueOf(MSG_TIMER), LuaValue.valueOf((double) ev.value));
            }
            return message(ev);
        }

        static LuaTable message(ScriptEvent ev) {
            LuaTable m = new LuaTable(0, 4);
            m.set("id", ev.type);
            m.set("socket_index", ev.socket);
            m.set("result", ev.result);
            if (ev.type == EventType.RECV_IND) {
                m.set("recv_len", LuaValue.valueOf((double) ev.value));
            } else if (ev.type == EventType.SEND_CNF) {
                m.set("send_len", LuaValue.valueOf((double) ev.value));
            } else if (ev.value != 0) {
                m.set("value", LuaValue.valueOf((double) ev.value));
            }
            return m;
        }
    }

    /** {@code timer_start(id, ms)}: 1, or 0 when it cannot (bad arguments, too many timers). */
    static final class timer_start extends VarArgFunction {
        private final Context ctx;

        timer_start(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue id = args.arg(1);
            LuaValue ms = args.arg(2);
            if (!id.isnumber() || !ms.isnumber()) {
                return LuaValue.ZERO;
            }
            double delay = ms.todouble();
            if (Double.isNaN(delay) || delay < 0) {
                return LuaValue.ZERO;
            }
            return ctx.startTimer((long) id.todouble(), (long) Math.ceil(delay)) ? LuaValue.ONE : LuaValue.ZERO;
        }
    }

    /** {@code timer_stop(id)}: 1; an unknown id does nothing. */
    static final class timer_stop extends VarArgFunction {
        private final Context ctx;

        timer_stop(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (args.arg1().isnumber()) {
                ctx.stopTimer((long) args.arg1().todouble());
            }
            return LuaValue.ONE;
        }
    }

    /** {@code tick()}: monotonic ticks of 1/16384 s since the script started. */
    static final class tick extends VarArgFunction {
        private final ScriptHost host;

        tick(ScriptHost host) {
            this.host = host;
        }

        @Override
        public Varargs invoke(Varargs args) {
            long elapsed = System.nanoTime() - host.startNanos();
            return LuaValue.valueOf((double) (elapsed / 1_000_000_000L * 16384 + (elapsed % 1_000_000_000L) * 16384 / 1_000_000_000L));
        }
    }

    /** {@code sleep(ms)}: blocks this script (not the loop) for {@code ms} milliseconds. */
    static final class sleep extends VarArgFunction {
        private final ScriptHost host;

        sleep(ScriptHost host) {
            this.host = host;
        }

        @Override
        public Varargs invoke(Varargs args) {
            double ms = LuaArgs.checkNumber(args, 1, "sleep");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos((long) Math.max(0, ms));
            // Messages that arrive meanwhile wait in the queue for receive.
            host.pumpUntil(() -> false, deadline);
            return LuaValue.NONE;
        }
    }

    /** {@code get_version()}. */
    static final class get_version extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return LuaValue.valueOf(VERSION);
        }
    }

    /** {@code poweron_reason()}: {@code POWERON_KEY}. */
    static final class poweron_reason extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return LuaValue.ZERO;
        }
    }

    /** {@code poweron(flag)}: nothing to power on here. */
    static final class poweron extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return LuaValue.NONE;
        }
    }

    /** {@code restart([reason])}: ends the script with the reason as its error. */
    static final class restart extends VarArgFunction {
        private final ScriptHost host;

        restart(ScriptHost host) {
            this.host = host;
        }

        @Override
        public Varargs invoke(Varargs args) {
            String reason = args.arg1().isnil() ? "restart" : "restart: " + args.arg1().tojstring();
            throw host.requestExit(1, reason);
        }
    }
}
