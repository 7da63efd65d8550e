/**
 * The Luat (openLuat Air724-class module) API: {@code socketcore} and {@code rtos}, as
 * SPEC.md sections 1-3 fix them, so scripts written for the module run unchanged.
 */
package io.luanio.lua.luat;
