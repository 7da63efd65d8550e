/**
 * luanio's JMH benchmarks, one package per question, each case beside its hand-written
 * baseline in the same class so one run measures both.
 *
 * <ul>
 * <li>{@code io.luanio.jmh.loop}: the event loop end to end over loopback
 *     ({@link io.luanio.jmh.loop.RequestResponseBenchmark}).</li>
 * <li>{@code io.luanio.jmh.dns}: cached lookups and the DNS codec
 *     ({@link io.luanio.jmh.dns.CachedLookupBenchmark}, {@link io.luanio.jmh.dns.CodecBenchmark}).</li>
 * <li>{@code io.luanio.jmh.tls}: TLS through the loop, request/response and bulk
 *     ({@link io.luanio.jmh.tls.TlsBenchmark}).</li>
 * </ul>
 *
 * <h2>Running</h2>
 * <pre>
 * mvn -B -q install -DskipTests                 # builds jmh/target/benchmarks.jar
 * java -jar jmh/target/benchmarks.jar RequestResponseBenchmark -prof gc
 * java -jar jmh/target/benchmarks.jar -l        # lists every benchmark
 * </pre>
 * {@code -prof gc} adds {@code gc.alloc.rate.norm}: bytes allocated per operation by every
 * thread of the benchmark JVM (the loop and the echo server included), the number that
 * must stay at about 0 for luanio.
 *
 * <p>Shared settings live on {@link io.luanio.jmh.BenchmarkBase}.
 */
package io.luanio.jmh;
