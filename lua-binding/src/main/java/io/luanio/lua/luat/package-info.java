/**
 * The Luat (openLuat Air724-class module) API: {@code socketcore} and {@code rtos}, as
 * SPEC.md sections 1-3 fix them, so scripts written for the module run unchanged; and
 * LuaTask mode ({@link io.luanio.lua.luat.LuatMode}, SPEC.md section 6), which runs a real
 * Luat application and its LuaTask library files (Lua 5.1) on LuaJ: the 5.1 names, the
 * source rewrites LuaJ's 5.2 parser needs ({@link io.luanio.lua.luat.Lua51Source}), and
 * stand-ins for the module's hardware.
 */
package io.luanio.lua.luat;
