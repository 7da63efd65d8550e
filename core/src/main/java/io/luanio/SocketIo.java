package io.luanio;

/**
 * The loop's handler for one kind of socket (TCP, UDP, listener). One instance per loop
 * and kind; the per-socket state lives in the {@link Slot}. Loop thread only.
 */
abstract class SocketIo {
    final Loop loop;

    SocketIo(Loop loop) {
        this.loop = loop;
    }

    /** Starts a connect (the socket's first loop-side step). */
    abstract void open(Slot slot, Command.Connect command);

    /** The selector reports the socket ready; {@code readyOps} is never 0. */
    abstract void onReady(Slot slot, int readyOps);

    /** The owner raised signal bits (see {@link Slot}). */
    abstract void onSignals(Slot slot, int bits);

    /** The socket's timer fired. */
    abstract void onTimer(Slot slot, int kind);

    /** The socket broke: close it and tell its owner. */
    abstract void fail(Slot slot, String reason);

    /** Recomputes the key's interest set from the socket's state. */
    abstract void updateInterest(Slot slot);

    /** The owner asked to close a socket that was already closing. */
    abstract void onOwnerCloseWhileClosing(Slot slot);
}
