package io.luanio.lua;

import io.luanio.ContextConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Per-script settings of the binding. Setters return {@code this}.
 */
public final class ScriptOptions {
    boolean verifyTls;
    int maxSockets = Integer.MAX_VALUE;
    int sendQueueBytes = ContextConfig.DEFAULT_SEND_QUEUE_BYTES;
    String name = "script";
    boolean luat;
    final List<String> libraryDirs = new ArrayList<>();
    long coroutineStackBytes = DEFAULT_COROUTINE_STACK_BYTES;
    int instance;
    ChunkCache chunkCache;

    /** The stack reserved for each coroutine thread unless set: 256 KiB. */
    public static final long DEFAULT_COROUTINE_STACK_BYTES = 256 * 1024;

    /** Creates options with the platforms' defaults (SPEC.md). */
    public ScriptOptions() {
    }

    /**
     * Verify chain and host name on every TLS socket, whatever the script says
     * (the runner's {@code --verify-tls}).
     *
     * @param verify true to force verification
     * @return this
     */
    public ScriptOptions verifyTls(boolean verify) {
        this.verifyTls = verify;
        return this;
    }

    /** @return true when verification is forced */
    public boolean verifyTls() {
        return verifyTls;
    }

    /**
     * The most sockets the script may hold at once (beyond it {@code sock_conn} returns nil).
     *
     * @param maxSockets at least 1
     * @return this
     */
    public ScriptOptions maxSockets(int maxSockets) {
        if (maxSockets < 1) {
            throw new IllegalArgumentException("maxSockets must be >= 1: maxSockets=" + maxSockets);
        }
        this.maxSockets = maxSockets;
        return this;
    }

    /**
     * The per-socket send queue bound.
     *
     * @param bytes at least 1
     * @return this
     */
    public ScriptOptions sendQueueBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("sendQueueBytes must be >= 1: sendQueueBytes=" + bytes);
        }
        this.sendQueueBytes = bytes;
        return this;
    }

    /**
     * A name for messages (usually the script's file name).
     *
     * @param name the name
     * @return this
     */
    public ScriptOptions name(String name) {
        this.name = name;
        return this;
    }

    /** @return the script's name */
    public String name() {
        return name;
    }

    /**
     * LuaTask mode (the runner's {@code --luat}, SPEC.md section 6): Lua 5.1 names and
     * semantics ({@code module}, implicit {@code arg}, {@code unpack}, ...), the stand-in
     * hardware modules, and module files ahead of built-in modules of the same name.
     *
     * @param luat true for LuaTask mode
     * @return this
     */
    public ScriptOptions luat(boolean luat) {
        this.luat = luat;
        return this;
    }

    /** @return true in LuaTask mode */
    public boolean luat() {
        return luat;
    }

    /**
     * Adds a folder of Lua modules to the front of {@code package.path} (the runner's
     * {@code -L DIR}); folders keep the order they were added in.
     *
     * @param dir the folder
     * @return this
     */
    public ScriptOptions libraryDir(String dir) {
        libraryDirs.add(dir);
        return this;
    }

    /** @return the module folders, in search order */
    public List<String> libraryDirs() {
        return Collections.unmodifiableList(libraryDirs);
    }

    /**
     * The stack reserved for each coroutine's thread (LuaJ runs every coroutine on a Java
     * thread). The JVM default is 1 MiB; 256 KiB holds a few hundred nested Lua calls.
     *
     * @param bytes at least 64 KiB
     * @return this
     */
    public ScriptOptions coroutineStackBytes(long bytes) {
        if (bytes < 64 * 1024) {
            throw new IllegalArgumentException("coroutineStackBytes must be >= 65536: coroutineStackBytes=" + bytes);
        }
        this.coroutineStackBytes = bytes;
        return this;
    }

    /** @return the stack reserved for each coroutine thread */
    public long coroutineStackBytes() {
        return coroutineStackBytes;
    }

    /** @return the instance number in a fleet ({@code --instances}), 1-based; 0 outside a fleet */
    public int instance() {
        return instance;
    }

    /** @return a copy of these options (the runner gives each script its own) */
    ScriptOptions copy() {
        ScriptOptions c = new ScriptOptions();
        c.verifyTls = verifyTls;
        c.maxSockets = maxSockets;
        c.sendQueueBytes = sendQueueBytes;
        c.name = name;
        c.luat = luat;
        c.libraryDirs.addAll(libraryDirs);
        c.coroutineStackBytes = coroutineStackBytes;
        c.instance = instance;
        c.chunkCache = chunkCache;
        return c;
    }

    /** @return the context configuration these options imply */
    ContextConfig contextConfig() {
        return new ContextConfig().maxSockets(maxSockets).sendQueueBytes(sendQueueBytes);
    }
}
