package io.luanio;

import io.luanio.dns.LookupResult;
import io.luanio.dns.Resolver;
import io.luanio.timer.TimerHeap;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Connecting one socket to a host name: both families are looked up at once, then the
 * addresses are tried in turn. TCP races them as RFC 8305 (Happy Eyeballs v2) describes:
 *
 * <pre>
 *  AAAA and A queries ----&gt; preferred family answers first: start at once
 *                           the other answers first: wait the resolution delay (50 ms)
 *                                                     for the preferred one
 *  addresses, families interleaved, preferred first: a1 a2 a3 ...
 *  connect(a1) --250 ms, or a1 failed--&gt; connect(a2) --250 ms, or a failure--&gt; ...
 *  the first connect to finish wins; the others are closed; the winner becomes the socket
 * </pre>
 *
 * <p>The slot's connect timeout (running since the open) covers the lookups and every
 * attempt. A socket bound to a local port makes the attempts sequential (two sockets
 * cannot bind the same port; each attempt sets {@code SO_REUSEADDR} to rebind it). UDP has no handshake to race: it takes the first address
 * (in the same order) whose socket connects. When no address is left: {@code CONN_CNF}
 * result 1, with the lookup's message ({@code "no such host: name"}) or the last connect
 * error as the reason. Socket options set before the winner exists are applied to it
 * once it has connected. Loop thread only.
 */
final class NameConnect {
    private static final int TAG_NEXT_ATTEMPT = 1;
    private static final int TAG_RESOLUTION_DELAY = 2;

    private final Loop loop;
    private final Slot slot;
    private final int id;
    private final String host;
    private final int port;
    private final ConnectOptions options;
    private final boolean tcp;
    private final boolean preferIpv6;
    private LookupResult v4;
    private LookupResult v6;
    private boolean resolving;
    private boolean started;
    private boolean done;
    private final ArrayDeque<InetAddress> queueV4 = new ArrayDeque<>();
    private final ArrayDeque<InetAddress> queueV6 = new ArrayDeque<>();
    private boolean lastWasV6;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private long nextAttemptTimer = TimerHeap.NO_TIMER;
    private long resolutionTimer = TimerHeap.NO_TIMER;
    private int tried;
    private String lastError;

    NameConnect(Loop loop, Slot slot, Command.Connect command) {
        this.loop = loop;
        this.slot = slot;
        this.id = slot.id;
        this.host = command.host;
        this.port = command.port;
        this.options = command.options;
        this.tcp = slot.kind != Slot.KIND_UDP; // TCP and TLS race addresses; UDP takes the first
        this.preferIpv6 = loop.preferIpv6;
    }

    void start() {
        resolving = true;
        Resolver resolver = loop.resolver;
        resolver.lookup(host, LookupResult.FAMILY_IPV6, result -> {
            v6 = result;
            onLookup(result);
        });
        resolver.lookup(host, LookupResult.FAMILY_IPV4, result -> {
            v4 = result;
            onLookup(result);
        });
        resolving = false;
        if (!done) {
            step();
        }
    }

    private void onLookup(LookupResult result) {
        if (done) {
            return;
        }
        if (started) {
            for (InetAddress a : result.addresses()) {
                (a instanceof Inet6Address ? queueV6 : queueV4).add(a);
            }
        }
        if (!resolving) {
            step();
        }
    }

    /** Decides what to do with what is known now. */
    private void step() {
        if (done) {
            return;
        }
        if (!started) {
            LookupResult preferred = preferIpv6 ? v6 : v4;
            LookupResult other = preferIpv6 ? v4 : v6;
            if (preferred != null && other != null) {
                if (!preferred.ok() && !other.ok()) {
                    fail(dnsFailure().message());
                    return;
                }
                begin();
            } else if (preferred != null && preferred.ok()) {
                begin(); // RFC 8305 section 3: the preferred family first, at once
            } else if (other != null && other.ok() && resolutionTimer == TimerHeap.NO_TIMER) {
                resolutionTimer = schedule(loop.resolutionDelayNs, TAG_RESOLUTION_DELAY);
            }
            return;
        }
        if (attempts.isEmpty()) {
            next();
        } else if (nextAttemptTimer == TimerHeap.NO_TIMER && (options == null || options.localPort == 0)
            && !(queueV4.isEmpty() && queueV6.isEmpty())) {
            nextAttemptTimer = schedule(loop.connectionAttemptDelayNs, TAG_NEXT_ATTEMPT); // late addresses join the race
        }
    }

    /** The failure to report when neither family has an address: NXDOMAIN above all, else the IPv4 lookup's. */
    private LookupResult dnsFailure() {
        if (v6 != null && v6.status() == LookupResult.NXDOMAIN) {
            return v6;
        }
        if (v4 != null && (v4.status() == LookupResult.NXDOMAIN || v6 == null || v6.status() == LookupResult.NODATA)) {
            return v4;
        }
        return v6 != null ? v6 : v4;
    }

    private void begin() {
        started = true;
        cancel(resolutionTimer);
        resolutionTimer = TimerHeap.NO_TIMER;
        if (v6 != null) {
            queueV6.addAll(v6.ipv6());
        }
        if (v4 != null) {
            queueV4.addAll(v4.ipv4());
        }
        lastWasV6 = !preferIpv6; // so the first pick is the preferred family
        next();
    }

    /** The next address: families alternate (RFC 8305 section 4), the preferred one first. */
    private InetAddress pop() {
        ArrayDeque<InetAddress> first = lastWasV6 ? queueV4 : queueV6;
        ArrayDeque<InetAddress> second = lastWasV6 ? queueV6 : queueV4;
        InetAddress a = first.poll();
        if (a == null) {
            a = second.poll();
        }
        if (a != null) {
            lastWasV6 = a instanceof Inet6Address;
        }
        return a;
    }

    /** Starts the next attempt, or finds that none is left. */
    private void next() {
        cancel(nextAttemptTimer);
        nextAttemptTimer = TimerHeap.NO_TIMER;
        for (;;) {
            if (done) {
                return;
            }
            InetAddress address = pop();
            if (address == null) {
                exhausted();
                return;
            }
            tried++;
            if (tcp ? startAttempt(address) : connectUdp(address)) {
                return;
            }
        }
    }

    /** @return true when an attempt is under way (or won at once); false when it failed at once */
    private boolean startAttempt(InetAddress address) {
        InetSocketAddress remote = new InetSocketAddress(address, port);
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (options != null && options.localPort > 0) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(options.localPort));
            }
            Attempt attempt = new Attempt(channel, remote);
            channel.register(loop.selector, SelectionKey.OP_CONNECT, attempt);
            if (channel.connect(remote)) {
                win(attempt);
                return true;
            }
            attempts.add(attempt);
            if (options == null || options.localPort == 0) {
                nextAttemptTimer = schedule(loop.connectionAttemptDelayNs, TAG_NEXT_ATTEMPT);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            lastError = Loop.describe(e) + " (" + text(remote) + ")";
            if (channel != null) {
                closeQuietly(channel);
            }
            return false;
        }
    }

    private boolean connectUdp(InetAddress address) {
        String failure = loop.udpIo.connectTo(slot, options, address, port);
        if (failure == null) {
            done = true;
            slot.connector = null;
            return true;
        }
        if (slot.state != Slot.CONNECTING) {
            loop.failConnect(slot, failure); // closed by its owner meanwhile
            return true;
        }
        lastError = failure + " (" + text(new InetSocketAddress(address, port)) + ")";
        return false;
    }

    /** No address left to try now: wait for the other lookup, or give up. */
    private void exhausted() {
        if (!attempts.isEmpty()) {
            return;
        }
        if (v4 == null || v6 == null) {
            return; // the other family may still bring addresses
        }
        if (tried == 0) {
            fail(dnsFailure().message());
            return;
        }
        fail(lastError + (tried > 1 ? "; " + tried + " addresses of " + host + " tried" : ""));
    }

    private void onAttemptReady(Attempt attempt) {
        if (done) {
            closeQuietly(attempt.channel);
            return;
        }
        try {
            if (!attempt.channel.finishConnect()) {
                return;
            }
        } catch (IOException | RuntimeException e) {
            lastError = Loop.describe(e) + " (" + text(attempt.remote) + ")";
            attempts.remove(attempt);
            closeQuietly(attempt.channel);
            next(); // RFC 8305 section 5: a failure starts the next attempt at once
            return;
        }
        win(attempt);
    }

    /** The first connection wins: it becomes the socket's channel; the rest are closed. */
    private void win(Attempt winner) {
        done = true;
        attempts.remove(winner);
        closeAll();
        slot.connector = null;
        SocketChannel channel = winner.channel;
        SelectionKey key = channel.keyFor(loop.selector);
        if (key == null || !key.isValid()) {
            loop.failConnect(slot, "internal error: the winning connection lost its key");
            return;
        }
        key.attach(slot);
        slot.channel = channel;
        slot.key = key;
        slot.remote = winner.remote;
        loop.applyPendingOptions(slot);
        // The channel is connected: TCP's own connect path (finishConnect answers true at
        // once) cancels the connect timer and posts CONN_CNF.
        loop.ioFor(slot).onReady(slot, SelectionKey.OP_CONNECT); // TLS sockets go on to their handshake
    }

    private void fail(String reason) {
        done = true;
        closeAll();
        loop.failConnect(slot, reason);
    }

    void onTimer(long handle, int tag) {
        if (done) {
            return;
        }
        if (tag == TAG_RESOLUTION_DELAY && handle == resolutionTimer) {
            resolutionTimer = TimerHeap.NO_TIMER;
            if (!started) {
                begin();
            }
        } else if (tag == TAG_NEXT_ATTEMPT && handle == nextAttemptTimer) {
            nextAttemptTimer = TimerHeap.NO_TIMER;
            next();
        }
    }

    /** The socket failed or closed while this was running: stop everything. */
    void abort() {
        if (!done) {
            done = true;
            closeAll();
        }
    }

    /** Adds what this connect was doing to a failure reason (the connect timeout's). */
    String explain(String reason) {
        if (done || !reason.startsWith("connect timed out")) {
            return reason;
        }
        if (!started) {
            return reason + " (resolving " + host + ")";
        }
        return reason + " (" + host + ": " + tried + (tried == 1 ? " address" : " addresses") + " tried"
            + (lastError != null ? ", last error: " + lastError : "") + ")";
    }

    private void closeAll() {
        for (Attempt a : attempts) {
            closeQuietly(a.channel);
        }
        attempts.clear();
        cancel(nextAttemptTimer);
        cancel(resolutionTimer);
        nextAttemptTimer = TimerHeap.NO_TIMER;
        resolutionTimer = TimerHeap.NO_TIMER;
    }

    private long schedule(long delayNs, int tag) {
        return loop.timers.schedule(loop.nowNs + delayNs, Loop.TIMER_NAME_CONNECT, slot.index, id, tag);
    }

    private void cancel(long handle) {
        if (handle != TimerHeap.NO_TIMER) {
            loop.timers.cancel(handle);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // released either way
        }
    }

    private static String text(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** One connection attempt: the selection key's attachment until it wins or fails. */
    final class Attempt {
        final SocketChannel channel;
        final InetSocketAddress remote;

        Attempt(SocketChannel channel, InetSocketAddress remote) {
            this.channel = channel;
            this.remote = remote;
        }

        void onReady(SelectionKey key) {
            if (key.isValid()) {
                onAttemptReady(this);
            }
        }
    }
}
