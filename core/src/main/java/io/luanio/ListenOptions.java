package io.luanio;

import io.luanio.tls.TlsServerOptions;

/**
 * Optional settings of one {@link Context#listen(String, int, int, ListenOptions)}. Setters
 * return {@code this}.
 *
 * <pre>{@code
 * TlsServerOptions tls = new TlsServerOptions().certificate(chainPem, keyPem);
 * int listener = ctx.listen("127.0.0.1", 8443, 128, new ListenOptions().tls(tls));
 * }</pre>
 */
public final class ListenOptions {
    TlsServerOptions tls;

    /** Creates options with every value unset: a plain TCP listener. */
    public ListenOptions() {
    }

    /**
     * Makes the listener's accepted connections speak TLS as the server. Each is announced
     * by its {@code ACCEPT_IND} only once its handshake is done; a connection whose
     * handshake fails is closed without any event (see {@link Context#listen(String, int, int, ListenOptions)}).
     *
     * @param options the server's certificates and settings, or null for plain TCP
     * @return this
     */
    public ListenOptions tls(TlsServerOptions options) {
        this.tls = options;
        return this;
    }

    /** @return the TLS settings, or null for plain TCP */
    public TlsServerOptions tls() {
        return tls;
    }
}
