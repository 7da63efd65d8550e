package io.luanio;

import io.luanio.buffer.PagedByteQueue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/**
 * Connected UDP on the loop: {@code CONN_CNF} as soon as the address is known, one
 * framed datagram per receive-queue record and one {@code RECV_IND} per datagram, one
 * datagram per send.
 *
 * <p>An ICMP "port unreachable" reported by the kernel is not fatal for UDP: on receive it
 * is ignored; on send it means this datagram was not sent ({@code SEND_CNF} result 1).
 */
final class UdpIo extends ConnectionIo {
    /** Room one receive needs: the largest datagram and its 4-byte frame header. */
    static final int MIN_ROOM = 65536 + 4;
    private static final int DATAGRAMS_PER_EVENT = 64;

    UdpIo(Loop loop) {
        super(loop);
    }

    @Override
    void open(Slot slot, Command.Connect command) {
        InetAddress address = beginConnect(slot, command);
        if (address == null) {
            return; // closed first, or a host name: the resolver takes it from here
        }
        String failure = connectTo(slot, command.options, address, command.port);
        if (failure != null) {
            loop.failConnect(slot, failure);
        }
    }

    /**
     * Opens the channel, binds and connects it to one address, and posts {@code CONN_CNF}
     * result 0.
     *
     * @return null when connected; else why not (the channel is closed again, nothing posted)
     */
    String connectTo(Slot slot, ConnectOptions options, InetAddress address, int port) {
        try {
            DatagramChannel channel = DatagramChannel.open();
            slot.channel = channel;
            channel.configureBlocking(false);
            loop.applyPendingOptions(slot);
            channel.bind(new InetSocketAddress(options != null ? options.localPort : 0));
            InetSocketAddress remote = new InetSocketAddress(address, port);
            channel.connect(remote);
            slot.remote = remote;
            slot.localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            slot.key = channel.register(loop.selector, 0, slot);
        } catch (IOException | RuntimeException e) {
            loop.closeChannel(slot);
            return Loop.describe(e);
        }
        if (!slot.casState(Slot.CONNECTING, Slot.CONNECTED)) {
            return "closed by its owner before it connected";
        }
        loop.cancelTimer(slot); // a connect by name had a timeout running
        slot.phase = Slot.PHASE_OPEN;
        updateInterest(slot);
        loop.post(slot.owner, EventType.CONN_CNF, slot.id, 0, 0);
        return null;
    }

    @Override
    void onReady(Slot slot, int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flush(slot);
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && slot.phase == Slot.PHASE_OPEN) {
            read(slot);
        }
    }

    @Override
    void read(Slot slot) {
        if (slot.owner.overflowing) {
            loop.pauseForRing(slot);
            return;
        }
        DatagramChannel channel = (DatagramChannel) slot.channel;
        ByteBuffer buffer = loop.datagramBuffer;
        for (int i = 0; i < DATAGRAMS_PER_EVENT; i++) {
            if (slot.recv.writable() < MIN_ROOM) {
                pauseFull(slot);
                return;
            }
            buffer.clear();
            SocketAddress from;
            try {
                from = channel.receive(buffer);
            } catch (PortUnreachableException e) {
                continue; // an earlier datagram of ours was refused; receiving goes on
            } catch (IOException e) {
                fail(slot, Loop.describe(e));
                return;
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            int length = buffer.remaining();
            slot.recv.offerFrame(buffer);
            loop.noteIo(slot);
            loop.post(slot.owner, EventType.RECV_IND, slot.id, 0, length);
        }
    }

    @Override
    void announce(Slot slot) {
        // Every datagram is announced when it arrives.
    }

    @Override
    boolean announceRemaining(Slot slot) {
        return true;
    }

    @Override
    int minReadRoom() {
        return MIN_ROOM;
    }

    @Override
    void flush(Slot slot) {
        if (slot.phase != Slot.PHASE_OPEN && slot.phase != Slot.PHASE_DRAINING) {
            return;
        }
        DatagramChannel channel = (DatagramChannel) slot.channel;
        PagedByteQueue data = slot.send;
        PagedByteQueue lengths = slot.sendLengths;
        ByteBuffer[] views = loop.views;
        boolean blocked = false;
        while (lengths.readable() >= 4) {
            int length = lengths.peekInt();
            int result = 0;
            try {
                // Never empty: Context refuses empty datagrams (java.nio cannot send one).
                int count = data.readViews(views, 0, length);
                if (channel.write(views, 0, count) == 0) {
                    blocked = true; // no buffer space: wait for OP_WRITE
                    break;
                }
            } catch (PortUnreachableException e) {
                result = 1; // an earlier ICMP error surfaced instead of this send
                slot.reason = "port unreachable";
            } catch (IOException e) {
                fail(slot, Loop.describe(e));
                return;
            }
            data.commitRead(length);
            lengths.commitRead(4);
            slot.confirmedUpTo += length;
            loop.noteIo(slot);
            loop.post(slot.owner, EventType.SEND_CNF, slot.id, result, length);
        }
        if (slot.writePending != blocked) {
            slot.writePending = blocked;
            updateInterest(slot);
        }
        if (!blocked && slot.phase == Slot.PHASE_DRAINING) {
            completeDrain(slot);
        }
    }
}
