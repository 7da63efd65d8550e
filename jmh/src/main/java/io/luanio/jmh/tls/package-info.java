/**
 * TLS through the loop: request/response and bulk echo over one TLS 1.3 connection,
 * luanio's {@code SocketType.SSL} against a hand-written SSLEngine + java.nio client on the
 * same echo server ({@link io.luanio.jmh.tls.TlsBenchmark}).
 */
package io.luanio.jmh.tls;
