package io.luanio.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Single-threaded contract of {@link PagedByteQueue}: bytes, counts, return values and
 * page accounting. The two-thread tests are in {@link PagedByteQueueConcurrencyTest}.
 *
 * <p>Most tests use 256-byte pages (the smallest) so a few hundred bytes cross pages, and
 * write the byte {@link #at(long)} at stream position {@code pos}, so any byte read back
 * can be checked against where it sits in the stream.
 */
class PagedByteQueueTest {
    private static final int P = 256;
    private static final int SHIFT = 8; // log2(P)

    private final PagePool pool = new PagePool(P, 1 << 20);

    // ---------------------------------------------------------------- helpers

    /** The byte the tests write at stream position {@code pos}. */
    static byte at(long pos) {
        long x = (pos + 1) * 0x9E37_79B9_7F4A_7C15L;
        return (byte) (x >>> 56 ^ x >>> 23);
    }

    static byte[] pattern(long from, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = at(from + i);
        }
        return out;
    }

    /** Producer side: appends {@code len} pattern bytes, which must fit. */
    private static void write(PagedByteQueue q, int len) {
        assertTrue(q.offer(pattern(q.producerPosition(), len), 0, len), "offer " + len);
    }

    /** Consumer side: reads {@code len} bytes and checks them against the pattern. */
    private static void readExpect(PagedByteQueue q, int len) {
        long from = q.consumerPosition();
        byte[] got = new byte[len];
        assertEquals(len, q.poll(got, 0, len));
        assertArrayEquals(pattern(from, len), got, "bytes at " + from);
    }

    private static boolean trim(PagedByteQueue q, boolean consumerTrims) {
        return consumerTrims ? q.trimAsConsumer() : q.trimAsProducer();
    }

    private static int totalRemaining(ByteBuffer[] views, int from, int count) {
        int sum = 0;
        for (int i = from; i < from + count; i++) {
            sum += views[i].remaining();
        }
        return sum;
    }

    /** What a scattering read does: fills the views in order with {@code data}. */
    private static void scatter(ByteBuffer[] views, int count, byte[] data) {
        int done = 0;
        for (int i = 0; i < count && done < data.length; i++) {
            int n = Math.min(views[i].remaining(), data.length - done);
            views[i].put(data, done, n);
            done += n;
        }
        assertEquals(data.length, done, "views too small for the simulated read");
    }

    /** What a gathering write sees: the views' bytes in order (views are left as they were). */
    private static byte[] gather(ByteBuffer[] views, int from, int count) {
        byte[] out = new byte[totalRemaining(views, from, count)];
        int done = 0;
        for (int i = from; i < from + count; i++) {
            ByteBuffer v = views[i].duplicate();
            int n = v.remaining();
            v.get(out, done, n);
            done += n;
        }
        return out;
    }

    // ---------------------------------------------------------------- basics

    @Test
    void newQueueIsEmptyAndHoldsNoPage() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        assertEquals(1000, q.capacity());
        assertEquals(0, q.size());
        assertEquals(0, q.readable());
        assertEquals(1000, q.writable());
        assertEquals(0, q.producerPosition());
        assertEquals(0, q.consumerPosition());
        assertEquals(0, q.publishedReadPosition());
        assertFalse(q.holdsPages());
        assertEquals(0, pool.outstandingPages());
        assertEquals(0, q.poll(new byte[10], 0, 10));
        assertEquals(0, q.poll(ByteBuffer.allocate(10)));
        assertEquals(-1, q.pollFrame(new byte[10], 0, 10));
        assertEquals(-1, q.pollFrame(ByteBuffer.allocate(10)));
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0})
    void capacityMustBePositive(int capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PagedByteQueue(pool, capacity, false));
        assertTrue(e.getMessage().contains("capacity=" + capacity), e.getMessage());
        PagedByteQueue q = new PagedByteQueue(pool, 10, false);
        assertThrows(IllegalArgumentException.class, () -> q.reset(capacity));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 255, 256, 257, 511, 512, 513, 767, 768, 769, 999, 1000})
    void arrayOfferAndPollAreByteExactAcrossPageBoundaries(int size) {
        for (int start : new int[] {0, 1, 100, 255, 256, 257, 511}) {
            PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
            write(q, start);
            readExpect(q, start);
            byte[] src = new byte[size + 7];
            System.arraycopy(pattern(start, size), 0, src, 3, size);
            assertTrue(q.offer(src, 3, size));
            assertEquals(size, q.readable());
            assertEquals(size, q.size());
            assertEquals(1000 - size, q.writable());
            assertEquals(start + size, q.producerPosition());
            byte[] got = new byte[size + 10];
            assertEquals(size, q.poll(got, 5, size + 5));
            assertArrayEquals(pattern(start, size), Arrays.copyOfRange(got, 5, 5 + size), "start=" + start);
            assertEquals(0, got[4]);
            assertEquals(0, got[5 + size]);
            assertEquals(0, q.readable());
            assertEquals(1000, q.writable());
            assertEquals(start + size, q.consumerPosition());
            assertEquals(start + size, q.publishedReadPosition());
            q.clear();
            assertEquals(0, pool.outstandingPages());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 255, 256, 257, 513, 1023, 1024})
    void bufferOfferAndPollAreByteExactAcrossPageBoundaries(int size) {
        for (int start : new int[] {0, 1, 100, 255, 256}) {
            for (boolean direct : new boolean[] {false, true}) {
                PagedByteQueue q = new PagedByteQueue(pool, 1024, false);
                write(q, start);
                readExpect(q, start);
                ByteBuffer src = direct ? ByteBuffer.allocateDirect(size + 20) : ByteBuffer.allocate(size + 20);
                src.position(7);
                src.put(pattern(start, size));
                src.limit(7 + size).position(7);
                assertTrue(q.offer(src));
                assertEquals(7 + size, src.position(), "src is consumed");
                assertEquals(7 + size, src.limit(), "src limit is restored");
                assertEquals(size, q.readable());
                ByteBuffer dst = direct ? ByteBuffer.allocate(size + 20) : ByteBuffer.allocateDirect(size + 20);
                dst.position(3);
                assertEquals(size, q.poll(dst));
                assertEquals(3 + size, dst.position());
                dst.flip().position(3);
                byte[] got = new byte[size];
                dst.get(got);
                assertArrayEquals(pattern(start, size), got);
                q.clear();
            }
        }
    }

    @Test
    void pollReadsAtMostWhatIsAskedAndWhatIsThere() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 600);
        assertEquals(0, q.poll(new byte[10], 0, 0));
        readExpect(q, 1);
        readExpect(q, 299);
        byte[] big = new byte[1000];
        assertEquals(300, q.poll(big, 0, 1000));
        assertArrayEquals(pattern(300, 300), Arrays.copyOf(big, 300));
        assertEquals(0, q.poll(big, 0, 1000));
        write(q, 50);
        ByteBuffer dst = ByteBuffer.allocate(20);
        assertEquals(20, q.poll(dst));
        assertArrayEquals(pattern(600, 20), dst.array());
        assertEquals(30, q.poll(ByteBuffer.allocate(100)));
        assertEquals(0, q.poll(ByteBuffer.allocate(100)));
    }

    @Test
    void offerIsAllOrNothingWhenThereIsNoRoom() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 600);
        assertFalse(q.offer(new byte[401], 0, 401));
        ByteBuffer src = ByteBuffer.wrap(new byte[401]);
        assertFalse(q.offer(src));
        assertEquals(0, src.position(), "a refused buffer is not consumed");
        ByteBuffer frame = ByteBuffer.wrap(new byte[397]);
        assertFalse(q.offerFrame(frame));
        assertEquals(0, frame.position());
        assertEquals(600, q.readable());
        assertEquals(600, q.producerPosition());
        assertEquals(400, q.writable());

        write(q, 400);
        assertEquals(0, q.writable());
        assertFalse(q.offer(new byte[1], 0, 1));
        assertFalse(q.offer(ByteBuffer.allocate(1)));
        assertFalse(q.offerInt(1));
        assertFalse(q.offerFrame(ByteBuffer.allocate(0)));
        assertTrue(q.offer(new byte[0], 0, 0), "nothing always fits");

        readExpect(q, 3);
        assertEquals(3, q.writable());
        assertFalse(q.offerInt(7), "an int needs 4 bytes");
        assertFalse(q.offerFrame(ByteBuffer.allocate(0)), "a frame needs 4 bytes of header");
        readExpect(q, 1);
        assertTrue(q.offerInt(0x0A0B0C0D));
        assertEquals(0, q.writable());
        readExpect(q, 996);
        assertEquals(0x0A0B0C0D, q.pollInt());
        assertEquals(0, q.readable());
    }

    @Test
    void positionsSizesAndFreeSpaceTrackEachSide() {
        PagedByteQueue q = new PagedByteQueue(pool, 700, false);
        write(q, 300);
        assertEquals(300, q.producerPosition());
        assertEquals(300, q.readable());
        assertEquals(300, q.size());
        assertEquals(400, q.writable());
        readExpect(q, 120);
        assertEquals(120, q.consumerPosition());
        assertEquals(120, q.publishedReadPosition());
        assertEquals(180, q.readable());
        assertEquals(180, q.size());
        assertEquals(520, q.writable());
        write(q, 520);
        assertEquals(820, q.producerPosition());
        assertEquals(0, q.writable());
        assertEquals(700, q.readable());
        readExpect(q, 700);
        assertEquals(820, q.consumerPosition());
        assertEquals(700, q.writable());
    }

    @Test
    void capacityOfOneByteWorks() {
        PagedByteQueue q = new PagedByteQueue(pool, 1, false);
        for (int i = 0; i < 3 * P + 5; i++) {
            write(q, 1);
            assertFalse(q.offer(new byte[1], 0, 1));
            readExpect(q, 1);
        }
        assertTrue(pool.outstandingPages() <= 1);
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void queueSpanningManyPagesKeepsEveryByte() {
        PagedByteQueue q = new PagedByteQueue(pool, 64 * 1024 + 17, false);
        Random rnd = new Random(0xB0FF_0001L);
        for (int round = 0; round < 200; round++) {
            int w = rnd.nextInt(q.writable() + 1);
            write(q, w);
            int r = (int) Math.min(q.readable(), rnd.nextInt(70_000));
            readExpect(q, r);
        }
        readExpect(q, (int) q.readable());
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    // ---------------------------------------------------------------- framed records

    @Test
    void framesRoundTripAcrossPageBoundaries() {
        PagedByteQueue q = new PagedByteQueue(pool, 4096, false);
        int[] sizes = {0, 1, 3, 4, 5, 250, 251, 252, 253, 256, 300, 1000, 0, 2};
        for (int start : new int[] {0, 1, 2, 3, 254, 255}) {
            write(q, start);
            readExpect(q, start);
            for (int size : sizes) {
                ByteBuffer payload = ByteBuffer.wrap(pattern(size * 31L, size));
                assertTrue(q.offerFrame(payload));
                assertFalse(payload.hasRemaining());
            }
            for (int i = 0; i < sizes.length; i++) {
                int size = sizes[i];
                assertEquals(size, q.peekInt(), "header of frame " + i);
                if (i % 2 == 0) {
                    byte[] dst = new byte[size + 3];
                    assertEquals(size, q.pollFrame(dst, 1, size));
                    assertArrayEquals(pattern(size * 31L, size), Arrays.copyOfRange(dst, 1, 1 + size));
                } else {
                    ByteBuffer dst = ByteBuffer.allocateDirect(size + 3);
                    assertEquals(size, q.pollFrame(dst));
                    assertEquals(size, dst.position());
                    byte[] got = new byte[size];
                    dst.flip();
                    dst.get(got);
                    assertArrayEquals(pattern(size * 31L, size), got);
                }
            }
            assertEquals(0, q.readable());
            assertEquals(-1, q.pollFrame(new byte[1], 0, 1));
            q.clear();
        }
    }

    @Test
    void pollFrameTruncatesAndDiscardsTheRestOfTheFrame() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 200); // so the frames straddle a page boundary
        readExpect(q, 200);
        assertTrue(q.offerFrame(ByteBuffer.wrap(pattern(1000, 100))));
        assertTrue(q.offerFrame(ByteBuffer.wrap(pattern(2000, 50))));
        assertTrue(q.offerFrame(ByteBuffer.wrap(pattern(3000, 60))));
        assertTrue(q.offerFrame(ByteBuffer.wrap(pattern(4000, 70))));
        assertEquals(4 * 4 + 280, q.readable());

        byte[] small = new byte[10];
        assertEquals(10, q.pollFrame(small, 0, 10));
        assertArrayEquals(pattern(1000, 10), small);
        assertEquals(4 * 3 + 180, q.readable(), "the rest of the first frame is gone");

        ByteBuffer dst = ByteBuffer.allocate(20);
        assertEquals(20, q.pollFrame(dst));
        assertArrayEquals(pattern(2000, 20), dst.array());
        assertEquals(4 * 2 + 130, q.readable());

        assertEquals(0, q.pollFrame(new byte[0], 0, 0), "a zero-length copy still consumes the frame");
        assertEquals(4 + 70, q.readable());

        byte[] exact = new byte[70];
        assertEquals(70, q.pollFrame(exact, 0, 70));
        assertArrayEquals(pattern(4000, 70), exact);
        assertEquals(0, q.readable());
    }

    @Test
    void pollFrameWaitsUntilTheWholeFrameIsReadable() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 254); // the header straddles pages 0 and 1
        readExpect(q, 254);
        assertTrue(q.offer(new byte[] {0, 0, 0}, 0, 3));
        assertEquals(-1, q.pollFrame(new byte[100], 0, 100));
        assertEquals(-1, q.pollFrame(ByteBuffer.allocate(100)));
        assertEquals(3, q.readable());
        assertTrue(q.offer(new byte[] {10}, 0, 1));
        assertEquals(10, q.peekInt());
        assertEquals(-1, q.pollFrame(new byte[100], 0, 100));
        assertTrue(q.offer(pattern(0, 9), 0, 9));
        assertEquals(-1, q.pollFrame(ByteBuffer.allocate(100)));
        assertEquals(13, q.readable(), "nothing was consumed");
        assertTrue(q.offer(new byte[] {at(9)}, 0, 1));
        byte[] dst = new byte[100];
        assertEquals(10, q.pollFrame(dst, 0, 100));
        assertArrayEquals(pattern(0, 10), Arrays.copyOf(dst, 10));
        assertEquals(0, q.readable());
    }

    @Test
    void peekIntDoesNotConsumeAndPollIntDoesBigEndian() {
        for (int start : new int[] {0, 250, 253, 254, 255, 256}) {
            PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
            write(q, start);
            readExpect(q, start);
            assertTrue(q.offer(new byte[] {1, 2, 3, 4, (byte) 0xFF, (byte) 0xFE, (byte) 0xFD, (byte) 0xFC}, 0, 8));
            assertEquals(0x01020304, q.peekInt());
            assertEquals(0x01020304, q.peekInt());
            assertEquals(8, q.readable());
            assertEquals(0x01020304, q.pollInt());
            assertEquals(0xFFFEFDFC, q.pollInt());
            assertTrue(q.offerInt(-2));
            assertTrue(q.offerInt(Integer.MIN_VALUE));
            byte[] raw = new byte[8];
            assertEquals(8, q.poll(raw, 0, 8));
            assertArrayEquals(new byte[] {-1, -1, -1, -2, (byte) 0x80, 0, 0, 0}, raw);
            q.clear();
        }
        // and with the int crossing a page boundary at every offset
        for (int offset = 0; offset < 4; offset++) {
            PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
            write(q, P - offset);
            readExpect(q, P - offset);
            assertTrue(q.offerInt(0x12345678));
            assertEquals(0x12345678, q.peekInt());
            assertEquals(0x12345678, q.pollInt());
            q.clear();
        }
    }

    @Test
    void peekIntAndPollIntNeedFourReadableBytes() {
        PagedByteQueue q = new PagedByteQueue(pool, 100, false);
        assertThrows(IllegalStateException.class, q::peekInt);
        assertThrows(IllegalStateException.class, q::pollInt);
        write(q, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, q::pollInt);
        assertTrue(e.getMessage().contains("readable=3"), e.getMessage());
        assertEquals(3, q.readable());
        readExpect(q, 3);
    }

    // ---------------------------------------------------------------- scattering / gathering I/O

    @Test
    void writeViewsExposeTheFreeSpaceForAScatteringRead() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 100);
        readExpect(q, 100);
        ByteBuffer[] views = new ByteBuffer[8];
        int n = q.writeViews(views, 700);
        assertEquals(4, n); // [100,256) [256,512) [512,768) [768,800)
        assertEquals(156, views[0].remaining());
        assertEquals(256, views[1].remaining());
        assertEquals(256, views[2].remaining());
        assertEquals(32, views[3].remaining());
        for (int i = 0; i < n; i++) {
            assertTrue(views[i].isDirect());
        }
        scatter(views, n, pattern(100, 400)); // a short read: 400 of the 700 bytes
        assertEquals(0, q.readable(), "nothing is readable before the commit");
        q.commitWrite(400);
        assertEquals(400, q.readable());
        assertEquals(500, q.producerPosition());
        readExpect(q, 400);
    }

    @Test
    void writeViewsAreLimitedByFreeSpaceAndByTheArray() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 900);
        ByteBuffer[] views = new ByteBuffer[8];
        int n = q.writeViews(views, Integer.MAX_VALUE);
        assertEquals(100, totalRemaining(views, 0, n));
        q.commitWrite(0);
        assertEquals(900, q.readable());
        scatter(views, n, pattern(900, 100));
        q.commitWrite(100);
        assertEquals(0, q.writeViews(views, 100), "a full queue exposes nothing");
        assertEquals(0, q.writeViews(views, 0));
        readExpect(q, 1000);

        ByteBuffer[] one = new ByteBuffer[1];
        assertEquals(1, q.writeViews(one, 1000));
        assertEquals(P - 1000 % P, one[0].remaining(), "one view reaches the end of the current page");
        assertEquals(0, q.writeViews(new ByteBuffer[0], 1000));
        assertEquals(1, q.writeViews(views, 5));
        assertEquals(5, views[0].remaining());
        scatter(views, 1, pattern(1000, 5));
        q.commitWrite(5);
        readExpect(q, 5);
    }

    @Test
    void manyScatteringReadsOfRandomLengthsKeepTheStreamExact() {
        PagedByteQueue q = new PagedByteQueue(pool, 2000, false);
        Random rnd = new Random(0xB0FF_0002L);
        ByteBuffer[] views = new ByteBuffer[3];
        for (int i = 0; i < 5000; i++) {
            int n = q.writeViews(views, rnd.nextInt(2500));
            int exposed = totalRemaining(views, 0, n);
            int got = exposed == 0 ? 0 : rnd.nextInt(exposed + 1);
            scatter(views, n, pattern(q.producerPosition(), got));
            q.commitWrite(got);
            readExpect(q, (int) Math.min(q.readable(), rnd.nextInt(2500)));
        }
        readExpect(q, (int) q.readable());
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void readViewsExposeUnreadBytesForAGatheringWrite() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 100);
        readExpect(q, 100);
        write(q, 700);
        assertEquals(4, pool.outstandingPages());
        ByteBuffer[] views = new ByteBuffer[8];
        int n = q.readViews(views, 2, Long.MAX_VALUE);
        assertEquals(4, n);
        for (int i = 2; i < 2 + n; i++) {
            assertTrue(views[i].isDirect());
        }
        assertArrayEquals(pattern(100, 700), gather(views, 2, n));
        assertEquals(700, q.readable(), "exposing is not consuming");

        q.commitRead(300); // a short write: 300 of the 700 bytes
        assertEquals(400, q.consumerPosition());
        assertEquals(400, q.publishedReadPosition());
        assertEquals(400, q.readable());
        assertEquals(3, pool.outstandingPages(), "page [0,256) was read past and returned");

        n = q.readViews(views, 0, 10);
        assertEquals(1, n);
        assertArrayEquals(pattern(400, 10), gather(views, 0, 1));
        n = q.readViews(views, 0, Long.MAX_VALUE);
        assertArrayEquals(pattern(400, 400), gather(views, 0, n));
        q.commitRead(400);
        assertEquals(0, q.readable());
        assertEquals(0, q.readViews(views, 0, Long.MAX_VALUE));
    }

    @Test
    void readViewsAreLimitedByTheArray() {
        PagedByteQueue q = new PagedByteQueue(pool, 2000, false);
        write(q, 1500);
        ByteBuffer[] views = new ByteBuffer[3];
        int n = q.readViews(views, 1, Long.MAX_VALUE);
        assertEquals(2, n);
        assertArrayEquals(pattern(0, 2 * P), gather(views, 1, 2));
        assertEquals(0, q.readViews(views, 3, Long.MAX_VALUE));
        q.commitRead(0);
        assertEquals(1500, q.readable());
        q.commitRead(2 * P);
        readExpect(q, 1500 - 2 * P);
    }

    // ---------------------------------------------------------------- pages

    @Test
    void consumerReturnsEachPageOnceItHasReadPastIt() {
        PagedByteQueue q = new PagedByteQueue(pool, 4096, false);
        write(q, 2048);
        assertEquals(8, pool.outstandingPages());
        assertTrue(q.holdsPages());
        readExpect(q, 255);
        assertEquals(8, pool.outstandingPages());
        readExpect(q, 1);
        assertEquals(7, pool.outstandingPages());
        readExpect(q, 512);
        assertEquals(5, pool.outstandingPages());
        readExpect(q, 1279);
        assertEquals(1, pool.outstandingPages());
        readExpect(q, 1);
        assertEquals(0, pool.outstandingPages(), "a page-aligned empty queue holds nothing");
        assertFalse(q.holdsPages());
        write(q, 1);
        assertEquals(1, pool.outstandingPages());
        readExpect(q, 1);
    }

    @Test
    void producerTakesAPageOnlyWhenItFirstWritesIntoIt() {
        PagedByteQueue q = new PagedByteQueue(pool, 4096, false);
        write(q, 0);
        assertEquals(0, pool.outstandingPages());
        write(q, 1);
        assertEquals(1, pool.outstandingPages());
        write(q, P - 1);
        assertEquals(1, pool.outstandingPages(), "a full page does not take the next one");
        write(q, 1);
        assertEquals(2, pool.outstandingPages());
        readExpect(q, P + 1);
        assertEquals(1, pool.outstandingPages());
    }

    @Test
    void emptyQueueKeepsThePageItStoppedInUntilTrimmed() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 100);
        readExpect(q, 100);
        assertEquals(0, q.readable());
        assertEquals(1, pool.outstandingPages());
        assertTrue(q.holdsPages());
        assertTrue(q.trimAsProducer());
        assertEquals(0, pool.outstandingPages());
        assertFalse(q.holdsPages());
    }

    // ---------------------------------------------------------------- trimming

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void trimOnAFreshQueueSucceedsAndChangesNothing(boolean consumerTrims) {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, consumerTrims);
        assertTrue(trim(q, consumerTrims));
        assertFalse(q.holdsPages());
        assertEquals(0, pool.outstandingPages());
        write(q, 300);
        readExpect(q, 300);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void trimOnANonEmptyQueueKeepsEverything(boolean consumerTrims) {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, consumerTrims);
        write(q, 300);
        readExpect(q, 100);
        assertFalse(trim(q, consumerTrims));
        assertTrue(q.holdsPages());
        assertEquals(2, pool.outstandingPages());
        assertEquals(200, q.readable());
        readExpect(q, 199);
        assertFalse(trim(q, consumerTrims), "one byte left");
        readExpect(q, 1);
        assertTrue(trim(q, consumerTrims));
        assertEquals(0, pool.outstandingPages());
    }

    @ParameterizedTest
    @CsvSource({"false, 1", "false, 100", "false, 255", "false, 300", "false, 700",
        "true, 1", "true, 100", "true, 255", "true, 300", "true, 700"})
    void trimOnAnEmptyQueueReturnsEveryPageAndWritingContinuesMidPage(boolean consumerTrims, int first) {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, consumerTrims);
        write(q, first);
        readExpect(q, first);
        assertTrue(trim(q, consumerTrims));
        assertFalse(q.holdsPages());
        assertEquals(0, pool.outstandingPages());
        assertEquals(first, q.producerPosition(), "positions survive a trim");
        assertEquals(first, q.consumerPosition());
        assertEquals(1000, q.writable());

        // the write position is in the middle of a page that is gone: a fresh page takes its place
        write(q, 500);
        assertEquals(500, q.readable());
        readExpect(q, 10);
        readExpect(q, 490);
        assertTrue(trim(q, consumerTrims));
        assertEquals(0, pool.outstandingPages());
        write(q, 1000);
        readExpect(q, 1000);
        assertTrue(trim(q, consumerTrims));
        assertEquals(0, pool.outstandingPages());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void trimAtAPageBoundary(boolean consumerTrims) {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, consumerTrims);
        write(q, 2 * P);
        readExpect(q, 2 * P);
        assertEquals(0, pool.outstandingPages());
        assertTrue(trim(q, consumerTrims));
        write(q, P + 1);
        readExpect(q, P + 1);
        assertEquals(1, pool.outstandingPages());
        assertTrue(trim(q, consumerTrims));
        assertEquals(0, pool.outstandingPages());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyKindOfWriteWorksAfterATrimMidPage(boolean consumerTrims) {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, consumerTrims);
        write(q, 123);
        readExpect(q, 123);
        assertTrue(trim(q, consumerTrims));
        assertTrue(q.offerInt(0x11223344));
        assertEquals(0x11223344, q.pollInt());

        assertTrue(trim(q, consumerTrims));
        assertTrue(q.offerFrame(ByteBuffer.wrap(pattern(5, 200))));
        byte[] frame = new byte[200];
        assertEquals(200, q.pollFrame(frame, 0, 200));
        assertArrayEquals(pattern(5, 200), frame);

        assertTrue(trim(q, consumerTrims));
        long pos = q.producerPosition();
        assertTrue(q.offer(ByteBuffer.wrap(pattern(pos, 300))));
        readExpect(q, 300);

        if (!consumerTrims) { // write views are not for consumer-trimming queues
            assertTrue(trim(q, consumerTrims));
            ByteBuffer[] views = new ByteBuffer[4];
            int n = q.writeViews(views, 400);
            scatter(views, n, pattern(q.producerPosition(), 400));
            q.commitWrite(400);
            readExpect(q, 400);
        }
        assertTrue(trim(q, consumerTrims));
        assertEquals(0, pool.outstandingPages());
    }

    @Test
    void trimAsProducerAlsoReturnsPagesTakenForUncommittedWriteViews() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        ByteBuffer[] views = new ByteBuffer[8];
        int n = q.writeViews(views, 1000);
        assertEquals(4, n);
        assertEquals(4, pool.outstandingPages());
        q.commitWrite(0); // the read found nothing
        assertTrue(q.trimAsProducer());
        assertEquals(0, pool.outstandingPages());
        write(q, 10);
        readExpect(q, 10);
    }

    @Test
    void trimAsConsumerNeedsConsumerTrimsMode() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 100);
        readExpect(q, 100);
        assertThrows(IllegalStateException.class, q::trimAsConsumer);
        assertTrue(q.holdsPages(), "a refused trim changes nothing");
        assertEquals(1, pool.outstandingPages());
        write(q, 50);
        readExpect(q, 50);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void repeatedWriteReadTrimCyclesReusePagesAndLeakNone(boolean consumerTrims) {
        PagedByteQueue q = new PagedByteQueue(pool, 1500, consumerTrims);
        Random rnd = new Random(0xB0FF_0003L);
        long allocated = -1;
        for (int i = 0; i < 20_000; i++) {
            int n = rnd.nextInt(1501);
            write(q, n);
            readExpect(q, n);
            assertTrue(trim(q, consumerTrims));
            assertEquals(0, pool.outstandingPages());
            if (i == 100) {
                allocated = pool.allocatedPages();
            }
        }
        assertEquals(allocated, pool.allocatedPages(), "trimmed pages go back to the pool and come out again");
    }

    // ---------------------------------------------------------------- clear and reset

    @Test
    void clearReturnsEveryPageAndRewinds() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 700);
        readExpect(q, 100);
        ByteBuffer[] views = new ByteBuffer[8];
        q.writeViews(views, 300); // pages taken for a read that never commits
        assertTrue(pool.outstandingPages() > 0);
        q.clear();
        assertEquals(0, pool.outstandingPages());
        assertFalse(q.holdsPages());
        assertEquals(0, q.readable());
        assertEquals(0, q.size());
        assertEquals(1000, q.writable());
        assertEquals(0, q.producerPosition());
        assertEquals(0, q.consumerPosition());
        assertEquals(0, q.publishedReadPosition());
        write(q, 1000);
        readExpect(q, 1000);
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void clearMidStreamThenReuse(boolean consumerTrims) {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, consumerTrims);
        for (int i = 0; i < 100; i++) {
            write(q, 1 + i * 9);
            readExpect(q, i * 4);
            q.clear();
            assertEquals(0, pool.outstandingPages());
            assertFalse(q.holdsPages());
        }
    }

    @Test
    void resetChangesTheCapacityAndReturnsEveryPage() {
        PagedByteQueue q = new PagedByteQueue(pool, 1000, false);
        write(q, 900);
        readExpect(q, 10);
        q.reset(5000);
        assertEquals(0, pool.outstandingPages());
        assertEquals(5000, q.capacity());
        assertEquals(5000, q.writable());
        write(q, 5000);
        assertFalse(q.offer(new byte[1], 0, 1));
        assertEquals(20, pool.outstandingPages());
        readExpect(q, 5000);

        q.reset(10);
        assertEquals(0, pool.outstandingPages());
        assertEquals(10, q.capacity());
        assertFalse(q.offer(new byte[11], 0, 11));
        write(q, 10);
        readExpect(q, 10);

        q.reset(100_000); // a much larger table
        write(q, 100_000);
        readExpect(q, 100_000);
        q.reset(1000); // and back to a small one
        write(q, 1000);
        readExpect(q, 1000);
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    // ---------------------------------------------------------------- model test

    /**
     * Random operations of every kind checked against a model of the stream (the unread
     * bytes) and of the pages the queue should hold: a page is taken when the producer
     * first writes into it (or exposes it through write views) and returned when the
     * consumer reads past its end, or when a trim empties the queue.
     */
    @ParameterizedTest
    @CsvSource({"1, false", "3, true", "255, false", "256, true", "257, false", "1000, true", "1000, false",
        "1024, false", "4096, true", "5000, false"})
    void randomOperationsAgreeWithAModel(int capacity, boolean consumerTrims) {
        PagedByteQueue q = new PagedByteQueue(pool, capacity, consumerTrims);
        Random rnd = new Random(0xB0FF_1000L + capacity * 2L + (consumerTrims ? 1 : 0));
        int ringSize = Integer.highestOneBit(capacity) * 2;
        byte[] model = new byte[ringSize]; // model[pos & (ringSize - 1)] = byte at pos, for unread pos
        long[] w = {0};
        long r = 0;
        TreeSet<Long> held = new TreeSet<>();
        ByteBuffer[] views = new ByteBuffer[1 + rnd.nextInt(6)];
        for (int op = 0; op < 20_000; op++) {
            int free = (int) (capacity - (w[0] - r));
            int unread = (int) (w[0] - r);
            String what;
            switch (rnd.nextInt(12)) {
                case 0:
                case 1: {
                    what = "offer(byte[])";
                    int len = rnd.nextInt(capacity + 2);
                    byte[] data = randomBytes(rnd, len);
                    boolean fits = len <= free;
                    assertEquals(fits, q.offer(data, 0, len), what);
                    if (fits) {
                        append(model, w, held, data);
                    }
                    break;
                }
                case 2: {
                    what = "offer(ByteBuffer)";
                    int len = rnd.nextInt(capacity + 2);
                    byte[] data = randomBytes(rnd, len);
                    ByteBuffer src = rnd.nextBoolean() ? ByteBuffer.allocateDirect(len + 2) : ByteBuffer.allocate(len + 2);
                    src.position(1);
                    src.put(data).flip().position(1);
                    boolean fits = len <= free;
                    assertEquals(fits, q.offer(src), what);
                    assertEquals(fits ? 0 : len, src.remaining(), what);
                    if (fits) {
                        append(model, w, held, data);
                    }
                    break;
                }
                case 3: {
                    what = "offerInt / offerFrame";
                    if (rnd.nextBoolean()) {
                        int v = rnd.nextInt();
                        assertEquals(free >= 4, q.offerInt(v), what);
                        if (free >= 4) {
                            append(model, w, held, ByteBuffer.allocate(4).putInt(v).array());
                        }
                    } else {
                        int len = rnd.nextInt(Math.max(1, capacity / 2));
                        byte[] data = randomBytes(rnd, len);
                        boolean fits = 4 + len <= free;
                        assertEquals(fits, q.offerFrame(ByteBuffer.wrap(data)), what);
                        if (fits) {
                            append(model, w, held, ByteBuffer.allocate(4 + len).putInt(len).put(data).array());
                        }
                    }
                    break;
                }
                case 4: {
                    what = "writeViews";
                    if (consumerTrims) {
                        continue; // not for consumer-trimming queues
                    }
                    int max = rnd.nextInt(capacity + 2);
                    int n = q.writeViews(views, max);
                    int exposed = totalRemaining(views, 0, n);
                    assertTrue(exposed <= Math.min(max, free), what);
                    if (n < views.length) {
                        assertEquals(Math.min(max, free), exposed, what);
                    }
                    for (long page = w[0] >>> SHIFT; exposed > 0 && page <= (w[0] + exposed - 1) >>> SHIFT; page++) {
                        held.add(page);
                    }
                    byte[] data = randomBytes(rnd, exposed == 0 ? 0 : rnd.nextInt(exposed + 1));
                    scatter(views, n, data);
                    q.commitWrite(data.length);
                    append(model, w, held, data);
                    break;
                }
                case 5:
                case 6: {
                    what = "poll(byte[])";
                    int len = rnd.nextInt(capacity + 2);
                    byte[] dst = new byte[len];
                    int n = q.poll(dst, 0, len);
                    assertEquals(Math.min(len, unread), n, what);
                    assertArrayEquals(expected(model, r, n), Arrays.copyOf(dst, n), what);
                    r = consume(r, n, held);
                    break;
                }
                case 7: {
                    what = "poll(ByteBuffer)";
                    int len = rnd.nextInt(capacity + 2);
                    ByteBuffer dst = rnd.nextBoolean() ? ByteBuffer.allocateDirect(len) : ByteBuffer.allocate(len);
                    int n = q.poll(dst);
                    assertEquals(Math.min(len, unread), n, what);
                    byte[] got = new byte[n];
                    dst.flip();
                    dst.get(got);
                    assertArrayEquals(expected(model, r, n), got, what);
                    r = consume(r, n, held);
                    break;
                }
                case 8: {
                    what = "readViews + commitRead";
                    long max = rnd.nextInt(capacity + 2);
                    int offset = rnd.nextInt(views.length);
                    int n = q.readViews(views, offset, max);
                    int exposed = totalRemaining(views, offset, n);
                    assertTrue(exposed <= Math.min(max, unread), what);
                    if (offset + n < views.length) {
                        assertEquals(Math.min(max, unread), exposed, what);
                    }
                    assertArrayEquals(expected(model, r, exposed), gather(views, offset, n), what);
                    int k = exposed == 0 ? 0 : rnd.nextInt(exposed + 1);
                    q.commitRead(k);
                    r = consume(r, k, held);
                    break;
                }
                case 9: {
                    what = "peekInt / pollInt";
                    if (unread < 4) {
                        assertThrows(IllegalStateException.class, q::peekInt, what);
                        break;
                    }
                    int v = ByteBuffer.wrap(expected(model, r, 4)).getInt();
                    assertEquals(v, q.peekInt(), what);
                    if (rnd.nextBoolean()) {
                        assertEquals(v, q.pollInt(), what);
                        r = consume(r, 4, held);
                    }
                    break;
                }
                case 10: {
                    what = "trim";
                    boolean empty = w[0] == r;
                    assertEquals(empty, trim(q, consumerTrims), what);
                    if (empty) {
                        held.clear();
                    }
                    break;
                }
                default: {
                    what = "reset";
                    if (rnd.nextInt(20) != 0) {
                        continue;
                    }
                    q.reset(capacity);
                    w[0] = 0;
                    r = 0;
                    held.clear();
                    break;
                }
            }
            String at = " after op " + op + " (" + what + ")";
            assertEquals(w[0], q.producerPosition(), "producerPosition" + at);
            assertEquals(r, q.consumerPosition(), "consumerPosition" + at);
            assertEquals(r, q.publishedReadPosition(), "publishedReadPosition" + at);
            assertEquals(w[0] - r, q.readable(), "readable" + at);
            assertEquals(capacity - (w[0] - r), q.writable(), "writable" + at);
            assertEquals(held.size(), pool.outstandingPages(), "pages held" + at + ", expected " + held);
            assertEquals(!held.isEmpty(), q.holdsPages(), "holdsPages" + at);
        }
        q.clear();
        assertEquals(0, pool.outstandingPages());
    }

    private static byte[] randomBytes(Random rnd, int len) {
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        return b;
    }

    /** Model: the producer appended {@code data}; pages it wrote into are now held. */
    private static void append(byte[] model, long[] w, TreeSet<Long> held, byte[] data) {
        int mask = model.length - 1;
        for (long page = w[0] >>> SHIFT; data.length > 0 && page <= (w[0] + data.length - 1) >>> SHIFT; page++) {
            held.add(page);
        }
        for (byte b : data) {
            model[(int) (w[0]++ & mask)] = b;
        }
    }

    private static byte[] expected(byte[] model, long from, int len) {
        byte[] out = new byte[len];
        int mask = model.length - 1;
        for (int i = 0; i < len; i++) {
            out[i] = model[(int) ((from + i) & mask)];
        }
        return out;
    }

    /** Model: the consumer consumed {@code n} bytes from {@code r}; pages it passed are returned. */
    private static long consume(long r, int n, TreeSet<Long> held) {
        long to = r + n;
        held.headSet(to >>> SHIFT, false).clear();
        return to;
    }
}
