/**
 * TLS through the loop, luanio's {@code SocketType.SSL} against a hand-written SSLEngine +
 * java.nio client on the same JDK echo server ({@link io.luanio.jmh.tls.TlsEchoServer}):
 * request/response and bulk echo over one TLS 1.3 connection
 * ({@link io.luanio.jmh.tls.TlsBenchmark}), and connection set-up, full or resumed
 * handshakes ({@link io.luanio.jmh.tls.TlsHandshakeBenchmark}); and request/response over
 * many TLS connections at once ({@link io.luanio.jmh.tls.TlsRequestResponseBenchmark})
 * against a one-thread SSLEngine echo server ({@link io.luanio.jmh.tls.TlsLoopEchoServer}),
 * where the loop carries the TLS work of every socket.
 */
package io.luanio.jmh.tls;
