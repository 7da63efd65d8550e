/**
 * Lock-free queues that carry work between threads without allocating.
 *
 * <h2>Memory ordering</h2>
 * The queues follow Dmitry Vyukov's bounded array designs. Every cell has a sequence
 * number; a producer claims a position (a CAS on the producer index when there are
 * several producers), stores the element with an ordered store ({@code lazySet}), then
 * publishes the cell by storing its new sequence number with an ordered store. A consumer
 * reads the sequence with a volatile load before the element, so it never sees a
 * half-written cell. A cell whose position is claimed but not yet published reads as
 * "empty": consumers never wait for a producer, so a producer thread that is descheduled
 * mid-offer can delay its own element but never blocks the consumer.
 *
 * <p>{@link io.luanio.ring.EventRing} is the single-producer/single-consumer case: the
 * producer and consumer indexes are published with ordered stores and live on separate
 * cache lines, and the producer caches the consumer's index so that it reads the
 * consumer's cache line only when the ring looks full.
 */
package io.luanio.ring;
