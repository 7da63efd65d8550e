package io.luanio;

import java.net.InetAddress;
import java.nio.channels.SelectionKey;

/**
 * What TCP and UDP sockets share: the close protocol, receive acknowledgements and
 * flow control, failure handling.
 *
 * <pre>
 *  phase:  CONNECTING --connected--&gt; OPEN --owner close--&gt; DRAINING --flushed--&gt; DONE
 *               |                      |                      |
 *               +------failure---------+-------failure--------+--&gt; DEAD --&gt; DONE
 * </pre>
 *
 * <ul>
 * <li>A peer's end of stream leaves the socket OPEN for sending (TCP half-close); its
 *     {@code CLOSE_IND} (result 0) comes once every received byte has been announced.</li>
 * <li>A failure closes the channel at once (DEAD), fails every queued send with
 *     {@code SEND_CNF} result 1, and, unless the owner was closing it, posts
 *     {@code CLOSE_IND} result 1 after the last announcement; then the socket is
 *     CLOSED.</li>
 * <li>An owner close flushes what is queued (bounded by {@link Loop#CLOSE_TIMEOUT_NS}),
 *     closes, and posts {@code CLOSE_CNF}.</li>
 * </ul>
 */
abstract class ConnectionIo extends SocketIo {
    ConnectionIo(Loop loop) {
        super(loop);
    }

    /** Reads what the socket has, within the receive queue's room. */
    abstract void read(Slot slot);

    /** Writes what the send queue holds; confirms finished sends; completes a drain. */
    abstract void flush(Slot slot);

    /** The free receive-queue space below which reading pauses. */
    abstract int minReadRoom();

    /**
     * Makes sure every received byte has been announced, announcing now if the owner has
     * acknowledged the previous indication.
     *
     * @return true when nothing is left unannounced; false when waiting for the owner's recv
     */
    abstract boolean announceRemaining(Slot slot);

    /** Announces readable bytes if no indication is outstanding (TCP); nothing for UDP. */
    abstract void announce(Slot slot);

    /**
     * The first step of every connect: a close that came first ends it; a host name goes to
     * the resolver ({@link NameConnect}).
     *
     * @return the literal address to connect to now, or null when the connect went elsewhere
     */
    InetAddress beginConnect(Slot slot, Command.Connect command) {
        slot.phase = Slot.PHASE_CONNECTING;
        if (slot.state == Slot.CLOSING) {
            loop.failConnect(slot, "closed by its owner before it connected");
            return null;
        }
        InetAddress address = InetLiterals.parse(command.host);
        if (address == null) {
            loop.connectByName(slot, command); // resolve, then connect (NameConnect)
        }
        return address;
    }

    @Override
    void onSignals(Slot slot, int bits) {
        if ((bits & Slot.SIGNAL_CLOSE) != 0 && slot.state == Slot.CLOSING && !slot.loopClosing) {
            onCloseRequested(slot);
        }
        if ((bits & Slot.SIGNAL_SEND) != 0) {
            if (slot.phase == Slot.PHASE_OPEN || slot.phase == Slot.PHASE_DRAINING) {
                flush(slot);
            } else if (slot.phase == Slot.PHASE_DEAD) {
                tryFinishDead(slot);
            }
        }
        if ((bits & Slot.SIGNAL_RECV) != 0 && slot.phase != Slot.PHASE_DONE) {
            onRecvAck(slot);
        }
    }

    private void onCloseRequested(Slot slot) {
        switch (slot.phase) {
            case Slot.PHASE_CONNECTING:
                loop.failConnect(slot, "closed by its owner before it connected");
                break;
            case Slot.PHASE_OPEN:
                slot.phase = Slot.PHASE_DRAINING;
                updateInterest(slot);
                loop.scheduleSlotTimer(slot, Loop.TIMER_CLOSE, Loop.CLOSE_TIMEOUT_NS);
                flush(slot);
                break;
            default:
                break; // already draining or dead: its end will answer the close
        }
    }

    @Override
    void onOwnerCloseWhileClosing(Slot slot) {
        if (slot.phase == Slot.PHASE_DEAD) {
            tryFinishDead(slot); // the owner asked: stop waiting for it to read
        }
    }

    @Override
    void onTimer(Slot slot, int kind) {
        if (kind == Loop.TIMER_CONNECT) {
            loop.failConnect(slot, "connect timed out");
        } else if (kind == Loop.TIMER_CLOSE) {
            fail(slot, "close timed out: the peer did not take the queued bytes");
        }
    }

    /** The owner read: resume a paused socket, re-announce, and maybe post the close. */
    void onRecvAck(Slot slot) {
        slot.ackWanted = false;
        if (slot.readFull && slot.recv.writable() >= minReadRoom()) {
            slot.readFull = false;
            updateInterest(slot);
        }
        announce(slot);
        if (slot.phase == Slot.PHASE_DEAD) {
            tryFinishDead(slot);
        } else {
            postCloseIndIfAnnounced(slot);
        }
        if (slot.readFull) {
            waitForRoom(slot);
        }
    }

    /** The receive queue is full: stop reading until the owner reads. */
    void pauseFull(Slot slot) {
        slot.readFull = true;
        updateInterest(slot);
        waitForRoom(slot);
    }

    private void waitForRoom(Slot slot) {
        slot.ackWanted = true;
        // Read the owner's acknowledgement word after setting ackWanted, then the room:
        // either this sees the owner's read, or the owner sees ackWanted and signals.
        int acknowledged = slot.recvAnnounce;
        if (acknowledged >= 0 && slot.recv.writable() >= minReadRoom()) {
            slot.ackWanted = false;
            slot.readFull = false;
            updateInterest(slot);
        }
    }

    /** The peer ended its stream (TCP) : announce what is left, then CLOSE_IND result 0. */
    void onEndOfStream(Slot slot) {
        slot.inputDone = true;
        updateInterest(slot);
        if (slot.reason == null) {
            slot.reason = "closed by peer";
        }
        if (!slot.closeIndPosted) {
            slot.closeIndPending = true;
            slot.closeIndResult = 0;
        }
        postCloseIndIfAnnounced(slot);
    }

    private void postCloseIndIfAnnounced(Slot slot) {
        if (slot.closeIndPending && announceRemaining(slot)) {
            slot.closeIndPending = false;
            slot.closeIndPosted = true;
            loop.post(slot.owner, EventType.CLOSE_IND, slot.id, slot.closeIndResult, 0);
        }
    }

    @Override
    void fail(Slot slot, String reason) {
        if (slot.phase == Slot.PHASE_DEAD || slot.phase == Slot.PHASE_DONE) {
            return;
        }
        if (slot.phase == Slot.PHASE_CONNECTING || slot.phase == 0) {
            loop.failConnect(slot, reason);
            return;
        }
        slot.reason = reason;
        loop.cancelTimer(slot);
        loop.closeChannel(slot);
        slot.phase = Slot.PHASE_DEAD;
        loop.beginLoopClose(slot);
        if (slot.loopClosing && !slot.closeIndPosted) {
            slot.closeIndPending = true;
            slot.closeIndResult = 1;
        }
        tryFinishDead(slot);
    }

    /** Finishes a dead socket once the owner is out of send and (unless it closed) has read. */
    void tryFinishDead(Slot slot) {
        if (!loop.drainSendsAsFailed(slot)) {
            return; // the owner is inside send; its signal brings us back
        }
        if (slot.closeIndPending && slot.deferredCloseCnf == 0 && !announceRemaining(slot)) {
            return; // CLOSE_IND waits until every byte was announced
        }
        loop.finish(slot);
    }

    /** An owner-closed socket has written everything: close it and confirm. */
    void completeDrain(Slot slot) {
        if (slot.sendGate != 0) {
            return; // a refused send is in flight; its signal brings us back
        }
        loop.confirmSends(slot);
        if (slot.send.readable() > 0 || slot.sendLengths.readable() > 0) {
            return;
        }
        loop.finish(slot);
    }

    @Override
    void updateInterest(Slot slot) {
        int ops = 0;
        if (slot.phase == Slot.PHASE_CONNECTING) {
            ops = SelectionKey.OP_CONNECT;
        } else if (slot.phase == Slot.PHASE_OPEN || slot.phase == Slot.PHASE_DRAINING) {
            if (slot.phase == Slot.PHASE_OPEN && !slot.inputDone && !slot.readFull && !slot.readPausedForRing) {
                ops |= SelectionKey.OP_READ;
            }
            if (slot.writePending) {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        loop.interest(slot, ops);
    }
}
