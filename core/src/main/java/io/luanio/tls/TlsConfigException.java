package io.luanio.tls;

/**
 * TLS material or settings that cannot be used: a malformed or encrypted PEM key, a
 * certificate that does not parse, a key that does not belong to its certificate, a
 * protocol or ALPN the JVM lacks. The message names the offending option and says what is
 * wrong, in one line, e.g. {@code "clientKey: encrypted private keys are not supported
 * (store it unencrypted: openssl pkcs8 -topk8 -nocrypt -in key.pem)"}.
 *
 * <p>{@code Context.connect} does not throw it: there the same message becomes the
 * socket's {@code reason} (prefixed {@code "tls: "}) with {@code CONN_CNF} result 1 and
 * {@code ERR_SSL_EINIT}. {@link TlsOptions#validate()} and {@link Pem} throw it for callers
 * that want to check material up front.
 */
public final class TlsConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the option
     */
    public TlsConfigException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong, naming the option
     * @param cause the underlying failure
     */
    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
