package io.luanio;

import io.luanio.buffer.PagedByteQueue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * TCP on the loop: non-blocking connect with a timeout, scattering reads straight into
 * the receive queue, gathering writes straight from the send queue, and the receive
 * indication rule of SPEC.md section 2 (at most one {@code RECV_IND} outstanding; it
 * announces every unread byte). {@link TlsIo} extends it: same connect, same receive
 * indications, with an {@code SSLEngine} between the queues and the channel.
 */
class TcpIo extends ConnectionIo {
    /** Bytes one read call may take. */
    private static final int READ_CHUNK = 64 * 1024;
    /**
     * Pages one read call may fill: the current page's rest and the next page. Reading into
     * every free page would take pages from the pool that a small message never touches.
     */
    private static final int READ_PAGES = 2;
    /** Read calls per readiness event, so one busy socket cannot starve the others. */
    private static final int READS_PER_EVENT = 4;
    /** Write calls per flush. */
    private static final int WRITES_PER_FLUSH = 8;
    /** Bytes one gathering write may take. */
    private static final long WRITE_CHUNK = 1024 * 1024;

    TcpIo(Loop loop) {
        super(loop);
    }

    @Override
    void open(Slot slot, Command.Connect command) {
        InetAddress address = beginConnect(slot, command);
        if (address == null) {
            return; // closed first, or a host name: the resolver takes it from here
        }
        ConnectOptions options = command.options;
        try {
            SocketChannel channel = SocketChannel.open();
            slot.channel = channel;
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            loop.applyPendingOptions(slot);
            if (options != null && options.localPort > 0) {
                channel.bind(new InetSocketAddress(options.localPort));
            }
            InetSocketAddress remote = new InetSocketAddress(address, command.port);
            slot.remote = remote;
            slot.key = channel.register(loop.selector, 0, slot);
            if (channel.connect(remote)) {
                connected(slot);
            } else {
                updateInterest(slot);
                long timeoutMs = options != null && options.timeoutMs > 0 ? options.timeoutMs : slot.owner.config.connectTimeoutMs;
                loop.scheduleSlotTimer(slot, Loop.TIMER_CONNECT, TimeUnit.MILLISECONDS.toNanos(timeoutMs));
            }
        } catch (IOException | RuntimeException e) {
            loop.failConnect(slot, Loop.describe(e));
        }
    }

    /** Takes over a connection a listener accepted; the slot is already allocated. */
    void adopt(Slot slot, SocketChannel channel) throws IOException {
        slot.channel = channel;
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        slot.remote = (InetSocketAddress) channel.getRemoteAddress();
        slot.localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        slot.key = channel.register(loop.selector, 0, slot);
        slot.phase = Slot.PHASE_OPEN;
        slot.state = Slot.CONNECTED; // nobody else knows the id yet
        updateInterest(slot);
    }

    @Override
    void onReady(Slot slot, int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            finishConnect(slot);
            return;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flush(slot);
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && slot.phase == Slot.PHASE_OPEN) {
            read(slot);
        }
    }

    private void finishConnect(Slot slot) {
        try {
            if (!((SocketChannel) slot.channel).finishConnect()) {
                return;
            }
        } catch (IOException | RuntimeException e) {
            loop.failConnect(slot, Loop.describe(e));
            return;
        }
        loop.cancelTimer(slot);
        connected(slot);
    }

    private void connected(Slot slot) {
        try {
            slot.localPort = ((InetSocketAddress) ((SocketChannel) slot.channel).getLocalAddress()).getPort();
        } catch (IOException e) {
            slot.localPort = 0;
        }
        onTcpConnected(slot);
    }

    /** TCP is connected: a TCP socket is open now (TLS overrides this to start its handshake). */
    void onTcpConnected(Slot slot) {
        if (!slot.casState(Slot.CONNECTING, Slot.CONNECTED)) {
            loop.failConnect(slot, "closed by its owner before it connected");
            return;
        }
        slot.phase = Slot.PHASE_OPEN;
        updateInterest(slot); // OP_CONNECT off, OP_READ on
        loop.post(slot.owner, EventType.CONN_CNF, slot.id, 0, 0);
    }

    @Override
    void read(Slot slot) {
        if (slot.owner.overflowing) {
            loop.pauseForRing(slot);
            return;
        }
        SocketChannel channel = (SocketChannel) slot.channel;
        PagedByteQueue queue = slot.recv;
        ByteBuffer[] views = loop.views;
        for (int i = 0; i < READS_PER_EVENT; i++) {
            int count = queue.writeViews(views, READ_CHUNK, READ_PAGES);
            if (count == 0) {
                pauseFull(slot);
                return;
            }
            long room = 0;
            for (int v = 0; v < count; v++) {
                room += views[v].remaining();
            }
            long n;
            try {
                n = count == 1 ? channel.read(views[0]) : channel.read(views, 0, count); // one buffer: no iovec set-up
            } catch (IOException e) {
                fail(slot, Loop.describe(e));
                return;
            }
            if (n < 0) {
                onEndOfStream(slot);
                return;
            }
            if (n == 0) {
                return;
            }
            queue.commitWrite((int) n);
            loop.noteIo(slot);
            announce(slot);
            if (n < room) {
                return; // the kernel buffer is empty
            }
        }
    }

    @Override
    void announce(Slot slot) {
        PagedByteQueue queue = slot.recv;
        // recvAnnounce first (volatile): it orders the owner's published read position.
        if (slot.recvAnnounce != Slot.IDLE) {
            return;
        }
        long produced = queue.producerPosition();
        if (produced == queue.publishedReadPosition() || !slot.casAnnounce(Slot.IDLE, Slot.OUTSTANDING)) {
            return;
        }
        long waiting = produced - queue.publishedReadPosition();
        slot.announcedUpTo = produced;
        if (waiting <= 0) {
            slot.recvAnnounce = Slot.IDLE; // the owner read everything meanwhile
            return;
        }
        loop.post(slot.owner, EventType.RECV_IND, slot.id, 0, waiting);
    }

    @Override
    boolean announceRemaining(Slot slot) {
        PagedByteQueue queue = slot.recv;
        long produced = queue.producerPosition();
        if (produced == slot.announcedUpTo || produced == queue.publishedReadPosition()) {
            return true;
        }
        announce(slot);
        if (produced == slot.announcedUpTo) {
            return true;
        }
        slot.ackWanted = true;
        // After setting ackWanted, look again (Dekker with Context.afterRecv).
        if (slot.recvAnnounce == Slot.IDLE) {
            announce(slot);
        }
        return produced == slot.announcedUpTo || produced == queue.publishedReadPosition();
    }

    @Override
    int minReadRoom() {
        return 1;
    }

    @Override
    void flush(Slot slot) {
        if (slot.phase != Slot.PHASE_OPEN && slot.phase != Slot.PHASE_DRAINING) {
            return;
        }
        SocketChannel channel = (SocketChannel) slot.channel;
        PagedByteQueue queue = slot.send;
        ByteBuffer[] views = loop.views;
        boolean blocked = false;
        for (int i = 0; i < WRITES_PER_FLUSH; i++) {
            long want = Math.min(WRITE_CHUNK, queue.readable());
            if (want == 0) {
                break;
            }
            int count = queue.readViews(views, 0, want);
            long offered = 0;
            for (int v = 0; v < count; v++) {
                offered += views[v].remaining();
            }
            long n;
            try {
                n = count == 1 ? channel.write(views[0]) : channel.write(views, 0, count);
            } catch (IOException e) {
                fail(slot, Loop.describe(e));
                return;
            }
            if (n > 0) {
                queue.commitRead(n);
                loop.noteIo(slot);
            }
            if (n < offered) {
                blocked = true;
                break;
            }
        }
        loop.confirmSends(slot);
        boolean more = queue.readable() > 0;
        if (slot.writePending != (blocked || more)) {
            slot.writePending = blocked || more;
            updateInterest(slot);
        }
        if (!slot.writePending && slot.phase == Slot.PHASE_DRAINING) {
            completeDrain(slot);
        }
    }
}
