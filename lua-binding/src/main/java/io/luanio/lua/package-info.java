/**
 * The LuaJ binding: Lua modules on the luanio core (skeleton until the binding issue lands).
 */
package io.luanio.lua;
