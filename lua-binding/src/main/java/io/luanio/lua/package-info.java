/**
 * The LuaJ binding and the {@code luanio} runner.
 */
package io.luanio.lua;
