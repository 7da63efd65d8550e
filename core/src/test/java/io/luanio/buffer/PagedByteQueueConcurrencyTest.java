package io.luanio.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.luanio.testing.Workers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * {@link PagedByteQueue} with a producer thread and a consumer thread, while one side
 * trims the queue whenever it finds it empty. The stream is a fixed random source read
 * cyclically, so the consumer checks every chunk where it lands and both sides keep a
 * CRC32 of everything they moved. Bounded by byte or frame counts; the timeout is only a
 * guard against a hang.
 */
class PagedByteQueueConcurrencyTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(180);
    private static final long STREAM_BYTES = 256L << 20;
    private static final int PAGE_SIZE = 1024;
    /** Small, and not a multiple of the page size. */
    private static final int CAPACITY = 5 * PAGE_SIZE + 123;
    /** Odd length, so the stream's pattern never lines up with pages. */
    private static final byte[] SOURCE = new byte[65_537];

    static {
        new Random(0x5EED_0001L).nextBytes(SOURCE);
    }

    /** Copies the stream bytes at {@code [pos, pos + len)} into {@code dst}. */
    private static void fill(byte[] dst, int off, long pos, int len) {
        while (len > 0) {
            int at = (int) (pos % SOURCE.length);
            int n = Math.min(len, SOURCE.length - at);
            System.arraycopy(SOURCE, at, dst, off, n);
            off += n;
            pos += n;
            len -= n;
        }
    }

    /** Checks {@code got[0, n)} against the stream at {@code pos}. */
    private static void check(byte[] got, byte[] scratch, long pos, int n) {
        fill(scratch, 0, pos, n);
        int m = Arrays.mismatch(got, 0, n, scratch, 0, n);
        if (m >= 0) {
            throw new AssertionError("stream byte " + (pos + m) + " arrived as " + got[m] + ", expected " + scratch[m]);
        }
    }

    /** What each side saw. */
    private static final class Side {
        long bytes;
        long crc;
        long trims;
    }

    @Test
    void consumerTrimmingConcurrentlyLosesAndCorruptsNothing() {
        PagePool pool = new PagePool(PAGE_SIZE, 1 << 20);
        PagedByteQueue q = new PagedByteQueue(pool, CAPACITY, true);
        Side producer = new Side();
        Side consumer = new Side();
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("pbq-consumer-trims",
            () -> {
                Random rnd = new Random(0x5EED_0002L);
                byte[] chunk = new byte[CAPACITY];
                CRC32 crc = new CRC32();
                long pos = 0;
                while (pos < STREAM_BYTES) {
                    int len = (int) Math.min(STREAM_BYTES - pos, 1 + rnd.nextInt(CAPACITY));
                    fill(chunk, 0, pos, len);
                    while (!q.offer(chunk, 0, len)) {
                        Workers.idle();
                    }
                    crc.update(chunk, 0, len);
                    pos += len;
                }
                producer.bytes = pos;
                producer.crc = crc.getValue();
            },
            () -> {
                Random rnd = new Random(0x5EED_0003L);
                byte[] buf = new byte[CAPACITY];
                byte[] scratch = new byte[CAPACITY];
                CRC32 crc = new CRC32();
                long pos = 0;
                long trims = 0;
                while (pos < STREAM_BYTES) {
                    int n = q.poll(buf, 0, 1 + rnd.nextInt(CAPACITY));
                    if (n > 0) {
                        check(buf, scratch, pos, n);
                        crc.update(buf, 0, n);
                        pos += n;
                    }
                    // trim after every poll: it races with the producer's next write
                    if (q.trimAsConsumer()) {
                        trims++;
                    }
                    if (n == 0) {
                        Workers.idle();
                    }
                }
                consumer.bytes = pos;
                consumer.crc = crc.getValue();
                consumer.trims = trims;
            }));
        assertEquals(STREAM_BYTES, producer.bytes);
        assertEquals(STREAM_BYTES, consumer.bytes);
        assertEquals(producer.crc, consumer.crc, "CRC32 of the stream on both sides");
        assertTrue(consumer.trims > 0, "the consumer never found the queue empty to trim it");
        assertEquals(0, q.readable());
        assertTrue(q.trimAsConsumer());
        assertFalse(q.holdsPages());
        assertEquals(0, pool.outstandingPages());
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void producerTrimmingConcurrentlyLosesAndCorruptsNothing() {
        PagePool pool = new PagePool(PAGE_SIZE, 1 << 20);
        PagedByteQueue q = new PagedByteQueue(pool, CAPACITY, false);
        Side producer = new Side();
        Side consumer = new Side();
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("pbq-producer-trims",
            () -> {
                Random rnd = new Random(0x5EED_0004L);
                byte[] chunk = new byte[CAPACITY];
                CRC32 crc = new CRC32();
                long pos = 0;
                long trims = 0;
                for (int i = 0; pos < STREAM_BYTES; i++) {
                    int len = (int) Math.min(STREAM_BYTES - pos, 1 + rnd.nextInt(CAPACITY));
                    fill(chunk, 0, pos, len);
                    while (!q.offer(chunk, 0, len)) {
                        Workers.idle();
                    }
                    crc.update(chunk, 0, len);
                    pos += len;
                    if (i % 8 == 0) {
                        // wait for the consumer to empty the queue, then the trim must succeed
                        while (q.publishedReadPosition() != pos) {
                            Workers.idle();
                        }
                        if (!q.trimAsProducer() || q.holdsPages()) {
                            throw new AssertionError("trim of an empty queue failed at " + pos);
                        }
                        trims++;
                    } else if (q.trimAsProducer()) {
                        // races with the consumer's reads and page returns
                        trims++;
                    }
                }
                producer.bytes = pos;
                producer.crc = crc.getValue();
                producer.trims = trims;
            },
            () -> {
                Random rnd = new Random(0x5EED_0005L);
                byte[] buf = new byte[CAPACITY];
                byte[] scratch = new byte[CAPACITY];
                CRC32 crc = new CRC32();
                long pos = 0;
                while (pos < STREAM_BYTES) {
                    int n = q.poll(buf, 0, 1 + rnd.nextInt(CAPACITY));
                    if (n == 0) {
                        Workers.idle();
                        continue;
                    }
                    check(buf, scratch, pos, n);
                    crc.update(buf, 0, n);
                    pos += n;
                }
                consumer.bytes = pos;
                consumer.crc = crc.getValue();
            }));
        assertEquals(STREAM_BYTES, producer.bytes);
        assertEquals(STREAM_BYTES, consumer.bytes);
        assertEquals(producer.crc, consumer.crc, "CRC32 of the stream on both sides");
        assertTrue(producer.trims > 0);
        assertEquals(0, q.readable());
        assertTrue(pool.outstandingPages() <= 1, "an empty queue holds at most the page it stopped in");
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void scatteringWritesAndGatheringReadsWithProducerTrims() {
        final long total = 64L << 20;
        PagePool pool = new PagePool(PAGE_SIZE, 1 << 20);
        PagedByteQueue q = new PagedByteQueue(pool, CAPACITY, false);
        Side producer = new Side();
        Side consumer = new Side();
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("pbq-views",
            () -> {
                Random rnd = new Random(0x5EED_0006L);
                ByteBuffer[] views = new ByteBuffer[4];
                byte[] chunk = new byte[CAPACITY];
                CRC32 crc = new CRC32();
                long pos = 0;
                while (pos < total) {
                    int n = q.writeViews(views, 1 + rnd.nextInt(CAPACITY));
                    int exposed = 0;
                    for (int i = 0; i < n; i++) {
                        exposed += views[i].remaining();
                    }
                    // a socket read fills a prefix of the views, sometimes nothing
                    int len = (int) Math.min(total - pos, rnd.nextInt(exposed + 1));
                    fill(chunk, 0, pos, len);
                    for (int i = 0, done = 0; done < len; i++) {
                        int k = Math.min(views[i].remaining(), len - done);
                        views[i].put(chunk, done, k);
                        done += k;
                    }
                    q.commitWrite(len);
                    crc.update(chunk, 0, len);
                    pos += len;
                    if (rnd.nextInt(16) == 0) {
                        // wait for the consumer to empty the queue, then the trim must succeed
                        while (q.publishedReadPosition() != pos) {
                            Workers.idle();
                        }
                        if (!q.trimAsProducer() || q.holdsPages()) {
                            throw new AssertionError("trim of an empty queue failed at " + pos);
                        }
                        producer.trims++;
                    } else if (q.trimAsProducer()) {
                        producer.trims++;
                    }
                    if (n == 0 || len == 0) {
                        Workers.idle();
                    }
                }
                producer.bytes = pos;
                producer.crc = crc.getValue();
            },
            () -> {
                Random rnd = new Random(0x5EED_0007L);
                ByteBuffer[] views = new ByteBuffer[3];
                byte[] buf = new byte[CAPACITY];
                byte[] scratch = new byte[CAPACITY];
                CRC32 crc = new CRC32();
                long pos = 0;
                while (pos < total) {
                    int n = q.readViews(views, 0, 1 + rnd.nextInt(CAPACITY));
                    // a socket write takes a prefix of the views, sometimes nothing
                    int exposed = 0;
                    for (int i = 0; i < n; i++) {
                        exposed += views[i].remaining();
                    }
                    int len = rnd.nextInt(exposed + 1);
                    for (int i = 0, done = 0; done < len; i++) {
                        int k = Math.min(views[i].remaining(), len - done);
                        views[i].get(buf, done, k);
                        done += k;
                    }
                    check(buf, scratch, pos, len);
                    q.commitRead(len);
                    crc.update(buf, 0, len);
                    pos += len;
                    if (len == 0) {
                        Workers.idle();
                    }
                }
                consumer.bytes = pos;
                consumer.crc = crc.getValue();
            }));
        assertEquals(total, producer.bytes);
        assertEquals(total, consumer.bytes);
        assertEquals(producer.crc, consumer.crc, "CRC32 of the stream on both sides");
        assertEquals(0, q.readable());
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void framesWithConsumerTrimsArriveWholeOrTruncatedAsAsked() {
        final int frames = 100_000;
        final int maxFrame = CAPACITY - 4;
        PagePool pool = new PagePool(PAGE_SIZE, 1 << 20);
        PagedByteQueue q = new PagedByteQueue(pool, CAPACITY, true);
        Side producer = new Side();
        Side consumer = new Side();
        assertTimeoutPreemptively(HANG_GUARD, () -> Workers.runAll("pbq-frames",
            () -> {
                Random lengths = new Random(0x5EED_0008L);
                byte[] chunk = new byte[maxFrame];
                for (int i = 0; i < frames; i++) {
                    int len = lengths.nextInt(8) == 0 ? 0 : lengths.nextInt(maxFrame + 1);
                    long at = i * 7919L;
                    fill(chunk, 0, at, len);
                    ByteBuffer payload = ByteBuffer.wrap(chunk, 0, len);
                    while (!q.offerFrame(payload)) {
                        Workers.idle();
                    }
                    producer.bytes += len;
                }
            },
            () -> {
                Random lengths = new Random(0x5EED_0008L); // the producer's lengths, replayed
                Random sizes = new Random(0x5EED_0009L);
                byte[] buf = new byte[maxFrame];
                byte[] scratch = new byte[maxFrame];
                ByteBuffer direct = ByteBuffer.allocateDirect(maxFrame);
                for (int i = 0; i < frames; i++) {
                    int len = lengths.nextInt(8) == 0 ? 0 : lengths.nextInt(maxFrame + 1);
                    int room = sizes.nextInt(4) == 0 ? sizes.nextInt(maxFrame + 1) : maxFrame;
                    boolean viaBuffer = sizes.nextBoolean();
                    int n;
                    for (;;) {
                        if (viaBuffer) {
                            direct.clear().limit(room);
                            n = q.pollFrame(direct);
                        } else {
                            n = q.pollFrame(buf, 0, room);
                        }
                        if (n >= 0) {
                            break;
                        }
                        if (q.trimAsConsumer()) {
                            consumer.trims++;
                        }
                        Workers.idle();
                    }
                    if (n != Math.min(len, room)) {
                        throw new AssertionError("frame " + i + " of " + len + " bytes into " + room + " gave " + n);
                    }
                    if (viaBuffer) {
                        direct.flip();
                        direct.get(buf, 0, n);
                    }
                    check(buf, scratch, i * 7919L, n);
                    consumer.bytes += len;
                }
            }));
        assertEquals(producer.bytes, consumer.bytes);
        assertEquals(0, q.readable());
        assertEquals(-1, q.pollFrame(new byte[1], 0, 1));
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }
}
