package io.luanio;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;

/**
 * Short, stable reasons for TLS failures: {@code Context.reason} reads
 * {@code "tls: " + describe(e)}. The JDK's messages name internal classes and nest three
 * deep; the first words here say what happened, the JDK's innermost message follows.
 */
final class TlsFailures {
    private TlsFailures() {
    }

    static String describe(SSLException e) {
        Throwable innermost = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            innermost = t;
            if (t instanceof CertificateExpiredException) {
                return "certificate expired (" + message(t) + ")";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "certificate not yet valid (" + message(t) + ")";
            }
            if (t instanceof CertPathBuilderException) {
                return "certificate not trusted: unknown CA (" + message(t) + ")";
            }
            if (t instanceof CertPathValidatorException && t.getCause() == null) {
                return "certificate not trusted (" + message(t) + ")";
            }
            String m = t.getMessage();
            if (m != null && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
                return "host name mismatch (" + m + ")";
            }
        }
        String top = message(e);
        String inner = message(innermost);
        return innermost == e || top.endsWith(inner) ? top : top + " (" + inner + ")";
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isEmpty()) {
            return t.getClass().getSimpleName();
        }
        int colon = m.indexOf(": ");
        // "sun.security...Exception: text" -> "text"
        if (colon > 0 && m.substring(0, colon).indexOf(' ') < 0 && m.substring(0, colon).indexOf('.') > 0) {
            m = m.substring(colon + 2);
        }
        return m;
    }
}
