/**
 * luanio's JMH benchmarks, one package per question, each case beside its hand-written
 * baseline in the same class so one run measures both.
 *
 * <ul>
 * <li>{@code io.luanio.jmh.loop}: the event loop end to end over loopback: lockstep
 *     request/response on 1 to 1000 connections
 *     ({@link io.luanio.jmh.loop.RequestResponseBenchmark}), one-way bulk
 *     ({@link io.luanio.jmh.loop.BulkBenchmark}) and connection set-up
 *     ({@link io.luanio.jmh.loop.ConnectBenchmark}).</li>
 * <li>{@code io.luanio.jmh.tls}: TLS through the loop: request/response and bulk
 *     ({@link io.luanio.jmh.tls.TlsBenchmark}), handshakes
 *     ({@link io.luanio.jmh.tls.TlsHandshakeBenchmark}).</li>
 * <li>{@code io.luanio.jmh.dns}: cached lookups and the DNS codec
 *     ({@link io.luanio.jmh.dns.CachedLookupBenchmark}, {@link io.luanio.jmh.dns.CodecBenchmark}).</li>
 * <li>{@code io.luanio.jmh.lua}: the LuaJ binding's two socket APIs against the Java API
 *     ({@link io.luanio.jmh.lua.LuaRoundTripBenchmark}).</li>
 * <li>{@code io.luanio.jmh.ring}: the event ring alone, two threads
 *     ({@link io.luanio.jmh.ring.EventRingBenchmark}).</li>
 * </ul>
 *
 * <h2>Running</h2>
 * <pre>
 * mvn -B -q -pl core,lua-binding,jmh install -DskipTests    # builds jmh/target/benchmarks.jar
 * java -jar jmh/target/benchmarks.jar -prof gc               # the whole suite
 * java -jar jmh/target/benchmarks.jar BulkBenchmark -prof gc # one class
 * java -jar jmh/target/benchmarks.jar -lp                    # lists every benchmark and its params
 * java -cp jmh/target/benchmarks.jar io.luanio.jmh.RatioRunner BulkBenchmark   # interleaved ratio
 * </pre>
 * {@code -prof gc} adds {@code gc.alloc.rate.norm}: bytes allocated per operation by every
 * thread of the benchmark JVM (the loop and the servers included), the number that must
 * stay at about 0 for luanio's steady-state send and receive.
 *
 * <p>On a shared machine, {@link io.luanio.jmh.RatioRunner} measures luanio against its
 * baseline in alternating short forks, so load that drifts during a run does not land on
 * one side only.
 *
 * <p>Shared settings live on {@link io.luanio.jmh.BenchmarkBase}; {@code jmh/README.md}
 * has the table of what each class measures and the full-suite command.
 */
package io.luanio.jmh;
