package io.luanio;

import io.luanio.dns.LookupResult;
import io.luanio.dns.Resolver;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * Work that an owner thread hands to the loop through its command queue. The frequent
 * operations (send, recv acknowledgement, close) do not come this way: they are signal
 * bits on the socket's {@link Slot}, which allocate nothing.
 */
abstract class Command {
    /** Runs on the loop thread. */
    abstract void run(Loop loop);

    /** Starts connecting a TCP or UDP socket. */
    static final class Connect extends Command {
        final Slot slot;
        final int id;
        final String host;
        final int port;
        final ConnectOptions options;

        Connect(Slot slot, int id, String host, int port, ConnectOptions options) {
            this.slot = slot;
            this.id = id;
            this.host = host;
            this.port = port;
            this.options = options;
        }

        @Override
        void run(Loop loop) {
            loop.connect(this);
        }
    }

    /**
     * Resolves a name for {@link Context#lookup}; the answer is kept here for the owner
     * and announced by one {@code LOOKUP_CNF}.
     */
    static final class Lookup extends Command implements Resolver.Callback {
        final Context context;
        final int id;
        final String name;
        final int family;
        /** Written by the loop before the event is published; read by the owner after it. */
        volatile LookupResult result;

        Lookup(Context context, int id, String name, int family) {
            this.context = context;
            this.id = id;
            this.name = name;
            this.family = family;
        }

        @Override
        void run(Loop loop) {
            loop.resolver.lookup(name, family, this);
        }

        @Override
        public void onLookup(LookupResult answer) {
            result = answer;
            boolean ok = answer.ok();
            context.loop.post(context, EventType.LOOKUP_CNF, id, ok ? 0 : 1, ok ? answer.addresses().size() : answer.status());
        }
    }

    /** Runs a task on the loop thread (the resolver hands back work done off the loop). */
    static final class Task extends Command {
        final Runnable task;

        Task(Runnable task) {
            this.task = task;
        }

        @Override
        void run(Loop loop) {
            task.run();
        }
    }

    /** Binds and starts a listener. */
    static final class Listen extends Command {
        final Slot slot;
        final int id;
        final InetSocketAddress local;
        final int backlog;

        Listen(Slot slot, int id, InetSocketAddress local, int backlog) {
            this.slot = slot;
            this.id = id;
            this.local = local;
            this.backlog = backlog;
        }

        @Override
        void run(Loop loop) {
            loop.listenerIo.listen(slot, id, local, backlog);
        }
    }

    /** Answers a close of a socket that is already closed or closing, or of an unknown id. */
    static final class PostCloseCnf extends Command {
        final Context context;
        final int id;

        PostCloseCnf(Context context, int id) {
            this.context = context;
            this.id = id;
        }

        @Override
        void run(Loop loop) {
            loop.postCloseCnf(context, id);
        }
    }

    /** Applies a socket option (or keeps it until the channel exists). */
    static final class SetOption extends Command {
        final Slot slot;
        final int id;
        final int level;
        final int name;
        final int value;

        SetOption(Slot slot, int id, int level, int name, int value) {
            this.slot = slot;
            this.id = id;
            this.level = level;
            this.name = name;
            this.value = value;
        }

        @Override
        void run(Loop loop) {
            loop.setOption(slot, id, level, name, value);
        }
    }

    /** Starts (or restarts) a context's timer. */
    static final class StartTimer extends Command {
        final Context context;
        final long timerId;
        final long delayNs;
        final int generation;

        StartTimer(Context context, long timerId, long delayNs, int generation) {
            this.context = context;
            this.timerId = timerId;
            this.delayNs = delayNs;
            this.generation = generation;
        }

        @Override
        void run(Loop loop) {
            loop.startTimer(context, timerId, delayNs, generation);
        }
    }

    /** Stops a context's timer. */
    static final class StopTimer extends Command {
        final Context context;
        final long timerId;

        StopTimer(Context context, long timerId) {
            this.context = context;
            this.timerId = timerId;
        }

        @Override
        void run(Loop loop) {
            loop.stopTimer(context, timerId);
        }
    }

    /** A caller's task for {@link EventLoop#execute(Runnable)}. */
    static final class Execute extends Command {
        final Runnable task;

        Execute(Runnable task) {
            this.task = task;
        }

        @Override
        void run(Loop loop) {
            try {
                task.run();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                loop.report(t); // a caller's task failing (an assertion too) must not end the loop
            }
        }
    }

    /** The owner drained its ring while events were held aside. */
    static final class RingDrained extends Command {
        final Context context;

        RingDrained(Context context) {
            this.context = context;
        }

        @Override
        void run(Loop loop) {
            context.clearDrainSignal();
            loop.flushOverflow(context);
        }
    }

    /** Closes every socket and timer of a context. */
    static final class CloseContext extends Command {
        final Context context;
        final CountDownLatch done;

        CloseContext(Context context, CountDownLatch done) {
            this.context = context;
            this.done = done;
        }

        @Override
        void run(Loop loop) {
            try {
                loop.closeContext(context);
            } finally {
                done.countDown();
            }
        }
    }
}
