package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Context timers: one-shot, restart, stop, limits, order. */
class TimerTest {

    @Test
    void aTimerFiresOnceWithItsId() {
        try (Harness h = new Harness()) {
            long start = System.nanoTime();
            assertTrue(h.ctx.startTimer(0x20000001L, 50));
            Event ev = h.expect(EventType.TIMER, -1, 0);
            assertEquals(0x20000001L, ev.value());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(45), "fired early");
            h.expectQuiet(150);
        }
    }

    @Test
    void restartingMovesTheDeadlineAndFiresOnce() {
        try (Harness h = new Harness()) {
            assertTrue(h.ctx.startTimer(7, 10_000));
            assertTrue(h.ctx.startTimer(7, 30));
            assertEquals(7, h.expect(EventType.TIMER, -1, 0).value());
            h.expectQuiet(200);
            assertTrue(h.ctx.startTimer(8, 20));
            assertTrue(h.ctx.startTimer(8, 300));
            h.expectQuiet(150);
            assertEquals(8, h.expect(EventType.TIMER, -1, 0).value());
        }
    }

    @Test
    void stoppedTimersDoNotFire() {
        try (Harness h = new Harness()) {
            assertTrue(h.ctx.startTimer(1, 40));
            h.ctx.stopTimer(1);
            h.ctx.stopTimer(424242); // unknown: nothing happens
            h.expectQuiet(200);
        }
    }

    @Test
    void timersFireInDeadlineOrder() {
        try (Harness h = new Harness()) {
            h.ctx.startTimer(3, 90);
            h.ctx.startTimer(1, 30);
            h.ctx.startTimer(2, 60);
            h.ctx.startTimer(0, 0);
            for (long expected = 0; expected < 4; expected++) {
                assertEquals(expected, h.expect(EventType.TIMER, -1, 0).value());
            }
        }
    }

    @Test
    void theTimerLimitIsPerContextAndFreedByFiringAndStopping() {
        try (Harness h = new Harness(new EventLoopConfig(), new ContextConfig().maxTimers(2))) {
            assertTrue(h.ctx.startTimer(1, 50));
            assertTrue(h.ctx.startTimer(2, 10_000));
            assertFalse(h.ctx.startTimer(3, 10), "a third running timer is refused");
            assertTrue(h.ctx.startTimer(2, 10_000), "restarting a running one is not a new timer");
            assertFalse(h.ctx.startTimer(4, -1), "a negative delay is refused");
            assertEquals(1, h.expect(EventType.TIMER, -1, 0).value());
            assertTrue(h.ctx.startTimer(3, 10), "a fired timer frees its place");
            assertEquals(3, h.expect(EventType.TIMER, -1, 0).value());
            h.ctx.stopTimer(2);
            assertTrue(h.ctx.startTimer(5, 10));
            assertTrue(h.ctx.startTimer(6, 10), "a stopped timer frees its place");
            Context other = h.loop.newContext(new ContextConfig().maxTimers(2));
            assertTrue(other.startTimer(1, 10_000), "the limit is per context");
            other.close();
        }
    }

    @Test
    void aRestartAfterFiringCountsAndDeliversTheStaleEvent() {
        try (Harness h = new Harness(new EventLoopConfig(), new ContextConfig().maxTimers(1))) {
            assertTrue(h.ctx.startTimer(9, 0));
            h.loop.close(); // not used further: just make sure nothing below depends on timing
        }
        try (Harness h = new Harness(new EventLoopConfig(), new ContextConfig().maxTimers(1))) {
            assertTrue(h.ctx.startTimer(9, 0));
            // Let it fire (the event waits in the ring), then restart it before reading.
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertTrue(h.ctx.startTimer(9, 100));
            assertEquals(9, h.expect(EventType.TIMER, -1, 0).value(), "the first firing is delivered");
            assertFalse(h.ctx.startTimer(10, 10), "the restarted timer still runs and holds the only place");
            assertEquals(9, h.expect(EventType.TIMER, -1, 0).value());
            assertTrue(h.ctx.startTimer(10, 10));
        }
    }
}
