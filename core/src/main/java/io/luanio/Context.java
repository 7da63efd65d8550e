package io.luanio;

import io.luanio.collections.LongLongHashMap;
import io.luanio.dns.LookupResult;
import io.luanio.ring.EventRing;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSession;

/**
 * One consumer of an {@link EventLoop}: a set of sockets and timers, and the ring of
 * events they produce. One Lua state, or one Java component, is one context.
 *
 * <pre>{@code
 * Context ctx = loop.newContext();
 * int id = ctx.connect(SocketType.TCP, "127.0.0.1", 8080);
 * Event ev = new Event();
 * while (ctx.next(ev, 5_000)) {
 *     if (ev.type() == EventType.CONN_CNF && ev.result() == 0) ctx.send(id, "hello".getBytes());
 *     if (ev.type() == EventType.RECV_IND) { byte[] b = new byte[(int) ev.value()]; ctx.recv(id, b, 0, b.length); }
 * }
 * }</pre>
 *
 * <h2>Thread contract</h2>
 * A context is confined to one thread at a time, its owner: every method except
 * {@link #isClosed()} must be called by that thread (hand it over with your own
 * happens-before edge if you must). Different contexts are independent and may be used
 * from different threads at once. Calls never block on the network: they queue work for
 * the loop and return; outcomes arrive as events ({@link EventType}). Only
 * {@link #poll}, {@link #next} and {@link #close()} wait.
 *
 * <p>A context made with {@link ContextConfig#handlerOnLoop} is owned by the loop thread
 * instead: its events go to that handler at the end of each loop turn, and its methods are
 * called from the handler (or from {@link EventLoop#execute(Runnable)} tasks); it has no
 * {@code poll}.
 *
 * <h2>Ids</h2>
 * Socket ids are non-negative ints. An id that this context did not open (or already
 * destroyed) is an unknown id: {@code send} returns {@link ErrorCode#ERR_EARG},
 * {@code recv} returns 0, {@code destroy} false, and {@code close} still answers with a
 * {@code CLOSE_CNF}. A context can never reach another context's socket.
 *
 * <h2>Failures</h2>
 * Synchronous misuse (a null array, a negative length) throws; everything the network
 * does is a return code or an event, and {@link #reason(int)} says why a socket failed.
 */
public final class Context implements AutoCloseable {
    /** What {@link #poll} returns once the context (or its loop) is closed. */
    public static final int CLOSED = -1;

    private static final int MAX_DATAGRAM = 65507;

    final Loop loop;
    final ContextConfig config;
    final EventRing ring;
    final int index;
    final AtomicInteger socketCount = new AtomicInteger();
    private volatile boolean closed;
    private volatile Thread waiter;
    private final AtomicBoolean drainSignalPending = new AtomicBoolean();

    // Owner-thread state.
    private String lastError;
    private final LongLongHashMap timerGenerations = new LongLongHashMap(16, 0L);
    private int timerGeneration;
    private final LookupTable lookups = new LookupTable();
    private int nextLookupId;
    private final Dispatch dispatch = new Dispatch();
    private final Filler filler = new Filler();
    /** The handler on the loop thread (ContextConfig.handlerOnLoop), guarded; null in poll mode. */
    private final EventHandler onLoop;

    // Loop-thread state.
    long[] overflow = new long[0];
    int overflowHead;
    int overflowCount;
    volatile boolean overflowing;
    boolean touched;
    Slot pausedHead;
    final LongLongHashMap loopTimers = new LongLongHashMap(16, 0L);

    Context(Loop loop, ContextConfig config, int index) {
        this.loop = loop;
        this.config = config;
        this.ring = new EventRing(config.eventRingCapacity);
        this.index = index;
        this.onLoop = config.handlerOnLoop == null ? null : new GuardedHandler(loop, config.handlerOnLoop);
    }

    // ------------------------------------------------------------------ sockets

    /**
     * Opens a socket and starts connecting it, with the context's default options (for
     * {@link SocketType#SSL}: TLS verified against the JDK's trust store).
     *
     * @param type {@link SocketType#TCP}, {@link SocketType#UDP} or {@link SocketType#SSL}
     * @param host an IP literal (v4 or v6) or a host name
     * @param port 0..65535
     * @return the new socket's id, or -1 ({@link #lastError()} says why)
     * @see #connect(int, String, int, ConnectOptions)
     */
    public int connect(int type, String host, int port) {
        return connect(type, host, port, null);
    }

    /**
     * Opens a socket and starts connecting it. The outcome is a {@link EventType#CONN_CNF}:
     * result 0 once connected (UDP: once the address is known; SSL: once the TLS handshake
     * is done), result 1 on refusal, timeout, a host name that does not resolve
     * ({@link #reason(int)} then says why, e.g. {@code "no such host: example.com"}), a TLS
     * failure (then {@link #reason(int)} starts with {@code "tls: "} and
     * {@link #tlsError(int)} gives its code), or {@link #close(int)} before it completed.
     *
     * <p>A host name is resolved on the loop (see {@code io.luanio.dns.Resolver}); TCP then
     * races the addresses of both families (RFC 8305 Happy Eyeballs), UDP takes the first
     * address that connects. The connect timeout covers the lookup too.
     *
     * <p>SSL sockets take their settings from {@link ConnectOptions#tls}, by default
     * {@code new TlsOptions()}: the server's chain and host name are verified. The engine
     * is set up here, on the calling thread; the first connect with given trust material
     * also builds its {@code SSLContext} (loading the JDK's trust store takes tens of
     * milliseconds), later ones reuse it. Unusable TLS material does not make this method
     * fail: the socket's {@code CONN_CNF} reports it (result 1, {@code ERR_SSL_EINIT}).
     *
     * @param type {@link SocketType#TCP}, {@link SocketType#UDP} or {@link SocketType#SSL}
     * @param host an IP literal (v4 or v6) or a host name; at most 255 bytes
     * @param port 0..65535
     * @param options optional settings, or null
     * @return the new socket's id, or -1 when no socket could be opened: bad type, port or
     *     host, the context or loop is closed, or the socket table or this context's
     *     {@link ContextConfig#maxSockets(int) quota} is full ({@link #lastError()} says which)
     */
    public int connect(int type, String host, int port, ConnectOptions options) {
        if (type != SocketType.TCP && type != SocketType.UDP && type != SocketType.SSL) {
            return fail("unsupported socket type: type=" + type);
        }
        if (port < 0 || port > 65535) {
            return fail("port must be in 0..65535: port=" + port);
        }
        if (host == null || host.isEmpty() || !fitsIn255Bytes(host)) {
            return fail("host must be 1..255 bytes: host=" + host);
        }
        int kind = type == SocketType.UDP ? Slot.KIND_UDP : type == SocketType.SSL ? Slot.KIND_TLS : Slot.KIND_TCP;
        Slot slot = openSlot(kind, options);
        if (slot == null) {
            return -1;
        }
        int id = slot.id;
        if (kind == Slot.KIND_TLS) {
            long timeoutMs = options != null && options.timeoutMs > 0 ? options.timeoutMs : config.connectTimeoutMs;
            slot.tls = TlsState.prepare(options == null ? null : options.tls, host, port, timeoutMs);
        }
        loop.submit(new Command.Connect(slot, id, host, port, options));
        return id;
    }

    /**
     * Opens a TCP listener. The outcome is a {@link EventType#CONN_CNF} (result 0 once it
     * listens; then {@link #localPort(int)} is the bound port); every accepted connection is
     * an {@link EventType#ACCEPT_IND} whose value is the new socket's id, owned by this
     * context.
     *
     * @param host an IP literal to bind, or null / "" / "*" for every interface
     * @param port 0..65535; 0 picks a free port
     * @param backlog pending-connection queue length; 0 or less for the system default
     * @return the listener's id, or -1 ({@link #lastError()} says why)
     * @see #listen(String, int, int, ListenOptions)
     */
    public int listen(String host, int port, int backlog) {
        return listen(host, port, backlog, null);
    }

    /**
     * Opens a listener, TCP or (with {@link ListenOptions#tls}) TLS. The outcome is a
     * {@link EventType#CONN_CNF}: result 0 once it listens ({@link #localPort(int)} is then
     * the bound port), result 1 when it cannot bind, or, for TLS, when the server's
     * certificates or settings cannot be used ({@link #reason(int)} starts with
     * {@code "tls: "}, {@link #tlsError(int)} is {@link ErrorCode#ERR_SSL_EINIT}). The PEM
     * text is parsed and the {@code SSLContext} built here, on the calling thread, once per
     * listener.
     *
     * <p>Every accepted connection is an {@link EventType#ACCEPT_IND} on the listener whose
     * value is the new socket's id, owned by this context and already connected.
     *
     * <p><b>TLS listeners.</b> An accepted connection is announced only once its server
     * handshake is complete: after its {@code ACCEPT_IND} it is an {@link SocketType#SSL}
     * socket exactly like a connected one (send at once; {@link #tlsSession(int)} holds the
     * session, with the client's certificate when one was asked for and the server name the
     * client requested; {@link #applicationProtocol(int)} the ALPN result). A connection
     * whose handshake fails (not TLS, a refused or missing client certificate, no common
     * version or ALPN protocol, the handshake timeout, the client leaving) is closed without
     * any event, since its owner never saw it; {@link #reason(int)} of the listener says why
     * the last one was dropped. Until its handshake ends a connection holds a socket of this
     * context's quota. Closing the listener drops the handshakes still running.
     *
     * @param host an IP literal to bind, or null / "" / "*" for every interface
     * @param port 0..65535; 0 picks a free port
     * @param backlog pending-connection queue length; 0 or less for the system default
     * @param options optional settings (TLS), or null for a plain TCP listener
     * @return the listener's id, or -1 ({@link #lastError()} says why)
     */
    public int listen(String host, int port, int backlog, ListenOptions options) {
        if (port < 0 || port > 65535) {
            return fail("port must be in 0..65535: port=" + port);
        }
        InetAddress address = null;
        if (host != null && !host.isEmpty() && !"*".equals(host)) {
            address = InetLiterals.parse(host);
            if (address == null) {
                return fail("listen needs an IP literal: host=" + host);
            }
        }
        TlsListener tls = null;
        if (options != null && options.tls != null) {
            if (closed) {
                return fail("context is closed");
            }
            tls = TlsListener.prepare(options.tls, config.connectTimeoutMs);
        }
        Slot slot = openSlot(Slot.KIND_LISTENER, null);
        if (slot == null) {
            return -1;
        }
        slot.tlsListener = tls; // handed to the loop with the listen command
        int id = slot.id;
        InetSocketAddress local = address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
        loop.submit(new Command.Listen(slot, id, local, backlog));
        return id;
    }

    /**
     * Queues bytes to send (copied; the array may be reused at once). Exactly one
     * {@link EventType#SEND_CNF} answers a queued send, after its last byte was written
     * (UDP: one datagram).
     *
     * @param id the socket
     * @param data the bytes
     * @return {@link ErrorCode#ERR_OK}; {@link ErrorCode#ERR_ENOBUFS} when the send queue has
     *     no room (see {@link #sendQueueFree(int)}); {@link ErrorCode#ERR_ENOTCONN} when not
     *     connected (yet, or any more); {@link ErrorCode#ERR_EARG} for an unknown id, or a
     *     datagram that is empty (java.nio cannot send one) or over 65507 bytes
     */
    public int send(int id, byte[] data) {
        return send(id, data, 0, data.length);
    }

    /**
     * Queues {@code data[off, off+len)} to send; see {@link #send(int, byte[])}.
     *
     * @param id the socket
     * @param data the bytes
     * @param off offset of the first byte
     * @param len number of bytes
     * @return an {@link ErrorCode}
     */
    public int send(int id, byte[] data, int off, int len) {
        checkRange(data.length, off, len);
        Slot slot = own(id);
        if (slot == null || (slot.kind == Slot.KIND_UDP && (len > MAX_DATAGRAM || len == 0))) {
            return ErrorCode.ERR_EARG;
        }
        slot.enterSendGate();
        int result;
        try {
            result = queueSend(slot, data, off, len, null);
        } finally {
            slot.exitSendGate();
        }
        afterSend(slot, result);
        return result;
    }

    /**
     * Queues the remaining bytes of {@code data} to send (copied; on success
     * {@code data} is consumed); see {@link #send(int, byte[])}.
     *
     * @param id the socket
     * @param data the bytes
     * @return an {@link ErrorCode}
     */
    public int send(int id, ByteBuffer data) {
        Slot slot = own(id);
        if (slot == null || (slot.kind == Slot.KIND_UDP && (data.remaining() > MAX_DATAGRAM || !data.hasRemaining()))) {
            return ErrorCode.ERR_EARG;
        }
        slot.enterSendGate();
        int result;
        try {
            result = queueSend(slot, null, 0, data.remaining(), data);
        } finally {
            slot.exitSendGate();
        }
        afterSend(slot, result);
        return result;
    }

    private int queueSend(Slot slot, byte[] array, int off, int len, ByteBuffer buffer) {
        if (slot.state != Slot.CONNECTED) {
            return ErrorCode.ERR_ENOTCONN;
        }
        if (slot.sendLengths.writable() < 4) {
            return ErrorCode.ERR_ENOBUFS;
        }
        boolean queued = buffer == null ? slot.send.offer(array, off, len) : slot.send.offer(buffer);
        if (!queued) {
            return ErrorCode.ERR_ENOBUFS;
        }
        slot.sendLengths.offerInt(len);
        return ErrorCode.ERR_OK;
    }

    private void afterSend(Slot slot, int result) {
        // A refused send on a closing socket also signals: the loop may be waiting for
        // the send gate to open before it fails what is left in the queue.
        if (result == ErrorCode.ERR_OK || slot.state == Slot.CLOSING) {
            loop.signal(slot, Slot.SIGNAL_SEND);
        }
    }

    /**
     * Free bytes in a socket's send queue: what {@code send} can still accept.
     *
     * @param id the socket
     * @return free bytes, 0 for an unknown id
     */
    public int sendQueueFree(int id) {
        Slot slot = own(id);
        if (slot == null || slot.send == null) {
            return 0;
        }
        return slot.sendLengths.writable() < 4 ? 0 : slot.send.writable();
    }

    /**
     * Reads received bytes (TCP: up to {@code len} stream bytes; UDP: one datagram,
     * truncated to {@code len}). Bytes stay readable after {@code CLOSE_IND} until
     * {@link #destroy(int)}.
     *
     * @param id the socket
     * @param dst destination
     * @param off offset in {@code dst}
     * @param len the most bytes to read
     * @return bytes read; 0 when none are waiting or the id is unknown
     */
    public int recv(int id, byte[] dst, int off, int len) {
        checkRange(dst.length, off, len);
        Slot slot = own(id);
        if (slot == null || slot.recv == null) {
            return 0;
        }
        int n;
        if (slot.kind == Slot.KIND_UDP) {
            n = Math.max(0, slot.recv.pollFrame(dst, off, len));
        } else {
            n = slot.recv.poll(dst, off, len);
        }
        afterRecv(slot);
        return n;
    }

    /**
     * Reads received bytes into {@code dst} (up to its remaining space); see
     * {@link #recv(int, byte[], int, int)}.
     *
     * @param id the socket
     * @param dst destination buffer
     * @return bytes read
     */
    public int recv(int id, ByteBuffer dst) {
        Slot slot = own(id);
        if (slot == null || slot.recv == null) {
            return 0;
        }
        int n;
        if (slot.kind == Slot.KIND_UDP) {
            n = Math.max(0, slot.recv.pollFrame(dst));
        } else {
            n = slot.recv.poll(dst);
        }
        afterRecv(slot);
        return n;
    }

    private void afterRecv(Slot slot) {
        // The volatile store publishes the read; the load after it pairs with the loop's
        // "ackWanted, then recvAnnounce" (see Slot).
        slot.recvAnnounce = Slot.IDLE;
        if (slot.ackWanted || (slot.kind != Slot.KIND_UDP && slot.recv.readable() > 0)) {
            loop.signal(slot, Slot.SIGNAL_RECV);
        }
    }

    /**
     * Bytes waiting to be read (UDP: the size of the next datagram).
     *
     * @param id the socket
     * @return bytes readable now, 0 for an unknown id
     */
    public int available(int id) {
        Slot slot = own(id);
        if (slot == null || slot.recv == null) {
            return 0;
        }
        if (slot.kind == Slot.KIND_UDP) {
            return slot.recv.readable() >= 4 ? slot.recv.peekInt() : 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, slot.recv.readable());
    }

    /**
     * Closes a socket gracefully: queued bytes are written first, then the connection is
     * closed and a {@link EventType#CLOSE_CNF} posted. A {@code CLOSE_CNF} is posted for
     * every call, also when the socket had already failed or been closed by its peer, and
     * for an unknown id. Closing a socket that is still connecting ends the attempt with
     * {@code CONN_CNF} result 1 first.
     *
     * @param id the socket
     */
    public void close(int id) {
        if (closed) {
            return;
        }
        Slot slot = own(id);
        while (slot != null) {
            int state = slot.state;
            if (state == Slot.CONNECTING || state == Slot.CONNECTED || state == Slot.LISTENING) {
                if (slot.casState(state, Slot.CLOSING)) {
                    loop.signal(slot, Slot.SIGNAL_CLOSE);
                    return;
                }
            } else {
                break;
            }
        }
        loop.submit(new Command.PostCloseCnf(this, id));
    }

    /**
     * Frees a closed socket's slot (and any bytes it still holds); its id becomes unknown
     * and the slot may be reused. A socket is closed once its {@code CLOSE_CNF}, its failed
     * {@code CONN_CNF}, or its {@code CLOSE_IND} with result 1 has been posted.
     *
     * @param id the socket
     * @return true when the socket was closed and is now freed; false when it is still
     *     open or closing, or the id is unknown
     */
    public boolean destroy(int id) {
        Slot slot = own(id);
        if (slot == null || !slot.casState(Slot.CLOSED, Slot.FREE)) {
            return false;
        }
        loop.release(slot);
        return true;
    }

    /**
     * Sets a socket option ({@link SocketOptions}); may be called while connecting (it is
     * applied once the channel exists).
     *
     * @param id the socket
     * @param level {@link SocketOptions#SOL_SOCKET} or {@link SocketOptions#IPPROTO_TCP}
     * @param name the option
     * @param value its value
     * @return 0 when accepted; -1 for an unknown id, a closed socket, an option this
     *     socket type or JVM does not support, or a value out of range
     */
    public int setOption(int id, int level, int name, int value) {
        Slot slot = own(id);
        if (slot == null || !SocketOptionSupport.accepts(slot.kind, level, name, value)) {
            return -1;
        }
        int state = slot.state;
        if (state != Slot.CONNECTING && state != Slot.CONNECTED && state != Slot.LISTENING) {
            return -1;
        }
        loop.submit(new Command.SetOption(slot, id, level, name, value));
        return 0;
    }

    /**
     * Why a socket failed or closed, in words (for logs and error messages).
     *
     * @param id the socket
     * @return the reason, or null when there is none (or the id is unknown)
     */
    public String reason(int id) {
        Slot slot = own(id);
        return slot == null ? null : slot.reason;
    }

    /**
     * The code of a TLS socket's failure, for bindings that report {@code ERR_*} numbers:
     * {@link ErrorCode#ERR_SSL_EHANDESHAK} for a failed handshake (verification, alert,
     * protocol mismatch, the server closing it), {@link ErrorCode#ERR_ETIMEOUT} when the
     * handshake timed out, {@link ErrorCode#ERR_SSL_EINIT} for TLS material or settings
     * that cannot be used (bad PEM, encrypted key, ALPN on an old JVM; also a TLS listener's
     * failed {@code CONN_CNF}), and
     * {@link ErrorCode#ERR_SSL_EINVALID} for a failure after the handshake (a bad record,
     * an alert, or the connection ending without {@code close_notify}). {@link #reason(int)}
     * says the same in words.
     *
     * @param id the socket
     * @return the code, or {@link ErrorCode#ERR_OK} when there was no TLS failure (or the id
     *     is unknown)
     */
    public int tlsError(int id) {
        Slot slot = own(id);
        return slot == null ? ErrorCode.ERR_OK : slot.tlsError;
    }

    /**
     * The TLS session of an SSL socket, once its {@code CONN_CNF} (result 0) was posted:
     * protocol ({@code getProtocol()}), cipher suite, the server's certificates.
     *
     * @param id the socket
     * @return the session, or null (not an SSL socket, not connected yet, unknown id)
     */
    public SSLSession tlsSession(int id) {
        Slot slot = own(id);
        return slot == null ? null : slot.tlsSession;
    }

    /**
     * The application protocol ALPN settled on ({@link io.luanio.tls.TlsOptions#alpn}), once
     * an SSL socket's {@code CONN_CNF} (result 0) was posted.
     *
     * @param id the socket
     * @return the protocol, or null when none was agreed (or none offered, or unknown id)
     */
    public String applicationProtocol(int id) {
        Slot slot = own(id);
        return slot == null ? null : slot.applicationProtocol;
    }

    /**
     * The local port of a connected socket or a listener.
     *
     * @param id the socket
     * @return the port, or 0 when not known (yet)
     */
    public int localPort(int id) {
        Slot slot = own(id);
        return slot == null ? 0 : slot.localPort;
    }

    /**
     * The remote address of a connected or accepted socket.
     *
     * @param id the socket
     * @return the address, or null when not known (yet)
     */
    public InetSocketAddress remoteAddress(int id) {
        Slot slot = own(id);
        return slot == null ? null : slot.remote;
    }

    /** @return the number of sockets this context holds (open, or closed and not destroyed) */
    public int socketCount() {
        return socketCount.get();
    }

    // ------------------------------------------------------------------ lookups

    /**
     * Starts resolving a name to its IPv4 and IPv6 addresses; see
     * {@link #lookup(String, int)}.
     *
     * @param name a host name or an IP literal
     * @return the lookup id (&gt;= 0), or -1 ({@link #lastError()} says why)
     */
    public int lookup(String name) {
        return lookup(name, LookupResult.FAMILY_ANY);
    }

    /**
     * Starts resolving a name on the loop. The outcome is one {@link EventType#LOOKUP_CNF}
     * whose {@code socket} field is the returned id: result 0 with the number of addresses,
     * or result 1 with the failure status ({@link LookupResult#NXDOMAIN},
     * {@link LookupResult#TIMEOUT}, ...) as its value. Then {@link #lookupResult(int)} gives
     * the addresses or the reason. The loop never blocks on the name: hosts file, cache
     * and literals answer at once, DNS queries run on the selector.
     *
     * @param name a host name or an IP literal; at most 255 bytes
     * @param family {@link LookupResult#FAMILY_ANY}, {@link LookupResult#FAMILY_IPV4} or
     *     {@link LookupResult#FAMILY_IPV6}
     * @return the lookup id (&gt;= 0), or -1 when the context or loop is closed, the name is
     *     empty or too long, the family unknown, or {@link ContextConfig#maxLookups(int)}
     *     results are waiting to be taken ({@link #lastError()} says which)
     */
    public int lookup(String name, int family) {
        if (closed) {
            return fail("context is closed");
        }
        if (family != LookupResult.FAMILY_ANY && family != LookupResult.FAMILY_IPV4 && family != LookupResult.FAMILY_IPV6) {
            return fail("family must be 0 (any), 4 or 6: family=" + family);
        }
        if (name == null || name.isEmpty() || !fitsIn255Bytes(name)) {
            return fail("name must be 1..255 bytes: name=" + name);
        }
        if (lookups.size() >= config.maxLookups) {
            return fail("too many lookups whose result was not taken: maxLookups=" + config.maxLookups);
        }
        int id;
        do {
            id = nextLookupId;
            nextLookupId = (nextLookupId + 1) & Integer.MAX_VALUE;
        } while (lookups.get(id) != null);
        Command.Lookup command = new Command.Lookup(this, id, name, family);
        lookups.put(id, command);
        if (!loop.submit(command)) {
            lookups.remove(id);
            return fail("event loop is closed");
        }
        return id;
    }

    /**
     * Takes the result of a finished lookup (after its {@link EventType#LOOKUP_CNF}): the
     * first call returns it and forgets it, later calls return null.
     *
     * @param lookupId an id from {@link #lookup(String, int)}
     * @return the result, or null when the lookup has not finished, was already taken or
     *     cancelled, or the id is unknown
     */
    public LookupResult lookupResult(int lookupId) {
        Command.Lookup command = lookups.get(lookupId);
        if (command == null) {
            return null;
        }
        LookupResult result = command.result;
        if (result != null) {
            lookups.remove(lookupId);
        }
        return result;
    }

    /**
     * Forgets a lookup whose result is no longer wanted (a caller that gave up waiting);
     * its {@code LOOKUP_CNF} may still arrive, and {@link #lookupResult(int)} then returns
     * null.
     *
     * @param lookupId an id from {@link #lookup(String, int)}
     */
    public void cancelLookup(int lookupId) {
        lookups.remove(lookupId);
    }

    // ------------------------------------------------------------------ timers

    /**
     * Starts a one-shot timer; it fires as a {@link EventType#TIMER} event whose value is
     * {@code timerId}. Starting an id that is running restarts it.
     *
     * @param timerId any long chosen by the caller
     * @param delayMs milliseconds from now, 0 or more
     * @return false when the delay is negative, the context is closed, or
     *     {@link ContextConfig#maxTimers(int)} timers are running already
     */
    public boolean startTimer(long timerId, long delayMs) {
        if (closed || delayMs < 0) {
            return false;
        }
        if (!timerGenerations.containsKey(timerId) && timerGenerations.size() >= config.maxTimers) {
            lastError = "too many timers: maxTimers=" + config.maxTimers;
            return false;
        }
        timerGeneration = timerGeneration == Integer.MAX_VALUE ? 1 : timerGeneration + 1;
        timerGenerations.put(timerId, timerGeneration);
        long delayNs = TimeUnit.MILLISECONDS.toNanos(Math.min(delayMs, Long.MAX_VALUE / 2_000_000));
        loop.submit(new Command.StartTimer(this, timerId, delayNs, timerGeneration));
        return true;
    }

    /**
     * Stops a timer; stopping one that is not running does nothing. A timer that already
     * fired may still have its event waiting in the ring.
     *
     * @param timerId the timer
     */
    public void stopTimer(long timerId) {
        if (closed || timerGenerations.remove(timerId) == 0L) {
            return;
        }
        loop.submit(new Command.StopTimer(this, timerId));
    }

    // ------------------------------------------------------------------ events

    /**
     * Waits until at least one event is waiting (or the timeout passes), then delivers up
     * to {@code maxEvents} of them to {@code handler}, in order.
     *
     * @param handler receives the events, on this thread
     * @param maxEvents the most events to deliver, at least 1
     * @param timeoutMs how long to wait: 0 does not wait, a negative value waits forever
     * @return events delivered; 0 on timeout (or when the thread is interrupted, leaving
     *     its interrupt flag set); {@link #CLOSED} once the context or its loop is closed
     *     and no event is left
     * @throws IllegalStateException when the context's events go to a
     *     {@link ContextConfig#handlerOnLoop handler on the loop thread}
     */
    public int poll(EventHandler handler, int maxEvents, long timeoutMs) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be >= 1: maxEvents=" + maxEvents);
        }
        requirePollMode();
        int n = drainInternal(handler, maxEvents);
        if (n > 0) {
            return n;
        }
        if (closed) {
            return CLOSED;
        }
        if (timeoutMs == 0) {
            return 0;
        }
        long deadline = timeoutMs > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs) : 0;
        Thread self = Thread.currentThread();
        for (;;) {
            waiter = self;
            // The volatile store above, then this volatile load of the ring's tail, pairs
            // with the loop's "publish, then read waiter" (Loop.wakeTouchedContexts).
            if (ring.isEmpty() && !closed) {
                if (timeoutMs < 0) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left > 0) {
                        LockSupport.parkNanos(this, left);
                    }
                }
            }
            waiter = null;
            n = drainInternal(handler, maxEvents);
            if (n > 0) {
                return n;
            }
            if (closed) {
                return CLOSED;
            }
            if ((timeoutMs > 0 && deadline - System.nanoTime() <= 0) || self.isInterrupted()) {
                return 0;
            }
        }
    }

    /**
     * Delivers up to {@code maxEvents} waiting events without waiting.
     *
     * @param handler receives the events, on this thread
     * @param maxEvents the most events to deliver
     * @return events delivered (0 when none is waiting)
     * @throws IllegalStateException when the context's events go to a
     *     {@link ContextConfig#handlerOnLoop handler on the loop thread}
     */
    public int drain(EventHandler handler, int maxEvents) {
        requirePollMode();
        return drainInternal(handler, maxEvents);
    }

    private void requirePollMode() {
        if (onLoop != null) {
            throw new IllegalStateException("this context's events go to its handler on the loop thread"
                + " (ContextConfig.handlerOnLoop): it cannot be polled");
        }
    }

    /** @return true when the context's events go to a handler on the loop thread */
    boolean deliversOnLoop() {
        return onLoop != null;
    }

    /**
     * Loop thread, end of a turn: hands every waiting event to the handler on the loop
     * thread, the held-aside ones included. The handler's own calls queue work for later
     * turns and post nothing now, so this ends.
     */
    void deliverOnLoop() {
        for (;;) {
            int n = drainInternal(onLoop, Integer.MAX_VALUE);
            if (overflowCount > 0) {
                loop.flushOverflow(this); // room again: take the held-aside events in order
                continue;
            }
            if (n == 0) {
                return;
            }
        }
    }

    /**
     * Waits for the next event and copies it into {@code event}.
     *
     * @param event the holder to fill
     * @param timeoutMs how long to wait: 0 does not wait, a negative value waits forever
     * @return true when an event was copied; false on timeout, interrupt or close
     */
    public boolean next(Event event, long timeoutMs) {
        filler.target = event;
        return poll(filler, 1, timeoutMs) > 0;
    }

    private int drainInternal(EventHandler handler, int maxEvents) {
        dispatch.target = handler;
        int n = ring.drain(dispatch, maxEvents);
        // The ring's drain ends with a volatile store of its head; this volatile load
        // pairs with the loop's "overflowing = true, then read head" (Loop.post).
        if (n > 0 && overflowing && drainSignalPending.compareAndSet(false, true)) {
            loop.submit(new Command.RingDrained(this));
        }
        return n;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Closes every socket of this context (without events: nobody is listening any more),
     * stops its timers and wakes a blocked {@link #poll}. Waits until the loop has done so,
     * unless called on the loop thread. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        CountDownLatch done = new CountDownLatch(1);
        if (loop.submit(new Command.CloseContext(this, done)) && !loop.inLoopThread()) {
            boolean interrupted = false;
            for (;;) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return true once {@link #close()} was called or the loop closed */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Why the last call that returned -1 or false failed (owner thread).
     *
     * @return the reason, or null
     */
    public String lastError() {
        return lastError;
    }

    /** @return the loop this context belongs to */
    public EventLoop loop() {
        return loop.facade;
    }

    // ------------------------------------------------------------------ internals

    /** Called by the loop when it shuts down. */
    void markClosedByLoop() {
        closed = true;
        wakeWaiter();
    }

    void wakeWaiter() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    void clearDrainSignal() {
        drainSignalPending.set(false);
    }

    private Slot own(int id) {
        Slot slot = loop.table.lookup(id);
        return slot != null && slot.owner == this ? slot : null;
    }

    private Slot openSlot(int kind, ConnectOptions options) {
        if (closed) {
            fail("context is closed");
            return null;
        }
        if (socketCount.incrementAndGet() > config.maxSockets) {
            socketCount.decrementAndGet();
            fail("too many sockets in this context: maxSockets=" + config.maxSockets);
            return null;
        }
        Slot slot = loop.openSlot(this, kind, options);
        if (slot == null) {
            socketCount.decrementAndGet();
            fail("socket table is full: maxSockets=" + loop.table.maxSockets());
        }
        return slot;
    }

    private int fail(String reason) {
        lastError = reason;
        return -1;
    }

    private static void checkRange(int length, int off, int len) {
        if (off < 0 || len < 0 || off > length - len) {
            throw new IndexOutOfBoundsException("off=" + off + ", len=" + len + ", length=" + length);
        }
    }

    /** Whether {@code s} is at most 255 bytes in UTF-8, without encoding it when the length alone tells. */
    private static boolean fitsIn255Bytes(String s) {
        if (s.length() <= 85) {
            return true; // at most 3 bytes per char
        }
        return s.length() <= 255 && s.getBytes(StandardCharsets.UTF_8).length <= 255;
    }

    /** Delivers ring records to the caller's handler; timer records first update the timer table. */
    private final class Dispatch implements EventRing.Handler {
        EventHandler target;

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            if (type == EventType.TIMER) {
                // For timers the socket field carries the generation of the start that fired.
                if ((int) timerGenerations.get(value) == socket) {
                    timerGenerations.remove(value);
                }
                socket = -1;
            }
            target.onEvent(type, socket, result, value);
        }
    }

    /** The loop-thread handler, with what it throws sent to the loop's error handler. */
    private static final class GuardedHandler implements EventHandler {
        private final Loop loop;
        private final EventHandler handler;

        GuardedHandler(Loop loop, EventHandler handler) {
            this.loop = loop;
            this.handler = handler;
        }

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            try {
                handler.onEvent(type, socket, result, value);
            } catch (VirtualMachineError e) {
                throw e; // out of memory, stack overflow: the JVM's problem, not one event's
            } catch (Throwable t) {
                loop.report(t); // one event's failure (an assertion too); the ring moves on to the next
            }
        }
    }

    /** Copies one event into an {@link Event} holder. */
    private static final class Filler implements EventHandler {
        Event target;

        @Override
        public void onEvent(int type, int socket, int result, long value) {
            target.set(type, socket, result, value);
        }
    }
}
