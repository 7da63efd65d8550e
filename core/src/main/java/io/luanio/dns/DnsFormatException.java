package io.luanio.dns;

/**
 * A DNS message that cannot be decoded: truncated, a bad compression pointer, a label or
 * name over its limit, a record whose data does not fit its type. The codec throws
 * nothing else for any input.
 */
final class DnsFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    DnsFormatException(String message) {
        super(message, null, false, false); // no stack trace: garbage from the network is routine
    }
}
