package io.luanio.lua.poc;

import io.luanio.Context;
import io.luanio.EventType;
import io.luanio.lua.ScriptHost;
import java.util.ArrayDeque;

/** A listener of a script: accepted connections queue here until {@code accept} takes them. */
final class PocServer implements ScriptHost.EventSink, AutoCloseable {
    final ScriptHost host;
    final Context ctx;
    int id = -1;
    double timeoutSeconds = 30;
    private int listenResult = -1;
    private final ArrayDeque<Integer> accepted = new ArrayDeque<>();
    private boolean closed;

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
            case EventType.ACCEPT_IND:
                if (closed) {
                    discard((int) value); // nobody will take it
                } else {
                    accepted.add((int) value);
                }
                break;
            case EventType.CLOSE_CNF:
                ctx.destroy(socket);
                host.release(socket);
                break;
            default:
                break;
        }
    }

    /** Starts listening; returns null or an error string. */
    String listen(String address, int port, int backlog) {
        id = ctx.listen(address, port, backlog);
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

    /** The next accepted connection's id, waiting up to the timeout; -1 on timeout. */
    int accept() {
        host.pumpUntil(() -> !accepted.isEmpty() || closed, System.nanoTime() + (long) (timeoutSeconds * 1e9));
        Integer next = accepted.poll();
        return next == null ? -1 : next;
    }

    int port() {
        return id >= 0 ? ctx.localPort(id) : 0;
    }

    boolean isClosed() {
        return closed;
    }

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
        Integer pending;
        while ((pending = accepted.poll()) != null) {
            discard(pending);
        }
    }

    /** Closes an accepted connection nobody took; its CLOSE_CNF frees it. */
    private void discard(int socket) {
        host.claim(socket, (type, s, result, value) -> {
            if (type == EventType.CLOSE_CNF) {
                ctx.destroy(s);
                host.release(s);
            }
        });
        ctx.close(socket);
    }
}
