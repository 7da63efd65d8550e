/**
 * The event ring alone: one producer thread and one consumer thread passing 4-field
 * records through {@link io.luanio.ring.EventRing}, against an allocation-free
 * {@link java.util.concurrent.ArrayBlockingQueue} design
 * ({@link io.luanio.jmh.ring.EventRingBenchmark}).
 */
package io.luanio.jmh.ring;
