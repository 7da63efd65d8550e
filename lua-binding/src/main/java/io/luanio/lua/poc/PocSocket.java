package io.luanio.lua.poc;

import io.luanio.ConnectOptions;
import io.luanio.Context;
import io.luanio.ErrorCode;
import io.luanio.EventType;
import io.luanio.SocketType;
import io.luanio.lua.ScriptHost;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * One blocking socket of a script: the state its events build up, and the waits that
 * turn the asynchronous core into straight-line calls. Owned by the script's thread.
 */
final class PocSocket implements ScriptHost.EventSink, AutoCloseable {
    private static final byte[] NONE = new byte[0];

    final ScriptHost host;
    final Context ctx;
    boolean tls;
    double timeoutSeconds = 30;
    String serverName;
    TlsSettings tlsSettings;
    /** The {@code localport} option: the local port to bind before connecting (0: any). */
    long localPort;
    /** A listener accepted this socket (its server name is the one the client asked for). */
    private boolean accepted;

    int id = -1;
    boolean connected;
    private int connResult = -1;
    private boolean udp;
    /** UDP: datagrams announced and not yet received (an empty one has no bytes to see). */
    private int datagrams;
    private boolean peerClosed;
    private int peerCloseResult;
    private long sendsOutstanding;
    private boolean sendFailed;
    private boolean closed;

    PocSocket(ScriptHost host) {
        this.host = host;
        this.ctx = host.context();
    }

    /** Wraps a connection a listener accepted. */
    static PocSocket accepted(ScriptHost host, int id, double timeoutSeconds) {
        PocSocket s = new PocSocket(host);
        s.id = id;
        s.accepted = true;
        s.connected = true;
        s.connResult = 0;
        s.timeoutSeconds = timeoutSeconds;
        host.claim(id, s);
        host.onClose(s);
        return s;
    }

    @Override
    public void onEvent(int type, int socket, int result, long value) {
        switch (type) {
            case EventType.CONN_CNF:
                connResult = result;
                break;
            case EventType.RECV_IND:
                datagrams++;
                break;
            case EventType.SEND_CNF:
                sendsOutstanding--;
                if (result != 0) {
                    sendFailed = true;
                }
                break;
            case EventType.CLOSE_IND:
                peerClosed = true;
                peerCloseResult = result;
                break;
            case EventType.CLOSE_CNF:
                // Our close finished: free the slot.
                ctx.destroy(socket);
                host.release(socket);
                break;
            default:
                break;
        }
    }

    long deadline() {
        return System.nanoTime() + (long) (timeoutSeconds * 1e9);
    }

    /** {@code connect(type, host, port)}: {@code true, nil} or {@code nil, err}. */
    Varargs connect(String type, String address, int port) {
        if (closed) {
            return fail(Errors.CLOSED);
        }
        if (id >= 0) {
            return fail("already connected");
        }
        int socketType;
        if ("tcp".equals(type)) {
            socketType = tls ? SocketType.SSL : SocketType.TCP;
        } else if ("udp".equals(type)) {
            if (tls) {
                return fail("tls: not available over udp");
            }
            socketType = SocketType.UDP;
            udp = true;
        } else {
            return fail("unsupported type: " + type + " (tcp or udp)");
        }
        if (port < 0 || port > 65535) {
            return fail("port out of range: " + port);
        }
        if (localPort < 0 || localPort > 65535) {
            return fail("localport out of range: " + localPort);
        }
        long deadline = deadline();
        ConnectOptions options = new ConnectOptions().timeoutMs(Math.max(1, (long) Math.ceil(timeoutSeconds * 1000)))
            .localPort((int) localPort);
        if (socketType == SocketType.SSL) {
            String error = TlsSettings.apply(this, address, options);
            if (error != null) {
                return fail(error);
            }
        }
        int newId = ctx.connect(socketType, address, port, options);
        if (newId < 0) {
            return fail(Errors.of(ctx.lastError()));
        }
        id = newId;
        host.claim(id, this);
        host.onClose(this);
        host.pumpUntil(() -> connResult >= 0, deadline);
        if (connResult == 0) {
            connected = true;
            return LuaValue.varargsOf(LuaValue.TRUE, LuaValue.NIL);
        }
        String error = connResult < 0 || ctx.tlsError(id) == ErrorCode.ERR_ETIMEOUT ? Errors.TIMEOUT : Errors.of(ctx.reason(id));
        abandon();
        return fail(error);
    }

    /** {@code send(data)}: {@code true} once every byte was written, or {@code false, err}. */
    Varargs send(LuaString data) {
        if (closed || !connected) {
            return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(closed ? Errors.CLOSED : Errors.NOT_CONNECTED));
        }
        long deadline = deadline();
        int off = 0;
        int len = data.m_length;
        do {
            if (peerClosed && peerCloseResult != 0) {
                return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(Errors.of(ctx.reason(id))));
            }
            int room = ctx.sendQueueFree(id);
            int n = Math.min(len - off, Math.max(room, 0));
            if (n == 0 && len > 0) {
                // The queue is full: wait for the loop to write some of it.
                long before = sendsOutstanding;
                if (!host.pumpUntil(() -> sendsOutstanding < before || sendFailed || peerClosed, deadline)) {
                    return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(Errors.TIMEOUT));
                }
                continue;
            }
            int rc = ctx.send(id, data.m_bytes, data.m_offset + off, n);
            if (rc == ErrorCode.ERR_ENOBUFS) {
                continue;
            }
            if (rc != ErrorCode.ERR_OK) {
                return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(
                    rc == ErrorCode.ERR_ENOTCONN ? Errors.of(ctx.reason(id)) : "send failed: error " + rc));
            }
            sendsOutstanding++;
            off += n;
        } while (off < len);
        if (!host.pumpUntil(() -> sendsOutstanding == 0 || sendFailed, deadline)) {
            return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(Errors.TIMEOUT));
        }
        if (sendFailed) {
            sendFailed = false;
            return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(Errors.of(ctx.reason(id))));
        }
        return LuaValue.TRUE;
    }

    /** {@code recv(size)}: {@code data, #data, nil}, or {@code "", 0, err}. */
    Varargs recv(int size) {
        if (closed) {
            return recvFail(Errors.CLOSED);
        }
        if (!connected) {
            return recvFail(Errors.NOT_CONNECTED);
        }
        long deadline = deadline();
        host.pumpUntil(() -> ctx.available(id) > 0 || peerClosed || (udp && datagrams > 0), deadline);
        int available = ctx.available(id);
        if (available > 0 || (udp && datagrams > 0)) {
            int want = Math.min(size, available);
            byte[] buf = want == 0 ? NONE : new byte[want];
            int n = ctx.recv(id, buf, 0, want);
            if (udp) {
                datagrams--;
            }
            host.countReceived(n);
            return LuaValue.varargsOf(n == 0 ? LuaValue.EMPTYSTRING : LuaString.valueUsing(buf, 0, n), LuaValue.valueOf(n), LuaValue.NIL);
        }
        if (peerClosed) {
            return recvFail(peerCloseResult == 0 ? Errors.EOF : Errors.of(ctx.reason(id)));
        }
        return recvFail(Errors.TIMEOUT);
    }

    private static Varargs recvFail(String error) {
        return LuaValue.varargsOf(LuaValue.EMPTYSTRING, LuaValue.ZERO, LuaValue.valueOf(error));
    }

    private static Varargs fail(String error) {
        return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(error));
    }

    /** Closes and, once closed, frees the socket; returns at once. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connected = false;
        host.forget(this);
        if (id >= 0) {
            abandon();
        }
    }

    private void abandon() {
        // The CLOSE_CNF (always posted) destroys the slot when it arrives (onEvent).
        ctx.close(id);
        connected = false;
    }

    /** {@code port()}: the local port, or nil before the socket is connected (and after close). */
    LuaValue port() {
        int port = id >= 0 && connected ? ctx.localPort(id) : 0;
        return port > 0 ? LuaValue.valueOf(port) : LuaValue.NIL;
    }

    /**
     * {@code servername()} without an argument: for a socket a TLS listener accepted, the
     * name the client asked for (SNI), else the name this socket was given; or nil.
     */
    LuaValue serverName() {
        if (!accepted) {
            return serverName == null ? LuaValue.NIL : LuaValue.valueOf(serverName);
        }
        SSLSession session = id >= 0 ? ctx.tlsSession(id) : null;
        if (session instanceof ExtendedSSLSession) {
            for (SNIServerName name : ((ExtendedSSLSession) session).getRequestedServerNames()) {
                if (name instanceof SNIHostName) {
                    return LuaValue.valueOf(((SNIHostName) name).getAsciiName());
                }
            }
        }
        return LuaValue.NIL;
    }

    /** The options table keys this socket understands, applied. */
    void configure(LuaTable options) {
        LuaValue v = options.get("tls");
        if (!v.isnil()) {
            tls = v.toboolean();
        }
        v = options.get("timeout");
        if (!v.isnil()) {
            timeoutSeconds = Math.max(0, v.checkdouble());
        }
        v = options.get("servername");
        if (!v.isnil()) {
            serverName = v.checkjstring();
        }
        v = options.get("localport");
        if (!v.isnil()) {
            localPort = v.checklong(); // out of range: connect says so
        }
        tlsSettings = TlsSettings.from(options);
    }
}
