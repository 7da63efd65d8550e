/**
 * luanio: every socket of a program on one {@code java.nio} selector thread.
 *
 * <h2>The pieces</h2>
 * <pre>
 *  owner threads (Lua scripts, Java code)          loop thread (one per EventLoop)
 *  --------------------------------------          ------------------------------------
 *  Context.connect/listen/close/timers  --cmd--&gt;   run commands
 *  Context.lookup                       --cmd--&gt;   resolve (DNS queries on the selector)
 *  Context.send      -- bytes into send queue  --&gt;  run socket signals (send, recv ack, close)
 *  Context.recv      &lt;-- bytes from recv queue --   select; read into recv queues,
 *                                                    write from send queues
 *  Context.poll/next &lt;-- event ring -------------   fire timers; publish events; wake owners
 * </pre>
 *
 * <ul>
 * <li>{@link io.luanio.EventLoop}: starts and stops the loop thread, creates contexts.</li>
 * <li>{@link io.luanio.Context}: one consumer's sockets, timers and event ring; its thread
 *     contract is on the class.</li>
 * <li>{@link io.luanio.EventType}, {@link io.luanio.ErrorCode}, {@link io.luanio.SocketType},
 *     {@link io.luanio.SocketOptions}: the numbers, equal to the Luat module's.</li>
 * </ul>
 *
 * <p>Package-private classes are the implementation: {@code Loop} (the duty cycle),
 * {@code SocketTable} and {@code Slot} (ids and per-socket state), {@code TcpIo},
 * {@code UdpIo}, {@code ListenerIo}, {@code TlsIo} (one handler per socket kind; TLS is TCP
 * plus an {@code SSLEngine} state machine, with {@code TlsState} per socket,
 * {@code TlsSetup} for engines and cached {@code SSLContext}s, {@code NetBuffers} for the
 * pooled ciphertext buffers; the server side of TLS listeners is {@code TlsListener} (its
 * contexts, one per certificate), {@code ClientHelloSni} (the name a client asks for) and
 * {@code TlsAccept} (from accept to {@code ACCEPT_IND})), {@code NameConnect} (connecting to a host name: lookups,
 * then Happy Eyeballs). TLS settings and PEM parsing are public in {@link io.luanio.tls};
 * names are resolved by {@link io.luanio.dns.Resolver}, which the loop owns, and
 * {@link io.luanio.Context#lookup} is its API for callers.
 */
package io.luanio;
