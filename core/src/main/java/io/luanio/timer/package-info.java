/**
 * The loop's one timer structure: connect and handshake timeouts, DNS retries, script timers.
 *
 * <p>{@link io.luanio.timer.TimerHeap} is a binary min-heap over parallel primitive arrays,
 * addressed by {@code long} handles that carry a generation, so a handle kept after its
 * timer fired or was cancelled never reaches a timer scheduled later in the same entry.
 * Deadlines are {@link System#nanoTime()} values compared overflow-safely
 * ({@code a - b < 0}). Scheduling, cancelling and expiring allocate nothing once the
 * arrays have grown to the working size. Loop thread only.
 */
package io.luanio.timer;
