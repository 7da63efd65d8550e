package io.luanio.lua.poc;

import io.luanio.Context;
import io.luanio.EventType;
import io.luanio.ListenOptions;
import io.luanio.lua.ScriptHost;
import java.util.ArrayDeque;

/**
 * A listener of a script: accepted connections queue here until {@code accept} takes them.
 * Each becomes a socket object the moment its {@code ACCEPT_IND} arrives (for a TLS listener:
 * once its handshake is done), so its own events (bytes, the client's close) are kept for it
 * even when the script calls {@code accept} later.
 */
final class PocServer implements ScriptHost.EventSink, AutoCloseable {
    /** How long {@code server:close()} waits for the port to be released. */
    private static final long CLOSE_WAIT_NANOS = 5_000_000_000L;

    final ScriptHost host;
    final Context ctx;
    int id = -1;
    double timeoutSeconds = 30;
    private int listenResult = -1;
    private final ArrayDeque<PocSocket> accepted = new ArrayDeque<>();
    private boolean closed;
    private boolean closeConfirmed;

    PocServer(ScriptHost host) {
        this.host = host;
        this.ctx = host.context();
    }

    @Override
    public void onEvent(int type, int socket, int result, long value) {
        switch (type) {
            case EventType.CONN_CNF:
                listenResult = result;
                break;
            case EventType.ACCEPT_IND: {
                PocSocket s = PocSocket.accepted(host, (int) value, timeoutSeconds); // claims the new id now
                if (closed) {
                    s.close(); // nobody will take it
                } else {
                    accepted.add(s);
                }
                break;
            }
            case EventType.CLOSE_CNF:
                closeConfirmed = true;
                ctx.destroy(socket);
                host.release(socket);
                break;
            default:
                break;
        }
    }

    /** Starts listening; returns null or an error string. */
    String listen(String address, int port, int backlog, ListenOptions options) {
        id = ctx.listen(address, port, backlog, options);
        if (id < 0) {
            return Errors.of(ctx.lastError());
        }
        host.claim(id, this);
        host.onClose(this);
        host.pumpUntil(() -> listenResult >= 0, System.nanoTime() + (long) (timeoutSeconds * 1e9));
        if (listenResult == 0) {
            return null;
        }
        String error = listenResult < 0 ? Errors.TIMEOUT : Errors.of(ctx.reason(id));
        close();
        return error;
    }

    /** The next accepted connection, waiting up to the timeout; null on timeout. */
    PocSocket accept() {
        host.pumpUntil(() -> !accepted.isEmpty() || closed, System.nanoTime() + (long) (timeoutSeconds * 1e9));
        PocSocket next = accepted.poll();
        if (next != null) {
            next.timeoutSeconds = timeoutSeconds;
        }
        return next;
    }

    int port() {
        return id >= 0 ? ctx.localPort(id) : 0;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * {@code server:close()}: closes and waits (briefly) until the listener is gone, so the
     * port is free when it returns: a script can listen on it again at once.
     */
    void closeAndWait() {
        boolean wasOpen = !closed && id >= 0;
        close();
        if (wasOpen) {
            host.pumpUntil(() -> closeConfirmed, System.nanoTime() + CLOSE_WAIT_NANOS);
        }
    }

    /** Closes without waiting (also when the script ends). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        host.forget(this);
        if (id >= 0) {
            ctx.close(id);
        }
        PocSocket pending;
        while ((pending = accepted.poll()) != null) {
            pending.close();
        }
    }
}
