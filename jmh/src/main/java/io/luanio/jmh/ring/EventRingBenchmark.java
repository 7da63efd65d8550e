package io.luanio.jmh.ring;

import io.luanio.jmh.BenchmarkBase;
import io.luanio.ring.EventRing;
import java.util.ArrayList;
import java.util.concurrent.ArrayBlockingQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Control;

/**
 * How many 4-field event records per second go from one thread to another through
 * {@link EventRing} (the ring between the loop and each context), next to what one
 * writes with the JDK alone?
 *
 * <p>Each case is a JMH group of two threads, a producer and a consumer, spinning
 * ({@code Thread.onSpinWait}) when the ring is full or empty:
 * <ul>
 * <li>{@code luanio}: {@code luanioOffer} is one {@code EventRing.offer(type, socket,
 *     result, value)}; {@code luanioDrain} takes one record, from batches that
 *     {@code EventRing.drain} hands to a primitive {@link EventRing.Handler} (up to
 *     {@code capacity} records per call, all that is waiting).</li>
 * <li>{@code baseline}: an {@link ArrayBlockingQueue} of {@code capacity} preallocated
 *     mutable records, plus a second one holding the free records, so nothing is
 *     allocated: the producer polls a free record, fills its four fields and offers it;
 *     the consumer takes batches with {@code drainTo} (the JDK's batch take, into a
 *     preallocated list), reads each record and offers it back to the free queue.</li>
 * </ul>
 * Every record carries its sequence number (value; socket, result and type derived from
 * it), and the consumer checks each one, so a lost, repeated or torn record fails the run.
 *
 * <h2>Reading the numbers</h2>
 * JMH prints a line per method and one for the group: the group line adds both threads'
 * operations, so records/s is the {@code luanioOffer} (or {@code luanioDrain}) line, not
 * the group total, which counts every record twice. For the same reason
 * {@code gc.alloc.rate.norm} (per group operation) is half the bytes per record. The
 * baseline's queues take a {@code ReentrantLock} per call; when a thread finds the lock
 * taken and parks, the JDK allocates a wait-queue node, which is what its bytes per record
 * show.
 *
 * <p>Both threads spin, so the case needs two otherwise idle cores: on a busy or 2-core
 * machine the scheduler, not the queue, sets the pace, and iterations differ by an order of
 * magnitude.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar EventRingBenchmark -prof gc
 * </pre>
 */
public class EventRingBenchmark extends BenchmarkBase {
    /** The record type every record carries (RECV_IND's number, for the look of it). */
    static final int TYPE = 31;

    /** Creates the benchmark (JMH does). */
    public EventRingBenchmark() {
    }

    /**
     * The size both cases share.
     */
    @State(Scope.Benchmark)
    public static class Size {
        /** Records the ring (or queue) holds: {@code ContextConfig}'s default is 1024. */
        @Param({"1024"})
        public int capacity;

        /** Creates the state (JMH does). */
        public Size() {
        }
    }

    /**
     * luanio's producer: one record offered.
     *
     * @param ring the ring
     * @param control tells a spinning producer that the iteration is over
     */
    @Benchmark
    @Group("luanio")
    @GroupThreads(1)
    public void luanioOffer(RingState ring, Control control) {
        ring.offer(control);
    }

    /**
     * luanio's consumer: one record taken.
     *
     * @param ring the ring
     * @param consumer the consumer's batch and checks
     * @param control tells a spinning consumer that the iteration is over
     * @return the next sequence number expected
     */
    @Benchmark
    @Group("luanio")
    @GroupThreads(1)
    public long luanioDrain(RingState ring, RingConsumer consumer, Control control) {
        return consumer.take(ring.ring, control);
    }

    /**
     * The JDK's producer: one record offered.
     *
     * @param queues the queues
     * @param control tells a spinning producer that the iteration is over
     */
    @Benchmark
    @Group("baseline")
    @GroupThreads(1)
    public void baselineOffer(QueueState queues, Control control) {
        queues.offer(control);
    }

    /**
     * The JDK's consumer: one record taken.
     *
     * @param queues the queues
     * @param consumer the consumer's batch and checks
     * @param control tells a spinning consumer that the iteration is over
     * @return the next sequence number expected
     */
    @Benchmark
    @Group("baseline")
    @GroupThreads(1)
    public long baselineDrain(QueueState queues, QueueConsumer consumer, Control control) {
        return consumer.take(queues, control);
    }

    /** The ring, shared by the group's two threads, and the producer's sequence. */
    @State(Scope.Group)
    public static class RingState {
        EventRing ring;
        private long next;

        /** Creates the state (JMH does). */
        public RingState() {
        }

        /**
         * Creates the ring.
         *
         * @param size the capacity
         */
        @Setup(Level.Trial)
        public void setUp(Size size) {
            ring = new EventRing(size.capacity);
        }

        void offer(Control control) {
            long seq = next;
            while (!ring.offer(TYPE, (int) seq, (int) (seq & 0x7FFF), seq)) {
                if (control.stopMeasurement) {
                    return;
                }
                Thread.onSpinWait();
            }
            next = seq + 1;
        }
    }

    /** The consumer's side of the ring case: a preallocated handler and its checks. */
    @State(Scope.Thread)
    public static class RingConsumer {
        private final EventRing.Handler check = this::onEvent;
        private long expected;
        private int backlog;

        /** Creates the state (JMH does). */
        public RingConsumer() {
        }

        long take(EventRing ring, Control control) {
            if (backlog == 0) {
                int n;
                while ((n = ring.drain(check, ring.capacity())) == 0) {
                    if (control.stopMeasurement) {
                        return expected;
                    }
                    Thread.onSpinWait();
                }
                backlog = n;
            }
            backlog--;
            return expected;
        }

        private void onEvent(int type, int socket, int result, long value) {
            long seq = expected++;
            if (value != seq || socket != (int) seq || result != (int) (seq & 0x7FFF) || type != TYPE) {
                throw new IllegalStateException("wrong record: expected=" + seq + ", type=" + type + ", socket=" + socket
                    + ", result=" + result + ", value=" + value);
            }
        }
    }

    /** One mutable event record of the baseline, reused through the free queue. */
    static final class Record {
        int type;
        int socket;
        int result;
        long value;
    }

    /** The baseline's two queues, shared by the group's two threads, and the producer's sequence. */
    @State(Scope.Group)
    public static class QueueState {
        ArrayBlockingQueue<Record> full;
        ArrayBlockingQueue<Record> free;
        private long next;

        /** Creates the state (JMH does). */
        public QueueState() {
        }

        /**
         * Creates the queues and the records.
         *
         * @param size the capacity
         */
        @Setup(Level.Trial)
        public void setUp(Size size) {
            full = new ArrayBlockingQueue<>(size.capacity);
            free = new ArrayBlockingQueue<>(size.capacity);
            for (int i = 0; i < size.capacity; i++) {
                free.add(new Record());
            }
        }

        void offer(Control control) {
            Record r;
            while ((r = free.poll()) == null) {
                if (control.stopMeasurement) {
                    return;
                }
                Thread.onSpinWait();
            }
            long seq = next++;
            r.type = TYPE;
            r.socket = (int) seq;
            r.result = (int) (seq & 0x7FFF);
            r.value = seq;
            if (!full.offer(r)) {
                throw new IllegalStateException("a free record but no room: seq=" + seq);
            }
        }
    }

    /** The consumer's side of the baseline: a preallocated batch list and the checks. */
    @State(Scope.Thread)
    public static class QueueConsumer {
        private ArrayList<Record> batch;
        private int index;
        private long expected;

        /** Creates the state (JMH does). */
        public QueueConsumer() {
        }

        /**
         * Allocates the batch list once.
         *
         * @param size the capacity
         */
        @Setup(Level.Trial)
        public void setUp(Size size) {
            batch = new ArrayList<>(size.capacity);
        }

        long take(QueueState queues, Control control) {
            if (index == batch.size()) {
                batch.clear();
                index = 0;
                while (queues.full.drainTo(batch, Integer.MAX_VALUE) == 0) {
                    if (control.stopMeasurement) {
                        return expected;
                    }
                    Thread.onSpinWait();
                }
            }
            Record r = batch.get(index++);
            long seq = expected++;
            if (r.value != seq || r.socket != (int) seq || r.result != (int) (seq & 0x7FFF) || r.type != TYPE) {
                throw new IllegalStateException("wrong record: expected=" + seq + ", type=" + r.type + ", socket="
                    + r.socket + ", result=" + r.result + ", value=" + r.value);
            }
            queues.free.offer(r); // always room: the records are exactly the free queue's capacity
            return expected;
        }
    }
}
