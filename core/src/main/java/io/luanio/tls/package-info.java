/**
 * TLS settings and PEM material for {@code SocketType.SSL} sockets and TLS listeners.
 *
 * <ul>
 * <li>{@link io.luanio.tls.TlsOptions}: trust, verification, SNI, client certificate,
 *     ALPN, versions, handshake timeout; passed with {@code ConnectOptions.tls(...)}.</li>
 * <li>{@link io.luanio.tls.TlsServerOptions}: a TLS listener's certificate, virtual hosts
 *     chosen by SNI, client certificates asked for or required, ALPN, versions, handshake
 *     timeout; passed with {@code ListenOptions.tls(...)}.</li>
 * <li>{@link io.luanio.tls.Pem}: certificates and private keys from PEM strings
 *     (PKCS#8, PKCS#1 RSA, SEC1 EC) with {@code java.base} alone.</li>
 * <li>{@link io.luanio.tls.TlsConfigException}: material that cannot be used, with a
 *     one-line reason naming the option.</li>
 * </ul>
 *
 * <h2>Decisions</h2>
 * <ul>
 * <li><b>Verified by default.</b> The core verifies the chain (trust anchors, validity
 *     dates, key usage: the JDK's PKIX rules) and the host name (HTTPS rules; an IP address
 *     must appear as an IP entry) unless {@code verify(false)} is called. Bindings choose
 *     their own default and say so in SPEC.md ({@code socketcore} follows the module:
 *     {@link io.luanio.tls.TlsOptions#socketcore}).</li>
 * <li><b>One SSLContext per distinct material</b>, built on the caller's thread inside
 *     {@code connect} (loading the JDK's trust store takes tens of milliseconds; the loop
 *     never does it) and cached, bounded, for every later connect on any loop.</li>
 * <li><b>The client certificate is offered whenever the server asks</b> and the key type
 *     fits, whichever CAs the server names, as embedded TLS stacks do.</li>
 * <li><b>Encrypted keys are refused</b>: scripts pass key text, not passwords.</li>
 * <li><b>One server {@code SSLContext} per certificate.</b> A listener with virtual hosts
 *     reads the name from the client's ClientHello and takes the engine from that host's
 *     own context, so session caches and ticket keys never cross hosts (the JDK's TLS 1.3
 *     server would otherwise resume a session made for one name under another).</li>
 * <li><b>An accepted TLS connection is announced after its handshake</b>; one whose
 *     handshake fails is closed without any event.</li>
 * </ul>
 *
 * <p>The state machine that drives each {@code SSLEngine} on the loop lives in
 * {@code io.luanio} ({@code TlsIo}); its notes are there.
 */
package io.luanio.tls;
