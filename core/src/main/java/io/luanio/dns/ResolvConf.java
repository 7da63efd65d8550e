package io.luanio.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A parsed {@code resolv.conf} ({@code resolv.conf(5)}, as glibc reads it): the first
 * three {@code nameserver} lines (IP literals, port 53), {@code search} and
 * {@code domain} (the last such line wins; up to 6 domains), and the {@code options}
 * {@code ndots:n} (capped at 15), {@code timeout:n} (seconds, capped at 30),
 * {@code attempts:n} (capped at 5) and {@code rotate}. {@code #} and {@code ;} start
 * comments; unknown keywords and options are ignored. Pure: text in, values out; a value
 * the file does not set stays unset (-1), so it does not override a programmatic one.
 */
final class ResolvConf {
    static final int MAX_SERVERS = 3;
    static final int MAX_SEARCH = 6;
    static final int DNS_PORT = 53;

    final List<InetSocketAddress> servers;
    /** Null when no {@code search} or {@code domain} line. */
    final List<String> search;
    final int ndots;
    final int timeoutSeconds;
    final int attempts;
    /** 1 when {@code options rotate}, -1 when unset. */
    final int rotate;

    private ResolvConf(List<InetSocketAddress> servers, List<String> search, int ndots, int timeoutSeconds, int attempts,
                       int rotate) {
        this.servers = Collections.unmodifiableList(servers);
        this.search = search == null ? null : Collections.unmodifiableList(search);
        this.ndots = ndots;
        this.timeoutSeconds = timeoutSeconds;
        this.attempts = attempts;
        this.rotate = rotate;
    }

    static ResolvConf parse(CharSequence text) {
        List<InetSocketAddress> servers = new ArrayList<>();
        List<String> search = null;
        int ndots = -1;
        int timeout = -1;
        int attempts = -1;
        int rotate = -1;
        for (String line : text.toString().split("\n", -1)) {
            int comment = firstOf(line, '#', ';');
            if (comment >= 0) {
                line = line.substring(0, comment);
            }
            String[] fields = line.trim().split("[ \t\r\f]+");
            if (fields.length < 2) {
                continue;
            }
            switch (fields[0]) {
                case "nameserver": {
                    InetAddress address = IpLiterals.parse(fields[1]);
                    if (address != null && servers.size() < MAX_SERVERS) {
                        servers.add(new InetSocketAddress(address, DNS_PORT));
                    }
                    break;
                }
                case "domain":
                    search = domains(fields, 1, 2);
                    break;
                case "search":
                    search = domains(fields, 1, fields.length);
                    break;
                case "options":
                    for (int i = 1; i < fields.length; i++) {
                        String option = fields[i];
                        if (option.equals("rotate")) {
                            rotate = 1;
                        } else if (option.startsWith("ndots:")) {
                            ndots = number(option, 15, ndots);
                        } else if (option.startsWith("timeout:")) {
                            timeout = atLeastOne(number(option, 30, timeout));
                        } else if (option.startsWith("attempts:")) {
                            attempts = atLeastOne(number(option, 5, attempts));
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        return new ResolvConf(servers, search, ndots, timeout, attempts, rotate);
    }

    private static List<String> domains(String[] fields, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to && out.size() < MAX_SEARCH; i++) {
            String domain = HostsFile.key(fields[i]);
            if (!domain.isEmpty() && DnsCodec.checkName(domain) == null && !out.contains(domain)) {
                out.add(domain.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** The number after the colon, capped; {@code fallback} when it is not a number. */
    private static int number(String option, int cap, int fallback) {
        String digits = option.substring(option.indexOf(':') + 1);
        if (digits.isEmpty()) {
            return fallback;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return fallback;
            }
            value = Math.min(cap, value * 10 + (c - '0'));
        }
        return (int) value;
    }

    private static int atLeastOne(int value) {
        return value < 0 ? value : Math.max(1, value);
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
