package io.luanio.lua.poc;

import java.util.Locale;

/** The module's short, stable error strings (SPEC.md section 4), from core reasons. */
final class Errors {
    static final String TIMEOUT = "timeout";
    static final String EOF = "EOF";
    static final String REFUSED = "connection refused";
    static final String CLOSED = "closed";
    static final String NO_SUCH_HOST = "no such host";
    static final String NOT_CONNECTED = "not connected";

    private Errors() {
    }

    /** Maps a core failure reason to the module's vocabulary. */
    static String of(String reason) {
        if (reason == null) {
            return CLOSED;
        }
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.startsWith("tls:")) {
            return reason;
        }
        if (r.contains("refused")) {
            return REFUSED;
        }
        if (r.contains("timed out")) {
            return TIMEOUT;
        }
        if (r.contains("no such host") || r.contains("nxdomain") || r.contains("host names are not resolved")
            || r.contains("unknown host")) {
            return NO_SUCH_HOST;
        }
        if (r.contains("reset")) {
            return "connection reset";
        }
        return r;
    }
}
