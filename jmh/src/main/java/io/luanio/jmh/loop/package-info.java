/**
 * The event loop end to end: latency-bound round trips over loopback, luanio's Java API
 * against a hand-written java.nio client on the same echo server.
 */
package io.luanio.jmh.loop;
