package io.luanio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * TCP listeners on the loop: bind, then accept connections into new slots owned by the
 * listener's context, each announced by an {@code ACCEPT_IND}. A TLS listener (its slot
 * holds a {@link TlsListener}) hands each connection to {@link TlsAccept} instead, which
 * posts the {@code ACCEPT_IND} once the server handshake is done.
 *
 * <p>When {@code accept} itself fails (usually "too many open files"), accepting pauses for
 * {@link #ACCEPT_PAUSE_MS} instead of spinning on a listener that stays ready.
 */
final class ListenerIo extends SocketIo {
    static final long ACCEPT_PAUSE_MS = 100;
    private static final int ACCEPTS_PER_EVENT = 64;

    ListenerIo(Loop loop) {
        super(loop);
    }

    void listen(Slot slot, int id, InetSocketAddress local, int backlog) {
        if (slot.id != id) {
            return;
        }
        slot.phase = Slot.PHASE_CONNECTING;
        if (slot.state == Slot.CLOSING) {
            loop.failConnect(slot, "closed by its owner before it listened");
            return;
        }
        TlsListener tls = slot.tlsListener;
        if (tls != null && tls.setupFailure != null) {
            slot.tlsError = ErrorCode.ERR_SSL_EINIT;
            slot.tlsListener = null;
            loop.failConnect(slot, "tls: " + tls.setupFailure);
            return;
        }
        try {
            ServerSocketChannel channel = ServerSocketChannel.open();
            slot.channel = channel;
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            loop.applyPendingOptions(slot);
            channel.bind(local, Math.max(0, backlog));
            slot.localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            slot.key = channel.register(loop.selector, 0, slot);
        } catch (IOException | RuntimeException e) {
            loop.failConnect(slot, Loop.describe(e));
            return;
        }
        if (!slot.casState(Slot.CONNECTING, Slot.LISTENING)) {
            loop.failConnect(slot, "closed by its owner before it listened");
            return;
        }
        slot.phase = Slot.PHASE_OPEN;
        updateInterest(slot);
        loop.post(slot.owner, EventType.CONN_CNF, slot.id, 0, 0);
    }

    @Override
    void open(Slot slot, Command.Connect command) {
        throw new IllegalStateException("a listener is opened by listen, not connect");
    }

    @Override
    void onReady(Slot slot, int readyOps) {
        if (slot.phase != Slot.PHASE_OPEN) {
            return;
        }
        Context owner = slot.owner;
        ServerSocketChannel channel = (ServerSocketChannel) slot.channel;
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            if (owner.overflowing) {
                loop.pauseForRing(slot);
                return;
            }
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                slot.reason = "accept failed: " + Loop.describe(e);
                slot.acceptPaused = true;
                updateInterest(slot);
                loop.scheduleSlotTimer(slot, Loop.TIMER_ACCEPT_RESUME, TimeUnit.MILLISECONDS.toNanos(ACCEPT_PAUSE_MS));
                return;
            }
            if (accepted == null) {
                return;
            }
            adopt(slot, accepted);
        }
    }

    private void adopt(Slot listener, SocketChannel accepted) {
        Context owner = listener.owner;
        boolean tls = listener.tlsListener != null;
        Slot slot = null;
        if (!owner.isClosed() && owner.socketCount.incrementAndGet() <= owner.config.maxSockets) {
            slot = loop.openSlot(owner, tls ? Slot.KIND_TLS : Slot.KIND_TCP, null);
            if (slot == null) {
                owner.socketCount.decrementAndGet();
            }
        } else if (!owner.isClosed()) {
            owner.socketCount.decrementAndGet();
        }
        if (slot == null) {
            listener.reason = "refused a connection: socket quota or table full";
            closeQuietly(accepted);
            return;
        }
        if (tls) {
            loop.tlsIo.accepts.accept(listener, slot, accepted); // ACCEPT_IND after the handshake
            return;
        }
        try {
            loop.tcpIo.adopt(slot, accepted);
        } catch (IOException | RuntimeException e) {
            closeQuietly(accepted);
            slot.channel = null;
            slot.key = null;
            slot.phase = Slot.PHASE_DONE;
            slot.state = Slot.FREE;
            loop.release(slot);
            return;
        }
        loop.post(owner, EventType.ACCEPT_IND, listener.id, 0, slot.id);
    }

    @Override
    void onSignals(Slot slot, int bits) {
        if ((bits & Slot.SIGNAL_CLOSE) != 0 && slot.state == Slot.CLOSING && !slot.loopClosing) {
            if (slot.phase == Slot.PHASE_CONNECTING) {
                loop.failConnect(slot, "closed by its owner before it listened");
            } else {
                end(slot);
            }
        }
    }

    @Override
    void onTimer(Slot slot, int kind) {
        if (kind == Loop.TIMER_ACCEPT_RESUME) {
            slot.acceptPaused = false;
            updateInterest(slot);
        }
    }

    @Override
    void fail(Slot slot, String reason) {
        if (slot.phase == Slot.PHASE_DONE) {
            return;
        }
        if (slot.phase != Slot.PHASE_OPEN) {
            loop.failConnect(slot, reason);
            return;
        }
        slot.reason = reason;
        loop.beginLoopClose(slot);
        if (slot.loopClosing) {
            slot.closeIndPending = true;
            slot.closeIndResult = 1;
        }
        end(slot);
    }

    /** Closes a listening socket: TLS handshakes it started are dropped, then its events. */
    private void end(Slot slot) {
        loop.tlsIo.accepts.dropPending(slot);
        loop.finish(slot);
    }

    @Override
    void updateInterest(Slot slot) {
        boolean accepting = slot.phase == Slot.PHASE_OPEN && !slot.acceptPaused && !slot.readPausedForRing;
        loop.interest(slot, accepting ? SelectionKey.OP_ACCEPT : 0);
    }

    @Override
    void onOwnerCloseWhileClosing(Slot slot) {
        // A listener never waits for its owner: its close completes in the same turn.
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the descriptor is released either way
        }
    }
}
