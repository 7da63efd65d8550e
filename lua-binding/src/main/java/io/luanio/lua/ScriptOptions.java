package io.luanio.lua;

import io.luanio.ContextConfig;

/**
 * Per-script settings of the binding. Setters return {@code this}.
 */
public final class ScriptOptions {
    boolean verifyTls;
    int maxSockets = Integer.MAX_VALUE;
    int sendQueueBytes = ContextConfig.DEFAULT_SEND_QUEUE_BYTES;
    String name = "script";

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

    /** @return the context configuration these options imply */
    ContextConfig contextConfig() {
        return new ContextConfig().maxSockets(maxSockets).sendQueueBytes(sendQueueBytes);
    }
}
