/**
 * The event loop end to end over loopback: N lockstep request/response connections
 * ({@link io.luanio.jmh.loop.RequestResponseBenchmark}; {@code connections=1} is the
 * single-connection round trip), luanio's Java API against a hand-written java.nio client
 * on the same echo server.
 */
package io.luanio.jmh.loop;
