/**
 * The LuaJ binding: a request/response loop written in Lua with {@code socketcore} and
 * with the blocking POC {@code socket} module, beside the same work through the Java API
 * ({@link io.luanio.jmh.lua.LuaRoundTripBenchmark}).
 */
package io.luanio.jmh.lua;
