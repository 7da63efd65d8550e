package io.luanio.lua.luat;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Stand-ins for the module's C libraries that the LuaTask libraries touch: {@code uart},
 * {@code pmd} and {@code pio}. They accept every call and do nothing harmful: there is no
 * serial port, power domain or pin here. Each is an ordinary writable table (LuaTask's
 * {@code clib.lua} sets {@code uart.on}, {@code patch.lua} wraps {@code uart.write}).
 * Constants have the module's eLua-style values.
 */
final class HardwareStandIns {
    private HardwareStandIns() {
    }

    /** {@code uart}: setup returns the baud rate asked for; read returns "". */
    static LuaTable uart() {
        LuaTable t = new LuaTable();
        t.set("setup", new returnsArg(2));
        t.set("write", new returnsArg(0));
        t.set("read", new returnsEmptyString());
        t.set("close", new returnsArg(0));
        t.set("on", new returnsArg(0));
        t.set("set_rs485_oe", new returnsArg(0));
        t.set("ATC", 255);
        t.set("PAR_EVEN", 0);
        t.set("PAR_ODD", 1);
        t.set("PAR_NONE", 2);
        t.set("STOP_1", 0);
        t.set("STOP_1_5", 1);
        t.set("STOP_2", 2);
        return t;
    }

    /** {@code pmd}: sleep, LDO switches, charger queries. */
    static LuaTable pmd() {
        LuaTable t = new LuaTable();
        t.set("sleep", new returnsArg(0));
        t.set("ldoset", new returnsArg(0));
        t.set("init", new returnsArg(0));
        t.set("charger", new returnsArg(0));
        t.set("chrcheck", new returnsArg(0));
        String[] ldos = {"LDO_VLCD", "LDO_VMMC", "LDO_VCAM", "LDO_VSIM1", "LDO_VSIM2", "LDO_VIB", "LDO_KEYPAD",
            "LDO_VBACKLIGHT_R", "LDO_VBACKLIGHT_G", "LDO_VBACKLIGHT_B", "LDO_VBACKLIGHT_W", "LDO_VASW", "LDO_VCAMA",
            "LDO_VCAMD", "LDO_VLCD_MAIN", "LDO_VUSB"};
        for (int i = 0; i < ldos.length; i++) {
            t.set(ldos[i], i);
        }
        return t;
    }

    /** {@code pio}: pin constants {@code P0_0}..{@code P1_31} and {@code pio.pin.*}. */
    static LuaTable pio() {
        LuaTable t = new LuaTable();
        LuaTable pin = new LuaTable();
        pin.set("setdir", new returnsArg(0));
        pin.set("setval", new returnsArg(0));
        pin.set("getval", new returnsZero());
        pin.set("close", new returnsArg(0));
        pin.set("setpull", new returnsArg(0));
        pin.set("setdebounce", new returnsArg(0));
        t.set("pin", pin);
        for (int port = 0; port < 2; port++) {
            for (int i = 0; i < 32; i++) {
                t.set("P" + port + "_" + i, port * 32 + i);
            }
        }
        t.set("INPUT", 0);
        t.set("OUTPUT", 1);
        t.set("INT", 2);
        t.set("OUTPUT1", 3);
        t.set("PULLUP", 1);
        t.set("PULLDOWN", 2);
        t.set("NOPULL", 0);
        return t;
    }

    /** Returns its argument number {@code index} (0: nothing). */
    static final class returnsArg extends VarArgFunction {
        private final int index;

        returnsArg(int index) {
            this.index = index;
        }

        @Override
        public Varargs invoke(Varargs args) {
            return index == 0 ? NONE : args.arg(index);
        }
    }

    /** Returns "" (no bytes ever arrive). */
    static final class returnsEmptyString extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return EMPTYSTRING;
        }
    }

    /** Returns 0 (a pin reads low). */
    static final class returnsZero extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return ZERO;
        }
    }
}
